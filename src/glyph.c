/*
 * glyph.c: decoding UTF-8 into what the terminal is allowed to see.  Every path from a file's
 * bytes to the screen (page text, titles in the status line, printed output) goes through
 * glyph_decode, so the rules for controls, bidirectional overrides and invalid bytes live here.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <unistr.h>
#include <stdlib.h>
#include <unictype.h>
#include <uninorm.h>
#include <uniwidth.h>

#include "lees/glyph.h"

/* Format characters that reorder or hide text: shown, never obeyed (Trojan Source). */
static int is_bidi_control(uint32_t uc)
{
    return uc == 0x061C || uc == 0x200E || uc == 0x200F || (uc >= 0x202A && uc <= 0x202E) ||
           (uc >= 0x2066 && uc <= 0x2069);
}

static void set_notation(struct glyph *g, const char *fmt, unsigned int v)
{
    g->kind = GLYPH_CONTROL;
    snprintf(g->notation, sizeof g->notation, fmt, v);
    g->width = (int)strlen(g->notation);
}

/* Decode the code point at S (N > 0 bytes available) into G; returns G->len. */
size_t glyph_decode(const char *s, size_t n, struct glyph *g)
{
    const uint8_t *u = (const uint8_t *)s;
    ucs4_t uc;
    int len, w;

    g->notation[0] = '\0';
    if (glyph_plain_byte(u[0])) {
        /* Printable ASCII, most of most texts: one byte, one cell, no decoding. */
        g->kind = GLYPH_TEXT;
        g->uc = u[0];
        g->len = 1;
        g->width = 1;
        return 1;
    }
    len = u8_mbtoucr(&uc, u, n);
    if (len <= 0) {
        /* Invalid or cut short: one byte, so the byte after it is never swallowed. */
        g->uc = u[0];
        g->len = 1;
        if (u[0] >= 0x80 && u[0] <= 0x9f)
            set_notation(g, "<U+%04X>", u[0]);
        else
            set_notation(g, "<%02X>", u[0]);
        return 1;
    }
    g->uc = uc;
    g->len = (size_t)len;
    if (uc == '\t') {
        g->kind = GLYPH_TAB;
        g->width = 1;
        return g->len;
    }
    if (uc == '\n') {
        g->kind = GLYPH_NEWLINE;
        g->width = 0;
        return g->len;
    }
    if (uc < 0x20 || uc == 0x7f) {
        set_notation(g, "^%c", uc == 0x7f ? '?' : (unsigned int)(uc + 0x40));
        return g->len;
    }
    if (is_bidi_control(uc) || uc == 0x2028 || uc == 0x2029 || (uc >= 0x80 && uc <= 0x9f)) {
        set_notation(g, "<U+%04X>", uc);
        return g->len;
    }
    w = uc_width(uc, "UTF-8");
    if (w < 0) {
        set_notation(g, "<U+%04X>", uc);
        return g->len;
    }
    g->kind = GLYPH_TEXT;
    g->width = w;
    return g->len;
}

/* Whether the 8 bytes at P are all printable ASCII. */
static bool plain8(const char *p)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t w;

    memcpy(&w, p, sizeof w);
    /* A byte below 0x20 borrows into its high bit; one from 0x7F up has it, or gets it from +1
     * (a carry out of 0xFF only reaches a byte after one already found). */
    return (((w - ones * 0x20) & ~w & highs) | (((w + ones) | w) & highs)) == 0;
}

/* The leading printable ASCII of the N bytes at S (see glyph.h). */
size_t glyph_plain_run(const char *s, size_t n)
{
    size_t i = 0;

    while (i + 8 <= n && plain8(s + i))
        i += 8;
    while (i < n && glyph_plain_byte((unsigned char)s[i]))
        i++;
    return i;
}

/* Width in cells of the N bytes at S as shown (tabs count as one stop from column 0). */
size_t glyph_width(const char *s, size_t n)
{
    size_t i = 0, col = 0;
    struct glyph g;

    while (i < n) {
        i += glyph_decode(s + i, n - i, &g);
        if (g.kind == GLYPH_TAB)
            col += GLYPH_TABSTOP - col % GLYPH_TABSTOP;
        else if (g.kind == GLYPH_NEWLINE)
            col += 1;
        else
            col += (size_t)g.width;
    }
    return col;
}

/* The shown form of N bytes at S into DST, made ASCII when ASCII is set. */
static size_t sanitize(char *dst, size_t cap, const char *s, size_t n, bool ascii)
{
    size_t i = 0, out = 0;
    struct glyph g;

    if (cap == 0)
        return 0;
    while (i < n) {
        const char *piece = s + i;
        char stand_in[24];
        size_t plen;

        i += glyph_decode(s + i, n - i, &g);
        if (g.kind == GLYPH_CONTROL) {
            piece = g.notation;
            plen = strlen(g.notation);
        } else if (g.kind == GLYPH_TAB || g.kind == GLYPH_NEWLINE) {
            piece = " ";
            plen = 1;
        } else if (ascii && g.uc >= 0x80) {
            plen = glyph_ascii(g.uc, stand_in, sizeof stand_in);
            piece = stand_in;
        } else {
            plen = g.len;
        }
        if (out + plen >= cap)
            break;
        memcpy(dst + out, piece, plen);
        out += plen;
    }
    dst[out] = '\0';
    return out;
}

/* Copy the N bytes at S into DST as shown; returns the length written. */
size_t glyph_sanitize(char *dst, size_t cap, const char *s, size_t n)
{
    return sanitize(dst, cap, s, n, false);
}

/* How many of the N bytes at S fit in CELLS cells, cut at a code point boundary. */
size_t glyph_fit(const char *s, size_t n, size_t cells)
{
    size_t i = 0, col = 0;
    struct glyph g;

    while (i < n) {
        size_t len = glyph_decode(s + i, n - i, &g);
        size_t w = g.kind == GLYPH_TAB       ? GLYPH_TABSTOP - col % GLYPH_TABSTOP
                   : g.kind == GLYPH_NEWLINE ? 1
                                             : (size_t)g.width;
        if (col + w > cells)
            break;
        col += w;
        i += len;
    }
    return i;
}

struct ascii_form {
    uint32_t uc;
    const char *s;
};

/* Punctuation and letters that have no ASCII decomposition but a customary plain form. */
static const struct ascii_form ascii_forms[] = {
    {0x00A0, " "},   {0x00A9, "(c)"}, {0x00AB, "<<"},  {0x00AD, ""},   {0x00AE, "(R)"},
    {0x00B0, "o"},   {0x00B7, "."},   {0x00BB, ">>"},  {0x00C6, "AE"}, {0x00D7, "x"},
    {0x00D8, "O"},   {0x00DF, "ss"},  {0x00E6, "ae"},  {0x00F7, "/"},  {0x00F8, "o"},
    {0x0110, "D"},   {0x0111, "d"},   {0x0131, "i"},   {0x0141, "L"},  {0x0142, "l"},
    {0x0152, "OE"},  {0x0153, "oe"},  {0x2010, "-"},   {0x2011, "-"},  {0x2012, "-"},
    {0x2013, "-"},   {0x2014, "-"},   {0x2015, "-"},   {0x2018, "'"},  {0x2019, "'"},
    {0x201A, ","},   {0x201B, "'"},   {0x201C, "\""},  {0x201D, "\""}, {0x201E, "\""},
    {0x201F, "\""},  {0x2022, "*"},   {0x2026, "..."}, {0x2039, "<"},  {0x203A, ">"},
    {0x20AC, "EUR"}, {0x2122, "TM"},  {0x2212, "-"},   {0x2500, "-"},  {0x2502, "|"},
    {0x25AA, "*"},   {0x25E6, "o"},   {0xFFFD, "?"},
};

/* An ASCII stand-in for code point UC. */
size_t glyph_ascii(uint32_t uc, char *out, size_t cap)
{
    uint8_t enc[8], dec[64];
    size_t declen = sizeof dec, len = 0;
    int n;
    uint8_t *d;

    if (cap == 0)
        return 0;
    out[0] = '\0';
    if (uc < 0x80) {
        if (cap > 1) {
            out[0] = (char)uc;
            out[1] = '\0';
            return 1;
        }
        return 0;
    }
    for (size_t i = 0; i < sizeof ascii_forms / sizeof ascii_forms[0]; i++) {
        if (ascii_forms[i].uc == uc) {
            snprintf(out, cap, "%s", ascii_forms[i].s);
            return strlen(out);
        }
    }
    if (uc_is_general_category(uc, UC_CATEGORY_M))
        return 0;
    /* Compatibility decomposition keeps the letters of ë, ĳ, ﬁ, ２ and drops the rest. */
    n = u8_uctomb(enc, uc, (int)sizeof enc);
    d = n > 0 ? u8_normalize(UNINORM_NFKD, enc, (size_t)n, dec, &declen) : NULL;
    if (d != NULL) {
        for (size_t i = 0; i < declen && len + 1 < cap; i++)
            if (glyph_plain_byte(d[i]))
                out[len++] = (char)d[i];
        if (d != dec)
            free(d);
    }
    if (len == 0 && cap > 1)
        out[len++] = '?';
    out[len] = '\0';
    return len;
}

/* Like glyph_sanitize, and then everything non-ASCII replaced by its stand-in. */
size_t glyph_sanitize_ascii(char *dst, size_t cap, const char *s, size_t n)
{
    return sanitize(dst, cap, s, n, true);
}
