/*
 * ui_toc.c: the table of contents, a list of the sections with the page each starts on at the
 * current size; Enter goes there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"

static bool toc_activate(struct ui *ui, struct ui_list *l)
{
    ui_marks_jumping(ui);
    page_goto_section(ui->page, l->sel);
    return true;
}

/* The table of contents, with the current section selected. */
struct ui_view *ui_toc_new(struct ui *ui)
{
    size_t n = doc_section_count(ui->doc);
    struct ui_list *l = ui_list_new(n, " Contents", " Contents - Enter: go  Esc: close");

    if (l == NULL)
        return NULL;
    l->selectable = true;
    l->activate = toc_activate;
    l->sel = page_section(ui->page);
    for (size_t s = 0; s < n; s++) {
        const struct doc_section *sec = doc_section(ui->doc, s);
        char num[32];

        snprintf(num, sizeof num, "%zu", page_of_section(ui->page, s));
        l->rows[s].left = strdup(sec->title);
        l->rows[s].right = strdup(num);
        l->rows[s].indent = sec->level > 1 ? 2 * (sec->level - 1) : 0;
        if (l->rows[s].left == NULL || l->rows[s].right == NULL) {
            ui_list_ops.free(&l->view);
            return NULL;
        }
    }
    return &l->view;
}
