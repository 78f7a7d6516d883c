// The meta-schema of the exit-handling tables (schema/nae.ts): which SVM exit
// codes are automatic exits (AE), which requests a guest may make through
// VMGEXIT (non-automatic events, NAE), and what the hypervisor checks for each.
// Data only; lib/nae/table.ts resolves names against the elaborated model.
import { z } from 'zod';
import { SpecRef } from './model.ts';

const identifier = z.string().regex(/^[a-z_][a-z0-9_]*$/);
const upperName = z.string().regex(/^[A-Z][A-Z0-9_]*$/);

/** A value of a constant group of the schema (the exit code is never restated as a number). */
export const CodeRef = z.object({ group: z.enum(['svm_exit_code', 'vmgexit_exit_code']), name: upperName }).strict();
export type CodeRef = z.infer<typeof CodeRef>;

/** GHCB save-area fields a request or response may carry (their valid bits come from the model). */
export const GhcbField = z.enum([
  'cpl', 'xss', 'dr7', 'rip', 'rsp', 'rax', 'rcx', 'rdx', 'rbx', 'rbp', 'rsi', 'rdi',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
  'sw_exit_code', 'sw_exit_info_1', 'sw_exit_info_2', 'sw_scratch', 'xcr0',
]);
export type GhcbField = z.infer<typeof GhcbField>;

/**
 * A condition over request values the hypervisor can see:
 * `(field & mask) op value`, mask defaulting to all ones.
 */
export const Condition = z
  .object({
    field: z.enum(['rax', 'rcx', 'sw_exit_info_1', 'sw_exit_info_2']),
    mask: z.bigint().optional(),
    op: z.enum(['eq', 'ne']),
    value: z.bigint(),
    /** The condition as a reader writes it ("rax == 0xd"). */
    text: z.string().min(1),
  })
  .strict();
export type Condition = z.infer<typeof Condition>;

export const ConditionalInput = z
  .object({
    fields: z.array(GhcbField).min(1),
    /** What the hypervisor enforces. */
    when: Condition,
    /** The guest-side rule of the spec when it differs (e.g. depends on state the hypervisor cannot see). */
    guestRule: z.string().optional(),
  })
  .strict();

/**
 * Per-event value checks, each implemented once in the TypeScript model
 * (lib/nae/rules.ts) and once in the C emitter; the text is what the check
 * enforces and `error` the GHCB_ERR_* reason it reports.
 */
export const RuleId = z.enum([
  'mmio_length',
  'ioio_operand_size',
  'msr_direction',
  'ap_jump_table_op',
  'ap_creation_op',
  'guest_request_pages',
]);
export type RuleId = z.infer<typeof RuleId>;

export const ScratchUse = z
  .object({
    kind: z.enum(['mmio', 'string_io', 'psc']),
    direction: z.enum(['in', 'out', 'in_out']),
    /** Where the length comes from. */
    length: z.string().min(1),
    when: Condition.optional(),
  })
  .strict();

/** The backend operation a validated event is dispatched to. */
export const Handler = z.enum([
  'dr7_read', 'dr7_write', 'rdtsc', 'rdpmc', 'cpuid', 'invd', 'ioio', 'msr', 'vmmcall', 'rdtscp', 'wbinvd', 'monitor', 'mwait',
  'mmio_read', 'mmio_write', 'nmi_complete', 'ap_hlt_loop', 'ap_jump_table', 'psc', 'guest_request', 'ext_guest_request',
  'ap_creation', 'hv_features', 'term_request', 'unsupported_event', 'not_offered',
]);
export type Handler = z.infer<typeof Handler>;

export const GhcbErr = z.enum(['NOT_REGISTERED', 'INVALID_USAGE', 'INVALID_SCRATCH_AREA', 'MISSING_INPUT', 'INVALID_INPUT', 'INVALID_EVENT']);

export const NaeEvent = z
  .object({
    name: upperName,
    code: CodeRef,
    /** Lowest GHCB protocol version defining the event. */
    minVersion: z.union([z.literal(1), z.literal(2)]),
    snpOnly: z.boolean(),
    /** ghcb_hv_features bit the hypervisor must advertise for the event to exist. */
    feature: identifier.optional(),
    inputs: z
      .object({
        required: z.array(GhcbField),
        conditional: z.array(ConditionalInput).default([]),
        /** Used when marked valid, never required. */
        optional: z.array(GhcbField).default([]),
      })
      .strict(),
    exitInfo1: z.string().min(1),
    exitInfo1Layout: identifier.optional(),
    exitInfo2: z.string().min(1),
    scratch: ScratchUse.optional(),
    rules: z.array(RuleId).default([]),
    outputs: z
      .object({
        fields: z.array(GhcbField),
        /** What SW_EXITINFO2 holds after a NO_ACTION response. */
        exitInfo2: z.string().min(1),
        scratch: z.string().optional(),
      })
      .strict(),
    /** The malformed-input reasons the hypervisor may report for this event. */
    errors: z.array(GhcbErr),
    /** Other responses (exceptions, event-specific error values, termination). */
    otherResponses: z.string().optional(),
    handler: Handler,
    /** Where the spec and KVM (arch/x86/kvm/svm/sev.c) differ, both rules. */
    kvm: z.string().optional(),
    spec: z.array(SpecRef).min(1),
  })
  .strict();
export type NaeEventInput = z.input<typeof NaeEvent>;
export type NaeEvent = z.infer<typeof NaeEvent>;

export const AeEvent = z
  .object({
    code: CodeRef,
    /** Whether guest RIP points at (fault) or after (trap) the instruction, or the exit is asynchronous. */
    nature: z.enum(['fault', 'trap', 'asynchronous']),
    description: z.string().min(1),
    spec: SpecRef,
  })
  .strict();
export type AeEvent = z.infer<typeof AeEvent>;

/** An SVM exit code that neither is an AE nor has a GHCB event. */
export const NoneEvent = z
  .object({
    code: CodeRef,
    why: z.string().min(1),
    spec: SpecRef,
  })
  .strict();

export const ExitTables = z
  .object({
    nae: z.array(NaeEvent).min(1),
    ae: z.array(AeEvent).min(1),
    /** Codes with a specific reason; every other svm_exit_code gets `defaultNone`. */
    none: z.array(NoneEvent),
    defaultNone: z.object({ why: z.string().min(1), spec: SpecRef }).strict(),
    /** Hypervisor policy constants the validator needs (documented choices where the spec leaves room). */
    policy: z
      .object({
        /** Largest scratch area accepted outside the GHCB page, in bytes. */
        scratchOutsideLimit: z.number().int().positive(),
        mmioMaxLength: z.number().int().positive(),
        /** Protocol versions the hypervisor offers. */
        minVersion: z.number().int().positive(),
        maxVersion: z.number().int().positive(),
        /** Lowest protocol version an SEV-SNP guest may use. */
        snpMinVersion: z.number().int().positive(),
        why: z.string().min(1),
      })
      .strict(),
  })
  .strict();
export type ExitTablesInput = z.input<typeof ExitTables>;
export type ExitTables = z.infer<typeof ExitTables>;
