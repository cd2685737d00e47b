/*
 * lees: the state file, which keeps reading positions, bookmarks and the search history
 * between runs.
 *
 * A state is what one process knows of the file: loaded once, changed in memory, and saved
 * under a lock by merging this process's own changes since its last load or save into what is
 * on disk then, so two readers open at once both keep everything they did.  A text is known by
 * a 64-bit hash of its bytes and by its path; every position is a byte offset into the text,
 * kept with a short quote of the bytes there so that bookmarks can be found again after an edit
 * (state_reanchor).  Loading never fails for a bad file, and never writes: a damaged line is
 * skipped and the rest is read, with a one-line warning, and the save that replaces such a
 * file first keeps a copy of it as it was.  A file written by a newer lees is not read and
 * never written.  The format is described at the top of src/state.c.
 *
 * Ownership: the state owns its texts, their marks and the history.  A struct state_text
 * pointer stays valid until state_free (even when a save drops the text from the file).  A
 * struct state_mark pointer is valid until the next change to that text's marks (add, quick,
 * delete, restore, rename, state_reanchor) or the next state_save or state_free; keep the id
 * rather than the pointer.  History strings are valid until the next state_history_add,
 * state_save or state_free.
 */
#ifndef LEES_STATE_H
#define LEES_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lees/error.h"

#define STATE_FORMAT_VERSION 1
#define STATE_QUOTE_MAX 40    /* bytes of source kept as a mark's quote */
#define STATE_MAX_TEXTS 500   /* texts kept, the most recently read */
#define STATE_MAX_HISTORY 100 /* search patterns kept, the most recent */

struct state;
struct state_text;

/* A bookmark, as the caller sees it (read-only). */
struct state_mark {
    uint64_t id;      /* unique and never 0; stable across saves and processes */
    size_t offset;    /* byte offset into the text */
    time_t created;   /* when it was made */
    char key;         /* 'a'–'z' or 'A'–'Z' for a quick mark; 0 for a named one */
    bool lost;        /* its quote is no longer in the text; offset is where it last was */
    char *name;       /* NUL-terminated, NAME_LEN bytes; "" for a quick mark not renamed */
    size_t name_len;  /* names may hold any byte but NUL */
    char *quote;      /* the source bytes at OFFSET when it was set; NUL-terminated */
    size_t quote_len; /* at most STATE_QUOTE_MAX for marks made here; may hold NUL bytes */
};

/*
 * Write the default state path into BUF (CAP bytes): $XDG_STATE_HOME/lees/state, or
 * ~/.local/state/lees/state when XDG_STATE_HOME is unset, empty or not absolute.  Returns 0,
 * or -1 with errno ENOENT (no home directory known) or ENAMETOOLONG.
 */
int state_default_path(char *buf, size_t cap);

/*
 * Load the state file at PATH into *OUT.  A missing or empty file is an empty state.  In a
 * damaged file, each line that does not parse or breaks a rule is skipped (with the position
 * and marks of a text whose own line is skipped) and the rest is read; a file cut short keeps
 * what comes before the cut; the warning (state_warning) names the lines and the copy,
 * PATH.corrupt-YYYYMMDD-HHMMSS, that the next state_save keeps before it replaces the file.
 * A file a newer lees wrote is not read (the state starts empty) and is never written:
 * state_save does nothing.  A file that cannot be read (or is a symbolic link) is left alone
 * and the state starts empty.  Each leaves a warning.  Returns 0, or -1 with ERR only when out
 * of memory.  Nothing is written, moved or created on disk, not even the lock file, so that
 * lees --bookmarks changes nothing.
 */
int state_load(const char *path, struct state **out, struct lees_error *err);

/* Release the state and everything it owns (unsaved changes are dropped). */
void state_free(struct state *st);

/* The path it was loaded from. */
const char *state_path(const struct state *st);

/*
 * A one-line warning left by state_load or the last state_save (lines of a damaged file
 * skipped and where its copy is, a newer lees's file, a file that could not be read), or NULL.
 * Valid until the next state_save or state_free.
 */
const char *state_warning(const struct state *st);

/*
 * Save: under the lock, read the file again, apply this process's changes since its last load
 * or save to it, keep the STATE_MAX_TEXTS texts read last, and replace the file atomically
 * (temporary file, fsync, rename, fsync of the directory); the state then holds the merged
 * result.  Creates the directory (0700) when missing; the file is 0600.  Does nothing when
 * there is nothing to save.  A damaged file (see state_load) is first copied, under a name no
 * file has (the warning says which), and what could be read of it is merged; when no copy can
 * be made, nothing is written.  Returns 0, or -1 with ERR (the file on disk is then as it was,
 * and the changes are kept for a later save).  A state path that is a symbolic link is never
 * written through: saving fails.  A file a newer lees wrote is never written: the save that
 * finds it fails once, saying so, and every save after it does nothing and returns 0.
 */
int state_save(struct state *st, struct lees_error *err);

/* Whether there are changes not yet saved. */
bool state_dirty(const struct state *st);

/*
 * The 64-bit hash (XXH3) by which a text is known: of the bytes doc_bytes returns.  A text over
 * 1 MiB is known by its length, its first and last 4 KiB and 7 samples of 4 KiB between, so
 * opening it reads no more than that: an edit that keeps its length and misses every sample
 * leaves its hash as it was (its marks are still re-anchored by their quotes).
 */
uint64_t state_hash(const void *bytes, size_t len);

/* Texts up to this many bytes are hashed whole; longer ones by samples. */
#define STATE_HASH_WHOLE (1u << 20)

/* Copies N bytes at OFF of a text into BUF: 0, or -1 when they cannot be read. */
typedef int (*state_read_fn)(const void *ctx, size_t off, void *buf, size_t n);

/*
 * state_hash of a LEN-byte text that READ copies out (with CTX): the same value, but a mapped
 * text's samples are read from its file rather than faulted in, page by page, from its mapping
 * (half a millisecond before the first screen of 100 MB).  0 with *OUT, or -1 when a read fails.
 */
int state_hash_read(size_t len, state_read_fn read, const void *ctx, uint64_t *out);

/*
 * The entry for the text with hash HASH at PATH (an absolute path, or NULL when it has none,
 * as for standard input), created when new, and marked as read now.  The same hash at a new
 * path is the same entry (its path is updated: the file was renamed); the same path with a new
 * hash is the same entry too (the file was edited: call state_reanchor).  NULL when out of
 * memory.
 */
struct state_text *state_text(struct state *st, uint64_t hash, const char *path);

/* The entry kept under PATH, NULL when none: a look that changes nothing, for opening a text
 * at its place before its hash is known (state_text then makes it the entry). */
struct state_text *state_text_at_path(struct state *st, const char *path);

/*
 * The number of texts known (those in the file at the last load or save, and those handed out
 * by state_text since), and the I-th, the most recently read first.
 */
size_t state_text_count(const struct state *st);
struct state_text *state_text_at(const struct state *st, size_t i);

/* The hash, path (NULL when none) and last reading time of a text. */
uint64_t state_text_hash(const struct state_text *t);
const char *state_text_path(const struct state_text *t);
time_t state_text_read(const struct state_text *t);

/* The reading position, a byte offset (0 for a new text). */
size_t state_position(const struct state_text *t);

/*
 * Set the reading position to OFFSET in the text's LEN bytes at BYTES (for the quote), and the
 * time it was last read to now.  Returns 0, or -1 (errno ENOMEM).
 */
int state_position_set(struct state_text *t, size_t offset, const char *bytes, size_t len);

/* Add a named mark at OFFSET of the text's bytes; returns its id, or 0 (errno ENOMEM). */
uint64_t state_mark_add(struct state_text *t, const char *name, size_t offset, const char *bytes,
                        size_t len);

/*
 * Set quick mark KEY (a–z, A–Z) at OFFSET, replacing the text's mark with that letter if any;
 * returns its id, or 0 (errno EINVAL for a bad key, ENOMEM).
 */
uint64_t state_mark_quick(struct state_text *t, char key, size_t offset, const char *bytes,
                          size_t len);

/*
 * Delete mark ID.  When UNDO is not NULL the mark is handed over in *UNDO, to be given back
 * with state_mark_restore or dropped with state_mark_free.  Returns 0, or -1 (errno ENOENT).
 */
int state_mark_delete(struct state_text *t, uint64_t id, struct state_mark **undo);

/*
 * Put back a mark that state_mark_delete handed over, with its id, and take it (M is consumed
 * whatever the result).  A quick mark takes its letter back from any mark that has it since.
 * Returns 0, or -1 (errno EEXIST when a mark with its id is there, ENOMEM).
 */
int state_mark_restore(struct state_text *t, struct state_mark *m);

/* Release a mark handed over by state_mark_delete. */
void state_mark_free(struct state_mark *m);

/* Rename mark ID (a quick mark keeps its letter).  Returns 0, or -1 (errno ENOENT, ENOMEM). */
int state_mark_rename(struct state_text *t, uint64_t id, const char *name);

/* The number of marks of a text, and the I-th, in the order of their offsets. */
size_t state_mark_count(const struct state_text *t);
const struct state_mark *state_mark_at(const struct state_text *t, size_t i);

/* Mark ID, or NULL. */
const struct state_mark *state_mark_find(const struct state_text *t, uint64_t id);

/* The quick mark with letter KEY, or NULL. */
const struct state_mark *state_mark_key(const struct state_text *t, char key);

/*
 * Find the text's marks and reading position again in its current LEN bytes at BYTES: a mark
 * whose quote still stands at its offset stays; one whose quote stands elsewhere moves there
 * (the occurrence nearest its old offset); one whose quote is gone stays, at most at the end,
 * and is flagged lost (a lost mark found again is no longer lost).  Cheap when nothing moved:
 * call it whenever a text is opened.  Returns the number of lost marks.
 */
size_t state_reanchor(struct state_text *t, const char *bytes, size_t len);

/* Where state_reanchor would put the reading position in LEN bytes at BYTES, changing nothing:
 * the place to open an entry kept under the file's path at before its hash says the entry is
 * this text's (the file may now hold another text, whose marks must not be moved to it). */
size_t state_position_in(const struct state_text *t, const char *bytes, size_t len);

/*
 * Add PATTERN to the search history, as its most recent entry (an earlier equal one is
 * removed; only the last STATE_MAX_HISTORY are kept).  Returns 0, or -1 (errno ENOMEM).
 */
int state_history_add(struct state *st, const char *pattern);

/* The number of history entries, and the I-th, the oldest first. */
size_t state_history_count(const struct state *st);
const char *state_history_at(const struct state *st, size_t i);

#endif
