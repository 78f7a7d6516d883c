/* Stand-in for Xen's <asm/system.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
