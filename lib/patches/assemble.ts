// Applies one patch of the series to the scratch tree: its new files from
// xen-overlay/files/, its hunks for the target, the model-rendered edits, and
// every generated header placed so far re-rendered with only what the
// series' code now uses.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { emitXenHeader } from '../../generators/emit/xen-header/emit.ts';
import { UserError } from '../errors.ts';
import { REPO_ROOT } from '../paths.ts';
import { git } from '../xen-tree/git.ts';
import { diffPaths, hunkPath, overlayFile } from './overlay.ts';
import type { GeneratedHeader, PatchContext, PatchDef } from './types.ts';
import { identifiers } from './used.ts';

/** What the series has placed so far, carried from patch to patch. */
export interface SeriesState {
  /** Tree paths of the series' hand-written C (new files and files its hunks edit). */
  code: Set<string>;
  headers: GeneratedHeader[];
}

function usedIdentifiers(ctx: PatchContext, state: SeriesState): Set<string> {
  const used = new Set<string>();
  for (const path of state.code) {
    if (!/\.[ch]$/.test(path) || !ctx.exists(path)) continue;
    for (const id of identifiers(ctx.read(path))) used.add(id);
  }
  return used;
}

export async function applyPatch(ctx: PatchContext, dir: string, patch: PatchDef, state: SeriesState): Promise<void> {
  for (const path of patch.files) {
    if (ctx.exists(path)) throw new UserError(`${path}: already in the Xen tree (is the series already applied?)`);
    ctx.write(path, overlayFile(path));
    state.code.add(path);
  }
  for (const src of patch.sources ?? []) {
    const file = join(REPO_ROOT, src.from);
    if (!existsSync(file)) throw new UserError(`${src.from} does not exist: run \`npm run generate\``);
    let text = readFileSync(file, 'utf8');
    for (const [from, to] of Object.entries(src.includes ?? {})) {
      const line = `#include "${from}"`;
      if (!text.includes(line)) throw new UserError(`${src.from}: does not include "${from}" as the series expects`);
      text = text.split(line).join(`#include "${to}"`);
    }
    ctx.write(src.to, text);
    state.code.add(src.to);
  }
  const hunks = hunkPath(ctx.target.id, patch.id);
  if (hunks !== null) {
    try {
      await git(dir, ['apply', '--whitespace=nowarn', hunks]);
    } catch (e) {
      throw new UserError(`xen-overlay/targets/${ctx.target.id}/${basename(hunks)} does not apply to this tree: ${(e as Error).message.split('\n').pop()}`);
    }
    for (const p of diffPaths(readFileSync(hunks, 'utf8'))) state.code.add(p);
  }
  state.headers.push(...patch.headers);
  const used = usedIdentifiers(ctx, state);
  patch.edit?.(ctx, used);
  for (const h of state.headers) {
    const name = h.path.split('/').pop()!;
    const out = emitXenHeader(ctx.model, { module: h.module, title: h.title, fileName: name, guard: h.guard, used });
    if (out.defined.length === 0) throw new Error(`${h.path}: the series' code uses none of schema module ${h.module}`);
    ctx.write(h.path, out.contents);
  }
}
