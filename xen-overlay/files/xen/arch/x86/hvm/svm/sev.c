/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sev.c: VMGEXIT handling for AMD SEV-ES guests.
 *
 * An SEV-ES guest's registers are encrypted: an intercept it wants handled
 * becomes a #VC exception in the guest, whose handler asks the hypervisor
 * through VMGEXIT.  The request is either a message in the GHCB MSR (the MSR
 * protocol, sev-msr.c) or, once the guest has one, in its GHCB page.  The VMCB
 * field at offset 0xA0 holds the guest's GHCB MSR value.
 */

#include <xen/lib.h>
#include <xen/sched.h>

#include <asm/cpuid.h>
#include <asm/processor.h>

#include "sev.h"
#include "sev-ghcb-msr.h"
#include "vmcb.h"

/* CPUID Fn8000_001F EBX[5:0]: the position of the encryption bit (C-bit). */
#define SEV_CPUID_LEAF          0x8000001fU
#define SEV_CPUID_CBIT_MASK     0x3fU

unsigned int sev_cbit_pos(void)
{
    /* VMGEXIT only exits on hardware with SEV-ES, which has this leaf. */
    return cpuid_ebx(SEV_CPUID_LEAF) & SEV_CPUID_CBIT_MASK;
}

void sev_msr_cpuid(struct vcpu *v, uint32_t leaf, uint32_t regs[4])
{
    struct cpuid_leaf res;

    guest_cpuid(v, leaf, 0, &res);
    regs[0] = res.a;
    regs[1] = res.b;
    regs[2] = res.c;
    regs[3] = res.d;
}

void svm_vmgexit(struct cpu_user_regs *regs)
{
    struct vcpu *curr = current;
    struct vmcb_struct *vmcb = curr->arch.hvm.svm.vmcb;
    uint64_t req = vmcb->ghcb_gpa, resp = 0;

    /* Outside SEV-ES, VMGEXIT is VMMCALL and never exits as VMGEXIT. */
    if ( !vmcb_get_sev_es(vmcb) )
    {
        gprintk(XENLOG_ERR, "VMGEXIT without SEV-ES\n");
        domain_crash(curr->domain);
        return;
    }

    switch ( sev_msr_request(curr, req, &resp) )
    {
    case SEV_MSR_RESPOND:
        vmcb->ghcb_gpa = resp;
        return;

    case SEV_MSR_GHCB_PAGE:
        gprintk(XENLOG_ERR, "GHCB page requests are not handled yet\n");
        break;

    case SEV_MSR_TERMINATE:
    {
        unsigned int set = MASK_EXTR(req, GHCB_MSR_TERM_REQ_REASON_SET_MASK);
        unsigned int code = MASK_EXTR(req, GHCB_MSR_TERM_REQ_REASON_CODE_MASK);

        gprintk(XENLOG_INFO,
                "SEV-ES guest terminates: reason set %u, code %#x\n",
                set, code);
        break;
    }

    case SEV_MSR_UNKNOWN:
        gprintk(XENLOG_ERR, "unsupported GHCB MSR request %#"PRIx64"\n", req);
        break;
    }

    domain_crash(curr->domain);
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
