// Builds the long-lived C harness (test/c/harness) with gcc through execa.
// Each module contributes C sources, headers written at build time, and a
// table of request kinds; registry.c lists the tables.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../../lib/paths.ts';
import { testTempDir } from '../helpers/tmp.ts';

export interface HarnessModule {
  /** C identifier: the module's table is `harness_<name>_kinds`. */
  name: string;
  /** C sources, relative to the repository root. */
  sources: string[];
  /** Headers written into the build directory first (name -> contents). */
  headers?: Record<string, string>;
  /** Further include directories, relative to the repository root. */
  includes?: string[];
}

export const HARNESS_DIR = join(REPO_ROOT, 'test/c/harness');
export const HARNESS_FLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-pedantic'];

/** Compiles the harness and returns the path of the executable. */
export async function buildHarness(modules: readonly HarnessModule[], opts: { cc?: string; optimize?: string; generatedDir?: string } = {}): Promise<string> {
  const dir = testTempDir('harness');
  for (const m of modules) for (const [name, text] of Object.entries(m.headers ?? {})) writeFileSync(join(dir, name), text);
  const registry = [
    '/* Written by test/harness/build.ts: the kind tables linked into this harness. */',
    '#include <stddef.h>',
    '#include "harness.h"',
    ...modules.map((m) => `extern const struct harness_kind harness_${m.name}_kinds[];`),
    'const struct harness_kind *const harness_modules[] = {',
    ...modules.map((m) => `    harness_${m.name}_kinds,`),
    '    NULL,',
    '};',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'registry.c'), registry);
  const exe = join(dir, 'harness');
  const sources = [join(HARNESS_DIR, 'main.c'), join(dir, 'registry.c'), ...modules.flatMap((m) => m.sources.map((s) => join(REPO_ROOT, s)))];
  const r = await execa(
    opts.cc ?? 'gcc',
    [
      ...HARNESS_FLAGS,
      opts.optimize ?? '-O2',
      `-I${opts.generatedDir ?? join(REPO_ROOT, 'generated/c')}`,
      `-I${HARNESS_DIR}`,
      `-I${dir}`,
      ...modules.flatMap((m) => (m.includes ?? []).map((i) => `-I${join(REPO_ROOT, i)}`)),
      ...sources,
      '-o',
      exe,
    ],
    { reject: false, all: true },
  );
  if (r.exitCode !== 0) throw new Error(`building the C harness failed:\n${r.all}`);
  return exe;
}
