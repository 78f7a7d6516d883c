// `xen-sev xlcfg check`: exit 0 when ok, 1 with errors, 2 when the file cannot
// be read or parsed (one line with file:line:col); the exact JSON shape.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';
import { tempDir } from '../helpers/cc.ts';

const dir = tempDir('xlcfg-cli');
const run = (...args: string[]) => execa('node', [join(REPO_ROOT, 'bin/xen-sev'), 'xlcfg', 'check', ...args], { reject: false });
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('xen-sev xlcfg check', () => {
  it('exits 0 on a good file', async () => {
    const f = file('vault.cfg', 'name = "vault"\ntype = "hvm"\nbios = "ovmf"\ncoco = "sev-es"\n');
    const r = await run(f);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`${f}: ok`);
    const j = await run(f, '--json');
    expect(JSON.parse(j.stdout)).toEqual({ ok: true, errors: [] });
  });

  it('exits 1 with errors, as {"ok", "errors": [{"option", "message"}]}', async () => {
    const f = file('bad.cfg', 'type = "hvm"\nbios = "ovmf"\ncoco = "sev-es"\ncoco_policy = 0x1\ncoco_vcek = 1\n');
    const r = await run(f, '--json');
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(false);
    expect(out.errors.map((e: { option: string }) => e.option)).toEqual(['coco_policy', 'coco_vcek']);
    for (const e of out.errors) expect(Object.keys(e).sort()).toEqual(['message', 'option']);
    const text = await run(f);
    expect(text.exitCode).toBe(1);
    expect(text.stdout.split('\n')[0]).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: coco_policy: coco_policy=0x1: `));
  });

  it('exits 2 on an unreadable or unparsable file, in one line', async () => {
    const missing = await run(join(dir, 'nope.cfg'));
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.trim()).toBe(`xen-sev: xlcfg check: cannot read ${join(dir, 'nope.cfg')}: no such file`);
    const f = file('syntax.cfg', 'name = "x"\ncoco = sev\n');
    const bad = await run(f, '--json');
    expect(bad.exitCode).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toEqual([`xen-sev: ${f}:2:8: expected a value, found 'sev' (strings need quotes)`]);
  });
});
