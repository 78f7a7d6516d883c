// Start-up of the CLI, as ratios against `node -e 0` measured in the same run:
// each command and the baseline run in turn, several rounds, and the median
// of each is kept (the machine is shared; interleaving keeps the comparison fair).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/paths.ts';

const CLI = join(REPO_ROOT, 'bin/xen-sev');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function once(args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync('node', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().trim()}`);
  return ms;
}

export interface Startup {
  node_ms: number;
  /** Median wall time of each command, in ms. */
  commands: Record<string, number>;
}

export function startup(rounds = 9): Startup {
  // A zero page: `ghcb decode` reads and decodes it like a user's file.
  const page = join(mkdtempSync(join(tmpdir(), 'xen-sev-bench-')), 'zero.bin');
  writeFileSync(page, new Uint8Array(4096));
  const commands: Record<string, string[]> = {
    help: [CLI, '--help'],
    explain: [CLI, 'explain', '0x13'],
    msr_decode: [CLI, 'msr', 'decode', '0x1'],
    ghcb_decode: [CLI, 'ghcb', 'decode', page],
  };
  // A first run of each warms the page cache (and rebuilds the CLI if a source changed).
  once(['-e', '0']);
  for (const a of Object.values(commands)) once(a);
  const times: Record<string, number[]> = { node: [] };
  for (let r = 0; r < rounds; r++) {
    times.node!.push(once(['-e', '0']));
    for (const [name, a] of Object.entries(commands)) (times[name] ??= []).push(once(a));
  }
  return { node_ms: median(times.node!), commands: Object.fromEntries(Object.keys(commands).map((n) => [n, median(times[n]!)])) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = startup();
  console.log(`node -e 0: ${s.node_ms.toFixed(1)} ms`);
  for (const [n, ms] of Object.entries(s.commands)) console.log(`${n}: ${ms.toFixed(1)} ms = ${(ms / s.node_ms).toFixed(2)}x`);
}
