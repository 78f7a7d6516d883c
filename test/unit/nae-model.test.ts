// The guest and hypervisor models together: requests a Linux guest sends are
// accepted and completed; automatic exits never touch the GHCB.
import { describe, expect, it } from 'vitest';
import { GHCB_VALID_BITMAP } from '../../generated/ts/ghcb-codec.ts';
import { ModelBackend } from '../../lib/nae/backend.ts';
import { handleExit } from '../../lib/nae/exit.ts';
import { buildRequest, consumeResponse, defaultVcpu } from '../../lib/nae/guest.ts';
import { handleVmgexit } from '../../lib/nae/hypervisor.ts';
import { naeTables } from '../../lib/nae/table.ts';
import { scenarios } from '../nae/scenarios.ts';

// Drift check, not a behaviour test: the scenarios' pages are built by the
// guest model and judged by the hypervisor model, and both read the same
// table (schema/nae.ts), so a wrong table entry passes here. The round trips
// below carry expectations from Linux instead.
describe('drift check: guest and hypervisor models agree on realistic requests', () => {
  for (const s of scenarios()) {
    const ev = naeTables().nae.find((e) => e.name === s.req.event)!;
    const offered = ev.src.handler !== 'not_offered';
    it(`${s.name}: ${offered ? 'accepted' : 'INVALID_EVENT (feature not offered)'}`, () => {
      const page = s.page.slice();
      const o = handleVmgexit(page, s.cpu.ghcbGpa, { snp: s.snp, registeredGpa: s.cpu.ghcbGpa }, new ModelBackend());
      if (offered) expect(o.verdict, o.violation?.message).not.toBe('malformed');
      else expect(o.violation?.code).toBe('INVALID_EVENT');
    });
  }
});

describe('round trips', () => {
  it('CPUID leaf 0 returns the vendor registers to the guest', () => {
    const cpu = defaultVcpu();
    const page = new Uint8Array(4096);
    const ev = buildRequest(page, cpu, { event: 'CPUID' });
    handleVmgexit(page, cpu.ghcbGpa, { snp: false }, new ModelBackend());
    const c = consumeResponse(page, ev, { event: 'CPUID' });
    // "AuthenticAMD" in EBX, EDX, ECX.
    expect(c).toMatchObject({ kind: 'done', regs: { rbx: 0x68747541n, rdx: 0x69746e65n, rcx: 0x444d4163n } });
  });
  it('the guest marks only the inputs valid: CPUID leaf 1 with CR4.OSXSAVE carries rax, rcx, xcr0 and the exit fields', () => {
    const cpu = defaultVcpu();
    cpu.regs.rax = 1n;
    const page = new Uint8Array(4096);
    buildRequest(page, cpu, { event: 'CPUID' });
    const bits: number[] = [];
    for (let b = 0; b < 128; b++) if ((page[GHCB_VALID_BITMAP.offset + (b >> 3)]! >> (b & 7)) & 1) bits.push(b);
    // rax 63, rcx 97, sw_exit_code 114, sw_exit_info_1 115, sw_exit_info_2 116, xcr0 125 (Linux svm.h offsets / 8).
    expect(bits).toEqual([63, 97, 114, 115, 116, 125]);
  });
  it('a WRMSR carries rax, rcx, rdx and the exit fields, as Linux\'s #VC handler sets them', () => {
    // Linux arch/x86/coco/sev vc_handle_msr: ghcb_set_rcx, and for a write
    // ghcb_set_rax and ghcb_set_rdx; sw_exit_code/info_1 (1 = write)/info_2 by
    // sev_es_ghcb_hv_call. Valid bits are qword offsets in svm.h: rax 0x1f8/8,
    // rcx 0x308/8, rdx 0x310/8, sw_exit_code 0x390/8 .. sw_exit_info_2 0x3a0/8.
    const cpu = defaultVcpu();
    cpu.regs.rcx = 0xc000_0080n;
    const page = new Uint8Array(4096);
    buildRequest(page, cpu, { event: 'MSR', exitInfo1: 1n });
    const bits: number[] = [];
    for (let b = 0; b < 128; b++) if ((page[GHCB_VALID_BITMAP.offset + (b >> 3)]! >> (b & 7)) & 1) bits.push(b);
    expect(bits).toEqual([63, 97, 98, 114, 115, 116]);
  });
  it('an RDMSR of an MSR the backend refuses raises #GP in the guest', () => {
    const cpu = defaultVcpu();
    cpu.regs.rcx = 0xc001_0131n;
    const page = new Uint8Array(4096);
    const ev = buildRequest(page, cpu, { event: 'MSR', exitInfo1: 0n });
    handleVmgexit(page, cpu.ghcbGpa, { snp: false }, new ModelBackend());
    expect(consumeResponse(page, ev, { event: 'MSR' })).toMatchObject({ kind: 'exception', vector: 13 });
  });
});

describe('automatic exits', () => {
  it('handles INTR, NPF and CR4_WRITE_TRAP without touching the GHCB page', () => {
    const page = new Uint8Array(4096).fill(0x5a);
    for (const code of [0x60n, 0x400n, 0x94n]) {
      const r = handleExit(code, { page, gpa: 0x7f000n }, { snp: false }, new ModelBackend());
      expect(r.kind).toBe('ae');
    }
    expect(page.every((b) => b === 0x5a)).toBe(true);
  });
  it('passes VMGEXIT to the GHCB handler and calls an NAE intercept code unexpected', () => {
    const cpu = defaultVcpu();
    const page = new Uint8Array(4096);
    buildRequest(page, cpu, { event: 'RDTSC' });
    expect(handleExit(0x403n, { page, gpa: cpu.ghcbGpa }, { snp: false }, new ModelBackend())).toMatchObject({ kind: 'vmgexit', outcome: { verdict: 'no_action' } });
    expect(handleExit(0x72n, null, { snp: false }, new ModelBackend())).toMatchObject({ kind: 'unexpected' });
  });
});
