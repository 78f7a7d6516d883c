/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sev.h: AMD SEV-ES guest support for SVM, private to xen/arch/x86/hvm/svm/.
 */
#ifndef X86_HVM_SVM_SEV_H
#define X86_HVM_SVM_SEV_H

#include <xen/types.h>

struct cpu_user_regs;
struct vcpu;

/* What a GHCB MSR protocol request asks of the VMGEXIT handler. */
enum sev_msr_action {
    SEV_MSR_RESPOND,        /* Put *resp into the GHCB MSR and resume. */
    SEV_MSR_GHCB_PAGE,      /* A GHCB GPA: the request is in that page. */
    SEV_MSR_TERMINATE,      /* The guest asks to be terminated. */
    SEV_MSR_UNKNOWN,        /* Not a request Xen answers. */
};

/*
 * Decodes the GHCB MSR value @req an SEV-ES guest left for VMGEXIT and, for
 * SEV_MSR_RESPOND, builds the answer in @resp.  @req is guest controlled.
 */
enum sev_msr_action sev_msr_request(struct vcpu *v, uint64_t req,
                                    uint64_t *resp);

/*
 * Provided by sev.c for sev_msr_request(): the guest's CPUID leaf @leaf
 * (subleaf 0) and the encryption bit position the guest must use.
 */
void sev_msr_cpuid(struct vcpu *v, uint32_t leaf, uint32_t regs[4]);
unsigned int sev_cbit_pos(void);

void svm_vmgexit(struct cpu_user_regs *regs);

#endif /* X86_HVM_SVM_SEV_H */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
