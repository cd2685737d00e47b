/*
 * lees: finding a pattern in a doc as a reader types it.
 *
 * The text searched is what is shown, block by block, not the raw Markdown: emphasis markers
 * are not there, a soft or hard line break is a space, an entity is its character, a NUL is
 * U+FFFD.  Text and pattern are folded alike (fold.h): accents are always ignored (in NFC and
 * NFD text), case is ignored unless the pattern holds a capital (smart case) or always with
 * SEARCH_IGNORE_CASE, white space in the pattern matches any run of white space, punctuation
 * matches as typed.  A match never spans two blocks.  Matches are source byte ranges
 * [start, end) covering whole code points; two matches never start at the same byte, and a match
 * that covers no byte (white space standing only for a line break placed at no byte) is not
 * reported.
 *
 * With SEARCH_REGEX the pattern is a POSIX extended regular expression (regcomp, REG_EXTENDED),
 * run over each block's shown text folded as follows.  The text: accents and marks dropped,
 * white space collapsed to one space, and with case ignored, case folded (so "ß" is "ss" there).
 * The pattern: ASCII characters, the whole regex syntax among them, are left as typed, and case
 * is ignored with REG_ICASE; each non-ASCII character is folded as the text is, and where its
 * folding holds a regex operator ("…" is "..."), that operator is escaped, so it still means
 * itself.  Inside a bracket expression a non-ASCII character is replaced only by a folding of
 * one character ("[é]" is "[e]"); one folding to several ("[ß]" with case ignored) stays as typed
 * and can match nothing.  In a UTF-8 locale (the reader's) "." and bracket expressions match
 * whole characters and never an invalid byte of the text; in the C locale they match bytes, and
 * a match covering part of a character stands for all of it.  "^" and "$" are the start and
 * end of a block; an empty match is not reported; matches follow each other without
 * overlapping, from the start of the block.  A regex that glibc would take gigabytes to compile
 * (repetitions nested or stacked many deep: "a++++…", "((a+)+)+…", "(a{1000}){1000}") is refused
 * as too complex, and back-references ("\1", whose matching can take exponential time) are
 * refused.  In a block longer than 128 KiB the text is searched in windows of about that size
 * cut before a word, and a regex match does not cross a window's edge.
 *
 * A search reads its doc, which must outlive it.  It keeps no folded copy of the text: whatever
 * the text's size it holds at most a few megabytes (a literal search from the top of 100 MB,
 * about 16 KB), and a table of match counts of 8 bytes per 64 KiB once search_count is used.
 */
#ifndef LEES_SEARCH_H
#define LEES_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "lees/doc.h"
#include "lees/error.h"

enum search_flags {
    SEARCH_IGNORE_CASE = 1u << 0, /* -i: ignore case even when the pattern has a capital */
    SEARCH_REGEX = 1u << 1,       /* the pattern is a POSIX extended regular expression */
    SEARCH_SLOW = 1u << 2,        /* fold every block in small pieces, never the fast path:
                                     for tests */
};

/* One match: source bytes [start, end). */
struct search_match {
    size_t start, end;
};

struct search;

/*
 * A search for the LEN bytes at PATTERN in DOC; NULL with ERR for an empty pattern (or one that
 * folds to nothing, such as a lone accent), an invalid regular expression (regerror's message),
 * one too complex or with a back-reference, or no memory.
 */
struct search *search_new(const struct doc *doc, const char *pattern, size_t len, unsigned flags,
                          struct lees_error *err);

/* Release the search. */
void search_free(struct search *s);

/* Whether case is ignored: SEARCH_IGNORE_CASE, or a pattern without capitals. */
bool search_ignores_case(const struct search *s);

/* The first match starting at or after byte FROM; false when there is none. */
bool search_next(struct search *s, size_t from, struct search_match *m);

/* The last match starting before byte BEFORE; false when there is none. */
bool search_prev(struct search *s, size_t before, struct search_match *m);

/*
 * The matches overlapping [START, END), in order, at most MAX of them into OUT; returns how
 * many were stored.  For painting the lines on screen: recent blocks' matches are cached.  In a
 * block longer than 64 KiB a match is found only if it starts at most 64 KiB before START.
 */
size_t search_range(struct search *s, size_t start, size_t end, struct search_match *out,
                    size_t max);

/*
 * The number of matches in the text, and in *INDEX (may be NULL) the 1-based number of the
 * first match starting at or after OFFSET, or 0 when none does ("match 3/17").  The first call
 * reads the whole text (about as long as a search that finds nothing); later calls read at
 * most 64 KiB.
 */
size_t search_count(struct search *s, size_t offset, size_t *index);

/* Count the matches in about BUDGET more bytes of the text (when idle), so that search_count
 * does not have to; true once all are counted, and from then on search_count_known. */
bool search_count_step(struct search *s, size_t budget);
bool search_count_known(const struct search *s);

/*
 * Let search_next and search_prev give up when INTERRUPT(ARG) returns true (it is asked every
 * few dozen blocks: a reader's key is waiting).  They then return false and search_interrupted
 * says so until the next of them.  Painting (search_range) and counting never give up.
 */
void search_set_interrupt(struct search *s, bool (*interrupt)(void *arg), void *arg);
bool search_interrupted(const struct search *s);
/* After a search_next (search_prev) that gave up: the byte from which (before which) it is to go
 * on.  The call made again from there finds what the one that gave up would have found. */
size_t search_resume(const struct search *s);

/* Whether memory ran out during a call: matches may then have been missed. */
bool search_failed(const struct search *s);

/*
 * The word of DOC closest to the LEN bytes at PATTERN, for "no match; did you mean …?": words
 * split at UAX #29 boundaries, compared case- and accent-folded by Damerau–Levenshtein distance
 * (adjacent transpositions count one), which must be at most a third of the pattern's length
 * (at least 1).  The nearest word, the first of equals, is copied as written in the text into
 * OUT (CAP bytes, NUL-terminated); false when no word is near enough, the pattern is more than
 * one word, or the word does not fit.  Reads the whole text: one to two seconds for 100 MB.
 */
bool search_suggest(const struct doc *doc, const char *pattern, size_t len, char *out, size_t cap);

/*
 * The same look, a step at a time, so that a reader's key need not wait for it: NULL when no
 * suggestion is to be looked for (the pattern is more than one word, or too long) or no memory.
 * Each step looks through about BUDGET more bytes of the text and says whether all of it has
 * been; search_suggest_word is then the nearest word (it lives as long as the look), or NULL.
 * The look reads DOC, which must outlive it, and keeps its own copy of the pattern.
 */
struct search_suggestion;
struct search_suggestion *search_suggest_new(const struct doc *doc, const char *pattern,
                                             size_t len);
bool search_suggest_step(struct search_suggestion *sg, size_t budget);
const char *search_suggest_word(const struct search_suggestion *sg);
void search_suggest_free(struct search_suggestion *sg);

#endif
