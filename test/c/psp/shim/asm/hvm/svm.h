/* Stand-in for Xen's <asm/hvm/svm.h>: see ../../psp-shim.h. */
#include "../../psp-shim.h"
