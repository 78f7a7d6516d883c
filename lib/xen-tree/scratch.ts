// A private git checkout of the user's Xen tree to build the series in: a
// shared clone of a git checkout, or a one-commit import (scripts/xen-import)
// of a plain tree. The user's directory is only ever read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../paths.ts';
import type { XenTree } from './detect.ts';
import { git } from './git.ts';

export interface Scratch {
  dir: string;
  base: string;
}

export async function withScratchTree<T>(tree: XenTree, fn: (s: Scratch) => Promise<T>): Promise<T> {
  const parent = mkdtempSync(join(tmpdir(), 'xen-sev-patches-'));
  const dir = join(parent, 'xen');
  try {
    let base: string;
    if (tree.head !== null) {
      await git(parent, ['clone', '--quiet', '--shared', '--no-checkout', tree.root, dir]);
      await git(dir, ['checkout', '--quiet', '--detach', tree.head]);
      base = tree.head;
    } else {
      const r = await execa(join(REPO_ROOT, 'scripts', 'xen-import'), [tree.root, dir], { reject: false });
      if (r.exitCode !== 0) throw new Error(`scripts/xen-import ${tree.root} failed: ${String(r.stderr).trim()}`);
      base = String(r.stdout).trim();
    }
    return await fn({ dir, base });
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}
