// Every generated header of the real schema compiles standalone; the compiled
// layout reproduces facts written down from outside sources, and (a drift
// check) equals the elaborated model field by field.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../generators/model.ts';
import { compile, compilers, generateInto } from './helpers/cc.ts';
import { expectedProbeLines, runProbe } from './helpers/probe.ts';

const model = projectModel();
const root = generateInto(model);
const cdir = join(root, 'generated/c');
const headers = readdirSync(cdir).filter((f) => f.endsWith('.h'));

describe('generated C headers', async () => {
  const ccs = await compilers();
  const cases = ccs.flatMap((cc) => headers.map((h) => [cc, h] as const));

  it('there is one header per schema module', () => {
    for (const m of model.modules) expect(headers).toContain(m.header);
  });

  it.each(cases)('%s compiles %s alone at -std=c11 -Wall -Wextra -Werror -pedantic', async (cc, h) => {
    const r = await compile(cc, `#include "${h}"\nint main(void) { return 0; }\n`, cdir);
    expect(r.all).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it.each(ccs)('%s compiles all headers together (no clashing names)', async (cc) => {
    const src = headers.map((h) => `#include "${h}"`).join('\n') + '\nint main(void) { return 0; }\n';
    const r = await compile(cc, src, cdir);
    expect(r.all).toBe('');
  });

  // Outside facts the compiled headers must reproduce: the C compiler's
  // offsetof/sizeof and macro values against tables written down from
  // Linux arch/x86/include/asm/svm.h (struct ghcb, ghcb_save_area: the GHCB
  // spec's Table 1 offsets), AMD's firmware source (PAGE_INFO, SNP command
  // ids) and Linux uapi/asm/svm.h (SVM_VMGEXIT_*).
  const OUTSIDE = [
    'S ghcb 4096 8',
    'F ghcb_save_area rax 504 8', // 0x1f8
    'F ghcb_save_area rcx 776 8', // 0x308
    'F ghcb_save_area sw_exit_code 912 8', // 0x390
    'F ghcb_save_area sw_exit_info_1 920 8', // 0x398
    'F ghcb_save_area xcr0 1000 8', // 0x3e8
    'F ghcb_save_area valid_bitmap 1008 16', // 0x3f0
    'F ghcb shared_buffer 2048 2032', // 0x800
    'F ghcb protocol_version 4090 2', // 0xffa
    'F ghcb ghcb_usage 4092 4', // 0xffc
    'S snp_page_info 112 8',
    'F snp_page_info vmpl1_perms 101 1', // 0x65
    'F snp_page_info vmpl3_perms 103 1', // 0x67
    'F snp_page_info gpa 104 8', // 0x68
    'C SEV_CMD_SNP_LAUNCH_UPDATE a1',
    'C SEV_CMD_SNP_FEATURE_INFO ce',
    'C SVM_VMGEXIT_PSC 80000010',
    'C SVM_VMGEXIT_HV_FEATURES 8000fffd',
  ];
  it.each(ccs)('the layout probe built by %s prints the outside facts', async (cc) => {
    const got = new Set(await runProbe(cc, root));
    for (const line of OUTSIDE) expect(got.has(line), line).toBe(true);
  });

  // Drift check, not a behaviour test: the expected lines are rendered from
  // the same model the headers come from, so this only proves the emitter and
  // the compiled headers agree with the model (not that the model is right).
  it.each(ccs)('drift check: the layout probe built by %s prints exactly the elaborated model', async (cc) => {
    const got = await runProbe(cc, root);
    const want = expectedProbeLines(model);
    expect(got.length).toBe(want.length);
    expect(got).toEqual(want);
  });
});
