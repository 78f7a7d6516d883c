/* Stand-in for Xen's <public/domctl.h>: see ../launch-shim.h. */
#include "../launch-shim.h"
