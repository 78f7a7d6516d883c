import type { Command } from 'commander';
import { generateAll, OWNED_DIRS } from '../../../generators/generate.ts';
import { projectModel } from '../../../generators/model.ts';
import { driftCount, findDrift, writeOutputs } from '../../../generators/write.ts';
import { REPO_ROOT } from '../../paths.ts';

export function generateCommand(program: Command): void {
  program
    .command('generate')
    .description('regenerate everything under generated/ from the schema')
    .option('--check', 'write nothing; list files that differ from a fresh generation and exit 1 if any do')
    .option('--json', 'print {"files", "changed", "missing", "stale"} (with --check: what differs; without: what was written)')
    .action((opts: { check?: boolean; json?: boolean }) => {
      const files = generateAll(projectModel());
      if (opts.json) {
        const drift = opts.check ? findDrift(REPO_ROOT, files, OWNED_DIRS) : writeOutputs(REPO_ROOT, files, OWNED_DIRS);
        console.log(JSON.stringify({ files: files.length, changed: drift.changed, missing: drift.missing, stale: drift.stale }, null, 1));
        if (opts.check && driftCount(drift) > 0) process.exitCode = 1;
        return;
      }
      if (opts.check) {
        const drift = findDrift(REPO_ROOT, files, OWNED_DIRS);
        for (const p of drift.changed) console.log(`changed: ${p}`);
        for (const p of drift.missing) console.log(`missing: ${p}`);
        for (const p of drift.stale) console.log(`stale:   ${p}`);
        if (driftCount(drift) > 0) {
          console.log(`${driftCount(drift)} generated file(s) out of date: run \`npm run generate\``);
          process.exitCode = 1;
        } else {
          console.log(`${files.length} generated files up to date`);
        }
        return;
      }
      const drift = writeOutputs(REPO_ROOT, files, OWNED_DIRS);
      console.log(
        `${files.length} files: ${drift.changed.length} updated, ${drift.missing.length} created, ${drift.stale.length} removed`,
      );
    });
}
