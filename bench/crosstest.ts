// crosstest_cases_per_s: differential cases per second through the C harness,
// with the case mix and the driver of the test suite (CaseWriter,
// crossCheckFrames).
import { buildHarness } from '../test/harness/build.ts';
import { crossCheckFrames } from '../test/harness/crosstest.ts';
import { CaseWriter, type PageStyle } from '../test/harness/ghcb-cases.ts';
import { GhcbReference, ghcbHarnessModule } from '../test/harness/ghcb-kinds.ts';
import { HarnessProcess } from '../test/harness/process.ts';
import { removeTestTempDirs } from '../test/helpers/tmp.ts';
import { Rng } from '../test/harness/rng.ts';
import { projectModel } from '../generators/model.ts';

export const SEEDS_PER_BATCH = 250;

/** As many cases as the test suite's cross-test runs (test/unit/codec-crosstest.test.ts): the same work, JIT warm-up included. */
export const CASES = 1_000_000;

export async function crosstest(targetCases = CASES): Promise<{ casesPerS: number; cases: number; mismatches: number; tsCpuS: number }> {
  const model = projectModel();
  const codes = ['svm_exit_code', 'vmgexit_exit_code'].flatMap((g) => model.groups.get(g)?.values.map((v) => v.value) ?? []);
  const proc = new HarnessProcess(await buildHarness([ghcbHarnessModule()]));
  const ref = new GhcbReference();
  const writer = new CaseWriter(codes);
  const styles: PageStyle[] = ['random', 'valid', 'mutated'];
  // Cases per batch, oldest first: batches complete in the order they were made.
  const casesIn: number[] = [];
  let made = 0;
  let cases = 0;
  let mismatches = 0;
  let seed = 1;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await crossCheckFrames(
    proc,
    (into) => {
      if (made >= targetCases) return null;
      let n = 0;
      for (let i = 0; i < SEEDS_PER_BATCH; i++, seed++) n += writer.write(new Rng(seed), styles[seed % 3]!, into);
      made += n;
      casesIn.push(n);
      // Every seed is one page load and its cases.
      return n + SEEDS_PER_BATCH;
    },
    ref,
    (_batch, bad) => {
      cases += casesIn.shift()!;
      mismatches += bad.length;
    },
  );
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await proc.close();
  removeTestTempDirs();
  // The CPU time of the TypeScript side: on a busy machine the wall time says more about the neighbours.
  return { casesPerS: cases / s, cases, mismatches, tsCpuS: (cpu.user + cpu.system) / 1e6 };
}
