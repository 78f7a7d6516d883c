// xen-sev: one subcommand per module under commands/; all user errors exit 2.
//
// Start-up: a command loads only its own module (and what that imports), so
// `msr decode` never loads the emitters or the coverage code. The registry below
// names each top-level command with the line `--help` shows for it, so the
// top-level help needs no command module at all; test/unit/cli-startup.test.ts
// checks that these lines match what the modules themselves register.
import { Command, CommanderError } from 'commander';
import { UserError } from '../errors.ts';
import { errnoWords, isErrnoError } from '../io.ts';
import { safeMessage } from '../text.ts';
import { packageVersion } from '../version.ts';

type AddCommand = (program: Command) => void;

export interface CommandEntry {
  /** The top-level command name. */
  name: string;
  /** What `xen-sev --help` lists for it: the usage term and the description. */
  term: string;
  summary: string;
  /**
   * The modules that add to this command (`ghcb validate` comes from nae.ts);
   * `sub` is the subcommand asked for, when a module is needed only for some.
   */
  load: (sub?: string) => Promise<AddCommand[]>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'generate', term: 'generate [options]', summary: 'regenerate everything under generated/ from the schema', load: async () => [(await import('./commands/generate.ts')).generateCommand] },
  { name: 'layout', term: 'layout [options] [name]', summary: 'print the layout of a struct (pahole style): offset, size, field and spec reference', load: async () => [(await import('./commands/layout.ts')).layoutCommand] },
  { name: 'xlcfg', term: 'xlcfg', summary: 'xl.cfg files and the coco (SEV, SEV-ES, SEV-SNP) options', load: async () => [(await import('./commands/xlcfg.ts')).xlcfgCommand] },
  {
    name: 'coverage',
    term: 'coverage [options]',
    summary: 'what the AMD specs define, what the schema describes, what is generated and tested, and what a Xen tree references',
    load: async () => [(await import('./commands/coverage.ts')).coverageCommand],
  },
  {
    name: 'explain',
    term: 'explain [options] <code>',
    summary:
      'what a firmware status code means (SEV API, SNP ABI), which commands return it and its known causes; accepts a whole log line such as `SEV: failed to INIT error 0x13`; exit 1 for a code no status table defines',
    load: async () => [(await import('./commands/explain.ts')).explainCommand],
  },
  {
    name: 'host',
    term: 'host [options]',
    summary: 'what this machine supports and has enabled: CPUID Fn8000_001F, SYSCFG and SEV_STATUS decoded (like `sevctl ok`)',
    load: async () => [(await import('./commands/host.ts')).hostCommand],
  },
  { name: 'libvirt', term: 'libvirt', summary: "map libvirt's <launchSecurity> to and from the xl.cfg coco options", load: async () => [(await import('./commands/libvirt.ts')).libvirtCommand] },
  {
    name: 'ghcb',
    term: 'ghcb',
    summary: 'read, build and check GHCB pages',
    // decode and encode need only ghcb.ts; help and validate need nae.ts too.
    load: async (sub) => [(await import('./commands/ghcb.ts')).ghcbCommand, ...(sub === 'decode' || sub === 'encode' ? [] : [(await import('./commands/nae.ts')).naeCommand])],
  },
  { name: 'msr', term: 'msr', summary: 'GHCB MSR protocol values: decode, encode, list the messages', load: async () => [(await import('./commands/msr.ts')).msrCommand] },
  {
    name: 'patches',
    term: 'patches [options]',
    summary: 'build the Xen patch series in a scratch copy of a Xen tree and write it with git format-patch',
    load: async () => [(await import('./commands/patches.ts')).patchesCommand],
  },
  { name: 'nae', term: 'nae', summary: 'SEV-ES/SNP exit handling: non-automatic events (NAE) and automatic exits (AE)', load: async () => [(await import('./commands/nae.ts')).naeCommand] },
  { name: 'fw', term: 'fw', summary: 'the SEV/SNP firmware model: per-command state rules, simulated command sequences', load: async () => [(await import('./commands/fw.ts')).fwCommand] },
  { name: 'psp', term: 'psp', summary: "the AMD Secure Processor (PSP) as Linux's ccp driver reports it", load: async () => [(await import('./commands/psp.ts')).pspCommand] },
];

function newProgram(): Command {
  return (
    new Command('xen-sev')
      .description('AMD SEV, SEV-ES and SEV-SNP for Xen: generate headers and patches, check GHCB data, review coverage')
      .version(packageVersion(), '-V, --version', 'print the version')
      .exitOverride()
      // Usage errors are one line like every other error; --help has the rest.
      .configureOutput({ outputError: (str, write) => write(`xen-sev: ${safeMessage(str.replace(/^error: /, '').trimEnd())} (see --help)\n`) })
  );
}

/** The first two arguments that are not options: the command to load (`help X` loads X) and its subcommand. */
function commandWordsOf(args: readonly string[]): { name?: string; sub?: string } {
  const words = args.filter((a) => !a.startsWith('-'));
  // `help X` and `X --help` list every subcommand: no subcommand, so every module of X loads.
  if (words[0] === 'help') return { name: words[1] };
  return { name: words[0], sub: args.includes('--help') || args.includes('-h') ? undefined : words[1] };
}

/**
 * The program with the real command modules of `names` loaded (for `sub`,
 * when given: only the modules that subcommand needs), and a light
 * placeholder (name and help line only) for every other command. The order of
 * the registry is kept, so `--help` reads the same either way.
 */
export async function buildProgram(names: readonly string[] | 'all', sub?: string): Promise<Command> {
  const program = newProgram();
  const wanted = COMMANDS.filter((c) => names === 'all' || names.includes(c.name));
  const adders = new Map<CommandEntry, AddCommand[]>();
  for (const c of wanted) adders.set(c, await c.load(sub));
  const added = new Set<AddCommand>();
  const placeholders = new Map<Command, string>();
  for (const c of COMMANDS) {
    const adds = adders.get(c);
    if (!adds) {
      // Another entry's module may have added this command already (ghcb loads nae.ts).
      if (program.commands.some((k) => k.name() === c.name)) continue;
      placeholders.set(program.command(c.name).description(c.summary), c.term);
      continue;
    }
    for (const add of adds) {
      if (added.has(add)) continue;
      added.add(add);
      add(program);
    }
  }
  // Keep the registry order whatever order the modules registered in.
  const order = new Map(COMMANDS.map((c, i) => [c.name, i]));
  (program.commands as Command[]).sort((a, b) => (order.get(a.name()) ?? 0) - (order.get(b.name()) ?? 0));
  if (placeholders.size > 0) {
    const base = program.createHelp();
    program.configureHelp({ subcommandTerm: (cmd) => placeholders.get(cmd) ?? base.subcommandTerm(cmd) });
  }
  return program;
}

function fail(message: string, code: number): never {
  // Each line escaped and cut: messages echo user input (file names, arguments).
  process.stderr.write(`${message.split('\n').map((l) => `xen-sev: ${safeMessage(l)}`).join('\n')}\n`);
  process.exit(code);
}

/** Runs the CLI on `argv` (process.argv shape: node, script, args...). */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  // A reader that stops early (`xen-sev ... | head`) is not an error: stop quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });

  try {
    const { name, sub } = commandWordsOf(argv.slice(2));
    const program = await buildProgram(name !== undefined && COMMANDS.some((c) => c.name === name) ? [name] : [], sub);
    await program.parseAsync([...argv]);
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
}
