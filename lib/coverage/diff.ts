// What changed between two reports (a spec revision, a patch series): items
// added, removed, or whose status changed. Reads an earlier --format json report.
import { UserError } from '../errors.ts';
import { CAPS, errnoWords, readBoundedSync } from '../io.ts';
import type { CoverageItem, CoverageReport } from './types.ts';

/** The columns whose change is a change of status. */
const STATUS = ['schema', 'generated', 'tests', 'linux', 'xen', 'section', 'value'] as const;
type StatusKey = (typeof STATUS)[number];

export interface StatusChange {
  id: string;
  name: string;
  field: StatusKey;
  from: string | boolean | null;
  to: string | boolean | null;
}

export interface CoverageDiff {
  added: { id: string; name: string; kind: string }[];
  removed: { id: string; name: string; kind: string }[];
  changed: StatusChange[];
  summary: { added: number; removed: number; changed: number; tests: { from: number; to: number }; xen: { from: number | null; to: number | null } };
}

function status(i: Pick<CoverageItem, StatusKey>, k: StatusKey): string | boolean | null {
  if (k === 'generated') return Array.isArray(i.generated) ? i.generated.length > 0 : null;
  const v = i[k];
  return v === undefined ? null : (v as string | boolean | null);
}

export function readReport(path: string): CoverageReport {
  let text: string;
  try {
    text = readBoundedSync(path, CAPS.report, (why) => new UserError(`coverage: --diff ${path}: cannot read: ${why}`)).toString('utf8');
  } catch (e) {
    throw e instanceof UserError ? e : new UserError(`coverage: --diff ${path}: cannot read: ${errnoWords(e)}`);
  }
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new UserError(`coverage: --diff ${path}: not JSON: ${(e as Error).message}`);
  }
  const items = (j as { items?: unknown }).items;
  if (!Array.isArray(items)) throw new UserError(`coverage: --diff ${path}: no "items" array; give a report written by \`xen-sev coverage --format json\``);
  items.forEach((it, n) => {
    if (typeof it !== 'object' || it === null || typeof (it as { id?: unknown }).id !== 'string') {
      throw new UserError(`coverage: --diff ${path}: items[${n}] has no string "id"`);
    }
  });
  return j as CoverageReport;
}

export function diffReports(old: CoverageReport, now: CoverageReport): CoverageDiff {
  const before = new Map(old.items.map((i) => [i.id, i]));
  const after = new Map(now.items.map((i) => [i.id, i]));
  const brief = (i: CoverageItem) => ({ id: i.id, name: i.name, kind: i.kind });
  const added = now.items.filter((i) => !before.has(i.id)).map(brief);
  const removed = old.items.filter((i) => !after.has(i.id)).map(brief);
  const changed: StatusChange[] = [];
  for (const i of now.items) {
    const o = before.get(i.id);
    if (o === undefined) continue;
    for (const k of STATUS) {
      const from = status(o, k);
      const to = status(i, k);
      // A report made without --xen says nothing about Xen: no change to report.
      if (k === 'xen' && (from === null || to === null)) continue;
      if (from !== to) changed.push({ id: i.id, name: i.name, field: k, from, to });
    }
  }
  const xenCount = (r: CoverageReport) => (r.items.some((i) => i.xen !== null && i.xen !== undefined) ? r.items.filter((i) => i.xen === true).length : null);
  return {
    added,
    removed,
    changed,
    summary: {
      added: added.length,
      removed: removed.length,
      changed: changed.length,
      tests: { from: old.items.filter((i) => i.tests).length, to: now.items.filter((i) => i.tests).length },
      xen: { from: xenCount(old), to: xenCount(now) },
    },
  };
}

const show = (v: string | boolean | null) => (v === null ? 'none' : v === true ? 'yes' : v === false ? 'no' : `\`${v}\``);

export function renderDiffMarkdown(d: CoverageDiff): string {
  const s = d.summary;
  const lines = ['## Changes since the earlier report', ''];
  lines.push(`${s.added} added, ${s.removed} removed, ${s.changed} status changes. Tested: ${s.tests.from} → ${s.tests.to}.` + (s.xen.from !== null && s.xen.to !== null ? ` Xen: ${s.xen.from} → ${s.xen.to}.` : ''), '');
  if (d.added.length > 0) lines.push('### Added', '', ...d.added.map((a) => `- \`${a.name}\` (${a.kind})`), '');
  if (d.removed.length > 0) lines.push('### Removed', '', ...d.removed.map((a) => `- \`${a.name}\` (${a.kind})`), '');
  if (d.changed.length > 0) lines.push('### Changed', '', ...d.changed.map((c) => `- \`${c.name}\`: ${c.field} ${show(c.from)} → ${show(c.to)}`), '');
  return lines.join('\n');
}
