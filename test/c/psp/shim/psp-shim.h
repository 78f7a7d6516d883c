/*
 * The Xen services xen-overlay/.../sev-psp.c calls, stood in for in
 * userspace by psp-harness.c: PCI config reads of one fake PSP function,
 * ioremap() of its mailbox page, readl()/writel() bound to the firmware model
 * behind `xen-sev fw serve`, a clock that udelay() advances, printk() to
 * stdout, WBINVD on all CPUs as the model's `wbinvd`.
 */
#ifndef PSP_SHIM_H
#define PSP_SHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t paddr_t;
typedef int64_t s_time_t;

#define __iomem
#define __init
#define __initconst
#define __ro_after_init
#define cf_check
#define __aligned(x)        __attribute__((__aligned__(x)))
#define __packed            __attribute__((__packed__))
#define __maybe_unused      __attribute__((__unused__))
#define __initcall(fn) \
    static int (*const initcall_##fn)(void) __maybe_unused = (fn)

/* Xen's xen/lib.h: a value into / out of the field @m is the mask of. */
#define MASK_EXTR(v, m)     (((v) & (m)) / ((m) & -(m)))
#define MASK_INSR(v, m)     (((v) * ((m) & -(m))) & (m))
#define ARRAY_SIZE(a)       (sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c)     _Static_assert(!(c), #c)

#define PAGE_SHIFT          12
#define PAGE_SIZE           (1UL << PAGE_SHIFT)
#define PAGE_MASK           (~(PAGE_SIZE - 1))
#define PFN_DOWN(x)         ((x) >> PAGE_SHIFT)
#define MILLISECS(ms)       ((s_time_t)(ms) * 1000000LL)

#define XENLOG_ERR          "<err>"
#define XENLOG_WARNING      "<warning>"
#define XENLOG_INFO         "<info>"
void printk(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));

typedef union {
    struct {
        uint8_t devfn, bus;
        uint16_t seg;
    };
    uint32_t sbdf;
} pci_sbdf_t;

#define PCI_SBDF(s, b, df) \
    ((pci_sbdf_t){ .sbdf = ((uint32_t)(s) << 16) | ((uint32_t)(b) << 8) | (df) })
#define PCI_SLOT(df)        (((df) >> 3) & 0x1f)
#define PCI_FUNC(df)        ((df) & 0x07)

/* Register numbers and bits of the PCI specification (Xen's pci_regs.h). */
#define PCI_VENDOR_ID                   0x00
#define PCI_COMMAND                     0x04
#define PCI_COMMAND_MEMORY              0x2
#define PCI_BASE_ADDRESS_0              0x10
#define PCI_BASE_ADDRESS_2              0x18
#define PCI_BASE_ADDRESS_SPACE_IO       0x01
#define PCI_BASE_ADDRESS_MEM_TYPE_MASK  0x06
#define PCI_BASE_ADDRESS_MEM_TYPE_64    0x04
#define PCI_BASE_ADDRESS_MEM_MASK       (~0x0fUL)
#define PCI_VENDOR_ID_AMD               0x1022

uint32_t pci_conf_read32(pci_sbdf_t sbdf, unsigned int reg);
uint16_t pci_conf_read16(pci_sbdf_t sbdf, unsigned int reg);
int pci_ro_device(int seg, int bus, int devfn);

struct rangeset;
extern struct rangeset *mmio_ro_ranges;
int rangeset_add_singleton(struct rangeset *r, unsigned long s);

void *ioremap(paddr_t pa, size_t len);
uint32_t readl(const volatile void *addr);
void writel(uint32_t val, volatile void *addr);

paddr_t virt_to_maddr(const void *va);
void *alloc_xenheap_pages(unsigned int order, unsigned int memflags);
void free_xenheap_pages(void *va, unsigned int order);

s_time_t NOW(void);
void udelay(unsigned long usecs);

void wbinvd(void);
void on_each_cpu(void (*func)(void *info), void *info, int wait);

#define X86_VENDOR_AMD      (1 << 1)
struct cpuinfo_x86 {
    unsigned int x86_vendor;
};
extern struct cpuinfo_x86 boot_cpu_data;

void sev_psp_shutdown(void);

#endif /* PSP_SHIM_H */
