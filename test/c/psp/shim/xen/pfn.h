/* Stand-in for Xen's <xen/pfn.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
