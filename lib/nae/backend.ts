// What the hypervisor side dispatches validated events to, and a modelled
// backend: a small deterministic vCPU environment (CPUID table, MSR file, I/O
// ports, MMIO space, AP jump table, page state) that logs every call into an
// effects digest. The C harness (test/c/nae/vmgexit-kinds.c) implements the
// same model so TS and C runs can be compared call for call.
import { Digest } from './digest.ts';
import { naeTables } from './table.ts';

export interface Backend {
  /** ghcb_hv_features the hypervisor advertises. */
  readonly features: bigint;
  dr7Read(): bigint;
  dr7Write(value: bigint): void;
  rdtsc(): bigint;
  rdtscp(): { tsc: bigint; aux: number };
  /** null: raise #GP. */
  rdpmc(counter: number): bigint | null;
  cpuid(leaf: number, subleaf: number, xcr0: bigint, xss: bigint): [number, number, number, number];
  rdmsr(index: number): bigint | null;
  /** false: raise #GP. */
  wrmsr(index: number, value: bigint): boolean;
  ioIn(port: number, size: number): number;
  ioOut(port: number, size: number, value: number): void;
  mmioRead(gpa: bigint, len: number): Uint8Array;
  mmioWrite(gpa: bigint, data: Uint8Array): void;
  vmmcall(rax: bigint, cpl: number): bigint;
  simple(what: 'invd' | 'wbinvd' | 'nmi_complete' | 'monitor' | 'mwait' | 'term_request' | 'unsupported_event', a: bigint, b: bigint): void;
  apHltLoop(): bigint;
  apJumpTableSet(gpa: bigint): void;
  apJumpTableGet(): bigint;
  pageState(gfn: bigint, op: number, large: boolean): boolean;
  guestRequest(req: bigint, resp: bigint): bigint;
  extGuestRequest(req: bigint, resp: bigint, data: bigint, pages: bigint): { exitInfo2: bigint; rbx: bigint };
  apCreation(op: number, apicId: number, vmsa: bigint): void;
  /** Copies guest memory outside the GHCB page (called once per request). */
  readGuest(gpa: bigint, len: number): Uint8Array;
  writeGuest(gpa: bigint, data: Uint8Array): void;
  /** The event-injection (EVENTINJ format) value of exception `vector`, for SW_EXITINFO2. */
  exceptionEvent(vector: number): bigint;
}

/** Call identifiers logged into the effects digest (same numbers in the C harness). */
export const Call = {
  DR7_WRITE: 1, RDTSC: 2, RDPMC: 3, CPUID: 4, RDMSR: 5, WRMSR: 6, IO_IN: 7, IO_OUT: 8, MMIO_READ: 9, MMIO_WRITE: 10,
  VMMCALL: 11, SIMPLE: 12, AP_HLT: 13, AP_JT_SET: 14, AP_JT_GET: 15, PSC: 16, GUEST_REQ: 17, EXT_GUEST_REQ: 18,
  AP_CREATE: 19, READ_GUEST: 20, WRITE_GUEST: 21, DR7_READ: 22, RDTSCP: 23, EXCEPTION_EVENT: 24,
} as const;
export const SIMPLE_IDS = { invd: 1, wbinvd: 2, nmi_complete: 3, monitor: 4, mwait: 5, term_request: 6, unsupported_event: 7 } as const;

/** A deterministic byte of modelled memory at low address word `lo` (+ i), mixed with `salt`. */
export function modelByte(lo: number, hi: number, i: number, salt: number): number {
  return ((Math.imul(((lo + i) >>> 0) ^ salt, 0x9e3779b1) >>> 24) ^ (hi & 0xff)) & 0xff;
}

const lo32 = (v: bigint) => Number(v & 0xffff_ffffn);
const hi32 = (v: bigint) => Number((v >> 32n) & 0xffff_ffffn);

export const MODEL_FEATURES = 0x3n; // SNP base + AP creation
/** SEV_FEATURES of the modelled guest's VMSAs (SNPActive): AP_CREATION must pass it in RAX. */
export const MODEL_SEV_FEATURES = 0x1n;

/** An event-injection value (APM vol. 2 15.20 EVENTINJ): vector, type 3 (exception), valid. */
export function exceptionEventinj(vector: number): bigint {
  return BigInt(vector) | (3n << 8n) | (1n << 31n);
}
/** #GP as an event-injection value. */
export const GP_EVENT = exceptionEventinj(13);

/** The modelled backend. Every observable call goes into `effects`. */
export class ModelBackend implements Backend {
  readonly features = MODEL_FEATURES;
  readonly effects = new Digest();
  dr7 = 0x400n;
  tsc = 0x1_0000_0000n;
  jumpTable = 0n;
  specCtrl = 0n;
  tscDeadline = 0n;
  /**
   * The racing guest of the TOCTOU vectors: when set, the first backend call
   * (which runs after the snapshot and validation) rewrites this live page.
   */
  racePage: Uint8Array | undefined;

  private race(): void {
    const p = this.racePage;
    if (p) {
      this.racePage = undefined;
      scribble(p);
    }
  }

  private log(call: number, ...args: bigint[]): void {
    this.race();
    this.effects.word(call);
    for (const a of args) this.effects.u64(a);
  }

  /** log() for arguments below 2^32, without BigInt (string I/O logs thousands of calls per request). */
  private log3(call: number, a: number, b: number, c: number): void {
    this.race();
    const e = this.effects;
    e.word(call);
    e.word(a);
    e.word(0);
    e.word(b);
    e.word(0);
    e.word(c);
    e.word(0);
  }

  dr7Read(): bigint {
    this.log(Call.DR7_READ);
    return this.dr7;
  }
  dr7Write(value: bigint): void {
    this.log(Call.DR7_WRITE, value);
    this.dr7 = value;
  }
  rdtsc(): bigint {
    this.log(Call.RDTSC);
    this.tsc += 0x1000n;
    return this.tsc;
  }
  rdtscp(): { tsc: bigint; aux: number } {
    this.log(Call.RDTSCP);
    this.tsc += 0x1000n;
    return { tsc: this.tsc, aux: 3 };
  }
  rdpmc(counter: number): bigint | null {
    this.log(Call.RDPMC, BigInt(counter));
    return counter < 4 ? 0x1000n * BigInt(counter + 1) : null;
  }
  cpuid(leaf: number, subleaf: number, xcr0: bigint, xss: bigint): [number, number, number, number] {
    this.log(Call.CPUID, BigInt(leaf), BigInt(subleaf), xcr0, xss);
    const avx = (xcr0 & 4n) !== 0n ? 0x100 : 0;
    switch (leaf) {
      case 0x0: return [0xd, 0x68747541, 0x444d4163, 0x69746e65];
      case 0x1: return [0x00a00f11, 0x00020800, 0x7ed8320b, 0x178bfbff];
      case 0x7: return subleaf === 0 ? [0, 0x219c91a9, 0x0040069c, 0] : [0, 0, 0, 0];
      case 0xd:
        if (subleaf === 0) return [0x7, 0x240 + avx, 0x340, 0];
        if (subleaf === 1) return [0xf, 0x240 + avx + ((xss & 0x800n) !== 0n ? 0x18 : 0), 0x1800, 0];
        return [0, 0, 0, 0];
      case 0x8000_0000: return [0x8000_001f, 0x68747541, 0x444d4163, 0x69746e65];
      case 0x8000_001f: return [0x1b, 0x0000_0133, 0x1fd, 0x1];
      default: return [0, 0, 0, 0];
    }
  }
  rdmsr(index: number): bigint | null {
    this.log(Call.RDMSR, BigInt(index));
    switch (index) {
      case 0x10: return this.tsc;
      case 0x1b: return 0xfee0_0d00n;
      case 0x48: return this.specCtrl;
      case 0x8b: return 0x0a00_1173_0000_0000n;
      case 0x6e0: return this.tscDeadline;
      default: return null;
    }
  }
  wrmsr(index: number, value: bigint): boolean {
    this.log(Call.WRMSR, BigInt(index), value);
    if (index === 0x48) this.specCtrl = value;
    else if (index === 0x6e0) this.tscDeadline = value;
    else return false;
    return true;
  }
  ioIn(port: number, size: number): number {
    this.race();
    const e = this.effects;
    e.word(Call.IO_IN);
    e.word(port);
    e.word(0);
    e.word(size);
    e.word(0);
    const v = (Math.imul(port, 0x0101) ^ 0xa5a5a5a5) >>> 0;
    return size === 4 ? v : v & ((1 << (8 * size)) - 1);
  }
  ioOut(port: number, size: number, value: number): void {
    this.log3(Call.IO_OUT, port, size, value >>> 0);
  }
  mmioRead(gpa: bigint, len: number): Uint8Array {
    this.log(Call.MMIO_READ, gpa, BigInt(len));
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) out[i] = modelByte(lo32(gpa), hi32(gpa), i, 0x3c3c3c3c);
    return out;
  }
  mmioWrite(gpa: bigint, data: Uint8Array): void {
    this.log(Call.MMIO_WRITE, gpa, BigInt(data.length));
    this.effects.bytes(data);
  }
  vmmcall(rax: bigint, cpl: number): bigint {
    this.log(Call.VMMCALL, rax, BigInt(cpl));
    return rax === 0n ? 1n : 0xffff_ffff_ffff_ffdan;
  }
  simple(what: keyof typeof SIMPLE_IDS, a: bigint, b: bigint): void {
    this.log(Call.SIMPLE, BigInt(SIMPLE_IDS[what]), a, b);
  }
  apHltLoop(): bigint {
    this.log(Call.AP_HLT);
    return 1n;
  }
  apJumpTableSet(gpa: bigint): void {
    this.log(Call.AP_JT_SET, gpa);
    this.jumpTable = gpa;
  }
  apJumpTableGet(): bigint {
    this.log(Call.AP_JT_GET);
    return this.jumpTable;
  }
  pageState(gfn: bigint, op: number, large: boolean): boolean {
    this.log(Call.PSC, gfn, BigInt(op), large ? 1n : 0n);
    return true;
  }
  guestRequest(req: bigint, resp: bigint): bigint {
    this.log(Call.GUEST_REQ, req, resp);
    return 0n;
  }
  extGuestRequest(req: bigint, resp: bigint, data: bigint, pages: bigint): { exitInfo2: bigint; rbx: bigint } {
    this.log(Call.EXT_GUEST_REQ, req, resp, data, pages);
    return pages < 1n ? { exitInfo2: 1n << 32n, rbx: 1n } : { exitInfo2: 0n, rbx: 1n };
  }
  apCreation(op: number, apicId: number, vmsa: bigint): void {
    this.log(Call.AP_CREATE, BigInt(op), BigInt(apicId), vmsa);
  }
  readGuest(gpa: bigint, len: number): Uint8Array {
    this.log(Call.READ_GUEST, gpa, BigInt(len));
    const out = new Uint8Array(len);
    const lo = lo32(gpa), hi = hi32(gpa);
    for (let i = 0; i < len; i++) out[i] = modelByte(lo, hi, i, 0x5a5a5a5a);
    return out;
  }
  writeGuest(gpa: bigint, data: Uint8Array): void {
    this.log(Call.WRITE_GUEST, gpa, BigInt(data.length));
    this.effects.bytes(data);
  }
  exceptionEvent(vector: number): bigint {
    this.log(Call.EXCEPTION_EVENT, BigInt(vector));
    return exceptionEventinj(vector);
  }
}

/** The racing guest of the TOCTOU and double-fetch vectors: rewrites what a careless hypervisor would re-read. */
export function scribble(page: Uint8Array): void {
  const t = naeTables();
  const dv = new DataView(page.buffer, page.byteOffset, page.length);
  dv.setBigUint64(t.fields.get('sw_exit_code')!.offset, 0x403n, true); // VMGEXIT itself (CVE-2023-4155 recursion)
  dv.setBigUint64(t.fields.get('sw_exit_info_2')!.offset, 0xffff_ffff_ffff_ffffn, true); // a huge length/count
  dv.setBigUint64(t.fields.get('sw_scratch')!.offset, 0n, true);
  page.fill(0xee, t.page.sharedBuffer.start, t.page.sharedBuffer.end);
}
