/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runs the generated libxl coco validation and defaults
 * (generated/libxl/libxl_x86.c) outside Xen, with a local definition of just
 * the libxl types they use. Reads cases from stdin, one `field=value` per
 * line, each case ended by `end`; prints every logged error, then `rc=N` and,
 * when valid, the effective policy and booleans and the result of a second
 * setdefault (which must accept its own output), then `--`.
 *
 * Build: cc -I <dir with generated/libxl> test/c/coco_harness.c
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the libxl types the fragment needs (values as libxl_types.idl) --- */

typedef struct { int val; } libxl_defbool;      /* 0 default, >0 true, <0 false */
typedef struct { int dummy; } libxl__gc;

typedef enum {
    LIBXL_DOMAIN_TYPE_INVALID = -1,
    LIBXL_DOMAIN_TYPE_HVM = 1,
    LIBXL_DOMAIN_TYPE_PV = 2,
    LIBXL_DOMAIN_TYPE_PVH = 3,
} libxl_domain_type;

typedef enum {
    LIBXL_BIOS_TYPE_UNKNOWN = 0,
    LIBXL_BIOS_TYPE_ROMBIOS = 1,
    LIBXL_BIOS_TYPE_SEABIOS = 2,
    LIBXL_BIOS_TYPE_OVMF = 3,
} libxl_bios_type;

/* What gentypes.py makes of generated/libxl/libxl_types.idl. */
typedef enum {
    LIBXL_COCO_TYPE_NONE = 0,
    LIBXL_COCO_TYPE_SEV = 1,
    LIBXL_COCO_TYPE_SEV_ES = 2,
    LIBXL_COCO_TYPE_SEV_SNP = 3,
} libxl_coco_type;

typedef struct {
    libxl_coco_type type;
    uint64_t policy;
    char *dh_cert;
    char *session;
    char *id_block;
    char *id_auth;
    char *host_data;
    char *guest_visible_workarounds;
    libxl_defbool author_key;
    libxl_defbool vcek;
} libxl_coco_info;

typedef struct {
    libxl_domain_type type;
    union {
        struct {
            libxl_bios_type bios;
        } hvm;
    } u;
    struct {
        libxl_coco_info coco;
    } arch_x86;
} libxl_domain_build_info;

#define ERROR_INVAL (-6)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof(*(a)))   /* libxl has it from xen-tools */

static int libxl_defbool_is_default(libxl_defbool db) { return !db.val; }
static bool libxl_defbool_val(libxl_defbool db) { return db.val > 0; }
static void libxl_defbool_set(libxl_defbool *db, bool b) { db->val = b ? 1 : -1; }
static void libxl_defbool_setdefault(libxl_defbool *db, bool b)
{
    if ( !db->val )
        libxl_defbool_set(db, b);
}

static void harness_log(libxl__gc *gc, const char *fmt, ...)
{
    va_list ap;

    (void)gc;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

#define LOG(level, ...) harness_log(gc, __VA_ARGS__)

#include "libxl.h"        /* generated: LIBXL_HAVE_COCO, LIBXL_COCO_POLICY_DEFAULT */
#include "libxl_x86.c"    /* generated: libxl__coco_validate, libxl__coco_setdefault */

static char *harness_strdup(const char *s)
{
    char *d = malloc(strlen(s) + 1);

    if ( !d )
        exit(3);
    return strcpy(d, s);
}

static void init(libxl_domain_build_info *b)
{
    memset(b, 0, sizeof(*b));
    b->type = LIBXL_DOMAIN_TYPE_PV;
    b->arch_x86.coco.type = LIBXL_COCO_TYPE_NONE;
    b->arch_x86.coco.policy = LIBXL_COCO_POLICY_DEFAULT;
}

static void release(libxl_domain_build_info *b)
{
    libxl_coco_info *c = &b->arch_x86.coco;

    free(c->dh_cert);
    free(c->session);
    free(c->id_block);
    free(c->id_auth);
    free(c->host_data);
    free(c->guest_visible_workarounds);
}

static void set(libxl_domain_build_info *b, const char *key, const char *v)
{
    libxl_coco_info *c = &b->arch_x86.coco;

    if ( !strcmp(key, "type") )
        b->type = !strcmp(v, "hvm") ? LIBXL_DOMAIN_TYPE_HVM :
                  !strcmp(v, "pvh") ? LIBXL_DOMAIN_TYPE_PVH : LIBXL_DOMAIN_TYPE_PV;
    else if ( !strcmp(key, "bios") )
        b->u.hvm.bios = !strcmp(v, "ovmf") ? LIBXL_BIOS_TYPE_OVMF :
                        !strcmp(v, "rombios") ? LIBXL_BIOS_TYPE_ROMBIOS : LIBXL_BIOS_TYPE_SEABIOS;
    else if ( !strcmp(key, "coco") )
        c->type = (libxl_coco_type)atoi(v);
    else if ( !strcmp(key, "policy") )
        c->policy = strtoull(v, NULL, 0);
    else if ( !strcmp(key, "author_key") )
        libxl_defbool_set(&c->author_key, atoi(v));
    else if ( !strcmp(key, "vcek") )
        libxl_defbool_set(&c->vcek, atoi(v));
    else if ( !strcmp(key, "dh_cert") )
        c->dh_cert = harness_strdup(v);
    else if ( !strcmp(key, "session") )
        c->session = harness_strdup(v);
    else if ( !strcmp(key, "id_block") )
        c->id_block = harness_strdup(v);
    else if ( !strcmp(key, "id_auth") )
        c->id_auth = harness_strdup(v);
    else if ( !strcmp(key, "host_data") )
        c->host_data = harness_strdup(v);
    else if ( !strcmp(key, "guest_visible_workarounds") )
        c->guest_visible_workarounds = harness_strdup(v);
    else
    {
        fprintf(stderr, "harness: unknown field %s\n", key);
        exit(2);
    }
}

int main(void)
{
    static char line[16384];
    libxl_domain_build_info b;
    libxl__gc gc = { 0 };

    init(&b);
    while ( fgets(line, sizeof(line), stdin) )
    {
        char *eq;
        int rc;

        line[strcspn(line, "\n")] = '\0';
        if ( strcmp(line, "end") )
        {
            eq = strchr(line, '=');
            if ( !eq )
                return 2;
            *eq = '\0';
            set(&b, line, eq + 1);
            continue;
        }
        rc = libxl__coco_setdefault(&gc, &b);
        printf("rc=%d\n", rc);
        if ( !rc && b.arch_x86.coco.type != LIBXL_COCO_TYPE_NONE )
        {
            const libxl_coco_info *c = &b.arch_x86.coco;

            printf("policy=0x%" PRIx64 " author_key=%d vcek=%d\n",
                   c->policy, libxl_defbool_val(c->author_key),
                   libxl_defbool_val(c->vcek));
            /* libxl may run setdefault again on a filled-in config. */
            printf("again=%d\n", libxl__coco_setdefault(&gc, &b));
        }
        printf("--\n");
        release(&b);
        init(&b);
    }
    return 0;
}
