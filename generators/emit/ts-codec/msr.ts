// GHCB MSR protocol codec: a table of every message the schema defines
// (BitLayouts located at a GHCBInfo code), and table-driven decode/encode.
import { type StatementStructures, StructureKind, VariableDeclarationKind } from './printer.ts';
import type { ELayout, EModel } from '../../elaborate/model.ts';
import { citation, hex } from '../common.ts';

export function msrLayouts(model: EModel): ELayout[] {
  return [...model.layouts.values()]
    .filter((l) => l.location?.kind === 'ghcb_msr')
    .sort((a, b) => (a.location as { code: number }).code - (b.location as { code: number }).code);
}

const str = (s: string | null) => (s === null ? 'null' : JSON.stringify(s));

export function msrCodec(model: EModel): StatementStructures[] {
  const layouts = msrLayouts(model);
  const infoGroup = model.groups.get('ghcb_msr_info');
  const infoName = (code: number) => infoGroup?.values.find((v) => v.value === BigInt(code))?.name ?? null;
  const interfaces: StatementStructures[] = [
    {
      name: 'GhcbMsrBitField',
      isExported: true,
      docs: ['One bit field of a GHCB MSR protocol message.'],
      properties: [
        { name: 'name', type: 'string' },
        { name: 'lsb', type: 'number' },
        { name: 'msb', type: 'number' },
        { name: 'mask', type: 'bigint' },
        { name: 'reserved', type: 'boolean' },
        { name: 'enum', type: 'string | null', docs: ['Constant group naming the values of this field.'] },
        { name: 'description', type: 'string | null' },
      ],
    },
    {
      name: 'GhcbMsrMessage',
      isExported: true,
      docs: ['A GHCB MSR protocol message: GHCBInfo (bits 11:0) = code.'],
      properties: [
        { name: 'layout', type: 'string', docs: ['Schema name, e.g. ghcb_msr_cpuid_req.'] },
        { name: 'info', type: 'string | null', docs: ['Name of the code in group ghcb_msr_info, e.g. CPUID_REQ.'] },
        { name: 'code', type: 'number' },
        { name: 'direction', type: "'request' | 'response'" },
        { name: 'description', type: 'string' },
        { name: 'spec', type: 'string' },
        { name: 'fields', type: 'readonly GhcbMsrBitField[]', docs: ['Every bit field, GHCBInfo and reserved ones included, by ascending lsb.'] },
      ],
    },
    {
      name: 'DecodedGhcbMsr',
      isExported: true,
      properties: [
        { name: 'value', type: 'bigint' },
        { name: 'code', type: 'number' },
        { name: 'message', type: 'GhcbMsrMessage | null', docs: ['null when the schema knows no message with this code.'] },
        {
          name: 'fields',
          type: 'Record<string, bigint>',
          docs: ['Every field of the message by name (ghcb_info and reserved fields included); for an unknown code, ghcb_info and ghcb_data.'],
        },
      ],
    },
  ].map((i) => ({ kind: StructureKind.Interface as const, ...i }));
  return [...interfaces, {
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ['Every GHCB MSR protocol message of the schema, by ascending code.'],
    declarations: [
      {
        name: 'GHCB_MSR_MESSAGES',
        type: 'readonly GhcbMsrMessage[]',
        initializer: (w) => {
          w.write('[').indent(() => {
            for (const l of layouts) {
              const loc = l.location as { code: number; direction: string };
              w.writeLine('{').indent(() => {
                w.writeLine(`layout: ${str(l.name)},`);
                w.writeLine(`info: ${str(infoName(loc.code))},`);
                w.writeLine(`code: ${hex(loc.code)},`);
                w.writeLine(`direction: '${loc.direction}',`);
                w.writeLine(`description: ${str(l.description)},`);
                w.writeLine(`spec: ${str(citation(l.spec))},`);
                w.writeLine('fields: [').indent(() => {
                  for (const b of l.bits) {
                    w.writeLine(
                      `{ name: ${str(b.name)}, lsb: ${b.lsb}, msb: ${b.msb}, mask: ${hex(b.mask)}n, reserved: ${b.reserved}, enum: ${str(b.enum)}, description: ${str(b.description)} },`,
                    );
                  }
                });
                w.writeLine('],');
              });
              w.writeLine('},');
            }
          });
          w.write(']');
        },
      },
    ],
  },
  {
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'BY_CODE', initializer: 'new Map(GHCB_MSR_MESSAGES.map((m) => [m.code, m] as const))' }],
  },
  {
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'BY_LAYOUT', initializer: 'new Map(GHCB_MSR_MESSAGES.map((m) => [m.layout, m] as const))' }],
  },
  ...[
    {
      name: 'ghcbMsrMessage',
      isExported: true,
      docs: ['The message with this schema name (e.g. ghcb_msr_cpuid_req) or GHCBInfo code.'],
      parameters: [{ name: 'key', type: 'string | number' }],
      returnType: 'GhcbMsrMessage | undefined',
      statements: "return typeof key === 'number' ? BY_CODE.get(key) : BY_LAYOUT.get(key);",
    },
    {
      name: 'decodeGhcbMsr',
      isExported: true,
      docs: ['Splits a 64-bit GHCB MSR value into its message and fields. Lossless: encodeGhcbMsr of the result gives the value back.'],
      parameters: [{ name: 'value', type: 'bigint' }],
      returnType: 'DecodedGhcbMsr',
      statements: [
        "if (typeof value !== 'bigint' || value < 0n || value > 0xffffffffffffffffn) throw new RangeError(`GHCB MSR value ${String(value)} is not a 64-bit unsigned integer`);",
        'const code = Number(value & 0xfffn);',
        'const message = BY_CODE.get(code) ?? null;',
        'const fields: Record<string, bigint> = {};',
        'if (message === null) {',
        '  fields.ghcb_info = BigInt(code);',
        '  fields.ghcb_data = value >> 12n;',
        '} else {',
        '  for (const f of message.fields) fields[f.name] = (value & f.mask) >> BigInt(f.lsb);',
        '}',
        'return { value, code, message, fields };',
      ],
    },
    {
      name: 'encodeGhcbMsr',
      isExported: true,
      docs: [
        'Builds the MSR value of a message from its fields. ghcb_info defaults to the message code and every other field to 0;\n' +
          'a field that is unknown or does not fit its bits throws RangeError.',
      ],
      parameters: [{ name: 'layout', type: 'string' }, { name: 'fields', type: 'Readonly<Record<string, bigint>>' }],
      returnType: 'bigint',
      statements: [
        'const message = BY_LAYOUT.get(layout);',
        'if (message === undefined) throw new RangeError(`no GHCB MSR message named ${layout}`);',
        'for (const name of Object.keys(fields)) {',
        '  if (!message.fields.some((f) => f.name === name)) throw new RangeError(`${layout}: no field named ${name}`);',
        '}',
        'let value = 0n;',
        'for (const f of message.fields) {',
        "  const v = fields[f.name] ?? (f.name === 'ghcb_info' ? BigInt(message.code) : 0n);",
        "  if (typeof v !== 'bigint' || v < 0n || v > f.mask >> BigInt(f.lsb)) {",
        '    throw new RangeError(`${layout}.${f.name}: ${String(v)} does not fit bits ${f.msb}:${f.lsb}`);',
        '  }',
        "  if (f.name === 'ghcb_info' && v !== BigInt(message.code)) {",
        '    throw new RangeError(`${layout}.ghcb_info: ${String(v)} is not the code of this message (0x${message.code.toString(16)})`);',
        '  }',
        '  value |= v << BigInt(f.lsb);',
        '}',
        'return value;',
      ],
    },
  ].map((f) => ({ kind: StructureKind.Function as const, ...f })),
  ];
}
