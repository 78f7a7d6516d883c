/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sev-ghcb.c: requests SEV-ES guests make through their GHCB page.
 *
 * The GHCB is shared with the guest, which may change it at any time.  The
 * validator (sev-vmgexit.c, generated from the GHCB specification's table of
 * events) copies it into the vCPU's private work area first, checks the
 * request against the table and calls the backends below with values from
 * that snapshot only.  The work area is allocated with the vCPU: nothing is
 * allocated on the VMGEXIT path.
 *
 * Requests needing what Xen cannot do for an SEV-ES guest yet (I/O and MMIO
 * through the device model, VMMCALL, AP startup, MONITOR/MWAIT, NMI
 * completion) end the guest with a message naming the event rather than being
 * answered wrongly.  The SEV-SNP requests never get here: the validator
 * refuses them from an SEV-ES guest.
 */

#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/vmap.h>

#include <asm/cpuid.h>
#include <asm/guest-msr.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/support.h>
#include <asm/x86-defns.h>
#include <asm/x86_emulate.h>
#include <asm/xstate.h>

#include "sev.h"
#include "sev-vmgexit.h"
#include "vmcb.h"

struct sev_vcpu {
    struct vmgexit_work work;
    /* The guest's DR7: under SEV-ES the VMCB save area copy is not used. */
    uint64_t dr7;
    /* Set by a backend Xen cannot provide yet: the request ends the guest. */
    const char *unsupported;
};

int sev_vcpu_initialise(struct vcpu *v)
{
    struct sev_vcpu *sev;

    if ( !vmcb_get_sev_es(v->arch.hvm.svm.vmcb) )
        return 0;

    sev = vzalloc(sizeof(*sev));
    if ( !sev )
        return -ENOMEM;

    sev->dr7 = X86_DR7_DEFAULT;
    v->arch.hvm.svm.sev = sev;

    return 0;
}

void sev_vcpu_destroy(struct vcpu *v)
{
    vfree(v->arch.hvm.svm.sev);
    v->arch.hvm.svm.sev = NULL;
}

static void unsupported(struct vcpu *v, const char *what)
{
    v->arch.hvm.svm.sev->unsupported = what;
}

uint64_t vmgexit_be_dr7_read(struct vcpu *v)
{
    return v->arch.hvm.svm.sev->dr7;
}

void vmgexit_be_dr7_write(struct vcpu *v, uint64_t val)
{
    v->arch.hvm.svm.sev->dr7 = val;
}

uint64_t vmgexit_be_rdtsc(struct vcpu *v)
{
    return hvm_get_guest_tsc(v);
}

uint64_t vmgexit_be_rdtscp(struct vcpu *v, uint32_t *aux)
{
    *aux = v->arch.msrs->tsc_aux;

    return hvm_get_guest_tsc(v);
}

/* No virtual PMU for SEV-ES guests: #GP, as for a counter that is absent. */
bool vmgexit_be_rdpmc(struct vcpu *v, uint32_t counter, uint64_t *val)
{
    return false;
}

void vmgexit_be_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf,
                      uint64_t xcr0, uint64_t xss, uint32_t out[4])
{
    struct cpuid_leaf res, xsave;

    guest_cpuid(v, leaf, subleaf, &res);

    /*
     * The XSAVE area sizes depend on the guest's XCR0 and XSS, which Xen
     * cannot read from an SEV-ES guest: the guest supplies them with the
     * request (and the validator passes XSS only when the guest marked it).
     * They are guest values: only states the guest may enable (leaf 0xd,
     * EDX:EAX of subleaf 0 for XCR0, EDX:ECX of subleaf 1 for XSS) are sized.
     */
    if ( leaf != 0xd || subleaf > 1 )
        goto done;

    guest_cpuid(v, 0xd, 0, &xsave);
    if ( !(xcr0 & X86_XCR0_X87) ||
         (xcr0 & ~(((uint64_t)xsave.d << 32) | xsave.a)) )
        goto done;

    if ( subleaf == 0 )
        res.b = xstate_uncompressed_size(xcr0);
    else if ( (res.a & cpufeat_mask(X86_FEATURE_XSAVES)) &&
              !(xss & ~(((uint64_t)res.d << 32) | res.c)) )
        res.b = xstate_compressed_size(xcr0 | xss);

 done:
    out[0] = res.a;
    out[1] = res.b;
    out[2] = res.c;
    out[3] = res.d;
}

bool vmgexit_be_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    return guest_rdmsr(v, msr, val) == X86EMUL_OKAY;
}

bool vmgexit_be_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    return guest_wrmsr(v, msr, val) == X86EMUL_OKAY;
}

bool vmgexit_be_io_in(struct vcpu *v, uint16_t port, unsigned int bytes,
                      uint32_t *val)
{
    unsupported(v, "IOIO");
    *val = ~0U;

    return true;
}

bool vmgexit_be_io_out(struct vcpu *v, uint16_t port, unsigned int bytes,
                       uint32_t val)
{
    unsupported(v, "IOIO");

    return true;
}

bool vmgexit_be_mmio_read(struct vcpu *v, uint64_t gpa, void *buf,
                          unsigned int len)
{
    unsupported(v, "MMIO_READ");
    memset(buf, 0xff, len);

    return true;
}

bool vmgexit_be_mmio_write(struct vcpu *v, uint64_t gpa, const void *buf,
                           unsigned int len)
{
    unsupported(v, "MMIO_WRITE");

    return true;
}

uint64_t vmgexit_be_vmmcall(struct vcpu *v, uint64_t rax, uint8_t cpl)
{
    unsupported(v, "VMMCALL");

    return ~0UL;
}

/* As for other HVM guests without passed-through devices: nothing to do. */
void vmgexit_be_invd(struct vcpu *v)
{
}

void vmgexit_be_wbinvd(struct vcpu *v)
{
}

void vmgexit_be_nmi_complete(struct vcpu *v)
{
    unsupported(v, "NMI_COMPLETE");
}

void vmgexit_be_monitor(struct vcpu *v, uint64_t rax, uint64_t rcx)
{
    unsupported(v, "MONITOR");
}

void vmgexit_be_mwait(struct vcpu *v, uint64_t rax, uint64_t rcx)
{
    unsupported(v, "MWAIT");
}

uint64_t vmgexit_be_ap_hlt_loop(struct vcpu *v)
{
    unsupported(v, "AP_HLT_LOOP");

    return 0;
}

void vmgexit_be_ap_jump_table_set(struct vcpu *v, uint64_t gpa)
{
    unsupported(v, "AP_JUMP_TABLE");
}

uint64_t vmgexit_be_ap_jump_table_get(struct vcpu *v)
{
    unsupported(v, "AP_JUMP_TABLE");

    return 0;
}

void vmgexit_be_page_state(struct vcpu *v, uint64_t gfn, unsigned int op,
                           bool large)
{
    /* SEV-SNP only: the validator refuses it from an SEV-ES guest. */
    ASSERT_UNREACHABLE();
    unsupported(v, "PSC");
}

uint64_t vmgexit_be_guest_request(struct vcpu *v, uint64_t req_gpa,
                                  uint64_t resp_gpa)
{
    /* SEV-SNP only: the validator refuses it from an SEV-ES guest. */
    ASSERT_UNREACHABLE();
    unsupported(v, "GUEST_REQUEST");

    return ~0UL;
}

uint64_t vmgexit_be_ext_guest_request(struct vcpu *v, uint64_t req_gpa,
                                      uint64_t resp_gpa, uint64_t data_gpa,
                                      uint64_t *npages)
{
    /* SEV-SNP only: the validator refuses it from an SEV-ES guest. */
    ASSERT_UNREACHABLE();
    unsupported(v, "EXT_GUEST_REQUEST");

    return ~0UL;
}

void vmgexit_be_ap_creation(struct vcpu *v, uint32_t op, uint32_t apic_id,
                            uint64_t vmsa_gpa)
{
    /* SEV-SNP only: the validator refuses it from an SEV-ES guest. */
    ASSERT_UNREACHABLE();
    unsupported(v, "AP_CREATION");
}

void vmgexit_be_term_request(struct vcpu *v, uint64_t info1, uint64_t info2)
{
    gprintk(XENLOG_INFO,
            "SEV-ES guest terminates: SW_EXITINFO1 %#"PRIx64", SW_EXITINFO2 %#"PRIx64"\n",
            info1, info2);
}

void vmgexit_be_unsupported_event(struct vcpu *v, uint64_t info1,
                                  uint64_t info2)
{
    gprintk(XENLOG_ERR,
            "SEV-ES guest reports an unsupported event: %#"PRIx64", %#"PRIx64"\n",
            info1, info2);
}

bool vmgexit_be_read_guest(struct vcpu *v, uint64_t gpa, void *buf,
                           unsigned int len)
{
    return hvm_copy_from_guest_phys(buf, gpa, len) == HVMTRANS_okay;
}

bool vmgexit_be_write_guest(struct vcpu *v, uint64_t gpa, const void *buf,
                            unsigned int len)
{
    return hvm_copy_to_guest_phys(gpa, buf, len, v) == HVMTRANS_okay;
}

uint64_t vmgexit_be_exception_event(struct vcpu *v, unsigned int vector)
{
    intinfo_t ev = {
        .vector = vector,
        .type = X86_ET_HW_EXC,
        .v = true,
    };

    return ev.raw;
}

void sev_ghcb_request(struct vcpu *v, uint64_t gpa)
{
    struct sev_vcpu *sev = v->arch.hvm.svm.sev;
    const struct vmgexit_guest guest = {};
    struct vmgexit_result res;
    uint8_t *page;
    bool writable;

    /* Allocated with every vCPU whose VMCB has SEV-ES enabled. */
    if ( !sev )
    {
        ASSERT_UNREACHABLE();
        goto crash;
    }

    page = hvm_map_guest_frame_rw(gpa >> PAGE_SHIFT, false, &writable);
    if ( !page || !writable )
    {
        gprintk(XENLOG_ERR, "GHCB %#"PRIx64" is not writable guest RAM\n", gpa);
        if ( page )
            hvm_unmap_guest_frame(page, false);
        goto crash;
    }

    sev->unsupported = NULL;
    vmgexit_handle(v, page, gpa, &guest, &sev->work, &res);
    hvm_unmap_guest_frame(page, false);

    if ( sev->unsupported )
        gprintk(XENLOG_ERR, "VMGEXIT %s is not supported for SEV-ES guests yet\n",
                sev->unsupported);
    else if ( res.verdict == VMGEXIT_TERMINATE )
        gprintk(XENLOG_ERR, "VMGEXIT %s (%#"PRIx64"): terminate, GHCB error %#x\n",
                res.name ?: "(unknown)", res.exit_code, res.error);
    else
        return;

 crash:
    domain_crash(v->domain);
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
