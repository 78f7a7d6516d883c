// Small pieces of C text in Xen's own style that more than one patch writes.

/** The trailer Xen's C files carry for editors. */
export const EMACS_TRAILER = [
  '/*',
  ' * Local variables:',
  ' * mode: C',
  ' * c-file-style: "BSD"',
  ' * c-basic-offset: 4',
  ' * tab-width: 4',
  ' * indent-tabs-mode: nil',
  ' * End:',
  ' */',
  '',
].join('\n');

/** Adds `obj-y += name.o` to a Makefile's obj-y list in alphabetical order. */
export function addObject(makefile: string, object: string, file: string): string {
  const lines = makefile.split('\n');
  const entry = `obj-y += ${object}`;
  if (lines.includes(entry)) throw new Error(`${file}: already builds ${object}`);
  const objLines = lines.map((l, i) => ({ l, i })).filter(({ l }) => /^obj-(bin-)?y \+= /.test(l));
  if (objLines.length === 0) throw new Error(`${file}: no obj-y list`);
  const after = objLines.filter(({ l }) => l.replace(/^obj-(bin-)?y \+= /, '') < object).pop();
  const at = after ? after.i + 1 : objLines[0]!.i;
  lines.splice(at, 0, entry);
  return lines.join('\n');
}
