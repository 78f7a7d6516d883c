// The generated TypeScript codec on its own: lossless decode/encode, the page
// view's accessors at the spec's offsets, zod validation, and the MSR codec.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeGhcb,
  decodeSnpPscDesc,
  encodeGhcb,
  encodeSnpPscDesc,
  GhcbView,
  SNP_PSC_DESC_SIZE,
} from '../../generated/ts/ghcb-codec.ts';
import { GhcbSchema, SnpPscDescSchema } from '../../generated/ts/ghcb-schema.ts';
import { decodeGhcbMsr, encodeGhcbMsr, GHCB_MSR_MESSAGES } from '../../generated/ts/ghcb-msr-codec.ts';

const page = fc.uint8Array({ minLength: 4096, maxLength: 4096 });

describe('decodeGhcb / encodeGhcb', () => {
  it('is lossless for any page, reserved bytes included', () => {
    fc.assert(
      fc.property(page, (p) => {
        expect(Buffer.from(encodeGhcb(decodeGhcb(p))).equals(Buffer.from(p))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('reads fields at the offsets of AMD 56421 Table 1, little endian', () => {
    const p = new Uint8Array(4096);
    p.set([0x0d, 0, 0, 0, 0, 0, 0, 0x80], 0x1f8); // rax
    p.set([0x72], 0x390); // sw_exit_code
    p[0xcb] = 3; // cpl
    p.set([0x02, 0x00], 0xffa); // protocol_version
    p.set([0x01, 0x00, 0x00, 0x00], 0xffc); // ghcb_usage
    p[0x800] = 0xaa; // shared_buffer[0]
    p[0x403] = 0x12; // x87_state_gpa byte 3
    const d = decodeGhcb(p);
    expect(d.save.rax).toBe(0x8000_0000_0000_000dn);
    expect(d.save.swExitCode).toBe(0x72n);
    expect(d.save.cpl).toBe(3);
    expect(d.save.x87StateGpa).toBe(0x1200_0000n);
    expect(d.protocolVersion).toBe(2);
    expect(d.ghcbUsage).toBe(1);
    expect(d.sharedBuffer.length).toBe(2032);
    expect(d.sharedBuffer[0]).toBe(0xaa);
  });

  it('reads integers once and shares the byte arrays with the input; a slice() gives a snapshot', () => {
    const p = new Uint8Array(4096);
    const shared = decodeGhcb(p);
    const snapshot = decodeGhcb(p.slice());
    p[0x800] = 1;
    p[0x1f8] = 1;
    expect(shared.save.rax).toBe(0n);
    expect(shared.sharedBuffer[0]).toBe(1);
    expect(snapshot.sharedBuffer[0]).toBe(0);
    expect(snapshot.save.rax).toBe(0n);
  });

  it('accepts an ArrayBuffer and rejects any other size', () => {
    expect(decodeGhcb(new ArrayBuffer(4096)).ghcbUsage).toBe(0);
    expect(() => decodeGhcb(new Uint8Array(4095))).toThrow(/expected 4096 bytes, got 4095/);
  });

  it('refuses values that do not fit, naming the field', () => {
    const d = decodeGhcb(new Uint8Array(4096));
    expect(() => encodeGhcb({ ...d, save: { ...d.save, cpl: 256 } })).toThrow(/ghcb\.save\.cpl: 256 does not fit/);
    expect(() => encodeGhcb({ ...d, save: { ...d.save, rax: 1n << 64n } })).toThrow(/ghcb\.save\.rax: 0x10000000000000000/);
    expect(() => encodeGhcb({ ...d, sharedBuffer: new Uint8Array(5) })).toThrow(/ghcb\.shared_buffer: 5 bytes/);
    expect(() => encodeGhcb({ ...d, protocolVersion: -1 })).toThrow(/protocol_version/);
  });

  it('has a zod schema that accepts decoded pages and rejects bad ones', () => {
    const d = decodeGhcb(new Uint8Array(4096));
    expect(GhcbSchema.safeParse(d).success).toBe(true);
    expect(GhcbSchema.safeParse({ ...d, ghcbUsage: 2 ** 32 }).success).toBe(false);
    expect(GhcbSchema.safeParse({ ...d, save: { ...d.save, validBitmap: new Uint8Array(15) } }).success).toBe(false);
    expect(GhcbSchema.safeParse({ ...d, extra: 1 }).success).toBe(false);
    const p = decodeSnpPscDesc(new Uint8Array(SNP_PSC_DESC_SIZE));
    expect(SnpPscDescSchema.safeParse(p).success).toBe(true);
    expect(SnpPscDescSchema.safeParse({ ...p, entries: p.entries.slice(1) }).success).toBe(false);
  });

  it('keeps zod out of the codec: the schemas are a module of their own', () => {
    // Decoding a page must not pay for loading zod (`ghcb decode` start-up).
    const codec = readFileSync(new URL('../../generated/ts/ghcb-codec.ts', import.meta.url), 'utf8');
    expect(codec).not.toMatch(/^import\b/m);
    expect(readFileSync(new URL('../../generated/ts/ghcb-schema.ts', import.meta.url), 'utf8')).toMatch(/^import \{ z \} from 'zod';$/m);
  });

  it('also codes the SNP page state change buffer losslessly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: SNP_PSC_DESC_SIZE, maxLength: SNP_PSC_DESC_SIZE }), (b) => {
        const d = decodeSnpPscDesc(b);
        expect(d.entries.length).toBe(253);
        expect(Buffer.from(encodeSnpPscDesc(d)).equals(Buffer.from(b))).toBe(true);
      }),
      { numRuns: 50 },
    );
    const b = new Uint8Array(SNP_PSC_DESC_SIZE);
    b.set([0x01, 0x00, 0x02, 0x00], 0); // cur_entry 1, end_entry 2
    b.set([0x00, 0x40, 0x23, 0x01, 0x00, 0x00, 0x10, 0x00], 8 + 8); // entries[1] = op 1 << 52 | gfn 0x1234 << 12
    const d = decodeSnpPscDesc(b);
    expect(d.hdr.curEntry).toBe(1);
    expect(d.hdr.endEntry).toBe(2);
    expect(d.entries[1]!.raw).toBe((1n << 52n) | (0x1234n << 12n));
  });
});

describe('GhcbView', () => {
  it('sets a field and its valid bit like ghcb_set_<field>() (bit = offset / 8)', () => {
    const p = new Uint8Array(4096);
    const v = new GhcbView(p);
    v.setRax(0xdn);
    expect(p[0x1f8]).toBe(0x0d);
    expect(p[0x3f0 + 7]).toBe(0x80); // rax at 0x1f8: bit 63
    v.setSwExitCode(0x72n);
    expect(p[0x3f0 + 14]).toBe(0x04); // 0x390 / 8 = 114
    v.setCpl(3);
    expect(p[0xcb]).toBe(3);
    expect(p[0x3f0 + 3]).toBe(0x02); // 0xcb / 8 = 25
    expect(v.validBits()).toEqual([25, 63, 114]);
    expect(v.raxIsValid()).toBe(true);
    expect(v.rcxIsValid()).toBe(false);
  });

  it('writes without marking valid through plain setters, and clears bits', () => {
    const p = new Uint8Array(4096);
    const v = new GhcbView(p);
    v.rcx = 0x1_0000_0002n;
    expect(v.rcx).toBe(0x1_0000_0002n);
    expect(v.rcxLo).toBe(2);
    expect(v.rcxHi).toBe(1);
    expect(v.validBits()).toEqual([]);
    v.setValid(97);
    expect(v.rcxIsValid()).toBe(true);
    v.clearValid(97);
    expect(v.isValid(97)).toBe(false);
    expect(() => v.isValid(128)).toThrow(RangeError);
    expect(() => v.setValid(-1)).toThrow(RangeError);
  });

  it('is zero-copy: a view on part of a larger buffer reads and writes that buffer', () => {
    const big = new Uint8Array(3 * 4096);
    const v = new GhcbView(big.subarray(4096, 8192));
    v.protocolVersion = 2;
    v.ghcbUsage = 0x1234;
    expect(big[4096 + 0xffa]).toBe(2);
    expect(big[4096 + 0xffc]).toBe(0x34);
    v.sharedBuffer[0] = 0x55;
    expect(big[4096 + 0x800]).toBe(0x55);
    expect(v.sharedBuffer.length).toBe(2032);
    expect(() => new GhcbView(new Uint8Array(100))).toThrow(/expected 4096 bytes/);
  });

  it('agrees with decodeGhcb on every field of random pages', () => {
    fc.assert(
      fc.property(page, (p) => {
        const v = new GhcbView(p);
        const d = decodeGhcb(p);
        expect(v.rax).toBe(d.save.rax);
        expect(v.swExitInfo2).toBe(d.save.swExitInfo2);
        expect(v.cpl).toBe(d.save.cpl);
        expect(v.x87StateGpa).toBe(d.save.x87StateGpa);
        expect(BigInt(v.raxHi) * 2n ** 32n + BigInt(v.raxLo)).toBe(d.save.rax);
      }),
      { numRuns: 100 },
    );
  });
});

describe('GHCB MSR protocol codec', () => {
  it('is lossless for any 64-bit value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
        const d = decodeGhcbMsr(v);
        if (d.message) expect(encodeGhcbMsr(d.message.layout, d.fields)).toBe(v);
        else expect((d.fields.ghcb_data! << 12n) | d.fields.ghcb_info!).toBe(v);
      }),
      { numRuns: 500 },
    );
  });

  it('encodes every message from its named fields, GHCBInfo defaulting to the code', () => {
    for (const m of GHCB_MSR_MESSAGES) expect(decodeGhcbMsr(encodeGhcbMsr(m.layout, {})).message?.layout).toBe(m.layout);
    expect(encodeGhcbMsr('ghcb_msr_cpuid_req', { function: 0x8000_001fn, reg: 1n })).toBe(0x8000_001f_4000_0004n);
  });

  it('refuses unknown messages and fields, values too wide, and a foreign GHCBInfo', () => {
    expect(() => encodeGhcbMsr('ghcb_msr_nope', {})).toThrow(/no GHCB MSR message named ghcb_msr_nope/);
    expect(() => encodeGhcbMsr('ghcb_msr_cpuid_req', { eax: 1n })).toThrow(/no field named eax/);
    expect(() => encodeGhcbMsr('ghcb_msr_cpuid_req', { reg: 4n })).toThrow(/reg: 4 does not fit bits 31:30/);
    expect(() => encodeGhcbMsr('ghcb_msr_cpuid_req', { ghcb_info: 5n })).toThrow(/not the code of this message/);
    expect(() => decodeGhcbMsr(-1n)).toThrow(RangeError);
  });
});
