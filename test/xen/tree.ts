// The Xen 4.17.5 source for tests: scripts/xen-source (or $XEN_SRC). Without
// one, tests skip with the reason, except under CI=true, where a missing tree
// is a failure: CI must exercise the real-tree checks.
import { execa } from 'execa';
import { REPO_ROOT } from '../../lib/paths.ts';

export interface XenTree {
  path: string | null;
  reason: string;
}

let cached: Promise<XenTree> | undefined;

async function find(): Promise<XenTree> {
  const r = await execa('bash', [`${REPO_ROOT}/scripts/xen-source`], { reject: false, all: true, timeout: 600_000 });
  if (r.exitCode === 0) return { path: r.stdout.trim(), reason: '' };
  const reason = `no Xen source tree (scripts/xen-source failed: ${(r.all ?? '').trim().split('\n').slice(-1)[0]})`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires it`);
  return { path: null, reason };
}

/** The pristine tree (never modify it: copy first). */
export function xenTree(): Promise<XenTree> {
  cached ??= find();
  return cached;
}
