// The meta-schema: the shape every spec description in schema/ must have.
// Schema modules hold data only; elaboration (generators/elaborate) computes
// offsets, sizes and masks and lints them.
import { z } from 'zod';

/** AMD documents we cite. */
export const SpecDoc = z.enum(['56421', '24593', '55766', '56860', '58019']);
export type SpecDoc = z.infer<typeof SpecDoc>;

/**
 * A citation. `section` is the section or table of the AMD document; when a
 * section number could not be verified, `source` names the independent
 * implementation the fact was taken from (e.g. "linux:arch/x86/include/asm/svm.h").
 */
export const SpecRef = z
  .object({
    doc: SpecDoc,
    rev: z.string().min(1),
    section: z.string().min(1).optional(),
    source: z.string().min(1).optional(),
  })
  .strict()
  .refine((r) => r.section !== undefined || r.source !== undefined, {
    message: 'a spec reference needs a section/table or, when unverified, the independent source',
  });
export type SpecRef = z.infer<typeof SpecRef>;

const identifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'names are snake_case identifiers');
const constName = z.string().regex(/^[A-Za-z0-9_]+$/, 'constant names are identifiers');

/** Where Linux defines the same thing: a struct, member (`member[i]` for an array element) or macro; null when Linux has none. */
const LinuxRef = z.string().min(1).nullable().optional();

const IntValue = z.union([z.number().int().nonnegative(), z.bigint().nonnegative()]);

/**
 * Field types, written the way C spells them:
 *   "u8" "u16" "u32" "u64"        integers (little endian)
 *   "u8[16]"                      a byte array
 *   "u32[4]" "u64[8]"             an array of integers
 *   "struct name"                 a nested struct
 *   "struct name[4]"              an array of structs
 */
export const FieldType = z
  .string()
  .regex(/^(u8|u16|u32|u64|struct [a-z_][a-z0-9_]*)(\[[1-9][0-9]*\])?$/, 'type must be uN, uN[count], struct name or struct name[count]');

export const Field = z
  .object({
    name: identifier,
    type: FieldType,
    /** Byte offset when the spec gives one; elaboration checks it against the running offset. */
    offset: z.number().int().nonnegative().optional(),
    reserved: z.boolean().optional(),
    description: z.string().optional(),
    /** Name of a BitLayout describing the bits of this integer field. */
    layout: identifier.optional(),
    /** Name of a ConstantGroup whose values this field holds. */
    enum: identifier.optional(),
    /** A misaligned field the spec really places there; the string says why. */
    misaligned: z.string().optional(),
    spec: SpecRef.optional(),
    linux: LinuxRef,
  })
  .strict();
export type Field = z.infer<typeof Field>;

export const Struct = z
  .object({
    name: identifier,
    description: z.string().min(1),
    /** Total size the spec gives; elaboration rejects any other sum. */
    size: z.number().int().positive(),
    /** Alignment of the whole struct (defaults to the largest field alignment). */
    align: z.number().int().positive().optional(),
    /** No padding: the C struct is __packed (firmware buffers that Linux also packs). */
    packed: z.boolean().optional(),
    /**
     * A valid bitmap inside this struct: bit n of `field` says whether the
     * qword at byte offset 8*n of this struct holds a valid value (the GHCB rule).
     */
    validBitmap: z.object({ field: identifier }).strict().optional(),
    spec: SpecRef,
    linux: LinuxRef,
    fields: z.array(Field).min(1),
  })
  .strict();
export type Struct = z.infer<typeof Struct>;

export const BitField = z
  .object({
    name: identifier,
    lsb: z.number().int().nonnegative(),
    /** Defaults to lsb (a single bit). */
    msb: z.number().int().nonnegative().optional(),
    reserved: z.boolean().optional(),
    /** Bits that must be one (e.g. SNP policy bit 17). */
    mustBeOne: z.boolean().optional(),
    enum: identifier.optional(),
    /**
     * The sibling bit field (with an enum) whose value says which group names
     * this field's values: that enum value's `codes` (a reason code within a
     * reason code set).
     */
    codesOf: identifier.optional(),
    description: z.string().optional(),
    spec: SpecRef.optional(),
    linux: LinuxRef,
  })
  .strict();
export type BitField = z.infer<typeof BitField>;

/** Identity of a register-like value, when it has one. */
const Location = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('msr'), index: z.number().int().nonnegative() }).strict(),
  z
    .object({
      kind: z.literal('cpuid'),
      leaf: z.number().int().nonnegative(),
      subleaf: z.number().int().nonnegative().optional(),
      reg: z.enum(['eax', 'ebx', 'ecx', 'edx']),
    })
    .strict(),
  /** A GHCB MSR protocol message: GHCBInfo (bits 11:0) holds `code`. */
  z
    .object({
      kind: z.literal('ghcb_msr'),
      code: z.number().int().nonnegative(),
      direction: z.enum(['request', 'response']),
    })
    .strict(),
]);

/** The bits of an integer value: a register, a policy word, an MSR protocol message, a struct field. */
export const BitLayout = z
  .object({
    name: identifier,
    description: z.string().min(1),
    width: z.union([z.literal(8), z.literal(16), z.literal(32), z.literal(64)]),
    /** Prefix of the C macros (e.g. "SEV_POLICY_"). */
    cPrefix: constName,
    location: Location.optional(),
    spec: SpecRef,
    linux: LinuxRef,
    bits: z.array(BitField).min(1),
  })
  .strict();
export type BitLayout = z.infer<typeof BitLayout>;

export const ConstantValue = z
  .object({
    /** The spec's name (upper case as the spec or Linux spells it). */
    name: constName,
    value: IntValue,
    description: z.string().min(1),
    /** The ConstantGroup of the codes that go with this value (a reason code set's reason codes); see BitField.codesOf. */
    codes: identifier.optional(),
    spec: SpecRef.optional(),
    linux: LinuxRef,
  })
  .strict();
export type ConstantValue = z.infer<typeof ConstantValue>;

export const ConstantGroup = z
  .object({
    name: identifier,
    description: z.string().min(1),
    /** enum: values of one field or code space, unique; constants: a set of related numbers (values may repeat). */
    kind: z.enum(['enum', 'constants']),
    /** Prefix of the C names: c_name = cPrefix + name. */
    cPrefix: constName,
    spec: SpecRef,
    linux: LinuxRef,
    values: z.array(ConstantValue).min(1),
  })
  .strict();
export type ConstantGroup = z.infer<typeof ConstantGroup>;

/**
 * Something an implementation uses that the cited revision of the document
 * does not define: kept out of the generated definitions (nothing to cite)
 * but listed in the coverage report, with the source that uses it.
 */
export const SpecGap = z
  .object({
    /** What it is, with its value (e.g. "VMGEXIT exit code 0x8000_001B (CONFIGURE_INT_INJ)"). */
    item: z.string().min(1),
    /** The document and revision checked that lacks it. */
    absentFrom: SpecRef,
    /** Where it is used: repository:path (symbol). */
    usedBy: z.string().min(1),
    note: z.string().min(1),
  })
  .strict();
export type SpecGap = z.infer<typeof SpecGap>;

/** One schema module (e.g. the GHCB) with the C header it becomes. */
export const Module = z
  .object({
    name: identifier,
    /** Header file name under generated/c/ (e.g. "ghcb.h"). */
    header: z.string().regex(/^[a-z0-9_-]+\.h$/),
    title: z.string().min(1),
    spec: z.array(SpecRef).min(1),
    /** Other modules whose types this one uses. */
    includes: z.array(identifier).optional(),
    structs: z.array(Struct).default([]),
    layouts: z.array(BitLayout).default([]),
    groups: z.array(ConstantGroup).default([]),
    gaps: z.array(SpecGap).default([]),
  })
  .strict();
export type ModuleInput = z.input<typeof Module>;
export type Module = z.infer<typeof Module>;

export const Schema = z.array(Module).min(1);
