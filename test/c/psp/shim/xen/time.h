/* Stand-in for Xen's <xen/time.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
