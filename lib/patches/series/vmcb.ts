// Edits of Xen's own VMCB definitions for the fields and exit codes the
// series' code uses: names for control-area padding, enum VMEXIT_EXITCODE
// entries, the perf counter sizes and build_assertions() lines, all rendered
// from the model (lib/patches/xen-vmcb.ts) in the surrounding Xen style.
import { insertAfter, lineContaining, replaceOnce } from '../edit.ts';
import type { PatchContext } from '../types.ts';
import { assertionLines, enumBlock, insertExitCodes, insertGeneral2Intercepts, missingExitCodes, renderControlWindow, type ExitCode } from '../xen-vmcb.ts';

const NPF = 0x400;

export interface VmcbChange {
  named: { name: string; offset: number }[];
  codes: ExitCode[];
}

// Xen's padding from 0xE0: up to bus_lock_count (0x120) in staging, to the
// save area (0x400) in 4.17.
const RES10A = /^ {4}u64 res10a\[(\d+)\]; +\/\* offset 0xE0( pad to save area)? \*\/\n/m;

/**
 * Names the used fields of Xen's control-area padding (0x98..0xA8 and the
 * res10a run from 0xE0) and adds the used exit codes and GENERAL2 intercepts.
 * Names a field only once: a later patch finds it named already.
 */
export function editVmcb(ctx: PatchContext, used: ReadonlySet<string>): VmcbChange {
  const change: VmcbChange = { named: [], codes: [] };
  ctx.edit(ctx.target.layout.vmcbHeader, (text, file) => {
    const w = renderControlWindow(ctx.model, { start: 0x98, end: 0xa8, namedEnd: 0xa8, only: used, padNames: { 0x98: 'res08' } });
    if (w.named.length > 0 && text.includes('    u64 res08[2];\n')) {
      text = replaceOnce(text, '    u64 res08[2];\n', `${w.lines.join('\n')}\n`, file);
      change.named.push(...w.named);
    }
    const pad = RES10A.exec(text);
    if (pad) {
      const end = 0xe0 + 8 * Number(pad[1]);
      const note = pad[2] ? 'pad to save area' : undefined;
      const r = renderControlWindow(ctx.model, { start: 0xe0, end, namedEnd: end, only: used, padNames: { 0xe0: 'res10a' }, padNote: note });
      if (r.named.length > 0) {
        text = replaceOnce(text, pad[0], `${r.lines.join('\n')}\n`, file);
        change.named.push(...r.named);
      }
    }
    text = insertIntercepts(ctx, text, used, file);
    const { start, end } = enumBlock(text, file);
    change.codes = missingExitCodes(ctx.model, text.slice(start, end)).filter((c) => used.has(c.xenName));
    return text.slice(0, start) + insertExitCodes(text.slice(start, end), change.codes, file) + text.slice(end);
  });
  if (change.codes.length > 0 && perfCountersChange(ctx.read(ctx.target.layout.perfcDefn), change.codes, ctx.target.layout.perfcDefn) !== null) {
    editPerfCounters(ctx, change.codes);
  }
  if (change.named.length > 0) editBuildAssertions(ctx, change.named);
  return change;
}

function insertIntercepts(ctx: PatchContext, text: string, used: ReadonlySet<string>, file: string): string {
  return insertGeneral2Intercepts(ctx.model, text, used, file);
}

function editPerfCounters(ctx: PatchContext, codes: ExitCode[]): void {
  ctx.edit(ctx.target.layout.perfcDefn, (text, file) => perfCountersChange(text, codes, file)!);
}

/** perfc_defn.h with room for the exit codes' counters, or null if it has room already. */
function perfCountersChange(original: string, codes: ExitCode[], file: string): string | null {
  const below = codes.filter((c) => c.value < NPF).map((c) => c.value);
  const above = codes.filter((c) => c.value > NPF).map((c) => c.value);
  let text = original;
  const line = lineContaining(text, /^#define VMEXIT_NPF_PERFC \d+$/, file);
  const old = Number(line.split(' ').pop());
  // Counters are indexed by exit code below VMEXIT_NPF, and from
  // VMEXIT_NPF_PERFC on for the 0x400 block.
  const npfPerfc = Math.max(old, ...below.map((v) => v + 1));
  if (npfPerfc !== old) text = replaceOnce(text, line, `#define VMEXIT_NPF_PERFC ${npfPerfc}`, file);
  if (above.length > 0) {
    const span = Math.max(...above) - NPF + 1;
    const size = '#define SVM_PERF_EXIT_REASON_SIZE (VMEXIT_NPF_PERFC + 1)';
    // A later patch finds the room an earlier one made.
    if (text.includes(size)) text = replaceOnce(text, size, `#define SVM_PERF_EXIT_REASON_SIZE (VMEXIT_NPF_PERFC + ${span})`, file);
  }
  return text === original ? null : text;
}

function editBuildAssertions(ctx: PatchContext, named: VmcbChange['named']): void {
  ctx.edit(ctx.target.layout.vmcbC, (text, file) => {
    const anchor = lineContaining(text, 'offsetof(typeof(vmcb), event_inj)', file);
    const width = /typeof\(vmcb\), (.*)!=/.exec(anchor)![1]!.length;
    const lines = assertionLines([...named].sort((a, b) => a.offset - b.offset), width);
    return insertAfter(text, `${anchor}\n`, `${lines.join('\n')}\n`, file);
  });
}
