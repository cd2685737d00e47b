/*
 * print.c: plain output.  It walks the same layout cells as the screen, so a piped text is
 * wrapped, indented and sanitised exactly as it is shown, only without attributes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "lees/glyph.h"
#include "lees/page.h"
#include "lees/print.h"
#include "lees/search.h"
#include "lees/terms.h"

/* Write one laid-out line (without its newline). */
int print_line(const struct layout *layout, const struct layout_line *line, FILE *out)
{
    struct layout_iter it;
    struct layout_cell c;
    size_t pending = 0; /* trailing blanks are written only when text follows them */

    layout_iter_init(&it, layout, line);
    while (layout_iter_next(&it, &c)) {
        size_t i;
        for (i = 0; i < c.len && c.bytes[i] == ' '; i++)
            ;
        if (i == c.len) {
            pending += c.len;
            continue;
        }
        for (; pending > 0; pending--)
            if (putc(' ', out) == EOF)
                return -1;
        if (fwrite(c.bytes, 1, c.len, out) != c.len)
            return -1;
    }
    return 0;
}

/* Write DOC wrapped at WIDTH, a blank line between sections. */
int print_doc(const struct doc *doc, int width, FILE *out)
{
    struct layout *layout = layout_new(doc, width, 0);
    int rc = 0;

    if (layout == NULL) {
        errno = ENOMEM;
        return -1;
    }
    for (size_t s = 0; s < doc_section_count(doc) && rc == 0; s++) {
        size_t n;
        const struct layout_line *lines = layout_section(layout, s, &n);

        if (lines == NULL) {
            errno = ENOMEM;
            rc = -1;
            break;
        }
        if (s > 0 && putc('\n', out) == EOF)
            rc = -1;
        for (size_t i = 0; i < n && rc == 0; i++)
            if (print_line(layout, &lines[i], out) != 0 || putc('\n', out) == EOF)
                rc = -1;
    }
    layout_free(layout);
    if (rc == 0 && fflush(out) != 0)
        rc = -1;
    return rc;
}

/* Write the table of contents with page numbers for WIDTH × HEIGHT pages. */
int print_toc(const struct doc *doc, int width, int height, FILE *out)
{
    struct page *page = page_new(doc, width, height, 0);
    int rc = 0;

    if (page == NULL) {
        errno = ENOMEM;
        return -1;
    }
    for (size_t s = 0; s < doc_section_count(doc) && rc == 0; s++) {
        const struct doc_section *sec = doc_section(doc, s);
        size_t indent = sec->level > 1 ? 2 * (size_t)(sec->level - 1) : 0;
        char num[32];
        size_t nlen;

        if (sec->continued)
            continue; /* a part of a long section, not a section of its own */
        nlen = (size_t)snprintf(num, sizeof num, "%zu", page_of_section(page, s));
        size_t room = (size_t)width > indent + nlen + 2 ? (size_t)width - indent - nlen - 2 : 1;
        size_t tlen = glyph_fit(sec->title, strlen(sec->title), room);
        size_t tw = glyph_width(sec->title, tlen);

        if (fprintf(out, "%*s%.*s ", (int)indent, "", (int)tlen, sec->title) < 0)
            rc = -1;
        for (size_t i = indent + tw + 1; rc == 0 && i + nlen + 1 < (size_t)width; i++)
            if (putc('.', out) == EOF)
                rc = -1;
        if (rc == 0 && fprintf(out, " %s\n", num) < 0)
            rc = -1;
    }
    page_free(page);
    if (rc == 0 && fflush(out) != 0)
        rc = -1;
    return rc;
}

/* Write each term with its gloss and counts, in the whole text and per section. */
int print_terms(const struct doc *doc, const struct terms *terms, FILE *out)
{
    struct terms_index *ix = terms_index_new(terms, doc);
    int rc = 0;

    if (ix == NULL) {
        errno = ENOMEM;
        return -1;
    }
    for (unsigned t = 0; t < terms_count(terms) && rc == 0; t++) {
        const struct key_term *term = terms_get(terms, t);
        char label[512], gloss[1024];

        glyph_sanitize(label, sizeof label, term->label, strlen(term->label));
        glyph_sanitize(gloss, sizeof gloss, term->gloss ? term->gloss : "",
                       term->gloss ? strlen(term->gloss) : 0);
        if (fprintf(out, "%s\t%zu%s%s\n", label, terms_index_count(ix, t, SIZE_MAX),
                    term->gloss ? "\t" : "", gloss) < 0)
            rc = -1;
        for (size_t s = 0; s < doc_section_count(doc) && rc == 0; s++) {
            size_t n = doc_section_continued(doc, s) ? 0 : terms_index_count(ix, t, s);
            if (n > 0 && fprintf(out, "    %s\t%zu\n", doc_section(doc, s)->title, n) < 0)
                rc = -1;
        }
    }
    terms_index_free(ix);
    if (rc == 0 && fflush(out) != 0)
        rc = -1;
    return rc;
}

struct kwic {
    char *out;
    size_t len, cap;
    size_t start, end; /* the source range to mark */
    size_t mark_start, mark_end;
    bool marked_start, marked_end;
};

/* Append the N bytes at S (shown form), standing for source bytes from SRC on. */
static int kwic_add(struct kwic *k, const char *s, size_t n, size_t src)
{
    if (!k->marked_start && src >= k->start) {
        k->mark_start = k->len;
        k->marked_start = true;
    }
    if (!k->marked_end && src >= k->end) {
        k->mark_end = k->len;
        k->marked_end = true;
    }
    if (k->len + n * 10 + 1 > k->cap) {
        size_t cap = (k->len + n * 10 + 1) * 2;
        char *o = realloc(k->out, cap);
        if (o == NULL)
            return -1;
        k->out = o;
        k->cap = cap;
    }
    k->len += glyph_sanitize(k->out + k->len, k->cap - k->len, s, n);
    return 0;
}

/* The shown text of block B between source bytes FROM and TO, the match marked. */
static int kwic_block(struct kwic *k, const struct doc *doc, const struct doc_block *b, size_t from,
                      size_t to)
{
    size_t len;
    const char *text = doc_bytes(doc, &len);
    const struct doc_run *r = doc_block_runs(doc, b);

    for (uint32_t i = 0; i < b->nruns; i++) {
        size_t rs = r[i].start > from ? r[i].start : from;
        size_t re = r[i].end < to ? r[i].end : to;
        char dec[8];
        size_t dn;
        int rc = 0;

        if (r[i].end <= from || r[i].start >= to)
            continue;
        switch (r[i].kind) {
        case DOC_RUN_TEXT:
            /* Split where the match starts and ends, so each is marked exactly. */
            for (size_t at = rs; at < re && rc == 0;) {
                size_t next = re;
                if (at < k->start && k->start < next)
                    next = k->start;
                if (at < k->end && k->end < next)
                    next = k->end;
                rc = kwic_add(k, text + at, next - at, at);
                at = next;
            }
            break;
        case DOC_RUN_ENTITY:
            dn = doc_entity_decode(text + r[i].start, r[i].end - r[i].start, dec);
            rc = dn ? kwic_add(k, dec, dn, r[i].start)
                    : kwic_add(k, text + r[i].start, r[i].end - r[i].start, r[i].start);
            break;
        case DOC_RUN_REPLACEMENT:
            rc = kwic_add(k, "^@", 2, r[i].start);
            break;
        default: /* line breaks read as a space */
            rc = k->len > 0 && k->out[k->len - 1] == ' ' ? 0 : kwic_add(k, " ", 1, rs);
            break;
        }
        if (rc != 0)
            return -1;
    }
    return kwic_add(k, "", 0, to); /* mark an end at the block's end */
}

/* The text around [START, END) on one line, in shown form, whole words only. */
char *print_kwic(const struct doc *doc, size_t start, size_t end, size_t context,
                 size_t *mark_start, size_t *mark_end)
{
    size_t nblocks;
    const struct doc_block *blocks = doc_section_blocks(doc, doc_section_at(doc, start), &nblocks);
    const struct doc_block *b = NULL;
    struct kwic k = {0};
    size_t from, to;

    for (size_t i = 0; i < nblocks && b == NULL; i++)
        if (blocks[i].start <= start && start < blocks[i].end)
            b = &blocks[i];
    if (b == NULL)
        return NULL;
    from = start > b->start + context ? start - context : b->start;
    to = end + context < b->end ? end + context : b->end;
    k.start = start;
    k.end = end;
    if (kwic_block(&k, doc, b, from, to) != 0) {
        free(k.out);
        return NULL;
    }
    if (!k.marked_start)
        k.mark_start = k.len;
    if (!k.marked_end)
        k.mark_end = k.len;
    /* Whole words: drop a word cut at either edge of the context. */
    if (from > b->start) {
        char *sp = memchr(k.out, ' ', k.mark_start);
        if (sp != NULL) {
            size_t cut = (size_t)(sp - k.out) + 1;
            memmove(k.out, k.out + cut, k.len - cut + 1);
            k.len -= cut;
            k.mark_start -= cut;
            k.mark_end -= cut;
        }
    }
    if (to < b->end) {
        size_t e = k.len;
        while (e > k.mark_end && k.out[e - 1] != ' ')
            e--;
        if (e > k.mark_end)
            k.len = e - 1;
    }
    k.out[k.len] = '\0';
    *mark_start = k.mark_start;
    *mark_end = k.mark_end;
    return k.out;
}

/* Write every match of PATTERN in DOC, one a line. */
long print_grep(const struct doc *doc, const char *pattern, unsigned flags, int width, int height,
                int bold, FILE *out, struct lees_error *err)
{
    struct search *s = search_new(doc, pattern, strlen(pattern), flags, err);
    struct page *page;
    struct search_match m;
    size_t from = 0;
    long count = 0;

    if (s == NULL)
        return -1;
    page = page_new(doc, width, height, 0);
    if (page == NULL) {
        search_free(s);
        return lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
    }
    while (search_next(s, from, &m)) {
        size_t ms, me;
        char *line = print_kwic(doc, m.start, m.end, 60, &ms, &me);
        const char *title = doc_section(doc, doc_section_at(doc, m.start))->title;

        if (line == NULL)
            break;
        if (fprintf(out, "%s, p. %zu: %.*s%s%.*s%s%s\n", title, page_number_of(page, m.start),
                    (int)ms, line, bold ? "\033[1m" : "", (int)(me - ms), line + ms,
                    bold ? "\033[22m" : "", line + me) < 0) {
            free(line);
            count = lees_error_set(err, LEES_ERR_FILE, "standard output: %s", strerror(errno));
            break;
        }
        free(line);
        count++;
        from = m.start + 1;
    }
    if (count >= 0 && fflush(out) != 0)
        count = lees_error_set(err, LEES_ERR_FILE, "standard output: %s", strerror(errno));
    page_free(page);
    search_free(s);
    return count;
}
