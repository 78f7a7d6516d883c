/* Stand-in for Xen's <asm/hvm/svm.h>: see ../../launch-shim.h. */
#include "../../launch-shim.h"
