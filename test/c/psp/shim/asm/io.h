/* Stand-in for Xen's <asm/io.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
