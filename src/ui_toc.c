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

/* The table of contents, with the current section selected. */
struct ui_view *ui_toc_new(struct ui *ui)
{
    size_t n = doc_section_count(ui->doc), rows = 0, here;
    struct ui_list *l;

    /* One row for each section with a heading: the parts of a long one are not listed. */
    for (size_t s = 0; s < n; s++)
        rows += !doc_section_continued(ui->doc, s);
    l = ui_list_new(rows, " Contents", " Contents - Enter: go  Esc: close");
    if (l == NULL)
        return NULL;
    l->selectable = true;
    l->activate = toc_activate;
    l->fill = toc_fill;
    here = doc_section_head(ui->doc, page_section(ui->page));
    for (size_t s = 0, i = 0; s < n; s++) {
        if (doc_section_continued(ui->doc, s))
            continue;
        if (s == here)
            l->sel = i;
        l->rows[i++].key = s;
    }
    return &l->view;
}
