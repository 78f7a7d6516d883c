// What the TypeScript codec needs to know about a struct tree: every field
// with the TS type it decodes to and how to read and write it. Offsets and
// sizes come from the elaborated model; nothing here computes a layout.
import type { EField, EModel, EStruct, IntBits } from '../../elaborate/model.ts';
import { camel, pascal } from './names.ts';

export type TsField =
  | { kind: 'int'; field: EField; prop: string; bits: IntBits }
  | { kind: 'bytes'; field: EField; prop: string; length: number }
  | { kind: 'intArray'; field: EField; prop: string; bits: IntBits; count: number; elemSize: number }
  | { kind: 'struct'; field: EField; prop: string; struct: EStruct }
  | { kind: 'structArray'; field: EField; prop: string; struct: EStruct; count: number; elemSize: number };

export function tsFields(s: EStruct, model: EModel): TsField[] {
  return s.fields.map((f): TsField => {
    const prop = camel(f.name);
    const t = f.type;
    if (t.kind === 'int') return { kind: 'int', field: f, prop, bits: t.bits };
    if (t.kind === 'struct') return { kind: 'struct', field: f, prop, struct: model.structs.get(t.name)! };
    if (t.elem.kind === 'int') {
      return t.elem.bits === 8
        ? { kind: 'bytes', field: f, prop, length: t.count }
        : { kind: 'intArray', field: f, prop, bits: t.elem.bits, count: t.count, elemSize: t.elemSize };
    }
    return { kind: 'structArray', field: f, prop, struct: model.structs.get(t.elem.name)!, count: t.count, elemSize: t.elemSize };
  });
}

/** The struct and every struct it nests, innermost first. */
export function structClosure(root: EStruct, model: EModel): EStruct[] {
  const out: EStruct[] = [];
  const visit = (s: EStruct) => {
    if (out.includes(s)) return;
    for (const f of tsFields(s, model)) if (f.kind === 'struct' || f.kind === 'structArray') visit(f.struct);
    out.push(s);
  };
  visit(root);
  return out;
}

export const typeName = (s: EStruct) => pascal(s.name);

/** A u64 is a bigint; every narrower integer fits a number exactly. */
export function tsIntType(bits: IntBits): string {
  return bits === 64 ? 'bigint' : 'number';
}

export function tsType(f: TsField): string {
  switch (f.kind) {
    case 'int':
      return tsIntType(f.bits);
    case 'bytes':
      return 'Uint8Array';
    case 'intArray':
      return `${tsIntType(f.bits)}[]`;
    case 'struct':
      return typeName(f.struct);
    case 'structArray':
      return `${typeName(f.struct)}[]`;
  }
}

const GET: Record<IntBits, string> = { 8: 'getUint8', 16: 'getUint16', 32: 'getUint32', 64: 'getBigUint64' };
const SET: Record<IntBits, string> = { 8: 'setUint8', 16: 'setUint16', 32: 'setUint32', 64: 'setBigUint64' };

/** A DataView read of an integer at `at` (an expression). */
export function readInt(bits: IntBits, at: string, dv = 'dv'): string {
  return bits === 8 ? `${dv}.getUint8(${at})` : `${dv}.${GET[bits]}(${at}, true)`;
}

export function writeInt(bits: IntBits, at: string, value: string, dv = 'dv'): string {
  return bits === 8 ? `${dv}.setUint8(${at}, ${value})` : `${dv}.${SET[bits]}(${at}, ${value}, true)`;
}

export function maxOf(bits: IntBits): string {
  return bits === 64 ? '0xffffffffffffffffn' : `0x${((1n << BigInt(bits)) - 1n).toString(16)}`;
}
