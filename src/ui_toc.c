/*
 * ui_toc.c: the table of contents, a list of the sections with the page each starts on at the
 * current size (once counted); Enter goes there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"

static bool toc_activate(struct ui *ui, struct ui_list *l)
{
    ui_marks_jumping(ui);
    page_goto_section(ui->page, l->rows[l->sel].key);
    return true;
}

/* A row is made when it is shown: a long text has tens of thousands of sections, and a page
 * number is shown only once idle counting has got that far (counting them all at once would
 * lay out the whole text). */
static void toc_fill(struct ui *ui, struct ui_list *l, size_t i)
{
    struct ui_list_row *row = &l->rows[i];
    size_t s = row->key;

    if (row->left == NULL) {
        const struct doc_section *sec = doc_section(ui->doc, s);
        row->left = strdup(sec->title != NULL ? sec->title : "");
        row->indent = sec->level > 1 ? 2 * (sec->level - 1) : 0;
    }
    if (row->right == NULL && page_section_counted(ui->page, s)) {
        char num[32];
        snprintf(num, sizeof num, "%zu", page_of_section(ui->page, s));
        row->right = strdup(num);
    }
}

/* Rows for the sections found since the list was made or last grown (see ui_list.grow): the
 * contents open at once on a long text, with the sections found so far, and the rest come in
 * while idle, as they are found.  The sections looked at so far are counted in data. */
static bool toc_grow(struct ui *ui, struct ui_list *l)
{
    size_t *seen = l->data, found = doc_sections_found(ui->doc);
    bool was_growing = l->growing, shown = false;

    for (; *seen < found; ++*seen) {
        if (doc_section_continued(ui->doc, *seen))
            continue;
        if (!ui_list_add(l, *seen))
            break; /* no memory: the list stops growing where it is */
        shown = shown || ui_list_row_shown(l, l->n - 1);
    }
    l->growing = *seen < found || !doc_index_done(ui->doc);
    return shown || was_growing != l->growing;
}

/* The table of contents, with the current section selected. */
struct ui_view *ui_toc_new(struct ui *ui)
{
    size_t here = doc_section_head(ui->doc, page_section(ui->page));
    size_t *seen = calloc(1, sizeof *seen);
    struct ui_list *l;

    if (seen == NULL)
        return NULL;
    /* One row for each section with a heading: the parts of a long one are not listed. */
    l = ui_list_new(0, " Contents", " Contents - Enter: go  Esc: close");
    if (l == NULL) {
        free(seen);
        return NULL;
    }
    l->data = seen;
    l->free_data = free;
    l->selectable = true;
    l->activate = toc_activate;
    l->fill = toc_fill;
    l->right_paged = true;
    l->grow = toc_grow;
    toc_grow(ui, l);
    for (size_t i = 0; i < l->n; i++)
        if (l->rows[i].key == here)
            l->sel = i;
    return &l->view;
}
