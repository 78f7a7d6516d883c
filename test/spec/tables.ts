// Helpers for tests that pin the schema's layouts to tables written down
// from outside sources (the AMD documents, AMD's firmware source, Linux,
// other implementations). The expectations live in the test files as data;
// these helpers only compare them with the generated JSON export.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

interface JField { name: string; offset: number; size: number; type: string; reserved: boolean; layout: string | null; enum: string | null; spec: string }
interface JStruct { name: string; size: number; spec: string; fields: JField[] }
interface JBit { name: string; lsb: number; msb: number; reserved: boolean }
interface JLayout { name: string; width: number; spec: string; bits: JBit[]; location?: unknown }
interface JValue { name: string; value: string | number }
interface JGroup { name: string; spec: string; values: JValue[] }

const root = new URL('../../generated/json/', import.meta.url);
const layouts = JSON.parse(readFileSync(new URL('layouts.json', root), 'utf8')) as { structs: JStruct[]; bitLayouts: JLayout[] };
const constants = JSON.parse(readFileSync(new URL('constants.json', root), 'utf8')) as { groups: JGroup[] };

export function struct(name: string): JStruct {
  const s = layouts.structs.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no struct ${name} in generated/json/layouts.json`);
  return s;
}

export function layout(name: string): JLayout {
  const l = layouts.bitLayouts.find((x) => x.name === name);
  if (l === undefined) throw new Error(`no layout ${name} in generated/json/layouts.json`);
  return l;
}

export function group(name: string): JGroup {
  const g = constants.groups.find((x) => x.name === name);
  if (g === undefined) throw new Error(`no group ${name} in generated/json/constants.json`);
  return g;
}

/** A row of a document's table: [field name, offset, size in bytes]; a reserved row is named 'reserved'. */
export type Row = readonly [string, number, number];

/** The struct's fields, in order, are exactly the table's rows (reserved rows match any reserved field at that offset). */
export function expectTable(name: string, size: number, rows: readonly Row[]): void {
  const s = struct(name);
  expect(s.size, `${name}: size`).toBe(size);
  const got = s.fields.map((f) => [f.reserved ? 'reserved' : f.name, f.offset, f.size]);
  expect(got, `${name}: fields`).toEqual(rows.map((r) => [...r]));
}

/** Bit rows: [name, lsb, msb]; reserved ranges named 'reserved'. Only the rows given are checked, plus that no other non-reserved bit exists. */
export function expectBits(name: string, width: number, rows: readonly (readonly [string, number, number])[]): void {
  const l = layout(name);
  expect(l.width, `${name}: width`).toBe(width);
  const got = l.bits.filter((b) => !b.reserved).map((b) => [b.name, b.lsb, b.msb]);
  const want = rows.filter((r) => r[0] !== 'reserved').map((r) => [...r]);
  expect(got, `${name}: defined bits`).toEqual(want);
  for (const r of rows.filter((r) => r[0] === 'reserved')) {
    const b = l.bits.find((x) => x.reserved && x.lsb === r[1]);
    expect(b && [b.lsb, b.msb], `${name}: reserved bits ${r[1]}..${r[2]}`).toEqual([r[1], r[2]]);
  }
}

/** The group holds exactly these name -> value pairs (values as bigint). */
export function expectValues(name: string, values: Readonly<Record<string, bigint>>, exact = true): void {
  const g = group(name);
  const got = Object.fromEntries(g.values.map((v) => [v.name, BigInt(v.value)]));
  if (exact) expect(got, `${name}: values`).toEqual(values);
  else for (const [k, v] of Object.entries(values)) expect(got[k], `${name}: ${k}`).toBe(v);
}
