// Commit messages in the form xen-devel reviews: a subsystem-prefixed subject,
// a body wrapped at 72 columns that says why, then the trailers. A
// Signed-off-by is a DCO certification by a person: it is written only for the
// identity the user asked to sign with, never by default.
import type { Identity } from '../xen-tree/git.ts';

const WIDTH = 72;
const BULLET = /^(\s*- )/;

/** Wraps one paragraph; a "- " list item hangs its continuation lines under its text. */
export function wrap(paragraph: string, width = WIDTH): string {
  const lead = BULLET.exec(paragraph)?.[1] ?? '';
  const hang = ' '.repeat(lead.length);
  const lines: string[] = [];
  let line = lead;
  let empty = true;
  for (const w of paragraph.slice(lead.length).trim().split(/\s+/)) {
    if (!empty && line.length + 1 + w.length > width) {
      lines.push(line);
      line = hang + w;
    } else {
      line = empty ? line + w : `${line} ${w}`;
    }
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

export function commitMessage(subject: string, body: string[], signoff: Identity | null, cc: string[] = []): string {
  // Consecutive list items form one block; other paragraphs are separated by a blank line.
  const blocks: string[] = [];
  body.forEach((p, i) => {
    const text = wrap(p);
    if (i > 0 && BULLET.test(p) && BULLET.test(body[i - 1]!)) blocks[blocks.length - 1] += `\n${text}`;
    else blocks.push(text);
  });
  const trailers = [...(signoff ? [`Signed-off-by: ${signoff.name} <${signoff.email}>`] : []), ...cc.map((c) => `Cc: ${c}`)];
  return `${subject}\n\n${blocks.join('\n\n')}${trailers.length > 0 ? `\n\n${trailers.join('\n')}` : ''}\n`;
}
