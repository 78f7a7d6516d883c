// The meta-schema of the confidential-computing ("coco") configuration surface:
// the xl.cfg options, their libxl/IDL representation and the rules that tie them
// together. Data only; lib/xlcfg (TS) and generators/emit/libxl (C) both read it,
// so the two checkers cannot drift apart.
import { z } from 'zod';
import { SpecRef } from './model.ts';

const identifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'names are snake_case identifiers');
const xlKey = z.string().regex(/^coco(_[a-z0-9_]+)?$/, 'coco options are named coco or coco_*');

/** One kind of encrypted guest (`coco = "sev-es"`). */
export const CocoKind = z
  .object({
    /** The xl.cfg spelling. */
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    /** The IDL enumeration value name (becomes LIBXL_COCO_TYPE_<IDL>). */
    idl: identifier,
    value: z.number().int().nonnegative(),
    /** Elaborated-model layout of this kind's guest policy; null for none. */
    policyLayout: identifier.nullable(),
    /** Policy used when coco_policy is not given. */
    defaultPolicy: z.bigint().nonnegative().nullable(),
    /** Names of policy bits (in policyLayout) the kind needs set, and those it forbids. */
    requiredPolicyBits: z.array(identifier).default([]),
    forbiddenPolicyBits: z.array(identifier).default([]),
    /** Why a bit is required/forbidden, appended to the message. */
    policyHint: z.string().optional(),
    /** Short name of the policy in messages ("SEV guest policy"). */
    policyName: z.string().nullable(),
    /** What the kind protects the guest against (docs). */
    protects: z.string().min(1),
    spec: SpecRef.optional(),
  })
  .strict();
export type CocoKind = z.infer<typeof CocoKind>;

const OptionBase = {
  /** The xl.cfg key. */
  key: xlKey,
  /** Member of libxl_coco_info (the IDL struct); null for the kind itself. */
  field: identifier,
  description: z.string().min(1),
  /** Kinds (by xl name) the option applies to. */
  kinds: z.array(z.string()).min(1),
  /** The equivalent in libvirt's <launchSecurity>: a child element or a yes/no attribute. */
  libvirt: z.union([z.object({ element: z.string().regex(/^[a-zA-Z]+$/) }).strict(), z.object({ attribute: z.string().regex(/^[a-zA-Z]+$/) }).strict()]),
  /** The equivalent property of QEMU's sev-guest / sev-snp-guest objects. */
  qemu: z.string().min(1),
  /** Other options this one needs (e.g. the ID auth needs the ID block), with why. */
  requires: z.array(z.object({ key: xlKey, why: z.string().min(1) }).strict()).default([]),
  spec: SpecRef.optional(),
};

export const CocoOption = z.discriminatedUnion('type', [
  /** A guest policy word: the layout is the kind's policyLayout. */
  z.object({ ...OptionBase, type: z.literal('policy') }).strict(),
  /** A small unsigned integer; 0 in libxl means "not given". */
  z
    .object({
      ...OptionBase,
      type: z.literal('integer'),
      min: z.number().int().positive(),
      max: z.number().int().positive(),
      /** Where the range comes from (CPUID field width), for the docs. */
      rangeWhy: z.string().min(1),
    })
    .strict(),
  /** libxl_defbool; `default` is what libxl sets when the option is not given and coco is on. */
  z.object({ ...OptionBase, type: z.literal('boolean'), default: z.boolean() }).strict(),
  /**
   * Base64 data whose decoded size is exactly the size of a struct (or of one
   * field of a struct) of the elaborated model: the firmware buffer it fills.
   */
  z
    .object({
      ...OptionBase,
      type: z.literal('base64'),
      bytes: z.object({ struct: identifier, field: identifier.optional() }).strict(),
      /** What the bytes are, for messages ("the SNP ID block"). */
      what: z.string().min(1),
    })
    .strict(),
]);
export type CocoOption = z.infer<typeof CocoOption>;

/** A value of `type`/`bios` that coco rejects, with the reason shown to the user. */
const Rejected = z.object({ value: z.string().min(1), cName: z.string().regex(/^[A-Z0-9_]+$/), why: z.string().min(1) }).strict();

/** Rule ids: every error a checker reports is one of these, with this message. */
export const RULE_IDS = [
  'parse_kind',
  'parse_number',
  'parse_range',
  'parse_negative',
  'parse_single',
  'needs_hvm',
  'needs_ovmf',
  'policy_width',
  'policy_reserved',
  'policy_must_be_one',
  'policy_required_bit',
  'policy_forbidden_bit',
  'needs_coco',
  'other_kind',
  'base64_invalid',
  'base64_size',
  'requires_option',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const CocoRule = z
  .object({
    id: z.enum(RULE_IDS),
    /** Where the rule is enforced: xl's parser only, or libxl (and so for every toolstack). */
    layer: z.enum(['xl', 'libxl']),
    summary: z.string().min(1),
    /**
     * The message, identical in TS and C. Placeholders in braces: constants the C
     * emitter substitutes ({option} {kind} {kinds} {why} {bit} {lsb} {hint} {min}
     * {max} {width} {policyName} {mustBeOne} {what} {size} {type} {bios}) and run-time
     * values ({value} {policy} {bits} {got}).
     */
    message: z.string().min(1),
  })
  .strict();

export const CocoConfig = z
  .object({
    /** The IDL names: the enumeration and the struct placed in arch_x86. */
    idl: z
      .object({
        kindEnum: identifier,
        settingsStruct: identifier,
        buildInfoField: identifier,
        policyDefault: z.string().regex(/^LIBXL_[A-Z0-9_]+$/),
        have: z.string().regex(/^LIBXL_HAVE_[A-Z0-9_]+$/),
      })
      .strict(),
    kinds: z.array(CocoKind).min(2),
    /** libvirt's <launchSecurity type=...> for each kind but none (sev-es is type 'sev' with the ES policy bit). */
    libvirtTypes: z.record(z.string(), z.string()),
    options: z.array(CocoOption).min(1),
    domainTypes: z.object({ required: Rejected.omit({ why: true }), rejected: z.array(Rejected) }).strict(),
    bios: z.object({ required: Rejected.omit({ why: true }), default: z.string(), rejected: z.array(Rejected) }).strict(),
    rules: z.array(CocoRule).min(1),
    /** Options of libvirt/QEMU deliberately not mirrored, with why. */
    notMirrored: z.array(z.object({ name: z.string().min(1), why: z.string().min(1) }).strict()),
  })
  .strict()
  .superRefine((c, ctx) => {
    const kindNames = new Set(c.kinds.map((k) => k.name));
    if (c.kinds[0]?.name !== 'none' || c.kinds[0].value !== 0) ctx.addIssue({ code: 'custom', message: 'the first kind must be none = 0' });
    for (const o of c.options) {
      for (const k of o.kinds) if (!kindNames.has(k) || k === 'none') ctx.addIssue({ code: 'custom', message: `${o.key}: unknown kind ${k}` });
      if (o.type === 'integer' && o.min > o.max) ctx.addIssue({ code: 'custom', message: `${o.key}: min > max` });
      for (const r of o.requires) {
        const other = c.options.find((x) => x.key === r.key);
        if (other === undefined) ctx.addIssue({ code: 'custom', message: `${o.key}: requires unknown option ${r.key}` });
        else if (!o.kinds.every((k) => other.kinds.includes(k))) ctx.addIssue({ code: 'custom', message: `${o.key}: requires ${r.key}, which does not apply to all its kinds` });
      }
    }
    const keys = c.options.map((o) => o.key);
    if (new Set(keys).size !== keys.length) ctx.addIssue({ code: 'custom', message: 'duplicate option key' });
    for (const k of c.kinds.slice(1)) {
      if (k.policyLayout === null || k.defaultPolicy === null) ctx.addIssue({ code: 'custom', message: `${k.name}: needs a policy layout and default` });
    }
    const ruleIds = new Set(c.rules.map((r) => r.id));
    for (const id of RULE_IDS) if (!ruleIds.has(id)) ctx.addIssue({ code: 'custom', message: `rule ${id} is not described` });
  });
export type CocoConfigInput = z.input<typeof CocoConfig>;
export type CocoConfig = z.infer<typeof CocoConfig>;
