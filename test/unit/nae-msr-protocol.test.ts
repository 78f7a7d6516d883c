// The hypervisor side of the GHCB MSR protocol; expected values are the
// message layouts of AMD 56421 2.3.1 written out by hand.
import { describe, expect, it } from 'vitest';
import { ModelBackend } from '../../lib/nae/backend.ts';
import { handleGhcbMsr } from '../../lib/nae/msr-protocol.ts';

describe('GHCB MSR protocol, hypervisor side', () => {
  it('answers SEV_INFO_REQ (0x002) with max 2, min 1 and the C-bit position (51) in SEV_INFO_RESP (0x001)', () => {
    expect(handleGhcbMsr(0x002n, { snp: false }, new ModelBackend())).toMatchObject({ kind: 'response', value: 0x0002_0001_3300_0001n });
    // An SEV-SNP guest is offered version 2 only.
    expect(handleGhcbMsr(0x002n, { snp: true }, new ModelBackend())).toMatchObject({ value: 0x0002_0002_3300_0001n });
  });
  it('answers CPUID_REQ (0x004) for EBX of leaf 0 with CPUID_RESP (0x005) carrying the register', () => {
    // function 0 in bits 63:32, register 1 (EBX) in bits 31:30.
    const r = handleGhcbMsr((0n << 32n) | (1n << 30n) | 0x004n, { snp: false }, new ModelBackend());
    expect(r).toMatchObject({ kind: 'response', value: (0x6874_7541n << 32n) | (1n << 30n) | 0x005n });
  });
  it('registers an SNP GHCB GPA (0x012 -> 0x013 echoing the frame) and refuses it for SEV-ES', () => {
    const g: { snp: boolean; registeredGpa?: bigint } = { snp: true };
    expect(handleGhcbMsr((0x7fn << 12n) | 0x012n, g, new ModelBackend())).toMatchObject({ value: (0x7fn << 12n) | 0x013n });
    expect(g.registeredGpa).toBe(0x7f000n);
    expect(handleGhcbMsr((0x7fn << 12n) | 0x012n, { snp: false }, new ModelBackend()).kind).toBe('unknown');
  });
  it('answers HV_FT_REQ (0x080) with the feature bitmap in bits 63:12 of HV_FT_RESP (0x081)', () => {
    expect(handleGhcbMsr(0x080n, { snp: true }, new ModelBackend())).toMatchObject({ value: (0x3n << 12n) | 0x081n });
  });
  it('page state change 0x014: shared (2) succeeds, an undefined operation fails in bits 63:32 of 0x015', () => {
    expect(handleGhcbMsr((2n << 52n) | (0x1234n << 12n) | 0x014n, { snp: true }, new ModelBackend())).toMatchObject({ value: 0x015n });
    expect(handleGhcbMsr((7n << 52n) | (0x1234n << 12n) | 0x014n, { snp: true }, new ModelBackend())).toMatchObject({ value: (1n << 32n) | 0x015n });
  });
  it('terminates on TERM_REQ (0x100) with reason set and code, and on unknown codes', () => {
    expect(handleGhcbMsr((0x3n << 16n) | (0x1n << 12n) | 0x100n, { snp: false }, new ModelBackend())).toEqual({ kind: 'terminate', reasonSet: 1n, reasonCode: 3n });
    expect(handleGhcbMsr(0x0ffn, { snp: false }, new ModelBackend()).kind).toBe('unknown');
    expect(handleGhcbMsr(0x7f000n, { snp: false }, new ModelBackend())).toEqual({ kind: 'ghcb', gpa: 0x7f000n });
  });
});
