// The elaborated model: every offset, size, alignment and mask resolved.
// Emitters and runtime code read only this; nothing downstream recomputes a layout.
import type { SpecGap, SpecRef } from '../../schema/model.ts';

export type IntBits = 8 | 16 | 32 | 64;

export type EType =
  | { kind: 'int'; bits: IntBits }
  | { kind: 'struct'; name: string }
  | { kind: 'array'; elem: { kind: 'int'; bits: IntBits } | { kind: 'struct'; name: string }; count: number; elemSize: number };

export interface EField {
  name: string;
  /** Byte offset from the start of the enclosing struct. */
  offset: number;
  size: number;
  align: number;
  type: EType;
  /** The type as written in the schema ("u64", "u8[16]", "struct vmcb_seg"). */
  typeText: string;
  reserved: boolean;
  description: string | null;
  layout: string | null;
  enum: string | null;
  misaligned: string | null;
  /** Bit index in the enclosing struct's valid bitmap, when the struct has one and the field is tracked. */
  validBit: number | null;
  spec: SpecRef;
  linux: string | null;
}

export interface EStruct {
  name: string;
  module: string;
  description: string;
  size: number;
  align: number;
  packed: boolean;
  validBitmap: { field: string; offset: number; bits: number } | null;
  spec: SpecRef;
  linux: string | null;
  fields: EField[];
}

export interface EBit {
  name: string;
  /** C macro stem: layout cPrefix + NAME. */
  cName: string;
  lsb: number;
  msb: number;
  width: number;
  mask: bigint;
  reserved: boolean;
  mustBeOne: boolean;
  enum: string | null;
  /** The sibling field whose enum value's `codes` group names this field's values. */
  codesOf: string | null;
  description: string | null;
  spec: SpecRef;
  linux: string | null;
}

export type ELocation =
  | { kind: 'msr'; index: number }
  | { kind: 'cpuid'; leaf: number; subleaf?: number | undefined; reg: 'eax' | 'ebx' | 'ecx' | 'edx' }
  | { kind: 'ghcb_msr'; code: number; direction: 'request' | 'response' };

export interface ELayout {
  name: string;
  module: string;
  description: string;
  width: IntBits;
  cPrefix: string;
  location: ELocation | null;
  spec: SpecRef;
  linux: string | null;
  bits: EBit[];
  /** Union of the masks of the bits the spec reserves (must be zero). */
  reservedMask: bigint;
  /** Union of the masks of must-be-one bits. */
  mustBeOneMask: bigint;
}

export interface EValue {
  name: string;
  cName: string;
  value: bigint;
  description: string;
  /** The group of the codes that go with this value (BitField.codesOf). */
  codes: string | null;
  spec: SpecRef;
  linux: string | null;
}

export interface EGroup {
  name: string;
  module: string;
  description: string;
  kind: 'enum' | 'constants';
  cPrefix: string;
  spec: SpecRef;
  linux: string | null;
  values: EValue[];
}

export interface EModule {
  name: string;
  header: string;
  title: string;
  spec: SpecRef[];
  includes: string[];
  structs: EStruct[];
  layouts: ELayout[];
  groups: EGroup[];
  /** What implementations use that the cited documents do not define (listed by the coverage report only). */
  gaps: SpecGap[];
}

export interface EModel {
  modules: EModule[];
  structs: ReadonlyMap<string, EStruct>;
  layouts: ReadonlyMap<string, ELayout>;
  groups: ReadonlyMap<string, EGroup>;
}
