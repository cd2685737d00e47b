/*
 * ui_marks.c: bookmarks and the reading position in the reader.  Marks are kept by the state
 * module as byte offsets with a quote; here they are set from the top line of the page (M for a
 * named one, m and a letter for a quick one), jumped to (' and a letter, '' back), listed (B:
 * Enter jumps, d deletes, u undoes while the list is open, r renames) and saved at once, so
 * that a crash or a hangup never loses one.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lees/glyph.h"
#include "lees/print.h"
#include "ui_internal.h"

#define MAX_UNDO 64

/* Save the position and the marks; the first failure is shown, later ones are not repeated. */
void ui_marks_save(struct ui *ui)
{
    struct lees_error err = {0};
    size_t len;
    const char *bytes = doc_bytes(ui->doc, &len);

    if (ui->state == NULL || ui->text == NULL)
        return;
    state_position_set(ui->text, page_offset(ui->page), bytes, len);
    if (state_save(ui->state, &err) != 0 && !ui->save_warned) {
        ui->save_warned = true;
        ui_notice(ui, "Not saved: %s", err.msg);
    } else if (state_warning(ui->state) != NULL) {
        ui_notice(ui, "%s", state_warning(ui->state)); /* the file went bad and was moved aside */
    }
}

/* Remember where the view is before a jump, for ''. */
void ui_marks_jumping(struct ui *ui)
{
    ui_marks_jumped(ui, page_offset(ui->page));
}

/* Remember FROM, where the view was before a jump that has just been made, for ''. */
void ui_marks_jumped(struct ui *ui, size_t from)
{
    ui->before_jump = from;
    ui->have_jump = true;
}

/* '': back to where the view was before the last jump (and '' again returns). */
void ui_marks_back(struct ui *ui)
{
    size_t back = ui->before_jump;

    if (!ui->have_jump) {
        ui_notice(ui, "No jump to go back from");
        return;
    }
    ui_marks_jumping(ui);
    page_goto_top(ui->page, back);
}

static bool no_state(struct ui *ui)
{
    /* Standard input is known in the state by all of it: read it to its end first. */
    if (ui_stream_live(ui) && !ui_stream_finish(ui)) {
        if (ui->notice[0] == '\0')
            ui_notice(ui, "Bookmarks wait for the end of %s", ui_stream_source(ui, false));
        return true;
    }
    if (ui->state != NULL && ui->text != NULL)
        return false;
    ui_notice(ui, "Bookmarks are off (--no-state)");
    return true;
}

/* Whether bookmarks are off (--no-state), said: then M and m say so at once, not after their
 * name or letter. */
bool ui_marks_off(struct ui *ui)
{
    if (ui->state != NULL)
        return false;
    ui_notice(ui, "Bookmarks are off (--no-state)");
    return true;
}

/* m + LETTER: a quick mark at the top line. */
void ui_marks_quick(struct ui *ui, int letter)
{
    size_t len;
    const char *bytes;

    if (no_state(ui))
        return;
    bytes = doc_bytes(ui->doc, &len); /* after no_state: it may have read the rest of stdin */
    if (!((letter >= 'a' && letter <= 'z') || (letter >= 'A' && letter <= 'Z'))) {
        ui_notice(ui, "A mark is a letter, a to z or A to Z");
        return;
    }
    if (state_mark_quick(ui->text, (char)letter, page_offset(ui->page), bytes, len) == 0) {
        ui_notice(ui, "Out of memory");
        return;
    }
    ui_notice(ui, "Mark '%c set", letter);
    ui_marks_save(ui);
}

/* ' + LETTER: to that quick mark; '' back. */
void ui_marks_goto(struct ui *ui, int letter)
{
    const struct state_mark *m;

    if (letter == '\'') {
        ui_marks_back(ui);
        return;
    }
    if (no_state(ui))
        return;
    m = letter > 0 && letter < 128 ? state_mark_key(ui->text, (char)letter) : NULL;
    if (m == NULL) {
        ui_notice(ui, "No mark '%c", letter > 0x20 && letter < 127 ? letter : '?');
        return;
    }
    ui_marks_jumping(ui);
    page_goto_top(ui->page, m->offset);
    if (m->lost)
        ui_notice(ui, "Mark '%c is lost: its text has changed", letter);
}

/* The first words of the top line, for a bookmark named with Enter alone. */
static void default_name(struct ui *ui, char *out, size_t cap)
{
    size_t len, start = page_offset(ui->page), end, words = 0;
    const char *bytes = doc_bytes(ui->doc, &len);
    char *kwic;
    size_t ms, me, i;

    end = start;
    while (end < len && words < 6 && end - start < 60) {
        if (bytes[end] == ' ' || bytes[end] == '\n')
            words++;
        end++;
    }
    kwic = end > start ? print_kwic(ui->doc, start, end, 0, &ms, &me) : NULL;
    if (kwic == NULL) {
        snprintf(out, cap, "page %zu", page_number(ui->page));
        return;
    }
    /* Shown form, line ends as single spaces, trimmed. */
    snprintf(out, cap, "%.*s", (int)(me - ms), kwic + ms);
    for (size_t r = 0, w = 0;; r++) {
        if (out[r] == ' ' && (w == 0 || out[w - 1] == ' '))
            continue;
        out[w++] = out[r];
        if (out[r] == '\0')
            break;
    }
    for (i = strlen(out); i > 0 && out[i - 1] == ' '; i--)
        out[i - 1] = '\0';
    free(kwic);
}

/* M, then NAME (Enter alone: the first words of the top line): a named bookmark. */
void ui_marks_add_named(struct ui *ui, const char *name)
{
    size_t len;
    const char *bytes;
    char def[128];

    if (no_state(ui))
        return;
    bytes = doc_bytes(ui->doc, &len);
    if (name[0] == '\0') {
        default_name(ui, def, sizeof def);
        name = def;
    }
    if (state_mark_add(ui->text, name, page_offset(ui->page), bytes, len) == 0) {
        ui_notice(ui, "Out of memory");
        return;
    }
    ui_notice(ui, "Bookmark added");
    ui_marks_save(ui);
}

/* The bookmarks list: a list with an undo stack and a rename prompt of its own. */
struct marks_view {
    struct ui_list *list;
    struct ui_view view;
    struct state_mark *undo[MAX_UNDO];
    int nundo;
    struct ui_prompt rename;
    uint64_t renaming;
};

static int fill_rows(struct ui *ui, struct ui_list *l)
{
    size_t n = state_mark_count(ui->text);

    for (size_t i = 0; i < l->n; i++) {
        free(l->rows[i].left);
        free(l->rows[i].right);
    }
    free(l->rows);
    l->rows = calloc(n ? n : 1, sizeof *l->rows);
    l->n = 0;
    if (l->rows == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct state_mark *m = state_mark_at(ui->text, i);
        const struct doc_section *sec = doc_section(ui->doc, doc_section_at(ui->doc, m->offset));
        char name[256], left[768], right[64], date[32];
        struct tm tm;

        if (m->key != 0 && m->name_len == 0)
            snprintf(name, sizeof name, "'%c", m->key);
        else if (m->key != 0)
            snprintf(name, sizeof name, "'%c %.200s", m->key, m->name);
        else
            snprintf(name, sizeof name, "%.250s", m->name);
        localtime_r(&m->created, &tm);
        strftime(date, sizeof date, "%Y-%m-%d", &tm);
        snprintf(left, sizeof left, "%s%s  (%s)", name, m->lost ? " [lost]" : "", sec->title);
        /* A page not counted yet would cost the layout of everything above it (seconds on a
         * long text just opened): "p. ?" until the idle counting has got there. */
        if (page_section_counted(ui->page, doc_section_at(ui->doc, m->offset)))
            snprintf(right, sizeof right, "p. %zu  %s", page_number_of(ui->page, m->offset), date);
        else
            snprintf(right, sizeof right, "p. ?  %s", date);
        l->rows[i].left = malloc(strlen(left) * 10 + 1);
        l->rows[i].right = strdup(right);
        if (l->rows[i].left == NULL || l->rows[i].right == NULL)
            return -1;
        glyph_sanitize(l->rows[i].left, strlen(left) * 10 + 1, left, strlen(left));
        l->rows[i].key = (size_t)m->id;
        l->n++;
    }
    if (l->sel >= l->n)
        l->sel = l->n ? l->n - 1 : 0;
    return 0;
}

static bool mark_activate(struct ui *ui, struct ui_list *l)
{
    const struct state_mark *m = state_mark_find(ui->text, (uint64_t)l->rows[l->sel].key);

    if (m != NULL) {
        ui_marks_jumping(ui);
        page_goto_top(ui->page, m->offset);
    }
    return true;
}

static void marks_draw(struct ui *ui, struct ui_view *view)
{
    struct marks_view *mv = (struct marks_view *)((char *)view - offsetof(struct marks_view, view));

    ui_list_ops.draw(ui, &mv->list->view);
    if (mv->list->n == 0)
        ui_put(1, ui->margin + 1, "No bookmarks yet: M adds one, m and a letter a quick mark.",
               ui->colw - 2, A_DIM);
    if (mv->rename.active)
        ui_prompt_draw(&mv->rename, "");
}

static enum ui_result marks_key(struct ui *ui, struct ui_view *view, int key)
{
    struct marks_view *mv = (struct marks_view *)((char *)view - offsetof(struct marks_view, view));
    struct ui_list *l = mv->list;
    uint64_t id = l->n ? (uint64_t)l->rows[l->sel].key : 0;

    if (mv->rename.active) {
        enum ui_prompt_result r = ui_prompt_key(&mv->rename, key);
        const struct state_mark *m = state_mark_find(ui->text, mv->renaming);
        if (r == UI_PROMPT_DONE && mv->rename.len == 0 && m != NULL && m->key == 0) {
            /* A quick mark is known by its letter; a bookmark without one, by its name. */
            ui_notice(ui, "A bookmark without a letter needs a name: it keeps its own");
        } else if (r == UI_PROMPT_DONE &&
                   state_mark_rename(ui->text, mv->renaming, mv->rename.buf) == 0) {
            ui_marks_save(ui);
            fill_rows(ui, l);
        }
        return UI_HANDLED;
    }
    switch (key) {
    case 'd':
    case UI_FN(KEY_DC):
        if (id != 0 && mv->nundo < MAX_UNDO &&
            state_mark_delete(ui->text, id, &mv->undo[mv->nundo]) == 0) {
            mv->nundo++;
            ui_marks_save(ui);
            fill_rows(ui, l);
            ui_notice(ui, "Deleted: u brings it back");
        }
        return UI_HANDLED;
    case 'u':
        if (mv->nundo > 0) {
            state_mark_restore(ui->text, mv->undo[--mv->nundo]);
            ui_marks_save(ui);
            fill_rows(ui, l);
        }
        return UI_HANDLED;
    case 'r':
        if (id != 0) {
            const struct state_mark *m = state_mark_find(ui->text, id);
            mv->renaming = id;
            ui_prompt_open(&mv->rename, "Rename: ", NULL);
            if (m != NULL && m->name_len < sizeof mv->rename.buf) {
                memcpy(mv->rename.buf, m->name, m->name_len + 1);
                mv->rename.len = mv->rename.pos = m->name_len;
            }
        }
        return UI_HANDLED;
    default:
        return ui_list_ops.key(ui, &l->view, key);
    }
}

static void marks_free(struct ui_view *view)
{
    struct marks_view *mv = (struct marks_view *)((char *)view - offsetof(struct marks_view, view));

    /* What was deleted stays deleted once the list is closed. */
    for (int i = 0; i < mv->nundo; i++)
        state_mark_free(mv->undo[i]);
    ui_list_ops.free(&mv->list->view);
    free(mv);
}

/* A new size: the rows again, with the pages at it. */
static void marks_resized(struct ui *ui, struct ui_view *view)
{
    struct marks_view *mv = (struct marks_view *)((char *)view - offsetof(struct marks_view, view));

    if (fill_rows(ui, mv->list) != 0)
        ui_notice(ui, "Out of memory");
}

static const struct ui_view_ops marks_ops = {marks_draw, marks_key, marks_free, NULL,
                                             marks_resized};

/* B: the bookmarks of this text. */
struct ui_view *ui_marks_new(struct ui *ui)
{
    struct marks_view *mv;

    if (no_state(ui))
        return NULL;
    mv = calloc(1, sizeof *mv);
    if (mv == NULL)
        return NULL;
    mv->list = ui_list_new(0, " Bookmarks",
                           " Bookmarks - Enter: go  d: delete  u: undo  r: rename  Esc: close");
    if (mv->list == NULL || fill_rows(ui, mv->list) != 0) {
        if (mv->list)
            ui_list_ops.free(&mv->list->view);
        free(mv);
        return NULL;
    }
    mv->list->selectable = true;
    mv->list->activate = mark_activate;
    mv->view.ops = &marks_ops;
    return &mv->view;
}
