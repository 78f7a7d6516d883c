// The CLI as a user meets it: help, layout output, and one-line errors with exit 2.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/paths.ts';

const run = (...args: string[]) => execa('node', [join(REPO_ROOT, 'bin/xen-sev'), ...args], { reject: false, cwd: '/' });

describe('xen-sev layout', () => {
  it('prints every GHCB page field with offset, size and the spec citation', async () => {
    const r = await run('layout', 'ghcb');
    expect(r.exitCode).toBe(0);
    // Offsets from the GHCB specification (56421, table 1): shared buffer at 0x800, version at 0xffa, usage at 0xffc.
    expect(r.stdout).toMatch(/uint8_t\s+shared_buffer\[2032\];\s+\/\*\s+0x800\s+2032 \*\//);
    expect(r.stdout).toMatch(/uint16_t\s+protocol_version;\s+\/\*\s+0xffa\s+2 \*\//);
    expect(r.stdout).toMatch(/uint32_t\s+ghcb_usage;\s+\/\*\s+0xffc\s+4 \*\//);
    expect(r.stdout).toContain('AMD 56421 rev');
    expect(r.stdout).toContain('size: 4096 (0x1000)');
  });

  it('shows each save-area field with its valid bit (offset / 8)', async () => {
    const r = await run('layout', 'ghcb_save_area');
    expect(r.stdout).toMatch(/uint64_t\s+rax;\s+\/\*\s+0x1f8\s+8 \*\/ valid bit 63/);
    expect(r.stdout).toMatch(/uint64_t\s+sw_exit_code;\s+\/\*\s+0x390\s+8 \*\/ valid bit 114/);
  });

  it('--json gives the elaborated layout', async () => {
    const r = await run('layout', 'vmcb_control_area', '--json');
    const j = JSON.parse(r.stdout) as { size: number; fields: { name: string; offset: number }[] };
    expect(j.size).toBe(0x400);
    // APM vol. 2 table B-1: GHCB GPA at 0xa0, VMSA pointer at 0x108.
    expect(j.fields.find((f) => f.name === 'ghcb_gpa')?.offset).toBe(0xa0);
    expect(j.fields.find((f) => f.name === 'vmsa_pa')?.offset).toBe(0x108);
  });

  it('an unknown struct is one line on stderr with exit 2', async () => {
    const r = await run('layout', 'ghcb_sav');
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("no struct named 'ghcb_sav'; did you mean ghcb_save_area");
  });

  it.each([[[]], [['generate']], [['layout']]])('--help works for %j', async (args) => {
    const r = await run(...args, '--help');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Usage: xen-sev');
  });

  it('an unknown option exits 2', async () => {
    const r = await run('generate', '--frobnicate');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
