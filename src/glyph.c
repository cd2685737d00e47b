/*
 * glyph.c: decoding UTF-8 into what the terminal is allowed to see.  Every path from a file's
 * bytes to the screen (page text, titles in the status line, printed output) goes through
 * glyph_decode, so the rules for controls, bidirectional overrides and invalid bytes live here.
 */
#include <stdio.h>
#include <string.h>

#include <unistr.h>
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
    int len = u8_mbtoucr(&uc, u, n);
    int w;

    g->notation[0] = '\0';
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

/* Copy the N bytes at S into DST as shown; returns the length written. */
size_t glyph_sanitize(char *dst, size_t cap, const char *s, size_t n)
{
    size_t i = 0, out = 0;
    struct glyph g;

    if (cap == 0)
        return 0;
    while (i < n) {
        const char *piece = s + i;
        size_t plen;

        i += glyph_decode(s + i, n - i, &g);
        if (g.kind == GLYPH_CONTROL) {
            piece = g.notation;
            plen = strlen(g.notation);
        } else if (g.kind == GLYPH_TAB || g.kind == GLYPH_NEWLINE) {
            piece = " ";
            plen = 1;
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

/* How many of the N bytes at S fit in CELLS cells, cut at a code point boundary. */
size_t glyph_fit(const char *s, size_t n, size_t cells)
{
    size_t i = 0, col = 0;
    struct glyph g;

    while (i < n) {
        size_t len = glyph_decode(s + i, n - i, &g);
        size_t w = g.kind == GLYPH_TAB ? GLYPH_TABSTOP - col % GLYPH_TABSTOP
                   : g.kind == GLYPH_NEWLINE ? 1
                                             : (size_t)g.width;
        if (col + w > cells)
            break;
        col += w;
        i += len;
    }
    return i;
}
