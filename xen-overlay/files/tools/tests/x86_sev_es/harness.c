/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runs Xen's SEV-ES VMGEXIT handling (xen/arch/x86/hvm/svm/sev*.c, compiled
 * unchanged) in userspace, for guest conversations sent by a driver over a
 * pipe: GHCB MSR protocol requests, GHCB page requests, SIPIs.  A domain of
 * two vCPUs; I/O and MMIO go to an internal handler (ports 0x80-0x8f, MMIO
 * 0xfee00000-0xfee00fff) or to a device model that answers every forwarded
 * access one round trip later, through Xen's completion path.
 *
 * Frames: request u32 kind, u32 length, payload; answer u32 status, u32
 * length, payload (status 0 ok, 2 bad request); kind 0 flushes.
 *   kind 0x40 load:         u8 slot, page[4096]   -> (nothing)
 *   kind 0x50 conversation: steps                 -> answers, then
 *                           u8 state, u32 intercepts[2], u64 effects digest
 * Steps (the conversation stops after one that crashes the domain):
 *   1 MSR:  u8 vcpu, u64 GHCB MSR value   -> u8 state, u64 GHCB MSR after
 *   2 GHCB: u8 vcpu, u64 gpa, u8 slot, u16 npatch, {u16 off, u8 n, bytes}...
 *           (the slot's page with the patches is the GHCB frame's contents
 *           when gpa is a GHCB frame; the MSR holds gpa)
 *                                         -> u8 state, u32 round trips,
 *                                            u64 digest of the frame
 *   3 SIPI: u8 vcpu                       -> u8 state
 * State: bit 0 the domain crashed, bit 1 the vCPU is down, bit 2 an access
 * went to the device model and was not completed as Xen completes it.
 */
#include <stdarg.h>

#include "x86-sev-es.h"
#include "sev.h"

#define NR_SLOTS 64
#define PAGE 4096
/* The GHCB frames of the modelled guest. */
#define GHCB_GPA0 0x7f000ULL
#define GHCB_GPA1 0x7e000ULL

#define KIND_SYNC 0
#define KIND_LOAD 0x40
#define KIND_CONVERSATION 0x50

#define ST_CRASHED 1
#define ST_DOWN 2
#define ST_LOST_IO 4

/* The effects digest (the same as the project's test harness). */
static uint32_t h1, h2;

void sev_es_effect(uint32_t w)
{
    uint32_t t;

    h1 = (h1 ^ w) * 0x01000193U;
    t = ((h2 + w) * 0x85ebca6bU) ^ (w >> 7);
    h2 = t ^ (t >> 15);
}

void sev_es_effect_u64(uint64_t v)
{
    sev_es_effect((uint32_t)v);
    sev_es_effect((uint32_t)(v >> 32));
}

static void digest_bytes(uint32_t *a, uint32_t *b, const uint8_t *p, size_t n)
{
    uint32_t s1 = h1, s2 = h2;
    size_t i = 0;

    h1 = *a;
    h2 = *b;
    for ( ; i + 4 <= n; i += 4 )
        sev_es_effect(p[i] | ((uint32_t)p[i + 1] << 8) |
                      ((uint32_t)p[i + 2] << 16) | ((uint32_t)p[i + 3] << 24));
    if ( i < n )
    {
        uint32_t w = 0;
        unsigned int k;

        for ( k = 0; i + k < n; k++ )
            w |= (uint32_t)p[i + k] << (8 * k);
        sev_es_effect(w);
    }
    sev_es_effect((uint32_t)n);
    *a = h1;
    *b = h2;
    h1 = s1;
    h2 = s2;
}

void sev_es_effect_bytes(const uint8_t *b, size_t n)
{
    uint32_t a = h1, c = h2;

    digest_bytes(&a, &c, b, n);
    h1 = a;
    h2 = c;
}

static uint64_t page_digest(const uint8_t *p)
{
    uint32_t a = 0x811c9dc5U, b = 0x9e3779b9U;

    digest_bytes(&a, &b, p, PAGE);
    return ((uint64_t)b << 32) | a;
}

/* The modelled domain. */
static struct domain dom;
static struct vcpu vcpus[SEV_ES_NR_VCPUS];
static struct vmcb_struct vmcbs[SEV_ES_NR_VCPUS];
static struct vcpu_msrs msrs[SEV_ES_NR_VCPUS];
static uint64_t tsc[SEV_ES_NR_VCPUS], spec_ctrl[SEV_ES_NR_VCPUS];
static uint64_t tsc_deadline[SEV_ES_NR_VCPUS];
static uint8_t frames[2][PAGE];
static uint8_t slots[NR_SLOTS][PAGE];
static unsigned long log_lines;
static bool verbose;

struct vcpu *sev_es_current;
struct cpuinfo_x86 boot_cpu_data = { .extended_cpuid_level = 0x8000001f };

void sev_es_log(const char *fmt, ...)
{
    va_list ap;

    log_lines++;
    if ( !verbose )
        return;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

void domain_crash(struct domain *d)
{
    d->crashed = true;
}

void hvm_vcpu_down(struct vcpu *v)
{
    v->down = true;
}

void *vzalloc(size_t size)
{
    return calloc(1, size);
}

void vfree(void *p)
{
    free(p);
}

/* The host: SEV-ES with the C-bit at 51 and ASIDs 1-15 for SEV-ES guests. */
void cpuid(uint32_t leaf, uint32_t *eax, uint32_t *ebx, uint32_t *ecx,
           uint32_t *edx)
{
    *eax = leaf == 0x8000001f ? 0x1b : 0;
    *ebx = leaf == 0x8000001f ? 0x133 : 0;
    *ecx = 0;
    *edx = leaf == 0x8000001f ? 16 : 0;
}

uint64_t sev_es_host_rdmsr(uint32_t msr)
{
    /* SYSCFG: MemEncryptionModEn. */
    return msr == MSR_K8_SYSCFG ? 1ULL << 23 : 0;
}

void guest_cpuid(const struct vcpu *v, uint32_t leaf, uint32_t subleaf,
                 struct cpuid_leaf *res)
{
    static const struct { uint32_t leaf, r[4]; } cpu[] = {
        { 0x0, { 0xd, 0x68747541, 0x444d4163, 0x69746e65 } },
        { 0x1, { 0x00a00f11, 0x00020800, 0x7ed8320b, 0x178bfbff } },
        { 0x7, { 0, 0x219c91a9, 0x0040069c, 0 } },
        { 0xd, { 0x7, 0x240, 0x340, 0 } },
        { 0x80000000, { 0x8000001f, 0x68747541, 0x444d4163, 0x69746e65 } },
        { 0x8000001f, { 0x1b, 0x00000133, 0x1fd, 0x1 } },
    };
    unsigned int i;

    memset(res, 0, sizeof(*res));
    for ( i = 0; i < sizeof(cpu) / sizeof(cpu[0]); i++ )
        if ( cpu[i].leaf == leaf )
        {
            res->a = cpu[i].r[0];
            res->b = cpu[i].r[1];
            res->c = cpu[i].r[2];
            res->d = cpu[i].r[3];
        }
}

int guest_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch ( msr )
    {
    case 0x10: *val = tsc[v->vcpu_id]; break;
    case 0x1b: *val = 0xfee00d00; break;
    case 0x48: *val = spec_ctrl[v->vcpu_id]; break;
    case 0x8b: *val = 0x0a00117300000000ULL; break;
    case 0x6e0: *val = tsc_deadline[v->vcpu_id]; break;
    default: return X86EMUL_EXCEPTION;
    }

    return X86EMUL_OKAY;
}

int guest_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    if ( msr == 0x48 )
        spec_ctrl[v->vcpu_id] = val;
    else if ( msr == 0x6e0 )
        tsc_deadline[v->vcpu_id] = val;
    else
        return X86EMUL_EXCEPTION;

    return X86EMUL_OKAY;
}

uint64_t hvm_get_guest_tsc(struct vcpu *v)
{
    return tsc[v->vcpu_id] += 0x1000;
}

/* Only for the staging form of the CPUID backend (XSAVE sizes). */
unsigned int xstate_uncompressed_size(uint64_t xcr0)
{
    return 0x240 + ((xcr0 & 4) ? 0x100 : 0);
}

unsigned int xstate_compressed_size(uint64_t xstates)
{
    return 0x240 + ((xstates & 4) ? 0x100 : 0) + ((xstates & 0x800) ? 0x18 : 0);
}

static uint8_t model_byte(uint64_t gpa, uint32_t i, uint32_t salt)
{
    uint32_t lo = (uint32_t)gpa, hi = (uint32_t)(gpa >> 32);

    return (uint8_t)((((lo + i) ^ salt) * 0x9e3779b1U >> 24) ^ (hi & 0xff));
}

/* Guest RAM outside the GHCB frames: reads are modelled, writes logged. */
enum hvm_translation_result hvm_copy_from_guest_phys(void *buf, paddr_t gpa,
                                                     unsigned int size)
{
    uint8_t *b = buf;
    unsigned int i;

    sev_es_effect(20);
    sev_es_effect_u64(gpa);
    sev_es_effect_u64(size);
    for ( i = 0; i < size; i++ )
        b[i] = model_byte(gpa, i, 0x5a5a5a5aU);

    return HVMTRANS_okay;
}

enum hvm_translation_result hvm_copy_to_guest_phys(paddr_t gpa,
                                                   const void *buf,
                                                   unsigned int size,
                                                   struct vcpu *v)
{
    sev_es_effect(21);
    sev_es_effect_u64(gpa);
    sev_es_effect_u64(size);
    sev_es_effect_bytes(buf, size);

    return HVMTRANS_okay;
}

void *hvm_map_guest_frame_rw(unsigned long gfn, bool permanent,
                             bool *writable)
{
    *writable = true;
    if ( gfn == GHCB_GPA0 >> PAGE_SHIFT )
        return frames[0];
    if ( gfn == GHCB_GPA1 >> PAGE_SHIFT )
        return frames[1];

    return NULL;
}

void hvm_unmap_guest_frame(void *p, bool permanent)
{
}

/*
 * hvmemul and the device model.  As in Xen: an access to an ioreq server
 * returns X86EMUL_RETRY, and once the device model has answered the same
 * access issued again returns its answer (a different one crashes the
 * domain, as hvmemul_do_io() does).
 */
struct dm_req {
    bool sent, ready, mmio;
    uint8_t dir;
    unsigned int size;
    uint64_t addr, data;
};
static struct dm_req dm[SEV_ES_NR_VCPUS];

static uint64_t read_value(bool mmio, bool internal, uint64_t addr,
                           unsigned int size)
{
    uint64_t v = 0;
    unsigned int i;

    if ( !mmio )
    {
        v = internal ? 0x5a5a5a5aU
                     : ((uint32_t)addr * 0x0101U) ^ 0xa5a5a5a5U;
        return size == 4 ? v : v & ((1U << (8 * size)) - 1);
    }
    for ( i = 0; i < size; i++ )
        v |= (uint64_t)(internal ? (uint8_t)(addr + i)
                                 : model_byte(addr, i, 0x3c3c3c3cU)) << (8 * i);

    return v;
}

static void io_effect(bool mmio, bool internal, uint8_t dir, uint64_t addr,
                      unsigned int size, uint64_t data)
{
    sev_es_effect(0x100 | (internal ? 0x10 : 0) | (mmio ? 2 : 0) | dir);
    sev_es_effect_u64(addr);
    sev_es_effect(size);
    sev_es_effect_u64(data);
}

static int do_io(bool mmio, uint64_t addr, unsigned int size, uint8_t dir,
                 void *buf)
{
    struct vcpu *v = current;
    struct dm_req *r = &dm[v->vcpu_id];
    bool internal = mmio ? addr >= 0xfee00000 && addr < 0xfee01000
                         : addr >= 0x80 && addr <= 0x8f;
    uint64_t data = 0;

    if ( size > 8 || (size & (size - 1)) )
        return X86EMUL_UNHANDLEABLE;
    if ( r->ready )
    {
        r->ready = false;
        if ( r->mmio != mmio || r->addr != addr || r->size != size ||
             r->dir != dir )
            domain_crash(v->domain);
        data = r->data;
        internal = false;
    }
    else
    {
        /* Xen never issues an access while one is in flight. */
        ASSERT(!r->sent);
        if ( dir == IOREQ_WRITE )
            memcpy(&data, buf, size);
        else
            data = read_value(mmio, internal, addr, size);
        if ( !internal )
        {
            *r = (struct dm_req){ .sent = true, .mmio = mmio, .dir = dir,
                                  .size = size, .addr = addr, .data = data };
            return X86EMUL_RETRY;
        }
    }

    if ( dir == IOREQ_READ )
        memcpy(buf, &data, size);
    io_effect(mmio, internal, dir, addr, size, data);

    return X86EMUL_OKAY;
}

int hvmemul_do_pio_buffer(uint16_t port, unsigned int size, uint8_t dir,
                          void *buffer)
{
    return do_io(false, port, size, dir, buffer);
}

int hvmemul_do_mmio_buffer(paddr_t mmio_gpa, unsigned long *reps,
                           unsigned int size, uint8_t dir, bool df,
                           void *buffer)
{
    ASSERT(*reps == 1 && !df);

    return do_io(true, mmio_gpa, size, dir, buffer);
}

/* A growable answer. */
struct out {
    uint8_t *data;
    size_t len, cap;
};

static void put(struct out *o, const void *p, size_t n)
{
    if ( o->len + n > o->cap )
    {
        o->cap = (o->len + n) * 2 + 256;
        o->data = realloc(o->data, o->cap);
        if ( !o->data )
            abort();
    }
    memcpy(o->data + o->len, p, n);
    o->len += n;
}

static void put8(struct out *o, uint8_t v)
{
    put(o, &v, 1);
}

static void le32(uint8_t *b, uint32_t v)
{
    b[0] = v;
    b[1] = v >> 8;
    b[2] = v >> 16;
    b[3] = v >> 24;
}

static void put32(struct out *o, uint32_t v)
{
    uint8_t b[4];

    le32(b, v);
    put(o, b, 4);
}

static void put64(struct out *o, uint64_t v)
{
    put32(o, (uint32_t)v);
    put32(o, (uint32_t)(v >> 32));
}

static uint64_t get(const uint8_t *p, unsigned int n)
{
    uint64_t v = 0;

    while ( n-- )
        v = (v << 8) | p[n];

    return v;
}

static void reset_domain(void)
{
    unsigned int i;

    memset(dm, 0, sizeof(dm));
    memset(frames, 0, sizeof(frames));
    dom.crashed = false;
    for ( i = 0; i < SEV_ES_NR_VCPUS; i++ )
    {
        struct vcpu *v = &vcpus[i];

        sev_vcpu_destroy(v);
        v->vcpu_id = i;
        v->domain = &dom;
        v->down = false;
        v->io.completion = VIO_no_completion;
        v->arch.msrs = &msrs[i];
        msrs[i].tsc_aux = 3;
        v->arch.hvm.svm.vmcb = &vmcbs[i];
        vmcbs[i] = (struct vmcb_struct){
            .sev_es = true,
            .general1_intercepts = GENERAL1_INTERCEPT_IRET,
        };
        if ( sev_vcpu_initialise(v) )
            abort();
        dom.vcpu[i] = v;
        tsc[i] = 0x100000000ULL;
        spec_ctrl[i] = 0;
        tsc_deadline[i] = 0;
    }
}

static uint8_t state(const struct vcpu *v)
{
    return (dom.crashed ? ST_CRASHED : 0) | (v->down ? ST_DOWN : 0);
}

/*
 * VMGEXIT with the GHCB MSR already set, then what Xen does before the vCPU
 * runs again: vcpu_ioreq_handle_completion() once the device model has
 * answered.  Returns the round trips.
 */
static uint32_t vmgexit(struct vcpu *v, uint8_t *st)
{
    struct dm_req *r = &dm[v->vcpu_id];
    struct cpu_user_regs regs = { 0 };
    uint32_t trips = 0;

    sev_es_current = v;
    svm_vmgexit(&regs);
    while ( v->io.completion == VIO_ghcb_completion && !dom.crashed )
    {
        if ( !r->sent || trips > 0x20000 )
            break;
        r->sent = false;
        r->ready = true;
        trips++;
        v->io.completion = VIO_no_completion;
        sev_ghcb_io_completion();
    }
    *st = state(v);
    if ( !dom.crashed &&
         (r->sent || r->ready || v->io.completion != VIO_no_completion) )
        *st |= ST_LOST_IO;
    r->sent = r->ready = false;
    v->io.completion = VIO_no_completion;

    return trips;
}

/* Runs one conversation; false: the input is not a well-formed one. */
static bool conversation(const uint8_t *in, size_t len, struct out *o)
{
    size_t at = 0;
    bool ok = true;

    reset_domain();
    h1 = 0x811c9dc5U;
    h2 = 0x9e3779b9U;

    while ( at < len && !dom.crashed )
    {
        uint8_t op = in[at], st;
        struct vcpu *v;

        if ( at + 2 > len || in[at + 1] >= SEV_ES_NR_VCPUS )
        {
            ok = false;
            break;
        }
        v = &vcpus[in[at + 1]];
        at += 2;
        if ( op == 1 )
        {
            if ( at + 8 > len )
            {
                ok = false;
                break;
            }
            v->arch.hvm.svm.vmcb->ghcb_gpa = get(in + at, 8);
            at += 8;
            vmgexit(v, &st);
            put8(o, st);
            put64(o, v->arch.hvm.svm.vmcb->ghcb_gpa);
        }
        else if ( op == 2 )
        {
            uint64_t gpa;
            unsigned int slot, n, i;
            uint8_t *frame = NULL;
            uint32_t trips;

            if ( at + 11 > len || in[at + 8] >= NR_SLOTS )
            {
                ok = false;
                break;
            }
            gpa = get(in + at, 8);
            slot = in[at + 8];
            n = get(in + at + 9, 2);
            at += 11;
            if ( gpa == GHCB_GPA0 )
                frame = frames[0];
            else if ( gpa == GHCB_GPA1 )
                frame = frames[1];
            if ( frame )
                memcpy(frame, slots[slot], PAGE);
            for ( i = 0; i < n; i++ )
            {
                unsigned int off, cnt;

                if ( at + 3 > len )
                    break;
                off = get(in + at, 2);
                cnt = in[at + 2];
                at += 3;
                if ( at + cnt > len || off + cnt > PAGE )
                    break;
                if ( frame )
                    memcpy(frame + off, in + at, cnt);
                at += cnt;
            }
            if ( i < n )
            {
                ok = false;
                break;
            }
            v->arch.hvm.svm.vmcb->ghcb_gpa = gpa;
            trips = vmgexit(v, &st);
            put8(o, st);
            put32(o, trips);
            put64(o, frame ? page_digest(frame) : 0);
        }
        else if ( op == 3 )
        {
            /* INIT-SIPI: hvm_vcpu_reset_state() brings the vCPU back. */
            v->down = false;
            put8(o, state(v));
        }
        else
        {
            ok = false;
            break;
        }
    }

    put8(o, dom.crashed ? ST_CRASHED : 0);
    put32(o, vmcbs[0].general1_intercepts);
    put32(o, vmcbs[1].general1_intercepts);
    put64(o, ((uint64_t)h2 << 32) | h1);

    return ok;
}

static void setup(void)
{
    static bool done;

    if ( done )
        return;
    done = true;
    verbose = getenv("X86_SEV_ES_VERBOSE");
    sev_init();
    if ( sev_cbit_pos() != 51 )
        abort();
}

#ifdef FUZZ
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input: a page for slot 0, then a conversation. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct out o = { NULL, 0, 0 };
    size_t n = size < PAGE ? size : PAGE;

    setup();
    memset(slots[0], 0, PAGE);
    memcpy(slots[0], data, n);
    conversation(data + n, size - n, &o);
    /* The output ends with the domain's state; a lost access is a bug. */
    free(o.data);

    return 0;
}
#else
int main(void)
{
    static uint8_t obuf[1 << 16];
    struct out o = { NULL, 0, 0 };
    uint8_t *payload = NULL, hdr[8];
    size_t cap = 0;

    setup();
    setvbuf(stdout, (char *)obuf, _IOFBF, sizeof(obuf));
    while ( fread(hdr, 1, 8, stdin) == 8 )
    {
        uint32_t kind = get(hdr, 4), len = get(hdr + 4, 4), status = 0;

        if ( len > cap )
        {
            cap = len;
            payload = realloc(payload, cap);
            if ( !payload )
                abort();
        }
        if ( len && fread(payload, 1, len, stdin) != len )
            return 1;
        o.len = 0;
        if ( kind == KIND_LOAD && len == 1 + PAGE && payload[0] < NR_SLOTS )
            memcpy(slots[payload[0]], payload + 1, PAGE);
        else if ( kind == KIND_CONVERSATION )
            status = conversation(payload, len, &o) ? 0 : 2;
        else if ( kind != KIND_SYNC )
            status = 2;
        if ( status )
            o.len = 0;
        le32(hdr, status);
        le32(hdr + 4, o.len);
        if ( fwrite(hdr, 1, 8, stdout) != 8 ||
             (o.len && fwrite(o.data, 1, o.len, stdout) != o.len) )
            return 1;
        if ( kind == KIND_SYNC && fflush(stdout) )
            return 1;
    }
    fflush(stdout);

    return 0;
}
#endif
