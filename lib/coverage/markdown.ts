// The Markdown report: short enough for a patch series' cover letter, a
// summary per spec document and per kind, then the notable gaps.
import { DOCS, NEWER_REVS } from '../../schema/spec.ts';
import { percent } from './report.ts';
import { KIND_TITLES, type CountRow, type CoverageItem, type CoverageReport, type ItemKind } from './types.ts';

/** The revision most facts were checked against, and any newer one a few facts cite (schema/spec.ts NEWER_REVS). */
const REV: Record<string, string> = Object.fromEntries(
  Object.entries(DOCS).map(([key, d]) => [d.doc, [d.rev, ...((NEWER_REVS as Record<string, readonly string[]>)[key] ?? [])].join(' and ')]),
);
/** Names listed per gap line; the rest is counted. */
const GAP_NAMES = 6;

function table(head: string, rows: readonly CountRow[], withXen: boolean, label: (r: CountRow) => string): string[] {
  const cols = ['Items', 'Schema', 'Generated', 'Cross-checked', 'Behaviour test', 'Linux ref', ...(withXen ? ['Xen'] : [])];
  const out = [`| ${head} | ${cols.join(' | ')} |`, `|---|${cols.map(() => '---:').join('|')}|`];
  for (const r of rows) {
    const cells = [
      String(r.total),
      percent(r.schema, r.total),
      percent(r.generated, r.total),
      percent(r.crossChecked, r.total),
      percent(r.behaviour, r.total),
      percent(r.linux, r.total),
    ];
    if (withXen) cells.push(`${r.xen ?? 0} (${percent(r.xen ?? 0, r.total)})`);
    out.push(`| ${label(r)} | ${cells.join(' | ')} |`);
  }
  return out;
}

function gapLine(what: string, kind: ItemKind, items: readonly CoverageItem[], all: number): string {
  const names = items.slice(0, GAP_NAMES).map((i) => `\`${i.name}\``);
  const more = items.length > GAP_NAMES ? `, and ${items.length - GAP_NAMES} more` : '';
  return `- ${KIND_TITLES[kind]}: ${items.length} of ${all} ${what}: ${names.join(', ')}${more}`;
}

export function gaps(report: CoverageReport): string[] {
  const out: string[] = [];
  const withXen = report.summary.xenTree !== null;
  for (const row of report.summary.byKind) {
    const kind = row.key as ItemKind;
    const of = report.items.filter((i) => i.kind === kind);
    const untested = of.filter((i) => !i.tests);
    if (untested.length > 0) out.push(gapLine('not tested', kind, untested, of.length));
    const unchecked = of.filter((i) => i.tests && !i.crossChecked);
    if (unchecked.length > 0) out.push(gapLine('tested but not cross-checked against an independent source', kind, unchecked, of.length));
    const noGen = of.filter((i) => i.generated.length === 0);
    if (noGen.length > 0) out.push(gapLine('not generated', kind, noGen, of.length));
    if (withXen) {
      const noXen = of.filter((i) => i.xen !== true);
      if (noXen.length > 0 && noXen.length < of.length) out.push(gapLine('not referenced by the Xen tree', kind, noXen, of.length));
      else if (noXen.length === of.length) out.push(`- ${KIND_TITLES[kind]}: none of ${of.length} referenced by the Xen tree`);
    }
  }
  return out;
}

/** The report as Markdown; `banner` lines go first (the committed copy names its generator). */
export function renderMarkdown(report: CoverageReport, banner: readonly string[] = []): string {
  const s = report.summary;
  const withXen = s.xenTree !== null;
  const lines: string[] = [...banner];
  if (banner.length > 0) lines.push('');
  lines.push('# AMD SEV, SEV-ES and SEV-SNP coverage', '');
  lines.push(
    `${s.total} spec items. Schema: described by schema/; Generated: emitted into generated/ (by identifier); ` +
      'Cross-checked: compared with an independent source (the Linux headers, or a table from an AMD document or another implementation under test/spec/); ' +
      'Behaviour test: exercised by another test, a test vector or the GHCB harness (drift checks, which compare output with the model, count for neither); ' +
      'Linux ref: the schema names the Linux counterpart' +
      (withXen ? `; Xen: referenced by the Xen tree (${s.xenTree!.files} files).` : '.'),
    '',
  );
  lines.push(...table('Spec document', s.bySpec, withXen, (r) => (REV[r.key] ? `AMD ${r.key} rev ${REV[r.key]}` : r.key)));
  lines.push('');
  lines.push(...table('Kind', s.byKind, withXen, (r) => r.title));
  const exits = report.items.filter((i) => i.sevEs !== null);
  if (exits.length > 0) {
    const n = (k: string) => exits.filter((i) => i.sevEs === k).length;
    lines.push(
      '',
      `SVM exit codes from an SEV-ES/SEV-SNP guest (schema/nae.ts): ${n('nae')} are NAE events the guest requests by VMGEXIT, ` +
        `${n('ae')} are automatic exits, ${n('none')} are neither (no GHCB event: the hypervisor must not intercept them for such a guest, or they are not exits).`,
    );
  }
  for (const o of s.omitted) lines.push('', `Not covered: ${KIND_TITLES[o.kind]} (${o.why}).`);
  const g = gaps(report);
  lines.push('', '## Notable gaps', '');
  lines.push(...(g.length > 0 ? g : ['None.']));
  if (s.specGaps.length > 0) {
    lines.push('', '## Used by implementations, not defined by the cited documents', '');
    lines.push('Not in the schema (there is no AMD passage to cite); listed so a reader knows they were looked for.', '');
    for (const x of s.specGaps) lines.push(`- ${x.item}: not in ${x.absentFrom}; used by ${x.usedBy}. ${x.note}`);
  }
  lines.push('');
  return lines.join('\n');
}
