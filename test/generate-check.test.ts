// `generate --check` on the committed tree, and on a copy whose schema was edited.
import { execa } from 'execa';
import { cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/paths.ts';
import { tempDir } from './helpers/cc.ts';

const CLI = (root: string) => join(root, 'bin/xen-sev');

function copyRepo(): string {
  const dir = tempDir('repo');
  // scripts/build-cli.mjs: the launcher compiles the copy's own sources on first use.
  for (const p of ['bin', 'lib', 'schema', 'generators', 'generated', 'scripts/build-cli.mjs', 'package.json', 'tsconfig.json']) {
    if (existsSync(join(REPO_ROOT, p))) cpSync(join(REPO_ROOT, p), join(dir, p), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

describe('xen-sev generate --check', () => {
  it('passes on the committed tree', async () => {
    const r = await execa('node', [CLI(REPO_ROOT), 'generate', '--check'], { reject: false, all: true });
    expect(r.all).toMatch(/generated files up to date/);
    expect(r.exitCode).toBe(0);
  });

  it('fails after a schema edit, names the drifted files and writes nothing', async () => {
    const dir = copyRepo();
    const ghcb = join(dir, 'schema/ghcb.ts');
    const before = readFileSync(join(dir, 'generated/c/ghcb.h'), 'utf8');
    // Rename one GHCB field: the header and the JSON layout must drift.
    writeFileSync(ghcb, readFileSync(ghcb, 'utf8').replace("name: 'dr7'", "name: 'dr7_x'"));
    const r = await execa('node', [CLI(dir), 'generate', '--check'], { reject: false, all: true });
    expect(r.exitCode).toBe(1);
    expect(r.all).toContain('changed: generated/c/ghcb.h');
    expect(r.all).toContain('changed: generated/json/layouts.json');
    expect(readFileSync(join(dir, 'generated/c/ghcb.h'), 'utf8')).toBe(before);
  });

  it('reports a stale generated file and a missing one', async () => {
    const dir = copyRepo();
    writeFileSync(join(dir, 'generated/c/leftover.h'), '/* old */\n');
    cpSync(join(dir, 'generated/json/constants.json'), join(dir, 'constants.bak'));
    await execa('rm', [join(dir, 'generated/json/constants.json')]);
    const r = await execa('node', [CLI(dir), 'generate', '--check'], { reject: false, all: true });
    expect(r.exitCode).toBe(1);
    expect(r.all).toContain('stale:   generated/c/leftover.h');
    expect(r.all).toContain('missing: generated/json/constants.json');
    // A real generate repairs both.
    await execa('node', [CLI(dir), 'generate']);
    expect(existsSync(join(dir, 'generated/c/leftover.h'))).toBe(false);
    expect(readFileSync(join(dir, 'generated/json/constants.json'), 'utf8')).toBe(readFileSync(join(dir, 'constants.bak'), 'utf8'));
  });

  it('a broken schema exits 2 with a one-line-per-problem message and writes nothing', async () => {
    const dir = copyRepo();
    const ghcb = join(dir, 'schema/ghcb.ts');
    writeFileSync(ghcb, readFileSync(ghcb, 'utf8').replace(/offset: 0x390/, 'offset: 0x398'));
    const before = readFileSync(join(dir, 'generated/c/ghcb.h'), 'utf8');
    const r = await execa('node', [CLI(dir), 'generate'], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^xen-sev: schema: /);
    expect(r.stderr).toContain('struct ghcb_save_area');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(dir, 'generated/c/ghcb.h'), 'utf8')).toBe(before);
  });
});
