/* Stand-in for Xen's <xen/smp.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
