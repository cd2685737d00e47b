/*
 * doc_internal.h: the doc structure and the builder the parsers share (doc_md.c for Markdown,
 * doc_text.c for plain text).  Not installed; only the doc module includes it.
 */
#ifndef LEES_DOC_INTERNAL_H
#define LEES_DOC_INTERNAL_H

#include <stdbool.h>

#include "lees/doc.h"

enum doc_ownership { DOC_BORROWED, DOC_MAPPED, DOC_HEAP };

struct doc {
    char *name;
    char *title;
    const char *data; /* the text, after a byte order mark */
    size_t len;
    void *base; /* what to unmap or free */
    size_t base_len;
    enum doc_ownership own;
    enum doc_format format;

    struct doc_block *blocks;
    size_t nblocks, cap_blocks;
    struct doc_run *runs;
    size_t nruns, cap_runs;
    struct doc_section *sections;
    size_t nsections;

    bool in_block; /* a block is open: runs go to blocks[nblocks - 1] */
    bool failed;   /* an allocation failed while building */
};

/* Open a block; it takes the runs added until docb_end_block. */
struct doc_block *docb_begin(struct doc *doc, enum doc_block_kind kind, size_t at);

/* Append a run to the open block, merging it with the previous one when they touch. */
void docb_run(struct doc *doc, size_t start, size_t end, enum doc_run_kind kind, uint16_t style);

/* Close the open block. */
void docb_end(struct doc *doc);

/* Parsers: fill doc->blocks and doc->runs from doc->data; return -1 on failure. */
int doc_parse_markdown(struct doc *doc);
int doc_parse_text(struct doc *doc);

/* Whether the line at S (N bytes, no newline) is an ATX heading; fills its level and text. */
bool doc_atx_heading(const char *s, size_t n, int *level, size_t *text_start, size_t *text_end);

#endif
