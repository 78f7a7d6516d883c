/* Stand-in for Xen's <xen/pci_ids.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
