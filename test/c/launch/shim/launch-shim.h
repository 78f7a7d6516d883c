/*
 * The Xen services xen-overlay/.../sev-launch.c calls, stood in for in
 * userspace by launch-harness.c on top of the PSP driver's stand-ins
 * (../../psp/shim/psp-shim.h): domains and vCPUs with the fields the launch
 * reads, a p2m of the harness's guest frames, guest handles as plain
 * pointers, cache flushes reported, a preemption check the script sets.
 */
#ifndef LAUNCH_SHIM_H
#define LAUNCH_SHIM_H

#include "../../psp/shim/psp-shim.h"

#include <stdlib.h>

#define XENLOG_G_ERR        "<err>"
#define ERESTART            85
#define SEV_SHIM_PD         "%pd"

/* xen/spinlock.h: one thread. */
#define DEFINE_SPINLOCK(l)  int l
#define spin_lock(l)        (++*(l))
#define spin_unlock(l)      (--*(l))
#define spin_is_locked(l)   (*(l) != 0)

#define test_and_clear_bool(b) shim_test_and_clear(&(b))
static inline bool shim_test_and_clear(bool *b)
{
    bool old = *b;

    *b = false;
    return old;
}

#define xzalloc(t)          ((t *)calloc(1, sizeof(t)))
#define xmalloc_bytes(n)    malloc(n)
#define xfree(p)            free(p)

struct segment_register {
    uint16_t sel;
    uint16_t attr;
    uint32_t limit;
    uint64_t base;
};

/* The save area fields of Xen's struct vmcb_struct the launch reads. */
struct vmcb_struct {
    struct segment_register es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
    uint8_t _cpl;
    uint64_t _efer, _cr4, _cr3, _cr0, _cr2, _dr7, _dr6, _g_pat;
    uint64_t rflags, rip, rsp, rax;
    uint64_t star, lstar, cstar, sfmask, kerngsbase;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
};

struct cpu_user_regs {
    uint64_t rbx, rcx, rdx, rbp, rsi, rdi;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct page_info {
    void *va;
    int refs;
    paddr_t maddr;      /* the harness's choice of machine address, or 0 */
};
typedef struct page_info *mfn_t;

struct sev_launch;

struct vcpu {
    struct vcpu *next_in_list;
    struct {
        struct cpu_user_regs user_regs;
        uint64_t xcr0;
        struct {
            struct {
                struct vmcb_struct *vmcb;
                struct page_info *vmsa;
            } svm;
        } hvm;
    } arch;
};

struct domain {
    unsigned int domain_id;
    bool creation_finished;
    bool sev_es;
    struct vcpu *vcpu_list;
    struct {
        struct {
            struct {
                unsigned int sev_asid;
                struct sev_launch *sev_launch;
            } svm;
        } hvm;
    } arch;
};

#define is_sev_es_domain(d)     ((d)->sev_es)
#define for_each_vcpu(d, v) \
    for ( (v) = (d)->vcpu_list; (v); (v) = (v)->next_in_list )

unsigned int sev_domain_asid(const struct domain *d);

/* p2m */
typedef enum { p2m_ram_rw, p2m_ram_ro, p2m_mmio_direct } p2m_type_t;
#define P2M_ALLOC 1
struct page_info *get_page_from_gfn(struct domain *d, unsigned long gfn,
                                    p2m_type_t *t, int q);
void put_page(struct page_info *pg);
paddr_t page_to_maddr(const struct page_info *pg);
#define page_to_mfn(pg)         (pg)
#define map_domain_page(mfn)    ((mfn)->va)
#define __map_domain_page(pg)   ((pg)->va)
#define unmap_domain_page(va)   ((void)(va))
void cache_flush(const void *addr, unsigned int size);
bool hypercall_preempt_check(void);

/* asm/xstate.h */
#define FCW_DEFAULT             0x037f
#define MXCSR_DEFAULT           0x1f80
#define XSTATE_FP_SSE           0x3

/* public/domctl.h, as /work/wt/launch-abi.md has it. */
#define XEN_GUEST_HANDLE_64(t)  union { t##_t *p; uint64_t q_; }
#define copy_from_guest(dst, h, n) \
    ((h).p ? (memcpy(dst, (h).p, n), 0UL) : (unsigned long)(n))
typedef uint64_t uint64_aligned_t;

/* Patch 8's public ABI, written from its domctl.h hunk by the test. */
#include "sev-launch-abi.h"

/* What sev.h gains in the patch (the harness appends the patch's lines). */
int sev_launch_domctl(struct domain *d, struct xen_domctl_sev_launch *op);
bool sev_launch_vcpus_sealed(const struct domain *d);

#endif /* LAUNCH_SHIM_H */
