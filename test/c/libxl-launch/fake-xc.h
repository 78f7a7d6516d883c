/* The fake libxc below libxl_sev.c: see fake-xc.c. */
#ifndef FAKE_XC_H
#define FAKE_XC_H

#include <stdbool.h>
#include <stdint.h>

/* Where the fake hypervisor keeps a guest's frames and vCPU state in the model's memory. */
#define GUEST_BASE   0x100000000ULL
#define VMSA_BASE    0x80000000ULL
#define MAX_VCPUS    64

void fw_spawn(char **argv);
/* One request to `xen-sev fw serve`; returns what follows "ok" (exits on anything else). */
const char *fw_request(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));
/* The PSP driver's boot: INIT (with the SEV-ES TMR when es), WBINVD, DF_FLUSH. */
void hv_boot(bool es);
void hv_set_vcpus(unsigned int n);
/* What Xen does when the domain is destroyed: DEACTIVATE, DECOMMISSION. */
void hv_destroy(void);

#endif
