// The maintainer-rules check of a series: what a Xen x86 maintainer would
// send back before reading the code. Per patch: Signed-off-by only as
// requested, SPDX on new files, CODING_STYLE include guards, no userspace
// branches or "do not edit" lines in xen/, Xen's C layout (80 columns, no
// tabs, no trailing blanks), and every macro, type, enumerator and function
// the patch adds referenced somewhere in the tree, as that patch leaves it,
// other than where it is defined or declared. Findings read `patch N: file:line: rule: message`.
import { git, type Identity } from '../xen-tree/git.ts';

export interface LintFinding {
  patch: number;
  file: string;
  line: number;
  rule: string;
  message: string;
}

export interface LintInput {
  /** Scratch tree with the whole series committed on top of `base`. */
  tree: string;
  base: string;
  /**
   * The mails, in order, without the cover letter; `rev` is the patch's
   * commit in `tree` (default HEAD): what it adds must be used at that point.
   */
  patches: { name: string; text: string; rev?: string }[];
  signoff: Identity | null;
}

export interface LintReport {
  findings: LintFinding[];
  /** Definitions added by the series, and how many of them are used. */
  definitions: number;
  used: number;
}

export function formatFinding(f: LintFinding): string {
  return `patch ${f.patch}: ${f.file}:${f.line}: ${f.rule}: ${f.message}`;
}

interface Added {
  file: string;
  line: number;
  text: string;
  newFile: boolean;
}

/** The added lines of a patch mail, with their line numbers in the new file. */
export function addedLines(mail: string): Added[] {
  const out: Added[] = [];
  let file = '';
  let newFile = false;
  let line = 0;
  for (const l of mail.split('\n')) {
    if (l.startsWith('diff --git ')) {
      file = '';
      newFile = false;
    } else if (l.startsWith('new file mode')) newFile = true;
    else if (l.startsWith('+++ ')) file = l.startsWith('+++ b/') ? l.slice(6) : '';
    else if (l.startsWith('@@ ')) line = Number(/\+(\d+)/.exec(l)![1]);
    else if (file !== '' && l.startsWith('+')) out.push({ file, line: line++, text: l.slice(1), newFile });
    else if (file !== '' && l.startsWith(' ')) line++;
  }
  return out;
}

const C_FILE = /\.[ch]$/;
const TYPE_AT_COLUMN_0 = /^(?:static\s+|inline\s+|const\s+|unsigned\s+|struct\s+|enum\s+)*[a-z_][a-z0-9_]*\s*\**\s*$/;

interface Definition {
  name: string;
  kind: 'macro' | 'type' | 'enumerator' | 'function';
  file: string;
  line: number;
}

function definitions(added: Added[]): Definition[] {
  const defs: Definition[] = [];
  const guards = new Set<string>();
  for (const a of added) {
    if (!C_FILE.test(a.file)) continue;
    const guard = /^#ifndef ([A-Z0-9_]+_H)$/.exec(a.text);
    if (guard) guards.add(guard[1]!);
    const macro = /^#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(a.text);
    if (macro && !guards.has(macro[1]!)) defs.push({ name: macro[1]!, kind: 'macro', file: a.file, line: a.line });
    const type = /^(?:typedef\s+)?(?:struct|union|enum)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{?\s*$/.exec(a.text);
    if (type) defs.push({ name: type[1]!, kind: 'type', file: a.file, line: a.line });
    const enumerator = /^\s+([A-Z][A-Z0-9_]+)\s*(?:=[^,]*)?,/.exec(a.text);
    if (enumerator) defs.push({ name: enumerator[1]!, kind: 'enumerator', file: a.file, line: a.line });
    // A function definition or declaration starts at column 0: "type name(".
    const fn = /^([A-Za-z_][A-Za-z0-9_ *]*?)\b([a-z_][a-z0-9_]*)\(/.exec(a.text);
    if (fn && TYPE_AT_COLUMN_0.test(fn[1]!) && !/^(?:return|if|while|for|switch|sizeof)\b/.test(fn[1]!)) {
      if (!defs.some((d) => d.name === fn[2] && d.kind === 'function')) defs.push({ name: fn[2]!, kind: 'function', file: a.file, line: a.line });
    }
  }
  return defs;
}

/** Lines of the tree mentioning `name` that are uses, not its definition or a declaration. */
async function uses(tree: string, rev: string, name: string): Promise<string[]> {
  let out: string;
  try {
    out = await git(tree, ['grep', '-n', '-w', '-I', '-e', name, rev, '--', '*.c', '*.h', '*.S', '*.lds.S']);
  } catch {
    return [];
  }
  return out.split('\n').filter((l) => {
    const text = l.split(':').slice(3).join(':');
    if (new RegExp(`^#\\s*define\\s+${name}\\b`).test(text)) return false;
    if (new RegExp(`^(?:typedef\\s+)?(?:struct|union|enum)\\s+${name}\\s*\\{?\\s*$`).test(text)) return false;
    if (new RegExp(`^\\s+${name}\\s*(?:=[^,]*)?,`).test(text)) return false;
    const fn = new RegExp(`^([A-Za-z_][A-Za-z0-9_ *]*?)\\b${name}\\(`).exec(text);
    if (fn && TYPE_AT_COLUMN_0.test(fn[1]!)) return false;
    return true;
  });
}

export async function lintSeriesReport(input: LintInput): Promise<LintReport> {
  const findings: LintFinding[] = [];
  let definitionsCount = 0;
  let usedCount = 0;
  const expected = input.signoff ? `${input.signoff.name} <${input.signoff.email}>` : null;
  for (const [i, p] of input.patches.entries()) {
    const n = i + 1;
    const add = (file: string, line: number, rule: string, message: string): void => {
      findings.push({ patch: n, file, line, rule, message });
    };
    const message = p.text.slice(0, p.text.indexOf('\n---\n') >= 0 ? p.text.indexOf('\n---\n') : p.text.length);
    const sobs = [...message.matchAll(/^Signed-off-by: (.*)$/gm)].map((m) => m[1]!);
    for (const s of sobs) if (s !== expected) add(p.name, 0, 'signed-off-by', `"${s}" was not asked for (only the person certifying the DCO signs off)`);
    if (expected !== null && !sobs.includes(expected)) add(p.name, 0, 'signed-off-by', `no Signed-off-by: ${expected}`);

    const added = addedLines(p.text);
    const firstLines = new Map<string, Added>();
    for (const a of added) if (a.newFile && !firstLines.has(a.file)) firstLines.set(a.file, a);
    for (const [file, first] of firstLines) {
      if (!C_FILE.test(file)) continue;
      if (!/SPDX-License-Identifier: /.test(first.text)) add(file, first.line, 'spdx', 'new file without an SPDX-License-Identifier first line');
      if (file.endsWith('.h')) {
        const lines = added.filter((a) => a.file === file).map((a) => a.text);
        const guard = lines.map((l) => /^#ifndef (\S+)$/.exec(l)?.[1]).find((g) => g !== undefined);
        if (!guard || !/^[A-Z][A-Z0-9_]*_H$/.test(guard)) add(file, first.line, 'guard', `include guard ${guard ?? '(none)'} is not CODING_STYLE's <AREA>_<NAME>_H`);
        else if (!lines.includes(`#define ${guard}`) || lines.filter((l) => l.startsWith('#endif')).pop() !== `#endif /* ${guard} */`) {
          add(file, first.line, 'guard', `${guard}: expected #define ${guard} and a closing #endif /* ${guard} */`);
        }
      }
    }
    for (const a of added) {
      if (a.file.startsWith('xen/') && /__XEN__/.test(a.text)) add(a.file, a.line, 'userspace-branch', 'hypervisor code tests __XEN__');
      if (/do not edit/i.test(a.text)) add(a.file, a.line, 'do-not-edit', 'Xen code is edited by its maintainers');
      if (!C_FILE.test(a.file)) continue;
      // The OCaml bindings' C stubs are indented with tabs, as their authors wrote them.
      if (/\t/.test(a.text) && !a.file.startsWith('tools/ocaml/')) add(a.file, a.line, 'style', 'tab in C source (CODING_STYLE: spaces)');
      if (/\s$/.test(a.text)) add(a.file, a.line, 'style', 'trailing whitespace');
      // CODING_STYLE: lines up to 80 columns, except where a format string would split.
      if (a.text.length > 80 && !a.text.includes('"')) add(a.file, a.line, 'style', `line of ${a.text.length} columns (max 80)`);
    }
    for (const d of definitions(added)) {
      definitionsCount++;
      if ((await uses(input.tree, p.rev ?? 'HEAD', d.name)).length > 0) usedCount++;
      else add(d.file, d.line, 'unused', `${d.kind} ${d.name} is not used anywhere in the tree with this patch applied`);
    }
  }
  return { findings, definitions: definitionsCount, used: usedCount };
}
