// scripts/xen-source: $XEN_SRC is checked and printed; the cached tree is
// the untouched tarball (nothing of ours inside it).
import { execa } from 'execa';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';
import { tempDir } from '../helpers/cc.ts';
import { xenTree } from './tree.ts';

const script = join(REPO_ROOT, 'scripts/xen-source');
/** Top-level entries of xen-project/xen at 01140da4e8 (Debian's 4.17.5+72-g01140da4e8 orig tarball). */
const UPSTREAM_TOP_LEVEL = [
  '.cirrus.yml', '.gitarchive-info', '.gitattributes', '.github', '.gitignore', '.gitlab-ci.yml', '.hgignore', '.hgsigs', '.hgtags',
  'CHANGELOG.md', 'CODING_STYLE', 'CONTRIBUTING', 'COPYING', 'CREDITS', 'Config.mk', 'INSTALL', 'LICENSES', 'MAINTAINERS', 'Makefile',
  'README', 'SUPPORT.md', 'autogen.sh', 'automation', 'config', 'config.guess', 'config.sub', 'configure', 'configure.ac', 'docs',
  'install.sh', 'm4', 'misc', 'scripts', 'stubdom', 'tools', 'version.sh', 'xen',
];
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
    // The script marks a finished extraction beside the tree, never inside it.
    expect(existsSync(`${t}.complete`), 'the completion marker sits beside the tree').toBe(true);
    // Nothing of ours (no marker, no debian/ packaging) inside: the top level
    // is exactly upstream's at the commit Debian packaged (xen-project/xen
    // 01140da4e8, `git ls-tree --name-only`).
    expect(readdirSync(t).sort()).toEqual([...UPSTREAM_TOP_LEVEL].sort());
  });
});
