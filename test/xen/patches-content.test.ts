// What the committed series says about the VMCB, checked against the AMD APM
// (Vol. 2, Appendix B, Table B-1; as Linux's struct vmcb_control_area and
// SVM_EXIT_* restate it), not against the model the series was built from.
// The Xen build (patches-check) then proves Xen's struct agrees with these
// BUILD_BUG_ON()s.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mailHeader, seriesDir, seriesFiles } from './patches-series.ts';

const APM_CONTROL_AREA: [string, number][] = [
  ['ghcb_gpa', 0xa0],
  ['avic_vapic_bar', 0x98],
  ['avic_backing_page', 0xe0],
  ['avic_logical_id', 0xf0],
  ['avic_physical_id', 0xf8],
  ['vmsa_pa', 0x108],
];
const APM_EXIT_CODES: [string, number][] = [
  ['VMEXIT_VMGEXIT', 0x403],
  ['VMEXIT_AVIC_INCOMPLETE_IPI', 0x401],
  ['VMEXIT_EXCEPTION_VC', 0x5d],
  ['VMEXIT_EFER_WRITE_TRAP', 0x8f],
  ['VMEXIT_CR4_WRITE_TRAP', 0x94],
];

for (const target of ['xen-4.17', 'staging']) {
  const dir = seriesDir(target);
  const files = seriesFiles(dir);
  describe.skipIf(files.length === 0)(`${target} series content`, () => {
    const patchOf = (n: string) => readFileSync(join(dir, files.find((f) => f.startsWith(`${n}-`))!), 'utf8');
    const vmcbPatch = () => patchOf('0002');

    it('checks the SEV-ES control-area offsets of the APM in build_assertions()', () => {
      const text = vmcbPatch();
      for (const [field, off] of APM_CONTROL_AREA) {
        const hex = `0x${off.toString(16).padStart(3, '0')}`;
        expect(text).toMatch(new RegExp(`^\\+    BUILD_BUG_ON\\(offsetof\\(typeof\\(vmcb\\), ${field}\\) +!= ${hex}\\);$`, 'm'));
      }
    });

    it('adds the exit codes with the APM values', () => {
      const text = vmcbPatch();
      for (const [name, value] of APM_EXIT_CODES) {
        expect(text).toMatch(new RegExp(`^\\+    ${name} *= *${value}, /\\* 0x${value.toString(16)} \\*/$`, 'm'));
      }
    });

    // The domctl patch's facts come from the tree it was made against (the
    // flag it displaces in the diff context), the libxl side from the IDL it adds.

    it('gives XEN_DOMCTL_CDF_coco the bit after the tree\'s last create flag and makes it the new max', () => {
      const text = patchOf('0005');
      const last = /^-#define XEN_DOMCTL_CDF_MAX XEN_DOMCTL_CDF_(\w+)$/m.exec(text)?.[1];
      expect(last).toBeDefined();
      const bit = Number(new RegExp(`^ #define XEN_DOMCTL_CDF_${last} +\\(1U << (\\d+)\\)$`, 'm').exec(text)?.[1]);
      expect(text).toMatch(new RegExp(`^\\+#define XEN_DOMCTL_CDF_coco +\\(1U << ${bit + 1}\\)$`, 'm'));
      expect(text).toMatch(/^\+#define XEN_DOMCTL_CDF_MAX XEN_DOMCTL_CDF_coco$/m);
      const [from, to] = [/^-#define XEN_DOMCTL_INTERFACE_VERSION (0x[0-9a-f]+)$/m, /^\+#define XEN_DOMCTL_INTERFACE_VERSION (0x[0-9a-f]+)$/m].map(
        (re) => Number(re.exec(text)?.[1]),
      );
      expect(to).toBe(from! + 1);
      expect(text).toMatch(/^\+        return -EOPNOTSUPP;$/m);
    });

    it('passes every libxl coco kind on to the domctl kind of the same name', () => {
      const hv = patchOf('0005');
      const tools = patchOf('0006');
      const idlKinds = [...tools.matchAll(/^\+    \(\d+, "(\w+)"\),$/gm)].map((m) => m[1]!.toUpperCase());
      const xenKinds = [...hv.matchAll(/^\+#define XEN_X86_COCO_(\w+) +\d+$/gm)].map((m) => m[1]!);
      expect(idlKinds).toContain('SEV_SNP');
      expect(xenKinds.sort()).toEqual([...idlKinds].sort());
      for (const k of idlKinds) {
        expect(tools).toMatch(new RegExp(`^\\+    case LIBXL_COCO_TYPE_${k}:\\n\\+        config->arch.coco_kind = XEN_X86_COCO_${k};$`, 'm'));
      }
      expect(tools).toMatch(/^\+        config->flags \|= XEN_DOMCTL_CDF_coco;$/m);
    });

    it('records its base commit and signs off every patch', () => {
      expect(readFileSync(join(dir, files[0]!), 'utf8')).toMatch(/^base-commit: [0-9a-f]{40}$/m);
      for (const f of files.slice(1)) {
        const text = readFileSync(join(dir, f), 'utf8');
        expect(text, f).toContain(`\nSigned-off-by: ${mailHeader(text, 'From')}\n`);
        expect(mailHeader(text, 'Subject'), f).toMatch(/^\[PATCH[^\]]*\] (x86\/svm|x86\/sev|x86\/domctl|tools\/libxl|xl): /);
      }
    });
  });
}
