// The Xen 4.17.5 source for tests: scripts/xen-source (or $XEN_SRC). Without
// one, tests skip with the reason, except under CI=true, where a missing tree
// is a failure: CI must exercise the real-tree checks.
import { REPO_ROOT } from '../../lib/paths.ts';
import { runWithProgress } from '../helpers/progress.ts';

export interface XenTree {
  path: string | null;
  reason: string;
}

let cached: Promise<XenTree> | undefined;

async function find(): Promise<XenTree> {
  // A first fetch (apt-get, extraction) takes minutes: its log and apt-get's lines go to stderr as they come.
  const r = await runWithProgress('bash', [`${REPO_ROOT}/scripts/xen-source`], { reject: false, timeout: 600_000 }, { show: (line) => line.trim() !== '' && !line.startsWith('/') });
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
