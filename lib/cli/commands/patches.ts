import type { Command } from 'commander';
import { execaSync } from 'execa';
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import { buildSeries } from '../../patches/build.ts';
import { REPO_ROOT } from '../../paths.ts';
import { parseIdentity, type Identity } from '../../xen-tree/git.ts';

/** --signoff, or the user's git identity; a series without a real Signed-off-by is useless. */
function signoffIdentity(given: string | undefined): Identity {
  if (given !== undefined) {
    const id = parseIdentity(given);
    if (!id.name) throw new UserError(`--signoff '${given}': expected "Name <mail@example.org>"`);
    return id;
  }
  const get = (key: string): string => {
    const r = execaSync('git', ['config', key], { reject: false });
    return r.exitCode === 0 ? String(r.stdout).trim() : '';
  };
  const id = { name: get('user.name'), email: get('user.email') };
  if (!id.name || !id.email) throw new UserError('no --signoff given and no git user.name/user.email configured');
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
    .option('--signoff <identity>', 'author and Signed-off-by, "Name <mail>" (default: git user.name/user.email)')
    .option('--json', 'print {target, out, base, files} as JSON')
    .action(async (opts: { xen: string; target: string; out?: string; signoff?: string; json?: boolean }) => {
      const signoff = signoffIdentity(opts.signoff);
      const res = await buildSeries({ xen: opts.xen, target: opts.target, out: opts.out ?? join(REPO_ROOT, 'xen-patches', opts.target), signoff }).catch((e: unknown) => {
        throw explainBuildFailure(e, opts.xen);
      });
      if (opts.json) {
        console.log(JSON.stringify(res, null, 2));
        return;
      }
      console.log(`${res.files.length - 1} patches and a cover letter in ${res.out} (base-commit ${res.base})`);
      for (const f of res.files) console.log(`  ${f}`);
    });
}
