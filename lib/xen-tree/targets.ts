// The Xen trees a series can be built for, and where each keeps the files the
// model-rendered edits touch. Other differences between releases are the
// per-target diffs under xen-overlay/targets/.
import { UserError } from '../errors.ts';
import { formatXenVersion, type XenVersion } from './version.ts';

export type TargetId = 'xen-4.17' | 'staging';

export interface XenLayout {
  /** Xen's own VMCB header and the file holding its build_assertions(). */
  vmcbHeader: string;
  vmcbC: string;
  perfcDefn: string;
}

export interface Target {
  id: TargetId;
  /** Human description, used in errors and the cover letter. */
  describe: string;
  /** Which version of xen/Makefile this target expects, for the mismatch error. */
  expects: string;
  matches: (v: XenVersion) => boolean;
  /** git format-patch --subject-prefix. */
  subjectPrefix: string;
  layout: XenLayout;
}

export const TARGETS: Record<TargetId, Target> = {
  'xen-4.17': {
    id: 'xen-4.17',
    describe: "Debian's Xen 4.17.5+72-g01140da4e8 source (xen_4.17.5+72-g01140da4e8.orig.tar.xz)",
    expects: '4.17.x',
    matches: (v) => v.major === 4 && v.minor === 17 && /^\.\d+/.test(v.extra),
    subjectPrefix: 'PATCH 4.17',
    layout: {
      vmcbHeader: 'xen/arch/x86/include/asm/hvm/svm/vmcb.h',
      vmcbC: 'xen/arch/x86/hvm/svm/vmcb.c',
      perfcDefn: 'xen/arch/x86/include/asm/perfc_defn.h',
    },
  },
  staging: {
    id: 'staging',
    describe: 'upstream Xen staging',
    expects: 'an -unstable development version',
    matches: (v) => v.extra.startsWith('-unstable'),
    subjectPrefix: 'PATCH',
    layout: {
      // staging made the SVM headers private to xen/arch/x86/hvm/svm/.
      vmcbHeader: 'xen/arch/x86/hvm/svm/vmcb.h',
      vmcbC: 'xen/arch/x86/hvm/svm/vmcb.c',
      perfcDefn: 'xen/arch/x86/include/asm/perfc_defn.h',
    },
  },
};

export function targetById(id: string): Target {
  const t = (TARGETS as Record<string, Target | undefined>)[id];
  if (!t) throw new UserError(`unknown target '${id}': use one of ${Object.keys(TARGETS).join(', ')}`);
  return t;
}

export function checkTargetVersion(target: Target, root: string, v: XenVersion): void {
  if (!target.matches(v)) {
    throw new UserError(
      `${root} is Xen ${formatXenVersion(v)} but target ${target.id} needs ${target.expects}: pick the matching --target or tree`,
    );
  }
}
