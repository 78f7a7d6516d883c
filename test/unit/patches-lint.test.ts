// The maintainer-rules check on small hand-made commits: each rule fires on
// the line that breaks it, and a clean commit passes. The tree is a real git
// repository, because "used" means referenced somewhere in the patched tree.
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding, lintSeriesReport } from '../../lib/patches/lint.ts';
import { tempDir } from '../helpers/cc.ts';

async function commitTree(files: Record<string, string>, message: string): Promise<{ tree: string; mail: string }> {
  const tree = tempDir('lint');
  const git = (...a: string[]) => execa('git', ['-c', 'user.name=A Tester', '-c', 'user.email=t@example.org', ...a], { cwd: tree });
  const gitIn = (input: string, ...a: string[]) => execa('git', ['-c', 'user.name=A Tester', '-c', 'user.email=t@example.org', ...a], { cwd: tree, input });
  await git('init', '-q');
  mkdirSync(join(tree, 'xen'), { recursive: true });
  writeFileSync(join(tree, 'xen/base.c'), BASE_C.replace('CALL', '0'));
  await git('add', '-A');
  await git('commit', '-qm', 'base');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(tree, path, '..'), { recursive: true });
    writeFileSync(join(tree, path), text);
  }
  await git('add', '-A');
  await gitIn(message, 'commit', '-q', '-F', '-');
  const mail = (await git('format-patch', '-1', '--stdout')).stdout;
  return { tree, mail };
}

const CLEAN_H = [
  '/* SPDX-License-Identifier: GPL-2.0-only */',
  '#ifndef X86_FOO_H',
  '#define X86_FOO_H',
  '#define FOO_USED 1',
  'int foo_fn(int x);',
  '#endif /* X86_FOO_H */',
  '',
].join('\n');
const CLEAN_C = ['/* SPDX-License-Identifier: GPL-2.0-only */', '#include "foo.h"', 'int foo_fn(int x)', '{', '    return x + FOO_USED;', '}', ''].join('\n');
/** An existing caller: the clean commit makes it call foo_fn(). */
const BASE_C = ['int base(void);', 'int base(void)', '{', '    return CALL;', '}', ''].join('\n');
const CLEAN = { 'xen/foo.h': CLEAN_H, 'xen/foo.c': CLEAN_C, 'xen/base.c': BASE_C.replace('CALL', 'foo_fn(0)') };

describe('maintainer-rules check', () => {
  it('passes a clean commit and counts what it adds', async () => {
    const { tree, mail } = await commitTree(CLEAN, 'x86: add foo\n\nBecause.\n');
    const r = await lintSeriesReport({ tree, base: 'HEAD~1', patches: [{ name: '0001-foo.patch', text: mail }], signoff: null });
    expect(r.findings.map(formatFinding)).toEqual([]);
    // FOO_USED and foo_fn (declared in foo.h, defined in foo.c).
    expect([r.definitions, r.used]).toEqual([2, 2]);
  });

  it('reports each broken rule as "patch N: file:line: rule: message"', async () => {
    const bad = [
      '#ifndef __FOO_H__',
      '#define __FOO_H__',
      '/* Do not edit: generated */',
      '#ifdef __XEN__',
      '#define FOO_UNUSED\t1',
      '#endif',
      `int foo_long_name_${'x'.repeat(70)}(void); `,
      '#endif',
      '',
    ].join('\n');
    const { tree, mail } = await commitTree({ 'xen/bad.h': bad }, 'x86: bad\n\nBecause.\n\nSigned-off-by: Some Bot <bot@example.org>\n');
    const r = await lintSeriesReport({ tree, base: 'HEAD~1', patches: [{ name: '0001-bad.patch', text: mail }], signoff: null });
    const lines = r.findings.map(formatFinding);
    expect(lines).toContain('patch 1: 0001-bad.patch:0: signed-off-by: "Some Bot <bot@example.org>" was not asked for (only the person certifying the DCO signs off)');
    expect(lines).toContain('patch 1: xen/bad.h:1: spdx: new file without an SPDX-License-Identifier first line');
    expect(lines).toContain("patch 1: xen/bad.h:1: guard: include guard __FOO_H__ is not CODING_STYLE's <AREA>_<NAME>_H");
    expect(lines).toContain('patch 1: xen/bad.h:3: do-not-edit: Xen code is edited by its maintainers');
    expect(lines).toContain('patch 1: xen/bad.h:4: userspace-branch: hypervisor code tests __XEN__');
    expect(lines).toContain('patch 1: xen/bad.h:5: style: tab in C source (CODING_STYLE: spaces)');
    expect(lines).toContain('patch 1: xen/bad.h:5: unused: macro FOO_UNUSED is not used anywhere in the tree with this patch applied');
    expect(lines).toContain('patch 1: xen/bad.h:7: style: trailing whitespace');
    expect(lines.some((l) => l.startsWith('patch 1: xen/bad.h:7: style: line of 96 columns'))).toBe(true);
    expect(lines.some((l) => /xen\/bad\.h:7: unused: function foo_long_name_x+ is not used/.test(l))).toBe(true);
  });

  it('requires the requested Signed-off-by, and accepts it', async () => {
    const { tree, mail } = await commitTree(CLEAN, 'x86: add foo\n\nBecause.\n\nSigned-off-by: A Person <p@example.org>\n');
    const me = { name: 'A Person', email: 'p@example.org' };
    expect((await lintSeriesReport({ tree, base: 'HEAD~1', patches: [{ name: 'p', text: mail }], signoff: me })).findings).toEqual([]);
    const other = { name: 'B Person', email: 'b@example.org' };
    const lines = (await lintSeriesReport({ tree, base: 'HEAD~1', patches: [{ name: 'p', text: mail }], signoff: other })).findings.map(formatFinding);
    expect(lines).toEqual([
      'patch 1: p:0: signed-off-by: "A Person <p@example.org>" was not asked for (only the person certifying the DCO signs off)',
      'patch 1: p:0: signed-off-by: no Signed-off-by: B Person <b@example.org>',
    ]);
  });
});
