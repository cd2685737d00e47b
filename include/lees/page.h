/*
 * lees: pages over a layout, and the reading position.
 *
 * A page is HEIGHT lines of one section: every section starts on a fresh page, and its last
 * page may be short.  The view is a section and the index of its top line; the reading position
 * is the source offset of that line, so it survives a resize.  A page owns its layout (and
 * replaces it on resize: lines from page_row are valid until the next page_resize or page_free).
 * The doc must outlive the page.
 */
#ifndef LEES_PAGE_H
#define LEES_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "lees/doc.h"
#include "lees/layout.h"

struct page;

/* A view of DOC laid out at WIDTH cells (layout FLAGS), HEIGHT lines a page; NULL when out of
 * memory. */
struct page *page_new(const struct doc *doc, int width, int height, unsigned flags);

/* Release the page and its layout. */
void page_free(struct page *page);

/*
 * Lay out again for a new size; the first text on screen before stays on screen after.
 * Returns -1 (and keeps the old layout) when out of memory.
 */
int page_resize(struct page *page, int width, int height);

int page_height(const struct page *page);
struct layout *page_layout(const struct page *page);

/* The line shown on row R (0 ≤ R < height), or NULL below the section's end. */
const struct layout_line *page_row(const struct page *page, int r);

/* The section on screen. */
size_t page_section(const struct page *page);

/* The reading position: the source offset of the top line. */
size_t page_offset(const struct page *page);

/* Where the view is, exactly, to come back to (a search cancelled with Esc). */
struct page_pos {
    size_t section, top;
};

struct page_pos page_position(const struct page *page);
void page_set_position(struct page *page, struct page_pos pos);

/*
 * The page numbers OLD has counted, taken over by PAGE, a fresh page at the same size over a
 * longer text that begins with OLD's sections (doc_open_longer: a newer snapshot of a pipe), so
 * that only the sections after them are counted again.  Nothing is taken at another size, or
 * where the sections differ; the last of OLD's text, which may have grown, never.
 */
void page_take_counts(struct page *page, const struct page *old);

/* Show the page that holds byte OFFSET. */
void page_goto_offset(struct page *page, size_t offset);

/* Show the line that holds byte OFFSET at the top (as far down as the text goes): a place the
 * view was at (page_offset), such as a bookmark's or where reading stopped, comes back exactly,
 * not as the start of its page. */
void page_goto_top(struct page *page, size_t offset);

/* Show page N (1-based, clamped to the text); the pages above it are counted first. */
void page_goto(struct page *page, size_t n);

/* Count the pages toward page N, laying out about BUDGET bytes at most (at least a section):
 * true once page N is counted, or every page when the text has fewer. */
bool page_count_toward(struct page *page, size_t n, size_t budget);

/* Moves, as the keys do; each returns 0, or -1 when there was nowhere to go. */
int page_line_down(struct page *page);
int page_line_up(struct page *page);
int page_half_down(struct page *page);
int page_half_up(struct page *page);
int page_next(struct page *page);
int page_prev(struct page *page);
int page_first(struct page *page);
int page_last(struct page *page);
int page_section_next(struct page *page);
int page_section_prev(struct page *page);
void page_goto_section(struct page *page, size_t s);

/* The number (1-based) of the page on screen, and of the first page of section S. */
size_t page_number(struct page *page);
size_t page_of_section(struct page *page, size_t s);

/* The number (1-based) of the page that holds byte OFFSET. */
size_t page_number_of(struct page *page, size_t offset);

/* How many pages the text has at this size (lays out the whole text the first time). */
size_t page_total(struct page *page);

/* Whether page_total is known already; and counting it a little at a time, when idle:
 * page_index_step lays out sections until about BUDGET more bytes of text (at least one
 * section) and says whether all are counted. */
bool page_total_known(const struct page *page);
bool page_number_known(const struct page *page);              /* without laying out what is above */
bool page_section_counted(const struct page *page, size_t s); /* page_of_section(S) is */
bool page_index_step(struct page *page, size_t budget);

/* The share of the text above the bottom of the screen, 0–100. */
int page_percent(const struct page *page);

#endif
