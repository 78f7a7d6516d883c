/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for Xen's <xen/types.h>, so that the hypervisor's
 * generated sources (generated/c/vmgexit.[ch]) build in the project's tests
 * as they do in Xen: C99 fixed-width types, bool and size_t, from libc.
 */
#ifndef XEN_SHIM_TYPES_H
#define XEN_SHIM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#endif /* XEN_SHIM_TYPES_H */
