/* Stand-in for Xen's <xen/guest_access.h>: see ../launch-shim.h. */
#include "../launch-shim.h"
