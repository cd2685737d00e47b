/*
 * ui_terms.c: the key terms panel.  The first list has every term with its count in the whole
 * text, its gloss and its counts per section below; Enter on a term opens its occurrences, each
 * in a line of context with the term marked (keyword in context) and its page; Enter on one of
 * those jumps there and closes both lists.
 *
 * On a long text the counts are taken while the reader is idle (ui.c), so the panel shows what
 * is counted so far ("1234…") until they are all in; the occurrences, which may run to hundreds
 * of thousands, are found by their section from the counts and made into rows when shown.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lees/glyph.h"
#include "lees/print.h"
#include "ui_internal.h"

#define CONTEXT_BYTES 48 /* of source on each side of a term, before it is cut to the row */
#define COUNT_STEP 65536 /* bytes of text counted between two looks at the keyboard (1 ms) */

static char *shown(const char *s, size_t n)
{
    char *out = malloc(n * 10 + 1);
    if (out != NULL)
        glyph_sanitize(out, n * 10 + 1, s, n);
    return out;
}

/* The page of the occurrence in ROW, once page counting has got that far ("p. ?" before). */
static void page_of_row(struct ui *ui, struct ui_list_row *row)
{
    char num[32] = "p. ?";

    if (page_section_counted(ui->page, doc_section_at(ui->doc, row->key)))
        snprintf(num, sizeof num, "p. %zu", page_number_of(ui->page, row->key));
    free(row->right);
    row->right = strdup(num);
}

/* One row: the term's context on one line, with the term itself marked. */
static int kwic_row(struct ui *ui, struct ui_list_row *row, const struct term_hit *h)
{
    row->left =
        print_kwic(ui->doc, h->start, h->end, CONTEXT_BYTES, &row->mark_start, &row->mark_end);
    row->key = h->start;
    page_of_row(ui, row);
    return row->left && row->right ? 0 : -1;
}

static bool occurrence_activate(struct ui *ui, struct ui_list *l)
{
    ui_marks_jumping(ui);
    page_goto_offset(ui->page, l->rows[l->sel].key);
    ui->close_all = true;
    return true;
}

static void occurrence_detail(struct ui *ui, struct ui_list *l, char *d1, char *d2, size_t cap)
{
    size_t s = doc_section_at(ui->doc, l->rows[l->sel].key);
    snprintf(d1, cap, "%s", doc_section(ui->doc, s)->title);
    snprintf(d2, cap, "Enter: go there");
}

/* Where the occurrences of one term are: the sections that hold any, and how many before each. */
struct occurrences {
    char *heading;
    unsigned term;
    size_t *sec;    /* sections (with their parts) holding the term, in order */
    size_t *before; /* occurrences in the sections before sec[i] */
    size_t n;
};

static void occurrences_free(void *data)
{
    struct occurrences *o = data;

    free(o->heading);
    free(o->sec);
    free(o->before);
    free(o);
}

/* Row I: the I-th occurrence, found in its section (sec[k] and its parts). */
static void occurrence_fill(struct ui *ui, struct ui_list *l, size_t i)
{
    struct occurrences *o = l->data;
    size_t lo = 0, hi = o->n, skip;

    if (l->rows[i].left != NULL) {
        if (l->rows[i].right == NULL || strcmp(l->rows[i].right, "p. ?") == 0)
            page_of_row(ui, &l->rows[i]);
        return;
    }
    if (o->n == 0)
        return;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (o->before[mid] <= i)
            lo = mid;
        else
            hi = mid;
    }
    skip = i - o->before[lo];
    for (size_t s = o->sec[lo], end = doc_section_after(ui->doc, s); s < end; s++) {
        size_t nh;
        const struct term_hit *h = terms_index_section(ui->terms_index, s, &nh);

        for (size_t k = 0; k < nh; k++) {
            if (h[k].term != o->term || skip-- > 0)
                continue;
            if (kwic_row(ui, &l->rows[i], &h[k]) != 0) {
                free(l->rows[i].left);
                free(l->rows[i].right);
                l->rows[i].left = l->rows[i].right = NULL;
            }
            return;
        }
    }
}

static struct ui_view *occurrences_new(struct ui *ui, unsigned t)
{
    size_t n = terms_index_count(ui->terms_index, t, SIZE_MAX), seen = 0;
    const struct key_term *term = terms_get(ui->terms, t);
    struct occurrences *o = calloc(1, sizeof *o);
    struct ui_list *l = NULL;
    size_t ns = doc_section_count(ui->doc);

    if (o == NULL)
        return NULL;
    o->term = t;
    o->heading = malloc(strlen(term->label) * 10 + 2);
    o->sec = malloc(ns * sizeof *o->sec);
    o->before = malloc(ns * sizeof *o->before);
    if (o->heading != NULL && o->sec != NULL && o->before != NULL)
        l = ui_list_new(n, o->heading, " Occurrences - Enter: go  Esc: back");
    if (l == NULL) {
        occurrences_free(o);
        return NULL;
    }
    o->heading[0] = ' ';
    glyph_sanitize(o->heading + 1, strlen(term->label) * 10 + 1, term->label, strlen(term->label));
    for (size_t s = 0; s < ns; s++) {
        size_t k;
        if (doc_section_continued(ui->doc, s) ||
            (k = terms_index_count(ui->terms_index, t, s)) == 0)
            continue;
        o->sec[o->n] = s;
        o->before[o->n++] = seen;
        seen += k;
    }
    l->data = o; /* the list's heading and where its rows are, freed with it */
    l->free_data = occurrences_free;
    l->selectable = true;
    l->activate = occurrence_activate;
    l->detail = occurrence_detail;
    l->fill = occurrence_fill;
    l->right_paged = true;
    return &l->view;
}

static void term_activate(struct ui *ui, struct ui_list *l)
{
    struct ui_view *v = occurrences_new(ui, (unsigned)l->rows[l->sel].key);

    if (v == NULL || !ui_push(ui, v))
        ui_notice(ui, "Out of memory");
}

/* The gloss, then where the term stands: "§2 ×3, §5 ×1" (section numbers as in the contents). */
static void term_detail(struct ui *ui, struct ui_list *l, char *d1, char *d2, size_t cap)
{
    unsigned t = (unsigned)l->rows[l->sel].key;
    const struct key_term *term = terms_get(ui->terms, t);
    size_t used = 0;

    snprintf(d1, cap, "%s", term->gloss ? term->gloss : "(no gloss)");
    d2[0] = '\0';
    /* Only sections counted already: counting the rest is the idle loop's work. */
    for (size_t s = 0; doc_section_exists(ui->doc, s) && used + 1 < cap; s++) {
        size_t n;
        if (doc_section_continued(ui->doc, s))
            continue;
        if (!terms_index_count_known(ui->terms_index, t, s, &n)) {
            snprintf(d2 + used, cap - used, "%s…", used ? ", " : "");
            break;
        }
        if (n > 0)
            used += (size_t)snprintf(d2 + used, cap - used, "%s%s: %zu", used ? ", " : "",
                                     doc_section(ui->doc, s)->title, n);
    }
}

/*
 * The occurrences list numbers them all, so the terms are first counted through the rest of the
 * text: a second or more for 100 MB in the first seconds after it is opened, before the idle
 * counting has got there.  The panel says so, and a key stops the count (what is counted stays
 * counted; Enter again goes on from there).  False when a key stopped it.
 */
static bool count_the_rest(struct ui *ui, struct ui_list *l)
{
    const char *hint = l->hint;
    bool done = terms_index_counted(ui->terms_index);
    struct ui_busy busy;

    /* A list has no notice line: its hint line says it, when the count takes long. */
    l->hint = " Counting the key terms through the text... (a key stops)";
    ui_busy_start(&busy, ui, "%s", "");
    while (!done && !ui_busy_yield(&busy))
        done = terms_index_count_step(ui->terms_index, COUNT_STEP);
    l->hint = hint;
    return done;
}

/* Enter on a term opens its occurrences above the panel, which stays open below them. */
static bool term_activate_checked(struct ui *ui, struct ui_list *l)
{
    bool done;
    unsigned t = (unsigned)l->rows[l->sel].key;

    if (!count_the_rest(ui, l))
        return false; /* the key that stopped it is read next */
    if (terms_index_count_so_far(ui->terms_index, t, &done) == 0 &&
        terms_index_count(ui->terms_index, t, SIZE_MAX) == 0)
        ui_notice(ui, "That term does not occur in this text");
    else
        term_activate(ui, l);
    return false;
}

/* A term's count, as far as it is counted: "1234…" while the idle loop is still counting. */
static void term_fill(struct ui *ui, struct ui_list *l, size_t i)
{
    bool done;
    size_t n = terms_index_count_so_far(ui->terms_index, (unsigned)l->rows[i].key, &done);
    char num[32];

    snprintf(num, sizeof num, done ? "%zu" : "%zu…", n);
    free(l->rows[i].right);
    l->rows[i].right = strdup(num);
}

/* The key terms panel. */
struct ui_view *ui_terms_new(struct ui *ui)
{
    size_t n = ui->terms ? terms_count(ui->terms) : 0;
    struct ui_list *l;

    if (n == 0 || ui->terms_index == NULL) {
        ui_notice(ui, "No key terms for this text (see --terms and -t)");
        return NULL;
    }
    l = ui_list_new(n, " Key terms", " Key terms - Enter: occurrences  Esc: close");
    if (l == NULL)
        return NULL;
    l->selectable = true;
    l->activate = term_activate_checked;
    l->detail = term_detail;
    l->fill = term_fill;
    for (size_t i = 0; i < n; i++) {
        const struct key_term *term = terms_get(ui->terms, i);

        l->rows[i].left = shown(term->label, strlen(term->label));
        l->rows[i].key = i;
        if (l->rows[i].left == NULL) {
            ui_list_ops.free(&l->view);
            return NULL;
        }
    }
    return &l->view;
}
