/* Stand-in for Xen's <xen/spinlock.h>: see ../launch-shim.h. */
#include "../launch-shim.h"
