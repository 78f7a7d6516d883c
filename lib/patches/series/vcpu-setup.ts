// Patch 4: how a domain becomes an SEV-ES guest (XEN_X86_SEV_ES at creation),
// its fixed ASID, its vCPUs' VMCB and VMSA, the CR0/CR4/EFER write traps and
// CPUID leaf 0x8000001F for it.
import type { PatchDef } from '../types.ts';
import { editVmcb } from './vmcb.ts';

const SVM = 'xen/arch/x86/hvm/svm';

export const vcpuSetupPatch: PatchDef = {
  id: 'vcpu-setup',
  subject: 'x86/svm: create SEV-ES domains and set up their vCPUs',
  files: [`${SVM}/sev-domain.c`],
  headers: [{ module: 'vmsa', path: `${SVM}/sev-vmsa.h`, title: 'SEV-ES VM save area (VMSA)', guard: 'X86_HVM_SVM_SEV_VMSA_H' }],
  edit: (ctx, used) => {
    editVmcb(ctx, used);
  },
  body: (ctx) => [
    'Nothing so far makes a domain an SEV-ES guest. Add XEN_X86_SEV_ES to the ' +
      "x86 misc_flags of XEN_DOMCTL_createdomain: SEV-ES is an x86 (AMD) " +
      'property fixed for the life of the domain, which is what ' +
      'xen_arch_domainconfig.misc_flags is for; a common XEN_DOMCTL_CDF_* bit ' +
      'would mean nothing on other architectures. A hypervisor without the ' +
      'flag rejects it with -EINVAL, as it does any unknown misc flag. ' +
      (ctx.target.id === 'staging'
        ? 'XEN_DOMCTL_INTERFACE_VERSION goes to 0x19, as this is the first ' +
          'change of the domctl interface since the last release.'
        : 'XEN_DOMCTL_INTERFACE_VERSION stays as it is on this stable branch: ' +
          'the structure does not change, and older hypervisors refuse the new ' +
          'bit with -EINVAL.'),
    'arch_sanitise_domain_config() refuses the flag with -EOPNOTSUPP and one ' +
      'console line naming the reason (built without CONFIG_AMD_SEV, not an ' +
      "HVM guest using HAP, nested virtualisation asked for (Xen would have " +
      "to run the guest's own guests with state it cannot read), or a host " +
      'that sev_init() found unable to run SEV-ES guests), gprintk() rather ' +
      'than dprintk() because the toolstack only sees the errno. So that the ' +
      'toolstack can tell before it asks, XEN_SYSCTL_physinfo reports ' +
      'XEN_SYSCTL_PHYSCAP_X86_SEV_ES in arch_capabilities when the host can ' +
      'run SEV-ES guests (HAP and sev_init()). XEN_SYSCTL_INTERFACE_VERSION ' +
      'stays: a new bit in an OUT field breaks no caller, as when the ' +
      'vmtrace, vpmu and gnttab capabilities were added.',
    'An SEV-ES guest keeps one ASID, from the range the CPU sets aside for ' +
      'SEV-ES (1 up to the minimum SEV-only ASID of CPUID Fn8000_001F EDX, ' +
      'minus one), on every pCPU: the firmware binds its encryption key to ' +
      "it. svm_domain_initialise() allocates it, .domain_destroy frees it. " +
      "Xen's per-pCPU ASIDs for other guests now start above all SEV ASIDs " +
      '(ECX), so no other guest has TLB entries tagged with an SEV ' +
      "guest's ASID; an SEV-ES vCPU flushes its ASID on every VMRUN, since " +
      'another vCPU of the domain may have run on the pCPU meanwhile.',
    'Each vCPU of such a domain gets a zeroed VMSA page of its own (for ' +
      'LAUNCH_UPDATE_VMSA, which a later patch issues), and a VMCB with SEV ' +
      'and SEV-ES enabled in the nested control, vmsa_pa pointing at that ' +
      'page, no CR read/write or selective CR0 intercepts (the registers are ' +
      'encrypted: an intercepted access would become #VC, which has no GHCB ' +
      'request) but the EFER, CR0 and CR4 write traps instead, no XSETBV ' +
      'intercept, DR7 as the only intercepted debug register (DR7 accesses ' +
      'reach Xen as GHCB requests; DR0-3 are saved and cleared when the vCPU ' +
      'is switched out, as VMRUN does not swap them), and no #UD/#GP ' +
      'intercepts, which exist for instruction emulation (AMD 24593, 15.35). ' +
      'VMGEXIT needs no intercept bit: it always exits. The trap exits ' +
      "(EXITINFO1 = the register's new value) update Xen's view of the " +
      'guest\'s CR0, CR4 and EFER instead of hitting "Unexpected vmexit".',
    'CPUID leaf 0x8000001F stays empty in every CPUID policy; guest_cpuid() ' +
      'fills it in for SEV-ES domains only, with the SEV and SEV-ES bits and ' +
      'the C-bit position and physical address reduction sev_init() read from ' +
      'the host, so neither the toolstack nor the guest configuration can ' +
      'change them. The guest looks for the leaf only if leaf 0x80000000 ' +
      'says it exists: for SEV-ES domains that maximum is raised to ' +
      '0x8000001F when the policy stops lower (as on hosts without SEV, ' +
      'where the policy comes from), and the leaf is answered above it.',
    'The AP jump table (AP_JUMP_TABLE, patch 5) was kept with vCPU 0 for ' +
      'want of per-domain SEV state; it now lives in struct svm_domain with ' +
      'the ASID.',
    'VMRUN of an SEV-ES guest saves only part of the host state that ' +
      '#VMEXIT loads back (AMD 24593, 15.35 and the swap types of Appendix ' +
      'B): the rest ("type B") comes from the VMSA-format host save area at ' +
      'offset 0x400 of the host save area page, and only the hypervisor can ' +
      'have put it there. svm_vmenter_helper() therefore has ' +
      'sev_es_save_host_state() store the pCPU\'s current XCR0, XSS and PKRU ' +
      'there before each VMRUN of such a vCPU: Xen caches XCR0 and XSS per ' +
      'pCPU and XSAVEs with them, and keeps CR4.PKE set for PV guests, so ' +
      '#VMEXIT must give back what VMRUN found. The general purpose registers ' +
      'are type B too, but svm/entry.S relies on none of them after VMRUN: it ' +
      'saves and clears them all and finds the vCPU again from %rsp, which ' +
      'VMRUN saves. The VMLOAD/VMSAVE state is the running vCPU\'s anyway, as ' +
      'for other HVM guests, and DR0-3 are not swapped without DebugSwap. ' +
      'Every VMRUN rewrites the three fields, since a VMRUN of a non-SEV-ES ' +
      'guest on the pCPU may use the page in its own way.',
    'Not done yet: the firmware commands that launch the guest (a VMRUN ' +
      'before them fails the consistency checks and the domain is crashed as ' +
      'for any bad VMCB). The next patch lets the toolstack ask for such a ' +
      'domain.',
    'The VMCB field (vmsa_pa, 0x108), the exit codes (0x8F, 0x90, 0x94), ' +
      'the GENERAL2 intercept bits (15, 16, 20) and the VMSA layout of ' +
      'sev-vmsa.h are rendered by xen-sev-codegen from AMD 24593 (APM vol. 2) ' +
      'Appendix B and C, only those this code uses.',
  ],
};
