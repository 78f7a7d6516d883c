/* Stand-in for Xen's <asm/cpufeature.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
