// Issue 14, honest errors: every expected failure (a directory or a missing
// directory as target, permissions, an already-applied series, input the
// parsers refuse) is one line naming the file and the cause, exit 2, with no
// temporary file left behind; messages escape non-printable bytes and cut
// long arguments; exit 70 stays for real bugs.
import { execa } from 'execa';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAll, OWNED_DIRS } from '../../generators/generate.ts';
import { projectModel } from '../../generators/model.ts';
import { writeOutputs } from '../../generators/write.ts';
import { explainBuildFailure } from '../../lib/cli/commands/patches.ts';
import { UserError } from '../../lib/errors.ts';
import { errnoWords, writeAtomically } from '../../lib/io.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { quoteArg, safeMessage } from '../../lib/text.ts';
import { parseXml } from '../../lib/libvirt/xml.ts';
import { parseXlConfig } from '../../lib/xlcfg/parse.ts';
import { tempDir } from '../helpers/cc.ts';

const BIN = join(REPO_ROOT, 'bin/xen-sev');
const cli = (args: string[], input?: string) => execa('node', [BIN, ...args], { reject: false, ...(input !== undefined ? { input } : {}) });
const isRoot = process.getuid?.() === 0;
/** Every file under dir, recursively. */
const listAll = (dir: string) => readdirSync(dir, { recursive: true }).map(String);

function expectOneLine(r: { exitCode?: number; stderr: unknown; stdout: unknown }, pattern: RegExp): void {
  expect(r.exitCode).toBe(2);
  expect(r.stdout).toBe('');
  const lines = String(r.stderr).trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('writes', () => {
  it('ghcb encode -o DIR: "is a directory", exit 2, no temporary file', async () => {
    const dir = tempDir('enc-dir');
    expectOneLine(await cli(['ghcb', 'encode', '--exit', 'cpuid', '-o', dir]), new RegExp(`^xen-sev: ghcb encode: cannot write ${dir}: is a directory$`));
    expect(listAll(dir)).toEqual([]);
    expectOneLine(await cli(['ghcb', 'encode', '--exit', 'cpuid', '-o', join(dir, 'no', 'such', 'p.bin')]), /cannot write .*p\.bin: its directory does not exist$/);
  });

  it('a path through a file: named in words, no temporary file', () => {
    const dir = tempDir('enc-notdir');
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => writeAtomically(join(dir, 'file', 'out.bin'), 'data', 'ghcb encode')).toThrow(new UserError(`ghcb encode: cannot write ${join(dir, 'file', 'out.bin')}: a part of the path is not a directory`));
    expect(listAll(dir)).toEqual(['file']);
  });

  it.skipIf(isRoot)('an unwritable directory: "permission denied", no temporary file', async () => {
    const dir = tempDir('enc-ro');
    chmodSync(dir, 0o555);
    try {
      expectOneLine(await cli(['ghcb', 'encode', '--exit', 'cpuid', '-o', join(dir, 'p.bin')]), /cannot write .*p\.bin: permission denied$/);
      expect(listAll(dir)).toEqual([]);
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it('errno codes read as words, never as raw errno text', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: raw text, open '/x'`), { code });
    expect(errnoWords(err('EACCES'))).toBe('permission denied');
    expect(errnoWords(err('EROFS'))).toBe('read-only file system');
    expect(errnoWords(err('ENOSPC'))).toBe('no space left on the device');
    expect(errnoWords(err('EWHATEVER'))).toBe('system error EWHATEVER');
  });

  it('a failed generate names the file, throws a UserError and leaves no temporary file', () => {
    const root = tempDir('gen-fail');
    const files = generateAll(projectModel());
    // A directory where a generated file goes: its rename fails after the other files are written.
    const victim = files[files.length - 1]!.path;
    mkdirSync(join(root, victim), { recursive: true });
    writeFileSync(join(root, victim, 'keep'), 'x');
    expect(() => writeOutputs(root, files, OWNED_DIRS)).toThrow(UserError);
    expect(() => writeOutputs(root, files, OWNED_DIRS)).toThrow(new RegExp(`^generate: cannot write ${victim.replace(/\./g, '\\.')}: `));
    expect(listAll(root).filter((p) => p.includes('.tmp'))).toEqual([]);
    // A file where generated/ should be a directory.
    const root2 = tempDir('gen-fail2');
    writeFileSync(join(root2, 'generated'), 'not a directory');
    expect(() => writeOutputs(root2, files, OWNED_DIRS)).toThrow(/^generate: cannot write generated\/.*: (already exists|a part of the path is not a directory)$/);
    expect(listAll(root2)).toEqual(['generated']);
  });
});

describe('patches', () => {
  it('a series that is already applied is a one-line user error, other errors stay bugs', () => {
    const e = explainBuildFailure(new Error('patch 01-headers changed nothing'), '/src/xen');
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toBe('patches: /src/xen: patch 01-headers changes nothing in this tree: the series (or this part of it) is already applied; give a tree without it');
    const bug = new TypeError('x is undefined');
    expect(explainBuildFailure(bug, '/src/xen')).toBe(bug);
  });
});

describe('messages', () => {
  it('escape non-printable bytes and cut long arguments', () => {
    expect(safeMessage('a\x1b[31mb\x07c\u2028')).toBe('a\\x1b[31mb\\x07c\\u{2028}');
    expect(quoteArg('9'.repeat(5000))).toBe(`'${'9'.repeat(40)}...' (5000 characters)`);
    expect(safeMessage(`x ${'y'.repeat(1000)} z`)).toBe(`x ${'y'.repeat(200)}... (1000 characters) z`);
  });

  it('through the CLI: one short line, no escape sequences', async () => {
    const [esc, long, opt] = await Promise.all([
      cli(['ghcb', 'decode', '/tmp/no\x1b[2Jsuch']),
      cli(['msr', 'decode', '9'.repeat(5000)]),
      cli(['layout', `--${'z'.repeat(5000)}`]),
    ]);
    expectOneLine(esc, /^xen-sev: \/tmp\/no\\x1b\[2Jsuch: cannot read: no such file$/);
    expectOneLine(long, /^xen-sev: msr decode: '9{40}\.\.\.' \(5000 characters\) is too large/);
    for (const r of [esc, long, opt]) {
      expect(String(r.stderr)).not.toMatch(/\x1b/);
      expect(String(r.stderr).length).toBeLessThan(400);
    }
    expect(opt.exitCode).toBe(2);
  });

  it('an XML character reference past U+10FFFF is a user error, not an internal one', () => {
    expect(() => parseXml("<launchSecurity type='sev'><policy>&#x110000;</policy></launchSecurity>", 'e.xml')).toThrow(new UserError('e.xml:1:55: &#x110000; is not a character'));
    expect(() => parseXml('<a>&#99999999999999999999;</a>', 'e.xml')).toThrow(/e\.xml:1:\d+: &#99999999999\.\.\.; is not a character/);
    expect(parseXml('<a>&#x41;&#66;</a>', 'ok.xml').text).toBe('AB');
  });

  it('xlcfg check cuts a 5000-digit value in its report (--json keeps it whole)', async () => {
    const f = join(tempDir('cut'), 'big.cfg');
    writeFileSync(f, `type = "hvm"\nbios = "ovmf"\ncoco = "sev"\ncoco_policy = 0x${'f'.repeat(5000)}\n`);
    const [text, json] = await Promise.all([cli(['xlcfg', 'check', f]), cli(['xlcfg', 'check', f, '--json'])]);
    expect(text.exitCode).toBe(1);
    expect(text.stdout.length).toBeLessThan(400);
    expect(text.stdout).toContain('... (5004 characters) for "coco_policy": not a number');
    expect(JSON.parse(json.stdout).errors[0].message).toContain('f'.repeat(5000));
  });

  it('coco_policy=-1 says numbers have no sign, not "this looks like Python"', () => {
    expect(() => parseXlConfig('coco_policy = -1\n', 'n.cfg')).toThrow("n.cfg:1:15: lexical error at '-': xl.cfg numbers have no sign (a negative value cannot be written)");
    expect(() => parseXlConfig('x = 1.5\n', 'p.cfg')).toThrow(/looks like Python/);
  });

  it('ghcb validate of a zero page states protocol version 0 both times', async () => {
    const r = await cli(['ghcb', 'validate', '-'], '00'.repeat(4096));
    expect(r.exitCode).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('stdin: sw_exit_code 0x0 request, protocol version 0, SEV-ES guest');
    expect(r.stdout).toContain('protocol_version 0 is outside 1..2');
  });

  it('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe('0.1.0');
  });
});
