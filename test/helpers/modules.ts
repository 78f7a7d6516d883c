// Which modules a CLI run loads: the launcher is started with a module hook
// that logs every resolved URL (test/helpers/module-log-hooks.mjs).
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths.ts';
import { testTempDir } from './tmp.ts';

export async function loadedModules(args: readonly string[]): Promise<{ exitCode: number | undefined; stdout: string; modules: string[] }> {
  const log = join(testTempDir('modules'), 'modules.txt');
  const r = await execa('node', ['--import', join(REPO_ROOT, 'test/helpers/module-log.mjs'), join(REPO_ROOT, 'bin/xen-sev'), ...args], {
    reject: false,
    env: { XEN_SEV_MODULE_LOG: log },
  });
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    // nothing loaded through the hooks
  }
  return { exitCode: r.exitCode, stdout: r.stdout, modules: [...new Set(text.split('\n').filter(Boolean))] };
}
