/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer harness for the generated VMGEXIT validator (generated/c/vmgexit.c),
 * built with -fsanitize=fuzzer,address,undefined by test/fuzz/run.sh.
 *
 * Input: u8 flags (bit 0 SNP guest, bit 1 racing guest, bit 2 a registered
 * GHCB elsewhere, bits 3-4 which GHCB GPA), then the GHCB page (short inputs
 * are zero-padded). The page and the work area are exact-size heap blocks so
 * any out-of-bounds access trips ASan; the backend checks the lengths it is
 * handed against the limits, and the response is checked against the
 * invariants of the GHCB specification.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ghcb.h"
#include "vmgexit.h"

static const uint64_t gpas[4] = { 0x7f000, 0, 0xfffffffffffff000ULL, 0x100000000ULL };

static void check(int ok)
{
    if ( !ok )
        abort();
}

static uint64_t f_u64(void *ctx) { (void)ctx; return 0x1234; }
static void f_set(void *ctx, uint64_t v) { (void)ctx; (void)v; }
static uint64_t f_rdtscp(void *ctx, uint64_t *aux) { (void)ctx; *aux = 1; return 0x5678; }
static int f_rdpmc(void *ctx, uint64_t c, uint64_t *v) { (void)ctx; *v = c; return c > 3; }

static void f_cpuid(void *ctx, uint32_t l, uint32_t s, uint64_t x, uint64_t xs, uint32_t out[4])
{
    (void)ctx;
    out[0] = l;
    out[1] = s;
    out[2] = (uint32_t)x;
    out[3] = (uint32_t)xs;
}

static int f_rdmsr(void *ctx, uint32_t i, uint64_t *v) { (void)ctx; *v = i; return i & 1; }
static int f_wrmsr(void *ctx, uint32_t i, uint64_t v) { (void)ctx; (void)v; return i & 1; }

static uint32_t f_io_in(void *ctx, uint16_t p, unsigned int s)
{
    (void)ctx;
    check(s == 1 || s == 2 || s == 4);
    return p;
}

static void f_io_out(void *ctx, uint16_t p, unsigned int s, uint32_t v)
{
    (void)ctx;
    (void)p;
    (void)v;
    check(s == 1 || s == 2 || s == 4);
}

static void f_mmio_read(void *ctx, uint64_t gpa, uint8_t *buf, unsigned int len)
{
    (void)ctx;
    check(len >= 1 && len <= VMGEXIT_MMIO_MAX_LENGTH);
    memset(buf, (int)(gpa & 0xff), len);
}

static void f_mmio_write(void *ctx, uint64_t gpa, const uint8_t *buf, unsigned int len)
{
    volatile uint8_t sink = 0;
    unsigned int i;

    (void)ctx;
    (void)gpa;
    check(len >= 1 && len <= VMGEXIT_MMIO_MAX_LENGTH);
    for ( i = 0; i < len; i++ )
        sink ^= buf[i];
    (void)sink;
}

static uint64_t f_vmmcall(void *ctx, uint64_t rax, uint8_t cpl) { (void)ctx; return rax + cpl; }
static void f_simple(void *ctx, unsigned int w, uint64_t a, uint64_t b) { (void)ctx; (void)w; (void)a; (void)b; }
static void f_page_state(void *ctx, uint64_t gfn, unsigned int op, unsigned int large)
{
    (void)ctx;
    (void)gfn;
    check(op == VMGEXIT_PSC_OP_PRIVATE || op == VMGEXIT_PSC_OP_SHARED);
    check(large <= 1);
}
static uint64_t f_greq(void *ctx, uint64_t a, uint64_t b) { (void)ctx; check(a != b); return 0; }
static uint64_t f_ext(void *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t *rbx)
{
    (void)ctx;
    (void)c;
    check(a != b);
    *rbx = 1;
    return d ? 0 : 1ULL << 32;
}
static void f_ap_creation(void *ctx, uint32_t op, uint32_t id, uint64_t vmsa, uint64_t f)
{
    (void)ctx;
    (void)id;
    (void)f;
    check(op <= SVM_VMGEXIT_AP_DESTROY);
    check(op == SVM_VMGEXIT_AP_DESTROY || !(vmsa & 0xfff));
}

static int f_read_guest(void *ctx, uint64_t gpa, uint8_t *buf, size_t len)
{
    (void)ctx;
    check(len <= VMGEXIT_SCRATCH_OUTSIDE_LIMIT);
    memset(buf, (int)(gpa & 0xff), len);
    return 0;
}

static void f_write_guest(void *ctx, uint64_t gpa, const uint8_t *buf, size_t len)
{
    volatile uint8_t sink = 0;
    size_t i;

    (void)ctx;
    (void)gpa;
    check(len <= VMGEXIT_SCRATCH_OUTSIDE_LIMIT);
    for ( i = 0; i < len; i++ )
        sink ^= buf[i];
    (void)sink;
}

static void f_race(void *ctx, uint8_t *page)
{
    if ( !*(int *)ctx )
        return;
    memset(page + VMGEXIT_OFF_SW_EXIT_CODE, 0xff, 8);
    memset(page + VMGEXIT_SHARED_BUF_START, 0xee, VMGEXIT_SHARED_BUF_END - VMGEXIT_SHARED_BUF_START);
}

static const struct vmgexit_ops ops = {
    .features = 0x3,
    .dr7_read = f_u64, .dr7_write = f_set, .rdtsc = f_u64, .rdtscp = f_rdtscp, .rdpmc = f_rdpmc,
    .cpuid = f_cpuid, .rdmsr = f_rdmsr, .wrmsr = f_wrmsr, .io_in = f_io_in, .io_out = f_io_out,
    .mmio_read = f_mmio_read, .mmio_write = f_mmio_write, .vmmcall = f_vmmcall, .simple = f_simple,
    .ap_hlt_loop = f_u64, .ap_jump_table_set = f_set, .ap_jump_table_get = f_u64, .page_state = f_page_state,
    .guest_request = f_greq, .ext_guest_request = f_ext, .ap_creation = f_ap_creation,
    .read_guest = f_read_guest, .write_guest = f_write_guest, .race = f_race,
};

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
    uint8_t flags = size ? data[0] : 0;
    uint64_t gpa = gpas[(flags >> 3) & 3];
    int race = !!(flags & 2);
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
    guest.registered = !!(flags & 4);
    guest.registered_gpa = gpa + 0x1000;

    vmgexit_handle(page, gpa, &guest, &ops, &race, work, &res);

    check(res.verdict <= VMGEXIT_VERDICT_TERMINATE);
    if ( res.verdict == VMGEXIT_VERDICT_MALFORMED )
    {
        check(res.error >= GHCB_ERR_NOT_REGISTERED && res.error <= GHCB_ERR_INVALID_EVENT);
        check(get64(page, VMGEXIT_OFF_SW_EXIT_INFO_1) == GHCB_HV_RESP_MALFORMED_INPUT);
        check(get64(page, VMGEXIT_OFF_SW_EXIT_INFO_2) == res.error);
    }
    if ( res.verdict == VMGEXIT_VERDICT_TERMINATE && !race )
        check(!memcmp(page, orig, VMGEXIT_PAGE_SIZE));
    if ( res.verdict != VMGEXIT_VERDICT_TERMINATE )
    {
        /* Only outputs and SW_EXITINFO1/2 may be valid in a response. */
        for ( i = 0; i < 128; i++ )
        {
            int valid = (page[VMGEXIT_VALID_BITMAP_OFFSET + i / 8] >> (i % 8)) & 1;

            if ( valid )
                check(i == VMGEXIT_BIT_RAX || i == VMGEXIT_BIT_RBX || i == VMGEXIT_BIT_RCX || i == VMGEXIT_BIT_RDX ||
                      i == VMGEXIT_BIT_SW_EXIT_INFO_1 || i == VMGEXIT_BIT_SW_EXIT_INFO_2);
        }
        /* The page header and the protocol fields are never written. */
        check(!memcmp(page + VMGEXIT_SHARED_BUF_END, orig + VMGEXIT_SHARED_BUF_END, VMGEXIT_PAGE_SIZE - VMGEXIT_SHARED_BUF_END));
    }

    free(work);
    free(orig);
    free(page);
    return 0;
}
