// lib/firmware/fw-commands.ts as the compiled CLI has it: scripts/build-cli.mjs
// validates schema/fw.ts when it builds the CLI and puts the entries in as
// JSON, so commands that read the firmware tables (explain, fw, psp) neither
// load zod nor validate on every start. Same exports as fw-commands.ts. When
// the tables do not validate, the build keeps fw-commands.ts, and the error
// shows when a command runs.
import type { FwCommand } from '../../schema/fw-model.ts';

/** The validated entries as JSON text, put in by scripts/build-cli.mjs (esbuild define). */
declare const XEN_SEV_FW_COMMANDS: string;

let cached: FwCommand[] | undefined;

export function validFwCommands(): FwCommand[] {
  cached ??= JSON.parse(XEN_SEV_FW_COMMANDS) as FwCommand[];
  return cached;
}
