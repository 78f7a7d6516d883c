// generated/c/vmgexit.c as the hypervisor will compile it: freestanding,
// with only Xen's headers (stand-ins declaring what Xen offers) and no libc:
// the object may only call memcpy and memset.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';
import { compilers, STRICT_FLAGS, tempDir } from '../helpers/cc.ts';

/** The few Xen interfaces the generated headers use, declared the way Xen does. */
function fakeXen(): string {
  const dir = tempDir('fake-xen');
  mkdirSync(join(dir, 'xen'));
  writeFileSync(
    join(dir, 'xen/types.h'),
    [
      '#ifndef FAKE_XEN_TYPES_H', '#define FAKE_XEN_TYPES_H',
      'typedef unsigned char uint8_t; typedef unsigned short uint16_t; typedef unsigned int uint32_t;',
      'typedef unsigned long uint64_t; typedef signed char int8_t; typedef long int64_t; typedef unsigned long size_t;',
      '#define NULL ((void *)0)', '#endif', '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'xen/lib.h'),
    ['#ifndef FAKE_XEN_LIB_H', '#define FAKE_XEN_LIB_H', '#include <xen/types.h>', '#define BUILD_BUG_ON(c) ((void)sizeof(char[1 - 2 * !!(c)]))', '#define offsetof(t, m) __builtin_offsetof(t, m)', '#endif', ''].join('\n'),
  );
  writeFileSync(
    join(dir, 'xen/string.h'),
    ['#ifndef FAKE_XEN_STRING_H', '#define FAKE_XEN_STRING_H', '#include <xen/types.h>', 'void *memcpy(void *d, const void *s, size_t n);', 'void *memset(void *d, int c, size_t n);', '#endif', ''].join('\n'),
  );
  return dir;
}

describe('generated/c/vmgexit.c inside the hypervisor', async () => {
  const ccs = await compilers();
  it.each(ccs)('%s: compiles freestanding with Xen headers only and calls nothing but memcpy/memset', async (cc) => {
    const fake = fakeXen();
    const obj = join(tempDir('vmgexit-xen'), 'vmgexit.o');
    const r = await execa(cc, [...STRICT_FLAGS, '-O2', '-ffreestanding', '-nostdinc', '-D__XEN__', `-I${fake}`, `-I${join(REPO_ROOT, 'generated/c')}`, '-c', join(REPO_ROOT, 'generated/c/vmgexit.c'), '-o', obj], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    const nm = await execa('nm', ['-u', obj]);
    const undef = nm.stdout.split('\n').map((l) => l.trim().split(/\s+/).pop()!).filter(Boolean);
    for (const sym of undef) expect(['memcpy', 'memset']).toContain(sym);
  });
  it.each(ccs)('%s: compiles standalone with -Wall -Wextra -Werror -pedantic -std=c11', async (cc) => {
    const r = await execa(cc, [...STRICT_FLAGS, '-O2', `-I${join(REPO_ROOT, 'generated/c')}`, '-c', join(REPO_ROOT, 'generated/c/vmgexit.c'), '-o', join(tempDir('vmgexit'), 'v.o')], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
  });
});
