// What Xen must answer in a guest conversation run by the series' userspace
// harness (tools/tests/x86_sev_es): the project's reference model (lib/nae:
// the GHCB MSR protocol and the VMGEXIT validator/dispatcher) with a backend
// that says what Xen does for each request, written here from the GHCB
// specification (AMD 56421 rev 2.03) and Xen's rules, independently of the C:
//   - I/O and MMIO go through hvmemul: ports 0x80-0x8f and MMIO
//     0xfee00000-0xfee00fff are the harness' internal handlers, everything
//     else is forwarded to the device model (one round trip per access);
//     hvmemul does 1/2/4/8-byte accesses, so an MMIO length is split
//     largest power of two first;
//   - VMMCALL: no hypercall is served, -ENOSYS (-EPERM from CPL > 0);
//   - NMI_COMPLETE clears the IRET intercept (NMIs unblocked);
//   - MONITOR/MWAIT, INVD/WBINVD: nothing; RDPMC: #GP (no vPMU);
//   - AP_HLT_LOOP and the MSR AP reset hold: the vCPU goes down until a SIPI,
//     answer 1; the AP jump table is the domain's;
//   - TERM_REQUEST, UNSUPPORTED_EVENT, MSR requests Xen does not answer, a
//     GHCB GPA that is not a GHCB frame: the domain is crashed;
//   - CPUID answers the guest's policy (the harness' table) as for other HVM
//     guests (the 4.17 form: no XSAVE sizing from the guest's XCR0).
// The harness' stand-ins for Xen services (guest RAM, MSRs, TSC) follow the
// same fixed environment as lib/nae's ModelBackend.
import { decodeGhcbMsr } from '../../generated/ts/ghcb-msr-codec.ts';
import { Digest } from '../../lib/nae/digest.ts';
import { type Backend, exceptionEventinj, modelByte, SIMPLE_IDS } from '../../lib/nae/backend.ts';
import { handleVmgexit } from '../../lib/nae/hypervisor.ts';
import { handleGhcbMsr } from '../../lib/nae/msr-protocol.ts';
import { naeTables } from '../../lib/nae/table.ts';

export const GHCB_FRAMES = [0x7_f000n, 0x7_e000n] as const;
export const IRET_INTERCEPT = 1 << 20;
const M64 = 0xffff_ffff_ffff_ffffn;
const ST = { CRASHED: 1, DOWN: 2 } as const;
const IOREQ = { WRITE: 0, READ: 1 } as const;

interface VcpuState {
  dr7: bigint;
  tsc: bigint;
  specCtrl: bigint;
  tscDeadline: bigint;
  down: boolean;
  intercepts: number;
  ghcbMsr: bigint;
}

export class XenDomain {
  readonly effects = new Digest();
  jumpTable = 0n;
  crashed = false;
  roundTrips = 0;
  readonly vcpus: VcpuState[] = [0, 1].map(() => ({ dr7: 0x400n, tsc: 0x1_0000_0000n, specCtrl: 0n, tscDeadline: 0n, down: false, intercepts: IRET_INTERCEPT, ghcbMsr: 0n }));
  readonly frames = GHCB_FRAMES.map(() => new Uint8Array(4096));
  readonly snap = new Uint8Array(4096);
  readonly backends = [0, 1].map((i) => new XenBackend(this, i));

  io(mmio: boolean, dir: number, addr: bigint, size: number, data: bigint): void {
    const internal = mmio ? addr >= 0xfee0_0000n && addr < 0xfee0_1000n : addr >= 0x80n && addr <= 0x8fn;
    if (!internal) this.roundTrips++;
    const e = this.effects;
    e.word(0x100 | (internal ? 0x10 : 0) | (mmio ? 2 : 0) | dir);
    e.u64(addr);
    e.word(size);
    e.u64(data);
  }

  static internal(mmio: boolean, addr: bigint): boolean {
    return mmio ? addr >= 0xfee0_0000n && addr < 0xfee0_1000n : addr >= 0x80n && addr <= 0x8fn;
  }
}

const CPU: Record<number, [number, number, number, number]> = {
  0x0: [0xd, 0x68747541, 0x444d4163, 0x69746e65],
  0x1: [0x00a00f11, 0x00020800, 0x7ed8320b, 0x178bfbff],
  0x7: [0, 0x219c91a9, 0x0040069c, 0],
  0xd: [0x7, 0x240, 0x340, 0],
  0x8000_0000: [0x8000_001f, 0x68747541, 0x444d4163, 0x69746e65],
  0x8000_001f: [0x1b, 0x0000_0133, 0x1fd, 0x1],
};

export class XenBackend implements Backend {
  readonly features = 0n;
  constructor(private readonly d: XenDomain, private readonly id: number) {}
  private get v(): VcpuState {
    return this.d.vcpus[this.id]!;
  }
  dr7Read(): bigint {
    return this.v.dr7;
  }
  dr7Write(value: bigint): void {
    this.v.dr7 = value;
  }
  rdtsc(): bigint {
    return (this.v.tsc += 0x1000n);
  }
  rdtscp(): { tsc: bigint; aux: number } {
    return { tsc: (this.v.tsc += 0x1000n), aux: 3 };
  }
  rdpmc(): bigint | null {
    return null;
  }
  cpuid(leaf: number): [number, number, number, number] {
    return [...(CPU[leaf >>> 0] ?? [0, 0, 0, 0])];
  }
  rdmsr(index: number): bigint | null {
    switch (index >>> 0) {
      case 0x10: return this.v.tsc;
      case 0x1b: return 0xfee0_0d00n;
      case 0x48: return this.v.specCtrl;
      case 0x8b: return 0x0a00_1173_0000_0000n;
      case 0x6e0: return this.v.tscDeadline;
      default: return null;
    }
  }
  wrmsr(index: number, value: bigint): boolean {
    if (index >>> 0 === 0x48) this.v.specCtrl = value;
    else if (index >>> 0 === 0x6e0) this.v.tscDeadline = value;
    else return false;
    return true;
  }
  ioIn(port: number, size: number): number {
    const internal = XenDomain.internal(false, BigInt(port));
    const raw = internal ? 0x5a5a5a5a : (Math.imul(port, 0x0101) ^ 0xa5a5a5a5) >>> 0;
    const v = size === 4 ? raw >>> 0 : raw & ((1 << (8 * size)) - 1);
    this.d.io(false, IOREQ.READ, BigInt(port), size, BigInt(v));
    return v;
  }
  ioOut(port: number, size: number, value: number): void {
    this.d.io(false, IOREQ.WRITE, BigInt(port), size, BigInt(value >>> 0));
  }
  /** hvmemul does 1, 2, 4 or 8 bytes: the largest power of two first. */
  private chunks(len: number): [number, number][] {
    const out: [number, number][] = [];
    for (let off = 0; off < len; ) {
      let c = 1;
      while (c * 2 <= len - off) c *= 2;
      out.push([off, c]);
      off += c;
    }
    return out;
  }
  mmioRead(gpa: bigint, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (const [off, c] of this.chunks(len)) {
      const a = (gpa + BigInt(off)) & M64;
      const internal = XenDomain.internal(true, a);
      let v = 0n;
      for (let i = 0; i < c; i++) {
        const b = internal ? Number(a + BigInt(i)) & 0xff : modelByte(Number(a & 0xffff_ffffn), Number(a >> 32n), i, 0x3c3c3c3c);
        out[off + i] = b;
        v |= BigInt(b) << BigInt(8 * i);
      }
      this.d.io(true, IOREQ.READ, a, c, v);
    }
    return out;
  }
  mmioWrite(gpa: bigint, data: Uint8Array): void {
    for (const [off, c] of this.chunks(data.length)) {
      let v = 0n;
      for (let i = 0; i < c; i++) v |= BigInt(data[off + i]!) << BigInt(8 * i);
      this.d.io(true, IOREQ.WRITE, (gpa + BigInt(off)) & M64, c, v);
    }
  }
  vmmcall(_rax: bigint, cpl: number): bigint {
    return cpl ? M64 + 1n - 1n /* -EPERM */ : M64 + 1n - 38n /* -ENOSYS */;
  }
  simple(what: keyof typeof SIMPLE_IDS): void {
    if (what === 'nmi_complete') this.v.intercepts &= ~IRET_INTERCEPT;
  }
  apHltLoop(): bigint {
    this.v.down = true;
    return 1n;
  }
  apJumpTableSet(gpa: bigint): void {
    this.d.jumpTable = gpa;
  }
  apJumpTableGet(): bigint {
    return this.d.jumpTable;
  }
  pageState(): boolean {
    throw new Error('SEV-SNP request reached the backend of an SEV-ES guest');
  }
  guestRequest(): bigint {
    throw new Error('SEV-SNP request reached the backend of an SEV-ES guest');
  }
  extGuestRequest(): { exitInfo2: bigint; rbx: bigint } {
    throw new Error('SEV-SNP request reached the backend of an SEV-ES guest');
  }
  apCreation(): void {
    throw new Error('SEV-SNP request reached the backend of an SEV-ES guest');
  }
  readGuest(gpa: bigint, len: number): Uint8Array {
    const e = this.d.effects;
    e.word(20);
    e.u64(gpa);
    e.u64(BigInt(len));
    const out = new Uint8Array(len);
    const lo = Number(gpa & 0xffff_ffffn), hi = Number(gpa >> 32n);
    for (let i = 0; i < len; i++) out[i] = modelByte(lo, hi, i, 0x5a5a5a5a);
    return out;
  }
  writeGuest(gpa: bigint, data: Uint8Array): void {
    const e = this.d.effects;
    e.word(21);
    e.u64(gpa);
    e.u64(BigInt(data.length));
    e.bytes(data);
  }
  exceptionEvent(vector: number): bigint {
    return exceptionEventinj(vector);
  }
}

export type Step =
  | { op: 'msr'; vcpu: number; value: bigint }
  | { op: 'ghcb'; vcpu: number; gpa: bigint; slot: number; patches: { offset: number; bytes: number[] }[] }
  | { op: 'sipi'; vcpu: number };

function state(d: XenDomain, vcpu: number): number {
  return (d.crashed ? ST.CRASHED : 0) | (d.vcpus[vcpu]!.down ? ST.DOWN : 0);
}

/** A GHCB page request of `vcpu` at `gpa` (the frame already filled): what Xen does. */
function pageRequest(d: XenDomain, vcpu: number, gpa: bigint): Uint8Array | null {
  const f = GHCB_FRAMES.indexOf(gpa as (typeof GHCB_FRAMES)[number]);
  if (f < 0) {
    d.crashed = true; // not writable guest RAM
    return null;
  }
  const page = d.frames[f]!;
  const o = handleVmgexit(page, gpa, { snp: false, sevFeatures: 0n }, d.backends[vcpu]!, naeTables(), d.snap);
  if (o.verdict === 'terminate') d.crashed = true;
  return page;
}

export interface Coverage {
  events: Set<string>;
  msr: Set<string>;
}

/** The expected answer of the harness to a conversation (same layout as the C). */
export function expectConversation(steps: readonly Step[], slots: readonly Uint8Array[], cov?: Coverage): Uint8Array {
  const d = new XenDomain();
  const out: number[] = [];
  const u32 = (v: number) => out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  const u64 = (v: bigint) => {
    u32(Number(v & 0xffff_ffffn));
    u32(Number((v >> 32n) & 0xffff_ffffn));
  };
  for (const s of steps) {
    if (d.crashed) break;
    const v = d.vcpus[s.vcpu]!;
    if (s.op === 'sipi') {
      v.down = false;
      out.push(state(d, s.vcpu));
    } else if (s.op === 'msr') {
      v.ghcbMsr = s.value;
      const r = handleGhcbMsr(s.value, { snp: false }, d.backends[s.vcpu]!);
      cov?.msr.add(decodeGhcbMsr(s.value).message?.layout ?? `code ${Number(s.value & 0xfffn)}`);
      if (r.kind === 'response') v.ghcbMsr = r.value;
      else if (r.kind === 'ghcb') pageRequest(d, s.vcpu, s.value);
      else d.crashed = true;
      out.push(state(d, s.vcpu));
      u64(v.ghcbMsr);
    } else {
      v.ghcbMsr = s.gpa;
      const f = GHCB_FRAMES.indexOf(s.gpa as (typeof GHCB_FRAMES)[number]);
      if (f >= 0) {
        const page = d.frames[f]!;
        page.set(slots[s.slot]!);
        for (const p of s.patches) for (let k = 0; k < p.bytes.length; k++) page[p.offset + k] = p.bytes[k]!;
      }
      d.roundTrips = 0;
      const exitCode = f >= 0 ? new DataView(d.frames[f]!.buffer).getBigUint64(0x390, true) : -1n;
      const page = (s.gpa & 0xfffn) === 0n ? pageRequest(d, s.vcpu, s.gpa) : null;
      if ((s.gpa & 0xfffn) !== 0n) throw new Error('a GHCB step needs a page-aligned GPA');
      if (page && cov) {
        const ev = naeTables().nae.find((e) => e.exitCode === exitCode) ?? naeTables().all.find((e) => e.exitCode === exitCode);
        if (ev) cov.events.add(ev.name);
      }
      out.push(state(d, s.vcpu));
      u32(d.roundTrips);
      if (f >= 0) {
        const dg = new Digest();
        dg.bytes(d.frames[f]!);
        u64(dg.value());
      } else u64(0n);
    }
  }
  out.push(d.crashed ? ST.CRASHED : 0);
  u32(d.vcpus[0]!.intercepts);
  u32(d.vcpus[1]!.intercepts);
  u64(d.effects.value());
  return Uint8Array.from(out);
}

/** The request payload of a conversation (kind 0x50). */
export function encodeConversation(steps: readonly Step[]): Uint8Array {
  const out: number[] = [];
  const u64 = (v: bigint) => {
    for (let i = 0n; i < 8n; i++) out.push(Number((v >> (8n * i)) & 0xffn));
  };
  for (const s of steps) {
    if (s.op === 'msr') {
      out.push(1, s.vcpu);
      u64(s.value);
    } else if (s.op === 'ghcb') {
      out.push(2, s.vcpu);
      u64(s.gpa);
      out.push(s.slot, s.patches.length & 0xff, s.patches.length >> 8);
      for (const p of s.patches) out.push(p.offset & 0xff, p.offset >> 8, p.bytes.length, ...p.bytes);
    } else out.push(3, s.vcpu);
  }
  return Uint8Array.from(out);
}
