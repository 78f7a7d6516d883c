// xen-overlay/: the hand-written Xen side of the series, as real C.
//   files/<tree path>                 new files, in their upstream (staging) form
//   targets/<target>/<patch id>.diff  that patch's edits of existing Xen files,
//                                     and its target's adjustments of new files
// The diffs are made in a Xen tree of the target with `git diff` and applied
// with `git apply`, so a context that no longer matches is an error, never a
// silent misplacement.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { REPO_ROOT } from '../paths.ts';
import type { TargetId } from '../xen-tree/targets.ts';

const OVERLAY = join(REPO_ROOT, 'xen-overlay');

export function overlayFile(path: string): string {
  const file = join(OVERLAY, 'files', path);
  if (!existsSync(file)) throw new UserError(`xen-overlay/files/${path}: missing (the series places it)`);
  return readFileSync(file, 'utf8');
}

export function hunkPath(target: TargetId, id: string): string | null {
  const file = join(OVERLAY, 'targets', target, `${id}.diff`);
  return existsSync(file) ? file : null;
}

/** The tree paths a diff changes (its `+++ b/...` lines). */
export function diffPaths(diff: string): string[] {
  return [...diff.matchAll(/^\+\+\+ b\/(.+)$/gm)].map((m) => m[1]!);
}
