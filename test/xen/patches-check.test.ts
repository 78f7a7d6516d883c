// The committed Xen 4.17 series against the real Debian Xen 4.17.5 tree, on
// every run: scripts/xen-check applies each patch and builds every prefix
// (hypervisor with CONFIG_AMD_SEV=y, and once more with the default
// configuration; libxl/xl for tools patches), each new header on its own, the
// Go bindings and the POD. Under CI=true a missing Xen source is a failure
// (test/xen/tree.ts). A staging checkout in $XEN_SRC checks the staging series too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';
import { readXenVersion } from '../../lib/xen-tree/version.ts';
import { runWithProgress } from '../helpers/progress.ts';
import { seriesDir, seriesFiles } from './patches-series.ts';
import { xenTree } from './tree.ts';

const XEN_CHECK_TIMEOUT = 45 * 60_000;

const stagingSrc = process.env.XEN_SRC && readXenVersion(process.env.XEN_SRC).extra.startsWith('-unstable') ? process.env.XEN_SRC : null;
// A staging $XEN_SRC is not a 4.17 tree: find the 4.17 one without it.
if (stagingSrc) delete process.env.XEN_SRC;
const tree = await xenTree();
if (tree.path === null) console.warn(`test/xen/patches-check: skipped: ${tree.reason}`);

/** What a check of this series must have reported, read from the patches themselves. */
function expectedSteps(target: string): string[] {
  const dir = seriesDir(target);
  const patches = seriesFiles(dir)
    .filter((f) => !f.startsWith('0000-'))
    .map((f) => ({ name: f.replace(/\.patch$/, ''), text: readFileSync(join(dir, f), 'utf8') }));
  const touchesOcaml = patches.some((p) => /^diff --git a\/tools\/ocaml\/libs\/xc\//m.test(p.text));
  return patches
    .flatMap(({ name, text }) => {
      const steps = [`ok   apply-check ${name}`, `ok   apply ${name}`];
      if (/^diff --git a\/xen\//m.test(text)) steps.push(`ok   hypervisor build after ${name}`);
      if (/^diff --git a\/tools\//m.test(text)) steps.push(`ok   tools build (IDL, libxl types, xl_parse) after ${name}`);
      for (const m of text.matchAll(/^diff --git a\/(xen\/\S+\.h) b\/\S+\nnew file mode/gm)) steps.push(`ok   header ${m[1]}`);
      return steps;
    })
    .concat(touchesOcaml ? ['ok   OCaml bindings abi-check against the public headers'] : [])
    .concat(patches.some((p) => /^\+config AMD_SEV$/m.test(p.text)) ? ['ok   hypervisor build, default configuration (CONFIG_AMD_SEV off)'] : []);
}

async function check(target: string, src: string) {
  // Minutes of builds: each `xen-check:` step line goes to stderr as it comes.
  const r = await runWithProgress(
    join(REPO_ROOT, 'scripts/xen-check'),
    ['--target', target, '--src', src],
    { reject: false, env: { MAKEFLAGS: '' }, timeout: XEN_CHECK_TIMEOUT },
    { show: (line) => line.startsWith('xen-check: ') },
  );
  const out = r.all ?? '';
  expect(r.exitCode, out.slice(-4000)).toBe(0);
  const reported = out.split('\n').map((l) => l.replace(/^xen-check: /, '').replace(/ \(\d+s\)$/, ''));
  for (const step of expectedSteps(target)) expect(reported, `missing step: ${step}`).toContain(step);
  expect(out).toMatch(/PASS: \d+ patches applied and built/);
}

describe.skipIf(tree.path === null)('xen-4.17 series in the real tree', () => {
  it('has a cover letter and at least one patch', () => {
    const files = seriesFiles(seriesDir('xen-4.17'));
    expect(files[0]).toMatch(/^0000-cover-letter\.patch$/);
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it('applies, and every prefix builds', async () => {
    await check('xen-4.17', tree.path!);
  }, XEN_CHECK_TIMEOUT);
});

describe.runIf(stagingSrc !== null)('staging series in $XEN_SRC', () => {
  it('applies, and every prefix builds', async () => {
    await check('staging', stagingSrc!);
  }, XEN_CHECK_TIMEOUT);
});
