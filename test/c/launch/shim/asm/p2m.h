/* Stand-in for Xen's <asm/p2m.h>: see ../launch-shim.h. */
#include "../launch-shim.h"
