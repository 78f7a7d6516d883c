// The test columns: which existing suites check an item, split into
// "cross-checked" (compared with an independent source: the Linux cross-check,
// the outside tables under test/spec/) and "behaviour" (exercised by another
// test, a vector or the GHCB harness); drift checks (the layout probe,
// generate --check) are listed but count for neither. Detected from what the
// repository really holds, never assumed:
//  - linux-crosscheck: test/linux-crosscheck.test.ts compares every item that
//    names a Linux counterpart (struct fields only when the struct does too)
//    with the installed Linux headers (a name those headers lack is reported
//    there as missing, not compared: this column cannot tell without Kbuild);
//  - layout-probe (listed, not counted in `tests`): the generated probe (generated/c/test/layout-probe.c) that
//    test/c-headers.test.ts compiles and compares with the model prints the
//    field (F line) or macro (C line);
//  - ghcb-crosstest: a *.test.ts runs the C-vs-TS GHCB harness (test/harness),
//    which walks every field of the generated GHCB codec and every MSR message;
//  - test:<file>: a test source or vector file (test/vectors/...) names the
//    item's C identifier, xl key, or struct and field;
//  - vectors:<file>: a JSON vector under test/vectors/ uses its value
//    (sw_exit_code, an MSR protocol code) or sets the GHCB field.
import type { EModel } from '../../generators/elaborate/model.ts';
import { TokenIndex, fieldFiles, type TextFile } from './token-index.ts';
import type { CoverageItem } from './types.ts';
import { vectorFacts, vectorsFor, type VectorFacts } from './vectors.ts';

export interface TestInputs {
  /** Test sources and vectors (repository-relative paths), minus the coverage suite's own tests. */
  testFiles: TextFile[];
  /** Contents of generated/c/test/layout-probe.c, when a test runs it. */
  layoutProbe: string | null;
  /** Whether the Linux cross-check suite exists. */
  linuxCrosscheck: boolean;
  /** Generated TS codecs the GHCB cross-test walks, when a test runs that harness. */
  ghcbCrosstest: TextFile[] | null;
}

/** At most this many test files are listed per item (the column is a pointer, not an inventory). */
const MAX_FILES = 3;

/** Test files that write an outside source's table down as data and compare the schema with it. */
const CROSS_CHECK_FILES = /^test\/spec\//;
/**
 * Drift checks: they compare generated output with the model or a committed
 * copy, so they pass whatever the facts are. Listed, never counted.
 */
const DRIFT_FILES = /^test\/(generate-check\.test\.ts|xen\/patches-drift\.test\.ts)$/;

/** How a testedBy entry counts: 'cross' (independent source), 'behaviour', or 'drift' (listed only). */
export function testKind(by: string): 'cross' | 'behaviour' | 'drift' {
  if (by === 'linux-crosscheck') return 'cross';
  if (by === 'layout-probe') return 'drift';
  if (by.startsWith('test:')) {
    const f = by.slice(5);
    if (CROSS_CHECK_FILES.test(f)) return 'cross';
    if (DRIFT_FILES.test(f)) return 'drift';
  }
  return 'behaviour';
}

function probeFacts(probe: string): { fields: Set<string>; macros: Set<string> } {
  const fields = new Set<string>();
  const macros = new Set<string>();
  for (const m of probe.matchAll(/^\s*F\(([a-z0-9_]+), ([a-z0-9_]+)\);/gm)) fields.add(`${m[1]}.${m[2]}`);
  for (const m of probe.matchAll(/^\s*C\(([A-Za-z0-9_]+)\);/gm)) macros.add(m[1]!);
  return { fields, macros };
}

function fieldOf(item: CoverageItem): [string, string] | null {
  const id = item.identifiers[0];
  if (id === undefined || !id.includes('.')) return null;
  const [s, f] = id.split('.') as [string, string];
  return [s, f];
}

export function markTests(items: CoverageItem[], model: EModel, inputs: TestInputs): void {
  const probe = inputs.layoutProbe === null ? null : probeFacts(inputs.layoutProbe);
  const tests = new TokenIndex(inputs.testFiles);
  const codecs = inputs.ghcbCrosstest === null ? null : new TokenIndex(inputs.ghcbCrosstest);
  const vectors = inputs.testFiles.map(vectorFacts).filter((f): f is VectorFacts => f !== null);
  for (const item of items) {
    const by: string[] = [];
    const field = fieldOf(item);
    if (inputs.linuxCrosscheck && item.linux !== null) {
      const structLinux = field === null ? 'n/a' : (model.structs.get(field[0])?.linux ?? null);
      if (structLinux !== null) by.push('linux-crosscheck');
    }
    if (probe !== null) {
      const hit = field !== null ? probe.fields.has(item.identifiers[0]!) : item.identifiers.some((i) => probe.macros.has(i));
      if (hit) by.push('layout-probe');
    }
    if (codecs !== null) {
      const hit =
        (item.kind === 'ghcb_field' && field !== null && fieldFiles(codecs, field[0], field[1]).length > 0) ||
        (item.kind === 'ghcb_msr_code' && codecs.files(item.name.split('.')[1]!).length > 0);
      if (hit) by.push('ghcb-crosstest');
    }
    const files = new Set<string>();
    if (field !== null) for (const f of fieldFiles(tests, field[0], field[1])) files.add(f);
    else for (const id of item.identifiers) for (const f of tests.files(id)) files.add(f);
    // A bit is also named by its macro stem (SEV_POLICY_NODBG) in test sources,
    // or by its layout and bit names together (a table in a TS test or JSON).
    if (item.identifiers[0]?.endsWith('_MASK')) {
      for (const f of tests.files(item.identifiers[0].slice(0, -5))) files.add(f);
      const [layout, bit] = item.name.split('.') as [string, string | undefined];
      if (bit !== undefined) for (const f of fieldFiles(tests, layout, bit)) files.add(f);
    }
    const fromVectors = vectorsFor(item, vectors);
    for (const f of fromVectors) files.delete(f);
    by.push(...fromVectors.slice(0, MAX_FILES).map((f) => `vectors:${f}`));
    // Cross-check files first, so the listed few show the independent source when there is one.
    const sorted = [...files].sort((a, b) => Number(CROSS_CHECK_FILES.test(b)) - Number(CROSS_CHECK_FILES.test(a)) || (a < b ? -1 : a > b ? 1 : 0));
    const kinds = [...files].map((f) => testKind(`test:${f}`));
    by.push(...sorted.slice(0, MAX_FILES).map((f) => `test:${f}`));
    item.testedBy = by;
    // The probe checks the compiled headers against the model itself, not
    // against an independent source: listed, but it counts for neither column.
    item.crossChecked = by.some((b) => testKind(b) === 'cross') || kinds.includes('cross');
    item.behaviour = by.some((b) => testKind(b) === 'behaviour') || kinds.includes('behaviour');
    item.tests = item.crossChecked || item.behaviour;
  }
}
