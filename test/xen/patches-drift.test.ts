// Drift: rebuilding the xen-4.17 series from the Debian tree with today's
// generated/ and lib/patches/ gives the committed series, apart from dates.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readXenVersion } from '../../lib/xen-tree/version.ts';
import { runCli, seriesAuthor, seriesDir, seriesFiles, withoutDates } from './patches-series.ts';
import { xenTree } from './tree.ts';
import { testTempDir } from '../helpers/tmp.ts';

if (process.env.XEN_SRC && readXenVersion(process.env.XEN_SRC).extra.startsWith('-unstable')) delete process.env.XEN_SRC;
const tree = await xenTree();
if (tree.path === null) console.warn(`test/xen/patches-drift: skipped: ${tree.reason}`);

describe.skipIf(tree.path === null)('xen-4.17 series drift', () => {
  const out = join(testTempDir('drift'), 'series');
  afterAll(() => rmSync(join(out, '..'), { recursive: true, force: true }));

  it('regenerates byte for byte, dates aside', async () => {
    const committed = seriesDir('xen-4.17');
    const r = await runCli(['patches', '--xen', tree.path!, '--target', 'xen-4.17', '--out', out, '--author', seriesAuthor(committed)]);
    expect(r.exitCode, r.all).toBe(0);
    expect(seriesFiles(out)).toEqual(seriesFiles(committed));
    for (const f of seriesFiles(committed)) {
      const fresh = withoutDates(readFileSync(join(out, f), 'utf8'));
      const old = withoutDates(readFileSync(join(committed, f), 'utf8'));
      expect(fresh, `${f} differs from a fresh build: run node bin/xen-sev patches --xen <tree> --target xen-4.17`).toBe(old);
    }
  }, 600_000);
});
