// generators/model.ts as the compiled CLI has it: scripts/build-cli.mjs
// elaborates the schema when it builds the CLI and writes the model as data
// (see snapshot.ts) to model.json beside the compiled chunks, so commands
// that read the model do not load zod or elaborate on every start. A file
// rather than a string in the bundle: JSON.parse of a file is all it costs,
// where a 700 KB string literal is also parsed as JavaScript at every start.
// Same exports as model.ts. When the schema does not elaborate, the build
// keeps model.ts, and the error shows when a command runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EModel } from './elaborate/model.ts';
import { modelFromSnapshot, type Snapshot } from './snapshot.ts';

let cached: EModel | undefined;

export function projectModel(): EModel {
  // import.meta.dirname: the directory of the compiled chunk this ends up in.
  cached ??= modelFromSnapshot(JSON.parse(readFileSync(join(import.meta.dirname, 'model.json'), 'utf8')) as Snapshot);
  return cached;
}
