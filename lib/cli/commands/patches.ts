import type { Command } from 'commander';
import { execaSync } from 'execa';
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import { buildSeries, LintError } from '../../patches/build.ts';
import { formatFinding } from '../../patches/lint.ts';
import { REPO_ROOT } from '../../paths.ts';
import { parseIdentity, type Identity } from '../../xen-tree/git.ts';

function identity(option: string, given: string): Identity {
  const id = parseIdentity(given);
  if (!id.name) throw new UserError(`${option} '${given}': expected "Name <mail@example.org>"`);
  return id;
}

/** --author, or the user's git identity: the commits need an author, a person. */
function authorIdentity(given: string | undefined): Identity {
  if (given !== undefined) return identity('--author', given);
  const get = (key: string): string => {
    const r = execaSync('git', ['config', key], { reject: false });
    return r.exitCode === 0 ? String(r.stdout).trim() : '';
  };
  const id = { name: get('user.name'), email: get('user.email') };
  if (!id.name || !id.email) throw new UserError('no --author given and no git user.name/user.email configured');
  return id;
}

/**
 * The expected failure of building a series that lib/patches reports as a
 * plain Error, as one line for the user: a patch that changes nothing means
 * the tree already has the series (or that part of it). Other errors are
 * passed on (bugs stay exit 70).
 */
export function explainBuildFailure(e: unknown, xen: string): unknown {
  if (!(e instanceof Error) || e instanceof UserError) return e;
  const nothing = /^patch (\S+) changed nothing$/.exec(e.message);
  if (nothing) return new UserError(`patches: ${xen}: patch ${nothing[1]} changes nothing in this tree: the series (or this part of it) is already applied; give a tree without it`);
  return e;
}

export function patchesCommand(program: Command): void {
  program
    .command('patches')
    .description('build the Xen patch series in a scratch copy of a Xen tree and write it with git format-patch')
    .requiredOption('--xen <dir>', 'Xen source tree (a clean git checkout or an extracted release tree); only read')
    .requiredOption('--target <target>', 'xen-4.17 or staging')
    .option('--out <dir>', 'output directory (default: xen-patches/<target>/)')
    .option('--author <identity>', 'commit author, "Name <mail>" (default: git user.name/user.email)')
    .option(
      '--signoff [identity]',
      'add Signed-off-by for the author, or for "Name <mail>": you certify the DCO (docs/process/sending-patches.pandoc); without it the series carries none',
    )
    .option('--json', 'print {target, out, base, files, signed_off_by} as JSON')
    .action(async (opts: { xen: string; target: string; out?: string; author?: string; signoff?: string | boolean; json?: boolean }) => {
      const author = authorIdentity(opts.author);
      const signoff = opts.signoff === undefined || opts.signoff === false ? null : opts.signoff === true ? author : identity('--signoff', opts.signoff);
      let res;
      try {
        res = await buildSeries({ xen: opts.xen, target: opts.target, out: opts.out ?? join(REPO_ROOT, 'xen-patches', opts.target), author, signoff });
      } catch (e) {
        if (!(e instanceof LintError)) throw explainBuildFailure(e, opts.xen);
        for (const f of e.findings) console.log(formatFinding(f));
        console.error(`xen-sev: the series breaks ${e.findings.length} maintainer rule(s); nothing was written`);
        process.exitCode = 1;
        return;
      }
      const signed = signoff ? `${signoff.name} <${signoff.email}>` : null;
      if (opts.json) {
        console.log(JSON.stringify({ ...res, signed_off_by: signed }, null, 2));
        return;
      }
      console.log(`${res.files.length - 1} patches and a cover letter in ${res.out} (base-commit ${res.base})`);
      for (const f of res.files) console.log(`  ${f}`);
      console.log(`maintainer rules: 0 findings; ${res.lint.definitions} definitions added, ${res.lint.used} used`);
      if (signed === null) {
        console.log('No Signed-off-by: add yours when you certify the DCO (--signoff, or `git am -s` after applying).');
      }
    });
}
