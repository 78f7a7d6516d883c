/* Stand-in for Xen's <asm/xstate.h>: see ../launch-shim.h. */
#include "../launch-shim.h"
