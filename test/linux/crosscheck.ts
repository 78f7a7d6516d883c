// The whole cross-check: generated JSON -> checks -> Kbuild probe -> outcomes -> report.
import { readFileSync } from 'node:fs';
import {
  type CheckResult,
  type Outcome,
  type Report,
  checkVectorWords,
  classifyFailure,
  compareExtractor,
  compareValue,
  summarize,
} from './compare.ts';
import { type LinuxHeaders, indexHeaders, runProbe } from './kbuild.ts';
import { ConstantsJson, KnownDifferences, LayoutsJson } from './model.ts';
import { type Check, type ProbeExpr, buildChecks } from './probe.ts';

export interface CrosscheckInput {
  layouts: LayoutsJson;
  constants: ConstantsJson;
  known: KnownDifferences;
}

export function loadInput(layoutsPath: string, constantsPath: string, knownPath: string): CrosscheckInput {
  const read = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'));
  return {
    layouts: LayoutsJson.parse(read(layoutsPath)),
    constants: ConstantsJson.parse(read(constantsPath)),
    known: KnownDifferences.parse(read(knownPath)),
  };
}

export interface CrosscheckRun {
  report: Report;
  /** Kbuild compiles it took. */
  compiles: number;
}

export async function crosscheck(input: CrosscheckInput, headers: LinuxHeaders): Promise<CrosscheckRun> {
  const checks = buildChecks(input.layouts, input.constants);

  // First ask the headers which names occur at all: names that occur nowhere
  // are not in this Linux and stay out of the compile; one-argument
  // function-like macros named by bits are probed as extractors.
  const isMacroRef = (c: Check): boolean => c.kind === 'constant' || (c.kind === 'bit' && c.bit?.member !== true);
  const names: string[] = [];
  for (const c of checks) {
    if (c.expr === undefined) continue;
    if (isMacroRef(c)) names.push(c.linuxName);
    else if (c.linuxStruct !== undefined) names.push(c.linuxStruct);
  }
  const index = await indexHeaders(names, headers);

  const decided = new Map<number, Outcome>();
  const exprs: ProbeExpr[] = [];
  /** check index -> the probe indices of M(mask) and M(~mask) */
  const extractors = new Map<number, [number, number]>();
  let nextProbe = checks.length;
  for (const c of checks) {
    if (c.expr === undefined) {
      decided.set(c.index, { status: 'uncomparable', blocking: true, reason: c.invalid ?? 'no expression' });
    } else if (isMacroRef(c)) {
      const defs = index.defs.get(c.linuxName) ?? [];
      if (!index.seen.has(c.linuxName)) {
        decided.set(c.index, { status: 'missing', reason: `no ${c.linuxName}` });
      } else if (defs.length > 0 && defs.every((d) => d.how === 'function-like macro')) {
        if (c.kind === 'bit' && defs.some((d) => d.params === 1)) {
          const all = (1n << BigInt(Math.min(c.bit?.width ?? 64, 64))) - 1n;
          const pair: [number, number] = [nextProbe, nextProbe + 1];
          nextProbe += 2;
          extractors.set(c.index, pair);
          exprs.push({ index: pair[0], expr: `${c.linuxName}(${hexLiteral(c.ours)}ULL)` });
          exprs.push({ index: pair[1], expr: `${c.linuxName}(${hexLiteral(all & ~c.ours)}ULL)` });
        } else {
          const where = defs.map((d) => `${d.file}:${d.line}`).join(', ');
          decided.set(c.index, { status: 'uncomparable', blocking: false, reason: `${c.linuxName} is a function-like macro (${where})` });
        }
      } else {
        exprs.push(c);
      }
    } else if (c.linuxStruct !== undefined && !index.seen.has(c.linuxStruct)) {
      decided.set(c.index, { status: 'missing', reason: `no struct ${c.linuxStruct}` });
    } else {
      exprs.push(c);
    }
  }

  const probe = await runProbe(exprs, headers);

  const structSizes = new Map<string, boolean>();
  for (const c of checks) {
    if ((c.kind === 'struct-size' || c.kind === 'layout-size') && c.linuxStruct !== undefined) {
      structSizes.set(c.linuxStruct, (structSizes.get(c.linuxStruct) ?? false) || probe.values.has(c.index));
    }
  }
  const structFound = (tag: string): boolean =>
    structSizes.get(tag) ?? (index.defs.get(tag) ?? []).some((d) => d.how === 'struct');

  const results: CheckResult[] = checks.map((check): CheckResult => {
    const pre = decided.get(check.index);
    if (pre !== undefined) return { check, outcome: pre };
    const pair = extractors.get(check.index);
    if (pair !== undefined) {
      const onMask = probe.values.get(pair[0]);
      const onRest = probe.values.get(pair[1]);
      if (onMask !== undefined && onRest !== undefined) return { check, outcome: compareExtractor(check, onMask, onRest) };
      const reason = probe.failed.get(pair[0]) ?? probe.failed.get(pair[1]) ?? 'no value';
      return { check, outcome: { status: 'uncomparable', blocking: false, reason: `${check.linuxName}(v) does not evaluate: ${reason}` } };
    }
    const v = probe.values.get(check.index);
    if (v !== undefined) return { check, outcome: compareValue(check, v) };
    const err = probe.failed.get(check.index) ?? 'no value';
    return { check, outcome: classifyFailure(check, err, index.defs, structFound) };
  });
  checkVectorWords(results);
  return { report: summarize(results, input.known.differences), compiles: probe.compiles };
}

function hexLiteral(v: bigint): string {
  return `0x${v.toString(16)}`;
}
