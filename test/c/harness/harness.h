/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The differential cross-test harness: one long-lived process that reads
 * framed requests on stdin and writes framed responses on stdout.
 *
 *   request:  u32 kind, u32 length, payload[length]      (little endian)
 *   response: u32 status, u32 length, payload[length]
 *
 * Kind 0 (HARNESS_SYNC) answers with an empty response and flushes stdout;
 * the TypeScript side ends every batch with it.  Every other kind is looked
 * up in the tables of the modules linked in (see registry.c, written by the
 * test build), so a new group of request kinds is a new C file and a new
 * table, without touching this loop.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stddef.h>
#include <stdint.h>

enum harness_status {
    HARNESS_OK = 0,
    /* The code under test refused the input (e.g. a value too wide for its field). */
    HARNESS_REJECTED = 1,
    /* The request itself was malformed (wrong length, unknown kind). */
    HARNESS_BAD_REQUEST = 2,
};

#define HARNESS_SYNC 0

/* A growable response buffer. */
struct harness_out {
    uint8_t *data;
    size_t len;
    size_t cap;
};

void harness_put(struct harness_out *out, const void *data, size_t len);
void harness_put_u8(struct harness_out *out, uint8_t v);
void harness_put_u16(struct harness_out *out, uint16_t v);
void harness_put_u64(struct harness_out *out, uint64_t v);
uint64_t harness_get_u64(const uint8_t *p);

struct harness_kind {
    uint32_t kind;
    const char *name;
    enum harness_status (*handle)(const uint8_t *in, uint32_t len, struct harness_out *out);
};

/* NULL-terminated list of kind tables (kind 0 ends each table), from registry.c. */
extern const struct harness_kind *const harness_modules[];

#endif /* HARNESS_H */
