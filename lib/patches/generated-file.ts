// Copies a generated file into the Xen tree: the banner is adapted to say how
// to regenerate it from there, and includes of sibling generated headers are
// pointed at their names in the tree. The definitions are not touched.
import { basename } from 'node:path';
import { UserError } from '../errors.ts';
import type { PatchContext } from './types.ts';

export interface Placement {
  /** generated/c/ghcb.h */
  from: string;
  /** xen/arch/x86/include/asm/hvm/svm/sev-ghcb.h */
  to: string;
}

export function installGenerated(
  ctx: PatchContext,
  placement: Placement,
  includes: Record<string, string> = {},
): void {
  let text = ctx.generated(placement.from);
  const doNotEdit = /^ \* Do not edit: change the schema or the generator and run `npm run generate`\.$/m;
  if (!doNotEdit.test(text)) {
    throw new UserError(`${placement.from}: banner has no "Do not edit" line; the patch builder cannot adapt it`);
  }
  text = text.replace(
    doNotEdit,
    [
      ` * Do not edit: change the schema in xen-sev-codegen, run \`npm run generate\``,
      ` * and rebuild this series with \`xen-sev patches\`. Copied here as ${basename(placement.to)}.`,
    ].join('\n'),
  );
  for (const m of text.matchAll(/^#include "([^"]+)"$/gm)) {
    if (!(m[1]! in includes)) {
      throw new UserError(`${placement.from}: includes "${m[1]}", which the series does not place in the Xen tree`);
    }
  }
  for (const [name, replacement] of Object.entries(includes)) {
    const line = `#include "${name}"`;
    if (!text.includes(line)) throw new UserError(`${placement.from}: does not include "${name}" as the series expects`);
    text = text.split(line).join(`#include ${replacement}`);
  }
  ctx.write(placement.to, text);
  ctx.placed.push({ from: placement.from, to: placement.to });
}
