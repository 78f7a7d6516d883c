// generators/model.ts as the compiled CLI has it: scripts/build-cli.mjs
// elaborates the schema when it builds the CLI and puts the model in as data
// (see snapshot.ts), so commands that read the model do not load zod or
// elaborate on every start. Same exports as model.ts. When the schema does
// not elaborate, the build keeps model.ts, and the error shows when a command runs.
import type { EModel } from './elaborate/model.ts';
import { modelFromSnapshot, type Snapshot } from './snapshot.ts';

/** The snapshot as JSON text, put in by scripts/build-cli.mjs (esbuild define). */
declare const XEN_SEV_MODEL_SNAPSHOT: string;

let cached: EModel | undefined;

export function projectModel(): EModel {
  cached ??= modelFromSnapshot(JSON.parse(XEN_SEV_MODEL_SNAPSHOT) as Snapshot);
  return cached;
}
