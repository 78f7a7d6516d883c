// Pages filled by Linux's own GHCB accessors: a translation unit compiled
// against the installed kernel headers (arch/x86/include/asm/svm.h,
// DEFINE_GHCB_ACCESSORS) calls ghcb_set_<field>() for each scenario; a
// userspace main writes the pages out. The kernel TU includes no libc header
// and the main includes no kernel header, so the two worlds never mix.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { LinuxHeaders } from '../linux/kbuild.ts';
import { testTempDir } from '../helpers/tmp.ts';

export interface LinuxScenario {
  /** ghcb_set_<field>(ghcb, value) calls, in order. */
  sets: [field: string, value: bigint][];
}

function kernelUnit(scenarios: readonly LinuxScenario[]): string {
  const fns = scenarios.map(
    (s, i) => `void lx_fill_${i}(void *page)\n{\n    struct ghcb *ghcb = page;\n\n${s.sets.map(([f, v]) => `    ghcb_set_${f}(ghcb, 0x${v.toString(16)}ULL);`).join('\n')}\n}\n`,
  );
  return ['#include <linux/kernel.h>', '#include <asm/svm.h>', '', ...fns].join('\n');
}

function userMain(count: number): string {
  const decls = Array.from({ length: count }, (_, i) => `void lx_fill_${i}(void *page);`);
  const calls = Array.from({ length: count }, (_, i) => `    memset(page, 0, sizeof(page));\n    lx_fill_${i}(page);\n    fwrite(page, 1, sizeof(page), stdout);`);
  return [
    '#include <stdio.h>',
    '#include <string.h>',
    ...decls,
    'static unsigned char page[4096] __attribute__((aligned(4096)));',
    'int main(void)',
    '{',
    ...calls,
    '    return 0;',
    '}',
    '',
  ].join('\n');
}

/** Builds and runs the program; returns one 4096-byte page per scenario. */
export async function linuxFilledPages(h: LinuxHeaders, scenarios: readonly LinuxScenario[]): Promise<Uint8Array[]> {
  const dir = testTempDir('linux-ghcb');
  writeFileSync(join(dir, 'fill.c'), kernelUnit(scenarios));
  writeFileSync(join(dir, 'main.c'), userMain(scenarios.length));
  const gccInclude = (await execa('gcc', ['-print-file-name=include'])).stdout.trim();
  const src = h.sourceDir;
  const build = h.buildDir;
  // The include order and forced includes of a Kbuild compile, without Kbuild's code-model flags, so the object links into a normal program.
  const kernelFlags = [
    '-D__KERNEL__',
    '-nostdinc',
    '-isystem',
    gccInclude,
    `-I${src}/arch/x86/include`,
    `-I${build}/arch/x86/include/generated`,
    `-I${src}/include`,
    `-I${build}/include`,
    `-I${src}/arch/x86/include/uapi`,
    `-I${build}/arch/x86/include/generated/uapi`,
    `-I${src}/include/uapi`,
    `-I${build}/include/generated/uapi`,
    '-include',
    `${src}/include/linux/compiler-version.h`,
    '-include',
    `${src}/include/linux/kconfig.h`,
    '-include',
    `${src}/include/linux/compiler_types.h`,
    '-fno-pie',
    '-O2',
    '-w',
  ];
  const k = await execa('gcc', [...kernelFlags, '-c', join(dir, 'fill.c'), '-o', join(dir, 'fill.o')], { reject: false, all: true });
  if (k.exitCode !== 0) throw new Error(`compiling against the Linux headers in ${src} failed:\n${k.all}`);
  const exe = join(dir, 'fill');
  const l = await execa('gcc', ['-O2', '-no-pie', join(dir, 'main.c'), join(dir, 'fill.o'), '-o', exe], { reject: false, all: true });
  if (l.exitCode !== 0) throw new Error(`linking the Linux GHCB filler failed:\n${l.all}`);
  const run = await execa(exe, [], { encoding: 'buffer' });
  const out = run.stdout as Uint8Array;
  if (out.length !== 4096 * scenarios.length) throw new Error(`expected ${scenarios.length} pages, got ${out.length} bytes`);
  return scenarios.map((_, i) => out.slice(4096 * i, 4096 * (i + 1)));
}
