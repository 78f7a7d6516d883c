/* Stand-in for Xen's <xen/event.h>: see ../launch-shim.h. */
#include "../launch-shim.h"
