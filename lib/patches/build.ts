// Builds the series: checks the tree, applies each patch in a scratch checkout
// and commits it, then writes the mails with `git format-patch --cover-letter
// --base=...` into the output directory, which is replaced only when complete.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { projectModel } from '../../generators/model.ts';
import { UserError } from '../errors.ts';
import { detectXenTree } from '../xen-tree/detect.ts';
import { git, identityEnv, type Identity } from '../xen-tree/git.ts';
import { withScratchTree } from '../xen-tree/scratch.ts';
import { checkTargetVersion, targetById, type TargetId } from '../xen-tree/targets.ts';
import { commitMessage } from './commit-message.ts';
import { createContext, generatedPath } from './context.ts';
import { coverBlurb, coverSubject, type CommitRecord } from './cover.ts';
import { maintainersFor } from './maintainers.ts';
import { SERIES } from './series/index.ts';
import type { PatchDef } from './types.ts';

export const XEN_DEVEL = 'xen-devel@lists.xenproject.org';

export interface BuildOptions {
  xen: string;
  target: string;
  out: string;
  signoff: Identity;
  /** Author date of the commits (ISO 8601); now when absent. */
  date?: string;
  series?: readonly PatchDef[];
}

export interface BuildResult {
  target: TargetId;
  out: string;
  base: string;
  files: string[];
}

export async function buildSeries(opts: BuildOptions): Promise<BuildResult> {
  const target = targetById(opts.target);
  const series = opts.series ?? SERIES;
  const missing = series.flatMap((p) => p.needs.filter((n) => !existsSync(generatedPath(n))).map((n) => `${p.id}: ${n}`));
  if (missing.length > 0) throw new UserError(`generated files missing (run \`npm run generate\`): ${missing.join(', ')}`);
  const tree = await detectXenTree(opts.xen);
  checkTargetVersion(target, tree.root, tree.version);
  const out = resolve(opts.out);
  if (out === tree.root || out.startsWith(`${tree.root}/`)) {
    throw new UserError(`--out ${opts.out} is inside the Xen tree, which is never written to`);
  }
  const model = projectModel();
  const env = identityEnv(opts.signoff, opts.date ?? new Date().toISOString());

  return withScratchTree(tree, async ({ dir, base }) => {
    const ctx = createContext(dir, target, tree.version, model);
    const records: CommitRecord[] = [];
    for (const patch of series) {
      const before = ctx.placed.length;
      const handBefore = ctx.handEdited.length;
      patch.apply(ctx);
      await git(dir, ['add', '-A', '-f']);
      const diff = await git(dir, ['diff', '--cached', '--no-color']);
      if (diff.trim() === '') throw new Error(`patch ${patch.id} changed nothing`);
      const touched = (await git(dir, ['diff', '--cached', '--name-only'])).split('\n').filter(Boolean);
      const placed = ctx.placed.slice(before);
      const cc = await maintainersFor(dir, diff);
      const message = commitMessage(patch.subject, patch.body(ctx), opts.signoff, cc);
      await git(dir, ['commit', '-q', '--no-verify', '--no-gpg-sign', '-F', '-'], env, message);
      records.push({
        subject: patch.subject,
        placed,
        handWritten: touched.filter((t) => !placed.some((p) => p.to === t) || ctx.handEdited.slice(handBefore).includes(t)),
      });
    }

    const mails = join(dirname(dir), 'mails');
    await git(
      dir,
      [
        'format-patch',
        '--quiet',
        '--cover-letter',
        `--base=${base}`,
        '--zero-commit',
        '--no-signature',
        '--no-numbered-files',
        `--subject-prefix=${target.subjectPrefix}`,
        `--to=${XEN_DEVEL}`,
        '-o',
        mails,
        `${base}..HEAD`,
      ],
      env,
    );
    const coverFile = join(mails, readdirSync(mails).find((f) => f.startsWith('0000-'))!);
    const cover = readFileSync(coverFile, 'utf8')
      .replace('*** SUBJECT HERE ***', coverSubject(target))
      .replace('*** BLURB HERE ***', coverBlurb(model, target, tree, records));
    writeFileSync(coverFile, cover);
    const files = readdirSync(mails).sort();
    replaceDir(out, mails, files);
    return { target: target.id, out, base, files };
  });
}

/** Puts the new series in place of the old one in a single rename, or not at all. */
function replaceDir(out: string, from: string, files: string[]): void {
  mkdirSync(dirname(out), { recursive: true });
  const fresh = join(dirname(out), `.${basename(out)}.new-${process.pid}`);
  const old = join(dirname(out), `.${basename(out)}.old-${process.pid}`);
  rmSync(fresh, { recursive: true, force: true });
  mkdirSync(fresh);
  try {
    for (const f of files) copyFileSync(join(from, f), join(fresh, f));
    if (existsSync(out)) renameSync(out, old);
    try {
      renameSync(fresh, out);
    } catch (e) {
      if (existsSync(old)) renameSync(old, out);
      throw e;
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}
