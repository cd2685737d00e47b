/*
 * doc_internal.h: the doc structure, the parse builder the parsers share (doc_md.c for Markdown,
 * doc_text.c for plain text) and the section scanner (doc_index.c).  Not installed; only the doc
 * module includes it.
 *
 * A text up to the whole-parse limit is parsed at open, in one piece, and its sections are cut
 * from the parsed headings.  A longer one is opened without parsing anything: doc_index.c finds
 * its sections by looking at the start of each line, as far as it is asked to (or while idle),
 * and each section is parsed on its own when first asked for, into a parse kept in a small
 * cache of recently used sections.
 */
#ifndef LEES_DOC_INTERNAL_H
#define LEES_DOC_INTERNAL_H

#include <stdbool.h>

#include "lees/doc.h"

enum doc_ownership { DOC_BORROWED, DOC_MAPPED, DOC_HEAP };

/* The blocks and runs parsed from one range of the source. */
struct doc_parse {
    struct doc_block *blocks;
    size_t nblocks, cap_blocks;
    struct doc_run *runs;
    size_t nruns, cap_runs;
    bool in_block;                   /* a block is open: runs go to blocks[nblocks - 1] */
    bool failed;                     /* an allocation failed while building */
    size_t section;                  /* the section it holds (one-section parses) */
    struct doc_parse *newer, *older; /* the cache, most recently used first */
};

/* A section and what only the doc knows of it. */
struct doc_slot {
    struct doc_section sec;
    size_t head_end;         /* end of the heading's source lines (scanned sections) */
    struct doc_parse *parse; /* where its blocks are, NULL while not parsed */
    uint32_t first_block;    /* its blocks in PARSE */
    uint32_t nblocks;
    bool titled; /* sec.title is computed (it may then still be NULL: no memory) */
};

/* Where the section scanner is; see doc_index.c. */
struct doc_scan {
    size_t pos; /* the next line to look at */
    bool done;  /* every section is known */
    char fence; /* '`' or '~' inside a fenced code block, else 0 */
    size_t fence_len;
    bool para;            /* the last line is part of a top-level paragraph */
    size_t para_start;    /* where that paragraph starts */
    bool html;            /* inside an HTML block (it ends at a blank line) */
    size_t container_col; /* content column of the open list item or quote, 0 for none */
    bool blank_seen;      /* a blank line since the container's last line */
    size_t first_content; /* start of the first line with text, SIZE_MAX before it */
    bool prev_blank;      /* the line before was blank */
    bool mid_line;        /* pos is inside a line longer than a part, cut there */
    bool table;           /* in a table's rows: no paragraph for an underline to end */
};

#define DOC_SLAB 1024 /* sections per slab: slots never move once made */

struct doc {
    char *name;
    char *title;
    const char *data; /* the text, after a byte order mark */
    size_t len;
    void *base; /* what to unmap or free */
    size_t base_len;
    int fd; /* a mapped text's file, kept open to read it without faulting the mapping in */
    enum doc_ownership own;
    enum doc_format format;
    size_t origin; /* where data lies in the whole text: 0, or a tail's start (doc_tail_new) */

    struct doc_slot **slabs;
    size_t nslabs, cap_slabs;
    size_t nsections;
    struct doc_scan scan;

    struct doc_parse *whole;           /* the parse of a text parsed at open, else NULL */
    struct doc_parse *newest, *oldest; /* the cache of one-section parses */
    size_t ncached, cached_bytes;
    bool failed; /* memory ran out: sections may be missing */
};

/* Slot I (I < doc->nsections). */
struct doc_slot *doc_slot(const struct doc *doc, size_t i);

/* Add a section starting at START (its heading's lines end at HEAD_END); -1 when out of memory. */
int doc_slot_add(struct doc *doc, size_t start, uint8_t level, size_t head_end);

/* A stretch this long without a heading is cut into parts (continued sections), so that laying
 * out the part on screen takes a few milliseconds. */
#define DOC_PART (64u << 10)

/* Look at the lines of at least BUDGET more bytes for headings; -1 when out of memory. */
int doc_scan_step(struct doc *doc, size_t budget);

/*
 * The last place at or before END, and after LIMIT, from which a scan may start as if at the top:
 * in Markdown the start of a prose line after a blank line, in plain text any line's start.
 * SIZE_MAX when there is none.
 */
size_t doc_scan_sync_before(const struct doc *doc, size_t end, size_t limit);

/* Open a block in P; it takes the runs added until docb_end. */
struct doc_block *docb_begin(struct doc_parse *p, enum doc_block_kind kind, size_t at);

/* Append a run to the open block, merging it with the previous one when they touch. */
void docb_run(struct doc_parse *p, size_t start, size_t end, enum doc_run_kind kind,
              uint16_t style);

/* Close the open block. */
void docb_end(struct doc_parse *p);

/* Release what P holds (not P itself). */
void docb_clear(struct doc_parse *p);

/* Parsers: fill P from the source bytes [START, END) of DOC; -1 on failure. */
int doc_parse_markdown(const struct doc *doc, size_t start, size_t end, struct doc_parse *p);
int doc_parse_text(const struct doc *doc, size_t start, size_t end, struct doc_parse *p);

/* Whether the line at S (N bytes, no newline) is an ATX heading; fills its level and text. */
bool doc_atx_heading(const char *s, size_t n, int *level, size_t *text_start, size_t *text_end);

/* Whether C is a blank a plain-text line may hold and still be blank (space, tab, CR, FF, VT). */
bool doc_blank_byte(char c);

/*
 * Whether the plain-text line at POS (the next one starts at NEXT, or NEXT is the end) is a
 * heading, of *LEVEL: an ATX line ("# Notes") that stands alone, after a blank line or the
 * start and before one or the end.  A comment in a script or a configuration file is followed
 * by its code or setting, or by more comment lines, and is not taken for one.  Lines around a
 * tail's start are looked at in the text it is the tail of.
 */
bool doc_text_heading(const struct doc *doc, size_t pos, size_t next, int *level);

#endif
