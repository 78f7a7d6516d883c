// SNP firmware ABI layouts added for issue 15, pinned to outside tables.
// Every expectation below is written down from the source named beside it,
// never from this project's output.
import { describe, expect, it } from 'vitest';
import { expectBits, expectTable, struct } from './tables.ts';

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
