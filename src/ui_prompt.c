/*
 * ui_prompt.c: a one-line editor on the status line, for ":" and for searches.  It keeps UTF-8
 * and moves and deletes by code point (a combining mark goes with its base when deleting
 * backwards only as far as the user presses), so no edit leaves half a character.  Up and Down
 * walk a history the caller owns.
 */
#include <stdio.h>
#include <string.h>

#include <unistr.h>

#include "lees/glyph.h"
#include "ui_internal.h"

/* Start editing an empty line after LABEL; HISTORY (may be NULL) is read with Up and Down. */
void ui_prompt_open(struct ui_prompt *p, const char *label, const struct ui_history *history)
{
    snprintf(p->label, sizeof p->label, "%s", label);
    p->buf[0] = '\0';
    p->len = p->pos = 0;
    p->active = true;
    p->history = history;
    p->recall = history ? history->n : 0;
}

static size_t prev_char(const struct ui_prompt *p, size_t at)
{
    const uint8_t *s = (const uint8_t *)p->buf;
    ucs4_t uc;
    const uint8_t *prev = u8_prev(&uc, s + at, s);
    return prev ? (size_t)(prev - s) : 0;
}

static size_t next_char(const struct ui_prompt *p, size_t at)
{
    const uint8_t *s = (const uint8_t *)p->buf;
    ucs4_t uc;
    const uint8_t *next = at < p->len ? u8_next(&uc, s + at) : NULL;
    return next ? (size_t)(next - s) : p->len;
}

/* Remove the bytes [FROM, TO) of the line. */
static void cut(struct ui_prompt *p, size_t from, size_t to)
{
    memmove(p->buf + from, p->buf + to, p->len - to + 1);
    p->len -= to - from;
    p->pos = from;
}

static void set_line(struct ui_prompt *p, const char *s)
{
    snprintf(p->buf, sizeof p->buf, "%s", s);
    p->len = p->pos = strlen(p->buf);
}

static void recall(struct ui_prompt *p, int delta)
{
    const struct ui_history *h = p->history;

    if (h == NULL || h->n == 0)
        return;
    if (delta < 0 && p->recall > 0)
        p->recall--;
    else if (delta > 0 && p->recall < h->n)
        p->recall++;
    else
        return;
    set_line(p, p->recall < h->n ? h->items[p->recall] : "");
}

static void insert(struct ui_prompt *p, int key)
{
    uint8_t enc[8];
    int n = u8_uctomb(enc, (ucs4_t)key, (int)sizeof enc);

    if (n <= 0 || p->len + (size_t)n >= sizeof p->buf)
        return;
    memmove(p->buf + p->pos + n, p->buf + p->pos, p->len - p->pos + 1);
    memcpy(p->buf + p->pos, enc, (size_t)n);
    p->len += (size_t)n;
    p->pos += (size_t)n;
}

/* Apply KEY; the line is in p->buf when it returns UI_PROMPT_DONE. */
enum ui_prompt_result ui_prompt_key(struct ui_prompt *p, int key)
{
    size_t w;

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
        if (p->pos > 0)
            cut(p, prev_char(p, p->pos), p->pos);
        return UI_PROMPT_EDITING;
    case UI_FN(KEY_DC):
        if (p->pos < p->len)
            cut(p, p->pos, next_char(p, p->pos));
        return UI_PROMPT_EDITING;
    case UI_CTRL('U'):
        cut(p, 0, p->pos);
        return UI_PROMPT_EDITING;
    case UI_CTRL('W'):
        w = p->pos;
        while (w > 0 && p->buf[w - 1] == ' ')
            w--;
        while (w > 0 && p->buf[w - 1] != ' ')
            w--;
        cut(p, w, p->pos);
        return UI_PROMPT_EDITING;
    case UI_FN(KEY_LEFT):
    case UI_CTRL('B'):
        p->pos = prev_char(p, p->pos);
        return UI_PROMPT_EDITING;
    case UI_FN(KEY_RIGHT):
    case UI_CTRL('F'):
        p->pos = next_char(p, p->pos);
        return UI_PROMPT_EDITING;
    case UI_FN(KEY_HOME):
    case UI_CTRL('A'):
        p->pos = 0;
        return UI_PROMPT_EDITING;
    case UI_FN(KEY_END):
    case UI_CTRL('E'):
        p->pos = p->len;
        return UI_PROMPT_EDITING;
    case UI_FN(KEY_UP):
    case UI_CTRL('P'):
        recall(p, -1);
        return UI_PROMPT_EDITING;
    case UI_FN(KEY_DOWN):
    case UI_CTRL('N'):
        recall(p, 1);
        return UI_PROMPT_EDITING;
    default:
        break;
    }
    if (key < 0x20 || key == 0x7f || (key >= 0x80 && key < 0xa0) || key > 0x10FFFF)
        return UI_PROMPT_EDITING; /* control characters and keys never go into the line */
    insert(p, key);
    return UI_PROMPT_EDITING;
}

/* Draw the label and the line on the status line, with the cursor where it edits. */
void ui_prompt_draw(const struct ui_prompt *p, const char *after)
{
    int row = LINES - 1, col, room, before;
    char shown[sizeof p->buf * 4];
    size_t head = glyph_sanitize(shown, sizeof shown, p->buf, p->pos), len, skip = 0;

    len =
        head + glyph_sanitize(shown + head, sizeof shown - head, p->buf + p->pos, p->len - p->pos);
    move(row, 0);
    clrtoeol();
    col = ui_put(row, 0, p->label, COLS, A_NORMAL);
    room = COLS - col - 1;
    /* Keep the cursor in view on a line longer than the screen. */
    while (skip < head && (int)glyph_width(shown + skip, head - skip) > room)
        skip += glyph_decode(shown + skip, head - skip, &(struct glyph){0});
    before = (int)glyph_width(shown + skip, head - skip);
    shown[len] = '\0';
    {
        int used = ui_put(row, col, shown + skip, room, A_NORMAL);
        ui_put(row, col + used, after, room - used, A_DIM);
    }
    move(row, col + before);
    curs_set(1);
}
