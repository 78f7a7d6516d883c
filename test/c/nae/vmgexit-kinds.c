/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cross-test request kinds for the generated VMGEXIT validator
 * (generated/c/vmgexit.c), linked into the harness of test/c/harness.
 * The backend here is the C twin of ModelBackend (lib/nae/backend.ts):
 * same values, same effects digest, so TypeScript and C runs compare
 * call for call.
 *
 *   0x40 load:  u8 slot, page[4096]                  -> (empty)
 *   0x41 run:   u8 slot, u8 flags, u64 ghcb_gpa, u64 registered_gpa,
 *               u16 npatch, { u16 offset, u8 len, u8 bytes[len] }...
 *               (flags: RUN_SNP, RUN_REGISTERED, RUN_RACE, RUN_FULL_PAGE,
 *               RUN_DEFER: every I/O and MMIO access first waits for the
 *               "device model", and the request is resumed until answered;
 *               the outcome must be the model's synchronous one)
 *               -> u8 verdict, u32 error, u16 field, u64 exit_info_1,
 *                  u64 exit_info_2, u64 page digest, u64 effects digest
 *                  [, page[4096] when flags & RUN_FULL_PAGE]
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ghcb.h"
#include "harness.h"
#include "vmgexit.h"

#define KIND_NAE_LOAD 0x40
#define KIND_NAE_RUN  0x41
#define NR_SLOTS      64

#define RUN_SNP        0x1
#define RUN_REGISTERED 0x2
#define RUN_RACE       0x4
#define RUN_FULL_PAGE  0x8
#define RUN_DEFER      0x10

enum call {
    CALL_DR7_WRITE = 1, CALL_RDTSC = 2, CALL_RDPMC = 3, CALL_CPUID = 4, CALL_RDMSR = 5, CALL_WRMSR = 6,
    CALL_IO_IN = 7, CALL_IO_OUT = 8, CALL_MMIO_READ = 9, CALL_MMIO_WRITE = 10, CALL_VMMCALL = 11,
    CALL_SIMPLE = 12, CALL_AP_HLT = 13, CALL_AP_JT_SET = 14, CALL_AP_JT_GET = 15, CALL_PSC = 16,
    CALL_GUEST_REQ = 17, CALL_EXT_GUEST_REQ = 18, CALL_AP_CREATE = 19, CALL_READ_GUEST = 20,
    CALL_WRITE_GUEST = 21, CALL_DR7_READ = 22, CALL_RDTSCP = 23, CALL_EXCEPTION_EVENT = 24,
};

/* SIMPLE_IDS of lib/nae/backend.ts. */
enum simple_id {
    SIMPLE_INVD = 1, SIMPLE_WBINVD = 2, SIMPLE_NMI_COMPLETE = 3, SIMPLE_MONITOR = 4, SIMPLE_MWAIT = 5,
    SIMPLE_TERM_REQUEST = 6, SIMPLE_UNSUPPORTED_EVENT = 7,
};

/* SEV_FEATURES of the modelled guest's VMSAs (MODEL_SEV_FEATURES), and the GHCB features offered (MODEL_FEATURES). */
#define MODEL_SEV_FEATURES 0x1
#define MODEL_FEATURES     0x3

struct digest {
    uint32_t h1, h2;
};

static void digest_init(struct digest *d)
{
    d->h1 = 0x811c9dc5U;
    d->h2 = 0x9e3779b9U;
}

static void digest_word(struct digest *d, uint32_t w)
{
    uint32_t t;

    d->h1 = (d->h1 ^ w) * 0x01000193U;
    t = ((d->h2 + w) * 0x85ebca6bU) ^ (w >> 7);
    d->h2 = t ^ (t >> 15);
}

static void digest_u64(struct digest *d, uint64_t v)
{
    digest_word(d, (uint32_t)v);
    digest_word(d, (uint32_t)(v >> 32));
}

static void digest_bytes(struct digest *d, const uint8_t *b, size_t n)
{
    size_t i = 0;

    for ( ; i + 4 <= n; i += 4 )
        digest_word(d, b[i] | ((uint32_t)b[i + 1] << 8) | ((uint32_t)b[i + 2] << 16) | ((uint32_t)b[i + 3] << 24));
    if ( i < n )
    {
        uint32_t w = 0;
        unsigned int k;

        for ( k = 0; i + k < n; k++ )
            w |= (uint32_t)b[i + k] << (8 * k);
        digest_word(d, w);
    }
    digest_word(d, (uint32_t)n);
}

static uint64_t digest_value(const struct digest *d)
{
    return ((uint64_t)d->h2 << 32) | d->h1;
}

/* The modelled vCPU: ModelBackend's state, and the effects digest. */
struct vcpu {
    struct digest effects;
    uint64_t dr7, tsc, jump_table, spec_ctrl, tsc_deadline;
    uint8_t *race_page;             /* scribbled on by the first backend call */
    /* RUN_DEFER: the access waiting for the device model. */
    bool defer, pending, broken;
    uint64_t pend[4];
};

/*
 * RUN_DEFER: an access first goes to the device model (true: the backend
 * returns false, pending); the call that resumes it must repeat it exactly,
 * otherwise the run is marked broken (and cannot match the model).
 */
static bool deferred(struct vcpu *v, uint64_t call, uint64_t a, uint64_t b,
                     uint64_t c)
{
    if ( !v->defer )
        return false;
    if ( v->pending )
    {
        if ( v->pend[0] != call || v->pend[1] != a || v->pend[2] != b ||
             v->pend[3] != c )
            v->broken = true;
        v->pending = false;
        return false;
    }
    v->pending = true;
    v->pend[0] = call;
    v->pend[1] = a;
    v->pend[2] = b;
    v->pend[3] = c;
    return true;
}

#define OFF(f) offsetof(struct ghcb, save.f)

/*
 * The racing guest: rewrites what a careless hypervisor would read again,
 * from inside the first backend call (after the snapshot and validation).
 */
static void race(struct vcpu *v)
{
    uint64_t code = 0x403, ones = ~0ULL, zero = 0;
    uint8_t *page = v->race_page;

    if ( !page )
        return;
    v->race_page = NULL;
    memcpy(page + OFF(sw_exit_code), &code, 8);
    memcpy(page + OFF(sw_exit_info_2), &ones, 8);
    memcpy(page + OFF(sw_scratch), &zero, 8);
    memset(page + offsetof(struct ghcb, shared_buffer), 0xee, sizeof(((struct ghcb *)0)->shared_buffer));
}

static void logc(struct vcpu *v, unsigned int call, unsigned int n, const uint64_t *args)
{
    unsigned int i;

    race(v);
    digest_word(&v->effects, call);
    for ( i = 0; i < n; i++ )
        digest_u64(&v->effects, args[i]);
}

#define LOG(v, call, ...) do { const uint64_t a_[] = { 0, __VA_ARGS__ }; logc(v, call, sizeof(a_) / 8 - 1, a_ + 1); } while ( 0 )

static uint8_t model_byte(uint32_t lo, uint32_t hi, uint32_t i, uint32_t salt)
{
    return (uint8_t)((((lo + i) ^ salt) * 0x9e3779b1U >> 24) ^ (hi & 0xff));
}

uint64_t vmgexit_be_dr7_read(struct vcpu *v)
{
    logc(v, CALL_DR7_READ, 0, NULL);
    return v->dr7;
}

void vmgexit_be_dr7_write(struct vcpu *v, uint64_t val)
{
    LOG(v, CALL_DR7_WRITE, val);
    v->dr7 = val;
}

uint64_t vmgexit_be_rdtsc(struct vcpu *v)
{
    logc(v, CALL_RDTSC, 0, NULL);
    v->tsc += 0x1000;
    return v->tsc;
}

uint64_t vmgexit_be_rdtscp(struct vcpu *v, uint32_t *aux)
{
    logc(v, CALL_RDTSCP, 0, NULL);
    v->tsc += 0x1000;
    *aux = 3;
    return v->tsc;
}

bool vmgexit_be_rdpmc(struct vcpu *v, uint32_t counter, uint64_t *val)
{
    LOG(v, CALL_RDPMC, counter);
    if ( counter >= 4 )
        return false;
    *val = 0x1000 * ((uint64_t)counter + 1);
    return true;
}

static void set4(uint32_t out[4], uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    out[0] = a;
    out[1] = b;
    out[2] = c;
    out[3] = d;
}

void vmgexit_be_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint64_t xcr0, uint64_t xss, uint32_t out[4])
{
    uint32_t avx = (xcr0 & 4) ? 0x100 : 0;

    LOG(v, CALL_CPUID, leaf, subleaf, xcr0, xss);
    switch ( leaf )
    {
    case 0x0: set4(out, 0xd, 0x68747541, 0x444d4163, 0x69746e65); break;
    case 0x1: set4(out, 0x00a00f11, 0x00020800, 0x7ed8320b, 0x178bfbff); break;
    case 0x7:
        if ( subleaf == 0 )
            set4(out, 0, 0x219c91a9, 0x0040069c, 0);
        else
            set4(out, 0, 0, 0, 0);
        break;
    case 0xd:
        if ( subleaf == 0 )
            set4(out, 0x7, 0x240 + avx, 0x340, 0);
        else if ( subleaf == 1 )
            set4(out, 0xf, 0x240 + avx + ((xss & 0x800) ? 0x18 : 0), 0x1800, 0);
        else
            set4(out, 0, 0, 0, 0);
        break;
    case 0x80000000: set4(out, 0x8000001f, 0x68747541, 0x444d4163, 0x69746e65); break;
    case 0x8000001f: set4(out, 0x1b, 0x133, 0x1fd, 0x1); break;
    default: set4(out, 0, 0, 0, 0); break;
    }
}

bool vmgexit_be_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    LOG(v, CALL_RDMSR, msr);
    switch ( msr )
    {
    case 0x10: *val = v->tsc; return true;
    case 0x1b: *val = 0xfee00d00ULL; return true;
    case 0x48: *val = v->spec_ctrl; return true;
    case 0x8b: *val = 0x0a00117300000000ULL; return true;
    case 0x6e0: *val = v->tsc_deadline; return true;
    default: return false;
    }
}

bool vmgexit_be_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    LOG(v, CALL_WRMSR, msr, val);
    if ( msr == 0x48 )
        v->spec_ctrl = val;
    else if ( msr == 0x6e0 )
        v->tsc_deadline = val;
    else
        return false;
    return true;
}

bool vmgexit_be_io_in(struct vcpu *v, uint16_t port, unsigned int bytes, uint32_t *out)
{
    uint32_t val = ((uint32_t)port * 0x0101U) ^ 0xa5a5a5a5U;

    if ( deferred(v, CALL_IO_IN, port, bytes, 0) )
        return false;
    LOG(v, CALL_IO_IN, port, bytes);
    *out = bytes == 4 ? val : val & ((1U << (8 * bytes)) - 1);
    return true;
}

bool vmgexit_be_io_out(struct vcpu *v, uint16_t port, unsigned int bytes, uint32_t val)
{
    if ( deferred(v, CALL_IO_OUT, port, bytes, val) )
        return false;
    LOG(v, CALL_IO_OUT, port, bytes, val);
    return true;
}

bool vmgexit_be_mmio_read(struct vcpu *v, uint64_t gpa, void *buf, unsigned int len)
{
    uint8_t *b = buf;
    unsigned int i;

    if ( deferred(v, CALL_MMIO_READ, gpa, len, 0) )
        return false;
    LOG(v, CALL_MMIO_READ, gpa, len);
    for ( i = 0; i < len; i++ )
        b[i] = model_byte((uint32_t)gpa, (uint32_t)(gpa >> 32), i, 0x3c3c3c3cU);
    return true;
}

bool vmgexit_be_mmio_write(struct vcpu *v, uint64_t gpa, const void *buf, unsigned int len)
{
    const uint8_t *b = buf;
    uint64_t first = 0;
    unsigned int i;

    for ( i = 0; i < len && i < 8; i++ )
        first |= (uint64_t)b[i] << (8 * i);
    if ( deferred(v, CALL_MMIO_WRITE, gpa, len, first) )
        return false;
    LOG(v, CALL_MMIO_WRITE, gpa, len);
    digest_bytes(&v->effects, buf, len);
    return true;
}

uint64_t vmgexit_be_vmmcall(struct vcpu *v, uint64_t rax, uint8_t cpl)
{
    LOG(v, CALL_VMMCALL, rax, cpl);
    return rax == 0 ? 1 : 0xffffffffffffffdaULL;
}

/* INVD ... UNSUPPORTED_EVENT: ModelBackend.simple(), one call number. */
static void simple(struct vcpu *v, unsigned int what, uint64_t a, uint64_t b)
{
    LOG(v, CALL_SIMPLE, what, a, b);
}

void vmgexit_be_invd(struct vcpu *v) { simple(v, SIMPLE_INVD, 0, 0); }
void vmgexit_be_wbinvd(struct vcpu *v) { simple(v, SIMPLE_WBINVD, 0, 0); }
void vmgexit_be_nmi_complete(struct vcpu *v) { simple(v, SIMPLE_NMI_COMPLETE, 0, 0); }
void vmgexit_be_monitor(struct vcpu *v, uint64_t rax, uint64_t rcx) { simple(v, SIMPLE_MONITOR, rax, rcx); }
void vmgexit_be_mwait(struct vcpu *v, uint64_t rax, uint64_t rcx) { simple(v, SIMPLE_MWAIT, rax, rcx); }
void vmgexit_be_term_request(struct vcpu *v, uint64_t info1, uint64_t info2) { simple(v, SIMPLE_TERM_REQUEST, info1, info2); }
void vmgexit_be_unsupported_event(struct vcpu *v, uint64_t info1, uint64_t info2) { simple(v, SIMPLE_UNSUPPORTED_EVENT, info1, info2); }

uint64_t vmgexit_be_ap_hlt_loop(struct vcpu *v)
{
    logc(v, CALL_AP_HLT, 0, NULL);
    return 1;
}

void vmgexit_be_ap_jump_table_set(struct vcpu *v, uint64_t gpa)
{
    LOG(v, CALL_AP_JT_SET, gpa);
    v->jump_table = gpa;
}

uint64_t vmgexit_be_ap_jump_table_get(struct vcpu *v)
{
    logc(v, CALL_AP_JT_GET, 0, NULL);
    return v->jump_table;
}

void vmgexit_be_page_state(struct vcpu *v, uint64_t gfn, unsigned int op, bool large)
{
    LOG(v, CALL_PSC, gfn, op, large);
}

uint64_t vmgexit_be_guest_request(struct vcpu *v, uint64_t req_gpa, uint64_t resp_gpa)
{
    LOG(v, CALL_GUEST_REQ, req_gpa, resp_gpa);
    return 0;
}

uint64_t vmgexit_be_ext_guest_request(struct vcpu *v, uint64_t req_gpa, uint64_t resp_gpa, uint64_t data_gpa, uint64_t *npages)
{
    uint64_t pages = *npages;

    LOG(v, CALL_EXT_GUEST_REQ, req_gpa, resp_gpa, data_gpa, pages);
    *npages = 1;
    return pages < 1 ? 1ULL << 32 : 0;
}

void vmgexit_be_ap_creation(struct vcpu *v, uint32_t op, uint32_t apic_id, uint64_t vmsa_gpa)
{
    LOG(v, CALL_AP_CREATE, op, apic_id, vmsa_gpa);
}

bool vmgexit_be_read_guest(struct vcpu *v, uint64_t gpa, void *buf, unsigned int len)
{
    uint8_t *b = buf;
    unsigned int i;

    LOG(v, CALL_READ_GUEST, gpa, len);
    for ( i = 0; i < len; i++ )
        b[i] = model_byte((uint32_t)gpa, (uint32_t)(gpa >> 32), i, 0x5a5a5a5aU);
    return true;
}

bool vmgexit_be_write_guest(struct vcpu *v, uint64_t gpa, const void *buf, unsigned int len)
{
    LOG(v, CALL_WRITE_GUEST, gpa, len);
    digest_bytes(&v->effects, buf, len);
    return true;
}

/* EVENTINJ (AMD APM vol. 2, 15.20): vector, type 3 (exception), valid. */
uint64_t vmgexit_be_exception_event(struct vcpu *v, unsigned int vector)
{
    LOG(v, CALL_EXCEPTION_EVENT, vector);
    return vector | (3U << 8) | (1U << 31);
}

static uint8_t slots[NR_SLOTS][VMGEXIT_PAGE_SIZE];
static uint8_t page[VMGEXIT_PAGE_SIZE];
static struct vmgexit_work work;

static enum harness_status load_kind(const uint8_t *in, uint32_t len, struct harness_out *out)
{
    (void)out;
    if ( len != 1 + VMGEXIT_PAGE_SIZE || in[0] >= NR_SLOTS )
        return HARNESS_BAD_REQUEST;
    memcpy(slots[in[0]], in + 1, VMGEXIT_PAGE_SIZE);
    return HARNESS_OK;
}

static enum harness_status run_kind(const uint8_t *in, uint32_t len, struct harness_out *out)
{
    struct vcpu v;
    struct vmgexit_guest guest;
    struct vmgexit_result res;
    struct digest pd;
    uint32_t npatch, i, at = 20;
    uint8_t flags;

    if ( len < 20 || in[0] >= NR_SLOTS )
        return HARNESS_BAD_REQUEST;
    flags = in[1];
    memcpy(page, slots[in[0]], VMGEXIT_PAGE_SIZE);
    npatch = in[18] | ((uint32_t)in[19] << 8);
    for ( i = 0; i < npatch; i++ )
    {
        uint32_t off, n;

        if ( at + 3 > len )
            return HARNESS_BAD_REQUEST;
        off = in[at] | ((uint32_t)in[at + 1] << 8);
        n = in[at + 2];
        at += 3;
        if ( at + n > len || off + n > VMGEXIT_PAGE_SIZE )
            return HARNESS_BAD_REQUEST;
        memcpy(page + off, in + at, n);
        at += n;
    }

    memset(&v, 0, sizeof(v));
    digest_init(&v.effects);
    v.dr7 = 0x400;
    v.tsc = 0x100000000ULL;
    v.race_page = (flags & RUN_RACE) ? page : NULL;
    guest.snp = flags & RUN_SNP;
    guest.ghcb_registered = flags & RUN_REGISTERED;
    guest.ghcb_gpa = harness_get_u64(in + 10);
    guest.features = MODEL_FEATURES;
    guest.sev_features = MODEL_SEV_FEATURES;

    v.defer = flags & RUN_DEFER;
    vmgexit_handle(&v, page, harness_get_u64(in + 2), &guest, &work, &res);
    /* At most one round trip per access: a string I/O of 64 KiB is 65536. */
    for ( i = 0; res.verdict == VMGEXIT_PENDING && i <= VMGEXIT_SCRATCH_MAX; i++ )
    {
        if ( !v.pending )
            v.broken = true;
        /* Another vCPU may write the page while this one waits. */
        if ( flags & RUN_RACE )
        {
            v.race_page = page;
            race(&v);
        }
        vmgexit_resume(&v, page, harness_get_u64(in + 2), &guest, &work, &res);
    }
    if ( v.broken || v.pending || res.verdict == VMGEXIT_PENDING )
        digest_word(&v.effects, 0xbad0bad0U);

    digest_init(&pd);
    digest_bytes(&pd, page, VMGEXIT_PAGE_SIZE);
    harness_put_u8(out, res.verdict);
    harness_put(out, &res.error, 4);
    harness_put_u16(out, res.field == ~0U ? 0xffff : res.field);
    harness_put_u64(out, res.exit_info_1);
    harness_put_u64(out, res.exit_info_2);
    harness_put_u64(out, digest_value(&pd));
    harness_put_u64(out, digest_value(&v.effects));
    if ( flags & RUN_FULL_PAGE )
        harness_put(out, page, VMGEXIT_PAGE_SIZE);
    return HARNESS_OK;
}

const struct harness_kind harness_nae_kinds[] = {
    { KIND_NAE_LOAD, "nae-load", load_kind },
    { KIND_NAE_RUN, "nae-run", run_kind },
    { HARNESS_SYNC, NULL, NULL },
};
