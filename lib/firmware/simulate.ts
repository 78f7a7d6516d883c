// `xen-sev fw simulate FILE`: run a sequence of firmware commands and host
// actions against the reference model, printing the platform and guest states,
// the status and the measurement after every step.
//
// Text form, one step per line (# starts a comment):
//   host memory_encryption=off stall=LAUNCH_MEASURE      (before the first command)
//   mem 0x100000 fill 0x41 4096   |   mem 0x100000 00112233...
//   wbinvd
//   rmp 0x200000 firmware|pre_guest|hypervisor [asid=N] [gpa=0x...]
//   INIT flags=1 tmr_address=0x1000000 tmr_len=0x100000 [expect=SUCCESS]
// JSON form: {"host": {...}, "steps": [{"cmd": "INIT", "fields": {"flags": "0x1"}, "expect": "SUCCESS"},
//   {"wbinvd": true}, {"mem": {"address": "0x100000", "fill": "0x41", "length": 4096}}, {"rmp": {...}}]}
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { encodeStruct, fieldOf } from './buffer.ts';
import { DEFAULT_HOST, FirmwareModel, type HostConfig, type RmpState } from './model.ts';
import { fwTables } from './table.ts';

export type Step =
  | { kind: 'cmd'; line: number; command: string; fields: Record<string, bigint | Uint8Array>; expect: string | null }
  | { kind: 'wbinvd'; line: number }
  | { kind: 'mem'; line: number; address: bigint; bytes: Uint8Array }
  | { kind: 'rmp'; line: number; address: bigint; state: RmpState | 'hypervisor'; asid: number; gpa: bigint };

export interface Sequence {
  host: Partial<HostConfig>;
  steps: Step[];
}

const MAX_FILL = 1 << 24;

function num(where: string, text: string): bigint {
  const t = text.trim();
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(t)) throw new UserError(`${where}: '${text}' is not a number (decimal or 0x hex)`);
  return BigInt(t);
}

function hexBytes(where: string, text: string): Uint8Array {
  const t = text.replace(/^0x/i, '');
  if (!/^([0-9a-f]{2})*$/i.test(t)) throw new UserError(`${where}: '${text.slice(0, 40)}' is not an even number of hex digits`);
  return Uint8Array.from(Buffer.from(t, 'hex'));
}

export function hostOption(where: string, key: string, value: string, host: Partial<HostConfig>): void {
  const onOff = (v: string) => {
    if (/^(on|1|true|yes)$/i.test(v)) return true;
    if (/^(off|0|false|no)$/i.test(v)) return false;
    throw new UserError(`${where}: ${key}: '${v}' is not on or off`);
  };
  const small = (v: string, max: number) => {
    const n = num(`${where}: ${key}`, v);
    if (n > BigInt(max)) throw new UserError(`${where}: ${key}: ${v} is more than ${max}`);
    return Number(n);
  };
  switch (key) {
    case 'memory_encryption': host.memoryEncryption = onOff(value); break;
    case 'snp_enabled': host.snpEnabled = onOff(value); break;
    case 'wbinvd_done': host.wbinvdDone = onOff(value); break;
    case 'api_major': host.apiMajor = small(value, 255); break;
    case 'api_minor': host.apiMinor = small(value, 255); break;
    case 'build': host.build = small(value, 255); break;
    case 'max_asid': host.maxAsid = small(value, 1006); break;
    case 'min_sev_asid': host.minSevAsid = small(value, 1007); break;
    case 'tik': {
      const b = hexBytes(`${where}: tik`, value);
      if (b.length !== 16) throw new UserError(`${where}: tik: ${b.length} bytes, a TIK is 16`);
      host.tik = b;
      break;
    }
    case 'mnonce': {
      const b = hexBytes(`${where}: mnonce`, value);
      if (b.length !== 16) throw new UserError(`${where}: mnonce: ${b.length} bytes, MNONCE is 16`);
      host.mnonce = b;
      break;
    }
    case 'stall': host.stall = [...(host.stall ?? []), ...value.split(',').map((x) => x.trim().toUpperCase())]; break;
    default:
      throw new UserError(`${where}: unknown host option '${key}' (memory_encryption, snp_enabled, wbinvd_done, api_major, api_minor, build, max_asid, min_sev_asid, tik, mnonce, stall)`);
  }
}

function cmdStep(where: string, line: number, name: string, pairs: [string, string][], expect: string | null): Step {
  const t = fwTables();
  const upper = name.toUpperCase();
  const cmd = /^0x[0-9a-f]+$/i.test(name) ? t.byId.get(Number(num(where, name))) : t.byName.get(upper);
  if (cmd === undefined) throw new UserError(`${where}: '${name}' is not a firmware command (see \`xen-sev fw rules\`)`);
  const fields: Record<string, bigint | Uint8Array> = {};
  for (const [k, v] of pairs) {
    if (cmd.struct === null) throw new UserError(`${where}: ${cmd.command} has no command buffer, so no field ${k}`);
    let f;
    try {
      f = fieldOf(cmd.struct, k);
    } catch {
      throw new UserError(`${where}: ${cmd.struct.name} has no field '${k}' (fields: ${cmd.struct.fields.map((x) => x.name).join(', ')})`);
    }
    if (f.type.kind === 'int') {
      const n = num(`${where}: ${k}`, v);
      if (n >> BigInt(f.size * 8) !== 0n) throw new UserError(`${where}: ${k}: ${v} does not fit in ${f.size * 8} bits`);
      fields[k] = n;
    } else {
      const b = hexBytes(`${where}: ${k}`, v);
      if (b.length > f.size) throw new UserError(`${where}: ${k}: ${b.length} bytes, the field has ${f.size}`);
      fields[k] = b;
    }
  }
  if (expect !== null && expect !== 'STALL') {
    const known = (['sev', 'snp'] as const).some((api) => {
      try {
        t.statusValue(api, expect);
        return true;
      } catch {
        return false;
      }
    });
    if (!known) throw new UserError(`${where}: expect=${expect}: not a status name (or STALL)`);
  }
  return { kind: 'cmd', line, command: cmd.command, fields, expect };
}

function memStep(where: string, line: number, address: string, rest: string[]): Step {
  const addr = num(`${where}: address`, address);
  if (rest[0] === 'fill') {
    const byte = num(`${where}: fill byte`, rest[1] ?? '');
    const len = num(`${where}: fill length`, rest[2] ?? '');
    if (byte > 255n) throw new UserError(`${where}: fill byte ${rest[1]} is not a byte`);
    if (len > BigInt(MAX_FILL)) throw new UserError(`${where}: fill length ${rest[2]} is more than ${MAX_FILL}`);
    return { kind: 'mem', line, address: addr, bytes: new Uint8Array(Number(len)).fill(Number(byte)) };
  }
  return { kind: 'mem', line, address: addr, bytes: hexBytes(`${where}: bytes`, rest.join('')) };
}

function rmpStep(where: string, line: number, address: string, state: string, pairs: [string, string][]): Step {
  if (!['firmware', 'pre_guest', 'hypervisor'].includes(state)) throw new UserError(`${where}: rmp state '${state}': use firmware, pre_guest or hypervisor`);
  let asid = 0;
  let gpa = 0n;
  for (const [k, v] of pairs) {
    if (k === 'asid') asid = Number(num(`${where}: asid`, v) & 0xffffn);
    else if (k === 'gpa') gpa = num(`${where}: gpa`, v);
    else throw new UserError(`${where}: rmp: unknown option '${k}' (asid, gpa)`);
  }
  return { kind: 'rmp', line, address: num(`${where}: address`, address), state: state as RmpState | 'hypervisor', asid, gpa };
}

export function parseText(text: string, source: string): Sequence {
  const seq: Sequence = { host: {}, steps: [] };
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const where = `${source}:${i + 1}`;
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const [word, ...rest] = line.split(/\s+/);
    const pairs = (xs: string[]): [string, string][] =>
      xs.map((x) => {
        const m = /^([a-z_0-9]+)=(.*)$/i.exec(x);
        if (m === null) throw new UserError(`${where}: '${x}' is not name=value`);
        return [m[1]!.toLowerCase(), m[2]!];
      });
    switch (word!.toLowerCase()) {
      case 'host':
        if (seq.steps.some((s) => s.kind === 'cmd')) throw new UserError(`${where}: host options go before the first command`);
        for (const [k, v] of pairs(rest)) hostOption(where, k, v, seq.host);
        return;
      case 'wbinvd':
        seq.steps.push({ kind: 'wbinvd', line: i + 1 });
        return;
      case 'mem':
        seq.steps.push(memStep(where, i + 1, rest[0] ?? '', rest.slice(1)));
        return;
      case 'rmp':
        seq.steps.push(rmpStep(where, i + 1, rest[0] ?? '', (rest[1] ?? '').toLowerCase(), pairs(rest.slice(2))));
        return;
      default: {
        const ps = pairs(rest);
        const expect = ps.find(([k]) => k === 'expect')?.[1]?.toUpperCase() ?? null;
        seq.steps.push(cmdStep(where, i + 1, word!, ps.filter(([k]) => k !== 'expect'), expect));
      }
    }
  });
  return seq;
}

const JsonSeq = z
  .object({
    host: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).optional(),
    steps: z.array(
      z.union([
        z.object({ cmd: z.string(), fields: z.record(z.string(), z.union([z.string(), z.number()])).optional(), expect: z.string().optional() }).strict(),
        z.object({ wbinvd: z.literal(true) }).strict(),
        z.object({ mem: z.object({ address: z.string(), hex: z.string().optional(), fill: z.string().optional(), length: z.union([z.number(), z.string()]).optional() }).strict() }).strict(),
        z.object({ rmp: z.object({ address: z.string(), state: z.string(), asid: z.union([z.number(), z.string()]).optional(), gpa: z.string().optional() }).strict() }).strict(),
      ]),
    ),
  })
  .strict();

export function parseJson(text: string, source: string): Sequence {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${source}: not JSON: ${(e as Error).message}`);
  }
  const r = JsonSeq.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new UserError(`${source}: ${i.path.join('.') || '(top)'}: ${i.message}`);
  }
  const seq: Sequence = { host: {}, steps: [] };
  for (const [k, v] of Object.entries(r.data.host ?? {})) hostOption(`${source}: host`, k, Array.isArray(v) ? v.join(',') : String(v), seq.host);
  r.data.steps.forEach((s, i) => {
    const where = `${source}: steps.${i}`;
    if ('cmd' in s) {
      seq.steps.push(cmdStep(where, i + 1, s.cmd, Object.entries(s.fields ?? {}).map(([k, v]) => [k, String(v)]), s.expect?.toUpperCase() ?? null));
    } else if ('wbinvd' in s) seq.steps.push({ kind: 'wbinvd', line: i + 1 });
    else if ('mem' in s) {
      const m = s.mem;
      seq.steps.push(m.hex !== undefined ? memStep(where, i + 1, m.address, [m.hex]) : memStep(where, i + 1, m.address, ['fill', m.fill ?? '0', String(m.length ?? '0')]));
    } else {
      const m = s.rmp;
      const pairs: [string, string][] = [];
      if (m.asid !== undefined) pairs.push(['asid', String(m.asid)]);
      if (m.gpa !== undefined) pairs.push(['gpa', m.gpa]);
      seq.steps.push(rmpStep(where, i + 1, m.address, m.state.toLowerCase(), pairs));
    }
  });
  return seq;
}

export function parseSequence(text: string, source: string): Sequence {
  return text.trimStart().startsWith('{') ? parseJson(text, source) : parseText(text, source);
}

export interface StepResult {
  step: number;
  line: number;
  action: string;
  command: string | null;
  id: string | null;
  status: string | null;
  status_name: string | null;
  expect: string | null;
  platform_state: string;
  snp_platform_state: string;
  guests: { handle: number; state: string; asid: number }[];
  snp_guests: { gctx: string; state: string; asid: number }[];
  measurement: string | null;
}

export function runSequence(seq: Sequence): { steps: StepResult[]; mismatches: number } {
  const fw = new FirmwareModel({ ...DEFAULT_HOST, ...seq.host });
  const t = fwTables();
  const steps: StepResult[] = [];
  let mismatches = 0;
  seq.steps.forEach((s, i) => {
    let action: string = s.kind;
    let command: string | null = null;
    let id: string | null = null;
    let status: string | null = null;
    let statusName: string | null = null;
    let measurement: string | null = null;
    let expect: string | null = null;
    if (s.kind === 'wbinvd') fw.wbinvd();
    else if (s.kind === 'mem') {
      fw.memory.write(s.address, s.bytes);
      action = `mem 0x${s.address.toString(16)} (${s.bytes.length} bytes)`;
    } else if (s.kind === 'rmp') {
      fw.rmpUpdate(s.address, s.state, s.asid, s.gpa);
      action = `rmp 0x${s.address.toString(16)} ${s.state}`;
    } else {
      const c = t.byName.get(s.command)!;
      const buf = c.struct === null ? new Uint8Array(0) : encodeStruct(c.struct, s.fields);
      const r = fw.execute(c.id, buf);
      command = c.command;
      id = `0x${c.id.toString(16)}`;
      status = r.status === null ? null : `0x${r.status.toString(16)}`;
      statusName = r.status === null ? 'STALL' : r.statusName;
      measurement = r.measurement ?? null;
      expect = s.expect;
      if (expect !== null && expect !== statusName) mismatches++;
      action = 'cmd';
    }
    const snap = fw.snapshot();
    steps.push({
      step: i + 1,
      line: s.line,
      action,
      command,
      id,
      status,
      status_name: statusName,
      expect,
      platform_state: snap.platform,
      snp_platform_state: snap.snpPlatform,
      guests: snap.guests.map((g) => ({ handle: g.handle, state: g.state, asid: g.asid })),
      snp_guests: snap.snpGuests,
      measurement,
    });
  });
  return { steps, mismatches };
}

export function renderSteps(steps: StepResult[]): string {
  const out: string[] = [];
  for (const s of steps) {
    const guests = [...s.guests.map((g) => `#${g.handle} ${g.state}${g.asid ? ` asid ${g.asid}` : ''}`), ...s.snp_guests.map((g) => `gctx ${g.gctx} ${g.state}${g.asid ? ` asid ${g.asid}` : ''}`)];
    const head = s.command !== null
      ? `${s.command} (${s.id}): ${s.status_name === 'STALL' ? 'no response (stalled)' : `${s.status_name} (${s.status})`}${s.expect !== null && s.expect !== s.status_name ? `  EXPECTED ${s.expect}` : ''}`
      : s.action;
    out.push(`${String(s.step).padStart(3)}  ${head}`);
    out.push(`     platform ${s.platform_state}, snp ${s.snp_platform_state}; guests: ${guests.length > 0 ? guests.join(', ') : 'none'}`);
    if (s.measurement !== null) out.push(`     measurement ${s.measurement}`);
  }
  return out.join('\n');
}
