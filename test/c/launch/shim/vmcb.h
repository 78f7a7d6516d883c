/* Stand-in for Xen's <vmcb.h>: see launch-shim.h. */
#include "launch-shim.h"
