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
