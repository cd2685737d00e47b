/*
 * lees: Unicode folding for matching.
 *
 * Text is folded unit by unit.  A unit is one ASCII byte, one invalid byte, or one code point
 * with the combining marks that follow it.  A unit folds to: its NFKD decomposition, case
 * folded with FOLD_CASE (u8_casefold, so "ĳ" gives "ij", "ﬁ" "fi", "ß" "ss", "™" "tm"), with
 * FOLD_MARKS its marks (general category M) and default-ignorable code points (soft hyphen,
 * zero-width joiner) dropped; every white-space code point becomes one space, and a space that
 * follows a space is merged into it, so any run of white space folds to one " ".  An invalid
 * byte B folds to the two bytes FOLD_INVALID B: no valid UTF-8 holds 0xFF, so it never merges
 * with the bytes around it and matches only a pattern that holds the same invalid byte.
 *
 * A fold buffer holds the folded bytes and, for each of them, the source range of the unit it
 * came from (a merged space: from its first unit's start to its last unit's end), so a match in
 * folded text maps back to source bytes covering whole code points.  Text is appended piece by
 * piece (a block's runs one by one); the caller appends whole units: a piece may end anywhere
 * but inside a code point or before a combining mark that belongs to its last character.
 * Pointers from fold_bytes stay valid until the next call that changes the buffer.
 */
#ifndef LEES_FOLD_H
#define LEES_FOLD_H

#include <stddef.h>

#include "lees/doc.h"

enum fold_flags {
    FOLD_CASE = 1u << 0,  /* case folded: "Café", "CAFÉ" and "café" fold alike */
    FOLD_MARKS = 1u << 1, /* marks and default-ignorable code points dropped after NFKD */
};

/* The byte that leads an invalid source byte in folded text. */
#define FOLD_INVALID 0xFF

struct fold_buf;

/* An empty buffer; NULL when out of memory. */
struct fold_buf *fold_new(void);

/* Release the buffer. */
void fold_free(struct fold_buf *buf);

/* Empty the buffer, keeping its memory (and its cache of folded units). */
void fold_clear(struct fold_buf *buf);

/* Fold the N source bytes at S, which start at source OFFSET, onto the end; 0, or -1 when out
 * of memory (the buffer then holds a prefix of the folded text). */
int fold_append(struct fold_buf *buf, const char *s, size_t n, size_t offset, unsigned flags);

/* Fold the N bytes at S as the text shown for source range [START, END) (a decoded entity, a
 * U+FFFD for a NUL): every folded byte maps to the whole range.  0, or -1 when out of memory. */
int fold_append_as(struct fold_buf *buf, const char *s, size_t n, size_t start, size_t end,
                   unsigned flags);

/* Append a space standing for source range [START, END) (a soft or hard line break), merged
 * into a space before it.  0, or -1 when out of memory. */
int fold_space(struct fold_buf *buf, size_t start, size_t end);

/* Fold one run of a block (from doc.h) as it is shown: text as it stands, an entity decoded,
 * a NUL as U+FFFD, a line break as a space.  DATA is the doc's bytes.  0, or -1 when out of
 * memory. */
int fold_append_run(struct fold_buf *buf, const char *data, const struct doc_run *r,
                    unsigned flags);

/* Remove the first N folded bytes (a search that streams a long block keeps only a tail). */
void fold_drop(struct fold_buf *buf, size_t n);

/* The folded bytes (followed by a NUL that is not counted) and their number. */
const char *fold_bytes(const struct fold_buf *buf, size_t *len);

/* The source range [*START, *END) that folded bytes [FS, FE) came from; FS < FE ≤ length. */
void fold_source(const struct fold_buf *buf, size_t fs, size_t fe, size_t *start, size_t *end);

/* The length of the unit at S (N > 0 bytes available): at least 1. */
size_t fold_unit_len(const char *s, size_t n);

/*
 * Fold a pattern typed by the user, with the same rules as the text ("cafe" + U+0301 folds as
 * "café" does).  Returns a NUL-terminated string to free() and its length in *LEN, or NULL
 * when out of memory.
 */
char *fold_pattern(const char *s, size_t n, unsigned flags, size_t *len);

#endif
