/*
 * fold.c: Unicode folding for matching, and the map from folded bytes back to the source.
 *
 * The definition lives in append_unit: a unit (see fold.h) goes through u8_casefold or
 * u8_normalize with UNINORM_NFKD, then marks and default-ignorable code points are dropped and
 * white space becomes a space.  Folding unit by unit rather than a whole string at once is what
 * makes the map exact: every folded byte comes from one unit, and a unit covers whole code
 * points, its marks included, so a match ending in "e" of "é" written as e + U+0301 covers the
 * accent too.  It also lets text be appended a run at a time.
 *
 * Two shortcuts give the same results as the definition and keep folding cheap.  A run of ASCII
 * bytes, each followed by another ASCII byte, is folded by a byte loop (lowercasing A–Z with
 * FOLD_CASE; the six ASCII white-space characters become a space); the unit suite checks these
 * tables against libunistring for all 128 bytes.  Other units are folded once and kept in a
 * small direct-mapped cache per buffer, keyed by the unit's bytes and the flags, because
 * u8_casefold costs about 150 ns a call and the same few accented letters recur.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "lees/fold.h"

#define CACHE_SIZE 256 /* entries, a power of two */
#define KEY_MAX 14     /* longest unit that is cached, in bytes */
#define VAL_MAX 22     /* longest folding that is cached, in bytes */

struct unit_cache {
    unsigned char klen; /* 0: empty */
    unsigned char vlen;
    unsigned char flags;
    char key[KEY_MAX];
    char val[VAL_MAX];
};

struct fold_buf {
    char *bytes;           /* cap + 1 bytes: the folded text and a NUL */
    size_t *starts, *ends; /* the source range of each folded byte */
    size_t len, cap;
    struct unit_cache *cache; /* CACHE_SIZE entries, allocated with the first non-ASCII unit */
};

/* White space among ASCII, as uc_is_property_white_space has it: TAB, LF, VT, FF, CR, space. */
static bool ascii_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* An ASCII byte's folding when it is not white space: u8_casefold lowercases A–Z only. */
static char ascii_fold(unsigned char c, unsigned flags)
{
    if ((flags & FOLD_CASE) && c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a');
    return (char)c;
}

static int reserve(struct fold_buf *buf, size_t extra)
{
    size_t need = buf->len + extra, cap = buf->cap ? buf->cap : 64;
    char *bytes;
    size_t *starts, *ends;

    if (need <= buf->cap)
        return 0;
    while (cap < need)
        cap *= 2;
    bytes = realloc(buf->bytes, cap + 1);
    if (bytes == NULL)
        return -1;
    buf->bytes = bytes;
    starts = realloc(buf->starts, cap * sizeof *starts);
    if (starts == NULL)
        return -1;
    buf->starts = starts;
    ends = realloc(buf->ends, cap * sizeof *ends);
    if (ends == NULL)
        return -1;
    buf->ends = ends;
    buf->cap = cap;
    return 0;
}

/* Append one folded byte; room has been reserved. */
static void put(struct fold_buf *buf, char c, size_t start, size_t end)
{
    buf->bytes[buf->len] = c;
    buf->starts[buf->len] = start;
    buf->ends[buf->len] = end;
    buf->len++;
}

/* Append a space, or stretch the space before it over [START, END). */
static void put_space(struct fold_buf *buf, size_t start, size_t end)
{
    if (buf->len > 0 && buf->bytes[buf->len - 1] == ' ') {
        if (end > buf->ends[buf->len - 1])
            buf->ends[buf->len - 1] = end;
        return;
    }
    put(buf, ' ', start, end);
}

/* Append folded bytes (white space already made ' ') that stand for [START, END). */
static int put_folded(struct fold_buf *buf, const char *s, size_t n, size_t start, size_t end)
{
    if (reserve(buf, n) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ')
            put_space(buf, start, end);
        else
            put(buf, s[i], start, end);
    }
    return 0;
}

static unsigned cache_slot(const unsigned char *u, size_t n, unsigned flags)
{
    unsigned h = 2166136261u ^ flags;

    for (size_t i = 0; i < n; i++)
        h = (h ^ u[i]) * 16777619u;
    return h & (CACHE_SIZE - 1);
}

/* Whether the code point is dropped with FOLD_MARKS. */
static bool dropped(ucs4_t uc)
{
    return uc_is_general_category(uc, UC_CATEGORY_M) ||
           uc_is_property_default_ignorable_code_point(uc);
}

/*
 * Fold the unit U (N bytes, as fold_unit_len cut it) standing for source [START, END).  This
 * is the definition of folding; everything else in this file is a shortcut to the same result.
 */
static int append_unit(struct fold_buf *buf, const unsigned char *u, size_t n, size_t start,
                       size_t end, unsigned flags)
{
    uint8_t tmp[128];
    size_t tlen = sizeof tmp, w = 0;
    struct unit_cache *e = NULL;
    uint8_t *r;
    int rc;

    if (n == 1 && u[0] < 0x80) {
        if (reserve(buf, 1) != 0)
            return -1;
        if (ascii_space(u[0]))
            put_space(buf, start, end);
        else
            put(buf, ascii_fold(u[0], flags), start, end);
        return 0;
    }
    if (n == 1) {
        /* An invalid byte: kept, behind a byte no valid UTF-8 holds. */
        if (reserve(buf, 2) != 0)
            return -1;
        put(buf, (char)FOLD_INVALID, start, end);
        put(buf, (char)u[0], start, end);
        return 0;
    }
    if (buf->cache == NULL)
        buf->cache = calloc(CACHE_SIZE, sizeof *buf->cache);
    if (buf->cache != NULL && n <= KEY_MAX) {
        e = &buf->cache[cache_slot(u, n, flags)];
        if (e->klen == n && e->flags == flags && memcmp(e->key, u, n) == 0)
            return put_folded(buf, e->val, e->vlen, start, end);
    }
    if (flags & FOLD_CASE)
        r = u8_casefold(u, n, NULL, UNINORM_NFKD, tmp, &tlen);
    else
        r = u8_normalize(UNINORM_NFKD, u, n, tmp, &tlen);
    if (r == NULL)
        return -1;
    for (size_t i = 0; i < tlen;) {
        ucs4_t uc;
        int k = u8_mbtouc(&uc, r + i, tlen - i);
        if ((flags & FOLD_MARKS) && dropped(uc)) {
            /* left out */
        } else if (uc_is_property_white_space(uc)) {
            r[w++] = ' ';
        } else {
            memmove(r + w, r + i, (size_t)k);
            w += (size_t)k;
        }
        i += (size_t)k;
    }
    if (e != NULL && w <= VAL_MAX) {
        e->klen = (unsigned char)n;
        e->vlen = (unsigned char)w;
        e->flags = (unsigned char)flags;
        memcpy(e->key, u, n);
        memcpy(e->val, r, w);
    }
    rc = put_folded(buf, (const char *)r, w, start, end);
    if (r != tmp)
        free(r);
    return rc;
}

/* The unit loop of fold_append and fold_append_as; RANGE, when not NULL, maps every unit. */
static int append(struct fold_buf *buf, const char *s, size_t n, size_t offset, const size_t *range,
                  unsigned flags)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    int rc = 0;

    while (i < n) {
        if (u[i] < 0x80 && (i + 1 == n || u[i + 1] < 0x80)) {
            /* The ASCII shortcut: each byte is a unit of its own. */
            if (reserve(buf, n - i) != 0) {
                rc = -1;
                break;
            }
            do {
                size_t st = range ? range[0] : offset + i, en = range ? range[1] : offset + i + 1;
                if (ascii_space(u[i]))
                    put_space(buf, st, en);
                else
                    put(buf, ascii_fold(u[i], flags), st, en);
                i++;
            } while (i < n && u[i] < 0x80 && (i + 1 == n || u[i + 1] < 0x80));
        } else {
            size_t k = fold_unit_len(s + i, n - i);
            if (append_unit(buf, u + i, k, range ? range[0] : offset + i,
                            range ? range[1] : offset + i + k, flags) != 0) {
                rc = -1;
                break;
            }
            i += k;
        }
    }
    if (buf->bytes != NULL)
        buf->bytes[buf->len] = '\0';
    return rc;
}

/* An empty buffer. */
struct fold_buf *fold_new(void)
{
    struct fold_buf *buf = calloc(1, sizeof *buf);

    if (buf == NULL)
        return NULL;
    if (reserve(buf, 64) != 0) {
        fold_free(buf);
        return NULL;
    }
    buf->bytes[0] = '\0';
    return buf;
}

/* Release the buffer. */
void fold_free(struct fold_buf *buf)
{
    if (buf == NULL)
        return;
    free(buf->bytes);
    free(buf->starts);
    free(buf->ends);
    free(buf->cache);
    free(buf);
}

/* Empty the buffer, keeping its memory. */
void fold_clear(struct fold_buf *buf)
{
    buf->len = 0;
    buf->bytes[0] = '\0';
}

/* Fold N source bytes at S (starting at source OFFSET) onto the end. */
int fold_append(struct fold_buf *buf, const char *s, size_t n, size_t offset, unsigned flags)
{
    return append(buf, s, n, offset, NULL, flags);
}

/* Fold N bytes at S as the text shown for source [START, END). */
int fold_append_as(struct fold_buf *buf, const char *s, size_t n, size_t start, size_t end,
                   unsigned flags)
{
    const size_t range[2] = {start, end};

    return append(buf, s, n, start, range, flags);
}

/* A space standing for source [START, END). */
int fold_space(struct fold_buf *buf, size_t start, size_t end)
{
    if (reserve(buf, 1) != 0)
        return -1;
    put_space(buf, start, end);
    buf->bytes[buf->len] = '\0';
    return 0;
}

/* Remove the first N folded bytes. */
void fold_drop(struct fold_buf *buf, size_t n)
{
    if (n >= buf->len) {
        fold_clear(buf);
        return;
    }
    memmove(buf->bytes, buf->bytes + n, buf->len - n + 1);
    memmove(buf->starts, buf->starts + n, (buf->len - n) * sizeof *buf->starts);
    memmove(buf->ends, buf->ends + n, (buf->len - n) * sizeof *buf->ends);
    buf->len -= n;
}

/* The folded bytes and their number. */
const char *fold_bytes(const struct fold_buf *buf, size_t *len)
{
    *len = buf->len;
    return buf->bytes;
}

/* The source range of folded bytes [FS, FE): maps only grow, so the ends are enough. */
void fold_source(const struct fold_buf *buf, size_t fs, size_t fe, size_t *start, size_t *end)
{
    *start = buf->starts[fs];
    *end = buf->ends[fe - 1];
}

/* The length of the unit at S: an ASCII byte or a code point with its marks, or one invalid
 * byte. */
size_t fold_unit_len(const char *s, size_t n)
{
    const uint8_t *u = (const uint8_t *)s;
    size_t i;
    ucs4_t uc;

    if (u[0] < 0x80) {
        if (n == 1 || u[1] < 0x80)
            return 1;
        i = 1;
    } else {
        int k = u8_mbtoucr(&uc, u, n);
        if (k < 0)
            return 1;
        i = (size_t)k;
    }
    while (i < n && u[i] >= 0x80) {
        int k = u8_mbtoucr(&uc, u + i, n - i);
        if (k < 0 || !uc_is_general_category(uc, UC_CATEGORY_M))
            break;
        i += (size_t)k;
    }
    return i;
}

/* Fold a pattern typed by the user; free() the result. */
char *fold_pattern(const char *s, size_t n, unsigned flags, size_t *len)
{
    struct fold_buf *buf = fold_new();
    char *out = NULL;

    if (buf != NULL && fold_append(buf, s, n, 0, flags) == 0) {
        out = malloc(buf->len + 1);
        if (out != NULL) {
            memcpy(out, buf->bytes, buf->len + 1);
            *len = buf->len;
        }
    }
    fold_free(buf);
    return out;
}

/* Fold one run of a block as it is shown. */
int fold_append_run(struct fold_buf *buf, const char *data, const struct doc_run *r, unsigned flags)
{
    char dec[8];
    size_t n;

    switch (r->kind) {
    case DOC_RUN_ENTITY:
        n = doc_entity_decode(data + r->start, r->end - r->start, dec);
        if (n > 0)
            return fold_append_as(buf, dec, n, r->start, r->end, flags);
        return fold_append(buf, data + r->start, r->end - r->start, r->start, flags);
    case DOC_RUN_REPLACEMENT:
        return fold_append_as(buf, "\xEF\xBF\xBD", 3, r->start, r->end, flags);
    case DOC_RUN_TEXT:
        return fold_append(buf, data + r->start, r->end - r->start, r->start, flags);
    default: /* soft and hard line breaks */
        return fold_space(buf, r->start, r->end);
    }
}
