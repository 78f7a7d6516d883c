// xen-sev explain: status codes from the SEV API (55766) and SNP ABI (56860)
// tables, undefined codes, and the known-causes data file.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { explain, KNOWN_CAUSES, parseCode, renderExplanation, STATUS_GROUPS } from '../../lib/explain/explain.ts';
import { UserError } from '../../lib/errors.ts';
import { REPO_ROOT } from '../../lib/paths.ts';

const model = projectModel();

describe('explain', () => {
  it('0x13 is HWERROR_PLATFORM in both tables (Linux: SEV_RET_HWSEV_RET_PLATFORM)', () => {
    const e = explain(model, 0x13, null);
    expect(e.defined).toBe(true);
    expect(e.meanings.map((m) => [m.api, m.name, m.linux])).toEqual([
      ['sev', 'HWERROR_PLATFORM', 'SEV_RET_HWSEV_RET_PLATFORM'],
      ['snp', 'HWERROR_PLATFORM', 'SEV_RET_HWSEV_RET_PLATFORM'],
    ]);
    expect(e.meanings[0]!.spec).toContain('AMD 55766');
    expect(e.meanings[1]!.spec).toContain('AMD 56860');
  });

  it('names the codes dmesg shows most (SEV API status table: 0x1, 0x3, 0xe)', () => {
    expect(explain(model, 0x1, 'sev').meanings[0]!.name).toBe('INVALID_PLATFORM_STATE');
    expect(explain(model, 0x3, 'snp').meanings[0]!.name).toBe('INVALID_CONFIG');
    expect(explain(model, 0xe, 'sev').meanings[0]!.name).toBe('WBINVD_REQUIRED');
  });

  it('reports a code neither table defines as undefined, naming the tables searched', () => {
    // Linux's psp-sev.h jumps from 0x1d (INVALID_PAGE_AEAD_OFLOW) to 0x1f (RB_MODE_EXITED); 0x8004 is no firmware status.
    for (const code of [0x1e, 0x8004]) {
      const e = explain(model, code, null);
      expect(e.defined).toBe(false);
      expect(e.meanings).toEqual([]);
      expect(renderExplanation(e)).toContain(`Not defined: no status code 0x${code.toString(16)} in SEV API (AMD 55766`);
    }
  });

  it('shows known causes with their source, filtered by API', () => {
    const sev = explain(model, 0x13, 'sev');
    expect(sev.knownCauses.map((c) => c.source.url)).toEqual(['https://github.com/AMDESE/sev-tool/issues/43']);
    const all = renderExplanation(explain(model, 0x13, null));
    expect(all).toContain('https://github.com/AMDESE/sev-tool/issues/43');
    expect(all).toContain('https://github.com/AMDESE/AMDSEV/issues/85');
    expect(explain(model, 0x8004, null).knownCauses).toHaveLength(1);
    expect(explain(model, 0x1b, null).knownCauses).toEqual([]);
  });

  it('names the commands the firmware model says can return a code', () => {
    const e = explain(model, 0x1, null);
    expect(e.commands.recorded).toBe(true);
    expect(e.commands.sev).toContain('LAUNCH_UPDATE_DATA');
    expect(e.commands.sev).not.toContain('SHUTDOWN'); // accepted in every platform state
  });

  it('parses hex, decimal, 13h and names (ours, C and Linux)', () => {
    expect(parseCode('0x13', model)).toBe(19);
    expect(parseCode('19', model)).toBe(19);
    expect(parseCode('13h', model)).toBe(19);
    expect(parseCode('hwerror_platform', model)).toBe(19);
    expect(parseCode('SEV_RET_INVALID_PLATFORM_STATE', model)).toBe(1);
    expect(parseCode('SNP_STATUS_INVALID_CONFIG', model)).toBe(3);
    expect(() => parseCode('0xzz', model)).toThrow(UserError);
  });
});

describe('known-causes.json', () => {
  const commands = new Set([...model.groups.get('sev_cmd')!.values, ...model.groups.get('snp_cmd')!.values].map((v) => v.name));
  it.each(KNOWN_CAUSES.map((c) => [`0x${c.code.toString(16)} ${c.source.url}`, c] as const))('%s has a source and consistent facts', (_, c) => {
    expect(c.source.url).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/issues\/\d+$/);
    expect(c.source.date).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(['maintainer', 'community', 'reporter']).toContain(c.source.kind);
    for (const cmd of c.commands) expect(commands).toContain(cmd);
    // The code the symptom shows first is the entry's code.
    expect(Number.parseInt(/0x([0-9a-f]+)/i.exec(c.symptom)![1]!, 16)).toBe(c.code);
    // api is null exactly when the code is in neither status table.
    const inTables = (['sev', 'snp'] as const).filter((a) => model.groups.get(STATUS_GROUPS[a].group)!.values.some((v) => v.value === BigInt(c.code)));
    if (c.api === null) expect(inTables).toEqual([]);
    else expect(inTables).toContain(c.api);
  });
});

describe('xen-sev explain (CLI)', () => {
  const run = (...args: string[]) => execa('node', [join(REPO_ROOT, 'bin/xen-sev'), 'explain', ...args], { reject: false, cwd: '/' });
  it('--json gives the meanings and causes', async () => {
    const r = await run('0x3', '--api', 'snp', '--json');
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ code: 3, hex: '0x3', defined: true, meanings: [{ api: 'snp', name: 'INVALID_CONFIG' }] });
    expect(j.knownCauses[0].source.url).toBe('https://github.com/AMDESE/AMDSEV/issues/271');
  });
  it('bad input is one line and exit 2', async () => {
    for (const args of [['nonsense'], ['0x1', '--api', 'tdx']]) {
      const r = await run(...args);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
