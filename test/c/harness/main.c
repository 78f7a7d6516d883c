/* SPDX-License-Identifier: GPL-2.0-only */
/* The frame loop of the cross-test harness; see harness.h for the protocol. */
#ifdef __linux__
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <fcntl.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static void die(const char *what)
{
    fprintf(stderr, "harness: %s\n", what);
    exit(2);
}

void harness_put(struct harness_out *out, const void *data, size_t len)
{
    if ( out->len + len > out->cap )
    {
        size_t cap = out->cap ? out->cap : 8192;

        while ( cap < out->len + len )
            cap *= 2;
        out->data = realloc(out->data, cap);
        if ( !out->data )
            die("out of memory");
        out->cap = cap;
    }
    memcpy(out->data + out->len, data, len);
    out->len += len;
}

void harness_put_u8(struct harness_out *out, uint8_t v)
{
    harness_put(out, &v, 1);
}

void harness_put_u16(struct harness_out *out, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

    harness_put(out, b, 2);
}

void harness_put_u64(struct harness_out *out, uint64_t v)
{
    uint8_t b[8];
    unsigned int i;

    for ( i = 0; i < 8; i++ )
        b[i] = (uint8_t)(v >> (8 * i));
    harness_put(out, b, 8);
}

uint64_t harness_get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    unsigned int i;

    for ( i = 8; i-- > 0; )
        v = (v << 8) | p[i];

    return v;
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static const struct harness_kind *find_kind(uint32_t kind)
{
    const struct harness_kind *const *m;
    const struct harness_kind *k;

    for ( m = harness_modules; *m; m++ )
        for ( k = *m; k->kind != HARNESS_SYNC; k++ )
            if ( k->kind == kind )
                return k;

    return NULL;
}

int main(void)
{
    static uint8_t obuf[1 << 20];
    uint8_t *payload = NULL;
    size_t payload_cap = 0;
    struct harness_out out = { NULL, 0, 0 };
    uint8_t hdr[8];

#ifdef F_SETPIPE_SZ
    /*
     * Larger pipes let this process run a batch ahead while the TypeScript
     * side computes its own answers; failure (not a pipe) is harmless.
     */
    (void)fcntl(0, F_SETPIPE_SZ, 1 << 20);
    (void)fcntl(1, F_SETPIPE_SZ, 1 << 20);
#endif
    setvbuf(stdout, (char *)obuf, _IOFBF, sizeof(obuf));
    while ( fread(hdr, 1, 8, stdin) == 8 )
    {
        uint32_t kind = get_u32(hdr), len = get_u32(hdr + 4);
        enum harness_status status = HARNESS_OK;
        const struct harness_kind *k;

        if ( len > payload_cap )
        {
            payload = realloc(payload, len);
            if ( !payload )
                die("out of memory");
            payload_cap = len;
        }
        if ( len && fread(payload, 1, len, stdin) != len )
            die("truncated request");

        out.len = 0;
        if ( kind != HARNESS_SYNC )
        {
            k = find_kind(kind);
            status = k ? k->handle(payload, len, &out) : HARNESS_BAD_REQUEST;
            if ( status != HARNESS_OK )
                out.len = 0;
        }
        put_u32(hdr, (uint32_t)status);
        put_u32(hdr + 4, (uint32_t)out.len);
        if ( fwrite(hdr, 1, 8, stdout) != 8 || (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) )
            die("cannot write response");
        if ( kind == HARNESS_SYNC && fflush(stdout) )
            die("cannot flush responses");
    }
    fflush(stdout);

    return 0;
}
