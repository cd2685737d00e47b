/*
 * search.c: finding a pattern in the shown text of a doc's blocks.
 *
 * The meaning of a match is defined by folding (fold.h): fold a block's runs one by one (text
 * as it is, soft and hard breaks as spaces, entities decoded, NUL as U+FFFD) and look for the
 * folded pattern in the result.  That is what the slow path does (scan_fold), streaming the
 * block through one reused buffer of about 32 KiB so a block of any length is searched in
 * bounded memory (SEARCH_SLOW, for tests, uses pieces of 64 bytes so that short texts cross
 * their edges too); the regex path (scan_regex) does the same a window at a time and runs
 * regexec over each window.
 *
 * The fast path (scan_walk) gives exactly the same matches without folding whole blocks, for
 * any literal pattern whose folding does not start with a space.  A match starts at the first
 * folded byte P0 of the pattern, which comes from one unit of the text (fold.h): an ASCII byte
 * that folds to P0 (one or two byte values), or a non-ASCII unit, an entity or a NUL whose
 * folding holds P0.  The source of each text run is scanned for these eight bytes at a time
 * (a word test for "P0 in either case, or a byte with its high bit set"), then a byte at a
 * time.  Each candidate is verified in place: ASCII bytes are compared directly while they stay
 * plain, and as soon as anything else turns up (white space where the pattern has a space, a
 * run's end, a non-ASCII byte) the candidate is re-checked by folding the text from it onwards,
 * a unit at a time, into a small scratch buffer with the same fold calls the slow path makes.
 * So in ASCII text a search reads each byte once and folds almost nothing, and where it folds
 * it folds as the slow path does.  A pattern " X" that starts with white space takes the slow
 * path, but only in blocks where the fast path finds X.  SEARCH_SLOW forces the slow path, and
 * the unit suite checks on random texts that both paths give the same matches as a plain
 * reference.
 *
 * Before a section is parsed for its blocks, its source is looked through for a place a match
 * may start, and a section without one is passed over (section_look): parsing was 3/4 of a
 * search.  On 100 MB of the interview's paragraphs a search from the top for a word only at
 * the end takes about 90 ms (330 ms parsing every section); the slow path and a regex, which
 * parse every section, about 0.6 s.
 *
 * Folding from the middle of a block gives the same bytes as folding the whole block only from
 * a unit boundary (unit_floor), and for the slow path only from a unit whose folding does not
 * start with a space (safe_start, starts_unspaced), since a space would merge with white space
 * before it.
 *
 * For painting, the matches of the last 64 blocks looked at (up to 64 KiB each) are cached, so
 * redrawing a screen searches nothing.  Counting ("3/17") reads the whole text once and keeps
 * the number of matches starting in each 64 KiB of the source, so an index costs at most 64 KiB.
 */
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <unistr.h>
#include <uniwbrk.h>

#include "lees/fold.h"
#include "lees/search.h"
#include "lees/strbuf.h"

#define CHUNK 32768            /* folded bytes the slow path collects before it looks */
#define REGEX_WINDOW 131072    /* source bytes of a long block one regexec pass covers */
#define BIG_BLOCK 262144       /* a longer block is searched backwards in windows */
#define PREV_WINDOW 65536      /* source bytes of such a window */
#define RANGE_MARGIN 65536     /* how far before a range a long block is searched */
#define CACHE_BLOCKS 64        /* blocks whose matches are kept for search_range */
#define CACHE_BLOCK_MAX 65536  /* longest block whose matches are kept */
#define COUNT_SHIFT 16         /* matches are counted per 2^16 bytes of source */
#define BACK_LIMIT 4096        /* how far back a safe place to start folding is looked for */
#define SUGGEST_PIECE 65536    /* bytes handed to u8_wordbreaks at a time */
#define SUGGEST_MAX 64         /* longest pattern a suggestion is looked for, in code points */
#define REGEX_WEIGHT_MAX 20000 /* regcomp takes about 1 KB per unit of regex_weight */
#define INTERRUPT_BLOCKS 64    /* blocks searched between two looks at the interrupt */
#define SWAR_ONES 0x0101010101010101u
#define SWAR_HIGHS 0x8080808080808080u

struct cached {
    size_t sec, i; /* the block: its section and index there */
    struct search_match *m;
    size_t n;
    unsigned long age; /* 0: unused */
};

struct search {
    const struct doc *doc;
    const char *data;
    size_t len;
    unsigned flags; /* enum search_flags */
    unsigned fold;  /* enum fold_flags, for text and pattern */
    char *pat;      /* the folded pattern (literal search) */
    size_t plen;
    size_t chunk;                /* CHUNK, or a few bytes with SEARCH_SLOW */
    uint64_t swar_or, swar_eq;   /* w | or ^ eq has a zero byte where w has P0 */
    bool walk;                   /* the fast path applies */
    struct search *core;         /* for a pattern " X", a fast search for X */
    size_t core_start, core_end; /* the block core_found last looked in */
    size_t core_from, core_at;
    unsigned char interest[256]; /* source bytes where a candidate may start */
    bool regex;
    regex_t re;
    struct fold_buf *buf;     /* the slow path's and regex's stream */
    struct fold_buf *scratch; /* the fast path's few units; a unit tried by starts_unspaced */
    struct cached cache[CACHE_BLOCKS];
    unsigned long clock;
    size_t *before; /* matches starting before chunk c << COUNT_SHIFT, c ≤ nchunks */
    size_t nchunks;
    size_t *bins;     /* while counting: matches starting in each chunk so far */
    size_t count_pos; /* counted: the matches starting before this offset */
    bool failed;
    bool (*interrupt)(void *arg); /* asked every INTERRUPT_BLOCKS blocks: give up? */
    void *interrupt_arg;
    unsigned long ticks;
    bool looking;     /* in search_next or search_prev, which may give up (never painting) */
    bool interrupted; /* the last of them gave up */
    size_t resume;    /* then: where to go on from */
};

/* Where matches go: those starting in [from, to), each start once. */
struct sink {
    bool (*fn)(struct sink *k, size_t start, size_t end); /* false: enough */
    size_t from, to;
    size_t last; /* start of the last match taken, SIZE_MAX for none */
    bool done;   /* nothing more is wanted: stop every scan */
    struct search_match m;
    bool found;
    struct search_match *v; /* collected matches */
    size_t n, cap, max;
    size_t range_start; /* search_range: only matches ending after this */
    size_t count;
    size_t *bins;
};

/* A walk over a block's runs from a unit boundary, folding as it goes. */
struct walk {
    const struct doc_run *runs;
    uint32_t nruns, run;
    size_t pos;   /* the next byte of runs[run] when it is text; 0 for "its start" */
    size_t limit; /* a unit boundary to stop at, SIZE_MAX for the block's end */
};

static void sink_init(struct sink *k, bool (*fn)(struct sink *, size_t, size_t), size_t from,
                      size_t to)
{
    memset(k, 0, sizeof *k);
    k->fn = fn;
    k->from = from;
    k->to = to;
    k->last = SIZE_MAX;
}

/* Offer a match to the sink; false when the scan should stop. */
static bool report(struct sink *k, size_t start, size_t end)
{
    if (start >= k->to) {
        k->done = true;
        return false;
    }
    /* A match of nothing but a break placed at no byte has nothing to show. */
    if (start < k->from || start == k->last || end <= start)
        return true;
    k->last = start;
    if (!k->fn(k, start, end)) {
        k->done = true;
        return false;
    }
    return true;
}

static bool ascii_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * Where a block is: its section and its index there.  That lasts; the block itself is asked of
 * the doc again when needed (bpos_block), since only recent sections stay parsed.
 */
struct bpos {
    size_t sec, i;
};

static const struct doc_block *bpos_block(const struct doc *doc, struct bpos p)
{
    size_t n;
    const struct doc_block *blocks = doc_section_blocks(doc, p.sec, &n);
    return blocks != NULL && p.i < n ? &blocks[p.i] : NULL;
}

/* What a search does with a section before it parses it (section_look). */
enum section_look {
    SECTION_PARSE, /* a match may be in it */
    SECTION_PASS,  /* none can be: passed over */
    SECTION_STOP,  /* the search gives up here */
};

static enum section_look section_look(struct search *s, size_t start, size_t end, bool back);
static bool give_up(struct search *s);

/*
 * The first block of a section from P->sec on that has any; false when none has (or a search S
 * gave up).  With S, a section entered at its start whose source rules out a match
 * (section_look) is not parsed, and none starting at or after TO is looked at: no block there
 * is wanted, and passing over them would go on to the next section that may hold a match, at
 * the end of the text maybe, for every step of a count.
 */
static bool bpos_forward(const struct doc *doc, struct search *s, size_t to, struct bpos *p)
{
    for (; doc_section_exists(doc, p->sec); p->sec++, p->i = 0) {
        size_t n, start, end;
        if (s != NULL && p->i == 0) {
            enum section_look look;
            doc_section_span(doc, p->sec, &start, &end);
            if (start >= to)
                return false;
            look = section_look(s, start, end, false);
            if (look == SECTION_STOP)
                return false;
            if (look == SECTION_PASS)
                continue;
        }
        doc_section_blocks(doc, p->sec, &n);
        if (p->i < n)
            return true;
    }
    return false;
}

/* The block after P; false at the end of the text, or of what is wanted (TO, bpos_forward). */
static bool bpos_next(struct search *s, size_t to, struct bpos *p)
{
    p->i++;
    return bpos_forward(s->doc, s, to, p);
}

/* The block before P; false at the start of the text (or when S gave up). */
static bool bpos_prev(struct search *s, struct bpos *p)
{
    size_t start, end;

    while (p->i == 0) {
        if (p->sec == 0)
            return false;
        p->sec--;
        doc_section_span(s->doc, p->sec, &start, &end);
        switch (section_look(s, start, end, true)) {
        case SECTION_STOP:
            return false;
        case SECTION_PASS:
            continue; /* p->i stays 0: on to the section before */
        case SECTION_PARSE:
            break;
        }
        doc_section_blocks(s->doc, p->sec, &p->i);
    }
    p->i--;
    return true;
}

/* The first block whose end lies after OFFSET (blocks are in source order); false when none.
 * S, when not NULL, passes over sections after OFFSET's as bpos_forward does, up to TO. */
static bool bpos_at(const struct doc *doc, struct search *s, size_t offset, size_t to,
                    struct bpos *p)
{
    size_t n, lo = 0, hi;
    const struct doc_block *blocks;

    p->sec = doc_section_at(doc, offset);
    blocks = doc_section_blocks(doc, p->sec, &n);
    hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (blocks[mid].end > offset)
            hi = mid;
        else
            lo = mid + 1;
    }
    p->i = lo;
    return bpos_forward(doc, s, to, p);
}

/* The last block of the text; false when it has none. */
static bool bpos_last(struct search *s, struct bpos *p)
{
    p->sec = doc_section_count(s->doc) - 1;
    doc_section_blocks(s->doc, p->sec, &p->i);
    return bpos_prev(s, p);
}

/* The start of the unit that holds byte Q of text [LO, HI), LO being a unit boundary. */
static size_t unit_floor(const char *data, size_t lo, size_t hi, size_t q)
{
    const unsigned char *u = (const unsigned char *)data;
    size_t a = q, at;

    if (q <= lo)
        return lo;
    if (q >= hi)
        return hi;
    /* Back to a byte that surely starts a unit: ASCII, or a character that is not a mark. */
    while (a > lo) {
        if (u[a] < 0x80)
            break;
        if (u[a] >= 0xC2 && u[a] <= 0xF4) {
            ucs4_t uc;
            int k = u8_mbtoucr(&uc, u + a, hi - a);
            if (k > 0 && !uc_is_general_category(uc, UC_CATEGORY_M))
                break;
        }
        if (q - a >= BACK_LIMIT) {
            a = lo;
            break;
        }
        a--;
    }
    for (at = a; at < q;) {
        size_t k = fold_unit_len(data + at, hi - at);
        if (at + k > q)
            return at;
        at += k;
    }
    return at;
}

/* A unit boundary in text [POS, END) about WANT bytes on, after at least one unit. */
static size_t cut_at(const char *data, size_t pos, size_t end, size_t want)
{
    size_t q, u;

    if (want == 0)
        want = 1;
    if (end - pos <= want)
        return end;
    q = pos + want;
    for (size_t i = 0; i < 64 && q + i < end; i++)
        if ((unsigned char)data[q + i] < 0x80)
            return q + i;
    u = unit_floor(data, pos, end, q);
    return u > pos ? u : pos + fold_unit_len(data + pos, end - pos);
}

/* Fold a run that is not text: a break, an entity, a NUL. */
static int feed_other(const struct search *s, const struct doc_run *r, struct fold_buf *buf)
{
    return fold_append_run(buf, s->data, r, s->fold);
}

static void walk_init(struct walk *w, const struct doc *doc, const struct doc_block *b)
{
    memset(w, 0, sizeof *w);
    w->runs = doc_block_runs(doc, b);
    w->nruns = b->nruns;
    w->limit = SIZE_MAX;
}

/* The source offset the walk goes on from. */
static size_t walk_pos(const struct walk *w)
{
    if (w->run >= w->nruns)
        return SIZE_MAX;
    return w->pos > w->runs[w->run].start ? w->pos : w->runs[w->run].start;
}

/*
 * Fold the next piece of the block onto BUF: whole units of a text run, about WANT source
 * bytes, or one other run.  1 when something was folded, 0 at the end, -1 out of memory.
 */
static int walk_feed(const struct search *s, struct walk *w, struct fold_buf *buf, size_t want)
{
    while (w->run < w->nruns) {
        const struct doc_run *r = &w->runs[w->run];
        size_t pos = w->pos > r->start ? w->pos : r->start;
        size_t end = r->end < w->limit ? r->end : w->limit, q;

        if (pos >= w->limit)
            return 0;
        if (r->kind != DOC_RUN_TEXT) {
            w->run++;
            w->pos = 0;
            return feed_other(s, r, buf) == 0 ? 1 : -1;
        }
        if (pos >= end) {
            if (end < r->end)
                return 0; /* at the limit */
            w->run++;
            w->pos = 0;
            continue;
        }
        q = cut_at(s->data, pos, end, want);
        if (fold_append(buf, s->data + pos, q - pos, pos, s->fold) != 0)
            return -1;
        w->pos = q;
        if (q >= r->end) {
            w->run++;
            w->pos = 0;
        }
        return 1;
    }
    return 0;
}

/* ---- The fast path ---- */

/*
 * Whether the text folded from the scratch buffer's start (one unit, then as much as needed
 * from W) matches the pattern from folded byte J; fills M.  1, 0, or -1 out of memory.
 */
static int verify(struct search *s, struct walk *w, size_t j, struct search_match *m)
{
    const char *fb;
    size_t n, i = 0, at = j;
    int rc;

    for (;;) {
        fb = fold_bytes(s->scratch, &n);
        while (at < n && i < s->plen) {
            if (fb[at] != s->pat[i])
                return 0;
            at++;
            i++;
        }
        if (i == s->plen)
            break;
        rc = walk_feed(s, w, s->scratch, s->plen - i);
        if (rc <= 0)
            return rc;
    }
    /* A final space stands for all the white space that follows, as when folding the block. */
    if (s->pat[s->plen - 1] == ' ') {
        for (;;) {
            fold_bytes(s->scratch, &n);
            if (n > at)
                break;
            rc = walk_feed(s, w, s->scratch, 1);
            if (rc < 0)
                return -1;
            if (rc == 0)
                break;
        }
    }
    fold_source(s->scratch, j, at, &m->start, &m->end);
    return 1;
}

/* A candidate: the unit [U, U + ULEN) of text run R, or (ULEN 0) the whole run R. */
static bool try_unit(struct search *s, const struct walk *base, uint32_t r, size_t u, size_t ulen,
                     struct sink *k)
{
    struct walk w = *base;
    const char *fb;
    size_t n0, n;
    int rc;

    if (u >= k->to) {
        k->done = true;
        return false;
    }
    if (u < k->from)
        return true;
    fold_clear(s->scratch);
    w.run = r;
    if (ulen > 0) {
        rc = fold_append(s->scratch, s->data + u, ulen, u, s->fold);
        w.pos = u + ulen;
        if (w.pos >= w.runs[r].end) {
            w.run++;
            w.pos = 0;
        }
    } else {
        rc = feed_other(s, &w.runs[r], s->scratch);
        w.run++;
        w.pos = 0;
    }
    if (rc != 0) {
        s->failed = true;
        return true;
    }
    fb = fold_bytes(s->scratch, &n0);
    for (size_t j = 0; j < n0; j++) {
        struct search_match m;
        if (fb[j] != s->pat[0])
            continue;
        rc = verify(s, &w, j, &m);
        if (rc < 0)
            s->failed = true;
        if (rc > 0)
            return report(k, m.start, m.end);
        fb = fold_bytes(s->scratch, &n);
    }
    return true;
}

/* An ASCII byte other than white space, folded as S folds: A-Z lowercased with FOLD_CASE. */
static unsigned char ascii_folded(const struct search *s, unsigned char c)
{
    return (s->fold & FOLD_CASE) && c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* The first byte at or after P, before HI, where a candidate may start (HI when none does). */
static size_t next_candidate(const struct search *s, size_t p, size_t hi)
{
    const unsigned char *d = (const unsigned char *)s->data;

    /* Eight bytes at a time while none is P0 (in either case) or non-ASCII. */
    while (hi - p >= 8) {
        uint64_t w, t;
        memcpy(&w, d + p, 8);
        t = (w | s->swar_or) ^ s->swar_eq;
        if ((((t - SWAR_ONES) & ~t) | w) & SWAR_HIGHS)
            break;
        p += 8;
    }
    while (p < hi && !s->interest[d[p]])
        p++;
    return p;
}

/* The start of the unit that holds the candidate at P, in text [LO, HI) from a unit boundary,
 * and its length *ULEN: a non-ASCII byte after an ASCII letter may be a mark on it. */
static size_t unit_at(const struct search *s, size_t lo, size_t p, size_t hi, size_t *ulen)
{
    const unsigned char *d = (const unsigned char *)s->data;

    if (d[p] >= 0x80 && p > lo && d[p - 1] < 0x80 &&
        (*ulen = fold_unit_len(s->data + p - 1, hi - p + 1)) > 1)
        return p - 1;
    *ulen = fold_unit_len(s->data + p, hi - p);
    return p;
}

/* The candidates of text run R from unit boundary LO, in order. */
static bool scan_text(struct search *s, const struct walk *base, uint32_t r, size_t lo,
                      struct sink *k)
{
    const unsigned char *d = (const unsigned char *)s->data;
    const struct doc_run *run = &base->runs[r];
    size_t hi = run->end, p = lo;

    while (p < hi) {
        size_t u, ulen;
        if ((p = next_candidate(s, p, hi)) >= hi)
            break;
        if (d[p] < 0x80 && (p + 1 == hi || d[p + 1] < 0x80)) {
            /* An ASCII byte that folds to P0: compare plain ASCII directly. */
            size_t i = 1, q = p + 1;
            bool mismatch = false;
            if (p >= k->to) {
                k->done = true;
                return false;
            }
            while (i < s->plen && q < hi && d[q] < 0x80) {
                unsigned char c = d[q];
                if (ascii_space(c)) {
                    /* After a letter it folds to a space: only a space in the pattern can go
                     * on, and what follows is the slow check's business. */
                    mismatch = s->pat[i] != ' ';
                    break;
                }
                if (ascii_folded(s, c) != (unsigned char)s->pat[i]) {
                    mismatch = true;
                    break;
                }
                i++;
                q++;
            }
            if (!mismatch) {
                if (i == s->plen && (q == hi || d[q] < 0x80)) {
                    if (!report(k, p, q))
                        return false;
                } else if (!try_unit(s, base, r, p, 1, k)) {
                    return false;
                }
            }
            p++;
            continue;
        }
        u = unit_at(s, lo, p, hi, &ulen);
        if (!try_unit(s, base, r, u, ulen, k))
            return false;
        p = u + ulen;
    }
    return true;
}

static bool scan_walk(struct search *s, const struct doc_block *b, struct sink *k)
{
    struct walk base;
    size_t from = k->from > b->start ? k->from : b->start;

    walk_init(&base, s->doc, b);
    for (uint32_t r = doc_run_at(base.runs, base.nruns, from); r < base.nruns; r++) {
        const struct doc_run *run = &base.runs[r];
        if (run->start >= k->to) {
            k->done = true;
            return false;
        }
        if (run->kind == DOC_RUN_TEXT) {
            size_t lo =
                from > run->start ? unit_floor(s->data, run->start, run->end, from) : run->start;
            if (!scan_text(s, &base, r, lo, k))
                return false;
        } else if (run->kind == DOC_RUN_ENTITY || run->kind == DOC_RUN_REPLACEMENT) {
            if (!try_unit(s, &base, r, run->start, 0, k))
                return false;
        }
    }
    return true;
}

/* ---- Sections passed over ---- */

/*
 * Parsing is most of a search's time (md4c, 3 of every 4 ms), and most sections hold no match,
 * so a section's source is looked through first, and parsed only when a match may start in it.
 * The shown text of a block is made of its runs (doc.h): source bytes as they stand, and where
 * they are not (soft and hard breaks, entities, NULs) the source holds white space, '\\', '&'
 * or a NUL.  Between two runs lies hidden source, which starts with markup (emphasis, code,
 * links, images, autolinks, escapes) or white space.  So where a match starts at a unit of the
 * source, the source after it goes on with the pattern's bytes for as long as it holds plain
 * ASCII (raw_plain); the first byte of anything else may begin what is hidden or shown
 * otherwise, and there the section is parsed.  A candidate is found as scan_text finds one; a
 * section with an '&' anywhere (an entity) is parsed, and one with a NUL when the pattern starts
 * with the U+FFFD it is shown as.
 */

/*
 * ASCII shown as itself right after what is shown before it: not white space, a control, or in
 * Markdown a byte that may start something hidden or shown otherwise there (emphasis, code, a
 * link or an image, an autolink's '<' and closing '>', an escape or a hard break).  HTML and a
 * table's pipes are shown as written; a '(' or ')' hides a link's destination only after a
 * ']'; a quote's '>', a list's marker and a heading's closing '#' come after white space; an
 * '&' (an entity) never gets here (raw_may_match).
 */
static bool raw_plain(unsigned char c, bool md)
{
    if (c <= ' ' || c >= 0x7f)
        return false;
    if (!md)
        return true;
    switch (c) {
    case '*':
    case '_':
    case '`':
    case '~':
    case '<':
    case '>':
    case '[':
    case ']':
    case '!':
    case '\\':
        return false;
    default:
        return true;
    }
}

/*
 * Whether the white space at Q in [Q, HI) is shown as a space, or ends the block: when a line
 * break is in it (a soft or hard break is shown as one space), or something shown as it stands
 * follows it.  Spaces are hidden before a line break and at a code span's inner edges, before
 * its closing '`', which the parse is left to tell.  (A heading's closing '#'s end its block.)
 */
static bool raw_space_shown(const struct search *s, size_t q, size_t hi, bool md)
{
    const unsigned char *d = (const unsigned char *)s->data;

    while (q < hi && (d[q] == ' ' || d[q] == '\t'))
        q++;
    if (q >= hi)
        return false;
    return d[q] == '\n' || d[q] == '\r' || d[q] >= 0x80 || raw_plain(d[q], md);
}

/* Fold the unit of N bytes at U into S's scratch buffer: its folded bytes, NULL when out of
 * memory. */
static const char *raw_fold(struct search *s, size_t u, size_t n, size_t *len)
{
    fold_clear(s->scratch);
    if (fold_append(s->scratch, s->data + u, n, u, s->fold) != 0)
        return NULL;
    return fold_bytes(s->scratch, len);
}

/* Whether the pattern from byte I on may be shown from source byte Q on, in source [Q, HI):
 * false only when what stands there is shown as it is, and differs. */
static bool raw_goes_on(struct search *s, size_t q, size_t hi, size_t i, bool md)
{
    const unsigned char *d = (const unsigned char *)s->data;

    while (i < s->plen) {
        unsigned char c;
        const char *f;
        size_t ulen, n;

        if (q >= hi)
            return true;
        c = d[q];
        if (ascii_space(c))
            return s->pat[i] == ' ' || !raw_space_shown(s, q, hi, md);
        if (c < 0x80 && !raw_plain(c, md))
            return true;
        if (c < 0x80 && (q + 1 == hi || d[q + 1] < 0x80)) {
            if (ascii_folded(s, c) != (unsigned char)s->pat[i])
                return false;
            i++;
            q++;
            continue;
        }
        /* A unit with a non-ASCII byte (an ASCII letter before a mark starts it). */
        ulen = fold_unit_len(s->data + q, hi - q);
        /* A space it folds to merges with white space after it (fold.h): "\xC2\xA0 " is
         * one space, which the parse is left to tell. */
        if ((f = raw_fold(s, q, ulen, &n)) == NULL || memchr(f, ' ', n) != NULL)
            return true;
        if (n > s->plen - i)
            n = s->plen - i;
        if (memcmp(f, s->pat + i, n) != 0)
            return false;
        i += n;
        q += ulen;
    }
    return true;
}

/* Whether a match may start at the unit of ULEN bytes at U, which holds a non-ASCII byte. */
static bool raw_unit_may_start(struct search *s, size_t u, size_t ulen, size_t hi, bool md)
{
    size_t n;
    const char *f = raw_fold(s, u, ulen, &n);

    if (f == NULL)
        return true;
    for (size_t j = 0; j < n; j++) {
        size_t m;
        if (f[j] != s->pat[0])
            continue;
        m = n - j < s->plen ? n - j : s->plen;
        if (memcmp(f + j, s->pat, m) != 0)
            continue;
        if (m == s->plen || memchr(f + j, ' ', m) != NULL || raw_goes_on(s, u + ulen, hi, m, md))
            return true;
        /* raw_goes_on may have folded other units into the scratch buffer */
        if ((f = raw_fold(s, u, ulen, &n)) == NULL)
            return true;
    }
    return false;
}

/* Whether a match of S (the fast path's) may start in source [LO, HI), a section's. */
static bool raw_may_match(struct search *s, size_t lo, size_t hi)
{
    const unsigned char *d = (const unsigned char *)s->data;
    bool md = doc_format_of(s->doc) == DOC_FORMAT_MARKDOWN;
    size_t p = lo;

    /* An entity may start a match, and so may a NUL (shown as U+FFFD) for a pattern that starts
     * with U+FFFD: rare enough to parse for. */
    if (memchr(d + lo, '&', hi - lo) != NULL ||
        ((unsigned char)s->pat[0] == 0xEF && memchr(d + lo, '\0', hi - lo) != NULL))
        return true;
    while (p < hi) {
        size_t u, ulen;
        if ((p = next_candidate(s, p, hi)) >= hi)
            break;
        if (d[p] < 0x80 && (p + 1 == hi || d[p + 1] < 0x80)) {
            if (raw_goes_on(s, p + 1, hi, 1, md))
                return true;
            p++;
            continue;
        }
        u = unit_at(s, lo, p, hi, &ulen);
        if (raw_unit_may_start(s, u, ulen, hi, md))
            return true;
        p = u + ulen;
    }
    return false;
}

/*
 * Whether the section of source [START, END) is to be parsed: not when a literal search's fast
 * path (or the core of " X") finds in it no place a match may start.  A search that gives up
 * here (SECTION_STOP) sets S->resume where to go on from: the section's start going forward,
 * its end going back.
 */
static enum section_look section_look(struct search *s, size_t start, size_t end, bool back)
{
    struct search *f = s->walk ? s : s->core;

    if (f == NULL)
        return SECTION_PARSE;
    if (give_up(s)) {
        s->resume = back ? end : start;
        return SECTION_STOP;
    }
    return raw_may_match(f, start, end) ? SECTION_PARSE : SECTION_PASS;
}

/* ---- The slow path and regex ---- */

/*
 * Set W to start folding at a place at or before FROM where the block's folding would give the
 * same bytes: a unit whose folding starts with something other than a space.  False when there
 * is none near (then fold from the block's start).
 */
/*
 * Whether a unit starts at A in text run RUN and folds to something other than a space first
 * (so folding from it gives what folding from further back gives): a plain ASCII character, or
 * a character that is not a mark whose folding (tried in the scratch buffer) says so.
 */
static bool starts_unspaced(struct search *s, const struct doc_run *run, size_t a)
{
    const unsigned char *d = (const unsigned char *)s->data;
    ucs4_t uc;
    size_t n;

    if (d[a] < 0x80)
        return !ascii_space(d[a]);
    if (d[a] < 0xC2 || d[a] > 0xF4 || u8_mbtoucr(&uc, d + a, run->end - a) < 0 ||
        uc_is_general_category(uc, UC_CATEGORY_M))
        return false;
    fold_clear(s->scratch);
    if (fold_append(s->scratch, s->data + a, fold_unit_len(s->data + a, run->end - a), a,
                    s->fold) != 0)
        return false;
    return fold_bytes(s->scratch, &n)[0] != ' ' && n > 0;
}

static bool safe_start(struct search *s, struct walk *w, size_t from)
{
    uint32_t r = doc_run_at(w->runs, w->nruns, from);
    size_t budget = BACK_LIMIT;

    if (r >= w->nruns)
        r = w->nruns - 1;
    for (uint32_t i = r + 1; i-- > 0 && budget > 0;) {
        const struct doc_run *run = &w->runs[i];
        size_t a;
        if (run->kind != DOC_RUN_TEXT || run->start > from)
            continue;
        a = from < run->end ? from + 1 : run->end;
        while (a > run->start && budget > 0) {
            a--;
            budget--;
            if (starts_unspaced(s, run, a)) {
                w->run = i;
                w->pos = a;
                return true;
            }
        }
    }
    return false;
}

static bool first_byte_is_start(const unsigned char *d, size_t a, const struct doc_run *run)
{
    return a < run->end && d[a] < 0x80 && !ascii_space(d[a]);
}

static bool take_first(struct sink *k, size_t start, size_t end);

/*
 * For a pattern " X": whether block B has a match of X starting at or after FROM.  What was
 * learnt is kept (s->core_at is the first match of X at or after s->core_from in
 * the block at s->core_start), so windows searched backwards through a long block read it once.
 */
static bool core_found(struct search *s, const struct doc_block *b, size_t from)
{
    struct sink any;

    bool same = s->core_start == b->start && s->core_end == b->end;

    if (same && from >= s->core_from && (s->core_at == SIZE_MAX || s->core_at >= from))
        return s->core_at != SIZE_MAX;
    if (same && from < s->core_from) {
        sink_init(&any, take_first, from, s->core_from);
        scan_walk(s->core, b, &any);
        if (any.found)
            s->core_at = any.m.start;
    } else {
        sink_init(&any, take_first, from, SIZE_MAX);
        scan_walk(s->core, b, &any);
        s->core_start = b->start;
        s->core_end = b->end;
        s->core_at = any.found ? any.m.start : SIZE_MAX;
    }
    s->core_from = from;
    s->failed |= s->core->failed;
    return s->core_at != SIZE_MAX;
}

/* Literal search by folding: stream the block through s->buf. */
static bool scan_fold(struct search *s, const struct doc_block *b, struct sink *k)
{
    struct walk w;
    size_t from = k->from > b->start ? k->from : b->start, checked = 0;

    walk_init(&w, s->doc, b);
    if (w.nruns == 0)
        return true;
    if (s->core != NULL && !core_found(s, b, from))
        return true;
    if (from > b->start && !safe_start(s, &w, from)) {
        w.run = 0;
        w.pos = 0;
    }
    fold_clear(s->buf);
    for (;;) {
        const char *fb;
        size_t n, st, en;
        int rc;
        bool more;

        do {
            rc = walk_feed(s, &w, s->buf, s->chunk);
            fold_bytes(s->buf, &n);
        } while (rc > 0 && (n < s->chunk || (n > 0 && fold_bytes(s->buf, &n)[n - 1] == ' ')));
        if (rc < 0) {
            s->failed = true;
            return false;
        }
        more = rc > 0;
        fb = fold_bytes(s->buf, &n);
        while (checked + s->plen <= n) {
            const char *hit = memchr(fb + checked, s->pat[0], n - s->plen + 1 - checked);
            size_t f;
            if (hit == NULL) {
                checked = n - s->plen + 1;
                break;
            }
            f = (size_t)(hit - fb);
            checked = f + 1;
            if (memcmp(fb + f, s->pat, s->plen) != 0)
                continue;
            fold_source(s->buf, f, f + s->plen, &st, &en);
            if (!report(k, st, en))
                return false;
        }
        if (!more)
            return true;
        /* Keep only what a match not yet tried may start in. */
        fold_drop(s->buf, checked);
        checked = 0;
        fb = fold_bytes(s->buf, &n);
        if (n > 0) {
            fold_source(s->buf, 0, 1, &st, &en);
            if (st >= k->to)
                break;
        } else if (walk_pos(&w) != SIZE_MAX && walk_pos(&w) >= k->to) {
            break; /* (SIZE_MAX: the block is done, and the next feed says so) */
        }
    }
    k->done = true;
    return false;
}

/*
 * The J-th edge of the regex windows of a long block: the first word start at or after
 * J * REGEX_WINDOW bytes in (else a character whose folding starts with something other than a
 * space), or SIZE_MAX when there is none within a window's length.
 */
static size_t regex_edge(struct search *s, const struct doc_block *b, size_t j)
{
    const unsigned char *d = (const unsigned char *)s->data;
    const struct doc_run *runs = doc_block_runs(s->doc, b);
    size_t target = b->start + j * REGEX_WINDOW, fallback = SIZE_MAX;

    if (j == 0)
        return b->start;
    for (uint32_t r = doc_run_at(runs, b->nruns, target); r < b->nruns; r++) {
        const struct doc_run *run = &runs[r];
        size_t a = run->start > target ? run->start : target;
        if (run->kind != DOC_RUN_TEXT)
            continue;
        for (; a < run->end && a < target + REGEX_WINDOW; a++) {
            if (a > run->start && a < target + 4096 && ascii_space(d[a - 1]) &&
                first_byte_is_start(d, a, run))
                return a;
            if (fallback == SIZE_MAX && starts_unspaced(s, run, a))
                fallback = a;
            if (fallback != SIZE_MAX && a >= target + 4096)
                return fallback;
        }
        if (run->end >= target + REGEX_WINDOW)
            break;
    }
    return fallback;
}

/* Run the regex over the window [WS, WE) of block B. */
static bool regex_window(struct search *s, const struct doc_block *b, size_t ws, size_t we,
                         struct sink *k)
{
    struct walk w;
    const char *fb;
    size_t n, pos = 0;
    int rc, base = 0;

    walk_init(&w, s->doc, b);
    w.run = doc_run_at(w.runs, w.nruns, ws);
    w.pos = ws;
    w.limit = we < b->end ? we : SIZE_MAX;
    fold_clear(s->buf);
    while ((rc = walk_feed(s, &w, s->buf, CHUNK)) > 0)
        ;
    if (rc < 0) {
        s->failed = true;
        return false;
    }
    fb = fold_bytes(s->buf, &n);
    if (ws > b->start)
        base |= REG_NOTBOL;
    if (we < b->end)
        base |= REG_NOTEOL;
    while (pos <= n) {
        regmatch_t pm[1];
        size_t so, eo, st, en;
        int ef = base | (pos > 0 ? REG_NOTBOL : 0);
#ifdef REG_STARTEND
        pm[0].rm_so = (regoff_t)pos;
        pm[0].rm_eo = (regoff_t)n;
        if (regexec(&s->re, fb, 1, pm, ef | REG_STARTEND) != 0)
            break;
        so = (size_t)pm[0].rm_so;
        eo = (size_t)pm[0].rm_eo;
#else
        if (regexec(&s->re, fb + pos, 1, pm, ef) != 0)
            break;
        so = pos + (size_t)pm[0].rm_so;
        eo = pos + (size_t)pm[0].rm_eo;
#endif
        if (eo <= so) {
            /* An empty match is not shown: go on after the next character. */
            if (so >= n)
                break;
            pos = so + 1;
            while (pos < n && ((unsigned char)fb[pos] & 0xC0) == 0x80)
                pos++;
            continue;
        }
        fold_source(s->buf, so, eo, &st, &en);
        if (!report(k, st, en))
            return false;
        pos = eo;
    }
    return true;
}

static bool scan_regex(struct search *s, const struct doc_block *b, struct sink *k)
{
    size_t from = k->from > b->start ? k->from : b->start, j = 0, ws = b->start;

    if (b->end - b->start > REGEX_WINDOW) {
        /* The window that holds FROM: the last edge at or before it. */
        for (j = (from - b->start) / REGEX_WINDOW; j > 0; j--) {
            size_t e = regex_edge(s, b, j);
            if (e != SIZE_MAX && e <= from) {
                ws = e;
                break;
            }
        }
    }
    while (ws < b->end) {
        size_t we = b->end;
        if (ws >= k->to) {
            k->done = true;
            return false;
        }
        if (b->end - b->start > REGEX_WINDOW) {
            for (size_t jj = j + 1; b->start + jj * REGEX_WINDOW < b->end; jj++) {
                size_t e = regex_edge(s, b, jj);
                if (e != SIZE_MAX && e > ws) {
                    we = e;
                    j = jj;
                    break;
                }
            }
        }
        if (!regex_window(s, b, ws, we, k))
            return false;
        ws = we;
    }
    return true;
}

/* Whether the search is to give up now (asked every INTERRUPT_BLOCKS blocks). */
static bool give_up(struct search *s)
{
    if (!s->looking)
        return false;
    if (s->interrupted)
        return true;
    if (s->interrupt == NULL || ++s->ticks % INTERRUPT_BLOCKS != 0)
        return false;
    s->interrupted = s->interrupt(s->interrupt_arg);
    return s->interrupted;
}

/* Offer the matches of block B to K; false when the sink needs no more (or on failure). */
static bool scan_block(struct search *s, const struct doc_block *b, struct sink *k)
{
    if (give_up(s)) {
        k->done = true;
        return false;
    }
    if (b->nruns == 0)
        return true;
    if (s->regex)
        return scan_regex(s, b, k);
    if (s->walk)
        return scan_walk(s, b, k);
    return scan_fold(s, b, k);
}

/* ---- Sinks ---- */

static bool take_first(struct sink *k, size_t start, size_t end)
{
    k->m = (struct search_match){start, end};
    k->found = true;
    return false;
}

static bool take_last(struct sink *k, size_t start, size_t end)
{
    k->m = (struct search_match){start, end};
    k->found = true;
    return true;
}

static bool take_all(struct sink *k, size_t start, size_t end)
{
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 16;
        struct search_match *v = realloc(k->v, cap * sizeof *v);
        if (v == NULL)
            return false;
        k->v = v;
        k->cap = cap;
    }
    k->v[k->n++] = (struct search_match){start, end};
    return true;
}

/* For search_range: into a caller's array, only those reaching into the range. */
static bool take_range(struct sink *k, size_t start, size_t end)
{
    if (end <= k->range_start)
        return true;
    if (k->n >= k->max)
        return false;
    k->v[k->n++] = (struct search_match){start, end};
    return true;
}

static bool take_count(struct sink *k, size_t start, size_t end)
{
    (void)start;
    (void)end;
    k->count++;
    return true;
}

static bool take_bin(struct sink *k, size_t start, size_t end)
{
    (void)end;
    k->bins[start >> COUNT_SHIFT]++;
    return true;
}

/* Offer every match starting in [K->from, K->to) to K, in order. */
static void scan(struct search *s, struct sink *k)
{
    struct bpos p;

    if (!bpos_at(s->doc, s, k->from, k->to, &p)) {
        if (s->interrupted && s->resume < k->from)
            s->resume = k->from;
        return;
    }
    do {
        const struct doc_block *b = bpos_block(s->doc, p);
        if (b == NULL || b->start >= k->to)
            break;
        if (!scan_block(s, b, k)) {
            /* Given up before block B: every block before it has been looked through. */
            if (s->interrupted)
                s->resume = b->start > k->from ? b->start : k->from;
            break;
        }
    } while (!k->done && bpos_next(s, k->to, &p));
    if (s->interrupted && s->resume < k->from)
        s->resume = k->from; /* a section passed over started before it */
}

/* ---- Patterns ---- */

/* Whether the pattern holds a capital: a code point that u8_tolower would change. */
static bool has_capital(const char *p, size_t n, bool regex)
{
    const uint8_t *u = (const uint8_t *)p;

    for (size_t i = 0; i < n;) {
        ucs4_t uc;
        int k = u8_mbtoucr(&uc, u + i, n - i);
        if (k < 0) {
            i++;
            continue;
        }
        if (regex && uc == '\\') {
            /* \W, \S, \B are operators, not capitals: skip what the backslash escapes. */
            i += (size_t)k;
            if (i < n) {
                k = u8_mbtoucr(&uc, u + i, n - i);
                i += k > 0 ? (size_t)k : 1;
            }
            continue;
        }
        if (uc_tolower(uc) != uc)
            return true;
        i += (size_t)k;
    }
    return false;
}

static bool regex_operator(char c)
{
    return c != '\0' && strchr(".[]()*+?{}|^$\\", c) != NULL;
}

/*
 * The regex as it is compiled: non-ASCII characters folded as the text is (see search.h),
 * their foldings' regex operators escaped; everything ASCII as typed.
 */
static char *regex_fold(const char *p, size_t n, unsigned fold)
{
    const uint8_t *u = (const uint8_t *)p;
    struct strbuf out = {0};
    bool bracket = false;
    size_t i = 0;

    while (i < n) {
        ucs4_t uc;
        int k;
        char *f;
        size_t flen;

        if (u[i] < 0x80) {
            size_t len = 1;
            if (!bracket && u[i] == '\\' && i + 1 < n && u[i + 1] >= 0x80) {
                i++; /* an escaped non-ASCII character is a literal anyway */
                continue;
            }
            if (!bracket && u[i] == '\\' && i + 1 < n) {
                len = 2;
            } else if (!bracket && u[i] == '[') {
                bracket = true;
                if (i + len < n && u[i + len] == '^')
                    len++;
                if (i + len < n && u[i + len] == ']')
                    len++;
            } else if (bracket && u[i] == '[' && i + 1 < n &&
                       (u[i + 1] == ':' || u[i + 1] == '=' || u[i + 1] == '.')) {
                /* [:class:], [=equiv=], [.coll.] run to their closing pair. */
                size_t j = i + 2;
                while (j + 1 < n && !(u[j] == u[i + 1] && u[j + 1] == ']'))
                    j++;
                len = j + 2 <= n ? j + 2 - i : n - i;
            } else if (bracket && u[i] == ']') {
                bracket = false;
            }
            strbuf_add(&out, p + i, len);
            i += len;
            continue;
        }
        k = u8_mbtoucr(&uc, u + i, n - i);
        if (k < 0) {
            char inv[2] = {(char)FOLD_INVALID, p[i]};
            strbuf_add(&out, inv, 2);
            i++;
            continue;
        }
        f = fold_pattern(p + i, (size_t)k, fold, &flen);
        if (f == NULL) {
            out.failed = true;
            break;
        }
        if (bracket) {
            bool one = flen > 0 && u8_mblen((const uint8_t *)f, flen) == (int)flen;
            if (flen == 0)
                ; /* a mark: dropped from the text too */
            else if (one && !(flen == 1 && strchr("]^-[\\", f[0]) != NULL))
                strbuf_add(&out, f, flen);
            else
                strbuf_add(&out, p + i, (size_t)k);
        } else {
            bool group = u8_mbsnlen((const uint8_t *)f, flen) > 1 && i + (size_t)k < n &&
                         strchr("*+?{", p[i + (size_t)k]) != NULL;
            if (group)
                strbuf_add(&out, "(", 1);
            for (size_t j = 0; j < flen; j++) {
                if (regex_operator(f[j]))
                    strbuf_add(&out, "\\", 1);
                strbuf_add(&out, f + j, 1);
            }
            if (group)
                strbuf_add(&out, ")", 1);
        }
        free(f);
        i += (size_t)k;
    }
    return strbuf_take(&out, NULL); /* NULL when out of memory */
}

/* Prepare the fast path for S's folded pattern, which does not start with a space. */
static void setup_walk(struct search *s)
{
    unsigned char p0 = (unsigned char)s->pat[0];

    s->walk = true;
    for (unsigned c = 0x80; c < 256; c++)
        s->interest[c] = 1;
    if (p0 < 0x80)
        s->interest[p0] = 1;
    if ((s->fold & FOLD_CASE) && p0 >= 'a' && p0 <= 'z') {
        s->interest[p0 - 'a' + 'A'] = 1;
        s->swar_or = SWAR_ONES * 0x20; /* 'S' | 0x20 is 's', and no other byte is */
    }
    /* (for a non-ASCII P0, 0x80 never goes unnoticed: its high bit is set) */
    s->swar_eq = SWAR_ONES * (p0 < 0x80 ? p0 : 0x80);
}

/* Walking a compiled regex to weigh it (see regex_weight). */
struct weigher {
    const char *p;
    bool backref;
};

static double weigh_alt(struct weigher *w, int depth);

/* A bracket expression, from its '[' to after its ']'. */
static void skip_bracket(struct weigher *w)
{
    const char *p = w->p + 1;

    if (*p == '^')
        p++;
    if (*p == ']')
        p++;
    while (*p != '\0' && *p != ']') {
        if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
            char close = p[1];
            p += 2;
            while (*p != '\0' && !(p[0] == close && p[1] == ']'))
                p++;
            if (*p != '\0')
                p += 2;
            continue;
        }
        p++;
    }
    w->p = *p == ']' ? p + 1 : p;
}

/* An atom and the repetitions after it. */
static double weigh_piece(struct weigher *w, int depth)
{
    double v = 1;

    if (*w->p == '(') {
        w->p++;
        v = weigh_alt(w, depth + 1) + 1;
        if (*w->p == ')')
            w->p++;
    } else if (*w->p == '[') {
        skip_bracket(w);
    } else if (*w->p == '\\' && w->p[1] != '\0') {
        if (w->p[1] >= '1' && w->p[1] <= '9')
            w->backref = true;
        w->p += 2;
    } else {
        w->p++;
    }
    for (;;) {
        char c = *w->p;
        if (c == '*' || c == '?') {
            v += 1;
            w->p++;
        } else if (c == '+') {
            v = 2 * v + 1; /* glibc compiles x+ as xx* */
            w->p++;
        } else if (c == '{' && w->p[1] >= '0' && w->p[1] <= '9') {
            /* x{m}, x{m,}, x{m,n}: m, m + 1 or n copies of x */
            char *end;
            double m = strtod(w->p + 1, &end), n = m + 1;
            if (*end == ',' && end[1] >= '0' && end[1] <= '9')
                n = strtod(end + 1, &end);
            else if (*end == ',')
                end++;
            else
                n = m;
            if (*end != '}')
                break;
            v = v * (n > 1 ? n : 1) + 1;
            w->p = end + 1;
        } else {
            break;
        }
        if (v > 1e12)
            v = 1e12;
    }
    return v;
}

static double weigh_alt(struct weigher *w, int depth)
{
    double v = 0;

    if (depth > 200)
        return 1e12;
    for (;;) {
        while (*w->p != '\0' && *w->p != '|' && *w->p != ')')
            v += weigh_piece(w, depth);
        if (*w->p != '|')
            return v;
        w->p++;
        v += 1;
    }
}

/*
 * About how many nodes glibc's regcomp makes of the ERE RE, which grows with the product of
 * nested repetitions ("((a+)+)+", "(a{1,9}){1,9}"); *BACKREF is set when it has a
 * back-reference, whose matching can take exponential time.
 */
static double regex_weight(const char *re, bool *backref)
{
    struct weigher w = {re, false};
    double v = 0;

    while (*w.p != '\0') {
        v += weigh_alt(&w, 0);
        if (*w.p == ')')
            w.p++; /* unbalanced: regcomp will say so */
    }
    *backref = w.backref;
    return v;
}

/* A search for PATTERN in DOC. */
struct search *search_new(const struct doc *doc, const char *pattern, size_t len, unsigned flags,
                          struct lees_error *err)
{
    struct search *s;
    bool regex = (flags & SEARCH_REGEX) != 0;

    if (len == 0) {
        lees_error_set(err, LEES_ERR_USAGE, "empty pattern");
        return NULL;
    }
    s = calloc(1, sizeof *s);
    if (s == NULL) {
        lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
        return NULL;
    }
    s->doc = doc;
    s->core_start = s->core_end = SIZE_MAX; /* core_found has looked nowhere yet */
    s->data = doc_bytes(doc, &s->len);
    s->flags = flags;
    s->chunk = (flags & SEARCH_SLOW) ? 64 : CHUNK;
    s->fold = FOLD_MARKS;
    if ((flags & SEARCH_IGNORE_CASE) || !has_capital(pattern, len, regex))
        s->fold |= FOLD_CASE;
    s->buf = fold_new();
    s->scratch = fold_new();
    if (s->buf == NULL || s->scratch == NULL) {
        search_free(s);
        lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (regex) {
        char *re = regex_fold(pattern, len, s->fold);
        bool backref;
        double weight;
        int rc;
        if (re == NULL) {
            search_free(s);
            lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
            return NULL;
        }
        weight = regex_weight(re, &backref);
        if (backref || weight > REGEX_WEIGHT_MAX) {
            free(re);
            search_free(s);
            lees_error_set(err, LEES_ERR_USAGE, "%s",
                           backref ? "back-references are not supported"
                                   : "regular expression too complex (nested repetitions)");
            return NULL;
        }
        rc = regcomp(&s->re, re, REG_EXTENDED | ((s->fold & FOLD_CASE) ? REG_ICASE : 0));
        free(re);
        if (rc != 0) {
            char msg[256];
            regerror(rc, &s->re, msg, sizeof msg);
            search_free(s);
            lees_error_set(err, LEES_ERR_USAGE, "bad regular expression: %s", msg);
            return NULL;
        }
        s->regex = true;
        return s;
    }
    s->pat = fold_pattern(pattern, len, s->fold, &s->plen);
    if (s->pat == NULL) {
        search_free(s);
        lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (s->plen == 0) {
        search_free(s);
        lees_error_set(err, LEES_ERR_USAGE, "nothing to search for");
        return NULL;
    }
    if (s->pat[0] != ' ' && !(flags & SEARCH_SLOW)) {
        setup_walk(s);
    } else if (s->plen > 1 && !(flags & SEARCH_SLOW)) {
        /* " X": only a block where X is found can hold it. */
        s->core = calloc(1, sizeof *s->core);
        if (s->core != NULL) {
            *s->core = (struct search){
                .doc = doc, .data = s->data, .len = s->len, .fold = s->fold, .chunk = CHUNK};
            s->core->pat = malloc(s->plen);
            s->core->scratch = fold_new();
            if (s->core->pat == NULL || s->core->scratch == NULL) {
                search_free(s->core);
                s->core = NULL;
            } else {
                memcpy(s->core->pat, s->pat + 1, s->plen);
                s->core->plen = s->plen - 1;
                setup_walk(s->core);
            }
        }
    }
    return s;
}

/* Release the search. */
void search_free(struct search *s)
{
    if (s == NULL)
        return;
    if (s->regex)
        regfree(&s->re);
    for (size_t i = 0; i < CACHE_BLOCKS; i++)
        free(s->cache[i].m);
    free(s->before);
    free(s->bins);
    free(s->pat);
    search_free(s->core);
    fold_free(s->buf);
    fold_free(s->scratch);
    free(s);
}

/* Whether case is ignored. */
bool search_ignores_case(const struct search *s)
{
    return (s->fold & FOLD_CASE) != 0;
}

/* Whether memory ran out. */
bool search_failed(const struct search *s)
{
    return s->failed;
}

/* Make long searches give up when INTERRUPT(ARG) says so. */
void search_set_interrupt(struct search *s, bool (*interrupt)(void *arg), void *arg)
{
    s->interrupt = interrupt;
    s->interrupt_arg = arg;
}

/* Whether the last search_next or search_prev gave up. */
bool search_interrupted(const struct search *s)
{
    return s->interrupted;
}

/* Where a search_next or search_prev that gave up is to go on from. */
size_t search_resume(const struct search *s)
{
    return s->resume;
}

/* The first match at or after FROM. */
bool search_next(struct search *s, size_t from, struct search_match *m)
{
    struct sink k;

    s->interrupted = false;
    s->looking = true;
    sink_init(&k, take_first, from, SIZE_MAX);
    scan(s, &k);
    s->looking = false;
    if (k.found)
        *m = k.m;
    return k.found;
}

/* search_prev's walk back through the blocks. */
static bool prev_scan(struct search *s, size_t before, struct search_match *m)
{
    struct bpos p;

    if (before == 0)
        return false;
    /* Forward from BEFORE, no section is passed over: they would all be looked at twice. */
    if (!bpos_at(s->doc, NULL, before - 1, SIZE_MAX, &p) && !bpos_last(s, &p)) {
        if (s->interrupted && s->resume > before)
            s->resume = before;
        return false;
    }
    do {
        const struct doc_block *b = bpos_block(s->doc, p);
        size_t hi;
        struct sink k;

        if (b == NULL)
            return false;
        if (b->start >= before)
            continue;
        if (b->end - b->start <= BIG_BLOCK) {
            sink_init(&k, take_last, b->start, before);
            scan_block(s, b, &k);
            if (k.found && !s->interrupted) {
                *m = k.m;
                return true;
            }
            if (s->interrupted) {
                /* Every block after B has been looked through. */
                s->resume = b->end < before ? b->end : before;
                return false;
            }
            continue;
        }
        /* A long block: look back a window at a time. */
        hi = before < b->end ? before : b->end;
        while (hi > b->start) {
            size_t lo = hi - b->start > PREV_WINDOW ? hi - PREV_WINDOW : b->start;
            sink_init(&k, take_last, lo, hi);
            scan_block(s, b, &k);
            if (s->interrupted) {
                s->resume = hi;
                return false;
            }
            if (k.found) {
                *m = k.m;
                return true;
            }
            hi = lo;
        }
    } while (bpos_prev(s, &p));
    if (s->interrupted && s->resume > before)
        s->resume = before; /* a section passed over ended after it */
    return false;
}

/* The last match starting before BEFORE. */
bool search_prev(struct search *s, size_t before, struct search_match *m)
{
    bool found;

    s->interrupted = false;
    s->looking = true;
    found = prev_scan(s, before, m);
    s->looking = false;
    return found;
}

/* The cached matches of block B at P, found on first use; NULL when out of memory. */
static const struct cached *cached_block(struct search *s, struct bpos p, const struct doc_block *b)
{
    struct cached *victim = &s->cache[0];
    bool was_failed = s->failed;
    struct sink k;

    for (size_t i = 0; i < CACHE_BLOCKS; i++) {
        struct cached *c = &s->cache[i];
        if (c->age != 0 && c->sec == p.sec && c->i == p.i) {
            c->age = ++s->clock;
            return c;
        }
        if (c->age < victim->age)
            victim = c;
    }
    sink_init(&k, take_all, b->start, SIZE_MAX);
    s->failed = false;
    scan_block(s, b, &k);
    if (s->failed || k.done) {
        /* k.done: take_all ran out of memory. */
        s->failed = true;
        free(k.v);
        return NULL;
    }
    s->failed = was_failed;
    free(victim->m);
    victim->sec = p.sec;
    victim->i = p.i;
    victim->m = k.v;
    victim->n = k.n;
    victim->age = ++s->clock;
    return victim;
}

/* The matches overlapping [START, END). */
size_t search_range(struct search *s, size_t start, size_t end, struct search_match *out,
                    size_t max)
{
    size_t n = 0;
    struct bpos p;

    if (end <= start || max == 0 || !bpos_at(s->doc, s, start, end, &p))
        return 0;
    do {
        const struct doc_block *b = bpos_block(s->doc, p);
        const struct cached *c = NULL;
        struct sink k;

        if (b == NULL || b->start >= end)
            break;
        if (b->end - b->start <= CACHE_BLOCK_MAX)
            c = cached_block(s, p, b);
        if (c != NULL) {
            for (size_t i = 0; i < c->n && n < max; i++)
                if (c->m[i].start < end && c->m[i].end > start)
                    out[n++] = c->m[i];
            continue;
        }
        sink_init(&k, take_range, start > RANGE_MARGIN ? start - RANGE_MARGIN : 0, end);
        k.range_start = start;
        k.v = out + n;
        k.max = max - n;
        scan_block(s, b, &k);
        n += k.n;
    } while (n < max && bpos_next(s, end, &p));
    return n;
}

/* Count the matches starting in about BUDGET more bytes of source; true when all are counted. */
bool search_count_step(struct search *s, size_t budget)
{
    size_t to;
    struct sink k;

    if (s->before != NULL)
        return true;
    if (s->bins == NULL) {
        s->nchunks = (s->len >> COUNT_SHIFT) + 1;
        s->bins = calloc(s->nchunks + 1, sizeof *s->bins);
        s->count_pos = 0;
        if (s->bins == NULL) {
            s->failed = true;
            return true;
        }
    }
    /* Each match is counted in the step its start falls in, once. */
    to = budget < s->len - s->count_pos ? s->count_pos + budget : SIZE_MAX;
    sink_init(&k, take_bin, s->count_pos, to);
    k.bins = s->bins;
    scan(s, &k);
    s->count_pos = to;
    if (to != SIZE_MAX)
        return false;
    /* bins[c] becomes the number of matches starting before chunk c. */
    for (size_t i = 0, sum = 0; i <= s->nchunks; i++) {
        size_t here = s->bins[i];
        s->bins[i] = sum;
        sum += here;
    }
    s->before = s->bins;
    s->bins = NULL;
    return true;
}

/* Whether search_count would answer without reading the rest of the text. */
bool search_count_known(const struct search *s)
{
    return s->before != NULL;
}

/* The number of matches, and the index of the first at or after OFFSET. */
size_t search_count(struct search *s, size_t offset, size_t *index)
{
    size_t total, c, before;
    struct sink k;

    while (!search_count_step(s, SIZE_MAX))
        ;
    if (s->before == NULL) {
        if (index != NULL)
            *index = 0;
        return 0;
    }
    total = s->before[s->nchunks];
    if (index == NULL)
        return total;
    c = (offset < s->len ? offset : s->len) >> COUNT_SHIFT;
    sink_init(&k, take_count, c << COUNT_SHIFT, offset);
    scan(s, &k);
    before = s->before[c] + k.count;
    *index = before < total ? before + 1 : 0;
    return total;
}

/* ---- Suggestions ---- */

/* A set of 64-bit hashes of the words already weighed. */
struct seen {
    uint64_t *v;
    size_t n, cap; /* cap a power of two, or 0 */
};

/* Add H; false when it was there already. */
static bool seen_add(struct seen *set, uint64_t h)
{
    size_t i;

    if (h == 0)
        h = 1;
    if ((set->n + 1) * 2 > set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 1024;
        uint64_t *v = calloc(cap, sizeof *v);
        if (v == NULL)
            return true; /* weigh it again rather than fail */
        for (size_t j = 0; j < set->cap; j++) {
            if (set->v[j] == 0)
                continue;
            for (i = set->v[j] & (cap - 1); v[i] != 0; i = (i + 1) & (cap - 1))
                ;
            v[i] = set->v[j];
        }
        free(set->v);
        set->v = v;
        set->cap = cap;
    }
    for (i = h & (set->cap - 1); set->v[i] != 0; i = (i + 1) & (set->cap - 1))
        if (set->v[i] == h)
            return false;
    set->v[i] = h;
    set->n++;
    return true;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037u;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

/* Damerau–Levenshtein distance (optimal string alignment) of A and B, or BOUND + 1 when it is
 * more than BOUND. */
static size_t distance(const ucs4_t *a, size_t m, const ucs4_t *b, size_t n, size_t bound)
{
    size_t rows[3][SUGGEST_MAX * 2 + 2];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

    if ((m > n ? m - n : n - m) > bound)
        return bound + 1;
    for (size_t j = 0; j <= n; j++)
        prev[j] = j;
    for (size_t i = 1; i <= m; i++) {
        size_t low = SIZE_MAX, *t;
        cur[0] = i;
        for (size_t j = 1; j <= n; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1, v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
            if (v < low)
                low = v;
        }
        if (low > bound)
            return bound + 1;
        t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[n] <= bound ? prev[n] : bound + 1;
}

struct suggest {
    const char *pattern;
    size_t plen;
    ucs4_t pu[SUGGEST_MAX];
    size_t m;
    size_t best; /* the distance to beat */
    char *out;
    size_t cap;
    bool found;
    struct fold_buf *wb;
    struct seen seen;
};

/* Weigh the word W (N bytes of the text). */
static void weigh(struct suggest *g, const char *w, size_t n)
{
    ucs4_t wu[SUGGEST_MAX * 2];
    size_t wl = SUGGEST_MAX * 2, flen, d;
    const char *f;
    bool ascii = true;
    ucs4_t *r;

    for (size_t i = 0; i < n && ascii; i++)
        ascii = (unsigned char)w[i] < 0x80;
    /* An ASCII word folds to as many characters as it has bytes. */
    if (ascii && (n > g->m ? n - g->m : g->m - n) >= g->best)
        return;
    fold_clear(g->wb);
    if (fold_append(g->wb, w, n, 0, FOLD_CASE | FOLD_MARKS) != 0)
        return;
    f = fold_bytes(g->wb, &flen);
    if (flen == 0 || memchr(f, ' ', flen) != NULL || !seen_add(&g->seen, hash_bytes(f, flen)))
        return;
    r = u8_to_u32((const uint8_t *)f, flen, wu, &wl);
    if (r == NULL)
        return;
    if (r != wu) {
        free(r);
        return; /* far longer than the pattern */
    }
    d = distance(g->pu, g->m, wu, wl, g->best - 1);
    if (d >= g->best || n >= g->cap || (n == g->plen && memcmp(w, g->pattern, n) == 0))
        return;
    g->best = d;
    memcpy(g->out, w, n);
    g->out[n] = '\0';
    g->found = true;
}

/* The words of text piece P (N bytes), by UAX #29. */
static void weigh_words(struct suggest *g, const char *p, size_t n, char *brk)
{
    const uint8_t *u = (const uint8_t *)p;
    size_t a = 0;

    u8_wordbreaks(u, n, brk);
    for (size_t i = 1; i <= n; i++) {
        ucs4_t uc;
        if (i < n && !brk[i])
            continue;
        if (u8_mbtoucr(&uc, u + a, n - a) > 0 && uc_is_alnum(uc))
            weigh(g, p + a, i - a);
        a = i;
    }
}

struct search_suggestion {
    const struct doc *doc;
    struct suggest g;
    char *pattern;  /* a copy of the pattern, which g.pattern points at */
    char word[256]; /* the nearest word so far, which g.out points at */
    char *brk;      /* u8_wordbreaks' answer for a piece */
    struct bpos p;  /* the block being looked through */
    uint32_t run;   /* its run */
    size_t pos;     /* the next byte of that run to look at */
    bool done;
};

/* A look for the word nearest PATTERN (see search.h). */
/* Whether the N code points at U hold a letter. */
static bool has_letter(const ucs4_t *u, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (uc_is_alpha(u[i]))
            return true;
    return false;
}

struct search_suggestion *search_suggest_new(const struct doc *doc, const char *pattern, size_t len)
{
    struct search_suggestion *sg;
    size_t flen, m = SUGGEST_MAX;
    char *f = fold_pattern(pattern, len, FOLD_CASE | FOLD_MARKS, &flen);
    ucs4_t *r;

    if (f == NULL || flen == 0 || memchr(f, ' ', flen) != NULL || len >= sizeof sg->word) {
        free(f);
        return NULL;
    }
    sg = calloc(1, sizeof *sg);
    if (sg == NULL) {
        free(f);
        return NULL;
    }
    r = u8_to_u32((const uint8_t *)f, flen, sg->g.pu, &m);
    free(f);
    if (r == sg->g.pu && !has_letter(sg->g.pu, m)) {
        /* A quote or a dash is not a misspelt word: "did you mean 3?" is no help. */
        free(sg);
        return NULL;
    }
    sg->doc = doc;
    sg->pattern = malloc(len + 1);
    sg->brk = malloc(SUGGEST_PIECE + 256);
    sg->g.wb = fold_new();
    if (r != sg->g.pu || sg->pattern == NULL || sg->brk == NULL || sg->g.wb == NULL) {
        if (r != sg->g.pu)
            free(r);
        search_suggest_free(sg);
        return NULL;
    }
    memcpy(sg->pattern, pattern, len);
    sg->pattern[len] = '\0';
    sg->g.pattern = sg->pattern;
    sg->g.plen = len;
    sg->g.m = m;
    sg->g.best = (m / 3 > 1 ? m / 3 : 1) + 1;
    sg->g.out = sg->word;
    sg->g.cap = sizeof sg->word;
    return sg;
}

/* Look through about BUDGET more bytes of the text; true once all of it is looked through. */
bool search_suggest_step(struct search_suggestion *sg, size_t budget)
{
    const char *data = doc_bytes(sg->doc, &(size_t){0});
    size_t spent = 0;

    while (!sg->done && spent < budget) {
        const struct doc_block *b;
        const struct doc_run *run;
        size_t q;

        /* Nothing can be nearer than a word at distance 0. */
        if (sg->g.best == 0 || !bpos_forward(sg->doc, NULL, SIZE_MAX, &sg->p)) {
            sg->done = true;
            break;
        }
        b = bpos_block(sg->doc, sg->p);
        if (b == NULL || sg->run >= b->nruns) {
            sg->p.i++;
            sg->run = 0;
            sg->pos = 0; /* each block's runs from their start */
            continue;
        }
        run = &doc_block_runs(sg->doc, b)[sg->run];
        if (sg->pos < run->start)
            sg->pos = run->start;
        if (run->kind != DOC_RUN_TEXT || sg->pos >= run->end) {
            sg->run++;
            continue;
        }
        /* Pieces end at white space where they can, so words stay whole. */
        q = cut_at(data, sg->pos, run->end, SUGGEST_PIECE);
        for (size_t a = q; q < run->end && a > sg->pos && q - a < 256; a--) {
            if (ascii_space((unsigned char)data[a - 1])) {
                q = a;
                break;
            }
        }
        /* A unit longer than a piece (thousands of marks) is no word. */
        if (q - sg->pos <= SUGGEST_PIECE + 256)
            weigh_words(&sg->g, data + sg->pos, q - sg->pos, sg->brk);
        spent += q - sg->pos;
        sg->pos = q;
    }
    return sg->done;
}

/* The nearest word, as written in the text; NULL when none is near enough (so far). */
const char *search_suggest_word(const struct search_suggestion *sg)
{
    return sg->g.found ? sg->word : NULL;
}

/* Release the look. */
void search_suggest_free(struct search_suggestion *sg)
{
    if (sg == NULL)
        return;
    free(sg->pattern);
    free(sg->brk);
    free(sg->g.seen.v);
    fold_free(sg->g.wb);
    free(sg);
}

/* The word nearest PATTERN, looked for at once. */
bool search_suggest(const struct doc *doc, const char *pattern, size_t len, char *out, size_t cap)
{
    struct search_suggestion *sg = search_suggest_new(doc, pattern, len);
    const char *w;
    bool found = false;

    if (sg == NULL || cap == 0) {
        search_suggest_free(sg);
        return false;
    }
    search_suggest_step(sg, SIZE_MAX);
    w = search_suggest_word(sg);
    if (w != NULL && strlen(w) < cap) {
        memcpy(out, w, strlen(w) + 1);
        found = true;
    }
    search_suggest_free(sg);
    return found;
}
