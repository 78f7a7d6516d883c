/*
 * A fake libxc for libxl_sev.c: xc_sev_launch_* do what the hypervisor does
 * for XEN_DOMCTL_sev_launch (launch-abi.md) with the firmware model behind
 * `xen-sev fw serve`: they build the SEV API command buffers (the generated
 * sev-api.h), put them and the memory they point at into the model, and
 * turn its answers into the domctl's results: 0, -1/EIO with the firmware
 * status, ETIMEDOUT for a PSP that does not answer, EOPNOTSUPP with no
 * firmware, EBUSY for a step out of order.  Every firmware command is
 * printed as `fw NAME STATUS|stall`.
 *
 * The guest's frame GFN is at GUEST_BASE + GFN * 4096 in the model's memory
 * and vCPU I's VMSA at VMSA_BASE + I * 4096 (the test writes both).  Like
 * Xen, UPDATE_DATA encrypts one frame per firmware command: a guest's
 * frames need not be contiguous in host memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/fw-pipe.h"

#include "libxl_internal.h"
#include "sev-api.h"
#include "fake-xc.h"

#define PAGE_SIZE     4096u
#define TMR_ADDR      0x200000ULL
#define CERT_ADDR     0x6000000ULL
#define SESSION_ADDR  0x6004000ULL
#define MEASURE_ADDR  0x7000000ULL
#define ES_ASID       1u

static bool fw_ok, psp_dead;
static unsigned int nr_vcpus = 1;
/* The hypervisor's own launch state: the next step it accepts. */
static enum { IDLE, STARTED, DATA, VMSA_DONE, MEASURED, FINISHED } step;
static uint32_t handle;

void fw_spawn(char **argv)
{
    fw_pipe_spawn(argv);
}

const char *fw_request(const char *fmt, ...)
{
    va_list ap;
    char *reply;

    va_start(ap, fmt);
    reply = fw_pipe_vrequest("fake-xc", fmt, ap);
    va_end(ap);
    return reply;
}

static void put_hex(char *out, const void *buf, size_t len)
{
    const uint8_t *b = buf;
    size_t i;

    for ( i = 0; i < len; i++ )
        sprintf(out + 2 * i, "%02x", b[i]);
}

static void get_hex(void *buf, size_t len, const char *hex)
{
    uint8_t *b = buf;
    size_t i;

    for ( i = 0; i < len; i++ )
    {
        unsigned int v;

        if ( sscanf(hex + 2 * i, "%2x", &v) != 1 )
        {
            printf("bad hex from server\n");
            exit(1);
        }
        b[i] = v;
    }
}

static void mem(uint64_t addr, const void *buf, size_t len)
{
    char *hex = malloc(2 * len + 1);

    put_hex(hex, buf, len);
    hex[2 * len] = '\0';
    fw_request("mem %llx %s", (unsigned long long)addr, hex);
    free(hex);
}

/*
 * One firmware command: the buffer goes in, comes back as the firmware left
 * it.  Returns the status, or -1 when the PSP never answers.
 */
static int psp(unsigned int id, const char *name, void *buf, size_t len)
{
    char hex[2 * 64 + 1];
    const char *r;
    unsigned int status;

    put_hex(hex, buf, len);
    hex[2 * len] = '\0';
    r = fw_request("cmd %x %s", id, hex);
    if ( !strncmp(r, "stall", 5) )
    {
        printf("fw %s stall\n", name);
        psp_dead = true;
        return -1;
    }
    if ( sscanf(r, "%x", &status) != 1 )
        exit(1);
    r = strchr(r, ' ');
    if ( r && len )
        get_hex(buf, len, r + 1);
    printf("fw %s %x\n", name, status);
    return status;
}

void hv_boot(bool es)
{
    struct sev_data_init init = { 0 };
    int st;

    step = IDLE;
    handle = 0;
    psp_dead = false;
    if ( es )
    {
        init.flags = SEV_INIT_FLAGS_SEV_ES_MASK;
        init.tmr_address = TMR_ADDR;
        init.tmr_len = SEV_TMR_SIZE;
    }
    st = psp(SEV_CMD_INIT, "INIT", &init, sizeof(init));
    fw_ok = st == 0;
    if ( !fw_ok )
        return;
    if ( psp(SEV_CMD_DF_FLUSH, "DF_FLUSH", NULL, 0) == SEV_STATUS_WBINVD_REQUIRED )
    {
        fw_request("wbinvd");
        fw_ok = psp(SEV_CMD_DF_FLUSH, "DF_FLUSH", NULL, 0) == 0;
    }
}

void hv_set_vcpus(unsigned int n)
{
    nr_vcpus = n;
}

void hv_destroy(void)
{
    if ( !handle || psp_dead )
        return;
    if ( step >= STARTED )
    {
        struct sev_data_deactivate d = { .handle = handle };
        struct sev_data_decommission c = { .handle = handle };

        psp(SEV_CMD_DEACTIVATE, "DEACTIVATE", &d, sizeof(d));
        psp(SEV_CMD_DECOMMISSION, "DECOMMISSION", &c, sizeof(c));
    }
    handle = 0;
    step = IDLE;
}

/* The domctl's result for a firmware answer. */
static int result(int st, uint32_t *fw_status)
{
    if ( fw_status )
        *fw_status = 0;
    if ( st == 0 )
        return 0;
    if ( st < 0 )
        errno = ETIMEDOUT;
    else
    {
        errno = EIO;
        if ( fw_status )
            *fw_status = st;
    }
    return -1;
}

/* Checks every step makes first: firmware there, the step in order. */
static int check(unsigned int want_from, unsigned int want_to, uint32_t *fw_status)
{
    if ( fw_status )
        *fw_status = 0;
    if ( !fw_ok )
    {
        errno = EOPNOTSUPP;
        return -1;
    }
    if ( psp_dead )
    {
        errno = ETIMEDOUT;
        return -1;
    }
    if ( step < want_from || step > want_to )
    {
        errno = EBUSY;
        return -1;
    }
    return 0;
}

int xc_sev_launch_start(xc_interface *xch, uint32_t domid, uint32_t policy,
                        const uint8_t *dh_cert, uint32_t dh_cert_len,
                        const uint8_t *session, uint32_t session_len,
                        uint32_t *fw_status)
{
    struct sev_data_launch_start start = { .policy = policy };
    struct sev_data_activate act = { 0 };
    int st;

    (void)xch;
    (void)domid;
    if ( check(IDLE, IDLE, fw_status) )
        return -1;
    if ( (dh_cert_len == 0) != (session_len == 0) ||
         (dh_cert_len && (dh_cert_len != SEV_CERT_SIZE ||
                          session_len != sizeof(struct sev_session_buf))) )
    {
        errno = EINVAL;
        return -1;
    }
    printf("xc start policy %x cert %u session %u\n", policy, dh_cert_len, session_len);
    if ( dh_cert_len )
    {
        mem(CERT_ADDR, dh_cert, dh_cert_len);
        mem(SESSION_ADDR, session, session_len);
        start.dh_cert_address = CERT_ADDR;
        start.dh_cert_len = dh_cert_len;
        start.session_address = SESSION_ADDR;
        start.session_len = session_len;
    }
    st = psp(SEV_CMD_LAUNCH_START, "LAUNCH_START", &start, sizeof(start));
    if ( st )
        return result(st, fw_status);
    handle = start.handle;
    step = STARTED;
    /* The guest's ASID is bound before any data is encrypted with its key. */
    act.handle = handle;
    act.asid = ES_ASID;
    return result(psp(SEV_CMD_ACTIVATE, "ACTIVATE", &act, sizeof(act)), fw_status);
}

int xc_sev_launch_update_data(xc_interface *xch, uint32_t domid,
                              xen_pfn_t gfn, uint64_t nr_frames,
                              uint32_t *fw_status)
{
    uint64_t i;

    (void)xch;
    (void)domid;
    if ( check(STARTED, DATA, fw_status) )
        return -1;
    if ( !nr_frames || gfn >= (1ULL << 24) || nr_frames > (1ULL << 24) - gfn )
    {
        errno = EINVAL;
        return -1;
    }
    printf("xc update_data %llx %llu\n", (unsigned long long)gfn,
           (unsigned long long)nr_frames);
    step = DATA;
    for ( i = 0; i < nr_frames; i++ )
    {
        struct sev_data_launch_update_data d = {
            .handle = handle,
            .address = GUEST_BASE + (gfn + i) * PAGE_SIZE,
            .len = PAGE_SIZE,
        };
        int st = psp(SEV_CMD_LAUNCH_UPDATE_DATA, "LAUNCH_UPDATE_DATA", &d, sizeof(d));

        if ( st )
            return result(st, fw_status);
    }
    return 0;
}

int xc_sev_launch_update_vmsa(xc_interface *xch, uint32_t domid,
                              uint32_t *fw_status)
{
    unsigned int i;

    (void)xch;
    (void)domid;
    if ( check(STARTED, DATA, fw_status) )
        return -1;
    printf("xc update_vmsa %u\n", nr_vcpus);
    for ( i = 0; i < nr_vcpus; i++ )
    {
        struct sev_data_launch_update_vmsa v = {
            .handle = handle,
            .address = VMSA_BASE + i * PAGE_SIZE,
            .len = PAGE_SIZE,
        };
        int st = psp(SEV_CMD_LAUNCH_UPDATE_VMSA, "LAUNCH_UPDATE_VMSA", &v, sizeof(v));

        if ( st )
            return result(st, fw_status);
    }
    step = VMSA_DONE;
    return 0;
}

int xc_sev_launch_measure(xc_interface *xch, uint32_t domid,
                          uint8_t measurement[32], uint8_t mnonce[16],
                          uint32_t *fw_status)
{
    struct sev_data_launch_measure m = {
        .address = MEASURE_ADDR,
        .len = sizeof(struct sev_measurement_buf),
    };
    struct sev_measurement_buf out;
    int st;

    (void)xch;
    (void)domid;
    if ( check(VMSA_DONE, VMSA_DONE, fw_status) )
        return -1;
    m.handle = handle;
    printf("xc measure\n");
    st = psp(SEV_CMD_LAUNCH_MEASURE, "LAUNCH_MEASURE", &m, sizeof(m));
    if ( st )
        return result(st, fw_status);
    get_hex(&out, sizeof(out),
            fw_request("read %llx %zx", (unsigned long long)MEASURE_ADDR, sizeof(out)));
    memcpy(measurement, out.measurement, 32);
    memcpy(mnonce, out.mnonce, 16);
    step = MEASURED;
    return 0;
}

int xc_sev_launch_finish(xc_interface *xch, uint32_t domid,
                         uint32_t *fw_status)
{
    struct sev_data_launch_finish f = { 0 };
    int st;

    (void)xch;
    (void)domid;
    if ( check(MEASURED, MEASURED, fw_status) )
        return -1;
    f.handle = handle;
    printf("xc finish\n");
    st = psp(SEV_CMD_LAUNCH_FINISH, "LAUNCH_FINISH", &f, sizeof(f));
    if ( st )
        return result(st, fw_status);
    step = FINISHED;
    return 0;
}
