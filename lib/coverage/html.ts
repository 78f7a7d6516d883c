// The HTML report: one self-contained page (inline style and script, no
// network), summary bars per spec document and per kind, and a filterable,
// sortable table of every item. The item data is embedded as JSON and the
// table is built from it in the page, so the page and the JSON report agree.
import { renderDiffMarkdown, type CoverageDiff } from './diff.ts';
import { percent } from './report.ts';
import { ITEM_KINDS, KIND_TITLES, type CountRow, type CoverageReport } from './types.ts';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a <script> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function bar(n: number, total: number, cls: string, label: string): string {
  const pct = total === 0 ? 0 : (100 * n) / total;
  return `<div class="bar ${cls}" title="${esc(label)}: ${n} of ${total}"><span style="width:${pct.toFixed(1)}%"></span><em>${esc(label)} ${percent(n, total)}</em></div>`;
}

function summaryRows(rows: readonly CountRow[], withXen: boolean, kind: string): string {
  return rows
    .map(
      (r) =>
        `<tr class="summary-row" data-${kind}="${esc(r.key)}" data-total="${r.total}" data-tests="${r.tests}" data-cross-checked="${r.crossChecked}" data-behaviour="${r.behaviour}" data-generated="${r.generated}" data-linux="${r.linux}"${withXen ? ` data-xen="${r.xen}"` : ''}>` +
        `<th>${esc(r.title)}</th><td class="num">${r.total}</td><td class="bars">` +
        bar(r.generated, r.total, 'gen', 'generated') +
        bar(r.crossChecked, r.total, 'test', 'cross-checked') +
        bar(r.behaviour, r.total, 'test', 'behaviour test') +
        bar(r.linux, r.total, 'linux', 'Linux ref') +
        (withXen ? bar(r.xen ?? 0, r.total, 'xen', 'Xen') : '') +
        '</td></tr>',
    )
    .join('\n');
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}
table{border-collapse:collapse}
.summary th{text-align:left;padding:2px 10px 2px 0;font-weight:normal}
.summary td.num{text-align:right;padding-right:10px}
.bars{display:flex;gap:6px}
.bar{position:relative;width:130px;height:18px;background:#eee;border-radius:3px;overflow:hidden}
.bar span{display:block;height:100%}
.bar em{position:absolute;left:4px;top:0;font-style:normal;font-size:11px;line-height:18px}
.gen span{background:#9ecae1}.test span{background:#a1d99b}.linux span{background:#fdd0a2}.xen span{background:#bcbddc}
#controls{margin:1em 0;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
#items th{cursor:pointer;background:#f3f3f3;position:sticky;top:0;text-align:left;padding:3px 6px;border-bottom:1px solid #ccc;user-select:none}
#items th.sorted-asc::after{content:" \\25B2"}#items th.sorted-desc::after{content:" \\25BC"}
#items td{padding:2px 6px;border-bottom:1px solid #eee;vertical-align:top;font-size:13px}
#items td.name{font-family:monospace}
.yes{color:#2a7a2a}.no{color:#b22}.na{color:#999}
small{color:#666}
pre.diff{background:#f7f7f7;padding:8px;white-space:pre-wrap}
`;

const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('coverage-data').textContent);
  var items = data.items;
  var withXen = data.withXen;
  var tbody = document.querySelector('#items tbody');
  var text = document.getElementById('filter');
  var kind = document.getElementById('kind');
  var gap = document.getElementById('gap');
  var shown = document.getElementById('shown-count');
  var sortKey = 'kind', sortDir = 1;
  function yn(v) { return v === null ? '<span class="na">n/a</span>' : v ? '<span class="yes">yes</span>' : '<span class="no">no</span>'; }
  function escH(s) { return String(s).replace(/[&<>"]/g, function (c) { return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]; }); }
  function cell(i, k) {
    switch (k) {
      case 'generated': return i.generated.length;
      case 'tests': return i.tests ? 1 : 0;
      case 'xen': return i.xen === null ? -1 : i.xen ? 1 : 0;
      case 'linux': return i.linux || '';
      case 'kind': return data.kindOrder.indexOf(i.kind) * 100000 + items.indexOf(i);
      default: return i[k] || '';
    }
  }
  function keep(i) {
    if (kind.value && i.kind !== kind.value) return false;
    switch (gap.value) {
      case 'untested': if (i.tests) return false; break;
      case 'not-generated': if (i.generated.length) return false; break;
      case 'no-linux': if (i.linux !== null) return false; break;
      case 'not-in-xen': if (i.xen !== false) return false; break;
    }
    var q = text.value.trim().toLowerCase();
    if (!q) return true;
    var hay = [i.name, i.id, i.kind, i.section, i.linux || '', i.generated.join(' '), i.identifiers.join(' ')].join(' ').toLowerCase();
    return q.split(/\\s+/).every(function (w) { return hay.indexOf(w) >= 0; });
  }
  function render() {
    var rows = items.filter(keep);
    rows.sort(function (a, b) {
      var x = cell(a, sortKey), y = cell(b, sortKey);
      return (x < y ? -1 : x > y ? 1 : 0) * sortDir;
    });
    var html = rows.map(function (i) {
      var xen = withXen ? '<td class="xen">' + yn(i.xen) + (i.xenMatch && i.xenMatch.length ? ' <small>' + escH(i.xenMatch.map(function (m) { return m.how + ': ' + m.identifier + ' (' + m.file + ')'; }).join('; ')) + '</small>' : '') + '</td>' : '';
      return '<tr data-id="' + escH(i.id) + '"><td class="name">' + escH(i.name) + '</td><td>' + escH(data.kindTitles[i.kind]) +
        '</td><td>' + escH(i.section) + '</td><td>' + escH(i.value || '') + '</td><td class="schema">' + yn(i.schema) + '</td><td class="generated">' +
        (i.generated.length ? escH(i.generated.join(', ')) : yn(false)) + '</td><td class="tests">' + yn(i.tests) + (i.crossChecked ? ' cross-checked' : '') + (i.behaviour ? ' behaviour' : '') +
        (i.testedBy.length ? ' <small>' + escH(i.testedBy.join(', ')) + '</small>' : '') + '</td><td class="linux">' + (i.linux ? escH(i.linux) : yn(null)) + '</td>' + xen + '</tr>';
    });
    tbody.innerHTML = html.join('');
    shown.textContent = String(rows.length);
  }
  document.querySelectorAll('#items th[data-key]').forEach(function (th) {
    th.addEventListener('click', function () {
      var k = th.getAttribute('data-key');
      sortDir = k === sortKey ? -sortDir : 1;
      sortKey = k;
      document.querySelectorAll('#items th').forEach(function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
      th.classList.add(sortDir > 0 ? 'sorted-asc' : 'sorted-desc');
      render();
    });
  });
  [text, kind, gap].forEach(function (el) { el.addEventListener('input', render); el.addEventListener('change', render); });
  render();
})();
`;

export function renderHtml(report: CoverageReport, diff: CoverageDiff | null = null): string {
  const s = report.summary;
  const withXen = s.xenTree !== null;
  const kinds = ITEM_KINDS.filter((k) => report.items.some((i) => i.kind === k));
  const data = { items: report.items, withXen, kindOrder: ITEM_KINDS, kindTitles: KIND_TITLES };
  const heads: [string, string][] = [
    ['name', 'Item'], ['kind', 'Kind'], ['section', 'Spec'], ['value', 'Value'], ['schema', 'Schema'],
    ['generated', 'Generated'], ['tests', 'Tested'], ['linux', 'Linux'], ...(withXen ? ([['xen', 'Xen']] as [string, string][]) : []),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>AMD SEV coverage (xen-sev coverage)</title>
<style>${STYLE}</style>
</head>
<body>
<h1>AMD SEV, SEV-ES and SEV-SNP coverage</h1>
<p><span id="total-count">${s.total}</span> spec items${withXen ? `; Xen tree ${esc(s.xenTree!.path)} (${s.xenTree!.files} files)` : ''}. Made by <code>xen-sev coverage</code>.</p>
<h2>By spec document</h2>
<table class="summary" id="by-spec">${summaryRows(s.bySpec, withXen, 'spec')}</table>
<h2>By kind</h2>
<table class="summary" id="by-kind">${summaryRows(s.byKind, withXen, 'kind')}</table>
${s.omitted.map((o) => `<p>Not covered: ${esc(KIND_TITLES[o.kind])} (${esc(o.why)}).</p>`).join('\n')}
${diff === null ? '' : `<h2>Changes since the earlier report</h2>\n<details id="diff"><summary>${diff.summary.added} added, ${diff.summary.removed} removed, ${diff.summary.changed} status changes</summary><pre class="diff">${esc(renderDiffMarkdown(diff))}</pre></details>`}
<h2>Items</h2>
<div id="controls">
<label>Filter <input id="filter" type="search" placeholder="name, Linux name, file..." size="30"></label>
<label>Kind <select id="kind"><option value="">all</option>${kinds.map((k) => `<option value="${k}">${esc(KIND_TITLES[k])}</option>`).join('')}</select></label>
<label>Show <select id="gap"><option value="">all items</option><option value="untested">not tested</option><option value="not-generated">not generated</option><option value="no-linux">no Linux ref</option>${withXen ? '<option value="not-in-xen">not in the Xen tree</option>' : ''}</select></label>
<span><span id="shown-count">0</span> of ${s.total} shown</span>
</div>
<table id="items">
<thead><tr>${heads.map(([k, t]) => `<th data-key="${k}">${t}</th>`).join('')}</tr></thead>
<tbody></tbody>
</table>
<script type="application/json" id="coverage-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
