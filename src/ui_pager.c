/*
 * ui_pager.c: the page view, the reader itself.  It draws the lines of the current page in the
 * centred column, the status line, and maps the keys of less and vim onto page moves.  A count
 * typed before a key repeats it (or, before g and G, names a page).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "lees/glyph.h"
#include "lees/layout.h"
#include "ui_internal.h"

#define MAX_COUNT 100000000
#define PAGE_COUNT_STEP 16384 /* bytes laid out between two looks at the keyboard (1 ms) */
#define LAST_STEP (1u << 20)  /* bytes looked through for sections between two looks (0.2 ms) */

struct pager {
    struct ui_view view;
    size_t count; /* digits typed before a key, 0 for none */
    struct ui_prompt prompt;
    bool searching; /* the prompt is a search's */
    bool naming;    /* the prompt names a bookmark (M) */
    int pending;    /* m or ': the next key is a mark's letter */
};

/* Put the N cells of printable ASCII at RUN, from ROW, COL on, and empty the run. */
static void run_flush(const chtype *run, int *n, int row, int col)
{
    if (*n > 0)
        mvaddchnstr(row, col, run, *n);
    *n = 0;
}

/* Whether C is printable ASCII, a cell wide per byte: the same width to every terminal. */
static bool plain_ascii(const struct layout_cell *c)
{
    return (int)c->len == c->width && glyph_plain_run(c->bytes, c->len) == c->len;
}

/*
 * A cell of no width (combining marks) joins the character in the cell before column X, as
 * the terminal draws it: added there with the character, not at the cursor, which a run of
 * ASCII leaves where it was and which cannot stand past the last column.  With nothing before
 * it on the row, the mark has nothing to sit on and is left out.
 */
static void put_mark(int row, int x, const struct layout_cell *c)
{
    wchar_t wch[CCHARW_MAX + 1];
    cchar_t cell;
    attr_t attr;
    short pair;
    size_t k, i = 0;
    mbstate_t st;

    if (x <= 0 || mvin_wch(row, x - 1, &cell) == ERR ||
        getcchar(&cell, wch, &attr, &pair, NULL) == ERR)
        return;
    /* The right half of a wide character: the character is a cell further left. */
    if (wcwidth(wch[0]) > 1 && (x -= 1) > 0 &&
        (mvin_wch(row, x - 1, &cell) == ERR || getcchar(&cell, wch, &attr, &pair, NULL) == ERR))
        return;
    k = wcslen(wch);
    memset(&st, 0, sizeof st);
    while (i < c->len && k < CCHARW_MAX) {
        size_t r = mbrtowc(&wch[k], c->bytes + i, c->len - i, &st);
        if (r == 0 || r > c->len - i)
            break;
        i += r;
        k++;
    }
    wch[k] = L'\0';
    if (setcchar(&cell, wch, attr, pair, NULL) != ERR)
        mvadd_wch(row, x - 1, &cell);
}

static void draw_line(struct ui *ui, int row, const struct layout_line *line)
{
    struct layout_iter it;
    struct layout_cell c;
    chtype run[512]; /* cells of printable ASCII waiting to be put, from column RUN_COL on */
    int col = 0, n = 0, run_col = 0;
    unsigned style = UINT_MAX; /* of the last cell, whose attributes are BASE */
    attr_t base = A_NORMAL;

    layout_iter_init(&it, page_layout(ui->page), line);
    while (layout_iter_next(&it, &c)) {
        attr_t a;
        if (c.style != style) {
            style = c.style;
            base = ui_style_attr(ui, style);
        }
        a = ui->spans.n > 0 ? ui_spans_attr(ui, &ui->spans, c.start, c.end, base) : base;
        if (plain_ascii(&c) && n + (int)c.len <= (int)(sizeof run / sizeof run[0])) {
            /* Put a run at a time, as characters with their attributes: addnstr decodes
             * every byte as multibyte input, more work than the rest of drawing a page. */
            if (n == 0)
                run_col = ui->margin + col;
            for (size_t i = 0; i < c.len; i++)
                run[n++] = (chtype)(unsigned char)c.bytes[i] | a;
            col += c.width;
            continue;
        }
        run_flush(run, &n, row, run_col);
        if (c.width == 0) {
            if (col > 0) /* else nothing before it on the row: left out, not put in the margin */
                put_mark(row, ui->margin + col, &c);
            continue;
        }
        attrset(a);
        /* Each other cell is placed by our own width count, so a terminal that measures a
         * character differently cannot shift the rest of the line. */
        move(row, ui->margin + col);
        addnstr(c.bytes, (int)c.len);
        col += c.width;
    }
    /* Spaces a wrapped line ends in are not drawn: in emphasis on a terminal without italics
     * they were underlined past the last word. */
    while (n > 0 && (run[n - 1] & A_CHARTEXT) == ' ')
        n--;
    run_flush(run, &n, row, run_col);
    attrset(A_NORMAL);
}

/*
 * " TITLE · SECTION" in ROOM cells: the title gives way first, so the section stays readable.
 * Measured in the form that is drawn (ASCII on a terminal without UTF-8).
 */
static void status_left(const struct ui *ui, char *out, size_t cap, const char *title,
                        const char *section, int room)
{
    char t[512], s[512];
    const char *sep = ui->ascii ? " - " : " \xC2\xB7 ", *ell = ui->ascii ? "..." : "\xE2\x80\xA6";
    size_t tlen = ui->ascii ? glyph_sanitize_ascii(t, sizeof t, title, strlen(title))
                            : (size_t)snprintf(t, sizeof t, "%s", title);
    int tw, sw = 0, keep;

    if (section != NULL) {
        if (ui->ascii)
            glyph_sanitize_ascii(s, sizeof s, section, strlen(section));
        else
            snprintf(s, sizeof s, "%s", section);
        sw = (int)glyph_width(s, strlen(s)) + 3;
    }
    if (tlen >= sizeof t)
        tlen = strlen(t);
    tw = (int)glyph_width(t, tlen);
    if (section == NULL || tw + sw + 1 <= room) {
        snprintf(out, cap, " %s%s%s", t, section ? sep : "", section ? s : "");
        return;
    }
    keep = room - 1 - sw - (int)glyph_width(ell, strlen(ell));
    if (keep < 10) {
        /* Too narrow for both: the section says more about where the reader is. */
        snprintf(out, cap, " %s", s);
        return;
    }
    tlen = glyph_fit(t, tlen, (size_t)keep);
    snprintf(out, cap, " %.*s%s%s%s", (int)tlen, t, ell, sep, s);
}

static void draw_status(struct ui *ui, struct pager *p)
{
    const char *title = doc_title(ui->doc);
    const struct doc_section *sec = doc_section(ui->doc, page_section(ui->page));
    char left[1024], right[160], counter[64], number[32] = "?", total[32] = "?", percent[16];
    int rw;

    if (p->prompt.active) {
        ui_prompt_draw(&p->prompt, p->searching ? ui->search.status : "");
        return;
    }
    ui_search_counter(ui, counter, sizeof counter);
    /* On a long text the pages are counted while idle: "?" until they are. */
    if (page_number_known(ui->page) && !ui->drawing_tail)
        snprintf(number, sizeof number, "%zu", page_number(ui->page));
    /* Standard input still coming in has no total yet, and no share of it read. */
    if (page_total_known(ui->page) && !ui->drawing_tail && !ui_stream_live(ui))
        snprintf(total, sizeof total, "%zu", page_total(ui->page));
    if (ui_stream_live(ui))
        snprintf(percent, sizeof percent, "more coming");
    else
        snprintf(percent, sizeof percent, "%3d%%", page_percent(ui->page));
    if (ui->follow.on) /* F: said for as long as it goes on, whatever the notice says */
        snprintf(counter + strlen(counter), sizeof counter - strlen(counter), "following  ");
    if (p->count > 0)
        snprintf(right, sizeof right, "%zu  %spage %s/%s  %s ", p->count, counter, number, total,
                 percent);
    else
        snprintf(right, sizeof right, "%spage %s/%s  %s ", counter, number, total, percent);
    rw = (int)strlen(right);
    if (ui->notice[0] != '\0')
        snprintf(left, sizeof left, " %s", ui->notice);
    else if (sec->title == NULL || strcmp(sec->title, title) == 0)
        /* text before any heading, or a part of it, is named by the title alone */
        status_left(ui, left, sizeof left, title, NULL, COLS - rw - 1);
    else
        status_left(ui, left, sizeof left, title, sec->title, COLS - rw - 1);
    ui_status(left, right);
}

/* The hits of key terms in the lines on screen become spans to paint. */
static void collect_spans(struct ui *ui)
{
    size_t first = SIZE_MAX, last = 0;

    ui_spans_clear(&ui->spans);
    for (int r = 0; r < page_height(ui->page); r++) {
        const struct layout_line *line = page_row(ui->page, r);
        if (line == NULL)
            continue;
        if (first == SIZE_MAX)
            first = line->start;
        last = line->end;
    }
    if (first == SIZE_MAX)
        return;
    ui_search_spans(ui, first, last);
    if (ui->terms_index == NULL || !ui->show_terms) {
        ui_spans_sort(&ui->spans);
        return;
    }
    for (size_t s = doc_section_at(ui->doc, first); s <= doc_section_at(ui->doc, last); s++) {
        size_t n;
        const struct term_hit *h = terms_index_section(ui->terms_index, s, &n);
        for (size_t i = 0; i < n; i++)
            if (h[i].end > first && h[i].start < last)
                ui_spans_add(&ui->spans, h[i].start, h[i].end, UI_SPAN_TERM, h[i].term);
    }
    ui_spans_sort(&ui->spans);
}

static void pager_draw(struct ui *ui, struct ui_view *view)
{
    struct pager *p = (struct pager *)view;

    collect_spans(ui);
    erase();
    for (int r = 0; r < page_height(ui->page) && r < LINES - 1; r++) {
        const struct layout_line *line = page_row(ui->page, r);
        if (line != NULL)
            draw_line(ui, r, line);
    }
    draw_status(ui, p);
}

/* What a step past the last line says: on standard input still coming in, that more will. */
static const char *end_edge(const struct ui *ui)
{
    static char said[sizeof ui->follow.shown + 64];

    if (!ui_stream_live(ui))
        return "End of the text";
    snprintf(said, sizeof said, "No more yet: %s is still coming in", ui_stream_source(ui, false));
    return said;
}

/* Rows of text on the page (the rest of it is blank). */
static int rows_shown(const struct ui *ui)
{
    int r = 0;

    while (r < page_height(ui->page) && page_row(ui->page, r) != NULL)
        r++;
    return r;
}

/* STEP COUNT times (once for none); at an edge, say EDGE, or for NULL the end of the text, where
 * a file that has grown since it was opened is opened again first, as less reads on. */
static void repeat(struct ui *ui, int (*step)(struct page *), size_t count, const char *edge)
{
    size_t n = count ? count : 1;

    for (size_t i = 0; i < n; i++) {
        if (step(ui->page) == 0)
            continue;
        if (edge == NULL) {
            int shown = rows_shown(ui);
            if (ui_follow_refresh(ui)) {
                if (rows_shown(ui) > shown)
                    break; /* what was added fills this page first: it is seen there */
                if (step(ui->page) == 0)
                    continue;
            }
        }
        if (i == 0 && ui->notice[0] == '\0') /* not over why the file could not be read */
            ui_notice(ui, "%s", edge != NULL ? edge : end_edge(ui));
        break;
    }
}

/*
 * Go to page N.  On a long text the pages above it are counted first, a layout of everything
 * above (seconds for page 20000 of 100 MB): the status line says so, and a key stops the count
 * (what is counted stays counted) and is read next.
 */
static void goto_page(struct ui *ui, size_t n)
{
    struct ui_busy busy;

    ui_busy_start(&busy, ui, "Counting the pages to page %zu... (a key stops)", n);
    while (!page_count_toward(ui->page, n, PAGE_COUNT_STEP))
        if (ui_busy_yield(&busy))
            return;
    ui_marks_jumping(ui);
    page_goto(ui->page, n);
}

static void prompt_done(struct ui *ui, struct pager *p)
{
    char *end;
    unsigned long long n = strtoull(p->prompt.buf, &end, 10);

    if (p->prompt.len == 0)
        return;
    if (*end != '\0' || n == 0) {
        ui_notice(ui, "Not a page number: %.200s", p->prompt.buf);
        return;
    }
    goto_page(ui, (size_t)n);
}

/*
 * Find the sections of the text past byte UPTO (SIZE_MAX: all of them), saying "Finding WHAT..."
 * when it takes long; keys typed meanwhile wait, as they are meant for the place it leads to,
 * and Ctrl-C stops it.  False when stopped.
 */
static bool find_sections_to(struct ui *ui, size_t upto, const char *what)
{
    struct ui_busy busy;

    ui_busy_start(&busy, ui, "Finding %s... (Ctrl-C stops)", what);
    busy.keys_wait = true;
    while (doc_index_progress(ui->doc) <= upto && !doc_index_step(ui->doc, LAST_STEP))
        if (ui_busy_yield(&busy))
            return false;
    return true;
}

/*
 * G: the last page.  On a long text whose last sections no scan from near its end can find
 * (ui_tail_show: no heading there, or in plain text lines too long to tell where its last part
 * begins), the sections are first found to the end, 150 ms for 500 MB: the status line says
 * so, and keys typed meanwhile wait, as "Gk" means the line above the last page; Ctrl-C stops
 * it.
 */
static void goto_last(struct ui *ui)
{
    size_t from = page_offset(ui->page);

    if (!ui_stream_finish(ui))
        return;            /* a key stopped the wait for the end of standard input */
    ui_follow_refresh(ui); /* a log may have grown since it was opened */
    if (!ui_tail_show(ui)) {
        if (!find_sections_to(ui, SIZE_MAX, "the end of the text"))
            return;
        page_last(ui->page);
    }
    if (page_offset(ui->page) != from)
        ui_marks_jumped(ui, from); /* G on the last page is no jump to go back from */
}

/*
 * N% or Np: the page that holds the byte N percent into the text, as in less (no N: the first
 * page; 100 or more: the last).  On a long text the sections above that byte are found first,
 * 15 ms for 100 MB: keys typed meanwhile wait, as after G, and Ctrl-C stops it.  Standard
 * input still coming in is read to its end first, as its length is not known before; but its
 * first page is there already.
 */
static void goto_percent(struct ui *ui, size_t n)
{
    char what[64];
    size_t from = page_offset(ui->page);
    size_t len, at;

    if (n >= 100) {
        goto_last(ui);
        return;
    }
    if (n == 0) {
        ui_marks_jumping(ui);
        page_first(ui->page);
        return;
    }
    if (!ui_stream_finish(ui))
        return; /* a key stopped the wait for the end of standard input */
    doc_bytes(ui->doc, &len);
    at = len / 100 * n + len % 100 * n / 100; /* len * n / 100, which cannot overflow */
    snprintf(what, sizeof what, "the sections to %zu%%", n);
    if (!find_sections_to(ui, at, what))
        return;
    page_goto_offset(ui->page, at);
    ui_marks_jumped(ui, from);
}

/* Apply KEY when it moves through the text; false when it is not a move. */
static bool pager_move_key(struct ui *ui, int key, size_t count)
{
    switch (key) {
    case ' ':
    case 'f':
    case UI_CTRL('F'):
    case UI_CTRL('V'):
    case UI_FN(KEY_NPAGE):
        repeat(ui, page_next, count, NULL);
        break;
    case 'b':
    case UI_CTRL('B'):
    case UI_FN(KEY_PPAGE):
        repeat(ui, page_prev, count, "Start of the text");
        break;
    case 'j':
    case '\r':
    case '\n':
    case UI_CTRL('N'):
    case UI_CTRL('E'):
    case UI_FN(KEY_DOWN):
    case UI_FN(KEY_ENTER):
        repeat(ui, page_line_down, count, NULL);
        break;
    case 'k':
    case UI_CTRL('P'):
    case UI_CTRL('Y'):
    case UI_FN(KEY_UP):
        repeat(ui, page_line_up, count, "Start of the text");
        break;
    case 'd':
    case UI_CTRL('D'):
        repeat(ui, page_half_down, count, NULL);
        break;
    case 'u':
    case UI_CTRL('U'):
        repeat(ui, page_half_up, count, "Start of the text");
        break;
    case 'g':
    case '<':
    case UI_FN(KEY_HOME):
        if (count > 0) {
            goto_page(ui, count);
        } else {
            ui_marks_jumping(ui);
            page_first(ui->page);
        }
        break;
    case 'F':
        ui_follow_start(ui);
        break;
    case 'G':
    case '>':
    case UI_FN(KEY_END):
        if (count > 0)
            goto_page(ui, count);
        else
            goto_last(ui);
        break;
    case '%':
    case 'p':
        goto_percent(ui, count);
        break;
    case ']':
        repeat(ui, page_section_next, count, "No section after this one");
        break;
    case '[':
        repeat(ui, page_section_prev, count, "No section before this one");
        break;
    default:
        return false;
    }
    return true;
}

static enum ui_result pager_key(struct ui *ui, struct ui_view *view, int key)
{
    struct pager *p = (struct pager *)view;
    size_t count = p->count;

    if (ui->follow.on && key != 'F') {
        /* Any key stops following, and does what it does; Ctrl-C only stops it. */
        ui_follow_stop(ui);
        if (key == UI_INTERRUPT) {
            ui_notice(ui, "No longer following");
            return UI_HANDLED;
        }
    }
    if (p->pending != 0) {
        int what = p->pending;
        p->pending = 0;
        if (key == UI_ESC || key == UI_INTERRUPT)
            return UI_HANDLED;
        if (what == 'm')
            ui_marks_quick(ui, key);
        else
            ui_marks_goto(ui, key);
        return UI_HANDLED;
    }
    if (p->prompt.active && p->naming) {
        if (ui_prompt_key(&p->prompt, key) == UI_PROMPT_DONE)
            ui_marks_add_named(ui, p->prompt.buf);
        return UI_HANDLED;
    }
    if (p->prompt.active) {
        enum ui_prompt_result r;
        if (p->searching && key == UI_CTRL('R')) {
            ui_search_toggle_regex(ui, &p->prompt);
            return UI_HANDLED;
        }
        r = ui_prompt_key(&p->prompt, key);
        if (!p->searching && r == UI_PROMPT_DONE)
            prompt_done(ui, p);
        else if (p->searching && r == UI_PROMPT_DONE)
            ui_search_confirm(ui, &p->prompt);
        else if (p->searching && r == UI_PROMPT_CANCEL)
            ui_search_cancel(ui);
        else if (p->searching)
            ui_search_edit(ui, &p->prompt);
        return UI_HANDLED;
    }
    if (key >= '0' && key <= '9') {
        size_t next = p->count * 10 + (size_t)(key - '0');
        p->count = next > MAX_COUNT ? p->count : next;
        return UI_HANDLED;
    }
    p->count = 0;
    if (pager_move_key(ui, key, count))
        return UI_HANDLED;
    switch (key) {
    case 'q':
    case 'Q':
    case UI_INTERRUPT:
        return UI_QUIT;
    case 'm':
    case '\'':
        if (key == 'm' && ui_marks_off(ui))
            break;
        p->pending = key;
        /* As less asks "mark:": the next key is a letter, not a command. */
        ui_notice(ui, key == 'm' ? "Set mark: type a letter (Esc cancels)"
                                 : "Go to mark: type a letter, or ' to go back (Esc cancels)");
        break;
    case 'M':
        if (ui_marks_off(ui))
            break;
        p->naming = true;
        p->searching = false;
        ui_prompt_open(&p->prompt, "Bookmark name (Enter: first words): ", NULL);
        break;
    case 'B':
        if (!ui_push(ui, ui_marks_new(ui)) && ui->notice[0] == '\0')
            ui_notice(ui, "Out of memory");
        break;
    case '/':
    case '?':
        p->naming = false;
        p->searching = true;
        ui_search_begin(ui, &p->prompt, key == '?');
        break;
    case 'n':
    case 'N': {
        size_t from = page_offset(ui->page), moved = 0;

        /* A step that finds nothing, or that a key stopped, ends the count: the rest would
         * only do the same. */
        while (moved < (count ? count : 1)) {
            size_t at = ui->search.match_start;
            bool had = ui->search.have_match;
            if (!ui_search_step(ui, key == 'n'))
                break;
            moved++;
            if (had && ui->search.match_start == at)
                break; /* the only match: round the text and back to it */
        }
        if (moved > 0)
            ui_marks_jumped(ui, from);
        break;
    }
    case ':':
        p->searching = false;
        p->naming = false;
        ui_prompt_open(&p->prompt, ":", NULL);
        break;
    case 't':
        if (!ui_push(ui, ui_toc_new(ui)))
            ui_notice(ui, "Out of memory");
        break;
    case 'T':
        if (!ui_push(ui, ui_terms_new(ui)) && ui->notice[0] == '\0')
            ui_notice(ui, "Out of memory");
        break;
    case 'x':
        ui->show_terms = !ui->show_terms;
        ui_notice(ui, "Key terms %s", ui->show_terms ? "highlighted" : "not highlighted");
        break;
    case 'h':
    case UI_FN(KEY_F(1)):
        if (!ui_push(ui, ui_help_new(ui)))
            ui_notice(ui, "Out of memory");
        break;
    case UI_ESC:
        ui->search.highlight = false; /* as :noh in vim: n brings the matches back */
        break;
    default:
        ui_notice(ui, "Press h for help, q to quit");
        break;
    }
    return UI_HANDLED;
}

static void pager_free(struct ui_view *view)
{
    free(view);
}

static const struct ui_view_ops pager_ops = {pager_draw, pager_key, pager_free, NULL, NULL};

/* The page view. */
struct ui_view *ui_pager_new(void)
{
    struct pager *p = calloc(1, sizeof *p);

    if (p == NULL)
        return NULL;
    p->view.ops = &pager_ops;
    return &p->view;
}

/* Whether the page alone is up, no prompt open: a snapshot of a text still coming in may then
 * take the doc's place (a prompt keeps a place in the old one's layout). */
bool ui_pager_idle(const struct ui *ui)
{
    const struct pager *p = (const struct pager *)ui->views[0];

    return ui->nviews == 1 && ui->views[0]->ops == &pager_ops && !p->prompt.active;
}
