/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for the parts of Xen's <xen/lib.h> the tests' sources use. */
#ifndef XEN_SHIM_LIB_H
#define XEN_SHIM_LIB_H

#include <xen/types.h>

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

#endif /* XEN_SHIM_LIB_H */
