/* Stand-in for Xen's <asm/cache.h>: see ../launch-shim.h. */
#include "../launch-shim.h"
