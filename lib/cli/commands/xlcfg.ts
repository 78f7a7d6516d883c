import type { Command } from 'commander';
import { projectModel } from '../../../generators/model.ts';
import { UserError } from '../../errors.ts';
import { CAPS, readBoundedSync } from '../../io.ts';
import { safeMessage } from '../../text.ts';
import { checkXlConfigText, rulesFor } from '../../xlcfg/check.ts';

/** A text file with a cap on its size; every failure is one line naming the file and the cause. */
export function readUserFile(file: string, what: string, max: number = CAPS.xlcfg): string {
  return readBoundedSync(file, max, (why) => new UserError(`${what}: cannot read ${file}: ${why}`)).toString('utf8');
}

export function xlcfgCommand(program: Command): void {
  const xlcfg = program.command('xlcfg').description('xl.cfg files and the coco (SEV, SEV-ES, SEV-SNP) options');
  xlcfg
    .command('check')
    .description('check the coco options of an xl.cfg (with type and bios) against the rules libxl enforces; exit 1 on errors')
    .argument('<file>', 'an xl.cfg domain configuration')
    .option('--json', 'print {"ok", "errors": [{"option", "message"}]}')
    .action((file: string, opts: { json?: boolean }) => {
      const text = readUserFile(file, 'xlcfg check');
      const result = checkXlConfigText(text, file, rulesFor(projectModel()));
      if (opts.json) {
        const out = { ok: result.ok, errors: result.errors.map((e) => ({ option: e.option, message: e.message })) };
        console.log(JSON.stringify(out, null, 1));
      } else if (result.ok) {
        console.log(`${safeMessage(file)}: ok`);
      } else {
        // Values are echoed as given: escape and cut them for the terminal (--json keeps them whole).
        for (const e of result.errors) console.log(safeMessage(`${file}: ${e.option}: ${e.message}`));
      }
      if (!result.ok) process.exitCode = 1;
    });
}
