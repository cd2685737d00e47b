/*
 * lees: the text written out plainly, for when standard output is not a terminal (a pipe, a
 * file, TERM=dumb): wrapped as on screen, with no escape codes, as less and bat do.
 */
#ifndef LEES_PRINT_H
#define LEES_PRINT_H

#include <stdio.h>

#include "lees/doc.h"
#include "lees/error.h"
#include "lees/layout.h"
#include "lees/terms.h"

/* Write one laid-out line (without its newline); returns 0, or -1 with errno on a write error. */
int print_line(const struct layout *layout, const struct layout_line *line, FILE *out);

/* Write DOC wrapped at WIDTH, a blank line between sections; 0, or -1 with errno. */
int print_doc(const struct doc *doc, int width, FILE *out);

/*
 * Write the table of contents: each section's title, indented by level, with the page it starts
 * on when pages are WIDTH × HEIGHT; 0, or -1 with errno.
 */
int print_toc(const struct doc *doc, int width, int height, FILE *out);

/*
 * The text around source bytes [START, END) on one line, in shown form, whole words only, about
 * CONTEXT bytes on each side: a keyword in context.  Returns a string to free() (NULL when out
 * of memory) and in *MARK_START, *MARK_END the bytes of it that show [START, END).
 */
char *print_kwic(const struct doc *doc, size_t start, size_t end, size_t context,
                 size_t *mark_start, size_t *mark_end);

/*
 * Write every match of PATTERN (search flags FLAGS) in DOC, one a line: the section's title,
 * the page (for WIDTH × HEIGHT pages) and the match in context, marked in bold when BOLD.
 * Returns the number of matches, or -1 with ERR (a bad pattern, a write error).
 */
long print_grep(const struct doc *doc, const char *pattern, unsigned flags, int width, int height,
                int bold, FILE *out, struct lees_error *err);

/*
 * Write each term with its gloss and its count in the whole text, then its count in each
 * section where it stands; 0, or -1 with errno.
 */
int print_terms(const struct doc *doc, const struct terms *terms, FILE *out);

#endif
