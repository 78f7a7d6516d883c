// libvirt <launchSecurity> <-> xl.cfg coco options. The XML inputs follow
// libvirt's documented format (formatdomain "Launch Security": type 'sev' with
// kernelHashes, <cbitpos>, <reducedPhysBits> (noted, not mapped: Xen takes
// them from CPUID or has no fw_cfg), <policy> in hex, <dhCert>,
// <session>, <handle>; type 'sev-snp' with authorKey, vcek and <idBlock>,
// <idAuth>, <hostData>, <guestVisibleWorkarounds>). Outputs for sev/sev-es are
// validated against the installed libvirt RNG schema with virt-xml-validate.
import { execa } from 'execa';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { libvirtToXl, xlToLibvirt } from '../../lib/libvirt/map.ts';
import { parseXml } from '../../lib/libvirt/xml.ts';
import { checkXlConfigText, rulesFor } from '../../lib/xlcfg/check.ts';
import { tempDir } from '../helpers/cc.ts';

const rules = rulesFor(projectModel());
const b64 = (n: number) => Buffer.alloc(n, 0x5a).toString('base64');
const HVM = 'type = "hvm"\nbios = "ovmf"\n';

describe('libvirt to-xl', () => {
  it('maps an SEV launchSecurity', () => {
    const xml = `<domain type='kvm'><name>v</name><launchSecurity type='sev' kernelHashes='yes'>
      <cbitpos>47</cbitpos><reducedPhysBits>1</reducedPhysBits><policy>0x0001</policy></launchSecurity></domain>`;
    const lines = libvirtToXl(xml, 'v.xml', rules).text.split('\n');
    expect(lines.filter((l) => !l.startsWith('#'))).toEqual(['type = "hvm"', 'bios = "ovmf"', 'coco = "sev"', 'coco_policy = 0x1', '']);
    // What Xen decides itself, or cannot do, is said, not dropped silently.
    expect(lines.filter((l) => l.startsWith('#'))).toEqual([
      expect.stringMatching(/^# libvirt <cbitpos> is not mapped: .*CPUID Fn8000_001F EBX\[5:0\]/),
      expect.stringMatching(/^# libvirt <reducedPhysBits> is not mapped: .*CPUID Fn8000_001F EBX\[11:6\]/),
      expect.stringMatching(/^# libvirt kernelHashes= is not mapped: .*fw_cfg/),
    ]);
  });

  it('reads type sev with the ES policy bit as sev-es (libvirt has no separate type)', () => {
    const r = libvirtToXl(`<launchSecurity type='sev'><policy>0x0007</policy></launchSecurity>`, 'v.xml', rules);
    expect(r.kind).toBe('sev-es');
    expect(r.text).toContain('coco_policy = 0x7\n');
    // libvirt's hexuint is hex even without 0x.
    expect(libvirtToXl(`<launchSecurity type='sev'><policy>0005</policy></launchSecurity>`, 'v.xml', rules).kind).toBe('sev-es');
  });

  it('maps an SEV-SNP launchSecurity with its blobs and attributes', () => {
    const xml = `<launchSecurity type='sev-snp' authorKey='yes' vcek='no'>
      <cbitpos>51</cbitpos><reducedPhysBits>1</reducedPhysBits><policy>0x00030000</policy>
      <guestVisibleWorkarounds>${b64(16)}</guestVisibleWorkarounds><idBlock>${b64(96)}</idBlock>
      <idAuth>${b64(4096)}</idAuth><hostData>${b64(32)}</hostData></launchSecurity>`;
    const r = libvirtToXl(xml, 'snp.xml', rules);
    expect(r.text.split('\n').filter((l) => !l.startsWith('#')).slice(0, 4)).toEqual(['type = "hvm"', 'bios = "ovmf"', 'coco = "sev-snp"', 'coco_policy = 0x30000']);
    expect(r.text).toContain(`coco_id_block = "${b64(96)}"\n`);
    expect(r.text).toContain('coco_author_key = 1\ncoco_vcek = 0\n');
    expect(checkXlConfigText(r.text, 'mapped', rules).errors).toEqual([]);
  });

  it('notes <handle>, which has no xl equivalent, and rejects unknown types', () => {
    const r = libvirtToXl(`<launchSecurity type='sev'><policy>0x1</policy><handle>3</handle></launchSecurity>`, 'v.xml', rules);
    expect(r.text.split('\n')[0]).toMatch(/^# libvirt <handle> is not mapped: /);
    expect(() => libvirtToXl(`<launchSecurity type='tdx'/>`, 'v.xml', rules)).toThrow(/type 'tdx' has no Xen equivalent/);
    expect(() => libvirtToXl(`<domain><name>x</name></domain>`, 'v.xml', rules)).toThrow(/no <launchSecurity>/);
    expect(() => libvirtToXl(`<launchSecurity type='sev'><policy>0x1</policy>`, 'v.xml', rules)).toThrow(/^v\.xml:1:\d+: <launchSecurity> is not closed/);
  });
});

describe('libvirt from-xl', () => {
  it('writes type sev for sev-es, with the effective policy', () => {
    expect(xlToLibvirt(`${HVM}coco = "sev-es"\n`, 'vault.cfg', rules)).toBe(`<launchSecurity type='sev'>\n  <policy>0x0005</policy>\n</launchSecurity>\n`);
  });

  it('writes sev-snp in libvirt\'s documented form', () => {
    const xml = xlToLibvirt(`${HVM}coco = "sev-snp"\ncoco_vcek = 0\ncoco_host_data = "${b64(32)}"\n`, 's.cfg', rules);
    const e = parseXml(xml, 's.xml');
    expect(e.attrs).toEqual({ type: 'sev-snp', vcek: 'no' });
    expect(e.children.map((c) => [c.name, c.text])).toEqual([['policy', '0x30000'], ['hostData', b64(32)]]);
  });

  it('refuses configurations that break the rules, or have no coco', () => {
    expect(() => xlToLibvirt(`${HVM}coco = "sev"\ncoco_policy = 0x5\n`, 'b.cfg', rules)).toThrow(/^b\.cfg: coco_policy=0x5: coco="sev" must not set the ES bit/);
    expect(() => xlToLibvirt(HVM, 'n.cfg', rules)).toThrow(/no coco option/);
  });

  it('round-trips through to-xl for valid configurations', () => {
    const arb = fc.record({
      kind: fc.constantFrom('sev', 'sev-es', 'sev-snp'),
      api: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(arb, (c) => {
        const policy = (c.kind === 'sev' ? 0x1 | (c.api << 16) : c.kind === 'sev-es' ? 0x5 | (c.api << 24) : 0x30000 | c.api) >>> 0;
        let cfg = `${HVM}coco = "${c.kind}"\ncoco_policy = 0x${policy.toString(16)}\n`;
        const back = libvirtToXl(xlToLibvirt(cfg, 'c.cfg', rules), 'c.xml', rules).text;
        expect(back).toBe(cfg);
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});

const found = async (cmd: string) => (await execa('sh', ['-c', `command -v ${cmd}`], { reject: false })).exitCode === 0;
const hasValidator = (await found('virt-xml-validate')) && (await found('xmllint'));
if (!hasValidator && process.env.CI === 'true') throw new Error('virt-xml-validate (libvirt-clients) and xmllint (libxml2-utils) are required under CI=true');
if (!hasValidator) console.warn('libvirt-map: virt-xml-validate or xmllint missing: schema validation skipped');

describe.skipIf(!hasValidator)("virt-xml-validate on from-xl's XML (Debian 12's libvirt schema: sev only)", () => {
  const dir = tempDir('libvirt');
  const domain = (ls: string) =>
    `<domain type='kvm'>\n  <name>vault</name>\n  <memory unit='KiB'>2097152</memory>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n${ls.replace(/^/gm, '  ')}</domain>\n`;

  it.each([
    ['sev', `coco = "sev"\ncoco_dh_cert = "${b64(0x824)}"\ncoco_session = "${b64(0x80)}"\n`],
    ['sev-es', 'coco = "sev-es"\ncoco_policy = 0x7\n'],
  ])('%s validates', async (name, cfg) => {
    const f = join(dir, `${name}.xml`);
    writeFileSync(f, domain(xlToLibvirt(`${HVM}${cfg}`, `${name}.cfg`, rules)));
    const r = await execa('virt-xml-validate', [f, 'domain'], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
  });

  it('the validator does reject a broken launchSecurity', async () => {
    const f = join(dir, 'broken.xml');
    writeFileSync(f, domain(`<launchSecurity type='sev'>\n  <cbitpos>47</cbitpos>\n</launchSecurity>\n`));
    const r = await execa('virt-xml-validate', [f, 'domain'], { reject: false, all: true });
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toMatch(/fails to validate|Relax-NG validity error/);
  });
});
