/*
 * fuzz_doc.c: libFuzzer target for the loader, layout and pages.  The first bytes choose the
 * options (format, width, height, ASCII cells, parsed whole or section by section); the rest is
 * the text.  It checks what must hold for any input: sections tile the text, every cell fits the
 * width and is never a control byte, the reading position is on screen after a resize, and the
 * text read from a pipe in pieces is the text read at once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lees/doc.h"
#include "lees/layout.h"
#include "lees/page.h"
#include "lees/print.h"

static void check_cells(struct layout *l, const struct doc *doc, int width)
{
    for (size_t s = 0; s < doc_section_count(doc); s++) {
        size_t n;
        const struct layout_line *lines = layout_section(l, s, &n);
        if (lines == NULL)
            abort();
        for (size_t i = 0; i < n; i++) {
            struct layout_iter it;
            struct layout_cell c;
            int col = 0;
            layout_iter_init(&it, l, &lines[i]);
            while (layout_iter_next(&it, &c)) {
                for (size_t k = 0; k < c.len; k++) {
                    unsigned char b = (unsigned char)c.bytes[k];
                    if (b < 0x20 || b == 0x7f)
                        abort(); /* a control byte would reach the terminal */
                }
                col += c.width;
            }
            if (col > width)
                abort();
        }
    }
}

static void check_sections(const struct doc *doc)
{
    size_t n = doc_section_count(doc), len;

    doc_bytes(doc, &len); /* after a byte order mark */
    if (doc_section(doc, 0)->start != 0 || doc_section(doc, n - 1)->end != len)
        abort();
    for (size_t s = 0; s + 1 < n; s++)
        if (doc_section(doc, s)->end != doc_section(doc, s + 1)->start ||
            doc_section(doc, s)->start > doc_section(doc, s)->end)
            abort();
}

static char *print_all(const struct doc *doc, int width)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);

    if (f == NULL)
        abort();
    print_doc(doc, width, f);
    fclose(f);
    return out;
}

/* The same text read through a pipe, which delivers it in pieces. */
static void check_pipe(const char *text, size_t len, enum doc_format format, const char *expect,
                       int width)
{
    int fds[2];
    struct doc *doc = NULL;
    struct lees_error err;
    char *out;
    size_t off = 0;

    if (len > 32768 || pipe(fds) != 0)
        return;
    while (off < len) {
        size_t piece = len - off < 7 ? len - off : 7;
        if (write(fds[1], text + off, piece) != (ssize_t)piece)
            abort();
        off += piece;
    }
    close(fds[1]);
    if (doc_open_fd(fds[0], "-", format, &doc, &err) != 0)
        abort();
    close(fds[0]);
    out = print_all(doc, width);
    if (strcmp(out, expect) != 0)
        abort();
    free(out);
    doc_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum doc_format format;
    int width, height;
    unsigned flags;
    char *text;
    struct doc *doc = NULL;
    struct lees_error err;
    struct layout *l;
    struct page *p;
    char *printed;

    if (size < 3)
        return 0;
    format = data[0] & 1 ? DOC_FORMAT_TEXT : DOC_FORMAT_MARKDOWN;
    flags = data[0] & 2 ? LAYOUT_ASCII : 0;
    doc_set_whole_limit(data[0] & 4 ? 0 : SIZE_MAX); /* as a long text is read, or whole */
    width = LAYOUT_MIN_WIDTH + data[1] % 120;
    height = 1 + data[2] % 40;
    size -= 3;
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data + 3, size);
    text[size] = '\0';
    if (doc_open_memory(text, size, "fuzz", format, &doc, &err) != 0)
        abort();
    check_sections(doc);
    l = layout_new(doc, width, flags);
    check_cells(l, doc, width);
    layout_free(l);

    p = page_new(doc, width, height, flags);
    for (int i = 0; i < 8 && page_next(p) == 0; i++)
        page_line_down(p);
    {
        size_t offset = page_offset(p);
        int seen = 0;
        page_resize(p, width / 2 + LAYOUT_MIN_WIDTH, height + 3);
        for (int r = 0; r < height + 3; r++) {
            const struct layout_line *line = page_row(p, r);
            if (line && line->start <= offset && (offset < line->end || offset == line->start))
                seen = 1;
        }
        if (!seen)
            abort();
    }
    page_last(p);
    page_total(p);
    page_percent(p);
    page_free(p);

    printed = print_all(doc, width);
    check_pipe(text, size, format, printed, width);
    free(printed);
    doc_free(doc);
    free(text);
    return 0;
}
