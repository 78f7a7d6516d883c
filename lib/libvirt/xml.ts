// Just enough XML for libvirt domain files: elements, attributes, text,
// comments, the XML declaration and the five predefined entities. No DTDs.
import { UserError } from '../errors.ts';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string, where: () => string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (_, e: string) => {
    if (e.startsWith('#')) {
      const cp = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      // XML's Char production: no NUL, no surrogates, nothing past U+10FFFF.
      if (!(cp > 0 && cp <= 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff)) throw new UserError(`${where()}: &${e.length > 12 ? `${e.slice(0, 12)}...` : e}; is not a character`);
      return String.fromCodePoint(cp);
    }
    const v = ENTITIES[e];
    if (v === undefined) throw new UserError(`${where()}: unknown entity &${e};`);
    return v;
  });
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

/** Deeper than any libvirt domain XML (about 6 levels); a bound keeps the recursive parser off the stack limit. */
export const MAX_XML_DEPTH = 64;

export function parseXml(text: string, source: string): XmlElement {
  let i = 0;
  const where = () => {
    const before = text.slice(0, i);
    const line = before.split('\n').length;
    return `${source}:${line}:${i - before.lastIndexOf('\n')}`;
  };
  const fail = (msg: string): never => {
    throw new UserError(`${where()}: ${msg}`);
  };
  const skipMisc = () => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text.startsWith('<?', i)) i = text.indexOf('?>', i) < 0 ? fail('unterminated <?') : text.indexOf('?>', i) + 2;
      else if (text.startsWith('<!--', i)) i = text.indexOf('-->', i) < 0 ? fail('unterminated comment') : text.indexOf('-->', i) + 3;
      else if (text.startsWith('<!', i)) fail('DTDs are not supported');
      else return;
    }
  };
  const element = (depth: number): XmlElement => {
    if (text[i] !== '<') fail('expected an element');
    if (depth > MAX_XML_DEPTH) fail(`elements nested more than ${MAX_XML_DEPTH} deep`);
    const m = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(i)) ?? fail('bad element name');
    const name = m[1]!;
    i += m[0].length;
    const attrs: Record<string, string> = {};
    for (;;) {
      while (/\s/.test(text[i] ?? '')) i++;
      if (text.startsWith('/>', i)) {
        i += 2;
        return { name, attrs, children: [], text: '' };
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      const a = /^([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(text.slice(i)) ?? fail(`bad attribute in <${name}>`);
      if (a[1]! in attrs) fail(`attribute ${a[1]} repeated in <${name}>`);
      attrs[a[1]!] = decode(a[3] ?? a[4] ?? '', where);
      i += a[0].length;
    }
    const children: XmlElement[] = [];
    let body = '';
    for (;;) {
      if (i >= text.length) fail(`<${name}> is not closed`);
      if (text.startsWith('</', i)) {
        const c = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(text.slice(i)) ?? fail('bad closing tag');
        if (c[1] !== name) fail(`</${c[1]}> closes <${name}>`);
        i += c[0].length;
        return { name, attrs, children, text: decode(body, where) };
      }
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i);
        i = end < 0 ? fail('unterminated comment') : end + 3;
      } else if (text[i] === '<') {
        children.push(element(depth + 1));
      } else {
        const next = text.indexOf('<', i);
        body += text.slice(i, next < 0 ? text.length : next);
        i = next < 0 ? text.length : next;
      }
    }
  };
  skipMisc();
  const root = element(1);
  skipMisc();
  if (i < text.length) fail('content after the root element');
  return root;
}

export function child(e: XmlElement, name: string): XmlElement | undefined {
  return e.children.find((c) => c.name === name);
}
