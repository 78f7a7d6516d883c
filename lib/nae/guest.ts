// The guest side of the GHCB protocol: a #VC handler that turns an
// intercepted instruction of a modelled vCPU into a GHCB request exactly as
// the NAE table's inputs demand (valid bits for inputs only, like Linux's
// vc_ghcb_invalidate() + ghcb_set_*()), and consumes the response.
import { GhcbView } from '../../generated/ts/ghcb-codec.ts';
import type { GhcbField } from '../../schema/nae-model.ts';
import { holds, naeTables, type ENaeEvent, type NaeTables } from './table.ts';

export interface Vcpu {
  regs: { rax: bigint; rbx: bigint; rcx: bigint; rdx: bigint };
  cpl: number;
  /** CR4.OSXSAVE: the guest then supplies XCR0 with every CPUID. */
  osxsave: boolean;
  xcr0: bigint;
  snp: boolean;
  version: number;
  ghcbGpa: bigint;
}

export interface GuestRequest {
  event: string;
  exitInfo1?: bigint;
  exitInfo2?: bigint;
  /** Data placed at the start of the shared buffer (sw_scratch points at it). */
  scratch?: Uint8Array;
  /** Bytes the guest expects back in the shared buffer. */
  scratchLen?: number;
}

export type Completion =
  | { kind: 'done'; regs: Partial<Vcpu['regs']>; exitInfo2: bigint; scratch: Uint8Array | null }
  | { kind: 'exception'; vector: number; event: bigint }
  | { kind: 'error'; reason: number }
  | { kind: 'unknown'; exitInfo1: bigint };

export function defaultVcpu(snp = false): Vcpu {
  return { regs: { rax: 0n, rbx: 0n, rcx: 0n, rdx: 0n }, cpl: 0, osxsave: true, xcr0: 7n, snp, version: 2, ghcbGpa: 0x7_f000n };
}

function setField(v: GhcbView, t: NaeTables, name: GhcbField, value: bigint): void {
  const f = t.fields.get(name)!;
  if (name === 'cpl') v.setCpl(Number(value));
  else {
    new DataView(v.bytes.buffer, v.bytes.byteOffset, 4096).setBigUint64(f.offset, value, true);
    v.setValid(f.validBit);
  }
}

/** The guest always places its scratch data at the start of the GHCB shared buffer. */
export function scratchOffset(t: NaeTables = naeTables()): number {
  return t.page.sharedBuffer.start;
}

function regValue(cpu: Vcpu, name: GhcbField): bigint {
  if (name === 'sw_scratch') return cpu.ghcbGpa + BigInt(scratchOffset());
  if (name === 'cpl') return BigInt(cpu.cpl);
  if (name === 'xcr0') return cpu.xcr0;
  if (name in cpu.regs) return cpu.regs[name as keyof Vcpu['regs']];
  throw new Error(`guest model: no value for input ${name}`);
}

/** Fills `page` (the vCPU's GHCB) with the request; returns the table entry. */
export function buildRequest(page: Uint8Array, cpu: Vcpu, r: GuestRequest, t: NaeTables = naeTables()): ENaeEvent {
  const ev = t.nae.find((e) => e.name === r.event);
  if (!ev) throw new Error(`guest model: no NAE event '${r.event}'`);
  const v = new GhcbView(page);
  page.fill(0, t.page.validBitmap.start, t.page.validBitmap.end); // invalidate: no stale valid bits
  v.protocolVersion = cpu.version;
  v.ghcbUsage = 0;
  v.setSwExitCode(ev.exitCode);
  v.setSwExitInfo1(r.exitInfo1 ?? 0n);
  v.setSwExitInfo2(r.exitInfo2 ?? 0n);
  for (const f of ev.required) setField(v, t, f.name, regValue(cpu, f.name));
  for (const c of ev.conditional) {
    // The guest follows the spec's rule; for CPUID that is CR4.OSXSAVE, which covers the hypervisor's rax == 0xd rule.
    const needed = c.guestRule !== null ? cpu.osxsave : holds(c.when, new DataView(page.buffer, page.byteOffset).getBigUint64(c.when.offset, true));
    if (needed) for (const f of c.fields) setField(v, t, f.name, regValue(cpu, f.name));
  }
  if (r.scratch) page.set(r.scratch, scratchOffset(t));
  return ev;
}

/** Reads the hypervisor's response as a #VC handler does. */
export function consumeResponse(page: Uint8Array, ev: ENaeEvent, r: GuestRequest, t: NaeTables = naeTables()): Completion {
  const v = new GhcbView(page);
  const info1 = v.swExitInfo1 & 0xffff_ffffn;
  const info2 = v.swExitInfo2;
  if (info1 === 1n) return { kind: 'exception', vector: Number(info2 & 0xffn), event: info2 };
  if (info1 === 2n) return { kind: 'error', reason: Number(info2 & 0xffff_ffffn) };
  if (info1 !== 0n) return { kind: 'unknown', exitInfo1: v.swExitInfo1 };
  const regs: Partial<Vcpu['regs']> = {};
  const dv = new DataView(page.buffer, page.byteOffset, 4096);
  for (const f of ev.outputs) {
    if (!v.isValid(f.validBit)) continue; // e.g. WRMSR returns no registers
    if (f.name in { rax: 1, rbx: 1, rcx: 1, rdx: 1 }) regs[f.name as keyof Vcpu['regs']] = dv.getBigUint64(f.offset, true);
  }
  const at = scratchOffset(t);
  const scratch = r.scratchLen !== undefined ? page.slice(at, at + r.scratchLen) : null;
  return { kind: 'done', regs, exitInfo2: info2, scratch };
}
