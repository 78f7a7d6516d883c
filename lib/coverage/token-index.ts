// Identifier occurrence index over a set of text files: which files mention a
// given C/TS identifier, plus the members of the structs they define.
import { structMembers } from './c-structs.ts';

export interface TextFile {
  /** Repository- or tree-relative path. */
  path: string;
  contents: string;
}

const TOKEN = /[A-Za-z_][A-Za-z0-9_]*/g;

export function camel(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export class TokenIndex {
  private readonly where = new Map<string, string[]>();
  /** struct name -> member -> files defining it with that member. */
  private readonly members = new Map<string, Map<string, string[]>>();
  readonly fileCount: number;

  constructor(files: readonly TextFile[], structNames: ReadonlySet<string> = new Set()) {
    // Files keep the caller's order (deterministic, most relevant first): files(token)[0] is what reports show.
    this.fileCount = files.length;
    for (const f of files) {
      const seen = new Set(f.contents.match(TOKEN) ?? []);
      for (const t of seen) {
        const list = this.where.get(t);
        if (list === undefined) this.where.set(t, [f.path]);
        else list.push(f.path);
      }
      if (structNames.size === 0 || !/\.(c|h)$/.test(f.path)) continue;
      for (const [s, ms] of structMembers(f.contents, structNames)) {
        const byMember = this.members.get(s) ?? new Map<string, string[]>();
        for (const m of ms) byMember.set(m, [...(byMember.get(m) ?? []), f.path]);
        this.members.set(s, byMember);
      }
    }
  }

  /** Files, in input order, that contain the identifier as a whole token. */
  files(token: string): readonly string[] {
    return this.where.get(token) ?? [];
  }

  /** Files, in input order, with a C definition of `struct s` that has member m. */
  memberFiles(s: string, m: string): readonly string[] {
    return this.members.get(s)?.get(m) ?? [];
  }

  /** Whether any file defines `struct s` at all. */
  definesStruct(s: string): boolean {
    return this.members.has(s);
  }
}

/**
 * Files mentioning a field `struct.field`: C files that define the struct with
 * that member, and non-C files (TS codecs, JSON) naming both the struct and the
 * field (snake or camel case).
 */
export function fieldFiles(index: TokenIndex, struct: string, field: string): string[] {
  const out = new Set(index.memberFiles(struct, field));
  const withStruct = new Set([...index.files(struct), ...index.files(camel(struct)), ...index.files(camel(`_${struct}`).replace(/^_/, ''))]);
  for (const f of [...index.files(field), ...index.files(camel(field))]) {
    if (!/\.(c|h)$/.test(f) && withStruct.has(f)) out.add(f);
  }
  return [...out].sort();
}
