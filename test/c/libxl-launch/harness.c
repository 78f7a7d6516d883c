/*
 * libxl's SEV-ES launch (the series' libxl_sev.c) run in userspace on top of
 * fake-xc.c, which answers from the firmware model behind `xen-sev fw serve`.
 *
 *   libxl-launch-harness -- SERVER-ARGV...
 *
 * Script on stdin, one request a line:
 *
 *   host ... | reset | state        passed to the server (state: `state JSON`)
 *   boot [noes]                     the PSP driver's boot (INIT without the ES TMR: noes)
 *   guest GFN HEX                   a guest frame's contents (one 4 KiB frame)
 *   vmsa I HEX                      vCPU I's initial VMSA
 *   vcpus N
 *   dom NAME=A:B ...                the domain builder's image: kernel, module,
 *                                   start_info (A:B = first frame:frames), firmware,
 *                                   acpi, smbios (A:B = guest address:bytes);
 *                                   libxl__sev_record_ranges() records it
 *   range GFN NR                    libxl__sev_add_range(), then merged
 *   ranges                          `ranges GFN:NR ...` as libxl keeps them
 *   launch DOMID COCO POLICY CERT SESSION
 *                                   libxl__sev_launch(): COCO es|none, CERT and
 *                                   SESSION base64 or -; then `rc RC failed 0|1`
 *                                   and `measurement HEX mnonce HEX` (or
 *                                   `measurement rc RC`) from
 *                                   libxl_domain_sev_measurement()
 *   destroy                         what Xen does when the domain is destroyed
 *
 * Output also has `log LEVEL [dDOMID] TEXT` for libxl's log, `xs PATH VALUE`
 * for its xenstore writes, `xc ...` for the domctls and `fw NAME STATUS`
 * for every firmware command.
 */
#include "libxl_osdeps.h"

#include <stdarg.h>

#include "libxl_internal.h"
#include "fake-xc.h"

/* ---- the libxl internals libxl_sev.c uses ---- */
static void *allocs[1 << 16];
static unsigned int nr_allocs;

static void *track(void *p)
{
    if ( !p || nr_allocs == sizeof(allocs) / sizeof(allocs[0]) )
    {
        fprintf(stderr, "harness: out of memory\n");
        exit(70);
    }
    return allocs[nr_allocs++] = p;
}

void *libxl__zalloc(libxl__gc *gc, size_t size)
{
    (void)gc;
    return track(calloc(1, size ? size : 1));
}

void *libxl__realloc(libxl__gc *gc, void *ptr, size_t size)
{
    unsigned int i;
    void *n;

    (void)gc;
    n = realloc(ptr, size);
    if ( !n )
        exit(70);
    for ( i = 0; i < nr_allocs; i++ )
        if ( allocs[i] == ptr )
        {
            allocs[i] = n;
            return n;
        }
    return track(n);
}

char *libxl__sprintf(libxl__gc *gc, const char *fmt, ...)
{
    va_list ap;
    char *s;

    (void)gc;
    va_start(ap, fmt);
    if ( vasprintf(&s, fmt, ap) < 0 )
        exit(70);
    va_end(ap);
    return track(s);
}

void libxl__log(libxl__gc *gc, const char *level, int domid, const char *fmt, ...)
{
    va_list ap;

    (void)gc;
    printf("log %s ", level);
    if ( domid >= 0 )
        printf("d%d ", domid);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

#define XS_MAX 64
static struct { char *path, *value; } xs[XS_MAX];
static unsigned int nr_xs;

char *libxl__xs_libxl_path(libxl__gc *gc, uint32_t domid)
{
    return libxl__sprintf(gc, "/libxl/%u", domid);
}

int libxl__xs_printf(libxl__gc *gc, xs_transaction_t t, const char *path,
                     const char *fmt, ...)
{
    va_list ap;
    char *v;
    unsigned int i;

    (void)gc;
    (void)t;
    va_start(ap, fmt);
    if ( vasprintf(&v, fmt, ap) < 0 )
        exit(70);
    va_end(ap);
    printf("xs %s %s\n", path, v);
    for ( i = 0; i < nr_xs; i++ )
        if ( !strcmp(xs[i].path, path) )
        {
            free(xs[i].value);
            xs[i].value = v;
            return 0;
        }
    if ( nr_xs == XS_MAX )
        exit(70);
    xs[nr_xs].path = strdup(path);
    xs[nr_xs++].value = v;
    return 0;
}

char *libxl__xs_read(libxl__gc *gc, xs_transaction_t t, const char *path)
{
    unsigned int i;

    (void)t;
    for ( i = 0; i < nr_xs; i++ )
        if ( !strcmp(xs[i].path, path) )
            return libxl__sprintf(gc, "%s", xs[i].value);
    return NULL;
}

/* ---- the script ---- */
static libxl_ctx ctx;
static libxl__gc gc_main = { &ctx };
static libxl__domain_build_state state;

static void print_ranges(void)
{
    unsigned int i;

    printf("ranges");
    for ( i = 0; i < state.sev_nr_ranges; i++ )
        printf(" %llx:%llu", (unsigned long long)state.sev_ranges[i].gfn,
               (unsigned long long)state.sev_ranges[i].nr_frames);
    printf("\n");
}

static void dom_image(char *args)
{
    libxl__gc *gc = &gc_main;
    libxl_domain_build_info info = { .arch_x86.coco = LIBXL_COCO_TYPE_SEV_ES };
    struct xc_dom_image dom = { .num_modules = 0 };
    unsigned int acpi = 0;
    char *tok;

    for ( tok = strtok(args, " "); tok; tok = strtok(NULL, " ") )
    {
        char name[16];
        unsigned long long a, b;

        if ( sscanf(tok, "%15[a-z_]=%llx:%llx", name, &a, &b) != 3 )
        {
            printf("bad dom %s\n", tok);
            continue;
        }
        if ( !strcmp(name, "kernel") )
            dom.kernel_seg = (struct xc_dom_seg){ .pfn = a, .pages = b };
        else if ( !strcmp(name, "start_info") )
            dom.start_info_seg = (struct xc_dom_seg){ .pfn = a, .pages = b };
        else if ( !strcmp(name, "module") && dom.num_modules < XG_MAX_MODULES )
            dom.modules[dom.num_modules++].seg = (struct xc_dom_seg){ .pfn = a, .pages = b };
        else if ( !strcmp(name, "firmware") )
            dom.system_firmware_module = (struct xc_hvm_firmware_module){ .guest_addr_out = a, .length = b };
        else if ( !strcmp(name, "acpi") && acpi < MAX_ACPI_MODULES )
            dom.acpi_modules[acpi++] = (struct xc_hvm_firmware_module){ .guest_addr_out = a, .length = b };
        else if ( !strcmp(name, "smbios") )
            dom.smbios_module = (struct xc_hvm_firmware_module){ .guest_addr_out = a, .length = b };
        else
            printf("bad dom %s\n", tok);
    }
    printf("record rc %d\n", libxl__sev_record_ranges(gc, &info, &state, &dom));
}

static void launch(char *args)
{
    libxl__gc *gc = &gc_main;
    libxl_domain_build_info info = { .arch_x86.coco = LIBXL_COCO_TYPE_NONE };
    char coco[8], *cert = NULL, *session = NULL;
    unsigned int domid, policy;
    uint8_t m[32], n[16];
    int rc, i;

    cert = libxl__zalloc(gc, strlen(args) + 1);
    session = libxl__zalloc(gc, strlen(args) + 1);
    if ( sscanf(args, "%u %7s %x %s %s", &domid, coco, &policy, cert, session) != 5 )
    {
        printf("bad launch\n");
        return;
    }
    if ( !strcmp(coco, "es") )
        info.arch_x86.coco = LIBXL_COCO_TYPE_SEV_ES;
    info.arch_x86.coco_policy = policy;
    info.arch_x86.coco_dh_cert = strcmp(cert, "-") ? cert : NULL;
    info.arch_x86.coco_session = strcmp(session, "-") ? session : NULL;

    state.sev_launch_failed = false;
    rc = libxl__sev_launch(gc, domid, &info, &state);
    printf("rc %d failed %d\n", rc, state.sev_launch_failed);
    rc = libxl_domain_sev_measurement(&ctx, domid, m, n);
    if ( rc )
        printf("measurement rc %d\n", rc);
    else
    {
        printf("measurement ");
        for ( i = 0; i < 32; i++ )
            printf("%02x", m[i]);
        printf(" mnonce ");
        for ( i = 0; i < 16; i++ )
            printf("%02x", n[i]);
        printf("\n");
    }
    state.sev_nr_ranges = 0;
}

int main(int argc, char **argv)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int i;

    for ( i = 1; i < argc && strcmp(argv[i], "--"); i++ )
        ;
    if ( i + 1 >= argc )
    {
        fprintf(stderr, "usage: %s -- SERVER-ARGV...\n", argv[0]);
        return 2;
    }
    fw_spawn(argv + i + 1);
    setvbuf(stdout, NULL, _IOLBF, 0);

    while ( (len = getline(&line, &cap, stdin)) > 0 )
    {
        unsigned long long a, b;
        char *hex;

        if ( line[len - 1] == '\n' )
            line[--len] = '\0';
        if ( !strncmp(line, "host ", 5) || !strcmp(line, "reset") )
            fw_request("%s", line);
        else if ( !strcmp(line, "state") )
            printf("state %s\n", fw_request("state"));
        else if ( !strcmp(line, "boot") || !strcmp(line, "boot noes") )
            hv_boot(line[4] == '\0');
        else if ( sscanf(line, "guest %llx", &a) == 1 && (hex = strchr(line + 6, ' ')) )
            fw_request("mem %llx %s", GUEST_BASE + a * 4096, hex + 1);
        else if ( sscanf(line, "vmsa %llu", &a) == 1 && (hex = strchr(line + 5, ' ')) )
            fw_request("mem %llx %s", VMSA_BASE + a * 4096, hex + 1);
        else if ( sscanf(line, "vcpus %llu", &a) == 1 && a > 0 && a <= MAX_VCPUS )
            hv_set_vcpus(a);
        else if ( !strncmp(line, "dom ", 4) )
            dom_image(line + 4);
        else if ( sscanf(line, "range %llx %llu", &a, &b) == 2 )
        {
            libxl__gc *gc = &gc_main;

            libxl__sev_add_range(gc, &state, a, b);
            libxl__sev_merge_ranges(&state);
        }
        else if ( !strcmp(line, "ranges") )
            print_ranges();
        else if ( !strncmp(line, "launch ", 7) )
            launch(line + 7);
        else if ( !strcmp(line, "destroy") )
            hv_destroy();
        else
            printf("bad request %s\n", line);
    }
    free(line);
    for ( i = 0; i < (int)nr_allocs; i++ )
        free(allocs[i]);
    return 0;
}
