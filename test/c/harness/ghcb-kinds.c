/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Request kinds 1..5 of the cross-test harness: the generated C GHCB codec
 * (generated/c/ghcb-codec.h).  harness-ghcb-fields.h is written by the test
 * build from the TypeScript field table, so both sides agree on field order
 * and indexes; a field the C codec lacks fails the build.
 */
#include <string.h>

#include "ghcb-codec.h"
#include "harness.h"
#include "harness-ghcb-fields.h"

enum {
    KIND_GHCB_DECODE = 1,
    KIND_GHCB_ENCODE = 2,
    KIND_GHCB_VIEW = 3,
    KIND_MSR_DECODE = 4,
    KIND_MSR_ENCODE = 5,
    KIND_PAGE_LOAD = 6,
    KIND_GHCB_VIEW_SLOT = 7,
};

#define PAGE_SLOTS 256
#define PATCH_SIZE 3

enum view_op {
    OP_GET = 0,
    OP_WRITE = 1,
    OP_SET = 2,
    OP_IS_VALID = 3,
    OP_SET_VALID = 4,
    OP_CLEAR_VALID = 5,
    OP_FIELD_IS_VALID = 6,
};

#define VIEW_OP_SIZE 10

static uint64_t max_of(unsigned int bits)
{
    return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

/* Canonical form of a decoded page: every field in order, integers as u64. */
static enum harness_status ghcb_decode_kind(const uint8_t *in, uint32_t len, struct harness_out *out)
{
    static struct ghcb_decoded d;

    if ( len != GHCB_CODEC_PAGE_SIZE )
        return HARNESS_BAD_REQUEST;
    ghcb_decode(in, &d);
#define PUT_INT(member, bits) harness_put_u64(out, d.member);
#define PUT_BYTES(member, size) harness_put(out, d.member, size);
    HARNESS_GHCB_CANON(PUT_INT, PUT_BYTES)
#undef PUT_INT
#undef PUT_BYTES

    return HARNESS_OK;
}

static enum harness_status ghcb_encode_kind(const uint8_t *in, uint32_t len, struct harness_out *out)
{
    static struct ghcb_decoded d;
    static uint8_t page[GHCB_CODEC_PAGE_SIZE];
    const uint8_t *p = in;
    uint64_t v;

    if ( len != HARNESS_GHCB_CANON_SIZE )
        return HARNESS_BAD_REQUEST;
#define GET_INT(member, bits)                   \
    v = harness_get_u64(p);                     \
    p += 8;                                     \
    if ( v > max_of(bits) )                     \
        return HARNESS_REJECTED;                \
    d.member = v;
#define GET_BYTES(member, size)                 \
    memcpy(d.member, p, size);                  \
    p += size;
    HARNESS_GHCB_CANON(GET_INT, GET_BYTES)
#undef GET_INT
#undef GET_BYTES
    ghcb_encode(&d, page);
    harness_put(out, page, sizeof(page));

    return HARNESS_OK;
}

static enum harness_status view_field(struct ghcb *g, enum view_op op, unsigned int index,
                                      uint64_t value, struct harness_out *out)
{
    switch ( index )
    {
#define VALID_FIELD(i, name, type)                                      \
    case i:                                                             \
        switch ( op )                                                   \
        {                                                               \
        case OP_GET: harness_put_u64(out, ghcb_get_##name(g)); break;   \
        case OP_WRITE: ghcb_write_##name(g, (type)value); break;        \
        case OP_SET: ghcb_set_##name(g, (type)value); break;            \
        case OP_FIELD_IS_VALID: harness_put_u64(out, ghcb_##name##_is_valid(g)); break; \
        default: return HARNESS_BAD_REQUEST;                            \
        }                                                               \
        return HARNESS_OK;
#define PLAIN_FIELD(i, name, type)                                      \
    case i:                                                             \
        switch ( op )                                                   \
        {                                                               \
        case OP_GET: harness_put_u64(out, ghcb_get_##name(g)); break;   \
        case OP_WRITE: ghcb_write_##name(g, (type)value); break;        \
        default: return HARNESS_BAD_REQUEST;                            \
        }                                                               \
        return HARNESS_OK;
    HARNESS_GHCB_ACCESSORS(VALID_FIELD, PLAIN_FIELD)
#undef VALID_FIELD
#undef PLAIN_FIELD
    default:
        return HARNESS_BAD_REQUEST;
    }
}

/* Runs view ops of VIEW_OP_SIZE bytes (u8 op, u8 field index or bit, u64 value) on g, answering the results. */
static enum harness_status run_view_ops(struct ghcb *g, const uint8_t *ops, const uint8_t *end, struct harness_out *out)
{
    const uint8_t *op;
    enum harness_status st;

    for ( op = ops; op < end; op += VIEW_OP_SIZE )
    {
        unsigned int arg = op[1];
        uint64_t value = harness_get_u64(op + 2);

        switch ( op[0] )
        {
        case OP_IS_VALID:
        case OP_SET_VALID:
        case OP_CLEAR_VALID:
            /* The C accessors ignore such bits; the TypeScript view throws. Both are refusals. */
            if ( arg >= GHCB_CODEC_VALID_BITS )
                return HARNESS_REJECTED;
            if ( op[0] == OP_IS_VALID )
                harness_put_u64(out, ghcb_is_valid(g, arg));
            else if ( op[0] == OP_SET_VALID )
                ghcb_set_valid(g, arg);
            else
                ghcb_clear_valid(g, arg);
            break;
        default:
            st = view_field(g, (enum view_op)op[0], arg, value, out);
            if ( st != HARNESS_OK )
                return st;
        }
    }

    return HARNESS_OK;
}

/* A page, then view ops; answers the results and the final page. */
static enum harness_status ghcb_view_kind(const uint8_t *in, uint32_t len, struct harness_out *out)
{
    static struct ghcb g;
    enum harness_status st;

    if ( len < GHCB_CODEC_PAGE_SIZE || (len - GHCB_CODEC_PAGE_SIZE) % VIEW_OP_SIZE )
        return HARNESS_BAD_REQUEST;
    memcpy(&g, in, sizeof(g));
    st = run_view_ops(&g, in + GHCB_CODEC_PAGE_SIZE, in + len, out);
    if ( st == HARNESS_OK )
        harness_put(out, &g, sizeof(g));

    return st;
}

static uint8_t slots[PAGE_SLOTS][GHCB_CODEC_PAGE_SIZE];

/* u8 slot, page: keeps a page for later view requests, so they need not carry it. */
static enum harness_status page_load_kind(const uint8_t *in, uint32_t len, struct harness_out *out)
{
    (void)out;
    if ( len != 1 + GHCB_CODEC_PAGE_SIZE )
        return HARNESS_BAD_REQUEST;
    memcpy(slots[in[0]], in + 1, GHCB_CODEC_PAGE_SIZE);

    return HARNESS_OK;
}

/*
 * u8 slot, u16 patch count, patches (u16 offset, u8 byte), view ops: the ops
 * run on a patched copy of the slot's page.  Answers the results, then u16
 * count and (u16 offset, u8 byte) for every byte the ops changed.
 */
static enum harness_status ghcb_view_slot_kind(const uint8_t *in, uint32_t len, struct harness_out *out)
{
    static union {
        struct ghcb g;
        uint8_t b[GHCB_CODEC_PAGE_SIZE];
    } page, before;
    static uint16_t at[GHCB_CODEC_PAGE_SIZE];
    uint32_t npatch, i, changed = 0;
    const uint8_t *ops;
    enum harness_status st;

    if ( len < 3 )
        return HARNESS_BAD_REQUEST;
    npatch = (uint32_t)in[1] | ((uint32_t)in[2] << 8);
    if ( len < 3 + PATCH_SIZE * npatch || (len - 3 - PATCH_SIZE * npatch) % VIEW_OP_SIZE )
        return HARNESS_BAD_REQUEST;
    memcpy(page.b, slots[in[0]], GHCB_CODEC_PAGE_SIZE);
    for ( i = 0; i < npatch; i++ )
    {
        const uint8_t *p = in + 3 + PATCH_SIZE * i;
        uint32_t off = (uint32_t)p[0] | ((uint32_t)p[1] << 8);

        if ( off >= GHCB_CODEC_PAGE_SIZE )
            return HARNESS_BAD_REQUEST;
        page.b[off] = p[2];
    }
    before = page;
    ops = in + 3 + PATCH_SIZE * npatch;
    st = run_view_ops(&page.g, ops, in + len, out);
    if ( st != HARNESS_OK )
        return st;
    /* Eight bytes at a time: the ops change a few bytes of the page at most. */
    for ( i = 0; i < GHCB_CODEC_PAGE_SIZE; i += 8 )
    {
        uint64_t now, was;
        uint32_t j;

        memcpy(&now, page.b + i, sizeof(now));
        memcpy(&was, before.b + i, sizeof(was));
        if ( now == was )
            continue;
        for ( j = i; j < i + 8; j++ )
            if ( page.b[j] != before.b[j] )
                at[changed++] = (uint16_t)j;
    }
    harness_put_u16(out, (uint16_t)changed);
    for ( i = 0; i < changed; i++ )
    {
        harness_put_u16(out, at[i]);
        harness_put_u8(out, page.b[at[i]]);
    }

    return HARNESS_OK;
}

/* u64 value -> u16 code, u8 known, u8 name length, name, u8 count, count x u64. */
static enum harness_status msr_decode_kind(const uint8_t *in, uint32_t len, struct harness_out *out)
{
    struct ghcb_msr_decoded d;
    const struct ghcb_msr_message *m;
    uint64_t msr;
    unsigned int i;

    if ( len != 8 )
        return HARNESS_BAD_REQUEST;
    msr = harness_get_u64(in);
    m = ghcb_msr_decode(msr, &d);
    harness_put_u16(out, (uint16_t)(msr & 0xfff));
    harness_put_u8(out, m != NULL);
    harness_put_u8(out, m ? (uint8_t)strlen(m->name) : 0);
    if ( m )
        harness_put(out, m->name, strlen(m->name));
    harness_put_u8(out, (uint8_t)d.nr_values);
    for ( i = 0; i < d.nr_values; i++ )
        harness_put_u64(out, d.values[i]);

    return HARNESS_OK;
}

/* u8 name length, name, u8 count, count x u64 -> u64 value. */
static enum harness_status msr_encode_kind(const uint8_t *in, uint32_t len, struct harness_out *out)
{
    char name[256];
    uint64_t values[GHCB_MSR_MAX_FIELDS], msr;
    const struct ghcb_msr_message *m;
    unsigned int n, i;

    if ( len < 2 || len < 2u + in[0] || len != 2u + in[0] + 8u * in[1 + in[0]] )
        return HARNESS_BAD_REQUEST;
    memcpy(name, in + 1, in[0]);
    name[in[0]] = '\0';
    n = in[1 + in[0]];
    m = ghcb_msr_lookup_name(name);
    if ( !m || n != m->nr_fields )
        return HARNESS_REJECTED;
    for ( i = 0; i < n; i++ )
        values[i] = harness_get_u64(in + 2 + in[0] + 8 * i);
    if ( ghcb_msr_encode(m, values, &msr) )
        return HARNESS_REJECTED;
    harness_put_u64(out, msr);

    return HARNESS_OK;
}

const struct harness_kind harness_ghcb_kinds[] = {
    { KIND_GHCB_DECODE, "ghcb-decode", ghcb_decode_kind },
    { KIND_GHCB_ENCODE, "ghcb-encode", ghcb_encode_kind },
    { KIND_GHCB_VIEW, "ghcb-view", ghcb_view_kind },
    { KIND_MSR_DECODE, "msr-decode", msr_decode_kind },
    { KIND_MSR_ENCODE, "msr-encode", msr_encode_kind },
    { KIND_PAGE_LOAD, "page-load", page_load_kind },
    { KIND_GHCB_VIEW_SLOT, "ghcb-view-slot", ghcb_view_slot_kind },
    { HARNESS_SYNC, NULL, NULL },
};
