import type { Command } from 'commander';
import { projectModel } from '../../../generators/model.ts';
import { explain, parseQuery, renderExplanation, type Api } from '../../explain/explain.ts';
import { UserError } from '../../errors.ts';

export function explainCommand(program: Command): void {
  program
    .command('explain')
    .description('what a firmware status code means (SEV API, SNP ABI), which commands return it and its known causes; accepts a whole log line such as `SEV: failed to INIT error 0x13`; exit 1 for a code no status table defines')
    .argument('<code>', 'the status code (0x13, 19), its name (HWERROR_PLATFORM) or a ccp log line')
    .option('--api <api>', 'only the SEV API (sev) or the SNP ABI (snp) status table (a log line picks it by SEV / SEV-SNP)')
    .option('--json', 'print the explanation as JSON')
    .action((code: string, opts: { api?: string; json?: boolean }) => {
      if (opts.api !== undefined && opts.api !== 'sev' && opts.api !== 'snp') throw new UserError(`explain: --api ${opts.api}: use sev or snp`);
      const model = projectModel();
      const q = parseQuery(code, model);
      const e = explain(model, q.code, (opts.api as Api | undefined) ?? q.api, q.line);
      console.log(opts.json ? JSON.stringify(e, null, 1) : renderExplanation(e));
      if (!e.defined) process.exitCode = 1;
    });
}
