/* Userspace stand-in for Xen's <xen/lib.h>: MASK_EXTR()/MASK_INSR() as Xen defines them. */
#ifndef SHIM_XEN_LIB_H
#define SHIM_XEN_LIB_H
#define MASK_EXTR(v, m) (((v) & (m)) / ((m) & -(m)))
#define MASK_INSR(v, m) (((v) * ((m) & -(m))) & (m))
#endif
