// Comparing our values with Linux's, applying the allow-list of known
// differences, and the text summary.
import { type Check } from './probe.ts';
import { type Definition } from './kbuild.ts';
import { type KnownDifference, hex, toBig } from './model.ts';

export type Outcome =
  /** Linux has the name and the value is ours. */
  | { status: 'equal'; linux: bigint; matchedAs?: BitMatch; signExtended?: boolean; word?: number }
  /** Linux has the name and a different value. */
  | { status: 'different'; linux: bigint; detail?: string; known?: KnownDifference }
  /** This Linux does not define the name. */
  | { status: 'missing'; reason: string }
  /** The name exists (or the ref is unusable) but gives no integer to compare. */
  | { status: 'uncomparable'; reason: string; blocking: boolean };

/**
 * How a Linux bit macro matched our bit: its mask, its bit number (for a
 * multi-bit field: the shift, i.e. the lsb), the field mask before shifting,
 * a bit number in a vector of `width`-bit words (word * width + bit, as
 * Linux numbers INTERCEPT_* and X86_FEATURE_*; `word` in the outcome),
 * or a one-argument function-like macro that extracts the field from a value
 * (M(mask) is the unshifted field mask and M(~mask) is 0).
 */
export type BitMatch = 'mask' | 'bit number' | 'unshifted field mask' | 'vector bit number' | 'extractor macro';

export interface CheckResult {
  check: Check;
  outcome: Outcome;
}

/**
 * The probe reads every value as an unsigned 64-bit number, so a Linux macro
 * of C type int with bit 31 set, like (1 << 31), arrives sign-extended
 * (0xffffffff80000000). Undo that when the value is the sign extension of a
 * `width`-bit number.
 */
export function dropSignExtension(v: bigint, width: number): bigint {
  if (width >= 64) return v;
  const t = BigInt.asUintN(width, v);
  return t !== v && BigInt.asUintN(64, BigInt.asIntN(width, t)) === v ? t : v;
}

/** Compare one check with the value Linux gave. */
export function compareValue(check: Check, raw: bigint): Outcome {
  if (check.kind === 'constant') {
    if (raw === check.ours) return { status: 'equal', linux: raw };
    const t = dropSignExtension(raw, 32);
    return t !== raw && t === check.ours ? { status: 'equal', linux: raw, signExtended: true } : { status: 'different', linux: raw };
  }
  if (check.kind !== 'bit' || check.bit === undefined) {
    return raw === check.ours ? { status: 'equal', linux: raw } : { status: 'different', linux: raw };
  }
  const { lsb, msb, width } = check.bit;
  // A 64-bit layout may still hold a 32-bit Linux field, like int_ctl: drop an int's sign extension too.
  let linux = dropSignExtension(raw, width);
  if (linux === raw && width > 32) linux = dropSignExtension(raw, 32);
  const signExtended = linux !== raw ? { signExtended: true } : {};
  if (linux === check.ours) return { status: 'equal', linux: raw, matchedAs: 'mask', ...signExtended };
  if (check.bit.member === true) return { status: 'different', linux: raw };
  if (linux === BigInt(lsb)) return { status: 'equal', linux: raw, matchedAs: 'bit number' };
  if (msb > lsb && lsb > 0 && linux === check.ours >> BigInt(lsb)) {
    return { status: 'equal', linux: raw, matchedAs: 'unshifted field mask', ...signExtended };
  }
  const w = BigInt(width);
  if (msb === lsb && linux >= w && linux % w === BigInt(lsb) && linux / w < 1024n) {
    return { status: 'equal', linux: raw, matchedAs: 'vector bit number', word: Number(linux / w) };
  }
  return { status: 'different', linux: raw };
}

/**
 * Vector bit numbers are only believable when every bit of a layout that
 * matched that way names the same word. Turn the bits whose word differs
 * from the layout's most common word into differences.
 */
export function checkVectorWords(results: CheckResult[]): void {
  const byLayout = new Map<string, CheckResult[]>();
  for (const r of results) {
    if (r.outcome.status === 'equal' && r.outcome.matchedAs === 'vector bit number' && r.check.layout !== undefined) {
      const list = byLayout.get(r.check.layout) ?? [];
      list.push(r);
      byLayout.set(r.check.layout, list);
    }
  }
  for (const [, list] of byLayout) {
    const counts = new Map<number, number>();
    for (const r of list) if (r.outcome.status === 'equal') counts.set(r.outcome.word ?? -1, (counts.get(r.outcome.word ?? -1) ?? 0) + 1);
    if (counts.size < 2) continue;
    const [major] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [-1];
    for (const r of list) {
      if (r.outcome.status !== 'equal' || r.outcome.word === major) continue;
      r.outcome = {
        status: 'different',
        linux: r.outcome.linux,
        detail: `${r.check.linuxName} = ${hex(r.outcome.linux)} is bit ${r.check.bit?.lsb} of word ${r.outcome.word}, but the other bits of ${r.check.layout} are in word ${major}`,
      };
    }
  }
}

/**
 * Compare a bit with a Linux extractor macro M(v): Linux agrees when M(our
 * mask) is the field's value with all bits set and M(every other bit) is 0.
 */
export function compareExtractor(check: Check, onMask: bigint, onRest: bigint): Outcome {
  const lsb = BigInt(check.bit?.lsb ?? 0);
  if (onMask === check.ours >> lsb && onRest === 0n) return { status: 'equal', linux: onMask << lsb, matchedAs: 'extractor macro' };
  return {
    status: 'different',
    linux: onMask << lsb,
    detail: `${check.linuxName}(ours) = ${hex(onMask)}, expected ${hex(check.ours >> lsb)}; ${check.linuxName}(~ours) = ${hex(onRest)}, expected 0`,
  };
}

/**
 * Classify a check Linux could not evaluate, from the compiler's message and
 * from where (whether) the headers define the name.
 */
export function classifyFailure(
  check: Check,
  compilerError: string,
  defs: Map<string, Definition[]>,
  structFound: (tag: string) => boolean,
): Outcome {
  const where = (d: Definition[]): string => d.map((x) => `${x.file}:${x.line}`).join(', ');
  const memberLike = check.kind === 'field-offset' || check.kind === 'field-size' || (check.kind === 'bit' && check.bit?.member === true);
  if (memberLike) {
    const tag = check.linuxStruct ?? '';
    if (!structFound(tag)) {
      const d = defs.get(tag) ?? [];
      return d.length === 0
        ? { status: 'missing', reason: `no struct ${tag}` }
        : { status: 'uncomparable', blocking: true, reason: `struct ${tag} is in ${where(d)}, which the probe does not include (add it to PROBE_HEADERS)` };
    }
    if (/bit-field/.test(compilerError)) {
      return { status: 'uncomparable', blocking: false, reason: `${check.linuxName} is a bit-field in Linux` };
    }
    if (/has no member named/.test(compilerError)) {
      return { status: 'missing', reason: `struct ${tag} has no member ${check.linuxName.slice(tag.length + 1)}` };
    }
    return { status: 'uncomparable', blocking: true, reason: compilerError };
  }
  const isStruct = check.kind === 'struct-size' || check.kind === 'layout-size';
  const name = isStruct ? (check.linuxStruct ?? '') : check.linuxName;
  const d = defs.get(name) ?? [];
  if (d.length === 0) {
    // The name occurs in the headers (or it would not have been compiled) but nothing defines it.
    return { status: 'missing', reason: isStruct ? `no struct ${name} (only mentioned)` : `no ${name} (only mentioned)` };
  }
  if (d.every((x) => x.how === 'function-like macro')) {
    return { status: 'uncomparable', blocking: false, reason: `${name} is a function-like macro (${where(d)})` };
  }
  return {
    status: 'uncomparable',
    blocking: true,
    reason: `${name} is defined in ${where(d)} but the probe could not evaluate it (a header the probe does not include, which then belongs in PROBE_HEADERS, or under an #if this configuration disables): ${compilerError}`,
  };
}

export interface Report {
  results: CheckResult[];
  compared: number;
  equal: number;
  /** Differences not in the allow-list: these fail the test. */
  unexpected: CheckResult[];
  /** Differences the allow-list accepts. */
  accepted: CheckResult[];
  missing: CheckResult[];
  uncomparable: CheckResult[];
  /** Allow-list entries that no longer describe a difference. */
  stale: { entry: KnownDifference; now: string }[];
  /** Allow-list entries naming the same item twice. */
  duplicateKnown: string[];
  bitMatches: Record<BitMatch, number>;
  /** Layout -> word, for layouts whose bits matched as vector bit numbers. */
  vectorWords: Map<string, number>;
  /** Values equal once the C int sign extension is dropped. */
  signExtended: number;
}

/** Apply the allow-list to the outcomes and count. */
export function summarize(results: CheckResult[], known: readonly KnownDifference[]): Report {
  const byId = new Map<string, KnownDifference>();
  const duplicateKnown: string[] = [];
  for (const k of known) {
    if (byId.has(k.item)) duplicateKnown.push(k.item);
    byId.set(k.item, k);
  }
  const used = new Set<string>();
  const stale: Report['stale'] = [];
  const resultById = new Map(results.map((r) => [r.check.id, r] as const));
  const unexpected: CheckResult[] = [];
  const accepted: CheckResult[] = [];
  const bitMatches: Record<BitMatch, number> = { mask: 0, 'bit number': 0, 'unshifted field mask': 0, 'vector bit number': 0, 'extractor macro': 0 };
  const vectorWords = new Map<string, number>();
  let signExtended = 0;
  let compared = 0;
  let equal = 0;
  for (const r of results) {
    const o = r.outcome;
    if (o.status === 'equal') {
      compared++;
      equal++;
      if (o.matchedAs !== undefined) bitMatches[o.matchedAs]++;
      if (o.signExtended === true) signExtended++;
      if (o.word !== undefined && r.check.layout !== undefined) vectorWords.set(r.check.layout, o.word);
    } else if (o.status === 'different') {
      compared++;
      const k = byId.get(r.check.id);
      if (k !== undefined && toBig(k.ours) === r.check.ours && toBig(k.linux) === o.linux) {
        used.add(k.item);
        o.known = k;
        accepted.push(r);
      } else {
        unexpected.push(r);
      }
    }
  }
  for (const k of byId.values()) {
    if (used.has(k.item)) continue;
    const r = resultById.get(k.item);
    let now: string;
    if (r === undefined) now = 'no such check any more';
    else if (r.outcome.status === 'equal') now = 'the values are now equal';
    else if (r.outcome.status === 'different') now = `the values are now ours ${hex(r.check.ours)} vs Linux ${hex(r.outcome.linux)}`;
    else now = `not comparable now: ${r.outcome.reason}`;
    stale.push({ entry: k, now });
  }
  return {
    results,
    compared,
    equal,
    unexpected,
    accepted,
    missing: results.filter((r) => r.outcome.status === 'missing'),
    uncomparable: results.filter((r) => r.outcome.status === 'uncomparable'),
    stale,
    duplicateKnown,
    bitMatches,
    vectorWords,
    signExtended,
  };
}

function describeDiff(r: CheckResult): string {
  const o = r.outcome;
  const linux = o.status === 'different' ? hex(o.linux) : '?';
  const mod = r.check.module === undefined ? '' : `[${r.check.module}] `;
  if (o.status === 'different' && o.detail !== undefined) return `${mod}${r.check.id}: ours ${hex(r.check.ours)}, Linux ${o.detail}`;
  return `${mod}${r.check.id}: ours ${hex(r.check.ours)} (${r.check.ours}), Linux ${r.check.linuxName} = ${linux}${
    o.status === 'different' ? ` (${o.linux})` : ''
  }`;
}

/** The printed summary. */
export function formatReport(rep: Report, release: string): string {
  const out: string[] = [];
  const missingNames = [...new Set(rep.missing.map((r) => r.check.linuxName))].sort();
  out.push(`Linux cross-check against linux-headers ${release}`);
  out.push(
    `  compared ${rep.compared}, equal ${rep.equal}, differences ${rep.unexpected.length + rep.accepted.length}` +
      ` (${rep.accepted.length} known), not-in-this-Linux ${missingNames.length} names (${rep.missing.length} checks),` +
      ` not comparable ${rep.uncomparable.length}`,
  );
  out.push(
    `  bit macros matched as: mask ${rep.bitMatches.mask}, bit number ${rep.bitMatches['bit number']},` +
      ` unshifted field mask ${rep.bitMatches['unshifted field mask']}, vector bit number ${rep.bitMatches['vector bit number']},` +
      ` extractor macro ${rep.bitMatches['extractor macro']}; equal after dropping C int sign extension: ${rep.signExtended}`,
  );
  if (rep.vectorWords.size > 0) {
    const words = [...rep.vectorWords].map(([l, w]) => `${l} = word ${w}`).join(', ');
    out.push(`  layouts matched as words of a Linux bit vector (word * width + bit): ${words}`);
  }
  if (rep.unexpected.length > 0) {
    out.push(`Differences (${rep.unexpected.length}):`);
    for (const r of rep.unexpected) out.push(`  ${describeDiff(r)}`);
  }
  if (rep.accepted.length > 0) {
    out.push(`Known differences (${rep.accepted.length}):`);
    for (const r of rep.accepted) out.push(`  ${describeDiff(r)}`);
  }
  if (rep.stale.length > 0) {
    out.push(`Stale known-differences.json entries (${rep.stale.length}):`);
    for (const s of rep.stale) out.push(`  ${s.entry.item}: ${s.now}`);
  }
  if (rep.duplicateKnown.length > 0) out.push(`Duplicate known-differences.json entries: ${rep.duplicateKnown.join(', ')}`);
  if (rep.uncomparable.length > 0) {
    out.push(`Not comparable (${rep.uncomparable.length}):`);
    for (const r of rep.uncomparable) {
      if (r.outcome.status === 'uncomparable') {
        out.push(`  ${r.outcome.blocking ? '!! ' : ''}${r.check.id} (${r.check.linuxName}): ${r.outcome.reason}`);
      }
    }
  }
  if (missingNames.length > 0) {
    out.push(`Not in this Linux (${missingNames.length}):`);
    for (const n of missingNames) out.push(`  ${n}`);
  }
  return out.join('\n');
}
