// lib/firmware/fw-commands.ts as the compiled CLI has it: scripts/build-cli.mjs
// validates schema/fw.ts when it builds the CLI and writes the entries as
// JSON to fw-commands.json beside the compiled chunks, so commands that read
// the firmware tables (explain, fw, psp) neither load zod nor validate on
// every start. Same exports as fw-commands.ts. When the tables do not
// validate, the build keeps fw-commands.ts, and the error shows when a
// command runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FwCommand } from '../../schema/fw-model.ts';

let cached: FwCommand[] | undefined;

export function validFwCommands(): FwCommand[] {
  // import.meta.dirname: the directory of the compiled chunk this ends up in.
  cached ??= JSON.parse(readFileSync(join(import.meta.dirname, 'fw-commands.json'), 'utf8')) as FwCommand[];
  return cached;
}
