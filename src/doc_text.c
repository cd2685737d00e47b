/*
 * doc_text.c: plain text into blocks.  Lines are kept as they are (each line end is a hard
 * break), blank lines separate blocks and are kept in number, and an ATX line ("# Title") that
 * stands alone between blank lines is a heading, shown as it is, that starts a section: notes
 * written half in Markdown still get a contents table, and the comments of a script or a
 * configuration file are not taken for headings.
 */
#include <string.h>

#include "doc_internal.h"

static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!doc_blank_byte(s[i]))
            return false;
    return true;
}

/* Parse the source bytes [START, END) of DOC as plain text into P. */
int doc_parse_text(const struct doc *doc, size_t start, size_t end, struct doc_parse *p)
{
    const char *data = doc->data;
    size_t pos = start, blanks = 0;
    long pending_break = -1; /* the run that ends the previous line of the open block */

    while (pos < end) {
        const char *nl = memchr(data + pos, '\n', end - pos);
        size_t eol = nl ? (size_t)(nl - data) : end;
        size_t next = nl ? eol + 1 : end;
        size_t content_end = eol;
        int level;

        if (content_end > pos && data[content_end - 1] == '\r')
            content_end--;
        if (is_blank(data + pos, eol - pos)) {
            if (p->in_block)
                docb_end(p);
            pending_break = -1;
            blanks++;
        } else if (doc_text_heading(doc, pos, next, &level)) {
            /* Shown as it is, its #s too: plain text keeps its lines. */
            struct doc_block *b = docb_begin(p, DOC_BLOCK_HEADING, pos);
            if (b == NULL)
                return -1;
            b->level = (uint8_t)level;
            b->space_before = (uint8_t)(blanks > 0 ? (blanks > 255 ? 255 : blanks) : 1);
            docb_run(p, pos, content_end, DOC_RUN_TEXT, 0);
            docb_end(p);
            pending_break = -1;
            blanks = 0;
        } else {
            if (!p->in_block) {
                struct doc_block *b = docb_begin(p, DOC_BLOCK_PARA, pos);
                if (b == NULL)
                    return -1;
                b->space_before = (uint8_t)(blanks > 255 ? 255 : blanks);
            } else if (pending_break >= 0) {
                p->runs[pending_break].end = pos;
            }
            blanks = 0;
            docb_run(p, pos, content_end, DOC_RUN_TEXT, 0);
            if (nl != NULL) {
                docb_run(p, content_end, content_end, DOC_RUN_BREAK, 0);
                pending_break = (long)p->nruns - 1;
            }
        }
        if (p->failed)
            return -1;
        pos = next;
    }
    if (p->in_block)
        docb_end(p);
    return 0;
}
