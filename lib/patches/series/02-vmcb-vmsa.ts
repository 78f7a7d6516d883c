// Patch 2: name the SEV-ES fields of Xen's VMCB, add the missing exit codes,
// and add the VMSA layout (with the spec's VMCB layout it is written in terms of).
import { UserError } from '../../errors.ts';
import { installGenerated } from '../generated-file.ts';
import { insertAfter, insertBefore, lineContaining, replaceOnce } from '../edit.ts';
import type { PatchContext, PatchDef } from '../types.ts';
import {
  assertionLines,
  enumBlock,
  insertExitCodes,
  missingExitCodes,
  renderControlWindow,
  type ExitCode,
} from '../xen-vmcb.ts';
import { specList } from './01-ghcb.ts';
import { SEV_C_ASSERTIONS_END, SEV_C_INCLUDES_END, sevCPath } from './sev-c.ts';

const NPF = 0x400;

/** Names upstream Xen gave control-area fields, where they differ from the spec's. */
const XEN_NAMES: Record<string, string> = { bus_lock_counter: 'bus_lock_count' };

/** Members Xen already declares in a span of vmcb_struct, by offset comment. */
function xenNamesByOffset(span: string): Record<number, string> {
  const out: Record<number, string> = {};
  for (const m of span.matchAll(/\b([a-z_][a-z0-9_]*)(?:\[\d+\])?;\s*\/\* offset (0x[0-9A-Fa-f]+)/g)) {
    if (!/^res/.test(m[1]!)) out[Number(m[2])] = m[1]!;
  }
  return out;
}

function spanOfLines(text: string, first: RegExp, last: RegExp, file: string): string {
  const lines = text.split('\n');
  const a = lines.findIndex((l) => first.test(l));
  const b = lines.findIndex((l, i) => i >= a && last.test(l));
  if (a < 0 || b < 0) throw new UserError(`${file}: vmcb_struct has no padding matching ${String(first)} .. ${String(last)}`);
  return `${lines.slice(a, b + 1).join('\n')}\n`;
}

interface VmcbEdit {
  named: { name: string; offset: number }[];
  codes: ExitCode[];
}

function editVmcbHeader(ctx: PatchContext): VmcbEdit {
  const named: VmcbEdit['named'] = [];
  let codes: ExitCode[] = [];
  ctx.edit(ctx.target.layout.vmcbHeader, (text, file) => {
    // 0x98..0xA8: the AVIC APIC BAR and the GHCB GPA.
    const w1 = renderControlWindow(ctx.model, { start: 0x98, end: 0xa8, namedEnd: 0xa8 });
    text = replaceOnce(text, '    u64 res08[2];\n', `${w1.lines.join('\n')}\n`, file);
    named.push(...w1.named);

    // 0xE0..0x400: name everything up to the SEV feature words, pad the rest.
    const span = spanOfLines(text, /^\s+u64 res10a\[\d+\];/, /pad to save area \*\/$/, file);
    const keep = xenNamesByOffset(span);
    // Xen's name for a field it already has (staging: bus_lock_count) wins,
    // in every target, so that the series reads the same on each branch.
    const rename: Record<string, string> = { ...XEN_NAMES };
    const ctl = ctx.model.structs.get('vmcb_control_area')!;
    for (const f of ctl.fields) if (keep[f.offset]) rename[f.name] = keep[f.offset]!;
    const w2 = renderControlWindow(ctx.model, { start: 0xe0, end: 0x400, namedEnd: 0x148, rename, padNote: 'pad to save area' });
    text = replaceOnce(text, span, `${w2.lines.join('\n')}\n`, file);
    named.push(...w2.named.filter((n) => !Object.values(keep).includes(n.name)));

    const { start, end } = enumBlock(text, file);
    codes = missingExitCodes(ctx.model, text.slice(start, end));
    return text.slice(0, start) + insertExitCodes(text.slice(start, end), codes, file) + text.slice(end);
  });
  return { named, codes };
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
    text = replaceOnce(text, line, `#define VMEXIT_NPF_PERFC ${npfPerfc}`, file);
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

function editBuildAssertions(ctx: PatchContext, named: VmcbEdit['named']): void {
  ctx.edit(ctx.target.layout.vmcbC, (text, file) => {
    const anchor = lineContaining(text, 'offsetof(typeof(vmcb), event_inj)', file);
    const width = /typeof\(vmcb\), (.*)!=/.exec(anchor)![1]!.length;
    const lines = assertionLines(
      [...named].sort((a, b) => a.offset - b.offset),
      width,
    );
    return insertAfter(text, `${anchor}\n`, `${lines.join('\n')}\n`, file);
  });
}

export const vmcbVmsaPatch: PatchDef = {
  id: 'vmcb-vmsa',
  subject: 'x86/svm: name the SEV-ES VMCB fields and add the VMSA layout',
  needs: ['generated/c/vmcb.h', 'generated/c/vmsa.h'],
  body: (ctx) => [
    'Running an SEV-ES guest needs VMCB fields Xen still covers with padding: ' +
      'the guest physical address of the GHCB at 0xA0, the VMSA pointer at 0x108, ' +
      'the VMGEXIT RAX/CPL words and the SEV feature masks. Give them their names ' +
      'from the AMD APM (Appendix B, Table B-1), together with the AVIC fields ' +
      'around them, and extend build_assertions() with their offsets.',
    'Add the exit codes the enum lacks, VMEXIT_VMGEXIT (0x403) among them, and ' +
      'grow VMEXIT_NPF_PERFC and SVM_PERF_EXIT_REASON_SIZE as the comments next to ' +
      'the enum ask, so that the new exits are counted rather than dropped by ' +
      'perfc_incra().',
    'The encrypted register state of an SEV-ES vCPU lives in the VM Save Area, ' +
      `whose layout Xen does not have. Add it as ${ctx.target.layout.svmHeaderDir}/sev-vmsa.h, ` +
      'generated by xen-sev-codegen, with the specification VMCB layout it is ' +
      'written in terms of (sev-vmcb.h: struct vmcb_seg and friends, next to ' +
      "Xen's own vmcb_struct rather than replacing it). Both are generated from:",
    ...specList(ctx, [['vmcb', 'sev-vmcb.h'], ['vmsa', 'sev-vmsa.h']]),
    'Their offsets are BUILD_BUG_ON()s in vmcb_build_assertions() and ' +
      'vmsa_build_assertions(), called from sev.c.',
    'No functional change.',
  ],
  apply: (ctx) => {
    const dir = ctx.target.layout.svmHeaderDir;
    const inc = ctx.target.layout.svmInclude;
    installGenerated(ctx, { from: 'generated/c/vmcb.h', to: `${dir}/sev-vmcb.h` });
    installGenerated(ctx, { from: 'generated/c/vmsa.h', to: `${dir}/sev-vmsa.h` }, { 'vmcb.h': inc('sev-vmcb.h') });
    const { named, codes } = editVmcbHeader(ctx);
    editPerfCounters(ctx, codes);
    editBuildAssertions(ctx, named);
    ctx.edit(sevCPath(ctx), (text, file) => {
      text = insertBefore(text, SEV_C_INCLUDES_END, `#include ${inc('sev-vmcb.h')}\n#include ${inc('sev-vmsa.h')}\n`, file);
      return insertBefore(text, SEV_C_ASSERTIONS_END, '    vmcb_build_assertions();\n    vmsa_build_assertions();\n', file);
    });
  },
};
