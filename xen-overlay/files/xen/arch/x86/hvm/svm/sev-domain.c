/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sev-domain.c: the per-domain and per-vCPU state of AMD SEV-ES guests.
 *
 * A domain created with XEN_X86_SEV_ES gets an ASID of its own from the
 * range the CPU sets aside for SEV-ES guests, the same on every pCPU, because
 * the firmware binds the guest's memory encryption key to that ASID
 * (ACTIVATE).  Each of its vCPUs gets a VMSA page, the encrypted register
 * state the processor loads on VMRUN and saves on #VMEXIT, and a VMCB with
 * SEV and SEV-ES enabled and the intercepts such a guest can live with
 * (AMD 24593, 15.35 "Encrypted State (SEV-ES)").
 */

#include <xen/bitops.h>
#include <xen/domain_page.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/paging.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>

#include <asm/debugreg.h>
#include <asm/hvm/svm.h>
#include <asm/prot-key.h>
#include <asm/x86-defns.h>
#include <asm/xstate.h>

#include "sev.h"
#include "sev-cpu.h"
#include "sev-vmsa.h"
#include "vmcb.h"

static DEFINE_SPINLOCK(sev_asid_lock);

/* Bit n set: ASID n belongs to an SEV-ES domain.  Bit 0 is never used. */
static unsigned long *__ro_after_init sev_asid_used;

/* SEV-ES guests use ASIDs 1 to sev_es_asid_end - 1 (CPUID Fn8000_001F EDX). */
static unsigned int __ro_after_init sev_es_asid_end;

/*
 * ASIDs below sev_asid_end are for SEV and SEV-ES guests only (ECX gives the
 * highest one): Xen's per-pCPU ASIDs for other guests start there, so that no
 * guest's TLB entries are ever tagged with the ASID of an encrypted one.
 */
static unsigned int __ro_after_init sev_asid_end;

bool __init sev_asid_init(unsigned int min_sev_asid, unsigned int nr_asids)
{
    sev_asid_used = xzalloc_array(unsigned long, BITS_TO_LONGS(min_sev_asid));
    if ( !sev_asid_used )
        return false;

    sev_es_asid_end = min_sev_asid;
    sev_asid_end = max(min_sev_asid, nr_asids + 1);

    return true;
}

unsigned int sev_first_other_asid(void)
{
    return sev_asid_end ?: 1;
}

int sev_domain_initialise(struct domain *d)
{
    unsigned int asid;

    if ( !is_sev_es_domain(d) )
        return 0;

    /* Refused by arch_sanitise_domain_config() when SEV-ES is unavailable. */
    ASSERT(sev_asid_used);

    spin_lock(&sev_asid_lock);
    asid = find_next_zero_bit(sev_asid_used, sev_es_asid_end, 1);
    if ( asid < sev_es_asid_end )
        __set_bit(asid, sev_asid_used);
    spin_unlock(&sev_asid_lock);

    if ( asid >= sev_es_asid_end )
    {
        printk(XENLOG_G_WARNING "%pd: SEV-ES: all %u SEV-ES ASIDs are in use\n",
               d, sev_es_asid_end - 1);
        return -ENOSPC;
    }

    d->arch.hvm.svm.sev_asid = asid;

    return 0;
}

void cf_check sev_domain_destroy(struct domain *d)
{
    unsigned int asid = d->arch.hvm.svm.sev_asid;

    if ( !asid )
        return;

    /*
     * Nothing else can be using the ASID: the domain's vCPUs are gone, and
     * nothing has bound a key to it, as Xen does not start the guest's
     * encryption context yet.
     */
    spin_lock(&sev_asid_lock);
    __clear_bit(asid, sev_asid_used);
    spin_unlock(&sev_asid_lock);

    d->arch.hvm.svm.sev_asid = 0;
}

unsigned int sev_domain_asid(const struct domain *d)
{
    return d->arch.hvm.svm.sev_asid;
}

int sev_es_vcpu_initialise(struct vcpu *v)
{
    struct vmcb_struct *vmcb = v->arch.hvm.svm.vmcb;
    struct page_info *pg;

    if ( !is_sev_es_domain(v->domain) )
        return 0;

    /*
     * The VMSA is what LAUNCH_UPDATE_VMSA encrypts in place and VMRUN then
     * uses: a page of Xen's own, not one the guest can map.
     */
    pg = alloc_domheap_page(NULL, 0);
    if ( !pg )
        return -ENOMEM;
    clear_domain_page(page_to_mfn(pg));
    v->arch.hvm.svm.vmsa = pg;

    vmcb_set_sev(vmcb, true);
    vmcb_set_sev_es(vmcb, true);
    vmcb->vmsa_pa = page_to_maddr(pg);

    /*
     * The guest's control registers are in the VMSA, out of Xen's reach: an
     * intercepted CR access would turn into #VC in the guest, which has no
     * GHCB request for it.  Let the accesses through and have the processor
     * report the new CR0, CR4 and EFER after each write (trap exits).
     */
    vmcb_set_cr_intercepts(vmcb, 0);
    vmcb_set_general1_intercepts(vmcb, vmcb_get_general1_intercepts(vmcb) &
                                       ~GENERAL1_INTERCEPT_CR0_SEL_WRITE);
    vmcb_set_general2_intercepts(vmcb,
                                 (vmcb_get_general2_intercepts(vmcb) &
                                  ~GENERAL2_INTERCEPT_XSETBV) |
                                 GENERAL2_INTERCEPT_EFER_WRITE_TRAP |
                                 GENERAL2_INTERCEPT_CR0_WRITE_TRAP |
                                 GENERAL2_INTERCEPT_CR4_WRITE_TRAP);

    /*
     * DR7 reads and writes become #VC and reach Xen as GHCB requests; the
     * other debug registers are the guest's own while it runs (see
     * sev_es_ctxt_switch_from()), there being no GHCB request for them.
     */
    vmcb_set_dr_intercepts(vmcb,
                           DR_INTERCEPT_DR7_READ | DR_INTERCEPT_DR7_WRITE);

    /*
     * #UD and #GP are intercepted for instruction emulation, which needs the
     * guest's registers and memory in clear.
     */
    vmcb_set_exception_intercepts(vmcb, vmcb_get_exception_intercepts(vmcb) &
                                        ~((1U << X86_EXC_UD) |
                                          (1U << X86_EXC_GP)));

    return 0;
}

void sev_es_vcpu_destroy(struct vcpu *v)
{
    struct page_info *pg = v->arch.hvm.svm.vmsa;

    if ( !pg )
        return;

    v->arch.hvm.svm.vmsa = NULL;
    free_domheap_page(pg);
}

void sev_es_ctxt_switch_from(struct vcpu *v)
{
    if ( !is_sev_es_domain(v->domain) )
        return;

    /*
     * DR0-3 are not swapped by VMRUN: keep the guest's values and leave none
     * of them for whoever runs next.
     */
    v->arch.dr[0] = read_debugreg(0);
    v->arch.dr[1] = read_debugreg(1);
    v->arch.dr[2] = read_debugreg(2);
    v->arch.dr[3] = read_debugreg(3);
    write_debugreg(0, 0);
    write_debugreg(1, 0);
    write_debugreg(2, 0);
    write_debugreg(3, 0);
}

void sev_es_ctxt_switch_to(struct vcpu *v)
{
    if ( !is_sev_es_domain(v->domain) )
        return;

    write_debugreg(0, v->arch.dr[0]);
    write_debugreg(1, v->arch.dr[1]);
    write_debugreg(2, v->arch.dr[2]);
    write_debugreg(3, v->arch.dr[3]);
}

void sev_es_asid_handle_vmrun(struct vcpu *v)
{
    struct vmcb_struct *vmcb = v->arch.hvm.svm.vmcb;

    vmcb_set_asid(vmcb, sev_domain_asid(v->domain));

    /*
     * The ASID is the same on every pCPU, and another vCPU of the domain may
     * have run on this one since this vCPU did: flush the ASID's TLB entries
     * on every VMRUN rather than track which vCPU ran where last.
     */
    vmcb->tlb_control =
        cpu_has_svm_flushbyasid ? TLB_CTRL_FLUSH_ASID : TLB_CTRL_FLUSH_ALL;
}

/*
 * VMRUN of an SEV-ES guest does not save all of the host state that #VMEXIT
 * loads (AMD 24593, 15.35 and the swap types of Appendix B): the "type B"
 * state is loaded from the VMSA-format host save area at offset 0x400 of the
 * host save area page, where only the hypervisor can have put it.  Of that
 * state Xen relies on XCR0 and XSS (its xstate code caches them per pCPU and
 * XSAVEs with them) and PKRU (Xen's, with CR4.PKE set for PV guests): store
 * the values the pCPU has now, so that #VMEXIT gives back what VMRUN found.
 *
 * The general purpose registers are type B too, but nothing needs them:
 * svm/entry.S saves and clears them after VMRUN and finds the vCPU again
 * from %rsp, which VMRUN saves (type A).  The VMLOAD/VMSAVE state (FS, GS,
 * TR, LDTR, the SYSCALL and SYSENTER MSRs) is the current vCPU's while it
 * runs, as for other HVM guests, and svm_ctxt_switch_from() loads Xen's.
 * DR0-3 are not swapped without DebugSwap (see sev_es_ctxt_switch_from()).
 */
void sev_es_save_host_state(paddr_t hsave_pa)
{
    struct sev_es_save_area *hsa =
        map_domain_page(maddr_to_mfn(hsave_pa)) + SEV_ES_HOST_SAVE_AREA_OFFSET;

    hsa->xcr0 = get_xcr0();
    hsa->xss = get_msr_xss();
    hsa->pkru = (read_cr4() & X86_CR4_PKE) ? rdpkru() : 0;

    unmap_domain_page(hsa);
}

void sev_es_write_trap(struct vcpu *v, uint64_t exit_reason, uint64_t val)
{
    /*
     * The write has happened: EXITINFO1 is the register's new value, which
     * the processor accepted.  Xen cannot change it, only keep its view of
     * the guest's paging mode in step.
     */
    switch ( exit_reason )
    {
    case VMEXIT_CR0_WRITE_TRAP:
        v->arch.hvm.guest_cr[0] = val;
        break;

    case VMEXIT_CR4_WRITE_TRAP:
        v->arch.hvm.guest_cr[4] = val;
        break;

    case VMEXIT_EFER_WRITE_TRAP:
        v->arch.hvm.guest_efer = val;
        break;

    default:
        ASSERT_UNREACHABLE();
        return;
    }

    paging_update_paging_modes(v);
}

void sev_guest_cpuid(const struct domain *d, struct cpuid_leaf *res)
{
    *res = (struct cpuid_leaf){};

    if ( !is_sev_es_domain(d) )
        return;

    res->a = CPUID_8000001F_EAX_SEV_MASK | CPUID_8000001F_EAX_SEV_ES_MASK;
    res->b = MASK_INSR(sev_cbit_pos(), CPUID_8000001F_EBX_CBIT_POSITION_MASK) |
             MASK_INSR(sev_phys_addr_reduction(),
                       CPUID_8000001F_EBX_PHYS_ADDR_REDUCTION_MASK);
}

static void __init __maybe_unused build_assertions(void)
{
    vmsa_build_assertions();
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
