/*
 * lees: how one code point of a text is shown.  This is the single place that decides that no
 * byte of a file reaches the terminal as a control sequence: everything that is not printable
 * text comes back as a visible notation (^[, <U+202E>, <E9>).
 */
#ifndef LEES_GLYPH_H
#define LEES_GLYPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum glyph_kind {
    GLYPH_TEXT,    /* printable: show the source bytes themselves */
    GLYPH_TAB,     /* a tab: the caller expands it to the next stop */
    GLYPH_NEWLINE, /* LF: the caller decides (a break or a space) */
    GLYPH_CONTROL, /* not printable: show `notation` instead */
};

/* One decoded code point (or one invalid byte) and how to show it. */
struct glyph {
    enum glyph_kind kind;
    uint32_t uc;       /* the code point; for an invalid byte, the byte */
    size_t len;        /* source bytes it takes, at least 1 */
    int width;         /* cells: 0 for a combining mark, 2 for wide, notation width for controls */
    char notation[16]; /* NUL-terminated, for GLYPH_CONTROL only */
};

/* Width of a tab stop, in cells. */
#define GLYPH_TABSTOP 8

/* Decode the code point at S (N > 0 bytes available) into G; returns G->len. */
size_t glyph_decode(const char *s, size_t n, struct glyph *g);

/* Whether byte B is printable ASCII (0x20 to 0x7E): its own shown form, one cell wide. */
static inline bool glyph_plain_byte(unsigned char b)
{
    return b >= 0x20 && b < 0x7f;
}

/*
 * How many of the N bytes at S, from the first, are printable ASCII (0x20 to 0x7E): bytes that
 * are their own shown form, one cell each, on every terminal.  Eight at a time.
 */
size_t glyph_plain_run(const char *s, size_t n);

/* Width in cells of the N bytes at S as shown (tabs count as one stop from column 0). */
size_t glyph_width(const char *s, size_t n);

/*
 * Copy the N bytes at S into DST (size CAP, always NUL-terminated) as they are shown: control
 * characters in notation, tabs and newlines as spaces.  Returns the length written.
 */
size_t glyph_sanitize(char *dst, size_t cap, const char *s, size_t n);

/*
 * An ASCII stand-in for code point UC, for terminals whose locale is not UTF-8: accents dropped
 * (ë → e), typographic punctuation made plain (“ → ", — → -, … → ...), "?" for the rest.
 * Writes at most CAP - 1 bytes and a NUL into OUT; returns the length (0 for combining marks).
 */
size_t glyph_ascii(uint32_t uc, char *out, size_t cap);

/* Like glyph_sanitize, and then everything non-ASCII replaced by its stand-in. */
size_t glyph_sanitize_ascii(char *dst, size_t cap, const char *s, size_t n);

/* How many of the N bytes at S fit in CELLS cells, cut at a code point boundary. */
size_t glyph_fit(const char *s, size_t n, size_t cells);

#endif
