// generated/c/vmgexit.h + vmgexit.c: the NAE table as C data and the
// VMGEXIT validator/dispatcher over it, for Xen (Xen style, no libc beyond
// memcpy/memset). Offsets, valid bits and codes come from the elaborated
// model and the resolved NAE table; nothing is recomputed here.
import { template as compiled } from '../template.ts';
import type { EModel } from '../../elaborate/model.ts';
import { citation, hex, type OutputFile } from '../common.ts';
import { naeTables, type ECondition, type ENaeEvent, type FieldRef } from '../../../lib/nae/table.ts';
import { Handler, RuleId } from '../../../schema/nae-model.ts';
import { RULE_TEXT } from '../../../lib/nae/rules.ts';

const header = compiled('c-vmgexit/vmgexit.h.hbs');
const source = compiled('c-vmgexit/vmgexit.c.hbs');

const up = (s: string) => s.toUpperCase();
const ull = (v: bigint) => `${hex(v)}ULL`;
const fieldInit = (f: FieldRef) => `{ OFF_${up(f.name)}, BIT_${up(f.name)} }`;
const maskText = (m: bigint) => (m === 0xffff_ffff_ffff_ffffn ? '~0ULL' : m === 0xffff_ffffn ? '~0U' : ull(m));
const condInit = (c: ECondition) => `{ OFF_${up(c.field)}, ${c.op === 'ne' ? 'true' : 'false'}, ${maskText(c.mask)}, ${ull(c.value)} }`;
/** `#define NAME` padded so values line up in column 41. */
const pad = (name: string) => ' '.repeat(Math.max(1, 32 - name.length));

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
  return lines.length === 1 && indent.length + lines[0]!.length + 6 <= 80 ? [`${indent}/* ${lines[0]} */`] : [`${indent}/*`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`];
}

/** The event's row in the spec's NAE table, short. */
function rowOf(e: ENaeEvent): string {
  const s = e.src.spec[0]!;
  const row = /row "([^"]+)"/.exec(s.section ?? '');
  return row ? `Table 6, "${row[1]}"` : citation(s);
}

/** The designated initializer of one table entry, one member per line. */
function eventInit(e: ENaeEvent): string {
  if (e.required.length > 4 || e.conditional.length > 2 || e.conditional.some((c) => c.fields.length > 2)) {
    throw new Error(`c-vmgexit: event ${e.name} has more inputs than struct vmgexit_event holds`);
  }
  const I = '        ';
  const list = (name: string, items: string[]) => (items.length === 0 ? [] : [`${I}.${name} = {`, ...items.map((x) => `${I}    ${x},`), `${I}},`]);
  const lines = [
    ...commentLines(`${e.name}: ${rowOf(e)}`, '    '),
    '    {',
    `${I}.exit_code = ${hex(e.exitCode)},`,
    `${I}.name = "${e.name}",`,
    `${I}.min_version = ${e.minVersion},`,
    ...(e.snpOnly ? [`${I}.snp_only = true,`] : []),
    `${I}.feature_bit = ${e.featureBit ?? -1},`,
    `${I}.handler = H_${up(e.src.handler)},`,
    ...(e.required.length ? [`${I}.nr_required = ${e.required.length},`] : []),
    ...(e.conditional.length ? [`${I}.nr_cond = ${e.conditional.length},`] : []),
    ...(e.scratch ? [`${I}.scratch = SCRATCH_${up(e.scratch.kind)},`] : []),
    ...(e.scratch?.whenE ? [`${I}.scratch_cond = true,`, ...commentLines(e.scratch.whenE.text, I), `${I}.scratch_when = ${condInit(e.scratch.whenE)},`] : []),
    ...(e.rules.length ? [`${I}.rules = ${e.rules.map((r) => `RULE_${up(r)}`).join(' | ')},`] : []),
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
    '    },',
  ];
  return lines.join('\n');
}

/** The value of a constant of the model by its C name: a group value, or `<bit>_MASK` of a layout bit. */
function cConstant(model: EModel, cName: string): bigint {
  for (const g of model.groups.values()) for (const v of g.values) if (v.cName === cName) return v.value;
  for (const l of model.layouts.values()) for (const b of l.bits) if (`${b.cName}_MASK` === cName) return b.mask;
  throw new Error(`c-vmgexit: the model has no constant ${cName}`);
}

/** Constants of the GHCB specification the validator uses, under their spec/Linux names. */
const CONSTANTS = [
  'GHCB_DEFAULT_USAGE',
  'GHCB_HV_RESP_NO_ACTION',
  'GHCB_HV_RESP_ISSUE_EXCEPTION',
  'GHCB_HV_RESP_MALFORMED_INPUT',
  'GHCB_ERR_NOT_REGISTERED',
  'GHCB_ERR_INVALID_USAGE',
  'GHCB_ERR_INVALID_SCRATCH_AREA',
  'GHCB_ERR_MISSING_INPUT',
  'GHCB_ERR_INVALID_INPUT',
  'GHCB_ERR_INVALID_EVENT',
  'SVM_IOIO_TYPE_MASK',
  'SVM_IOIO_SZ8_MASK',
  'SVM_IOIO_SZ16_MASK',
  'SVM_IOIO_SZ32_MASK',
  'SVM_VMGEXIT_SET_AP_JUMP_TABLE',
  'SVM_VMGEXIT_AP_DESTROY',
  'VMGEXIT_PSC_MAX_ENTRY',
  'VMGEXIT_PSC_OP_PRIVATE',
  'VMGEXIT_PSC_OP_SHARED',
  'VMGEXIT_PSC_ERROR_INVALID_HDR',
  'VMGEXIT_PSC_ERROR_INVALID_ENTRY',
];

export function emitCVmgexit(model: EModel): OutputFile[] {
  const t = naeTables(model);
  const ghcb = model.structs.get('ghcb')!;
  const pageField = (n: string) => ghcb.fields.find((f) => f.name === n)!;
  const shared = pageField('shared_buffer');
  const save = model.structs.get('ghcb_save_area')!;
  // Only the fields the C names: the code's own, and those the table entries refer to.
  const used = new Set<string>(['cpl', 'xss', 'rax', 'rbx', 'rcx', 'rdx', 'sw_exit_code', 'sw_exit_info_1', 'sw_exit_info_2', 'sw_scratch', 'xcr0']);
  for (const e of t.nae) {
    for (const f of e.required) used.add(f.name);
    for (const c of e.conditional) {
      used.add(c.when.field);
      for (const f of c.fields) used.add(f.name);
    }
    if (e.scratch?.whenE) used.add(e.scratch.whenE.field);
  }
  const fields = [
    ...[...t.fields.values()].filter((f) => used.has(f.name)).sort((a, b) => a.offset - b.offset).map((f) => ({ upper: up(f.name), pad: pad(`OFF_${up(f.name)}`), offset: hex(f.offset), hasBit: true, bit: f.validBit })),
    ...['protocol_version', 'ghcb_usage'].map((n) => ({ upper: up(n), pad: pad(`OFF_${up(n)}`), offset: hex(pageField(n).offset), hasBit: false, bit: 0 })),
  ];
  const constants = CONSTANTS.map((name) => {
    const v = cConstant(model, name);
    return { name, pad: pad(name), value: v > 0xffff_ffffn ? ull(v) : hex(v) };
  });
  const spec = t.nae[0]!.src.spec[0]!;
  const provenance = `Generated by xen-sev-codegen from AMD ${spec.doc} rev ${spec.rev} (GHCB), Tables 1 and 6.`;
  const ctx = {
    provenance,
    pageSize: hex(ghcb.size),
    sharedStart: hex(shared.offset),
    sharedEnd: hex(shared.offset + shared.size),
    validBitmap: hex(save.validBitmap!.offset),
    validBitmapSize: save.validBitmap!.bits / 8,
    policyWhy: commentLines(t.policy.why, '').join('\n'),
    scratchLimit: hex(t.policy.scratchOutsideLimit),
    mmioMax: t.policy.mmioMaxLength,
    minVersion: t.policy.minVersion,
    maxVersion: t.policy.maxVersion,
    snpMinVersion: t.policy.snpMinVersion,
    pscDescSize: hex(t.psc.descSize),
    fields,
    constants,
    handlers: Handler.options.map(up),
    rules: RuleId.options.map((r, i) => ({ comment: commentLines(RULE_TEXT[r], '').join('\n'), define: `#define RULE_${up(r)}${pad(`RULE_${up(r)}`)}(1U << ${i})` })),
    events: t.nae.map(eventInit).join('\n'),
  };
  return [
    { path: 'generated/c/vmgexit.h', contents: header(ctx) },
    { path: 'generated/c/vmgexit.c', contents: source(ctx) },
  ];
}
