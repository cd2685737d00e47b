/*
 * ui_terms.c: the key terms panel.  The first list has every term with its count in the whole
 * text, its gloss and its counts per section below; Enter on a term opens its occurrences, each
 * in a line of context with the term marked (keyword in context) and its page; Enter on one of
 * those jumps there and closes both lists.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lees/glyph.h"
#include "lees/print.h"
#include "ui_internal.h"

#define CONTEXT_BYTES 48 /* of source on each side of a term, before it is cut to the row */

static char *shown(const char *s, size_t n)
{
    char *out = malloc(n * 10 + 1);
    if (out != NULL)
        glyph_sanitize(out, n * 10 + 1, s, n);
    return out;
}

/* One row: the term's context on one line, with the term itself marked. */
static int kwic_row(struct ui *ui, struct ui_list_row *row, const struct term_hit *h)
{
    char num[32];

    row->left =
        print_kwic(ui->doc, h->start, h->end, CONTEXT_BYTES, &row->mark_start, &row->mark_end);
    snprintf(num, sizeof num, "p. %zu", page_number_of(ui->page, h->start));
    row->right = strdup(num);
    row->key = h->start;
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

static struct ui_view *occurrences_new(struct ui *ui, unsigned t)
{
    size_t n = terms_index_count(ui->terms_index, t, SIZE_MAX), k = 0;
    const struct key_term *term = terms_get(ui->terms, t);
    char *heading = malloc(strlen(term->label) * 10 + 2);
    struct ui_list *l =
        heading ? ui_list_new(n, heading, " Occurrences - Enter: go  Esc: back") : NULL;

    if (l == NULL) {
        free(heading);
        return NULL;
    }
    heading[0] = ' ';
    glyph_sanitize(heading + 1, strlen(term->label) * 10 + 1, term->label, strlen(term->label));
    l->data = heading; /* the list's heading, freed with it */
    l->free_data = free;
    l->selectable = true;
    l->activate = occurrence_activate;
    l->detail = occurrence_detail;
    for (size_t s = 0; s < doc_section_count(ui->doc); s++) {
        size_t nh;
        const struct term_hit *h = terms_index_section(ui->terms_index, s, &nh);
        for (size_t i = 0; i < nh && k < n; i++) {
            if (h[i].term != t)
                continue;
            if (kwic_row(ui, &l->rows[k++], &h[i]) != 0) {
                ui_list_ops.free(&l->view);
                return NULL;
            }
        }
    }
    l->n = k;
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
    for (size_t s = 0; s < doc_section_count(ui->doc) && used + 1 < cap; s++) {
        size_t n =
            doc_section(ui->doc, s)->continued ? 0 : terms_index_count(ui->terms_index, t, s);
        if (n > 0)
            used += (size_t)snprintf(d2 + used, cap - used, "%s%s: %zu", used ? ", " : "",
                                     doc_section(ui->doc, s)->title, n);
    }
}

/* Enter on a term opens its occurrences above the panel, which stays open below them. */
static bool term_activate_checked(struct ui *ui, struct ui_list *l)
{
    if (terms_index_count(ui->terms_index, (unsigned)l->rows[l->sel].key, SIZE_MAX) == 0)
        ui_notice(ui, "That term does not occur in this text");
    else
        term_activate(ui, l);
    return false;
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
    for (size_t i = 0; i < n; i++) {
        const struct key_term *term = terms_get(ui->terms, i);
        char num[32];

        snprintf(num, sizeof num, "%zu", terms_index_count(ui->terms_index, (unsigned)i, SIZE_MAX));
        l->rows[i].left = shown(term->label, strlen(term->label));
        l->rows[i].right = strdup(num);
        l->rows[i].key = i;
        if (l->rows[i].left == NULL || l->rows[i].right == NULL) {
            ui_list_ops.free(&l->view);
            return NULL;
        }
    }
    return &l->view;
}
