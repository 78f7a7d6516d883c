/* Stand-in for Xen's <xen/init.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
