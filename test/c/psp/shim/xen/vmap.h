/* Stand-in for Xen's <xen/vmap.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
