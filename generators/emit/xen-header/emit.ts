// A private header for a Xen tree: the definitions of one schema module that
// the tree's code uses, and nothing else. The full headers under generated/c/
// carry every definition for other users; a patch series must not add any
// that nothing in it uses, so the series builder passes the identifiers its
// C sources mention and this emitter keeps only those (and the structs they
// need). What goes into Xen reads as Xen's own code: SPDX, a one-line
// provenance note naming the spec sections, a CODING_STYLE guard, no
// userspace branch.
import type { EModel, EModule, EStruct } from '../../elaborate/model.ts';
import { cComment, cDeclaration, cLiteral, column, defineLine, definitionOrder, fieldComment } from '../c-headers/emit.ts';
import { citation, hex } from '../common.ts';

export interface XenHeaderOptions {
  /** Schema module name (e.g. ghcb_msr). */
  module: string;
  /** One-line description after the file name. */
  title: string;
  /** File name as placed in the tree, e.g. sev-ghcb-msr.h. */
  fileName: string;
  /** Include guard, CODING_STYLE form (X86_HVM_SVM_SEV_GHCB_MSR_H). */
  guard: string;
  /** Identifiers the tree's code mentions. */
  used: ReadonlySet<string>;
}

export interface XenHeader {
  contents: string;
  /** Definitions emitted, by name (macros, structs, functions). */
  defined: string[];
}

function moduleOf(model: EModel, name: string): EModule {
  const mod = model.modules.find((m) => m.name === name);
  if (!mod) throw new Error(`schema has no module ${name}`);
  return mod;
}

/** The structs `roots` need, nested ones included. */
function withNested(roots: EStruct[], model: EModel): EStruct[] {
  const out = new Map<string, EStruct>();
  const visit = (s: EStruct): void => {
    if (out.has(s.name)) return;
    out.set(s.name, s);
    for (const f of s.fields) {
      const t = f.type.kind === 'array' ? f.type.elem : f.type;
      if (t.kind === 'struct') visit(model.structs.get(t.name)!);
    }
  };
  roots.forEach(visit);
  return [...out.values()];
}

export function emitXenHeader(model: EModel, o: XenHeaderOptions): XenHeader {
  const mod = moduleOf(model, o.module);
  const defined: string[] = [];
  const blocks: string[] = [];

  for (const g of mod.groups) {
    const values = g.values.filter((v) => o.used.has(v.cName));
    // `<group>_name()` names any value of the group, for log messages: what
    // the code is given (a firmware status) may be any of them, so every value
    // is a case, as a number (no macro is added for the ones it does not name).
    const namer = `${g.name}_name`;
    if (values.length === 0 && !o.used.has(namer)) continue;
    const lines = [cComment(`${g.description} (${citation(g.spec)})`), ...values.map((v) => defineLine(v.cName, cLiteral(v.value)))];
    defined.push(...values.map((v) => v.cName));
    if (o.used.has(namer)) {
      defined.push(namer);
      lines.push(
        '',
        `static inline const char *${namer}(unsigned int val)`,
        '{',
        '    switch ( val )',
        '    {',
        ...g.values.map((v) => `    case ${cLiteral(v.value)}: return "${v.name}";`),
        '    }',
        '',
        '    return NULL;',
        '}',
      );
    }
    blocks.push(lines.join('\n'));
  }

  for (const l of mod.layouts) {
    const lines: string[] = [];
    for (const b of l.bits) {
      if (b.reserved) continue;
      for (const [suffix, value] of [['_SHIFT', String(b.lsb)], ['_MASK', cLiteral(b.mask, l.width)]] as const) {
        const name = `${b.cName}${suffix}`;
        if (o.used.has(name)) {
          lines.push(defineLine(name, value));
          defined.push(name);
        }
      }
    }
    for (const [name, mask] of [[`${l.cPrefix}RESERVED_MASK`, l.reservedMask], [`${l.cPrefix}MBO_MASK`, l.mustBeOneMask]] as const) {
      if (mask !== 0n && o.used.has(name)) {
        lines.push(defineLine(name, cLiteral(mask, l.width)));
        defined.push(name);
      }
    }
    if (lines.length > 0) blocks.push([cComment(`${l.description} (${citation(l.spec)})`), ...lines].join('\n'));
  }

  // A struct of another module nested in one of these (the VMSA's vmcb_seg)
  // comes along: a Xen tree has no header of that module to include.
  const structs = definitionOrder(withNested(mod.structs.filter((s) => o.used.has(s.name)), model));
  for (const s of structs) {
    defined.push(s.name);
    const body = s.fields.map((f) => {
      const d = cDeclaration(f);
      return `    ${column(`${d.type} ${d.declarator};`, fieldComment(f, model))}`;
    });
    blocks.push([cComment(`${s.description} (${citation(s.spec)})`), `struct ${s.name} {`, ...body, `}${s.packed ? ' __packed' : ''};`].join('\n'));
  }
  if (structs.length > 0) {
    // The layouts are checked where they are compiled: Xen's build_assertions()
    // style, one function the user calls from its own build_assertions().
    const fn = `${mod.name}_build_assertions`;
    defined.push(fn);
    const checks = structs.flatMap((s) => [
      ...s.fields.map((f) => {
        const line = `    BUILD_BUG_ON(offsetof(struct ${s.name}, ${f.name}) != ${hex(f.offset)});`;
        // CODING_STYLE's 80 columns: the operand goes under the first one.
        return line.length <= 80
          ? line
          : `    BUILD_BUG_ON(offsetof(struct ${s.name}, ${f.name}) !=\n${' '.repeat(17)}${hex(f.offset)});`;
      }),
      `    BUILD_BUG_ON(sizeof(struct ${s.name}) != ${hex(s.size)});`,
    ]);
    blocks.push([`static inline void ${fn}(void)`, '{', ...checks, '}'].join('\n'));
  }

  const sections = [...new Set(mod.spec.map(citation))].join('; ');
  const head = [
    '/* SPDX-License-Identifier: GPL-2.0-only */',
    '/*',
    ` * ${o.fileName}: ${o.title}`,
    ' *',
    ...cComment(`Generated by xen-sev-codegen from ${sections}.`)
      .split('\n')
      .filter((l) => l !== '/*' && l !== ' */')
      .map((l) => (l.startsWith('/* ') ? ` * ${l.slice(3, -3)}` : l)),
    ' */',
    `#ifndef ${o.guard}`,
    `#define ${o.guard}`,
  ];
  const includes = structs.length > 0 || defined.some((d) => d.endsWith('_name')) ? ['', '#include <xen/types.h>'] : [];
  const contents = [...head, ...includes, ...blocks.map((b) => `\n${b}`), '', `#endif /* ${o.guard} */`, ''].join('\n');
  return { contents, defined };
}
