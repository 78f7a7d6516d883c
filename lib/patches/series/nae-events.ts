// Patch 5: the GHCB requests that need more of Xen than a register value:
// I/O and MMIO through hvmemul and the device model with a per-vCPU
// continuation, VMMCALL, NMI completion, MONITOR/MWAIT and the AP events.
import type { PatchDef } from '../types.ts';

const SVM = 'xen/arch/x86/hvm/svm';
const HARNESS = 'tools/tests/x86_sev_es';

export const naeEventsPatch: PatchDef = {
  id: 'nae-events',
  subject: 'x86/svm: answer I/O, MMIO, VMMCALL, NMI and AP requests of SEV-ES guests',
  files: [`${SVM}/sev-nae.c`, ...['Makefile', 'harness.c', 'x86-sev-es.h'].map((f) => `${HARNESS}/${f}`)],
  headers: [],
  body: () => [
    'Until now an SEV-ES guest asking for port I/O, MMIO, a hypercall, NMI ' +
      'completion, MONITOR/MWAIT or the AP reset hold and jump table was ' +
      'ended. The GHCB specification (AMD 56421 rev 2.03, section 4.1 and ' +
      'Table 6) has an answer for each; give it, in the new sev-nae.c.',
    'Port I/O, string I/O through the scratch area and MMIO go through ' +
      'hvmemul, so internal handlers (vlapic, HPET, stdvga, ...) answer as for ' +
      'other HVM guests. An access forwarded to an ioreq server cannot be ' +
      'replayed by the guest: its registers are encrypted and it expects the ' +
      'answer in the GHCB when VMGEXIT returns. The validator therefore keeps ' +
      'such a request pending in the vCPU\'s work area (VMGEXIT_PENDING); the ' +
      'new ioreq completion kind VIO_ghcb_completion calls ' +
      'sev_ghcb_io_completion() before the vCPU runs again, which issues the ' +
      'access again (hvmemul then returns the device model\'s answer) and ' +
      'writes the answer to the GHCB. String I/O resumes at the access it ' +
      'stopped at; an MMIO length that is not a power of two is split. ' +
      'hvmemul_do_mmio_buffer() is made global for this, and ' +
      'CONFIG_AMD_SEV selects ARCH_VCPU_IOREQ_COMPLETION.',
    'VMMCALL: the GHCB carries only RAX and CPL, while a Xen hypercall needs ' +
      'five more argument registers that stay encrypted in the VMSA, and its ' +
      'buffers would be read as ciphertext unless placed in shared pages. No ' +
      'hypercall is served: the answer is -ENOSYS (-EPERM from CPL > 0), as ' +
      'for a hypercall Xen does not have.',
    'NMI_COMPLETE does what the IRET intercept does for other guests (Xen ' +
      'cannot see the handler\'s IRET): NMIs are no longer blocked. MONITOR ' +
      'arms nothing and MWAIT returns at once, as the instructions permit. ' +
      'The AP reset hold (AP_HLT_LOOP and the MSR protocol request) takes ' +
      'the vCPU down as an INIT does, with the answer "woken by SIPI" ' +
      'written first; the AP jump table is kept per domain (with vCPU 0).',
    'tools/tests/x86_sev_es builds these sources unchanged in userspace, as ' +
      'tools/tests/x86_emulator builds the emulator, with stand-ins for the ' +
      'Xen services they call and a device model answering one round trip ' +
      'later through the completion path, and runs guest conversations (GHCB ' +
      'MSR protocol, GHCB requests, SIPIs on two vCPUs) read from a pipe; ' +
      '`make fuzz` builds the same entry point for libFuzzer.',
  ],
};
