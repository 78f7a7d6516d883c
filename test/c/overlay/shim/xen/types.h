/* Userspace stand-in for Xen's <xen/types.h>: what the overlay's pure files use. */
#ifndef SHIM_XEN_TYPES_H
#define SHIM_XEN_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif
