// The meta-schema of the firmware state-machine tables (schema/fw.ts): for
// every SEV API and SNP ABI command, the platform and guest states it is
// accepted in, the status returned otherwise, the state it moves to, and the
// checks the firmware makes on its command buffer. Data only: command ids,
// status values and buffer layouts are referenced by name and resolved
// against the elaborated model by lib/firmware/table.ts, never restated.
import { z } from 'zod';
import { SEV_GUEST_STATES, SEV_PLATFORM_STATES, SNP_GUEST_STATES, SNP_PLATFORM_STATES } from './fw-states.ts';
import { SpecRef } from './model.ts';

const identifier = z.string().regex(/^[a-z_][a-z0-9_]*$/);
const upperName = z.string().regex(/^[A-Z][A-Z0-9_]*$/);

export const FwApi = z.enum(['sev', 'snp']);
export type FwApi = z.infer<typeof FwApi>;

export { SEV_GUEST_STATES, SEV_PLATFORM_STATES, SNP_GUEST_STATES, SNP_PLATFORM_STATES } from './fw-states.ts';

/** What a check looks at. */
export const CheckKind = z.enum(['length', 'alignment', 'reserved', 'address', 'handle', 'asid', 'policy', 'config', 'host', 'param']);
export type CheckKind = z.infer<typeof CheckKind>;

export const BufferCheck = z
  .object({
    kind: CheckKind,
    /** The command-buffer field the check reads (a field of `buffer`), or null for platform or host conditions. */
    field: identifier.nullable(),
    /** The rule as the firmware enforces it. */
    rule: z.string().min(1),
    /** The status (name in the command's status table) returned when the rule is broken. */
    status: upperName,
    spec: SpecRef,
  })
  .strict();
export type BufferCheck = z.infer<typeof BufferCheck>;

export const FwCommand = z
  .object({
    api: FwApi,
    /** Name in the sev_cmd or snp_cmd group. */
    command: upperName,
    /** Command buffer struct of the model, or null when the command has none. */
    buffer: identifier.nullable(),
    /** Who writes the buffer: the host (in), the firmware (out) or both. */
    direction: z.enum(['none', 'in', 'out', 'in_out']),
    /**
     * Whether the firmware writes the buffer back when the command fails (the length a
     * too-small buffer needs, for example); otherwise an output buffer is written on success only.
     */
    writeBackOnError: z.boolean().optional(),
    /** Platform states (of this api's state machine) the command is accepted in. */
    platformStates: z.array(upperName).min(1),
    /** Status when the platform is in another state. */
    platformStatus: upperName,
    /** Guest states the command is accepted in (null: the command names no guest). */
    guestStates: z.array(upperName).nullable(),
    guestStatus: upperName.nullable(),
    /** The platform state after success, or null when it does not change. */
    nextPlatformState: upperName.nullable(),
    /** The condition under which nextPlatformState applies, when not always. */
    nextPlatformWhen: z.string().min(1).optional(),
    /** The guest state after success, or null when it does not change. */
    nextGuestState: upperName.nullable(),
    /** Checks in the order the firmware makes them after the state checks. */
    checks: z.array(BufferCheck),
    spec: SpecRef,
    note: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const plat: readonly string[] = c.api === 'sev' ? SEV_PLATFORM_STATES : SNP_PLATFORM_STATES;
    const guest: readonly string[] = c.api === 'sev' ? SEV_GUEST_STATES : SNP_GUEST_STATES;
    for (const s of [...c.platformStates, ...(c.nextPlatformState === null ? [] : [c.nextPlatformState])]) {
      if (!plat.includes(s)) ctx.addIssue({ code: 'custom', message: `${c.command}: ${s} is not a ${c.api} platform state` });
    }
    for (const s of [...(c.guestStates ?? []), ...(c.nextGuestState === null ? [] : [c.nextGuestState])]) {
      if (!guest.includes(s)) ctx.addIssue({ code: 'custom', message: `${c.command}: ${s} is not a ${c.api} guest state` });
    }
    if ((c.guestStates === null) !== (c.guestStatus === null)) {
      ctx.addIssue({ code: 'custom', message: `${c.command}: guestStates and guestStatus go together` });
    }
    if (c.buffer === null && c.direction !== 'none') ctx.addIssue({ code: 'custom', message: `${c.command}: no buffer but direction ${c.direction}` });
    if (c.buffer !== null && c.direction === 'none') ctx.addIssue({ code: 'custom', message: `${c.command}: buffer ${c.buffer} needs a direction` });
    if (c.writeBackOnError === true && c.direction !== 'in_out') ctx.addIssue({ code: 'custom', message: `${c.command}: writeBackOnError needs direction in_out` });
  });
export type FwCommandInput = z.input<typeof FwCommand>;
export type FwCommand = z.infer<typeof FwCommand>;

export const FwTable = z.array(FwCommand).min(1);
