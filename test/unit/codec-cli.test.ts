// `xen-sev ghcb decode|encode` and `xen-sev msr`: input formats, the JSON
// shape of the issue, and one-line errors with exit status 2.
import { execa } from 'execa';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { pageFromFlags, pageFromJson } from '../../lib/ghcb/build.ts';
import { pageJson, pageTable } from '../../lib/ghcb/describe.ts';
import { detectFormat, parsePage } from '../../lib/ghcb/input.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { tempDir } from '../helpers/cc.ts';
import { hexdumpC } from '../harness/hexdump.ts';
import { pageVectors, vectorPage } from '../harness/vectors.ts';

const BIN = join(REPO_ROOT, 'bin/xen-sev');
const model = projectModel();
const vectors = pageVectors();
const vector = (id: string) => vectors.find((v) => v.id === id)!;

/** `xxd` (default -g2) output, written here from its documented format. */
function xxd(bytes: Uint8Array): string {
  const out: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = Array.from(bytes.subarray(at, at + 16));
    const groups: string[] = [];
    for (let i = 0; i < row.length; i += 2) groups.push(row.slice(i, i + 2).map((b) => b.toString(16).padStart(2, '0')).join(''));
    const ascii = row.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    out.push(`${at.toString(16).padStart(8, '0')}: ${groups.join(' ').padEnd(39)}  ${ascii}`);
  }
  return `${out.join('\n')}\n`;
}

/** The JSON a vector's page must decode to, from the vector's expectations (all of its fields are valid). */
function expectedJson(id: string) {
  const v = vector(id);
  const f = v.expect.fields;
  return {
    protocol_version: v.expect.protocol_version,
    ghcb_usage: v.expect.ghcb_usage,
    sw_exit_code: f.sw_exit_code,
    sw_exit_code_name: v.expect.sw_exit_code_name,
    sw_exit_info_1: f.sw_exit_info_1 ?? '0x0',
    sw_exit_info_2: f.sw_exit_info_2 ?? '0x0',
    sw_scratch: f.sw_scratch ?? '0x0',
    valid: f,
    valid_bits: v.expect.valid_bits,
  };
}

describe('page input formats', () => {
  const page = vectorPage(vector('nae-ioio-out'));

  it('reads raw bytes, plain hex, xxd and hexdump -C to the same page', () => {
    const hex = Buffer.from(page).toString('hex').replace(/(.{64})/g, '$1\n');
    for (const [text, format] of [
      [page, 'raw'],
      [Buffer.from(hex), 'hex'],
      [Buffer.from(xxd(page)), 'xxd'],
      [Buffer.from(hexdumpC(page)), 'hexdump'],
    ] as const) {
      expect(detectFormat(text), format).toBe(format);
      const r = parsePage(text, 'auto', 'x');
      expect(r.format).toBe(format);
      expect(Buffer.from(r.bytes).equals(Buffer.from(page)), format).toBe(true);
    }
  });

  it('names the file and the problem when the input is wrong', () => {
    expect(() => parsePage(new Uint8Array(100), 'auto', 'p.bin')).toThrow('p.bin: 100 bytes after reading it as raw (autodetected); a GHCB page is 4096 bytes');
    expect(() => parsePage(Buffer.from('00 zz'), 'hex', 'p.hex')).toThrow('p.hex: cannot read it as hex: character "z" is not a hex digit');
    expect(() => parsePage(Buffer.from('00000000  00 01  |..|\n00000010  02 03  |..|\n'), 'hexdump', 'p.txt')).toThrow(/p\.txt: cannot read it as hexdump: line 2: offset 0x10 leaves a gap after 0x2/);
  });
});

describe('decode output', () => {
  it('has the JSON shape of the issue, with values from the specification', () => {
    for (const id of ['nae-cpuid', 'nae-mmio-read', 'nae-msr-write', 'all-fields']) {
      const got = pageJson(model, vectorPage(vector(id)));
      const want = expectedJson(id);
      expect(Object.fromEntries(Object.keys(want).map((k) => [k, got[k]])), id).toEqual(want);
    }
  });

  it('decodes IOIO exit information, MSR names and stray bits', () => {
    const io = pageJson(model, vectorPage(vector('nae-ioio-out')));
    expect(io.sw_exit_info_1_fields).toMatchObject({ type: '0x0', sz8: '0x1', port: '0x3f8' });
    const msr = pageJson(model, vectorPage(vector('nae-msr-read')));
    expect(msr.sw_exit_code_name).toBe('MSR');
    const stray = pageJson(model, vectorPage(vector('stale-values')));
    expect(stray.stray_valid_bits).toEqual([0]);
    expect(stray.valid).not.toHaveProperty('rbx');
    const table = pageTable(model, vectorPage(vector('nae-ioio-out')));
    expect(table).toMatch(/0x398 +sw_exit_info_1 +yes +0x0000000003f80010 +sz8 port=0x3f8\n/);
    expect(table).not.toMatch(/ rbx /);
    expect(pageTable(model, vectorPage(vector('nae-ioio-out')), true)).toMatch(/0x318 +rbx +no +0x0000000000000000/);
    expect(table).toContain('valid bits (bitmap at 0x3f0): 63, 114, 115, 116');
  });
});

describe('encode input', () => {
  it('rebuilds every vector page from its decode JSON', () => {
    for (const v of vectors.filter((x) => x.expect.ghcb_usage === 0 && !x.expect.shared_buffer && x.id !== 'stale-values')) {
      const page = vectorPage(v);
      const again = pageFromJson(JSON.parse(JSON.stringify(pageJson(model, page))), v.id);
      expect(Buffer.from(again).equals(Buffer.from(page)), v.id).toBe(true);
    }
  });

  it('builds the CPUID request of the issue from flags', () => {
    const page = pageFromFlags(model, { exit: 'cpuid', fields: { rax: '0xd', rcx: '1', xcr0: '7' } });
    expect(Buffer.from(page).equals(Buffer.from(vectorPage(vector('nae-cpuid'))))).toBe(true);
  });

  it('refuses unknown fields, unknown exits and values that do not fit', () => {
    expect(() => pageFromJson({ valid: { rax: 1, rzx: 2 } }, 'in.json')).toThrow(/in\.json: valid: unknown field 'rzx'/);
    expect(() => pageFromJson({ colour: 1 }, 'in.json')).toThrow(/in\.json: unknown key "colour"/);
    expect(() => pageFromJson({ valid: { cpl: '0x100' } }, 'in.json')).toThrow(/cpl: 0x100 does not fit u8/);
    expect(() => pageFromFlags(model, { exit: 'frobnicate', fields: {} })).toThrow(/unknown exit code 'frobnicate'/);
  });
});

describe('the commands', () => {
  it('decode, encode and msr work end to end; bad input exits 2 with one line and writes nothing', async () => {
    const dir = tempDir('ghcb-cli');
    const hd = join(dir, 'cpuid.hexdump');
    writeFileSync(hd, hexdumpC(vectorPage(vector('nae-cpuid'))));
    const out = join(dir, 'out.bin');
    const bad = join(dir, 'bad.bin');
    const run = (args: string[], input?: string) => execa('node', [BIN, ...args], { reject: false, input });
    const [decode, encode, msrDecode, msrEncode, missing, short, unknown] = await Promise.all([
      run(['ghcb', 'decode', hd, '--json']),
      run(['ghcb', 'encode', '--exit', 'cpuid', '--rax', '0xd', '--rcx', '1', '--xcr0', '7', '-o', out]),
      run(['msr', 'decode', '0x8000001f40000004', '--json']),
      run(['msr', 'encode', 'cpuid_req', 'function=0x8000001f', 'reg=1']),
      run(['ghcb', 'decode', join(dir, 'nope.bin')]),
      run(['ghcb', 'decode', '-'], '00'.repeat(100)),
      run(['ghcb', 'encode', '-', '-o', bad], '{"valid":{"rax":"0xd","bogus":"1"}}'),
    ]);
    expect(decode.exitCode, decode.stderr).toBe(0);
    expect(JSON.parse(decode.stdout)).toMatchObject(expectedJson('nae-cpuid'));
    expect(encode.exitCode, encode.stderr).toBe(0);
    const { readFileSync } = await import('node:fs');
    expect(Buffer.from(readFileSync(out)).equals(Buffer.from(vectorPage(vector('nae-cpuid'))))).toBe(true);
    expect(JSON.parse(msrDecode.stdout)).toMatchObject({ code: '0x4', info: 'CPUID_REQ', fields: { reg: '0x1', function: '0x8000001f' } });
    expect(msrEncode.stdout.trim()).toBe('0x8000001f40000004');
    for (const [r, msg] of [
      [missing, /nope\.bin: cannot read: no such file/],
      [short, /stdin: 100 bytes after reading it as hex \(autodetected\); a GHCB page is 4096 bytes/],
      [unknown, /stdin: valid: unknown field 'bogus'/],
    ] as const) {
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(bad)).toBe(false);
  });
});
