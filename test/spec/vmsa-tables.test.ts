// VMSA fields Linux does not name (so the Linux 6.1 cross-check never compares
// them), pinned to two other implementations' VMSA layouts, written down here:
// coconut-svsm cpuarch/src/vmsa.rs `struct VMSA` (packed, asserted 0x1000
// bytes; offsets follow from its field order) and microsoft/openvmm
// vm/x86/x86defs/src/snp.rs `SevVmsa`.
import { describe, it } from 'vitest';
import { expectFields } from './tables.ts';

describe('sev_es_save_area: the fields Linux lacks', () => {
  it('register-protection nonce and SPEC_CTRL (openvmm: spec_ctrl after vmsa_reserved6[9] at 0x2E0; nonce at 0x300)', () => {
    expectFields('sev_es_save_area', [
      ['spec_ctrl', 0x2e0, 8],
      ['reg_prot_nonce', 0x300, 8], // coconut: guest_tsc_scale 0x2F0, guest_tsc_offset 0x2F8, reg_prot_nonce 0x300
    ]);
  });

  it('the LBR stack and IBS registers after the YMM state (coconut: fpreg_ymm ends at 0x670)', () => {
    expectFields('sev_es_save_area', [
      ['lbr_stack_from_to', 0x670, 256],
      ['lbr_select', 0x770, 8],
      ['ibs_fetch_ctl', 0x778, 8],
      ['ibs_fetch_linaddr', 0x780, 8],
      ['ibs_op_ctl', 0x788, 8],
      ['ibs_op_rip', 0x790, 8],
      ['ibs_op_data', 0x798, 8],
      ['ibs_op_data2', 0x7a0, 8],
      ['ibs_op_data3', 0x7a8, 8],
      ['ibs_dc_linaddr', 0x7b0, 8],
      ['bp_ibstgt_rip', 0x7b8, 8],
      ['ic_ibs_extd_ctl', 0x7c0, 8], // then reserved_7c8 [u8; 2104] to 0x1000
    ]);
  });
});
