/*
 * lees: the text written out plainly, for when standard output is not a terminal (a pipe, a
 * file, TERM=dumb): wrapped as on screen, with no escape codes, as less and bat do.
 */
#ifndef LEES_PRINT_H
#define LEES_PRINT_H

#include <stdio.h>

#include "lees/doc.h"
#include "lees/layout.h"

/* Write one laid-out line (without its newline); returns 0, or -1 with errno on a write error. */
int print_line(const struct layout *layout, const struct layout_line *line, FILE *out);

/* Write DOC wrapped at WIDTH, a blank line between sections; 0, or -1 with errno. */
int print_doc(const struct doc *doc, int width, FILE *out);

/*
 * Write the table of contents: each section's title, indented by level, with the page it starts
 * on when pages are WIDTH × HEIGHT; 0, or -1 with errno.
 */
int print_toc(const struct doc *doc, int width, int height, FILE *out);

#endif
