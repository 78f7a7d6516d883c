/*
 * Stand-in for the parts of libxl's libxl_internal.h (and the libxl, libxc
 * and public headers behind it) that libxl_sev.c uses, so that the file is
 * compiled as the series has it.  Types and names are libxl's; the gc is a
 * list of allocations freed at exit, logging and xenstore are the harness's
 * (harness.c), and libxc's xc_sev_launch_* are fake-xc.c's, which answer as
 * the hypervisor does, from the firmware model.
 */
#ifndef LIBXL_INTERNAL_SHIM_H
#define LIBXL_INTERNAL_SHIM_H

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define _hidden

/* libxc */
typedef struct xc_interface_core xc_interface;
typedef uint64_t xen_pfn_t;

/* What the public headers give the tools on x86_64, for patch 8's ABI below. */
typedef uint64_t uint64_aligned_t;
#define XEN_GUEST_HANDLE_64(t) struct { t##_t *p; }

/* Patch 8's public ABI, written from its domctl.h hunk by the test. */
#include "sev-launch-abi.h"

/* xenctrl.h: patch 9's declarations, written from its hunk by the test. */
#include "xc-sev-decls.h"

/* xenguest.h: the fields of the domain builder's image libxl_sev.c reads. */
#define XG_MAX_MODULES 3
#define MAX_ACPI_MODULES 4
struct xc_dom_seg {
    uint64_t vstart, vend;
    xen_pfn_t pfn, pages;
};
struct xc_dom_module {
    struct xc_dom_seg seg;
};
struct xc_hvm_firmware_module {
    uint8_t *data;
    uint32_t length;
    uint64_t guest_addr_out;
};
struct xc_dom_image {
    struct xc_dom_seg kernel_seg;
    struct xc_dom_seg start_info_seg;
    unsigned int num_modules;
    struct xc_dom_module modules[XG_MAX_MODULES];
    struct xc_hvm_firmware_module system_firmware_module;
    struct xc_hvm_firmware_module acpi_modules[MAX_ACPI_MODULES];
    struct xc_hvm_firmware_module smbios_module;
};

/* libxl.h / the IDL */
#define ERROR_FAIL      (-3)
#define ERROR_INVAL     (-6)
#define ERROR_NOTFOUND  (-20)
typedef enum {
    LIBXL_COCO_TYPE_NONE = 0,
    LIBXL_COCO_TYPE_SEV_ES = 2,
} libxl_coco_type;
typedef struct {
    struct {
        libxl_coco_type coco;
        uint32_t coco_policy;
        char *coco_dh_cert;
        char *coco_session;
    } arch_x86;
} libxl_domain_build_info;
typedef struct libxl__ctx {
    xc_interface *xch;
} libxl_ctx;

/* libxl_internal.h */
typedef struct {
    uint64_t gfn;
    uint64_t nr_frames;
} libxl__sev_range;
typedef struct {
    libxl__sev_range *sev_ranges;
    unsigned int sev_nr_ranges;
    bool sev_launch_failed;
} libxl__domain_build_state;

typedef struct {
    libxl_ctx *owner;
} libxl__gc;
#define CTX (gc->owner)
#define GC_INIT(ctx) libxl__gc gc_buf = { (ctx) }, *gc = &gc_buf
#define GC_FREE ((void)gc)

void *libxl__zalloc(libxl__gc *gc, size_t size);
void *libxl__realloc(libxl__gc *gc, void *ptr, size_t size);
char *libxl__sprintf(libxl__gc *gc, const char *fmt, ...)
    __attribute__((__format__(printf, 2, 3)));
#define GCSPRINTF(fmt, ...) (libxl__sprintf((gc), (fmt), __VA_ARGS__))
#define GCREALLOC_ARRAY(var, nmemb) \
    ((var) = libxl__realloc((gc), (var), (nmemb) * sizeof(*(var))))

void libxl__log(libxl__gc *gc, const char *level, int domid,
                const char *fmt, ...)
    __attribute__((__format__(printf, 4, 5)));
#define LOG(level, fmt, ...) libxl__log(gc, #level, -1, fmt, ##__VA_ARGS__)
#define LOGD(level, domid, fmt, ...) \
    libxl__log(gc, #level, (domid), fmt, ##__VA_ARGS__)

typedef uint32_t xs_transaction_t;
#define XBT_NULL ((xs_transaction_t)0)
char *libxl__xs_libxl_path(libxl__gc *gc, uint32_t domid);
int libxl__xs_printf(libxl__gc *gc, xs_transaction_t t, const char *path,
                     const char *fmt, ...)
    __attribute__((__format__(printf, 4, 5)));
char *libxl__xs_read(libxl__gc *gc, xs_transaction_t t, const char *path);

/* The functions libxl_sev.c defines (libxl_internal.h and libxl.h). */
void libxl__sev_add_range(libxl__gc *gc, libxl__domain_build_state *state,
                          uint64_t gfn, uint64_t nr_frames);
void libxl__sev_merge_ranges(libxl__domain_build_state *state);
int libxl__sev_record_ranges(libxl__gc *gc,
                             const libxl_domain_build_info *info,
                             libxl__domain_build_state *state,
                             const struct xc_dom_image *dom);
int libxl__sev_launch(libxl__gc *gc, uint32_t domid,
                      const libxl_domain_build_info *info,
                      libxl__domain_build_state *state);
int libxl_domain_sev_measurement(libxl_ctx *ctx, uint32_t domid,
                                 uint8_t measurement[32], uint8_t mnonce[16]);

#endif /* LIBXL_INTERNAL_SHIM_H */
