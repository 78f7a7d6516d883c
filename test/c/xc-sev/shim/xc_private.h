/*
 * Stand-in for what xc_sev.c uses of libxc's xc_private.h (and xenctrl.h and
 * the public domctl.h behind it), so that the series' file is compiled as it
 * is.  The domctl part is launch-abi.md's (patch 8 adds it to Xen); the
 * hypercall is harness.c's do_domctl(), which records what Xen would read
 * and answers as the test tells it.  Bounce buffers behave as libxc's: a
 * NULL buffer is not bounced (its handle is NULL), others are copied into a
 * separate buffer, which the post call frees.
 */
#ifndef XC_PRIVATE_SHIM_H
#define XC_PRIVATE_SHIM_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct xc_interface_core xc_interface;
typedef uint64_t xen_pfn_t;
typedef uint64_t uint64_aligned_t;

/* A 64-bit guest handle, as the tools see it on x86_64. */
#define XEN_GUEST_HANDLE_64(t) struct { t##_t *p; }

/* Patch 8's public ABI (staging), written from its domctl.h hunk by the test. */
#include "sev-launch-abi.h"

struct xen_domctl {
    uint32_t cmd;
    uint32_t interface_version;
    uint32_t domain;
    union {
        struct xen_domctl_sev_launch sev_launch;
        uint8_t pad[128];
    } u;
};

/* libxc's hypercall bounce buffers, reduced to what xc_sev.c does with them. */
typedef struct {
    void *hbuf;
    void *ubuf;
    size_t sz;
} xc_hypercall_buffer_t;

#define DECLARE_HYPERCALL_BOUNCE_IN(_name, _sz)                         \
    xc_hypercall_buffer_t xc__hb_##_name = {                            \
        .ubuf = (void *)(uintptr_t)(_name), .sz = (_sz) }
#define xc_hypercall_bounce_pre(_xch, _name)                            \
    shim_bounce_pre(_xch, &xc__hb_##_name)
#define xc_hypercall_bounce_post(_xch, _name)                           \
    shim_bounce_post(_xch, &xc__hb_##_name)
#define set_xen_guest_handle(_hnd, _name)                               \
    do { (_hnd).p = xc__hb_##_name.hbuf; } while ( 0 )

int shim_bounce_pre(xc_interface *xch, xc_hypercall_buffer_t *b);
void shim_bounce_post(xc_interface *xch, xc_hypercall_buffer_t *b);
int do_domctl(xc_interface *xch, struct xen_domctl *domctl);

#define PERROR(_f, ...) \
    printf("perror " _f " (%d)\n", ##__VA_ARGS__, errno)

/* xenctrl.h: patch 9's declarations, written from its hunk by the test. */
#include "xc-sev-decls.h"

#endif
