import { describe, expect, it } from 'vitest';
import { elaborate } from '../../generators/elaborate/elaborate.ts';
import { SchemaError } from '../../lib/errors.ts';
import type { ModuleInput } from '../../schema/model.ts';
import { miniModule } from '../fixtures/mini-schema.ts';

type Mutable = { structs: { fields: Record<string, unknown>[]; size: number; [k: string]: unknown }[]; layouts: { bits: Record<string, unknown>[] }[]; groups: { values: Record<string, unknown>[]; kind: string }[] };

function lintOf(mutate: (m: Mutable) => void, extra: ModuleInput[] = []): string {
  const m = structuredClone(miniModule()) as unknown as Mutable;
  mutate(m);
  try {
    elaborate([m as unknown as ModuleInput, ...extra]);
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaError);
    return (e as Error).message;
  }
  throw new Error('expected a lint error, got none');
}

const outer = (m: Mutable) => m.structs[1]!;

describe('elaboration of a valid schema', () => {
  const model = elaborate([miniModule()]);
  const s = model.structs.get('outer')!;

  it('resolves offsets, sizes and nested structs', () => {
    expect(s.fields.map((f) => [f.name, f.offset, f.size])).toEqual([
      ['cpl', 0, 1],
      ['reserved_0x1', 1, 7],
      ['rax', 8, 8],
      ['seg', 0x10, 16],
      ['code', 0x20, 4],
      ['reserved_0x24', 0x24, 4],
      ['valid_bitmap', 0x28, 8],
      ['tail', 0x30, 16],
    ]);
    expect(s.align).toBe(8);
  });

  it('gives each tracked field the valid bit of its qword (bit n <-> offset 8n)', () => {
    const bits = Object.fromEntries(s.fields.map((f) => [f.name, f.validBit]));
    expect(bits).toEqual({ cpl: 0, reserved_0x1: null, rax: 1, seg: null, code: 4, reserved_0x24: null, valid_bitmap: null, tail: null });
  });

  it('computes bit masks, the reserved mask and the must-be-one mask', () => {
    const l = model.layouts.get('mini_flags')!;
    expect(l.bits.find((b) => b.name === 'mode')!.mask).toBe(0xen);
    expect(l.bits.find((b) => b.name === 'top')!.mask).toBe(0xffff_0000_0000_0000n);
    expect(l.reservedMask).toBe(0x1fff0n);
    expect(l.mustBeOneMask).toBe(0x20000n);
  });

  it('keeps values above 2^53 exact', () => {
    expect(model.groups.get('mini_codes')!.values[1]!.value).toBe(0x8000_0000_0000_0001n);
  });
});

describe('lint rules', () => {
  it('rejects an unmarked gap, naming struct, field, offset and the reserved field to add', () => {
    const msg = lintOf((m) => {
      outer(m).fields.splice(1, 1);
    });
    expect(msg).toContain('module mini, struct outer, field rax, offset 0x8: unmarked gap: bytes 0x1..0x7');
    expect(msg).toContain('reserved_0x1');
  });

  it('rejects overlapping fields', () => {
    const msg = lintOf((m) => {
      outer(m).fields[2]!.offset = 0x4;
    });
    expect(msg).toContain('struct outer, field rax, offset 0x4: overlap');
  });

  it('rejects a misaligned field unless the struct is packed and the field says why', () => {
    const mutate = (m: Mutable) => {
      outer(m).fields.splice(1, 1, { name: 'odd', type: 'u16', offset: 1 }, { name: 'reserved_0x3', type: 'u8[5]', offset: 3, reserved: true });
    };
    expect(lintOf(mutate)).toContain('struct outer, field odd, offset 0x1: misaligned: a u16 field needs 2-byte alignment');
    expect(
      lintOf((m) => {
        mutate(m);
        outer(m).fields[1]!.misaligned = 'the spec says so';
      }),
    ).toContain('field odd, offset 0x1: misaligned: a misaligned field needs a packed struct');
    const m = structuredClone(miniModule()) as unknown as Mutable;
    mutate(m);
    outer(m).fields[1]!.misaligned = 'the spec says so';
    outer(m).packed = true;
    expect(() => elaborate([m as unknown as ModuleInput])).not.toThrow();
  });

  it('rejects a total size that differs from the spec', () => {
    const msg = lintOf((m) => {
      outer(m).size = 0x48;
    });
    expect(msg).toContain('struct outer: size mismatch: the fields add up to 0x40 bytes but the spec size is 0x48');
  });

  it('rejects a size that is not a multiple of the alignment unless packed', () => {
    const mutate = (m: Mutable) => {
      const s = m.structs[0]!;
      s.fields.push({ name: 'extra', type: 'u32', offset: 0x10 });
      s.size = 0x14;
      // outer embeds inner; keep it consistent
      m.structs.splice(1, 1);
    };
    expect(lintOf(mutate)).toContain('struct inner: size mismatch: size 0x14 is not a multiple of the struct alignment 8');
    const m = structuredClone(miniModule()) as unknown as Mutable;
    mutate(m);
    m.structs[0]!.packed = true;
    expect(() => elaborate([m as unknown as ModuleInput])).not.toThrow();
  });

  it('requires reserved fields to be named reserved_0x<offset>', () => {
    const msg = lintOf((m) => {
      outer(m).fields[1]!.name = 'reserved_1';
    });
    expect(msg).toContain('field reserved_1, offset 0x1: reserved name: a reserved field at 0x1 must be named reserved_0x1');
  });

  it('rejects bit ranges outside the value and overlapping bits', () => {
    expect(
      lintOf((m) => {
        m.layouts[0]!.bits.push({ name: 'beyond', lsb: 60, msb: 64 });
      }),
    ).toContain('layout mini_flags, field beyond: bit range: bits 64:60 lies outside the 64-bit value');
    expect(
      lintOf((m) => {
        m.layouts[0]!.bits.push({ name: 'clash', lsb: 2 });
      }),
    ).toContain('layout mini_flags, field clash: overlap: bits 2:2 overlap an earlier bit field');
  });

  it('rejects duplicate names and duplicate enum values', () => {
    expect(
      lintOf((m) => {
        outer(m).fields[2]!.name = 'cpl';
      }),
    ).toContain('struct outer, field cpl, offset 0x8: duplicate name');
    expect(
      lintOf((m) => {
        m.groups[0]!.values.push({ name: 'ALSO_ZERO', value: 0, description: 'dup' });
      }),
    ).toContain('group mini_codes, field ALSO_ZERO: duplicate value: ALSO_ZERO and ZERO both have value 0x0');
    // Constant groups (not enums) may repeat values.
    const m = structuredClone(miniModule()) as unknown as Mutable;
    m.groups[0]!.kind = 'constants';
    m.groups[0]!.values.push({ name: 'ALSO_ZERO', value: 0, description: 'dup' });
    expect(() => elaborate([m as unknown as ModuleInput])).not.toThrow();
  });

  it('rejects C names defined twice across modules', () => {
    const other = structuredClone(miniModule());
    other.name = 'other';
    other.header = 'other.h';
    other.structs = [];
    other.layouts = [];
    other.groups = [{ ...other.groups![0]!, name: 'other_codes' }];
    expect(lintOf(() => {}, [other])).toContain('duplicate C name: MINI_CODE_ZERO is also defined by group mini_codes');
  });

  it('rejects a bit whose macros collide with the layout-wide ones', () => {
    expect(lintOf((m) => void (m.layouts[0]!.bits[3]!.name = 'mbo'))).toContain('duplicate C name: MINI_MBO_MASK is also defined by layout mini_flags');
  });

  it('rejects references to unknown structs, layouts and enums', () => {
    expect(lintOf((m) => void (outer(m).fields[3]!.type = 'struct nowhere'))).toContain('field seg, offset 0x10: unknown struct');
    expect(lintOf((m) => void (outer(m).fields[2]!.layout = 'nowhere'))).toContain('field rax, offset 0x8: unknown layout');
    expect(lintOf((m) => void (outer(m).fields[4]!.enum = 'nowhere'))).toContain('field code, offset 0x20: unknown enum');
  });

  it('rejects a Linux member reference in a struct that names no Linux struct', () => {
    expect(lintOf((m) => void (outer(m).fields[2]!.linux = 'rax'))).toContain('struct outer, field rax, offset 0x8: linux reference');
  });

  it('rejects a layout whose width differs from its field', () => {
    expect(lintOf((m) => void (outer(m).fields[4]!.layout = 'mini_flags'))).toContain('layout width: layout mini_flags is 64 bits wide but the field is u32');
  });

  it('rejects a spec reference without section or source, naming the item', () => {
    expect(lintOf((m) => void (outer(m).spec = { doc: '56421', rev: '2.03' }))).toContain('module mini, struct outer: schema shape');
  });
});
