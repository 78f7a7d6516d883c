// crosstest_cases_per_s: differential cases per second through the C harness,
// with the case mix of the test suite.
import { buildHarness } from '../test/harness/build.ts';
import { crossCheck } from '../test/harness/crosstest.ts';
import { casesFromSeed, type PageStyle } from '../test/harness/ghcb-cases.ts';
import { GhcbReference, ghcbHarnessModule, Kind } from '../test/harness/ghcb-kinds.ts';
import { HarnessProcess } from '../test/harness/process.ts';
import { Rng } from '../test/harness/rng.ts';
import { projectModel } from '../generators/model.ts';

export async function crosstest(targetCases = 300_000): Promise<{ casesPerS: number; cases: number; mismatches: number }> {
  const model = projectModel();
  const codes = ['svm_exit_code', 'vmgexit_exit_code'].flatMap((g) => model.groups.get(g)?.values.map((v) => v.value) ?? []);
  const proc = new HarnessProcess(await buildHarness([ghcbHarnessModule()]));
  const ref = new GhcbReference();
  const styles: PageStyle[] = ['random', 'valid', 'mutated'];
  let cases = 0;
  let mismatches = 0;
  let seed = 1;
  const t0 = performance.now();
  while (cases < targetCases) {
    const requests = [];
    for (let i = 0; i < 250; i++, seed++) requests.push(...casesFromSeed(new Rng(seed), styles[seed % 3]!, codes));
    mismatches += (await crossCheck(proc, requests, ref.answer)).length;
    cases += requests.filter((r) => r.kind !== Kind.PAGE_LOAD).length;
  }
  const s = (performance.now() - t0) / 1000;
  await proc.close();
  return { casesPerS: cases / s, cases, mismatches };
}
