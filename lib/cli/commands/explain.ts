import type { Command } from 'commander';
import { projectModel } from '../../../generators/model.ts';
import { explain, parseCode, renderExplanation, type Api } from '../../explain/explain.ts';
import { UserError } from '../../errors.ts';

export function explainCommand(program: Command): void {
  program
    .command('explain')
    .description('what a firmware status code means (SEV API, SNP ABI) and its known causes, e.g. `SEV: failed to INIT error 0x13`')
    .argument('<code>', 'the status code (0x13, 19) or its name (HWERROR_PLATFORM)')
    .option('--api <api>', 'only the SEV API (sev) or the SNP ABI (snp) status table')
    .option('--json', 'print the explanation as JSON')
    .action((code: string, opts: { api?: string; json?: boolean }) => {
      if (opts.api !== undefined && opts.api !== 'sev' && opts.api !== 'snp') throw new UserError(`explain: --api ${opts.api}: use sev or snp`);
      const model = projectModel();
      const e = explain(model, parseCode(code, model), (opts.api as Api | undefined) ?? null);
      console.log(opts.json ? JSON.stringify(e, null, 1) : renderExplanation(e));
    });
}
