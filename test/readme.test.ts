// The README's first lines and its examples stay true.
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/paths.ts';
import { tempDir } from './helpers/cc.ts';

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

  it('shows the real output of `ghcb decode` and `ghcb validate`', async () => {
    const dir = tempDir('readme');
    const cli = (args: string[], input?: Uint8Array) => execa('node', [join(REPO_ROOT, 'bin/xen-sev'), ...args], { cwd: dir, reject: false, encoding: 'buffer', input });
    const page = (await cli(['ghcb', 'encode', '--exit', 'ioio', '--sw-exit-info-1', '0x3f80010', '--rax', '0x41'])).stdout;
    writeFileSync(join(dir, 'out.txt'), (await execa('hexdump', ['-C'], { input: page })).stdout + '\n');
    const decoded = Buffer.from((await cli(['ghcb', 'decode', 'out.txt'])).stdout).toString();
    expect(/\$ xen-sev ghcb decode out.txt\n([\s\S]*?)```/.exec(readme)![1]!.trimEnd()).toBe(decoded.trimEnd());
    await cli(['ghcb', 'encode', '--exit', 'mmio_read', '--sw-exit-info-2', '16', '--sw-scratch', '0x7fff8', '-o', 'mmio.bin']);
    const v = await cli(['ghcb', 'validate', 'mmio.bin', '--gpa', '0x7f000']);
    expect(v.exitCode).toBe(1);
    expect(/\$ xen-sev ghcb validate mmio.bin --gpa 0x7f000\n([\s\S]*?)```/.exec(readme)![1]!.trimEnd()).toBe(Buffer.from(v.stdout).toString().trimEnd());
  });

  it('.ci/run runs the same test command the README gives', () => {
    expect(readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });
});
