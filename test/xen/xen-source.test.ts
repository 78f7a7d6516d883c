// scripts/xen-source: $XEN_SRC is checked and printed; the cached tree is
// the untouched tarball (nothing of ours inside it).
import { execa } from 'execa';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';
import { tempDir } from '../helpers/cc.ts';
import { xenTree } from './tree.ts';

const script = join(REPO_ROOT, 'scripts/xen-source');
const tree = await xenTree();

describe('scripts/xen-source', () => {
  it('rejects an XEN_SRC that is not a Xen tree', async () => {
    const dir = tempDir('notxen');
    const r = await execa('bash', [script], { env: { XEN_SRC: dir }, reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/is not a Xen source tree/);
  });

  it('prints a tree given in XEN_SRC', async () => {
    const dir = tempDir('fakexen');
    mkdirSync(join(dir, 'xen'));
    mkdirSync(join(dir, 'tools/libs/light'), { recursive: true });
    writeFileSync(join(dir, 'xen/Makefile'), '');
    writeFileSync(join(dir, 'tools/libs/light/libxl_types.idl'), '');
    const r = await execa('bash', [script], { env: { XEN_SRC: dir } });
    expect(r.stdout).toBe(dir);
  });

  it.skipIf(tree.path === null || process.env.XEN_SRC !== undefined)('caches Xen 4.17.5 from the Debian source package', () => {
    const t = tree.path!;
    expect(t).toMatch(/xen-4\.17\.5\+72-g01140da4e8$/);
    expect(existsSync(join(t, 'configure')), 'the upstream tarball keeps configure').toBe(true);
    expect(existsSync(join(t, '.xen-sev-complete'))).toBe(false);
    expect(existsSync(join(t, 'debian'))).toBe(false);
  });
});
