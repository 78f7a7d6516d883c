// GhcbView: zero-copy accessors over a page, in the spirit of Linux's
// ghcb_get_/ghcb_set_/ghcb_*_is_valid accessors. u64 fields read as bigint,
// and also as two 32-bit halves that allocate nothing (for hot paths).
import {
  type ClassDeclarationStructure,
  type GetAccessorDeclarationStructure,
  type MethodDeclarationStructure,
  type OptionalKind,
  type SetAccessorDeclarationStructure,
  type StatementStructures,
  Scope,
  StructureKind,
  VariableDeclarationKind,
} from './printer.ts';
import type { EField, EModel, EStruct, IntBits } from '../../elaborate/model.ts';
import { citation, hex } from '../common.ts';
import { camel, pascal } from './names.ts';
import { readInt, tsIntType, writeInt } from './structs.ts';

/** A field of the page at its absolute offset, with the valid bit that covers it (if any). */
export interface ViewLeaf {
  field: EField;
  /** Dotted path in spec names, e.g. "save.rax". */
  path: string;
  offset: number;
  bits: IntBits | null;
  validBit: number | null;
}

export interface PageLeaves {
  leaves: ViewLeaf[];
  bitmap: { offset: number; bits: number };
}

/** Every leaf field of `root` (nested structs flattened; arrays stay whole). */
export function pageLeaves(root: EStruct, model: EModel): PageLeaves {
  const leaves: ViewLeaf[] = [];
  let bitmap: { offset: number; bits: number } | null = null;
  const walk = (s: EStruct, base: number, prefix: string) => {
    if (s.validBitmap) {
      if (bitmap) throw new Error(`ts-codec: struct ${root.name} has two valid bitmaps`);
      bitmap = { offset: base + s.validBitmap.offset, bits: s.validBitmap.bits };
    }
    for (const f of s.fields) {
      if (f.type.kind === 'struct') {
        walk(model.structs.get(f.type.name)!, base + f.offset, `${prefix}${f.name}.`);
        continue;
      }
      leaves.push({
        field: f,
        path: `${prefix}${f.name}`,
        offset: base + f.offset,
        bits: f.type.kind === 'int' ? f.type.bits : null,
        validBit: f.validBit,
      });
    }
  };
  walk(root, 0, '');
  if (!bitmap) throw new Error(`ts-codec: struct ${root.name} has no valid bitmap`);
  return { leaves, bitmap };
}

function doc(l: ViewLeaf, extra: string): string {
  const f = l.field;
  const valid = l.validBit !== null ? `, valid bit ${l.validBit}` : '';
  return `${f.description ?? f.name}${extra === '' ? '' : ` ${extra}`}\n\n\`${l.path}\` at ${hex(l.offset)}${valid}. ${citation(f.spec)}.`;
}

export function ghcbView(root: EStruct, model: EModel): StatementStructures[] {
  const { leaves, bitmap } = pageLeaves(root, model);
  const size = `${root.name.toUpperCase()}_SIZE`;
  const getters: OptionalKind<GetAccessorDeclarationStructure>[] = [];
  const setters: OptionalKind<SetAccessorDeclarationStructure>[] = [];
  const methods: OptionalKind<MethodDeclarationStructure>[] = [];
  const cls: ClassDeclarationStructure = {
    kind: StructureKind.Class,
    getAccessors: getters,
    setAccessors: setters,
    methods,
    name: `${pascal(root.name)}View`,
    isExported: true,
    docs: [
      `Zero-copy accessors over one ${root.size}-byte ${root.name} page. Writes go straight to the page.\n` +
        'Plain setters write the field only; set<Field>() also marks it valid, like Linux\'s ghcb_set_<field>().',
    ],
    properties: [
      { name: 'bytes', isReadonly: true, type: 'Uint8Array', docs: ['The page itself (not a copy).'] },
      { name: 'dv', scope: Scope.Private, isReadonly: true, type: 'DataView' },
    ],
  };
  cls.ctors = [{
    parameters: [{ name: 'page', type: 'Uint8Array | ArrayBuffer' }],
    statements: [
      'const bytes = page instanceof Uint8Array ? page : new Uint8Array(page);',
      `if (bytes.length !== ${size}) throw new RangeError(\`${root.name} view: expected ${root.size} bytes, got \${bytes.length}\`);`,
      'this.bytes = bytes;',
      `this.dv = new DataView(bytes.buffer, bytes.byteOffset, ${size});`,
    ],
  }];
  const bitCheck = `if (!Number.isInteger(bit) || bit < 0 || bit >= ${bitmap.bits}) throw new RangeError(\`valid bit \${bit} is outside 0..${bitmap.bits - 1}\`);`;
  methods.push(...[
    {
      name: 'isValid',
      docs: [`Whether bit \`bit\` of the valid bitmap (at ${hex(bitmap.offset)}) is set: the qword at 8*bit of the save area holds a valid value.`],
      parameters: [{ name: 'bit', type: 'number' }],
      returnType: 'boolean',
      statements: [bitCheck, `return ((this.bytes[${hex(bitmap.offset)} + (bit >>> 3)]! >>> (bit & 7)) & 1) === 1;`],
    },
    {
      name: 'setValid',
      parameters: [{ name: 'bit', type: 'number' }],
      returnType: 'void',
      statements: [bitCheck, `this.bytes[${hex(bitmap.offset)} + (bit >>> 3)]! |= 1 << (bit & 7);`],
    },
    {
      name: 'clearValid',
      parameters: [{ name: 'bit', type: 'number' }],
      returnType: 'void',
      statements: [bitCheck, `this.bytes[${hex(bitmap.offset)} + (bit >>> 3)]! &= ~(1 << (bit & 7));`],
    },
    {
      name: 'validBits',
      docs: ['Every set bit of the valid bitmap, ascending.'],
      returnType: 'number[]',
      statements: [
        'const out: number[] = [];',
        `for (let bit = 0; bit < ${bitmap.bits}; bit++) if (((this.bytes[${hex(bitmap.offset)} + (bit >>> 3)]! >>> (bit & 7)) & 1) === 1) out.push(bit);`,
        'return out;',
      ],
    },
  ]);
  const names = new Set<string>();
  for (const l of leaves) {
    if (l.field.reserved) continue;
    const prop = camel(l.field.name);
    if (names.has(prop)) throw new Error(`ts-codec: two fields of ${root.name} are called ${l.field.name}`);
    names.add(prop);
    if (l.bits === null) {
      // Byte arrays: a live window onto the page.
      getters.push({
        name: prop,
        returnType: 'Uint8Array',
        docs: [doc(l, '(A live window onto the page.)')],
        statements: `return this.bytes.subarray(${hex(l.offset)}, ${hex(l.offset + l.field.size)});`,
      });
      continue;
    }
    const t = tsIntType(l.bits);
    getters.push({ name: prop, returnType: t, docs: [doc(l, '')], statements: `return ${readInt(l.bits, hex(l.offset), 'this.dv')};` });
    setters.push({
      name: prop,
      parameters: [{ name: 'value', type: t }],
      docs: [`Writes ${l.field.name} without touching the valid bitmap (modulo 2^${l.bits}, like a C store).`],
      statements: `${writeInt(l.bits, hex(l.offset), 'value', 'this.dv')};`,
    });
    if (l.bits === 64) {
      getters.push({ name: `${prop}Lo`, returnType: 'number', docs: [`Bits 31:0 of ${l.field.name}, without allocating.`], statements: `return this.dv.getUint32(${hex(l.offset)}, true);` });
      getters.push({ name: `${prop}Hi`, returnType: 'number', docs: [`Bits 63:32 of ${l.field.name}, without allocating.`], statements: `return this.dv.getUint32(${hex(l.offset + 4)}, true);` });
    }
    if (l.validBit === null) continue;
    const byte = hex(bitmap.offset + (l.validBit >> 3));
    const mask = hex(1 << (l.validBit & 7));
    const Prop = pascal(l.field.name);
    methods.push(...[
      {
        name: `set${Prop}`,
        docs: [`Writes ${l.field.name} and sets its valid bit (${l.validBit}), like Linux's ghcb_set_${l.field.name}().`],
        parameters: [{ name: 'value', type: t }],
        returnType: 'void',
        statements: [`${writeInt(l.bits, hex(l.offset), 'value', 'this.dv')};`, `this.bytes[${byte}]! |= ${mask};`],
      },
      {
        name: `${prop}IsValid`,
        docs: [`Whether valid bit ${l.validBit} (${l.field.name}) is set.`],
        returnType: 'boolean',
        statements: `return (this.bytes[${byte}]! & ${mask}) !== 0;`,
      },
    ]);
  }
  return [cls, {
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`Offset and size of the ${root.name} valid bitmap.`],
    declarations: [{ name: `${root.name.toUpperCase()}_VALID_BITMAP`, initializer: `{ offset: ${hex(bitmap.offset)}, bits: ${bitmap.bits} } as const` }],
  }];
}
