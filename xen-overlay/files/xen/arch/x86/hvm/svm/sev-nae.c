/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sev-nae.c: the GHCB requests of SEV-ES guests that need more of Xen than
 * a register value: I/O and MMIO through the device model, VMMCALL, NMI
 * completion, MONITOR/MWAIT and the AP reset hold and jump table (AMD 56421
 * rev 2.03, section 4.1 and Table 6).
 *
 * I/O and MMIO go through hvmemul, as for other HVM guests: an internal
 * handler (vlapic, HPET, stdvga, ...) answers at once; an access forwarded to
 * an ioreq server returns X86EMUL_RETRY and the vCPU blocks until the device
 * model answers.  The guest cannot be sent back to re-execute its access (its
 * registers are encrypted and it expects the answer in the GHCB when VMGEXIT
 * returns), so the request stays pending in the vCPU's work area: the
 * validator returns VMGEXIT_PENDING, Xen's ioreq completion calls
 * sev_ghcb_io_completion() before the vCPU next runs, the access is issued
 * again with the same arguments (hvmemul then returns the device model's
 * answer) and the answer is written to the GHCB.
 */

#include <xen/errno.h>
#include <xen/ioreq.h>
#include <xen/lib.h>
#include <xen/sched.h>

#include <asm/hvm/emulate.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/support.h>
#include <asm/x86_emulate.h>

#include "sev.h"
#include "sev-vmgexit.h"
#include "vmcb.h"

/*
 * X86EMUL_RETRY: the access went to the device model (or an internal
 * handler asked for a retry, or the domain is being paused).  Either way the
 * request is resumed from the ioreq completion: then hvmemul hands back the
 * device model's answer, or issues the access again.
 */
static bool io_done(int rc, uint64_t addr, bool mmio)
{
    switch ( rc )
    {
    case X86EMUL_OKAY:
        return true;

    case X86EMUL_RETRY:
        return false;

    default:
        /* As for other HVM guests: reads give all ones, writes are dropped. */
        gprintk(XENLOG_WARNING, "SEV-ES %s %#"PRIx64": unhandled (%d)\n",
                mmio ? "MMIO" : "I/O port", addr, rc);
        return true;
    }
}

bool vmgexit_be_io_in(struct vcpu *v, uint16_t port, unsigned int bytes,
                      uint32_t *val)
{
    uint32_t data = ~0U;

    ASSERT(v == current);
    if ( !io_done(hvmemul_do_pio_buffer(port, bytes, IOREQ_READ, &data),
                  port, false) )
        return false;

    *val = bytes == 4 ? data : data & ((1U << (8 * bytes)) - 1);

    return true;
}

bool vmgexit_be_io_out(struct vcpu *v, uint16_t port, unsigned int bytes,
                       uint32_t val)
{
    ASSERT(v == current);

    return io_done(hvmemul_do_pio_buffer(port, bytes, IOREQ_WRITE, &val),
                   port, false);
}

/*
 * hvmemul accesses are 1, 2, 4 or 8 bytes; the GHCB allows any length up to
 * 8.  A length that is not a power of two is split; the part already done
 * is kept per vCPU, so a resumed request does not repeat it.
 */
static bool mmio(struct vcpu *v, uint64_t gpa, uint8_t *buf, unsigned int len,
                 uint8_t dir)
{
    struct sev_vcpu *sev = v->arch.hvm.svm.sev;

    ASSERT(v == current);
    if ( sev->mmio_gpa != gpa || sev->mmio_len != len )
    {
        sev->mmio_gpa = gpa;
        sev->mmio_len = len;
        sev->mmio_done = 0;
    }

    while ( sev->mmio_done < len )
    {
        unsigned int off = sev->mmio_done;
        unsigned int chunk = 1U << (fls(len - off) - 1);
        unsigned long reps = 1;

        if ( !io_done(hvmemul_do_mmio_buffer(gpa + off, &reps, chunk, dir,
                                             false, buf + off),
                      gpa + off, true) )
            return false;
        sev->mmio_done += chunk;
    }

    sev->mmio_len = 0;

    return true;
}

bool vmgexit_be_mmio_read(struct vcpu *v, uint64_t gpa, void *buf,
                          unsigned int len)
{
    struct sev_vcpu *sev = v->arch.hvm.svm.sev;

    /* The caller's buffer does not survive a pending request: this one does. */
    if ( sev->mmio_gpa != gpa || sev->mmio_len != len )
        memset(sev->mmio_buf, 0xff, sizeof(sev->mmio_buf));
    if ( !mmio(v, gpa, sev->mmio_buf, len, IOREQ_READ) )
        return false;

    memcpy(buf, sev->mmio_buf, len);

    return true;
}

bool vmgexit_be_mmio_write(struct vcpu *v, uint64_t gpa, const void *buf,
                           unsigned int len)
{
    struct sev_vcpu *sev = v->arch.hvm.svm.sev;

    memcpy(sev->mmio_buf, buf, len);

    return mmio(v, gpa, sev->mmio_buf, len, IOREQ_WRITE);
}

/*
 * VMMCALL: the GHCB carries RAX and CPL only (Table 6), and a Xen hypercall
 * also needs RDI, RSI, RDX, R10 and R8, which an SEV-ES guest's VMSA keeps
 * encrypted.  Its buffers are guest memory, which copy_from_guest() would
 * read as ciphertext unless the guest placed them in shared pages.  So no
 * hypercall is served to an SEV-ES guest: the answer is the one an HVM guest
 * gets for a hypercall Xen does not have (-ENOSYS), or -EPERM from CPL > 0
 * as in hvm_hypercall().
 */
uint64_t vmgexit_be_vmmcall(struct vcpu *v, uint64_t rax, uint8_t cpl)
{
    gprintk(XENLOG_DEBUG, "SEV-ES hypercall %#"PRIx64" refused\n", rax);

    return cpl ? -EPERM : -ENOSYS;
}

/*
 * NMI_COMPLETE: the guest's NMI handler is done.  Under SEV-ES Xen cannot
 * see the handler's IRET; what the IRET intercept does for other guests
 * (svm_vmexit_handler()) is done here: NMIs are no longer blocked.  No
 * interrupt shadow: the guest is past its IRET.
 */
void vmgexit_be_nmi_complete(struct vcpu *v)
{
    struct vmcb_struct *vmcb = v->arch.hvm.svm.vmcb;

    vmcb_set_general1_intercepts(vmcb, vmcb_get_general1_intercepts(vmcb) &
                                       ~GENERAL1_INTERCEPT_IRET);
}

/*
 * MONITOR/MWAIT: Xen does not offer them to HVM guests (it raises #UD).  The
 * GHCB answer has no exception for them, so they are answered as the
 * instructions allow: nothing is armed, and MWAIT returns at once, as it may
 * for any reason.
 */
void vmgexit_be_monitor(struct vcpu *v, uint64_t rax, uint64_t rcx)
{
}

void vmgexit_be_mwait(struct vcpu *v, uint64_t rax, uint64_t rcx)
{
}

/*
 * AP reset hold (AP_HLT_LOOP, or the MSR protocol's AP reset hold): the AP
 * waits until another vCPU sends it INIT-SIPI; a non-zero result tells it it
 * was woken that way.  The vCPU is taken down as an INIT does; only a SIPI
 * (hvm_vcpu_reset_state()) or VCPUOP_up brings it back.  The answer is
 * written before it sleeps: the guest cannot read it before then.
 */
uint64_t sev_ap_reset_hold(struct vcpu *v)
{
    hvm_vcpu_down(v);

    return 1;
}

uint64_t vmgexit_be_ap_hlt_loop(struct vcpu *v)
{
    return sev_ap_reset_hold(v);
}

/*
 * The AP jump table is the domain's (one per guest, set by the BSP and read
 * by every AP): it is kept with vCPU 0, which exists as long as the domain.
 */
void vmgexit_be_ap_jump_table_set(struct vcpu *v, uint64_t gpa)
{
    write_atomic(&v->domain->vcpu[0]->arch.hvm.svm.sev->ap_jump_table, gpa);
}

uint64_t vmgexit_be_ap_jump_table_get(struct vcpu *v)
{
    return read_atomic(&v->domain->vcpu[0]->arch.hvm.svm.sev->ap_jump_table);
}

/*
 * Xen's ioreq completion for a pending request (VIO_ghcb_completion): the
 * device model has answered, the vCPU is current and about to run.
 */
bool sev_ghcb_io_completion(void)
{
    sev_ghcb_resume(current);

    return true;
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
