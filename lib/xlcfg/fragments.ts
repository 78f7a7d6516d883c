// Inserts the generated libxl/xl fragments (generated/libxl/fragments.json)
// into a Xen tree: each body goes before or after its anchor line, which must
// occur exactly once in the target file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';

export interface FragmentPlacement {
  fragment: string;
  target: string;
  where: 'before' | 'after';
  anchor: string;
  headerLines: number;
}

export function readManifest(generatedDir: string): FragmentPlacement[] {
  const m = JSON.parse(readFileSync(join(generatedDir, 'fragments.json'), 'utf8')) as { fragments: FragmentPlacement[] };
  return m.fragments;
}

/** The lines a fragment adds (its file minus the header and the final newline). */
export function fragmentBody(generatedDir: string, p: FragmentPlacement): string[] {
  const lines = readFileSync(join(generatedDir, p.fragment), 'utf8').replace(/\n$/, '').split('\n');
  return lines.slice(p.headerLines);
}

/** Applies every fragment to the tree at `root`, in manifest order; returns the files changed. */
export function applyFragments(root: string, generatedDir: string): string[] {
  const changed = new Set<string>();
  for (const p of readManifest(generatedDir)) {
    const file = join(root, p.target);
    const lines = readFileSync(file, 'utf8').split('\n');
    const hits = lines.flatMap((l, i) => (l === p.anchor ? [i] : []));
    if (hits.length !== 1) throw new UserError(`${p.target}: anchor of ${p.fragment} found ${hits.length} times (need exactly once): ${p.anchor}`);
    const at = p.where === 'before' ? hits[0]! : hits[0]! + 1;
    lines.splice(at, 0, ...fragmentBody(generatedDir, p));
    writeFileSync(file, lines.join('\n'));
    changed.add(p.target);
  }
  return [...changed];
}
