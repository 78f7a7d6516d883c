// Reading a GHCB page the way people have one at hand: the raw 4096 bytes, a
// plain hex string, `xxd` output, `hexdump -C` output, or the output of plain
// `hexdump` and `od` (autodetected; "*" lines stand for repeated rows).
import { UserError } from '../errors.ts';
import { CAPS, readBounded } from '../io.ts';

export const PAGE_FORMATS = ['raw', 'hex', 'xxd', 'hexdump', 'od'] as const;
export type PageFormat = (typeof PAGE_FORMATS)[number];

const HEXDUMP_LINE = /^([0-9a-fA-F]{7,16})  ((?:[0-9a-fA-F]{2} {1,2}){0,15}[0-9a-fA-F]{2})?\s*(\|.*\|)?\s*$/;
const XXD_LINE = /^([0-9a-fA-F]{7,16}): ((?:[0-9a-fA-F]{2,} ?)+?)(?:  .*)?$/;
const OFFSET_ONLY = /^[0-9a-fA-F]{7,16}$/;
/** `od` (any -A, -t x1/x2/x4/x8/o2, -x, default) and plain `hexdump`: an offset, then same-width columns, maybe >text< (od -t x1z). */
const OD_LINE = /^([0-9a-fA-F]{6,16})((?: +[0-9a-fA-F]{2,22})+)(?: +>.*<)?$/;
const OD_OFFSET_ONLY = /^[0-9a-fA-F]{6,16}$/;

class Fail extends Error {}

function isText(b: Uint8Array): boolean {
  for (const c of b) if (c !== 9 && c !== 10 && c !== 13 && (c < 0x20 || c > 0x7e)) return false;
  return true;
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trimEnd());
}

/** Rebuilds the bytes of a dump whose "*" lines stand for repeats of the line before. */
function assemble(rows: { offset: number; bytes: number[] | null; line: number }[], end: number | null): Uint8Array {
  const out: number[] = [];
  let last: number[] = [];
  let repeating = false;
  const fillTo = (offset: number, line: number) => {
    if (offset < out.length) throw new Fail(`line ${line}: offset 0x${offset.toString(16)} goes backwards (already at 0x${out.length.toString(16)})`);
    if (offset > out.length && !repeating) throw new Fail(`line ${line}: offset 0x${offset.toString(16)} leaves a gap after 0x${out.length.toString(16)}`);
    while (out.length < offset) out.push(...last.slice(0, offset - out.length));
  };
  for (const r of rows) {
    if (r.bytes === null) {
      repeating = true;
      continue;
    }
    fillTo(r.offset, r.line);
    repeating = false;
    out.push(...r.bytes);
    last = r.bytes;
  }
  if (end !== null) {
    if (end < out.length) throw new Fail(`the final offset 0x${end.toString(16)} is before the data ends (0x${out.length.toString(16)})`);
    if (end > out.length && !repeating) throw new Fail(`the final offset 0x${end.toString(16)} leaves a gap after 0x${out.length.toString(16)}`);
    while (out.length < end) out.push(...last.slice(0, end - out.length));
  } else if (repeating) {
    throw new Fail('the dump ends with "*" but no final offset says how far the repeat goes');
  }
  return Uint8Array.from(out);
}

function parseHexdump(text: string): Uint8Array {
  const rows: { offset: number; bytes: number[] | null; line: number }[] = [];
  let end: number | null = null;
  lines(text).forEach((l, i) => {
    if (l === '') return;
    if (end !== null) throw new Fail(`line ${i + 1}: data after the final offset line`);
    if (l === '*') return rows.push({ offset: -1, bytes: null, line: i + 1 });
    if (OFFSET_ONLY.test(l)) {
      end = parseInt(l, 16);
      return;
    }
    const m = HEXDUMP_LINE.exec(l);
    if (!m || m[2] === undefined) throw new Fail(`line ${i + 1}: not a hexdump -C line: ${JSON.stringify(l.slice(0, 60))}`);
    rows.push({ offset: parseInt(m[1]!, 16), bytes: m[2].trim().split(/\s+/).map((b) => parseInt(b, 16)), line: i + 1 });
  });
  return assemble(rows, end);
}

function parseXxd(text: string): Uint8Array {
  const rows: { offset: number; bytes: number[] | null; line: number }[] = [];
  lines(text).forEach((l, i) => {
    if (l === '') return;
    if (l === '*') return rows.push({ offset: -1, bytes: null, line: i + 1 });
    const m = XXD_LINE.exec(l);
    if (!m) throw new Fail(`line ${i + 1}: not an xxd line: ${JSON.stringify(l.slice(0, 60))}`);
    const hex = m[2]!.replace(/\s+/g, '');
    if (hex.length % 2 !== 0) throw new Fail(`line ${i + 1}: odd number of hex digits`);
    rows.push({ offset: parseInt(m[1]!, 16), bytes: Array.from({ length: hex.length / 2 }, (_, k) => parseInt(hex.slice(2 * k, 2 * k + 2), 16)), line: i + 1 });
  });
  // xxd -a ends a trailing repeat with the last line itself, so no final offset is needed.
  return assemble(rows, null);
}

/**
 * One column of od/hexdump output as bytes. Words (hexdump's and od -x's four
 * hex digits, od's default six octal digits, od -t x4/x8) are in the byte
 * order of the machine that printed them: little endian, as on x86.
 */
function columnBytes(col: string, line: number): number[] {
  let value: bigint;
  let size: number;
  if (col.length === 6 && /^[0-7]+$/.test(col)) {
    value = BigInt(`0o${col}`);
    size = 2;
    if (value > 0xffffn) throw new Fail(`line ${line}: ${col} is not a 16-bit octal word`);
  } else if ([2, 4, 8, 16].includes(col.length)) {
    value = BigInt(`0x${col}`);
    size = col.length / 2;
  } else {
    throw new Fail(`line ${line}: column ${JSON.stringify(col)} is neither bytes nor words of od or hexdump output`);
  }
  return Array.from({ length: size }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));
}

function parseOdWith(text: string, radix: 8 | 10 | 16): Uint8Array {
  const rows: { offset: number; bytes: number[] | null; line: number }[] = [];
  let end: number | null = null;
  const offset = (t: string, line: number): number => {
    const digits = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
    if (!digits.test(t)) throw new Fail(`line ${line}: offset ${t} is not base ${radix}`);
    return parseInt(t, radix);
  };
  lines(text).forEach((l, i) => {
    if (l === '') return;
    if (end !== null) throw new Fail(`line ${i + 1}: data after the final offset line`);
    if (l === '*') return rows.push({ offset: -1, bytes: null, line: i + 1 });
    if (OD_OFFSET_ONLY.test(l)) {
      end = offset(l, i + 1);
      return;
    }
    const m = OD_LINE.exec(l);
    if (!m) throw new Fail(`line ${i + 1}: not an od or hexdump line: ${JSON.stringify(l.slice(0, 60))}`);
    const cols = m[2]!.trim().split(/ +/);
    rows.push({ offset: offset(m[1]!, i + 1), bytes: cols.flatMap((c) => columnBytes(c, i + 1)), line: i + 1 });
  });
  return assemble(rows, end);
}

/** od's offsets are octal unless -A says otherwise, hexdump's hex: the radix that reassembles without gaps wins. */
function parseOd(text: string): Uint8Array {
  let first: Fail | null = null;
  for (const radix of [16, 8, 10] as const) {
    try {
      return parseOdWith(text, radix);
    } catch (e) {
      if (!(e instanceof Fail)) throw e;
      first ??= e;
    }
  }
  throw first!;
}

function parseHex(text: string): Uint8Array {
  const hex = text.replace(/0x/gi, '').replace(/[\s,:]+/g, '');
  const bad = /[^0-9a-fA-F]/.exec(hex);
  if (bad) throw new Fail(`character ${JSON.stringify(bad[0])} is not a hex digit`);
  if (hex.length % 2 !== 0) throw new Fail(`odd number of hex digits (${hex.length})`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Which format a file is in: text dumps by their line shapes, anything else raw. */
export function detectFormat(data: Uint8Array): PageFormat {
  if (!isText(data)) return 'raw';
  const text = Buffer.from(data).toString('latin1');
  const first = lines(text).find((l) => l.trim() !== '') ?? '';
  if (XXD_LINE.test(first)) return 'xxd';
  if (HEXDUMP_LINE.test(first) && /^[0-9a-fA-F]{7,16}  /.test(first)) return 'hexdump';
  // od and plain hexdump end with a line holding only the final offset.
  const last = lines(text).filter((l) => l.trim() !== '').at(-1) ?? '';
  if (OD_LINE.test(first) && OD_OFFSET_ONLY.test(last)) return 'od';
  return 'hex';
}

export function parsePage(data: Uint8Array, format: PageFormat | 'auto', source: string, size = 4096): { bytes: Uint8Array; format: PageFormat } {
  const f = format === 'auto' ? detectFormat(data) : format;
  let bytes: Uint8Array;
  try {
    const text = () => Buffer.from(data).toString('latin1');
    bytes = f === 'raw' ? data : f === 'hex' ? parseHex(text()) : f === 'xxd' ? parseXxd(text()) : f === 'od' ? parseOd(text()) : parseHexdump(text());
  } catch (e) {
    if (e instanceof Fail) throw new UserError(`${source}: cannot read it as ${f}: ${e.message}`);
    throw e;
  }
  if (bytes.length !== size) {
    throw new UserError(`${source}: ${bytes.length} bytes after reading it as ${f}${format === 'auto' ? ' (autodetected)' : ''}; a GHCB page is ${size} bytes`);
  }
  return { bytes, format: f };
}

/**
 * Reads a file, or all of stdin for "-", at most `max` bytes (a page in any
 * of its forms by default). Stdin is read as a stream: a pipe from another
 * node process is non-blocking, and a synchronous read of it fails with EAGAIN.
 */
export async function readInput(file: string, max: number = CAPS.page): Promise<Uint8Array> {
  const name = file === '-' ? 'stdin' : file;
  const hint = max === CAPS.page ? '; a GHCB page is 4096 bytes raw, or a hex dump of them' : '';
  // A plain Uint8Array: Buffer's slice() shares memory, so code that copies a page with slice() would not copy it.
  return new Uint8Array(await readBounded(file, max, (why) => new UserError(`${name}: cannot read: ${why}${why.startsWith('larger') ? hint : ''}`)));
}
