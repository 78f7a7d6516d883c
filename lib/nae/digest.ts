// A small two-lane 32-bit hash used to compare pages and backend effects
// between the TypeScript model (little-endian hosts) and the generated C without shipping whole
// pages across the harness pipe. Defined on 32-bit words so both sides
// compute it with plain integer arithmetic (no BigInt on the hot path).
export class Digest {
  h1 = 0x811c9dc5;
  h2 = 0x9e3779b9;

  word(w: number): void {
    this.h1 = Math.imul(this.h1 ^ w, 0x01000193) >>> 0;
    const t = (Math.imul((this.h2 + w) >>> 0, 0x85ebca6b) >>> 0) ^ (w >>> 7);
    this.h2 = (t ^ (t >>> 15)) >>> 0;
  }

  u64(v: bigint): void {
    this.word(Number(v & 0xffff_ffffn));
    this.word(Number((v >> 32n) & 0xffff_ffffn));
  }

  /** Bytes in little-endian 32-bit words, a short tail zero-padded, then the length. */
  bytes(b: Uint8Array): void {
    const n = b.length;
    let i = 0;
    if ((b.byteOffset & 3) === 0 && n >= 4) {
      // Hot path (whole pages): the same words through an aligned view, with the state in locals.
      const w32 = new Uint32Array(b.buffer, b.byteOffset, n >>> 2);
      let h1 = this.h1;
      let h2 = this.h2;
      for (let k = 0; k < w32.length; k++) {
        const w = w32[k]!;
        h1 = Math.imul(h1 ^ w, 0x01000193) >>> 0;
        const t = (Math.imul((h2 + w) >>> 0, 0x85ebca6b) >>> 0) ^ (w >>> 7);
        h2 = (t ^ (t >>> 15)) >>> 0;
      }
      this.h1 = h1;
      this.h2 = h2;
      i = w32.length * 4;
    }
    for (; i + 4 <= n; i += 4) this.word((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0);
    if (i < n) {
      let w = 0;
      for (let k = 0; i + k < n; k++) w |= b[i + k]! << (8 * k);
      this.word(w >>> 0);
    }
    this.word(n);
  }

  value(): bigint {
    return (BigInt(this.h2) << 32n) | BigInt(this.h1);
  }
}

export function digestBytes(b: Uint8Array): bigint {
  const d = new Digest();
  d.bytes(b);
  return d.value();
}
