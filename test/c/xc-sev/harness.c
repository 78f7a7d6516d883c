/*
 * The series' tools/libs/ctrl/xc_sev.c in userspace: do_domctl() stands in
 * for the hypercall.  It prints what Xen would read from the domctl
 * (including the bytes behind the guest handles) and answers as the last
 * `reply` line says, writing fw_status (and the measurement) into the
 * domctl as Xen does, on failure too.  Requests on stdin, one per line:
 *
 *   reply RC ERRNO FW [MEASUREMENT-HEX MNONCE-HEX]
 *   bouncefail N        the N-th bounce from now fails (ENOMEM)
 *   start DOMID POLICY CERT SESSION fw|nofw
 *                       CERT, SESSION: - (NULL, 0), null/LEN (NULL, LEN),
 *                       HEX (those bytes), HEX/LEN (those bytes, LEN)
 *   data DOMID GFN NR fw|nofw
 *   vmsa DOMID fw|nofw
 *   measure DOMID fw|nofw
 *   finish DOMID fw|nofw
 *
 * After each call: `ret RC errno=E fw=F` (errno only when RC < 0; F is
 * what the call left in *fw_status, which starts as 0xdeadbeef, or "none"
 * when NULL was passed).  At the end: `live N`, the bounce buffers not freed.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "xc_private.h"

static struct {
    int rc, err;
    uint32_t fw;
    bool has_measure;
    uint8_t measurement[32], mnonce[16];
} reply;
static int bounce_fail_in;
static int live;

int shim_bounce_pre(xc_interface *xch, xc_hypercall_buffer_t *b)
{
    (void)xch;
    if ( bounce_fail_in && --bounce_fail_in == 0 )
    {
        b->hbuf = NULL;
        errno = ENOMEM;
        return -1;
    }
    if ( !b->ubuf )
    {
        b->hbuf = NULL;
        return 0;
    }
    b->hbuf = malloc(b->sz ? b->sz : 1);
    if ( !b->hbuf )
        exit(70);
    memcpy(b->hbuf, b->ubuf, b->sz);
    live++;
    return 0;
}

void shim_bounce_post(xc_interface *xch, xc_hypercall_buffer_t *b)
{
    (void)xch;
    if ( !b->hbuf )
        return;
    free(b->hbuf);
    b->hbuf = NULL;
    live--;
}

static void print_hex(const uint8_t *p, size_t len)
{
    size_t i;

    for ( i = 0; i < len; i++ )
        printf("%02x", p[i]);
}

/* What Xen reads, printed; Xen's answer, written back. */
int do_domctl(xc_interface *xch, struct xen_domctl *d)
{
    struct xen_domctl_sev_launch *l = &d->u.sev_launch;

    (void)xch;
    printf("domctl cmd=%u domain=%u op=%u fw_status=%u", d->cmd, d->domain,
           l->op, l->fw_status);
    switch ( l->op )
    {
    case XEN_DOMCTL_SEV_LAUNCH_START:
        printf(" policy=%#x dh_cert_len=%u session_len=%u pad=%u dh_cert=",
               l->u.start.policy, l->u.start.dh_cert_len,
               l->u.start.session_len, l->u.start.pad);
        if ( l->u.start.dh_cert.p )
            print_hex(l->u.start.dh_cert.p, l->u.start.dh_cert_len);
        else
            printf("NULL");
        printf(" session=");
        if ( l->u.start.session.p )
            print_hex(l->u.start.session.p, l->u.start.session_len);
        else
            printf("NULL");
        break;
    case XEN_DOMCTL_SEV_LAUNCH_UPDATE_DATA:
        printf(" gfn=%#" PRIx64 " nr_frames=%" PRIu64,
               l->u.update_data.gfn, l->u.update_data.nr_frames);
        break;
    }
    printf("\n");

    l->fw_status = reply.fw;
    if ( reply.has_measure )
    {
        memcpy(l->u.measure.measurement, reply.measurement, 32);
        memcpy(l->u.measure.mnonce, reply.mnonce, 16);
    }
    if ( reply.rc < 0 )
        errno = reply.err;
    return reply.rc;
}

static bool get_hex(const char *hex, uint8_t *out, size_t len)
{
    size_t i;

    if ( strlen(hex) != 2 * len )
        return false;
    for ( i = 0; i < len; i++ )
    {
        unsigned int v;

        if ( sscanf(hex + 2 * i, "%2x", &v) != 1 )
            return false;
        out[i] = v;
    }
    return true;
}

/* A CERT/SESSION argument: see the top of the file. */
static bool blob(char *spec, uint8_t **buf, uint32_t *len)
{
    char *slash = strchr(spec, '/');
    size_t n;

    *buf = NULL;
    *len = 0;
    if ( !strcmp(spec, "-") )
        return true;
    if ( slash )
        *slash = '\0';
    if ( strcmp(spec, "null") )
    {
        n = strlen(spec) / 2;
        *buf = malloc(n ? n : 1);
        if ( !*buf || !get_hex(spec, *buf, n) )
            return false;
        *len = n;
    }
    if ( slash )
        *len = strtoul(slash + 1, NULL, 0);
    return true;
}

static void done(int rc, bool with_fw, uint32_t fw)
{
    printf("ret %d", rc);
    if ( rc < 0 )
        printf(" errno=%d", errno);
    if ( with_fw )
        printf(" fw=%#x\n", fw);
    else
        printf(" fw=none\n");
}

int main(void)
{
    static char line[65536], a[32768], b[32768], f[8];
    unsigned int domid, policy;
    unsigned long long gfn, nr;

    setvbuf(stdout, NULL, _IOLBF, 0);
    while ( fgets(line, sizeof(line), stdin) )
    {
        uint32_t fw = 0xdeadbeef;
        uint32_t *fwp = &fw;
        char mh[65], nh[33];
        int rc, n;

        line[strcspn(line, "\n")] = '\0';
        if ( !strncmp(line, "reply ", 6) )
        {
            n = sscanf(line + 6, "%d %d %" SCNu32 " %64s %32s", &reply.rc,
                       &reply.err, &reply.fw, mh, nh);
            reply.has_measure = n == 5 && get_hex(mh, reply.measurement, 32) &&
                                get_hex(nh, reply.mnonce, 16);
            if ( n != 3 && !reply.has_measure )
                printf("bad request %s\n", line);
            continue;
        }
        if ( sscanf(line, "bouncefail %d", &bounce_fail_in) == 1 )
            continue;

        f[0] = '\0';
        if ( sscanf(line, "start %u %x %32767s %32767s %7s", &domid, &policy,
                    a, b, f) == 5 )
        {
            uint8_t *cert, *session;
            uint32_t cert_len, session_len;

            fwp = strcmp(f, "nofw") ? &fw : NULL;
            if ( !blob(a, &cert, &cert_len) || !blob(b, &session, &session_len) )
            {
                printf("bad request %s\n", line);
                continue;
            }
            rc = xc_sev_launch_start(NULL, domid, policy, cert, cert_len,
                                     session, session_len, fwp);
            done(rc, fwp, fw);
            free(cert);
            free(session);
        }
        else if ( sscanf(line, "data %u %llx %llu %7s", &domid, &gfn, &nr, f) == 4 )
        {
            fwp = strcmp(f, "nofw") ? &fw : NULL;
            rc = xc_sev_launch_update_data(NULL, domid, gfn, nr, fwp);
            done(rc, fwp, fw);
        }
        else if ( sscanf(line, "vmsa %u %7s", &domid, f) == 2 )
        {
            fwp = strcmp(f, "nofw") ? &fw : NULL;
            rc = xc_sev_launch_update_vmsa(NULL, domid, fwp);
            done(rc, fwp, fw);
        }
        else if ( sscanf(line, "measure %u %7s", &domid, f) == 2 )
        {
            uint8_t m[32], no[16];

            memset(m, 0xee, sizeof(m));
            memset(no, 0xee, sizeof(no));
            fwp = strcmp(f, "nofw") ? &fw : NULL;
            rc = xc_sev_launch_measure(NULL, domid, m, no, fwp);
            done(rc, fwp, fw);
            printf("measurement ");
            print_hex(m, sizeof(m));
            printf(" mnonce ");
            print_hex(no, sizeof(no));
            printf("\n");
        }
        else if ( sscanf(line, "finish %u %7s", &domid, f) == 2 )
        {
            fwp = strcmp(f, "nofw") ? &fw : NULL;
            rc = xc_sev_launch_finish(NULL, domid, fwp);
            done(rc, fwp, fw);
        }
        else
            printf("bad request %s\n", line);
    }
    printf("live %d\n", live);
    return 0;
}
