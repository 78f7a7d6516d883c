/*
 * The series' SEV-ES launch (xen-overlay/.../sev-launch.c) and PSP driver
 * (sev-psp.c, as the launch patch leaves it) run in userspace, the mailbox
 * answered by the firmware model behind `xen-sev fw serve`.
 *
 *   launch-harness -- SERVER-ARGV...
 *
 * The fake PSP is a 0x1486 function (sevv2 register offsets).  Buffers the
 * firmware reads by address (certificate, session, guest frames, VMSAs) are
 * mirrored into the model's memory with `mem` before each command; the
 * measurement is read back with `read`.  Script on stdin, one request a line:
 *
 *   boot | shutdown | host ... | reset | state | fw LINE
 *   domain D ASID NVCPUS [plain]        a domain (SEV-ES unless plain)
 *   frame D GFN ram|ro|mmio SEED        a guest frame, byte i = SEED + 7 i
 *   vcpu D N NAME=HEX...                initial vCPU state (see set_reg())
 *   start D POLICY CERTLEN SESSLEN [pad] [nocert]
 *   data D GFN NR [PREEMPT]             UPDATE_DATA, preempted every PREEMPT
 *                                       frames and continued as do_domctl does
 *   vmsa D | measure D | finish D | op D N | run D | destroy D | sealed D
 *   badvmsa D N                         vCPU N's VMSA page at a machine address
 *                                       the firmware refuses (the legacy VGA
 *                                       window, 0xa0000)
 *
 * Output: `log LEVEL TEXT`, `mbox ID STATUS|stall`, `flush MADDR`,
 * `rc OP RC FW_STATUS`, `data GFN NR RESTARTS`, `measure HEX HEX`,
 * `sealed 0|1`, `refs N` (page references held), `state JSON`, `fw REPLY`.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include "../common/fw-pipe.h"

#include "launch-shim.h"
/* Two of Xen's translation units in one: their static names must differ. */
#define build_assertions psp_build_assertions
#include "sev-psp.c"
#undef build_assertions
#include "sev-launch.c"

#define PSP_BDF         ((6u << 8) | (0u << 3) | 2u)
#define BAR_BASE        0x80f0000000ULL
#define OFF_CMDRESP     0x10980u
#define OFF_LO          0x109e0u
#define OFF_HI          0x109e4u
#define MAX_DOMS        4
#define MAX_FRAMES      64
#define MAX_VCPUS       8

struct cpuinfo_x86 boot_cpu_data = { .x86_vendor = X86_VENDOR_AMD };
struct rangeset *mmio_ro_ranges;

static uint32_t mbox_regs[PAGE_SIZE / 4];
static s_time_t now_ns;
static unsigned int preempt_every, preempt_count;

static struct hdom {
    struct domain d;
    struct vcpu v[MAX_VCPUS];
    struct vmcb_struct vmcb[MAX_VCPUS];
    struct page_info vmsa[MAX_VCPUS];
    struct { unsigned long gfn; p2m_type_t t; struct page_info pg; } f[MAX_FRAMES];
    unsigned int nr_frames;
} doms[MAX_DOMS];

static char *server(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));
static char *server(const char *fmt, ...)
{
    va_list ap;
    char *reply;

    va_start(ap, fmt);
    reply = fw_pipe_vrequest("launch-harness", fmt, ap);
    va_end(ap);
    return reply;
}

/* printk(), with Xen's %pd (a domain) at the start of the text. */
void printk(const char *fmt, ...)
{
    char buf[512], lvl[16] = "none";
    const char *p = fmt, *end;
    va_list ap;

    va_start(ap, fmt);
    if ( p[0] == '<' && (end = strchr(p, '>')) )
    {
        snprintf(lvl, sizeof(lvl), "%.*s", (int)(end - p - 1), p + 1);
        p = end + 1;
    }
    if ( !strncmp(p, "%pd", 3) )
    {
        const struct domain *d = va_arg(ap, const struct domain *);

        printf("log %s d%u", lvl, d->domain_id);
        p += 3;
    }
    else
        printf("log %s ", lvl);
    vsnprintf(buf, sizeof(buf), p, ap);
    va_end(ap);
    fputs(buf, stdout);
}

uint32_t pci_conf_read32(pci_sbdf_t sbdf, unsigned int reg)
{
    if ( sbdf.seg || ((sbdf.bus << 8) | sbdf.devfn) != PSP_BDF )
        return ~0u;
    switch ( reg )
    {
    case PCI_VENDOR_ID: return PCI_VENDOR_ID_AMD | (0x1486u << 16);
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
    (void)seg; (void)bus; (void)devfn;
    return 0;
}

int rangeset_add_singleton(struct rangeset *r, unsigned long s)
{
    (void)r; (void)s;
    return 0;
}

void *ioremap(paddr_t pa, size_t len)
{
    (void)pa; (void)len;
    return mbox_regs;
}

/* Machine addresses handed out, to find a buffer the firmware is given. */
static struct { paddr_t ma; void *va; } given[1024];

static paddr_t give(paddr_t ma, const void *va)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(given); i++ )
        if ( !given[i].va || given[i].ma == ma )
            break;
    if ( i == ARRAY_SIZE(given) )
    {
        printf("bad: too many buffers\n");
        exit(1);
    }
    given[i].ma = ma;
    given[i].va = (void *)va;
    return ma;
}

static paddr_t ma_of(const void *va)
{
    return give((uintptr_t)va & ((1ULL << 40) - 1), va);
}

static void *va_of(paddr_t ma)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(given) && given[i].va; i++ )
        if ( given[i].ma == ma )
            return given[i].va;
    printf("bad buffer address %#llx\n", (unsigned long long)ma);
    exit(1);
}

paddr_t virt_to_maddr(const void *va) { return ma_of(va); }
paddr_t page_to_maddr(const struct page_info *pg)
{
    return pg->maddr ? give(pg->maddr, pg->va) : ma_of(pg->va);
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
    free(va);
}

s_time_t NOW(void) { return now_ns; }
void udelay(unsigned long usecs) { now_ns += usecs * 1000; }

void wbinvd(void)
{
    printf("wbinvd\n");
    server("wbinvd");
}

void on_each_cpu(void (*func)(void *info), void *info, int wait)
{
    (void)wait;
    func(info);
}

void cache_flush(const void *addr, unsigned int size)
{
    printf("flush %llx %x\n", (unsigned long long)ma_of(addr), size);
}

bool hypercall_preempt_check(void)
{
    return preempt_every && !(++preempt_count % preempt_every);
}

unsigned int sev_domain_asid(const struct domain *d)
{
    return d->arch.hvm.svm.sev_asid;
}

struct page_info *get_page_from_gfn(struct domain *d, unsigned long gfn,
                                    p2m_type_t *t, int q)
{
    struct hdom *h = (struct hdom *)d;
    unsigned int i;

    (void)q;
    for ( i = 0; i < h->nr_frames; i++ )
        if ( h->f[i].gfn == gfn )
        {
            *t = h->f[i].t;
            h->f[i].pg.refs++;
            return &h->f[i].pg;
        }
    return NULL;
}

void put_page(struct page_info *pg)
{
    pg->refs--;
}

static size_t buf_size(unsigned int cmd)
{
    switch ( cmd )
    {
    case SEV_CMD_INIT: return sizeof(struct sev_data_init);
    case SEV_CMD_PLATFORM_STATUS: return sizeof(struct sev_user_data_status);
    case SEV_CMD_LAUNCH_START: return sizeof(struct sev_data_launch_start);
    case SEV_CMD_ACTIVATE: return sizeof(struct sev_data_activate);
    case SEV_CMD_DEACTIVATE: return sizeof(struct sev_data_deactivate);
    case SEV_CMD_DECOMMISSION: return sizeof(struct sev_data_decommission);
    case SEV_CMD_LAUNCH_UPDATE_DATA:
        return sizeof(struct sev_data_launch_update_data);
    case SEV_CMD_LAUNCH_UPDATE_VMSA:
        return sizeof(struct sev_data_launch_update_vmsa);
    case SEV_CMD_LAUNCH_MEASURE: return sizeof(struct sev_data_launch_measure);
    case SEV_CMD_LAUNCH_FINISH: return sizeof(struct sev_data_launch_finish);
    }
    return 0;
}

static void to_model(paddr_t ma, const void *va, size_t n)
{
    static char hexbuf[2 * 8192 + 1];
    const uint8_t *p = va;
    size_t i;

    for ( i = 0; i < n; i++ )
        sprintf(hexbuf + 2 * i, "%02x", p[i]);
    hexbuf[2 * n] = '\0';
    server("mem %llx %s", (unsigned long long)ma, hexbuf);
}

static void from_model(paddr_t ma, void *va, size_t n)
{
    char *reply = server("read %llx %zx", (unsigned long long)ma, n);
    uint8_t *p = va;
    size_t i;

    for ( i = 0; i < n; i++ )
    {
        char b[3] = { reply[2 * i], reply[2 * i + 1], 0 };

        p[i] = strtoul(b, NULL, 16);
    }
}

/* The firmware side of a write to CmdResp: run the command on the model. */
static void mailbox(uint32_t val)
{
    unsigned int cmd = (val >> 16) & 0x7ff;
    paddr_t ma = ((paddr_t)mbox_regs[(OFF_HI & ~PAGE_MASK) / 4] << 32) |
                 mbox_regs[(OFF_LO & ~PAGE_MASK) / 4];
    size_t size = buf_size(cmd);
    uint8_t *va = size ? va_of(ma) : NULL;
    uint32_t status;
    char *reply;

    if ( size )
    {
        /* What the command points at, as the firmware would read it. */
        if ( cmd == SEV_CMD_LAUNCH_START )
        {
            const struct sev_data_launch_start *s = (const void *)va;

            if ( s->dh_cert_address )
            {
                to_model(s->dh_cert_address, va_of(s->dh_cert_address),
                         s->dh_cert_len);
                to_model(s->session_address, va_of(s->session_address),
                         s->session_len);
            }
        }
        else if ( cmd == SEV_CMD_LAUNCH_UPDATE_DATA ||
                  cmd == SEV_CMD_LAUNCH_UPDATE_VMSA )
        {
            const struct sev_data_launch_update_data *u = (const void *)va;

            to_model(u->address, va_of(u->address), u->len);
        }
        to_model(ma, va, size);
    }
    reply = server("mbox %x %llx", cmd, (unsigned long long)ma);
    if ( !strcmp(reply, "stall") )
    {
        printf("mbox %x stall\n", cmd);
        mbox_regs[(OFF_CMDRESP & ~PAGE_MASK) / 4] = val;
        return;
    }
    status = strtoul(reply, NULL, 16);
    mbox_regs[(OFF_CMDRESP & ~PAGE_MASK) / 4] =
        0x80000000u | (cmd << 16) | status;
    printf("mbox %x %s\n", cmd, reply);
    if ( size )
    {
        from_model(ma, va, size);
        if ( cmd == SEV_CMD_LAUNCH_MEASURE && !status )
        {
            const struct sev_data_launch_measure *m = (const void *)va;

            from_model(m->address, va_of(m->address), m->len);
        }
    }
}

uint32_t readl(const volatile void *addr)
{
    return mbox_regs[((const volatile uint32_t *)addr - mbox_regs)];
}

void writel(uint32_t val, volatile void *addr)
{
    unsigned int idx = (const volatile uint32_t *)addr - mbox_regs;

    mbox_regs[idx] = val;
    if ( idx == (OFF_CMDRESP & ~PAGE_MASK) / 4 )
        mailbox(val);
}

static void start_server(char **argv)
{
    fw_pipe_spawn(argv);
}

static void set_reg(struct hdom *h, unsigned int n, const char *name,
                    uint64_t val)
{
    struct vmcb_struct *vmcb = &h->vmcb[n];
    struct cpu_user_regs *r = &h->v[n].arch.user_regs;

#define R(nm, lv) if ( !strcmp(name, nm) ) { lv = val; return; }
    R("rip", vmcb->rip) R("rsp", vmcb->rsp) R("rflags", vmcb->rflags)
    R("rax", vmcb->rax) R("rbx", r->rbx) R("rcx", r->rcx) R("rdx", r->rdx)
    R("rsi", r->rsi) R("rdi", r->rdi) R("rbp", r->rbp) R("r8", r->r8)
    R("r15", r->r15) R("cr0", vmcb->_cr0) R("cr2", vmcb->_cr2)
    R("cr3", vmcb->_cr3) R("cr4", vmcb->_cr4) R("efer", vmcb->_efer)
    R("dr6", vmcb->_dr6) R("dr7", vmcb->_dr7) R("g_pat", vmcb->_g_pat)
    R("cpl", vmcb->_cpl) R("star", vmcb->star) R("lstar", vmcb->lstar)
    R("xcr0", h->v[n].arch.xcr0)
    R("cs.sel", vmcb->cs.sel) R("cs.attr", vmcb->cs.attr)
    R("cs.limit", vmcb->cs.limit) R("cs.base", vmcb->cs.base)
    R("ss.attr", vmcb->ss.attr) R("tr.attr", vmcb->tr.attr)
    R("tr.limit", vmcb->tr.limit) R("gdtr.base", vmcb->gdtr.base)
    R("gdtr.limit", vmcb->gdtr.limit) R("idtr.limit", vmcb->idtr.limit)
#undef R
    printf("bad register %s\n", name);
    exit(2);
}

static const char *const op_names[] = {
    "start", "data", "vmsa", "measure", "finish",
};

static void report(const struct xen_domctl_sev_launch *op, int rc)
{
    printf("rc %s %d %x\n",
           op->op < ARRAY_SIZE(op_names) ? op_names[op->op] : "op", rc,
           op->fw_status);
}

static int refs(void)
{
    int n = 0;
    unsigned int i, j;

    for ( i = 0; i < MAX_DOMS; i++ )
        for ( j = 0; j < doms[i].nr_frames; j++ )
            n += doms[i].f[j].pg.refs;
    return n;
}

int main(int argc, char **argv)
{
    static uint8_t cert[sizeof(struct sev_cert) + 16];
    static uint8_t session[sizeof(struct sev_session_buf) + 16];
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned int i;

    if ( argc < 3 || strcmp(argv[1], "--") )
    {
        fprintf(stderr, "usage: launch-harness -- SERVER...\n");
        return 2;
    }
    start_server(argv + 2);
    setvbuf(stdout, NULL, _IOLBF, 0);
    for ( i = 0; i < sizeof(cert); i++ )
        cert[i] = i * 3;
    for ( i = 0; i < sizeof(session); i++ )
        session[i] = i * 5;

    while ( (n = getline(&line, &cap, stdin)) > 0 )
    {
        struct xen_domctl_sev_launch op = { 0 };
        unsigned int d, a, b, c;
        char w[64] = "", x[64] = "";
        struct hdom *h;
        int rc, k;

        if ( line[n - 1] == '\n' )
            line[--n] = '\0';
        h = sscanf(line, "%*s %u", &d) == 1 && d < MAX_DOMS ? &doms[d] : NULL;

        if ( !strcmp(line, "boot") )
            initcall_sev_psp_init();
        else if ( !strcmp(line, "shutdown") )
            sev_psp_shutdown();
        else if ( !strncmp(line, "fw ", 3) )
            printf("fw %s\n", server("%s", line + 3));
        else if ( !strcmp(line, "state") )
            printf("state %s\n", server("state"));
        else if ( !strncmp(line, "host ", 5) || !strcmp(line, "reset") )
            server("%s", line);
        else if ( !h )
        {
            fprintf(stderr, "launch-harness: bad request '%s'\n", line);
            return 2;
        }
        else if ( sscanf(line, "domain %u %u %u %63s", &d, &a, &b, w) >= 3 )
        {
            memset(h, 0, sizeof(*h));
            h->d.domain_id = d;
            h->d.sev_es = strcmp(w, "plain");
            h->d.arch.hvm.svm.sev_asid = a;
            for ( i = 0; i < b && i < MAX_VCPUS; i++ )
            {
                h->v[i].arch.hvm.svm.vmcb = &h->vmcb[i];
                h->vmsa[i].va = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
                h->v[i].arch.hvm.svm.vmsa = &h->vmsa[i];
                h->v[i].next_in_list = i + 1 < b ? &h->v[i + 1] : NULL;
            }
            h->d.vcpu_list = b ? &h->v[0] : NULL;
        }
        else if ( sscanf(line, "frame %u %x %63s %x", &d, &a, w, &c) == 4 &&
                  h->nr_frames < MAX_FRAMES )
        {
            unsigned int f = h->nr_frames++;
            uint8_t *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

            h->f[f].gfn = a;
            h->f[f].t = !strcmp(w, "ram") ? p2m_ram_rw :
                        !strcmp(w, "ro") ? p2m_ram_ro : p2m_mmio_direct;
            for ( i = 0; i < PAGE_SIZE; i++ )
                p[i] = c + 7 * i;
            h->f[f].pg.va = p;
        }
        else if ( !strncmp(line, "vcpu ", 5) )
        {
            char *tok = strtok(line + 5, " ");
            unsigned int v;

            tok = strtok(NULL, " ");
            v = strtoul(tok, NULL, 10);
            while ( (tok = strtok(NULL, " ")) )
            {
                char *eq = strchr(tok, '=');

                *eq = '\0';
                set_reg(h, v, tok, strtoull(eq + 1, NULL, 16));
            }
        }
        else if ( sscanf(line, "start %u %x %u %u %63s %63s",
                         &d, &a, &b, &c, w, x) >= 4 )
        {
            op.op = XEN_DOMCTL_SEV_LAUNCH_START;
            op.u.start.policy = a;
            op.u.start.dh_cert_len = b;
            op.u.start.session_len = c;
            op.u.start.dh_cert.p = strcmp(w, "nocert") && strcmp(x, "nocert")
                                   ? cert : NULL;
            op.u.start.session.p = session;
            op.u.start.pad = !strcmp(w, "pad");
            rc = sev_launch_domctl(&h->d, &op);
            report(&op, rc);
        }
        else if ( sscanf(line, "data %u %x %u %u", &d, &a, &b, &c) >= 3 )
        {
            unsigned int restarts = 0;

            preempt_every = sscanf(line, "data %u %x %u %u",
                                   &d, &a, &b, &c) == 4 ? c : 0;
            preempt_count = 0;
            op.op = XEN_DOMCTL_SEV_LAUNCH_UPDATE_DATA;
            op.u.update_data.gfn = a;
            op.u.update_data.nr_frames = b;
            /* do_domctl's continuation: the same op, as copied back. */
            while ( (rc = sev_launch_domctl(&h->d, &op)) == -ERESTART )
                restarts++;
            preempt_every = 0;
            report(&op, rc);
            printf("data %llx %llu %u\n",
                   (unsigned long long)op.u.update_data.gfn,
                   (unsigned long long)op.u.update_data.nr_frames, restarts);
        }
        else if ( sscanf(line, "op %u %d", &d, &k) == 2 ||
                  sscanf(line, "vmsa %u", &d) == 1 ||
                  sscanf(line, "measure %u", &d) == 1 ||
                  sscanf(line, "finish %u", &d) == 1 )
        {
            if ( !strncmp(line, "op", 2) )
                op.op = k;
            else
                op.op = line[0] == 'v' ? XEN_DOMCTL_SEV_LAUNCH_UPDATE_VMSA :
                        line[0] == 'm' ? XEN_DOMCTL_SEV_LAUNCH_MEASURE :
                                         XEN_DOMCTL_SEV_LAUNCH_FINISH;
            rc = sev_launch_domctl(&h->d, &op);
            report(&op, rc);
            if ( op.op == XEN_DOMCTL_SEV_LAUNCH_MEASURE && !rc )
            {
                printf("measure ");
                for ( i = 0; i < 32; i++ )
                    printf("%02x", op.u.measure.measurement[i]);
                printf(" ");
                for ( i = 0; i < 16; i++ )
                    printf("%02x", op.u.measure.mnonce[i]);
                printf("\n");
            }
        }
        else if ( sscanf(line, "run %u", &d) == 1 )
            h->d.creation_finished = true;
        else if ( sscanf(line, "destroy %u", &d) == 1 )
        {
            sev_launch_destroy(&h->d);
            printf("refs %d\n", refs());
        }
        else if ( sscanf(line, "badvmsa %u %u", &d, &a) == 2 && a < MAX_VCPUS )
            h->vmsa[a].maddr = 0xa0000;
        else if ( sscanf(line, "sealed %u", &d) == 1 )
            printf("sealed %d\n", sev_launch_vcpus_sealed(&h->d));
        else
        {
            fprintf(stderr, "launch-harness: unknown request '%s'\n", line);
            return 2;
        }
    }

    fclose(fw_pipe_to);        /* the server sees end of input and exits */
    wait(NULL);
    return 0;
}
