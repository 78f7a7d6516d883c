// generated/c/vmgexit.[ch] are the hypervisor's xen/arch/x86/hvm/svm/
// sev-vmgexit.[ch]. Here they are compiled as Xen compiles them:
// freestanding, with only Xen's headers (stand-ins declaring what Xen offers),
// calling nothing but memcpy/memset and the vmgexit_be_*() backends the
// header declares; against the real Xen 4.17 headers with Xen's own flags;
// with the userspace shim (test/c/xen-shim) under gcc and clang -Wall -Wextra
// -Werror; and read for what a Xen maintainer rejects.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';
import { compilers, tempDir } from '../helpers/cc.ts';
import { xenTree } from '../xen/tree.ts';

const GEN = join(REPO_ROOT, 'generated/c');
const SHIM = join(REPO_ROOT, 'test/c/xen-shim/include');
const header = () => readFileSync(join(GEN, 'vmgexit.h'), 'utf8');
const source = () => readFileSync(join(GEN, 'vmgexit.c'), 'utf8');

/** Xen's C dialect and the warnings its build enables that -Wall/-Wextra do not. */
const XEN_FLAGS = ['-std=gnu99', '-Wall', '-Wextra', '-Werror', '-Wdeclaration-after-statement', '-Wstrict-prototypes', '-Wmissing-prototypes', '-Wredundant-decls'];

/** The few Xen interfaces the validator uses, declared the way Xen does (4.17 and staging). */
function fakeXen(): string {
  const dir = tempDir('fake-xen');
  mkdirSync(join(dir, 'xen'));
  const guard = (name: string, body: string[]) => [`#ifndef FAKE_XEN_${name}_H`, `#define FAKE_XEN_${name}_H`, ...body, '#endif', ''].join('\n');
  writeFileSync(
    join(dir, 'xen/types.h'),
    guard('TYPES', [
      'typedef unsigned char uint8_t; typedef unsigned short uint16_t; typedef unsigned int uint32_t;',
      'typedef unsigned long uint64_t; typedef signed char int8_t; typedef long int64_t; typedef unsigned long size_t;',
      'typedef _Bool bool;', '#define true 1', '#define false 0', '#define NULL ((void *)0)',
    ]),
  );
  writeFileSync(join(dir, 'xen/lib.h'), guard('LIB', ['#include <xen/types.h>', '#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))']));
  writeFileSync(
    join(dir, 'xen/string.h'),
    guard('STRING', ['#include <xen/types.h>', 'void *memcpy(void *d, const void *s, size_t n);', 'void *memset(void *d, int c, size_t n);']),
  );
  return dir;
}

/** The backend functions the header declares. */
function declaredBackends(): string[] {
  return [...header().matchAll(/\b(vmgexit_be_\w+)\(/g)].map((m) => m[1]!);
}

describe('generated/c/vmgexit.c inside the hypervisor', async () => {
  const ccs = await compilers();
  it.each(ccs)('%s: compiles freestanding with Xen headers only and calls nothing but memcpy/memset and its backends', async (cc) => {
    const fake = fakeXen();
    const obj = join(tempDir('vmgexit-xen'), 'vmgexit.o');
    const r = await execa(cc, [...XEN_FLAGS, '-O2', '-ffreestanding', '-nostdinc', `-I${fake}`, `-I${GEN}`, '-c', join(GEN, 'vmgexit.c'), '-o', obj], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    const nm = await execa('nm', ['-u', obj]);
    const undef = nm.stdout.split('\n').map((l) => l.trim().split(/\s+/).pop()!).filter(Boolean);
    const backends = declaredBackends();
    expect(backends.length).toBeGreaterThan(20);
    for (const sym of undef) expect(['memcpy', 'memset', ...backends]).toContain(sym);
    // Every backend the header declares is called: none is dead.
    for (const b of backends) expect(undef, `${b} is declared but never called`).toContain(b);
    const defined = await execa('nm', ['-g', '--defined-only', obj]);
    expect(defined.stdout.split('\n').map((l) => l.trim().split(/\s+/).pop())).toEqual(['vmgexit_handle', 'vmgexit_resume']);
  });
  it.each(ccs)('%s: compiles against the userspace shim with -Wall -Wextra -Werror -pedantic -std=c11', async (cc) => {
    const r = await execa(cc, ['-std=c11', '-Wall', '-Wextra', '-Werror', '-pedantic', '-O2', `-I${SHIM}`, `-I${GEN}`, '-c', join(GEN, 'vmgexit.c'), '-o', join(tempDir('vmgexit'), 'v.o')], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
  });
});

describe('generated/c/vmgexit.[ch] as Xen source', () => {
  const files = [
    ['vmgexit.h', header],
    ['vmgexit.c', source],
  ] as const;
  it.each(files)('%s: SPDX first, no userspace branch, no static asserts, no "do not edit", Xen includes only', (_name, text) => {
    const t = text();
    expect(t.split('\n')[0]).toBe('/* SPDX-License-Identifier: GPL-2.0-only */');
    for (const bad of ['__XEN__', '_Static_assert', '__packed', '<stdint.h>', '<stddef.h>', '<string.h>', '<stdbool.h>']) expect(t).not.toContain(bad);
    expect(t).not.toMatch(/do not edit/i);
    for (const m of t.matchAll(/^#include (.+)$/gm)) expect(m[1]).toMatch(/^(<xen\/(types|lib|string)\.h>|"vmgexit\.h")$/);
  });
  it.each(files)('%s: Xen coding style (4-space indent, no tabs, 80 columns, `if ( x )`)', (_name, text) => {
    const lines = text().split('\n');
    lines.forEach((l, i) => {
      expect(l.length, `line ${i + 1} is longer than 80 columns`).toBeLessThanOrEqual(80);
      expect(l, `line ${i + 1} has a tab`).not.toContain('\t');
      expect(l, `line ${i + 1} has trailing white space`).not.toMatch(/\s$/);
      expect(l, `line ${i + 1}: Xen writes \`if ( x )\``).not.toMatch(/\b(if|while|for|switch) \([^ ]/);
      expect(l, `line ${i + 1}: a brace opens on its own line`).not.toMatch(/\b(if|while|for|switch|else)\b.*\{\s*$/);
    });
  });
  it('the header uses the CODING_STYLE guard of an x86 HVM/SVM header and forward-declares struct vcpu', () => {
    const h = header();
    expect(h).toMatch(/^#ifndef X86_HVM_SVM_SEV_VMGEXIT_H\n#define X86_HVM_SVM_SEV_VMGEXIT_H\n/m);
    expect(h.trimEnd().endsWith('#endif /* X86_HVM_SVM_SEV_VMGEXIT_H */')).toBe(true);
    expect(h).toContain('struct vcpu;\n');
    // No ops table and no test hook: the includer defines the backends.
    expect(h).not.toMatch(/\(\s*\*\s*\w+\s*\)\s*\(/);
    expect(h).not.toMatch(/\brace\b/);
    // Booleans are bool.
    expect(h).toMatch(/bool snp;/);
    expect(h).toMatch(/bool ghcb_registered;/);
  });
});

describe('generated/c/vmgexit.[ch] against the real Xen 4.17 headers', async () => {
  const tree = await xenTree();
  const ccs = await compilers();
  let xen: string | undefined;
  /** A configured copy of the tree's xen/ (defconfig writes include/generated/autoconf.h). */
  async function configured(): Promise<string> {
    if (xen) return xen;
    const root = tempDir('xen-417');
    for (const p of ['xen', 'Config.mk', 'config']) cpSync(join(tree.path!, p), join(root, p), { recursive: true });
    const r = await execa('make', ['-s', '-C', join(root, 'xen'), 'defconfig'], { reject: false, all: true });
    if (r.exitCode !== 0) throw new Error(`make defconfig failed:\n${r.all}`);
    const svm = join(root, 'xen/arch/x86/hvm/svm');
    writeFileSync(join(svm, 'sev-vmgexit.h'), header());
    writeFileSync(join(svm, 'sev-vmgexit.c'), source().replace('#include "vmgexit.h"', '#include "sev-vmgexit.h"'));
    xen = join(root, 'xen');
    return xen;
  }
  it.skipIf(!tree.path).each(ccs)(
    `%s: builds as xen/arch/x86/hvm/svm/sev-vmgexit.c with Xen's flags plus -Wextra${tree.path ? '' : ` (skipped: ${tree.reason})`}`,
    async (cc) => {
      const dir = await configured();
      // Xen's CFLAGS (Config.mk, xen/Makefile); its headers as system headers so -Wextra judges only this file.
      const flags = ['-std=gnu99', '-m64', '-O2', '-fno-builtin', '-fno-common', '-nostdinc', '-fno-strict-aliasing', '-D__XEN__', '-include', 'include/xen/config.h'];
      const incs = ['include', 'arch/x86/include', 'arch/x86/include/generated'].flatMap((d) => ['-isystem', d]);
      const warn = ['-Wall', '-Wextra', '-Werror', '-Wstrict-prototypes', '-Wredundant-decls', '-Wno-pointer-arith', '-Wdeclaration-after-statement', '-Wvla'];
      const r = await execa(cc, [...flags, ...incs, ...warn, '-c', 'arch/x86/hvm/svm/sev-vmgexit.c', '-o', join(tempDir('xen-obj'), 'sev-vmgexit.o')], { cwd: dir, reject: false, all: true });
      expect(r.exitCode, r.all).toBe(0);
    },
    120_000,
  );
});
