/*
 * ui_search.c: searching from the page, as less and vim do it.  "/" and "?" open a prompt;
 * each edit searches again from where the prompt opened and shows the first match (the view
 * follows); Enter keeps the search, Esc goes back to where it began.  n and N move between
 * matches, wrapping round the text with a notice (on a pipe still coming in they read on
 * instead, as less waits for more).  Matches on screen are painted as spans.
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
/* Bytes looked through for a near word between two looks at the keyboard: about 3 ms. */
#define SUGGEST_STEP (256u << 10)

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

enum find_result { FIND_FOUND, FIND_NONE, FIND_STOPPED };

/* Begin F: a look from FROM, forward (the first match at or after it) or back (the last
 * before it), round the text once. */
static void find_begin(struct ui_find *f, bool forward, size_t from)
{
    *f = (struct ui_find){.forward = forward, .from = from, .at = from};
}

/* Whether F is the look that stopped in SE, going FORWARD from FROM: it can go on. */
static bool find_stopped(const struct ui_find *f, const struct search *se, bool forward,
                         size_t from)
{
    return f->se == se && f->forward == forward && f->from == from;
}

/*
 * Go on with the look F in SE until it finds a match (into M), finds none, or stops for a key
 * (BUSY tells when it takes long).  A look that stopped keeps its place in F.
 */
static enum find_result find_go(struct ui_find *f, struct search *se, struct ui_busy *busy,
                                struct search_match *m)
{
    enum find_result r = FIND_NONE;

    search_set_interrupt(se, ui_busy_pause, busy);
    for (;;) {
        if (f->forward ? search_next(se, f->at, m) : search_prev(se, f->at, m)) {
            r = FIND_FOUND;
            break;
        }
        if (search_interrupted(se)) {
            f->at = search_resume(se);
            if (ui_busy_yield(busy)) {
                r = FIND_STOPPED;
                break;
            }
            continue;
        }
        if (f->wrapped || f->no_wrap)
            break;
        f->wrapped = true;
        f->at = f->forward ? 0 : (size_t)-1;
    }
    search_set_interrupt(se, NULL, NULL);
    f->se = r == FIND_STOPPED ? se : NULL;
    return r;
}

/* Free *SE and forget it, and the look that stopped in it: a freed search's address is not
 * even to be compared. */
static void drop_search(struct ui_search *s, struct search **se)
{
    if (*se != NULL && s->find.se == *se)
        s->find.se = NULL;
    search_free(*se);
    *se = NULL;
}

/* Keep the confirmed pattern as typed; on no memory, a new snapshot is searched without it. */
static void keep_pattern(struct ui_search *s, const char *buf, size_t len)
{
    free(s->pattern);
    s->pattern = malloc(len + 1);
    s->pattern_len = s->pattern != NULL ? len : 0;
    if (s->pattern != NULL) {
        memcpy(s->pattern, buf, len);
        s->pattern[len] = '\0';
    }
}

/* Search the new ui->doc with the confirmed pattern: the old search reads the old doc. */
void ui_search_rebind(struct ui *ui)
{
    struct ui_search *s = &ui->search;
    struct lees_error err = {0};

    if (s->confirmed == NULL)
        return;
    drop_search(s, &s->confirmed);
    if (s->pattern != NULL)
        s->confirmed = search_new(ui->doc, s->pattern, s->pattern_len, search_flags(s), &err);
    if (s->confirmed == NULL) {
        s->highlight = false;
        if (err.msg[0] != '\0')
            ui_notice(ui, "%s", err.msg);
    }
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
    struct ui_busy busy;
    enum find_result r;
    char shown[256];

    drop_search(s, &s->typing);
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
     * search through a long text that the next key makes moot; Enter goes on with it. */
    find_begin(&s->find, !s->backward, s->origin_offset);
    snprintf(s->status, sizeof s->status, "  (searching… a key stops)");
    /* The prompt's status says it; the notice is for a search begun with +/pattern. */
    glyph_sanitize(shown, sizeof shown, p->buf, p->len);
    ui_busy_start(&busy, ui, "Searching for %s... (a key stops)", shown);
    r = find_go(&s->find, s->typing, &busy, &m);
    s->status[0] = '\0';
    if (r == FIND_FOUND)
        show_match(ui, &m);
    else if (r == FIND_STOPPED)
        snprintf(s->status, sizeof s->status, "  (searching…)"); /* the next key goes on */
    else
        snprintf(s->status, sizeof s->status, "  (no match)");
}

/* Esc at the prompt: back to where the search began, with the search before it. */
void ui_search_cancel(struct ui *ui)
{
    struct ui_search *s = &ui->search;

    drop_search(s, &s->typing);
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

/* No match for the pattern: say so, with the nearest word of the text when one is near enough.
 * Looking for it reads the whole text (a second for 100 MB): a key stops it. */
static void say_no_match(struct ui *ui, const struct ui_prompt *p)
{
    struct ui_search *s = &ui->search;
    struct search_suggestion *sg = s->regex ? NULL : search_suggest_new(ui->doc, p->buf, p->len);
    struct ui_busy busy;
    const char *word;

    if (sg != NULL) {
        ui_busy_start(&busy, ui, "no match for %s; looking for a near word...", s->shown);
        while (!search_suggest_step(sg, SUGGEST_STEP)) {
            if (ui_busy_yield(&busy)) {
                search_suggest_free(sg);
                return; /* the notice is the key's to set */
            }
        }
        word = search_suggest_word(sg);
        if (word != NULL) {
            ui_notice(ui, "no match for %s; did you mean %s?", s->shown, word);
            search_suggest_free(sg);
            return;
        }
        search_suggest_free(sg);
    }
    if (ui_stream_live(ui))
        ui_notice(ui, "no match for %s in what has come so far (more coming)", s->shown);
    else
        ui_notice(ui, "no match for %s", s->shown);
}

/* Go on with the look for the confirmed search's match, saying so after a glance; false when a
 * key stopped it (n goes on from there). */
static bool find_on(struct ui *ui)
{
    struct ui_search *s = &ui->search;
    struct search_match m;
    struct ui_busy busy;
    enum find_result r;

    ui_busy_start(&busy, ui, "Searching for %s... (a key stops)", s->shown);
    r = find_go(&s->find, s->confirmed, &busy, &m);
    if (r == FIND_FOUND)
        show_match(ui, &m);
    return r != FIND_STOPPED;
}

/* Enter at the prompt: the typed search becomes the one n and N follow. */
void ui_search_confirm(struct ui *ui, const struct ui_prompt *p)
{
    struct ui_search *s = &ui->search;
    struct lees_error err = {0};

    if (p->len == 0) {
        page_set_position(ui->page, s->origin);
        return;
    }
    remember(s, p->buf);
    if (ui->state != NULL)
        state_history_add(ui->state, p->buf);
    ui->before_jump = s->origin_offset; /* '' goes back to where the search began */
    ui->have_jump = true;
    if (s->typing == NULL) {
        s->typing = search_new(ui->doc, p->buf, p->len, search_flags(s), &err);
        find_begin(&s->find, !s->backward, s->origin_offset);
        s->find.se = s->typing; /* not begun: as if it had stopped at once */
    }
    if (s->typing == NULL) {
        ui_notice(ui, "%s", err.msg);
        return;
    }
    drop_search(s, &s->confirmed);
    s->confirmed = s->typing;
    s->typing = NULL;
    keep_pattern(s, p->buf, p->len);
    glyph_sanitize(s->shown, sizeof s->shown, p->buf, p->len);
    if (!s->have_match && find_stopped(&s->find, s->confirmed, !s->backward, s->origin_offset)) {
        /* The search as typed gave way to a key (this one, or one before it): it goes on. */
        s->status[0] = '\0';
        if (!find_on(ui))
            return; /* n goes on from here */
    }
    if (!s->have_match && ui_stream_live(ui) && ui_stream_finish(ui)) {
        /* Not in what had come of standard input: perhaps in the rest, now all in (and
         * s->confirmed made again for it). */
        if (s->confirmed == NULL)
            return;
        find_begin(&s->find, !s->backward, s->origin_offset);
        if (!find_on(ui))
            return;
    }
    if (!s->have_match)
        say_no_match(ui, p);
}

/* Whether the current match starts on the screen. */
static bool match_on_screen(struct ui *ui)
{
    const struct ui_search *s = &ui->search;

    for (int r = 0; s->have_match && r < page_height(ui->page); r++) {
        const struct layout_line *line = page_row(ui->page, r);
        if (line == NULL)
            break;
        if (s->match_start >= line->start && s->match_start < line->end)
            return true;
    }
    return false;
}

/*
 * n (SAME_DIRECTION) or N: the next or previous match, wrapping round the text (on standard
 * input still coming in, reading on at the end of what has come instead).  False when it did
 * not move to a match, so that a count before n stops there.
 */
bool ui_search_step(struct ui *ui, bool same_direction)
{
    struct ui_search *s = &ui->search;
    bool forward = s->backward ? !same_direction : same_direction;
    size_t from = page_offset(ui->page);
    struct search_match m;
    struct ui_busy busy;
    enum find_result r;

    if (s->confirmed == NULL) {
        ui_notice(ui, "No search yet: / or ? starts one");
        return false;
    }
    /* From the current match while it is in sight; from the page once the reader has left it. */
    if (match_on_screen(ui))
        from = forward ? s->match_start + 1 : s->match_start;
    /* n after a look that a key stopped goes on with it. */
    if (!find_stopped(&s->find, s->confirmed, forward, from))
        find_begin(&s->find, forward, from);
    /* Round the end of what has come of standard input is not the other end of the text: the
     * rest is read first, as less waits for more; also when n goes on with a look Enter began. */
    s->find.no_wrap = ui_stream_live(ui);
    ui_busy_start(&busy, ui, "Searching for %s... (a key stops)", s->shown);
    r = find_go(&s->find, s->confirmed, &busy, &m);
    if (r == FIND_NONE && s->find.no_wrap) {
        if (!ui_stream_finish(ui) || s->confirmed == NULL)
            return false; /* a key stopped the read, or the search could not be made anew */
        find_begin(&s->find, forward, from); /* in the whole text now, with s->confirmed anew */
        ui_busy_start(&busy, ui, "Searching for %s... (a key stops)", s->shown);
        r = find_go(&s->find, s->confirmed, &busy, &m);
    }
    if (r == FIND_FOUND && s->find.wrapped)
        ui_notice(ui, forward ? "Search wrapped to the top" : "Search wrapped to the bottom");
    if (r == FIND_FOUND)
        show_match(ui, &m);
    else if (r == FIND_NONE)
        ui_notice(ui, "No match");
    return r == FIND_FOUND;
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

    drop_search(s, &s->confirmed);
    drop_search(s, &s->typing);
    free(s->pattern);
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
