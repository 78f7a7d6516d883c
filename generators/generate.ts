// Every emitter, run over one elaborated model.
import type { EModel } from './elaborate/model.ts';
import type { OutputFile } from './emit/common.ts';
import { emitLayoutProbe } from './emit/c-probe/emit.ts';
import { emitCoverageDoc } from './emit/docs/emit.ts';
import { PRODUCT_EMITTERS, type Emitter } from './emitters.ts';
import { assertUniquePaths } from './write.ts';

/** Directories whose whole contents `generate` owns (stale files there are removed). */
export const OWNED_DIRS = ['generated'] as const;

const EMITTERS: readonly Emitter[] = [...PRODUCT_EMITTERS, emitLayoutProbe, emitCoverageDoc];

export function generateAll(model: EModel): OutputFile[] {
  const files = EMITTERS.flatMap((emit) => emit(model)).sort((a, b) => a.path.localeCompare(b.path));
  assertUniquePaths(files);
  return files;
}
