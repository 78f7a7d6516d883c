// Shapes of the inputs of the Linux cross-check: the generated layout and
// constant JSON (generated/json/*.json) and the allow-list of known
// differences (test/linux/known-differences.json).
import { z } from 'zod';

/** An integer in the generated JSON: a JSON number, or a "0x…" / decimal string (used above 2^53). */
export const JsonInt = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^(0[xX][0-9a-fA-F]+|[0-9]+)$/, 'integers are numbers or "0x…" strings'),
]);
export type JsonInt = z.infer<typeof JsonInt>;

/** A JSON integer as a bigint. */
export function toBig(v: JsonInt | bigint): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  return BigInt(v);
}

/** Hex text of a value, the way the report prints it. */
export function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

const LinuxRef = z.string().min(1).nullable().optional();
/** The schema module a generated item comes from, when the generator records it. */
const ModuleName = z.string().min(1).optional();

export const LayoutsJson = z.object({
  structs: z.array(
    z.looseObject({
      name: z.string().min(1),
      module: ModuleName,
      size: JsonInt,
      linux: LinuxRef,
      fields: z.array(
        z.looseObject({
          name: z.string().min(1),
          offset: JsonInt,
          size: JsonInt,
          linux: LinuxRef,
        }),
      ),
    }),
  ),
  bitLayouts: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        module: ModuleName,
        width: z.number().int().positive(),
        linux: LinuxRef,
        bits: z.array(
          z.looseObject({
            name: z.string().min(1),
            lsb: z.number().int().nonnegative(),
            msb: z.number().int().nonnegative(),
            mask: JsonInt,
            c_name: z.string().min(1).nullable().optional(),
            linux: LinuxRef,
          }),
        ),
      }),
    )
    .default([]),
});
export type LayoutsJson = z.infer<typeof LayoutsJson>;

export const ConstantsJson = z.object({
  groups: z.array(
    z.looseObject({
      name: z.string().min(1),
      module: ModuleName,
      linux: LinuxRef,
      values: z.array(
        z.looseObject({
          name: z.string().min(1),
          c_name: z.string().min(1),
          value: JsonInt,
          linux: LinuxRef,
        }),
      ),
    }),
  ),
});
export type ConstantsJson = z.infer<typeof ConstantsJson>;

/**
 * One accepted difference between our schema and Linux. `item` is the check id
 * printed by the cross-check (e.g. "field ghcb_save_area.rax offset");
 * `ours` / `linux` are the two values as they differ today; `spec` is the
 * passage of the AMD document that justifies our value.
 */
export const KnownDifference = z
  .object({
    item: z.string().min(1),
    ours: JsonInt,
    linux: JsonInt,
    spec: z
      .object({
        doc: z.string().min(1),
        rev: z.string().min(1),
        section: z.string().min(1),
      })
      .strict(),
    why: z.string().min(1),
  })
  .strict();
export type KnownDifference = z.infer<typeof KnownDifference>;

export const KnownDifferences = z
  .object({
    $comment: z.string().optional(),
    differences: z.array(KnownDifference),
  })
  .strict();
export type KnownDifferences = z.infer<typeof KnownDifferences>;
