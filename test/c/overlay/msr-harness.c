/*
 * Drives the series' real xen/arch/x86/hvm/svm/sev-msr.c in userspace: one
 * GHCB MSR value per input line (hex), one answer per output line:
 * "<action> <response hex>".  The Xen services it calls are stood in for here:
 * guest_cpuid() by the same fixed CPU the project's TS model backend describes
 * (lib/nae/backend.ts), the C-bit by 51.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "sev.h"

struct vcpu { int unused; };

unsigned int sev_cbit_pos(void)
{
    return 51;
}

void sev_msr_cpuid(struct vcpu *v, uint32_t leaf, uint32_t regs[4])
{
    static const struct { uint32_t leaf, r[4]; } cpu[] = {
        { 0x0, { 0xd, 0x68747541, 0x444d4163, 0x69746e65 } },
        { 0x1, { 0x00a00f11, 0x00020800, 0x7ed8320b, 0x178bfbff } },
        { 0x7, { 0, 0x219c91a9, 0x0040069c, 0 } },
        { 0xd, { 0x7, 0x240, 0x340, 0 } },
        { 0x80000000, { 0x8000001f, 0x68747541, 0x444d4163, 0x69746e65 } },
        { 0x8000001f, { 0x1b, 0x00000133, 0x1fd, 0x1 } },
    };
    unsigned int i, j;

    (void)v;
    for ( j = 0; j < 4; j++ )
        regs[j] = 0;
    for ( i = 0; i < sizeof(cpu) / sizeof(cpu[0]); i++ )
        if ( cpu[i].leaf == leaf )
            for ( j = 0; j < 4; j++ )
                regs[j] = cpu[i].r[j];
}

int main(void)
{
    static const char *const names[] = {
        [SEV_MSR_RESPOND] = "respond",
        [SEV_MSR_GHCB_PAGE] = "ghcb",
        [SEV_MSR_TERMINATE] = "terminate",
        [SEV_MSR_UNKNOWN] = "unknown",
    };
    struct vcpu v = { 0 };
    char line[64];

    while ( fgets(line, sizeof(line), stdin) )
    {
        uint64_t req = strtoull(line, NULL, 16), resp = 0;
        enum sev_msr_action a = sev_msr_request(&v, req, &resp);

        printf("%s %" PRIx64 "\n", names[a], resp);
    }
    return 0;
}
