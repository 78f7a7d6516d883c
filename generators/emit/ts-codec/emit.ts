// The TypeScript GHCB codec: generated/ts/ghcb-codec.ts (page view,
// decode/encode), generated/ts/ghcb-schema.ts (zod schemas of the decoded
// objects) and generated/ts/ghcb-msr-codec.ts (MSR protocol). Each file
// is built as one list of declaration structures and printed once (printer.ts).
import { printSourceFile, type StatementStructures, StructureKind, VariableDeclarationKind } from './printer.ts';
import type { EModel, EStruct } from '../../elaborate/model.ts';
import { bannerLines, citation, hex, type OutputFile } from '../common.ts';
import { camel } from './names.ts';
import { msrCodec, msrLayouts } from './msr.ts';
import { codecHelpers, schemaHelpers, structCodec, structSchemas } from './struct-codec.ts';
import { structClosure, typeName } from './structs.ts';
import { ghcbView, pageLeaves } from './view.ts';

/** Structs that get a plain-object codec; the first is the page. */
const ROOTS = ['ghcb', 'snp_psc_desc'] as const;

function banner(from: string): string {
  return `// ${bannerLines('generators/emit/ts-codec', from).join('\n// ')}`;
}

function fieldTable(root: EStruct, model: EModel): StatementStructures[] {
  const { leaves } = pageLeaves(root, model);
  return [
    {
      kind: StructureKind.Interface,
      name: 'GhcbFieldInfo',
      isExported: true,
      docs: ['One field of the page, nested structs flattened.'],
      properties: [
        { name: 'name', type: 'string', docs: ['Spec (and Linux) name, e.g. sw_exit_code.'] },
        { name: 'path', type: 'string', docs: ['Dotted path in spec names, e.g. save.sw_exit_code.'] },
        { name: 'prop', type: 'string', docs: ['Property path of the decoded object, e.g. save.swExitCode.'] },
        { name: 'offset', type: 'number' },
        { name: 'size', type: 'number' },
        { name: 'type', type: "'u8' | 'u16' | 'u32' | 'u64' | 'bytes'" },
        { name: 'reserved', type: 'boolean' },
        { name: 'validBit', type: 'number | null' },
        { name: 'linux', type: 'string | null' },
        { name: 'spec', type: 'string' },
      ],
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [`Every field of struct ${root.name} in offset order.`],
      declarations: [
        {
          name: 'GHCB_FIELDS',
          type: 'readonly GhcbFieldInfo[]',
          initializer: (w) => {
            w.write('[').indent(() => {
              for (const l of leaves) {
                const f = l.field;
                if (f.type.kind === 'array' && !(f.type.elem.kind === 'int' && f.type.elem.bits === 8)) {
                  throw new Error(`ts-codec: ${root.name}.${l.path} is an array of ${f.typeText}; the field table handles bytes only`);
                }
                const type = l.bits === null ? 'bytes' : `u${l.bits}`;
                const prop = l.path.split('.').map(camel).join('.');
                w.writeLine(
                  `{ name: '${f.name}', path: '${l.path}', prop: '${prop}', offset: ${hex(l.offset)}, size: ${f.size}, type: '${type}', reserved: ${f.reserved}, validBit: ${l.validBit}, linux: ${f.linux === null ? 'null' : `'${f.linux}'`}, spec: ${JSON.stringify(citation(f.spec))} },`,
                );
              }
            });
            w.write(']');
          },
        },
      ],
    },
  ];
}

export function emitTsCodec(model: EModel): OutputFile[] {
  const page = model.structs.get(ROOTS[0]);
  if (!page) return [];
  const out: OutputFile[] = [];
  const roots = ROOTS.map((r) => model.structs.get(r)).filter((s): s is EStruct => s !== undefined);
  const done = new Set<string>();
  const codec = printSourceFile([
      banner(`struct ${roots.map((r) => r.name).join(', struct ')}`),
      ...codecHelpers(),
      ...roots.flatMap((r) => structCodec(r, model, done)),
      ...ghcbView(page, model),
      ...fieldTable(page, model),
  ]);
  out.push({ path: 'generated/ts/ghcb-codec.ts', contents: codec });

  // The zod schemas in a file of their own: zod takes longer to load than a
  // command that decodes a page takes to run.
  const schemaTypes = [...new Set(roots.flatMap((r) => structClosure(r, model)).map(typeName))];
  const schemas = printSourceFile([
    banner(`struct ${roots.map((r) => r.name).join(', struct ')}`),
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: 'zod', namedImports: ['z'] },
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: './ghcb-codec.ts', namedImports: schemaTypes },
    ...schemaHelpers(),
    ...((done) => roots.flatMap((r) => structSchemas(r, model, done)))(new Set<string>()),
  ]);
  out.push({ path: 'generated/ts/ghcb-schema.ts', contents: schemas });

  if (msrLayouts(model).length > 0) {
    const msr = printSourceFile([banner('the BitLayouts located at GHCB MSR protocol codes'), ...msrCodec(model)]);
    out.push({ path: 'generated/ts/ghcb-msr-codec.ts', contents: msr });
  }
  return out;
}
