// view_read_vs_c: GhcbView field reads per second against the generated C
// accessors (gcc -O2) on the same pages with the same access pattern.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { GHCB_SIZE, GhcbView } from '../generated/ts/ghcb-codec.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { Rng } from '../test/harness/rng.ts';
import { keep, rate } from './measure.ts';

export const PAGES = 1024;

export function benchPages(count = PAGES): Uint8Array {
  const all = new Uint8Array(count * GHCB_SIZE);
  new Rng(42).fill(all);
  return all;
}

export interface ViewReadResult {
  tsReadsPerS: number;
  tsBigintReadsPerS: number;
  cReadsPerS: number;
}

/** `pages` pages cycled over: 1024 (4 MiB, the goal's "many pages") or a handful that stay in L1. */
export async function viewRead(pages = PAGES): Promise<ViewReadResult> {
  const all = benchPages(pages);
  const views = Array.from({ length: pages }, (_, i) => new GhcbView(all.subarray(i * GHCB_SIZE, (i + 1) * GHCB_SIZE)));
  // As in the C program: several passes per clock read.
  const rounds = Math.max(1, Math.floor(4096 / pages));
  // The hot path: 32-bit halves, no bigint allocated.
  const ts = rate(() => {
    let acc = 0;
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < pages; i++) {
        const v = views[i]!;
        acc = (acc + v.raxLo + v.raxHi + v.rcxLo + v.rcxHi + v.swExitCodeLo + v.swExitCodeHi + (v.raxIsValid() ? 1 : 0)) | 0;
      }
    }
    keep(acc);
    return 4 * pages * rounds;
  });
  const big = rate(() => {
    let acc = 0n;
    for (let i = 0; i < pages; i++) {
      const v = views[i]!;
      acc += v.rax + v.rcx + v.swExitCode + (v.raxIsValid() ? 1n : 0n);
    }
    keep(acc);
    return 4 * pages;
  });
  const dir = mkdtempSync(join(tmpdir(), 'xen-sev-bench-'));
  writeFileSync(join(dir, 'pages.bin'), all);
  const exe = join(dir, 'view-read');
  await execa('gcc', ['-std=c11', '-O2', '-Wall', '-Wextra', '-Werror', `-I${join(REPO_ROOT, 'generated/c')}`, join(REPO_ROOT, 'bench/view-read.c'), '-o', exe]);
  let c = 0;
  for (let r = 0; r < 3; r++) c = Math.max(c, Number((await execa(exe, [join(dir, 'pages.bin'), '0.3'])).stdout.split(' ')[0]));
  return { tsReadsPerS: ts, tsBigintReadsPerS: big, cReadsPerS: c };
}
