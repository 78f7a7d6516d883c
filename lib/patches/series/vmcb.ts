// Edits of Xen's own VMCB definitions for the fields and exit codes the
// series' code uses: names for control-area padding, enum VMEXIT_EXITCODE
// entries, the perf counter sizes and build_assertions() lines, all rendered
// from the model (lib/patches/xen-vmcb.ts) in the surrounding Xen style.
import { insertAfter, lineContaining, replaceOnce } from '../edit.ts';
import type { PatchContext } from '../types.ts';
import { assertionLines, enumBlock, insertExitCodes, missingExitCodes, renderControlWindow, type ExitCode } from '../xen-vmcb.ts';

const NPF = 0x400;

export interface VmcbChange {
  named: { name: string; offset: number }[];
  codes: ExitCode[];
}

/** Names the used fields of the 0x98..0xA8 padding and adds the used exit codes. */
export function editVmcb(ctx: PatchContext, used: ReadonlySet<string>): VmcbChange {
  const change: VmcbChange = { named: [], codes: [] };
  ctx.edit(ctx.target.layout.vmcbHeader, (text, file) => {
    const w = renderControlWindow(ctx.model, { start: 0x98, end: 0xa8, namedEnd: 0xa8, only: used, padNames: { 0x98: 'res08' } });
    if (w.named.length > 0) {
      text = replaceOnce(text, '    u64 res08[2];\n', `${w.lines.join('\n')}\n`, file);
      change.named.push(...w.named);
    }
    const { start, end } = enumBlock(text, file);
    change.codes = missingExitCodes(ctx.model, text.slice(start, end)).filter((c) => used.has(c.xenName));
    return text.slice(0, start) + insertExitCodes(text.slice(start, end), change.codes, file) + text.slice(end);
  });
  if (change.codes.length > 0) editPerfCounters(ctx, change.codes);
  if (change.named.length > 0) editBuildAssertions(ctx, change.named);
  return change;
}

function editPerfCounters(ctx: PatchContext, codes: ExitCode[]): void {
  const below = codes.filter((c) => c.value < NPF).map((c) => c.value);
  const above = codes.filter((c) => c.value > NPF).map((c) => c.value);
  ctx.edit(ctx.target.layout.perfcDefn, (text, file) => {
    const line = lineContaining(text, /^#define VMEXIT_NPF_PERFC \d+$/, file);
    const old = Number(line.split(' ').pop());
    // Counters are indexed by exit code below VMEXIT_NPF, and from
    // VMEXIT_NPF_PERFC on for the 0x400 block.
    const npfPerfc = Math.max(old, ...below.map((v) => v + 1));
    if (npfPerfc !== old) text = replaceOnce(text, line, `#define VMEXIT_NPF_PERFC ${npfPerfc}`, file);
    if (above.length > 0) {
      const span = Math.max(...above) - NPF + 1;
      text = replaceOnce(
        text,
        '#define SVM_PERF_EXIT_REASON_SIZE (VMEXIT_NPF_PERFC + 1)',
        `#define SVM_PERF_EXIT_REASON_SIZE (VMEXIT_NPF_PERFC + ${span})`,
        file,
      );
    }
    return text;
  });
}

function editBuildAssertions(ctx: PatchContext, named: VmcbChange['named']): void {
  ctx.edit(ctx.target.layout.vmcbC, (text, file) => {
    const anchor = lineContaining(text, 'offsetof(typeof(vmcb), event_inj)', file);
    const width = /typeof\(vmcb\), (.*)!=/.exec(anchor)![1]!.length;
    const lines = assertionLines([...named].sort((a, b) => a.offset - b.offset), width);
    return insertAfter(text, `${anchor}\n`, `${lines.join('\n')}\n`, file);
  });
}
