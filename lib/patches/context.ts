// The PatchContext a patch module works through: files of the scratch Xen
// tree, nothing else.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EModel } from '../../generators/elaborate/model.ts';
import { UserError } from '../errors.ts';
import type { Target } from '../xen-tree/targets.ts';
import type { XenVersion } from '../xen-tree/version.ts';
import type { PatchContext } from './types.ts';

export function createContext(tree: string, target: Target, version: XenVersion, model: EModel): PatchContext {
  const inTree = (p: string): string => join(tree, p);
  const read = (p: string): string => {
    if (!existsSync(inTree(p))) throw new UserError(`${p}: not in the Xen tree (is this the right Xen version?)`);
    return readFileSync(inTree(p), 'utf8');
  };
  const write = (p: string, contents: string): void => {
    mkdirSync(dirname(inTree(p)), { recursive: true });
    writeFileSync(inTree(p), contents);
  };
  return {
    target,
    version,
    model,
    exists: (p) => existsSync(inTree(p)),
    path: inTree,
    read,
    write,
    edit: (p, change) => {
      const before = read(p);
      const after = change(before, p);
      if (after === before) throw new Error(`${p}: edit changed nothing`);
      write(p, after);
    },
  };
}
