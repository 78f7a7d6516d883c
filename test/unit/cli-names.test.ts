// Issue 14, names: what decode prints, encode accepts; TERM_REQ reason codes
// are named by their reason code set; failure reasons by name; the MMIO
// length of `nae simulate --len`.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { pageFromFlags } from '../../lib/ghcb/build.ts';
import { pageJson } from '../../lib/ghcb/describe.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { errName, simulate, simulateText } from '../../lib/nae/simulate.ts';

const BIN = join(REPO_ROOT, 'bin/xen-sev');
const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false });

describe('GHCB MSR protocol names', () => {
  // 56421 2.3.1, Termination Request: GHCBInfo 0x100, reason code set in
  // GHCBData[15:12], reason code in [23:16]; set 0 codes: 0 general request,
  // 1 protocol range not supported, 2 SEV-SNP features not supported. Set 1
  // is Linux's (arch/x86/include/asm/sev-common.h: GHCB_TERM_REGISTER 0,
  // GHCB_TERM_PVALIDATE 2, GHCB_TERM_CPUID 4).
  it('names TERM_REQ reason codes by their set, and encode takes the names back', async () => {
    const [gen, linux, enc, encGen, cpuid] = await Promise.all([
      cli('msr', 'decode', '0x20100', '--json'),
      cli('msr', 'decode', '0x21100'),
      cli('msr', 'encode', 'term_req', 'reason_set=LINUX', 'reason_code=cpuid'),
      cli('msr', 'encode', 'term_req', 'reason_code=SEV_ES_PROT_UNSUPPORTED', 'reason_set=gen'),
      cli('msr', 'encode', 'cpuid_req', 'reg=ebx', 'function=0x8000001f'),
    ]);
    expect(JSON.parse(gen.stdout).field_names).toMatchObject({ reason_set: 'GEN', reason_code: 'SNP_UNSUPPORTED' });
    expect(linux.stdout).toMatch(/reason_set +0x1 +LINUX\n.*reason_code +0x2 +PVALIDATE/);
    expect(enc.stdout.trim()).toBe('0x41100');
    expect(encGen.stdout.trim()).toBe('0x10100');
    // CPUID_REQ: GHCBInfo 0x004, register in [31:30] (1 = EBX), function in [63:32].
    expect(cpuid.stdout.trim()).toBe('0x8000001f40000004');
  });

  it('refuses a name the field does not have, listing those it has', async () => {
    const r = await cli('msr', 'encode', 'term_req', 'reason_set=nope');
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe("xen-sev: msr encode: reason_set: 'nope' is not a number or a name (GEN, LINUX)");
  });
});

describe('VMGEXIT termination requests', () => {
  // Termination Request VMGEXIT 0x8000_FFFE: SW_EXITINFO1[3:0] reason code set,
  // [11:4] reason code (56421, the Termination Request event; the sets and codes of the MSR protocol).
  it('ghcb decode names the reason code by its set', () => {
    const page = pageFromFlags(projectModel(), { exit: 'term_request', fields: { sw_exit_info_1: '0x21' } });
    expect(pageJson(projectModel(), page).sw_exit_info_1_fields).toEqual({ reason_set: 'LINUX', reason_code: 'PVALIDATE' });
    const gen = pageFromFlags(projectModel(), { exit: 'term_request', fields: { sw_exit_info_1: '0x10' } });
    expect(pageJson(projectModel(), gen).sw_exit_info_1_fields).toEqual({ reason_set: 'GEN', reason_code: 'SEV_ES_PROT_UNSUPPORTED' });
  });
});

describe('nae simulate', () => {
  it('--len sets the MMIO access length (sw_exit_info_2)', () => {
    const t = simulate({ event: 'MMIO_READ', snp: false, osxsave: true, regs: {}, len: 4 });
    expect(t.request.sw_exit_info_2).toBe('0x4');
    expect(t.outcome.verdict).toBe('no_action');
    expect((t.completion as { scratch: Uint8Array }).scratch).toHaveLength(4);
    const w = simulate({ event: 'MMIO_WRITE', snp: false, osxsave: true, regs: {}, data: Uint8Array.of(1, 2) });
    expect(w.request.sw_exit_info_2).toBe('0x2');
  });

  it('prints a failure reason by name (56421 GHCB_ERR values: 5 is INVALID_INPUT)', () => {
    expect(errName(5)).toBe('GHCB_ERR_INVALID_INPUT');
    expect(errName(3)).toBe('GHCB_ERR_INVALID_SCRATCH_AREA');
    expect(errName(99)).toBeNull();
    const t = simulate({ event: 'MMIO_READ', snp: false, osxsave: true, regs: {}, len: 100 });
    expect(simulateText(t)).toContain('the request failed: GHCB_ERR_INVALID_INPUT (5)');
    expect(t.json.completion).toMatchObject({ kind: 'error', reason: 5, reason_name: 'GHCB_ERR_INVALID_INPUT' });
  });

  it('refuses --len and --exit-info-2 that disagree', async () => {
    const r = await cli('nae', 'simulate', 'mmio_read', '--len', '4', '--exit-info-2', '2');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--len 4 and --exit-info-2 0x2 disagree/);
  });
});
