// The C twin of the TypeScript codec: generated/c/ghcb-codec.h with page
// accessors (Linux-style ghcb_get_/ghcb_set_/ghcb_*_is_valid), decode and
// encode between the page and a canonical (naturally aligned, host-order)
// struct, and the GHCB MSR protocol. Header-only, Xen style.
import { template as compiled } from '../template.ts';
import type { EField, ELayout, EModel, EStruct, IntBits } from '../../elaborate/model.ts';
import { cLiteral, guardFor } from '../c-headers/emit.ts';
import { bannerLines, citation, hex, type OutputFile } from '../common.ts';

const template = compiled('c-codec/codec.h.hbs');

const HEADER = 'ghcb-codec.h';
/** Structs with decode/encode functions; the first is the page. */
const ROOTS = ['ghcb', 'snp_psc_desc'] as const;
const C_INT: Record<IntBits, string> = { 8: 'uint8_t', 16: 'uint16_t', 32: 'uint32_t', 64: 'uint64_t' };

function closure(root: EStruct, model: EModel, out: EStruct[]): void {
  if (out.includes(root)) return;
  for (const f of root.fields) {
    const t = f.type.kind === 'array' ? f.type.elem : f.type;
    if (t.kind === 'struct') closure(model.structs.get(t.name)!, model, out);
  }
  out.push(root);
}

function decl(f: EField): string {
  const t = f.type;
  const elem = t.kind === 'array' ? t.elem : t;
  const base = elem.kind === 'int' ? C_INT[elem.bits] : `struct ${elem.name}_decoded`;
  return t.kind === 'array' ? `${base} ${f.name}[${t.count}];` : `${base} ${f.name};`;
}

/** Statements that decode field f from page bytes `p` into `out`, and encode it back. */
function codecLines(f: EField): { decode: string[]; encode: string[] } {
  const t = f.type;
  const at = `p + ${hex(f.offset)}`;
  if (t.kind === 'int') {
    return {
      decode: [`out->${f.name} = (${C_INT[t.bits]})ghcb_codec_load(${at}, ${t.bits / 8});`],
      encode: [`ghcb_codec_store(${at}, ${t.bits / 8}, in->${f.name});`],
    };
  }
  if (t.kind === 'struct') {
    return { decode: [`${t.name}_decode(${at}, &out->${f.name});`], encode: [`${t.name}_encode(&in->${f.name}, ${at});`] };
  }
  if (t.elem.kind === 'int' && t.elem.bits === 8) {
    return {
      decode: [`memcpy(out->${f.name}, ${at}, ${t.count});`],
      encode: [`memcpy(${at}, in->${f.name}, ${t.count});`],
    };
  }
  const loop = `for ( i = 0; i < ${t.count}; i++ )`;
  const elemAt = `${at} + ${t.elemSize} * i`;
  if (t.elem.kind === 'int') {
    return {
      decode: [loop, `    out->${f.name}[i] = (${C_INT[t.elem.bits]})ghcb_codec_load(${elemAt}, ${t.elemSize});`],
      encode: [loop, `    ghcb_codec_store(${elemAt}, ${t.elemSize}, in->${f.name}[i]);`],
    };
  }
  return {
    decode: [loop, `    ${t.elem.name}_decode(${elemAt}, &out->${f.name}[i]);`],
    encode: [loop, `    ${t.elem.name}_encode(&in->${f.name}[i], ${elemAt});`],
  };
}

function structView(s: EStruct) {
  const lines = s.fields.map(codecLines);
  const needsIndex = s.fields.some((f) => f.type.kind === 'array' && !(f.type.elem.kind === 'int' && f.type.elem.bits === 8));
  return {
    name: s.name,
    size: hex(s.size),
    comment: `${s.description} Decoded form of struct ${s.name} (${citation(s.spec)}).`,
    decls: s.fields.map(decl),
    needsIndex,
    decode: lines.flatMap((l) => l.decode),
    encode: lines.flatMap((l) => l.encode),
  };
}

/** Non-reserved integer fields of the page, with the C expression that reaches them. */
function accessors(page: EStruct, model: EModel) {
  const out: { name: string; type: string; member: string; comment: string; hasValid: boolean; byte: string; mask: string }[] = [];
  let bitmapMember: string | null = null;
  let bitmapBits = 0;
  const walk = (s: EStruct, prefix: string, base: number) => {
    if (s.validBitmap) {
      bitmapMember = `${prefix}${s.validBitmap.field}`;
      bitmapBits = s.validBitmap.bits;
    }
    for (const f of s.fields) {
      if (f.type.kind === 'struct') walk(model.structs.get(f.type.name)!, `${prefix}${f.name}.`, base + f.offset);
      else if (f.type.kind === 'int' && !f.reserved) {
        const valid = f.validBit !== null ? `, valid bit ${f.validBit}` : '';
        out.push({
          name: f.name,
          type: C_INT[f.type.bits],
          member: `${prefix}${f.name}`,
          comment: `${prefix}${f.name} at ${hex(base + f.offset, 3)}${valid}`,
          hasValid: f.validBit !== null,
          byte: String(f.validBit !== null ? f.validBit >> 3 : 0),
          mask: hex(f.validBit !== null ? 1 << (f.validBit & 7) : 0),
        });
      }
    }
  };
  walk(page, '', 0);
  if (bitmapMember === null) throw new Error(`c-codec: struct ${page.name} has no valid bitmap`);
  return { accessors: out, bitmapMember, bitmapBits };
}

function msrView(l: ELayout) {
  const loc = l.location as { code: number; direction: 'request' | 'response' };
  const named = l.bits.filter((b) => !b.reserved && b.name !== 'ghcb_info');
  const params = named.length === 0 ? 'void' : named.map((b) => `uint64_t ${b.name}`).join(', ');
  const terms = [`${cLiteral(BigInt(loc.code), 64)}`, ...named.map((b) => `((${b.name} << ${b.cName}_SHIFT) & ${b.cName}_MASK)`)];
  return {
    name: l.name,
    code: hex(loc.code, 3),
    request: loc.direction === 'request' ? 'true' : 'false',
    comment: `${l.description} (${citation(l.spec)})`,
    fields: l.bits.map((b) => ({ name: b.name, lsb: b.lsb, msb: b.msb, reserved: b.reserved ? 'true' : 'false' })),
    getters: named.map((b) => ({ name: b.name, cName: b.cName })),
    params,
    value: terms.join(' |\n           '),
  };
}

export function emitCCodec(model: EModel): OutputFile[] {
  const page = model.structs.get(ROOTS[0]);
  if (!page) return [];
  const structs: EStruct[] = [];
  const roots = ROOTS.map((r) => model.structs.get(r)).filter((s): s is EStruct => s !== undefined);
  for (const r of roots) closure(r, model, structs);
  const msr = [...model.layouts.values()]
    .filter((l) => l.location?.kind === 'ghcb_msr')
    .sort((a, b) => (a.location as { code: number }).code - (b.location as { code: number }).code);
  const pageModule = model.modules.find((m) => m.name === page.module)!;
  const msrModules = [...new Set(msr.map((l) => l.module))].map((n) => model.modules.find((m) => m.name === n)!);
  const includes = [...new Set([pageModule, ...msrModules].map((m) => m.header))];
  const acc = accessors(page, model);
  const contents = template({
    banner: bannerLines('generators/emit/c-codec', `struct ${roots.map((r) => r.name).join(', struct ')} and the GHCB MSR protocol layouts`),
    guard: guardFor(HEADER),
    includes,
    page: { name: page.name, size: hex(page.size) },
    structs: structs.map(structView),
    ...acc,
    msr: msr.map(msrView),
    msrMaxFields: Math.max(2, ...msr.map((l) => l.bits.length)),
  });
  return [{ path: `generated/c/${HEADER}`, contents }];
}
