// Issue 14, bounded input: every file or stdin the CLI reads has a cap, so an
// endless or huge input (/dev/zero) fails at once with one line and exit 2
// instead of growing to gigabytes; parsers refuse deep nesting in one line
// instead of overflowing the stack ("internal error", exit 70).
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../lib/errors.ts';
import { CAPS, readBoundedSync } from '../../lib/io.ts';
import { parseXml } from '../../lib/libvirt/xml.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { parseXlConfig } from '../../lib/xlcfg/parse.ts';
import { tempDir } from '../helpers/cc.ts';

const BIN = join(REPO_ROOT, 'bin/xen-sev');
const dir = tempDir('bounds');
const cli = (args: string[], stdin?: string) =>
  execa('node', [BIN, ...args], { reject: false, timeout: 30_000, maxBuffer: 1 << 20, ...(stdin !== undefined ? { stdin: { file: stdin } } : {}) });

function expectOneLine(r: { exitCode?: number; stderr: unknown; stdout: unknown; timedOut?: boolean }, pattern: RegExp): void {
  expect(r.timedOut).toBe(false);
  expect(r.exitCode).toBe(2);
  const lines = String(r.stderr).trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0]!.length).toBeLessThan(300);
}

describe('reads are bounded', () => {
  it('stops reading /dev/zero at the cap, at once', () => {
    const t0 = performance.now();
    expect(() => readBoundedSync('/dev/zero', CAPS.xlcfg, (why) => new UserError(why))).toThrow('larger than 1 MiB');
    expect(performance.now() - t0).toBeLessThan(1000);
    // A file exactly at the cap is still read.
    const f = join(dir, 'cap.bin');
    writeFileSync(f, Buffer.alloc(4096, 7));
    expect(readBoundedSync(f, 4096, (why) => new UserError(why))).toEqual(Buffer.alloc(4096, 7));
    expect(() => readBoundedSync(f, 4095, (why) => new UserError(why))).toThrow('larger than 4095 bytes');
  });

  it.each([
    [['ghcb', 'decode', '/dev/zero'], /^xen-sev: \/dev\/zero: cannot read: larger than 64 KiB; a GHCB page is 4096 bytes/],
    [['xlcfg', 'check', '/dev/zero'], /^xen-sev: xlcfg check: cannot read \/dev\/zero: larger than 1 MiB$/],
    [['libvirt', 'to-xl', '/dev/zero'], /^xen-sev: libvirt to-xl: cannot read \/dev\/zero: larger than 4 MiB$/],
    [['libvirt', 'from-xl', '/dev/zero'], /^xen-sev: libvirt from-xl: cannot read \/dev\/zero: larger than 1 MiB$/],
    [['coverage', '--diff', '/dev/zero'], /^xen-sev: coverage: --diff \/dev\/zero: cannot read: larger than 64 MiB$/],
  ])('xen-sev %j: one line, exit 2', async (args, pattern) => {
    expectOneLine(await cli(args), pattern);
  });

  it('ghcb validate - </dev/zero and ghcb encode - </dev/zero: one line, exit 2', async () => {
    expectOneLine(await cli(['ghcb', 'validate', '-'], '/dev/zero'), /^xen-sev: stdin: cannot read: larger than 64 KiB/);
    expectOneLine(await cli(['ghcb', 'encode', '-'], '/dev/zero'), /^xen-sev: stdin: cannot read: larger than 1 MiB/);
  });

  it('a directory is "is a directory", exit 2', async () => {
    expectOneLine(await cli(['ghcb', 'decode', dir]), /: cannot read: is a directory$/);
    expectOneLine(await cli(['xlcfg', 'check', dir]), /: cannot read .*: is a directory$/);
  });
});

describe('parsers refuse deep nesting in one line', () => {
  it('xl.cfg lists', () => {
    expect(() => parseXlConfig(`x=${'['.repeat(100_000)}`, 'deep.cfg')).toThrow(/^deep\.cfg:1:\d+: lists nested more than 32 deep$/);
    // vnuma-style nesting (a list of lists) is fine.
    expect(parseXlConfig('vnuma = [ [ "pnode=0", "size=512" ], [ "pnode=1" ] ]\n', 'ok.cfg').settings.get('vnuma')!.value.kind).toBe('list');
  });

  it('libvirt XML elements', () => {
    expect(() => parseXml('<a>'.repeat(100_000), 'deep.xml')).toThrow(/^deep\.xml:1:\d+: elements nested more than 64 deep$/);
  });

  it('through the CLI: exit 2, not "internal error"', async () => {
    const cfg = join(dir, 'deep.cfg');
    writeFileSync(cfg, `x=${'['.repeat(200_000)}\n`);
    expectOneLine(await cli(['xlcfg', 'check', cfg]), /deep\.cfg:1:\d+: lists nested more than 32 deep$/);
    const xml = join(dir, 'deep.xml');
    writeFileSync(xml, '<domain>'.repeat(200_000));
    expectOneLine(await cli(['libvirt', 'to-xl', xml]), /deep\.xml:1:\d+: elements nested more than 64 deep$/);
  });
});
