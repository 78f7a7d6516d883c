// Reading Linux `ccp` driver logs (drivers/crypto/ccp/sev-dev.c):
//
//   ccp 0000:22:00.1: sev command id 0x4 buffer 0x0000000111cde000 timeout 5s      (dev_dbg, dynamic debug)
//   (in):  00000000: ffff ffff 0000 0000 0000 0000                                 (print_hex_dump_debug,
//   (out): 00000000: 3401 0000 0000 0400 0000 0000                                  16 bytes a row, 2-byte groups)
//   ccp 0000:42:00.1: SEV-SNP: failed to INIT rc -5, error 0x3
//   ccp 0000:42:00.1: SEV: failed to INIT error 0x1, rc -5
//   ccp 0000:01:00.5: sev command 0x85 timed out, disabling PSP
//   ccp 0000:42:00.1: SEV API:1.55 build:7
//
// The hexdump prints the buffer as 16-bit words in the CPU's (little-endian)
// order, so word 0x3401 is the bytes 01 34; a row whose length is not a
// multiple of 2 is printed byte by byte. Buffers are decoded by the elaborated
// layout of the command's buffer struct (lib/firmware/table.ts).
import type { EModel, EStruct } from '../../generators/elaborate/model.ts';
import { projectModel } from '../../generators/model.ts';
import { fwTables, type EFwCommand } from './table.ts';

export interface DecodedCommand {
  id: string;
  name: string | null;
  line: number;
  buffer_address: string | null;
  timeout_s: number | null;
  in: Record<string, string>;
  out: Record<string, string>;
  /** Bytes the log showed of each dump, and the buffer size the schema gives. */
  in_bytes: number;
  out_bytes: number;
  buffer_size: number | null;
  summary: string | null;
}

export interface DecodedError {
  text: string;
  line: number;
  /** The status as the log prints it (hex), or null when the line carries none (a timeout). */
  code: string | null;
  /** The status name in the table of the API the message names, or null outside the tables. */
  name: string | null;
  api: 'sev' | 'snp';
  command: string | null;
  rc: number | null;
  /** What the firmware model says about the failing command and this status. */
  model: string[];
}

export interface DecodedVersion {
  text: string;
  line: number;
  api: 'sev' | 'snp';
  version: string;
  build: number;
}

export interface DecodedLog {
  commands: DecodedCommand[];
  errors: DecodedError[];
  versions: DecodedVersion[];
  /** Lines that looked like ccp output but were not understood. */
  unknown: { line: number; text: string }[];
}

const CMD_RE = /sev command id (0x[0-9a-f]+) buffer 0x([0-9a-f]+) timeout (\d+)s/i;
const DUMP_RE = /\((in|out)\):\s+([0-9a-f]{8}): ((?:[0-9a-f]{2,16}(?: |$))+)/i;
const FAILED_RE = /\b(SEV-SNP|SEV):\s+failed to ([A-Za-z_ ]+?)(?: rc (-?\d+),)? error:? (0x[0-9a-f]+|-?\d+)(?:, rc (-?\d+))?\s*$/i;
const CMD_FAILED_RE = /sev command (0x[0-9a-f]+) failed \((0x[0-9a-f]+)\)/i;
const TIMEOUT_RE = /sev command (0x[0-9a-f]+) timed out/i;
const VERSION_RE = /\b(SEV-SNP|SEV) API:\s*(\d+)\.(\d+) build:\s*(\d+)/i;
const GENERIC_ERR_RE = /\b(SEV-SNP|SEV)\b.*?\b([A-Z_]{3,}) failed.*?error\s*(?:=|:)?\s*(0x[0-9a-f]+)/i;

const EMPTY: DecodedCommand = { id: '', name: null, line: 0, buffer_address: null, timeout_s: null, in: {}, out: {}, in_bytes: 0, out_bytes: 0, buffer_size: null, summary: null };

// Linux errno values sev-dev.c returns with a firmware failure (include/uapi/asm-generic/errno-base.h, errno.h).
const RC_MEANING: Record<number, string> = {
  [-5]: 'EIO: the firmware returned a non-zero status',
  [-16]: 'EBUSY: the driver refused to issue the command (the PSP was disabled after an earlier timeout)',
  [-19]: 'ENODEV: no PSP device',
  [-110]: 'ETIMEDOUT: the command did not complete within the driver\'s timeout; the status is not the firmware\'s',
};
const NO_STATUS_RC = new Set([-16, -19, -110]);
export function rcMeaning(rc: number): string {
  return RC_MEANING[rc] ?? 'a Linux error number';
}

/** Bytes of one hexdump row (groups of 2, 4, 8 or 16 hex digits, little-endian groups). */
export function dumpRowBytes(groups: string[]): number[] {
  const out: number[] = [];
  for (const g of groups) {
    const n = g.length / 2;
    for (let i = n - 1; i >= 0; i--) out.push(Number.parseInt(g.slice(i * 2, i * 2 + 2), 16));
  }
  return out;
}

function formatValue(model: EModel, v: bigint, enumName: string | null): string {
  if (enumName !== null) {
    const e = model.groups.get(enumName)?.values.find((x) => x.value === v);
    if (e !== undefined) return e.name;
  }
  return `0x${v.toString(16)}`;
}

/** Decode the fields a (possibly partial) dump covers; fields past its end are left out. */
export function decodeBuffer(model: EModel, s: EStruct, bytes: number[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of s.fields) {
    if (f.reserved) continue;
    if (f.offset + f.size > bytes.length) continue;
    const raw = bytes.slice(f.offset, f.offset + f.size);
    if (f.type.kind === 'int') {
      let v = 0n;
      for (let i = raw.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i]!);
      out[f.name] = formatValue(model, v, f.enum);
      const l = f.layout === null ? undefined : model.layouts.get(f.layout);
      if (l !== undefined && v !== 0n) {
        const set = l.bits.filter((b) => !b.reserved && (v & b.mask) !== 0n).map((b) => (b.width === 1 ? b.name : `${b.name}=0x${((v & b.mask) >> BigInt(b.lsb)).toString(16)}`));
        if (set.length > 0) out[f.name] += ` (${set.join(' ')})`;
      }
    } else {
      out[f.name] = Buffer.from(raw).toString('hex');
    }
  }
  return out;
}

function summarize(c: EFwCommand | undefined, out: Record<string, string>): string | null {
  if (c === undefined) return null;
  if ((c.command === 'PLATFORM_STATUS') && out.api_major !== undefined && out.api_minor !== undefined) {
    const parts = [`api ${BigInt(out.api_major)}.${BigInt(out.api_minor)}`];
    if (out.state !== undefined) parts.push(`state ${out.state}`);
    if (out.build !== undefined) parts.push(`build ${BigInt(out.build)}`);
    if (out.guest_count !== undefined) parts.push(`${BigInt(out.guest_count)} guests`);
    return parts.join(', ');
  }
  return null;
}

function commandByName(api: 'sev' | 'snp', what: string, recent: DecodedCommand | undefined): string | null {
  const t = fwTables();
  const word = what.trim().toUpperCase().replace(/\s+/g, '_');
  if (api === 'snp') {
    // Linux says "SEV-SNP: failed to INIT" for SNP_INIT and SNP_INIT_EX alike: the last command issued tells which.
    if (recent?.name !== null && recent?.name?.startsWith(`SNP_${word}`)) return recent.name;
    return t.byName.has(`SNP_${word}`) ? `SNP_${word}` : null;
  }
  if (word === 'INIT' && recent?.name === 'INIT_EX') return 'INIT_EX';
  return t.byName.has(word) ? word : null;
}

/** What the model says about a command failing with a status. */
export function modelSays(command: string | null, api: 'sev' | 'snp', code: bigint | null): string[] {
  const t = fwTables();
  const c = command === null ? undefined : t.byName.get(command);
  if (c === undefined) return [];
  const out = [`${c.command} is accepted in platform state ${c.platformStates.join(' or ')}${c.guestStates !== null ? `, guest state ${c.guestStates.join(' or ')}` : ''} (${c.citation.split(', via')[0]})`];
  if (code === null || code > 0xffffn) return out;
  const value = Number(code);
  if (value === c.platformStatusValue) out.push(`${c.platformStatus}: the platform was not in ${c.platformStates.join(' or ')}`);
  if (c.guestStatusValue === value) out.push(`${c.guestStatus}: the guest was not in ${c.guestStates!.join(' or ')}`);
  for (const k of c.checks) if (k.statusValue === value) out.push(`${k.status} when this check fails: ${k.rule}`);
  void api;
  return out;
}

/** Parse a status as the log prints it: hex or a signed decimal (Linux's -1 prints as 0xffffffff). */
function parseStatus(text: string): bigint {
  return text.startsWith('0x') || text.startsWith('0X') ? BigInt(text) : BigInt.asUintN(32, BigInt(text));
}

export function statusName(api: 'sev' | 'snp', code: bigint): string | null {
  const t = fwTables();
  if (code > 0xffffn) return null;
  return t.statusName(api, Number(code));
}

/** A single error line (the form `xen-sev explain` accepts), or null when the line is no ccp error. */
export function parseErrorLine(text: string, line = 1, recent?: DecodedCommand): DecodedError | null {
  const t = fwTables();
  let m = FAILED_RE.exec(text);
  if (m !== null) {
    const api = m[1]!.toUpperCase() === 'SEV-SNP' ? 'snp' : 'sev';
    const code = parseStatus(m[4]!);
    const rc = m[3] ?? m[5];
    const command = commandByName(api, m[2]!, recent);
    const rcN = rc === undefined ? null : Number(rc);
    // With these errors the driver never got a status from the firmware: the printed value is not one.
    const noStatus = rcN !== null && NO_STATUS_RC.has(rcN);
    return {
      text: text.trim(), line, code: `0x${code.toString(16)}`, name: noStatus ? null : statusName(api, code), api, command, rc: rcN,
      model: noStatus ? [`no firmware status: Linux rc ${rcN} (${rcMeaning(rcN)})`] : modelSays(command, api, code),
    };
  }
  m = CMD_FAILED_RE.exec(text);
  if (m !== null) {
    const c = t.byId.get(Number(BigInt(m[1]!)));
    const api = c?.api ?? 'sev';
    const code = BigInt(m[2]!) & 0xffffn;
    return { text: text.trim(), line, code: `0x${code.toString(16)}`, name: statusName(api, code), api, command: c?.command ?? null, rc: null, model: modelSays(c?.command ?? null, api, code) };
  }
  m = TIMEOUT_RE.exec(text);
  if (m !== null) {
    const c = t.byId.get(Number(BigInt(m[1]!)));
    return {
      text: text.trim(), line, code: null, name: null, api: c?.api ?? 'sev', command: c?.command ?? null, rc: null,
      model: ['no status: the firmware never signalled completion within the driver\'s timeout, and Linux stops using the PSP'],
    };
  }
  m = GENERIC_ERR_RE.exec(text);
  if (m !== null) {
    const api = m[1]!.toUpperCase() === 'SEV-SNP' ? 'snp' : 'sev';
    const code = BigInt(m[3]!);
    const command = commandByName(api, m[2]!, recent);
    return { text: text.trim(), line, code: `0x${code.toString(16)}`, name: statusName(api, code), api, command, rc: null, model: modelSays(command, api, code) };
  }
  return null;
}

export function decodeLog(text: string): DecodedLog {
  const model = projectModel();
  const t = fwTables();
  const res: DecodedLog = { commands: [], errors: [], versions: [], unknown: [] };
  let cur: { cmd: DecodedCommand; c: EFwCommand | undefined; in: number[]; out: number[] } | null = null;
  let lastTimedOut: DecodedCommand | undefined;
  const finish = () => {
    if (cur === null) return;
    const s = cur.c?.struct ?? null;
    if (s !== null) {
      cur.cmd.in = decodeBuffer(model, s, cur.in);
      cur.cmd.out = decodeBuffer(model, s, cur.out);
    }
    cur.cmd.in_bytes = cur.in.length;
    cur.cmd.out_bytes = cur.out.length;
    cur.cmd.summary = summarize(cur.c, cur.cmd.out);
    cur = null;
  };
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const l = raw.replace(/\r$/, '');
    let m = CMD_RE.exec(l);
    if (m !== null) {
      finish();
      const id = Number(BigInt(m[1]!));
      const c = t.byId.get(id);
      const cmd: DecodedCommand = {
        id: `0x${id.toString(16)}`, name: c?.command ?? null, line, buffer_address: `0x${m[2]!}`, timeout_s: Number(m[3]!),
        in: {}, out: {}, in_bytes: 0, out_bytes: 0, buffer_size: c === undefined ? null : c.bufferSize, summary: null,
      };
      res.commands.push(cmd);
      lastTimedOut = undefined;
      cur = { cmd, c, in: [], out: [] };
      return;
    }
    m = DUMP_RE.exec(l);
    if (m !== null) {
      if (cur === null) {
        res.unknown.push({ line, text: l.trim() });
        return;
      }
      const which = m[1]!.toLowerCase() as 'in' | 'out';
      const offset = Number.parseInt(m[2]!, 16);
      const bytes = dumpRowBytes(m[3]!.trim().split(/\s+/));
      const arr = cur[which];
      // Rows arrive in order; a row that does not continue the dump is ignored rather than misplaced.
      if (offset === arr.length && offset < 1 << 20) arr.push(...bytes);
      else res.unknown.push({ line, text: l.trim() });
      return;
    }
    m = VERSION_RE.exec(l);
    if (m !== null) {
      res.versions.push({ text: l.trim(), line, api: m[1]!.toUpperCase() === 'SEV-SNP' ? 'snp' : 'sev', version: `${Number(m[2])}.${Number(m[3])}`, build: Number(m[4]) });
      return;
    }
    const e = parseErrorLine(l, line, lastTimedOut ?? res.commands.at(-1));
    if (e !== null) {
      finish();
      res.errors.push(e);
      if (e.code === null && e.command !== null) lastTimedOut = { ...EMPTY, name: e.command };
      return;
    }
    if (/\b(SEV|SEV-SNP|PSP)\b|sev command/.test(l) && /fail|error|timed out/i.test(l)) res.unknown.push({ line, text: l.trim() });
  });
  finish();
  return res;
}

export function renderLog(d: DecodedLog, source: string): string {
  const out: string[] = [`${source}: ${d.commands.length} command(s), ${d.errors.length} error(s)`];
  for (const c of d.commands) {
    out.push(`line ${c.line}: ${c.name ?? 'unknown command'} (${c.id}), buffer ${c.buffer_address}${c.timeout_s !== null ? `, timeout ${c.timeout_s}s` : ''}`);
    for (const [dir, fields, n] of [['in', c.in, c.in_bytes], ['out', c.out, c.out_bytes]] as const) {
      if (n === 0) continue;
      const shown = Object.entries(fields).map(([k, v]) => `${k} ${v}`).join(', ');
      const partial = c.buffer_size !== null && n < c.buffer_size ? ` (log shows ${n} of ${c.buffer_size} bytes)` : '';
      out.push(`  ${dir.padEnd(3)}: ${shown || '(no field fully shown)'}${partial}`);
    }
    if (c.summary !== null) out.push(`  => ${c.summary}`);
  }
  for (const e of d.errors) {
    out.push(`line ${e.line}: ${e.text}`);
    const what = e.code === null
      ? 'no status (timeout)'
      : e.rc !== null && NO_STATUS_RC.has(e.rc) && BigInt(e.code) !== 0xffffffffn
        ? `${e.code}: not a firmware status (the driver's value after rc ${e.rc})`
        : e.name !== null
        ? `${e.code} = ${e.name} (${e.api === 'snp' ? 'SNP ABI' : 'SEV API'} status table)`
        : outsideTables(BigInt(e.code));
    out.push(`  ${e.command ?? 'command unknown'}: ${what}${e.rc !== null ? `; Linux rc ${e.rc} (${rcMeaning(e.rc)})` : ''}`);
    for (const m of e.model) out.push(`  model: ${m}`);
  }
  for (const v of d.versions) out.push(`line ${v.line}: ${v.api === 'snp' ? 'SEV-SNP' : 'SEV'} firmware API ${v.version}, build ${v.build}`);
  for (const u of d.unknown) out.push(`line ${u.line}: not understood: ${u.text}`);
  return out.join('\n');
}

/** One sentence for a status outside both tables. */
export function outsideTables(code: bigint): string {
  if (code === 0xffffffffn) return `${`0x${code.toString(16)}`}: not a firmware status: Linux's SEV_RET_NO_FW_CALL (-1), the firmware was never called`;
  return `0x${code.toString(16)}: outside the SEV API and SNP ABI status tables`;
}
