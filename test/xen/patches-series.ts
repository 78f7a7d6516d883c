// Shared by the test/xen/patches-*.test.ts files: the committed series and
// how to run the CLI and the real-Xen check on it.
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths.ts';

export function seriesDir(target: string): string {
  return join(REPO_ROOT, 'xen-patches', target);
}

export function seriesFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.patch')).sort() : [];
}

/** A mail header of a patch file, unfolded (format-patch folds long ones). */
export function mailHeader(text: string, name: string): string {
  const head = text.slice(0, text.indexOf('\n\n')).replace(/\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}: (.+)$`, 'm').exec(head);
  if (!m) throw new Error(`no ${name}: header`);
  return m[1]!;
}

/** "Name <mail>" of the committed series' author, so a rebuild is authored the same way. */
export function seriesAuthor(dir: string): string {
  return mailHeader(readFileSync(join(dir, seriesFiles(dir)[1]!), 'utf8'), 'From');
}

export function runCli(args: string[]) {
  return execa('node', [join(REPO_ROOT, 'bin/xen-sev'), ...args], { reject: false, all: true });
}

/** Lines that may differ between two builds of the same series: the dates. */
export function withoutDates(text: string): string {
  return text.replace(/^Date: .*$/gm, 'Date: -');
}
