/* Stand-in for Xen's <xen/sched.h>: see ../launch-shim.h. */
#include "../launch-shim.h"
