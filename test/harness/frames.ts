// Frames as the C harness reads and writes them (test/c/harness/harness.h):
// a u32 tag (the request kind, or the response status), a u32 payload
// length, the payload; all little endian.

/**
 * A little-endian output buffer; also a stream of frames in the harness's
 * format (kind or status, length, payload), which is how both the requests
 * and the TypeScript answers of a streamed batch are kept: one buffer per
 * batch, no object per case.
 */
export class Frames {
  buf: Uint8Array;
  private dv: DataView;
  len = 0;
  constructor(capacity = 8192) {
    this.buf = new Uint8Array(capacity);
    this.dv = new DataView(this.buf.buffer);
  }
  room(n: number): void {
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
  u32(v: number): void {
    this.room(4);
    this.dv.setUint32(this.len, v, true);
    this.len += 4;
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
  /** Overwrites the u32 at `at` (a frame header written earlier). */
  setU32(at: number, v: number): void {
    this.dv.setUint32(at, v, true);
  }
  /** Starts a frame: `tag` (kind or status) and a length filled in by end(). */
  begin(tag: number): number {
    const at = this.len;
    this.u32(tag);
    this.u32(0);
    return at;
  }
  end(at: number): void {
    this.dv.setUint32(at + 4, this.len - at - 8, true);
  }
  /** A copy of the contents; the buffer is then empty for reuse. */
  take(): Uint8Array {
    const r = this.buf.slice(0, this.len);
    this.len = 0;
    return r;
  }
}

/** The frames of a buffer, in order: tag (kind or status), payload (a view), and where the frame starts. */
export function* framesOf(bytes: Uint8Array): Generator<{ tag: number; payload: Uint8Array; at: number }> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let at = 0; at + 8 <= bytes.length; ) {
    const len = dv.getUint32(at + 4, true);
    yield { tag: dv.getUint32(at, true), payload: bytes.subarray(at + 8, at + 8 + len), at };
    at += 8 + len;
  }
}
