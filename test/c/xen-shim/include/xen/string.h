/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for Xen's <xen/string.h>: libc's memcpy, memset, ... */
#ifndef XEN_SHIM_STRING_H
#define XEN_SHIM_STRING_H

#include <string.h>

#endif /* XEN_SHIM_STRING_H */
