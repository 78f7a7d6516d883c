// xen/arch/x86/hvm/svm/sev.c: the SEV-ES file the series grows patch by
// patch. Patch 1 creates it; later patches add to the marked places.
import type { PatchContext } from '../types.ts';
import { EMACS_TRAILER } from '../xen-c.ts';

export function sevCPath(ctx: PatchContext): string {
  return `${ctx.target.layout.svmDir}/sev.c`;
}

/** Lines later patches insert before. */
export const SEV_C_INCLUDES_END = '\nstatic void __init __maybe_unused build_assertions(void)\n';
export const SEV_C_ASSERTIONS_END = '}\n\n/*\n * Local variables:';

export function initialSevC(ctx: PatchContext, headers: string[], assertionCalls: string[]): string {
  return [
    '/* SPDX-License-Identifier: GPL-2.0-only */',
    '/*',
    ' * sev.c: AMD SEV-ES and SEV-SNP support for SVM guests.',
    ' *',
    ' * The layouts used here are generated from the AMD specifications by',
    ' * xen-sev-codegen; build_assertions() re-checks every offset and size',
    ' * against the values the specifications give on each build.',
    ' */',
    '',
    '#include <xen/init.h>',
    '#include <xen/lib.h>',
    '',
    ...headers.map((h) => `#include ${ctx.target.layout.svmInclude(h)}`),
    '',
    'static void __init __maybe_unused build_assertions(void)',
    '{',
    ...assertionCalls.map((c) => `    ${c}();`),
    '}',
    '',
    EMACS_TRAILER,
  ].join('\n');
}
