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

struct term_variant {
    char *text;    /* as written, white space collapsed, without the "*" */
    bool compound; /* a trailing "*": the last word may run on */
};

struct term {
    char *label;  /* the first variant, as written, for lists */
    char *gloss;  /* NULL when none */
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

/* Add one term written as on a line of a terms file (from -t); 0, 1 when it is bad, -1 OOM. */
int terms_add(struct terms *terms, const char *line);

size_t terms_count(const struct terms *terms);
const struct term *terms_get(const struct terms *terms, size_t i);

/* The messages of lines that were skipped, in order: "FILE:LINE: what is wrong". */
size_t terms_error_count(const struct terms *terms);
const char *terms_error(const struct terms *terms, size_t i);

#endif
