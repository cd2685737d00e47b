/*
 * ui_internal.h: what the ui files share.  The only header that includes <curses.h>; nothing
 * outside src/ui*.c includes it.
 *
 * The screen is a stack of views (the page, the table of contents, help): keys go to the view
 * on top, and it draws the whole screen, status line included.
 */
#ifndef LEES_UI_INTERNAL_H
#define LEES_UI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <curses.h>

#include "lees/doc.h"
#include "lees/page.h"
#include "lees/state.h"
#include "lees/stream.h"
#include "lees/terms.h"
#include "lees/ui.h"

/* A key: a character (its code point, ≥ 0) or a curses key code, negated. */
#define UI_FN(k) (-(k))
#define UI_CTRL(c) ((c)&0x1f)
#define UI_ESC 27
/* Ctrl-C: cancels a prompt, quits elsewhere (it arrives as SIGINT in cbreak mode). */
#define UI_INTERRUPT UI_FN(KEY_MAX + 1)
/* Bytes typed that the locale cannot read as a character: a key that does nothing. */
#define UI_UNREADABLE UI_FN(KEY_MAX + 2)

enum ui_result {
    UI_HANDLED,
    UI_CLOSE, /* pop the view */
    UI_QUIT,
};

struct ui;
struct ui_view;
struct search;
struct ui_prompt;

struct ui_view_ops {
    void (*draw)(struct ui *ui, struct ui_view *view);
    enum ui_result (*key)(struct ui *ui, struct ui_view *view, int key);
    void (*free)(struct ui_view *view);
    /* After a step of idle work (sections found, pages counted): whether the view is to be
     * drawn again.  NULL when idle work never changes it. */
    bool (*idle)(struct ui *ui, struct ui_view *view);
    /* The terminal's size changed, and with it the pages: page numbers the view shows are to
     * be made again.  NULL when it shows none. */
    void (*resized)(struct ui *ui, struct ui_view *view);
};

/* Concrete views embed this first. */
struct ui_view {
    const struct ui_view_ops *ops;
};

/* Byte ranges painted over the text (ui_spans.c). */
enum ui_span_kind { UI_SPAN_TERM, UI_SPAN_MATCH, UI_SPAN_CURRENT };

struct ui_span {
    size_t start, end;
    enum ui_span_kind kind;
    unsigned index; /* the term, for UI_SPAN_TERM */
};

struct ui_spans {
    struct ui_span *v;
    size_t n, cap;
};

/* Earlier lines typed at a prompt, oldest first; owned by whoever keeps them. */
struct ui_history {
    char **items;
    size_t n;
};

/* Searching from the page (ui_search.c). */
/* A look for the next (or previous) match from a place, wrapping round the text once (or, on
 * standard input still coming in, stopping at the end of what has come).  It gives way to a
 * key; the same look asked for again (Enter, n, N) goes on where it stopped. */
struct ui_find {
    const struct search *se; /* the search it stopped in, NULL when none stopped */
    bool forward;
    bool wrapped; /* it went round the end (the start): it looks from the other */
    bool no_wrap; /* it stops at the end instead: more of the text is still coming */
    size_t from;  /* where it began */
    size_t at;    /* where it goes on */
};

struct ui_search {
    struct search *confirmed; /* the search n and N follow, NULL for none */
    char shown[256];          /* its pattern, as it may be shown */
    struct ui_find find;      /* the last look for a match */
    struct search *typing;    /* the one being typed at the prompt */
    bool backward;            /* started with ? */
    bool regex;               /* --regex, or Ctrl-R at the prompt */
    bool ignore_case;         /* -i */
    bool highlight;           /* matches painted (Esc on the page turns it off) */
    bool have_match;
    size_t match_start, match_end; /* the current match */
    struct page_pos origin;        /* where the view was when the prompt opened */
    size_t origin_offset;
    char status[512]; /* what the prompt line says after the pattern */
    char *pattern;    /* the confirmed search's pattern as typed (owned), to search a new
                         snapshot of a text still coming in with (ui_search_rebind) */
    size_t pattern_len;
    struct ui_history history;
};

#define UI_MAX_VIEWS 8

struct ui {
    const struct doc *doc;
    struct page *page;
    int input_fd;  /* where keys come from: for a look whether one is waiting */
    int width_opt; /* the widest reading column asked for */
    int colw;      /* the reading column now */
    int margin;    /* cells left of the column, to centre it */
    bool color, italic;
    bool ascii; /* the locale is not UTF-8: everything drawn is ASCII */
    struct ui_view *views[UI_MAX_VIEWS];
    int nviews;
    char notice[256];      /* one-line message for the status line, until the next key */
    struct ui_spans spans; /* painted over the lines on screen, collected before each draw */
    const struct terms *terms;
    struct terms_index *terms_index; /* NULL when there are no terms */
    bool show_terms;                 /* x toggles */
    bool close_all;                  /* a list jumped into the text: close every list */
    struct ui_search search;
    struct state *state;     /* NULL with --no-state */
    struct state_text *text; /* this text in the state */
    bool save_warned;        /* a failed save is reported once */
    bool have_jump;
    size_t before_jump; /* where '' goes back to */
    /* G before a long text has been scanned to its end: its last page as read from near the
     * end (doc_tail_new), drawn once while the scan from the top finishes. */
    struct {
        struct doc *doc;
        struct page *page;
        struct terms_index *terms_index;
    } tail;
    bool drawing_tail; /* the status line has no page numbers for it */
    /* Standard input still coming in (ui_stream.c): ui->doc is a snapshot of what has. */
    struct {
        struct stream *s;       /* NULL when the text is whole */
        struct doc *doc;        /* the snapshot shown, when ui_stream.c made it (owned) */
        enum doc_format format; /* the first snapshot's, for all the others */
        size_t shown;           /* its length */
        struct timespec at;     /* when it was made */
        bool final;             /* it holds every byte: the text is whole */
        bool changed;           /* a snapshot came in: draw */
    } stream;
    /* ui_options.find_text, and whether the entry is still to be looked for after the first
     * draw (ui_options.text_later); TEXT_GUESS, the entry kept under the file's path that the
     * first screen opened at, which TEXT is not until the look says so.  PLACE_ASKED: the
     * entry found later (or standard input's, once whole) is not gone to. */
    struct state_text *(*find_text)(struct state *st, const struct doc *doc, const char *file);
    bool text_later;
    const struct state_text *text_guess;
    bool place_asked;
    /* F: following the end of a text that grows (ui_follow.c). */
    struct {
        bool on;
        bool changed;           /* the file grew and was opened again: draw */
        const char *path;       /* the file the text came from (NULL: standard input, built in) */
        char shown[256];        /* its name as it may be shown */
        struct timespec looked; /* when the file was last looked at */
        struct doc *doc;        /* the file opened again (owned), NULL until it changed */
    } follow;
    bool resumed; /* the screen left at start has been resumed by a draw */
};

/* A page over DOC at the current size, and its key terms' index (NULL when there are no
 * terms); false, with neither made, when out of memory. */
bool ui_page_new(const struct ui *ui, const struct doc *doc, struct page **page,
                 struct terms_index **ix);

/* DOC in the place of the text shown (a snapshot of standard input, a file opened again), with
 * PAGE and IX from ui_page_new (NULL for both before the first page is made): the search is made
 * anew for DOC, and then *OWNED, the doc shown before when the ui made it, is freed and DOC
 * takes its place. */
void ui_doc_adopt(struct ui *ui, struct doc *doc, struct page *page, struct terms_index *ix,
                  struct doc **owned);

/* Milliseconds since T0, taken from CLOCK_MONOTONIC. */
double ui_ms_since(const struct timespec *t0);

/* Take standard input still coming in from OPT.  When none of it had come, wait a little for
 * its first lines now (the terminal is set up meanwhile) and make ui->doc a snapshot of them. */
void ui_stream_start(struct ui *ui, const struct ui_options *opt);

/* Whether standard input is still coming in: what is shown is not the whole text. */
bool ui_stream_live(const struct ui *ui);

/* What the stream is, for messages: "standard input" (CAPITAL: "Standard input"), or the FIFO
 * or device named on the command line, in its shown form. */
const char *ui_stream_source(const struct ui *ui, bool capital);

/* Read what has come on standard input, waiting for it or a key at most WAIT_MS (-1: until
 * one comes, 0: not at all), and show a newer snapshot when one is due; whether it did any. */
bool ui_stream_step(struct ui *ui, int wait_ms);

/* Read standard input to its end and show all of it (G, N%, a bookmark, a search that found
 * nothing in what had come); false when a key or Ctrl-C stopped it, or a snapshot could not be
 * made now. */
bool ui_stream_finish(struct ui *ui);

/* Release the snapshot and the stream's hold on the ui. */
void ui_stream_free(struct ui *ui);

/* Whether the view on top is the page with no prompt open: a snapshot may replace the doc. */
bool ui_pager_idle(const struct ui *ui);

/* Search the new ui->doc with the confirmed pattern (a snapshot replaced the old doc). */
void ui_search_rebind(struct ui *ui);

/* G: show the last page at once from near the end of a text not yet scanned to it; false when
 * that cannot be done (page_last then). */
bool ui_tail_show(struct ui *ui);

/* Push VIEW on top (it is freed when popped); false when the stack is full. */
bool ui_push(struct ui *ui, struct ui_view *view);

/* The attributes for a style (ui_style.c). */
void ui_style_init(struct ui *ui, bool no_color);
attr_t ui_style_attr(const struct ui *ui, unsigned style);

/* A key term's colour (or, without colour, bold and underline) added to BASE. */
attr_t ui_style_term(const struct ui *ui, unsigned term, attr_t base);

/* A search match (CURRENT: the one n and N move to) over BASE. */
attr_t ui_style_match(const struct ui *ui, bool current, attr_t base);

void ui_spans_clear(struct ui_spans *sp);
void ui_spans_free(struct ui_spans *sp);
bool ui_spans_add(struct ui_spans *sp, size_t start, size_t end, enum ui_span_kind kind,
                  unsigned index);
void ui_spans_sort(struct ui_spans *sp);
attr_t ui_spans_attr(const struct ui *ui, const struct ui_spans *sp, size_t start, size_t end,
                     attr_t base);

/* Draw TEXT (put in shown form here, and made ASCII when the locale wants it) at ROW, COL, in
 * at most CELLS cells; returns the cells used. */
int ui_put(int row, int col, const char *text, int cells, attr_t attr);

/* Draw the status line: LEFT is cut first when both do not fit. */
void ui_status(const char *left, const char *right);

/* Set the notice shown on the next status line. */
void ui_notice(struct ui *ui, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/*
 * Long work that a key may stop: a search through a long text, the look for a near word.  Once
 * it has gone on for a glance (UI_BUSY_GLANCE_MS) the screen is drawn, once, with the notice
 * (when not "": a prompt's status may say it instead); a key waiting, or Ctrl-C, stops it, and is
 * read next.  Start it, then ask ui_busy_yield between two pieces of the work, or give
 * ui_busy_pause to search_set_interrupt (and unset it before B goes).
 */
#define UI_BUSY_GLANCE_MS 20
struct ui_busy {
    struct ui *ui;
    struct timespec since;
    bool told;
    bool keys_wait; /* set after ui_busy_start: keys wait for the work; only Ctrl-C stops it */
    char notice[256];
};
void ui_busy_start(struct ui_busy *b, struct ui *ui, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Between two pieces of the work: says what it does once it has taken a glance; true when it is
 * to stop, for a key. */
bool ui_busy_yield(struct ui_busy *b);
/* For search_set_interrupt (ARG: the struct ui_busy): the search is to pause, for a key or to
 * say what it does; ui_busy_yield then tells which. */
bool ui_busy_pause(void *arg);

/* The page view (ui_pager.c): the reader itself, always at the bottom of the stack. */
struct ui_view *ui_pager_new(void);

/* The table of contents (ui_toc.c) and the help screen (ui_help.c). */
struct ui_view *ui_toc_new(struct ui *ui);
struct ui_view *ui_help_new(struct ui *ui);

/* Searching (ui_search.c): the prompt's pattern P drives these. */
void ui_search_begin(struct ui *ui, struct ui_prompt *p, bool backward);
void ui_search_edit(struct ui *ui, const struct ui_prompt *p);
void ui_search_cancel(struct ui *ui);
void ui_search_confirm(struct ui *ui, const struct ui_prompt *p);
bool ui_search_step(struct ui *ui, bool same_direction);
void ui_search_toggle_regex(struct ui *ui, struct ui_prompt *p);
void ui_search_spans(struct ui *ui, size_t first, size_t last);
void ui_search_free(struct ui *ui);
void ui_search_history_load(struct ui *ui);
/* Start at the first match of PATTERN (+/PATTERN), as if it had been typed after "/". */
void ui_search_open_at(struct ui *ui, const char *pattern);
/* "match 3/17" for the status line, or "" */
void ui_search_counter(struct ui *ui, char *out, size_t cap);
bool ui_search_counting(const struct ui *ui); /* matches are left to count when idle */

/* F: following a text that grows (ui_follow.c). */
void ui_follow_start(struct ui *ui);        /* F: the last page, and each new one */
void ui_follow_stop(struct ui *ui);         /* a key came */
int ui_follow_wait_ms(const struct ui *ui); /* how long a wait for a key may last, or -1 */
bool ui_follow_counts(const struct ui *ui); /* counting goes on while following */
bool ui_follow_step(struct ui *ui);         /* after that wait: whether the text changed */
bool ui_follow_refresh(struct ui *ui);      /* G, or at the end: a file grown since, opened again */
void ui_follow_free(struct ui *ui);         /* the file opened again, at the end */

/* Bookmarks and the reading position (ui_marks.c). */
void ui_marks_jumping(struct ui *ui);                     /* call before a jump, for '' */
void ui_marks_jumped(struct ui *ui, size_t from);         /* or after one that may not be */
void ui_marks_back(struct ui *ui);                        /* '' */
bool ui_marks_off(struct ui *ui);                         /* said when they are */
void ui_marks_quick(struct ui *ui, int letter);           /* m + letter */
void ui_marks_goto(struct ui *ui, int letter);            /* ' + letter */
void ui_marks_add_named(struct ui *ui, const char *name); /* M, then a name (may be "") */
void ui_marks_save(struct ui *ui);           /* the position and marks, to the state file */
struct ui_view *ui_marks_new(struct ui *ui); /* B */

/* The key terms panel (ui_terms.c): terms, counts, glosses, and each term's occurrences. */
struct ui_view *ui_terms_new(struct ui *ui);

/* A line editor on the status line (ui_prompt.c). */
struct ui_prompt {
    char label[64];
    char buf[256];   /* UTF-8 */
    size_t len, pos; /* pos: the cursor, a byte index at a code point boundary */
    bool active;
    const struct ui_history *history;
    size_t recall; /* the history entry shown, history->n for the line being typed */
};

enum ui_prompt_result { UI_PROMPT_EDITING, UI_PROMPT_DONE, UI_PROMPT_CANCEL };

void ui_prompt_open(struct ui_prompt *p, const char *label, const struct ui_history *history);
enum ui_prompt_result ui_prompt_key(struct ui_prompt *p, int key);
/* Draw the prompt on the status line, with AFTER (a remark such as "(no match)") after it. */
void ui_prompt_draw(const struct ui_prompt *p, const char *after);

/* A scrolling list of rows, for the contents and help screens (ui_list.c). */
struct ui_list_row {
    char *left;  /* shown form */
    char *right; /* shown form, right-aligned; may be NULL */
    int indent;
    size_t mark_start, mark_end; /* bytes of LEFT drawn highlighted (a term in context) */
    size_t key;                  /* what the row stands for, for the list's owner */
};

struct ui_list {
    struct ui_view view;
    const char *heading;
    const char *hint; /* for the status line */
    struct ui_list_row *rows;
    size_t n, cap, sel, top; /* cap: room in rows */
    bool selectable;
    /* Enter on the selection; returns whether the list closes. */
    bool (*activate)(struct ui *ui, struct ui_list *list);
    /* Two lines about the selection shown above the status line; NULL for none. */
    void (*detail)(struct ui *ui, struct ui_list *list, char *line1, char *line2, size_t cap);
    /* (line2 may be long: it is wrapped over the rows left under line1) */
    /* Fill in row I before it is drawn, for rows made only when shown; NULL when all are made. */
    void (*fill)(struct ui *ui, struct ui_list *list, size_t i);
    /* After a step of idle work, add the rows it made known (ui_list_add); whether the screen
     * changed.  NULL for a list whose rows are all known when it opens. */
    bool (*grow)(struct ui *ui, struct ui_list *list);
    bool growing;     /* rows are still to come: the count says "…" */
    bool right_paged; /* the right column holds page numbers, which fill makes again */
    void *data;       /* the owner's */
    void (*free_data)(void *data);
};

extern const struct ui_view_ops ui_list_ops;

/* Allocate a list of N rows with the list operations; NULL when out of memory. */
struct ui_list *ui_list_new(size_t n, const char *heading, const char *hint);

/* Add a row with KEY at the end (for grow); false when out of memory. */
bool ui_list_add(struct ui_list *l, size_t key);

/* Whether row I is among those on screen. */
bool ui_list_row_shown(const struct ui_list *l, size_t i);

#endif
