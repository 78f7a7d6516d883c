/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * The launch of an AMD SEV-ES guest (AMD 55766, chapter 6): once the domain
 * builder has written the guest's boot images and set its vCPUs' initial
 * state, and before the guest first runs, Xen's SEV firmware driver encrypts
 * those images in place (LAUNCH_UPDATE_DATA) and the vCPU state into the
 * VMSAs (LAUNCH_UPDATE_VMSA), and the firmware measures them.  libxl keeps
 * the measurement in xenstore for libxl_domain_sev_measurement().
 */

#include "libxl_osdeps.h" /* must come before any other headers */

#include "libxl_internal.h"
#include "libxl_sev_api.h"

/*
 * The policy used when xl.cfg has no coco_policy: an SEV-ES guest (ES) that
 * the host cannot debug (NODBG).
 */
#define SEV_ES_POLICY_DEFAULT (SEV_POLICY_NODBG_MASK | SEV_POLICY_ES_MASK)

#define PAGE_SHIFT_4K 12

/* Add the frames of [addr, addr + len) to the ranges to encrypt. */
static void add_range(libxl__gc *gc, libxl__domain_build_state *state,
                      uint64_t addr, uint64_t len)
{
    libxl__sev_range *r;

    if (!len)
        return;

    GCREALLOC_ARRAY(state->sev_ranges, state->sev_nr_ranges + 1);
    r = &state->sev_ranges[state->sev_nr_ranges++];
    r->gfn = addr >> PAGE_SHIFT_4K;
    r->nr_frames = ((addr + len + (1ULL << PAGE_SHIFT_4K) - 1) >> PAGE_SHIFT_4K)
                   - r->gfn;
}

static int range_cmp(const void *a, const void *b)
{
    const libxl__sev_range *x = a, *y = b;

    return x->gfn < y->gfn ? -1 : x->gfn > y->gfn;
}

void libxl__sev_add_range(libxl__gc *gc, libxl__domain_build_state *state,
                          uint64_t gfn, uint64_t nr_frames)
{
    add_range(gc, state, gfn << PAGE_SHIFT_4K, nr_frames << PAGE_SHIFT_4K);
}

/*
 * Sort the ranges and merge those that overlap or touch: LAUNCH_UPDATE_DATA
 * encrypts in place, so a frame given twice would be encrypted twice and
 * the guest would read garbage.
 */
void libxl__sev_merge_ranges(libxl__domain_build_state *state)
{
    libxl__sev_range *r = state->sev_ranges;
    unsigned int i, n = 0;

    if (!state->sev_nr_ranges)
        return;

    qsort(r, state->sev_nr_ranges, sizeof(*r), range_cmp);
    for (i = 1; i < state->sev_nr_ranges; i++) {
        if (r[i].gfn <= r[n].gfn + r[n].nr_frames) {
            uint64_t end = r[i].gfn + r[i].nr_frames;

            if (end > r[n].gfn + r[n].nr_frames)
                r[n].nr_frames = end - r[n].gfn;
        } else
            r[++n] = r[i];
    }
    state->sev_nr_ranges = n + 1;
}

int libxl__sev_record_ranges(libxl__gc *gc,
                             const libxl_domain_build_info *info,
                             libxl__domain_build_state *state,
                             const struct xc_dom_image *dom)
{
    unsigned int i;

    if (info->arch_x86.coco != LIBXL_COCO_TYPE_SEV_ES)
        return 0;

    /*
     * Everything the domain builder wrote for the guest to read: the image
     * it boots (hvmloader, or a PVH kernel), its modules (ramdisk), the
     * firmware (OVMF), the ACPI and SMBIOS tables and the start info page
     * with the command line and module list.  Until the guest enables
     * paging all its accesses are encrypted ones, so each of these must be
     * encrypted now: otherwise the guest would decrypt plaintext.  The
     * xenstore, console and other special pages are left alone: they are
     * shared with dom0, which cannot read encrypted memory.
     */
    if (dom->kernel_seg.pages)
        libxl__sev_add_range(gc, state, dom->kernel_seg.pfn,
                             dom->kernel_seg.pages);
    for (i = 0; i < dom->num_modules; i++)
        if (dom->modules[i].seg.pages)
            libxl__sev_add_range(gc, state, dom->modules[i].seg.pfn,
                                 dom->modules[i].seg.pages);
    if (dom->start_info_seg.pages)
        libxl__sev_add_range(gc, state, dom->start_info_seg.pfn,
                             dom->start_info_seg.pages);
    add_range(gc, state, dom->system_firmware_module.guest_addr_out,
              dom->system_firmware_module.length);
    for (i = 0; i < MAX_ACPI_MODULES; i++)
        add_range(gc, state, dom->acpi_modules[i].guest_addr_out,
                  dom->acpi_modules[i].length);
    add_range(gc, state, dom->smbios_module.guest_addr_out,
              dom->smbios_module.length);

    libxl__sev_merge_ranges(state);
    return 0;
}

static const char *const step_names[] = {
    [XEN_DOMCTL_SEV_LAUNCH_START] = "LAUNCH_START",
    [XEN_DOMCTL_SEV_LAUNCH_UPDATE_DATA] = "LAUNCH_UPDATE_DATA",
    [XEN_DOMCTL_SEV_LAUNCH_UPDATE_VMSA] = "LAUNCH_UPDATE_VMSA",
    [XEN_DOMCTL_SEV_LAUNCH_MEASURE] = "LAUNCH_MEASURE",
    [XEN_DOMCTL_SEV_LAUNCH_FINISH] = "LAUNCH_FINISH",
};

/* The one line saying why the launch failed; `what` names the step. */
static int launch_failed(libxl__gc *gc, uint32_t domid,
                         libxl__domain_build_state *state,
                         const char *what, int err, uint32_t fw_status)
{
    const char *name;

    state->sev_launch_failed = true;

    switch (err) {
    case EIO:
        name = sev_status_name(fw_status);
        LOG(ERROR, "SEV-ES launch of domain %u failed: %s: %s (%#x)",
            domid, what, name ? name : "unknown firmware status", fw_status);
        break;
    case ETIMEDOUT:
        LOG(ERROR, "SEV-ES launch of domain %u failed: %s: the AMD Secure"
            " Processor did not answer", domid, what);
        break;
    case EOPNOTSUPP:
        LOG(ERROR, "SEV-ES launch of domain %u failed: %s: Xen has no SEV"
            " firmware to launch it with (`xl dmesg` says why)", domid, what);
        break;
    case EBUSY:
        /*
         * libxl issues the steps in order, so Xen's launch of this domain
         * is past this step already: launched before, or it has run.
         */
        LOG(ERROR, "SEV-ES launch of domain %u failed: %s: out of order,"
            " the domain was launched before or has run", domid, what);
        break;
    default:
        LOG(ERROR, "SEV-ES launch of domain %u failed: %s: %s",
            domid, what, strerror(err));
        break;
    }

    return ERROR_FAIL;
}

/* Decode a base64 xl.cfg blob of exactly `size` bytes. */
static int decode_blob(libxl__gc *gc, const char *opt, const char *text,
                       uint32_t size, uint8_t **out)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t len = strlen(text), i, n = 0;
    uint32_t acc = 0;
    unsigned int bits = 0, pad = 0;
    uint8_t *buf;

    if (len % 4)
        goto bad;
    buf = libxl__zalloc(gc, len / 4 * 3);
    for (i = 0; i < len; i++) {
        const char *p;

        if (text[i] == '=' && i >= len - 2) {
            pad++;
            continue;
        }
        p = text[i] ? strchr(alphabet, text[i]) : NULL;
        if (!p || pad)
            goto bad;
        acc = (acc << 6) | (uint32_t)(p - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[n++] = acc >> bits;
        }
    }
    if (n != size) {
        LOG(ERROR, "%s: is %zu bytes, the firmware takes %u", opt, n, size);
        return ERROR_INVAL;
    }
    *out = buf;
    return 0;

 bad:
    LOG(ERROR, "%s: not valid base64", opt);
    return ERROR_INVAL;
}

static void hex(char *out, const uint8_t *in, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        sprintf(out + 2 * i, "%02x", in[i]);
}

int libxl__sev_launch(libxl__gc *gc, uint32_t domid,
                      const libxl_domain_build_info *info,
                      libxl__domain_build_state *state)
{
    xc_interface *xch = CTX->xch;
    const char *dh_text = info->arch_x86.coco_dh_cert;
    const char *session_text = info->arch_x86.coco_session;
    uint8_t *dh_cert = NULL, *session = NULL;
    uint32_t dh_len = 0, session_len = 0, fw_status, policy;
    uint8_t measurement[32], mnonce[16];
    char mhex[2 * sizeof(measurement) + 1], nhex[2 * sizeof(mnonce) + 1];
    const char *path;
    unsigned int i;
    int rc;

    if (info->arch_x86.coco != LIBXL_COCO_TYPE_SEV_ES)
        return 0;

    policy = info->arch_x86.coco_policy ?: SEV_ES_POLICY_DEFAULT;
    if (!(policy & SEV_POLICY_ES_MASK)) {
        LOG(ERROR, "coco_policy=%#x: coco=\"sev-es\" needs the ES bit (%#x)"
            " of the SEV guest policy", policy, SEV_POLICY_ES_MASK);
        return ERROR_INVAL;
    }
    if (!dh_text != !session_text) {
        LOG(ERROR, "coco_dh_cert and coco_session are given together:"
            " LAUNCH_START takes both or neither");
        return ERROR_INVAL;
    }
    if (dh_text) {
        rc = decode_blob(gc, "coco_dh_cert", dh_text, SEV_CERT_SIZE, &dh_cert);
        if (rc)
            return rc;
        rc = decode_blob(gc, "coco_session", session_text, SEV_SESSION_SIZE,
                         &session);
        if (rc)
            return rc;
        dh_len = SEV_CERT_SIZE;
        session_len = SEV_SESSION_SIZE;
    }

    if (xc_sev_launch_start(xch, domid, policy, dh_cert, dh_len,
                            session, session_len, &fw_status))
        return launch_failed(gc, domid, state,
                             step_names[XEN_DOMCTL_SEV_LAUNCH_START],
                             errno, fw_status);

    for (i = 0; i < state->sev_nr_ranges; i++) {
        const libxl__sev_range *r = &state->sev_ranges[i];

        if (xc_sev_launch_update_data(xch, domid, r->gfn, r->nr_frames,
                                      &fw_status)) {
            int err = errno;

            /* Which frames: a refusal may be about them. */
            return launch_failed(gc, domid, state,
                GCSPRINTF("%s of frames %#"PRIx64"-%#"PRIx64,
                          step_names[XEN_DOMCTL_SEV_LAUNCH_UPDATE_DATA],
                          r->gfn, r->gfn + r->nr_frames - 1),
                err, fw_status);
        }
    }

    if (xc_sev_launch_update_vmsa(xch, domid, &fw_status))
        return launch_failed(gc, domid, state,
                             step_names[XEN_DOMCTL_SEV_LAUNCH_UPDATE_VMSA],
                             errno, fw_status);

    if (xc_sev_launch_measure(xch, domid, measurement, mnonce, &fw_status))
        return launch_failed(gc, domid, state,
                             step_names[XEN_DOMCTL_SEV_LAUNCH_MEASURE],
                             errno, fw_status);

    if (xc_sev_launch_finish(xch, domid, &fw_status))
        return launch_failed(gc, domid, state,
                             step_names[XEN_DOMCTL_SEV_LAUNCH_FINISH],
                             errno, fw_status);

    hex(mhex, measurement, sizeof(measurement));
    hex(nhex, mnonce, sizeof(mnonce));
    path = libxl__xs_libxl_path(gc, domid);
    rc = libxl__xs_printf(gc, XBT_NULL, GCSPRINTF("%s/sev/measurement", path),
                          "%s", mhex);
    if (!rc)
        rc = libxl__xs_printf(gc, XBT_NULL, GCSPRINTF("%s/sev/mnonce", path),
                              "%s", nhex);
    return rc;
}

static int unhex(const char *text, uint8_t *out, size_t len)
{
    size_t i;

    if (!text || strlen(text) != 2 * len)
        return ERROR_FAIL;
    for (i = 0; i < len; i++) {
        unsigned int b;

        if (!isxdigit((unsigned char)text[2 * i]) ||
            !isxdigit((unsigned char)text[2 * i + 1]) ||
            sscanf(text + 2 * i, "%2x", &b) != 1)
            return ERROR_FAIL;
        out[i] = b;
    }
    return 0;
}

int libxl_domain_sev_measurement(libxl_ctx *ctx, uint32_t domid,
                                 uint8_t measurement[32], uint8_t mnonce[16])
{
    GC_INIT(ctx);
    const char *path = libxl__xs_libxl_path(gc, domid);
    const char *m = libxl__xs_read(gc, XBT_NULL,
                                   GCSPRINTF("%s/sev/measurement", path));
    const char *n = libxl__xs_read(gc, XBT_NULL,
                                   GCSPRINTF("%s/sev/mnonce", path));
    int rc;

    if (!m || !n)
        rc = ERROR_NOTFOUND;
    else if (unhex(m, measurement, 32) || unhex(n, mnonce, 16)) {
        LOGD(ERROR, domid, "malformed SEV launch measurement in xenstore");
        rc = ERROR_FAIL;
    } else
        rc = 0;

    GC_FREE;
    return rc;
}

/*
 * Local variables:
 * mode: C
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
