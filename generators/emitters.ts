// The emitters of the product: everything generated/ ships to users (headers,
// codecs, JSON, libxl/xl pieces). Reports about the product (the coverage
// page) and test artefacts (the layout probe) are added in generate.ts; the
// coverage report reads this list to know what is "generated".
import type { EModel } from './elaborate/model.ts';
import type { OutputFile } from './emit/common.ts';
import { emitCHeaders } from './emit/c-headers/emit.ts';
import { emitCCodec } from './emit/c-codec/emit.ts';
import { emitCVmgexit } from './emit/c-vmgexit/emit.ts';
import { emitJson } from './emit/json/emit.ts';
import { emitLibxl } from './emit/libxl/emit.ts';
import { emitTsCodec } from './emit/ts-codec/emit.ts';

export type Emitter = (model: EModel) => OutputFile[];

export const PRODUCT_EMITTERS: readonly Emitter[] = [emitCHeaders, emitCCodec, emitCVmgexit, emitJson, emitLibxl, emitTsCodec];

const outputs = new WeakMap<EModel, readonly OutputFile[]>();

/** What the product emitters make of `model`, computed once per model (generation and the coverage report both need it). */
export function productFiles(model: EModel): readonly OutputFile[] {
  let files = outputs.get(model);
  if (!files) {
    files = PRODUCT_EMITTERS.flatMap((emit) => emit(model));
    outputs.set(model, files);
  }
  return files;
}
