// Every generated header of the real schema compiles standalone, and (a drift
// check) the compiled layout equals the elaborated model field by field. The
// compiled layout against outside facts is test/spec/compiled-layout.test.ts.
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
// vmgexit.h is hypervisor code (it includes <xen/types.h>): built in userspace
// against the stand-in Xen headers, as Xen's own tools/tests harnesses do.
const XEN_SHIM = ['-I', join(import.meta.dirname, 'c/xen-shim/include')];

describe('generated C headers', async () => {
  const ccs = await compilers();
  const cases = ccs.flatMap((cc) => headers.map((h) => [cc, h] as const));

  it('there is one header per schema module', () => {
    for (const m of model.modules) expect(headers).toContain(m.header);
  });

  it.each(cases)('%s compiles %s alone at -std=c11 -Wall -Wextra -Werror -pedantic', async (cc, h) => {
    const r = await compile(cc, `#include "${h}"\nint main(void) { return 0; }\n`, cdir, XEN_SHIM);
    expect(r.all).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it.each(ccs)('%s compiles all headers together (no clashing names)', async (cc) => {
    const src = headers.map((h) => `#include "${h}"`).join('\n') + '\nint main(void) { return 0; }\n';
    const r = await compile(cc, src, cdir, XEN_SHIM);
    expect(r.all).toBe('');
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
