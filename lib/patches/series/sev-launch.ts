// Patch 8: XEN_DOMCTL_sev_launch: the toolstack hands an SEV-ES domain's
// initial memory and vCPU state to the SEV firmware (LAUNCH_START, ACTIVATE,
// LAUNCH_UPDATE_DATA/VMSA, LAUNCH_MEASURE, LAUNCH_FINISH), and destruction
// gives the key and ASID back (DEACTIVATE, DECOMMISSION, DF_FLUSH on reuse).
import { citation } from '../../../generators/emit/common.ts';
import type { PatchDef } from '../types.ts';

const SVM = 'xen/arch/x86/hvm/svm';

export const sevLaunchPatch: PatchDef = {
  id: 'sev-launch',
  subject: 'x86/svm: launch SEV-ES guests through the AMD Secure Processor',
  files: [`${SVM}/sev-launch.c`],
  headers: [
    { module: 'vmsa', path: `${SVM}/sev-vmsa.h`, title: 'SEV-ES VM save area (VMSA)', guard: 'X86_HVM_SVM_SEV_VMSA_H' },
  ],
  body: (ctx) => {
    const api = ctx.model.modules.find((m) => m.name === 'sev_api')!;
    const vmsa = ctx.model.modules.find((m) => m.name === 'vmsa')!;
    const staging = ctx.target.id === 'staging';
    return [
      'An SEV-ES domain (patch 6) cannot run yet: its memory is not encrypted ' +
        'and its VMSAs are plain pages the processor refuses. The SEV firmware ' +
        'launches such a guest (AMD 55766, chapter 6): LAUNCH_START creates the ' +
        "guest's context and key under the owner's policy (and, when given, the " +
        "owner's Diffie-Hellman certificate and session), ACTIVATE binds the key " +
        "to the domain's ASID, LAUNCH_UPDATE_DATA and LAUNCH_UPDATE_VMSA encrypt " +
        'pages and vCPU states in place and add them to the measurement, ' +
        'LAUNCH_MEASURE returns it for the owner to check, LAUNCH_FINISH lets ' +
        'the guest run.',
      'Add XEN_DOMCTL_sev_launch with one sub-op per step (START, UPDATE_DATA, ' +
        'UPDATE_VMSA, MEASURE, FINISH) for the toolstack, which builds the ' +
        'image and the vCPUs\' initial state as for any HVM guest and then calls ' +
        'them in that order. ' +
        (staging
          ? 'Its number is 91: 90 is XEN_DOMCTL_get_domain_state here. The ' +
            'interface version was raised to 0x19 by the patch adding ' +
            'XEN_X86_SEV_ES and is not raised again.'
          : 'The domctl interface version is not raised on this stable branch: ' +
            'nothing existing changes, and an older hypervisor answers the ' +
            'unknown domctl with -ENOSYS.') +
        ' A refusal by the firmware is -EIO with the status in fw_status, so ' +
        'that the toolstack can name it; the hypervisor logs the command and ' +
        'the status by name.',
      'sev-launch.c keeps the launch state per domain (started, VMSAs done, ' +
        'measured, finished) and answers a step out of order with -EBUSY ' +
        'rather than leaving it to the firmware: filling the VMSAs is Xen\'s ' +
        'own work, and a refused step must not have touched the domain. ' +
        'UPDATE_DATA takes each frame by GFN (RAM of the domain, p2m_ram_rw, ' +
        'else -EINVAL), flushes it from the caches (the firmware encrypts ' +
        'memory in place; a dirty line written back later would overwrite the ' +
        'ciphertext) and is preemptible: it advances gfn/nr_frames and ' +
        'continues through the domctl continuation. UPDATE_VMSA fills each ' +
        "vCPU's VMSA page from the state the toolstack set (segments, control " +
        'and debug registers, RIP/RSP/RFLAGS, the system call MSRs, PAT, the ' +
        'general purpose registers, XCR0 and the reset FPU control words) and ' +
        'hands it to the firmware; from then on XEN_DOMCTL_sethvmcontext is ' +
        'refused with -EBUSY for that domain. The measurement comes back ' +
        'through a bounce buffer of the firmware\'s layout (32 bytes HMAC, 16 ' +
        'bytes MNONCE).',
      "On destruction, before patch 6's code gives the ASID back, DEACTIVATE " +
        'unbinds the key and DECOMMISSION drops the context. The firmware will ' +
        'not bind another key to a deactivated ASID before DF_FLUSH (after ' +
        'WBINVD on every CPU, which the DF_FLUSH helper does when the firmware ' +
        'asks), and DF_FLUSH is costly: a destruction only notes that a flush is ' +
        'due and the next ACTIVATE does it, once.',
      'sev-psp.c\'s mailbox is now used at runtime from any CPU: psp_lock ' +
        'serialises the commands (the restart path does not wait for a lock a ' +
        'stopped CPU may hold), DF_FLUSH is callable after boot, and a command ' +
        'after a timeout still fails at once without touching the mailbox.',
      'XSM: the new domain2 permission sev_launch, given to the domains that ' +
        'may create domains in the default policy.',
      'Not done here: a domain whose launch has not finished is not refused ' +
        'at unpause (that needs a common hook); its VMRUN fails the VMSA ' +
        'consistency checks and the domain is crashed as for any bad VMCB. ' +
        'XEN_DOMCTL_setvcpucontext is not refused after UPDATE_VMSA either ' +
        '(HVM toolstacks set vCPU state through the HVM context). ' +
        'LAUNCH_SECRET, SEV (non-ES) guests and SEV-SNP are not offered. ' +
        'The guest\'s RAM and VMSAs are freed (domain_kill(), then the vCPUs\' ' +
        'destruction) before DEACTIVATE: on a host without hardware cache ' +
        'coherency across encryption domains (CPUID Fn8000_001F EAX bit 10) ' +
        'lines dirtied under the guest\'s key may still be written back over ' +
        'their next owner\'s data; flushing them when the memory is ' +
        'relinquished is left to a later patch.',
      'The command ids, buffers and status names added to sev-api.h, and the ' +
        `VMSA layout in sev-vmsa.h (${[...new Set(vmsa.spec.map(citation))].join('; ')}), ` +
        'are generated by xen-sev-codegen ' +
        `(sev-api.h from ${[...new Set(api.spec.map(citation))].join('; ')}), ` +
        'limited to what this code uses.',
    ];
  },
};
