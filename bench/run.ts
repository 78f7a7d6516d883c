// npm run bench [-- --json]: the speed goals of the codec issue, measured side
// by side in one run. A readable table; with --json, a last line of JSON.
import { execa } from 'execa';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/paths.ts';
import { crosstest } from './crosstest.ts';
import { decode } from './decode.ts';
import { startup } from './startup.ts';
import { viewRead } from './view-read.ts';

const json = process.argv.includes('--json');
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(3));

async function generateSeconds(): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < 2; r++) {
    const t0 = performance.now();
    await execa('node', [join(REPO_ROOT, 'bin/xen-sev'), 'generate'], { cwd: REPO_ROOT });
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

// The cross-test first: it is the most sensitive to what the other measurements leave in the heap and the JIT.
const cross = await crosstest();
const view = await viewRead();
const hot = await viewRead(16);
const dec = decode();
const gen = await generateSeconds();
const start = startup();
const ratio = (name: string) => Number((start.commands[name]! / start.node_ms).toFixed(2));

const result = {
  view_read_vs_c: view.tsReadsPerS / view.cReadsPerS,
  decode_vs_binary_parser: dec.oursPerS / dec.binaryParserPerS,
  crosstest_cases_per_s: Math.round(cross.casesPerS),
  generate_s: Number(gen.toFixed(3)),
  view_read_vs_c_l1: hot.tsReadsPerS / hot.cReadsPerS,
  node_startup_ms: Number(start.node_ms.toFixed(1)),
  startup_help_vs_node: ratio('help'),
  startup_explain_vs_node: ratio('explain'),
  startup_msr_decode_vs_node: ratio('msr_decode'),
  startup_ghcb_decode_vs_node: ratio('ghcb_decode'),
};

const rows: [string, string, string, string][] = [
  ['view_read_vs_c', fmt(result.view_read_vs_c), '>= 0.25', `GhcbView ${fmt(view.tsReadsPerS)} reads/s (32-bit halves; bigint getters ${fmt(view.tsBigintReadsPerS)}) vs C ${fmt(view.cReadsPerS)} reads/s`],
  ['view_read_vs_c_l1', fmt(result.view_read_vs_c_l1), '(info)', `the same over 16 pages that stay in L1: GhcbView ${fmt(hot.tsReadsPerS)} vs C ${fmt(hot.cReadsPerS)} reads/s`],
  ['decode_vs_binary_parser', fmt(result.decode_vs_binary_parser), '>= 3', `decodeGhcb ${fmt(dec.oursPerS)}/s vs binary-parser ${fmt(dec.binaryParserPerS)}/s`],
  ['crosstest_cases_per_s', fmt(result.crosstest_cases_per_s), '>= 300000', `${fmt(cross.cases)} cases, ${cross.mismatches} mismatches; ${fmt(cross.cases / cross.tsCpuS)} cases per CPU second of the TypeScript side`],
  ['generate_s', result.generate_s.toFixed(3), '<= 0.5', 'wall time of `node bin/xen-sev generate` (best of 2)'],
  ['node_startup_ms', result.node_startup_ms.toFixed(1), '(info)', '`node -e 0`, median, the baseline of the ratios below'],
  ...(['help', 'explain', 'msr_decode', 'ghcb_decode'] as const).map((n): [string, string, string, string] => [
    `startup_${n}_vs_node`,
    ratio(n).toFixed(2),
    '<= 2',
    `\`xen-sev ${n === 'help' ? '--help' : n.replace('_', ' ')}\` ${start.commands[n]!.toFixed(1)} ms (median, interleaved with \`node -e 0\`)`,
  ]),
];
const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['metric', 'value', 'goal'][i]!.length));
const line = (r: string[]) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ');
console.log(line(['metric', 'value', 'goal', 'measured']));
for (const r of rows) console.log(line(r));
if (cross.mismatches > 0) process.exitCode = 1;
if (json) console.log(JSON.stringify(result));
