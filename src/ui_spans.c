/*
 * ui_spans.c: the byte ranges painted over the text of the screen — key-term hits, search
 * matches, the current match — and how they combine with a cell's own style.  They are
 * collected for the lines on screen before each draw, so painting a cell is a lookup.
 */
#include <stdlib.h>

#include "ui_internal.h"

/* Forget every span, keeping the memory. */
void ui_spans_clear(struct ui_spans *sp)
{
    sp->n = 0;
}

/* Release the memory. */
void ui_spans_free(struct ui_spans *sp)
{
    free(sp->v);
    sp->v = NULL;
    sp->n = sp->cap = 0;
}

/* Add a span; false when out of memory (the text is then drawn without it). */
bool ui_spans_add(struct ui_spans *sp, size_t start, size_t end, enum ui_span_kind kind,
                  unsigned index)
{
    if (sp->n == sp->cap) {
        size_t cap = sp->cap ? sp->cap * 2 : 64;
        struct ui_span *v = realloc(sp->v, cap * sizeof *v);
        if (v == NULL)
            return false;
        sp->v = v;
        sp->cap = cap;
    }
    sp->v[sp->n++] = (struct ui_span){start, end, kind, index};
    return true;
}

static int by_start(const void *a, const void *b)
{
    const struct ui_span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}

/* Sort by start, as ui_spans_attr expects. */
void ui_spans_sort(struct ui_spans *sp)
{
    if (sp->n > 1) /* qsort wants an array, even of nothing */
        qsort(sp->v, sp->n, sizeof *sp->v, by_start);
}

/*
 * The attributes of a cell standing for source bytes [START, END) whose own attributes are
 * BASE: a term colours it, a match stands out over anything (so a match over a term is still
 * seen as a match), the current match more so.
 */
attr_t ui_spans_attr(const struct ui *ui, const struct ui_spans *sp, size_t start, size_t end,
                     attr_t base)
{
    attr_t a = base;
    bool term = false;

    if (end <= start)
        return base;
    /* Spans are few on a screen; a linear pass from the first that can overlap is enough. */
    for (size_t i = 0; i < sp->n && sp->v[i].start < end; i++) {
        const struct ui_span *s = &sp->v[i];
        if (s->end <= start)
            continue;
        if (s->kind == UI_SPAN_TERM && !term) {
            a = ui_style_term(ui, s->index, a);
            term = true;
        } else if (s->kind == UI_SPAN_MATCH) {
            a = ui_style_match(ui, false, a);
        } else if (s->kind == UI_SPAN_CURRENT) {
            a = ui_style_match(ui, true, a);
        }
    }
    return a;
}
