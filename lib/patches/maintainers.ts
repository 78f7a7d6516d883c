// Cc: lines for a commit, from the tree's own scripts/get_maintainer.pl when
// it has one (the list itself is the series' To:, so it is left out here).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export async function maintainersFor(tree: string, diff: string): Promise<string[]> {
  const script = join(tree, 'scripts', 'get_maintainer.pl');
  if (!existsSync(script)) return [];
  const tmp = mkdtempSync(join(tmpdir(), 'xen-sev-gm-'));
  try {
    const file = join(tmp, 'change.patch');
    writeFileSync(file, diff);
    const r = await execa('perl', [script, '--no-l', '--no-rolestats', file], { cwd: tree, reject: false });
    if (r.exitCode !== 0) throw new Error(`scripts/get_maintainer.pl failed: ${String(r.stderr).trim()}`);
    return String(r.stdout)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /<[^>]+@[^>]+>/.test(l));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
