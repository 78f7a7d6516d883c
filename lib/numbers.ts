// Numbers from the command line and from JSON, exact: decimal or 0x-hex text
// read as BigInt (never through a float), checked against the field it goes
// to (never wrapped). One parser for every command, so `--exit` and
// `--sw-exit-code` accept and refuse the same texts.
import { UserError } from './errors.ts';
import { quoteArg } from './text.ts';

/** The widest a 64-bit number can be written: 0x + 16 hex digits, or 20 decimal digits (with _ separators, a few more). */
const MAX_TEXT = 40;

/** Decimal or 0x-prefixed hex, `_` allowed between digits; null when the text is no such number. */
export function exactInteger(text: string): bigint | null {
  const t = text.trim();
  if (t.length === 0 || t.length > MAX_TEXT + 2) return null;
  if (!/^(0x[0-9a-f]+(_[0-9a-f]+)*|[0-9]+(_[0-9]+)*)$/i.test(t)) return null;
  return BigInt(t.replace(/_/g, ''));
}

/** The range a field of `bits` bits holds. */
export function maxOfBits(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

/**
 * `text` as an exact unsigned integer within 0..max; a UserError naming
 * `what` otherwise. Texts too long to be any 64-bit number are cut in the message.
 */
export function parseUnsigned(text: string, max: bigint, what: string): bigint {
  const t = text.trim();
  const looksNumeric = /^(0x)?[0-9a-f_]+$/i.test(t);
  if (looksNumeric && t.length > MAX_TEXT + 2) throw new UserError(`${what}: ${quoteArg(text)} is too large (at most ${hexOrDec(max)})`);
  const v = exactInteger(t);
  if (v === null) throw new UserError(`${what}: ${quoteArg(text)} is not a number (give decimal or 0x-prefixed hex)`);
  if (v > max) throw new UserError(`${what}: ${quoteArg(text)} is too large (at most ${hexOrDec(max)})`);
  return v;
}

function hexOrDec(v: bigint): string {
  return v > 0xffffn ? `0x${v.toString(16)}` : String(v);
}
