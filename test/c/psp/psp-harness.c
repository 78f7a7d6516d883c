/*
 * The series' PSP driver (xen-overlay/.../sev-psp.c) run in userspace, its
 * mailbox answered by the firmware model behind `xen-sev fw serve`.
 *
 *   psp-harness DEVICE CMDRESP LO HI -- SERVER-ARGV...
 *
 * DEVICE is the PCI device id of the one fake PSP function (at 0000:06:00.2,
 * BAR 2 a 64-bit BAR at 0x80f0000000); CMDRESP, LO and HI are the offsets of
 * its mailbox registers in that BAR, as the test expects the driver to use
 * them.  Writes anywhere else in the mailbox page are reported.  Script on
 * stdin, one request a line:
 *
 *   boot | shutdown          the driver's initcall / sev_psp_shutdown()
 *   cmd ID [HEX]             psp_cmd() with a buffer of the command's size
 *   dropwbinvd               WBINVD no longer reaches the model
 *   host ... | reset | state | fw LINE   passed to the server (fw: verbatim)
 *
 * Output: `log LEVEL TEXT` for printk, `mbox ID STATUS|stall`, `wbinvd`,
 * `ro-mmio PFN`, `ro-config SEG:BUS:DEVFN`, `ioremap ADDR`, `status RC NAME
 * HEX`, `state JSON`, `fw REPLY`, `bad ...` for a protocol violation.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include "../common/fw-pipe.h"

#include "sev-psp.c"

#define PSP_BDF         ((6u << 8) | (0u << 3) | 2u)
#define BAR_BASE        0x80f0000000ULL

struct cpuinfo_x86 boot_cpu_data = { .x86_vendor = X86_VENDOR_AMD };
struct rangeset *mmio_ro_ranges;

static unsigned int device_id, off_cmdresp, off_lo, off_hi;
static uint32_t mbox_regs[PAGE_SIZE / 4];
static bool mapped, drop_wbinvd;
static s_time_t now_ns;

static char *server(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));
static char *server(const char *fmt, ...)
{
    va_list ap;
    char *reply;

    va_start(ap, fmt);
    reply = fw_pipe_vrequest("psp-harness", fmt, ap);
    va_end(ap);
    return reply;
}

void printk(const char *fmt, ...)
{
    char buf[512], *text = buf, *end;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    end = strchr(buf, '>');
    if ( buf[0] == '<' && end )
    {
        *end = '\0';
        text = end + 1;
        printf("log %s %s", buf + 1, text);
    }
    else
        printf("log none %s", buf);
}

uint32_t pci_conf_read32(pci_sbdf_t sbdf, unsigned int reg)
{
    if ( sbdf.seg || ((sbdf.bus << 8) | sbdf.devfn) != PSP_BDF )
        return ~0u;
    switch ( reg )
    {
    case PCI_VENDOR_ID: return PCI_VENDOR_ID_AMD | (device_id << 16);
    case PCI_COMMAND: return 0x00100006;
    case PCI_BASE_ADDRESS_2: return (uint32_t)BAR_BASE | 0x4 | 0x8;
    case PCI_BASE_ADDRESS_2 + 4: return BAR_BASE >> 32;
    }
    return 0;
}

uint16_t pci_conf_read16(pci_sbdf_t sbdf, unsigned int reg)
{
    return pci_conf_read32(sbdf, reg & ~3u) >> ((reg & 2) * 8);
}

int pci_ro_device(int seg, int bus, int devfn)
{
    printf("ro-config %04x:%02x:%02x\n", seg, bus, devfn);
    return 0;
}

int rangeset_add_singleton(struct rangeset *r, unsigned long s)
{
    printf("ro-mmio %s %#lx\n", r == mmio_ro_ranges ? "mmio_ro_ranges" : "?", s);
    return 0;
}

void *ioremap(paddr_t pa, size_t len)
{
    printf("ioremap %#llx %#zx\n", (unsigned long long)pa, len);
    if ( pa != BAR_BASE + (off_cmdresp & PAGE_MASK) || len != PAGE_SIZE )
        return NULL;
    mapped = true;
    return mbox_regs;
}

/* Addresses the driver handed out, to find a command buffer by its maddr. */
static struct { paddr_t ma; const void *va; } given[16];

paddr_t virt_to_maddr(const void *va)
{
    paddr_t ma = (uintptr_t)va & ((1ULL << 40) - 1);
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(given); i++ )
        if ( !given[i].va || given[i].va == va )
            break;
    if ( i == ARRAY_SIZE(given) )
        i = 0;
    given[i].ma = ma;
    given[i].va = va;
    return ma;
}

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    size_t sz = PAGE_SIZE << order;

    (void)memflags;
    return aligned_alloc(sz, sz);
}

void free_xenheap_pages(void *va, unsigned int order)
{
    (void)order;
    printf("free-xenheap\n");
    free(va);
}

s_time_t NOW(void)
{
    return now_ns;
}

void udelay(unsigned long usecs)
{
    now_ns += usecs * 1000;
}

void wbinvd(void)
{
    printf("wbinvd%s\n", drop_wbinvd ? " dropped" : "");
    if ( !drop_wbinvd )
        server("wbinvd");
}

void on_each_cpu(void (*func)(void *info), void *info, int wait)
{
    (void)wait;
    func(info);
}

static size_t buf_size(unsigned int cmd)
{
    switch ( cmd )
    {
    case SEV_CMD_INIT: return sizeof(struct sev_data_init);
    case SEV_CMD_PLATFORM_STATUS: return sizeof(struct sev_user_data_status);
    }
    return 0;
}

static void hex(char *out, const uint8_t *p, size_t n)
{
    size_t i;

    for ( i = 0; i < n; i++ )
        sprintf(out + 2 * i, "%02x", p[i]);
    out[2 * n] = '\0';
}

/* The firmware side of a write to CmdResp: run the command on the model. */
static void mailbox(uint32_t val)
{
    unsigned int cmd = (val >> 16) & 0x7ff, i;
    paddr_t ma = ((paddr_t)mbox_regs[(off_hi & ~PAGE_MASK) / 4] << 32) |
                 mbox_regs[(off_lo & ~PAGE_MASK) / 4];
    size_t size = buf_size(cmd);
    uint8_t *va = NULL;
    char hexbuf[2 * 64 + 1], *reply;

    if ( val & ~0x07ff0000u )
        printf("bad cmdresp write %#x\n", val);
    if ( size )
    {
        for ( i = 0; i < ARRAY_SIZE(given); i++ )
            if ( given[i].va && given[i].ma == ma )
                va = (uint8_t *)given[i].va;
        if ( !va )
        {
            printf("bad buffer address %#llx\n", (unsigned long long)ma);
            exit(1);
        }
        hex(hexbuf, va, size);
        server("mem %llx %s", (unsigned long long)ma, hexbuf);
    }
    reply = server("mbox %x %llx", cmd, (unsigned long long)ma);
    if ( !strcmp(reply, "stall") )
    {
        printf("mbox %x stall\n", cmd);
        mbox_regs[(off_cmdresp & ~PAGE_MASK) / 4] = val;
        return;
    }
    mbox_regs[(off_cmdresp & ~PAGE_MASK) / 4] = 0x80000000u | (cmd << 16) |
                                 (uint32_t)strtoul(reply, NULL, 16);
    printf("mbox %x %s\n", cmd, reply);
    if ( size )
    {
        reply = server("read %llx %zx", (unsigned long long)ma, size);
        for ( i = 0; i < size; i++ )
        {
            char b[3] = { reply[2 * i], reply[2 * i + 1], 0 };

            va[i] = strtoul(b, NULL, 16);
        }
    }
}

static unsigned int reg_off(const volatile void *addr)
{
    uintptr_t a = (uintptr_t)addr, base = (uintptr_t)mbox_regs;

    if ( !mapped || a < base || a + 4 > base + PAGE_SIZE || (a & 3) )
    {
        printf("bad mmio %p\n", (void *)a);
        exit(1);
    }
    return (a - base) + (off_cmdresp & PAGE_MASK);
}

uint32_t readl(const volatile void *addr)
{
    unsigned int off = reg_off(addr);

    if ( off != off_cmdresp )
        printf("bad read %#x\n", off);
    return mbox_regs[(off & ~PAGE_MASK) / 4];
}

void writel(uint32_t val, volatile void *addr)
{
    unsigned int off = reg_off(addr);

    if ( off != off_cmdresp && off != off_lo && off != off_hi )
        printf("bad write %#x\n", off);
    mbox_regs[(off & ~PAGE_MASK) / 4] = val;
    if ( off == off_cmdresp )
        mailbox(val);
}

static void start_server(char **argv)
{
    fw_pipe_spawn(argv);
}

int main(int argc, char **argv)
{
    static union {
        struct sev_data_init init;
        struct sev_user_data_status status;
        uint8_t bytes[64];
    } buf __aligned(64);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    if ( argc < 7 || strcmp(argv[5], "--") )
    {
        fprintf(stderr, "usage: psp-harness DEVICE CMDRESP LO HI -- SERVER...\n");
        return 2;
    }
    device_id = strtoul(argv[1], NULL, 16);
    off_cmdresp = strtoul(argv[2], NULL, 16);
    off_lo = strtoul(argv[3], NULL, 16);
    off_hi = strtoul(argv[4], NULL, 16);
    start_server(argv + 6);
    setvbuf(stdout, NULL, _IOLBF, 0);

    while ( (n = getline(&line, &cap, stdin)) > 0 )
    {
        unsigned int cmd;
        char arg[256] = "";

        if ( line[n - 1] == '\n' )
            line[--n] = '\0';
        if ( !strcmp(line, "boot") )
        {
            initcall_sev_psp_init();
            printf("boot-done\n");
        }
        else if ( !strcmp(line, "shutdown") )
        {
            sev_psp_shutdown();
            printf("shutdown-done\n");
        }
        else if ( !strcmp(line, "dropwbinvd") )
            drop_wbinvd = true;
        else if ( sscanf(line, "cmd %x %255s", &cmd, arg) >= 1 )
        {
            size_t size = buf_size(cmd), i;
            char out[2 * 64 + 1];
            const char *name;
            int rc;

            memset(&buf, 0, sizeof(buf));
            for ( i = 0; i < size && arg[2 * i] && arg[2 * i + 1]; i++ )
            {
                char b[3] = { arg[2 * i], arg[2 * i + 1], 0 };

                buf.bytes[i] = strtoul(b, NULL, 16);
            }
            rc = psp_cmd(cmd, size ? buf.bytes : NULL);
            name = rc >= 0 ? sev_status_name(rc) : NULL;
            hex(out, buf.bytes, size);
            printf("status %d %s %s\n", rc, name ?: "-", size ? out : "-");
        }
        else if ( !strncmp(line, "fw ", 3) )
            printf("fw %s\n", server("%s", line + 3));
        else if ( !strcmp(line, "state") )
            printf("state %s\n", server("state"));
        else if ( !strncmp(line, "host ", 5) || !strcmp(line, "reset") )
            server("%s", line);
        else
        {
            fprintf(stderr, "psp-harness: unknown request '%s'\n", line);
            return 2;
        }
    }

    fclose(fw_pipe_to);        /* the server sees end of input and exits */
    wait(NULL);
    return 0;
}
