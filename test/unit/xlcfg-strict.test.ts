// Issue 14, stricter checks: what xl silently accepts but a user never means.
// xl ignores unknown keys (so `coco_polcy = 0x1` means the default policy) and
// keeps the last of two assignments; an empty file configures nothing.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { xlToLibvirt } from '../../lib/libvirt/map.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { checkXlConfigText, rulesFor } from '../../lib/xlcfg/check.ts';
import { tempDir } from '../helpers/cc.ts';

const rules = rulesFor(projectModel());
const HEAD = 'type = "hvm"\nbios = "ovmf"\n';
const check = (text: string) => checkXlConfigText(text, 't.cfg', rules);

describe('xlcfg check is strict', () => {
  it('names a misspelled coco option and the option it probably is', () => {
    const r = check(`${HEAD}coco = "sev"\ncoco_polcy = 0x1\n`);
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([{ option: 'coco_polcy', rule: 'xen-sev', message: 'line 4: unknown option coco_polcy (xl would ignore it); did you mean coco_policy?' }]);
    expect(check(`${HEAD}coco = "sev-snp"\ncoco_vcke = 1\n`).errors[0]!.message).toContain('did you mean coco_vcek?');
    expect(check(`${HEAD}cocopolicy = 0x1\n`).errors[0]!.message).toContain('did you mean coco_policy?');
  });

  it('lists the coco options for an unknown one that is no near miss', () => {
    const r = check(`${HEAD}coco = "sev"\ncoco_bogus = 1\n`);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.option).toBe('coco_bogus');
    expect(r.errors[0]!.message).toMatch(/unknown option coco_bogus .*the coco options are coco, coco_policy, /);
  });

  it('refuses a key set twice, naming both lines', () => {
    const r = check(`${HEAD}coco = "sev"\ncoco = "sev-es"\n`);
    expect(r.errors).toEqual([{ option: 'coco', rule: 'xen-sev', message: 'coco is set 2 times (lines 3, 4); xl would silently use the last one' }]);
    // `+=` appends on purpose: not a duplicate.
    expect(check(`${HEAD}coco = "sev-snp"\ncoco_host_data = "AAAA"\ncoco_host_data += "AAAA"\n`).errors.map((e) => e.rule)).not.toContain('xen-sev');
  });

  it('refuses an empty file or one with only comments', () => {
    for (const text of ['', '\n\n', '# nothing here\n']) {
      const r = check(text);
      expect(r.ok).toBe(false);
      expect(r.errors).toEqual([{ option: '-', rule: 'xen-sev', message: 'the file sets nothing (empty, or only comments): not a domain configuration' }]);
    }
  });

  it('libvirt from-xl refuses the same files instead of taking the last coco', () => {
    expect(() => xlToLibvirt(`${HEAD}coco = "sev"\ncoco = "sev-es"\n`, 't.cfg', rules)).toThrow(/^t\.cfg: coco is set 2 times/);
    expect(() => xlToLibvirt(`${HEAD}coco = "sev"\ncoco_polcy = 0x1\n`, 't.cfg', rules)).toThrow(/did you mean coco_policy\?/);
    expect(() => xlToLibvirt('', 't.cfg', rules)).toThrow(/the file sets nothing/);
  });

  it('through the CLI: exit 1 from xlcfg check, exit 2 from libvirt from-xl', async () => {
    const dir = tempDir('strict');
    const f = join(dir, 'typo.cfg');
    writeFileSync(f, `${HEAD}coco = "sev"\ncoco_polcy = 0x1\ncoco = "sev"\n`);
    const bin = join(REPO_ROOT, 'bin/xen-sev');
    const r = await execa('node', [bin, 'xlcfg', 'check', f], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      `${f}: coco_polcy: line 4: unknown option coco_polcy (xl would ignore it); did you mean coco_policy?`,
      `${f}: coco: coco is set 2 times (lines 3, 5); xl would silently use the last one`,
    ]);
    const l = await execa('node', [bin, 'libvirt', 'from-xl', f], { reject: false });
    expect(l.exitCode).toBe(2);
    expect(l.stdout).toBe('');
    expect(l.stderr.trim().split('\n')).toHaveLength(1);
  });
});
