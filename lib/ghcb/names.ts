// Names for the numbers a GHCB page holds, from the elaborated model: exit
// codes, MSR indexes, enum values and the bit fields of exit information.
import type { EGroup, ELayout, EModel } from '../../generators/elaborate/model.ts';

/** The groups sw_exit_code draws from: hardware SVM exit codes and the software-defined VMGEXIT codes. */
export const EXIT_CODE_GROUPS = ['svm_exit_code', 'vmgexit_exit_code'] as const;

export function exitCodeName(model: EModel, code: bigint): string | null {
  for (const g of EXIT_CODE_GROUPS) {
    const v = model.groups.get(g)?.values.find((x) => x.value === code);
    if (v) return v.name;
  }
  return null;
}

/** An exit code given by name (any case, with or without the group prefix) or number. */
export function exitCodeByName(model: EModel, text: string): bigint | null {
  if (/^(0x[0-9a-f]+|[0-9]+)$/i.test(text)) return BigInt(text);
  const want = text.toUpperCase().replace(/-/g, '_');
  for (const g of EXIT_CODE_GROUPS) {
    const group = model.groups.get(g);
    const v = group?.values.find((x) => x.name === want || x.cName === want);
    if (v) return v.value;
  }
  return null;
}

/** MSR names the schema knows: groups of MSR indexes, and layouts located at an MSR. */
export function msrName(model: EModel, index: bigint): string | null {
  for (const g of model.groups.values()) {
    if (!g.name.endsWith('msr_index')) continue;
    const v = g.values.find((x) => x.value === index);
    if (v) return v.linux ?? v.cName;
  }
  for (const l of model.layouts.values()) if (l.location?.kind === 'msr' && BigInt(l.location.index) === index) return l.name;
  return null;
}

export function enumName(group: EGroup | undefined, value: bigint): string | null {
  return group?.values.find((v) => v.value === value)?.name ?? null;
}

/** The layout that describes sw_exit_info_1 of an exit, when the schema has one. */
export function exitInfo1Layout(model: EModel, exitName: string | null): ELayout | null {
  const byExit: Record<string, string> = { IOIO: 'ioio_exit_info', TERM_REQUEST: 'vmgexit_term_reason' };
  const name = exitName === null ? undefined : byExit[exitName];
  return (name !== undefined ? model.layouts.get(name) : undefined) ?? null;
}

/**
 * The group that names the values of bit field `bit` of `layout` when the
 * whole value is `value`: its enum, or for a `codesOf` field (a reason code)
 * the `codes` group of its sibling's value (the reason code set).
 */
export function bitGroup(model: EModel, layout: ELayout, bitName: string, value: bigint): EGroup | undefined {
  const b = layout.bits.find((x) => x.name === bitName);
  if (b === undefined) return undefined;
  if (b.enum !== null) return model.groups.get(b.enum);
  if (b.codesOf === null) return undefined;
  const set = layout.bits.find((x) => x.name === b.codesOf)!;
  const setValue = (value & set.mask) >> BigInt(set.lsb);
  const codes = model.groups.get(set.enum!)?.values.find((v) => v.value === setValue)?.codes;
  return codes ? model.groups.get(codes) : undefined;
}

/** Every non-reserved bit field of `value`, with the enum name of its value when there is one. */
export function layoutFields(model: EModel, layout: ELayout, value: bigint): { name: string; value: bigint; meaning: string | null }[] {
  return layout.bits
    .filter((b) => !b.reserved)
    .map((b) => {
      const v = (value & b.mask) >> BigInt(b.lsb);
      return { name: b.name, value: v, meaning: enumName(bitGroup(model, layout, b.name, value), v) };
    });
}

/** A value given by name (any case) in `group`, or null. */
export function enumValue(group: EGroup | undefined, name: string): bigint | null {
  const want = name.toUpperCase().replace(/-/g, '_');
  return group?.values.find((v) => v.name === want || v.cName === want)?.value ?? null;
}
