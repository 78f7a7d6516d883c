// The libxl layer of the coco rule set, in TS: the same checks, in the same
// order and with the same messages, as the C generators/emit/libxl writes for
// libxl_x86.c. Reports every error, not just the first.
import type { RuleId } from '../../schema/coco-model.ts';
import { fillMessage, hexValue, quoteValue } from './messages.ts';
import { base64DecodedLength } from './base64.ts';
import { kindList, type CocoRules, type ResolvedOption } from './ruleset.ts';
import type { CheckError, CocoSettings } from './settings.ts';

export function formatOptionValue(o: ResolvedOption, v: bigint | number | boolean | string): string {
  if (o.type === 'policy') return hexValue(v as bigint);
  if (o.type === 'boolean') return v ? '1' : '0';
  if (o.type === 'base64') return quoteValue(v as string);
  return String(v);
}

/** An option that asks for something: a blob or number given, a boolean set to 1. */
function active(o: ResolvedOption, v: unknown): boolean {
  return v !== undefined && (o.type !== 'boolean' || v === true);
}

export function validateSettings(s: CocoSettings, rules: CocoRules): CheckError[] {
  const errors: CheckError[] = [];
  const push = (option: string, rule: RuleId, vars: Record<string, string>) => errors.push({ option, rule, message: fillMessage(rules.messages[rule], vars) });
  const kind = rules.kinds.find((k) => k.name === s.kind);
  if (kind === undefined) throw new Error(`unknown coco kind ${s.kind}`);

  if (kind.policy === null) {
    for (const o of rules.options) {
      const v = s.values.get(o.key);
      if (v !== undefined) push(o.key, 'needs_coco', { option: o.key, value: formatOptionValue(o, v), kinds: kindList(o.kinds) });
    }
    return errors;
  }

  if (s.type !== 'hvm') {
    const r = rules.config.domainTypes.rejected.find((t) => t.value === s.type)!;
    push('type', 'needs_hvm', { kind: kind.name, type: s.type, why: r.why });
  } else if (s.bios !== rules.config.bios.required.value) {
    const r = rules.config.bios.rejected.find((b) => b.value === s.bios)!;
    push('bios', 'needs_ovmf', { kind: kind.name, bios: s.bios, why: r.why });
  }

  // The policy first (given or the kind's default), then the other options in schema order: the C does the same.
  for (const o of rules.options) {
    if (o.type === 'policy') checkPolicy(o, (s.values.get(o.key) as bigint | undefined) ?? kind.policy.defaultValue, kind, push);
  }
  for (const o of rules.options) {
    const v = s.values.get(o.key);
    if (o.type === 'policy' || v === undefined) continue;
    const value = formatOptionValue(o, v);
    if (!o.kinds.includes(kind.name)) {
      push(o.key, 'other_kind', { option: o.key, value, kinds: kindList(o.kinds), kind: kind.name });
      continue;
    }
    if (o.type === 'base64') {
      const got = base64DecodedLength(v as string);
      if (got === null) push(o.key, 'base64_invalid', { option: o.key, value });
      else if (got !== o.size) push(o.key, 'base64_size', { option: o.key, value, what: o.what, size: String(o.size), got: String(got) });
    } else if (o.type === 'integer' && ((v as number) < o.min || (v as number) > o.max)) {
      push(o.key, 'parse_range', { option: o.key, value, min: String(o.min), max: String(o.max) });
    }
  }

  for (const o of rules.options) {
    const v = s.values.get(o.key);
    if (!o.kinds.includes(kind.name) || !active(o, v)) continue;
    for (const r of o.requires) {
      if (s.values.get(r.key) === undefined) push(o.key, 'requires_option', { option: o.key, value: formatOptionValue(o, v!), other: r.key, why: r.why });
    }
  }
  return errors;
}

function checkPolicy(
  o: ResolvedOption,
  policy: bigint,
  kind: CocoRules['kinds'][number],
  push: (option: string, rule: RuleId, vars: Record<string, string>) => void,
): void {
  const p = kind.policy!;
  const base = { option: o.key, value: hexValue(policy), kind: kind.name, policyName: p.name };
  if (policy >> BigInt(p.width) !== 0n) {
    push(o.key, 'policy_width', { ...base, width: String(p.width) });
    return;
  }
  const reserved = policy & p.reservedMask;
  if (reserved !== 0n) push(o.key, 'policy_reserved', { ...base, bits: hexValue(reserved) });
  if ((policy & p.mustBeOneMask) !== p.mustBeOneMask) push(o.key, 'policy_must_be_one', { ...base, mustBeOne: hexValue(p.mustBeOneMask) });
  for (const b of p.required) {
    if ((policy & b.mask) === 0n) push(o.key, 'policy_required_bit', { ...base, bit: b.name.toUpperCase(), lsb: String(b.lsb), hint: p.hint });
  }
  for (const b of p.forbidden) {
    if ((policy & b.mask) !== 0n) push(o.key, 'policy_forbidden_bit', { ...base, bit: b.name.toUpperCase(), lsb: String(b.lsb), hint: p.hint });
  }
}
