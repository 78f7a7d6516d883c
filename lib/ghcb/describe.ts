// A decoded GHCB page for people (a table) and for programs (the JSON shape
// of `xen-sev ghcb decode --json`).
import type { ELayout, EModel } from '../../generators/elaborate/model.ts';
import { decodeGhcb, GHCB_FIELDS, GHCB_VALID_BITMAP, GhcbView, type GhcbFieldInfo } from '../../generated/ts/ghcb-codec.ts';
import { enumName, exitCodeName, exitInfo1Layout, layoutFields, msrName } from './names.ts';

const hex = (v: bigint | number) => `0x${v.toString(16)}`;

/** Integer fields by name, straight from the page. */
function values(page: Uint8Array): Map<string, bigint> {
  const d = decodeGhcb(page) as unknown as Record<string, Record<string, unknown>>;
  const out = new Map<string, bigint>();
  for (const f of GHCB_FIELDS) {
    if (f.type === 'bytes') continue;
    const [a, b] = f.prop.split('.') as [string, string | undefined];
    out.set(f.name, BigInt((b === undefined ? d[a] : d[a]![b]) as bigint | number));
  }
  return out;
}

/** Set single-bit flags by name, non-zero wider fields as name=value: "sz8 port=0x3f8". */
function layoutSummary(model: EModel, l: ELayout, v: bigint): string {
  const widths = new Map(l.bits.map((b) => [b.name, b.width]));
  return layoutFields(model, l, v)
    .filter((x) => x.value !== 0n)
    .map((x) => (widths.get(x.name) === 1 ? x.name : `${x.name}=${x.meaning ?? hex(x.value)}`))
    .join(' ');
}

export interface PageSummary {
  fields: { info: GhcbFieldInfo; value: bigint; valid: boolean | null; meaning: string | null }[];
  validBits: number[];
  /** Set bits that cover no field of the save area (or a reserved one). */
  strayBits: number[];
  exitName: string | null;
  reservedNonZero: { field: string; offset: number; count: number }[];
  sharedBufferUsed: number;
}

export function summarize(model: EModel, page: Uint8Array): PageSummary {
  const vals = values(page);
  const view = new GhcbView(page);
  const validBits = view.validBits();
  const exitName = exitCodeName(model, vals.get('sw_exit_code')!);
  const fieldBits = new Set(GHCB_FIELDS.filter((f) => f.validBit !== null && !f.reserved).map((f) => f.validBit!));
  const meaningOf = (f: GhcbFieldInfo, v: bigint): string | null => {
    if (f.name === 'sw_exit_code') return exitName;
    if (f.name === 'ghcb_usage') return enumName(model.groups.get('ghcb_usage'), v);
    if (f.name === 'sw_exit_info_1') {
      const l = exitInfo1Layout(model, exitName);
      if (l) return layoutSummary(model, l, v);
      if (exitName === 'MSR') return v === 0n ? 'RDMSR' : v === 1n ? 'WRMSR' : null;
    }
    if (f.name === 'rcx' && exitName === 'MSR') return msrName(model, v & 0xffff_ffffn);
    return null;
  };
  const fields = GHCB_FIELDS.filter((f) => f.type !== 'bytes' && !f.reserved).map((info) => {
    const value = vals.get(info.name)!;
    return { info, value, valid: info.validBit === null ? null : view.isValid(info.validBit), meaning: meaningOf(info, value) };
  });
  const reservedNonZero = GHCB_FIELDS.filter((f) => f.reserved)
    .map((f) => ({ field: f.path, offset: f.offset, count: page.subarray(f.offset, f.offset + f.size).reduce((n, b) => n + (b !== 0 ? 1 : 0), 0) }))
    .filter((r) => r.count > 0);
  const shared = GHCB_FIELDS.find((f) => f.name === 'shared_buffer')!;
  let used = 0;
  for (let i = shared.offset + shared.size - 1; i >= shared.offset; i--) {
    if (page[i] !== 0) {
      used = i - shared.offset + 1;
      break;
    }
  }
  return { fields, validBits, strayBits: validBits.filter((b) => !fieldBits.has(b)), exitName, reservedNonZero, sharedBufferUsed: used };
}

/** Runs of non-zero bytes in [start, end): offset -> hex. */
function nonZeroRuns(page: Uint8Array, start: number, end: number): [number, string][] {
  const runs: [number, string][] = [];
  let i = start;
  while (i < end) {
    if (page[i] === 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < end && page[j] !== 0) j++;
    runs.push([i, Buffer.from(page.subarray(i, j)).toString('hex')]);
    i = j;
  }
  return runs;
}

/** Fields written at the top level of the JSON, whether valid or not. */
export const TOP_LEVEL_FIELDS = ['protocol_version', 'ghcb_usage', 'sw_exit_code', 'sw_exit_info_1', 'sw_exit_info_2', 'sw_scratch'];

/**
 * The `--json` shape: top-level exit fields, every valid field by Linux name,
 * every set bit; and, so that `ghcb encode` of it gives back every byte of the
 * page, the non-zero fields not marked valid, the shared buffer up to its
 * last non-zero byte and the non-zero bytes of reserved areas.
 */
export function pageJson(model: EModel, page: Uint8Array): Record<string, unknown> {
  const s = summarize(model, page);
  const get = (n: string) => s.fields.find((f) => f.info.name === n)!;
  const valid: Record<string, string> = {};
  for (const f of s.fields) if (f.valid) valid[f.info.linux ?? f.info.name] = hex(f.value);
  const out: Record<string, unknown> = {
    protocol_version: Number(get('protocol_version').value),
    ghcb_usage: Number(get('ghcb_usage').value),
    sw_exit_code: hex(get('sw_exit_code').value),
    sw_exit_code_name: s.exitName,
    sw_exit_info_1: hex(get('sw_exit_info_1').value),
    sw_exit_info_2: hex(get('sw_exit_info_2').value),
    sw_scratch: hex(get('sw_scratch').value),
    valid,
    valid_bits: s.validBits,
  };
  const info1 = get('sw_exit_info_1');
  const layout = exitInfo1Layout(model, s.exitName);
  if (layout) {
    out.sw_exit_info_1_fields = Object.fromEntries(layoutFields(model, layout, info1.value).map((x) => [x.name, x.meaning ?? hex(x.value)]));
  }
  const rcx = get('rcx');
  if (s.exitName === 'MSR' && rcx.valid) out.msr_name = msrName(model, rcx.value & 0xffff_ffffn);
  if (s.strayBits.length > 0) out.stray_valid_bits = s.strayBits;
  if (s.reservedNonZero.length > 0) out.reserved_nonzero = s.reservedNonZero.map((r) => ({ field: r.field, offset: hex(r.offset), bytes: r.count }));
  out.shared_buffer_used = s.sharedBufferUsed;
  const notValid: Record<string, string> = {};
  for (const f of s.fields) if (!f.valid && f.value !== 0n && !TOP_LEVEL_FIELDS.includes(f.info.name)) notValid[f.info.linux ?? f.info.name] = hex(f.value);
  if (Object.keys(notValid).length > 0) out.not_valid = notValid;
  if (s.sharedBufferUsed > 0) {
    const shared = GHCB_FIELDS.find((f) => f.name === 'shared_buffer')!;
    out.shared_buffer = Buffer.from(page.subarray(shared.offset, shared.offset + s.sharedBufferUsed)).toString('hex');
  }
  const reserved = GHCB_FIELDS.filter((f) => f.reserved).flatMap((f) => nonZeroRuns(page, f.offset, f.offset + f.size));
  if (reserved.length > 0) out.reserved_bytes = Object.fromEntries(reserved.map(([at, h]) => [hex(at), h]));
  return out;
}

/** Rows shown even when zero and not valid. */
const ALWAYS = new Set(['sw_exit_code', 'sw_exit_info_1', 'sw_exit_info_2', 'protocol_version', 'ghcb_usage']);

/** The human table: offset, field, valid, value, meaning; fields that are neither valid nor non-zero only with `all`. */
export function pageTable(model: EModel, page: Uint8Array, all = false): string {
  const s = summarize(model, page);
  const shown = s.fields.filter((f) => all || f.valid === true || f.value !== 0n || ALWAYS.has(f.info.name));
  const rows = shown.map((f) => [
    hex(f.info.offset).padStart(6),
    f.info.name.padEnd(16),
    (f.valid === null ? '-' : f.valid ? 'yes' : 'no').padEnd(5),
    `0x${f.value.toString(16).padStart(f.info.size * 2, '0')}`.padEnd(18),
    f.meaning ?? '',
  ]);
  const out = [['offset', 'field'.padEnd(16), 'valid', 'value'.padEnd(18), 'meaning'].join('  ')];
  for (const r of rows) out.push(r.join('  ').trimEnd());
  out.push('');
  out.push(`valid bits (bitmap at ${hex(GHCB_VALID_BITMAP.offset)}): ${s.validBits.length > 0 ? s.validBits.join(', ') : 'none'}`);
  if (s.strayBits.length > 0) out.push(`warning: valid bits ${s.strayBits.join(', ')} cover no save-area field`);
  for (const r of s.reservedNonZero) out.push(`warning: ${r.count} non-zero byte(s) in reserved ${r.field} at ${hex(r.offset)}`);
  out.push(`shared buffer: ${s.sharedBufferUsed === 0 ? 'all zero' : `${s.sharedBufferUsed} byte(s) up to the last non-zero one`}`);
  if (s.sharedBufferUsed > 0) {
    const shared = GHCB_FIELDS.find((f) => f.name === 'shared_buffer')!;
    const shown = Math.min(s.sharedBufferUsed, 64);
    for (let at = 0; at < shown; at += 16) {
      const row = Array.from(page.subarray(shared.offset + at, shared.offset + Math.min(at + 16, shown)), (b) => b.toString(16).padStart(2, '0'));
      out.push(`  ${hex(shared.offset + at).padStart(6)}  ${row.join(' ')}`);
    }
    if (shown < s.sharedBufferUsed) out.push(`  ... (${s.sharedBufferUsed - shown} more)`);
  }
  if (shown.length < s.fields.length) out.push(`(${s.fields.length - shown.length} fields that are zero and not valid not shown; --all shows them)`);
  return out.join('\n');
}
