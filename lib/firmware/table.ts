// The firmware state-machine table of schema/fw.ts resolved against the
// elaborated model: command ids and status values as numbers, buffer structs
// with their sizes, every referenced field checked to exist. Nothing here
// restates a number the model already has.
import { projectModel } from '../../generators/model.ts';
import type { EModel, EStruct } from '../../generators/elaborate/model.ts';
import { citation } from '../../generators/emit/common.ts';
import type { BufferCheck, FwApi, FwCommand } from '../../schema/fw-model.ts';
import { SEV_PLATFORM_STATES, SNP_PLATFORM_STATES } from '../../schema/fw-states.ts';
import { SchemaError, type LintIssue } from '../errors.ts';
import { validFwCommands } from './fw-commands.ts';

export const CMD_GROUP: Record<FwApi, string> = { sev: 'sev_cmd', snp: 'snp_cmd' };
export const STATUS_GROUP: Record<FwApi, string> = { sev: 'sev_status', snp: 'snp_status' };

export interface ECheck extends BufferCheck {
  statusValue: number;
  /** Offset of the field in the buffer, when the check names one. */
  offset: number | null;
}

export interface EFwCommand extends Omit<FwCommand, 'checks'> {
  id: number;
  description: string;
  struct: EStruct | null;
  /** Bytes of the command buffer (0 for commands without one). */
  bufferSize: number;
  platformStatusValue: number;
  guestStatusValue: number | null;
  checks: ECheck[];
  citation: string;
}

export interface FwTables {
  commands: EFwCommand[];
  byId: Map<number, EFwCommand>;
  byName: Map<string, EFwCommand>;
  /** Status value -> name, per api. */
  statusName(api: FwApi, value: number): string | null;
  statusValue(api: FwApi, name: string): number;
}

/** The tables from validated entries (parseFwCommands; by default those of schema/fw.ts). */
export function buildFwTables(model: EModel, entries: readonly FwCommand[] = validFwCommands()): FwTables {
  const issues: LintIssue[] = [];
  const group = (name: string) => {
    const g = model.groups.get(name);
    if (g === undefined) throw new Error(`fw: the model has no group ${name}`);
    return g;
  };
  const statusValue = (api: FwApi, name: string): number => {
    const v = group(STATUS_GROUP[api]).values.find((x) => x.name === name);
    if (v === undefined) throw new Error(`fw: no status ${name} in ${STATUS_GROUP[api]}`);
    return Number(v.value);
  };
  const statusName = (api: FwApi, value: number): string | null =>
    group(STATUS_GROUP[api]).values.find((x) => x.value === BigInt(value))?.name ?? null;

  const commands: EFwCommand[] = [];
  for (const c of entries) {
    const item = `command ${c.command}`;
    const v = group(CMD_GROUP[c.api]).values.find((x) => x.name === c.command);
    if (v === undefined) {
      issues.push({ module: 'fw', item, rule: 'command', message: `${c.command} is not in ${CMD_GROUP[c.api]}` });
      continue;
    }
    const struct = c.buffer === null ? null : model.structs.get(c.buffer) ?? null;
    if (c.buffer !== null && struct === null) issues.push({ module: 'fw', item, rule: 'buffer', message: `no struct ${c.buffer} in the model` });
    const known = (api: FwApi, name: string) => group(STATUS_GROUP[api]).values.some((x) => x.name === name);
    for (const s of [c.platformStatus, c.guestStatus, ...c.checks.map((k) => k.status)]) {
      if (s !== null && !known(c.api, s)) issues.push({ module: 'fw', item, rule: 'status', message: `${s} is not in ${STATUS_GROUP[c.api]}` });
    }
    const checks: ECheck[] = [];
    for (const k of c.checks) {
      let offset: number | null = null;
      if (k.field !== null) {
        const f = struct?.fields.find((x) => x.name === k.field);
        if (f === undefined) issues.push({ module: 'fw', item, field: k.field, rule: 'field', message: `${c.buffer ?? '(no buffer)'} has no field ${k.field}` });
        else offset = f.offset;
      }
      checks.push({ ...k, offset, statusValue: known(c.api, k.status) ? statusValue(c.api, k.status) : -1 });
    }
    commands.push({
      ...c,
      id: Number(v.value),
      description: v.description,
      struct,
      bufferSize: struct?.size ?? 0,
      platformStatusValue: known(c.api, c.platformStatus) ? statusValue(c.api, c.platformStatus) : -1,
      guestStatusValue: c.guestStatus === null || !known(c.api, c.guestStatus) ? null : statusValue(c.api, c.guestStatus),
      checks,
      citation: citation(c.spec),
    });
  }
  const byId = new Map<number, EFwCommand>();
  const byName = new Map<string, EFwCommand>();
  for (const c of commands) {
    if (byId.has(c.id)) issues.push({ module: 'fw', item: `command ${c.command}`, rule: 'duplicate', message: `id 0x${c.id.toString(16)} described twice` });
    byId.set(c.id, c);
    byName.set(c.command, c);
  }
  if (issues.length > 0) throw new SchemaError(issues);
  commands.sort((a, b) => a.id - b.id);
  return { commands, byId, byName, statusName, statusValue };
}

let cached: FwTables | undefined;
export function fwTables(): FwTables {
  cached ??= buildFwTables(projectModel());
  return cached;
}

/** The `fw rules --json` view of one command. */
export function ruleJson(c: EFwCommand) {
  return {
    id: `0x${c.id.toString(16)}`,
    name: c.command,
    buffer_size: c.bufferSize,
    platform_states: c.platformStates,
    guest_states: c.guestStates,
    next_platform_state: c.nextPlatformState,
    next_guest_state: c.nextGuestState,
  };
}

/** Commands that can return a status value (state refusals and buffer checks), per api. */
export function commandsReturning(t: FwTables, api: FwApi, value: number): string[] {
  const out: string[] = [];
  for (const c of t.commands) {
    if (c.api !== api) continue;
    // A command accepted in every platform state never returns its platform-state status.
    const everyState = c.platformStates.length === (api === 'sev' ? SEV_PLATFORM_STATES : SNP_PLATFORM_STATES).length;
    if ((c.platformStatusValue === value && !everyState) || c.guestStatusValue === value || c.checks.some((k) => k.statusValue === value)) out.push(c.command);
  }
  return out;
}
