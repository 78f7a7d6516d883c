// The reference model (lib/nae) against the generated C validator
// (generated/c/vmgexit.c) through the long-lived harness: golden scenarios
// compared on the complete output page, then random and mutated requests
// compared on verdict, error, field, SW_EXITINFO1/2, a page digest and the
// backend effects. NAE_CASES sets the random case count (default 1M).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildHarness } from '../harness/build.ts';
import { crossCheck, describeMismatch } from '../harness/crosstest.ts';
import { HarnessProcess, Status, type Request } from '../harness/process.ts';
import { Rng } from '../harness/rng.ts';
import { naeTables } from '../../lib/nae/table.ts';
import { answerer, encodeOutcome, loadRequest, NAE_KIND_NAMES, naeHarnessModule, OUTCOME_SIZE, RunFlag, runModel, runRequest, runRequestSize, type RunCase } from '../nae/kinds.ts';
import { GHCB_GPA, randomCase, scenarios } from '../nae/scenarios.ts';
import { loadVectors, vectorPage, vectorRun } from '../nae/vectors.ts';
import { GhcbView } from '../../generated/ts/ghcb-codec.ts';

const CASES = Number(process.env.NAE_CASES ?? 1_000_000);
const BATCH = 20_000;
const RANDOM_SLOT = 63;

describe('VMGEXIT validator: TypeScript model vs generated C', () => {
  let proc: HarnessProcess;
  const slots: Uint8Array[] = [];
  const answer = answerer(slots);
  const scen = scenarios();

  beforeAll(async () => {
    proc = new HarnessProcess(await buildHarness([naeHarnessModule()]));
    const loads = scen.map((s, i) => loadRequest(i, s.page));
    expect(await crossCheck(proc, loads, answer)).toEqual([]);
  }, 120_000);
  afterAll(async () => proc?.close());

  it('agrees on every golden scenario, complete output page included, with and without a racing guest, answered at once or after a device-model round trip', async () => {
    const reqs: Request[] = [];
    scen.forEach((s, slot) => {
      for (const race of [0, RunFlag.RACE, RunFlag.DEFER, RunFlag.RACE | RunFlag.DEFER]) {
        reqs.push(runRequest({ slot, flags: (s.snp ? RunFlag.SNP : 0) | RunFlag.REGISTERED | race | RunFlag.FULL_PAGE, ghcbGpa: GHCB_GPA, registeredGpa: GHCB_GPA, patches: [] }));
      }
    });
    const bad = await crossCheck(proc, reqs, answer);
    expect(bad.map((m) => describeMismatch(m, NAE_KIND_NAMES))).toEqual([]);
  });

  it('agrees on every regression vector (one per error class and KVM bug class), complete output page included', async () => {
    const vectors = loadVectors();
    const base = 40; // slots above the scenarios
    expect(scen.length).toBeLessThan(base);
    const reqs: Request[] = [];
    vectors.forEach((v, i) => {
      const slot = base + (i % 20);
      reqs.push(loadRequest(slot, vectorPage(v)));
      const r = vectorRun(v);
      reqs.push(runRequest({ slot, flags: r.flags, ghcbGpa: r.ghcbGpa, registeredGpa: r.registeredGpa, patches: [] }));
    });
    const bad = await crossCheck(proc, reqs, answer);
    expect(bad.map((m) => describeMismatch(m, NAE_KIND_NAMES))).toEqual([]);
  });

  it(`agrees on ${CASES} random and mutated requests`, async () => {
    const codes = naeTables().all.map((c) => c.exitCode);
    let done = 0;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 0x7fff_ffff }), async (seed) => {
        const rng = new Rng(seed);
        const n = Math.min(BATCH, CASES - done);
        // A fully random page for this batch (slot RANDOM_SLOT), mostly with a usable header so it gets past the first checks.
        const randomPage = new Uint8Array(4096);
        rng.fill(randomPage);
        const rv = new GhcbView(randomPage);
        if (rng.chance(0.9)) rv.ghcbUsage = 0;
        if (rng.chance(0.9)) rv.protocolVersion = 2;
        const randomBase = { ...scen[0]!, name: 'random', snp: rng.chance(0.5), page: randomPage };
        const loaded = await crossCheck(proc, [loadRequest(RANDOM_SLOT, randomPage)], answer);
        expect(loaded).toEqual([]);
        const cases: RunCase[] = [];
        let size = 0;
        for (let i = 0; i < n; i++) {
          const slot = rng.chance(0.05) ? RANDOM_SLOT : rng.below(scen.length);
          const c = randomCase(rng, slot, slot === RANDOM_SLOT ? randomBase : scen[slot]!, codes);
          cases.push(c);
          size += runRequestSize(c);
        }
        // One buffer per batch: a typed array per request would dominate the run time.
        const buf = new Uint8Array(size);
        const reqs: Request[] = [];
        let at = 0;
        for (const c of cases) {
          const len = runRequestSize(c);
          reqs.push(runRequest(c, buf.subarray(at, at + len)));
          at += len;
        }
        // The C side works on the batch while the model computes its answers.
        const pending = proc.run(reqs);
        const expected = new Uint8Array(n * OUTCOME_SIZE);
        for (let i = 0; i < n; i++) {
          const c = cases[i]!;
          const m = runModel(c.slot === RANDOM_SLOT ? randomPage : scen[c.slot]!.page, c);
          encodeOutcome(m.page, m.outcome, m.effects, false, expected.subarray(i * OUTCOME_SIZE, (i + 1) * OUTCOME_SIZE));
          seen.add(m.outcome.violation ? m.outcome.violation.code : m.outcome.verdict);
        }
        const actual = await pending;
        done += n;
        for (let i = 0; i < n; i++) {
          const exp = { status: Status.OK, payload: expected.subarray(i * OUTCOME_SIZE, (i + 1) * OUTCOME_SIZE) };
          const act = actual[i]!;
          if (act.status !== exp.status || !Buffer.from(act.payload).equals(exp.payload)) {
            throw new Error(`seed ${seed}: ${describeMismatch({ index: i, request: reqs[i]!, expected: exp, actual: act }, NAE_KIND_NAMES)}`);
          }
        }
      }),
      { numRuns: Math.ceil(CASES / BATCH), endOnFailure: true },
    );
    expect(done).toBe(CASES);
    // The mutations must reach every verdict and every malformed-input reason.
    if (CASES >= 100_000) {
      expect([...seen].sort()).toEqual(['INVALID_EVENT', 'INVALID_INPUT', 'INVALID_SCRATCH_AREA', 'INVALID_USAGE', 'MISSING_INPUT', 'NOT_REGISTERED', 'exception', 'no_action', 'terminate'].sort());
    }
  }, 600_000);
});
