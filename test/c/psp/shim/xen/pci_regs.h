/* Stand-in for Xen's <xen/pci_regs.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
