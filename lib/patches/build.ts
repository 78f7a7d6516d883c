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
import { applyPatch, type SeriesState } from './assemble.ts';
import { commitMessage } from './commit-message.ts';
import { createContext } from './context.ts';
import { lintSeriesReport, type LintFinding } from './lint.ts';
import { coverBlurb, coverSubject, type CommitRecord } from './cover.ts';
import { maintainersFor } from './maintainers.ts';
import { SERIES } from './series/index.ts';
import type { PatchDef } from './types.ts';

export const XEN_DEVEL = 'xen-devel@lists.xenproject.org';

export interface BuildOptions {
  xen: string;
  target: string;
  out: string;
  /** Author of the commits. */
  author: Identity;
  /** The person certifying the DCO (a Signed-off-by line), only when asked for. */
  signoff: Identity | null;
  /** Author date of the commits (ISO 8601); now when absent. */
  date?: string;
  series?: readonly PatchDef[];
}

export interface BuildResult {
  target: TargetId;
  out: string;
  base: string;
  files: string[];
  /** The maintainer-rules check: definitions the series adds, and how many are used. */
  lint: { findings: number; definitions: number; used: number };
}

/** The series was built but breaks Xen's rules: nothing was written. */
export class LintError extends Error {
  constructor(readonly findings: LintFinding[]) {
    super(`${findings.length} maintainer-rule finding(s)`);
  }
}

export async function buildSeries(opts: BuildOptions): Promise<BuildResult> {
  const target = targetById(opts.target);
  const series = opts.series ?? SERIES;
  const tree = await detectXenTree(opts.xen);
  checkTargetVersion(target, tree.root, tree.version);
  const out = resolve(opts.out);
  if (out === tree.root || out.startsWith(`${tree.root}/`)) {
    throw new UserError(`--out ${opts.out} is inside the Xen tree, which is never written to`);
  }
  const model = projectModel();
  const env = identityEnv(opts.author, opts.date ?? new Date().toISOString());

  return withScratchTree(tree, async ({ dir, base }) => {
    const ctx = createContext(dir, target, tree.version, model);
    const records: CommitRecord[] = [];
    const state: SeriesState = { code: new Set(), headers: [] };
    for (const patch of series) {
      await applyPatch(ctx, dir, patch, state);
      await git(dir, ['add', '-A', '-f']);
      const diff = await git(dir, ['diff', '--cached', '--no-color']);
      if (diff.trim() === '') throw new Error(`patch ${patch.id} changed nothing`);
      const touched = (await git(dir, ['diff', '--cached', '--name-only'])).split('\n').filter(Boolean);
      const generated = [...state.headers.map((h) => h.path), ...(patch.sources ?? []).map((g) => g.to)].filter((p) => touched.includes(p));
      const cc = await maintainersFor(dir, diff);
      const message = commitMessage(patch.subject, patch.body(ctx), opts.signoff, cc);
      await git(dir, ['commit', '-q', '--no-verify', '--no-gpg-sign', '-F', '-'], env, message);
      records.push({
        subject: patch.subject,
        generated: generated.map((p) => ({ path: p, module: state.headers.find((h) => h.path === p)?.module ?? 'nae' })),
        handWritten: touched.filter((t) => !generated.includes(t)),
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
    const commits = (await git(dir, ['rev-list', '--reverse', `${base}..HEAD`])).split('\n').filter(Boolean);
    const report = await lintSeriesReport({
      tree: dir,
      base,
      patches: files
        .filter((f) => !f.startsWith('0000-'))
        .map((f, i) => ({ name: f, text: readFileSync(join(mails, f), 'utf8'), rev: commits[i] })),
      signoff: opts.signoff,
    });
    if (report.findings.length > 0) throw new LintError(report.findings);
    replaceDir(out, mails, files);
    const lint = { findings: 0, definitions: report.definitions, used: report.used };
    return { target: target.id, out, base, files, lint };
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
