// Request kinds 1..5 (the GHCB codec), TypeScript side: how to build each
// request, and what the generated TypeScript codec answers to it. The C side
// is test/c/harness/ghcb-kinds.c over the generated C codec.
import { decodeGhcb, encodeGhcb, GHCB_FIELDS, GHCB_SIZE, GhcbView, type Ghcb, type GhcbFieldInfo } from '../../generated/ts/ghcb-codec.ts';
import { decodeGhcbMsr, encodeGhcbMsr, ghcbMsrMessage } from '../../generated/ts/ghcb-msr-codec.ts';
import type { HarnessModule } from './build.ts';
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

const getters = GHCB_FIELDS.map((f) => {
  const [a, b] = f.prop.split('.') as [string, string | undefined];
  return b === undefined ? (g: Ghcb) => (g as unknown as Record<string, unknown>)[a] : (g: Ghcb) => ((g as unknown as Record<string, Record<string, unknown>>)[a]!)[b];
});
const setters = GHCB_FIELDS.map((f) => {
  const [a, b] = f.prop.split('.') as [string, string | undefined];
  return b === undefined
    ? (g: Record<string, unknown>, v: unknown) => (g[a] = v)
    : (g: Record<string, unknown>, v: unknown) => ((g[a] as Record<string, unknown>)[b] = v);
});

/** Every field in order: integers as u64 little endian, byte arrays as they are. */
export function canonical(g: Ghcb): Uint8Array {
  const out = new Uint8Array(CANON_SIZE);
  const dv = new DataView(out.buffer);
  let at = 0;
  GHCB_FIELDS.forEach((f, i) => {
    const v = getters[i]!(g);
    if (f.type === 'bytes') {
      out.set(v as Uint8Array, at);
      at += f.size;
    } else {
      dv.setBigUint64(at, typeof v === 'bigint' ? v : BigInt(v as number), true);
      at += 8;
    }
  });
  return out;
}

/** The object a canonical form describes; integers wider than their field stay wide (encode must refuse them). */
export function fromCanonical(bytes: Uint8Array): Ghcb {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const g: Record<string, unknown> = { save: {} };
  let at = 0;
  GHCB_FIELDS.forEach((f, i) => {
    if (f.type === 'bytes') {
      setters[i]!(g, bytes.slice(at, at + f.size));
      at += f.size;
    } else {
      const v = dv.getBigUint64(at, true);
      setters[i]!(g, f.type === 'u64' ? v : v <= 0xffffffffn ? Number(v) : 2 ** 53);
      at += 8;
    }
  });
  return g as unknown as Ghcb;
}

// ---- the TypeScript answers -------------------------------------------------

const ok = (payload: Uint8Array): Response => ({ status: Status.OK, payload });
const refused = (status: number): Response => ({ status, payload: new Uint8Array(0) });
const EMPTY = ok(new Uint8Array(0));

/** A little-endian output buffer. */
class Out {
  private buf = new Uint8Array(8192);
  private dv = new DataView(this.buf.buffer);
  len = 0;
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
    this.dv = new DataView(bigger.buffer);
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.len++] = v;
  }
  u16(v: number): void {
    this.room(2);
    this.dv.setUint16(this.len, v, true);
    this.len += 2;
  }
  u64(v: bigint): void {
    this.room(8);
    this.dv.setBigUint64(this.len, v, true);
    this.len += 8;
  }
  /** A u64 from 32-bit halves, without a bigint. */
  u64Halves(lo: number, hi: number): void {
    this.room(8);
    this.dv.setUint32(this.len, lo, true);
    this.dv.setUint32(this.len + 4, hi, true);
    this.len += 8;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  take(): Uint8Array {
    const r = this.buf.slice(0, this.len);
    this.len = 0;
    return r;
  }
}

const camelName = (n: string) => n.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Per field index: the view operations, bound once (the harness calls them a million times). */
interface FieldOps {
  get(v: GhcbView, out: Out): void;
  write(v: GhcbView, value: bigint): void;
  set: ((v: GhcbView, value: bigint) => void) | null;
  isValid: ((v: GhcbView) => boolean) | null;
}

const FIELD_OPS: FieldOps[] = VIEW_FIELDS.map((f) => {
  const prop = camelName(f.name);
  const Prop = prop.charAt(0).toUpperCase() + prop.slice(1);
  const bits = BITS[f.type]!;
  const mask = (1n << BigInt(bits)) - 1n;
  const proto = GhcbView.prototype as unknown as Record<string, (this: GhcbView, x?: unknown) => unknown>;
  const desc = Object.getOwnPropertyDescriptor(GhcbView.prototype, prop)!;
  const getter = desc.get as (this: GhcbView) => bigint | number;
  const setter = desc.set as (this: GhcbView, x: bigint | number) => void;
  // A C store keeps the low bits of a wider value.
  const narrow = bits === 64 ? (x: bigint) => x : (x: bigint) => Number(x & mask);
  const lo = bits === 64 ? (Object.getOwnPropertyDescriptor(GhcbView.prototype, `${prop}Lo`)!.get as (this: GhcbView) => number) : null;
  const hi = bits === 64 ? (Object.getOwnPropertyDescriptor(GhcbView.prototype, `${prop}Hi`)!.get as (this: GhcbView) => number) : null;
  const setValid = f.validBit !== null ? proto[`set${Prop}`]! : null;
  const isValid = f.validBit !== null ? proto[`${prop}IsValid`]! : null;
  return {
    get: lo && hi ? (v, out) => out.u64Halves(lo.call(v), hi.call(v)) : (v, out) => out.u64(BigInt(getter.call(v))),
    write: (v, x) => setter.call(v, narrow(x)),
    set: setValid ? (v, x) => void setValid.call(v, narrow(x)) : null,
    isValid: isValid ? (v) => isValid.call(v) === true : null,
  };
});

/** The generated TypeScript codec's answers. Stateful like the C side: page slots persist between requests. */
export class GhcbReference {
  private readonly out = new Out();
  private readonly slots = new Map<number, Uint8Array>();
  private readonly names = new Map<string, Uint8Array>();

  answer = (r: Request): Response | undefined => {
    switch (r.kind) {
      case Kind.GHCB_DECODE:
        return r.payload.length === GHCB_SIZE ? ok(canonical(decodeGhcb(r.payload))) : refused(Status.BAD_REQUEST);
      case Kind.GHCB_ENCODE: {
        if (r.payload.length !== CANON_SIZE) return refused(Status.BAD_REQUEST);
        try {
          return ok(encodeGhcb(fromCanonical(r.payload)));
        } catch (e) {
          if (e instanceof RangeError) return refused(Status.REJECTED);
          throw e;
        }
      }
      case Kind.GHCB_VIEW:
        return this.view(r.payload);
      case Kind.MSR_DECODE:
        return this.msrDecode(r.payload);
      case Kind.MSR_ENCODE:
        return this.msrEncode(r.payload);
      case Kind.PAGE_LOAD:
        if (r.payload.length !== 1 + GHCB_SIZE) return refused(Status.BAD_REQUEST);
        this.slots.set(r.payload[0]!, r.payload.slice(1));
        return EMPTY;
      case Kind.GHCB_VIEW_SLOT:
        return this.viewSlot(r.payload);
      default:
        return undefined;
    }
  };

  /** Runs the ops, writing results to this.out; returns the status of the request. */
  private runOps(v: GhcbView, payload: Uint8Array, from: number): number {
    const dv = new DataView(payload.buffer, payload.byteOffset, payload.length);
    for (let at = from; at < payload.length; at += VIEW_OP_SIZE) {
      const op = payload[at]!;
      const arg = payload[at + 1]!;
      if (op === ViewOp.IS_VALID || op === ViewOp.SET_VALID || op === ViewOp.CLEAR_VALID) {
        try {
          if (op === ViewOp.IS_VALID) this.out.u64(v.isValid(arg) ? 1n : 0n);
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
          f.get(v, this.out);
          break;
        case ViewOp.WRITE:
          f.write(v, dv.getBigUint64(at + 2, true));
          break;
        case ViewOp.SET:
          if (!f.set) return Status.BAD_REQUEST;
          f.set(v, dv.getBigUint64(at + 2, true));
          break;
        case ViewOp.FIELD_IS_VALID:
          if (!f.isValid) return Status.BAD_REQUEST;
          this.out.u64(f.isValid(v) ? 1n : 0n);
          break;
        default:
          return Status.BAD_REQUEST;
      }
    }
    return Status.OK;
  }

  private view(payload: Uint8Array): Response {
    if (payload.length < GHCB_SIZE || (payload.length - GHCB_SIZE) % VIEW_OP_SIZE !== 0) return refused(Status.BAD_REQUEST);
    const page = payload.slice(0, GHCB_SIZE);
    this.out.len = 0;
    const st = this.runOps(new GhcbView(page), payload, GHCB_SIZE);
    if (st !== Status.OK) return refused(st);
    this.out.bytes(page);
    return ok(this.out.take());
  }

  // viewSlot works in place on one scratch page, with a copy to diff against.
  private readonly scratch = new Uint8Array(GHCB_SIZE);
  private readonly before = new Uint8Array(GHCB_SIZE);
  private readonly scratchWords = new Uint32Array(this.scratch.buffer);
  private readonly beforeWords = new Uint32Array(this.before.buffer);
  private readonly scratchView = new GhcbView(this.scratch);

  private viewSlot(payload: Uint8Array): Response {
    if (payload.length < 3) return refused(Status.BAD_REQUEST);
    const npatch = payload[1]! | (payload[2]! << 8);
    const opsAt = 3 + PATCH_SIZE * npatch;
    if (payload.length < opsAt || (payload.length - opsAt) % VIEW_OP_SIZE !== 0) return refused(Status.BAD_REQUEST);
    const page = this.scratch;
    const slot = this.slots.get(payload[0]!);
    if (slot) page.set(slot);
    else page.fill(0);
    for (let i = 0; i < npatch; i++) {
      const p = 3 + PATCH_SIZE * i;
      const off = payload[p]! | (payload[p + 1]! << 8);
      if (off >= GHCB_SIZE) return refused(Status.BAD_REQUEST);
      page[off] = payload[p + 2]!;
    }
    this.before.set(page);
    this.out.len = 0;
    const st = this.runOps(this.scratchView, payload, opsAt);
    if (st !== Status.OK) return refused(st);
    const changed: number[] = [];
    const a = this.scratchWords;
    const b = this.beforeWords;
    for (let w = 0; w < a.length; w++) {
      if (a[w] === b[w]) continue;
      for (let i = 4 * w; i < 4 * w + 4; i++) if (page[i] !== this.before[i]) changed.push(i);
    }
    this.out.u16(changed.length);
    for (const i of changed) {
      this.out.u16(i);
      this.out.u8(page[i]!);
    }
    return ok(this.out.take());
  }

  private msrDecode(payload: Uint8Array): Response {
    if (payload.length !== 8) return refused(Status.BAD_REQUEST);
    const d = decodeGhcbMsr(new DataView(payload.buffer, payload.byteOffset, 8).getBigUint64(0, true));
    const layout = d.message?.layout ?? '';
    let name = this.names.get(layout);
    if (name === undefined) this.names.set(layout, (name = new TextEncoder().encode(layout)));
    const values = Object.values(d.fields);
    this.out.len = 0;
    this.out.u16(d.code);
    this.out.u8(d.message ? 1 : 0);
    this.out.u8(name.length);
    this.out.bytes(name);
    this.out.u8(values.length);
    for (const v of values) this.out.u64(v);
    return ok(this.out.take());
  }

  private msrEncode(payload: Uint8Array): Response {
    const n = payload[0];
    if (payload.length < 2 || n === undefined || payload.length < 2 + n) return refused(Status.BAD_REQUEST);
    const count = payload[1 + n]!;
    if (payload.length !== 2 + n + 8 * count) return refused(Status.BAD_REQUEST);
    const name = new TextDecoder().decode(payload.subarray(1, 1 + n));
    const m = ghcbMsrMessage(name);
    if (!m || count !== m.fields.length) return refused(Status.REJECTED);
    const dv = new DataView(payload.buffer, payload.byteOffset, payload.length);
    const fields: Record<string, bigint> = {};
    m.fields.forEach((f, i) => (fields[f.name] = dv.getBigUint64(2 + n + 8 * i, true)));
    try {
      this.out.len = 0;
      this.out.u64(encodeGhcbMsr(name, fields));
      return ok(this.out.take());
    } catch (e) {
      if (e instanceof RangeError) return refused(Status.REJECTED);
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
