// `xen-sev libvirt to-xl / from-xl` as a user runs them: output, exit codes.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';
import { tempDir } from '../helpers/cc.ts';

const dir = tempDir('libvirt-cli');
const run = (...args: string[]) => execa('node', [join(REPO_ROOT, 'bin/xen-sev'), 'libvirt', ...args], { reject: false });
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('xen-sev libvirt', () => {
  it('from-xl then to-xl gives back the coco options', async () => {
    const cfg = file('vault.cfg', 'name = "vault"\ntype = "hvm"\nbios = "ovmf"\ncoco = "sev-es"\n');
    const xml = await run('from-xl', cfg);
    expect(xml.exitCode).toBe(0);
    expect(xml.stdout).toBe("<launchSecurity type='sev'>\n  <policy>0x0005</policy>\n</launchSecurity>");
    const back = await run('to-xl', file('vault.xml', xml.stdout));
    expect(back.exitCode).toBe(0);
    expect(back.stdout).toBe('type = "hvm"\nbios = "ovmf"\ncoco = "sev-es"\ncoco_policy = 0x5');
  });

  it('to-xl exits 1 with warnings when the mapping breaks the coco rules', async () => {
    const r = await run('to-xl', file('short.xml', "<launchSecurity type='sev-snp'><policy>0x30000</policy><hostData>AAAA</hostData></launchSecurity>"));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('coco_host_data = "AAAA"');
    expect(r.stderr).toMatch(/^xen-sev: warning: coco_host_data: coco_host_data="AAAA": the SNP host data is 32 bytes, this decodes to 3$/m);
  });

  it('exits 2 on bad input', async () => {
    const bad = await run('from-xl', file('bad.cfg', 'type = "pv"\ncoco = "sev"\n'));
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^xen-sev: .*bad\.cfg: coco="sev" needs type="hvm"/);
    const missing = await run('to-xl', join(dir, 'none.xml'));
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.trim()).toBe(`xen-sev: libvirt to-xl: cannot read ${join(dir, 'none.xml')}: no such file`);
  });
});
