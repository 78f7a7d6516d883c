// Building a GHCB page from the JSON shape `ghcb decode --json` prints, or
// from command-line flags, through the generated page view.
import type { EModel } from '../../generators/elaborate/model.ts';
import { GHCB_FIELDS, GHCB_SIZE, GHCB_VALID_BITMAP, GhcbView, type GhcbFieldInfo } from '../../generated/ts/ghcb-codec.ts';
import { UserError } from '../errors.ts';
import { exactInteger } from '../numbers.ts';
import { cutArg, quoteArg } from '../text.ts';
import { exitCodeByName } from './names.ts';

const INT_FIELDS = GHCB_FIELDS.filter((f) => f.type !== 'bytes' && !f.reserved);
const MAX: Record<string, bigint> = { u8: 0xffn, u16: 0xffffn, u32: 0xffff_ffffn, u64: 0xffff_ffff_ffff_ffffn };
/** Keys of the decode output that say nothing the other keys do not (accepted, so decode output round-trips). */
const DERIVED_KEYS = new Set(['sw_exit_code_name', 'sw_exit_info_1_fields', 'msr_name', 'stray_valid_bits', 'reserved_nonzero', 'shared_buffer_used']);
const TOP_FIELDS = ['protocol_version', 'ghcb_usage', 'sw_exit_code', 'sw_exit_info_1', 'sw_exit_info_2', 'sw_scratch'];

export function fieldNamed(name: string, where: string): GhcbFieldInfo {
  const f = INT_FIELDS.find((x) => x.name === name || x.linux === name);
  if (!f) throw new UserError(`${where}: unknown field '${name}' (fields: ${INT_FIELDS.map((x) => x.name).join(', ')})`);
  return f;
}

/**
 * A number given as JSON number (a safe integer: larger ones have lost digits
 * already) or as decimal or 0x-hex text, exact, checked against the field's width.
 */
export function parseValue(raw: unknown, f: GhcbFieldInfo, where: string): bigint {
  let v: bigint | null = null;
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) v = BigInt(raw);
  else if (typeof raw === 'string') v = exactInteger(raw);
  const shown = typeof raw === 'string' ? raw.trim() : JSON.stringify(raw) ?? String(raw);
  if (v === null) {
    const big = typeof raw === 'number' ? Number.isInteger(raw) : typeof raw === 'string' && /^(0x[0-9a-f_]+|[0-9_]+)$/i.test(raw.trim());
    if (big) throw new UserError(`${where}: ${f.name}: ${cutArg(shown)} does not fit ${f.type}${typeof raw === 'number' ? ' (JSON numbers above 2^53 lose digits: give it as a "0x..." string)' : ''}`);
    throw new UserError(`${where}: ${f.name}: ${quoteArg(shown)} is not a number (give decimal or 0x-prefixed hex)`);
  }
  if (v < 0n || v > MAX[f.type]!) throw new UserError(`${where}: ${f.name}: ${cutArg(shown)} does not fit ${f.type}`);
  return v;
}

function write(view: GhcbView, f: GhcbFieldInfo, v: bigint, markValid: boolean, where: string): void {
  const page = view.bytes;
  for (let i = 0; i < f.size; i++) page[f.offset + i] = Number((v >> BigInt(8 * i)) & 0xffn);
  if (markValid) {
    if (f.validBit === null) throw new UserError(`${where}: ${f.name} has no valid bit; set it at the top level instead`);
    view.setValid(f.validBit);
  }
}

/**
 * From the decode JSON shape: top-level exit fields are written as given,
 * `valid` fields are written and marked valid (like ghcb_set_<field>()), and
 * every bit of `valid_bits` is set.
 */
export function pageFromJson(doc: unknown, where: string): Uint8Array {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UserError(`${where}: expected a JSON object`);
  const view = new GhcbView(new Uint8Array(GHCB_SIZE));
  const obj = doc as Record<string, unknown>;
  for (const [k, raw] of Object.entries(obj)) {
    if (TOP_FIELDS.includes(k)) write(view, fieldNamed(k, where), parseValue(raw, fieldNamed(k, where), where), false, where);
    else if (k === 'valid') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UserError(`${where}: "valid" must be an object of field: value`);
      for (const [name, v] of Object.entries(raw)) {
        const f = fieldNamed(name, `${where}: valid`);
        write(view, f, parseValue(v, f, where), true, where);
      }
    } else if (k === 'not_valid') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UserError(`${where}: "not_valid" must be an object of field: value`);
      for (const [name, v] of Object.entries(raw)) {
        const f = fieldNamed(name, `${where}: not_valid`);
        write(view, f, parseValue(v, f, where), false, where);
      }
    } else if (k === 'shared_buffer') {
      const shared = GHCB_FIELDS.find((f) => f.name === 'shared_buffer')!;
      view.bytes.set(hexBytes(raw, `${where}: shared_buffer`, shared.size), shared.offset);
    } else if (k === 'reserved_bytes') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UserError(`${where}: "reserved_bytes" must be an object of "0xoffset": "hex bytes"`);
      for (const [at, h] of Object.entries(raw)) {
        const offset = exactInteger(at);
        const area = offset === null ? undefined : GHCB_FIELDS.find((f) => f.reserved && BigInt(f.offset) <= offset && offset < BigInt(f.offset + f.size));
        if (offset === null || area === undefined) throw new UserError(`${where}: reserved_bytes: ${quoteArg(at)} is not an offset in a reserved area of the page`);
        view.bytes.set(hexBytes(h, `${where}: reserved_bytes ${at}`, area.offset + area.size - Number(offset)), Number(offset));
      }
    } else if (k === 'valid_bits') {
      if (!Array.isArray(raw)) throw new UserError(`${where}: "valid_bits" must be an array of bit numbers`);
      for (const b of raw) {
        if (!Number.isInteger(b) || b < 0 || b >= GHCB_VALID_BITMAP.bits) throw new UserError(`${where}: valid_bits: ${JSON.stringify(b)} is not a bit number 0..${GHCB_VALID_BITMAP.bits - 1}`);
        view.setValid(b as number);
      }
    } else if (!DERIVED_KEYS.has(k)) {
      throw new UserError(`${where}: unknown key "${cutArg(k)}" (expected ${[...TOP_FIELDS, 'valid', 'valid_bits', 'not_valid', 'shared_buffer', 'reserved_bytes'].join(', ')})`);
    }
  }
  return view.bytes;
}

/** Bytes given as a hex string, at most `room` of them. */
function hexBytes(raw: unknown, where: string, room: number): Uint8Array {
  if (typeof raw !== 'string' || !/^([0-9a-f]{2})*$/i.test(raw)) throw new UserError(`${where}: expected a string of hex byte pairs`);
  if (raw.length / 2 > room) throw new UserError(`${where}: ${raw.length / 2} bytes do not fit the ${room} bytes there`);
  return Uint8Array.from(Buffer.from(raw, 'hex'));
}

export interface FlagInput {
  exit?: string;
  protocolVersion?: string;
  usage?: string;
  /** Save-area fields by name: written and marked valid. */
  fields: Record<string, string>;
}

/** From flags: --exit NAME sets sw_exit_code and (unless given) sw_exit_info_1/2 = 0, all valid, as a Linux guest does. */
export function pageFromFlags(model: EModel, input: FlagInput, base?: Uint8Array): Uint8Array {
  const view = new GhcbView(base ?? new Uint8Array(GHCB_SIZE));
  const where = 'ghcb encode';
  if (base === undefined) {
    write(view, fieldNamed('protocol_version', where), 2n, false, where);
  }
  if (input.protocolVersion !== undefined) write(view, fieldNamed('protocol_version', where), parseValue(input.protocolVersion, fieldNamed('protocol_version', where), `${where}: --protocol-version`), false, where);
  if (input.usage !== undefined) write(view, fieldNamed('ghcb_usage', where), parseValue(input.usage, fieldNamed('ghcb_usage', where), `${where}: --usage`), false, where);
  if (input.exit !== undefined) {
    const f = fieldNamed('sw_exit_code', where);
    // A number is checked against sw_exit_code like --sw-exit-code; a name is looked up.
    const code = /^[0-9]/.test(input.exit.trim()) ? parseValue(input.exit, f, `${where}: --exit`) : exitCodeByName(model, input.exit);
    if (code === null) throw new UserError(`${where}: --exit: unknown exit code ${quoteArg(input.exit)} (give a name such as cpuid, ioio, mmio_read, or a number)`);
    write(view, fieldNamed('sw_exit_code', where), code, true, where);
    for (const n of ['sw_exit_info_1', 'sw_exit_info_2']) if (!(n in input.fields)) write(view, fieldNamed(n, where), 0n, true, where);
  }
  for (const [name, raw] of Object.entries(input.fields)) {
    const f = fieldNamed(name, where);
    write(view, f, parseValue(raw, f, `${where}: --${name.replace(/_/g, '-')}`), f.validBit !== null, where);
  }
  return view.bytes;
}

/** Save-area fields that get a --flag in `ghcb encode`. */
export const FLAG_FIELDS: readonly GhcbFieldInfo[] = INT_FIELDS.filter((f) => !['protocol_version', 'ghcb_usage'].includes(f.name));
