// xen-sev nae list|simulate and ghcb validate, run as a user runs them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';
import { buildRequest, defaultVcpu } from '../../lib/nae/guest.ts';
import { testTempDir } from '../helpers/tmp.ts';

const run = (...args: string[]) => execa('node', [join(REPO_ROOT, 'bin/xen-sev'), ...args], { reject: false, cwd: '/' });
const dir = testTempDir('nae-cli');

function pageFile(name: string, fill: (p: Uint8Array) => void): string {
  const p = new Uint8Array(4096);
  fill(p);
  const f = join(dir, name);
  writeFileSync(f, p);
  return f;
}

describe('a reader that stops early', () => {
  // 400 kB of JSON is far more than a pipe holds, so the write after `head`
  // exits does fail with EPIPE.
  it('ends the command quietly with exit 0', async () => {
    const r = await execa('bash', ['-c', 'set -o pipefail; node bin/xen-sev coverage --format json | head -c 10 > /dev/null'], {
      reject: false,
      cwd: REPO_ROOT,
    });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
});

describe('xen-sev nae list', () => {
  it('prints NAE and AE events, and JSON with the issue shape', async () => {
    const text = await run('nae', 'list');
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/CPUID/);
    expect(text.stdout).toMatch(/Automatic exits/);
    const j = await run('nae', 'list', '--json');
    const doc = JSON.parse(j.stdout) as { events: { name: string; kind: string }[] };
    expect(doc.events.filter((e) => e.kind === 'nae').length).toBeGreaterThan(20);
    expect(doc.events.some((e) => e.name === 'INTR' && e.kind === 'ae')).toBe(true);
  });
});

describe('xen-sev ghcb validate', () => {
  const cpu = defaultVcpu();
  cpu.regs.rax = 0xdn;
  const good = pageFile('cpuid.bin', (p) => buildRequest(p, cpu, { event: 'CPUID' }));
  const mmio = pageFile('mmio.bin', (p) => buildRequest(p, cpu, { event: 'MMIO_READ', exitInfo1: 0xfebf_0000n, exitInfo2: 16n, scratchLen: 16 }));

  it('accepts a request as a Linux guest builds it (exit 0)', async () => {
    const r = await run('ghcb', 'validate', good, '--gpa', '0x7f000', '--json');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, violations: [] });
  });
  it('reports violations with code, field, offset and message (exit 1)', async () => {
    const r = await run('ghcb', 'validate', mmio, '--json');
    expect(r.exitCode).toBe(1);
    const j = JSON.parse(r.stdout) as { ok: boolean; violations: { code: string; field: string; offset: number; message: string }[]; unchecked: string[] };
    expect(j.ok).toBe(false);
    expect(j.violations[0]).toMatchObject({ code: 'INVALID_INPUT', field: 'sw_exit_info_2', offset: 0x3a0 });
    expect(j.unchecked.join(' ')).toMatch(/--gpa/);
    const human = await run('ghcb', 'validate', mmio);
    expect(human.stdout).toMatch(/GHCB_ERR_INVALID_INPUT/);
  });
  it('rejects bad input with one line and exit 2', async () => {
    for (const args of [['ghcb', 'validate', join(dir, 'missing.bin')], ['ghcb', 'validate', good, '--gpa', '0x7f001']]) {
      const r = await run(...args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n').length).toBe(1);
    }
    // commander rejects the choice itself (its message is followed by the help text).
    expect((await run('ghcb', 'validate', good, '--guest', 'tdx')).exitCode).toBe(2);
  });
});

describe('xen-sev nae simulate', () => {
  it('prints a round trip', async () => {
    const r = await run('nae', 'simulate', 'cpuid', '--rax', '0', '--json');
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout) as { event: string; hypervisor: { verdict: string }; completion: { kind: string } };
    expect(j).toMatchObject({ event: 'CPUID', hypervisor: { verdict: 'no_action' }, completion: { kind: 'done' } });
    const t = await run('nae', 'simulate', 'mmio-read', '--exit-info-1', '0xfebf0000', '--exit-info-2', '4', '--len', '4');
    expect(t.stdout).toMatch(/NO_ACTION/);
    expect(t.stdout).toMatch(/shared buffer: [0-9a-f]{8}/);
  });
  it('rejects an unknown event (exit 2)', async () => {
    const r = await run('nae', 'simulate', 'nosuch');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/no NAE event/);
  });
});
