// `xen-sev coverage --xen` against the real Xen 4.17.5 tree that
// scripts/xen-source provides (Debian's source package). Skipped, with the
// reason, when that script cannot produce the tree here.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { coverageInputs } from '../../lib/coverage/inputs.ts';
import { collectItems } from '../../lib/coverage/items.ts';
import { buildReport } from '../../lib/coverage/report.ts';
import { readXenTree } from '../../lib/coverage/xen.ts';
import { REPO_ROOT } from '../../lib/paths.ts';

const src = await execa(join(REPO_ROOT, 'scripts/xen-source'), { reject: false, timeout: 900_000 }).catch((e: Error) => ({ exitCode: 1, stdout: '', stderr: e.message }));
const tree = src.exitCode === 0 ? src.stdout.trim() : null;
if (tree === null) console.warn(`coverage-xen: skipped: scripts/xen-source failed: ${src.stderr.split('\n').slice(-2).join(' ')}`);

describe.skipIf(tree === null)('coverage --xen on Xen 4.17.5', () => {
  const model = projectModel();
  const r = buildReport(coverageInputs(model, readXenTree(tree!, collectItems(model, null))));
  const item = (id: string) => r.items.find((i) => i.id === id)!;

  it('finds SVM exit codes under Xen\'s own names (enum VMEXIT_EXITCODE in vmcb.h)', () => {
    // The hypervisor is searched before the tools, so the match points into xen/ (svm.c handles the exit).
    expect(item('exit_code:svm_exit_code.CPUID').xenMatch).toEqual([{ how: 'xen-name', identifier: 'VMEXIT_CPUID', file: 'xen/arch/x86/hvm/svm/svm.c' }]);
    expect(item('exit_code:svm_exit_code.READ_CR0').xenMatch?.[0]?.identifier).toBe('VMEXIT_CR0_READ');
  });

  it('finds VMCB fields as members of Xen\'s struct vmcb_struct', () => {
    expect(item('vmcb_field:vmcb_control_area.exit_code').xenMatch).toContainEqual({
      how: 'member',
      identifier: 'vmcb_struct.exitcode',
      file: 'xen/arch/x86/include/asm/hvm/svm/vmcb.h',
    });
    // Xen 4.17 has no GHCB GPA or VMSA pointer in its VMCB: no SEV-ES support.
    expect(item('vmcb_field:vmcb_control_area.ghcb_gpa').xen).toBe(false);
    expect(item('vmcb_field:vmcb_control_area.vmsa_pa').xen).toBe(false);
  });

  it('Xen 4.17 references no SEV firmware command, status code, NAE event or GHCB MSR code', () => {
    for (const kind of ['firmware_command', 'status_code', 'nae_event', 'ghcb_msr_code', 'vmsa_field', 'ghcb_field']) {
      expect(r.items.filter((i) => i.kind === kind && i.xen).map((i) => i.id)).toEqual([]);
    }
  });
});
