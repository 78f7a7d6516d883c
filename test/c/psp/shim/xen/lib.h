/* Stand-in for Xen's <xen/lib.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
