// The firmware tables checked against their meta-schema (schema/fw-model.ts).
import { FwTable, type FwCommand } from '../../schema/fw-model.ts';
import { SchemaError } from '../errors.ts';

/** `input` as firmware table entries, or a SchemaError naming every entry and field that does not fit the meta-schema. */
export function parseFwCommands(input: unknown): FwCommand[] {
  const parsed = FwTable.safeParse(input);
  if (!parsed.success) {
    throw new SchemaError(parsed.error.issues.map((i) => ({ module: 'fw', item: `command ${String(i.path[0] ?? '?')}`, rule: 'zod', message: `${i.path.join('.')}: ${i.message}` })));
  }
  return parsed.data;
}
