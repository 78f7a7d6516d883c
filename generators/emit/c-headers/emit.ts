// Xen-style C headers, one per schema module, with compile-time layout checks.
import { template as compiled } from '../template.ts';
import type { EField, EGroup, ELayout, EModel, EModule, EStruct, IntBits } from '../../elaborate/model.ts';
import { bannerLines, citation, hex, type OutputFile } from '../common.ts';

const template = compiled('c-headers/header.h.hbs');

const C_INT: Record<IntBits, string> = { 8: 'uint8_t', 16: 'uint16_t', 32: 'uint32_t', 64: 'uint64_t' };

/** A C literal for a value of the given width, suffixed so it keeps its width in any expression. */
export function cLiteral(value: bigint, width: IntBits | 'auto' = 'auto'): string {
  const w = width === 'auto' ? (value > 0xffffffffn ? 64 : 32) : width;
  if (w === 64) return `${hex(value)}ULL`;
  return value > 0x7fffffffn || width !== 'auto' ? `${hex(value)}U` : hex(value);
}

export function guardFor(header: string): string {
  return `XEN_SEV_${header.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
}

/** Pads `left` so that trailing comments line up, as hand-written Xen headers do. */
export function column(left: string, right: string, at = 40): string {
  return `${left.padEnd(at - 1)} ${right}`;
}

/** A field's C declaration in two parts: the type, and the declarator (name plus any array bound). */
export function cDeclaration(f: EField): { type: string; declarator: string } {
  const t = f.type;
  const elem = t.kind === 'array' ? t.elem : t;
  const type = elem.kind === 'int' ? C_INT[elem.bits] : `struct ${elem.name}`;
  return { type, declarator: t.kind === 'array' ? `${f.name}[${t.count}]` : f.name };
}

function fieldDecl(f: EField): string {
  const d = cDeclaration(f);
  return `${d.type} ${d.declarator};`;
}

export function fieldComment(f: EField, model: EModel): string {
  const notes = [hex(f.offset, 3)];
  if (f.layout !== null) notes.push(`${model.layouts.get(f.layout)!.cPrefix}*`);
  if (f.enum !== null) notes.push(`${model.groups.get(f.enum)!.cPrefix}*`);
  if (f.validBit !== null) notes.push(`valid bit ${f.validBit}`);
  return `/* ${notes.join(', ')} */`;
}

/** A C comment within 80 columns: one line when it fits, else a wrapped block. */
export function cComment(text: string): string {
  if (text.length + 6 <= 80) return `/* ${text} */`;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > 76) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return ['/*', ...lines.map((l) => ` * ${l}`), ' */'].join('\n');
}

export function defineLine(name: string, value: string): string {
  return column(`#define ${name}`, value, 48);
}

function groupView(g: EGroup) {
  return {
    comment: cComment(`${g.description} (${citation(g.spec)})`),
    defines: g.values.map((v) => defineLine(v.cName, cLiteral(v.value))),
    nameFn: g.kind === 'enum' ? `${g.name}_name` : null,
    cases: g.values.map((v) => ({ cName: v.cName, name: v.name })),
  };
}

function layoutView(l: ELayout) {
  const defines: string[] = [];
  for (const b of l.bits) {
    if (b.reserved) continue;
    defines.push(defineLine(`${b.cName}_SHIFT`, String(b.lsb)));
    defines.push(defineLine(`${b.cName}_MASK`, cLiteral(b.mask, l.width)));
  }
  if (l.reservedMask !== 0n) defines.push(defineLine(`${l.cPrefix}RESERVED_MASK`, cLiteral(l.reservedMask, l.width)));
  if (l.mustBeOneMask !== 0n) defines.push(defineLine(`${l.cPrefix}MBO_MASK`, cLiteral(l.mustBeOneMask, l.width)));
  return { comment: cComment(`${l.description} (${citation(l.spec)})`), defines };
}

function structView(s: EStruct, model: EModel) {
  const linux = s.linux !== null ? ` Linux: struct ${s.linux}.` : '';
  return {
    name: s.name,
    packed: s.packed,
    comment: cComment(`${s.description}: ${hex(s.size)} bytes (${citation(s.spec)}).${linux}`),
    lines: s.fields.map((f) => column(fieldDecl(f), fieldComment(f, model))),
  };
}

function checks(structs: EStruct[]) {
  const out: { bugOn: string; assert: string; message: string }[] = [];
  for (const s of structs) {
    for (const f of s.fields) {
      const off = `offsetof(struct ${s.name}, ${f.name})`;
      out.push({ bugOn: `${off} != ${hex(f.offset)}`, assert: `${off} == ${hex(f.offset)}`, message: `${s.name}.${f.name} offset` });
    }
    const size = `sizeof(struct ${s.name})`;
    out.push({ bugOn: `${size} != ${hex(s.size)}`, assert: `${size} == ${hex(s.size)}`, message: `${s.name} size` });
  }
  return out;
}

/** Orders structs so that every nested struct is defined before its first user. */
export function definitionOrder(structs: EStruct[]): EStruct[] {
  const local = new Map(structs.map((s) => [s.name, s]));
  const done = new Set<string>();
  const out: EStruct[] = [];
  const visit = (s: EStruct) => {
    if (done.has(s.name)) return;
    done.add(s.name);
    for (const f of s.fields) {
      const t = f.type.kind === 'array' ? f.type.elem : f.type;
      const dep = t.kind === 'struct' ? local.get(t.name) : undefined;
      if (dep) visit(dep);
    }
    out.push(s);
  };
  structs.forEach(visit);
  return out;
}

function emitModule(mod: EModule, model: EModel): OutputFile {
  const structs = definitionOrder(mod.structs);
  const includes = mod.includes.map((name) => model.modules.find((m) => m.name === name)!.header);
  const contents = template({
    title: `${mod.header}: ${mod.title}`,
    banner: bannerLines('generators/emit/c-headers', `schema module ${mod.name}`),
    specs: mod.spec.map(citation),
    guard: guardFor(mod.header),
    includes,
    groups: mod.groups.map(groupView),
    layouts: mod.layouts.map(layoutView),
    structs: structs.map((s) => structView(s, model)),
    checkFn: `${mod.name}_build_assertions`,
    checks: checks(structs),
  });
  return { path: `generated/c/${mod.header}`, contents };
}

export function emitCHeaders(model: EModel): OutputFile[] {
  return model.modules.map((m) => emitModule(m, model));
}
