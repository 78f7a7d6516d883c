/* Stand-in for Xen's <xen/pci.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
