// The coco rules on xl.cfg text. Expected facts come from the specs (as Linux
// KVM and QEMU restate them): SEV policy bit 2 = ES, bits 15:6 reserved (SEV
// API); SNP policy bit 17 must be one, bits 63:26 reserved (SNP ABI, Linux
// SNP_POLICY_MASK_*); ID block 96, ID auth 4096, host data 32 bytes
// (KVM_SEV_SNP_*_SIZE); GOSVW 16 bytes; SEV certificate 0x824 bytes, session
// buffer 0x80 (nonce 16 + wrapped TK 32 + IV 16 + MAC 32 + policy MAC 32).
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { checkXlConfigText, rulesFor } from '../../lib/xlcfg/check.ts';

const rules = rulesFor(projectModel());
const b64 = (n: number) => Buffer.alloc(n, 0xa5).toString('base64');
const HVM = 'type = "hvm"\nbios = "ovmf"\n';

function check(text: string) {
  return checkXlConfigText(text, 't.cfg', rules);
}
function errors(text: string): [string, string][] {
  return check(text).errors.map((e) => [e.option, e.message]);
}

describe('xlcfg check: platform', () => {
  it('accepts the encrypted-qube example', () => {
    expect(check(`name = "vault"\n${HVM}memory = 4096\ncoco = "sev-es"\n`)).toEqual({ ok: true, errors: [] });
  });

  it('accepts a configuration without coco at all', () => {
    expect(check('name = "pv"\nkernel = "/boot/vmlinuz"\n').ok).toBe(true);
  });

  it('rejects PV (the default type) and PVH', () => {
    expect(errors('coco = "sev"\n')).toEqual([['type', expect.stringMatching(/^coco="sev" needs type="hvm", not type="pv": /)]]);
    expect(errors('type = "pvh"\ncoco = "sev-snp"\n')[0]![1]).toMatch(/^coco="sev-snp" needs type="hvm", not type="pvh"/);
  });

  it('rejects SeaBIOS, given or by default, with the reason', () => {
    const given = errors('type = "hvm"\nbios = "seabios"\ncoco = "sev"\n');
    expect(given).toEqual([['bios', expect.stringMatching(/needs bios="ovmf", not bios="seabios": .*16-bit real mode/)]]);
    expect(errors('type = "hvm"\ncoco = "sev"\n')).toEqual(given);
    expect(errors('builder = "hvm"\nbios = "OVMF"\ncoco = "sev"\n')).toEqual([]);
  });
});

describe('xlcfg check: policy', () => {
  it.each([
    ['sev', 0x1n],
    ['sev', 0x0n],
    ['sev', 0x1f0003n], // API version fields 23:16 / 31:24 may hold anything
    ['sev-es', 0x5n],
    ['sev-es', 0x7n],
    ['sev-snp', 0x30000n],
    ['sev-snp', 0x20000n],
    ['sev-snp', 0x31f02n],
    ['sev-snp', 0x3f30000n], // bits 25:18 are all defined
  ])('%s accepts 0x%s', (kind, p) => {
    expect(check(`${HVM}coco = "${kind}"\ncoco_policy = 0x${p.toString(16)}\n`).errors).toEqual([]);
  });

  it.each([
    ['sev', 0x5n, /coco="sev" must not set the ES bit \(bit 2\)/],
    ['sev-es', 0x1n, /coco="sev-es" needs the ES bit \(bit 2\) of the SEV guest policy set/],
    ['sev', 0x41n, /sets bits 0x40, which the SEV guest policy reserves/],
    ['sev-es', 0x8005n, /sets bits 0x8000, which the SEV guest policy reserves/],
    ['sev', 0x100000001n, /does not fit the 32-bit SEV guest policy of coco="sev"/],
    ['sev-snp', 0x10000n, /must set bits 0x20000, which the SNP guest policy requires to be one/],
    ['sev-snp', 0x4030000n, /sets bits 0x4000000, which the SNP guest policy reserves/],
    ['sev-snp', 0x4000000000030000n, /sets bits 0x4000000000000000/],
  ])('%s rejects 0x%s', (kind, p, re) => {
    const e = errors(`${HVM}coco = "${kind}"\ncoco_policy = 0x${p.toString(16)}\n`);
    expect(e).toHaveLength(1);
    expect(e[0]![0]).toBe('coco_policy');
    expect(e[0]![1]).toMatch(new RegExp(`^coco_policy=0x${p.toString(16)}: `));
    expect(e[0]![1]).toMatch(re);
  });

  it('rejects negative and non-numeric policies as xl would', () => {
    expect(errors(`${HVM}coco = "sev"\ncoco_policy = "-1"\n`)).toEqual([['coco_policy', 'coco_policy=-1: must not be negative']]);
    expect(errors(`${HVM}coco = "sev"\ncoco_policy = "one"\n`)).toEqual([['coco_policy', 'invalid value "one" for "coco_policy": not a number']]);
  });
});

describe('xlcfg check: options and blobs', () => {
  const SNP = `${HVM}coco = "sev-snp"\n`;

  it('accepts every SNP blob at its firmware size', () => {
    const cfg = `${SNP}coco_id_block = "${b64(96)}"\ncoco_id_auth = "${b64(4096)}"\ncoco_host_data = "${b64(32)}"\ncoco_guest_visible_workarounds = "${b64(16)}"\ncoco_author_key = 1\ncoco_vcek = 0\n`;
    expect(check(cfg).errors).toEqual([]);
  });

  it('accepts the SEV launch blobs at their sizes', () => {
    expect(check(`${HVM}coco = "sev"\ncoco_dh_cert = "${b64(0x824)}"\ncoco_session = "${b64(0x80)}"\n`).errors).toEqual([]);
  });

  it('checks the decoded size and the alphabet', () => {
    expect(errors(`${SNP}coco_host_data = "${b64(31)}"\n`)).toEqual([
      ['coco_host_data', `coco_host_data="${b64(31).slice(0, 16)}...": the SNP host data is 32 bytes, this decodes to 31`],
    ]);
    expect(errors(`${SNP}coco_host_data = "****"\n`)).toEqual([['coco_host_data', 'coco_host_data="****": not valid base64']]);
    expect(errors(`${SNP}coco_guest_visible_workarounds = ""\n`)).toEqual([
      ['coco_guest_visible_workarounds', 'coco_guest_visible_workarounds="": the SNP guest OS visible workarounds is 16 bytes, this decodes to 0'],
    ]);
  });

  it('needs the ID block and the ID auth together, and the auth for author_key', () => {
    expect(errors(`${SNP}coco_id_block = "${b64(96)}"\n`).map((e) => e[1])).toEqual([expect.stringMatching(/^coco_id_block="[^"]+": needs coco_id_auth too: /)]);
    expect(errors(`${SNP}coco_author_key = 1\n`).map((e) => e[1])).toEqual(['coco_author_key=1: needs coco_id_auth too: the author key is part of the ID authentication structure']);
    expect(errors(`${SNP}coco_author_key = 0\n`)).toEqual([]);
  });

  it('rejects options of another kind', () => {
    expect(errors(`${HVM}coco = "sev-es"\ncoco_vcek = 1\n`)).toEqual([['coco_vcek', 'coco_vcek=1: only applies to coco="sev-snp", not coco="sev-es"']]);
    expect(errors(`${SNP}coco_session = "${b64(0x80)}"\n`)[0]![1]).toMatch(/only applies to coco="sev" or "sev-es", not coco="sev-snp"/);
  });

  it('rejects every coco_* option without coco', () => {
    expect(errors(`${HVM}coco_policy = 0x1\ncoco_vcek = 0\n`)).toEqual([
      ['coco_policy', 'coco_policy=0x1: needs coco="sev", "sev-es" or "sev-snp", but coco is "none"'],
      ['coco_vcek', 'coco_vcek=0: needs coco="sev-snp", but coco is "none"'],
    ]);
    expect(errors(`coco = "none"\ncoco_id_auth = "x"\n`)).toEqual([['coco_id_auth', 'coco_id_auth="x": needs coco="sev-snp", but coco is "none"']]);
  });

  it('checks syntax the way xl_parse does', () => {
    expect(errors(`${HVM}coco = "sev_es"\n`)).toEqual([['coco', 'invalid value "sev_es" for "coco": use "none", "sev", "sev-es" or "sev-snp"']]);
    expect(errors(`${HVM}coco = ["sev"]\n`)).toEqual([['coco', '"coco" must be a single value, not a list']]);
    expect(errors(`${HVM}coco = "sev-snp"\ncoco_vcek = "yes"\n`)).toEqual([['coco_vcek', 'invalid value "yes" for "coco_vcek": not a number']]);
  });

  it('has no options Xen does not act on: the C-bit position and its reduction come from CPUID, kernel hashes need fw_cfg', () => {
    for (const o of ['coco_cbitpos = 51', 'coco_reduced_phys_bits = 1', 'coco_kernel_hashes = 1']) {
      const e = errors(`${HVM}coco = "sev"\n${o}\n`);
      expect(e).toHaveLength(1);
      expect(e[0]![1]).toMatch(/^line 4: unknown option coco_\w+ \(xl would ignore it\)/);
    }
  });
});
