// The public ABI of XEN_DOMCTL_sev_launch exactly as patch 8 adds it to
// xen/include/public/domctl.h, for the C tests' shims: the hypervisor,
// libxc and libxl sides are compiled against the patch's own lines, so a
// change to the interface cannot pass unnoticed against a hand-kept copy.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths.ts';

const DOMCTL = 'xen/include/public/domctl.h';

/** The lines patch 8 adds to domctl.h for one target. */
function addedDomctlLines(target: string): string[] {
  const diff = readFileSync(join(REPO_ROOT, 'xen-overlay/targets', target, 'sev-launch.diff'), 'utf8');
  const start = diff.indexOf(`diff --git a/${DOMCTL} b/${DOMCTL}`);
  if (start < 0) throw new Error(`sev-launch.diff (${target}) does not change ${DOMCTL}`);
  const next = diff.indexOf('\ndiff --git ', start + 1);
  const part = diff.slice(start, next < 0 ? undefined : next);
  return part.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++')).map((l) => l.slice(1));
}

/**
 * Writes `sev-launch-abi.h` into dir: the domctl number, the sub-op numbers
 * and struct xen_domctl_sev_launch as the target's patch 8 defines them.
 * Returns the domctl number.
 */
export function writeSevLaunchAbi(dir: string, target = 'staging'): number {
  const lines = addedDomctlLines(target);
  const number = lines.map((l) => /^#define XEN_DOMCTL_sev_launch\s+(\d+)$/.exec(l)).find((m) => m !== null);
  const first = lines.findIndex((l) => l.startsWith('#define XEN_DOMCTL_SEV_LAUNCH_'));
  const open = lines.indexOf('struct xen_domctl_sev_launch {');
  const close = open < 0 ? -1 : lines.indexOf('};', open);
  if (number === undefined || first < 0 || open < first || close < 0) {
    throw new Error(`sev-launch.diff (${target}): ${DOMCTL} lacks the XEN_DOMCTL_sev_launch number, sub-ops or struct`);
  }
  const text = [
    `/* ${DOMCTL} as patch 8 (${target}) adds it; written by test/helpers/sev-launch-abi.ts. */`,
    '#ifndef SEV_LAUNCH_ABI_H',
    '#define SEV_LAUNCH_ABI_H',
    number[0],
    ...lines.slice(first, close + 1),
    '#endif',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'sev-launch-abi.h'), text);
  return Number(number[1]);
}
