// What coconut-svsm uses of the GHCB protocol that revision 2.03 of AMD 56421
// does not define. Expectations are coconut-svsm's own tables, written down
// here: kernel/src/sev/ghcb.rs (GHCBExitCode), kernel/src/sev/msr_protocol.rs
// (GHCBHvFeatures), kernel/src/sev/hv_doorbell.rs (HVDoorbell, HVExtIntInfo).
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { expectBits, group } from './tables.ts';

const COCONUT_EXIT_CODES = { CONFIGURE_INT_INJ: 0x8000_001bn, DISABLE_ALT_INJ: 0x8000_001cn, SPECIFIC_EOI: 0x8000_001dn };
const gaps = projectModel().modules.flatMap((m) => m.gaps);

describe('GHCB items outside revision 2.03', () => {
  it('leaves coconut-svsm\'s exit codes out of the generated exit codes', () => {
    const values = new Set(group('vmgexit_exit_code').values.map((v) => BigInt(v.value)));
    for (const code of Object.values(COCONUT_EXIT_CODES)) expect(values.has(code)).toBe(false);
  });

  it('lists each of them as a gap with its value and the source that uses it', () => {
    for (const [name, code] of Object.entries(COCONUT_EXIT_CODES)) {
      const hexCode = `0x${(code >> 16n).toString(16)}_${(code & 0xffffn).toString(16).toUpperCase().padStart(4, '0')}`;
      const g = gaps.find((x) => x.item.includes(`(${name})`));
      expect(g?.item, name).toContain(hexCode);
      expect(g?.usedBy).toMatch(/^coconut-svsm\/svsm:kernel\/src\/sev\/ghcb\.rs/);
      expect(g?.absentFrom).toMatchObject({ doc: '56421', rev: '2.03' });
    }
  });

  it('keeps hypervisor feature bits 0..5 as the document defines them and lists bits 6 and 9 as gaps', () => {
    // coconut-svsm GHCBHvFeatures: SEV_SNP 0, AP_CREATION 1, RESTR_INJ 2, RESTR_INJ_TIMER 3, APIC_ID_LIST 4, MULTI_VMPL 5.
    expectBits('ghcb_hv_features', 64, [
      ['snp', 0, 0],
      ['snp_ap_creation', 1, 1],
      ['snp_restricted_injection', 2, 2],
      ['snp_restricted_injection_timer', 3, 3],
      ['apic_id_list', 4, 4],
      ['snp_multi_vmpl', 5, 5],
      ['reserved', 6, 63],
    ]);
    expect(gaps.find((x) => x.item.includes('(SEV_PAGE_STATE_CHANGE)'))?.item).toMatch(/bit 6\b/);
    expect(gaps.find((x) => x.item.includes('(SEV_SNP_EXT_INTERRUPTS)'))?.item).toMatch(/bit 9\b/);
  });

  it('lists the per-VMPL doorbell fields at the offsets coconut-svsm uses', () => {
    // HVDoorbell: vector u8, flags u8, no_eoi_required u8, per_vmpl_events u8,
    // reserved [u8; 60], per_vmpl [HVExtIntInfo; 3] (status u32, irr [u32; 7], isr [u32; 8] = 64 bytes).
    expect(gaps.find((x) => x.item.includes('per_vmpl_events'))?.item).toContain('byte 0x3');
    expect(gaps.find((x) => x.item.includes('per_vmpl['))?.item).toContain('0x40, 0x80, 0xC0');
  });
});
