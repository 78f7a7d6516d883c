// Every emitter, run over one elaborated model.
import type { EModel } from './elaborate/model.ts';
import type { OutputFile } from './emit/common.ts';
import { emitCHeaders } from './emit/c-headers/emit.ts';
import { emitLayoutProbe } from './emit/c-probe/emit.ts';
import { emitJson } from './emit/json/emit.ts';
import { emitLibxl } from './emit/libxl/emit.ts';
import { assertUniquePaths } from './write.ts';

/** Directories whose whole contents `generate` owns (stale files there are removed). */
export const OWNED_DIRS = ['generated'] as const;

const EMITTERS: ((model: EModel) => OutputFile[])[] = [emitCHeaders, emitLayoutProbe, emitJson, emitLibxl];

export function generateAll(model: EModel): OutputFile[] {
  const files = EMITTERS.flatMap((emit) => emit(model)).sort((a, b) => a.path.localeCompare(b.path));
  assertUniquePaths(files);
  return files;
}
