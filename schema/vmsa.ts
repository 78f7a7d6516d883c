// The SEV-ES / SEV-SNP VM Save Area (VMSA): the encrypted guest state page
// (APM vol. 2 Appendix B, Table B-4).
import type { ModuleInput } from './model.ts';
import { cite, citeVia } from './spec.ts';

type Field = NonNullable<ModuleInput['structs']>[number]['fields'][number];

const B4 = cite('apm2', 'Appendix B, Table B-4');
const viaLinux = citeVia('apm2', 'linux:arch/x86/include/asm/svm.h', 'Appendix B, Table B-4');
const viaOpenvmm = citeVia('apm2', 'openvmm:vm/x86/x86defs/src/snp.rs', 'Appendix B, Table B-4');
const viaSvsm = citeVia('apm2', 'coconut-svsm:cpuarch/src/vmsa.rs', 'Appendix B, Table B-4');

// ---------------------------------------------------------------------------
// Small literal helpers (data only).

const SEGMENTS: [string, string][] = [
  ['es', 'ES'],
  ['cs', 'CS'],
  ['ss', 'SS'],
  ['ds', 'DS'],
  ['fs', 'FS'],
  ['gs', 'GS'],
  ['gdtr', 'GDTR'],
  ['ldtr', 'LDTR'],
  ['idtr', 'IDTR'],
  ['tr', 'TR'],
];

const segmentFields = (): Field[] =>
  SEGMENTS.map(([name, what], i) => ({ name, type: 'struct vmcb_seg', offset: i * 0x10, description: `Guest ${what}.`, linux: name }));

const u64 = (name: string, offset: number, description: string, linux: string | null = name, spec?: Field['spec']): Field =>
  spec === undefined ? { name, type: 'u64', offset, description, linux } : { name, type: 'u64', offset, description, linux, spec };

const rsvd = (offset: number, type: string): Field => ({ name: `reserved_0x${offset.toString(16)}`, type, offset, reserved: true });

/** RCX..R15 at 0x308..0x37f; the RSP slot at 0x320 is reserved (RSP lives at 0x1d8). */
function gprFields(): Field[] {
  const regs = ['rcx', 'rdx', 'rbx', null, 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
  return regs.map((r, i) => {
    const offset = 0x308 + 8 * i;
    return r === null ? rsvd(offset, 'u8[8]') : u64(r, offset, `Guest ${r.toUpperCase()}.`);
  });
}

// ---------------------------------------------------------------------------

export const vmsaModule: ModuleInput = {
  name: 'vmsa',
  header: 'vmsa.h',
  title: 'AMD SEV-ES / SEV-SNP VM Save Area (VMSA)',
  spec: [cite('apm2', 'Appendix B, Table B-4'), cite('apm2', '15.35 Encrypted State (SEV-ES)')],
  includes: ['vmcb'],
  structs: [
    {
      name: 'sev_es_save_area',
      description: 'The 4 KiB VMSA page holding the encrypted register state of an SEV-ES or SEV-SNP vCPU.',
      size: 0x1000,
      spec: B4,
      linux: 'sev_es_save_area',
      fields: [
        ...segmentFields(),
        u64('pl0_ssp', 0x0a0, 'Guest PL0_SSP MSR (ring 0 shadow stack pointer).', 'vmpl0_ssp'),
        u64('pl1_ssp', 0x0a8, 'Guest PL1_SSP MSR.', 'vmpl1_ssp'),
        u64('pl2_ssp', 0x0b0, 'Guest PL2_SSP MSR.', 'vmpl2_ssp'),
        u64('pl3_ssp', 0x0b8, 'Guest PL3_SSP MSR.', 'vmpl3_ssp'),
        u64('u_cet', 0x0c0, 'Guest U_CET MSR.'),
        rsvd(0x0c8, 'u8[2]'),
        { name: 'vmpl', type: 'u8', offset: 0x0ca, description: 'VM privilege level this VMSA runs at (SEV-SNP).', linux: 'vmpl' },
        { name: 'cpl', type: 'u8', offset: 0x0cb, description: 'Guest current privilege level.', linux: 'cpl' },
        rsvd(0x0cc, 'u8[4]'),
        u64('efer', 0x0d0, 'Guest EFER.'),
        rsvd(0x0d8, 'u8[104]'),
        u64('xss', 0x140, 'Guest IA32_XSS MSR.'),
        u64('cr4', 0x148, 'Guest CR4.'),
        u64('cr3', 0x150, 'Guest CR3.'),
        u64('cr0', 0x158, 'Guest CR0.'),
        u64('dr7', 0x160, 'Guest DR7.'),
        u64('dr6', 0x168, 'Guest DR6.'),
        u64('rflags', 0x170, 'Guest RFLAGS.'),
        u64('rip', 0x178, 'Guest RIP.'),
        u64('dr0', 0x180, 'Guest DR0 (swapped with DebugSwap).'),
        u64('dr1', 0x188, 'Guest DR1.'),
        u64('dr2', 0x190, 'Guest DR2.'),
        u64('dr3', 0x198, 'Guest DR3.'),
        u64('dr0_addr_mask', 0x1a0, 'Guest DR0 address mask MSR.'),
        u64('dr1_addr_mask', 0x1a8, 'Guest DR1 address mask MSR.'),
        u64('dr2_addr_mask', 0x1b0, 'Guest DR2 address mask MSR.'),
        u64('dr3_addr_mask', 0x1b8, 'Guest DR3 address mask MSR.'),
        rsvd(0x1c0, 'u8[24]'),
        u64('rsp', 0x1d8, 'Guest RSP.'),
        u64('s_cet', 0x1e0, 'Guest S_CET MSR.'),
        u64('ssp', 0x1e8, 'Guest shadow stack pointer.'),
        u64('isst_addr', 0x1f0, 'Guest interrupt SSP table address.'),
        u64('rax', 0x1f8, 'Guest RAX.'),
        u64('star', 0x200, 'Guest STAR MSR.'),
        u64('lstar', 0x208, 'Guest LSTAR MSR.'),
        u64('cstar', 0x210, 'Guest CSTAR MSR.'),
        u64('sfmask', 0x218, 'Guest SFMASK MSR.'),
        u64('kernel_gs_base', 0x220, 'Guest KernelGSbase MSR.'),
        u64('sysenter_cs', 0x228, 'Guest SYSENTER_CS MSR.'),
        u64('sysenter_esp', 0x230, 'Guest SYSENTER_ESP MSR.'),
        u64('sysenter_eip', 0x238, 'Guest SYSENTER_EIP MSR.'),
        u64('cr2', 0x240, 'Guest CR2.'),
        rsvd(0x248, 'u8[32]'),
        u64('g_pat', 0x268, 'Guest PAT MSR.'),
        u64('dbgctl', 0x270, 'Guest DebugCtl MSR.'),
        u64('br_from', 0x278, 'Guest LastBranchFromIP MSR.'),
        u64('br_to', 0x280, 'Guest LastBranchToIP MSR.'),
        u64('last_excp_from', 0x288, 'Guest LastIntFromIP MSR.'),
        u64('last_excp_to', 0x290, 'Guest LastIntToIP MSR.'),
        rsvd(0x298, 'u8[72]'),
        u64('spec_ctrl', 0x2e0, 'Guest SPEC_CTRL MSR (Linux leaves this qword reserved).', null, viaOpenvmm),
        { name: 'pkru', type: 'u32', offset: 0x2e8, description: 'Guest PKRU.', linux: 'pkru' },
        { name: 'tsc_aux', type: 'u32', offset: 0x2ec, description: 'Guest TSC_AUX MSR.', spec: viaLinux, linux: 'tsc_aux' },
        u64('tsc_scale', 0x2f0, 'Secure TSC: guest TSC scaling ratio.', 'tsc_scale', viaLinux),
        u64('tsc_offset', 0x2f8, 'Secure TSC: guest TSC offset.', 'tsc_offset', viaLinux),
        u64('reg_prot_nonce', 0x300, 'Nonce used when VMSA register protection is enabled.', null, viaSvsm),
        ...gprFields(),
        rsvd(0x380, 'u8[16]'),
        u64('guest_exit_info_1', 0x390, 'EXITINFO1 of the last automatic exit.'),
        u64('guest_exit_info_2', 0x398, 'EXITINFO2 of the last automatic exit.'),
        { name: 'guest_exit_int_info', type: 'u64', offset: 0x3a0, layout: 'eventinj', description: 'EXITINTINFO of the last automatic exit.', linux: 'guest_exit_int_info' },
        u64('guest_nrip', 0x3a8, 'Next RIP of the last automatic exit.'),
        { name: 'sev_features', type: 'u64', offset: 0x3b0, layout: 'sev_features', description: 'SEV features enabled for this vCPU.', linux: 'sev_features' },
        { name: 'vintr_ctrl', type: 'u64', offset: 0x3b8, layout: 'vmsa_vintr_ctrl', description: 'Guest-owned virtual interrupt control.', linux: 'vintr_ctrl' },
        { name: 'guest_exit_code', type: 'u64', offset: 0x3c0, enum: 'svm_exit_code', description: 'Exit code of the last automatic exit.', linux: 'guest_exit_code' },
        u64('virtual_tom', 0x3c8, 'Virtual top of memory (with the VTOM feature).'),
        u64('tlb_id', 0x3d0, 'Processor-maintained TLB tracking value.'),
        u64('pcpu_id', 0x3d8, 'Physical CPU the vCPU last ran on; writing 0 forces a full guest TLB flush on the next VMRUN.'),
        { name: 'event_inj', type: 'u64', offset: 0x3e0, layout: 'eventinj', description: 'Event to inject into the guest (same format as VMCB EVENTINJ).', linux: 'event_inj' },
        u64('xcr0', 0x3e8, 'Guest XCR0.'),
        rsvd(0x3f0, 'u8[16]'),
        u64('x87_dp', 0x400, 'x87 last data pointer.'),
        { name: 'mxcsr', type: 'u32', offset: 0x408, description: 'Guest MXCSR.', linux: 'mxcsr' },
        { name: 'x87_ftw', type: 'u16', offset: 0x40c, description: 'x87 tag word.', linux: 'x87_ftw' },
        { name: 'x87_fsw', type: 'u16', offset: 0x40e, description: 'x87 status word.', linux: 'x87_fsw' },
        { name: 'x87_fcw', type: 'u16', offset: 0x410, description: 'x87 control word.', linux: 'x87_fcw' },
        { name: 'x87_fop', type: 'u16', offset: 0x412, description: 'x87 last opcode.', linux: 'x87_fop' },
        { name: 'x87_ds', type: 'u16', offset: 0x414, description: 'x87 last data segment selector.', linux: 'x87_ds' },
        { name: 'x87_cs', type: 'u16', offset: 0x416, description: 'x87 last instruction segment selector.', linux: 'x87_cs' },
        u64('x87_rip', 0x418, 'x87 last instruction pointer.'),
        { name: 'fpreg_x87', type: 'u8[80]', offset: 0x420, description: 'x87 registers ST0-ST7, 10 bytes each.', linux: 'fpreg_x87' },
        { name: 'fpreg_xmm', type: 'u8[256]', offset: 0x470, description: 'XMM0-XMM15, 16 bytes each.', linux: 'fpreg_xmm' },
        { name: 'fpreg_ymm', type: 'u8[256]', offset: 0x570, description: 'Upper halves of YMM0-YMM15, 16 bytes each.', linux: 'fpreg_ymm' },
        { name: 'lbr_stack_from_to', type: 'u8[256]', offset: 0x670, description: 'Guest LBR stack: 16 from/to address pairs.', spec: viaSvsm, linux: null },
        u64('lbr_select', 0x770, 'Guest LBR_SELECT MSR.', null, viaSvsm),
        u64('ibs_fetch_ctl', 0x778, 'Guest IBS fetch control MSR (IBS virtualization).', null, viaSvsm),
        u64('ibs_fetch_linaddr', 0x780, 'Guest IBS fetch linear address MSR.', null, viaSvsm),
        u64('ibs_op_ctl', 0x788, 'Guest IBS execution control MSR.', null, viaSvsm),
        u64('ibs_op_rip', 0x790, 'Guest IBS op RIP MSR.', null, viaSvsm),
        u64('ibs_op_data', 0x798, 'Guest IBS op data MSR.', null, viaSvsm),
        u64('ibs_op_data2', 0x7a0, 'Guest IBS op data 2 MSR.', null, viaSvsm),
        u64('ibs_op_data3', 0x7a8, 'Guest IBS op data 3 MSR.', null, viaSvsm),
        u64('ibs_dc_linaddr', 0x7b0, 'Guest IBS DC linear address MSR.', null, viaSvsm),
        u64('bp_ibstgt_rip', 0x7b8, 'Guest IBS branch target address MSR.', null, viaSvsm),
        u64('ic_ibs_extd_ctl', 0x7c0, 'Guest IBS fetch extended control MSR.', null, viaSvsm),
        rsvd(0x7c8, 'u8[2104]'),
      ],
    },
  ],
  layouts: [
    {
      name: 'vmsa_vintr_ctrl',
      description: 'VINTR_CTRL of the VMSA (offset 0x3b8): the guest-owned part of virtual interrupt control.',
      width: 64,
      cPrefix: 'VMSA_VINTR_CTRL_',
      spec: viaSvsm,
      bits: [
        { name: 'v_tpr', lsb: 0, msb: 7, description: 'Virtual TPR.' },
        { name: 'v_irq', lsb: 8, description: 'A virtual interrupt is pending.' },
        { name: 'v_gif', lsb: 9, description: 'Virtual GIF.' },
        { name: 'int_shadow', lsb: 10, description: 'The guest is in an interrupt shadow.' },
        { name: 'v_nmi', lsb: 11, description: 'A virtual NMI is pending.' },
        { name: 'v_nmi_mask', lsb: 12, description: 'Virtual NMIs are blocked.' },
        { name: 'reserved_13', lsb: 13, msb: 15, reserved: true },
        { name: 'v_intr_prio', lsb: 16, msb: 19, description: 'Priority of the pending virtual interrupt.' },
        { name: 'v_ign_tpr', lsb: 20, description: 'The pending virtual interrupt ignores the virtual TPR.' },
        { name: 'reserved_21', lsb: 21, msb: 25, reserved: true },
        { name: 'v_nmi_enable', lsb: 26, description: 'NMI virtualization enabled.' },
        { name: 'reserved_27', lsb: 27, msb: 31, reserved: true },
        { name: 'v_intr_vector', lsb: 32, msb: 39, description: 'Vector of the pending virtual interrupt.' },
        { name: 'reserved_40', lsb: 40, msb: 62, reserved: true },
        { name: 'busy', lsb: 63, description: 'The VMSA is in use; VMRUN of a busy VMSA fails with VMEXIT_BUSY.' },
      ],
    },
  ],
  groups: [
    {
      name: 'sev_es_host_save',
      description: 'Where VMRUN of an SEV-ES guest keeps host state: in VMSA format, at the offset of a VMCB\'s state save area (Table B-1), in the page MSR VM_HSAVE_PA names.',
      kind: 'constants',
      cPrefix: 'SEV_ES_',
      spec: cite('apm2', '15.35 Encrypted State (SEV-ES)'),
      linux: null,
      values: [{ name: 'HOST_SAVE_AREA_OFFSET', value: 0x400, description: 'Offset of the host\'s VMSA-format save area in the host save area page.', linux: null }],
    },
  ],
};
