/*
 * lees: the terminal user interface.  The only module that includes <curses.h> (through
 * src/ui_internal.h); the rest of lees reaches the screen through ui_run alone.
 */
#ifndef LEES_UI_H
#define LEES_UI_H

#include "lees/doc.h"
#include "lees/error.h"
#include "lees/state.h"
#include "lees/stream.h"
#include "lees/terms.h"

struct ui_options {
    int width;      /* the reading column's width in cells (at most; narrower terminals win) */
    size_t page;    /* open at this page when non-zero */
    int ask_binary; /* the text looks binary: ask before showing it */
    int force;      /* --force: never ask (a stream's first lines are looked at in ui_run) */
    const struct terms *terms; /* key terms to highlight (may have none) */
    const char *notice;        /* a first message for the status line, or "" */
    int no_color;              /* --no-color */
    const char *find;          /* +/PATTERN: open at its first match, or NULL */
    unsigned search_flags;     /* -i, --regex */
    struct state *state;       /* where positions and bookmarks are kept, or NULL (--no-state) */
    struct state_text *text;   /* this text's entry in it */
    int place_asked;           /* +N, +/PATTERN or --section: do not go to the saved position */
    size_t section;            /* --section: open at this section (1-based), 0 for none */
    const char *file; /* the file the text was opened from (F opens it again), NULL for none */
    int last;         /* +G: open at the last page */
    int follow;       /* +F: open following the end of the text, as F does */
    /* Standard input still coming in: the doc shown is a snapshot of it, NULL otherwise.  The
     * stream outlives ui_run; the docs ui_run makes from it are its own. */
    struct stream *stream;
    enum doc_format stream_format; /* as asked (--format): the doc is empty when nothing has
                                      come yet, and ui_run waits for the first bytes itself,
                                      once the terminal is set up, so that both go on at once */
    /* The text's entry in the state, looked for once it is known (the key is its content):
     * standard input once it has all come in (FILE NULL), and after the first screen a text
     * whose entry was not looked for before it (text_later; FILE is the file it came from, or
     * NULL). */
    struct state_text *(*find_text)(struct state *st, const struct doc *doc, const char *file);
    /* The entry is looked for by content after the first screen, not before it (hashing 100
     * MB's samples, 35 µs): TEXT is NULL (the state held no text) or the entry kept under the
     * file's path, which the look replaces when the file now holds another kept text.  Such an
     * entry is only a guess until then: the first screen is at TEXT_AT (state_position_in),
     * and nothing is changed in it, nor saved to it, before the look says it is this text's. */
    int text_later;
    size_t text_at;
};

/* Show DOC until the user quits; 0, -1 with ERR when the terminal cannot be used, or the
 * number of the signal that ended it (SIGHUP, SIGTERM), for the caller to end by once it has
 * saved what it must, so that whoever sent it sees lees killed by it. */
int ui_run(const struct doc *doc, const struct ui_options *opt, struct lees_error *err);

#endif
