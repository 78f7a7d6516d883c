// Every emitter, run over one elaborated model.
import type { EModel } from './elaborate/model.ts';
import type { OutputFile } from './emit/common.ts';
import { emitLayoutProbe } from './emit/c-probe/emit.ts';
import { emitCoverageDoc } from './emit/docs/emit.ts';
import { productFiles, type Emitter } from './emitters.ts';
import { assertUniquePaths } from './write.ts';

/** Directories whose whole contents `generate` owns (stale files there are removed). */
export const OWNED_DIRS = ['generated'] as const;

/** Test artefacts and reports about the product, beside the product itself. */
const OTHER_EMITTERS: readonly Emitter[] = [emitLayoutProbe, emitCoverageDoc];

export function generateAll(model: EModel): OutputFile[] {
  const files = [...productFiles(model), ...OTHER_EMITTERS.flatMap((emit) => emit(model))].sort((a, b) => a.path.localeCompare(b.path));
  assertUniquePaths(files);
  return files;
}
