/* Stand-in for Xen's <xen/delay.h>: see ../psp-shim.h. */
#include "../psp-shim.h"
