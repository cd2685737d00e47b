/*
 * ui_list.c: a full-screen list with a heading, a selection and scrolling, shared by the table
 * of contents and the help screen so that both move and close the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lees/glyph.h"
#include "ui_internal.h"

#define DETAIL_LINES 4 /* under the list: the first detail line, then the second wrapped */

/* Draw TEXT from ROW on, wrapped at ", " to WIDTH cells, in at most LINES rows. */
/* Where a line of TEXT (N bytes, FIT of them fit) is best cut: for ENTRIES, after the last
 * ", " that fits (an entry of a list is not split); else after the last space (nor is a word);
 * else at FIT. */
static size_t wrap_cut(const char *text, size_t n, size_t fit, bool entries)
{
    if (fit >= n)
        return fit;
    for (size_t i = fit; entries && i > 1; i--)
        if (text[i - 2] == ',' && text[i - 1] == ' ')
            return i;
    for (size_t i = fit; i > 1; i--)
        if (text[i - 1] == ' ')
            return i;
    return fit;
}

/* TEXT over at most LINES rows from ROW on, a list of ENTRIES or prose; the rows it took. */
static int put_wrapped(int row, int col, const char *text, int width, int lines, bool entries,
                       attr_t attr)
{
    int used = 0;

    while (*text != '\0' && lines-- > 0) {
        size_t n = strlen(text), fit = glyph_fit(text, n, (size_t)width);
        size_t cut = wrap_cut(text, n, fit, entries);
        used++;
        {
            char *part = strndup(text, cut);
            if (part == NULL)
                return used;
            ui_put(row++, col, part, width, attr);
            free(part);
        }
        text += cut;
    }
    return used;
}

/* Rows for entries: all but the heading, the status line and any detail lines. */
static int list_rows(const struct ui_list *l)
{
    int rows = LINES - 2 - (l->detail ? 1 + DETAIL_LINES : 0);
    return rows > 1 ? rows : 1;
}

static void keep_in_view(struct ui_list *l)
{
    size_t rows = (size_t)list_rows(l);

    if (l->sel < l->top)
        l->top = l->sel;
    if (l->sel >= l->top + rows)
        l->top = l->sel - rows + 1;
    if (l->n > rows && l->top > l->n - rows)
        l->top = l->n - rows;
    if (l->n <= rows)
        l->top = 0;
}

static void list_draw(struct ui *ui, struct ui_view *view)
{
    struct ui_list *l = (struct ui_list *)view;
    int rows = list_rows(l), left = ui->margin, width = ui->colw;
    char status[64];

    erase();
    keep_in_view(l);
    ui_put(0, left, l->heading, width, A_BOLD);
    for (int r = 0; r < rows && l->top + (size_t)r < l->n; r++) {
        const struct ui_list_row *row = &l->rows[l->top + (size_t)r];
        if (l->fill != NULL)
            l->fill(ui, l, l->top + (size_t)r);
        if (row->left == NULL)
            continue; /* no memory to make it */
        bool sel = l->selectable && l->top + (size_t)r == l->sel;
        attr_t attr = sel ? A_REVERSE : A_NORMAL;
        int rw = row->right ? (int)glyph_width(row->right, strlen(row->right)) : 0;
        int y = r + 1, x = left + 1 + row->indent;
        int room = width - 2 - row->indent - (rw ? rw + 1 : 0);

        if (sel) {
            attrset(A_REVERSE);
            mvhline(y, left, ' ', width);
        }
        if (row->mark_end > row->mark_start) {
            /* A term in its context: before, the term itself, after. */
            char *part = strndup(row->left, row->mark_start);
            int used = part ? ui_put(y, x, part, room, attr) : 0;
            free(part);
            part = strndup(row->left + row->mark_start, row->mark_end - row->mark_start);
            used += part ? ui_put(y, x + used, part, room - used, attr | A_BOLD | A_UNDERLINE) : 0;
            free(part);
            ui_put(y, x + used, row->left + row->mark_end, room - used, attr);
        } else {
            ui_put(y, x, row->left, room, attr);
        }
        if (row->right)
            ui_put(y, left + width - 1 - rw, row->right, rw, attr);
        attrset(A_NORMAL);
    }
    if (l->selectable)
        snprintf(status, sizeof status, "%zu/%zu%s ", l->n ? l->sel + 1 : 0, l->n,
                 l->growing ? "…" : "");
    else
        snprintf(status, sizeof status, "%zu-%zu/%zu%s ", l->n ? l->top + 1 : 0,
                 l->top + (size_t)rows < l->n ? l->top + (size_t)rows : l->n, l->n,
                 l->growing ? "…" : "");
    if (l->detail != NULL && l->n > 0) {
        char d1[2048], d2[2048];
        int used;
        d1[0] = d2[0] = '\0';
        l->detail(ui, l, d1, d2, sizeof d1);
        /* The first wrapped too (a gloss), leaving the second at least a row. */
        used = put_wrapped(LINES - 1 - DETAIL_LINES, left + 1, d1, width - 2, DETAIL_LINES - 1,
                           false, A_NORMAL);
        if (used < 1)
            used = 1;
        put_wrapped(LINES - 1 - DETAIL_LINES + used, left + 1, d2, width - 2, DETAIL_LINES - used,
                    true, A_DIM);
    }
    if (ui->notice[0] != '\0') {
        /* What the last key did (a bookmark not renamed, no memory) says more than the hint. */
        char said[sizeof ui->notice + 1];
        snprintf(said, sizeof said, " %s", ui->notice);
        ui_status(said, status);
    } else {
        ui_status(l->hint, status);
    }
}

static void list_move(struct ui_list *l, long delta)
{
    long sel = (long)l->sel + delta;

    if (!l->selectable) {
        /* Without a selection the list scrolls: the selection stands for the top row. */
        long max = (long)l->n - list_rows(l);
        long top = (long)l->top + delta;
        l->top = (size_t)(top < 0 ? 0 : top > max ? (max < 0 ? 0 : max) : top);
        l->sel = l->top;
        return;
    }
    if (sel < 0)
        sel = 0;
    if (sel >= (long)l->n)
        sel = (long)l->n - 1;
    l->sel = (size_t)(sel < 0 ? 0 : sel);
}

static enum ui_result list_key(struct ui *ui, struct ui_view *view, int key)
{
    struct ui_list *l = (struct ui_list *)view;
    long page = list_rows(l);

    switch (key) {
    case UI_INTERRUPT:
        return UI_QUIT;
    case 'q':
    case 'Q':
    case UI_ESC:
        return UI_CLOSE;
    case 'j':
    case UI_CTRL('N'):
    case UI_FN(KEY_DOWN):
        list_move(l, 1);
        break;
    case 'k':
    case UI_CTRL('P'):
    case UI_FN(KEY_UP):
        list_move(l, -1);
        break;
    case ' ':
    case 'f':
    case UI_CTRL('F'):
    case UI_FN(KEY_NPAGE):
        list_move(l, page);
        break;
    case 'b':
    case UI_CTRL('B'):
    case UI_FN(KEY_PPAGE):
        list_move(l, -page);
        break;
    case 'g':
    case UI_FN(KEY_HOME):
        list_move(l, -(long)l->n);
        break;
    case 'G':
    case UI_FN(KEY_END):
        list_move(l, (long)l->n);
        break;
    case '\r':
    case '\n':
    case UI_FN(KEY_ENTER):
        if (l->selectable && l->activate != NULL && l->n > 0)
            return l->activate(ui, l) ? UI_CLOSE : UI_HANDLED;
        break;
    default:
        break;
    }
    return UI_HANDLED;
}

static void list_free(struct ui_view *view)
{
    struct ui_list *l = (struct ui_list *)view;

    for (size_t i = 0; i < l->n; i++) {
        free(l->rows[i].left);
        free(l->rows[i].right);
    }
    free(l->rows);
    if (l->free_data != NULL)
        l->free_data(l->data);
    free(l);
}

/* Idle work may have made more rows known. */
static bool list_idle(struct ui *ui, struct ui_view *view)
{
    struct ui_list *l = (struct ui_list *)view;
    return l->grow != NULL && l->grow(ui, l);
}

/* A new size: the page numbers of the right column are made again as rows are drawn. */
static void list_resized(struct ui *ui, struct ui_view *view)
{
    struct ui_list *l = (struct ui_list *)view;

    (void)ui;
    if (!l->right_paged)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->rows[i].right);
        l->rows[i].right = NULL;
    }
}

const struct ui_view_ops ui_list_ops = {list_draw, list_key, list_free, list_idle, list_resized};

/* Allocate a list of N rows with the list operations. */
struct ui_list *ui_list_new(size_t n, const char *heading, const char *hint)
{
    struct ui_list *l = calloc(1, sizeof *l);

    if (l == NULL)
        return NULL;
    l->rows = calloc(n ? n : 1, sizeof *l->rows);
    if (l->rows == NULL) {
        free(l);
        return NULL;
    }
    l->view.ops = &ui_list_ops;
    l->n = n;
    l->cap = n ? n : 1;
    l->heading = heading;
    l->hint = hint;
    return l;
}

/* Add a row at the end (see ui_internal.h). */
bool ui_list_add(struct ui_list *l, size_t key)
{
    if (l->n == l->cap) {
        struct ui_list_row *rows = realloc(l->rows, 2 * l->cap * sizeof *rows);
        if (rows == NULL)
            return false;
        memset(rows + l->cap, 0, l->cap * sizeof *rows);
        l->rows = rows;
        l->cap *= 2;
    }
    l->rows[l->n++].key = key;
    return true;
}

/* Whether row I is on screen. */
bool ui_list_row_shown(const struct ui_list *l, size_t i)
{
    return i >= l->top && i < l->top + (size_t)list_rows(l);
}
