// Issue 14, exact numbers and lossless round trips: every numeric argument is
// read as an exact integer and checked against its field (no float, no wrap),
// and `ghcb decode --json` -> `ghcb encode` gives back every byte of the page.
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GHCB_FIELDS } from '../../generated/ts/ghcb-codec.ts';
import { projectModel } from '../../generators/model.ts';
import { pageFromFlags, pageFromJson } from '../../lib/ghcb/build.ts';
import { pageJson } from '../../lib/ghcb/describe.ts';
import { libvirtToXl } from '../../lib/libvirt/map.ts';
import { rulesFor } from '../../lib/xlcfg/check.ts';
import { exactInteger, maxOfBits, parseUnsigned } from '../../lib/numbers.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { tempDir } from '../helpers/cc.ts';
import { Rng } from '../harness/rng.ts';

const model = projectModel();
const BIN = join(REPO_ROOT, 'bin/xen-sev');
const dir = tempDir('exact');
const roundTrip = (page: Uint8Array) => pageFromJson(JSON.parse(JSON.stringify(pageJson(model, page))), 'page.json');
/** sw_exit_code is the u64 at 0x390 (56421 Table 1), little endian. */
const exitCodeOf = (page: Uint8Array) => Buffer.from(page).readBigUInt64LE(0x390);

describe('numbers are exact and range-checked', () => {
  it.each(['0x10000000000000000', '0x1ffffffffffffffff', '99999999999999999999999', '18446744073709551616', '9'.repeat(5000)])(
    'ghcb encode --exit %s is refused like --sw-exit-code',
    (text) => {
      expect(() => pageFromFlags(model, { exit: text, fields: {} })).toThrow(/--exit: sw_exit_code: .* does not fit u64/);
      expect(() => pageFromFlags(model, { fields: { sw_exit_code: text } })).toThrow(/--sw-exit-code: sw_exit_code: .* does not fit u64/);
    },
  );

  it('the largest u64 and hex or decimal spellings are exact', () => {
    expect(exitCodeOf(pageFromFlags(model, { exit: '0xffffffffffffffff', fields: {} }))).toBe(0xffff_ffff_ffff_ffffn);
    expect(exitCodeOf(pageFromFlags(model, { exit: '18446744073709551615', fields: {} }))).toBe(0xffff_ffff_ffff_ffffn);
    // 0x72 is CPUID (APM vol. 2, Appendix C).
    expect(exitCodeOf(pageFromFlags(model, { exit: '0x72', fields: {} }))).toBe(0x72n);
    expect(exitCodeOf(pageFromFlags(model, { exit: 'cpuid', fields: {} }))).toBe(0x72n);
  });

  it('the one parser refuses what BigInt() would quietly accept', () => {
    for (const t of ['', ' ', '0b101', '0o7', '-1', '1e3', '1.0', '0x', '+5']) expect(exactInteger(t), t).toBeNull();
    expect(exactInteger('0x1_0000')).toBe(0x10000n);
    expect(parseUnsigned('0xffffffff', maxOfBits(32), 'x')).toBe(0xffff_ffffn);
    expect(() => parseUnsigned('0x100000000', maxOfBits(32), '--cpuid')).toThrow("--cpuid: '0x100000000' is too large (at most 0xffffffff)");
    expect(() => parseUnsigned('', maxOfBits(64), '--rax')).toThrow("--rax: '' is not a number");
    const long = parseUnsigned.bind(null, '7'.repeat(5000), maxOfBits(64), '--rax');
    expect(long).toThrow(/^--rax: '7{40}\.\.\.' \(5000 characters\) is too large/);
  });

  it('libvirt <cbitpos> of any length is noted, not mapped (Xen takes it from CPUID), and never written as a float', () => {
    const rules = rulesFor(model);
    const xml = (n: string) => `<launchSecurity type='sev-snp'><policy>0x30000</policy><cbitpos>${n}</cbitpos></launchSecurity>`;
    const text = libvirtToXl(xml('99999999999999999999999'), 'd.xml', rules).text;
    expect(text).toMatch(/^# libvirt <cbitpos> is not mapped: /);
    expect(text).not.toMatch(/cbitpos =|e\+/);
  });

  it('through the CLI: exit 2, one line, nothing written', async () => {
    const out = join(dir, 'big.bin');
    const r = await execa('node', [BIN, 'ghcb', 'encode', '--exit', '0x10000000000000000', '-o', out], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe("xen-sev: ghcb encode: --exit: sw_exit_code: 0x10000000000000000 does not fit u64");
    const n = await execa('node', [BIN, 'nae', 'simulate', 'cpuid', '--rax', ''], { reject: false });
    expect(n.exitCode).toBe(2);
    expect(n.stderr.trim()).toBe("xen-sev: --rax: '' is not a number (give decimal or 0x-prefixed hex)");
  });
});

describe('ghcb decode --json -> ghcb encode is lossless', () => {
  it('for a page with every byte set, one position at a time', () => {
    for (let at = 0; at < 4096; at++) {
      const page = new Uint8Array(4096);
      page[at] = 0xa5;
      const again = roundTrip(page);
      if (!Buffer.from(again).equals(Buffer.from(page))) throw new Error(`byte 0x${at.toString(16)} is lost`);
    }
  });

  it('for random pages (every field, valid or not, reserved areas, shared buffer, stray valid bits)', () => {
    const rng = new Rng(0x14);
    for (let n = 0; n < 200; n++) {
      const page = new Uint8Array(4096);
      for (let i = 0; i < page.length; i++) page[i] = rng.chance(0.5) ? 0 : rng.below(256);
      expect(Buffer.from(roundTrip(page)).equals(Buffer.from(page)), `page ${n}`).toBe(true);
    }
  });

  it('through the CLI, shared buffer and reserved bytes included', async () => {
    const page = new Uint8Array(4096);
    const shared = GHCB_FIELDS.find((f) => f.name === 'shared_buffer')!;
    page.set([1, 2, 3, 0, 5], shared.offset);
    page[shared.offset + shared.size - 1] = 0xee; // the last byte of the shared buffer
    page[0x10] = 0x42; // reserved save-area byte
    page[0xff0] = 0x99; // reserved bytes before protocol_version
    page[0x1f8] = 0x77; // rax, not marked valid
    page[0xffa] = 2;
    const raw = join(dir, 'page.bin');
    writeFileSync(raw, page);
    const json = await execa('node', [BIN, 'ghcb', 'decode', raw, '--json']);
    const out = join(dir, 'again.bin');
    await execa('node', [BIN, 'ghcb', 'encode', '-', '-o', out], { input: json.stdout });
    expect(Buffer.from(readFileSync(out)).equals(Buffer.from(page))).toBe(true);
  });

  it('refuses reserved bytes outside a reserved area and a shared buffer that does not fit', () => {
    expect(() => pageFromJson({ reserved_bytes: { '0x390': '01' } }, 'p.json')).toThrow(/reserved_bytes: '0x390' is not an offset in a reserved area/);
    expect(() => pageFromJson({ reserved_bytes: { '0xff8': '010203' } }, 'p.json')).toThrow(/3 bytes do not fit the 2 bytes there/);
    expect(() => pageFromJson({ shared_buffer: '00'.repeat(2033) }, 'p.json')).toThrow(/2033 bytes do not fit the 2032 bytes there/);
  });
});
