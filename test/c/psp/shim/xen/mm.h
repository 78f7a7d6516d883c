/* Stand-in for Xen's <xen/mm.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
