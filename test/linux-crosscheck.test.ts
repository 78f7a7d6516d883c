// Independent cross-check of the schema against Linux's own headers: every
// struct size, field offset/size, constant and bit that the schema maps to a
// Linux name (`linux: ...`) is evaluated by compiling a probe with the
// kernel's Kbuild against the installed linux-headers package, and compared
// with our value from generated/json. See test/linux/ for the machinery and
// test/linux/known-differences.json for the allow-list.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Report, formatReport } from './linux/compare.ts';
import { crosscheck, loadInput } from './linux/crosscheck.ts';
import { findLinuxHeaders } from './linux/kbuild.ts';

/** Fewer comparisons than this means the schema lost its Linux refs or the probe broke (1236 when first run against Linux 6.1). */
const MIN_COMPARED = 1000;
/** Kbuild compiles take a few seconds each; allow for slow CI machines. */
const TIMEOUT_MS = 180_000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const generatedLayouts = join(root, 'generated/json/layouts.json');
const generatedConstants = join(root, 'generated/json/constants.json');
const knownDifferences = join(root, 'test/linux/known-differences.json');
const fixtures = join(root, 'test/linux/fixtures');

const headers = findLinuxHeaders();
const inCI = process.env['CI'] === 'true';
const skip = headers === undefined && !inCI;
const skipNote = skip ? ' [SKIPPED: no Linux headers (/usr/src/linux-headers-*-amd64); apt-get install linux-headers-amd64]' : '';
if (skip) {
  console.log(
    'linux-crosscheck: skipped, no Linux headers are installed (looked for $LINUX_HEADERS_DIR and /usr/src/linux-headers-*-amd64).' +
      ' Install them with `apt-get install linux-headers-amd64`; under CI=true this is a failure.',
  );
}

/** Everything in a report that fails the check, one line each. */
function problems(rep: Report, minCompared: number): string[] {
  const p: string[] = [];
  for (const r of rep.unexpected) {
    const linux = r.outcome.status === 'different' ? `0x${r.outcome.linux.toString(16)}` : '?';
    p.push(`difference: ${r.check.id}: ours 0x${r.check.ours.toString(16)}, Linux ${r.check.linuxName} = ${linux}`);
  }
  for (const s of rep.stale) p.push(`stale known difference: ${s.entry.item}: ${s.now}`);
  for (const d of rep.duplicateKnown) p.push(`duplicate known difference: ${d}`);
  for (const r of rep.uncomparable) {
    if (r.outcome.status === 'uncomparable' && r.outcome.blocking) p.push(`not comparable: ${r.check.id}: ${r.outcome.reason}`);
  }
  if (rep.compared < minCompared) p.push(`only ${rep.compared} values compared (sanity floor ${minCompared})`);
  return p;
}

describe('Linux cross-check', () => {
  it.skipIf(skip)(`Linux headers are installed${skipNote}`, () => {
    expect(headers, 'no Linux headers found; CI must install them (apt-get install -y linux-headers-amd64)').toBeDefined();
  });

  it.skipIf(skip)(
    `the probe classifies the fixture correctly${skipNote}`,
    async () => {
      if (headers === undefined) throw new Error('no Linux headers installed');
      const input = loadInput(join(fixtures, 'layouts.json'), join(fixtures, 'constants.json'), join(fixtures, 'known-differences.json'));
      const { report } = await crosscheck(input, headers);
      const status = (id: string): string | undefined => report.results.find((r) => r.check.id === id)?.outcome.status;
      expect(status('field ghcb_save_area.rax offset')).toBe('equal');
      expect(status('field ghcb_save_area.valid_bitmap_1 offset')).toBe('equal');
      expect(status('field ghcb.protocol_version size')).toBe('equal');
      expect(status('constant SVM_EXIT_CPUID')).toBe('equal');
      expect(status('constant SVM_VMGEXIT_MMIO_READ')).toBe('equal');
      expect(status('constant SVM_EXIT_ERR')).toBe('equal');
      expect(status('constant SEV_RET_INVALID_LEN')).toBe('equal');
      expect(status('bit nested_ctl.sev_es_enable')).toBe('equal');
      expect(report.bitMatches).toEqual({ mask: 10, 'bit number': 1, 'unshifted field mask': 1, 'vector bit number': 2, 'extractor macro': 1 });
      expect(report.vectorWords.get('intercept_word3')).toBe(3);
      expect(report.signExtended).toBe(1);
      expect(status('bit int_ctl.avic_enable')).toBe('equal');
      expect(status('bits psc_entry_bits size')).toBe('equal');
      expect(status('bit psc_entry_bits.gfn')).toBe('equal');
      expect(report.unexpected.map((r) => r.check.id)).toEqual([
        'bit sev_info_resp.min_proto_wrong',
        'bit intercept_word3.vmrun_wrong_word',
        'constant XSC_FIXTURE_DIFFERENT',
      ]);
      expect(report.accepted.map((r) => r.check.id)).toEqual(['struct ghcb_save_area size']);
      expect(report.stale.map((s) => s.entry.item)).toEqual(['constant SVM_EXIT_VMGEXIT']);
      // Names this Linux lacks (later versions, or misspelt) are "missing", not failures.
      expect(status('constant SEV_CMD_XSC_FUTURE')).toBe('missing');
      expect(status('bit sev_features.xsc_future')).toBe('missing');
      expect(status('field ghcb_save_area.future_field offset')).toBe('missing');
      expect(status('struct snp_future_struct size')).toBe('missing');
      expect(status('field snp_future_struct.gctx_paddr size')).toBe('missing');
      const blocking = report.uncomparable.filter((r) => r.outcome.status === 'uncomparable' && r.outcome.blocking);
      expect(blocking.map((r) => r.check.id).sort()).toEqual(['constant XSC_FIXTURE_BAD_REF', 'constant XSC_FIXTURE_NOT_INCLUDED']);
      expect(status('constant XSC_FIXTURE_FUNCTION_LIKE')).toBe('uncomparable');
      expect(report.compared).toBe(report.equal + report.unexpected.length + report.accepted.length);
    },
    TIMEOUT_MS,
  );

  it.skipIf(skip)(
    `the generated schema agrees with Linux${skipNote}`,
    async () => {
      if (headers === undefined) throw new Error('no Linux headers installed (CI must apt-get install -y linux-headers-amd64)');
      for (const f of [generatedLayouts, generatedConstants]) {
        if (!existsSync(f)) throw new Error(`${f} does not exist: run \`npm run generate\` first`);
      }
      const input = loadInput(generatedLayouts, generatedConstants, knownDifferences);
      const { report, compiles } = await crosscheck(input, headers);
      console.log(`${formatReport(report, headers.release)}\n  (${compiles} Kbuild compiles, headers ${headers.buildDir})`);
      expect(problems(report, MIN_COMPARED)).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
