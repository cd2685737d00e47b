/*
 * print.c: plain output.  It walks the same layout cells as the screen, so a piped text is
 * wrapped, indented and sanitised exactly as it is shown, only without attributes.
 */
#include <errno.h>
#include <string.h>

#include "lees/glyph.h"
#include "lees/page.h"
#include "lees/print.h"

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
        size_t nlen = (size_t)snprintf(num, sizeof num, "%zu", page_of_section(page, s));
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
