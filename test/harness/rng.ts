// A small seeded PRNG (xorshift32): cases expand deterministically from a
// fast-check seed, so a failing case can be regenerated from its seed.
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed | 0) === 0 ? 0x9e3779b9 : seed | 0;
  }
  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x;
    return x >>> 0;
  }
  /** 0 <= n < max */
  below(max: number): number {
    return this.u32() % max;
  }
  private static readonly scratch = new DataView(new ArrayBuffer(8));
  u64(): bigint {
    // One bigint allocation instead of three.
    Rng.scratch.setUint32(0, this.u32());
    Rng.scratch.setUint32(4, this.u32());
    return Rng.scratch.getBigUint64(0);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }
  fill(bytes: Uint8Array): void {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
    for (let i = 0; i < words.length; i++) words[i] = this.u32();
    for (let i = words.length * 4; i < bytes.length; i++) bytes[i] = this.u32() & 0xff;
  }
}
