/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer harness for the generated VMGEXIT validator (generated/c/vmgexit.c),
 * built with -fsanitize=fuzzer,address,undefined by test/fuzz/run.sh.
 *
 * Input: u8 flags (bit 0 SNP guest, bit 1 racing guest, bit 2 the GHCB is
 * registered, bit 5 registered elsewhere, bits 3-4 which GHCB GPA, bit 6 the
 * guest's SEV features are 0x1 rather than 0), then the GHCB page (short inputs
 * are zero-padded). The page and the work area are exact-size heap blocks so
 * any out-of-bounds access trips ASan; the backend checks the lengths it is
 * handed against the limits, and the response is checked against the
 * invariants of the GHCB specification.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ghcb.h"
#include "vmgexit.h"

static const uint64_t gpas[4] = { 0x7f000, 0, 0xfffffffffffff000ULL, 0x100000000ULL };

#define OFF(f)          offsetof(struct ghcb, save.f)
#define BIT(f)          (OFF(f) / 8)
#define SHARED_START    offsetof(struct ghcb, shared_buffer)
#define SHARED_END      (SHARED_START + sizeof(((struct ghcb *)0)->shared_buffer))
#define VALID_BITMAP    OFF(valid_bitmap)
#define MMIO_MAX        8

/* The vCPU: the racing guest scribbles on race_page from the first backend call. */
struct vcpu {
    uint8_t *race_page;
    /* Flag 0x80: each device access waits for the device model once. */
    bool defer, pending;
};

/* True: this access goes to the device model, answered on the next call. */
static bool defer(struct vcpu *v)
{
    if ( !v->defer )
        return false;
    v->pending = !v->pending;
    return v->pending;
}

static void check(int ok)
{
    if ( !ok )
        abort();
}

static void race(struct vcpu *v)
{
    if ( !v->race_page )
        return;
    memset(v->race_page + OFF(sw_exit_code), 0xff, 8);
    memset(v->race_page + SHARED_START, 0xee, SHARED_END - SHARED_START);
    v->race_page = NULL;
}

uint64_t vmgexit_be_dr7_read(struct vcpu *v) { race(v); return 0x400; }
void vmgexit_be_dr7_write(struct vcpu *v, uint64_t val) { race(v); (void)val; }
uint64_t vmgexit_be_rdtsc(struct vcpu *v) { race(v); return 0x1234; }
uint64_t vmgexit_be_rdtscp(struct vcpu *v, uint32_t *aux) { race(v); *aux = 1; return 0x5678; }
bool vmgexit_be_rdpmc(struct vcpu *v, uint32_t c, uint64_t *val) { race(v); *val = c; return c <= 3; }

void vmgexit_be_cpuid(struct vcpu *v, uint32_t l, uint32_t s, uint64_t x, uint64_t xs, uint32_t out[4])
{
    race(v);
    out[0] = l;
    out[1] = s;
    out[2] = (uint32_t)x;
    out[3] = (uint32_t)xs;
}

bool vmgexit_be_rdmsr(struct vcpu *v, uint32_t i, uint64_t *val) { race(v); *val = i; return !(i & 1); }
bool vmgexit_be_wrmsr(struct vcpu *v, uint32_t i, uint64_t val) { race(v); (void)val; return !(i & 1); }

bool vmgexit_be_io_in(struct vcpu *v, uint16_t p, unsigned int s, uint32_t *val)
{
    race(v);
    check(s == 1 || s == 2 || s == 4);
    if ( defer(v) )
        return false;
    *val = p;
    return true;
}

bool vmgexit_be_io_out(struct vcpu *v, uint16_t p, unsigned int s, uint32_t val)
{
    race(v);
    (void)p;
    (void)val;
    check(s == 1 || s == 2 || s == 4);
    return !defer(v);
}

bool vmgexit_be_mmio_read(struct vcpu *v, uint64_t gpa, void *buf, unsigned int len)
{
    race(v);
    check(len >= 1 && len <= MMIO_MAX);
    if ( defer(v) )
        return false;
    memset(buf, (int)(gpa & 0xff), len);
    return true;
}

bool vmgexit_be_mmio_write(struct vcpu *v, uint64_t gpa, const void *buf, unsigned int len)
{
    volatile uint8_t sink = 0;
    const uint8_t *b = buf;
    unsigned int i;

    race(v);
    (void)gpa;
    check(len >= 1 && len <= MMIO_MAX);
    for ( i = 0; i < len; i++ )
        sink ^= b[i];
    (void)sink;
    return !defer(v);
}

uint64_t vmgexit_be_vmmcall(struct vcpu *v, uint64_t rax, uint8_t cpl) { race(v); return rax + cpl; }
void vmgexit_be_invd(struct vcpu *v) { race(v); }
void vmgexit_be_wbinvd(struct vcpu *v) { race(v); }
void vmgexit_be_nmi_complete(struct vcpu *v) { race(v); }
void vmgexit_be_monitor(struct vcpu *v, uint64_t a, uint64_t c) { race(v); (void)a; (void)c; }
void vmgexit_be_mwait(struct vcpu *v, uint64_t a, uint64_t c) { race(v); (void)a; (void)c; }
void vmgexit_be_term_request(struct vcpu *v, uint64_t a, uint64_t b) { race(v); (void)a; (void)b; }
void vmgexit_be_unsupported_event(struct vcpu *v, uint64_t a, uint64_t b) { race(v); (void)a; (void)b; }
uint64_t vmgexit_be_ap_hlt_loop(struct vcpu *v) { race(v); return 1; }
void vmgexit_be_ap_jump_table_set(struct vcpu *v, uint64_t gpa) { race(v); (void)gpa; }
uint64_t vmgexit_be_ap_jump_table_get(struct vcpu *v) { race(v); return 0x1000; }

void vmgexit_be_page_state(struct vcpu *v, uint64_t gfn, unsigned int op, bool large)
{
    race(v);
    (void)gfn;
    (void)large;
    check(op == VMGEXIT_PSC_OP_PRIVATE || op == VMGEXIT_PSC_OP_SHARED);
}

uint64_t vmgexit_be_guest_request(struct vcpu *v, uint64_t a, uint64_t b) { race(v); check(a != b); return 0; }

uint64_t vmgexit_be_ext_guest_request(struct vcpu *v, uint64_t a, uint64_t b, uint64_t c, uint64_t *npages)
{
    uint64_t d = *npages;

    race(v);
    (void)c;
    check(a != b);
    *npages = 1;
    return d ? 0 : 1ULL << 32;
}

void vmgexit_be_ap_creation(struct vcpu *v, uint32_t op, uint32_t id, uint64_t vmsa)
{
    race(v);
    (void)id;
    check(op <= SVM_VMGEXIT_AP_DESTROY);
    /* A create request names a 4 KiB, never 2 MiB, aligned VMSA. */
    check(op == SVM_VMGEXIT_AP_DESTROY || (!(vmsa & 0xfff) && (vmsa & 0x1fffff)));
}

bool vmgexit_be_read_guest(struct vcpu *v, uint64_t gpa, void *buf, unsigned int len)
{
    race(v);
    check(gpa != 0);
    check(len <= VMGEXIT_SCRATCH_MAX);
    memset(buf, (int)(gpa & 0xff), len);
    return true;
}

bool vmgexit_be_write_guest(struct vcpu *v, uint64_t gpa, const void *buf, unsigned int len)
{
    volatile uint8_t sink = 0;
    const uint8_t *b = buf;
    unsigned int i;

    race(v);
    check(gpa != 0);
    check(len <= VMGEXIT_SCRATCH_MAX);
    for ( i = 0; i < len; i++ )
        sink ^= b[i];
    (void)sink;
    return true;
}

uint64_t vmgexit_be_exception_event(struct vcpu *v, unsigned int vector)
{
    race(v);
    check(vector == 13);
    return vector | (3U << 8) | (1U << 31);
}

static uint64_t get64(const uint8_t *p, unsigned int off)
{
    uint64_t v;

    memcpy(&v, p + off, 8);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *page, *orig;
    struct vmgexit_work *work;
    struct vmgexit_guest guest;
    struct vmgexit_result res;
    struct vcpu v;
    uint8_t flags = size ? data[0] : 0;
    uint64_t gpa = gpas[(flags >> 3) & 3];
    int racing = !!(flags & 2);
    unsigned int i;

    page = malloc(VMGEXIT_PAGE_SIZE);
    orig = malloc(VMGEXIT_PAGE_SIZE);
    work = malloc(sizeof(*work));
    if ( !page || !orig || !work )
        abort();
    memset(page, 0, VMGEXIT_PAGE_SIZE);
    if ( size > 1 )
        memcpy(page, data + 1, size - 1 < VMGEXIT_PAGE_SIZE ? size - 1 : VMGEXIT_PAGE_SIZE);
    memcpy(orig, page, VMGEXIT_PAGE_SIZE);
    guest.snp = flags & 1;
    guest.ghcb_registered = flags & 4;
    guest.ghcb_gpa = (flags & 0x20) ? gpa + 0x1000 : gpa;
    guest.features = 0x3;
    guest.sev_features = (flags & 0x40) ? 1 : 0;
    v.race_page = racing ? page : NULL;
    v.defer = flags & 0x80;
    v.pending = false;

    vmgexit_handle(&v, page, gpa, &guest, work, &res);
    /* One round trip per access: at most one per scratch byte. */
    for ( i = 0; res.verdict == VMGEXIT_PENDING; i++ )
    {
        check(v.defer && v.pending && i <= VMGEXIT_SCRATCH_MAX);
        if ( racing )
            memset(page + SHARED_START, 0xee, SHARED_END - SHARED_START);
        vmgexit_resume(&v, page, gpa, &guest, work, &res);
    }

    check(res.verdict <= VMGEXIT_TERMINATE);
    /* Fail closed: an SEV-SNP guest's unregistered GHCB is never served. */
    if ( guest.snp && (!guest.ghcb_registered || guest.ghcb_gpa != gpa) )
        check(res.verdict == VMGEXIT_MALFORMED && res.error == GHCB_ERR_NOT_REGISTERED);
    if ( res.verdict == VMGEXIT_MALFORMED )
    {
        check(res.error >= GHCB_ERR_NOT_REGISTERED && res.error <= GHCB_ERR_INVALID_EVENT);
        check(get64(page, OFF(sw_exit_info_1)) == GHCB_HV_RESP_MALFORMED_INPUT);
        check(get64(page, OFF(sw_exit_info_2)) == res.error);
    }
    if ( res.verdict == VMGEXIT_TERMINATE && !racing )
        check(!memcmp(page, orig, VMGEXIT_PAGE_SIZE));
    if ( res.verdict != VMGEXIT_TERMINATE )
    {
        /* Only outputs and SW_EXITINFO1/2 may be valid in a response. */
        for ( i = 0; i < 128; i++ )
        {
            int valid = (page[VALID_BITMAP + i / 8] >> (i % 8)) & 1;

            if ( valid )
                check(i == BIT(rax) || i == BIT(rbx) || i == BIT(rcx) || i == BIT(rdx) ||
                      i == BIT(sw_exit_info_1) || i == BIT(sw_exit_info_2));
        }
        /* The page header and the protocol fields are never written. */
        check(!memcmp(page + SHARED_END, orig + SHARED_END, VMGEXIT_PAGE_SIZE - SHARED_END));
    }

    free(work);
    free(orig);
    free(page);
    return 0;
}
