/* Stand-in for Xen's <xen/types.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
