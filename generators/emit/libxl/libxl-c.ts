// The libxl_x86.c part: validation of the coco settings (every rule, every
// error logged) and their defaults. Written in libxl's own style (`if (x)`,
// LOG(ERROR, ...)), since it lands in tools/libs/light.
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { hex } from '../common.ts';
import type { CocoRules, ResolvedKind, ResolvedOption } from '../../../lib/xlcfg/ruleset.ts';
import { kindList } from '../../../lib/xlcfg/ruleset.ts';
import { QUOTE_KEEP, QUOTE_LIMIT } from '../../../lib/xlcfg/messages.ts';
import { cCall, cFormat, type CArg } from './cmessage.ts';
import type { RuleId } from '../../../schema/coco-model.ts';

const PRIX64 = '%" PRIx64 "';

const template = Handlebars.compile(readFileSync(new URL('./libxl_x86.c.hbs', import.meta.url), 'utf8'), { noEscape: true, strict: true });

export function kindConst(rules: CocoRules, k: ResolvedKind): string {
  return `LIBXL_${rules.config.idl.kindEnum.toUpperCase()}_${k.idl.toUpperCase()}`;
}

function u64(v: bigint): string {
  return `UINT64_C(${hex(v)})`;
}

/** How an option's value appears in messages, in C. */
function valueArg(o: ResolvedOption, expr: string): CArg {
  switch (o.type) {
    case 'policy':
      return { conv: `0x${PRIX64}`, expr };
    case 'integer':
      return { conv: '%d', expr };
    case 'boolean':
      return { conv: '%d', expr: `libxl_defbool_val(${expr})` };
    case 'base64':
      return { conv: '%s', expr: `coco_quote(q, sizeof(q), ${expr})` };
  }
}

/** "Given" in libxl terms: NULL, LIBXL_COCO_POLICY_DEFAULT, 0 or a default defbool mean not given. */
function isSet(o: ResolvedOption, expr: string, rules: CocoRules): string {
  switch (o.type) {
    case 'policy':
      return `${expr} != ${rules.config.idl.policyDefault}`;
    case 'integer':
      return expr;
    case 'boolean':
      return `!libxl_defbool_is_default(${expr})`;
    case 'base64':
      return expr;
  }
}

function isActive(o: ResolvedOption, expr: string, rules: CocoRules): string {
  return o.type === 'boolean' ? `libxl_defbool_val(${expr})` : isSet(o, expr, rules);
}

class Lines {
  readonly out: string[] = [];
  push(...l: string[]) {
    this.out.push(...l);
  }
}

/** One `case` of libxl__coco_validate per kind, as text for the template. */
function validateCases(rules: CocoRules): string[] {
  const field = (o: ResolvedOption) => `coco->${o.field}`;
  return rules.kinds.map((k) => {
    const c = new Lines();
    const log = (id: RuleId, consts: Record<string, string>, args: Record<string, CArg>, indent: string) => {
      c.push(...cCall('LOG(ERROR, ', cFormat(rules.messages[id], consts, args), indent));
      c.push(`${indent}rc = ERROR_INVAL;`);
    };
    const I = '        ';
    c.push(`    case ${kindConst(rules, k)}:`);
    if (k.policy === null) {
      for (const o of rules.options) {
        c.push(`${I}if (${isSet(o, field(o), rules)}) {`);
        log('needs_coco', { option: o.key, kinds: kindList(o.kinds) }, { value: valueArg(o, field(o)) }, `${I}    `);
        c.push(`${I}}`);
      }
    } else {
      kindBlock(rules, k, c, log, field);
    }
    c.push(`${I}break;`);
    return c.out.join('\n');
  });
}

function kindBlock(
  rules: CocoRules,
  k: ResolvedKind,
  c: Lines,
  log: (id: RuleId, consts: Record<string, string>, args: Record<string, CArg>, indent: string) => void,
  field: (o: ResolvedOption) => string,
) {
  const I = '        ';
  const p = k.policy!;
  // Platform: an HVM guest booted by OVMF.
  let first = true;
  for (const t of rules.config.domainTypes.rejected) {
    c.push(`${I}${first ? '' : '} else '}if (b_info->type == ${t.cName}) {`);
    log('needs_hvm', { kind: k.name, type: t.value, why: t.why }, {}, `${I}    `);
    first = false;
  }
  for (const b of rules.config.bios.rejected) {
    c.push(`${I}} else if (b_info->u.hvm.bios == ${b.cName}) {`);
    log('needs_ovmf', { kind: k.name, bios: b.value, why: b.why }, {}, `${I}    `);
  }
  c.push(`${I}}`, '');

  // Policy, or the default the kind would get.
  const pol = rules.options.find((o) => o.type === 'policy')!;
  const consts = { option: pol.key, kind: k.name, policyName: p.name };
  const value = valueArg(pol, 'policy');
  c.push(`${I}policy = ${field(pol)} == ${rules.config.idl.policyDefault} ? ${u64(p.defaultValue)} : ${field(pol)};`);
  let J = I;
  if (p.width < 64) {
    c.push(`${I}if (policy >> ${p.width}) {`);
    log('policy_width', { ...consts, width: String(p.width) }, { value }, `${I}    `);
    c.push(`${I}} else {`);
    J = `${I}    `;
  }
  if (p.reservedMask !== 0n) {
    c.push(`${J}if (policy & ${u64(p.reservedMask)}) {`);
    log('policy_reserved', consts, { value, bits: { conv: `0x${PRIX64}`, expr: `policy & ${u64(p.reservedMask)}` } }, `${J}    `);
    c.push(`${J}}`);
  }
  if (p.mustBeOneMask !== 0n) {
    c.push(`${J}if ((policy & ${u64(p.mustBeOneMask)}) != ${u64(p.mustBeOneMask)}) {`);
    log('policy_must_be_one', { ...consts, mustBeOne: hex(p.mustBeOneMask) }, { value }, `${J}    `);
    c.push(`${J}}`);
  }
  for (const b of p.required) {
    c.push(`${J}if (!(policy & ${u64(b.mask)})) {`);
    log('policy_required_bit', { ...consts, bit: b.name.toUpperCase(), lsb: String(b.lsb), hint: p.hint }, { value }, `${J}    `);
    c.push(`${J}}`);
  }
  for (const b of p.forbidden) {
    c.push(`${J}if (policy & ${u64(b.mask)}) {`);
    log('policy_forbidden_bit', { ...consts, bit: b.name.toUpperCase(), lsb: String(b.lsb), hint: p.hint }, { value }, `${J}    `);
    c.push(`${J}}`);
  }
  if (p.width < 64) c.push(`${I}}`);

  // The other options: this kind's, well formed; other kinds' rejected.
  for (const o of rules.options) {
    if (o.type === 'policy') continue;
    const f = field(o);
    const v = valueArg(o, f);
    const base = { option: o.key };
    c.push('', `${I}if (${isSet(o, f, rules)}) {`);
    const K = `${I}    `;
    if (!o.kinds.includes(k.name)) {
      log('other_kind', { ...base, kinds: kindList(o.kinds), kind: k.name }, { value: v }, K);
    } else if (o.type === 'base64') {
      c.push(`${K}if (coco_base64_len(${f}, &len)) {`);
      log('base64_invalid', base, { value: v }, `${K}    `);
      c.push(`${K}} else if (len != ${o.size}) {`);
      log('base64_size', { ...base, what: o.what, size: String(o.size) }, { value: v, got: { conv: '%zu', expr: 'len' } }, `${K}    `);
      c.push(`${K}}`);
    } else if (o.type === 'integer') {
      c.push(`${K}if (${f} < ${o.min} || ${f} > ${o.max}) {`);
      log('parse_range', { ...base, min: String(o.min), max: String(o.max) }, { value: v }, `${K}    `);
      c.push(`${K}}`);
    } else {
      c.push(`${K}/* Any value will do. */`);
    }
    c.push(`${I}}`);
  }

  // Options that only make sense together.
  for (const o of rules.options) {
    if (!o.kinds.includes(k.name) || o.requires.length === 0) continue;
    for (const r of o.requires) {
      const other = rules.options.find((x) => x.key === r.key)!;
      c.push('', `${I}if (${isActive(o, field(o), rules)} && !(${isSet(other, field(other), rules)})) {`);
      log('requires_option', { option: o.key, other: r.key, why: r.why }, { value: valueArg(o, field(o)) }, `${I}    `);
      c.push(`${I}}`);
    }
  }
}

/** One `case` of libxl__coco_setdefault per kind: the defaults of that kind. */
function defaultCases(rules: CocoRules): string[] {
  return rules.kinds.map((k) => {
    const out = [`    case ${kindConst(rules, k)}:`];
    if (k.policy !== null) {
      out.push(`        if (coco->policy == ${rules.config.idl.policyDefault})`, `            coco->policy = ${u64(k.policy.defaultValue)};`);
      for (const o of rules.options) {
        if (o.type === 'boolean' && o.kinds.includes(k.name)) out.push(`        libxl_defbool_setdefault(&coco->${o.field}, ${o.default});`);
      }
    }
    out.push('        break;');
    return out.join('\n');
  });
}

/** The libxl_x86.c fragment: helpers, libxl__coco_validate and libxl__coco_setdefault. */
export function libxlX86(rules: CocoRules): string[] {
  const text = template({
    keep: QUOTE_KEEP,
    limit: QUOTE_LIMIT,
    settingsStruct: rules.config.idl.settingsStruct,
    buildInfoField: rules.config.idl.buildInfoField,
    validateCases: validateCases(rules),
    defaultCases: defaultCases(rules),
  });
  return text.replace(/\n$/, '').split('\n');
}
