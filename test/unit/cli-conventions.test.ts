// Issue 14, conventions: --json on every reporting command (libvirt, coverage
// besides --format json), od and plain hexdump output with "*" lines, struct
// names in any case with a "did you mean", and `coverage --xen` that checks
// its directory is a Xen tree and shows progress.
import { execa } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { collectItems } from '../../lib/coverage/items.ts';
import { readXenTree } from '../../lib/coverage/xen.ts';
import { UserError } from '../../lib/errors.ts';
import { detectFormat, parsePage } from '../../lib/ghcb/input.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { tempDir } from '../helpers/cc.ts';

const BIN = join(REPO_ROOT, 'bin/xen-sev');
const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false });
const DUMPS = join(REPO_ROOT, 'test/fixtures/dumps');
const page = readFileSync(join(DUMPS, 'page.bin'));
const dir = tempDir('conventions');

describe('od and plain hexdump output (written by the real tools, see test/fixtures/dumps/README.md)', () => {
  it.each(['page.hexdump', 'page.od', 'page.od-x', 'page.od-Ax-tx1z', 'page.od-Ad-tx4', 'page.od-tx8'])('%s reads back to page.bin', (name) => {
    const text = readFileSync(join(DUMPS, name));
    expect(String(text)).toMatch(/^\*$/m); // the repeat lines are what this is about
    expect(detectFormat(text)).toBe('od');
    const r = parsePage(text, 'auto', name);
    expect(Buffer.from(r.bytes).equals(page)).toBe(true);
    expect(Buffer.from(parsePage(text, 'od', name).bytes).equals(page)).toBe(true);
  });

  it('names the line of a broken dump', () => {
    const text = readFileSync(join(DUMPS, 'page.od'), 'latin1').replace('000162', 'zz0162');
    expect(() => parsePage(Buffer.from(text, 'latin1'), 'od', 'bad.od')).toThrow(/^bad\.od: cannot read it as od: line 3: not an od or hexdump line/);
  });

  it('ghcb decode takes od output from the command line', async () => {
    const r = await cli('ghcb', 'decode', join(DUMPS, 'page.od'), '--json');
    expect(r.exitCode, r.stderr).toBe(0);
    // 0x72 is CPUID (APM vol. 2, Appendix C); protocol_version is the u16 at 0xffa.
    expect(JSON.parse(r.stdout)).toMatchObject({ sw_exit_code: '0x72', sw_exit_code_name: 'CPUID', protocol_version: 2 });
  });
});

describe('layout names', () => {
  it('takes any case and suggests near misses', async () => {
    const [upper, typo] = await Promise.all([cli('layout', 'GHCB'), cli('layout', 'ghbc')]);
    expect(upper.exitCode).toBe(0);
    expect(upper.stdout.split('\n')[0]).toMatch(/^struct ghcb \{/);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr.trim()).toBe("xen-sev: layout: no struct named 'ghbc'; did you mean ghcb?");
  });
});

describe('--json', () => {
  it('libvirt to-xl and from-xl', async () => {
    const cfg = join(dir, 'vault.cfg');
    writeFileSync(cfg, 'type = "hvm"\nbios = "ovmf"\ncoco = "sev-es"\n');
    const xml = join(dir, 'vault.xml');
    writeFileSync(xml, "<launchSecurity type='sev'><policy>0x0005</policy></launchSecurity>");
    const [from, to] = await Promise.all([cli('libvirt', 'from-xl', cfg, '--json'), cli('libvirt', 'to-xl', xml, '--json')]);
    expect(from.exitCode).toBe(0);
    expect(JSON.parse(from.stdout)).toEqual({ launchSecurity: "<launchSecurity type='sev'>\n  <policy>0x0005</policy>\n</launchSecurity>\n" });
    expect(to.exitCode).toBe(0);
    expect(JSON.parse(to.stdout)).toEqual({ ok: true, kind: 'sev-es', xl: 'type = "hvm"\nbios = "ovmf"\ncoco = "sev-es"\ncoco_policy = 0x5\n', errors: [] });
  });

  it('generate --check --json', async () => {
    const r = await cli('generate', '--check', '--json');
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ changed: [], missing: [], stale: [] });
    expect(j.files).toBeGreaterThan(10);
  });

  it('coverage --json is --format json; with another --format it is a usage error', async () => {
    const [json, both] = await Promise.all([cli('coverage', '--json'), cli('coverage', '--json', '--format', 'html')]);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout).generator).toBe('xen-sev coverage');
    expect(both.exitCode).toBe(2);
    expect(both.stderr.trim()).toBe('xen-sev: coverage: --json and --format html ask for two formats; give one');
  });
});

describe('coverage --xen', () => {
  const model = projectModel();

  it('refuses a directory that is not a Xen tree, in one line', async () => {
    const notXen = tempDir('not-xen');
    mkdirSync(join(notXen, 'tools'));
    writeFileSync(join(notXen, 'tools', 'a.c'), 'int x;\n');
    expect(() => readXenTree(notXen, [])).toThrow(new UserError(`coverage: --xen ${notXen}: not a Xen source tree (it has no xen/arch/x86/)`));
    const r = await cli('coverage', '--xen', notXen);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([`xen-sev: coverage: --xen ${notXen}: not a Xen source tree (it has no xen/arch/x86/)`]);
  });

  it('reports progress while reading a tree', async () => {
    const tree = tempDir('xen-like');
    mkdirSync(join(tree, 'xen/arch/x86/hvm'), { recursive: true });
    for (let i = 0; i < 1100; i++) writeFileSync(join(tree, 'xen/arch/x86/hvm', `f${i}.c`), `int v${i};\n`);
    const calls: [number, boolean][] = [];
    readXenTree(tree, collectItems(model, null), (n, done) => calls.push([n, done]));
    expect(calls).toEqual([
      [0, false],
      [500, false],
      [1000, false],
      [1100, true],
    ]);
    const r = await cli('coverage', '--xen', tree, '--json');
    expect(r.exitCode).toBe(0);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      `xen-sev: coverage: reading the Xen tree at ${tree}`,
      'xen-sev: coverage: 500 files read...',
      'xen-sev: coverage: 1000 files read...',
      'xen-sev: coverage: 1100 files read',
    ]);
  });
});
