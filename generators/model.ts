// The elaborated model of the project's schema, built once per process.
import { schemaModules } from '../schema/index.ts';
import { elaborate } from './elaborate/elaborate.ts';
import type { EModel } from './elaborate/model.ts';

let cached: EModel | undefined;

export function projectModel(): EModel {
  cached ??= elaborate(schemaModules);
  return cached;
}
