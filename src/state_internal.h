/*
 * state_internal.h: the state structures and what the state module's files share (state.c:
 * the model, the merge and re-anchoring; state_format.c: parsing and writing the text format;
 * state_file.c: the lock, atomic replacement, keeping a copy of a damaged file).  Not installed;
 * the unit tests and the fuzz target include it for the parser and the fault hooks.
 */
#ifndef LEES_STATE_INTERNAL_H
#define LEES_STATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lees/error.h"
#include "lees/state.h"

/* What changed in a text since the last load or save (struct state_text.dirty). */
enum {
    TEXT_PATH = 1,
    TEXT_HASH = 2,
    TEXT_READ = 4,
    TEXT_POSITION = 8,
    TEXT_MARKS = 16, /* a mark added, changed or deleted */
};

/* What changed in a mark (struct smark.dirty). */
enum {
    MARK_ADDED = 1, /* the whole mark is this process's: added or restored */
    MARK_NAME = 2,
    MARK_PLACE = 4, /* offset and lost flag (re-anchored) */
};

struct smark {
    struct state_mark m;
    unsigned dirty;
};

struct state_text {
    uint64_t hash;
    char *path; /* NULL when none */
    time_t read;
    size_t pos;
    char *pos_quote;
    size_t pos_quote_len;
    struct smark *marks; /* sorted by offset, then creation, then id */
    size_t nmarks, cap_marks;

    /* The journal: what this process changed since its last load or save. */
    unsigned dirty;
    uint64_t *deleted; /* ids of marks deleted */
    size_t ndeleted, cap_deleted;

    /* Set by the parser: a line of its block was skipped or cut off (DAMAGED); its position
     * line was read (HAS_POSITION).  A save over a damaged file puts back from this process
     * what such a text lost. */
    bool damaged, has_position;

    bool synced; /* it was in the file at the last load or save, as SYNCED_HASH */
    uint64_t synced_hash;
    bool held;               /* handed out by state_text: kept in memory until state_free */
    struct state_text *peer; /* during a save: its counterpart in the other list */
};

struct state {
    char *path;
    struct state_text **texts; /* the most recently read first */
    size_t ntexts, cap_texts;
    char *history[STATE_MAX_HISTORY]; /* the oldest first */
    size_t nhistory;
    char *added[STATE_MAX_HISTORY]; /* the journal: patterns added since the last load or save */
    size_t nadded;
    bool has_warning;
    char warning[1024];
    /* The file was written by a newer lees: it is never written, and saving does nothing. */
    bool frozen;
};

/* The result of parsing a state file. */
enum state_parse_result {
    STATE_PARSE_OK,
    STATE_PARSE_DAMAGED, /* lines skipped or cut short: the rest was read */
    STATE_PARSE_NEWER,   /* a format version this lees does not know: nothing was read */
    STATE_PARSE_NOMEM,
};

/* state.c */
struct state *state_new(const char *path);
struct state_text *state_text_new(void);
void state_text_free(struct state_text *t);
void state_text_sort_marks(struct state_text *t);
int state_append_text(struct state *st, struct state_text *t);
/* Append M (taking its name and quote, even on failure); 0, or -1 when out of memory. */
int state_text_append_mark(struct state_text *t, struct state_mark *m);
/* Make P (taken) the newest of the N patterns in LIST, dropping an equal one and the oldest. */
void state_history_push(char **list, size_t *n, char *p);
/* Sort the texts, the most recently read first, and drop those past STATE_MAX_TEXTS. */
void state_keep_recent(struct state *st);

/* state_format.c */

/*
 * Parse LEN bytes at DATA into ST (empty, as state_new makes it).  A line that does not parse
 * or breaks a rule is skipped (with the position and mark lines of a text whose line is
 * skipped or lost: a position line not right after a text line) and the rest is read:
 * STATE_PARSE_DAMAGED, and WHY (CAP bytes) says which lines and why, and whether the file was cut
 * short.  On STATE_PARSE_NEWER nothing is read and WHY says which version it is.  An empty file is
 * an empty state.
 */
enum state_parse_result state_parse(struct state *st, const char *data, size_t len, char *why,
                                    size_t cap);

/* The file text for ST, in a malloc'd buffer of *LEN bytes; NULL when out of memory. */
char *state_format(const struct state *st, size_t *len);

/* state_file.c */

/* Points where a test can make the file operations fail. */
enum state_fault_point {
    STATE_FAULT_MKDIR,
    STATE_FAULT_LOCK,
    STATE_FAULT_MKSTEMP,
    STATE_FAULT_WRITE,
    STATE_FAULT_FSYNC,
    STATE_FAULT_CLOSE,
    STATE_FAULT_RENAME,
    STATE_FAULT_DIRSYNC,
    STATE_FAULT_COPY,
};

/* For tests: when set, called at each point; a nonzero result makes it fail with that errno. */
extern int (*state_fault_hook)(enum state_fault_point point);

/* For tests: when set, the clock used for dates and names instead of time(). */
extern time_t (*state_clock_hook)(void);

/* The current time (state_clock_hook or time()). */
time_t state_now(void);

/* A new random mark id, never 0. */
uint64_t state_new_id(void);

/* Open and lock (LOCK_EX) PATH.lock; CREATE_DIR makes the directory first.  An fd, or -1. */
int state_file_lock(const char *path, bool create_dir, struct lees_error *err);

/* Release the lock taken by state_file_lock. */
void state_file_unlock(int fd);

/*
 * Read the regular file PATH (never through a symbolic link) into a malloc'd buffer.  Returns
 * 0, or -1 with errno: ENOENT (or ENOTDIR) when absent, ELOOP for a symbolic link, EINVAL for
 * something not a regular file, EFBIG when too large, ENOMEM, or what open/read said.
 */
int state_file_read(const char *path, char **data, size_t *len);

/* The name a copy of PATH made at WHEN is first offered: PATH.corrupt-YYYYMMDD-HHMMSS. */
void state_file_copy_name(const char *path, time_t when, char *dest, size_t cap);

/*
 * Keep LEN bytes at DATA (a damaged file's) as a new file beside PATH, named as
 * state_file_copy_name says (with .1, .2 … when taken: no file is ever replaced), written
 * whole and synced before it takes its name; the name in DEST (CAP bytes).  Returns 0, or -1
 * with errno.
 */
int state_file_keep_copy(const char *path, time_t when, const char *data, size_t len, char *dest,
                         size_t cap);

/*
 * Replace PATH by LEN bytes at DATA: a temporary file beside it, fsync, rename, fsync of the
 * directory.  PATH is never written through a symbolic link.  Returns 0, or -1 with ERR; on
 * failure PATH is as it was and no temporary file is left.
 */
int state_file_replace(const char *path, const char *data, size_t len, struct lees_error *err);

/* Remove temporary files a killed writer left beside PATH (call with the lock held). */
void state_file_sweep(const char *path);

#endif
