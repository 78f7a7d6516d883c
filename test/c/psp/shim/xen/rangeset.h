/* Stand-in for Xen's <xen/rangeset.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
