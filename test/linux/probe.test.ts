// Unit tests of the Linux cross-check machinery that need no Linux headers.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CheckResult, checkVectorWords, classifyFailure, compareValue, dropSignExtension, summarize } from './compare.ts';
import { loadInput } from './crosscheck.ts';
import { type Check, buildChecks, parseDiagnostics, parseProbeAsm, renderProbeSource } from './probe.ts';

const here = dirname(fileURLToPath(import.meta.url));

describe('parseProbeAsm', () => {
  it('reads the marked immediates, negative ones modulo 2^64, and ignores the rest', () => {
    const asm = [
      '\t.text',
      '\t.globl\txsc_probe_0',
      'xsc_probe_0:',
      '# /tmp/x/probe.c:5: void xsc_probe_0(void) { asm volatile("\\n.ascii \\"@@xsc 0 %0\\"" ...',
      '#APP',
      '# 5 "/tmp/x/probe.c" 1',
      '\t',
      '.ascii "@@xsc 0 $4096"\t#',
      '# 0 "" 2',
      '#NO_APP',
      '.ascii "@@xsc 1 $-1"',
      '.ascii "@@xsc 2 $-9223372036854775808"',
      '  .ascii "@@xsc 3 0x72"',
      '.ascii "->other 5 $7"',
      '\tret',
    ].join('\n');
    const v = parseProbeAsm(asm);
    expect([...v.entries()]).toEqual([
      [0, 4096n],
      [1, 0xffff_ffff_ffff_ffffn],
      [2, 0x8000_0000_0000_0000n],
      [3, 0x72n],
    ]);
  });

  it('rejects two different values for one probe', () => {
    expect(() => parseProbeAsm('.ascii "@@xsc 1 $1"\n.ascii "@@xsc 1 $2"\n')).toThrow(/two different values/);
  });
});

describe('parseDiagnostics', () => {
  it('maps errors to the probe function gcc names, including errors located in headers', () => {
    const stderr = [
      "/tmp/p/probe.c: In function 'xsc_probe_3':",
      "/tmp/p/probe.c:20:150: error: 'SEV_CMD_SNP_INIT' undeclared (first use in this function); did you mean 'SEV_CMD_INIT'?",
      '/tmp/p/probe.c:20:150: note: each undeclared identifier is reported only once for each function it appears in',
      "/tmp/p/probe.c: In function 'xsc_probe_9':",
      "/tmp/p/probe.c:26:140: error: 'struct ghcb_save_area' has no member named 'nosuch'",
      'In file included from /tmp/p/probe.c:8:',
      "/usr/src/h/arch/x86/include/asm/svm.h: In function 'xsc_probe_12':",
      "/usr/src/h/arch/x86/include/asm/svm.h:10:20: error: 'BAR' undeclared (first use in this function)",
      "/tmp/p/probe.c:29:1: note: in expansion of macro 'FOO'",
      "/tmp/p/probe.c:29:1: error: second error of the same probe",
      'make[1]: *** [Makefile.build:118: /tmp/p/probe.s] Error 1',
    ].join('\n');
    const d = parseDiagnostics(stderr);
    expect([...d.failed.keys()]).toEqual([3, 9, 12]);
    expect(d.failed.get(9)).toMatch(/has no member named 'nosuch'/);
    expect(d.failed.get(12)).toMatch(/'BAR' undeclared/);
    expect(d.unattributed).toEqual([]);
  });

  it('reports errors outside probe functions as unattributed', () => {
    const stderr = [
      'In file included from /tmp/p/probe.c:4:',
      "/usr/src/h/arch/x86/include/asm/sev.h:159:40: error: unknown type name 'pgd_t'",
      "/tmp/p/probe.c: In function 'xsc_probe_0':",
      "/tmp/p/probe.c:12:1: error: 'X' undeclared (first use in this function)",
      '/tmp/p/probe.c: At top level:',
      '/tmp/p/probe.c:40:1: error: expected declaration',
    ].join('\n');
    const d = parseDiagnostics(stderr);
    expect([...d.failed.keys()]).toEqual([0]);
    expect(d.unattributed).toHaveLength(2);
  });
});

describe('buildChecks / renderProbeSource', () => {
  const input = loadInput(join(here, 'fixtures/layouts.json'), join(here, 'fixtures/constants.json'), join(here, 'known-differences.json'));
  const checks = buildChecks(input.layouts, input.constants);
  const byId = (id: string): Check => {
    const c = checks.find((x) => x.id === id);
    if (c === undefined) throw new Error(`no check ${id}`);
    return c;
  };

  it('makes one check per struct size, two per field, one per bit and constant with a linux ref', () => {
    expect(byId('struct ghcb_save_area size').expr).toBe('sizeof(struct ghcb_save_area)');
    expect(byId('field ghcb_save_area.rax offset')).toMatchObject({ ours: 0x1f8n, expr: '__builtin_offsetof(struct ghcb_save_area, rax)' });
    expect(byId('field ghcb_save_area.valid_bitmap_1 size').expr).toBe('sizeof(((struct ghcb_save_area *)0)->valid_bitmap[1])');
    expect(byId('field ghcb_save_area.cpl offset').ours).toBe(0xcbn);
    expect(byId('constant SVM_EXIT_ERR').ours).toBe(0xffff_ffff_ffff_ffffn);
    expect(byId('bit ghcb_msr_cpuid_req.function')).toMatchObject({ ours: 0xffff_ffff_0000_0000n, bit: { lsb: 32, msb: 63 } });
    expect(checks.some((c) => c.id.startsWith('field ghcb_save_area.reserved_0x0'))).toBe(false);
    expect(byId('constant XSC_FIXTURE_BAD_REF')).toMatchObject({ expr: undefined });
    expect(checks.map((c) => c.index)).toEqual(checks.map((_, i) => i));
  });

  it('renders one function per check on its own line', () => {
    const src = renderProbeSource(checks, ['asm/svm.h']);
    expect(src).toContain('#include <asm/svm.h>');
    const c = byId('constant SVM_EXIT_CPUID');
    const line = src.split('\n').find((l) => l.includes(`xsc_probe_${c.index}(void) {`));
    expect(line).toBe(
      `void xsc_probe_${c.index}(void); void xsc_probe_${c.index}(void) { asm volatile("\\n.ascii \\"@@xsc ${c.index} %0\\"" :: "i"((unsigned long long)(SVM_EXIT_CPUID))); }`,
    );
    // One probe function per check that has an expression, each on its own
    // line, in order; the fixture's name Linux lacks (XSC_FIXTURE_BAD_REF) gets none.
    const defs = [...src.matchAll(/^void xsc_probe_(\d+)\(void\); void xsc_probe_\1\(void\) \{/gm)].map((m) => Number(m[1]));
    expect(defs).toEqual(checks.filter((k) => k.expr !== undefined).map((k) => k.index));
    expect(defs).not.toContain(byId('constant XSC_FIXTURE_BAD_REF').index);
    expect(defs.length).toBe(checks.length - 1);
  });
});

describe('compare', () => {
  const bit = (lsb: number, msb: number): Check => ({
    index: 0,
    id: 'bit l.b',
    kind: 'bit',
    module: undefined,
    ours: ((1n << BigInt(msb - lsb + 1)) - 1n) << BigInt(lsb),
    linuxName: 'B',
    expr: 'B',
    bit: { lsb, msb, width: 64 },
  });

  it('accepts a bit macro holding the mask, the bit number or the unshifted field mask', () => {
    expect(compareValue(bit(3, 3), 8n)).toEqual({ status: 'equal', linux: 8n, matchedAs: 'mask' });
    expect(compareValue(bit(3, 3), 3n)).toEqual({ status: 'equal', linux: 3n, matchedAs: 'bit number' });
    expect(compareValue(bit(30, 31), 30n)).toMatchObject({ status: 'equal', matchedAs: 'bit number' });
    expect(compareValue(bit(32, 63), 0xffff_ffffn)).toMatchObject({ status: 'equal', matchedAs: 'unshifted field mask' });
    expect(compareValue(bit(3, 3), 4n)).toEqual({ status: 'different', linux: 4n });
  });

  it('accepts a bit number in a vector of words when all bits of the layout agree on the word', () => {
    const b = (name: string, lsb: number): Check => ({ ...bit(lsb, lsb), id: `bit l.${name}`, layout: 'l', bit: { lsb, msb: lsb, width: 32 } });
    const results: CheckResult[] = [
      { check: b('a', 0), outcome: compareValue(b('a', 0), 96n) },
      { check: b('b', 18), outcome: compareValue(b('b', 18), 114n) },
      { check: b('c', 0), outcome: compareValue(b('c', 0), 128n) },
    ];
    expect(results[0]?.outcome).toMatchObject({ status: 'equal', matchedAs: 'vector bit number', word: 3 });
    expect(results[2]?.outcome).toMatchObject({ status: 'equal', word: 4 });
    checkVectorWords(results);
    expect(results.map((r) => r.outcome.status)).toEqual(['equal', 'equal', 'different']);
  });

  it('drops the sign extension of a C int', () => {
    expect(dropSignExtension(0xffff_ffff_8000_0000n, 32)).toBe(0x8000_0000n);
    expect(dropSignExtension(0xffff_ffff_ffff_ffffn, 32)).toBe(0xffff_ffffn);
    expect(dropSignExtension(0x1_8000_0000n, 32)).toBe(0x1_8000_0000n);
    expect(dropSignExtension(0xffff_ffff_8000_0000n, 64)).toBe(0xffff_ffff_8000_0000n);
    expect(compareValue(bit(31, 31), 0xffff_ffff_8000_0000n)).toMatchObject({ status: 'equal', matchedAs: 'mask', signExtended: true });
    const k: Check = { index: 0, id: 'constant K', kind: 'constant', module: undefined, ours: 0x8000_0000n, linuxName: 'K', expr: 'K' };
    expect(compareValue(k, 0xffff_ffff_8000_0000n)).toMatchObject({ status: 'equal', signExtended: true });
  });

  it('classifies compiler failures', () => {
    const field: Check = { index: 1, id: 'field s.f offset', kind: 'field-offset', module: undefined, ours: 0n, linuxName: 'sev_x.f', linuxStruct: 'sev_x', expr: 'e' };
    const none = new Map();
    expect(classifyFailure(field, "'struct sev_x' has no member named 'f'", none, () => true)).toMatchObject({ status: 'missing' });
    expect(classifyFailure(field, 'attempt to take address of bit-field', none, () => true)).toMatchObject({ status: 'uncomparable', blocking: false });
    expect(classifyFailure(field, 'invalid use of undefined type', none, () => false)).toMatchObject({ status: 'missing', reason: 'no struct sev_x' });
    const konst: Check = { index: 2, id: 'constant A', kind: 'constant', module: undefined, ours: 1n, linuxName: 'A', expr: 'A' };
    expect(classifyFailure(konst, "'A' undeclared", none, () => true)).toMatchObject({ status: 'missing' });
    const fnLike = new Map([['A', [{ file: 'x.h', line: 1, how: 'function-like macro' as const }]]]);
    expect(classifyFailure(konst, "'A' undeclared", fnLike, () => true)).toMatchObject({ status: 'uncomparable', blocking: false });
    const elsewhere = new Map([['A', [{ file: 'y.h', line: 2, how: 'macro' as const }]]]);
    expect(classifyFailure(konst, "'A' undeclared", elsewhere, () => true)).toMatchObject({ status: 'uncomparable', blocking: true });
  });

  it('applies the allow-list and finds stale entries', () => {
    const c = (id: string, ours: bigint): Check => ({ index: 0, id, kind: 'constant', module: undefined, ours, linuxName: id, expr: id });
    const results: CheckResult[] = [
      { check: c('constant A', 1n), outcome: { status: 'different', linux: 2n } },
      { check: c('constant B', 1n), outcome: { status: 'different', linux: 3n } },
      { check: c('constant C', 1n), outcome: { status: 'equal', linux: 1n } },
      { check: c('constant D', 5n), outcome: { status: 'different', linux: 6n } },
    ];
    const spec = { doc: '55766', rev: '3.24', section: 'Table 1' };
    const rep = summarize(results, [
      { item: 'constant A', ours: 1, linux: '0x2', spec, why: 'x' },
      { item: 'constant C', ours: 1, linux: 2, spec, why: 'now equal' },
      { item: 'constant D', ours: 5, linux: 7, spec, why: 'Linux changed' },
      { item: 'constant E', ours: 5, linux: 7, spec, why: 'gone' },
    ]);
    expect(rep.compared).toBe(4);
    expect(rep.equal).toBe(1);
    expect(rep.accepted.map((r) => r.check.id)).toEqual(['constant A']);
    expect(rep.unexpected.map((r) => r.check.id)).toEqual(['constant B', 'constant D']);
    expect(rep.stale.map((s) => s.entry.item)).toEqual(['constant C', 'constant D', 'constant E']);
  });
});
