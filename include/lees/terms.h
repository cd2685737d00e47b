/*
 * lees: key terms, read from terms files and matched in a text.
 *
 * A terms file has one term a line: variants separated by "|", a trailing "*" on a variant
 * lets its last word run on into a compound ("tewerkstelling*" matches
 * "tewerkstellingskansen"), "= gloss" after the term gives a one-line gloss, and "#" starts a
 * comment (at the start of a line, or after white space).  A line with an error is skipped with
 * a message "FILE:LINE: what is wrong" and reading goes on.
 *
 * The terms own their strings; pointers from terms_get stay valid until terms_free.
 */
#ifndef LEES_TERMS_H
#define LEES_TERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lees/doc.h"
#include "lees/error.h"

struct term_variant {
    char *text;    /* as written, white space collapsed, without the "*" */
    bool compound; /* a trailing "*": the last word may run on */
};

struct key_term {
    char *label; /* the first variant, as written, for lists */
    char *gloss; /* NULL when none */
    struct term_variant *variants;
    size_t nvariants;
    char *origin; /* "FILE:LINE" or "-t" */
};

struct terms;

/* An empty set of terms; NULL when out of memory. */
struct terms *terms_new(void);

/* Release the terms and everything they own. */
void terms_free(struct terms *terms);

/*
 * Add the terms in the N bytes at TEXT, read from the file NAME (for messages).  Bad lines are
 * skipped and reported (terms_error); returns the number of bad lines, or -1 when out of memory.
 */
int terms_parse(struct terms *terms, const char *name, const char *text, size_t n);

/*
 * Read the terms file at PATH and add its terms.  Returns the number of bad lines (reported by
 * terms_error), or -1 with ERR when the file cannot be read (ERR->code LEES_ERR_FILE; errno is
 * ENOENT when it does not exist, so a caller may skip an optional file).
 */
int terms_read_file(struct terms *terms, const char *path, struct lees_error *err);

/* Add one term written as on a line of a terms file (from -t); 0, 1 when it is bad, -1 OOM. */
int terms_add(struct terms *terms, const char *line);

size_t terms_count(const struct terms *terms);
const struct key_term *terms_get(const struct terms *terms, size_t i);

/* The messages of lines that were skipped, in order: "FILE:LINE: what is wrong". */
size_t terms_error_count(const struct terms *terms);
const char *terms_error(const struct terms *terms, size_t i);

/*
 * Matching: a hit is a byte range of the source where a term stands, found with the folding of
 * search (case, accents, white space and line breaks ignored) and libunistring's word
 * boundaries: a term matches whole words, except that a compound variant's last word may run on
 * ("tewerkstelling*" covers all of "tewerkstellingskansen").  Where hits overlap, the longer
 * wins.  Hits are computed per section when first asked for; those of the last 64 sections
 * asked for are kept, and every section's count of each term once it is taken.
 */
struct term_hit {
    size_t start, end; /* source range */
    unsigned term;     /* index in the terms */
};

struct terms_index;

/* An index of TERMS in DOC (both must outlive it); NULL when out of memory. */
struct terms_index *terms_index_new(const struct terms *terms, const struct doc *doc);

/* Release the index and every hit it handed out. */
void terms_index_free(struct terms_index *index);

/* The N hits in section S in source order; NULL (N = 0) when out of memory.  Valid until the
 * hits of 64 other sections have been asked for. */
const struct term_hit *terms_index_section(struct terms_index *index, size_t s, size_t *n);

/* How many times term T stands in section S (with its parts: doc_section's continued), or in
 * the whole text when S is SIZE_MAX (which counts every section not yet counted). */
size_t terms_index_count(struct terms_index *index, unsigned t, size_t s);

/* Count more sections, from the top, until about BUDGET bytes of them (at least one section;
 * for idle time); true when all are counted. */
bool terms_index_count_step(struct terms_index *index, size_t budget);
bool terms_index_counted(const struct terms_index *index);

/* Term T in the sections counted so far, without counting more; *DONE: that is all of them. */
size_t terms_index_count_so_far(const struct terms_index *index, unsigned t, bool *done);

/* Term T in section S (with its parts) if they are counted: false, without counting, if not. */
bool terms_index_count_known(const struct terms_index *index, unsigned t, size_t s, size_t *n);

#endif
