// Anchored text edits of files in a Xen tree. An anchor that is missing or
// ambiguous means the tree is not the one the patch was written for: that is
// reported with the file and the text looked for, never patched around.
import { UserError } from '../errors.ts';

export function replaceOnce(text: string, anchor: string, replacement: string, file: string): string {
  const at = text.indexOf(anchor);
  if (at < 0) throw new UserError(`${file}: expected text not found (is this the right Xen version?): ${firstLine(anchor)}`);
  if (text.indexOf(anchor, at + 1) >= 0) throw new UserError(`${file}: text occurs more than once: ${firstLine(anchor)}`);
  return text.slice(0, at) + replacement + text.slice(at + anchor.length);
}

export function insertAfter(text: string, anchor: string, addition: string, file: string): string {
  return replaceOnce(text, anchor, anchor + addition, file);
}

/** The line of text containing `needle`, exactly once; its full text (without newline). */
export function lineContaining(text: string, needle: string | RegExp, file: string): string {
  const lines = text.split('\n').filter((l) => (typeof needle === 'string' ? l.includes(needle) : needle.test(l)));
  if (lines.length !== 1) {
    throw new UserError(`${file}: expected exactly one line matching ${String(needle)}, found ${lines.length}`);
  }
  return lines[0]!;
}

function firstLine(s: string): string {
  const l = s.split('\n').find((x) => x.trim() !== '') ?? s;
  return JSON.stringify(l.trim());
}
