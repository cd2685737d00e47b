/*
 * terms_match.c: finding key terms in a text.  Each block of a section is folded as search
 * folds it (its shown text: markup gone, entities decoded, line breaks as spaces), every term
 * variant is looked for in the folded text, hits are kept only on word boundaries (u8_wordbreaks
 * over the folded text, whose letters are those of the source), overlaps are settled in favour
 * of the longer hit, and the result is mapped back to source offsets.
 *
 * A long text has tens of thousands of sections and hundreds of thousands of hits, so hits are
 * kept only for the last HITS_KEEP sections asked for; what is kept of every section is its count
 * of each term, taken once, and the running totals.  Counting the whole text goes a few
 * kilobytes at a time while the reader is idle (terms_index_count_step).
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uniwbrk.h>

#include "lees/fold.h"
#include "lees/table.h"
#include "lees/terms.h"

#define TERM_FOLD (FOLD_CASE | FOLD_MARKS)

struct pattern {
    char *folded;
    size_t len;
    unsigned term;
    bool compound;
};

#define HITS_KEEP 64 /* sections whose hits are kept */

/* The hits of one section, while they are kept. */
struct section_hits {
    size_t section;
    struct term_hit *hits;
    size_t n;
};

struct terms_index {
    const struct terms *terms;
    const struct doc *doc;
    struct pattern *patterns;
    size_t npatterns;
    /* By section, made as sections are asked for: 1 + nterms numbers, whether the section is
     * counted, then how many times each term stands in it. */
    struct table counts;
    size_t nterms;
    size_t *totals;                      /* of each term over the sections counted so far */
    size_t next_count;                   /* sections before this one are all counted */
    struct section_hits kept[HITS_KEEP]; /* the sections whose hits are at hand */
    size_t nkept, oldest;                /* the oldest is replaced first */
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
    ix->nterms = terms_count(terms);
    table_init(&ix->counts, (1 + ix->nterms) * sizeof(uint32_t));
    ix->totals = calloc(ix->nterms ? ix->nterms : 1, sizeof *ix->totals);
    if (ix->patterns == NULL || ix->fold == NULL || ix->totals == NULL) {
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

static bool is_counted(const struct terms_index *ix, size_t s)
{
    const uint32_t *c = table_get(&ix->counts, s);

    return c != NULL && c[0] != 0;
}

/* Term T in section S, which is counted. */
static uint32_t count_of(const struct terms_index *ix, size_t s, unsigned t)
{
    return ((const uint32_t *)table_get(&ix->counts, s))[1 + t];
}

/* Release the index and every hit it handed out. */
void terms_index_free(struct terms_index *ix)
{
    if (ix == NULL)
        return;
    for (size_t i = 0; i < ix->npatterns; i++)
        free(ix->patterns[i].folded);
    for (size_t i = 0; i < ix->nkept; i++)
        free(ix->kept[i].hits);
    table_free(&ix->counts, NULL);
    free(ix->totals);
    free(ix->patterns);
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

/* Hold the N HITS of section S, dropping those of the section held longest when HITS_KEEP are. */
static void keep(struct terms_index *ix, size_t s, struct term_hit *hits, size_t n)
{
    struct section_hits *slot;

    if (ix->nkept < HITS_KEEP) {
        slot = &ix->kept[ix->nkept++];
    } else {
        slot = &ix->kept[ix->oldest];
        ix->oldest = (ix->oldest + 1) % HITS_KEEP;
        free(slot->hits);
    }
    *slot = (struct section_hits){s, hits, n};
}

/* The kept hits of section S, or NULL. */
static const struct section_hits *kept(const struct terms_index *ix, size_t s)
{
    for (size_t i = 0; i < ix->nkept; i++)
        if (ix->kept[i].section == s)
            return &ix->kept[i];
    return NULL;
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
    keep(ix, s, hits, nhits);
    if (!is_counted(ix, s)) {
        uint32_t *c = table_get(&ix->counts, s); /* made before compute */
        for (size_t i = 0; i < nhits; i++) {
            c[1 + hits[i].term]++;
            ix->totals[hits[i].term]++;
        }
        c[0] = 1;
    }
    return 0;
fail:
    free(cands);
    free(hits);
    return -1;
}

/* The N hits in section S in source order. */
const struct term_hit *terms_index_section(struct terms_index *ix, size_t s, size_t *n)
{
    const struct section_hits *k = kept(ix, s);

    if (k == NULL &&
        (table_make(&ix->counts, s) == NULL || compute(ix, s) != 0 || (k = kept(ix, s)) == NULL)) {
        *n = 0;
        return NULL;
    }
    *n = k->n;
    return k->hits;
}

/* Whether section S is counted, counting it now (and holding its hits) when it is not. */
static bool count_section(struct terms_index *ix, size_t s)
{
    size_t n;

    if (is_counted(ix, s))
        return true;
    terms_index_section(ix, s, &n);
    return is_counted(ix, s);
}

/* Count sections until about BUDGET bytes of them; true when every section is counted. */
bool terms_index_count_step(struct terms_index *ix, size_t budget)
{
    size_t done = 0;

    while (done < budget && doc_section_exists(ix->doc, ix->next_count)) {
        done += doc_section_size(ix->doc, ix->next_count);
        if (!count_section(ix, ix->next_count))
            return true; /* out of memory: counting stops where it is */
        ix->next_count++;
    }
    return terms_index_counted(ix);
}

/* Whether every section is counted. */
bool terms_index_counted(const struct terms_index *ix)
{
    return doc_index_done(ix->doc) && !doc_section_exists(ix->doc, ix->next_count);
}

/* How many times term T stands in section S (with its parts), or in the whole text. */
size_t terms_index_count(struct terms_index *ix, unsigned t, size_t s)
{
    size_t count = 0, to;

    if (s == SIZE_MAX) {
        terms_index_count_step(ix, SIZE_MAX);
        return ix->totals[t];
    }
    to = doc_section_after(ix->doc, s); /* a section counts with its parts */
    for (size_t k = s; k < to; k++)
        if (count_section(ix, k))
            count += count_of(ix, k, t);
    return count;
}

/* Term T in the sections counted so far; *DONE says whether that is all of them. */
size_t terms_index_count_so_far(const struct terms_index *ix, unsigned t, bool *done)
{
    *done = terms_index_counted(ix);
    return ix->totals[t];
}

/* Term T in section S (with its parts) when they are counted already: false when not. */
bool terms_index_count_known(const struct terms_index *ix, unsigned t, size_t s, size_t *n)
{
    size_t to = doc_section_after(ix->doc, s);

    *n = 0;
    for (size_t k = s; k < to; k++) {
        if (!is_counted(ix, k))
            return false;
        *n += count_of(ix, k, t);
    }
    return true;
}
