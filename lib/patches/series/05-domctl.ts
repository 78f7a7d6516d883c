// Patch 5: the hypervisor interface a toolstack creates an encrypted guest
// through (XEN_DOMCTL_CDF_coco and the x86 kind), refused by Xen until it can
// run such a guest. Hand-written against the tree: the kinds come from
// schema/coco-config.ts, the flag's bit and the interface version from the tree.
import { cocoConfig } from '../../../schema/coco-config.ts';
import { UserError } from '../../errors.ts';
import { insertBefore, lineContaining, replaceOnce } from '../edit.ts';
import type { PatchContext, PatchDef } from '../types.ts';

const DOMCTL_H = 'xen/include/public/domctl.h';
const ARCH_X86_H = 'xen/include/public/arch-x86/xen.h';
const COMMON_DOMAIN_C = 'xen/common/domain.c';
const X86_DOMAIN_C = 'xen/arch/x86/domain.c';
const OCAML_XC = 'tools/ocaml/libs/xc';

/** The public name of a coco kind in struct xen_arch_domainconfig. */
export function cocoKindMacro(idl: string): string {
  return `XEN_X86_COCO_${idl.toUpperCase()}`;
}

const kinds = () => cocoConfig.kinds;
const lastKind = () => kinds()[kinds().length - 1]!;

/** The create flag XEN_DOMCTL_CDF_MAX names in this tree, and its bit. */
function lastCreateFlag(text: string, file: string): { name: string; bit: number } {
  const max = lineContaining(text, /^#define XEN_DOMCTL_CDF_MAX XEN_DOMCTL_CDF_\w+$/, file);
  const name = max.split(' ').pop()!.replace('XEN_DOMCTL_CDF_', '');
  const def = lineContaining(text, new RegExp(`^#define XEN_DOMCTL_CDF_${name}\\s+\\(1U\\s*<<\\s*\\d+\\)$`), file);
  return { name, bit: Number(/<<\s*(\d+)\)$/.exec(def)![1]) };
}

/** Adds the flag as the new max and bumps the interface version; returns the flag it displaces as max. */
function editDomctl(ctx: PatchContext): string {
  let last = '';
  ctx.edit(DOMCTL_H, (text, file) => {
    const flag = lastCreateFlag(text, file);
    last = flag.name;
    const version = /^#define XEN_DOMCTL_INTERFACE_VERSION 0x([0-9a-f]{8})$/m.exec(text)?.[1];
    if (version === undefined) throw new UserError(`${file}: no XEN_DOMCTL_INTERFACE_VERSION line`);
    const bumped = (parseInt(version, 16) + 1).toString(16).padStart(8, '0');
    text = replaceOnce(text, `INTERFACE_VERSION 0x${version}\n`, `INTERFACE_VERSION 0x${bumped}\n`, file);
    // Trees that record the release of the last bump (staging) get this one's.
    text = text.replace(/^( \* Last version bump: Xen )\d+\.\d+$/m, `$1${ctx.version.major}.${ctx.version.minor}`);
    text = insertBefore(
      text,
      '\n/* Max XEN_DOMCTL_CDF_* constant.  Used for ABI checking. */\n',
      [
        '/*',
        ' * Should the guest be a confidential computing guest, whose memory (and,',
        ' * depending on the kind, register state) the hypervisor cannot read?  The',
        ' * kind is architecture specific: on x86 xen_arch_domainconfig.coco_kind.',
        ' */',
        `#define XEN_DOMCTL_CDF_coco           (1U << ${flag.bit + 1})`,
      ].join('\n') + '\n',
      file,
    );
    return replaceOnce(text, `#define XEN_DOMCTL_CDF_MAX XEN_DOMCTL_CDF_${last}\n`, '#define XEN_DOMCTL_CDF_MAX XEN_DOMCTL_CDF_coco\n', file);
  });
  return last;
}

function editArchConfig(ctx: PatchContext): void {
  const width = Math.max(...kinds().map((k) => cocoKindMacro(k.idl).length)) + 1;
  const defines = kinds().map((k) => `#define ${cocoKindMacro(k.idl).padEnd(width)}${k.value}`);
  ctx.edit(ARCH_X86_H, (text, file) =>
    replaceOnce(
      text,
      '    uint32_t misc_flags;\n};\n',
      [
        '    uint32_t misc_flags;',
        '',
        '/*',
        ' * The kind of confidential computing guest (XEN_DOMCTL_CDF_coco): AMD SEV',
        ' * encrypts guest memory, SEV-ES also the register state, SEV-SNP adds',
        ' * integrity protection.  XEN_X86_COCO_NONE exactly when XEN_DOMCTL_CDF_coco',
        ' * is clear.',
        ' */',
        ...defines,
        `#define ${'XEN_X86_COCO_MAX'.padEnd(width)}${cocoKindMacro(lastKind().idl)}`,
        '    uint32_t coco_kind;',
        '};',
        '',
      ].join('\n'),
      file,
    ),
  );
}

function editCommonSanitise(ctx: PatchContext, last: string): void {
  ctx.edit(COMMON_DOMAIN_C, (text, file) => {
    const line = lineContaining(text, new RegExp(`^ +.*XEN_DOMCTL_CDF_${last}\\) \\)$`), file);
    const indent = /^ */.exec(line)![0];
    return replaceOnce(text, `${line}\n`, `${line.slice(0, -3)} |\n${indent}XEN_DOMCTL_CDF_coco) )\n`, file);
  });
}

function editX86Sanitise(ctx: PatchContext): void {
  ctx.edit(X86_DOMAIN_C, (text, file) =>
    insertBefore(
      text,
      '    if ( config->arch.misc_flags & ~XEN_X86_MSR_RELAXED )\n',
      [
        '    if ( config->arch.coco_kind > XEN_X86_COCO_MAX ||',
        '         !(config->flags & XEN_DOMCTL_CDF_coco) !=',
        '         (config->arch.coco_kind == XEN_X86_COCO_NONE) )',
        '    {',
        '        dprintk(XENLOG_INFO, "Invalid coco kind %u for CDF flags %#x\\n",',
        '                config->arch.coco_kind, config->flags);',
        '        return -EINVAL;',
        '    }',
        '',
        '    if ( config->flags & XEN_DOMCTL_CDF_coco )',
        '    {',
        '        if ( !hvm || !hap )',
        '        {',
        '            dprintk(XENLOG_INFO, "Coco guests need HVM with HAP\\n");',
        '            return -EINVAL;',
        '        }',
        '',
        '        /*',
        '         * Running an SEV guest needs a PSP driver, SEV ASIDs, the VMSA and',
        '         * the VMGEXIT backends.  Until all of them are in place, refuse',
        '         * rather than run the guest unencrypted.',
        '         */',
        '        dprintk(XENLOG_INFO, "Coco kind %u not supported yet\\n",',
        '                config->arch.coco_kind);',
        '        return -EOPNOTSUPP;',
        '    }',
        '',
        '',
      ].join('\n'),
      file,
    ),
  );
}

// The OCaml bindings mirror the create flags (checked by their abi-check
// script against XEN_DOMCTL_CDF_MAX) and pin the size of the domctl.
function editOcaml(ctx: PatchContext, last: string): void {
  const ctor = `CDF_${last.toUpperCase()}`;
  for (const f of ['xenctrl.ml', 'xenctrl.mli']) {
    ctx.edit(`${OCAML_XC}/${f}`, (text, file) => {
      const line = lineContaining(text, new RegExp(`^\\s*\\| ${ctor}$`), file);
      return replaceOnce(text, `${line}\n`, `${line}\n${line.replace(ctor, 'CDF_COCO')}\n`, file);
    });
  }
  ctx.edit(`${OCAML_XC}/xenctrl_stubs.c`, (text, file) => {
    const line = lineContaining(text, /BUILD_BUG_ON\(sizeof\(cfg\) != \d+\);$/, file);
    const size = Number(/!= (\d+)\);$/.exec(line)![1]);
    return replaceOnce(text, line, line.replace(`!= ${size})`, `!= ${size + 4})`), file);
  });
}

/** Whether the tree's RISC-V port accepts any createdomain config (a stub returning 0). */
function riscvChecksNoFlags(ctx: PatchContext): boolean {
  const f = 'xen/arch/riscv/domain.c';
  return ctx.exists(f) && /arch_sanitise_domain_config\(struct xen_domctl_createdomain \*config\)\n\{\n\s*return 0;\n\}/.test(ctx.read(f));
}

export const domctlPatch: PatchDef = {
  id: 'domctl',
  subject: 'x86/domctl: add XEN_DOMCTL_CDF_coco and the SEV guest kinds',
  needs: [],
  body: (ctx) => [
    'A toolstack creating an SEV, SEV-ES or SEV-SNP guest has to say so when the ' +
      'domain is created: the kind decides the ASID range the guest may use, ' +
      'whether its vCPUs have a VMSA, and which VMGEXIT requests it may make, ' +
      'none of which can change later. Linux/KVM likewise takes the VM type at ' +
      'KVM_CREATE_VM.',
    'Add XEN_DOMCTL_CDF_coco, the architecture-neutral "this is a confidential ' +
      'computing guest" flag, and on x86 xen_arch_domainconfig.coco_kind ' +
      `(${kinds().map((k) => cocoKindMacro(k.idl)).join(', ')}), which must be ` +
      'given together. The struct grows, so bump XEN_DOMCTL_INTERFACE_VERSION.',
    'Xen cannot run such a guest yet, so arch_sanitise_domain_config() checks ' +
      'the request (HVM with HAP, a known kind) and then refuses it with ' +
      '-EOPNOTSUPP rather than run the guest unencrypted. Arm rejects the flag ' +
      'through its existing check of the optional flags.' +
      (riscvChecksNoFlags(ctx) ? ' RISC-V, still being brought up, checks no create flags yet.' : ''),
    'The OCaml bindings learn the flag (their abi-check compares the constructors ' +
      'against XEN_DOMCTL_CDF_MAX) and the new size of the domctl; they do not ' +
      'set a kind.',
  ],
  apply: (ctx) => {
    const last = editDomctl(ctx);
    editArchConfig(ctx);
    editCommonSanitise(ctx, last);
    editX86Sanitise(ctx);
    editOcaml(ctx, last);
  },
};
