/* Stand-in for Xen's <xen/errno.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
