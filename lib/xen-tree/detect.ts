// Is this directory a Xen source tree, which version, and is it safe to build
// a series from (a git checkout with no uncommitted changes, or a plain
// extracted tree)?
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { git } from './git.ts';
import { readXenVersion, type XenVersion } from './version.ts';

export interface XenTree {
  root: string;
  version: XenVersion;
  /** HEAD of the checkout, or null for a tree that is not a git checkout. */
  head: string | null;
}

/** Files every Xen tree the series is built for has; their absence means "not Xen". */
const MARKERS = ['xen/Makefile', 'xen/arch/x86/hvm/svm/vmcb.c', 'tools/libs/light/libxl_types.idl'];

export async function detectXenTree(dir: string): Promise<XenTree> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UserError(`--xen ${dir}: no such directory`);
  const missing = MARKERS.filter((m) => !existsSync(join(root, m)));
  if (missing.length > 0) {
    throw new UserError(`${root} is not a Xen source tree: it has no ${missing.join(', ')}`);
  }
  const version = readXenVersion(root);
  const head = await gitHead(root);
  if (head !== null) {
    const dirty = await git(root, ['status', '--porcelain', '--untracked-files=no']);
    if (dirty.trim() !== '') {
      const files = dirty.split('\n').filter(Boolean);
      throw new UserError(
        `${root} has uncommitted changes (${files.length} file(s), first: ${files[0]!.slice(3)}): ` +
          'commit or stash them; the series is built on HEAD and your tree is never modified',
      );
    }
  }
  return { root, version, head };
}

/** HEAD when root is the top of a git checkout; null for a plain tree. */
async function gitHead(root: string): Promise<string | null> {
  if (!existsSync(join(root, '.git'))) return null;
  return git(root, ['rev-parse', '--verify', 'HEAD^{commit}']);
}
