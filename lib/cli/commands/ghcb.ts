// xen-sev ghcb decode|encode: read and build GHCB pages with the generated codec.
import { type Command, Option } from 'commander';
import { projectModel } from '../../../generators/model.ts';
import { UserError } from '../../errors.ts';
import { FLAG_FIELDS, pageFromFlags, pageFromJson } from '../../ghcb/build.ts';
import { pageJson, pageTable } from '../../ghcb/describe.ts';
import { CAPS, writeAtomically } from '../../io.ts';
import { PAGE_FORMATS, parsePage, readInput, type PageFormat } from '../../ghcb/input.ts';

const flagOf = (name: string) => name.replace(/_/g, '-');
const optionKey = (name: string) => flagOf(name).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The `ghcb` command group; other modules (e.g. `ghcb validate`) add their subcommands to it. */
export function ghcbGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'ghcb') ?? program.command('ghcb').description('read, build and check GHCB pages');
}

export function ghcbCommand(program: Command): void {
  const ghcb = ghcbGroup(program);

  ghcb
    .command('decode')
    .description('decode a GHCB page: raw 4096 bytes, plain hex, or the output of xxd, hexdump -C, hexdump or od (autodetected)')
    .argument('<file>', 'the page, or - for stdin')
    .addOption(new Option('--format <format>', 'input format instead of autodetection').choices([...PAGE_FORMATS]))
    .option('--json', 'print the decoded page as JSON')
    .option('--all', 'list every field, also those that are zero and not valid')
    .action(async (file: string, opts: { format?: PageFormat; json?: boolean; all?: boolean }) => {
      const source = file === '-' ? 'stdin' : file;
      const { bytes } = parsePage(await readInput(file), opts.format ?? 'auto', source);
      const model = projectModel();
      console.log(opts.json ? JSON.stringify(pageJson(model, bytes)) : pageTable(model, bytes, opts.all === true));
    });

  const encode = ghcb
    .command('encode')
    .description('build a GHCB page from the JSON shape `ghcb decode --json` prints, or from flags; fields given as flags are marked valid')
    .argument('[json]', 'a JSON file in the decode --json shape, or - for stdin')
    .option('-o, --output <file>', 'write the raw page here instead of stdout')
    .option('--exit <name|code>', 'sw_exit_code by name (cpuid, ioio, msr, mmio_read, ...) or number; sw_exit_info_1/2 default to 0; all three marked valid')
    .option('--protocol-version <n>', 'protocol_version (default 2)')
    .option('--usage <n>', 'ghcb_usage (default 0)');
  for (const f of FLAG_FIELDS) encode.option(`--${flagOf(f.name)} <value>`, `${f.name} at 0x${f.offset.toString(16)}${f.validBit !== null ? ', marked valid' : ''}`);
  encode.action(async (json: string | undefined, opts: Record<string, string | undefined>) => {
    const model = projectModel();
    const fields: Record<string, string> = {};
    for (const f of FLAG_FIELDS) {
      const v = opts[optionKey(f.name)];
      if (v !== undefined) fields[f.name] = v;
    }
    let page: Uint8Array | undefined;
    if (json !== undefined) {
      const where = json === '-' ? 'stdin' : json;
      let doc: unknown;
      try {
        doc = JSON.parse(Buffer.from(await readInput(json, CAPS.pageJson)).toString('utf8'));
      } catch (e) {
        if (e instanceof UserError) throw e;
        throw new UserError(`${where}: not JSON: ${(e as Error).message}`);
      }
      page = pageFromJson(doc, where);
    }
    const flags = { exit: opts.exit, protocolVersion: opts.protocolVersion, usage: opts.usage, fields };
    const hasFlags = flags.exit !== undefined || flags.protocolVersion !== undefined || flags.usage !== undefined || Object.keys(fields).length > 0;
    if (page === undefined && !hasFlags) throw new UserError('ghcb encode: give a JSON file (or -) or flags such as --exit cpuid --rax 0xd');
    if (hasFlags) page = pageFromFlags(model, flags, page);
    if (opts.output !== undefined) writeAtomically(opts.output, page!, 'ghcb encode');
    else if (process.stdout.isTTY) throw new UserError('ghcb encode: refusing to write a binary page to a terminal; use -o FILE or a pipe');
    else process.stdout.write(page!);
  });
}
