// xen-sev fw rules|simulate|serve: the firmware's per-command state table,
// a command sequence run against the reference model, and the model behind a
// line protocol for mailbox harnesses.
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { readBounded } from '../../firmware/input.ts';
import { FirmwareServer } from '../../firmware/protocol.ts';
import { parseSequence, renderSteps, runSequence } from '../../firmware/simulate.ts';
import { fwTables, ruleJson } from '../../firmware/table.ts';
import { FirmwareModel } from '../../firmware/model.ts';
import { UserError } from '../../errors.ts';

const MAX_SEQUENCE = 1 << 20;

export function rulesText(): string {
  const out: string[] = [];
  const full = new Set(FirmwareModel.modelled());
  for (const c of fwTables().commands) {
    const next = [
      c.nextPlatformState !== null ? `platform -> ${c.nextPlatformState}${c.nextPlatformWhen !== undefined ? ` (when ${c.nextPlatformWhen})` : ''}` : null,
      c.nextGuestState !== null ? `guest -> ${c.nextGuestState}` : null,
    ].filter((x) => x !== null);
    out.push(`0x${c.id.toString(16).padStart(2, '0')}  ${c.command}  [${c.api.toUpperCase()}]  buffer ${c.struct === null ? 'none' : `${c.struct.name} (${c.bufferSize} bytes, ${c.direction})`}`);
    out.push(`      platform: ${c.platformStates.join(', ')} (else ${c.platformStatus})${c.guestStates !== null ? `; guest: ${c.guestStates.join(', ')} (else ${c.guestStatus})` : ''}${next.length > 0 ? `; ${next.join(', ')}` : ''}`);
    for (const k of c.checks) out.push(`      check ${k.kind}${k.field !== null ? ` ${k.field}@0x${k.offset!.toString(16)}` : ''}: ${k.rule} -> ${k.status}`);
    if (c.note !== undefined) out.push(`      note: ${c.note}`);
    out.push(`      model: ${full.has(c.command) ? 'states, buffer checks and effects' : 'states and transitions only'}`);
    out.push(`      ${c.citation}`);
  }
  return out.join('\n');
}

export function fwCommand(program: Command): void {
  const fw = program.command('fw').description('the SEV/SNP firmware model: per-command state rules, simulated command sequences');

  fw.command('rules')
    .description('every SEV API and SNP ABI command: accepted platform/guest states, next states, buffer size and checks')
    .option('--json', 'print {"commands": [{"id", "name", "buffer_size", "platform_states", "guest_states", "next_platform_state", "next_guest_state"}]}')
    .action((opts: { json?: boolean }) => {
      const t = fwTables();
      console.log(opts.json ? JSON.stringify({ commands: t.commands.map(ruleJson) }) : rulesText());
    });

  fw.command('simulate')
    .description('run a command sequence (text or JSON, see docs in lib/firmware/simulate.ts) against the firmware model; exit 1 when a step\'s expect= does not match')
    .argument('<file>', 'the sequence file (- for stdin)')
    .option('--json', 'print {"steps": [...], "mismatches": N}')
    .action((file: string, opts: { json?: boolean }) => {
      const text = readBounded(file, MAX_SEQUENCE).toString('utf8');
      const seq = parseSequence(text, file === '-' ? 'stdin' : file);
      if (seq.steps.length === 0) throw new UserError(`${file}: no steps`);
      const r = runSequence(seq);
      console.log(opts.json ? JSON.stringify({ steps: r.steps, mismatches: r.mismatches }) : renderSteps(r.steps));
      if (r.mismatches > 0) process.exitCode = 1;
    });

  fw.command('serve')
    .description('answer the line protocol of lib/firmware/protocol.ts on stdin/stdout (cmd, mem, read, wbinvd, rmp, state, reset)')
    .action(async () => {
      const server = new FirmwareServer();
      const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
      for await (const line of rl) {
        if (line.length > 4 << 20) {
          process.stdout.write('err line too long\n');
          continue;
        }
        process.stdout.write(`${server.handle(line)}\n`);
      }
    });
}
