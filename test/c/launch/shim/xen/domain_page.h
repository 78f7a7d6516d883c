/* Stand-in for Xen's <xen/domain_page.h>: see ../launch-shim.h. */
#include "../launch-shim.h"
