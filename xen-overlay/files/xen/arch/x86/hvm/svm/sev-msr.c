/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sev-msr.c: the hypervisor side of the GHCB MSR protocol.
 *
 * Before an SEV-ES guest has set up its GHCB page (and for a few requests
 * after), it talks to the hypervisor through the GHCB MSR alone: it writes a
 * request there and executes VMGEXIT, and the answer comes back in the same
 * MSR (AMD 56421, "GHCB MSR Protocol").  OVMF and Linux ask for SEV_INFO and
 * CPUID this way first thing, so these have to be answered, not refused.
 *
 * The value is guest controlled and was read once by the caller; nothing here
 * reads guest state.  Requests only an SEV-SNP guest may make are refused:
 * Xen does not run SEV-SNP guests.
 */

#include <xen/lib.h>
#include <xen/types.h>

#include "sev.h"
#include "sev-ghcb-msr.h"

/* The GHCB protocol versions Xen speaks with an SEV-ES guest. */
#define SEV_ES_PROTOCOL_MIN 1
#define SEV_ES_PROTOCOL_MAX 2

enum sev_msr_action sev_msr_request(struct vcpu *v, uint64_t req,
                                    uint64_t *resp)
{
    switch ( MASK_EXTR(req, GHCB_MSR_VALUE_GHCB_INFO_MASK) )
    {
    case GHCB_MSR_GHCB_GPA:
        return SEV_MSR_GHCB_PAGE;

    case GHCB_MSR_SEV_INFO_REQ:
        *resp = MASK_INSR(GHCB_MSR_SEV_INFO_RESP,
                          GHCB_MSR_SEV_INFO_RESP_GHCB_INFO_MASK) |
                MASK_INSR(sev_cbit_pos(),
                          GHCB_MSR_SEV_INFO_RESP_CBIT_POS_MASK) |
                MASK_INSR(SEV_ES_PROTOCOL_MIN,
                          GHCB_MSR_SEV_INFO_RESP_MIN_PROTO_MASK) |
                MASK_INSR(SEV_ES_PROTOCOL_MAX,
                          GHCB_MSR_SEV_INFO_RESP_MAX_PROTO_MASK);
        return SEV_MSR_RESPOND;

    case GHCB_MSR_CPUID_REQ:
    {
        unsigned int reg = MASK_EXTR(req, GHCB_MSR_CPUID_REQ_REG_MASK);
        uint32_t regs[4];

        /* The MSR protocol has no subleaf: the guest gets subleaf 0. */
        sev_msr_cpuid(v, MASK_EXTR(req, GHCB_MSR_CPUID_REQ_FUNCTION_MASK),
                      regs);
        *resp = MASK_INSR(GHCB_MSR_CPUID_RESP,
                          GHCB_MSR_CPUID_RESP_GHCB_INFO_MASK) |
                MASK_INSR(reg, GHCB_MSR_CPUID_RESP_REG_MASK) |
                MASK_INSR((uint64_t)regs[reg], GHCB_MSR_CPUID_RESP_VALUE_MASK);
        return SEV_MSR_RESPOND;
    }

    case GHCB_MSR_HV_FT_REQ:
        /* None of the features are offered to an SEV-ES guest. */
        *resp = MASK_INSR(GHCB_MSR_HV_FT_RESP,
                          GHCB_MSR_HV_FT_RESP_GHCB_INFO_MASK);
        return SEV_MSR_RESPOND;

    case GHCB_MSR_TERM_REQ:
        *resp = req;
        return SEV_MSR_TERMINATE;

    default:
        /*
         * AP reset hold needs the AP parking Xen does not have yet; GHCB GPA
         * registration, preferred GPA and page state changes are SEV-SNP
         * requests; the rest are responses or undefined.
         */
        return SEV_MSR_UNKNOWN;
    }
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
