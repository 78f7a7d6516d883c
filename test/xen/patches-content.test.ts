// What the committed series says, checked against the AMD documents written
// out here by hand (APM vol. 2 Appendix B Table B-1 and Appendix C for the
// VMCB and exit codes; GHCB spec 56421 rev 2.03 section 2.3.1 for the MSR
// protocol), not against the model the series was built from. The Xen build
// (patches-check) then proves Xen's struct agrees with the BUILD_BUG_ON()s.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addedLines } from '../../lib/patches/lint.ts';
import { mailHeader, seriesDir, seriesFiles } from './patches-series.ts';

/** VMCB control-area fields the series' code uses, with their APM offsets. */
const APM_CONTROL_AREA: [string, number][] = [
  ['ghcb_gpa', 0xa0],
  ['vmsa_pa', 0x108], // Table B-1: VMSA pointer (SEV-ES), bits 51:12
];
const APM_EXIT_CODES: [string, number][] = [
  ['VMEXIT_VMGEXIT', 0x403],
  ['VMEXIT_EFER_WRITE_TRAP', 0x8f], // Appendix C: 8Fh EFER_WRITE_TRAP
  ['VMEXIT_CR0_WRITE_TRAP', 0x90], // 90h-9Fh CR[0-15]_WRITE_TRAP
  ['VMEXIT_CR4_WRITE_TRAP', 0x94],
];
/** Table B-1, offset 010h: bit 15 traps EFER writes, bits 16+n trap CRn writes. */
const APM_GENERAL2_BITS: [string, number][] = [
  ['GENERAL2_INTERCEPT_EFER_WRITE_TRAP', 15],
  ['GENERAL2_INTERCEPT_CR0_WRITE_TRAP', 16],
  ['GENERAL2_INTERCEPT_CR4_WRITE_TRAP', 20],
];
/** APM 7.10.1 / 15.34.1 / 15.35.1: CPUID Fn8000_001F fields the series uses. */
const APM_8000001F: Record<string, bigint> = {
  CPUID_8000001F_EAX_SEV_MASK: 1n << 1n,
  CPUID_8000001F_EAX_SEV_ES_MASK: 1n << 3n,
};

/**
 * The SEV-ES host state VMRUN does not save ("type B", stored by Xen before
 * VMRUN): APM 15.35, the host save area in VMSA format at offset 400h of the
 * host save area page (where a VMCB's state save area is, Table B-1), and the
 * VMSA offsets of XCR0, XSS and PKRU from Table B-4 (XSS 140h, PKRU 2E8h,
 * XCR0 3E8h).
 */
const APM_HOST_SAVE_AREA_OFFSET = 0x400;
const APM_VMSA_TYPE_B: [string, number][] = [
  ['xss', 0x140],
  ['pkru', 0x2e8],
  ['xcr0', 0x3e8],
];

/** 56421 2.3.1: GHCBInfo codes and the bit ranges of the messages the series answers. */
const GHCB_MSR_VALUES: Record<string, bigint> = {
  GHCB_MSR_GHCB_GPA: 0x000n,
  GHCB_MSR_SEV_INFO_RESP: 0x001n,
  GHCB_MSR_SEV_INFO_REQ: 0x002n,
  GHCB_MSR_CPUID_REQ: 0x004n,
  GHCB_MSR_CPUID_RESP: 0x005n,
  GHCB_MSR_AP_RESET_HOLD_REQ: 0x006n,
  GHCB_MSR_AP_RESET_HOLD_RESP: 0x007n,
  GHCB_MSR_HV_FT_REQ: 0x080n,
  GHCB_MSR_HV_FT_RESP: 0x081n,
  GHCB_MSR_TERM_REQ: 0x100n,
};
const bits = (msb: number, lsb: number): bigint => ((1n << BigInt(msb - lsb + 1)) - 1n) << BigInt(lsb);
const GHCB_MSR_MASKS: Record<string, bigint> = {
  GHCB_MSR_VALUE_GHCB_INFO_MASK: bits(11, 0),
  GHCB_MSR_SEV_INFO_RESP_GHCB_INFO_MASK: bits(11, 0),
  GHCB_MSR_SEV_INFO_RESP_CBIT_POS_MASK: bits(31, 24),
  GHCB_MSR_SEV_INFO_RESP_MIN_PROTO_MASK: bits(47, 32),
  GHCB_MSR_SEV_INFO_RESP_MAX_PROTO_MASK: bits(63, 48),
  GHCB_MSR_CPUID_REQ_REG_MASK: bits(31, 30),
  GHCB_MSR_CPUID_REQ_FUNCTION_MASK: bits(63, 32),
  GHCB_MSR_CPUID_RESP_GHCB_INFO_MASK: bits(11, 0),
  GHCB_MSR_CPUID_RESP_REG_MASK: bits(31, 30),
  GHCB_MSR_CPUID_RESP_VALUE_MASK: bits(63, 32),
  GHCB_MSR_HV_FT_RESP_GHCB_INFO_MASK: bits(11, 0),
  GHCB_MSR_AP_RESET_HOLD_RESP_GHCB_INFO_MASK: bits(11, 0),
  GHCB_MSR_AP_RESET_HOLD_RESP_RESULT_MASK: bits(63, 12),
  GHCB_MSR_TERM_REQ_REASON_SET_MASK: bits(15, 12),
  GHCB_MSR_TERM_REQ_REASON_CODE_MASK: bits(23, 16),
};

for (const target of ['xen-4.17', 'staging']) {
  const dir = seriesDir(target);
  const files = seriesFiles(dir);
  describe.skipIf(files.length === 0)(`${target} series content`, () => {
    const all = () => files.slice(1).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');

    it('checks the VMCB offsets it names in build_assertions()', () => {
      for (const [field, off] of APM_CONTROL_AREA) {
        const hex = `0x${off.toString(16).padStart(3, '0')}`;
        expect(all()).toMatch(new RegExp(`^\\+    BUILD_BUG_ON\\(offsetof\\(typeof\\(vmcb\\), ${field}\\) +!= ${hex}\\);$`, 'm'));
      }
    });

    it('adds the exit codes with the APM values', () => {
      for (const [name, value] of APM_EXIT_CODES) {
        expect(all()).toMatch(new RegExp(`^\\+    ${name} *= *${value}, /\\* 0x${value.toString(16)} \\*/$`, 'm'));
      }
    });

    it('adds the GENERAL2 write-trap intercept bits at their APM positions', () => {
      for (const [name, bit] of APM_GENERAL2_BITS) {
        expect(all()).toMatch(new RegExp(`^\\+    ${name} *= 1 << ${bit},$`, 'm'));
      }
    });

    it("defines the CPUID Fn8000_001F bits with the APM's values", () => {
      const text = all();
      for (const [name, value] of Object.entries(APM_8000001F)) {
        const m = new RegExp(`^\\+#define ${name}\\s+(0x[0-9a-f]+)U?$`, 'm').exec(text);
        expect(m, name).not.toBeNull();
        expect(BigInt(m![1]!), name).toBe(value);
      }
      // EBX[5:0] C-bit position, EBX[11:6] physical address reduction.
      expect(text).toMatch(/^\+#define CPUID_8000001F_EBX_CBIT_POSITION_MASK\s+0x3fU$/m);
      expect(text).toMatch(/^\+#define CPUID_8000001F_EBX_PHYS_ADDR_REDUCTION_MASK\s+0xfc0U$/m);
    });

    it(`adds XEN_X86_SEV_ES as misc flag bit 1${target === 'staging' ? ' and bumps the domctl interface version' : ' without a domctl interface bump'}`, () => {
      const text = all();
      expect(text).toMatch(/^\+#define XEN_X86_SEV_ES +\(1u << 1\)$/m);
      expect(text).toMatch(/^\+#define XEN_X86_MISC_FLAGS_MAX XEN_X86_SEV_ES$/m);
      const bump = /^\+#define XEN_DOMCTL_INTERFACE_VERSION 0x00000019$/m;
      if (target === 'staging') expect(text).toMatch(bump);
      else expect(text).not.toMatch(/^\+#define XEN_DOMCTL_INTERFACE_VERSION/m);
    });

    it('stores XCR0, XSS and PKRU at their APM offsets of the SEV-ES host save area before VMRUN', () => {
      const text = all();
      const off = new RegExp('^\\+#define SEV_ES_HOST_SAVE_AREA_OFFSET\\s+(0x[0-9a-f]+)$', 'm').exec(text);
      expect(off).not.toBeNull();
      expect(Number(off![1]!)).toBe(APM_HOST_SAVE_AREA_OFFSET);
      for (const [field, at] of APM_VMSA_TYPE_B) {
        // The struct's own comment column and its BUILD_BUG_ON() both say where the field is.
        const decl = new RegExp(`^\\+    uint(?:32|64)_t ${field};\\s+/\\* (0x[0-9a-f]+) \\*/$`, 'm').exec(text);
        expect(decl, field).not.toBeNull();
        expect(Number(decl![1]!), field).toBe(at);
        expect(text).toMatch(new RegExp(`^\\+    BUILD_BUG_ON\\(offsetof\\(struct sev_es_save_area, ${field}\\) != 0x${at.toString(16).padStart(3, '0')}\\);$`, 'm'));
        expect(text).toMatch(new RegExp(`^\\+    hsa->${field} = `, 'm'));
      }
      expect(text).toMatch(/^\+        sev_es_save_host_state\(this_cpu\(hsa\)\);$/m);
    });

    it('lets an SEV-ES guest find CPUID Fn8000_001F: leaf 0x80000000 reports at least that leaf', () => {
      // APM vol. 3, E.4: Fn8000_0000 EAX is the largest extended function; SEV's is Fn8000_001F.
      expect(all()).toMatch(/^\+            res->a = max\(res->a, 0x8000001fU\);$/m);
    });

    it('tells the toolstack whether SEV-ES guests can run, and libxl refuses one otherwise, in one line', () => {
      const text = all();
      expect(text).toMatch(/^\+#define XEN_SYSCTL_PHYSCAP_X86_SEV_ES +\(1u << 0\)$/m);
      expect(text).toMatch(/^\+        pi->arch_capabilities \|= XEN_SYSCTL_PHYSCAP_X86_SEV_ES;$/m);
      expect(text).toMatch(/^\+    \("cap_x86_sev_es", bool\),$/m);
      // One LOG() call, no second line from libxl before it gives up.
      const refusal = /^\+        !physinfo\.cap_x86_sev_es\) \{\n\+        ret = ERROR_INVAL;\n\+        LOG\(ERROR, [^;]*\);\n\+        goto error_out;$/m;
      expect(text).toMatch(refusal);
    });

    it('refuses nested virtualisation for SEV-ES domains, and keeps the AP jump table per domain', () => {
      const text = all();
      expect(text).toMatch(/^\+        else if \( config->flags & XEN_DOMCTL_CDF_nested_virt \)$/m);
      expect(text).toMatch(/^\+    uint64_t sev_ap_jump_table;$/m);
      // Patch 5 kept it with vCPU 0; patch 6 moves it.
      expect(text).toMatch(/^-    write_atomic\(&v->domain->vcpu\[0\]->arch\.hvm\.svm\.sev->ap_jump_table, gpa\);$/m);
      expect(text).toMatch(/^\+    write_atomic\(&v->domain->arch\.hvm\.svm\.sev_ap_jump_table, gpa\);$/m);
      expect(text).toMatch(/^\+    return read_atomic\(&v->domain->arch\.hvm\.svm\.sev_ap_jump_table\);$/m);
    });

    it('adds X86_SEV_ES and CAP_X86_SEV_ES to the OCaml bindings, checked against the MAX constants', () => {
      const text = all();
      expect(text).toMatch(/^\+\s+\| X86_SEV_ES$/m);
      expect(text).toMatch(/^\+\s+\| CAP_X86_SEV_ES$/m);
      expect(text).toMatch(/^\+\t+\/\* ! XEN_X86_ XEN_X86_MISC_FLAGS_MAX max \*\/$/m);
      expect(text).toMatch(/^\+\t+\/\* ! XEN_SYSCTL_PHYSCAP_X86_ XEN_SYSCTL_PHYSCAP_X86_MAX max \*\/$/m);
    });

    it("defines the GHCB MSR protocol with 56421's values, and only those it uses", () => {
      const defines = new Map<string, bigint>();
      for (const a of addedLines(all())) {
        const m = /^#define (GHCB_MSR_\w+)\s+(0x[0-9a-f]+)(?:ULL|U)?$/.exec(a.text);
        if (m && a.file.endsWith('sev-ghcb-msr.h')) defines.set(m[1]!, BigInt(m[2]!));
      }
      expect(defines.size).toBeGreaterThan(0);
      for (const [name, value] of defines) expect(value, name).toBe(GHCB_MSR_VALUES[name] ?? GHCB_MSR_MASKS[name]);
      // No shift macros: the code reads and builds fields with MASK_EXTR()/MASK_INSR().
      expect([...defines.keys()].filter((n) => n.endsWith('_SHIFT'))).toEqual([]);
    });

    it('records its base commit and carries no Signed-off-by nobody asked for', () => {
      expect(readFileSync(join(dir, files[0]!), 'utf8')).toMatch(/^base-commit: [0-9a-f]{40}$/m);
      for (const f of files.slice(1)) {
        const text = readFileSync(join(dir, f), 'utf8');
        expect(text, f).not.toMatch(/^Signed-off-by:/m);
        expect(text, f).not.toMatch(/do not edit/i);
        expect(mailHeader(text, 'Subject'), f).toMatch(/^\[PATCH[^\]]*\] (x86\/svm|x86\/sev|x86\/domctl|tools\/libxl|xl): /);
      }
    });
  });
}
