// Request generators for the GHCB kinds: fully random pages, structurally
// valid pages (as a guest fills them), and mutations of both. Pages are
// built straight from the field table's offsets, not with the codec.
//
// A seed's requests are written straight into a batch of frames (the bytes
// the C harness reads), without an object or a bigint per request: the
// cross-test makes a million of them, and building them used to cost more
// than answering them.
import { GHCB_FIELDS, GHCB_SIZE, GHCB_VALID_BITMAP } from '../../generated/ts/ghcb-codec.ts';
import { GHCB_MSR_MESSAGES } from '../../generated/ts/ghcb-msr-codec.ts';
import { Frames, framesOf } from './frames.ts';
import { CANON_SIZE, Kind, PAGE_SLOTS, PATCH_SIZE, VIEW_FIELDS, VIEW_OP_SIZE, ViewOp } from './ghcb-kinds.ts';
import type { Request } from './process.ts';
import type { Rng } from './rng.ts';

const field = (name: string) => GHCB_FIELDS.find((f) => f.name === name)!;
const VERSION = field('protocol_version');
const USAGE = field('ghcb_usage');
const EXIT_CODE = field('sw_exit_code');
const TRACKED = GHCB_FIELDS.filter((f) => f.validBit !== null);
const NARROW = GHCB_FIELDS.filter((f) => f.type !== 'bytes' && f.type !== 'u64');
/** Offset of each field in the canonical form. */
const CANON_AT = new Map<(typeof GHCB_FIELDS)[number], number>();
{
  let at = 0;
  for (const f of GHCB_FIELDS) {
    CANON_AT.set(f, at);
    at += f.type === 'bytes' ? f.size : 8;
  }
}

/** Writes the low `size` bytes of the u64 hi:lo at `offset`, little endian. */
function writeHalves(p: Uint8Array, offset: number, size: number, lo: number, hi: number): void {
  for (let i = 0; i < size; i++) p[offset + i] = (i < 4 ? lo >>> (8 * i) : hi >>> (8 * (i - 4))) & 0xff;
}

/** A u64 from the generator as Rng.u64() draws it (high half first), as halves. */
function u64Halves(rng: Rng, into: Uint32Array): void {
  into[1] = rng.u32();
  into[0] = rng.u32();
}

function setBit(page: Uint8Array, bit: number): void {
  page[GHCB_VALID_BITMAP.offset + (bit >> 3)]! |= 1 << (bit & 7);
}

/** Indexes (in VIEW_FIELDS) of the fields that have a valid bit. */
const TRACKED_INDEXES = VIEW_FIELDS.flatMap((f, i) => (f.validBit !== null ? [i] : []));

interface MsrMessageTable {
  code: number;
  name: Uint8Array;
  /** The name with `_x` appended: a message neither side knows. */
  badName: Uint8Array;
  fields: { info: boolean; reserved: boolean; maskLo: number; maskHi: number; widthLo: number; widthHi: number }[];
}

const utf8 = new TextEncoder();
const MSR: MsrMessageTable[] = GHCB_MSR_MESSAGES.map((m) => ({
  code: m.code,
  name: utf8.encode(m.layout),
  badName: utf8.encode(`${m.layout}_x`),
  fields: m.fields.map((f) => {
    const width = (1n << BigInt(f.msb - f.lsb + 1)) - 1n;
    return {
      info: f.name === 'ghcb_info',
      reserved: f.reserved,
      maskLo: Number(f.mask & 0xffffffffn),
      maskHi: Number(f.mask >> 32n),
      widthLo: Number(width & 0xffffffffn),
      widthHi: Number(width >> 32n),
    };
  }),
}));

const BAD_FRAME_KINDS = [Kind.GHCB_DECODE, Kind.GHCB_ENCODE, Kind.GHCB_VIEW, Kind.MSR_DECODE, Kind.MSR_ENCODE, Kind.GHCB_VIEW_SLOT, Kind.PAGE_LOAD];

export type PageStyle = 'random' | 'valid' | 'mutated';

/** The upper bound of what one seed writes, so views into the batch stay valid while a seed is written. */
const SEED_MAX = 8 * 64 + 4 * (GHCB_SIZE + 64) + CANON_SIZE + 10 * (3 + PATCH_SIZE * 5 + VIEW_OP_SIZE * 8) + 6 * (2 + 64 + 8 * 64);

/**
 * Writes the requests of seeds into frames. Holds its scratch pages, so a
 * seed allocates nothing.
 */
export class CaseWriter {
  private readonly pageA = new Uint8Array(GHCB_SIZE);
  private readonly pageB = new Uint8Array(GHCB_SIZE);
  private readonly pageAWords = new Uint32Array(this.pageA.buffer);
  private readonly junk = new Uint8Array(GHCB_SIZE + 64);
  private readonly junkWords = new Uint32Array(this.junk.buffer);
  private readonly h = new Uint32Array(2);
  private readonly msrFields = new Uint32Array(2 * 64);

  constructor(private readonly exitCodes: readonly bigint[]) {}

  private exitCodeHalves(rng: Rng): [number, number] {
    const v = rng.pick(this.exitCodes);
    return [Number(v & 0xffffffffn), Number((v >> 32n) & 0xffffffffn)];
  }

  /** A request page as a guest builds one: usage 0, a protocol version, an exit code, and a few valid inputs. */
  private validPage(rng: Rng, p: Uint8Array): void {
    p.fill(0);
    writeHalves(p, VERSION.offset, VERSION.size, rng.pick([1, 2, 2, 2]), 0);
    writeHalves(p, USAGE.offset, USAGE.size, 0, 0);
    const [lo, hi] = this.exitCodeHalves(rng);
    writeHalves(p, EXIT_CODE.offset, 8, lo, hi);
    setBit(p, EXIT_CODE.validBit!);
    const n = rng.below(7);
    for (let i = 0; i < n; i++) {
      const f = rng.pick(TRACKED);
      if (rng.chance(0.5)) writeHalves(p, f.offset, f.size, rng.below(0x10000), 0);
      else {
        u64Halves(rng, this.h);
        writeHalves(p, f.offset, f.size, this.h[0]!, this.h[1]!);
      }
      setBit(p, f.validBit!);
    }
    if (rng.chance(0.3)) {
      const from = 0x800;
      const len = 64 + rng.below(1900);
      // Rng.fill: whole words first, then the tail bytes.
      const words = len >>> 2;
      const dv = new DataView(p.buffer, p.byteOffset + from, len);
      for (let i = 0; i < words; i++) dv.setUint32(4 * i, rng.u32(), true);
      for (let i = words * 4; i < len; i++) p[from + i] = rng.u32() & 0xff;
    }
  }

  /** Small damage, in place: flipped bytes, stray valid bits, a field overwritten. */
  private mutate(rng: Rng, p: Uint8Array): void {
    const n = 1 + rng.below(6);
    for (let i = 0; i < n; i++) {
      switch (rng.below(4)) {
        case 0: {
          const at = rng.below(GHCB_SIZE);
          p[at]! ^= 1 + rng.below(255);
          break;
        }
        case 1:
          setBit(p, rng.below(GHCB_VALID_BITMAP.bits));
          break;
        case 2: {
          const f = rng.pick(GHCB_FIELDS);
          if (f.type === 'bytes') {
            const at = f.offset + rng.below(f.size);
            p[at] = rng.below(256);
          } else {
            u64Halves(rng, this.h);
            writeHalves(p, f.offset, f.size, this.h[0]!, this.h[1]!);
          }
          break;
        }
        default: {
          const at = GHCB_VALID_BITMAP.offset + rng.below(16);
          p[at] = rng.below(256);
        }
      }
    }
  }

  /** An encode request: the page's canonical form; sometimes a narrow field gets a value too wide for it, which both sides must refuse. */
  private encode(rng: Rng, page: Uint8Array, out: Frames): void {
    const at = out.begin(Kind.GHCB_ENCODE);
    const canon = out.len;
    out.room(CANON_SIZE);
    const buf = out.buf;
    let to = canon;
    for (const f of GHCB_FIELDS) {
      if (f.size > 32) buf.set(page.subarray(f.offset, f.offset + f.size), to);
      else for (let i = 0; i < f.size; i++) buf[to + i] = page[f.offset + i]!;
      to += f.size;
      // Integers are u64 in the canonical form.
      if (f.type !== 'bytes') for (let i = f.size; i < 8; i++) buf[to++] = 0;
    }
    out.len = to;
    if (rng.chance(0.2)) {
      const target = rng.pick(NARROW);
      let lo: number;
      let hi: number;
      if (rng.chance(0.5)) {
        // 1 << (8 * size): one past the field's largest value.
        const bit = 8 * target.size;
        lo = bit < 32 ? 2 ** bit : 0;
        hi = bit < 32 ? 0 : 2 ** (bit - 32);
      } else {
        u64Halves(rng, this.h);
        lo = this.h[0]!;
        hi = this.h[1]!;
      }
      writeHalves(out.buf, canon + CANON_AT.get(target)!, 8, lo, hi);
    }
    out.end(at);
  }

  /** View operations: n, then per op its choice, field, tracked field, value and argument, drawn in that order. */
  private viewOps(rng: Rng, out: Frames): void {
    const n = 1 + rng.below(8);
    for (let k = 0; k < n; k++) {
      const r = rng.below(10);
      const any = rng.below(VIEW_FIELDS.length);
      const t = rng.pick(TRACKED_INDEXES);
      let lo: number;
      let hi: number;
      if (rng.chance(0.5)) {
        u64Halves(rng, this.h);
        lo = this.h[0]!;
        hi = this.h[1]!;
      } else {
        lo = rng.below(256);
        hi = 0;
      }
      let op: number = ViewOp.GET;
      let arg = any;
      let valued = false;
      if (r < 3) {
        // GET any
      } else if (r === 3) {
        op = ViewOp.WRITE;
        valued = true;
      } else if (r === 4) {
        op = ViewOp.SET;
        arg = t;
        valued = true;
      } else if (r === 5) {
        op = ViewOp.FIELD_IS_VALID;
        arg = t;
      } else if (r === 6) {
        op = ViewOp.IS_VALID;
        arg = rng.chance(0.05) ? 128 + rng.below(128) : rng.below(128);
      } else if (r === 7) {
        op = ViewOp.SET_VALID;
        arg = rng.below(128);
      } else if (r === 8) {
        op = ViewOp.CLEAR_VALID;
        arg = rng.below(128);
      } else {
        op = rng.chance(0.1) ? 7 + rng.below(5) : ViewOp.GET;
        arg = rng.chance(0.1) ? VIEW_FIELDS.length + rng.below(10) : any;
      }
      out.u8(op);
      out.u8(arg);
      if (valued) out.u64Halves(lo, hi);
      else out.u64Halves(0, 0);
    }
  }

  /** A view of the page in `slot` through a few patches (offset, new byte) and some operations. */
  private viewSlot(rng: Rng, slot: number, out: Frames): void {
    const at = out.begin(Kind.GHCB_VIEW_SLOT);
    out.u8(slot);
    const n = rng.below(6);
    out.u16(n);
    for (let i = 0; i < n; i++) {
      const offset = rng.chance(0.5) ? GHCB_VALID_BITMAP.offset + rng.below(16) : rng.chance(0.5) ? rng.pick(GHCB_FIELDS).offset : rng.below(GHCB_SIZE);
      out.u16(offset);
      out.u8(rng.below(256));
    }
    this.viewOps(rng, out);
    out.end(at);
  }

  /** An MSR value: a well-formed message with random fields, sometimes junk in its reserved bits, or any 64-bit value. */
  private msrDecode(rng: Rng, out: Frames): void {
    const at = out.begin(Kind.MSR_DECODE);
    if (rng.chance(0.2)) {
      u64Halves(rng, this.h);
      out.u64Halves(this.h[0]!, this.h[1]!);
    } else {
      const m = rng.pick(MSR);
      let lo = 0;
      let hi = 0;
      for (const f of m.fields) {
        if (f.info) lo |= m.code;
        else if (!f.reserved || rng.chance(0.1)) {
          u64Halves(rng, this.h);
          lo |= this.h[0]! & f.maskLo;
          hi |= this.h[1]! & f.maskHi;
        }
      }
      out.u64Halves(lo >>> 0, hi >>> 0);
    }
    out.end(at);
  }

  /** An encode request for a message: its fields mostly in range, sometimes too wide, one missing, or a name neither side knows. */
  private msrEncode(rng: Rng, out: Frames): void {
    const m = rng.pick(MSR);
    const v = this.msrFields;
    let count = 0;
    for (const f of m.fields) {
      let lo = 0;
      let hi = 0;
      if (f.info) lo = rng.chance(0.05) ? rng.below(0x1000) : m.code;
      else if (rng.chance(0.05)) {
        u64Halves(rng, this.h);
        lo = this.h[0]!;
        hi = this.h[1]!;
      } else if (!(f.reserved && rng.chance(0.8))) {
        u64Halves(rng, this.h);
        lo = (this.h[0]! & f.widthLo) >>> 0;
        hi = (this.h[1]! & f.widthHi) >>> 0;
      }
      v[2 * count] = lo;
      v[2 * count + 1] = hi;
      count++;
    }
    if (rng.chance(0.03)) count--;
    const name = rng.chance(0.02) ? m.badName : m.name;
    const at = out.begin(Kind.MSR_ENCODE);
    out.u8(name.length);
    out.bytes(name);
    out.u8(count);
    for (let i = 0; i < count; i++) out.u64Halves(v[2 * i]!, v[2 * i + 1]!);
    out.end(at);
  }

  /** A malformed frame: a payload of the wrong length for its kind. */
  private badFrame(rng: Rng, out: Frames): void {
    const kind = rng.pick(BAD_FRAME_KINDS);
    const len = rng.below(40) + (rng.chance(0.5) ? GHCB_SIZE : 0);
    const words = len >>> 2;
    for (let i = 0; i < words; i++) this.junkWords[i] = rng.u32();
    for (let i = words * 4; i < len; i++) this.junk[i] = rng.u32() & 0xff;
    const at = out.begin(kind);
    out.bytes(this.junk.subarray(0, len));
    out.end(at);
  }

  /**
   * Appends the requests one seed expands to: a page stored in a slot; a
   * quarter of the time also decoded and encoded whole; viewed ten times
   * through small patches (so the page is not sent again: whole pages would
   * make the pipe, not the codecs, the limit); and six MSR values decoded or
   * encoded. Returns the number of requests that are cases (all but the page
   * load).
   */
  write(rng: Rng, style: PageStyle, out: Frames): number {
    out.room(SEED_MAX);
    const base = this.pageA;
    if (style === 'random') {
      for (let i = 0; i < this.pageAWords.length; i++) this.pageAWords[i] = rng.u32();
    } else this.validPage(rng, base);
    let page = base;
    if (style === 'mutated') {
      page = this.pageB;
      page.set(base);
      this.mutate(rng, page);
    }
    const slot = rng.below(PAGE_SLOTS);
    let at = out.begin(Kind.PAGE_LOAD);
    out.u8(slot);
    out.bytes(page);
    out.end(at);
    let cases = 0;
    if (rng.chance(0.25)) {
      at = out.begin(Kind.GHCB_DECODE);
      out.bytes(page);
      out.end(at);
      cases++;
    }
    if (rng.chance(0.25)) {
      this.encode(rng, page, out);
      cases++;
    }
    if (rng.chance(0.03)) {
      at = out.begin(Kind.GHCB_VIEW);
      out.bytes(page);
      this.viewOps(rng, out);
      out.end(at);
      cases++;
    }
    for (let i = 0; i < 10; i++) this.viewSlot(rng, slot, out);
    for (let i = 0; i < 3; i++) this.msrDecode(rng, out);
    for (let i = 0; i < 2; i++) this.msrEncode(rng, out);
    if (rng.chance(0.05)) this.badFrame(rng, out);
    else this.msrEncode(rng, out);
    return cases + 16;
  }
}

/** The requests one seed expands to (see CaseWriter.write), as separate requests. */
export function casesFromSeed(rng: Rng, style: PageStyle, exitCodes: readonly bigint[]): Request[] {
  const out = new Frames(SEED_MAX);
  new CaseWriter(exitCodes).write(rng, style, out);
  const bytes = out.take();
  return [...framesOf(bytes)].map((f) => ({ kind: f.tag, payload: f.payload }));
}
