// What one patch of the series is: a commit message and the change it makes
// to a Xen tree. Hand-written C lives in xen-overlay/ as real files (new files
// in their upstream form under files/, per-target hunks for existing files
// under targets/<target>/<patch id>.diff); generated definitions are rendered
// into the tree with only what the series' code uses.
import type { EModel } from '../../generators/elaborate/model.ts';
import type { Target } from '../xen-tree/targets.ts';
import type { XenVersion } from '../xen-tree/version.ts';

export interface PatchContext {
  target: Target;
  /** The version of the tree the series is built on (xen/Makefile). */
  version: XenVersion;
  model: EModel;
  exists: (path: string) => boolean;
  /** Absolute path of a file of the scratch Xen tree, for running the tree's own tools. */
  path: (path: string) => string;
  read: (path: string) => string;
  write: (path: string, contents: string) => void;
  /** Read, transform and write back one file of the Xen tree. */
  edit: (path: string, change: (text: string, path: string) => string) => void;
}

/** A private header of definitions from one schema module, placed beside the code using it. */
export interface GeneratedHeader {
  module: string;
  /** Tree path, e.g. xen/arch/x86/hvm/svm/sev-ghcb-msr.h. */
  path: string;
  title: string;
  guard: string;
}

/** A generated C file placed as it is, its includes of sibling generated files renamed. */
export interface GeneratedSource {
  /** generated/c/vmgexit.c */
  from: string;
  /** Tree path. */
  to: string;
  /** `#include "<key>"` becomes `#include "<value>"`. */
  includes?: Record<string, string>;
}

export interface PatchDef {
  /** Short stable id: names the hunk files (xen-overlay/targets/<target>/<id>.diff). */
  id: string;
  /** "x86/svm: ..." subject, Xen style. */
  subject: string;
  /** Paragraphs of the commit message body explaining why. */
  body: (ctx: PatchContext) => string[];
  /** New files the patch adds, copied from xen-overlay/files/<path>. */
  files: string[];
  /** Generated headers the patch adds (re-rendered by later patches that use more of them). */
  headers: GeneratedHeader[];
  /** Generated C the patch adds whole (code, not definitions: every line of it runs). */
  sources?: GeneratedSource[];
  /**
   * Edits of existing Xen files rendered from the model (named VMCB fields,
   * exit codes), given the identifiers the series' code uses so far.
   */
  edit?: (ctx: PatchContext, used: ReadonlySet<string>) => void;
}
