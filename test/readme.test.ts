// The README's first lines and its examples stay true.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/paths.ts';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('opens with exactly the two commands: install + generate, and the tests', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readme)![1]!.trim().split('\n');
    expect(block.map((l) => l.replace(/\s+#.*$/, ''))).toEqual(['npm ci && npm run generate', 'npm test']);
    expect(readme.indexOf('```sh')).toBeLessThan(40);
  });

  it('shows the real output of `xen-sev layout ghcb`', async () => {
    const shown = /\$ bin\/xen-sev layout ghcb\n([\s\S]*?)```/.exec(readme)![1]!;
    const { stdout } = await execa('node', [join(REPO_ROOT, 'bin/xen-sev'), 'layout', 'ghcb']);
    expect(shown.trimEnd()).toBe(stdout.trimEnd());
  });

  it('.ci/run runs the same test command the README gives', () => {
    expect(readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });
});
