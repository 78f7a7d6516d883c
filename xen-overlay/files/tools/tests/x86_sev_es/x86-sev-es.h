/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86-sev-es.h: the Xen services xen/arch/x86/hvm/svm/sev*.c use, stood in
 * for in userspace so that the harness can run them as they are.  Every Xen
 * header those files include is a stub including this file (see Makefile).
 */
#ifndef X86_SEV_ES_H
#define X86_SEV_ES_H

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t paddr_t;
typedef bool bool_t;

#define __init
#define __ro_after_init
#define cf_check

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

#define MASK_EXTR(v, m) (((v) & (m)) / ((m) & -(m)))
#define MASK_INSR(v, m) (((v) * ((m) & -(m))) & (m))

#define ASSERT(p) do { if ( !(p) ) abort(); } while ( 0 )
#define ASSERT_UNREACHABLE() abort()

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define read_atomic(p) (*(p))
#define write_atomic(p, x) (*(p) = (x))

static inline unsigned int fls(unsigned int x)
{
    return x ? 32 - __builtin_clz(x) : 0;
}

#define XENLOG_ERR "<E>"
#define XENLOG_WARNING "<W>"
#define XENLOG_INFO "<I>"
#define XENLOG_DEBUG "<D>"
/* Xen's log lines: counted, printed only when the harness is verbose. */
void sev_es_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define printk(fmt, ...) sev_es_log(fmt, ##__VA_ARGS__)
#define gprintk(lvl, fmt, ...) sev_es_log(lvl fmt, ##__VA_ARGS__)

#define X86EMUL_OKAY 0
#define X86EMUL_UNHANDLEABLE 1
#define X86EMUL_EXCEPTION 2
#define X86EMUL_RETRY 3

#define IOREQ_WRITE 0
#define IOREQ_READ 1

#define X86_DR7_DEFAULT 0x400
#define X86_XCR0_X87 (1ULL << 0)
#define X86_FEATURE_XSAVES 3
#define cpufeat_mask(f) (1U << (f))

/* Event types of intinfo_t (AMD APM vol. 2, EVENTINJ). */
#define X86_ET_HW_EXC 3
typedef union {
    uint64_t raw;
    struct {
        uint8_t vector;
        uint8_t type:3;
        bool ev:1;
        uint32_t resvd1:19;
        bool v:1;
        uint32_t ec;
    };
} intinfo_t;

#define MSR_K8_SYSCFG 0xc0010010U

enum hvm_translation_result {
    HVMTRANS_okay,
    HVMTRANS_bad_linear_to_gfn,
    HVMTRANS_bad_gfn_to_mfn,
};

enum vio_completion {
    VIO_no_completion,
    VIO_mmio_completion,
    VIO_pio_completion,
    VIO_realmode_completion,
    VIO_ghcb_completion,
};

#define GENERAL1_INTERCEPT_IRET (1U << 20)

struct vmcb_struct {
    uint64_t ghcb_gpa;
    uint32_t general1_intercepts;
    bool sev_es;
};

static inline bool vmcb_get_sev_es(const struct vmcb_struct *vmcb)
{
    return vmcb->sev_es;
}

static inline uint32_t vmcb_get_general1_intercepts(
    const struct vmcb_struct *vmcb)
{
    return vmcb->general1_intercepts;
}

static inline void vmcb_set_general1_intercepts(struct vmcb_struct *vmcb,
                                                uint32_t v)
{
    vmcb->general1_intercepts = v;
}

struct cpuid_leaf {
    uint32_t a, b, c, d;
};

struct cpuinfo_x86 {
    uint32_t extended_cpuid_level;
};
extern struct cpuinfo_x86 boot_cpu_data;

struct cpu_user_regs {
    uint64_t rax;
};

struct vcpu_msrs {
    uint32_t tsc_aux;
};

struct sev_vcpu;
struct domain;

struct vcpu {
    unsigned int vcpu_id;
    struct domain *domain;
    bool down;
    struct {
        enum vio_completion completion;
    } io;
    struct {
        struct vcpu_msrs *msrs;
        struct {
            struct {
                struct vmcb_struct *vmcb;
                struct sev_vcpu *sev;
            } svm;
        } hvm;
    } arch;
};

#define SEV_ES_NR_VCPUS 2

struct domain {
    struct vcpu *vcpu[SEV_ES_NR_VCPUS];
    bool crashed;
};

extern struct vcpu *sev_es_current;
#define current sev_es_current

void domain_crash(struct domain *d);
void hvm_vcpu_down(struct vcpu *v);

void *vzalloc(size_t size);
void vfree(void *p);

void cpuid(uint32_t leaf, uint32_t *eax, uint32_t *ebx, uint32_t *ecx,
           uint32_t *edx);
#define rdmsrl(msr, val) ((val) = sev_es_host_rdmsr(msr))
uint64_t sev_es_host_rdmsr(uint32_t msr);

void guest_cpuid(const struct vcpu *v, uint32_t leaf, uint32_t subleaf,
                 struct cpuid_leaf *res);
int guest_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
int guest_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);
uint64_t hvm_get_guest_tsc(struct vcpu *v);
unsigned int xstate_uncompressed_size(uint64_t xcr0);
unsigned int xstate_compressed_size(uint64_t xstates);

enum hvm_translation_result hvm_copy_from_guest_phys(void *buf, paddr_t gpa,
                                                     unsigned int size);
enum hvm_translation_result hvm_copy_to_guest_phys(paddr_t gpa,
                                                   const void *buf,
                                                   unsigned int size,
                                                   struct vcpu *v);
void *hvm_map_guest_frame_rw(unsigned long gfn, bool permanent,
                             bool *writable);
void hvm_unmap_guest_frame(void *p, bool permanent);

int hvmemul_do_pio_buffer(uint16_t port, unsigned int size, uint8_t dir,
                          void *buffer);
int hvmemul_do_mmio_buffer(paddr_t mmio_gpa, unsigned long *reps,
                           unsigned int size, uint8_t dir, bool df,
                           void *buffer);

/* Xen's ioreq completion for VIO_ghcb_completion (sev-nae.c). */
bool sev_ghcb_io_completion(void);

/* The harness (harness.c): its effects digest and device model. */
void sev_es_effect(uint32_t w);
void sev_es_effect_u64(uint64_t v);
void sev_es_effect_bytes(const uint8_t *b, size_t n);

#endif /* X86_SEV_ES_H */
