// The firmware tables of schema/fw.ts, validated once per process. The
// compiled CLI has lib/firmware/fw-commands-compiled.ts instead: the same
// entries, validated when the CLI was built (scripts/build-cli.mjs).
import type { FwCommand } from '../../schema/fw-model.ts';
import { fwCommands } from '../../schema/fw.ts';
import { parseFwCommands } from './fw-parse.ts';

let cached: FwCommand[] | undefined;

export function validFwCommands(): FwCommand[] {
  cached ??= parseFwCommands(fwCommands);
  return cached;
}
