// SNP firmware ABI layouts added for issue 15, pinned to outside tables.
// Every expectation below is written down from the source named beside it,
// never from this project's output.
import { describe, expect, it } from 'vitest';
import { expectBits, expectMacros, expectTable, layout, specOf, struct } from './tables.ts';

describe('PAGE_INFO (AMD 56860, SNP_LAUNCH_UPDATE launch digest)', () => {
  // AMD 56860 PAGE_INFO table, as AMD's firmware source restates it
  // (amd/AMD-ASPFW sev_mcmd.h snp_mcmd_launch_update_page_info, asserted 0x70
  // bytes there) and coconut-svsm igvmmeasure/src/page_info.rs (PageInfo).
  const table = [
    ['digest_cur', 0x00, 48],
    ['contents', 0x30, 48],
    ['length', 0x60, 2],
    ['page_type', 0x62, 1],
    ['imi_page', 0x63, 1],
    ['reserved', 0x64, 1],
    ['vmpl1_perms', 0x65, 1],
    ['vmpl2_perms', 0x66, 1],
    ['vmpl3_perms', 0x67, 1],
    ['gpa', 0x68, 8],
  ] as const;

  it('has the document\'s 0x70-byte layout', () => {
    expectTable('snp_page_info', 0x70, table);
  });

  it('puts the zero byte first and VMPL1 before VMPL3 (sev-snp-measure\'s reversed order is wrong)', () => {
    // virtee/sev-snp-measure gctx.py writes vmpl3, vmpl2, vmpl1, 0 at 0x64..0x67.
    const reversed = { vmpl3_perms: 0x64, vmpl2_perms: 0x65, vmpl1_perms: 0x66 };
    const s = struct('snp_page_info');
    for (const [name, off] of Object.entries(reversed)) expect(s.fields.find((f) => f.name === name)!.offset).not.toBe(off);
    expect(s.spec).toMatch(/sev-snp-measure.*contradicts/);
  });

  it('types its byte fields with the page-type enum and the VMPL permission mask', () => {
    const s = struct('snp_page_info');
    const f = (n: string) => s.fields.find((x) => x.name === n)!;
    expect(f('page_type').enum).toBe('snp_page_type');
    for (const n of ['vmpl1_perms', 'vmpl2_perms', 'vmpl3_perms']) expect(f(n).layout).toBe('snp_vmpl_perms');
    expectBits('snp_page_info_imi', 8, [['imi_page', 0, 0], ['reserved', 1, 7]]);
  });
});

describe('MSG_KEY_REQ with LAUNCH_MIT_VECTOR (AMD 56860 rev 1.58)', () => {
  // virtee/sev src/firmware/linux/guest/types.rs DerivedKeyReq ("introduced in
  // FW 1.58"); the first 0x20 bytes are Linux's struct snp_derived_key_req.
  it('is 0x28 bytes with the mitigation vector at 0x20', () => {
    expectTable('snp_msg_key_req', 0x28, [
      ['root_key_select', 0x00, 4],
      ['reserved', 0x04, 4],
      ['guest_field_select', 0x08, 8],
      ['vmpl', 0x10, 4],
      ['guest_svn', 0x14, 4],
      ['tcb_version', 0x18, 8],
      ['launch_mit_vector', 0x20, 8],
    ]);
    expect(specOf('field', 'snp_msg_key_req', 'launch_mit_vector')).toMatch(/^AMD 56860 rev 1\.58\b/);
  });

  it('selects it with GUEST_FIELD_SELECT bit 6', () => {
    // virtee/sev src/firmware/guest/types/snp.rs GuestFieldSelect table, bits 0..6.
    expectBits('snp_guest_field_select', 64, [
      ['guest_policy', 0, 0],
      ['image_id', 1, 1],
      ['family_id', 2, 2],
      ['measurement', 3, 3],
      ['guest_svn', 4, 4],
      ['tcb_version', 5, 5],
      ['launch_mit_vector', 6, 6],
      ['reserved', 7, 63],
    ]);
  });
});

describe('SEV-TIO enable bits (AMD 56860 rev 1.58)', () => {
  it('PLATFORM_INFO of the attestation report: TIO_EN is bit 7, bit 6 reserved', () => {
    // virtee/sev src/firmware/guest/types/snp.rs PlatformInfo ("Bit 6 reserved,
    // Bit 7 indicates that SEV-TIO is enabled").
    expectBits('snp_platform_info', 64, [
      ['smt_en', 0, 0],
      ['tsme_en', 1, 1],
      ['ecc_en', 2, 2],
      ['rapl_dis', 3, 3],
      ['ciphertext_hiding_en', 4, 4],
      ['alias_check_complete', 5, 5],
      ['reserved', 6, 6],
      ['tio_en', 7, 7],
      ['reserved', 8, 63],
    ]);
    expect(specOf('bit', 'snp_platform_info', 'tio_en')).toMatch(/^AMD 56860 rev 1\.58\b/);
  });

  it('SNP_PLATFORM_STATUS byte 0x3: TIO_EN is bit 3', () => {
    // virtee/sev src/firmware/host/types/snp.rs PlatformInit: is_rmp_init 0,
    // alias_check_complete 1, is_tio_en 3.
    expectBits('snp_platform_status_init', 8, [
      ['is_rmp_initialized', 0, 0],
      ['alias_check_complete', 1, 1],
      ['reserved', 2, 2],
      ['tio_en', 3, 3],
      ['reserved', 4, 7],
    ]);
    expect(specOf('bit', 'snp_platform_status_init', 'tio_en')).toMatch(/^AMD 56860 rev 1\.58\b/);
  });

  it('SNP_INIT_EX flags: TIO_EN is bit 4', () => {
    // Linux include/linux/psp-sev.h struct sev_data_snp_init_ex (SEV-TIO series):
    // init_rmp:1, list_paddr_en:1, rapl_dis:1, ciphertext_hiding_en:1, tio_en:1, rsvd:27.
    expectBits('snp_init_ex_flags', 32, [
      ['init_rmp', 0, 0],
      ['list_paddr_en', 1, 1],
      ['rapl_dis', 2, 2],
      ['ciphertext_hiding_en', 3, 3],
      ['tio_en', 4, 4],
      ['reserved', 5, 31],
    ]);
  });

  it('SEV-TIO command ids are 0xD0..0xD5', () => {
    // Linux include/linux/psp-sev.h enum sev_cmd, "SEV-TIO commands".
    expectMacros('snp_cmd', {
      SEV_CMD_TIO_STATUS: 0xd0n,
      SEV_CMD_TIO_INIT: 0xd1n,
      SEV_CMD_TIO_DEV_CREATE: 0xd2n,
      SEV_CMD_TIO_DEV_RECLAIM: 0xd3n,
      SEV_CMD_TIO_DEV_CONNECT: 0xd4n,
      SEV_CMD_TIO_DEV_DISCONNECT: 0xd5n,
    });
    expect(specOf('value', 'snp_cmd', 'TIO_STATUS')).toMatch(/^AMD 56860 rev 1\.58\b/);
  });
});

describe('SVSM (AMD 58019): secrets page fields and the calling-area MSR', () => {
  it('the secrets page carries the SVSM fields at 0x140..0x15C', () => {
    // Linux arch/x86/include/asm/sev.h struct snp_secrets_page (svsm_base ..
    // rsvd3[3], tsc_factor, rsvd4[3740]); OVMF Register/Amd/Svsm.h
    // SVSM_INFORMATION (Reserved1[320], SvsmBase, SvsmSize, SvsmCaa,
    // SvsmMaxVersion, SvsmGuestVmpl, Reserved2[3]).
    expectTable('snp_secrets_page', 0x1000, [
      ['version', 0x0, 4],
      ['imien', 0x4, 4],
      ['fms', 0x8, 4],
      ['reserved', 0xc, 4],
      ['gosvw', 0x10, 16],
      ['vmpck0', 0x20, 32],
      ['vmpck1', 0x40, 32],
      ['vmpck2', 0x60, 32],
      ['vmpck3', 0x80, 32],
      ['os_area', 0xa0, 96],
      ['vmsa_tweak_bitmap', 0x100, 64],
      ['svsm_base', 0x140, 8],
      ['svsm_size', 0x148, 8],
      ['svsm_caa', 0x150, 8],
      ['svsm_max_version', 0x158, 4],
      ['svsm_guest_vmpl', 0x15c, 1],
      ['reserved', 0x15d, 3],
      ['tsc_factor', 0x160, 4],
      ['reserved', 0x164, 3740],
    ]);
    expect(specOf('field', 'snp_secrets_page', 'svsm_caa')).toMatch(/^AMD 58019 rev /);
  });

  it('SVSM_CAA is MSR 0xC001F000', () => {
    // Linux arch/x86/include/asm/msr-index.h: #define MSR_SVSM_CAA 0xc001f000.
    expectMacros('sev_msr_index', { MSR_AMD64_SVSM_CAA: 0xc001f000n });
    const l = layout('msr_svsm_caa');
    expect(l.location).toEqual({ kind: 'msr', index: 0xc001f000 });
    expect(l.bits.map((b) => b.c_name)).toContain('MSR_SVSM_CAA_GPA');
  });
});
