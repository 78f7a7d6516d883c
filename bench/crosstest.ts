// crosstest_cases_per_s: differential cases per second through the C harness,
// with the case mix and the driver of the test suite (crossCheckStream).
import { buildHarness } from '../test/harness/build.ts';
import { crossCheckStream } from '../test/harness/crosstest.ts';
import { casesFromSeed, type PageStyle } from '../test/harness/ghcb-cases.ts';
import { GhcbReference, ghcbHarnessModule, Kind } from '../test/harness/ghcb-kinds.ts';
import { HarnessProcess, type Request } from '../test/harness/process.ts';
import { Rng } from '../test/harness/rng.ts';
import { projectModel } from '../generators/model.ts';

export const SEEDS_PER_BATCH = 250;

export async function crosstest(targetCases = 300_000): Promise<{ casesPerS: number; cases: number; mismatches: number; tsCpuS: number }> {
  const model = projectModel();
  const codes = ['svm_exit_code', 'vmgexit_exit_code'].flatMap((g) => model.groups.get(g)?.values.map((v) => v.value) ?? []);
  const proc = new HarnessProcess(await buildHarness([ghcbHarnessModule()]));
  const ref = new GhcbReference();
  const styles: PageStyle[] = ['random', 'valid', 'mutated'];
  let made = 0;
  let cases = 0;
  let mismatches = 0;
  let seed = 1;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await crossCheckStream(
    proc,
    () => {
      if (made >= targetCases) return null;
      const requests: Request[] = [];
      for (let i = 0; i < SEEDS_PER_BATCH; i++, seed++) requests.push(...casesFromSeed(new Rng(seed), styles[seed % 3]!, codes));
      made += requests.filter((r) => r.kind !== Kind.PAGE_LOAD).length;
      return requests;
    },
    ref.answer,
    (requests, bad) => {
      cases += requests.filter((r) => r.kind !== Kind.PAGE_LOAD).length;
      mismatches += bad.length;
    },
  );
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await proc.close();
  // The CPU time of the TypeScript side: on a busy machine the wall time says more about the neighbours.
  return { casesPerS: cases / s, cases, mismatches, tsCpuS: (cpu.user + cpu.system) / 1e6 };
}
