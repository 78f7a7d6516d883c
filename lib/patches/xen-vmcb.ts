// Edits of Xen's own VMCB definitions (struct vmcb_struct, enum
// VMEXIT_EXITCODE, build_assertions(), the per-exit perf counters), rendered
// from the elaborated model so that every name, offset and value comes from
// the schema, in the style of the surrounding Xen code.
import type { EField, EModel, EStruct, EValue } from '../../generators/elaborate/model.ts';
import { UserError } from '../errors.ts';

function struct(model: EModel, name: string): EStruct {
  const s = model.structs.get(name);
  if (!s) throw new Error(`schema has no struct ${name}`);
  return s;
}

function xenHex(n: number): string {
  return `0x${n.toString(16).toUpperCase()}`;
}

function cType(f: EField): { type: string; count: number | null } {
  const t = f.type;
  if (t.kind === 'int') return { type: `uint${t.bits}_t`, count: null };
  if (t.kind === 'array' && t.elem.kind === 'int') return { type: `uint${t.elem.bits}_t`, count: t.count };
  throw new Error(`field ${f.name}: struct-typed fields are not rendered into vmcb_struct`);
}

/** `    uint64_t name;` padded so that the comment starts in column 32, as in vmcb_struct. */
function memberLine(type: string, name: string, offset: number, note?: string): string {
  const decl = `    ${type} ${name};`;
  const comment = `/* offset ${xenHex(offset)}${note ? ` - ${note}` : ''} */`;
  return decl.length < 32 ? decl.padEnd(32) + comment : `${decl} ${comment}`;
}

/** Reserved bytes as the widest unsigned array their offset and size allow. */
function reservedLine(offset: number, size: number, note?: string, stem?: string): string {
  const w = [8, 4, 2, 1].find((b) => offset % b === 0 && size % b === 0)!;
  const count = size / w;
  const name = `${stem ?? `res_${offset.toString(16).padStart(3, '0')}`}${count > 1 ? `[${count}]` : ''}`;
  return memberLine(`uint${w * 8}_t`, name, offset, note);
}

export interface WindowOptions {
  /** VMCB control-area byte range [start, end) to render. */
  start: number;
  end: number;
  /** Named fields beyond `namedEnd` are left as padding. */
  namedEnd: number;
  /** Xen's names for fields it already has under another name than the spec's. */
  rename?: Record<string, string>;
  /** A note for the comment of the last padding line. */
  padNote?: string;
  /** Name only these fields (by Xen name); the rest stays padding. */
  only?: ReadonlySet<string>;
  /** Xen's own name for the padding starting at an offset, kept so the diff stays small. */
  padNames?: Record<number, string>;
}

export interface RenderedWindow {
  lines: string[];
  /** Newly named fields, with offsets, for build_assertions(). */
  named: { name: string; offset: number }[];
}

/** Lines of struct vmcb_struct for a byte range of the control area. */
export function renderControlWindow(model: EModel, o: WindowOptions): RenderedWindow {
  const ctl = struct(model, 'vmcb_control_area');
  const inRange = ctl.fields.filter((f) => f.offset >= o.start && f.offset < o.end);
  if (inRange.length === 0 || inRange[0]!.offset !== o.start) {
    throw new Error(`vmcb_control_area: no field starts at ${xenHex(o.start)}`);
  }
  const lines: string[] = [];
  const named: RenderedWindow['named'] = [];
  let padFrom: number | null = null;
  const flushPad = (to: number, note?: string): void => {
    if (padFrom !== null && to > padFrom) lines.push(reservedLine(padFrom, to - padFrom, note, o.padNames?.[padFrom]));
    padFrom = null;
  };
  for (const f of inRange) {
    if (f.reserved || f.offset >= o.namedEnd || (o.only !== undefined && !o.only.has(o.rename?.[f.name] ?? f.name))) {
      padFrom ??= f.offset;
      continue;
    }
    flushPad(f.offset);
    const name = o.rename?.[f.name] ?? f.name;
    const { type, count } = cType(f);
    lines.push(memberLine(type, count === null ? name : `${name}[${count}]`, f.offset));
    named.push({ name, offset: f.offset });
  }
  const last = inRange[inRange.length - 1]!;
  if (last.offset + last.size !== o.end) throw new Error(`vmcb_control_area: ${xenHex(o.end)} is not a field boundary`);
  flushPad(o.end, o.padNote);
  return { lines, named };
}

/**
 * BUILD_BUG_ON() lines in the format of vmcb.c's build_assertions(); `width`
 * is the column span of "member)" plus padding before "!=" in the existing lines.
 */
export function assertionLines(named: { name: string; offset: number }[], width: number): string[] {
  return named.map(({ name, offset }) => {
    const member = `${name})`;
    const padded = member.length < width ? member.padEnd(width) : `${member} `;
    return `    BUILD_BUG_ON(offsetof(typeof(vmcb), ${padded}!= 0x${offset.toString(16).padStart(3, '0')});`;
  });
}

export interface ExitCode {
  xenName: string;
  value: number;
}

const ENUM_ENTRY = /^\s*(VMEXIT_[A-Z0-9_]+)\s*=\s*(-?\d+)\s*,/;

/** Exit codes of the model that enum VMEXIT_EXITCODE has no entry for (by value). */
export function missingExitCodes(model: EModel, xenEnum: string): ExitCode[] {
  const group = model.groups.get('svm_exit_code');
  if (!group) throw new Error('schema has no svm_exit_code group');
  const have = new Set(
    xenEnum
      .split('\n')
      .map((l) => ENUM_ENTRY.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[2])),
  );
  return group.values
    .filter((v) => v.value < 0x1000n && !have.has(Number(v.value)) && !/_EXCP_\d+$/.test(v.cName))
    .map((v: EValue) => ({ xenName: xenExitName(v.cName), value: Number(v.value) }));
}

function xenExitName(cName: string): string {
  const stem = cName.replace(/^SVM_EXIT_/, '');
  return `VMEXIT_${stem.replace(/^EXCP_/, 'EXCEPTION_')}`;
}

/**
 * Inserts entries into the text of enum VMEXIT_EXITCODE, each after the entry
 * with the largest smaller value, in the column layout of that entry.
 */
export function insertExitCodes(enumText: string, codes: ExitCode[], file: string): string {
  const lines = enumText.split('\n');
  const original = new Set(lines);
  for (const code of [...codes].sort((a, b) => a.value - b.value)) {
    let at = -1;
    let best = -Infinity;
    let column = -1;
    lines.forEach((l, i) => {
      const m = ENUM_ENTRY.exec(l);
      if (m && Number(m[2]) < code.value && Number(m[2]) >= best) {
        best = Number(m[2]);
        at = i;
        // Align with the nearest entry Xen wrote, not with one inserted here.
        if (original.has(l)) column = l.indexOf('=');
      }
    });
    if (at < 0) throw new UserError(`${file}: no VMEXIT_ entry below ${xenHex(code.value)} to insert ${code.xenName} after`);
    const eq = column;
    const head = `    ${code.xenName}`;
    const name = head.length < eq ? head.padEnd(eq) : `${head} `;
    lines.splice(at + 1, 0, `${name}= ${String(code.value).padStart(3)}, /* 0x${code.value.toString(16)} */`);
  }
  return lines.join('\n');
}

/** The text of enum VMEXIT_EXITCODE inside a header. */
export function enumBlock(header: string, file: string): { start: number; end: number } {
  const start = header.indexOf('enum VMEXIT_EXITCODE\n{');
  if (start < 0) throw new UserError(`${file}: no enum VMEXIT_EXITCODE`);
  const end = header.indexOf('\n};', start);
  return { start, end };
}

/**
 * Adds to Xen's enum GenericIntercept2bits the bits of the model's second
 * intercept word (VMCB offset 0x10, Table B-1) that the series' code names
 * (GENERAL2_INTERCEPT_<BIT NAME>) and the enum lacks, in bit order after its
 * last entry.
 */
export function insertGeneral2Intercepts(model: EModel, header: string, used: ReadonlySet<string>, file: string): string {
  const layout = model.layouts.get('intercept_word4');
  if (!layout) throw new Error('schema has no intercept_word4 layout');
  const start = header.indexOf('enum GenericIntercept2bits\n{\n');
  if (start < 0) throw new UserError(`${file}: no enum GenericIntercept2bits`);
  const end = header.indexOf('\n};', start);
  const block = header.slice(start, end);
  const have = new Map<number, string>();
  for (const m of block.matchAll(/^ {4}(GENERAL2_INTERCEPT_[A-Z0-9_]+) *= 1u? << (\d+),?$/gm)) have.set(Number(m[2]), m[1]!);
  const add = layout.bits
    .filter((b) => !b.reserved && b.width === 1)
    .map((b) => ({ name: `GENERAL2_INTERCEPT_${b.name.toUpperCase()}`, lsb: b.lsb }))
    .filter((b) => used.has(b.name) && !have.has(b.lsb));
  if (add.length === 0) return header;
  const top = Math.max(...have.keys());
  if (add.some((b) => b.lsb < top)) throw new UserError(`${file}: enum GenericIntercept2bits: a used bit below ${top} is missing`);
  // Xen's entries pad the name so that '=' lines up, except the long ones.
  const column = /^( {4}GENERAL2_INTERCEPT_VMRUN *)=/m.exec(block)?.[1]?.length ?? 0;
  const lines = add
    .sort((a, b) => a.lsb - b.lsb)
    .map((b) => {
      const head = `    ${b.name}`;
      const name = head.length < column ? head.padEnd(column) : `${head} `;
      return `${name}= ${b.lsb === 31 ? '1u' : '1'} << ${b.lsb},`;
    });
  return `${header.slice(0, end)}\n${lines.join('\n')}${header.slice(end)}`;
}
