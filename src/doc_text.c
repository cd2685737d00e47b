/*
 * doc_text.c: plain text into blocks.  Lines are kept as they are (each line end is a hard
 * break), blank lines separate blocks and are kept in number, and a line that is an ATX heading
 * ("# Title") starts a section, so notes written half in Markdown still get a contents table.
 */
#include <string.h>

#include "doc_internal.h"

static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
            return false;
    return true;
}

/* Parse doc->data as plain text. */
int doc_parse_text(struct doc *doc)
{
    const char *data = doc->data;
    size_t pos = 0, blanks = 0;
    long pending_break = -1; /* the run that ends the previous line of the open block */

    while (pos < doc->len) {
        const char *nl = memchr(data + pos, '\n', doc->len - pos);
        size_t end = nl ? (size_t)(nl - data) : doc->len;
        size_t next = nl ? end + 1 : doc->len;
        size_t content_end = end;
        int level;
        size_t ts, te;

        if (content_end > pos && data[content_end - 1] == '\r')
            content_end--;
        if (is_blank(data + pos, end - pos)) {
            if (doc->in_block)
                docb_end(doc);
            pending_break = -1;
            blanks++;
        } else if (doc_atx_heading(data + pos, content_end - pos, &level, &ts, &te)) {
            struct doc_block *b = docb_begin(doc, DOC_BLOCK_HEADING, pos + ts);
            if (b == NULL)
                return -1;
            b->level = (uint8_t)level;
            b->space_before = (uint8_t)(blanks > 0 ? (blanks > 255 ? 255 : blanks) : 1);
            if (te > ts)
                docb_run(doc, pos + ts, pos + te, DOC_RUN_TEXT, 0);
            docb_end(doc);
            pending_break = -1;
            blanks = 0;
        } else {
            if (!doc->in_block) {
                struct doc_block *b = docb_begin(doc, DOC_BLOCK_PARA, pos);
                if (b == NULL)
                    return -1;
                b->space_before = (uint8_t)(blanks > 255 ? 255 : blanks);
            } else if (pending_break >= 0) {
                doc->runs[pending_break].end = pos;
            }
            blanks = 0;
            docb_run(doc, pos, content_end, DOC_RUN_TEXT, 0);
            if (nl != NULL) {
                docb_run(doc, content_end, content_end, DOC_RUN_BREAK, 0);
                pending_break = (long)doc->nruns - 1;
            }
        }
        if (doc->failed)
            return -1;
        pos = next;
    }
    if (doc->in_block)
        docb_end(doc);
    return 0;
}
