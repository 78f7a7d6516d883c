// generated/c/vmgexit.h + vmgexit.c: the NAE table as C data and the
// VMGEXIT validator/dispatcher over it, for Xen (Xen style, no libc beyond
// memcpy/memset). Offsets, valid bits and codes come from the elaborated
// model and the resolved NAE table; nothing is recomputed here.
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { EModel } from '../../elaborate/model.ts';
import { bannerLines, citation, hex, type OutputFile } from '../common.ts';
import { naeTables, type ECondition, type ENaeEvent, type FieldRef } from '../../../lib/nae/table.ts';
import { Handler, RuleId } from '../../../schema/nae-model.ts';
import { RULE_TEXT } from '../../../lib/nae/rules.ts';
import { SIMPLE_IDS } from '../../../lib/nae/backend.ts';
import { GP_EVENT } from '../../../lib/nae/dispatch.ts';

const template = (name: string) => Handlebars.compile(readFileSync(new URL(name, import.meta.url), 'utf8'), { noEscape: true });
const header = template('./vmgexit.h.hbs');
const source = template('./vmgexit.c.hbs');

const up = (s: string) => s.toUpperCase();
const ull = (v: bigint) => `${hex(v)}ULL`;
const fieldInit = (f: FieldRef) => `{ VMGEXIT_OFF_${up(f.name)}, VMGEXIT_BIT_${up(f.name)} }`;
const maskText = (m: bigint) => (m === 0xffff_ffff_ffff_ffffn ? '~0ULL' : m === 0xffff_ffffn ? '~0U' : ull(m));
const condInit = (c: ECondition) => `{ VMGEXIT_OFF_${up(c.field)}, ${c.op === 'ne' ? 1 : 0}, ${maskText(c.mask)}, ${ull(c.value)} }`;

/** Lines of a C comment wrapped to fit 80 columns at `indent`. */
function commentLines(text: string, indent: string): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && indent.length + 3 + cur.length + 1 + w.length > 78) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.length === 1 ? [`${indent}/* ${lines[0]} */`] : [`${indent}/*`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`];
}

/** The designated initializer of one table entry, one member per line. */
function eventInit(e: ENaeEvent): string {
  if (e.required.length > 4 || e.optional.length > 4 || e.conditional.length > 2 || e.conditional.some((c) => c.fields.length > 2)) {
    throw new Error(`c-vmgexit: event ${e.name} has more inputs than struct vmgexit_event holds`);
  }
  const I = '        ';
  const list = (name: string, items: string[]) => (items.length === 0 ? [] : [`${I}.${name} = {`, ...items.map((x) => `${I}    ${x},`), `${I}},`]);
  const lines = [
    ...commentLines(`${e.name}: ${citation(e.src.spec[0]!)}`, '    '),
    '    {',
    `${I}.exit_code = ${e.cName},`,
    `${I}.name = "${e.name}",`,
    `${I}.min_version = ${e.minVersion},`,
    `${I}.snp_only = ${e.snpOnly ? 1 : 0},`,
    `${I}.feature_bit = ${e.featureBit ?? -1},`,
    `${I}.handler = VMGEXIT_H_${up(e.src.handler)},`,
    `${I}.nr_required = ${e.required.length},`,
    `${I}.nr_cond = ${e.conditional.length},`,
    `${I}.nr_optional = ${e.optional.length},`,
    `${I}.scratch = VMGEXIT_SCRATCH_${up(e.scratch?.kind ?? 'none')},`,
    ...(e.scratch?.whenE ? [`${I}.scratch_cond = 1,`, ...commentLines(e.scratch.whenE.text, I), `${I}.scratch_when = ${condInit(e.scratch.whenE)},`] : []),
    ...(e.rules.length ? [`${I}.rules = ${e.rules.map((r) => `VMGEXIT_RULE_${up(r)}`).join(' | ')},`] : []),
    ...list('required', e.required.map(fieldInit)),
    ...(e.conditional.length === 0
      ? []
      : [
          `${I}.cond = {`,
          ...e.conditional.flatMap((c) => [
            `${I}    {`,
            ...commentLines(c.when.text, `${I}        `),
            `${I}        .when = ${condInit(c.when)},`,
            `${I}        .nr_fields = ${c.fields.length},`,
            `${I}        .fields = {`,
            ...c.fields.map((f) => `${I}            ${fieldInit(f)},`),
            `${I}        },`,
            `${I}    },`,
          ]),
          `${I}},`,
        ]),
    ...list('optional', e.optional.map(fieldInit)),
    '    },',
  ];
  return lines.join('\n');
}

export function emitCVmgexit(model: EModel): OutputFile[] {
  const t = naeTables(model);
  const ghcb = model.structs.get('ghcb')!;
  const pageField = (n: string) => ghcb.fields.find((f) => f.name === n)!;
  const shared = pageField('shared_buffer');
  const save = model.structs.get('ghcb_save_area')!;
  const fields = [
    ...[...t.fields.values()].sort((a, b) => a.offset - b.offset).map((f) => ({ upper: up(f.name), offset: hex(f.offset), hasBit: true, bit: f.validBit })),
    ...['protocol_version', 'ghcb_usage'].map((n) => ({ upper: up(n), offset: hex(pageField(n).offset), hasBit: false, bit: 0 })),
  ];
  const banner = bannerLines('generators/emit/c-vmgexit', 'schema/nae.ts');
  const ctx = {
    banner,
    pageSize: hex(ghcb.size),
    sharedStart: hex(shared.offset),
    sharedEnd: hex(shared.offset + shared.size),
    validBitmap: hex(save.validBitmap!.offset),
    policyWhy: commentLines(`Hypervisor policy where the spec leaves room: ${t.policy.why}`, '').join('\n'),
    scratchLimit: hex(t.policy.scratchOutsideLimit),
    mmioMax: t.policy.mmioMaxLength,
    minVersion: t.policy.minVersion,
    maxVersion: t.policy.maxVersion,
    snpMinVersion: t.policy.snpMinVersion,
    pscDescSize: t.psc.descSize,
    fields,
    handlers: Handler.options.map(up),
    rules: RuleId.options.map((r, i) => ({ comment: commentLines(RULE_TEXT[r], '').join('\n'), define: `#define VMGEXIT_RULE_${up(r)} (1U << ${i})` })),
    simple: Object.entries(SIMPLE_IDS).map(([k, id]) => ({ upper: up(k), id })),
    events: t.nae.map(eventInit).join('\n'),
    gpEvent: ull(GP_EVENT),
  };
  return [
    { path: 'generated/c/vmgexit.h', contents: header(ctx) },
    { path: 'generated/c/vmgexit.c', contents: source(ctx) },
  ];
}
