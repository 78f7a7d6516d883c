// The probe: from the generated JSON to a list of checks, from the checks to a
// C file that Kbuild compiles to assembly, and from that assembly (or from
// the compiler's diagnostics) back to values per check.
//
// Every check becomes one non-static function on one line of the C file:
//
//   void xsc_probe_17(void) { asm volatile("\n.ascii \"@@xsc 17 %0\"" :: "i"((unsigned long long)(EXPR))); }
//
// The compiler must fold EXPR to an integer constant to satisfy the "i"
// constraint and prints it into the .s file, where parseProbeAsm() finds it.
// One function per check means one diagnostic per check that does not compile
// (a name this Linux lacks), which parseDiagnostics() maps back to the check.
import { type ConstantsJson, type LayoutsJson, toBig } from './model.ts';

export type CheckKind = 'struct-size' | 'field-offset' | 'field-size' | 'layout-size' | 'constant' | 'bit';

/** One value of ours to compare with one value Linux computes. */
export interface Check {
  /** Index in the check list; names the probe function and the marker in the .s file. */
  index: number;
  /** Stable id, used in reports and in known-differences.json (e.g. "field ghcb_save_area.rax offset"). */
  id: string;
  kind: CheckKind;
  /** Schema module of the item, when the generated JSON records it. */
  module: string | undefined;
  ours: bigint;
  /** The Linux name as the schema gives it (struct tag, "struct.member", or macro). */
  linuxName: string;
  /** Our bit layout, for bit checks. */
  layout?: string;
  /** Linux struct tag, for struct and field checks, and for bits that are bit-field members of a Linux struct. */
  linuxStruct?: string;
  /** C expression evaluated against the Linux headers; undefined when the ref is not usable. */
  expr: string | undefined;
  /** Why the ref cannot be probed (bad syntax, field ref without a struct ref). */
  invalid?: string;
  /**
   * For bits: the bit range, to accept a Linux macro holding the bit number
   * or an unshifted field mask. `member` says the Linux name is a (bit-field)
   * member of a Linux struct, whose mask the probe computes; only the mask counts then.
   */
  bit?: { lsb: number; msb: number; width: number; member?: boolean };
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A member designator for offsetof: member, member[3], a.b, a[2].b */
const MEMBER = /^[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])*(\.[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])*)*$/;

/** Strip an optional "struct " a schema author may have written before a tag. */
function structTag(ref: string): string {
  return ref.replace(/^struct\s+/, '').trim();
}

/** All checks the generated JSON asks for (items with a non-null `linux` ref). */
export function buildChecks(layouts: LayoutsJson, constants: ConstantsJson): Check[] {
  const checks: Check[] = [];
  const add = (c: Omit<Check, 'index'>): void => {
    checks.push({ ...c, index: checks.length });
  };

  for (const s of layouts.structs) {
    const tagRef = s.linux ?? null;
    const tag = tagRef === null ? null : structTag(tagRef);
    const tagOk = tag !== null && IDENT.test(tag);
    if (tagRef !== null) {
      add({
        id: `struct ${s.name} size`,
        kind: 'struct-size',
        module: s.module,
        ours: toBig(s.size),
        linuxName: `struct ${tag}`,
        linuxStruct: tag ?? undefined,
        expr: tagOk ? `sizeof(struct ${tag})` : undefined,
        invalid: tagOk ? undefined : `struct ref "${tagRef}" is not a C struct tag`,
      });
    }
    for (const f of s.fields) {
      const ref = f.linux ?? null;
      if (ref === null) continue;
      const member = ref.trim();
      let invalid: string | undefined;
      if (tag === null) invalid = `field has linux ref "${ref}" but struct ${s.name} has none`;
      else if (!tagOk) invalid = `struct ref "${tagRef}" is not a C struct tag`;
      else if (!MEMBER.test(member)) invalid = `member ref "${ref}" is not a member designator`;
      const linuxName = `${tag ?? '?'}.${member}`;
      const common = { module: s.module, linuxName, linuxStruct: tag ?? undefined, invalid };
      add({
        ...common,
        id: `field ${s.name}.${f.name} offset`,
        kind: 'field-offset',
        ours: toBig(f.offset),
        expr: invalid === undefined ? `__builtin_offsetof(struct ${tag}, ${member})` : undefined,
      });
      add({
        ...common,
        id: `field ${s.name}.${f.name} size`,
        kind: 'field-size',
        ours: toBig(f.size),
        expr: invalid === undefined ? `sizeof(((struct ${tag} *)0)->${member})` : undefined,
      });
    }
  }

  for (const l of layouts.bitLayouts) {
    // A layout whose Linux name is a struct tag (lower case, like "psc_entry")
    // is a Linux struct of bit-fields: its bits' Linux names are members.
    const layoutRef = l.linux ?? null;
    const tag = layoutRef === null ? null : structTag(layoutRef);
    const structMode = tag !== null && /^[a-z_][a-z0-9_]*$/.test(tag);
    if (structMode) {
      add({
        id: `bits ${l.name} size`,
        kind: 'layout-size',
        module: l.module,
        ours: BigInt(l.width / 8),
        linuxName: `struct ${tag}`,
        linuxStruct: tag,
        expr: `sizeof(struct ${tag})`,
      });
    }
    for (const b of l.bits) {
      const ref = b.linux ?? null;
      if (ref === null) continue;
      const name = ref.trim();
      const bit = { lsb: b.lsb, msb: b.msb, width: l.width };
      if (structMode) {
        const ok = MEMBER.test(name);
        add({
          id: `bit ${l.name}.${b.name}`,
          kind: 'bit',
          module: l.module,
          layout: l.name,
          ours: toBig(b.mask),
          linuxName: `${tag}.${name}`,
          linuxStruct: tag,
          // Set every bit of the member in an otherwise zero 64-bit image of the struct; gcc folds it.
          expr: ok
            ? `({ union { struct ${tag} s; unsigned long long v; } u_ = { .v = 0 }; u_.s.${name} = ~0ULL; u_.v; })`
            : undefined,
          invalid: ok ? undefined : `bit ref "${ref}" is not a member of struct ${tag}`,
          bit: { ...bit, member: true },
        });
        continue;
      }
      const ok = IDENT.test(name);
      add({
        id: `bit ${l.name}.${b.name}`,
        kind: 'bit',
        module: l.module,
        layout: l.name,
        ours: toBig(b.mask),
        linuxName: name,
        expr: ok ? name : undefined,
        invalid: ok ? undefined : `bit ref "${ref}" is not a macro name`,
        bit,
      });
    }
  }

  for (const g of constants.groups) {
    for (const v of g.values) {
      const ref = v.linux ?? null;
      if (ref === null) continue;
      const name = ref.trim();
      const ok = IDENT.test(name);
      add({
        id: `constant ${v.c_name}`,
        kind: 'constant',
        module: g.module,
        ours: toBig(v.value),
        linuxName: name,
        expr: ok ? name : undefined,
        invalid: ok ? undefined : `constant ref "${ref}" is not a macro or enumerator name`,
      });
    }
  }
  return checks;
}

/** Marker that precedes each value in the generated assembly. */
export const MARKER = '@@xsc';

/** Name of the probe function of a check (also what gcc names in "In function" lines). */
export function probeFunction(index: number): string {
  return `xsc_probe_${index}`;
}

/**
 * The C source of one probe compile: the includes, then one function per
 * check, each on its own line. Checks without an expression are left out.
 */
/** One expression for the compiler to evaluate; `index` names its function and marker. */
export interface ProbeExpr {
  index: number;
  expr: string | undefined;
}

export function renderProbeSource(checks: readonly ProbeExpr[], headers: readonly string[]): string {
  const lines: string[] = [
    '// Generated by test/linux (xen-sev-codegen): evaluates Linux names with the compiler.',
    '// Each function prints one integer constant into the assembly output.',
  ];
  for (const h of headers) lines.push(`#include <${h}>`);
  lines.push('#pragma GCC diagnostic ignored "-Woverflow"');
  lines.push('');
  for (const c of checks) {
    if (c.expr === undefined) continue;
    const fn = probeFunction(c.index);
    lines.push(
      `void ${fn}(void); void ${fn}(void) { asm volatile("\\n.ascii \\"${MARKER} ${c.index} %0\\"" :: "i"((unsigned long long)(${c.expr}))); }`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * Values from the assembly output: check index -> value as an unsigned 64-bit
 * integer. gcc prints an "i" operand as a signed decimal immediate ("$-1"),
 * so negative numbers are taken modulo 2^64; hex immediates are accepted too.
 */
export function parseProbeAsm(asm: string): Map<number, bigint> {
  const out = new Map<number, bigint>();
  const re = new RegExp(`^\\s*\\.ascii\\s+"${MARKER} ([0-9]+) \\$?(-?)(0x[0-9a-fA-F]+|[0-9]+)"`);
  for (const line of asm.split('\n')) {
    const m = re.exec(line);
    if (m === null) continue;
    const [, idx, neg, num] = m as unknown as [string, string, string, string];
    const mag = BigInt(num);
    const v = BigInt.asUintN(64, neg === '-' ? -mag : mag);
    const i = Number(idx);
    const prev = out.get(i);
    if (prev !== undefined && prev !== v) {
      throw new Error(`probe ${i} printed two different values (${prev} and ${v})`);
    }
    out.set(i, v);
  }
  return out;
}

/** What the compiler said about the probe source. */
export interface ProbeDiagnostics {
  /** Check index -> first error message about it. */
  failed: Map<number, string>;
  /** Errors outside any probe function (the header set itself does not compile). */
  unattributed: string[];
}

/**
 * Attribute the compiler's errors to probe functions. gcc announces the
 * function before its first diagnostic ("probe.c: In function 'xsc_probe_7':");
 * an error inside it, whether gcc locates it in probe.c or in a header macro
 * expanded there, belongs to that check. Errors at top level are unattributed.
 * Expects LC_ALL=C output (ASCII quotes), but accepts Unicode quotes too.
 */
export function parseDiagnostics(stderr: string): ProbeDiagnostics {
  const failed = new Map<number, string>();
  const unattributed: string[] = [];
  let current: number | undefined;
  const inFn = /: In function ['‘`]xsc_probe_([0-9]+)['’`]:\s*$/;
  const topLevel = /: (At top level|In function ['‘`][^'’`]*['’`]):\s*$/;
  const error = /^(.*?):([0-9]+):(?:[0-9]+:)? (?:fatal )?error: (.*)$/;
  for (const line of stderr.split('\n')) {
    const f = inFn.exec(line);
    if (f !== null) {
      current = Number(f[1]);
      continue;
    }
    if (topLevel.test(line)) {
      current = undefined;
      continue;
    }
    const e = error.exec(line);
    if (e === null) continue;
    const msg = (e[3] ?? '').trim();
    if (current !== undefined) {
      if (!failed.has(current)) failed.set(current, msg);
    } else {
      unattributed.push(line.trim());
    }
  }
  return { failed, unattributed };
}

/**
 * Is this compiler message the one for a name that does not exist (as
 * opposed to a name that exists but is not an integer constant)?
 */
export function isMissingNameError(msg: string): boolean {
  return /undeclared|has no member named|incomplete type|unknown type name|storage size of|implicit declaration/.test(msg);
}
