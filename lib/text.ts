// What messages may echo of user input: non-printable characters escaped (a
// message must not move the cursor, ring a bell or hide text), and long
// arguments cut (a 5000-digit number drowns the reason it is wrong).
/** Escapes C0/C1 controls, DEL, line/paragraph separators and lone surrogates as \xNN or \u{...}. */
export function printable(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x2028 || c === 0x2029 || (c >= 0xd800 && c <= 0xdfff) || c === 0xfeff) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return out;
}

/** Arguments longer than this are cut in messages. */
export const ARG_LIMIT = 40;

/** A user's argument for a message: printable, cut after ARG_LIMIT characters with the full length said. */
export function quoteArg(s: string, limit = ARG_LIMIT): string {
  const chars = [...s];
  if (chars.length <= limit) return `'${printable(s)}'`;
  return `'${printable(chars.slice(0, limit).join(''))}...' (${chars.length} characters)`;
}

/** Like quoteArg, without the quotes. */
export function cutArg(s: string, limit = ARG_LIMIT): string {
  const chars = [...s];
  if (chars.length <= limit) return printable(s);
  return `${printable(chars.slice(0, limit).join(''))}... (${chars.length} characters)`;
}

/**
 * A whole message made safe to print on one line of a terminal: printable,
 * and any run of more than `limit` non-blank characters cut. The CLI applies
 * it to every error line, whatever built the message.
 */
export function safeMessage(line: string, limit = 200): string {
  return printable(line).replace(new RegExp(`\\S{${limit + 1},}`, 'g'), (run) => `${run.slice(0, limit)}... (${run.length} characters)`);
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest of `known` to `name` when it is close enough to be a typo. */
export function didYouMean(name: string, known: readonly string[]): string | null {
  let best: { k: string; d: number } | null = null;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (best === null || d < best.d) best = { k, d };
  }
  return best !== null && best.d <= Math.max(2, Math.floor(name.length / 4)) ? best.k : null;
}
