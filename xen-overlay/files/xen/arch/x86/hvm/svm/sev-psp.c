/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sev-psp.c: the SEV firmware of the AMD Secure Processor (PSP).
 *
 * The SEV firmware takes one command at a time through three registers of
 * the PSP's PCI function (AMD 55766, "Mailbox"): the host writes the system
 * physical address of the command buffer into CmdBufAddr_Lo/Hi, then the
 * command id into bits 26:16 of CmdResp.  The firmware reads the buffer,
 * writes its results back into it, and sets bit 31 of CmdResp with the
 * status in bits 15:0.
 *
 * Xen owns the firmware: it initialises the platform at boot, shuts it down
 * on reboot and halt, and keeps the hardware domain's own driver away from
 * the mailbox (psp_claim()).
 *
 * Commands are issued at boot, while one CPU runs the initcalls, and on the
 * restart and halt paths, once the other CPUs are stopped: never two at
 * once, so no lock.  Completion is polled rather than signalled: the halt
 * and restart paths cannot take interrupts, the hardware domain must not
 * see the PSP's interrupt either, and a command takes milliseconds.
 */

#include <xen/delay.h>
#include <xen/errno.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/pci.h>
#include <xen/pci_ids.h>
#include <xen/pci_regs.h>
#include <xen/pfn.h>
#include <xen/rangeset.h>
#include <xen/smp.h>
#include <xen/string.h>
#include <xen/time.h>
#include <xen/vmap.h>

#include <asm/cpufeature.h>
#include <asm/hvm/svm.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/system.h>

#include "sev-api.h"

/*
 * How long a command may take before the PSP is given up on; the boot-time
 * platform commands complete in milliseconds.
 */
#define PSP_TIMEOUT_MS              5000
#define PSP_POLL_US                 10

/*
 * The Trusted Memory Region INIT takes to enable SEV-ES: 1 MiB, aligned to
 * 1 MiB (AMD 55766, INIT).
 */
#define SEV_ES_TMR_ORDER            (20 - PAGE_SHIFT)

/*
 * The PSP functions with an SEV mailbox, as Linux's ccp driver lists them:
 * the registers are in one page of one BAR, at offsets that differ between
 * PSP versions.
 */
#define PSP_MBOX_BAR    (PCI_BASE_ADDRESS_0 + 4 * PSP_SEV_MBOX_REG_BAR)

struct psp_mbox_regs {
    uint16_t device;
    uint32_t cmdresp;
    uint32_t cmdbuf_lo;
    uint32_t cmdbuf_hi;
};

static const struct psp_mbox_regs __initconst psp_devices[] = {
    {
        .device = PSP_PCI_DEVICE_SEVV1_1456,
        .cmdresp = PSP_SEV_MBOX_REG_V1_CMDRESP,
        .cmdbuf_lo = PSP_SEV_MBOX_REG_V1_CMDBUF_ADDR_LO,
        .cmdbuf_hi = PSP_SEV_MBOX_REG_V1_CMDBUF_ADDR_HI,
    },
    {
        .device = PSP_PCI_DEVICE_SEVV2_1486,
        .cmdresp = PSP_SEV_MBOX_REG_V2_CMDRESP,
        .cmdbuf_lo = PSP_SEV_MBOX_REG_V2_CMDBUF_ADDR_LO,
        .cmdbuf_hi = PSP_SEV_MBOX_REG_V2_CMDBUF_ADDR_HI,
    },
    {
        .device = PSP_PCI_DEVICE_SEVV2_14CA,
        .cmdresp = PSP_SEV_MBOX_REG_V2_CMDRESP,
        .cmdbuf_lo = PSP_SEV_MBOX_REG_V2_CMDBUF_ADDR_LO,
        .cmdbuf_hi = PSP_SEV_MBOX_REG_V2_CMDBUF_ADDR_HI,
    },
};

static void __iomem *__ro_after_init cmdresp_reg;
static void __iomem *__ro_after_init cmdbuf_lo_reg;
static void __iomem *__ro_after_init cmdbuf_hi_reg;

/* A command timed out: the firmware may still write its buffer. */
static bool psp_dead;

/* Xen initialised the platform and shuts it down again. */
static bool platform_up;

/* The buffers of the commands Xen issues (never more than one at a time). */
static union {
    struct sev_data_init init;
    struct sev_user_data_status status;
} cmd_buf __aligned(32);

static const char *cmd_name(unsigned int cmd)
{
    switch ( cmd )
    {
    case SEV_CMD_INIT: return "INIT";
    case SEV_CMD_SHUTDOWN: return "SHUTDOWN";
    case SEV_CMD_PLATFORM_STATUS: return "PLATFORM_STATUS";
    case SEV_CMD_DF_FLUSH: return "DF_FLUSH";
    }

    return "command";
}

/*
 * Issues @cmd with the buffer @buf (NULL: the command has none).  Returns
 * the firmware's status, or -ENODEV when there is no usable PSP and
 * -ETIMEDOUT when the firmware did not answer.
 */
static int psp_cmd(unsigned int cmd, void *buf)
{
    paddr_t pa = buf ? virt_to_maddr(buf) : 0;
    s_time_t deadline;
    uint32_t reg;

    if ( !cmdresp_reg || psp_dead )
        return -ENODEV;

    writel((uint32_t)pa, cmdbuf_lo_reg);
    writel((uint32_t)(pa >> 32), cmdbuf_hi_reg);
    writel(MASK_INSR(cmd, SEV_CMDRESP_CMD_ID_MASK), cmdresp_reg);

    deadline = NOW() + MILLISECS(PSP_TIMEOUT_MS);
    while ( !((reg = readl(cmdresp_reg)) & SEV_CMDRESP_RESPONSE_MASK) )
    {
        if ( NOW() > deadline )
        {
            psp_dead = true;
            printk(XENLOG_ERR "SEV: %s timed out after %u ms, PSP not used\n",
                   cmd_name(cmd), PSP_TIMEOUT_MS);
            return -ETIMEDOUT;
        }
        udelay(PSP_POLL_US);
    }

    return MASK_EXTR(reg, SEV_CMDRESP_STATUS_MASK);
}

/*
 * Says why @cmd failed with @rc.  A negative @rc follows a timeout, which
 * has been reported already.
 */
static void psp_failed(unsigned int cmd, int rc)
{
    const char *name;

    if ( rc < 0 )
        return;

    name = sev_status_name(rc);
    if ( name )
        printk(XENLOG_ERR "SEV: %s failed: %s (%#x)\n",
               cmd_name(cmd), name, rc);
    else
        printk(XENLOG_ERR "SEV: %s failed: status %#x\n", cmd_name(cmd), rc);
}

static void cf_check wbinvd_ipi(void *unused)
{
    wbinvd();
}

/*
 * DF_FLUSH makes the ASIDs INIT marked dirty usable.  The firmware refuses
 * it until every core has written back and invalidated its caches since
 * then (WBINVD_REQUIRED); WBINVD everywhere is costly, so only when asked.
 */
static int __init df_flush(void)
{
    int rc = psp_cmd(SEV_CMD_DF_FLUSH, NULL);

    if ( rc == SEV_STATUS_WBINVD_REQUIRED )
    {
        on_each_cpu(wbinvd_ipi, NULL, 1);
        rc = psp_cmd(SEV_CMD_DF_FLUSH, NULL);
    }

    return rc;
}

static void __init platform_init(void)
{
    struct sev_user_data_status *st = &cmd_buf.status;
    struct sev_data_init *init = &cmd_buf.init;
    void *tmr;
    int rc;

    memset(&cmd_buf, 0, sizeof(cmd_buf));
    rc = psp_cmd(SEV_CMD_PLATFORM_STATUS, st);
    if ( rc )
        goto fail_status;

    /*
     * Something that ran before Xen (kexec) left the platform initialised,
     * with a TMR in memory that is now Xen's: start again.
     */
    if ( st->state != SEV_PLATFORM_STATE_UNINIT )
    {
        rc = psp_cmd(SEV_CMD_SHUTDOWN, NULL);
        if ( rc )
        {
            psp_failed(SEV_CMD_SHUTDOWN, rc);
            return;
        }
    }

    /* Without a TMR the platform still runs SEV guests, not SEV-ES ones. */
    tmr = alloc_xenheap_pages(SEV_ES_TMR_ORDER, 0);
    memset(&cmd_buf, 0, sizeof(cmd_buf));
    if ( tmr )
    {
        init->flags = SEV_INIT_FLAGS_SEV_ES_MASK;
        init->tmr_address = virt_to_maddr(tmr);
        init->tmr_len = PAGE_SIZE << SEV_ES_TMR_ORDER;
    }

    rc = psp_cmd(SEV_CMD_INIT, init);
    if ( rc )
    {
        /* A timed out INIT may still use the TMR: keep it away from others. */
        if ( tmr && rc != -ETIMEDOUT )
            free_xenheap_pages(tmr, SEV_ES_TMR_ORDER);
        psp_failed(SEV_CMD_INIT, rc);
        return;
    }
    platform_up = true;

    rc = df_flush();
    if ( rc )
    {
        psp_failed(SEV_CMD_DF_FLUSH, rc);
        return;
    }

    memset(&cmd_buf, 0, sizeof(cmd_buf));
    rc = psp_cmd(SEV_CMD_PLATFORM_STATUS, st);
    if ( rc )
        goto fail_status;

    printk(XENLOG_INFO "SEV: firmware API %u.%u build %u: platform %s%s\n",
           st->api_major, st->api_minor, st->build,
           sev_platform_state_name(st->state) ?: "in an unknown state",
           st->flags & SEV_STATUS_FLAGS_CONFIG_ES_MASK ? ", SEV-ES" : "");
    return;

 fail_status:
    psp_failed(SEV_CMD_PLATFORM_STATUS, rc);
}

/*
 * The hardware domain's own PSP driver must not issue commands behind Xen's
 * back: its writes to the mailbox page are dropped (r/o MMIO), and it cannot
 * move the BAR or turn off decoding (r/o config space).
 */
static void __init psp_claim(pci_sbdf_t sbdf, paddr_t page)
{
    if ( rangeset_add_singleton(mmio_ro_ranges, PFN_DOWN(page)) )
        printk(XENLOG_WARNING
               "SEV: could not make the PSP mailbox read-only for dom0\n");
    if ( pci_ro_device(0, sbdf.bus, sbdf.devfn) )
        printk(XENLOG_WARNING
               "SEV: could not make the PSP config space read-only for dom0\n");
}

/* Maps the mailbox of the PSP function @sbdf with registers @regs. */
static bool __init psp_map(pci_sbdf_t sbdf, const struct psp_mbox_regs *regs)
{
    uint32_t bar = pci_conf_read32(sbdf, PSP_MBOX_BAR);
    uint16_t cmd = pci_conf_read16(sbdf, PCI_COMMAND);
    paddr_t base = bar & PCI_BASE_ADDRESS_MEM_MASK;
    paddr_t page_off = regs->cmdresp & PAGE_MASK;
    void __iomem *page;

    if ( (bar & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
         PCI_BASE_ADDRESS_MEM_TYPE_64 )
        base |= (paddr_t)pci_conf_read32(sbdf, PSP_MBOX_BAR + 4) << 32;

    if ( (bar & PCI_BASE_ADDRESS_SPACE_IO) || !base ||
         !(cmd & PCI_COMMAND_MEMORY) )
    {
        printk(XENLOG_ERR
               "SEV: PSP %04x:%02x:%02x.%u: mailbox BAR not decoded\n",
               0, sbdf.bus, PCI_SLOT(sbdf.devfn), PCI_FUNC(sbdf.devfn));
        return false;
    }

    page = ioremap(base + page_off, PAGE_SIZE);
    if ( !page )
        return false;

    cmdresp_reg = page + (regs->cmdresp - page_off);
    cmdbuf_lo_reg = page + (regs->cmdbuf_lo - page_off);
    cmdbuf_hi_reg = page + (regs->cmdbuf_hi - page_off);
    psp_claim(sbdf, base + page_off);

    return true;
}

/*
 * Finds the PSP: with one on every socket, the first in PCI order is the
 * one whose firmware manages the platform, as Linux's ccp driver has it.
 */
static bool __init psp_find(void)
{
    unsigned int bus, devfn, i;

    for ( bus = 0; bus < 256; bus++ )
        for ( devfn = 0; devfn < 256; devfn++ )
        {
            pci_sbdf_t sbdf = PCI_SBDF(0, bus, devfn);
            uint32_t id = pci_conf_read32(sbdf, PCI_VENDOR_ID);

            if ( (id & 0xffff) != PCI_VENDOR_ID_AMD )
                continue;

            for ( i = 0; i < ARRAY_SIZE(psp_devices); i++ )
                if ( (id >> 16) == psp_devices[i].device )
                    return psp_map(sbdf, &psp_devices[i]);
        }

    return false;
}

static int __init cf_check sev_psp_init(void)
{
    if ( boot_cpu_data.x86_vendor != X86_VENDOR_AMD )
        return 0;

    if ( !psp_find() )
    {
        printk(XENLOG_INFO "SEV: no PSP with an SEV mailbox\n");
        return 0;
    }

    platform_init();

    return 0;
}
__initcall(sev_psp_init);

void sev_psp_shutdown(void)
{
    int rc;

    if ( !platform_up )
        return;

    platform_up = false;
    rc = psp_cmd(SEV_CMD_SHUTDOWN, NULL);
    if ( rc )
        psp_failed(SEV_CMD_SHUTDOWN, rc);
}

static void __init __maybe_unused build_assertions(void)
{
    sev_api_build_assertions();
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
