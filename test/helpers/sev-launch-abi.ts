// The launch interfaces exactly as the series declares them, for the C
// tests' shims: XEN_DOMCTL_sev_launch as patch 8 adds it to the public
// domctl.h, and the xc_sev_launch_*() declarations patch 9 adds to
// xenctrl.h. The hypervisor, libxc and libxl sides are compiled against the
// patches' own lines, so a change to either interface cannot pass unnoticed
// against a hand-kept copy.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths.ts';

const DOMCTL = 'xen/include/public/domctl.h';
const XENCTRL = 'tools/include/xenctrl.h';

/** The lines a patch's hunks (xen-overlay/targets/<target>/<id>.diff) add to one file. */
function addedLines(patchId: string, target: string, file: string): string[] {
  const diff = readFileSync(join(REPO_ROOT, 'xen-overlay/targets', target, `${patchId}.diff`), 'utf8');
  const start = diff.indexOf(`diff --git a/${file} b/${file}`);
  if (start < 0) throw new Error(`${patchId}.diff (${target}) does not change ${file}`);
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
  const lines = addedLines('sev-launch', target, DOMCTL);
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

/**
 * Writes `xc-sev-decls.h` into dir: what patch 9 adds to xenctrl.h (the
 * xc_sev_launch_*() declarations and their comment), for the shims of libxc
 * and libxl.
 */
export function writeXcSevDecls(dir: string, target = 'staging'): void {
  const lines = addedLines('coco-launch', target, XENCTRL);
  if (!lines.some((l) => l.startsWith('int xc_sev_launch_start('))) {
    throw new Error(`coco-launch.diff (${target}): ${XENCTRL} lacks xc_sev_launch_start()`);
  }
  const text = [
    `/* ${XENCTRL} as patch 9 (${target}) adds to it; written by test/helpers/sev-launch-abi.ts. */`,
    '#ifndef XC_SEV_DECLS_H',
    '#define XC_SEV_DECLS_H',
    ...lines,
    '#endif',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'xc-sev-decls.h'), text);
}
