/*
 * page.c: pages over the lines of a layout, and moving through them.  Page numbers are derived
 * from the line counts of the sections at the current size and recomputed after a resize; the
 * only lasting state is the section and top line, from which the reading offset follows.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lees/page.h"

/* While the sections are not all found, a step looks through this many bytes per byte of its
 * budget: 256 KiB for the idle steps, about 0.06 ms, so that G pressed meanwhile hardly waits. */
#define PAGE_SCAN_PER_BYTE 64

struct page {
    const struct doc *doc;
    struct layout *layout;
    int height;
    unsigned flags;     /* for the layout */
    size_t section;     /* on screen */
    size_t top;         /* index of the top line in the section */
    size_t *first_page; /* 0-based first page of each section, NULL until needed */
    size_t cap;         /* room in first_page */
    size_t indexed;     /* sections whose first page is known: first_page[0..indexed] */
};

static size_t lines_of(const struct page *page, size_t s)
{
    size_t n;
    layout_section(page->layout, s, &n);
    return n;
}

static size_t pages_of(const struct page *page, size_t s)
{
    size_t n = lines_of(page, s), h = (size_t)page->height;
    return n == 0 ? 1 : (n + h - 1) / h;
}

/* Rows a section takes: its pages, the last one padded out with blank rows. */
static size_t span_of(const struct page *page, size_t s)
{
    return pages_of(page, s) * (size_t)page->height;
}

/* Top line of the last (possibly short) page of section S. */
static size_t last_page_top(const struct page *page, size_t s)
{
    return span_of(page, s) - (size_t)page->height;
}

/* Whether section S exists: a long text is looked through only as far as that needs. */
static bool has(const struct page *page, size_t s)
{
    return doc_section_exists(page->doc, s);
}

/* Whether the view is at the last page of the text, as far down as it goes. */
static int at_end(const struct page *page)
{
    return !has(page, page->section + 1) && page->top >= last_page_top(page, page->section);
}

/* Move the top N rows down the padded stream of sections; -1 when already at the end. */
static int advance(struct page *page, size_t n)
{
    if (at_end(page))
        return -1;
    page->top += n;
    while (page->top >= span_of(page, page->section) && has(page, page->section + 1)) {
        page->top -= span_of(page, page->section);
        page->section++;
    }
    if (!has(page, page->section + 1) && page->top > last_page_top(page, page->section))
        page->top = last_page_top(page, page->section);
    return 0;
}

/* Move the top N rows up; -1 when already at the start. */
static int retreat(struct page *page, size_t n)
{
    if (page->section == 0 && page->top == 0)
        return -1;
    while (n > page->top && page->section > 0) {
        n -= page->top + 1;
        page->section--;
        page->top = span_of(page, page->section) - 1;
    }
    page->top = n > page->top ? 0 : page->top - n;
    return 0;
}

/*
 * Count the pages of sections up to UPTO (exclusive), until about BUDGET bytes of them are laid
 * out (at least one section).  Counting a section lays it out; the lines of sections that were
 * not laid out before are dropped again, so indexing a long text does not keep all of it in
 * memory.
 */
static int page_index_upto(struct page *page, size_t upto, size_t budget)
{
    size_t done = 0;

    while (page->indexed < upto && done < budget && has(page, page->indexed)) {
        size_t s = page->indexed;
        bool cached = layout_cached(page->layout, s);

        done += doc_section_size(page->doc, s);
        if (s + 2 > page->cap) {
            size_t ncap = page->cap ? page->cap * 2 : 1024;
            size_t *v = realloc(page->first_page, ncap * sizeof *v);
            if (v == NULL)
                return -1;
            if (page->first_page == NULL)
                v[0] = 0;
            page->first_page = v;
            page->cap = ncap;
        }
        page->first_page[s + 1] = page->first_page[s] + pages_of(page, s);
        if (!cached && (s < page->section || s > page->section + 1))
            layout_forget(page->layout, s);
        page->indexed++;
    }
    return 0;
}

static int page_index(struct page *page)
{
    size_t ns = doc_section_count(page->doc);
    if (page_index_upto(page, ns, SIZE_MAX) != 0 || page->indexed < ns)
        return -1;
    return 0;
}

/* Whether page N is counted, or every page is. */
static bool counted_to(const struct page *page, size_t n)
{
    return (page->first_page != NULL && page->first_page[page->indexed] >= n) ||
           !has(page, page->indexed);
}

/* Count toward page N (see page.h). */
bool page_count_toward(struct page *page, size_t n, size_t budget)
{
    size_t done = 0;

    while (!counted_to(page, n) && done < budget) {
        done += doc_section_size(page->doc, page->indexed);
        if (page_index_upto(page, page->indexed + 1, SIZE_MAX) != 0)
            return true; /* out of memory: go as far as is counted */
    }
    return counted_to(page, n);
}

/* Whether the first page of section S is known without laying out anything. */
bool page_section_counted(const struct page *page, size_t s)
{
    return page->first_page != NULL && page->indexed > s;
}

/* Whether page_number is known without laying out the sections above the view. */
bool page_number_known(const struct page *page)
{
    return page->first_page != NULL && page->indexed > page->section;
}

/* Count the pages of up to BUDGET more sections (or find more sections first); true when every
 * section is counted. */
bool page_index_step(struct page *page, size_t budget)
{
    /* The page on screen is numbered first, as the status line shows its number: after G was
     * stopped on `yes | lees`, page 1 stayed "?" while 200 MB of it were looked through. */
    if (!page_number_known(page)) {
        if (page_index_upto(page, page->section + 1, budget) != 0)
            return true; /* out of memory: go as far as is counted */
        return false;
    }
    if (!doc_index_done(page->doc)) {
        /* Sections are found first, so that page numbers get counted from the top. */
        doc_index_step(page->doc, budget < SIZE_MAX / PAGE_SCAN_PER_BYTE
                                      ? budget * PAGE_SCAN_PER_BYTE
                                      : budget);
        return false;
    }
    return page_index_upto(page, SIZE_MAX, budget) == 0 && page_total_known(page);
}

/* Whether the total is known without laying out the rest of the text. */
bool page_total_known(const struct page *page)
{
    return page->first_page != NULL && doc_index_done(page->doc) &&
           page->indexed == doc_section_count(page->doc);
}

/* A view of DOC laid out at WIDTH cells, HEIGHT lines a page. */
struct page *page_new(const struct doc *doc, int width, int height, unsigned flags)
{
    struct page *page = calloc(1, sizeof *page);

    if (page == NULL)
        return NULL;
    page->doc = doc;
    page->height = height < 1 ? 1 : height;
    page->flags = flags;
    page->layout = layout_new(doc, width, flags);
    if (page->layout == NULL) {
        free(page);
        return NULL;
    }
    return page;
}

/* Release the page and its layout. */
void page_free(struct page *page)
{
    if (page == NULL)
        return;
    layout_free(page->layout);
    free(page->first_page);
    free(page);
}

/* Lay out again for a new size; the first text on screen before stays on screen after. */
int page_resize(struct page *page, int width, int height)
{
    size_t offset = page_offset(page);
    struct layout *layout = layout_new(page->doc, width, page->flags);

    if (layout == NULL)
        return -1;
    layout_free(page->layout);
    page->layout = layout;
    page->height = height < 1 ? 1 : height;
    free(page->first_page);
    page->first_page = NULL;
    page->cap = 0;
    page->indexed = 0;
    /* Not snapped to a page boundary: the line with that text becomes the top line. */
    page->section = doc_section_at(page->doc, offset);
    page->top = layout_line_at(layout, page->section, offset);
    return 0;
}

int page_height(const struct page *page)
{
    return page->height;
}

struct layout *page_layout(const struct page *page)
{
    return page->layout;
}

/* The line shown on row R, or NULL for a blank row (padding at a section's end). */
const struct layout_line *page_row(const struct page *page, int r)
{
    size_t s = page->section, k = page->top + (size_t)(r < 0 ? 0 : r), n;
    const struct layout_line *lines;

    while (k >= span_of(page, s)) {
        k -= span_of(page, s);
        if (!has(page, ++s))
            return NULL;
    }
    lines = layout_section(page->layout, s, &n);
    return lines != NULL && k < n ? &lines[k] : NULL;
}

/* The section on screen. */
size_t page_section(const struct page *page)
{
    return page->section;
}

/* The reading position: the source offset of the first line on screen. */
size_t page_offset(const struct page *page)
{
    for (int r = 0; r < page->height; r++) {
        const struct layout_line *line = page_row(page, r);
        if (line != NULL)
            return line->start;
    }
    return doc_section(page->doc, page->section)->start;
}

/* Where the view is, exactly. */
struct page_pos page_position(const struct page *page)
{
    return (struct page_pos){page->section, page->top};
}

/* Go back to a position from page_position at the same size. */
void page_set_position(struct page *page, struct page_pos pos)
{
    if (has(page, pos.section) && pos.top < span_of(page, pos.section)) {
        page->section = pos.section;
        page->top = pos.top;
    }
}

/* Show the page that holds byte OFFSET. */
void page_goto_offset(struct page *page, size_t offset)
{
    size_t h = (size_t)page->height;

    page->section = doc_section_at(page->doc, offset);
    page->top = layout_line_at(page->layout, page->section, offset) / h * h;
}

/* The page numbers OLD has counted, for PAGE over a longer text (see page.h). */
void page_take_counts(struct page *page, const struct page *old)
{
    size_t k = 0, limit = old->indexed;

    if (old->first_page == NULL || page->first_page != NULL || old->height != page->height ||
        old->flags != page->flags || layout_width(old->layout) != layout_width(page->layout))
        return;
    /* A text parsed whole resolves what one parsed section by section does not (a link's
     * reference defined further on, even in what was added): the same bytes may take other
     * pages.  Such a text is short, and counted again at once. */
    if (doc_whole(old->doc) || doc_whole(page->doc))
        return;
    /* The last section found so far ends where the look for sections has got to, for now. */
    if (limit + 1 > doc_sections_found(page->doc) && !doc_index_done(page->doc))
        limit = doc_sections_found(page->doc) > 0 ? doc_sections_found(page->doc) - 1 : 0;
    if (limit > doc_sections_found(page->doc))
        limit = doc_sections_found(page->doc);
    /* Sections tile the text from its start: those of the same sizes are the same bytes, laid
     * out the same.  The old text's last may have grown, and stops the copy. */
    while (k < limit && k + 1 < doc_sections_found(old->doc) &&
           doc_section_size(old->doc, k) == doc_section_size(page->doc, k))
        k++;
    if (k == 0)
        return;
    page->first_page = malloc((k + 1 < 1024 ? 1024 : k + 1) * sizeof *page->first_page);
    if (page->first_page == NULL)
        return;
    page->cap = k + 1 < 1024 ? 1024 : k + 1;
    memcpy(page->first_page, old->first_page, (k + 1) * sizeof *page->first_page);
    page->indexed = k;
}

/* Show the line that holds byte OFFSET at the top. */
void page_goto_top(struct page *page, size_t offset)
{
    page->section = doc_section_at(page->doc, offset);
    page->top = layout_line_at(page->layout, page->section, offset);
    if (!has(page, page->section + 1) && page->top > last_page_top(page, page->section))
        page->top = last_page_top(page, page->section);
}

/* Show page N (1-based, clamped to the text). */
void page_goto(struct page *page, size_t n)
{
    size_t lo = 0, hi;

    if (n < 1)
        n = 1;
    /* Pages are counted as far as page N, not to the end: 5G on 100 MB laid out all of it. */
    page_count_toward(page, n, SIZE_MAX);
    if (page->first_page == NULL)
        return;
    hi = page->indexed;
    if (n > page->first_page[hi])
        n = page->first_page[hi];
    n--;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (page->first_page[mid] <= n)
            lo = mid;
        else
            hi = mid;
    }
    page->section = lo;
    page->top = (n - page->first_page[lo]) * (size_t)page->height;
}

static int enter_section(struct page *page, size_t s, size_t top)
{
    page->section = s;
    page->top = top;
    return 0;
}

int page_line_down(struct page *page)
{
    return advance(page, 1);
}

int page_line_up(struct page *page)
{
    return retreat(page, 1);
}

int page_half_down(struct page *page)
{
    return advance(page, (size_t)(page->height + 1) / 2);
}

int page_half_up(struct page *page)
{
    return retreat(page, (size_t)(page->height + 1) / 2);
}

/* Page keys land on page boundaries, so sections keep starting at the top of the screen. */
int page_next(struct page *page)
{
    size_t h = (size_t)page->height;
    return advance(page, h - page->top % h);
}

int page_prev(struct page *page)
{
    size_t h = (size_t)page->height;
    return retreat(page, page->top % h ? page->top % h : h);
}

int page_first(struct page *page)
{
    if (page->section == 0 && page->top == 0)
        return -1;
    return enter_section(page, 0, 0);
}

int page_last(struct page *page)
{
    size_t s = doc_section_count(page->doc) - 1, top = last_page_top(page, s);

    if (page->section == s && page->top == top)
        return -1;
    return enter_section(page, s, top);
}

/* Section keys go from heading to heading: the parts of a long stretch without one are passed. */
int page_section_next(struct page *page)
{
    size_t s = doc_section_after(page->doc, page->section);

    if (!has(page, s))
        return -1;
    return enter_section(page, s, 0);
}

int page_section_prev(struct page *page)
{
    size_t head = doc_section_head(page->doc, page->section);

    if (page->top > 0 || head != page->section)
        return enter_section(page, head, 0);
    if (page->section == 0)
        return -1;
    return enter_section(page, doc_section_head(page->doc, page->section - 1), 0);
}

/* Show the first page of section S. */
void page_goto_section(struct page *page, size_t s)
{
    if (has(page, s))
        enter_section(page, s, 0);
}

/* The number (1-based) of the page on screen. */
size_t page_number(struct page *page)
{
    if (page_index_upto(page, page->section + 1, SIZE_MAX) != 0)
        return 1;
    return page->first_page[page->section] + page->top / (size_t)page->height + 1;
}

/* The number (1-based) of the first page of section S. */
size_t page_of_section(struct page *page, size_t s)
{
    if (page_index_upto(page, s + 1, SIZE_MAX) != 0)
        return 1;
    return page->first_page[s] + 1;
}

/* The number (1-based) of the page that holds byte OFFSET. */
size_t page_number_of(struct page *page, size_t offset)
{
    size_t s = doc_section_at(page->doc, offset);

    if (page_index_upto(page, s + 1, SIZE_MAX) != 0)
        return 1;
    return page->first_page[s] + layout_line_at(page->layout, s, offset) / (size_t)page->height + 1;
}

/* How many pages the text has at this size. */
size_t page_total(struct page *page)
{
    if (page_index(page) != 0)
        return 1;
    return page->first_page[doc_section_count(page->doc)];
}

/* The share of the text above the bottom of the screen, 0–100. */
int page_percent(const struct page *page)
{
    size_t len, end = 0;

    doc_bytes(page->doc, &len);
    if (len == 0 || at_end(page))
        return 100;
    for (int r = page->height - 1; r >= 0; r--) {
        const struct layout_line *line = page_row(page, r);
        if (line != NULL) {
            end = line->end;
            break;
        }
    }
    if (end == 0 || page_row(page, page->height - 1) == NULL) {
        /* The bottom row is past a section's end: that section is read to its end. */
        size_t s = page->section;
        size_t k = page->top + (size_t)page->height - 1;
        while (k >= span_of(page, s) && has(page, s + 1)) {
            k -= span_of(page, s);
            s++;
        }
        if (k >= span_of(page, s) || page_row(page, page->height - 1) == NULL) {
            size_t n;
            layout_section(page->layout, s, &n);
            if (k >= n)
                end = doc_section(page->doc, s)->end;
        }
    }
    return end >= len ? 100 : (int)(end * 100 / len);
}
