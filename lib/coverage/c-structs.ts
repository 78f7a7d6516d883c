// Members of named C struct definitions, for matching VMCB/VMSA/GHCB fields by
// struct rather than by a bare member name (a bare `rip` matches half a tree).
// A tolerant scan, not a C parser: comments and preprocessor lines are
// dropped, nested struct/union bodies count as members of the outer struct
// (Xen's vmcb_struct wraps fields in anonymous unions), bit-fields and arrays are handled.

export function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

/** Member names of every `struct NAME { ... }` definition in text, for the names asked for. */
export function structMembers(text: string, wanted: ReadonlySet<string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (![...wanted].some((w) => text.includes(w))) return out;
  const src = stripComments(text)
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');
  const head = /\bstruct\s+([A-Za-z_]\w*)\s*\{/g;
  for (let m = head.exec(src); m !== null; m = head.exec(src)) {
    const name = m[1]!;
    if (!wanted.has(name)) continue;
    let depth = 1;
    let i = head.lastIndex;
    for (; i < src.length && depth > 0; i++) {
      if (src[i] === '{') depth++;
      else if (src[i] === '}') depth--;
    }
    const body = src.slice(head.lastIndex, i - 1);
    const members = out.get(name) ?? new Set<string>();
    for (const d of body.matchAll(/([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)*(?::\s*\w+\s*)?(?:__attribute__\s*\(\([^)]*\)\)\s*)?[;,]/g)) {
      members.add(d[1]!);
    }
    out.set(name, members);
  }
  return out;
}
