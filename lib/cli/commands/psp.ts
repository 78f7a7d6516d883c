// xen-sev psp decode LOG: Linux ccp driver logs (dynamic debug command dumps,
// INIT failures, firmware versions) decoded with the schema's command buffers
// and explained with the firmware model.
import type { Command } from 'commander';
import { decodeLog, renderLog } from '../../firmware/ccp-log.ts';
import { readBounded } from '../../firmware/input.ts';
import { UserError } from '../../errors.ts';

const MAX_LOG = 64 << 20;

export function pspCommand(program: Command): void {
  const psp = program.command('psp').description('the AMD Secure Processor (PSP) as Linux\'s ccp driver reports it');
  psp
    .command('decode')
    .description('decode a Linux ccp log (dmesg, with or without dynamic debug): each command by name with its buffer decoded, each error with its status name and what the firmware model says; exit 1 when the log shows failures')
    .argument('<log>', 'the log file (- for stdin), at most 64 MiB')
    .option('--json', 'print {"commands": [{"id", "name", "in", "out", ...}], "errors": [{"text", "code", "name", ...}], "versions": [...]}')
    .action((file: string, opts: { json?: boolean }) => {
      const source = file === '-' ? 'stdin' : file;
      const d = decodeLog(readBounded(file, MAX_LOG).toString('utf8'));
      if (d.commands.length === 0 && d.errors.length === 0 && d.versions.length === 0) {
        throw new UserError(`${source}: no Linux ccp SEV lines found (expected 'sev command id ...', 'SEV: failed to ... error 0x..', 'SEV API:x.y build:n')`);
      }
      if (opts.json) {
        console.log(JSON.stringify({
          commands: d.commands.map((c) => ({ id: c.id, name: c.name, in: c.in, out: c.out, line: c.line, buffer_address: c.buffer_address, timeout_s: c.timeout_s, in_bytes: c.in_bytes, out_bytes: c.out_bytes, buffer_size: c.buffer_size, summary: c.summary })),
          errors: d.errors.map((e) => ({ text: e.text, code: e.code, name: e.name, line: e.line, api: e.api, command: e.command, rc: e.rc, model: e.model })),
          versions: d.versions,
          unknown: d.unknown,
        }));
      } else {
        console.log(renderLog(d, source));
      }
      if (d.errors.length > 0) process.exitCode = 1;
    });
}
