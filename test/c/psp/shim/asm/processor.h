/* Stand-in for Xen's <asm/processor.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
