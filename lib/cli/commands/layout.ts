import type { Command } from 'commander';
import { projectModel } from '../../../generators/model.ts';
import type { EModel, EStruct } from '../../../generators/elaborate/model.ts';
import { cDeclaration } from '../../../generators/emit/c-headers/emit.ts';
import { citation, hex } from '../../../generators/emit/common.ts';
import { UserError } from '../../errors.ts';
import { didYouMean, quoteArg } from '../../text.ts';

/** A pahole-like listing: declaration, offset, size, and where the spec says so. */
export function formatLayout(s: EStruct): string {
  const rows = s.fields.map((f) => {
    const d = cDeclaration(f);
    const notes: string[] = [];
    if (f.validBit !== null) notes.push(`valid bit ${f.validBit}`);
    if (citation(f.spec) !== citation(s.spec)) notes.push(citation(f.spec));
    if (f.linux !== null && f.linux !== f.name) notes.push(`linux: ${f.linux}`);
    return { decl: `${d.type.padEnd(16)} ${d.declarator};`, off: hex(f.offset, 3), size: String(f.size), notes: notes.join('; ') };
  });
  const width = Math.max(32, ...rows.map((r) => r.decl.length));
  const lines = [`struct ${s.name} {`.padEnd(width + 5) + `/* ${citation(s.spec)} */`];
  lines.push(`    ${''.padEnd(width)} /* offset   size */`);
  for (const r of rows) {
    lines.push(`    ${r.decl.padEnd(width)} /* ${r.off.padStart(6)} ${r.size.padStart(6)} */${r.notes ? ` ${r.notes}` : ''}`);
  }
  lines.push('');
  lines.push(`    /* size: ${s.size} (${hex(s.size)}), alignment: ${s.align}${s.packed ? ', packed' : ''} */`);
  if (s.linux !== null) lines.push(`    /* linux: struct ${s.linux} */`);
  lines.push('};');
  return lines.join('\n');
}

/** A struct by name, in any case (GHCB, Ghcb, ghcb); a near miss gets a "did you mean". */
function findStruct(model: EModel, name: string): EStruct {
  const s = model.structs.get(name) ?? [...model.structs.values()].find((x) => x.name.toLowerCase() === name.toLowerCase().replace(/-/g, '_'));
  if (s) return s;
  const known = [...model.structs.keys()];
  const lower = name.toLowerCase();
  const near = didYouMean(name, known);
  const close = [...new Set([...(near !== null ? [near] : []), ...known.filter((k) => k.includes(lower) || lower.includes(k))])].slice(0, 5);
  const hint = close.length > 0 ? `; did you mean ${close.join(', ')}?` : `; see \`xen-sev layout --list\``;
  throw new UserError(`layout: no struct named ${quoteArg(name)}${hint}`);
}

function jsonLayout(s: EStruct) {
  return {
    name: s.name,
    size: s.size,
    align: s.align,
    packed: s.packed,
    spec: citation(s.spec),
    linux: s.linux,
    fields: s.fields.map((f) => ({
      name: f.name,
      offset: f.offset,
      size: f.size,
      type: f.typeText,
      reserved: f.reserved,
      valid_bit: f.validBit,
      spec: citation(f.spec),
      linux: f.linux,
    })),
  };
}

export function layoutCommand(program: Command): void {
  program
    .command('layout')
    .description('print the layout of a struct (pahole style): offset, size, field and spec reference')
    .argument('[name]', 'struct name, e.g. ghcb, ghcb_save_area, vmcb_control_area, sev_es_save_area')
    .option('--list', 'list every struct with its size')
    .option('--json', 'print the elaborated layout as JSON')
    .action((name: string | undefined, opts: { list?: boolean; json?: boolean }) => {
      const model = projectModel();
      if (opts.list || name === undefined) {
        if (!opts.list) throw new UserError('layout: give a struct name, or --list to see them all');
        const all = [...model.structs.values()];
        if (opts.json) console.log(JSON.stringify(all.map((s) => ({ name: s.name, module: s.module, size: s.size })), null, 1));
        else for (const s of all) console.log(`${s.name.padEnd(40)} ${String(s.size).padStart(6)}  ${s.module}`);
        return;
      }
      const s = findStruct(model, name);
      console.log(opts.json ? JSON.stringify(jsonLayout(s), null, 1) : formatLayout(s));
    });
}
