/*
 * ui_search.c: searching from the page, as less and vim do it.  "/" and "?" open a prompt;
 * each edit searches again from where the prompt opened and shows the first match (the view
 * follows); Enter keeps the search, Esc goes back to where it began.  n and N move between
 * matches, wrapping round the text with a notice.  Matches on screen are painted as spans.
 * The matching itself (folding, smart case, regex) is the search module's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lees/glyph.h"
#include "lees/search.h"
#include "ui_internal.h"

#define MAX_HISTORY 100
#define MAX_SPANS 512

static unsigned search_flags(const struct ui_search *s)
{
    return (s->ignore_case ? SEARCH_IGNORE_CASE : 0) | (s->regex ? SEARCH_REGEX : 0);
}

static void prompt_label(const struct ui_search *s, struct ui_prompt *p)
{
    snprintf(p->label, sizeof p->label, "%s%s", s->regex ? "regex " : "", s->backward ? "?" : "/");
}

/* Open the prompt for a search forward (/) or backward (?). */
void ui_search_begin(struct ui *ui, struct ui_prompt *p, bool backward)
{
    struct ui_search *s = &ui->search;

    s->backward = backward;
    s->origin = page_position(ui->page);
    s->origin_offset = page_offset(ui->page);
    s->status[0] = '\0';
    ui_prompt_open(p, "/", &s->history);
    prompt_label(s, p);
}

/* The match to show for a search begun at the origin: the first after it, or before it. */
static bool first_match(struct ui_search *s, struct search *se, struct search_match *m,
                        bool *wrapped)
{
    bool found =
        s->backward ? search_prev(se, s->origin_offset, m) : search_next(se, s->origin_offset, m);
    *wrapped = false;
    if (!found && !search_interrupted(se)) {
        found = s->backward ? search_prev(se, (size_t)-1, m) : search_next(se, 0, m);
        *wrapped = found;
    }
    return found;
}

static void show_match(struct ui *ui, const struct search_match *m)
{
    struct ui_search *s = &ui->search;

    s->have_match = true;
    s->match_start = m->start;
    s->match_end = m->end;
    s->highlight = true;
    page_goto_offset(ui->page, m->start);
}

/* Search again for the pattern as typed so far, from where the prompt opened. */
void ui_search_edit(struct ui *ui, const struct ui_prompt *p)
{
    struct ui_search *s = &ui->search;
    struct lees_error err = {0};
    struct search_match m;
    bool wrapped;

    search_free(s->typing);
    s->typing = NULL;
    s->status[0] = '\0';
    s->have_match = false; /* until this pattern finds one */
    page_set_position(ui->page, s->origin);
    if (p->len == 0)
        return;
    s->typing = search_new(ui->doc, p->buf, p->len, search_flags(s), &err);
    if (s->typing == NULL) {
        /* A regex half typed ("a(") is not an error yet: say so quietly. */
        snprintf(s->status, sizeof s->status, "  (%.400s)", err.msg);
        return;
    }
    /* A search as the pattern is typed gives way to the next key, so typing never waits for a
     * search through a long text that the next key makes moot. */
    search_set_interrupt(s->typing, ui_key_waiting, &ui->input_fd);
    if (first_match(s, s->typing, &m, &wrapped))
        show_match(ui, &m);
    else if (search_interrupted(s->typing))
        snprintf(s->status, sizeof s->status, "  (searching…)"); /* the next key goes on */
    else
        snprintf(s->status, sizeof s->status, "  (no match)");
}

/* Esc at the prompt: back to where the search began, with the search before it. */
void ui_search_cancel(struct ui *ui)
{
    struct ui_search *s = &ui->search;

    search_free(s->typing);
    s->typing = NULL;
    s->have_match = false;
    page_set_position(ui->page, s->origin);
}

static void remember(struct ui_search *s, const char *pattern)
{
    struct ui_history *h = &s->history;
    char *copy;

    for (size_t i = 0; i < h->n; i++) {
        if (strcmp(h->items[i], pattern) == 0) {
            /* Seen before: it moves to the end, as the most recent. */
            copy = h->items[i];
            memmove(h->items + i, h->items + i + 1, (h->n - i - 1) * sizeof *h->items);
            h->items[h->n - 1] = copy;
            return;
        }
    }
    copy = strdup(pattern);
    if (copy == NULL)
        return;
    if (h->n == MAX_HISTORY) {
        free(h->items[0]);
        memmove(h->items, h->items + 1, (h->n - 1) * sizeof *h->items);
        h->n--;
    } else {
        char **items = realloc(h->items, (h->n + 1) * sizeof *items);
        if (items == NULL) {
            free(copy);
            return;
        }
        h->items = items;
    }
    h->items[h->n++] = copy;
}

/* Enter at the prompt: the typed search becomes the one n and N follow. */
void ui_search_confirm(struct ui *ui, const struct ui_prompt *p)
{
    struct ui_search *s = &ui->search;
    struct lees_error err = {0};
    char shown[256], suggestion[128];

    if (p->len == 0) {
        page_set_position(ui->page, s->origin);
        return;
    }
    remember(s, p->buf);
    if (ui->state != NULL)
        state_history_add(ui->state, p->buf);
    ui->before_jump = s->origin_offset; /* '' goes back to where the search began */
    ui->have_jump = true;
    if (s->typing == NULL)
        s->typing = search_new(ui->doc, p->buf, p->len, search_flags(s), &err);
    if (s->typing == NULL) {
        ui_notice(ui, "%s", err.msg);
        return;
    }
    search_free(s->confirmed);
    s->confirmed = s->typing;
    s->typing = NULL;
    /* Confirmed, a search goes to its end: n and N never give way to a key. */
    search_set_interrupt(s->confirmed, NULL, NULL);
    if (!s->have_match && search_interrupted(s->confirmed)) {
        struct search_match m;
        bool wrapped;
        s->status[0] = '\0';
        if (first_match(s, s->confirmed, &m, &wrapped))
            show_match(ui, &m);
    }
    if (s->have_match)
        return;
    glyph_sanitize(shown, sizeof shown, p->buf, p->len);
    if (!s->regex && search_suggest(ui->doc, p->buf, p->len, suggestion, sizeof suggestion)) {
        char sug[256];
        glyph_sanitize(sug, sizeof sug, suggestion, strlen(suggestion));
        ui_notice(ui, "no match for %s; did you mean %s?", shown, sug);
    } else {
        ui_notice(ui, "no match for %s", shown);
    }
}

/* n (SAME_DIRECTION) or N: the next or previous match, wrapping round the text. */
void ui_search_step(struct ui *ui, bool same_direction)
{
    struct ui_search *s = &ui->search;
    bool forward = s->backward ? !same_direction : same_direction;
    size_t from = s->have_match ? s->match_start : page_offset(ui->page);
    struct search_match m;
    bool found;

    if (s->confirmed == NULL) {
        ui_notice(ui, "No search yet: / or ? starts one");
        return;
    }
    if (forward)
        found = search_next(s->confirmed, s->have_match ? from + 1 : from, &m);
    else
        found = search_prev(s->confirmed, from, &m);
    if (!found) {
        found =
            forward ? search_next(s->confirmed, 0, &m) : search_prev(s->confirmed, (size_t)-1, &m);
        if (found)
            ui_notice(ui, forward ? "Search wrapped to the top" : "Search wrapped to the bottom");
    }
    if (found)
        show_match(ui, &m);
    else
        ui_notice(ui, "No match");
}

/* Ctrl-R at the prompt: the pattern becomes a regular expression, or stops being one. */
void ui_search_toggle_regex(struct ui *ui, struct ui_prompt *p)
{
    ui->search.regex = !ui->search.regex;
    prompt_label(&ui->search, p);
    ui_search_edit(ui, p);
}

/* Paint the matches between source offsets FIRST and LAST. */
void ui_search_spans(struct ui *ui, size_t first, size_t last)
{
    struct ui_search *s = &ui->search;
    struct search *se = s->typing ? s->typing : s->confirmed;
    struct search_match m[MAX_SPANS];
    size_t n;

    if (se == NULL || !s->highlight)
        return;
    n = search_range(se, first, last, m, MAX_SPANS);
    for (size_t i = 0; i < n; i++) {
        bool current = s->have_match && m[i].start == s->match_start;
        ui_spans_add(&ui->spans, m[i].start, m[i].end, current ? UI_SPAN_CURRENT : UI_SPAN_MATCH,
                     0);
    }
}

/* "match 3/17" for the status line, or "". */
void ui_search_counter(struct ui *ui, char *out, size_t cap)
{
    struct ui_search *s = &ui->search;
    size_t index = 0, total;

    out[0] = '\0';
    if (s->confirmed == NULL || !s->have_match || !s->highlight)
        return;
    /* On a long text the matches are counted while idle: "match ?/?" until then. */
    if (!search_count_known(s->confirmed)) {
        snprintf(out, cap, "match ?/?  ");
        return;
    }
    total = search_count(s->confirmed, s->match_start, &index);
    snprintf(out, cap, "match %zu/%zu  ", index, total);
}

/* Whether the matches of the confirmed search are still to be counted (idle work). */
bool ui_search_counting(const struct ui *ui)
{
    const struct ui_search *s = &ui->search;
    return s->confirmed != NULL && s->have_match && !search_count_known(s->confirmed);
}

/* Start with the history kept in the state file. */
void ui_search_history_load(struct ui *ui)
{
    if (ui->state == NULL)
        return;
    for (size_t i = 0; i < state_history_count(ui->state); i++)
        remember(&ui->search, state_history_at(ui->state, i));
}

/* Release the searches and the history. */
void ui_search_free(struct ui *ui)
{
    struct ui_search *s = &ui->search;

    search_free(s->confirmed);
    search_free(s->typing);
    for (size_t i = 0; i < s->history.n; i++)
        free(s->history.items[i]);
    free(s->history.items);
    memset(s, 0, sizeof *s);
}

/* Start at the first match of PATTERN, as if it had been typed after "/". */
void ui_search_open_at(struct ui *ui, const char *pattern)
{
    struct ui_prompt p = {0};

    ui_search_begin(ui, &p, false);
    snprintf(p.buf, sizeof p.buf, "%s", pattern);
    p.len = p.pos = strlen(p.buf);
    ui_search_edit(ui, &p);
    ui_search_confirm(ui, &p);
    p.active = false;
}
