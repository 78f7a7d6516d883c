// Property-based cross-test: the generated libxl C (compiled with gcc, run by
// test/c/coco_harness.c) and the TS checker give the same errors, in the same
// order and words, and the same defaults, on a generated matrix of coco
// configurations. Two implementations of one rule set: neither is the oracle.
import { execa } from 'execa';
import fc from 'fast-check';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectModel } from '../generators/model.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { checkXlConfigText, rulesFor } from '../lib/xlcfg/check.ts';
import type { ResolvedOption } from '../lib/xlcfg/ruleset.ts';
import { compilers, generateInto, STRICT_FLAGS, tempDir } from './helpers/cc.ts';

const rules = rulesFor(projectModel());

interface Case {
  kind: number;
  type: 'hvm' | 'pv' | 'pvh';
  bios: 'ovmf' | 'seabios' | 'rombios' | undefined;
  values: Record<string, bigint | number | boolean | string>;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64Arb(size: number): fc.Arbitrary<string> {
  const exact = fc.uint8Array({ minLength: size, maxLength: size }).map((b) => Buffer.from(b).toString('base64'));
  const other = fc.uint8Array({ minLength: 0, maxLength: 130 }).map((b) => Buffer.from(b).toString('base64'));
  const junk = fc.string({ unit: fc.constantFrom(...B64, '=', '*', '-', '_', ' '), maxLength: 40 });
  return fc.oneof(exact, other, junk);
}

function policyArb(): fc.Arbitrary<bigint> {
  const defaults = rules.kinds.flatMap((k) => (k.policy ? [k.policy.defaultValue] : []));
  const flip = fc.tuple(fc.constantFrom(...defaults), fc.integer({ min: 0, max: 62 })).map(([d, b]) => d ^ (1n << BigInt(b)));
  return fc.oneof(fc.constantFrom(...defaults, 0n, 0x7n, 0x10000n, 0x3_0000n | 0x1_0000_0000n), flip, fc.bigInt({ min: 0n, max: 0xffff_ffffn }), fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }));
}

function optionArb(o: ResolvedOption): fc.Arbitrary<bigint | number | boolean | string> {
  switch (o.type) {
    case 'policy':
      return policyArb();
    case 'integer':
      return fc.integer({ min: o.min, max: o.max });
    case 'boolean':
      return fc.boolean();
    case 'base64':
      return base64Arb(o.size!);
  }
}

/** Mostly-valid configurations: one kind's options only, exact blobs, its default policy (sometimes a bit changed). */
function plausibleArb(kind: number): fc.Arbitrary<Case> {
  const k = rules.kinds[kind]!;
  const mine = rules.options.filter((o) => o.kinds.includes(k.name));
  const arb = (o: ResolvedOption): fc.Arbitrary<bigint | number | boolean | string> => {
    if (o.type === 'base64') return fc.uint8Array({ minLength: o.size!, maxLength: o.size! }).map((b) => Buffer.from(b).toString('base64'));
    if (o.type === 'policy') {
      const d = k.policy!.defaultValue;
      return fc.oneof(fc.constant(d), fc.integer({ min: 0, max: 31 }).map((b) => d ^ (1n << BigInt(b))));
    }
    return optionArb(o);
  };
  return fc.record({
    kind: fc.constant(kind),
    type: fc.constant('hvm' as const),
    bios: fc.constant('ovmf' as const),
    values: fc.record(Object.fromEntries(mine.map((o) => [o.key, arb(o)])), { requiredKeys: [] }) as fc.Arbitrary<Case['values']>,
  });
}

const randomArb: fc.Arbitrary<Case> = fc.record({
  kind: fc.integer({ min: 0, max: rules.kinds.length - 1 }),
  type: fc.constantFrom('hvm', 'hvm', 'hvm', 'pv', 'pvh'),
  bios: fc.constantFrom('ovmf', 'ovmf', 'ovmf', 'seabios', 'rombios', undefined),
  values: fc.record(Object.fromEntries(rules.options.map((o) => [o.key, optionArb(o)])), { requiredKeys: [] }) as fc.Arbitrary<Case['values']>,
});

const caseArb: fc.Arbitrary<Case> = fc.oneof(randomArb, fc.integer({ min: 1, max: rules.kinds.length - 1 }).chain(plausibleArb));

function xlText(c: Case): string {
  const lines = [`type = "${c.type}"`];
  if (c.bios) lines.push(`bios = "${c.bios}"`);
  const kind = rules.kinds[c.kind]!;
  if (kind.name !== 'none' || c.kind % 2 === 0) lines.push(`coco = "${kind.name}"`);
  for (const o of rules.options) {
    const v = c.values[o.key];
    if (v === undefined) continue;
    if (o.type === 'base64') lines.push(`${o.key} = "${v}"`);
    else if (o.type === 'boolean') lines.push(`${o.key} = ${v ? 1 : 0}`);
    else if (o.type === 'policy') lines.push(`${o.key} = 0x${(v as bigint).toString(16)}`);
    else lines.push(`${o.key} = ${v}`);
  }
  return `${lines.join('\n')}\n`;
}

function harnessInput(c: Case): string {
  const kind = rules.kinds[c.kind]!;
  const lines = [`type=${c.type}`, `bios=${c.bios ?? 'seabios'}`, `coco=${kind.value}`];
  for (const o of rules.options) {
    const v = c.values[o.key];
    if (v === undefined) continue;
    if (o.type === 'boolean') lines.push(`${o.field}=${v ? 1 : 0}`);
    else if (o.type === 'policy') lines.push(`${o.field}=0x${(v as bigint).toString(16)}`);
    else lines.push(`${o.field}=${v}`);
  }
  return `${lines.join('\n')}\nend\n`;
}

/** What the harness must print for a case, by the TS checker. */
function tsExpected(c: Case): string {
  const r = checkXlConfigText(xlText(c), 'cross.cfg', rules);
  const out = r.errors.map((e) => e.message);
  out.push(`rc=${r.ok ? 0 : -6}`);
  const kind = rules.kinds[c.kind]!;
  if (r.ok && kind.policy !== null) {
    const b = (key: string, dflt: boolean) => {
      const o = rules.options.find((x) => x.key === key)!;
      if (!o.kinds.includes(kind.name)) return 0;
      const v = c.values[key];
      return (v === undefined ? dflt : v) ? 1 : 0;
    };
    const pol = (c.values.coco_policy as bigint | undefined) ?? kind.policy.defaultValue;
    out.push(`policy=0x${pol.toString(16)} author_key=${b('coco_author_key', false)} vcek=${b('coco_vcek', true)}`);
    out.push('again=0');
  }
  out.push('--');
  return out.join('\n');
}

describe('coco rule set: generated libxl C vs TS checker', () => {
  let harness = '';

  beforeAll(async () => {
    const root = generateInto(projectModel());
    const dir = tempDir('coco-cross');
    // Built by every compiler (strict flags); gcc's binary runs the matrix.
    for (const cc of await compilers()) {
      const out = join(dir, `coco_harness_${cc}`);
      const r = await execa(cc, [...STRICT_FLAGS, '-O1', `-I${join(root, 'generated/libxl')}`, join(REPO_ROOT, 'test/c/coco_harness.c'), '-o', out], { reject: false, all: true });
      if (r.exitCode !== 0) throw new Error(`harness does not compile with ${cc}:\n${r.all}`);
      if (cc === 'gcc') harness = out;
    }
  });

  it('agree on a generated matrix of configurations', async () => {
    const cases = fc.sample(caseArb, { numRuns: 3000, seed: 20250521 });
    // A few fixed corners the sampler might miss.
    for (let kind = 0; kind < rules.kinds.length; kind++) cases.push({ kind, type: 'hvm', bios: 'ovmf', values: {} });
    const r = await execa(harness, [], { input: cases.map(harnessInput).join(''), all: true, maxBuffer: 64 * 1024 * 1024 });
    const got = r.stdout.replace(/\n?--$/, '').split('\n--\n');
    const want = cases.map(tsExpected).map((s) => s.replace(/\n--$/, ''));
    expect(got.length).toBe(cases.length);
    let errorsSeen = 0;
    for (let i = 0; i < cases.length; i++) {
      if (got[i] !== want[i]) {
        expect({ config: xlText(cases[i]!), c: got[i] }).toEqual({ config: xlText(cases[i]!), c: want[i] });
      }
      if (!want[i]!.startsWith('rc=')) errorsSeen++;
    }
    // The matrix must exercise both outcomes, or it proves little.
    expect(errorsSeen).toBeGreaterThan(cases.length / 4);
    expect(cases.length - errorsSeen).toBeGreaterThan(20);
  });
});
