/* Stand-in for libxl's libxl_osdeps.h: the harness needs no OS shims. */
#define _GNU_SOURCE
