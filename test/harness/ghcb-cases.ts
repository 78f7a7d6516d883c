// Request generators for the GHCB kinds: fully random pages, structurally
// valid pages (as a guest fills them), and mutations of both. Pages are
// built straight from the field table's offsets, not with the codec.
import { GHCB_FIELDS, GHCB_SIZE, GHCB_VALID_BITMAP } from '../../generated/ts/ghcb-codec.ts';
import { GHCB_MSR_MESSAGES } from '../../generated/ts/ghcb-msr-codec.ts';
import {
  CANON_SIZE,
  Kind,
  msrDecodeRequest,
  msrEncodeRequest,
  PAGE_SLOTS,
  pageLoadRequest,
  VIEW_FIELDS,
  ViewOp,
  viewRequest,
  viewSlotRequest,
} from './ghcb-kinds.ts';
import type { Request } from './process.ts';
import type { Rng } from './rng.ts';

const field = (name: string) => GHCB_FIELDS.find((f) => f.name === name)!;
const VERSION = field('protocol_version');
const USAGE = field('ghcb_usage');
const EXIT_CODE = field('sw_exit_code');
const TRACKED = GHCB_FIELDS.filter((f) => f.validBit !== null);

export function randomPage(rng: Rng): Uint8Array {
  const p = new Uint8Array(GHCB_SIZE);
  rng.fill(p);
  return p;
}

function writeInt(page: Uint8Array, offset: number, size: number, value: bigint): void {
  for (let i = 0; i < size; i++) page[offset + i] = Number((value >> BigInt(8 * i)) & 0xffn);
}

function setBit(page: Uint8Array, bit: number): void {
  page[GHCB_VALID_BITMAP.offset + (bit >> 3)]! |= 1 << (bit & 7);
}

/** A request page as a guest builds one: usage 0, a protocol version, an exit code, and a few valid inputs. */
export function validPage(rng: Rng, exitCodes: readonly bigint[]): Uint8Array {
  const p = new Uint8Array(GHCB_SIZE);
  writeInt(p, VERSION.offset, VERSION.size, BigInt(rng.pick([1, 2, 2, 2])));
  writeInt(p, USAGE.offset, USAGE.size, 0n);
  writeInt(p, EXIT_CODE.offset, 8, rng.pick(exitCodes));
  setBit(p, EXIT_CODE.validBit!);
  const n = rng.below(7);
  for (let i = 0; i < n; i++) {
    const f = rng.pick(TRACKED);
    const v = rng.chance(0.5) ? BigInt(rng.below(0x10000)) : rng.u64();
    writeInt(p, f.offset, f.size, v);
    setBit(p, f.validBit!);
  }
  if (rng.chance(0.3)) rng.fill(p.subarray(0x800, 0x800 + 64 + rng.below(1900)));
  return p;
}

/** Small damage: flipped bytes, stray valid bits, a field overwritten. */
export function mutatePage(rng: Rng, page: Uint8Array): Uint8Array {
  const p = page.slice();
  const n = 1 + rng.below(6);
  for (let i = 0; i < n; i++) {
    switch (rng.below(4)) {
      case 0:
        p[rng.below(GHCB_SIZE)]! ^= 1 + rng.below(255);
        break;
      case 1:
        setBit(p, rng.below(GHCB_VALID_BITMAP.bits));
        break;
      case 2: {
        const f = rng.pick(GHCB_FIELDS);
        if (f.type === 'bytes') p[f.offset + rng.below(f.size)] = rng.below(256);
        else writeInt(p, f.offset, f.size, rng.u64());
        break;
      }
      default:
        p[GHCB_VALID_BITMAP.offset + rng.below(16)] = rng.below(256);
    }
  }
  return p;
}

/** The canonical form of a page, read straight from the field table: the input of an encode request. */
export function canonicalOf(page: Uint8Array): Uint8Array {
  const out = new Uint8Array(CANON_SIZE);
  let at = 0;
  for (const f of GHCB_FIELDS) {
    if (f.type === 'bytes') {
      out.set(page.subarray(f.offset, f.offset + f.size), at);
      at += f.size;
    } else {
      out.set(page.subarray(f.offset, f.offset + f.size), at);
      at += 8;
    }
  }
  return out;
}

/** An encode request; sometimes a narrow field gets a value too wide for it, which both sides must refuse. */
export function encodeRequest(rng: Rng, page: Uint8Array): Request {
  const canon = canonicalOf(page);
  if (rng.chance(0.2)) {
    let at = 0;
    const target = rng.pick(GHCB_FIELDS.filter((f) => f.type !== 'bytes' && f.type !== 'u64'));
    for (const f of GHCB_FIELDS) {
      if (f === target) {
        const wide = rng.chance(0.5) ? 1n << BigInt(8 * f.size) : rng.u64();
        writeInt(canon, at, 8, wide);
      }
      at += f.type === 'bytes' ? f.size : 8;
    }
  }
  return { kind: Kind.GHCB_ENCODE, payload: canon };
}

/** Indexes (in VIEW_FIELDS) of the fields that have a valid bit. */
const TRACKED_INDEXES = VIEW_FIELDS.flatMap((f, i) => (f.validBit !== null ? [i] : []));

export function viewOps(rng: Rng): { op: number; arg: number; value: bigint }[] {
  const ops: { op: number; arg: number; value: bigint }[] = [];
  const n = 1 + rng.below(8);
  for (let k = 0; k < n; k++) {
    const r = rng.below(10);
    const any = rng.below(VIEW_FIELDS.length);
    const t = rng.pick(TRACKED_INDEXES);
    const value = rng.chance(0.5) ? rng.u64() : BigInt(rng.below(256));
    if (r < 3) ops.push({ op: ViewOp.GET, arg: any, value: 0n });
    else if (r === 3) ops.push({ op: ViewOp.WRITE, arg: any, value });
    else if (r === 4) ops.push({ op: ViewOp.SET, arg: t, value });
    else if (r === 5) ops.push({ op: ViewOp.FIELD_IS_VALID, arg: t, value: 0n });
    else if (r === 6) ops.push({ op: ViewOp.IS_VALID, arg: rng.chance(0.05) ? 128 + rng.below(128) : rng.below(128), value: 0n });
    else if (r === 7) ops.push({ op: ViewOp.SET_VALID, arg: rng.below(128), value: 0n });
    else if (r === 8) ops.push({ op: ViewOp.CLEAR_VALID, arg: rng.below(128), value: 0n });
    else ops.push({ op: rng.chance(0.1) ? 7 + rng.below(5) : ViewOp.GET, arg: rng.chance(0.1) ? VIEW_FIELDS.length + rng.below(10) : any, value: 0n });
  }
  return ops;
}

/** An MSR value: a well-formed message with random fields, sometimes junk in its reserved bits, or any 64-bit value. */
export function msrValue(rng: Rng): bigint {
  if (rng.chance(0.2)) return rng.u64();
  const m = rng.pick(GHCB_MSR_MESSAGES);
  let v = 0n;
  for (const f of m.fields) {
    if (f.name === 'ghcb_info') v |= BigInt(m.code);
    else if (!f.reserved || rng.chance(0.1)) v |= rng.u64() & f.mask;
  }
  return v;
}

export function msrEncode(rng: Rng): Request {
  const m = rng.pick(GHCB_MSR_MESSAGES);
  const values = m.fields.map((f) => {
    const width = BigInt(f.msb - f.lsb + 1);
    if (f.name === 'ghcb_info') return rng.chance(0.05) ? BigInt(rng.below(0x1000)) : BigInt(m.code);
    if (rng.chance(0.05)) return rng.u64();
    return f.reserved && rng.chance(0.8) ? 0n : rng.u64() & ((1n << width) - 1n);
  });
  if (rng.chance(0.03)) values.pop();
  return msrEncodeRequest(rng.chance(0.02) ? `${m.layout}_x` : m.layout, values);
}

/** A malformed frame: a payload of the wrong length for its kind. */
export function badFrame(rng: Rng): Request {
  const kind = rng.pick([Kind.GHCB_DECODE, Kind.GHCB_ENCODE, Kind.GHCB_VIEW, Kind.MSR_DECODE, Kind.MSR_ENCODE, Kind.GHCB_VIEW_SLOT, Kind.PAGE_LOAD]);
  const payload = new Uint8Array(rng.below(40) + (rng.chance(0.5) ? GHCB_SIZE : 0));
  rng.fill(payload);
  return { kind, payload };
}

export type PageStyle = 'random' | 'valid' | 'mutated';

/** Patches that damage a stored page a little (offsets and new bytes). */
export function patches(rng: Rng): { offset: number; byte: number }[] {
  const n = rng.below(6);
  const out: { offset: number; byte: number }[] = [];
  for (let i = 0; i < n; i++) {
    const offset = rng.chance(0.5) ? GHCB_VALID_BITMAP.offset + rng.below(16) : rng.chance(0.5) ? rng.pick(GHCB_FIELDS).offset : rng.below(GHCB_SIZE);
    out.push({ offset, byte: rng.below(256) });
  }
  return out;
}

/**
 * The requests one seed expands to: a page stored in a slot; a quarter of
 * the time also decoded and encoded whole; viewed ten times through small
 * patches (so the page is not sent again: whole pages would make the pipe,
 * not the codecs, the limit); and six MSR values decoded or encoded.
 */
export function casesFromSeed(rng: Rng, style: PageStyle, exitCodes: readonly bigint[]): Request[] {
  const base = style === 'random' ? randomPage(rng) : validPage(rng, exitCodes);
  const page = style === 'mutated' ? mutatePage(rng, base) : base;
  const slot = rng.below(PAGE_SLOTS);
  const out: Request[] = [pageLoadRequest(slot, page)];
  if (rng.chance(0.25)) out.push({ kind: Kind.GHCB_DECODE, payload: page });
  if (rng.chance(0.25)) out.push(encodeRequest(rng, page));
  if (rng.chance(0.03)) out.push(viewRequest(page, viewOps(rng)));
  for (let i = 0; i < 10; i++) out.push(viewSlotRequest(slot, patches(rng), viewOps(rng)));
  for (let i = 0; i < 3; i++) out.push(msrDecodeRequest(msrValue(rng)));
  for (let i = 0; i < 2; i++) out.push(msrEncode(rng));
  out.push(rng.chance(0.05) ? badFrame(rng) : msrEncode(rng));
  return out;
}
