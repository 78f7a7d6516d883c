// The libxl_x86.c part: validation of the coco settings (every rule, every
// error logged) and their defaults, as tables (kinds, policy bits, options)
// walked by a little hand-written-looking C, so that a reviewer reads each
// rule once rather than once per kind. Written in libxl's own style (`if (x)`,
// LOG(ERROR, ...)), since it lands in tools/libs/light.
import { template as compiled } from '../template.ts';
import { hex } from '../common.ts';
import type { CocoRules, ResolvedKind, ResolvedOption } from '../../../lib/xlcfg/ruleset.ts';
import { kindList, libxlKindConst } from '../../../lib/xlcfg/ruleset.ts';
import { QUOTE_KEEP, QUOTE_LIMIT } from '../../../lib/xlcfg/messages.ts';
import { cCall, cFormat, cStringEscape, type CArg } from './cmessage.ts';
import type { RuleId } from '../../../schema/coco-model.ts';

const PRIX64 = '%" PRIx64 "';

const template = compiled('libxl/libxl_x86.c.hbs');

export function kindConst(rules: CocoRules, k: ResolvedKind): string {
  return libxlKindConst(rules.config, k.idl);
}

function u64(v: bigint): string {
  return `UINT64_C(${hex(v)})`;
}

function cString(s: string): string {
  return `"${cStringEscape(s)}"`;
}

/** The C name of an option's index in coco_options[]. */
function optionId(o: ResolvedOption): string {
  return `COCO_OPT_${o.field.toUpperCase()}`;
}

function kindMask(rules: CocoRules, k: ResolvedKind | string): string {
  const idl = typeof k === 'string' ? rules.kinds.find((x) => x.name === k)!.idl : k.idl;
  return `COCO_KIND_${idl.toUpperCase()}`;
}

/** The options in coco_options[]: all but the policy, which every kind has and coco_kinds[] describes. */
function tableOptions(rules: CocoRules): ResolvedOption[] {
  return rules.options.filter((o) => o.type !== 'policy');
}

const OPTION_TYPE: Record<string, string> = { integer: 'COCO_INTEGER', boolean: 'COCO_BOOLEAN', base64: 'COCO_BASE64' };

function kindEntry(rules: CocoRules, k: ResolvedKind): string {
  const lines = [`    [${kindConst(rules, k)}] = {`, `        .name = ${cString(k.name)},`];
  const p = k.policy;
  if (p !== null) {
    lines.push(
      `        .policy_name = ${cString(p.name)},`,
      `        .policy_width = ${p.width},`,
      `        .default_policy = ${u64(p.defaultValue)},`,
    );
    // Zero masks are left to the initializer; the hint is printed after the
    // kind's own policy bits, so it is always a string.
    if (p.reservedMask !== 0n) lines.push(`        .reserved = ${u64(p.reservedMask)},`);
    if (p.mustBeOneMask !== 0n) lines.push(`        .must_be_one = ${u64(p.mustBeOneMask)},`);
    lines.push(`        .hint = ${cString(p.hint)},`);
  }
  lines.push('    },');
  return lines.join('\n');
}

function optionEntry(rules: CocoRules, o: ResolvedOption): string {
  const lines = [
    `    [${optionId(o)}] = {`,
    `        .key = ${cString(o.key)},`,
    `        .type = ${OPTION_TYPE[o.type]},`,
    `        .offset = offsetof(libxl_${rules.config.idl.settingsStruct}, ${o.field}),`,
    `        .kinds = ${o.kinds.map((k) => kindMask(rules, k)).join(' | ')},`,
    `        .kinds_text = ${cString(kindList(o.kinds))},`,
  ];
  if (o.type === 'integer') lines.push(`        .min = ${o.min},`, `        .max = ${o.max},`);
  if (o.type === 'boolean') lines.push(`        .default_value = ${o.default},`);
  if (o.type === 'base64') lines.push(`        .size = ${o.size},`, `        .what = ${cString(o.what)},`);
  lines.push('    },');
  return lines.join('\n');
}

/** The LOG(ERROR, ...) of one rule at `indent`, constants as text, the rest as arguments. */
function logLines(rules: CocoRules, id: RuleId, consts: Record<string, string>, args: Record<string, CArg>, indent: string): string {
  return cCall('LOG(ERROR, ', cFormat(rules.messages[id], consts, args), indent).join('\n');
}

const str = (expr: string): CArg => ({ conv: '%s', expr });

/** `NAME value` pairs with the values in one column. */
function aligned(pairs: [string, string][]): string[] {
  const w = Math.max(...pairs.map(([n]) => n.length)) + 1;
  return pairs.map(([n, v]) => `${n.padEnd(w)}${v}`);
}

function templateData(rules: CocoRules) {
  const idl = rules.config.idl;
  const none = rules.kinds.find((k) => k.policy === null)!;
  const pol = rules.options.find((o) => o.type === 'policy')!;
  const opts = tableOptions(rules);
  const policyValue: CArg = { conv: `0x${PRIX64}`, expr: 'policy' };
  const policyConsts = { option: pol.key };
  const kindArgs = { kind: str('k->name'), policyName: str('k->policy_name') };
  const optArgs = { option: str('o->key'), value: str('q') };
  const L = (id: RuleId, consts: Record<string, string>, args: Record<string, CArg>, indent: string) => logLines(rules, id, consts, args, indent);

  const policyBits = rules.kinds.flatMap((k) =>
    k.policy === null
      ? []
      : [
          ...k.policy.required.map((b) => ({ k, b, set: true })),
          ...k.policy.forbidden.map((b) => ({ k, b, set: false })),
        ],
  );
  if (policyBits.length === 0) throw new Error('libxl emitter: no kind has policy bits of its own (coco_policy_bits[] would be empty)');
  const requires = opts.flatMap((o) => o.requires.map((r) => ({ o, other: opts.find((x) => x.key === r.key)!, why: r.why })));
  if (requires.length === 0) throw new Error('libxl emitter: no option requires another (coco_requires[] would be empty)');

  return {
    keep: QUOTE_KEEP,
    limit: QUOTE_LIMIT,
    settingsStruct: idl.settingsStruct,
    buildInfoField: idl.buildInfoField,
    kindEnumType: `libxl_${idl.kindEnum}`,
    noneConst: kindConst(rules, none),
    policyDefault: idl.policyDefault,
    kindMasks: aligned(rules.kinds.filter((k) => k.policy !== null).map((k) => [kindMask(rules, k), `COCO_KIND(${kindConst(rules, k)})`])),
    kinds: rules.kinds.map((k) => kindEntry(rules, k)),
    policyBits: policyBits.map(
      ({ k, b, set }) => `{ ${kindConst(rules, k)}, ${u64(b.mask)}, ${cString(b.name.toUpperCase())}, ${b.lsb}, ${set} },`,
    ),
    badTypes: rules.config.domainTypes.rejected.map((t) => `{ ${t.cName}, ${cString(t.value)}, ${cString(t.why)} },`),
    badBios: rules.config.bios.rejected.map((b) => `{ ${b.cName}, ${cString(b.value)}, ${cString(b.why)} },`),
    optionIds: opts.map(optionId),
    options: opts.map((o) => optionEntry(rules, o)),
    requires: requires.map((r) => `{ ${optionId(r.o)}, ${optionId(r.other)}, ${cString(r.why)} },`),

    policyNeedsCocoLog: L('needs_coco', { ...policyConsts, kinds: kindList(pol.kinds) }, { value: { conv: `0x${PRIX64}`, expr: 'coco->policy' } }, '            '),
    needsHvmLog: L('needs_hvm', {}, { kind: str('k->name'), type: str('coco_bad_types[i].name'), why: str('coco_bad_types[i].why') }, '            '),
    needsOvmfLog: L('needs_ovmf', {}, { kind: str('k->name'), bios: str('coco_bad_bios[i].name'), why: str('coco_bad_bios[i].why') }, '            '),
    policyWidthLog: L('policy_width', policyConsts, { value: policyValue, width: { conv: '%u', expr: 'k->policy_width' }, ...kindArgs }, '        '),
    policyReservedLog: L('policy_reserved', policyConsts, { value: policyValue, bits: { conv: `0x${PRIX64}`, expr: 'policy & k->reserved' }, ...kindArgs }, '        '),
    policyMustBeOneLog: L('policy_must_be_one', policyConsts, { value: policyValue, mustBeOne: { conv: `0x${PRIX64}`, expr: 'k->must_be_one' }, ...kindArgs }, '        '),
    policyRequiredLog: L('policy_required_bit', policyConsts, { value: policyValue, bit: str('b->name'), lsb: { conv: '%u', expr: 'b->lsb' }, hint: str('k->hint'), ...kindArgs }, '            '),
    policyForbiddenLog: L('policy_forbidden_bit', policyConsts, { value: policyValue, bit: str('b->name'), lsb: { conv: '%u', expr: 'b->lsb' }, hint: str('k->hint'), ...kindArgs }, '            '),
    needsCocoLog: L('needs_coco', {}, { ...optArgs, kinds: str('o->kinds_text') }, '        '),
    otherKindLog: L('other_kind', {}, { ...optArgs, kinds: str('o->kinds_text'), kind: str('coco_kinds[type].name') }, '        '),
    rangeLog: L('parse_range', {}, { ...optArgs, min: { conv: '%d', expr: 'o->min' }, max: { conv: '%d', expr: 'o->max' } }, '            '),
    base64InvalidLog: L('base64_invalid', {}, optArgs, '            '),
    base64SizeLog: L('base64_size', {}, { ...optArgs, what: str('o->what'), size: { conv: '%zu', expr: 'o->size' }, got: { conv: '%zu', expr: 'len' } }, '            '),
    requiresLog: L('requires_option', {}, { ...optArgs, other: str('other->key'), why: str('coco_requires[i].why') }, '        '),
  };
}

/** The libxl_x86.c fragment: helpers, libxl__coco_validate and libxl__coco_setdefault. */
export function libxlX86(rules: CocoRules): string[] {
  const text = template(templateData(rules));
  return text.replace(/\n$/, '').split('\n');
}
