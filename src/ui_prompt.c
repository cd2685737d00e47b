/*
 * ui_prompt.c: a one-line editor on the status line, for `:` now and for search later.  It
 * keeps UTF-8 and edits by code point, so Backspace never leaves half a character.
 */
#include <stdio.h>
#include <string.h>

#include <unistr.h>

#include "lees/glyph.h"
#include "ui_internal.h"

/* Start editing an empty line after LABEL. */
void ui_prompt_open(struct ui_prompt *p, const char *label)
{
    snprintf(p->label, sizeof p->label, "%s", label);
    p->buf[0] = '\0';
    p->len = 0;
    p->active = true;
}

static void delete_char(struct ui_prompt *p)
{
    const uint8_t *prev = u8_prev(NULL, (const uint8_t *)p->buf + p->len, (const uint8_t *)p->buf);
    p->len = prev ? (size_t)((const char *)prev - p->buf) : 0;
    p->buf[p->len] = '\0';
}

static void delete_word(struct ui_prompt *p)
{
    while (p->len > 0 && p->buf[p->len - 1] == ' ')
        p->len--;
    while (p->len > 0 && p->buf[p->len - 1] != ' ')
        p->len--;
    p->buf[p->len] = '\0';
}

/* Apply KEY; the line is in p->buf when it returns UI_PROMPT_DONE. */
enum ui_prompt_result ui_prompt_key(struct ui_prompt *p, int key)
{
    uint8_t enc[8];
    int n;

    switch (key) {
    case UI_ESC:
    case UI_INTERRUPT:
    case UI_CTRL('C'):
    case UI_CTRL('G'):
        p->active = false;
        return UI_PROMPT_CANCEL;
    case '\r':
    case '\n':
    case UI_FN(KEY_ENTER):
        p->active = false;
        return UI_PROMPT_DONE;
    case UI_FN(KEY_BACKSPACE):
    case 127:
    case UI_CTRL('H'):
        if (p->len == 0) {
            p->active = false; /* as in less: Backspace on an empty line leaves it */
            return UI_PROMPT_CANCEL;
        }
        delete_char(p);
        return UI_PROMPT_EDITING;
    case UI_CTRL('U'):
        p->len = 0;
        p->buf[0] = '\0';
        return UI_PROMPT_EDITING;
    case UI_CTRL('W'):
        delete_word(p);
        return UI_PROMPT_EDITING;
    default:
        break;
    }
    if (key < 0x20 || key == 0x7f || (key >= 0x80 && key < 0xa0))
        return UI_PROMPT_EDITING; /* control characters are never put into the line */
    n = u8_uctomb(enc, (ucs4_t)key, (int)sizeof enc);
    if (n > 0 && p->len + (size_t)n < sizeof p->buf) {
        memcpy(p->buf + p->len, enc, (size_t)n);
        p->len += (size_t)n;
        p->buf[p->len] = '\0';
    }
    return UI_PROMPT_EDITING;
}

/* Draw the label and the line on the status line, with the cursor at its end. */
void ui_prompt_draw(const struct ui_prompt *p)
{
    int row = LINES - 1, col;
    char shown[sizeof p->buf * 4];
    size_t len = glyph_sanitize(shown, sizeof shown, p->buf, p->len);
    int lw = (int)glyph_width(p->label, strlen(p->label));
    int w = (int)glyph_width(shown, len);

    move(row, 0);
    clrtoeol();
    col = ui_put(row, 0, p->label, COLS, A_NORMAL);
    /* Keep the end of a long line in view. */
    if (lw + w >= COLS) {
        size_t skip = 0;
        while (skip < len && lw + (int)glyph_width(shown + skip, len - skip) >= COLS)
            skip++;
        while (skip < len && (shown[skip] & 0xC0) == 0x80)
            skip++;
        col += ui_put(row, col, shown + skip, COLS - col - 1, A_NORMAL);
    } else {
        col += ui_put(row, col, shown, COLS - col - 1, A_NORMAL);
    }
    move(row, col);
    curs_set(1);
}
