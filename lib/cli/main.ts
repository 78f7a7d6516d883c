// xen-sev: one subcommand per module under commands/; all user errors exit 2.
import { Command, CommanderError } from 'commander';
import { UserError } from '../errors.ts';
import { errnoWords, isErrnoError } from '../io.ts';
import { safeMessage } from '../text.ts';
import { packageVersion } from '../version.ts';
import { generateCommand } from './commands/generate.ts';
import { layoutCommand } from './commands/layout.ts';
import { xlcfgCommand } from './commands/xlcfg.ts';
import { libvirtCommand } from './commands/libvirt.ts';
import { coverageCommand } from './commands/coverage.ts';
import { explainCommand } from './commands/explain.ts';
import { hostCommand } from './commands/host.ts';
import { ghcbCommand } from './commands/ghcb.ts';
import { msrCommand } from './commands/msr.ts';
import { patchesCommand } from './commands/patches.ts';
import { naeCommand } from './commands/nae.ts';
import { fwCommand } from './commands/fw.ts';
import { pspCommand } from './commands/psp.ts';

const program = new Command('xen-sev')
  .description('AMD SEV, SEV-ES and SEV-SNP for Xen: generate headers and patches, check GHCB data, review coverage')
  .version(packageVersion(), '-V, --version', 'print the version')
  .exitOverride()
  // Usage errors are one line like every other error; --help has the rest.
  .configureOutput({ outputError: (str, write) => write(`xen-sev: ${safeMessage(str.replace(/^error: /, '').trimEnd())} (see --help)\n`) });

for (const add of [generateCommand, layoutCommand, xlcfgCommand, coverageCommand, explainCommand, hostCommand, libvirtCommand, ghcbCommand, msrCommand, patchesCommand, naeCommand, fwCommand, pspCommand]) add(program);

function fail(message: string, code: number): never {
  // Each line escaped and cut: messages echo user input (file names, arguments).
  process.stderr.write(`${message.split('\n').map((l) => `xen-sev: ${safeMessage(l)}`).join('\n')}\n`);
  process.exit(code);
}

// A reader that stops early (`xen-sev ... | head`) is not an error: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version are successful exits; commander has already printed its message.
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  if (e instanceof UserError) fail(e.message, 2);
  // A file system error no command anticipated is still the user's environment, not a bug: name the file and the cause.
  if (isErrnoError(e) && !process.env.XEN_SEV_DEBUG) fail(`${e.path ?? e.syscall ?? 'file system'}: ${errnoWords(e)}`, 2);
  if (process.env.XEN_SEV_DEBUG) throw e;
  fail(`internal error: ${e instanceof Error ? e.message : String(e)} (set XEN_SEV_DEBUG=1 for a stack trace)`, 70);
}
