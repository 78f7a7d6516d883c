// Schema -> elaborated model. The only place where offsets, sizes, alignments
// and bit masks are computed; every rule a layout must obey is checked here.
import { Module, type ModuleInput, type Struct, type BitLayout, type ConstantGroup, type Field } from '../../schema/model.ts';
import { SchemaError, type LintIssue } from '../../lib/errors.ts';
import type { EBit, EField, EGroup, ELayout, EModel, EModule, EStruct, EType, EValue, IntBits } from './model.ts';

const INT_BITS: Record<string, IntBits> = { u8: 8, u16: 16, u32: 32, u64: 64 };

const hex = (n: number | bigint) => `0x${n.toString(16)}`;

interface ParsedType {
  base: { kind: 'int'; bits: IntBits } | { kind: 'struct'; name: string };
  count: number | null;
}

function parseType(text: string): ParsedType {
  const m = /^(u8|u16|u32|u64|struct ([a-z_][a-z0-9_]*))(?:\[(\d+)\])?$/.exec(text);
  if (!m) throw new Error(`unparsable field type ${text}`); // zod has already rejected this
  const base = m[2] !== undefined ? { kind: 'struct' as const, name: m[2] } : { kind: 'int' as const, bits: INT_BITS[m[1]!]! };
  return { base, count: m[3] !== undefined ? Number(m[3]) : null };
}

class Elaborator {
  readonly issues: LintIssue[] = [];
  private readonly structInputs = new Map<string, { module: Module; struct: Struct }>();
  private readonly structs = new Map<string, EStruct>();
  private readonly inProgress = new Set<string>();
  private readonly layouts = new Map<string, ELayout>();
  private readonly groups = new Map<string, EGroup>();
  private readonly cNames = new Map<string, string>();

  constructor(private readonly modules: Module[]) {}

  run(): EModel {
    const moduleNames = new Set<string>();
    for (const mod of this.modules) {
      if (moduleNames.has(mod.name)) this.issue(mod.name, `module ${mod.name}`, 'duplicate name', 'two modules share this name');
      moduleNames.add(mod.name);
      for (const inc of mod.includes ?? []) {
        if (!this.modules.some((m) => m.name === inc)) this.issue(mod.name, `module ${mod.name}`, 'unknown include', `includes module ${inc}, which does not exist`);
      }
      for (const s of mod.structs) {
        if (this.structInputs.has(s.name)) this.issue(mod.name, `struct ${s.name}`, 'duplicate name', `struct ${s.name} is also defined in module ${this.structInputs.get(s.name)!.module.name}`);
        else this.structInputs.set(s.name, { module: mod, struct: s });
      }
    }
    // Layouts and groups first: struct fields refer to them.
    for (const mod of this.modules) {
      for (const l of mod.layouts) this.elaborateLayout(mod, l);
      for (const g of mod.groups) this.elaborateGroup(mod, g);
    }
    for (const [name] of this.structInputs) this.structNamed(name);

    const emodules: EModule[] = this.modules.map((mod) => ({
      name: mod.name,
      header: mod.header,
      title: mod.title,
      spec: mod.spec,
      includes: mod.includes ?? [],
      structs: mod.structs.map((s) => this.structs.get(s.name)).filter((s): s is EStruct => s !== undefined && s.module === mod.name),
      layouts: mod.layouts.map((l) => this.layouts.get(l.name)).filter((l): l is ELayout => l !== undefined && l.module === mod.name),
      groups: mod.groups.map((g) => this.groups.get(g.name)).filter((g): g is EGroup => g !== undefined && g.module === mod.name),
      gaps: mod.gaps,
    }));
    this.checkReferences(emodules);
    if (this.issues.length > 0) throw new SchemaError(this.issues);
    return { modules: emodules, structs: this.structs, layouts: this.layouts, groups: this.groups };
  }

  private issue(module: string, item: string, rule: string, message: string, field?: string, offset?: number) {
    const i: LintIssue = { module, item, rule, message };
    if (field !== undefined) i.field = field;
    if (offset !== undefined) i.offset = offset;
    this.issues.push(i);
  }

  private claimCName(cName: string, owner: string, module: string, item: string) {
    const prev = this.cNames.get(cName);
    if (prev !== undefined) this.issue(module, item, 'duplicate C name', `${cName} is also defined by ${prev}`);
    else this.cNames.set(cName, owner);
  }

  /** Elaborates a struct on first use, so nested structs are resolved before their users. */
  private structNamed(name: string): EStruct | undefined {
    const done = this.structs.get(name);
    if (done) return done;
    const input = this.structInputs.get(name);
    if (!input) return undefined;
    if (this.inProgress.has(name)) {
      this.issue(input.module.name, `struct ${name}`, 'recursive struct', 'the struct contains itself');
      return undefined;
    }
    this.inProgress.add(name);
    const s = this.elaborateStruct(input.module, input.struct);
    this.inProgress.delete(name);
    this.structs.set(name, s);
    return s;
  }

  private elaborateStruct(mod: Module, s: Struct): EStruct {
    const item = `struct ${s.name}`;
    const fields: EField[] = [];
    const names = new Set<string>();
    let offset = 0;
    let maxAlign = 1;
    for (const f of s.fields) {
      if (names.has(f.name)) this.issue(mod.name, item, 'duplicate name', 'two fields share this name', f.name, f.offset);
      names.add(f.name);
      const t = this.resolveType(mod, item, f);
      if (!t) continue;
      if (f.offset !== undefined && f.offset !== offset) {
        if (f.offset > offset) {
          this.issue(mod.name, item, 'unmarked gap', `bytes ${hex(offset)}..${hex(f.offset - 1)} before this field belong to no field; add a reserved field reserved_${hex(offset)}`, f.name, f.offset);
        } else {
          this.issue(mod.name, item, 'overlap', `the spec places this field at ${hex(f.offset)} but the previous fields end at ${hex(offset)}`, f.name, f.offset);
        }
        offset = f.offset;
      }
      if (offset % t.align !== 0 && f.misaligned === undefined) {
        this.issue(mod.name, item, 'misaligned', `a ${f.type} field needs ${t.align}-byte alignment (set misaligned: "why" if the spec really places it here)`, f.name, offset);
      }
      if (f.misaligned !== undefined && !s.packed) {
        this.issue(mod.name, item, 'misaligned', 'a misaligned field needs a packed struct', f.name, offset);
      }
      const reserved = f.reserved === true;
      if (reserved && f.name !== `reserved_${hex(offset)}`) {
        this.issue(mod.name, item, 'reserved name', `a reserved field at ${hex(offset)} must be named reserved_${hex(offset)}`, f.name, offset);
      }
      if (!reserved && /^reserved/.test(f.name)) {
        this.issue(mod.name, item, 'reserved name', 'a field named reserved_* must be marked reserved: true', f.name, offset);
      }
      if (f.linux != null && s.linux == null) {
        this.issue(mod.name, item, 'linux reference', `the field names Linux member ${f.linux} but the struct names no Linux struct to find it in`, f.name, offset);
      }
      if (f.layout !== undefined) this.checkFieldLayout(mod, item, f, t.type, offset);
      if (f.enum !== undefined && !this.groups.has(f.enum)) {
        this.issue(mod.name, item, 'unknown enum', `group ${f.enum} does not exist`, f.name, offset);
      }
      maxAlign = Math.max(maxAlign, t.align);
      fields.push({
        name: f.name,
        offset,
        size: t.size,
        align: t.align,
        type: t.type,
        typeText: f.type,
        reserved,
        description: f.description ?? null,
        layout: f.layout ?? null,
        enum: f.enum ?? null,
        misaligned: f.misaligned ?? null,
        validBit: null,
        spec: f.spec ?? s.spec,
        linux: f.linux ?? null,
      });
      offset += t.size;
    }
    const align = s.align ?? (s.packed ? 1 : maxAlign);
    if (offset !== s.size) {
      this.issue(mod.name, item, 'size mismatch', `the fields add up to ${hex(offset)} bytes but the spec size is ${hex(s.size)}`);
    } else if (s.size % align !== 0) {
      this.issue(mod.name, item, 'size mismatch', `size ${hex(s.size)} is not a multiple of the struct alignment ${align}; add explicit trailing reserved bytes or mark the struct packed`);
    }
    const validBitmap = this.resolveValidBitmap(mod, s, fields);
    return {
      name: s.name,
      module: mod.name,
      description: s.description,
      size: s.size,
      align,
      packed: s.packed === true,
      validBitmap,
      spec: s.spec,
      linux: s.linux ?? null,
      fields,
    };
  }

  private resolveType(mod: Module, item: string, f: Field): { type: EType; size: number; align: number } | undefined {
    const p = parseType(f.type);
    let elem: { kind: 'int'; bits: IntBits } | { kind: 'struct'; name: string } = p.base;
    let elemSize: number;
    let align: number;
    if (p.base.kind === 'int') {
      elemSize = p.base.bits / 8;
      align = elemSize;
    } else {
      const nested = this.structNamed(p.base.name);
      if (!nested) {
        if (!this.structInputs.has(p.base.name)) this.issue(mod.name, item, 'unknown struct', `struct ${p.base.name} does not exist`, f.name, f.offset);
        return undefined;
      }
      const visible = nested.module === mod.name || (mod.includes ?? []).includes(nested.module);
      if (!visible) {
        this.issue(mod.name, item, 'unknown struct', `struct ${p.base.name} lives in module ${nested.module}, which this module does not include`, f.name, f.offset);
      }
      elem = { kind: 'struct', name: nested.name };
      elemSize = nested.size;
      align = nested.align;
    }
    if (p.count === null) return { type: elem, size: elemSize, align };
    return { type: { kind: 'array', elem, count: p.count, elemSize }, size: elemSize * p.count, align };
  }

  private checkFieldLayout(mod: Module, item: string, f: Field, t: EType, offset: number) {
    const layout = this.layouts.get(f.layout!);
    if (!layout) {
      this.issue(mod.name, item, 'unknown layout', `bit layout ${f.layout} does not exist`, f.name, offset);
    } else if (t.kind !== 'int' || t.bits !== layout.width) {
      this.issue(mod.name, item, 'layout width', `layout ${layout.name} is ${layout.width} bits wide but the field is ${f.type}`, f.name, offset);
    }
  }

  private resolveValidBitmap(mod: Module, s: Struct, fields: EField[]): EStruct['validBitmap'] {
    if (!s.validBitmap) return null;
    const item = `struct ${s.name}`;
    const bm = fields.find((f) => f.name === s.validBitmap!.field);
    if (!bm || bm.type.kind !== 'array' || bm.type.elem.kind !== 'int' || bm.type.elem.bits !== 8) {
      this.issue(mod.name, item, 'valid bitmap', `validBitmap names ${s.validBitmap.field}, which must be a u8[N] field of this struct`);
      return null;
    }
    const bits = bm.size * 8;
    // The GHCB rule: bit n covers the qword at 8*n.
    for (const f of fields) {
      if (f.reserved || f === bm) continue;
      const bit = Math.floor(f.offset / 8);
      if (bit >= bits) continue;
      // A field spanning several qwords has several bits; the spec tracks only qword-sized registers.
      if (Math.floor((f.offset + f.size - 1) / 8) === bit) f.validBit = bit;
    }
    return { field: bm.name, offset: bm.offset, bits };
  }

  private elaborateLayout(mod: Module, l: BitLayout) {
    const item = `layout ${l.name}`;
    if (this.layouts.has(l.name) || this.groups.has(l.name)) {
      this.issue(mod.name, item, 'duplicate name', `${l.name} is defined twice`);
      return;
    }
    const bits: EBit[] = [];
    const names = new Set<string>();
    let used = 0n;
    let reservedMask = 0n;
    let mustBeOneMask = 0n;
    for (const b of l.bits) {
      const msb = b.msb ?? b.lsb;
      const where = `bits ${msb}:${b.lsb}`;
      if (names.has(b.name)) this.issue(mod.name, item, 'duplicate name', `two bit fields share this name (${where})`, b.name);
      names.add(b.name);
      if (msb < b.lsb) {
        this.issue(mod.name, item, 'bit range', `msb ${msb} is below lsb ${b.lsb}`, b.name);
        continue;
      }
      if (msb >= l.width) {
        this.issue(mod.name, item, 'bit range', `${where} lies outside the ${l.width}-bit value`, b.name);
        continue;
      }
      const width = msb - b.lsb + 1;
      const mask = ((1n << BigInt(width)) - 1n) << BigInt(b.lsb);
      if ((used & mask) !== 0n) this.issue(mod.name, item, 'overlap', `${where} overlap an earlier bit field`, b.name);
      used |= mask;
      if (b.reserved) reservedMask |= mask;
      if (b.mustBeOne) mustBeOneMask |= mask;
      if (b.enum !== undefined && !this.groupInputExists(b.enum)) this.issue(mod.name, item, 'unknown enum', `group ${b.enum} does not exist`, b.name);
      if (b.codesOf !== undefined && l.bits.find((o) => o.name === b.codesOf)?.enum === undefined) {
        this.issue(mod.name, item, 'unknown enum', `codesOf ${b.codesOf} is not a sibling bit field with an enum`, b.name);
      }
      const cName = `${l.cPrefix}${b.name.toUpperCase()}`;
      if (!b.reserved) for (const suffix of ['_SHIFT', '_MASK']) this.claimCName(`${cName}${suffix}`, `layout ${l.name}`, mod.name, item);
      bits.push({
        name: b.name,
        cName,
        lsb: b.lsb,
        msb,
        width,
        mask,
        reserved: b.reserved === true,
        mustBeOne: b.mustBeOne === true,
        enum: b.enum ?? null,
        codesOf: b.codesOf ?? null,
        description: b.description ?? null,
        spec: b.spec ?? l.spec,
        linux: b.linux ?? null,
      });
    }
    // The header also defines these two for the whole layout.
    if (reservedMask !== 0n) this.claimCName(`${l.cPrefix}RESERVED_MASK`, `layout ${l.name}`, mod.name, item);
    if (mustBeOneMask !== 0n) this.claimCName(`${l.cPrefix}MBO_MASK`, `layout ${l.name}`, mod.name, item);
    if (l.location?.kind === 'ghcb_msr' && l.location.code > 0xfff) {
      this.issue(mod.name, item, 'bit range', `GHCBInfo code ${hex(l.location.code)} does not fit bits 11:0`);
    }
    this.layouts.set(l.name, {
      name: l.name,
      module: mod.name,
      description: l.description,
      width: l.width,
      cPrefix: l.cPrefix,
      location: l.location ?? null,
      spec: l.spec,
      linux: l.linux ?? null,
      bits: [...bits].sort((a, b) => a.lsb - b.lsb),
      reservedMask,
      mustBeOneMask,
    });
  }

  private groupInputExists(name: string): boolean {
    return this.modules.some((m) => m.groups.some((g) => g.name === name));
  }

  private elaborateGroup(mod: Module, g: ConstantGroup) {
    const item = `group ${g.name}`;
    if (this.groups.has(g.name) || this.layouts.has(g.name)) {
      this.issue(mod.name, item, 'duplicate name', `${g.name} is defined twice`);
      return;
    }
    const values: EValue[] = [];
    const names = new Set<string>();
    const seen = new Map<bigint, string>();
    for (const v of g.values) {
      const value = BigInt(v.value);
      if (names.has(v.name)) this.issue(mod.name, item, 'duplicate name', `two values are named ${v.name}`, v.name);
      names.add(v.name);
      if (g.kind === 'enum' && seen.has(value)) {
        this.issue(mod.name, item, 'duplicate value', `${v.name} and ${seen.get(value)} both have value ${hex(value)}`, v.name);
      }
      seen.set(value, v.name);
      const cName = `${g.cPrefix}${v.name}`;
      this.claimCName(cName, `group ${g.name}`, mod.name, item);
      if (v.codes !== undefined && !this.groupInputExists(v.codes)) this.issue(mod.name, item, 'unknown enum', `codes: group ${v.codes} does not exist`, v.name);
      values.push({ name: v.name, cName, value, description: v.description, codes: v.codes ?? null, spec: v.spec ?? g.spec, linux: v.linux ?? null });
    }
    this.groups.set(g.name, {
      name: g.name,
      module: mod.name,
      description: g.description,
      kind: g.kind,
      cPrefix: g.cPrefix,
      spec: g.spec,
      linux: g.linux ?? null,
      values,
    });
  }

  /** Layouts and enums named by fields must be visible to the field's module, so its header can include them. */
  private checkReferences(modules: EModule[]) {
    for (const mod of modules) {
      const visible = new Set([mod.name, ...mod.includes]);
      for (const s of mod.structs) {
        for (const f of s.fields) {
          const l = f.layout !== null ? this.layouts.get(f.layout) : undefined;
          if (l && !visible.has(l.module)) this.issue(mod.name, `struct ${s.name}`, 'unknown layout', `layout ${l.name} lives in module ${l.module}, which this module does not include`, f.name, f.offset);
        }
      }
    }
  }
}

/** Validates raw schema modules (zod) and elaborates them; throws SchemaError listing every problem. */
export function elaborate(inputs: readonly ModuleInput[]): EModel {
  const modules: Module[] = [];
  const issues: LintIssue[] = [];
  for (const input of inputs) {
    const r = Module.safeParse(input);
    if (r.success) {
      modules.push(r.data);
      continue;
    }
    const name = typeof input?.name === 'string' ? input.name : '?';
    for (const zi of r.error.issues) {
      issues.push({ module: name, item: pathToItem(input, zi.path), rule: 'schema shape', message: `${zi.path.join('.')}: ${zi.message}` });
    }
  }
  if (issues.length > 0) throw new SchemaError(issues);
  return new Elaborator(modules).run();
}

/** Turns a zod path like ["structs", 3, "fields", 7, "type"] into "struct ghcb". */
function pathToItem(input: ModuleInput, path: readonly PropertyKey[]): string {
  const [kind, index] = path;
  const label: Record<string, string> = { structs: 'struct', layouts: 'layout', groups: 'group' };
  if (typeof kind === 'string' && typeof index === 'number' && kind in label) {
    const list = (input as unknown as Record<string, { name?: unknown }[]>)[kind];
    const name = list?.[index]?.name;
    return `${label[kind]} ${typeof name === 'string' ? name : `#${index}`}`;
  }
  return `module ${String(input?.name ?? '?')}`;
}
