/* Stand-in for Xen's <xen/string.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
