// The compiled C headers against outside facts: the layout probe (built from
// generated/c by gcc and clang) must print each line below. The lines were
// written down from the sources named beside them, not from the model.
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { compilers, generateInto } from '../helpers/cc.ts';
import { runProbe } from '../helpers/probe.ts';

const root = generateInto(projectModel());

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

describe('compiled headers', async () => {
  const ccs = await compilers();
  it.each(ccs)('the layout probe built by %s prints the outside facts', async (cc) => {
    const got = new Set(await runProbe(cc, root));
    for (const line of OUTSIDE) expect(got.has(line), line).toBe(true);
  });
});
