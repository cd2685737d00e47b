/*
 * lees: a doc laid out for a width.
 *
 * Lines are byte ranges of the source with a little shape (first line of a block, blank, cut);
 * cells, what the terminal shows, are produced from a line on demand by layout_iter, so a line
 * costs a few words of memory and the screen is always derived from the source.  Lines of a
 * section are computed when the section is first asked for and kept until layout_forget or
 * layout_free.  A layout reads its doc, which must outlive it.
 */
#ifndef LEES_LAYOUT_H
#define LEES_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lees/doc.h"

#define LAYOUT_NO_BLOCK UINT32_MAX
#define LAYOUT_MIN_WIDTH 10

enum layout_line_flags {
    LAYOUT_FIRST = 1u << 0, /* the first line of its block: list markers go here */
    LAYOUT_BLANK = 1u << 1, /* space between blocks */
    LAYOUT_CUT = 1u << 2,   /* a code line longer than the width, shown cut with a marker */
    LAYOUT_RULE = 1u << 3,  /* a thematic break */
};

struct layout_line {
    size_t start, end; /* source range; a blank line sits at the start of what follows it */
    uint32_t block;    /* index of its block in its section, LAYOUT_NO_BLOCK for blank lines */
    uint32_t section;  /* its section */
    uint8_t flags;     /* enum layout_line_flags */
};

/* One thing to draw: BYTES are UTF-8 and never a control character. */
struct layout_cell {
    const char *bytes; /* into the source, or into the iterator (valid until the next call) */
    size_t len;
    int width;         /* cells taken; 0 for a combining mark */
    uint16_t style;    /* enum style_bits */
    size_t start, end; /* the source bytes it stands for (empty for prefixes and markers) */
};

struct layout;

enum layout_flags {
    LAYOUT_ASCII = 1u << 0, /* for a terminal without UTF-8: every cell in ASCII (glyph_ascii) */
};

/* Lay out DOC at WIDTH cells (at least LAYOUT_MIN_WIDTH); NULL when out of memory. */
struct layout *layout_new(const struct doc *doc, int width, unsigned flags);

/* Release the layout and every line it handed out. */
void layout_free(struct layout *layout);

/* The width it lays out for. */
int layout_width(const struct layout *layout);

/* The doc it lays out. */
const struct doc *layout_doc(const struct layout *layout);

/* The N lines of section S, computed on first use; NULL when out of memory. */
const struct layout_line *layout_section(struct layout *layout, size_t s, size_t *n);

/* Whether the lines of section S are at hand; and dropping them (pointers to them die). */
bool layout_cached(const struct layout *layout, size_t s);
void layout_forget(struct layout *layout, size_t s);

/* Index in section S of the line that shows byte OFFSET (its first line before, last after). */
size_t layout_line_at(struct layout *layout, size_t s, size_t offset);

/* Walks the cells of one line; fields are private. */
struct layout_iter {
    const struct layout *layout;
    const struct layout_line *line;
    const struct doc_block *block;
    const struct doc_run *runs;
    const char *data; /* the text's bytes */
    uint32_t run;
    size_t pos;
    int phase;    /* prefix, text, marker, done */
    int part;     /* which container of the prefix */
    int col;      /* cells emitted so far, prefix included */
    int text_col; /* cells of text emitted, for tab stops */
    int prefix_width, text_width;
    uint16_t style;
    char buf[24];
};

/* Start walking LINE of LAYOUT. */
void layout_iter_init(struct layout_iter *it, const struct layout *layout,
                      const struct layout_line *line);

/* The next cell of the line, false at its end; every cell fits in the layout's width. */
bool layout_iter_next(struct layout_iter *it, struct layout_cell *cell);

#endif
