// Request kinds 0x40/0x41 (the generated VMGEXIT validator), TypeScript side:
// how to build them and what the reference model (lib/nae) answers. The C
// side is test/c/nae/vmgexit-kinds.c over generated/c/vmgexit.c.
import { MODEL_SEV_FEATURES, ModelBackend } from '../../lib/nae/backend.ts';
import { Digest } from '../../lib/nae/digest.ts';
import { GhcbErr, handleVmgexit, type Outcome } from '../../lib/nae/hypervisor.ts';
import { naeTables } from '../../lib/nae/table.ts';
import type { HarnessModule } from '../harness/build.ts';
import { Status, type Request, type Response } from '../harness/process.ts';

export const NaeKind = { LOAD: 0x40, RUN: 0x41 } as const;
export const NAE_KIND_NAMES: Record<number, string> = { 0x40: 'nae-load', 0x41: 'nae-run' };
// DEFER: the C backend's device accesses wait for the device model once each (vmgexit_resume); the model answers synchronously and the outcome must be the same.
export const RunFlag = { SNP: 1, REGISTERED: 2, RACE: 4, FULL_PAGE: 8, DEFER: 16 } as const;
export const NR_SLOTS = 64;

export function naeHarnessModule(): HarnessModule {
  // generated/c/vmgexit.[ch] are Xen sources: they build against the stand-in Xen headers of test/c/xen-shim.
  return { name: 'nae', sources: ['test/c/nae/vmgexit-kinds.c', 'generated/c/vmgexit.c'], includes: ['test/c/xen-shim/include'] };
}

export interface Patch {
  offset: number;
  /** Plain numbers: allocating a typed array per patch would dominate the run time. */
  bytes: readonly number[];
}

export interface RunCase {
  slot: number;
  flags: number;
  ghcbGpa: bigint;
  registeredGpa: bigint;
  patches: Patch[];
}

export function loadRequest(slot: number, page: Uint8Array): Request {
  const p = new Uint8Array(1 + 4096);
  p[0] = slot;
  p.set(page, 1);
  return { kind: NaeKind.LOAD, payload: p };
}

export function u64Patch(offset: number, v: bigint): Patch {
  const lo = Number(v & 0xffff_ffffn);
  const hi = Number((v >> 32n) & 0xffff_ffffn);
  return { offset, bytes: [lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, lo >>> 24, hi & 0xff, (hi >>> 8) & 0xff, (hi >>> 16) & 0xff, hi >>> 24] };
}

export function runRequestSize(c: RunCase): number {
  let n = 20;
  for (const p of c.patches) n += 3 + p.bytes.length;
  return n;
}

/** Encodes a run request, into `out` (a view of exactly runRequestSize(c) bytes) when given. */
export function runRequest(c: RunCase, out: Uint8Array = new Uint8Array(runRequestSize(c))): Request {
  const dv = new DataView(out.buffer, out.byteOffset, out.length);
  out[0] = c.slot;
  out[1] = c.flags;
  dv.setBigUint64(2, c.ghcbGpa, true);
  dv.setBigUint64(10, c.registeredGpa, true);
  dv.setUint16(18, c.patches.length, true);
  let at = 20;
  for (const p of c.patches) {
    dv.setUint16(at, p.offset, true);
    out[at + 2] = p.bytes.length;
    for (let k = 0; k < p.bytes.length; k++) out[at + 3 + k] = p.bytes[k]!;
    at += 3 + p.bytes.length;
  }
  return { kind: NaeKind.RUN, payload: out };
}

export function decodeRun(payload: Uint8Array): RunCase {
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.length);
  const n = dv.getUint16(18, true);
  const patches: Patch[] = [];
  let at = 20;
  for (let i = 0; i < n; i++) {
    const len = payload[at + 2]!;
    patches.push({ offset: dv.getUint16(at, true), bytes: Array.from(payload.subarray(at + 3, at + 3 + len)) });
    at += 3 + len;
  }
  return { slot: payload[0]!, flags: payload[1]!, ghcbGpa: dv.getBigUint64(2, true), registeredGpa: dv.getBigUint64(10, true), patches };
}

const VERDICT = { no_action: 0, exception: 1, malformed: 2, terminate: 3 } as const;

/** Runs one case through the reference model. */
const work = { page: new Uint8Array(4096), snap: new Uint8Array(4096) };

/** Runs one case through the reference model (the returned page is reused by the next call). */
export function runModel(base: Uint8Array, c: RunCase): { page: Uint8Array; outcome: Outcome; effects: bigint } {
  const page = work.page;
  page.set(base);
  for (const p of c.patches) for (let k = 0; k < p.bytes.length; k++) page[p.offset + k] = p.bytes[k]!;
  const backend = new ModelBackend();
  if (c.flags & RunFlag.RACE) backend.racePage = page;
  const guest = { snp: (c.flags & RunFlag.SNP) !== 0, sevFeatures: MODEL_SEV_FEATURES, ...(c.flags & RunFlag.REGISTERED ? { registeredGpa: c.registeredGpa } : {}) };
  const outcome = handleVmgexit(page, c.ghcbGpa, guest, backend, naeTables(), work.snap);
  return { page, outcome, effects: backend.effects.value() };
}

export const OUTCOME_SIZE = 39;

/** Encodes the answer the C side gives, into `out` when given (OUTCOME_SIZE bytes, + 4096 with the page). */
export function encodeOutcome(page: Uint8Array, o: Outcome, effects: bigint, full: boolean, out: Uint8Array = new Uint8Array(OUTCOME_SIZE + (full ? 4096 : 0))): Uint8Array {
  const dv = new DataView(out.buffer, out.byteOffset, out.length);
  out[0] = VERDICT[o.verdict];
  dv.setUint32(1, o.violation ? GhcbErr[o.violation.code] : 0, true);
  dv.setUint16(5, o.violation?.offset ?? 0xffff, true);
  dv.setBigUint64(7, o.exitInfo1 ?? 0n, true);
  dv.setBigUint64(15, o.exitInfo2 ?? 0n, true);
  const d = new Digest();
  d.bytes(page);
  dv.setBigUint64(23, d.value(), true);
  dv.setBigUint64(31, effects, true);
  if (full) out.set(page, 39);
  return out;
}

/** The TypeScript answer to a request, for crossCheck(). */
export function answerer(slots: Uint8Array[]) {
  return (r: Request): Response | undefined => {
    if (r.kind === NaeKind.LOAD) {
      slots[r.payload[0]!] = r.payload.slice(1);
      return { status: Status.OK, payload: new Uint8Array(0) };
    }
    if (r.kind !== NaeKind.RUN) return undefined;
    const c = decodeRun(r.payload);
    const base = slots[c.slot];
    if (!base) throw new Error(`slot ${c.slot} not loaded`);
    const m = runModel(base, c);
    return { status: Status.OK, payload: encodeOutcome(m.page, m.outcome, m.effects, (c.flags & RunFlag.FULL_PAGE) !== 0) };
  };
}
