// Request kinds 1..5 (the GHCB codec), TypeScript side: how to build each
// request, and what the generated TypeScript codec answers to it. The C side
// is test/c/harness/ghcb-kinds.c over the generated C codec.
import { decodeGhcb, encodeGhcb, GHCB_FIELDS, GHCB_SIZE, GHCB_VALID_BITMAP, GhcbView, type Ghcb, type GhcbFieldInfo } from '../../generated/ts/ghcb-codec.ts';
import { decodeGhcbMsr, encodeGhcbMsr, ghcbMsrMessage } from '../../generated/ts/ghcb-msr-codec.ts';
import type { HarnessModule } from './build.ts';
import { Frames } from './frames.ts';
import { Status, type Request, type Response } from './process.ts';

export const Kind = { GHCB_DECODE: 1, GHCB_ENCODE: 2, GHCB_VIEW: 3, MSR_DECODE: 4, MSR_ENCODE: 5, PAGE_LOAD: 6, GHCB_VIEW_SLOT: 7 } as const;
export const KIND_NAMES: Record<number, string> = {
  1: 'ghcb-decode',
  2: 'ghcb-encode',
  3: 'ghcb-view',
  4: 'msr-decode',
  5: 'msr-encode',
  6: 'page-load',
  7: 'ghcb-view-slot',
};

export const ViewOp = { GET: 0, WRITE: 1, SET: 2, IS_VALID: 3, SET_VALID: 4, CLEAR_VALID: 5, FIELD_IS_VALID: 6 } as const;
export const VIEW_OP_SIZE = 10;
export const PATCH_SIZE = 3;
export const PAGE_SLOTS = 256;

/** The integer fields the view exposes, in harness index order. */
export const VIEW_FIELDS: readonly GhcbFieldInfo[] = GHCB_FIELDS.filter((f) => !f.reserved && f.type !== 'bytes');
export const CANON_SIZE = GHCB_FIELDS.reduce((n, f) => n + (f.type === 'bytes' ? f.size : 8), 0);

const BITS: Record<string, number> = { u8: 8, u16: 16, u32: 32, u64: 64 };

/** harness-ghcb-fields.h: the X-macro lists ghcb-kinds.c is built from. */
export function ghcbFieldsHeader(): string {
  const canon = GHCB_FIELDS.map((f) => (f.type === 'bytes' ? `    BYTES(${f.path}, ${f.size})` : `    INT(${f.path}, ${BITS[f.type]})`));
  const acc = VIEW_FIELDS.map((f, i) => {
    const t = `uint${BITS[f.type]}_t`;
    return f.validBit !== null ? `    VALID(${i}, ${f.name}, ${t})` : `    PLAIN(${i}, ${f.name}, ${t})`;
  });
  return [
    '/* Written by test/harness/ghcb-kinds.ts from GHCB_FIELDS (generated/ts/ghcb-codec.ts). */',
    `#define HARNESS_GHCB_CANON_SIZE ${CANON_SIZE}`,
    `#define HARNESS_GHCB_CANON(INT, BYTES) \\\n${canon.join(' \\\n')}`,
    `#define HARNESS_GHCB_ACCESSORS(VALID, PLAIN) \\\n${acc.join(' \\\n')}`,
    '',
  ].join('\n');
}

export function ghcbHarnessModule(): HarnessModule {
  return { name: 'ghcb', sources: ['test/c/harness/ghcb-kinds.c'], headers: { 'harness-ghcb-fields.h': ghcbFieldsHeader() } };
}

// ---- canonical form -------------------------------------------------------

/*
 * canonicalInto and fromCanonical visit every field of the page. They are
 * compiled from GHCB_FIELDS once (as the C side's X-macros are expanded from
 * it), so each field is a property access by name: a loop over per-field
 * closures with computed keys made every access megamorphic, ten
 * microseconds a page.
 */
const access = (f: GhcbFieldInfo) => f.prop.split('.').map((p) => `[${JSON.stringify(p)}]`).join('');
const CANONICAL_INTO = new Function(
  'g',
  'out',
  GHCB_FIELDS.map((f) =>
    f.type === 'bytes' ? `out.bytes(g${access(f)});` : f.type === 'u64' ? `out.u64(g${access(f)});` : `out.u64Halves(g${access(f)} >>> 0, 0);`,
  ).join('\n'),
) as (g: Ghcb, out: Frames) => void;
const FROM_CANONICAL = new Function(
  'g',
  'bytes',
  'dv',
  (() => {
    let at = 0;
    return GHCB_FIELDS.map((f) => {
      const here = at;
      at += f.type === 'bytes' ? f.size : 8;
      if (f.type === 'bytes') return `g${access(f)} = bytes.slice(${here}, ${here + f.size});`;
      if (f.type === 'u64') return `g${access(f)} = dv.getBigUint64(${here}, true);`;
      return `g${access(f)} = dv.getUint32(${here + 4}, true) === 0 ? dv.getUint32(${here}, true) : 2 ** 53;`;
    }).join('\n');
  })(),
) as (g: Ghcb, bytes: Uint8Array, dv: DataView) => void;

/** Every field in order, integers as u64 little endian (a decoded page's integers fit 32 bits or are bigint), byte arrays as they are, appended to `out`. */
export function canonicalInto(g: Ghcb, out: Frames): void {
  CANONICAL_INTO(g, out);
}

/** Every field in order: integers as u64 little endian, byte arrays as they are. */
export function canonical(g: Ghcb): Uint8Array {
  const out = new Frames(CANON_SIZE);
  canonicalInto(g, out);
  return out.take();
}

const ZERO_PAGE = new Uint8Array(GHCB_SIZE);

/**
 * The object a canonical form describes; integers wider than their field stay
 * wide (encode must refuse them): 2^53 stands for any of them. It starts as a
 * decoded zero page, so it has the shape (and the hidden class) of what
 * decodeGhcb returns; every field is then set (the byte arrays to copies).
 */
export function fromCanonical(bytes: Uint8Array): Ghcb {
  const g = decodeGhcb(ZERO_PAGE);
  FROM_CANONICAL(g, bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.length));
  return g;
}

// ---- the TypeScript answers -------------------------------------------------

const camelName = (n: string) => n.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Per field index: the view operations, bound once (the harness calls them a million times). */
interface FieldOps {
  get(v: GhcbView, out: Frames): void;
  /** Writes the op's value (the u64 at `at` in `dv`). */
  write(v: GhcbView, dv: DataView, at: number): void;
  set: ((v: GhcbView, dv: DataView, at: number) => void) | null;
  isValid: ((v: GhcbView) => boolean) | null;
}

/**
 * Compiled per field, like canonicalInto: each operation is the view's own
 * accessor by name (checked to exist), so every access site sees one field.
 */
const FIELD_OPS: FieldOps[] = VIEW_FIELDS.map((f) => {
  const prop = camelName(f.name);
  const Prop = prop.charAt(0).toUpperCase() + prop.slice(1);
  const bits = BITS[f.type]!;
  const has = (name: string, kind: 'get' | 'set' | 'value') => {
    const d = Object.getOwnPropertyDescriptor(GhcbView.prototype, name);
    if (d === undefined || (kind === 'value' ? typeof d.value !== 'function' : d[kind] === undefined)) throw new Error(`GhcbView has no ${kind} ${name} for field ${f.name}`);
  };
  has(prop, 'get');
  has(prop, 'set');
  // A C store keeps the low bits of a wider value: for a narrow field, the low 32 bits masked (no bigint).
  const value = bits === 64 ? 'dv.getBigUint64(at, true)' : `(dv.getUint32(at, true) & ${bits === 32 ? 0xffffffff : (1 << bits) - 1}) >>> 0`;
  let get = `out.u64Halves(v.${prop}, 0);`;
  if (bits === 64) {
    has(`${prop}Lo`, 'get');
    has(`${prop}Hi`, 'get');
    get = `out.u64Halves(v.${prop}Lo, v.${prop}Hi);`;
  }
  const fn = <T>(params: string[], body: string) => new Function(...params, body) as T;
  let set: FieldOps['set'] = null;
  let isValid: FieldOps['isValid'] = null;
  if (f.validBit !== null) {
    has(`set${Prop}`, 'value');
    has(`${prop}IsValid`, 'value');
    set = fn(['v', 'dv', 'at'], `v.set${Prop}(${value});`);
    isValid = fn(['v'], `return v.${prop}IsValid() === true;`);
  }
  return { get: fn(['v', 'out'], get), write: fn(['v', 'dv', 'at'], `v.${prop} = ${value};`), set, isValid };
});

const BITMAP_FROM = GHCB_VALID_BITMAP.offset;
const BITMAP_TO = GHCB_VALID_BITMAP.offset + GHCB_VALID_BITMAP.bits / 8;
const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

/** The generated TypeScript codec's answers. Stateful like the C side: page slots persist between requests. */
export class GhcbReference {
  /**
   * `afterViewOps`, for tests of this reference: runs on the scratch page
   * right after a GHCB_VIEW_SLOT request's ops, as a codec that also wrote
   * somewhere else would.
   */
  constructor(private readonly afterViewOps?: (page: Uint8Array) => void) {}

  private readonly own = new Frames();
  /** The 256 page slots, zero until loaded (as on the C side). */
  private readonly slots = new Uint8Array(PAGE_SLOTS * GHCB_SIZE);
  private readonly names = new Map<string, Uint8Array>();

  /** One answer as a Response (a copy), or undefined for a kind this reference does not know. */
  answer = (r: Request): Response | undefined => {
    this.own.len = 0;
    if (!this.answerInto(r.kind, r.payload, this.own)) return undefined;
    const out = this.own.take();
    const dv = new DataView(out.buffer);
    return { status: dv.getUint32(0, true), payload: out.subarray(8) };
  };

  /**
   * Appends the response frame (status, length, payload) to `out`, as the C
   * harness writes it; false, with nothing appended, for an unknown kind.
   */
  answerInto(kind: number, payload: Uint8Array, out: Frames): boolean {
    const at = out.begin(Status.OK);
    const st = this.dispatch(kind, payload, out);
    if (st < 0) {
      out.len = at;
      return false;
    }
    // A refusal has no payload, whatever was written before it.
    if (st !== Status.OK) out.len = at + 8;
    out.setU32(at, st);
    out.end(at);
    return true;
  }

  /** Writes the payload of the answer to `out`; returns its status, or -1 for an unknown kind. */
  private dispatch(kind: number, payload: Uint8Array, out: Frames): number {
    switch (kind) {
      case Kind.GHCB_DECODE:
        if (payload.length !== GHCB_SIZE) return Status.BAD_REQUEST;
        canonicalInto(decodeGhcb(payload), out);
        return Status.OK;
      case Kind.GHCB_ENCODE: {
        if (payload.length !== CANON_SIZE) return Status.BAD_REQUEST;
        try {
          out.bytes(encodeGhcb(fromCanonical(payload)));
          return Status.OK;
        } catch (e) {
          if (e instanceof RangeError) return Status.REJECTED;
          throw e;
        }
      }
      case Kind.GHCB_VIEW:
        return this.view(payload, out);
      case Kind.MSR_DECODE:
        return this.msrDecode(payload, out);
      case Kind.MSR_ENCODE:
        return this.msrEncode(payload, out);
      case Kind.PAGE_LOAD:
        if (payload.length !== 1 + GHCB_SIZE) return Status.BAD_REQUEST;
        this.slots.set(payload.subarray(1), payload[0]! * GHCB_SIZE);
        if (this.scratchSlot === payload[0]) this.scratchSlot = -1;
        return Status.OK;
      case Kind.GHCB_VIEW_SLOT:
        return this.viewSlot(payload, out);
      default:
        return -1;
    }
  }

  /** Runs the ops, writing results to `out`; returns the status of the request. */
  private runOps(v: GhcbView, payload: Uint8Array, from: number, out: Frames): number {
    const dv = new DataView(payload.buffer, payload.byteOffset, payload.length);
    for (let at = from; at < payload.length; at += VIEW_OP_SIZE) {
      const op = payload[at]!;
      const arg = payload[at + 1]!;
      if (op === ViewOp.IS_VALID || op === ViewOp.SET_VALID || op === ViewOp.CLEAR_VALID) {
        try {
          if (op === ViewOp.IS_VALID) out.u64Halves(v.isValid(arg) ? 1 : 0, 0);
          else if (op === ViewOp.SET_VALID) v.setValid(arg);
          else v.clearValid(arg);
        } catch (e) {
          if (e instanceof RangeError) return Status.REJECTED;
          throw e;
        }
        continue;
      }
      const f = FIELD_OPS[arg];
      if (f === undefined) return Status.BAD_REQUEST;
      switch (op) {
        case ViewOp.GET:
          f.get(v, out);
          break;
        case ViewOp.WRITE:
          f.write(v, dv, at + 2);
          break;
        case ViewOp.SET:
          if (!f.set) return Status.BAD_REQUEST;
          f.set(v, dv, at + 2);
          break;
        case ViewOp.FIELD_IS_VALID:
          if (!f.isValid) return Status.BAD_REQUEST;
          out.u64Halves(f.isValid(v) ? 1 : 0, 0);
          break;
        default:
          return Status.BAD_REQUEST;
      }
    }
    return Status.OK;
  }

  private view(payload: Uint8Array, out: Frames): number {
    if (payload.length < GHCB_SIZE || (payload.length - GHCB_SIZE) % VIEW_OP_SIZE !== 0) return Status.BAD_REQUEST;
    const page = payload.slice(0, GHCB_SIZE);
    const st = this.runOps(new GhcbView(page), payload, GHCB_SIZE, out);
    if (st !== Status.OK) return st;
    out.bytes(page);
    return Status.OK;
  }

  /*
   * viewSlot works in place on one scratch page that holds the slot's page
   * between requests (copied only when the slot changes): patched, run
   * through the ops, and put back. What changed is looked for first where
   * the patches and the ops' fields are; the page, once those bytes are put
   * back, must then equal the slot's page (one native compare), else
   * something wrote elsewhere and the whole page is diffed word by word. So
   * the answer is always the whole page's diff, as on the C side.
   */
  private readonly scratch = new Uint8Array(GHCB_SIZE);
  private readonly scratchBuf = Buffer.from(this.scratch.buffer, 0, GHCB_SIZE);
  private readonly scratchWords = new Uint32Array(this.scratch.buffer);
  private readonly scratchView = new GhcbView(this.scratch);
  private readonly slotsBuf = Buffer.from(this.slots.buffer, 0, this.slots.length);
  private readonly slotWords = new Uint32Array(this.slots.buffer);
  /** The slot whose page the scratch page holds (between requests, unchanged), or -1. */
  private scratchSlot = -1;
  /** Per offset: the byte a patch of this request wrote there, or -1. */
  private readonly patchValue = new Int16Array(GHCB_SIZE).fill(-1);
  private readonly patched = new Uint16Array(GHCB_SIZE);
  /** Offsets where this request may change the page, deduplicated by stamp. */
  private readonly candidates = new Uint16Array(GHCB_SIZE);
  private readonly stamp = new Uint32Array(GHCB_SIZE);
  private epoch = 0;
  private readonly beforeValue = new Uint8Array(GHCB_SIZE);
  private readonly afterValue = new Uint8Array(GHCB_SIZE);
  /** Changed bytes as offset * 256 + new byte. */
  private readonly changed = new Uint32Array(GHCB_SIZE);
  private readonly changedWords = new Uint16Array(GHCB_SIZE / 4);

  private nc = 0;

  /** Adds offsets from..to-1 to the candidates, with their value now. */
  private addCandidates(from: number, to: number): void {
    const epoch = this.epoch;
    for (let i = from; i < to; i++) {
      if (this.stamp[i] === epoch) continue;
      this.stamp[i] = epoch;
      this.candidates[this.nc++] = i;
      this.beforeValue[i] = this.scratch[i]!;
    }
  }

  private viewSlot(payload: Uint8Array, out: Frames): number {
    if (payload.length < 3) return Status.BAD_REQUEST;
    const npatch = payload[1]! | (payload[2]! << 8);
    const opsAt = 3 + PATCH_SIZE * npatch;
    if (payload.length < opsAt || (payload.length - opsAt) % VIEW_OP_SIZE !== 0) return Status.BAD_REQUEST;
    for (let i = 0; i < npatch; i++) {
      const p = 3 + PATCH_SIZE * i;
      if ((payload[p]! | (payload[p + 1]! << 8)) >= GHCB_SIZE) return Status.BAD_REQUEST;
    }
    const page = this.scratch;
    const slot = payload[0]!;
    const base = slot * GHCB_SIZE;
    const orig = this.slots;
    if (this.scratchSlot !== slot) {
      page.set(orig.subarray(base, base + GHCB_SIZE));
      this.scratchSlot = slot;
    }
    const patchValue = this.patchValue;
    let np = 0;
    for (let i = 0; i < npatch; i++) {
      const p = 3 + PATCH_SIZE * i;
      const off = payload[p]! | (payload[p + 1]! << 8);
      if (patchValue[off]! < 0) this.patched[np++] = off;
      patchValue[off] = payload[p + 2]!;
      page[off] = payload[p + 2]!;
    }
    // Where the page may change: the patched bytes, the fields the ops write, and the valid bitmap.
    ++this.epoch;
    this.nc = 0;
    for (let k = 0; k < np; k++) this.addCandidates(this.patched[k]!, this.patched[k]! + 1);
    for (let at = opsAt; at < payload.length; at += VIEW_OP_SIZE) {
      const op = payload[at]!;
      const f = VIEW_FIELDS[payload[at + 1]!];
      if ((op === ViewOp.WRITE || op === ViewOp.SET) && f !== undefined) this.addCandidates(f.offset, f.offset + f.size);
      if (op === ViewOp.SET || op === ViewOp.SET_VALID || op === ViewOp.CLEAR_VALID) this.addCandidates(BITMAP_FROM, BITMAP_TO);
    }
    const nc = this.nc;
    const st = this.runOps(this.scratchView, payload, opsAt, out);
    this.afterViewOps?.(page);
    let n = 0;
    for (let k = 0; k < nc; k++) {
      const i = this.candidates[k]!;
      const now = page[i]!;
      if (now !== this.beforeValue[i]) this.changed[n++] = i * 256 + now;
      this.afterValue[i] = now;
      page[i] = orig[base + i]!;
    }
    if (this.scratchBuf.compare(this.slotsBuf, base, base + GHCB_SIZE) !== 0) {
      // Something wrote outside the candidates: the page as the ops left it, diffed whole.
      for (let k = 0; k < nc; k++) page[this.candidates[k]!] = this.afterValue[this.candidates[k]!]!;
      n = this.diffWhole(base, np);
    }
    for (let k = 0; k < np; k++) patchValue[this.patched[k]!] = -1;
    if (st !== Status.OK) return st;
    // Ascending offsets (insertion sort: a handful of entries).
    const c = this.changed;
    for (let k = 1; k < n; k++) {
      const v = c[k]!;
      let j = k - 1;
      for (; j >= 0 && c[j]! > v; j--) c[j + 1] = c[j]!;
      c[j + 1] = v;
    }
    out.u16(n);
    for (let k = 0; k < n; k++) {
      out.u16(c[k]! >>> 8);
      out.u8(c[k]! & 0xff);
    }
    return Status.OK;
  }

  /**
   * The whole-page diff: every byte that differs from its value before the
   * ops (the slot's page, patched), into this.changed; puts the scratch page
   * back to the slot's page. Returns how many changed.
   */
  private diffWhole(base: number, np: number): number {
    const page = this.scratch;
    const orig = this.slots;
    const patchValue = this.patchValue;
    const a = this.scratchWords;
    const ow = this.slotWords;
    const wb = base >>> 2;
    const changed = this.changed;
    const words = this.changedWords;
    let n = 0;
    let nw = 0;
    for (let w = 0; w < a.length; w++) {
      if (a[w] === ow[wb + w]) continue;
      words[nw++] = w;
      for (let i = 4 * w; i < 4 * w + 4; i++) {
        const before = patchValue[i]! >= 0 ? patchValue[i]! : orig[base + i]!;
        if (page[i] !== before) changed[n++] = i * 256 + page[i]!;
      }
    }
    // A patched byte in a word that is the slot's again (the ops undid the patch): the walk skipped it.
    for (let k = 0; k < np; k++) {
      const i = this.patched[k]!;
      if (a[i >>> 2] === ow[wb + (i >>> 2)] && page[i] !== patchValue[i]) changed[n++] = i * 256 + page[i]!;
    }
    for (let k = 0; k < nw; k++) a[words[k]!] = ow[wb + words[k]!]!;
    return n;
  }

  private msrDecode(payload: Uint8Array, out: Frames): number {
    if (payload.length !== 8) return Status.BAD_REQUEST;
    const d = decodeGhcbMsr(new DataView(payload.buffer, payload.byteOffset, 8).getBigUint64(0, true));
    const layout = d.message?.layout ?? '';
    let name = this.names.get(layout);
    if (name === undefined) this.names.set(layout, (name = textEncoder.encode(layout)));
    out.u16(d.code);
    out.u8(d.message ? 1 : 0);
    out.u8(name.length);
    out.bytes(name);
    const values = Object.values(d.fields);
    out.u8(values.length);
    for (const v of values) out.u64(v);
    return Status.OK;
  }

  private msrEncode(payload: Uint8Array, out: Frames): number {
    const n = payload[0];
    if (payload.length < 2 || n === undefined || payload.length < 2 + n) return Status.BAD_REQUEST;
    const count = payload[1 + n]!;
    if (payload.length !== 2 + n + 8 * count) return Status.BAD_REQUEST;
    const name = textDecoder.decode(payload.subarray(1, 1 + n));
    const m = ghcbMsrMessage(name);
    if (!m || count !== m.fields.length) return Status.REJECTED;
    const dv = new DataView(payload.buffer, payload.byteOffset, payload.length);
    const fields: Record<string, bigint> = {};
    for (let i = 0; i < m.fields.length; i++) fields[m.fields[i]!.name] = dv.getBigUint64(2 + n + 8 * i, true);
    try {
      out.u64(encodeGhcbMsr(name, fields));
      return Status.OK;
    } catch (e) {
      if (e instanceof RangeError) return Status.REJECTED;
      throw e;
    }
  }
}

// ---- request builders -------------------------------------------------------

export function u64le(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function pageLoadRequest(slot: number, page: Uint8Array): Request {
  const payload = new Uint8Array(1 + GHCB_SIZE);
  payload[0] = slot;
  payload.set(page, 1);
  return { kind: Kind.PAGE_LOAD, payload };
}

export function viewSlotRequest(slot: number, patches: readonly { offset: number; byte: number }[], ops: readonly { op: number; arg: number; value: bigint }[]): Request {
  const opsAt = 3 + PATCH_SIZE * patches.length;
  const payload = new Uint8Array(opsAt + VIEW_OP_SIZE * ops.length);
  const dv = new DataView(payload.buffer);
  payload[0] = slot;
  dv.setUint16(1, patches.length, true);
  patches.forEach((p, i) => {
    dv.setUint16(3 + PATCH_SIZE * i, p.offset, true);
    payload[3 + PATCH_SIZE * i + 2] = p.byte;
  });
  ops.forEach((o, i) => {
    const at = opsAt + VIEW_OP_SIZE * i;
    payload[at] = o.op;
    payload[at + 1] = o.arg;
    dv.setBigUint64(at + 2, o.value, true);
  });
  return { kind: Kind.GHCB_VIEW_SLOT, payload };
}

export function viewRequest(page: Uint8Array, ops: readonly { op: number; arg: number; value: bigint }[]): Request {
  const payload = new Uint8Array(GHCB_SIZE + VIEW_OP_SIZE * ops.length);
  payload.set(page);
  const dv = new DataView(payload.buffer);
  ops.forEach((o, i) => {
    const at = GHCB_SIZE + VIEW_OP_SIZE * i;
    payload[at] = o.op;
    payload[at + 1] = o.arg;
    dv.setBigUint64(at + 2, o.value, true);
  });
  return { kind: Kind.GHCB_VIEW, payload };
}

export function msrDecodeRequest(value: bigint): Request {
  return { kind: Kind.MSR_DECODE, payload: u64le(value) };
}

export function msrEncodeRequest(layout: string, values: readonly bigint[]): Request {
  const name = new TextEncoder().encode(layout);
  return { kind: Kind.MSR_ENCODE, payload: concat([Uint8Array.of(name.length), name, Uint8Array.of(values.length), ...values.map(u64le)]) };
}
