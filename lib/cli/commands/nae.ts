// xen-sev nae list|simulate and xen-sev ghcb validate: the NAE/AE table, one
// modelled round trip, and the hypervisor's checks applied to a dumped page.
import { type Command, Option } from 'commander';
import { GhcbView } from '../../../generated/ts/ghcb-codec.ts';
import { hex } from '../../../generators/emit/common.ts';
import { UserError } from '../../errors.ts';
import { maxOfBits, parseUnsigned } from '../../numbers.ts';
import { quoteArg } from '../../text.ts';
import { PAGE_FORMATS, parsePage, readInput, type PageFormat } from '../../ghcb/input.ts';
import { ghcbGroup } from './ghcb.ts';
import { checkPage } from '../../nae/check-page.ts';
import { listJson, listText } from '../../nae/describe.ts';
import { simulate, simulateText } from '../../nae/simulate.ts';
import { naeTables } from '../../nae/table.ts';

function parseU64(what: string, s: string): bigint {
  return parseUnsigned(s, maxOfBits(64), what);
}

function guestOf(s: string | undefined): boolean {
  if (s === undefined || s === 'sev-es') return false;
  if (s === 'sev-snp') return true;
  throw new UserError(`--guest: '${s}' is not sev-es or sev-snp`);
}

export async function validateAction(file: string, opts: { gpa?: string; guest?: string; json?: boolean; format?: PageFormat }): Promise<void> {
  const source = file === '-' ? 'stdin' : file;
  const { bytes } = parsePage(await readInput(file), opts.format ?? 'auto', source);
  let gpa: bigint | null = null;
  if (opts.gpa !== undefined) {
    gpa = parseU64('--gpa', opts.gpa);
    if ((gpa & 0xfffn) !== 0n) throw new UserError(`--gpa: ${opts.gpa} is not page aligned (a GHCB is a 4 KiB page)`);
  }
  const snp = guestOf(opts.guest);
  // The page checked is taken to be the GHCB the SEV-SNP guest registered.
  const r = checkPage(bytes, gpa, { snp, ...(gpa !== null ? { registeredGpa: gpa } : {}) });
  if (opts.json) {
    console.log(JSON.stringify({ ok: r.ok, event: r.event?.name ?? null, violations: r.violations, unchecked: r.unchecked }));
  } else {
    const v = new GhcbView(bytes);
    const what = r.event ? `${r.event.name} (${hex(r.event.exitCode)})` : `sw_exit_code ${hex(v.swExitCode)}`;
    const lines = [`${source}: ${what} request, protocol version ${v.protocolVersion}, ${snp ? 'SEV-SNP' : 'SEV-ES'} guest${gpa !== null ? `, GHCB at ${hex(gpa)}` : ''}`];
    if (r.ok) lines.push('  ok: passes every hypervisor check');
    for (const x of r.violations) lines.push(`  ${`GHCB_ERR_${x.code}`.padEnd(30)} ${(x.field ?? '-').padEnd(16)} ${x.offset !== null ? hex(x.offset, 3) : '-'.padEnd(5)}  ${x.message}`);
    for (const u of r.unchecked) lines.push(`  unchecked: ${u}`);
    console.log(lines.join('\n'));
  }
  if (!r.ok) process.exitCode = 1;
}

export function naeCommand(program: Command): void {
  const nae = program.command('nae').description('SEV-ES/SNP exit handling: non-automatic events (NAE) and automatic exits (AE)');

  nae
    .command('list')
    .description('every NAE event (inputs, outputs, scratch use) and every AE exit code')
    .option('--json', 'print {"events": [...]}')
    .action((opts: { json?: boolean }) => {
      console.log(opts.json ? JSON.stringify(listJson()) : listText());
    });

  nae
    .command('simulate')
    .description('one round trip: the guest #VC handler builds the request, the modelled hypervisor answers, the guest completes')
    .argument('<event>', 'NAE event name (see `nae list`), e.g. cpuid, ioio, msr, mmio_read')
    .option('--rax <v>', 'guest RAX')
    .option('--rbx <v>', 'guest RBX')
    .option('--rcx <v>', 'guest RCX')
    .option('--rdx <v>', 'guest RDX')
    .option('--exit-info-1 <v>', 'sw_exit_info_1 the #VC handler computed (e.g. the IOIO information word)')
    .option('--exit-info-2 <v>', 'sw_exit_info_2')
    .option('--data <hex>', 'bytes the guest places in the shared buffer (scratch area)')
    .option('--len <n>', 'bytes the guest expects back in the shared buffer')
    .option('--no-osxsave', 'the guest has CR4.OSXSAVE clear (no XCR0 with CPUID)')
    .addOption(new Option('--guest <type>', 'guest type').choices(['sev-es', 'sev-snp']).default('sev-es'))
    .option('--json', 'print the round trip as JSON')
    .action((event: string, opts: Record<string, string | boolean | undefined>) => {
      const name = event.toUpperCase().replace(/-/g, '_');
      if (!naeTables().nae.some((e) => e.name === name)) {
        throw new UserError(`nae simulate: no NAE event '${event}'; see \`xen-sev nae list\``);
      }
      const num = (k: string, flag: string) => (typeof opts[k] === 'string' ? parseU64(flag, opts[k] as string) : undefined);
      let data: Uint8Array | undefined;
      if (typeof opts.data === 'string') {
        const h = opts.data.replace(/^0x/, '').replace(/\s+/g, '');
        if (!/^([0-9a-fA-F]{2})*$/.test(h)) throw new UserError(`--data: ${quoteArg(opts.data)} is not an even number of hex digits`);
        data = Uint8Array.from(Buffer.from(h, 'hex'));
        if (data.length > 2032) throw new UserError(`--data: ${data.length} bytes do not fit the 2032-byte shared buffer`);
      }
      const len = num('len', '--len');
      if (len !== undefined && len > 2032n) throw new UserError(`--len: ${len} does not fit the 2032-byte shared buffer`);
      const info2 = num('exitInfo2', '--exit-info-2');
      if (naeTables().nae.find((e) => e.name === name)!.scratch?.kind === 'mmio' && len !== undefined && info2 !== undefined && info2 !== len) {
        throw new UserError(`nae simulate: --len ${len} and --exit-info-2 ${hex(info2)} disagree: for ${name} sw_exit_info_2 is the access length`);
      }
      const trip = simulate({
        event: name,
        snp: opts.guest === 'sev-snp',
        osxsave: opts.osxsave !== false,
        regs: { rax: num('rax', '--rax'), rbx: num('rbx', '--rbx'), rcx: num('rcx', '--rcx'), rdx: num('rdx', '--rdx') },
        exitInfo1: num('exitInfo1', '--exit-info-1'),
        exitInfo2: num('exitInfo2', '--exit-info-2'),
        data,
        len: len === undefined ? undefined : Number(len),
      });
      console.log(opts.json ? JSON.stringify(trip.json) : simulateText(trip));
    });

  ghcbGroup(program)
    .command('validate')
    .description("apply the hypervisor's VMGEXIT checks to a dumped request page; exit 1 when it would be rejected")
    .argument('<file>', 'the page (raw, hex, xxd or hexdump -C), or - for stdin')
    .option('--gpa <addr>', "the page's guest-physical address (needed to check scratch-area bounds)")
    .addOption(new Option('--guest <type>', 'guest type').choices(['sev-es', 'sev-snp']).default('sev-es'))
    .addOption(new Option('--format <format>', 'input format instead of autodetection').choices([...PAGE_FORMATS]))
    .option('--json', 'print {"ok", "violations": [{"code", "field", "offset", "message"}]}')
    .action(validateAction);
}
