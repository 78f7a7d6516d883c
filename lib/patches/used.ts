// The identifiers C sources mention: what decides which generated definitions
// a patch carries. Comments and string literals are skipped, so a name that
// only appears in prose does not count as a use.
const COMMENT_OR_STRING = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g;

export function identifiers(source: string): Set<string> {
  const code = source.replace(COMMENT_OR_STRING, ' ');
  return new Set(code.match(/\b[A-Za-z_][A-Za-z0-9_]*\b/g) ?? []);
}
