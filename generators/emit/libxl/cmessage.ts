// Turns a rule-set message template into a C printf call: constant
// placeholders become text, run-time ones conversions with their arguments.
// The TS checker fills the same template (lib/xlcfg/messages.ts).

/** A run-time value: its printf conversion (PRIx64 macros allowed) and C expression. */
export interface CArg {
  conv: string;
  expr: string;
}

export function cStringEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * The format and arguments of one message. `conv` may contain `" PRIx64 "`
 * pieces (already split out of the literal).
 */
export function cFormat(template: string, consts: Record<string, string>, args: Record<string, CArg>): { format: string; args: string[] } {
  const out: string[] = [];
  let fmt = '"';
  let last = 0;
  for (const m of template.matchAll(/\{([a-zA-Z]+)\}/g)) {
    fmt += cStringEscape(template.slice(last, m.index)).replace(/%/g, '%%');
    last = m.index + m[0].length;
    const name = m[1]!;
    if (name in args) {
      fmt += args[name]!.conv;
      out.push(args[name]!.expr);
    } else if (name in consts) {
      fmt += cStringEscape(consts[name]!).replace(/%/g, '%%');
    } else {
      throw new Error(`C message: no value for {${name}} in "${template}"`);
    }
  }
  fmt += `${cStringEscape(template.slice(last)).replace(/%/g, '%%')}"`;
  return { format: fmt.replace(/ ""$/, '').replace(/^"" /, ''), args: out };
}

/** A call such as `LOG(ERROR, fmt, args)` with the format kept on one line (greppable). */
export function cCall(prefix: string, f: { format: string; args: string[] }, indent: string): string[] {
  const first = `${indent}${prefix}${f.format}${f.args.length ? ',' : ');'}`;
  if (f.args.length === 0) return [first];
  const pad = ' '.repeat(indent.length + prefix.indexOf('(') + 1);
  return [first, `${pad}${f.args.join(', ')});`];
}
