// xen-sev coverage: items from the model, the generated/tests/xen columns,
// summaries, Markdown, --diff, and the CLI's JSON shape.
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { emitCoverageDoc } from '../../generators/emit/docs/emit.ts';
import { diffReports, readReport } from '../../lib/coverage/diff.ts';
import { coverageInputs, generatedFiles } from '../../lib/coverage/inputs.ts';
import { collectItems } from '../../lib/coverage/items.ts';
import { renderHtml } from '../../lib/coverage/html.ts';
import { renderMarkdown } from '../../lib/coverage/markdown.ts';
import { buildReport } from '../../lib/coverage/report.ts';
import type { CoverageItem, CoverageReport } from '../../lib/coverage/types.ts';
import { readXenTree } from '../../lib/coverage/xen.ts';
import { UserError } from '../../lib/errors.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { testTempDir } from '../helpers/tmp.ts';

const model = projectModel();
const report = buildReport(coverageInputs(model, null));
const byId = (r: CoverageReport, id: string): CoverageItem => {
  const i = r.items.find((x) => x.id === id);
  if (i === undefined) throw new Error(`no item ${id}`);
  return i;
};
const noTests = { testFiles: [], layoutProbe: null, linuxCrosscheck: false, ghcbCrosstest: null };

/**
 * An earlier report with three differences the test itself made, so diff
 * expectations come from the test, not from comparing a report with itself:
 * snp_status.INVALID_KEY absent (1 added now), a made-up sev_status.GONE
 * (1 removed now), and sev_status.INVALID_CONFIG's tests flag flipped (1 change).
 */
function olderReport(): { old: CoverageReport; flipped: CoverageItem } {
  const old: CoverageReport = JSON.parse(JSON.stringify(report));
  old.items = old.items.filter((i) => i.id !== 'status_code:snp_status.INVALID_KEY');
  old.items.push({ ...old.items[0]!, id: 'status_code:sev_status.GONE', name: 'sev_status.GONE' });
  const flipped = old.items.find((i) => i.id === 'status_code:sev_status.INVALID_CONFIG')!;
  flipped.tests = !flipped.tests;
  return { old, flipped };
}

describe('coverage items', () => {
  it('classifies SVM exit codes as the GHCB spec does for an SEV-ES guest', () => {
    // 56421 rev 2.03, Table 6 (List of Supported Non-Automatic Events), the
    // rows with an SVM exit code: DR7 read and write, RDTSC, RDPMC, CPUID,
    // INVD, IOIO, MSR, VMMCALL, RDTSCP, WBINVD, MONITOR, MWAIT. APM vol. 2,
    // 15.35.4 (Automatic Exits): INTR (0x60), NMI (0x61) and NPF (0x400).
    const nae = [0x27, 0x37, 0x6e, 0x6f, 0x72, 0x76, 0x7b, 0x7c, 0x81, 0x87, 0x89, 0x8a, 0x8b].map((v) => `0x${v.toString(16)}`);
    const exits = report.items.filter((i) => i.kind === 'exit_code');
    expect(exits.filter((i) => i.sevEs === 'nae').map((i) => i.value).sort()).toEqual([...nae].sort());
    for (const v of ['0x60', '0x61', '0x400']) expect(exits.find((i) => i.value === v)?.sevEs, v).toBe('ae');
    expect(exits.every((i) => i.sevEs !== null)).toBe(true);
    expect(report.items.filter((i) => i.kind !== 'exit_code').every((i) => i.sevEs === null)).toBe(true);
    expect(renderMarkdown(report)).toContain(`${nae.length} are NAE events the guest requests by VMGEXIT`);
  });

  it('has one row per status code, with the value the SEV API and SNP ABI give', () => {
    // SEV API (55766) status codes: 0x01 INVALID_PLATFORM_STATE, 0x13 HWERROR_PLATFORM; SNP ABI (56860) 0x03 INVALID_CONFIG.
    expect(byId(report, 'status_code:sev_status.INVALID_PLATFORM_STATE')).toMatchObject({ value: '0x1', spec: '55766', kind: 'status_code' });
    expect(byId(report, 'status_code:sev_status.HWERROR_PLATFORM').value).toBe('0x13');
    expect(byId(report, 'status_code:snp_status.INVALID_CONFIG')).toMatchObject({ value: '0x3', spec: '56860' });
  });

  it('gives fields their offset (APM vol. 2 table B-1: EXITCODE at 0x70) and GHCB MSR codes their GHCBInfo (56421: CPUID request 0x004)', () => {
    expect(byId(report, 'vmcb_field:vmcb_control_area.exit_code').value).toBe('0x070');
    expect(byId(report, 'ghcb_msr_code:ghcb_msr_info.CPUID_REQ').value).toBe('0x4');
    // SEV_STATUS MSR (APM vol. 2, 15.34.10): SNP active is bit 2.
    expect(byId(report, 'cpuid_msr_bit:msr_sev_status.snp_enabled').value).toBe('bit 2');
  });

  it('ids are unique and reserved fields and bits have no row', () => {
    const ids = report.items.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.some((id) => /\.reserved/.test(id))).toBe(false);
  });

  it('includes every kind the issue names, including xl.cfg options from schema/coco-config.ts', () => {
    const kinds = new Set(report.items.map((i) => i.kind));
    for (const k of ['firmware_command', 'status_code', 'policy_bit', 'nae_event', 'exit_code', 'ghcb_msr_code', 'vmcb_field', 'vmsa_field', 'sev_feature', 'cpuid_msr_bit', 'xlcfg_option']) {
      expect(kinds).toContain(k);
    }
    expect(report.items.filter((i) => i.kind === 'xlcfg_option').map((i) => i.name)).toEqual(expect.arrayContaining(['coco', 'coco_policy', 'coco_id_block']));
    expect(report.summary.omitted).toEqual([]);
  });

  it('has rows for the firmware structures and flag words, with their offsets and citations', () => {
    // PAGE_INFO (56860, SNP_LAUNCH_UPDATE): VMPL1_PERMS at 0x65; PLATFORM_INFO TIO_EN is bit 7 (56860 rev 1.58);
    // the secrets page's SVSM calling area at 0x150 (58019).
    expect(byId(report, 'firmware_field:snp_page_info.vmpl1_perms')).toMatchObject({ value: '0x065', spec: '56860' });
    expect(byId(report, 'firmware_bit:snp_platform_info.tio_en')).toMatchObject({ value: 'bit 7', spec: '56860' });
    expect(byId(report, 'firmware_bit:snp_platform_info.tio_en').section).toMatch(/^AMD 56860 rev 1\.58\b/);
    expect(byId(report, 'firmware_field:snp_secrets_page.svsm_caa')).toMatchObject({ value: '0x150', spec: '58019' });
    // The GHCB and VMCB keep their own kinds.
    expect(report.items.some((i) => i.kind === 'firmware_field' && i.name.startsWith('ghcb'))).toBe(false);
  });

  it('without the xl.cfg surface the kind is left out and the summary says why', () => {
    const r = buildReport({ model, xl: null, xlMissing: 'schema/coco-config.ts does not exist yet', generated: [], tests: noTests, xen: null });
    expect(r.items.some((i) => i.kind === 'xlcfg_option')).toBe(false);
    expect(r.summary.omitted).toEqual([{ kind: 'xlcfg_option', why: 'schema/coco-config.ts does not exist yet' }]);
  });
});

describe('generated column', () => {
  it('finds a field in the header whose struct has it, not in every file that says "rip"', () => {
    const rip = byId(report, 'vmcb_field:vmcb_save_area.rip');
    expect(rip.generated).toContain('generated/c/vmcb.h');
    expect(rip.generated).not.toContain('generated/c/ghcb.h');
    expect(byId(report, 'ghcb_field:ghcb_save_area.sw_exit_code').generated).toEqual(
      expect.arrayContaining(['generated/c/ghcb.h', 'generated/json/layouts.json']),
    );
  });

  it('finds macros by their generated names, and finds nothing in an empty generation', () => {
    expect(byId(report, 'status_code:sev_status.INVALID_PLATFORM_STATE').generated).toContain('generated/c/sev-api.h');
    expect(byId(report, 'policy_bit:snp_guest_policy.debug').generated).toContain('generated/c/snp-abi.h');
    expect(byId(report, 'xlcfg_option:coco_policy').generated).toContain('generated/libxl/xl_parse.c');
    const empty = buildReport({ model, xl: null, generated: [], tests: noTests, xen: null });
    expect(empty.items.every((i) => i.generated.length === 0)).toBe(true);
  });
});

describe('tests column', () => {
  const base = { model, xl: null, generated: generatedFiles(model), xen: null };

  it('counts a test file that names the identifier, and nothing else', () => {
    const r = buildReport({
      ...base,
      tests: { ...noTests, testFiles: [{ path: 'test/vectors/fw.json', contents: '{"status": "SEV_STATUS_INVALID_PLATFORM_STATE"}' }] },
    });
    expect(byId(r, 'status_code:sev_status.INVALID_PLATFORM_STATE')).toMatchObject({ tests: true, testedBy: ['test:test/vectors/fw.json'] });
    expect(byId(r, 'status_code:sev_status.INVALID_GUEST_STATE').tests).toBe(false);
    expect(r.items.filter((i) => i.tests)).toHaveLength(1);
  });

  it('splits what it counts: outside tables (test/spec/) and the Linux cross-check are cross-checks, other tests are behaviour, drift checks are neither', () => {
    const name = (path: string) => ({ path, contents: 'SEV_STATUS_INVALID_GUEST_STATE SEV_STATUS_INACTIVE SEV_STATUS_ACTIVE' });
    const only = (path: string) => buildReport({ ...base, tests: { ...noTests, testFiles: [name(path)] } });
    expect(byId(only('test/spec/status.test.ts'), 'status_code:sev_status.INACTIVE')).toMatchObject({ tests: true, crossChecked: true, behaviour: false });
    expect(byId(only('test/unit/fw.test.ts'), 'status_code:sev_status.INACTIVE')).toMatchObject({ tests: true, crossChecked: false, behaviour: true });
    expect(byId(only('test/generate-check.test.ts'), 'status_code:sev_status.INACTIVE')).toMatchObject({ tests: false, crossChecked: false, behaviour: false });
    const linux = buildReport({ ...base, tests: { ...noTests, linuxCrosscheck: true } });
    expect(byId(linux, 'status_code:sev_status.INACTIVE')).toMatchObject({ crossChecked: true, behaviour: false });
    // The probe compares the headers with the model: it counts for neither.
    const probe = buildReport({ ...base, tests: { ...noTests, layoutProbe: 'int main(void)\n{\n    C(SEV_STATUS_INACTIVE);\n}\n' } });
    expect(byId(probe, 'status_code:sev_status.INACTIVE')).toMatchObject({ tests: false, crossChecked: false, behaviour: false });
    // The summary counts the two separately: 3 named items in one behaviour file.
    const row = only('test/unit/fw.test.ts').summary.byKind.find((r) => r.key === 'status_code')!;
    expect(row).toMatchObject({ tests: 3, crossChecked: 0, behaviour: 3 });
  });

  it('reads JSON vectors for the values they use: sw_exit_code, MSR protocol codes, GHCB fields', () => {
    // CPUID is exit code 0x72 (APM vol. 2 table C-1); GHCB MSR code 0x004 is the CPUID request (56421 2.3.1).
    const vec = {
      path: 'test/vectors/x.json',
      contents: JSON.stringify({ about: 'GHCB pages', pages: [{ fields: { sw_exit_code: '0x72', sw_scratch: '0x0' } }], msr: [{ layout: 'ghcb_msr_cpuid_req', code: '0x4' }] }),
    };
    const r = buildReport({ ...base, tests: { ...noTests, testFiles: [vec] } });
    expect(byId(r, 'exit_code:svm_exit_code.CPUID').testedBy).toEqual(['vectors:test/vectors/x.json']);
    expect(byId(r, 'ghcb_msr_code:ghcb_msr_info.CPUID_REQ').testedBy).toEqual(['vectors:test/vectors/x.json']);
    expect(byId(r, 'ghcb_field:ghcb_save_area.sw_scratch').testedBy).toEqual(['vectors:test/vectors/x.json']);
    expect(byId(r, 'ghcb_field:ghcb_save_area.rax').tests).toBe(false);
    expect(byId(r, 'exit_code:svm_exit_code.IOIO').tests).toBe(false);
  });

  it('lists the layout probe but does not count it (it checks the headers against the model itself)', () => {
    const probe = 'int main(void)\n{\n    F(vmcb_control_area, exit_code);\n    C(SEV_STATUS_INVALID_CONFIG);\n}\n';
    const r = buildReport({ ...base, tests: { ...noTests, layoutProbe: probe } });
    expect(byId(r, 'vmcb_field:vmcb_control_area.exit_code')).toMatchObject({ tests: false, testedBy: ['layout-probe'] });
    expect(byId(r, 'status_code:sev_status.INVALID_CONFIG').testedBy).toEqual(['layout-probe']);
  });

  it('counts the Linux cross-check only for items with a Linux name (fields only when the struct has one too)', () => {
    const r = buildReport({ ...base, tests: { ...noTests, linuxCrosscheck: true } });
    for (const i of r.items) expect(i.testedBy.includes('linux-crosscheck')).toBe(i.linux !== null && (i.identifiers[0]!.includes('.') ? model.structs.get(i.identifiers[0]!.split('.')[0]!)!.linux !== null : true));
  });

  it('the repository report sees the real suites', () => {
    // test/linux-crosscheck.test.ts exists in this repository: the SEV status codes all name their Linux macro.
    expect(byId(report, 'status_code:sev_status.INVALID_PLATFORM_STATE').testedBy).toContain('linux-crosscheck');
  });
});

describe('summary and Markdown', () => {
  it('summary counts are the item counts', () => {
    for (const row of report.summary.byKind) {
      const of = report.items.filter((i) => i.kind === row.key);
      expect(row.total).toBe(of.length);
      expect(row.tests).toBe(of.filter((i) => i.tests).length);
      expect(row.generated).toBe(of.filter((i) => i.generated.length > 0).length);
    }
    expect(report.summary.bySpec.reduce((n, r) => n + r.total, 0)).toBe(report.items.length);
  });

  it('Markdown has the summary tables and gaps and no date', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('| AMD 55766 rev 3.24 |');
    expect(md).toContain('| Firmware status code |');
    expect(md).toContain('## Notable gaps');
    expect(md).not.toMatch(/20\d\d-\d\d-\d\d/);
    expect(md.split('\n').length).toBeLessThan(90);
  });

  it('Markdown lists what implementations use beyond the cited documents, with the source', () => {
    // coconut-svsm kernel/src/sev/ghcb.rs GHCBExitCode: SPECIFIC_EOI = 0x8000_001D.
    const md = renderMarkdown(report);
    expect(md).toContain('## Used by implementations, not defined by the cited documents');
    expect(md).toMatch(/^- VMGEXIT exit code 0x8000_001D \(SPECIFIC_EOI\): not in AMD 56421 rev 2\.03.*coconut-svsm\/svsm:kernel\/src\/sev\/ghcb\.rs/m);
  });

  it('drift check, not behaviour: two builds of the report render the same Markdown', () => {
    // Protects generate --check from a report that varies between runs (map order, dates).
    expect(renderMarkdown(buildReport(coverageInputs(model, null)))).toBe(renderMarkdown(report));
  });

  it('the docs emitter writes generated/docs/coverage.md with the banner', () => {
    const [f] = emitCoverageDoc(model);
    expect(f!.path).toBe('generated/docs/coverage.md');
    expect(f!.contents).toContain('Generated by xen-sev-codegen (generators/emit/docs)');
    expect(f!.contents).toContain('npm run generate');
  });
});

describe('HTML', () => {
  it('is one self-contained page embedding the report items, with the diff summary when given', () => {
    const html = renderHtml(report, diffReports(olderReport().old, report));
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(html).toContain("default-src 'none'");
    const data = /<script type="application\/json" id="coverage-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(JSON.parse(data).items).toEqual(JSON.parse(JSON.stringify(report.items)));
    expect(html).toContain('<summary>1 added, 1 removed, 1 status changes</summary>');
  });
});

describe('--xen against a fixture tree', () => {
  // A fixture of a few C files, not Xen: one uses Xen's name for an exit code,
  // one defines Xen's VMCB struct, one uses a generated macro, one has bare words.
  const dir = testTempDir('fake-xen');
  mkdirSync(join(dir, 'xen/arch/x86/hvm/svm'), { recursive: true });
  mkdirSync(join(dir, 'xen/drivers/crypto'), { recursive: true });
  writeFileSync(join(dir, 'xen/arch/x86/hvm/svm/svm.c'), 'void f(int c)\n{\n    if ( c == VMEXIT_CPUID )\n        return;\n}\n');
  writeFileSync(join(dir, 'xen/arch/x86/hvm/svm/vmcb.h'), 'struct vmcb_struct {\n    u64 exitcode; /* 0x70 */\n    union { struct { u64 exitinfo1; u64 exitinfo2; }; };\n};\n');
  writeFileSync(join(dir, 'xen/drivers/crypto/psp.c'), '#include "sev-api.h"\nint g(int s) { return s == SEV_STATUS_INVALID_PLATFORM_STATE; }\n');
  writeFileSync(join(dir, 'xen/drivers/crypto/words.c'), '/* SEV CPUID rip exit_code */\nint rip, SEV;\n');
  const tree = readXenTree(dir, collectItems(model, null));
  const r = buildReport({ ...coverageInputs(model, tree) });

  it('matches by generated identifier, by Xen name and by Xen struct member, and says which', () => {
    expect(byId(r, 'status_code:sev_status.INVALID_PLATFORM_STATE').xenMatch).toEqual([
      { how: 'generated', identifier: 'SEV_STATUS_INVALID_PLATFORM_STATE', file: 'xen/drivers/crypto/psp.c' },
    ]);
    expect(byId(r, 'exit_code:svm_exit_code.CPUID').xenMatch).toEqual([{ how: 'xen-name', identifier: 'VMEXIT_CPUID', file: 'xen/arch/x86/hvm/svm/svm.c' }]);
    expect(byId(r, 'vmcb_field:vmcb_control_area.exit_code').xenMatch).toEqual([
      { how: 'member', identifier: 'vmcb_struct.exitcode', file: 'xen/arch/x86/hvm/svm/vmcb.h' },
    ]);
    expect(byId(r, 'vmcb_field:vmcb_control_area.exit_info_2').xen).toBe(true);
  });

  it('bare words and other items do not match', () => {
    expect(byId(r, 'vmcb_field:vmcb_save_area.rip').xen).toBe(false);
    expect(byId(r, 'status_code:sev_status.INVALID_GUEST_STATE').xen).toBe(false);
    expect(r.items.filter((i) => i.xen).map((i) => i.id).sort()).toEqual([
      'exit_code:svm_exit_code.CPUID',
      'status_code:sev_status.INVALID_PLATFORM_STATE',
      'vmcb_field:vmcb_control_area.exit_code',
      'vmcb_field:vmcb_control_area.exit_info_1',
      'vmcb_field:vmcb_control_area.exit_info_2',
    ]);
    expect(r.summary.xenTree).toEqual({ path: dir, files: 4 });
    expect(renderMarkdown(r)).toContain('| Xen |');
  });

  it('a path that is not a directory is a user error', () => {
    expect(() => readXenTree(join(dir, 'nope'), [])).toThrow(UserError);
  });
});

describe('--diff', () => {
  it('lists added, removed and changed items', () => {
    const { old, flipped: flip } = olderReport();
    const d = diffReports(old, report);
    expect(d.added.map((a) => a.id)).toEqual(['status_code:snp_status.INVALID_KEY']);
    expect(d.removed.map((a) => a.id)).toEqual(['status_code:sev_status.GONE']);
    expect(d.changed).toEqual([{ id: flip.id, name: flip.name, field: 'tests', from: flip.tests, to: !flip.tests }]);
  });

  it('an old report that is not a coverage report is a user error naming the file', () => {
    const dir = testTempDir('diff');
    writeFileSync(join(dir, 'bad.json'), '{"summary": {}}');
    expect(() => readReport(join(dir, 'bad.json'))).toThrow(/bad\.json: no "items" array/);
  });
});

describe('xen-sev coverage (CLI)', () => {
  const run = (...args: string[]) => execa('node', [join(REPO_ROOT, 'bin/xen-sev'), 'coverage', ...args], { reject: false, cwd: '/' });

  it('--format json has the shape the issue gives', async () => {
    const r = await run('--format', 'json');
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout) as CoverageReport;
    expect(j.items.length).toBe(report.items.length);
    for (const i of j.items) {
      expect(typeof i.id).toBe('string');
      expect(typeof i.spec).toBe('string');
      expect(typeof i.kind).toBe('string');
      expect(typeof i.name).toBe('string');
      expect(typeof i.schema).toBe('boolean');
      expect(Array.isArray(i.generated)).toBe(true);
      expect(typeof i.tests).toBe('boolean');
      expect(i.linux === null || typeof i.linux === 'string').toBe(true);
      expect(i.xen).toBeNull();
    }
    expect(j.summary.byKind.length).toBeGreaterThan(5);
  });

  it('--diff against an earlier report names what changed; bad input is one line and exit 2', async () => {
    const dir = testTempDir('cov');
    const old = join(dir, 'old.json');
    writeFileSync(old, JSON.stringify(olderReport().old));
    const d = await run('--diff', old);
    expect(d.stdout).toContain('1 added, 1 removed, 1 status changes');
    expect(d.stdout).toContain('snp_status.INVALID_KEY');
    expect(d.stdout).toContain('sev_status.GONE');
    const bad = await run('--format', 'xml');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(['xen-sev: coverage: --format xml: use one of md, html, json']);
    const missing = await run('--diff', join(dir, 'none.json'));
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('none.json: cannot read');
  });
});
