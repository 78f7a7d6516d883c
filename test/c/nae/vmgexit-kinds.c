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
 *               -> u8 verdict, u32 error, u16 field, u64 exit_info_1,
 *                  u64 exit_info_2, u64 page digest, u64 effects digest
 *                  [, page[4096] when flags & RUN_FULL_PAGE]
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "vmgexit.h"

#define KIND_NAE_LOAD 0x40
#define KIND_NAE_RUN  0x41
#define NR_SLOTS      64

#define RUN_SNP        0x1
#define RUN_REGISTERED 0x2
#define RUN_RACE       0x4
#define RUN_FULL_PAGE  0x8

enum call {
    CALL_DR7_WRITE = 1, CALL_RDTSC = 2, CALL_RDPMC = 3, CALL_CPUID = 4, CALL_RDMSR = 5, CALL_WRMSR = 6,
    CALL_IO_IN = 7, CALL_IO_OUT = 8, CALL_MMIO_READ = 9, CALL_MMIO_WRITE = 10, CALL_VMMCALL = 11,
    CALL_SIMPLE = 12, CALL_AP_HLT = 13, CALL_AP_JT_SET = 14, CALL_AP_JT_GET = 15, CALL_PSC = 16,
    CALL_GUEST_REQ = 17, CALL_EXT_GUEST_REQ = 18, CALL_AP_CREATE = 19, CALL_READ_GUEST = 20,
    CALL_WRITE_GUEST = 21, CALL_DR7_READ = 22, CALL_RDTSCP = 23,
};

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

struct model {
    struct digest effects;
    uint64_t dr7, tsc, jump_table, spec_ctrl, tsc_deadline;
    int race;
};

static void logc(struct model *m, unsigned int call, unsigned int n, const uint64_t *args)
{
    unsigned int i;

    digest_word(&m->effects, call);
    for ( i = 0; i < n; i++ )
        digest_u64(&m->effects, args[i]);
}

#define LOG(m, call, ...) do { const uint64_t a_[] = { 0, __VA_ARGS__ }; logc(m, call, sizeof(a_) / 8 - 1, a_ + 1); } while ( 0 )

static uint8_t model_byte(uint32_t lo, uint32_t hi, uint32_t i, uint32_t salt)
{
    return (uint8_t)((((lo + i) ^ salt) * 0x9e3779b1U >> 24) ^ (hi & 0xff));
}

static uint64_t m_dr7_read(void *ctx)
{
    struct model *m = ctx;

    logc(m, CALL_DR7_READ, 0, NULL);
    return m->dr7;
}

static void m_dr7_write(void *ctx, uint64_t v)
{
    struct model *m = ctx;

    LOG(m, CALL_DR7_WRITE, v);
    m->dr7 = v;
}

static uint64_t m_rdtsc(void *ctx)
{
    struct model *m = ctx;

    m->tsc += 0x1000;
    logc(m, CALL_RDTSC, 0, NULL);
    return m->tsc;
}

static uint64_t m_rdtscp(void *ctx, uint64_t *aux)
{
    struct model *m = ctx;

    m->tsc += 0x1000;
    logc(m, CALL_RDTSCP, 0, NULL);
    *aux = 3;
    return m->tsc;
}

static int m_rdpmc(void *ctx, uint64_t counter, uint64_t *val)
{
    LOG((struct model *)ctx, CALL_RDPMC, counter);
    if ( counter >= 4 )
        return 1;
    *val = 0x1000 * (counter + 1);
    return 0;
}

static void set4(uint32_t out[4], uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    out[0] = a;
    out[1] = b;
    out[2] = c;
    out[3] = d;
}

static void m_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, uint64_t xcr0, uint64_t xss, uint32_t out[4])
{
    uint32_t avx = (xcr0 & 4) ? 0x100 : 0;

    LOG((struct model *)ctx, CALL_CPUID, leaf, subleaf, xcr0, xss);
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

static int m_rdmsr(void *ctx, uint32_t index, uint64_t *val)
{
    struct model *m = ctx;

    LOG(m, CALL_RDMSR, index);
    switch ( index )
    {
    case 0x10: *val = m->tsc; return 0;
    case 0x1b: *val = 0xfee00d00ULL; return 0;
    case 0x48: *val = m->spec_ctrl; return 0;
    case 0x8b: *val = 0x0a00117300000000ULL; return 0;
    case 0x6e0: *val = m->tsc_deadline; return 0;
    default: return 1;
    }
}

static int m_wrmsr(void *ctx, uint32_t index, uint64_t val)
{
    struct model *m = ctx;

    LOG(m, CALL_WRMSR, index, val);
    if ( index == 0x48 )
        m->spec_ctrl = val;
    else if ( index == 0x6e0 )
        m->tsc_deadline = val;
    else
        return 1;
    return 0;
}

static uint32_t m_io_in(void *ctx, uint16_t port, unsigned int size)
{
    uint32_t v = ((uint32_t)port * 0x0101U) ^ 0xa5a5a5a5U;

    LOG((struct model *)ctx, CALL_IO_IN, port, size);
    return size == 4 ? v : v & ((1U << (8 * size)) - 1);
}

static void m_io_out(void *ctx, uint16_t port, unsigned int size, uint32_t val)
{
    LOG((struct model *)ctx, CALL_IO_OUT, port, size, val);
}

static void m_mmio_read(void *ctx, uint64_t gpa, uint8_t *buf, unsigned int len)
{
    unsigned int i;

    LOG((struct model *)ctx, CALL_MMIO_READ, gpa, len);
    for ( i = 0; i < len; i++ )
        buf[i] = model_byte((uint32_t)gpa, (uint32_t)(gpa >> 32), i, 0x3c3c3c3cU);
}

static void m_mmio_write(void *ctx, uint64_t gpa, const uint8_t *buf, unsigned int len)
{
    struct model *m = ctx;

    LOG(m, CALL_MMIO_WRITE, gpa, len);
    digest_bytes(&m->effects, buf, len);
}

static uint64_t m_vmmcall(void *ctx, uint64_t rax, uint8_t cpl)
{
    LOG((struct model *)ctx, CALL_VMMCALL, rax, cpl);
    return rax == 0 ? 1 : 0xffffffffffffffdaULL;
}

static void m_simple(void *ctx, unsigned int what, uint64_t a, uint64_t b)
{
    LOG((struct model *)ctx, CALL_SIMPLE, what, a, b);
}

static uint64_t m_ap_hlt_loop(void *ctx)
{
    logc(ctx, CALL_AP_HLT, 0, NULL);
    return 1;
}

static void m_ap_jump_table_set(void *ctx, uint64_t gpa)
{
    struct model *m = ctx;

    LOG(m, CALL_AP_JT_SET, gpa);
    m->jump_table = gpa;
}

static uint64_t m_ap_jump_table_get(void *ctx)
{
    struct model *m = ctx;

    logc(m, CALL_AP_JT_GET, 0, NULL);
    return m->jump_table;
}

static void m_page_state(void *ctx, uint64_t gfn, unsigned int op, unsigned int large)
{
    LOG((struct model *)ctx, CALL_PSC, gfn, op, large);
}

static uint64_t m_guest_request(void *ctx, uint64_t req, uint64_t resp)
{
    LOG((struct model *)ctx, CALL_GUEST_REQ, req, resp);
    return 0;
}

static uint64_t m_ext_guest_request(void *ctx, uint64_t req, uint64_t resp, uint64_t data, uint64_t pages, uint64_t *rbx)
{
    LOG((struct model *)ctx, CALL_EXT_GUEST_REQ, req, resp, data, pages);
    *rbx = 1;
    return pages < 1 ? 1ULL << 32 : 0;
}

static void m_ap_creation(void *ctx, uint32_t op, uint32_t apic_id, uint64_t vmsa, uint64_t features)
{
    LOG((struct model *)ctx, CALL_AP_CREATE, op, apic_id, vmsa, features);
}

static int m_read_guest(void *ctx, uint64_t gpa, uint8_t *buf, size_t len)
{
    size_t i;

    LOG((struct model *)ctx, CALL_READ_GUEST, gpa, len);
    for ( i = 0; i < len; i++ )
        buf[i] = model_byte((uint32_t)gpa, (uint32_t)(gpa >> 32), (uint32_t)i, 0x5a5a5a5aU);
    return 0;
}

static void m_write_guest(void *ctx, uint64_t gpa, const uint8_t *buf, size_t len)
{
    struct model *m = ctx;

    LOG(m, CALL_WRITE_GUEST, gpa, len);
    digest_bytes(&m->effects, buf, len);
}

/* The racing guest: rewrites what a careless hypervisor would read again. */
static void m_race(void *ctx, uint8_t *page)
{
    struct model *m = ctx;
    uint64_t code = 0x403, ones = ~0ULL, zero = 0;

    if ( !m->race )
        return;
    memcpy(page + VMGEXIT_OFF_SW_EXIT_CODE, &code, 8);
    memcpy(page + VMGEXIT_OFF_SW_EXIT_INFO_2, &ones, 8);
    memcpy(page + VMGEXIT_OFF_SW_SCRATCH, &zero, 8);
    memset(page + VMGEXIT_SHARED_BUF_START, 0xee, VMGEXIT_SHARED_BUF_END - VMGEXIT_SHARED_BUF_START);
}

static const struct vmgexit_ops model_ops = {
    .features = 0x3,
    .dr7_read = m_dr7_read,
    .dr7_write = m_dr7_write,
    .rdtsc = m_rdtsc,
    .rdtscp = m_rdtscp,
    .rdpmc = m_rdpmc,
    .cpuid = m_cpuid,
    .rdmsr = m_rdmsr,
    .wrmsr = m_wrmsr,
    .io_in = m_io_in,
    .io_out = m_io_out,
    .mmio_read = m_mmio_read,
    .mmio_write = m_mmio_write,
    .vmmcall = m_vmmcall,
    .simple = m_simple,
    .ap_hlt_loop = m_ap_hlt_loop,
    .ap_jump_table_set = m_ap_jump_table_set,
    .ap_jump_table_get = m_ap_jump_table_get,
    .page_state = m_page_state,
    .guest_request = m_guest_request,
    .ext_guest_request = m_ext_guest_request,
    .ap_creation = m_ap_creation,
    .read_guest = m_read_guest,
    .write_guest = m_write_guest,
    .race = m_race,
};

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
    struct model m;
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

    memset(&m, 0, sizeof(m));
    digest_init(&m.effects);
    m.dr7 = 0x400;
    m.tsc = 0x100000000ULL;
    m.race = !!(flags & RUN_RACE);
    guest.snp = !!(flags & RUN_SNP);
    guest.registered = !!(flags & RUN_REGISTERED);
    guest.registered_gpa = harness_get_u64(in + 10);

    vmgexit_handle(page, harness_get_u64(in + 2), &guest, &model_ops, &m, &work, &res);

    digest_init(&pd);
    digest_bytes(&pd, page, VMGEXIT_PAGE_SIZE);
    harness_put_u8(out, res.verdict);
    harness_put(out, &res.error, 4);
    harness_put_u16(out, res.field_offset);
    harness_put_u64(out, res.exit_info_1);
    harness_put_u64(out, res.exit_info_2);
    harness_put_u64(out, digest_value(&pd));
    harness_put_u64(out, digest_value(&m.effects));
    if ( flags & RUN_FULL_PAGE )
        harness_put(out, page, VMGEXIT_PAGE_SIZE);
    return HARNESS_OK;
}

const struct harness_kind harness_nae_kinds[] = {
    { KIND_NAE_LOAD, "nae-load", load_kind },
    { KIND_NAE_RUN, "nae-run", run_kind },
    { HARNESS_SYNC, NULL, NULL },
};
