/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sev-launch.c: launching an SEV-ES guest through the AMD Secure Processor.
 *
 * The toolstack builds the guest's memory and vCPU state as for any HVM
 * guest, then asks Xen (XEN_DOMCTL_sev_launch) to hand it to the SEV
 * firmware, in the order AMD 55766 chapter 6 gives: LAUNCH_START creates the
 * guest's context and key, ACTIVATE binds the key to the domain's ASID,
 * LAUNCH_UPDATE_DATA encrypts and measures each initial page in place,
 * LAUNCH_UPDATE_VMSA does the same for each vCPU's register state,
 * LAUNCH_MEASURE returns the measurement the guest owner checks, and
 * LAUNCH_FINISH lets the guest run.  On destruction DEACTIVATE and
 * DECOMMISSION give the ASID and the context back.
 *
 * Xen keeps its own record of how far a domain has got and refuses a step
 * out of order (-EBUSY), rather than relying on the firmware's guest states:
 * some steps (filling the VMSAs) are Xen's own, and a refused step must not
 * have touched the domain.
 */

#include <xen/domain_page.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/xmalloc.h>

#include <asm/cache.h>
#include <asm/hvm/svm.h>
#include <asm/p2m.h>
#include <asm/xstate.h>

#include <public/domctl.h>

#include "sev.h"
#include "sev-api.h"
#include "sev-vmsa.h"
#include "vmcb.h"

enum sev_launch_state {
    SEV_LAUNCH_STARTED,         /* LAUNCH_START and ACTIVATE done */
    SEV_LAUNCH_VMSA_DONE,       /* every vCPU's VMSA encrypted */
    SEV_LAUNCH_MEASURED,
    SEV_LAUNCH_FINISHED,        /* the guest may run */
    SEV_LAUNCH_FAILED,          /* a partly done step cannot be repeated */
};

struct sev_launch {
    enum sev_launch_state state;
    unsigned int handle;
    bool activated;
    /* The firmware reads and writes these by machine address. */
    union {
        struct sev_data_launch_start start;
        struct sev_data_activate activate;
        struct sev_data_deactivate deactivate;
        struct sev_data_decommission decommission;
        struct sev_data_launch_update_data update_data;
        struct sev_data_launch_update_vmsa update_vmsa;
        struct sev_data_launch_measure measure;
        struct sev_data_launch_finish finish;
    } cmd;
    struct sev_measurement_buf measurement;
};

/*
 * An ASID a guest used stays tagged in the caches and the data fabric after
 * DEACTIVATE: the firmware refuses to bind another key to it until DF_FLUSH
 * (after WBINVD everywhere).  DF_FLUSH covers every ASID and is costly, so it
 * is done once, before the next ACTIVATE, not on every destruction.
 */
static bool asid_flush_pending;

/*
 * Turns what sev_psp_cmd() returned for @cmd into an errno, saying why the
 * firmware refused it (with @fw_status for the toolstack).
 */
static int launch_rc(const struct domain *d, unsigned int cmd, int rc,
                     uint32_t *fw_status)
{
    const char *name;

    if ( rc <= 0 )
        /* -ENODEV: the PSP was given up on after a timeout. */
        return rc == -ENODEV ? -ETIMEDOUT : rc;

    name = sev_status_name(rc);
    if ( name )
        printk(XENLOG_G_ERR "%pd: SEV: %s failed: %s (%#x)\n",
               d, sev_psp_cmd_name(cmd), name, rc);
    else
        printk(XENLOG_G_ERR "%pd: SEV: %s failed: status %#x\n",
               d, sev_psp_cmd_name(cmd), rc);
    if ( fw_status )
        *fw_status = rc;

    return -EIO;
}

static int launch_cmd(const struct domain *d, unsigned int cmd, void *buf,
                      uint32_t *fw_status)
{
    return launch_rc(d, cmd, sev_psp_cmd(cmd, buf), fw_status);
}

static int launch_start(struct domain *d, struct xen_domctl_sev_launch *op)
{
    uint32_t cert_len = op->u.start.dh_cert_len;
    uint32_t session_len = op->u.start.session_len;
    struct sev_launch *l;
    void *cert = NULL, *session = NULL;
    int rc;

    if ( op->u.start.pad || !(op->u.start.policy & SEV_POLICY_ES_MASK) )
        return -EINVAL;

    /*
     * The firmware takes exactly one certificate and one session buffer, or
     * neither (no channel with the guest owner).
     */
    if ( (cert_len || session_len) &&
         (cert_len != sizeof(struct sev_cert) ||
          session_len != sizeof(struct sev_session_buf)) )
        return -EINVAL;

    l = xzalloc(struct sev_launch);
    if ( !l )
        return -ENOMEM;

    if ( cert_len )
    {
        rc = -ENOMEM;
        cert = xmalloc_bytes(cert_len);
        session = xmalloc_bytes(session_len);
        if ( !cert || !session )
            goto out;

        rc = -EFAULT;
        if ( copy_from_guest(cert, op->u.start.dh_cert, cert_len) ||
             copy_from_guest(session, op->u.start.session, session_len) )
            goto out;

        l->cmd.start.dh_cert_address = virt_to_maddr(cert);
        l->cmd.start.dh_cert_len = cert_len;
        l->cmd.start.session_address = virt_to_maddr(session);
        l->cmd.start.session_len = session_len;
    }

    /* Handle 0: a guest of its own, sharing no key with another. */
    l->cmd.start.handle = 0;
    l->cmd.start.policy = op->u.start.policy;
    rc = launch_cmd(d, SEV_CMD_LAUNCH_START, &l->cmd.start, &op->fw_status);
    if ( rc )
        goto out;
    l->handle = l->cmd.start.handle;
    d->arch.hvm.svm.sev_launch = l;

    if ( test_and_clear_bool(asid_flush_pending) )
    {
        rc = launch_rc(d, SEV_CMD_DF_FLUSH, sev_psp_df_flush(),
                       &op->fw_status);
        if ( rc )
        {
            asid_flush_pending = true;
            goto out;
        }
    }

    memset(&l->cmd, 0, sizeof(l->cmd));
    l->cmd.activate.handle = l->handle;
    l->cmd.activate.asid = sev_domain_asid(d);
    rc = launch_cmd(d, SEV_CMD_ACTIVATE, &l->cmd.activate, &op->fw_status);
    if ( rc )
        goto out;
    l->activated = true;
    l->state = SEV_LAUNCH_STARTED;

 out:
    /* A failed start is undone whole: the toolstack may start again. */
    if ( rc && d->arch.hvm.svm.sev_launch )
        sev_launch_destroy(d);
    else if ( rc )
        xfree(l);
    xfree(session);
    xfree(cert);

    return rc;
}

static int launch_update_data(struct domain *d,
                              struct xen_domctl_sev_launch *op)
{
    struct sev_launch *l = d->arch.hvm.svm.sev_launch;

    while ( op->u.update_data.nr_frames )
    {
        uint64_t gfn = op->u.update_data.gfn;
        struct page_info *pg;
        p2m_type_t t;
        void *va;
        int rc;

        pg = get_page_from_gfn(d, gfn, &t, P2M_ALLOC);
        if ( !pg )
            return -EINVAL;
        if ( t != p2m_ram_rw )
        {
            put_page(pg);
            return -EINVAL;
        }

        /*
         * The firmware encrypts the page in place, reading and writing
         * memory, not the cores' caches: a dirty line left by the toolstack
         * writing the image would reach memory afterwards, over the
         * ciphertext.  Write back and evict the page first.
         */
        va = map_domain_page(page_to_mfn(pg));
        cache_flush(va, PAGE_SIZE);
        unmap_domain_page(va);

        memset(&l->cmd, 0, sizeof(l->cmd));
        l->cmd.update_data.handle = l->handle;
        l->cmd.update_data.address = page_to_maddr(pg);
        l->cmd.update_data.len = PAGE_SIZE;
        rc = launch_cmd(d, SEV_CMD_LAUNCH_UPDATE_DATA, &l->cmd.update_data,
                        &op->fw_status);
        put_page(pg);
        if ( rc )
            return rc;

        op->u.update_data.gfn++;
        op->u.update_data.nr_frames--;
        if ( op->u.update_data.nr_frames && hypercall_preempt_check() )
            return -ERESTART;
    }

    return 0;
}

static void vmsa_seg(struct vmcb_seg *to, const struct segment_register *from)
{
    to->selector = from->sel;
    to->attrib = from->attr;
    to->limit = from->limit;
    to->base = from->base;
}

/*
 * The initial register state of @v, as the toolstack set it (in the VMCB and
 * the vCPU's saved registers), becomes its VMSA.
 */
static void vmsa_fill(struct sev_es_save_area *vmsa, const struct vcpu *v)
{
    const struct vmcb_struct *vmcb = v->arch.hvm.svm.vmcb;
    const struct cpu_user_regs *regs = &v->arch.user_regs;

    memset(vmsa, 0, sizeof(*vmsa));
    vmsa_seg(&vmsa->es, &vmcb->es);
    vmsa_seg(&vmsa->cs, &vmcb->cs);
    vmsa_seg(&vmsa->ss, &vmcb->ss);
    vmsa_seg(&vmsa->ds, &vmcb->ds);
    vmsa_seg(&vmsa->fs, &vmcb->fs);
    vmsa_seg(&vmsa->gs, &vmcb->gs);
    vmsa_seg(&vmsa->gdtr, &vmcb->gdtr);
    vmsa_seg(&vmsa->ldtr, &vmcb->ldtr);
    vmsa_seg(&vmsa->idtr, &vmcb->idtr);
    vmsa_seg(&vmsa->tr, &vmcb->tr);
    vmsa->cpl = vmcb->_cpl;
    vmsa->efer = vmcb->_efer;
    vmsa->cr4 = vmcb->_cr4;
    vmsa->cr3 = vmcb->_cr3;
    vmsa->cr0 = vmcb->_cr0;
    vmsa->cr2 = vmcb->_cr2;
    vmsa->dr7 = vmcb->_dr7;
    vmsa->dr6 = vmcb->_dr6;
    vmsa->rflags = vmcb->rflags;
    vmsa->rip = vmcb->rip;
    vmsa->rsp = vmcb->rsp;
    vmsa->rax = vmcb->rax;
    vmsa->star = vmcb->star;
    vmsa->lstar = vmcb->lstar;
    vmsa->cstar = vmcb->cstar;
    vmsa->sfmask = vmcb->sfmask;
    vmsa->kernel_gs_base = vmcb->kerngsbase;
    vmsa->sysenter_cs = vmcb->sysenter_cs;
    vmsa->sysenter_esp = vmcb->sysenter_esp;
    vmsa->sysenter_eip = vmcb->sysenter_eip;
    vmsa->g_pat = vmcb->_g_pat;
    vmsa->rbx = regs->rbx;
    vmsa->rcx = regs->rcx;
    vmsa->rdx = regs->rdx;
    vmsa->rbp = regs->rbp;
    vmsa->rsi = regs->rsi;
    vmsa->rdi = regs->rdi;
    vmsa->r8 = regs->r8;
    vmsa->r9 = regs->r9;
    vmsa->r10 = regs->r10;
    vmsa->r11 = regs->r11;
    vmsa->r12 = regs->r12;
    vmsa->r13 = regs->r13;
    vmsa->r14 = regs->r14;
    vmsa->r15 = regs->r15;
    /* VMRUN refuses a VMSA whose XCR0 lacks x87; FPU state as at reset. */
    vmsa->xcr0 = v->arch.xcr0 ?: XSTATE_FP_SSE;
    vmsa->x87_fcw = FCW_DEFAULT;
    vmsa->mxcsr = MXCSR_DEFAULT;
}

static int launch_update_vmsa(struct domain *d,
                              struct xen_domctl_sev_launch *op)
{
    struct sev_launch *l = d->arch.hvm.svm.sev_launch;
    const struct vcpu *v;
    bool some = false;

    for_each_vcpu ( d, v )
    {
        struct page_info *pg = v->arch.hvm.svm.vmsa;
        void *va = __map_domain_page(pg);
        int rc;

        vmsa_fill(va, v);
        /* As for UPDATE_DATA: the firmware must find the page in memory. */
        cache_flush(va, PAGE_SIZE);
        unmap_domain_page(va);

        memset(&l->cmd, 0, sizeof(l->cmd));
        l->cmd.update_vmsa.handle = l->handle;
        l->cmd.update_vmsa.address = page_to_maddr(pg);
        l->cmd.update_vmsa.len = PAGE_SIZE;
        rc = launch_cmd(d, SEV_CMD_LAUNCH_UPDATE_VMSA, &l->cmd.update_vmsa,
                        &op->fw_status);
        if ( rc )
        {
            /* The measurement has some VMSAs in it already: no retry. */
            if ( some )
                l->state = SEV_LAUNCH_FAILED;
            return rc;
        }
        some = true;
    }

    l->state = SEV_LAUNCH_VMSA_DONE;

    return 0;
}

static int launch_measure(struct domain *d, struct xen_domctl_sev_launch *op)
{
    struct sev_launch *l = d->arch.hvm.svm.sev_launch;
    int rc;

    BUILD_BUG_ON(sizeof(op->u.measure) != sizeof(l->measurement));

    memset(&l->cmd, 0, sizeof(l->cmd));
    l->cmd.measure.handle = l->handle;
    l->cmd.measure.address = virt_to_maddr(&l->measurement);
    l->cmd.measure.len = sizeof(l->measurement);
    rc = launch_cmd(d, SEV_CMD_LAUNCH_MEASURE, &l->cmd.measure,
                    &op->fw_status);
    if ( rc )
        return rc;

    memcpy(op->u.measure.measurement, l->measurement.measurement,
           sizeof(op->u.measure.measurement));
    memcpy(op->u.measure.mnonce, l->measurement.mnonce,
           sizeof(op->u.measure.mnonce));
    l->state = SEV_LAUNCH_MEASURED;

    return 0;
}

static int launch_finish(struct domain *d, struct xen_domctl_sev_launch *op)
{
    struct sev_launch *l = d->arch.hvm.svm.sev_launch;
    int rc;

    memset(&l->cmd, 0, sizeof(l->cmd));
    l->cmd.finish.handle = l->handle;
    rc = launch_cmd(d, SEV_CMD_LAUNCH_FINISH, &l->cmd.finish, &op->fw_status);
    if ( !rc )
        l->state = SEV_LAUNCH_FINISHED;

    return rc;
}

int sev_launch_domctl(struct domain *d, struct xen_domctl_sev_launch *op)
{
    const struct sev_launch *l = d->arch.hvm.svm.sev_launch;

    op->fw_status = 0;

    if ( !is_sev_es_domain(d) || !sev_psp_ready() )
        return -EOPNOTSUPP;

    /* Launching is for a guest that has not run yet. */
    if ( d->creation_finished )
        return -EBUSY;

    switch ( op->op )
    {
    case XEN_DOMCTL_SEV_LAUNCH_START:
        return l ? -EBUSY : launch_start(d, op);

    case XEN_DOMCTL_SEV_LAUNCH_UPDATE_DATA:
        if ( !l || l->state != SEV_LAUNCH_STARTED )
            return -EBUSY;
        return launch_update_data(d, op);

    case XEN_DOMCTL_SEV_LAUNCH_UPDATE_VMSA:
        if ( !l || l->state != SEV_LAUNCH_STARTED )
            return -EBUSY;
        return launch_update_vmsa(d, op);

    case XEN_DOMCTL_SEV_LAUNCH_MEASURE:
        if ( !l || l->state != SEV_LAUNCH_VMSA_DONE )
            return -EBUSY;
        return launch_measure(d, op);

    case XEN_DOMCTL_SEV_LAUNCH_FINISH:
        if ( !l || l->state != SEV_LAUNCH_MEASURED )
            return -EBUSY;
        return launch_finish(d, op);
    }

    return -EINVAL;
}

bool sev_launch_vcpus_sealed(const struct domain *d)
{
    const struct sev_launch *l = d->arch.hvm.svm.sev_launch;

    return l && l->state != SEV_LAUNCH_STARTED;
}

void sev_launch_destroy(struct domain *d)
{
    struct sev_launch *l = d->arch.hvm.svm.sev_launch;

    if ( !l )
        return;

    if ( l->activated )
    {
        memset(&l->cmd, 0, sizeof(l->cmd));
        l->cmd.deactivate.handle = l->handle;
        if ( !launch_cmd(d, SEV_CMD_DEACTIVATE, &l->cmd.deactivate, NULL) )
        {
            l->activated = false;
            asid_flush_pending = true;
        }
    }

    /* DECOMMISSION refuses a guest still bound to its ASID. */
    if ( !l->activated )
    {
        memset(&l->cmd, 0, sizeof(l->cmd));
        l->cmd.decommission.handle = l->handle;
        launch_cmd(d, SEV_CMD_DECOMMISSION, &l->cmd.decommission, NULL);
    }

    d->arch.hvm.svm.sev_launch = NULL;
    xfree(l);
}

static void __init __maybe_unused build_assertions(void)
{
    vmsa_build_assertions();
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
