/*
 * fuzz_search.c: libFuzzer target for search.  The first byte chooses the flags (and whether the
 * text is parsed whole or section by section, as a long one is), the bytes up
 * to the first NUL are the pattern, the rest the text.  Matches must lie inside the text, move
 * forward, agree between next, prev, range and count, and be the same with the fast path off.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lees/doc.h"
#include "lees/search.h"

#define MAX_MATCHES 4096

static size_t collect(struct search *s, struct search_match *out)
{
    size_t n = 0, from = 0;
    struct search_match m;

    while (n < MAX_MATCHES && search_next(s, from, &m)) {
        if (m.start < from || m.end <= m.start)
            abort();
        out[n++] = m;
        from = m.start + 1;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct search_match fast[MAX_MATCHES], slow[MAX_MATCHES];
    const char *in = (const char *)data + 1;
    const char *nul;
    size_t plen, nfast, nslow, len;
    unsigned flags;
    char *text;
    struct doc *doc = NULL;
    struct lees_error err;
    struct search *s, *t;

    if (size < 2)
        return 0;
    flags = data[0] & (SEARCH_IGNORE_CASE | SEARCH_REGEX);
    doc_set_whole_limit(data[0] & 8 ? 0 : SIZE_MAX);
    size--;
    nul = memchr(in, '\0', size);
    if (nul == NULL)
        return 0;
    plen = (size_t)(nul - in);
    len = size - plen - 1;
    text = malloc(len + 1);
    if (text == NULL)
        abort();
    memcpy(text, nul + 1, len);
    text[len] = '\0';
    if (doc_open_memory(text, len, "t.md", data[0] & 4 ? DOC_FORMAT_TEXT : DOC_FORMAT_MARKDOWN,
                        &doc, &err) != 0)
        abort();
    s = search_new(doc, in, plen, flags, &err);
    t = search_new(doc, in, plen, flags | SEARCH_SLOW, &err);
    if ((s == NULL) != (t == NULL))
        abort();
    if (s != NULL) {
        size_t total, index;
        struct search_match last;
        nfast = collect(s, fast);
        nslow = collect(t, slow);
        if (nfast != nslow || memcmp(fast, slow, nfast * sizeof *fast) != 0)
            abort(); /* the fast path must find exactly what folding finds */
        for (size_t i = 0; i < nfast; i++)
            if (fast[i].end > len)
                abort();
        total = search_count(s, 0, &index);
        if (nfast < MAX_MATCHES && total != nfast)
            abort();
        if (nfast > 0 && nfast < MAX_MATCHES &&
            (!search_prev(s, (size_t)-1, &last) || last.start != fast[nfast - 1].start))
            abort();
    }
    search_free(s);
    search_free(t);
    doc_free(doc);
    free(text);
    return 0;
}
