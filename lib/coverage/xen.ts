// The "xen" column: does a Xen source tree reference an item, and how.
// Three ways, in this order: our generated C identifier occurs in the tree
// (e.g. a patch series that adds the generated headers), Xen's own name for
// it occurs (lib/coverage/xen-names.json: SVM_EXIT_CPUID is VMEXIT_CPUID in
// Xen), or Xen's own struct has the field (vmcb_struct._exitcode ...).
// Bare spec names (SEV, CPUID) are never searched: they match unrelated code.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UserError } from '../errors.ts';
import { errnoWords, readBoundedSync } from '../io.ts';
import xenNames from './xen-names.json' with { type: 'json' };
import { TokenIndex, type TextFile } from './token-index.ts';
import type { CoverageItem, XenMatch } from './types.ts';

interface XenNames {
  prefixRules: { idPrefix: string; from: string; to: string; why: string }[];
  names: Record<string, string[]>;
  structs: Record<string, { xen: string; fields: Record<string, string> }>;
}
const NAMES = xenNames as XenNames;

/** The parts of a Xen tree that can reference SEV items: the hypervisor, the tools, the man pages. */
const TOP_DIRS = ['xen', 'tools', 'docs'];
const EXT = /\.(c|h|S|idl|pod|py|ml|go|markdown|md|in)$/;
/** Trees this large are not Xen trees (or a wrong path); stop rather than read a whole disk. */
const MAX_FILES = 60_000;

export interface XenTree {
  path: string;
  index: TokenIndex;
}

/** Xen's largest source files are a few hundred KiB. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Called once before reading (0 files), every PROGRESS_EVERY files read, and once at the end. */
export type Progress = (files: number, done: boolean) => void;
const PROGRESS_EVERY = 500;

/** Recursion-free (a deep tree cannot overflow the stack); depth first in name order, as the files are listed. */
function walk(root: string, top: string, out: TextFile[], progress?: Progress): void {
  const list = (dir: string) => {
    try {
      return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch (e) {
      throw new UserError(`coverage: --xen ${root}: cannot read ${relative(root, dir) || '.'}: ${errnoWords(e)}`);
    }
  };
  const stack = [{ dir: top, entries: list(top), at: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.at >= frame.entries.length) {
      stack.pop();
      continue;
    }
    const e = frame.entries[frame.at++]!;
    if (e.name.startsWith('.')) continue;
    const p = join(frame.dir, e.name);
    if (e.isDirectory()) stack.push({ dir: p, entries: list(p), at: 0 });
    else if (e.isFile() && EXT.test(e.name)) {
      if (out.length >= MAX_FILES) throw new UserError(`coverage: --xen ${root}: more than ${MAX_FILES} source files; is this a Xen tree?`);
      const contents = readBoundedSync(p, MAX_FILE_BYTES, (why) => new UserError(`coverage: --xen ${root}: cannot read ${relative(root, p)}: ${why}`)).toString('latin1');
      out.push({ path: relative(root, p), contents });
      if (progress && out.length % PROGRESS_EVERY === 0) progress(out.length, false);
    }
  }
}

/** What every Xen source tree has: the x86 hypervisor sources (where SVM and SEV live). */
export const XEN_TREE_MARKER = 'xen/arch/x86';

/** Structs whose members the xen column looks at: ours (as a patch series may add them) and Xen's own. */
export function xenStructNames(items: readonly CoverageItem[]): Set<string> {
  const names = new Set<string>();
  for (const i of items) if (i.identifiers[0]?.includes('.')) names.add(i.identifiers[0].split('.')[0]!);
  for (const s of Object.values(NAMES.structs)) names.add(s.xen);
  return names;
}

export function readXenTree(path: string, items: readonly CoverageItem[], progress?: Progress): XenTree {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UserError(`coverage: --xen ${path}: no such directory`);
  }
  if (!st.isDirectory()) throw new UserError(`coverage: --xen ${path}: not a directory`);
  let marker = false;
  try {
    marker = statSync(join(path, XEN_TREE_MARKER)).isDirectory();
  } catch {
    marker = false;
  }
  if (!marker) throw new UserError(`coverage: --xen ${path}: not a Xen source tree (it has no ${XEN_TREE_MARKER}/)`);
  const files: TextFile[] = [];
  const tops = TOP_DIRS.filter((d) => {
    try {
      return statSync(join(path, d)).isDirectory();
    } catch {
      return false;
    }
  });
  progress?.(0, false);
  for (const d of tops) walk(path, join(path, d), files, progress);
  progress?.(files.length, true);
  if (files.length === 0) throw new UserError(`coverage: --xen ${path}: no C, header, IDL or POD files under it`);
  return { path, index: new TokenIndex(files, xenStructNames(items)) };
}

function xenNamesFor(item: CoverageItem): string[] {
  const out = [...(NAMES.names[item.id] ?? [])];
  for (const r of NAMES.prefixRules) {
    if (!item.id.startsWith(r.idPrefix)) continue;
    for (const id of item.identifiers) if (id.startsWith(r.from)) out.push(r.to + id.slice(r.from.length));
  }
  return [...new Set(out)];
}

export function matchXen(item: CoverageItem, tree: XenTree): XenMatch[] {
  const found: XenMatch[] = [];
  const first = (files: readonly string[]) => files[0];
  for (const id of item.identifiers) {
    if (id.includes('.')) {
      const [s, f] = id.split('.') as [string, string];
      const file = first(tree.index.memberFiles(s, f));
      if (file !== undefined) found.push({ how: 'generated', identifier: id, file });
      const map = NAMES.structs[s];
      const xenField = map?.fields[f];
      if (map !== undefined && xenField !== undefined) {
        const xf = first(tree.index.memberFiles(map.xen, xenField));
        if (xf !== undefined) found.push({ how: 'member', identifier: `${map.xen}.${xenField}`, file: xf });
      }
    } else {
      const file = first(tree.index.files(id));
      if (file !== undefined) found.push({ how: 'generated', identifier: id, file });
    }
  }
  for (const name of xenNamesFor(item)) {
    const file = first(tree.index.files(name));
    if (file !== undefined) found.push({ how: 'xen-name', identifier: name, file });
  }
  return found;
}

export function markXen(items: CoverageItem[], tree: XenTree | null): void {
  for (const item of items) {
    if (tree === null) {
      item.xen = null;
      item.xenMatch = null;
      continue;
    }
    item.xenMatch = matchXen(item, tree);
    item.xen = item.xenMatch.length > 0;
  }
}
