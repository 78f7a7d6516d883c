/* Stand-in for Xen's <xen/xmalloc.h>: see ../launch-shim.h. */
#include "../launch-shim.h"
