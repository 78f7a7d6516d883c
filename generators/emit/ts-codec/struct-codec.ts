// Plain-object codec for a struct tree: interfaces and straight-line DataView
// read/write functions; the zod schemas that validate decoded objects are
// emitted apart (structSchemas), so the codec itself never loads zod.
import { type FunctionDeclarationStructure, type StatementStructures, StructureKind, VariableDeclarationKind } from './printer.ts';
import type { EModel, EStruct } from '../../elaborate/model.ts';
import { citation, hex } from '../common.ts';
import { maxOf, readInt, structClosure, tsFields, tsType, typeName, writeInt, type TsField } from './structs.ts';

function fieldDoc(f: TsField): string {
  const e = f.field;
  const lines = [`${e.description ?? (e.reserved ? 'Reserved.' : e.name)}`, ''];
  lines.push(`\`${e.name}\`: ${e.typeText} at ${hex(e.offset)} (${e.size} bytes)${e.validBit !== null ? `, valid bit ${e.validBit}` : ''}. ${citation(e.spec)}.`);
  return lines.join('\n');
}

function zodFor(f: TsField): string {
  switch (f.kind) {
    case 'int':
      return f.bits === 64 ? 'u64' : `z.number().int().min(0).max(${maxOf(f.bits)})`;
    case 'bytes':
      return `bytes(${f.length})`;
    case 'intArray':
      return `z.array(${f.bits === 64 ? 'u64' : `z.number().int().min(0).max(${maxOf(f.bits)})`}).length(${f.count})`;
    case 'struct':
      return `${typeName(f.struct)}Schema`;
    case 'structArray':
      return `z.array(${typeName(f.struct)}Schema).length(${f.count})`;
  }
}

function readExpr(f: TsField): string {
  const at = `at + ${hex(f.field.offset)}`;
  switch (f.kind) {
    case 'int':
      return readInt(f.bits, at);
    case 'bytes':
      // A new view on the buffer costs half what subarray() does.
      return `new Uint8Array(buf, ${at}, ${f.length})`;
    case 'intArray':
      return `Array.from({ length: ${f.count} }, (_, i) => ${readInt(f.bits, `at + ${hex(f.field.offset)} + ${f.elemSize} * i`)})`;
    case 'struct':
      return `read${typeName(f.struct)}(dv, buf, ${at})`;
    case 'structArray':
      return `Array.from({ length: ${f.count} }, (_, i) => read${typeName(f.struct)}(dv, buf, at + ${hex(f.field.offset)} + ${f.elemSize} * i))`;
  }
}

function writeStmts(f: TsField): string[] {
  const at = `at + ${hex(f.field.offset)}`;
  const v = `v.${f.prop}`;
  const where = `'${f.field.name}'`;
  switch (f.kind) {
    case 'int':
      return f.bits === 64
        ? [`if (!isU64(${v})) fail(path, ${where}, ${v});`, `${writeInt(64, at, v)};`]
        : [`if (!isUint(${v}, ${maxOf(f.bits)})) fail(path, ${where}, ${v});`, `${writeInt(f.bits, at, v)};`];
    case 'bytes':
      return [`if (!isBytes(${v}, ${f.length})) fail(path, ${where}, ${v});`, `bytes.set(${v}, ${at});`];
    case 'intArray':
      return [
        `if (!Array.isArray(${v}) || ${v}.length !== ${f.count}) fail(path, ${where}, ${v});`,
        `for (let i = 0; i < ${f.count}; i++) {`,
        `  const e = ${v}[i]!;`,
        f.bits === 64 ? `  if (!isU64(e)) fail(path, \`${f.field.name}[\${i}]\`, e);` : `  if (!isUint(e, ${maxOf(f.bits)})) fail(path, \`${f.field.name}[\${i}]\`, e);`,
        `  ${writeInt(f.bits, `at + ${hex(f.field.offset)} + ${f.elemSize} * i`, 'e')};`,
        '}',
      ];
    case 'struct':
      return [`if (typeof ${v} !== 'object' || ${v} === null) fail(path, ${where}, ${v});`, `write${typeName(f.struct)}(dv, bytes, ${at}, ${v}, \`\${path}.${f.field.name}\`);`];
    case 'structArray':
      return [
        `if (!Array.isArray(${v}) || ${v}.length !== ${f.count}) fail(path, ${where}, ${v});`,
        `for (let i = 0; i < ${f.count}; i++) write${typeName(f.struct)}(dv, bytes, at + ${hex(f.field.offset)} + ${f.elemSize} * i, ${v}[i]!, \`\${path}.${f.field.name}[\${i}]\`);`,
      ];
  }
}

/** The helpers of the schema file: zod schemas for u64 and fixed-length byte arrays. */
export function schemaHelpers(): StatementStructures[] {
  return [
    {
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [{ name: 'u64', initializer: 'z.bigint().min(0n).max(0xffffffffffffffffn)' }],
    },
    {
      kind: StructureKind.Function,
      name: 'bytes',
      docs: ['A byte array of exactly `length` bytes.'],
      parameters: [{ name: 'length', type: 'number' }],
      statements: 'return z.instanceof(Uint8Array).refine((b) => b.length === length, { message: `must be ${length} bytes` });',
    },
  ];
}

/** The helpers every struct codec file shares. */
export function codecHelpers(): StatementStructures[] {
  return [
  {
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'U64_MAX', initializer: '0xffffffffffffffffn' }],
  },
  ...(
  [
    {
      name: 'isU64',
      parameters: [{ name: 'v', type: 'unknown' }],
      returnType: 'v is bigint',
      statements: "return typeof v === 'bigint' && v >= 0n && v <= U64_MAX;",
    },
    {
      name: 'isUint',
      parameters: [{ name: 'v', type: 'unknown' }, { name: 'max', type: 'number' }],
      returnType: 'v is number',
      statements: "return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;",
    },
    {
      name: 'isBytes',
      parameters: [{ name: 'v', type: 'unknown' }, { name: 'length', type: 'number' }],
      returnType: 'v is Uint8Array',
      statements: 'return v instanceof Uint8Array && v.length === length;',
    },
    {
      name: 'fail',
      docs: ['Encoding errors name the field by its spec path, so they can be fixed without a debugger.'],
      parameters: [{ name: 'path', type: 'string' }, { name: 'field', type: 'string' }, { name: 'value', type: 'unknown' }],
      returnType: 'never',
      statements: [
        "const shown = typeof value === 'bigint' ? `0x${value.toString(16)}` : value instanceof Uint8Array ? `${value.length} bytes` : String(value);",
        'throw new RangeError(`${path}.${field}: ${shown} does not fit the field`);',
      ],
    },
  ] satisfies Omit<FunctionDeclarationStructure, 'kind'>[]).map((f) => ({ kind: StructureKind.Function as const, ...f })),
  ];
}

/** The structs of `root`'s tree not printed yet (marked printed), with their TS names and fields. */
function* newStructs(root: EStruct, model: EModel, done: Set<string>) {
  for (const s of structClosure(root, model)) {
    if (done.has(s.name)) continue;
    done.add(s.name);
    yield { s, name: typeName(s), fields: tsFields(s, model) };
  }
}

/**
 * The zod schema of every struct of `root`'s tree, for the schema file: kept
 * out of the codec, so that decoding a page does not load zod.
 */
export function structSchemas(root: EStruct, model: EModel, done: Set<string>): StatementStructures[] {
  const out: StatementStructures[] = [];
  for (const { s, name, fields } of newStructs(root, model, done)) {
    out.push({
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [`Validates a decoded ${s.name} (for untrusted input; decode/encode do not use it).`],
      declarations: [
        {
          name: `${name}Schema`,
          type: `z.ZodType<${name}>`,
          initializer: (w) => {
            w.write('z.object(').inlineBlock(() => {
              for (const f of fields) w.writeLine(`${f.prop}: ${zodFor(f)},`);
            });
            w.write(').strict()');
          },
        },
      ],
    });
  }
  return out;
}

/** Interface, reader and writer of every struct of `root`'s tree, then decode/encode of the root. */
export function structCodec(root: EStruct, model: EModel, done: Set<string>): StatementStructures[] {
  const out: StatementStructures[] = [];
  for (const { s, name, fields } of newStructs(root, model, done)) {
    out.push({
      kind: StructureKind.Interface,
      name,
      isExported: true,
      docs: [`${s.description} (struct ${s.name}, ${hex(s.size)} bytes; ${citation(s.spec)}).`],
      properties: fields.map((f) => ({ name: f.prop, type: tsType(f), docs: [fieldDoc(f)] })),
    });
    out.push({
    kind: StructureKind.Function,
      name: `read${name}`,
      docs: ['`at` is the struct\'s offset in `buf`, which `dv` views from its start.'],
      parameters: [{ name: 'dv', type: 'DataView' }, { name: 'buf', type: 'ArrayBufferLike' }, { name: 'at', type: 'number' }],
      returnType: name,
      statements: (w) => {
        w.write('return ').inlineBlock(() => {
          for (const f of fields) w.writeLine(`${f.prop}: ${readExpr(f)},`);
        });
        w.write(';');
      },
    });
    out.push({
    kind: StructureKind.Function,
      name: `write${name}`,
      parameters: [
        { name: 'dv', type: 'DataView' },
        { name: 'bytes', type: 'Uint8Array' },
        { name: 'at', type: 'number' },
        { name: 'v', type: name },
        { name: 'path', type: 'string' },
      ],
      returnType: 'void',
      statements: fields.flatMap(writeStmts),
    });
  }
  const name = typeName(root);
  const size = `${root.name.toUpperCase()}_SIZE`;
  out.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`Size in bytes of struct ${root.name}.`],
    declarations: [{ name: size, initializer: hex(root.size) }],
  });
  out.push({
    kind: StructureKind.Function,
    name: `decode${name}`,
    isExported: true,
    docs: [
      `Decodes a ${root.size}-byte ${root.name} into a plain object. Reserved bytes are kept, so encode${name}(decode${name}(p)) equals p.\n` +
        'Integers are read once; the byte arrays of the result are views of the input (no copy, as binary-parser does).\n' +
        'For a snapshot of a page the guest can still write, decode a copy: decode' + name + '(page.slice()).',
    ],
    parameters: [{ name: 'input', type: 'Uint8Array | ArrayBuffer' }],
    returnType: name,
    statements: [
      'const src = input instanceof Uint8Array ? input : new Uint8Array(input);',
      `if (src.length !== ${size}) throw new RangeError(\`${root.name}: expected ${root.size} bytes, got \${src.length}\`);`,
      `return read${name}(new DataView(src.buffer), src.buffer, src.byteOffset);`,
    ],
  });
  out.push({
    kind: StructureKind.Function,
    name: `encode${name}`,
    isExported: true,
    docs: [`Encodes a ${root.name} object into ${root.size} new bytes; throws RangeError naming the first field that does not fit.`],
    parameters: [{ name: 'value', type: name }],
    returnType: 'Uint8Array',
    statements: [
      `const bytes = new Uint8Array(${size});`,
      `write${name}(new DataView(bytes.buffer), bytes, 0, value, '${root.name}');`,
      'return bytes;',
    ],
  });
  return out;
}

