// Patch 4: the generated VMGEXIT validator, built into the hypervisor and
// reached from the VMGEXIT intercept through a small hand-written dispatcher.
import { UserError } from '../../errors.ts';
import { insertAfter, insertBefore, replaceOnce } from '../edit.ts';
import { installGenerated } from '../generated-file.ts';
import type { PatchContext, PatchDef } from '../types.ts';
import { addObject } from '../xen-c.ts';
import { SEV_C_INCLUDES_END, sevCPath } from './sev-c.ts';

const TYPES_H = 'xen/include/xen/types.h';

/** Builds in which apply() added UINT64_MAX, for the commit message written after it. */
const addedUint64Max = new WeakSet<PatchContext>();

/** Older Xen (4.17) has no UINT64_MAX; the patch adds it only when the validator uses it. */
function needsUint64Max(ctx: PatchContext): boolean {
  return ctx.generated('generated/c/vmgexit.c').includes('UINT64_MAX') && !ctx.read(TYPES_H).includes('#define UINT64_MAX');
}

/** The dispatcher: Xen's side of the generated vmgexit_ops, and svm_vmgexit(). */
function dispatcher(ctx: PatchContext): string {
  const sevEs = ctx.target.layout.sevEsAccessor;
  // Xen 4.17's hvm_copy_to_guest_phys() takes a non-const buffer.
  const toGuestBuf = ctx.target.id === 'xen-4.17' ? '(void *)buf' : 'buf';
  return `
/*
 * VMGEXIT: an SEV-ES guest asks, through its GHCB, for the intercept it would
 * otherwise have taken.  vmgexit_handle() validates the request against the
 * GHCB specification's table of events, working on a private snapshot of the
 * shared page, and calls back here for the work itself.
 *
 * Xen does not launch SEV-ES guests yet, so only the backends that need no
 * further SEV-ES state are provided.  A request needing any other one ends
 * the guest instead of being answered wrongly.
 */
struct sev_vmgexit {
    struct vcpu *v;
    bool unsupported;
};

static void sev_unsupported(void *ctx)
{
    ((struct sev_vmgexit *)ctx)->unsupported = true;
}

static struct vcpu *sev_vcpu(void *ctx)
{
    return ((struct sev_vmgexit *)ctx)->v;
}

static uint64_t cf_check sev_dr7_read(void *ctx)
{
    return vmcb_get_dr7(sev_vcpu(ctx)->arch.hvm.svm.vmcb);
}

static void cf_check sev_dr7_write(void *ctx, uint64_t val)
{
    vmcb_set_dr7(sev_vcpu(ctx)->arch.hvm.svm.vmcb, val);
}

static uint64_t cf_check sev_rdtsc(void *ctx)
{
    return hvm_get_guest_tsc(sev_vcpu(ctx));
}

static uint64_t cf_check sev_rdtscp(void *ctx, uint64_t *aux)
{
    *aux = sev_vcpu(ctx)->arch.msrs->tsc_aux;
    return hvm_get_guest_tsc(sev_vcpu(ctx));
}

/* No virtual PMU for SEV-ES guests: #GP, as for a counter that does not exist. */
static int cf_check sev_rdpmc(void *ctx, uint64_t counter, uint64_t *val)
{
    return 1;
}

static void cf_check sev_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
                               uint64_t xcr0, uint64_t xss, uint32_t out[4])
{
    struct cpuid_leaf res;

    guest_cpuid(sev_vcpu(ctx), leaf, subleaf, &res);
    out[0] = res.a;
    out[1] = res.b;
    out[2] = res.c;
    out[3] = res.d;
}

static int cf_check sev_rdmsr(void *ctx, uint32_t index, uint64_t *val)
{
    return hvm_msr_read_intercept(index, val) != X86EMUL_OKAY;
}

static int cf_check sev_wrmsr(void *ctx, uint32_t index, uint64_t val)
{
    return hvm_msr_write_intercept(index, val, false) != X86EMUL_OKAY;
}

static uint32_t cf_check sev_io_in(void *ctx, uint16_t port, unsigned int size)
{
    sev_unsupported(ctx);
    return ~0u;
}

static void cf_check sev_io_out(void *ctx, uint16_t port, unsigned int size,
                                uint32_t val)
{
    sev_unsupported(ctx);
}

static void cf_check sev_mmio_read(void *ctx, uint64_t gpa, uint8_t *buf,
                                   unsigned int len)
{
    sev_unsupported(ctx);
    memset(buf, 0xff, len);
}

static void cf_check sev_mmio_write(void *ctx, uint64_t gpa,
                                    const uint8_t *buf, unsigned int len)
{
    sev_unsupported(ctx);
}

static uint64_t cf_check sev_vmmcall(void *ctx, uint64_t rax, uint8_t cpl)
{
    sev_unsupported(ctx);
    return ~0ul;
}

static void cf_check sev_simple(void *ctx, unsigned int what, uint64_t a,
                                uint64_t b)
{
    switch ( what )
    {
    case VMGEXIT_SIMPLE_INVD:
    case VMGEXIT_SIMPLE_WBINVD:
        /* As for other HVM guests without passed-through devices: nothing. */
        break;

    default:
        sev_unsupported(ctx);
        break;
    }
}

static uint64_t cf_check sev_ap_hlt_loop(void *ctx)
{
    sev_unsupported(ctx);
    return 0;
}

static void cf_check sev_ap_jump_table_set(void *ctx, uint64_t gpa)
{
    sev_unsupported(ctx);
}

static uint64_t cf_check sev_ap_jump_table_get(void *ctx)
{
    sev_unsupported(ctx);
    return 0;
}

static void cf_check sev_page_state(void *ctx, uint64_t gfn, unsigned int op,
                                    unsigned int large)
{
    sev_unsupported(ctx);
}

static uint64_t cf_check sev_guest_request(void *ctx, uint64_t req,
                                           uint64_t resp)
{
    sev_unsupported(ctx);
    return ~0ul;
}

static uint64_t cf_check sev_ext_guest_request(void *ctx, uint64_t req,
                                               uint64_t resp, uint64_t data,
                                               uint64_t pages, uint64_t *rbx)
{
    sev_unsupported(ctx);
    return ~0ul;
}

static void cf_check sev_ap_creation(void *ctx, uint32_t op, uint32_t apic_id,
                                     uint64_t vmsa, uint64_t features)
{
    sev_unsupported(ctx);
}

static int cf_check sev_read_guest(void *ctx, uint64_t gpa, uint8_t *buf,
                                   size_t len)
{
    return hvm_copy_from_guest_phys(buf, gpa, len) != HVMTRANS_okay;
}

static void cf_check sev_write_guest(void *ctx, uint64_t gpa,
                                     const uint8_t *buf, size_t len)
{
    if ( hvm_copy_to_guest_phys(gpa, ${toGuestBuf}, len, sev_vcpu(ctx)) !=
         HVMTRANS_okay )
        sev_unsupported(ctx);
}

static const struct vmgexit_ops sev_vmgexit_ops = {
    .dr7_read = sev_dr7_read,
    .dr7_write = sev_dr7_write,
    .rdtsc = sev_rdtsc,
    .rdtscp = sev_rdtscp,
    .rdpmc = sev_rdpmc,
    .cpuid = sev_cpuid,
    .rdmsr = sev_rdmsr,
    .wrmsr = sev_wrmsr,
    .io_in = sev_io_in,
    .io_out = sev_io_out,
    .mmio_read = sev_mmio_read,
    .mmio_write = sev_mmio_write,
    .vmmcall = sev_vmmcall,
    .simple = sev_simple,
    .ap_hlt_loop = sev_ap_hlt_loop,
    .ap_jump_table_set = sev_ap_jump_table_set,
    .ap_jump_table_get = sev_ap_jump_table_get,
    .page_state = sev_page_state,
    .guest_request = sev_guest_request,
    .ext_guest_request = sev_ext_guest_request,
    .ap_creation = sev_ap_creation,
    .read_guest = sev_read_guest,
    .write_guest = sev_write_guest,
};

void svm_vmgexit(struct cpu_user_regs *regs)
{
    struct vcpu *curr = current;
    struct vmcb_struct *vmcb = curr->arch.hvm.svm.vmcb;
    uint64_t gpa = vmcb->ghcb_gpa;
    struct sev_vmgexit ctx = { .v = curr };
    const struct vmgexit_guest guest = {};
    struct vmgexit_result res = {};
    struct vmgexit_work *work;
    uint8_t *page;
    bool writable, handled = false;

    /* Outside SEV-ES, VMGEXIT is VMMCALL and never exits as VMGEXIT. */
    if ( !vmcb_get_${sevEs}(vmcb) || (gpa & ~PAGE_MASK) )
        goto crash;

    page = hvm_map_guest_frame_rw(gpa >> PAGE_SHIFT, false, &writable);
    if ( !page )
        goto crash;
    work = writable ? vzalloc(sizeof(*work)) : NULL;
    if ( work )
    {
        vmgexit_handle(page, gpa, &guest, &sev_vmgexit_ops, &ctx, work, &res);
        vfree(work);
        handled = !ctx.unsupported && res.verdict != VMGEXIT_VERDICT_TERMINATE;
    }
    hvm_unmap_guest_frame(page, false);
    if ( handled )
        return;

 crash:
    gprintk(XENLOG_ERR,
            "VMGEXIT %s at GHCB %#"PRIx64": verdict %u error %#x%s\\n",
            res.event ? res.event->name : "(none)", gpa, res.verdict,
            res.error, ctx.unsupported ? ", not supported" : "");
    domain_crash(curr->domain);
}
`;
}

export const vmgexitPatch: PatchDef = {
  id: 'vmgexit',
  subject: 'x86/svm: validate and dispatch VMGEXIT requests',
  needs: ['generated/c/vmgexit.c', 'generated/c/vmgexit.h'],
  body: (ctx) => [
    'With SEV-ES the hypervisor no longer sees the guest registers: the guest ' +
      'copies what an intercept needs into the GHCB and executes VMGEXIT. ' +
      'Everything in that page is guest controlled and may change while Xen ' +
      'reads it, so a request has to be taken from a private snapshot and ' +
      'checked (protocol version, valid bitmap, required fields, scratch area ' +
      'bounds) before any of it is used.',
    `Add that validation as ${ctx.target.layout.svmDir}/sev-vmgexit.c and ` +
      `${ctx.target.layout.svmHeaderDir}/sev-vmgexit.h, generated by xen-sev-codegen ` +
      "from the GHCB specification's table of non-automatic events (AMD 56421 " +
      'rev 2.03, Table 6) and the GHCB layout of the first patch. It is the ' +
      "same algorithm as the project's reference model, which its tests " +
      'compare it against.',
    'Hook it up: VMEXIT_VMGEXIT now goes to svm_vmgexit() in sev.c, which maps ' +
      'the GHCB page and provides the backends needing no further SEV-ES ' +
      'state (DR7, RDTSC(P), RDPMC, CPUID, MSRs, INVD/WBINVD and guest memory ' +
      'copies). Any other request ends the guest with a message rather than ' +
      'being answered wrongly; Xen does not launch SEV-ES guests yet, so no ' +
      'guest can reach this path today.',
    ...(addedUint64Max.has(ctx)
      ? ['The validator guards a size computation with UINT64_MAX, which this branch does not define yet: add it next to UINT32_MAX as later Xen has it.']
      : []),
  ],
  apply: (ctx) => {
    const { svmDir, svmHeaderDir, svmInclude: inc, svmC, svmH } = ctx.target.layout;
    installGenerated(ctx, { from: 'generated/c/vmgexit.h', to: `${svmHeaderDir}/sev-vmgexit.h` });
    installGenerated(
      ctx,
      { from: 'generated/c/vmgexit.c', to: `${svmDir}/sev-vmgexit.c` },
      { 'ghcb.h': inc('sev-ghcb.h'), 'vmcb.h': inc('sev-vmcb.h'), 'vmgexit.h': inc('sev-vmgexit.h') },
    );
    ctx.edit(`${svmDir}/Makefile`, (text, file) => addObject(text, 'sev-vmgexit.o', file));
    if (needsUint64Max(ctx)) {
      addedUint64Max.add(ctx);
      ctx.edit(TYPES_H, (text, file) =>
        insertAfter(text, '#define UINT32_MAX      (4294967295U)\n', '#define UINT64_MAX      (18446744073709551615ULL)\n', file),
      );
    }
    ctx.edit(sevCPath(ctx), (text, file) => {
      text = replaceOnce(
        text,
        '#include <xen/init.h>\n#include <xen/lib.h>\n',
        '#include <xen/init.h>\n#include <xen/lib.h>\n#include <xen/sched.h>\n#include <xen/vmap.h>\n\n' +
          ['asm/cpuid.h', ...ctx.target.layout.vmgexitIncludes, 'asm/hvm/hvm.h', 'asm/hvm/support.h']
            .sort()
            .map((h) => `#include <${h}>\n`)
            .join(''),
        file,
      );
      return insertBefore(
        text,
        SEV_C_INCLUDES_END,
        [inc('svm.h'), inc('vmcb.h'), inc('sev-vmgexit.h')].map((h) => `#include ${h}\n`).join('') + dispatcher(ctx),
        file,
      );
    });
    ctx.edit(svmH, (text, file) => {
      const at = text.lastIndexOf('\n#endif');
      if (at < 0) throw new UserError(`${file}: no closing #endif to declare svm_vmgexit() before`);
      return `${text.slice(0, at)}\nvoid svm_vmgexit(struct cpu_user_regs *regs);\n${text.slice(at)}`;
    });
    ctx.edit(svmC, (text, file) =>
      insertBefore(text, '    case VMEXIT_IDTR_READ ... VMEXIT_TR_WRITE:\n', '    case VMEXIT_VMGEXIT:\n        svm_vmgexit(regs);\n        break;\n\n', file),
    );
  },
};
