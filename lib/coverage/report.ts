// The whole report: items from the model, the generated/tests/xen columns,
// and the summaries per spec document and per kind. A pure function of its
// inputs; lib/coverage/inputs.ts reads those from the repository.
import type { EModel } from '../../generators/elaborate/model.ts';
import { citation } from '../../generators/emit/common.ts';
import { DOCS } from '../../schema/spec.ts';
import { collectItems, type XlOptionSource } from './items.ts';
import { markTests, type TestInputs } from './tests.ts';
import { TokenIndex, fieldFiles, type TextFile } from './token-index.ts';
import { ITEM_KINDS, KIND_TITLES, type CountRow, type CoverageItem, type CoverageReport, type ItemKind, type SevEsExit } from './types.ts';
import { markXen, type XenTree } from './xen.ts';

export interface CoverageInputs {
  model: EModel;
  /** The xl.cfg surface, or null (then the xlcfg_option kind is left out, with `xlMissing` as the reason). */
  xl: XlOptionSource | null;
  xlMissing?: string;
  /** Generated files (repository-relative paths), as the emitters produce them. */
  generated: TextFile[];
  tests: TestInputs;
  xen: XenTree | null;
  /** The SEV-ES class of each exit code by value (hex, as items carry it), from lib/nae's tables; absent: left null. */
  exitClasses?: ReadonlyMap<string, SevEsExit>;
}

const SPEC_TITLES: Record<string, string> = {
  ...Object.fromEntries(Object.values(DOCS).map((d) => [d.doc, `AMD ${d.doc}: ${d.title}`])),
  'xl.cfg': 'xl.cfg(5): Xen domain configuration',
};

export function specTitle(doc: string): string {
  return SPEC_TITLES[doc] ?? `AMD ${doc}`;
}

function markGenerated(items: CoverageItem[], generated: readonly TextFile[]): void {
  const structs = new Set(items.flatMap((i) => (i.identifiers[0]?.includes('.') ? [i.identifiers[0].split('.')[0]!] : [])));
  const index = new TokenIndex(generated, structs);
  for (const item of items) {
    const files = new Set<string>();
    for (const id of item.identifiers) {
      if (id.includes('.')) {
        const [s, f] = id.split('.') as [string, string];
        for (const p of fieldFiles(index, s, f)) files.add(p);
      } else for (const p of index.files(id)) files.add(p);
    }
    item.generated = [...files].sort();
  }
}

function count(key: string, title: string, items: readonly CoverageItem[], withXen: boolean): CountRow {
  return {
    key,
    title,
    total: items.length,
    schema: items.filter((i) => i.schema).length,
    generated: items.filter((i) => i.generated.length > 0).length,
    tests: items.filter((i) => i.tests).length,
    crossChecked: items.filter((i) => i.crossChecked).length,
    behaviour: items.filter((i) => i.behaviour).length,
    linux: items.filter((i) => i.linux !== null).length,
    xen: withXen ? items.filter((i) => i.xen === true).length : null,
  };
}

export function buildReport(inputs: CoverageInputs): CoverageReport {
  const items = collectItems(inputs.model, inputs.xl);
  markGenerated(items, inputs.generated);
  markTests(items, inputs.model, inputs.tests);
  markXen(items, inputs.xen);
  if (inputs.exitClasses) {
    for (const i of items) if (i.kind === 'exit_code' && i.value !== null) i.sevEs = inputs.exitClasses.get(i.value) ?? null;
  }
  const kindOrder = new Map(ITEM_KINDS.map((k, i) => [k, i]));
  items.sort((a, b) => kindOrder.get(a.kind)! - kindOrder.get(b.kind)! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const withXen = inputs.xen !== null;
  const docs = [...new Set(items.map((i) => i.spec))].sort();
  const bySpec = docs.map((d) => count(d, specTitle(d), items.filter((i) => i.spec === d), withXen));
  const byKind = ITEM_KINDS.filter((k) => items.some((i) => i.kind === k)).map((k) =>
    count(k, KIND_TITLES[k], items.filter((i) => i.kind === k), withXen),
  );
  const omitted: { kind: ItemKind; why: string }[] = [];
  if (inputs.xl === null) omitted.push({ kind: 'xlcfg_option', why: inputs.xlMissing ?? 'schema/coco-config.ts is not available' });
  return {
    generator: 'xen-sev coverage',
    items,
    summary: {
      total: items.length,
      bySpec,
      byKind,
      omitted,
      xenTree: inputs.xen === null ? null : { path: inputs.xen.path, files: inputs.xen.index.fileCount },
      specGaps: inputs.model.modules.flatMap((m) =>
        m.gaps.map((g) => ({ module: m.name, item: g.item, absentFrom: citation(g.absentFrom), usedBy: g.usedBy, note: g.note })),
      ),
    },
  };
}

export function percent(n: number, total: number): string {
  return total === 0 ? '-' : `${Math.round((100 * n) / total)}%`;
}
