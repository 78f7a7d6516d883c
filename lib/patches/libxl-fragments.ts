// Places the generated libxl/xl fragments (generated/libxl/, see
// lib/xlcfg/fragments.ts for the manifest) into the Xen tree, a chosen
// subset per patch, each before or after its anchor line.
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { REPO_ROOT } from '../paths.ts';
import { fragmentBody, readManifest, type FragmentPlacement } from '../xlcfg/fragments.ts';
import type { PatchContext } from './types.ts';

const LIBXL_DIR = join(REPO_ROOT, 'generated', 'libxl');

export function fragmentsFor(filter: (p: FragmentPlacement) => boolean): FragmentPlacement[] {
  return readManifest(LIBXL_DIR).filter(filter);
}

export function placeFragments(ctx: PatchContext, placements: FragmentPlacement[]): void {
  if (placements.length === 0) throw new UserError('generated/libxl/fragments.json places nothing for this patch');
  for (const p of placements) {
    ctx.edit(p.target, (text, file) => {
      const lines = text.split('\n');
      const hits = lines.flatMap((l, i) => (l === p.anchor ? [i] : []));
      if (hits.length !== 1) {
        throw new UserError(`${file}: anchor of ${p.fragment} found ${hits.length} times (need exactly once): ${p.anchor}`);
      }
      lines.splice(p.where === 'before' ? hits[0]! : hits[0]! + 1, 0, ...fragmentBody(LIBXL_DIR, p));
      return lines.join('\n');
    });
    ctx.placed.push({ from: `generated/libxl/${p.fragment}`, to: p.target });
  }
}
