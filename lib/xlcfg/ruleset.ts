// The coco rule set with every number resolved from the elaborated model:
// policy widths and masks from the policy layouts, blob sizes from the firmware
// structs. The TS checker and the C emitter both read this one object.
import { cocoConfig } from '../../schema/coco-config.ts';
import type { CocoConfig, CocoKind, CocoOption, RuleId } from '../../schema/coco-model.ts';
import type { EModel } from '../../generators/elaborate/model.ts';

export interface PolicyBit {
  name: string;
  lsb: number;
  mask: bigint;
}

export interface ResolvedKind {
  name: string;
  idl: string;
  value: number;
  /** Null only for none. */
  policy: {
    layout: string;
    name: string;
    width: 32 | 64;
    /** Reserved bits that must be zero (must-be-one bits excluded). */
    reservedMask: bigint;
    mustBeOneMask: bigint;
    required: PolicyBit[];
    forbidden: PolicyBit[];
    hint: string;
    defaultValue: bigint;
  } | null;
  protects: string;
  source: CocoKind;
}

export type ResolvedOption = CocoOption & {
  /** Exact decoded size of a base64 option. */
  size: number | null;
};

export interface CocoRules {
  config: CocoConfig;
  kinds: ResolvedKind[];
  options: ResolvedOption[];
  messages: Record<RuleId, string>;
}

function fail(message: string): never {
  throw new Error(`coco rule set: ${message}`);
}

function resolveKind(k: CocoKind, model: EModel): ResolvedKind {
  if (k.policyLayout === null) return { name: k.name, idl: k.idl, value: k.value, policy: null, protects: k.protects, source: k };
  const layout = model.layouts.get(k.policyLayout) ?? fail(`kind ${k.name}: no layout ${k.policyLayout} in the model`);
  if (layout.width !== 32 && layout.width !== 64) fail(`layout ${layout.name} is ${layout.width} bits wide`);
  const bit = (name: string): PolicyBit => {
    const b = layout.bits.find((x) => x.name === name) ?? fail(`kind ${k.name}: layout ${layout.name} has no bit ${name}`);
    if (b.width !== 1) fail(`kind ${k.name}: ${layout.name}.${name} is not a single bit`);
    return { name, lsb: b.lsb, mask: b.mask };
  };
  const mustBeOneMask = layout.mustBeOneMask;
  const policy = {
    layout: layout.name,
    name: k.policyName ?? fail(`kind ${k.name} needs a policyName`),
    width: layout.width,
    reservedMask: layout.reservedMask & ~mustBeOneMask,
    mustBeOneMask,
    required: k.requiredPolicyBits.map(bit),
    forbidden: k.forbiddenPolicyBits.map(bit),
    hint: k.policyHint ?? '',
    defaultValue: k.defaultPolicy ?? fail(`kind ${k.name} needs a default policy`),
  };
  return { name: k.name, idl: k.idl, value: k.value, policy, protects: k.protects, source: k };
}

function resolveOption(o: CocoOption, model: EModel): ResolvedOption {
  if (o.type !== 'base64') return { ...o, size: null };
  const s = model.structs.get(o.bytes.struct) ?? fail(`${o.key}: no struct ${o.bytes.struct} in the model`);
  if (o.bytes.field === undefined) return { ...o, size: s.size };
  const f = s.fields.find((x) => x.name === o.bytes.field) ?? fail(`${o.key}: struct ${s.name} has no field ${o.bytes.field}`);
  return { ...o, size: f.size };
}

export function resolveCocoRules(model: EModel, config: CocoConfig = cocoConfig): CocoRules {
  const kinds = config.kinds.map((k) => resolveKind(k, model));
  for (const k of kinds) {
    const p = k.policy;
    if (p === null) continue;
    // The defaults must pass the rules they are the default for.
    const v = p.defaultValue;
    if (v >> BigInt(p.width) !== 0n || (v & p.reservedMask) !== 0n || (v & p.mustBeOneMask) !== p.mustBeOneMask) fail(`kind ${k.name}: default policy 0x${v.toString(16)} breaks the ${p.name}`);
    if (p.required.some((b) => (v & b.mask) === 0n) || p.forbidden.some((b) => (v & b.mask) !== 0n)) fail(`kind ${k.name}: default policy 0x${v.toString(16)} breaks its own bit rules`);
  }
  const messages = Object.fromEntries(config.rules.map((r) => [r.id, r.message])) as Record<RuleId, string>;
  return { config, kinds, options: config.options.map((o) => resolveOption(o, model)), messages };
}

/** The C enumerator gentypes.py makes of a kind of the IDL enumeration (LIBXL_COCO_TYPE_SEV_ES). */
export function libxlKindConst(config: CocoConfig, kindIdl: string): string {
  return `LIBXL_${config.idl.kindEnum.toUpperCase()}_${kindIdl.toUpperCase()}`;
}

/** `"a", "b" or "c"`: how messages list kinds. */
export function kindList(names: readonly string[]): string {
  const q = names.map((n) => `"${n}"`);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}
