// `xen-sev patches` on bad input: a clear error, nothing written. Through the
// CLI (one line, exit 2) for two cases, in-process for the rest. The trees here
// are tiny fakes with just the files that identify a Xen tree, so these run
// everywhere, with or without a real Xen source.
import { execa } from 'execa';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../lib/errors.ts';
import { buildSeries } from '../../lib/patches/build.ts';
import { runCli } from './patches-series.ts';
import { testTempDir } from '../helpers/tmp.ts';

const root = testTempDir('patches-cli');
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeXen(name: string, version: [number, number, string]): string {
  const dir = join(root, name);
  for (const f of ['xen/arch/x86/hvm/svm/vmcb.c', 'tools/libs/light/libxl_types.idl']) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), '');
  }
  writeFileSync(
    join(dir, 'xen/Makefile'),
    `export XEN_VERSION       = ${version[0]}\nexport XEN_SUBVERSION    = ${version[1]}\nexport XEN_EXTRAVERSION ?= ${version[2]}$(XEN_VENDORVERSION)\n`,
  );
  return dir;
}

const newOut = () => join(root, `out-${Math.random().toString(36).slice(2)}`);

async function expectCliRefusal(args: string[], message: RegExp): Promise<void> {
  const out = newOut();
  const r = await runCli(['patches', ...args, '--out', out, '--author', 'A Tester <tester@example.org>']);
  expect(r.exitCode, r.all).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^xen-sev: /);
  expect(r.stderr).toMatch(message);
  expect(existsSync(out)).toBe(false);
}

async function expectRefusal(args: string[], message: RegExp): Promise<void> {
  const opt = (name: string) => args[args.indexOf(name) + 1]!;
  const out = newOut();
  const run = buildSeries({ xen: opt('--xen'), target: opt('--target'), out, author: { name: 'A Tester', email: 'tester@example.org' }, signoff: null });
  await expect(run).rejects.toThrow(UserError);
  await expect(run).rejects.toThrow(message);
  expect(existsSync(out)).toBe(false);
}

describe('xen-sev patches refuses bad input', () => {
  it('a directory that is not a Xen tree', async () => {
    mkdirSync(join(root, 'empty'));
    await expectCliRefusal(['--xen', join(root, 'empty'), '--target', 'xen-4.17'], /is not a Xen source tree: it has no xen\/Makefile/);
  });

  it('a missing directory', async () => {
    await expectRefusal(['--xen', join(root, 'nope'), '--target', 'xen-4.17'], /no such directory/);
  });

  it('an unknown target', async () => {
    await expectRefusal(['--xen', fakeXen('t-unknown', [4, 17, '.5']), '--target', 'xen-4.99'], /unknown target 'xen-4\.99'.*xen-4\.17, staging/);
  });

  it('a tree whose version does not match the target', async () => {
    const dir = fakeXen('t-418', [4, 18, '.0']);
    await expectRefusal(['--xen', dir, '--target', 'xen-4.17'], /is Xen 4\.18\.0 but target xen-4\.17 needs 4\.17\.x/);
    await expectRefusal(['--xen', dir, '--target', 'staging'], /is Xen 4\.18\.0 but target staging needs an -unstable/);
  });

  it('a git checkout with uncommitted changes, which it leaves as it was', async () => {
    const dir = fakeXen('t-dirty', [4, 17, '.5']);
    const git = (...a: string[]) => execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { cwd: dir });
    await git('init', '-q');
    await git('add', '-A');
    await git('commit', '-qm', 'base');
    writeFileSync(join(dir, 'xen/arch/x86/hvm/svm/vmcb.c'), '/* local change */\n');
    await expectRefusal(['--xen', dir, '--target', 'xen-4.17'], /has uncommitted changes \(1 file\(s\), first: xen\/arch\/x86\/hvm\/svm\/vmcb\.c\)/);
    expect((await git('status', '--porcelain')).stdout).toBe(' M xen/arch/x86/hvm/svm/vmcb.c');
  });

  it('a tree of the right version whose files are not what the series patches', async () => {
    await expectRefusal(['--xen', fakeXen('t-hollow', [4, 17, '.5']), '--target', 'xen-4.17'], /xen-overlay\/targets\/xen-4\.17\/msr-protocol\.diff does not apply to this tree/);
  });

  it('a malformed --signoff', async () => {
    const r = await runCli(['patches', '--xen', fakeXen('t-signoff', [4, 17, '.5']), '--target', 'xen-4.17', '--signoff', 'nobody']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--signoff 'nobody': expected "Name <mail@example.org>"/);
  });
});
