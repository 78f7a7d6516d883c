/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * C side of the view_read_vs_c benchmark: the same pages and access pattern
 * as bench/view-read.ts (read rax, rcx, sw_exit_code, test rax's valid bit,
 * cycling over the pages) through the generated accessors of ghcb-codec.h.
 * Usage: view-read PAGES_FILE MIN_SECONDS; prints "reads_per_s checksum".
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ghcb-codec.h"

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    FILE *f;
    long size;
    size_t n, i, r, rounds;
    struct ghcb *pages;
    uint64_t sum = 0, reads = 0;
    double t0, t, min;

    if ( argc != 3 || !(f = fopen(argv[1], "rb")) )
        return 2;
    min = atof(argv[2]);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    n = (size_t)size / sizeof(struct ghcb);
    pages = malloc(n * sizeof(*pages));
    if ( !pages || fread(pages, sizeof(*pages), n, f) != n )
        return 2;
    fclose(f);

    /* Several passes between clock reads, so few pages do not mean many clock reads. */
    rounds = n >= 4096 ? 1 : 4096 / n;
    t0 = now();
    do {
        for ( r = 0; r < rounds; r++ )
            for ( i = 0; i < n; i++ )
            {
                const struct ghcb *g = &pages[i];

                sum += ghcb_get_rax(g) + ghcb_get_rcx(g) + ghcb_get_sw_exit_code(g) + ghcb_rax_is_valid(g);
            }
        reads += 4 * n * rounds;
        t = now();
    } while ( t - t0 < min );
    printf("%.0f %llu\n", reads / (t - t0), (unsigned long long)sum);
    free(pages);

    return 0;
}
