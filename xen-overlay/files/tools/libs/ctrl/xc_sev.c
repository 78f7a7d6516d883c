/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * XEN_DOMCTL_sev_launch: the SEV-ES launch commands, issued by the toolstack
 * while the domain has not yet run.  Xen talks to the AMD Secure Processor;
 * these only carry the arguments and the firmware's status.
 */

#include "xc_private.h"

/*
 * One launch step.  The domctl is copied back on failure too, so fw_status
 * is what Xen wrote: the firmware's status when it refused (EIO), else 0.
 */
static int sev_launch(xc_interface *xch, struct xen_domctl *domctl,
                      uint32_t *fw_status)
{
    int rc, saved;

    domctl->cmd = XEN_DOMCTL_sev_launch;
    domctl->u.sev_launch.fw_status = 0;

    rc = do_domctl(xch, domctl);
    saved = errno;

    if ( fw_status )
        *fw_status = (rc < 0 && saved == EIO) ?
                     domctl->u.sev_launch.fw_status : 0;

    errno = saved;
    return rc;
}

int xc_sev_launch_start(xc_interface *xch, uint32_t domid, uint32_t policy,
                        const uint8_t *dh_cert, uint32_t dh_cert_len,
                        const uint8_t *session, uint32_t session_len,
                        uint32_t *fw_status)
{
    struct xen_domctl domctl = {
        .domain = domid,
        .u.sev_launch.op = XEN_DOMCTL_SEV_LAUNCH_START,
        .u.sev_launch.u.start.policy = policy,
        .u.sev_launch.u.start.dh_cert_len = dh_cert_len,
        .u.sev_launch.u.start.session_len = session_len,
    };
    DECLARE_HYPERCALL_BOUNCE_IN(dh_cert, dh_cert_len);
    DECLARE_HYPERCALL_BOUNCE_IN(session, session_len);
    int rc = -1, saved;

    if ( fw_status )
        *fw_status = 0;

    /* Both or neither: LAUNCH_START takes them together. */
    if ( (dh_cert_len == 0) != (session_len == 0) ||
         (dh_cert_len && (!dh_cert || !session)) )
    {
        errno = EINVAL;
        return -1;
    }

    if ( xc_hypercall_bounce_pre(xch, dh_cert) ||
         xc_hypercall_bounce_pre(xch, session) )
    {
        PERROR("Could not bounce the SEV launch certificate and session");
        goto out;
    }

    set_xen_guest_handle(domctl.u.sev_launch.u.start.dh_cert, dh_cert);
    set_xen_guest_handle(domctl.u.sev_launch.u.start.session, session);

    rc = sev_launch(xch, &domctl, fw_status);

 out:
    saved = errno;
    xc_hypercall_bounce_post(xch, dh_cert);
    xc_hypercall_bounce_post(xch, session);
    errno = saved;
    return rc;
}

int xc_sev_launch_update_data(xc_interface *xch, uint32_t domid,
                              xen_pfn_t gfn, uint64_t nr_frames,
                              uint32_t *fw_status)
{
    /* Xen continues a long range itself (-ERESTART): one call per range. */
    struct xen_domctl domctl = {
        .domain = domid,
        .u.sev_launch.op = XEN_DOMCTL_SEV_LAUNCH_UPDATE_DATA,
        .u.sev_launch.u.update_data.gfn = gfn,
        .u.sev_launch.u.update_data.nr_frames = nr_frames,
    };

    return sev_launch(xch, &domctl, fw_status);
}

int xc_sev_launch_update_vmsa(xc_interface *xch, uint32_t domid,
                              uint32_t *fw_status)
{
    struct xen_domctl domctl = {
        .domain = domid,
        .u.sev_launch.op = XEN_DOMCTL_SEV_LAUNCH_UPDATE_VMSA,
    };

    return sev_launch(xch, &domctl, fw_status);
}

int xc_sev_launch_measure(xc_interface *xch, uint32_t domid,
                          uint8_t measurement[32], uint8_t mnonce[16],
                          uint32_t *fw_status)
{
    struct xen_domctl domctl = {
        .domain = domid,
        .u.sev_launch.op = XEN_DOMCTL_SEV_LAUNCH_MEASURE,
    };
    int rc = sev_launch(xch, &domctl, fw_status);

    if ( rc == 0 )
    {
        memcpy(measurement, domctl.u.sev_launch.u.measure.measurement,
               sizeof(domctl.u.sev_launch.u.measure.measurement));
        memcpy(mnonce, domctl.u.sev_launch.u.measure.mnonce,
               sizeof(domctl.u.sev_launch.u.measure.mnonce));
    }

    return rc;
}

int xc_sev_launch_finish(xc_interface *xch, uint32_t domid,
                         uint32_t *fw_status)
{
    struct xen_domctl domctl = {
        .domain = domid,
        .u.sev_launch.op = XEN_DOMCTL_SEV_LAUNCH_FINISH,
    };

    return sev_launch(xch, &domctl, fw_status);
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
