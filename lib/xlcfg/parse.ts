// An xl.cfg parser with libxlu's grammar: `key = value` or `key += value`
// statements ended by a newline or `;`, values that are quoted strings, numbers
// or [lists], `#` comments. Like libxlu, numbers stay text (their meaning
// depends on the option) and the last assignment of a key wins.
import { UserError } from '../errors.ts';
import { printable } from '../text.ts';

export type XlValue =
  | { kind: 'atom'; text: string; quoted: boolean; line: number; col: number }
  | { kind: 'list'; items: XlValue[]; line: number; col: number };

export interface XlSetting {
  key: string;
  value: XlValue;
  line: number;
  col: number;
}

export interface XlConfig {
  source: string;
  settings: ReadonlyMap<string, XlSetting>;
  /** Keys assigned with `=` more than once: every assignment's line, in order (libxlu silently keeps the last). */
  duplicates: ReadonlyMap<string, number[]>;
}

export class XlParseError extends UserError {
  override name = 'XlParseError';
  constructor(
    readonly source: string,
    readonly line: number,
    readonly col: number,
    readonly reason: string,
  ) {
    super(`${source}:${line}:${col}: ${reason}`);
  }
}

type Tok =
  | { t: 'ident' | 'number' | 'string'; text: string; quoted?: boolean; line: number; col: number }
  | { t: '=' | '+=' | ',' | '[' | ']' | ';' | 'nl' | 'eof'; line: number; col: number };

const ESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function lex(text: string, source: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const fail = (at: number, reason: string): never => {
    throw new XlParseError(source, line, at - lineStart + 1, reason);
  };
  while (i < text.length) {
    const c = text[i]!;
    const col = i - lineStart + 1;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '\n' || c === '#') {
      while (c === '#' && i < text.length && text[i] !== '\n') i++;
      out.push({ t: 'nl', line, col });
      if (i < text.length) {
        i++;
        line++;
        lineStart = i;
      }
    } else if (/[a-z]/.test(c)) {
      const m = /^[a-z][._0-9a-z]*/.exec(text.slice(i))![0];
      out.push({ t: 'ident', text: m, line, col });
      i += m.length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9][0-9a-fx]*/.exec(text.slice(i))![0];
      out.push({ t: 'number', text: m, line, col });
      i += m.length;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= text.length || text[j] === '\n') fail(i, `unterminated string (missing ${c})`);
        const d = text[j]!;
        if (d === c) break;
        if (d === '\\') {
          const e = text[j + 1];
          if (e === undefined || e === '\n') fail(j, 'backslash at the end of a line');
          if (e! in ESCAPES) {
            value += ESCAPES[e!];
            j += 2;
          } else if (e === 'x') {
            const h = /^[0-9a-fA-F]{1,2}/.exec(text.slice(j + 2));
            if (!h) fail(j, 'invalid digit after backslash hex numerical character escape in quoted string');
            value += String.fromCharCode(parseInt(h![0], 16));
            j += 2 + h![0].length;
          } else if (/[0-7]/.test(e!)) {
            const o = /^[0-7]{1,3}/.exec(text.slice(j + 1))![0];
            value += String.fromCharCode(parseInt(o, 8) & 0xff);
            j += 1 + o.length;
          } else {
            fail(j, `invalid escape \\${e} in quoted string`);
          }
        } else {
          value += d;
          j++;
        }
      }
      out.push({ t: 'string', text: value, quoted: true, line, col });
      i = j + 1;
    } else if (c === '+' && text[i + 1] === '=') {
      out.push({ t: '+=', line, col });
      i += 2;
    } else if (c === '=' || c === ',' || c === '[' || c === ']' || c === ';') {
      out.push({ t: c, line, col });
      i++;
    } else {
      if ((c === '-' || c === '+') && /[0-9]/.test(text[i + 1] ?? '')) fail(i, `lexical error at '${c}': xl.cfg numbers have no sign (a negative value cannot be written)`);
      const hint = /[.():]/.test(c) ? ' (this looks like Python; xl.cfg is not Python)' : '';
      fail(i, `lexical error at '${printable(c)}'${hint}`);
    }
  }
  out.push({ t: 'eof', line, col: i - lineStart + 1 });
  return out;
}

function describe(t: Tok): string {
  if (t.t === 'nl') return 'end of line';
  if (t.t === 'eof') return 'end of file';
  if (t.t === 'ident' || t.t === 'number') return `'${t.text}'`;
  if (t.t === 'string') return 'a string';
  return `'${t.t}'`;
}

/** xl.cfg nests lists at most twice (vnuma); a bound keeps the recursive parser off the stack limit. */
export const MAX_LIST_DEPTH = 32;

/** Parses xl.cfg text; `source` names it in error messages (file:line:col). */
export function parseXlConfig(text: string, source: string): XlConfig {
  const toks = lex(text, source);
  let p = 0;
  const peek = () => toks[p]!;
  const fail = (t: Tok, reason: string): never => {
    throw new XlParseError(source, t.line, t.col, reason);
  };
  const skipNl = () => {
    while (peek().t === 'nl') p++;
  };

  const parseValue = (depth: number): XlValue => {
    const t = peek();
    if (depth > MAX_LIST_DEPTH) fail(t, `lists nested more than ${MAX_LIST_DEPTH} deep`);
    if (t.t === 'string' || t.t === 'number') {
      p++;
      return { kind: 'atom', text: t.text, quoted: t.t === 'string', line: t.line, col: t.col };
    }
    if (t.t === '[') {
      p++;
      const items: XlValue[] = [];
      skipNl();
      while (peek().t !== ']') {
        items.push(parseValue(depth + 1));
        skipNl();
        if (peek().t === ',') {
          p++;
          skipNl();
        } else if (peek().t !== ']') {
          fail(peek(), `expected ',' or ']' in a list, found ${describe(peek())}`);
        }
      }
      p++;
      return { kind: 'list', items, line: t.line, col: t.col };
    }
    if (t.t === 'ident') fail(t, `expected a value, found ${describe(t)} (strings need quotes)`);
    return fail(t, `expected a value, found ${describe(t)}`);
  };

  const settings = new Map<string, XlSetting>();
  const duplicates = new Map<string, number[]>();
  for (;;) {
    const t = peek();
    if (t.t === 'eof') break;
    if (t.t === 'nl' || t.t === ';') {
      p++;
      continue;
    }
    if (t.t !== 'ident') fail(t, `expected an option name, found ${describe(t)}`);
    const key = (t as { text: string }).text;
    p++;
    const op = peek();
    if (op.t !== '=' && op.t !== '+=') fail(op, `expected '=' or '+=' after ${key}, found ${describe(op)}`);
    p++;
    let value = parseValue(0);
    const end = peek();
    if (end.t !== 'nl' && end.t !== ';' && end.t !== 'eof') fail(end, `expected the end of the statement, found ${describe(end)}`);
    const prev = settings.get(key);
    if (op.t === '+=' && prev !== undefined) value = concat(prev.value, value, source);
    else if (prev !== undefined) duplicates.set(key, [...(duplicates.get(key) ?? [prev.line]), t.line]);
    settings.set(key, { key, value, line: t.line, col: t.col });
  }
  return { source, settings, duplicates };
}

/** `+=`: strings are concatenated, lists appended, as libxlu does. */
function concat(a: XlValue, b: XlValue, source: string): XlValue {
  if (a.kind === 'atom' && b.kind === 'atom') return { ...a, text: a.text + b.text, quoted: a.quoted || b.quoted };
  if (a.kind === 'list' && b.kind === 'list') return { ...a, items: [...a.items, ...b.items] };
  throw new XlParseError(source, b.line, b.col, "'+=' needs a value of the same kind (string or list) as the previous one");
}
