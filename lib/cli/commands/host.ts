import type { Command } from 'commander';
import { projectModel } from '../../../generators/model.ts';
import { allPassed, hostReport, renderHostReport } from '../../host/report.ts';
import { readHost, type CpuidRegs, type HostRegisters, type Reading } from '../../host/registers.ts';
import { UserError } from '../../errors.ts';
import { maxOfBits, parseUnsigned } from '../../numbers.ts';

function parseInt64(opt: string, text: string, bits: 32 | 64): bigint {
  return parseUnsigned(text, maxOfBits(bits), `host: ${opt}`);
}

function parseCpuid(text: string): CpuidRegs {
  const parts = text.split(',');
  if (parts.length !== 4) throw new UserError(`host: --cpuid-8000001f ${text}: give the four registers EAX,EBX,ECX,EDX`);
  const [eax, ebx, ecx, edx] = parts.map((p, i) => Number(parseInt64(`--cpuid-8000001f (${['EAX', 'EBX', 'ECX', 'EDX'][i]})`, p, 32))) as [number, number, number, number];
  return { eax, ebx, ecx, edx };
}

interface Opts {
  cpuid8000001f?: string;
  sevStatus?: string;
  syscfg?: string;
  json?: boolean;
}

export function hostCommand(program: Command): void {
  program
    .command('host')
    .description('what this machine supports and has enabled: CPUID Fn8000_001F, SYSCFG and SEV_STATUS decoded (like `sevctl ok`)')
    .option('--cpuid-8000001f <regs>', 'decode these CPUID Fn8000_001F registers instead of reading the CPU: EAX,EBX,ECX,EDX')
    .option('--sev-status <value>', 'decode this SEV_STATUS MSR value (a guest\'s view)')
    .option('--syscfg <value>', 'decode this SYSCFG MSR value')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nWith no values given, reads /dev/cpu/0/cpuid and /dev/cpu/0/msr (Linux, root). Exit status 1 when a check fails.')
    .action((opts: Opts) => {
      const model = projectModel();
      const given = opts.cpuid8000001f !== undefined || opts.sevStatus !== undefined || opts.syscfg !== undefined;
      let regs: HostRegisters;
      if (given) {
        // Values from another machine are not mixed with this machine's registers.
        const notGiven = (opt: string): Reading<never> => ({ ok: false, why: `not given (${opt})` });
        regs = {
          vendor: null,
          memEncrypt: opts.cpuid8000001f !== undefined ? { ok: true, value: parseCpuid(opts.cpuid8000001f), from: '--cpuid-8000001f' } : notGiven('--cpuid-8000001f'),
          syscfg: opts.syscfg !== undefined ? { ok: true, value: parseInt64('--syscfg', opts.syscfg, 64), from: '--syscfg' } : notGiven('--syscfg'),
          sevStatus: opts.sevStatus !== undefined ? { ok: true, value: parseInt64('--sev-status', opts.sevStatus, 64), from: '--sev-status' } : notGiven('--sev-status'),
        };
      } else {
        regs = readHost(model);
      }
      const report = hostReport(model, regs);
      console.log(opts.json ? JSON.stringify(report, null, 1) : renderHostReport(report));
      if (!allPassed(report)) process.exitCode = 1;
    });
}
