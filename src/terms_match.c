/*
 * terms_match.c: finding key terms in a text.  Each block of a section is folded as search
 * folds it (its shown text: markup gone, entities decoded, line breaks as spaces), every term
 * variant is looked for in the folded text, hits are kept only on word boundaries (u8_wordbreaks
 * over the folded text, whose letters are those of the source), overlaps are settled in favour
 * of the longer hit, and the result is mapped back to source offsets and cached per section.
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uniwbrk.h>

#include "lees/fold.h"
#include "lees/terms.h"

#define TERM_FOLD (FOLD_CASE | FOLD_MARKS)

struct pattern {
    char *folded;
    size_t len;
    unsigned term;
    bool compound;
};

struct section_hits {
    struct term_hit *hits;
    size_t n;
    bool done;
};

struct terms_index {
    const struct terms *terms;
    const struct doc *doc;
    struct pattern *patterns;
    size_t npatterns;
    struct section_hits *sections; /* by section, CAP of them, grown as sections are asked for */
    size_t cap;
    struct fold_buf *fold;
    char *brk;
    size_t brkcap;
};

/* An index of TERMS in DOC. */
struct terms_index *terms_index_new(const struct terms *terms, const struct doc *doc)
{
    struct terms_index *ix = calloc(1, sizeof *ix);
    size_t total = 0;

    if (ix == NULL)
        return NULL;
    ix->terms = terms;
    ix->doc = doc;
    for (size_t t = 0; t < terms_count(terms); t++)
        total += terms_get(terms, t)->nvariants;
    ix->patterns = calloc(total ? total : 1, sizeof *ix->patterns);
    ix->fold = fold_new();
    if (ix->patterns == NULL || ix->fold == NULL) {
        terms_index_free(ix);
        return NULL;
    }
    for (size_t t = 0; t < terms_count(terms); t++) {
        const struct key_term *term = terms_get(terms, t);
        for (size_t v = 0; v < term->nvariants; v++) {
            struct pattern *p = &ix->patterns[ix->npatterns];
            const char *text = term->variants[v].text;
            p->folded = fold_pattern(text, strlen(text), TERM_FOLD, &p->len);
            if (p->folded == NULL) {
                terms_index_free(ix);
                return NULL;
            }
            p->term = (unsigned)t;
            p->compound = term->variants[v].compound;
            if (p->len > 0)
                ix->npatterns++;
            else
                free(p->folded); /* a variant of marks alone folds to nothing: it never matches */
        }
    }
    return ix;
}

/* Release the index and every hit it handed out. */
void terms_index_free(struct terms_index *ix)
{
    if (ix == NULL)
        return;
    for (size_t i = 0; i < ix->npatterns; i++)
        free(ix->patterns[i].folded);
    for (size_t s = 0; s < ix->cap; s++)
        free(ix->sections[s].hits);
    free(ix->patterns);
    free(ix->sections);
    free(ix->brk);
    fold_free(ix->fold);
    free(ix);
}

/* Fold the shown text of block B into the index's buffer. */
static int fold_block(struct terms_index *ix, const struct doc_block *b)
{
    size_t len;
    const char *data = doc_bytes(ix->doc, &len);
    const struct doc_run *r = doc_block_runs(ix->doc, b);

    fold_clear(ix->fold);
    for (uint32_t i = 0; i < b->nruns; i++)
        if (fold_append_run(ix->fold, data, &r[i], TERM_FOLD) != 0)
            return -1;
    return 0;
}

struct cand {
    size_t fs, fe; /* folded range */
    unsigned term;
};

static int by_length_then_start(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    size_t lx = x->fe - x->fs, ly = y->fe - y->fs;

    if (lx != ly)
        return lx > ly ? -1 : 1;
    return x->fs < y->fs ? -1 : x->fs > y->fs;
}

static int by_start(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    return x->fs < y->fs ? -1 : x->fs > y->fs;
}

/* The hits of every pattern in the folded text, overlaps settled; appended to *OUT. */
static int match_block(struct terms_index *ix, struct cand **out, size_t *nout, size_t *cap)
{
    size_t len, first = *nout, kept;
    const char *text = fold_bytes(ix->fold, &len);

    if (len == 0 || ix->npatterns == 0)
        return 0;
    if (len > ix->brkcap) {
        char *nb = realloc(ix->brk, len);
        if (nb == NULL)
            return -1;
        ix->brk = nb;
        ix->brkcap = len;
    }
    u8_wordbreaks((const uint8_t *)text, len, ix->brk);
    for (size_t p = 0; p < ix->npatterns; p++) {
        const struct pattern *pat = &ix->patterns[p];
        const char *at = text;

        while ((at = memmem(at, len - (size_t)(at - text), pat->folded, pat->len)) != NULL) {
            size_t fs = (size_t)(at - text), fe = fs + pat->len;
            at++;
            if (fs > 0 && !ix->brk[fs])
                continue; /* inside a word */
            if (pat->compound)
                while (fe < len && !ix->brk[fe])
                    fe++; /* the last word runs on into a compound */
            else if (fe < len && !ix->brk[fe])
                continue;
            if (*nout == *cap) {
                size_t nc = *cap ? *cap * 2 : 32;
                struct cand *v = realloc(*out, nc * sizeof *v);
                if (v == NULL)
                    return -1;
                *out = v;
                *cap = nc;
            }
            (*out)[(*nout)++] = (struct cand){fs, fe, pat->term};
        }
    }
    if (*nout == first)
        return 0; /* no hit: *out may be NULL, which qsort must not see */
    /* The longer of two overlapping hits wins: take them longest first, skip what overlaps. */
    qsort(*out + first, *nout - first, sizeof **out, by_length_then_start);
    kept = first;
    for (size_t i = first; i < *nout; i++) {
        bool overlaps = false;
        for (size_t j = first; j < kept && !overlaps; j++)
            overlaps = (*out)[i].fs < (*out)[j].fe && (*out)[j].fs < (*out)[i].fe;
        if (!overlaps)
            (*out)[kept++] = (*out)[i];
    }
    *nout = kept;
    qsort(*out + first, kept - first, sizeof **out, by_start);
    return 0;
}

static int compute(struct terms_index *ix, size_t s)
{
    size_t nblocks;
    const struct doc_block *blocks = doc_section_blocks(ix->doc, s, &nblocks);
    struct cand *cands = NULL;
    size_t ncands = 0, cap = 0, nhits = 0;
    struct term_hit *hits = NULL;

    for (size_t i = 0; i < nblocks; i++) {
        const struct doc_block *b = &blocks[i];
        size_t from = ncands;

        if (fold_block(ix, b) != 0 || match_block(ix, &cands, &ncands, &cap) != 0)
            goto fail;
        /* Map this block's hits to the source now, while its folded text is at hand. */
        {
            struct term_hit *nh = realloc(hits, (nhits + ncands - from + 1) * sizeof *nh);
            if (nh == NULL)
                goto fail;
            hits = nh;
        }
        for (size_t k = from; k < ncands; k++) {
            struct term_hit *h = &hits[nhits++];
            fold_source(ix->fold, cands[k].fs, cands[k].fe, &h->start, &h->end);
            h->term = cands[k].term;
        }
    }
    free(cands);
    ix->sections[s].hits = hits;
    ix->sections[s].n = nhits;
    ix->sections[s].done = true;
    return 0;
fail:
    free(cands);
    free(hits);
    return -1;
}

/* The N hits in section S in source order. */
/* Make room for the hits of section S. */
static int reserve(struct terms_index *ix, size_t s)
{
    size_t ncap = ix->cap ? ix->cap : 64;
    struct section_hits *v;

    if (s < ix->cap)
        return 0;
    while (ncap <= s)
        ncap *= 2;
    v = realloc(ix->sections, ncap * sizeof *v);
    if (v == NULL)
        return -1;
    memset(v + ix->cap, 0, (ncap - ix->cap) * sizeof *v);
    ix->sections = v;
    ix->cap = ncap;
    return 0;
}

const struct term_hit *terms_index_section(struct terms_index *ix, size_t s, size_t *n)
{
    if (reserve(ix, s) != 0 || (!ix->sections[s].done && compute(ix, s) != 0)) {
        *n = 0;
        return NULL;
    }
    *n = ix->sections[s].n;
    return ix->sections[s].hits;
}

/* How many times term T stands in section S, or in the whole text when S is SIZE_MAX. */
size_t terms_index_count(struct terms_index *ix, unsigned t, size_t s)
{
    size_t count = 0, from = s == SIZE_MAX ? 0 : s;
    size_t to = s == SIZE_MAX ? doc_section_count(ix->doc) : s + 1;

    /* A section counts with its parts (the continued sections that follow it). */
    while (s != SIZE_MAX && doc_section_exists(ix->doc, to) && doc_section(ix->doc, to)->continued)
        to++;

    for (size_t k = from; k < to; k++) {
        size_t n;
        const struct term_hit *h = terms_index_section(ix, k, &n);
        for (size_t i = 0; i < n; i++)
            count += h[i].term == t;
    }
    return count;
}
