// Runs the libFuzzer harness of the generated VMGEXIT validator (ASan +
// UBSan) for a bounded time: NAE_FUZZ_SECONDS, default 20 (at most 60 in CI).
// Longer runs: `npm run fuzz -- 3600`.
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';
import { compilers } from '../helpers/cc.ts';

const seconds = Math.min(60, Number(process.env.NAE_FUZZ_SECONDS ?? 20));

describe('libFuzzer on generated/c/vmgexit.c', async () => {
  const haveClang = (await compilers()).includes('clang');
  it.skipIf(!haveClang)(`finds nothing in ${seconds}s under ASan and UBSan`, async () => {
    const r = await execa(join(REPO_ROOT, 'test/fuzz/run.sh'), [String(seconds)], { reject: false, all: true });
    const summary = r.all?.split('\n').find((l) => l.startsWith('fuzz:')) ?? r.all;
    console.log(summary);
    expect(r.exitCode, r.all).toBe(0);
    expect(summary).toMatch(/[1-9][0-9]* executions/);
    expect(summary).toMatch(/findings: 0/);
  }, (seconds + 120) * 1000);
});
