// `npm ci` runs quietly: every dependency with an install script is either
// allowed or denied in package.json's allowScripts (npm >= 11.16 warns about
// the others, and npm 12 skips them), and the CLI is compiled at install.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean>; scripts: Record<string, string> };
const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean; version?: string }> };

describe('install', () => {
  it('allowScripts decides for every dependency that has an install script', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.hasInstallScript)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));
    expect(withScripts.length).toBeGreaterThan(0); // esbuild, at least
    const decided = Object.keys(pkg.allowScripts ?? {}).map((k) => k.replace(/(.)@.*$/, '$1'));
    for (const name of withScripts) expect(decided, name).toContain(name);
  });

  it('npm ci compiles the CLI (prepare)', () => {
    expect(pkg.scripts.prepare).toBe('node scripts/build-cli.mjs');
  });
});
