// Reading and writing command buffers by the elaborated layout (offsets,
// sizes and types come from the model; nothing is restated here).
import type { EField, EModel, EStruct } from '../../generators/elaborate/model.ts';

export type FieldValue = bigint | Uint8Array | { [name: string]: FieldValue };

function readInt(bytes: Uint8Array, offset: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i] ?? 0);
  return v;
}

function writeInt(bytes: Uint8Array, offset: number, size: number, value: bigint): void {
  let v = BigInt.asUintN(size * 8, value);
  for (let i = 0; i < size; i++) {
    bytes[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

export function fieldOf(s: EStruct, name: string): EField {
  const f = s.fields.find((x) => x.name === name);
  if (f === undefined) throw new Error(`${s.name} has no field ${name}`);
  return f;
}

/** A field's value: integers as bigint, byte arrays as bytes, nested structs as objects. */
export function readField(model: EModel, s: EStruct, bytes: Uint8Array, name: string, base = 0): FieldValue {
  const f = fieldOf(s, name);
  return readEField(model, f, bytes, base);
}

function readEField(model: EModel, f: EField, bytes: Uint8Array, base: number): FieldValue {
  const at = base + f.offset;
  if (f.type.kind === 'int') return readInt(bytes, at, f.size);
  if (f.type.kind === 'struct') return decodeStruct(model, model.structs.get(f.type.name)!, bytes, at);
  if (f.type.elem.kind === 'int' && f.type.elem.bits === 8) return bytes.slice(at, at + f.size);
  const out: { [name: string]: FieldValue } = {};
  for (let i = 0; i < f.type.count; i++) {
    const e = f.type.elem;
    out[String(i)] = e.kind === 'int' ? readInt(bytes, at + i * f.type.elemSize, f.type.elemSize) : decodeStruct(model, model.structs.get(e.name)!, bytes, at + i * f.type.elemSize);
  }
  return out;
}

export function decodeStruct(model: EModel, s: EStruct, bytes: Uint8Array, base = 0): { [name: string]: FieldValue } {
  const out: { [name: string]: FieldValue } = {};
  for (const f of s.fields) out[f.name] = readEField(model, f, bytes, base);
  return out;
}

export function readU(s: EStruct, bytes: Uint8Array, name: string): bigint {
  const f = fieldOf(s, name);
  if (f.type.kind !== 'int') throw new Error(`${s.name}.${name} is not an integer field`);
  return readInt(bytes, f.offset, f.size);
}

export function writeU(s: EStruct, bytes: Uint8Array, name: string, value: bigint): void {
  const f = fieldOf(s, name);
  if (f.type.kind !== 'int') throw new Error(`${s.name}.${name} is not an integer field`);
  writeInt(bytes, f.offset, f.size, value);
}

export function writeBytes(s: EStruct, bytes: Uint8Array, name: string, value: Uint8Array): void {
  const f = fieldOf(s, name);
  bytes.set(value.subarray(0, f.size), f.offset);
}

/** Whether every reserved field of the struct reads as zero. */
export function reservedClear(s: EStruct, bytes: Uint8Array): boolean {
  return s.fields.filter((f) => f.reserved).every((f) => bytes.subarray(f.offset, f.offset + f.size).every((b) => b === 0));
}

/** Build a buffer from field values (unnamed fields zero). */
export function encodeStruct(s: EStruct, values: Record<string, bigint | Uint8Array>): Uint8Array {
  const bytes = new Uint8Array(s.size);
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'bigint') writeU(s, bytes, k, v);
    else writeBytes(s, bytes, k, v);
  }
  return bytes;
}
