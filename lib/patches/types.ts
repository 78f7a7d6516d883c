// What one patch of the series is: a commit message and the change it makes
// to a Xen tree, written against the target's layout.
import type { EModel } from '../../generators/elaborate/model.ts';
import type { Target } from '../xen-tree/targets.ts';
import type { XenVersion } from '../xen-tree/version.ts';

export interface PatchContext {
  target: Target;
  /** The version of the tree the series is built on (xen/Makefile). */
  version: XenVersion;
  model: EModel;
  /** Contents of a file under the repository's generated/ directory. */
  generated: (path: string) => string;
  exists: (path: string) => boolean;
  /** Absolute path of a file of the scratch Xen tree, for running the tree's own tools. */
  path: (path: string) => string;
  read: (path: string) => string;
  write: (path: string, contents: string) => void;
  /** Read, transform and write back one file of the Xen tree. */
  edit: (path: string, change: (text: string, path: string) => string) => void;
  /** Generated files copied into the tree so far, for the cover letter. */
  placed: { from: string; to: string }[];
  /** Files a patch also edits by hand where it places generated text, for the cover letter. */
  handEdited: string[];
}

export interface PatchDef {
  /** Short stable id, used in messages and the CLI's --json output. */
  id: string;
  /** "x86/svm: ..." subject, Xen style. */
  subject: string;
  /** Paragraphs of the commit message body explaining why. */
  body: (ctx: PatchContext) => string[];
  /** Generated files the patch needs; a missing one means the patch cannot be built yet. */
  needs: string[];
  apply: (ctx: PatchContext) => void;
}
