/*
 * doc.c: loading a text and the tables over it.  A regular file is mapped, not copied; standard
 * input, FIFOs and devices are read; the built-in text is borrowed.
 *
 * A text up to the whole-parse limit (1 MiB) is parsed at open and its section table cut from the
 * parsed headings, exactly as md4c reads it.  A longer text is opened without reading it:
 * doc_index.c finds sections as far as they are asked for, and each section is parsed when its
 * blocks are first asked for and kept in a cache of recent sections (at least DOC_CACHE_MIN of
 * them, more while they take under DOC_CACHE_BYTES).  So nothing before the first screen grows
 * with the text, and memory stays a few megabytes however long it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doc_internal.h"
#include "doc_map.h"
#include "lees/glyph.h"
#include "lees/style.h"

#define DOC_WHOLE_LIMIT (1u << 20) /* texts up to this size are parsed at open */
#define DOC_CACHE_MIN 16           /* one-section parses always kept */
#define DOC_CACHE_BYTES (1u << 20) /* more are kept while they take less than this */
/* How far a long text is looked through for its title: a text's title stands at its top, and a
 * level-1 heading further in is a chapter's. Looking through a mebibyte cost a third of a
 * millisecond before the first screen of a text with none. */
#define DOC_TITLE_SCAN (16u << 10)
#define DOC_SCAN_PIECE (16u << 10) /* bytes scanned at a time when a section is asked for */
#define DOC_TAIL_FIRST (16u << 10) /* doc_tail_new reads back this far first, then twice as far */
#define DOC_TAIL_LOOK (1u << 20)   /* and at most this far */
#define TEXT_BLANK_LOOK 256        /* blanks looked through around a plain-text heading */

static size_t whole_limit = DOC_WHOLE_LIMIT;

/* Texts up to LIMIT bytes are parsed whole at open; longer ones section by section. */
void doc_set_whole_limit(size_t limit)
{
    whole_limit = limit;
}

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    size_t ncap = *cap ? *cap : 16;
    void *np;

    if (need <= *cap)
        return p;
    while (ncap < need)
        ncap *= 2;
    np = realloc(p, ncap * size);
    if (np != NULL)
        *cap = ncap;
    return np;
}

/* Open a block in P; it takes the runs added until docb_end. */
struct doc_block *docb_begin(struct doc_parse *p, enum doc_block_kind kind, size_t at)
{
    struct doc_block *blocks, *b;

    if (p->in_block)
        docb_end(p);
    blocks = grow(p->blocks, &p->cap_blocks, p->nblocks + 1, sizeof *blocks);
    if (blocks == NULL) {
        p->failed = true;
        return NULL;
    }
    p->blocks = blocks;
    b = &blocks[p->nblocks++];
    memset(b, 0, sizeof *b);
    b->kind = (uint8_t)kind;
    b->start = b->end = at;
    b->first_run = (uint32_t)p->nruns;
    b->space_before = 1;
    b->section = (uint32_t)p->section;
    p->in_block = true;
    return b;
}

/* Append a run to the open block, merging it with the previous one when they touch. */
void docb_run(struct doc_parse *p, size_t start, size_t end, enum doc_run_kind kind, uint16_t style)
{
    struct doc_block *b;
    struct doc_run *runs, *last;

    if (!p->in_block || p->failed)
        return;
    b = &p->blocks[p->nblocks - 1];
    last = b->nruns ? &p->runs[p->nruns - 1] : NULL;
    if (last != NULL && kind == DOC_RUN_TEXT && last->kind == DOC_RUN_TEXT &&
        last->style == style && last->end == start) {
        last->end = end;
        b->end = end;
        return;
    }
    runs = grow(p->runs, &p->cap_runs, p->nruns + 1, sizeof *runs);
    if (runs == NULL) {
        p->failed = true;
        return;
    }
    p->runs = runs;
    runs[p->nruns++] = (struct doc_run){start, end, (uint8_t)kind, style};
    if (b->nruns++ == 0)
        b->start = start;
    b->end = end;
}

/* Close the open block. */
void docb_end(struct doc_parse *p)
{
    p->in_block = false;
}

/* Release what P holds (not P itself). */
void docb_clear(struct doc_parse *p)
{
    free(p->blocks);
    free(p->runs);
    p->blocks = NULL;
    p->runs = NULL;
    p->nblocks = p->cap_blocks = p->nruns = p->cap_runs = 0;
}

/* Whether C is a blank a plain-text line may hold and still be blank. */
bool doc_blank_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Whether the plain-text line at POS is a heading that stands alone (see doc_internal.h). */
bool doc_text_heading(const struct doc *doc, size_t pos, size_t next, int *level)
{
    /* Positions in the whole text: a tail borrows its bytes, so the ones before it are there. */
    const char *d = doc->data - doc->origin;
    size_t p = doc->origin + pos, nx = doc->origin + next, len = doc->origin + doc->len;
    size_t e = nx > p && d[nx - 1] == '\n' ? nx - 1 : nx, a, b, k;

    while (e > p && d[e - 1] == '\r')
        e--;
    if (p >= e || d[p] != '#' || !doc_atx_heading(d + p, e - p, level, &a, &b))
        return false;
    /* The line before is blank: only blanks back to its newline (or the start); a line of
     * more blanks than TEXT_BLANK_LOOK is taken for text, so that no look is long. */
    if (p > 0) {
        for (k = p - 1; k > 0 && p - k < TEXT_BLANK_LOOK && doc_blank_byte(d[k - 1]); k--)
            ;
        if (k > 0 && d[k - 1] != '\n')
            return false;
    }
    /* And the line after. */
    for (k = nx; k < len && k - nx < TEXT_BLANK_LOOK && doc_blank_byte(d[k]); k++)
        ;
    return k >= len || d[k] == '\n';
}

/* Whether the line at S (N bytes, no newline) is an ATX heading; fills its level and text. */
bool doc_atx_heading(const char *s, size_t n, int *level, size_t *text_start, size_t *text_end)
{
    size_t i = 0, j, e;
    int hashes = 0;

    while (i < n && i < 3 && s[i] == ' ')
        i++;
    while (i < n && s[i] == '#' && hashes < 7) {
        i++;
        hashes++;
    }
    if (hashes < 1 || hashes > 6 || (i < n && s[i] != ' ' && s[i] != '\t'))
        return false;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    e = n;
    while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
        e--;
    /* A closing run of #s counts only after white space. */
    j = e;
    while (j > i && s[j - 1] == '#')
        j--;
    if (j < e && (j == i || s[j - 1] == ' ' || s[j - 1] == '\t')) {
        e = j;
        while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t'))
            e--;
    }
    *level = hashes;
    *text_start = i;
    *text_end = e;
    return true;
}

/* The shown form of a block's text (its runs R) on one line, for titles. */
static char *block_text(const struct doc *doc, const struct doc_block *b, const struct doc_run *r)
{
    size_t cap = 256, len = 0;
    char *out = malloc(cap);

    if (out == NULL)
        return NULL;
    for (uint32_t i = 0; i < b->nruns; i++) {
        char piece[64];
        size_t plen = 0;
        const char *src = doc->data + r[i].start;
        size_t n = r[i].end - r[i].start;
        char *big = NULL;

        if (r[i].kind == DOC_RUN_TEXT) {
            big = malloc(n * 10 + 1);
            if (big == NULL)
                break;
            plen = glyph_sanitize(big, n * 10 + 1, src, n);
        } else if (r[i].kind == DOC_RUN_ENTITY) {
            char dec[8];
            size_t dlen = doc_entity_decode(src, n, dec);
            plen = dlen ? glyph_sanitize(piece, sizeof piece, dec, dlen)
                        : glyph_sanitize(piece, sizeof piece, src, n);
        } else if (r[i].kind == DOC_RUN_REPLACEMENT) {
            plen = (size_t)snprintf(piece, sizeof piece, "\xEF\xBF\xBD");
        } else {
            plen = (size_t)snprintf(piece, sizeof piece, " ");
        }
        if (len + plen + 1 > cap) {
            char *n2;
            while (len + plen + 1 > cap)
                cap *= 2;
            n2 = realloc(out, cap);
            if (n2 == NULL) {
                free(big);
                break;
            }
            out = n2;
        }
        memcpy(out + len, big ? big : piece, plen);
        len += plen;
        free(big);
    }
    out[len] = '\0';
    /* Collapse runs of spaces and trim, so titles fit on one line. */
    {
        size_t w = 0;
        for (size_t i = 0; i < len; i++) {
            if (out[i] == ' ' && (w == 0 || out[w - 1] == ' '))
                continue;
            out[w++] = out[i];
        }
        while (w > 0 && out[w - 1] == ' ')
            w--;
        out[w] = '\0';
        /* Tens of thousands of titles are kept: each in what it needs, not in the 256 bytes of
         * the buffer it was made in. */
        {
            char *fit = realloc(out, w + 1);
            if (fit != NULL)
                out = fit;
        }
    }
    return out;
}

/* The runs of block B of parse P (NULL when P has none at all: a text of rules and empty
 * headings has no array to point into). */
/*
 * A heading's title: its shown text, without the #s around a plain-text heading's words (the
 * line itself is shown as it is; its title names it in the contents and the status line).
 */
static char *heading_title(const struct doc *doc, const struct doc_block *b,
                           const struct doc_run *r)
{
    size_t ts, te, n = b->end - b->start;
    int level;

    if (doc->format == DOC_FORMAT_TEXT && b->kind == DOC_BLOCK_HEADING) {
        while (n > 0 && doc->data[b->start + n - 1] == '\r')
            n--;
        if (doc_atx_heading(doc->data + b->start, n, &level, &ts, &te)) {
            struct doc_run words = {b->start + ts, b->start + te, DOC_RUN_TEXT, 0};
            struct doc_block one = *b;
            one.first_run = 0;
            one.nruns = te > ts ? 1 : 0;
            return block_text(doc, &one, &words);
        }
    }
    return block_text(doc, b, r);
}

static const struct doc_run *runs_of(const struct doc_parse *p, const struct doc_block *b)
{
    return p->runs != NULL ? p->runs + b->first_run : NULL;
}

static char *name_title(const struct doc *doc)
{
    size_t n = strlen(doc->name);
    char *t = malloc(n * 10 + 1);

    if (t != NULL)
        glyph_sanitize(t, n * 10 + 1, doc->name, n);
    return t;
}

/* ---- Sections ---- */

/* Slot I (I < doc->nsections). */
struct doc_slot *doc_slot(const struct doc *doc, size_t i)
{
    return &doc->slabs[i / DOC_SLAB][i % DOC_SLAB];
}

/* Add a section starting at START (its heading's lines end at HEAD_END). */
int doc_slot_add(struct doc *doc, size_t start, uint8_t level, size_t head_end)
{
    struct doc_slot *slot;

    if (doc->nsections == doc->nslabs * DOC_SLAB) {
        struct doc_slot **slabs = grow(doc->slabs, &doc->cap_slabs, doc->nslabs + 1, sizeof *slabs);
        if (slabs == NULL)
            return -1;
        doc->slabs = slabs;
        /* Not zeroed: each slot is as it is added, so the slab's pages are touched only as
         * sections are found (zeroing them all cost 18 page faults before the first screen). */
        slabs[doc->nslabs] = malloc(DOC_SLAB * sizeof **slabs);
        if (slabs[doc->nslabs] == NULL)
            return -1;
        doc->nslabs++;
    }
    if (doc->nsections > 0)
        doc_slot(doc, doc->nsections - 1)->sec.end = start;
    slot = doc_slot(doc, doc->nsections++);
    memset(slot, 0, sizeof *slot);
    slot->sec.start = start;
    slot->sec.end = doc->len;
    slot->sec.level = level;
    slot->head_end = head_end;
    return 0;
}

/* Start of the source line that holds OFFSET, so a section owns its heading's "## ". */
static size_t line_start(const struct doc *doc, size_t offset)
{
    while (offset > 0 && doc->data[offset - 1] != '\n')
        offset--;
    return offset;
}

/* From OFFSET, past the rest of its line and the lines after it when they are blank. */
static size_t skip_blank_lines(const struct doc *doc, size_t offset)
{
    size_t p = offset;

    for (;;) {
        size_t q = p;
        while (q < doc->len &&
               (doc->data[q] == ' ' || doc->data[q] == '\t' || doc->data[q] == '\r'))
            q++;
        if (q >= doc->len || doc->data[q] != '\n')
            return p;
        p = q + 1;
    }
}

/* A text parsed at open: its sections are cut at the top-level headings md4c found. */
static int whole_sections(struct doc *doc)
{
    struct doc_parse *p = doc->whole;
    const struct doc_block *title_block = NULL;

    for (size_t i = 0; i < p->nblocks && title_block == NULL; i++) {
        const struct doc_block *b = &p->blocks[i];
        if (b->kind == DOC_BLOCK_HEADING && b->ncontainers == 0 && b->level == 1)
            title_block = b;
    }
    doc->title = title_block ? heading_title(doc, title_block, runs_of(p, title_block)) : NULL;
    if (doc->title == NULL || doc->title[0] == '\0') {
        free(doc->title);
        if ((doc->title = name_title(doc)) == NULL)
            return -1;
    }
    for (size_t i = 0; i < p->nblocks; i++) {
        struct doc_block *b = &p->blocks[i];
        bool heading = b->kind == DOC_BLOCK_HEADING && b->ncontainers == 0;
        struct doc_slot *slot;

        /* A long stretch without headings is cut into parts at a top-level block. */
        if (!heading && doc->nsections > 0 && b->ncontainers == 0 && b->nruns > 0 &&
            line_start(doc, b->start) >= doc_slot(doc, doc->nsections - 1)->sec.start + DOC_PART &&
            line_start(doc, b->start) >= p->blocks[i - 1].end) {
            struct doc_slot *prev = doc_slot(doc, doc->nsections - 1);
            if (doc_slot_add(doc, line_start(doc, b->start), prev->sec.level, 0) != 0)
                return -1;
            slot = doc_slot(doc, doc->nsections - 1);
            slot->sec.continued = 1;
            slot->parse = p;
            slot->first_block = (uint32_t)i;
            slot->sec.title = strdup(prev->sec.title);
            slot->titled = true;
            if (slot->sec.title == NULL)
                return -1;
        }
        if (doc->nsections == 0 || heading) {
            size_t start = doc->nsections == 0 ? 0 : line_start(doc, b->start);
            /* A heading whose text md4c did not place (empty, or a NUL first) is put where the
             * block above it ends: an empty one starts at the next line that is not blank, and
             * none starts after its own first run. */
            if (doc->nsections > 0 && i > 0 && start < p->blocks[i - 1].end)
                start = b->nruns == 0 ? skip_blank_lines(doc, p->blocks[i - 1].end)
                                      : p->blocks[i - 1].end;
            if (doc_slot_add(doc, start, heading ? b->level : 0, 0) != 0)
                return -1;
            slot = doc_slot(doc, doc->nsections - 1);
            slot->parse = p;
            slot->first_block = (uint32_t)i;
            slot->sec.title = heading ? heading_title(doc, b, runs_of(p, b)) : strdup(doc->title);
            slot->titled = true;
            if (slot->sec.title == NULL)
                return -1;
        }
        slot = doc_slot(doc, doc->nsections - 1);
        b->section = (uint32_t)(doc->nsections - 1);
        slot->nblocks++;
        /* A block without text (a rule, an empty heading) sits where md4c's last text ended:
         * never before its section. */
        if (b->nruns == 0 && b->start < slot->sec.start)
            b->start = b->end = slot->sec.start;
    }
    if (doc->nsections == 0) {
        /* An empty text still has one (empty) section to show. */
        if (doc_slot_add(doc, 0, 0, 0) != 0)
            return -1;
        doc_slot(doc, 0)->parse = p;
        doc_slot(doc, 0)->titled = true;
        if ((doc_slot(doc, 0)->sec.title = strdup(doc->title)) == NULL)
            return -1;
    }
    doc->scan.pos = doc->len;
    doc->scan.done = true;
    return 0;
}

/* Parse the source bytes [START, END) into P, as the doc's format says. */
static int parse_range(const struct doc *doc, size_t start, size_t end, struct doc_parse *p)
{
    int rc = doc->format == DOC_FORMAT_MARKDOWN ? doc_parse_markdown(doc, start, end, p)
                                                : doc_parse_text(doc, start, end, p);
    return rc != 0 || p->failed ? -1 : 0;
}

/* Look for sections in BUDGET more bytes; false when there is nothing more to look at (every
 * section is known, or memory ran out, which doc->failed then says). */
static bool scan_more(struct doc *doc, size_t budget)
{
    if (doc->scan.done || doc->failed)
        return false;
    if (doc_scan_step(doc, budget) != 0)
        doc->failed = true;
    return !doc->failed;
}

/* Scan for sections until section N exists or every section is known. */
static void scan_until_section(struct doc *doc, size_t n)
{
    while (doc->nsections <= n && scan_more(doc, DOC_SCAN_PIECE))
        ;
}

/* The shown title of a scanned section: its heading's lines parsed on their own. */
static char *scanned_title(struct doc *doc, const struct doc_slot *slot)
{
    struct doc_parse p;
    char *title = NULL;

    if (slot->sec.level == 0)
        return strdup(doc->title ? doc->title : "");
    memset(&p, 0, sizeof p);
    if (parse_range(doc, slot->sec.start, slot->head_end, &p) == 0) {
        for (size_t i = 0; i < p.nblocks && title == NULL; i++)
            if (p.blocks[i].kind == DOC_BLOCK_HEADING)
                title = heading_title(doc, &p.blocks[i], runs_of(&p, &p.blocks[i]));
        if (title == NULL)
            title = strdup("");
    }
    docb_clear(&p);
    return title;
}

/* A long text's title: its first level-1 heading in its first 64 KiB, else its name. */
static int scanned_doc_title(struct doc *doc)
{
    size_t seen = 0;
    bool found = false;

    while (!found) {
        for (; seen < doc->nsections && !found; seen++) {
            struct doc_slot *slot = doc_slot(doc, seen);
            if (slot->sec.start >= DOC_TITLE_SCAN)
                break;
            /* Text before any heading may yet turn out to be the heading's own. */
            if (doc->nsections == 1 && slot->sec.level == 0 && !doc->scan.done)
                break;
            if (slot->sec.level == 1) {
                found = true;
                doc->title = scanned_title(doc, slot);
            }
        }
        if (found || doc->scan.pos >= DOC_TITLE_SCAN || !scan_more(doc, DOC_SCAN_PIECE))
            break;
    }
    if (doc->failed)
        return -1;
    if (doc->title != NULL && doc->title[0] == '\0') {
        free(doc->title);
        doc->title = NULL;
    }
    if (doc->title == NULL && (doc->title = name_title(doc)) == NULL)
        return -1;
    return 0;
}

/* ---- The cache of one-section parses ---- */

static void cache_unlink(struct doc *doc, struct doc_parse *p)
{
    if (p->newer != NULL)
        p->newer->older = p->older;
    else
        doc->newest = p->older;
    if (p->older != NULL)
        p->older->newer = p->newer;
    else
        doc->oldest = p->newer;
    p->newer = p->older = NULL;
}

static void cache_push(struct doc *doc, struct doc_parse *p)
{
    p->older = doc->newest;
    p->newer = NULL;
    if (doc->newest != NULL)
        doc->newest->newer = p;
    doc->newest = p;
    if (doc->oldest == NULL)
        doc->oldest = p;
}

static size_t parse_bytes(const struct doc_parse *p)
{
    return sizeof *p + p->cap_blocks * sizeof *p->blocks + p->cap_runs * sizeof *p->runs;
}

static void cache_evict(struct doc *doc)
{
    while (doc->ncached > DOC_CACHE_MIN && doc->cached_bytes > DOC_CACHE_BYTES) {
        struct doc_parse *p = doc->oldest;
        cache_unlink(doc, p);
        doc_slot(doc, p->section)->parse = NULL;
        doc->ncached--;
        doc->cached_bytes -= parse_bytes(p);
        docb_clear(p);
        free(p);
    }
}

/* The parse of scanned section S, from the cache or made now; NULL when out of memory. */
static struct doc_parse *section_parse(struct doc *doc, size_t s)
{
    struct doc_slot *slot = doc_slot(doc, s);
    struct doc_parse *p = slot->parse;

    if (p != NULL) {
        if (p != doc->whole && p != doc->newest) {
            cache_unlink(doc, p);
            cache_push(doc, p);
        }
        return p;
    }
    p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->section = s;
    if (parse_range(doc, slot->sec.start, slot->sec.end, p) != 0) {
        docb_clear(p);
        free(p);
        return NULL;
    }
    slot->parse = p;
    slot->first_block = 0;
    slot->nblocks = (uint32_t)p->nblocks;
    cache_push(doc, p);
    doc->ncached++;
    doc->cached_bytes += parse_bytes(p);
    cache_evict(doc);
    return p;
}

/* ---- Opening ---- */

static bool has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n > s && strcasecmp(name + n - s, suffix) == 0;
}

static enum doc_format detect_format(const struct doc *doc)
{
    static const char *const md[] = {".md", ".markdown", ".mdown", ".mkd", ".mkdn"};
    const char *p = doc->data, *end = doc->data + doc->len;

    for (size_t i = 0; i < sizeof md / sizeof md[0]; i++)
        if (has_suffix(doc->name, md[i]))
            return DOC_FORMAT_MARKDOWN;
    if (strcmp(doc->name, "-") != 0)
        return DOC_FORMAT_TEXT;
    /* Standard input has no name: Markdown when its first line with text is an ATX heading. */
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t a, b;
        int level;
        bool blank = true;

        for (size_t i = 0; i < n; i++)
            if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
                blank = false;
        if (!blank)
            return doc_atx_heading(p, n, &level, &a, &b) ? DOC_FORMAT_MARKDOWN : DOC_FORMAT_TEXT;
        p = nl ? nl + 1 : end;
    }
    return DOC_FORMAT_TEXT;
}

/* Parse a short text now; for a long one, find its first sections and its title. */
static int doc_prepare(struct doc *doc)
{
    /* Plain text gains nothing from a whole parse (nothing refers across its lines), and a
     * long stretch of it is better cut into parts from the start. */
    size_t limit =
        doc->format == DOC_FORMAT_MARKDOWN || whole_limit < DOC_PART ? whole_limit : DOC_PART;

    if (doc->len <= limit) {
        doc->whole = calloc(1, sizeof *doc->whole);
        if (doc->whole == NULL || parse_range(doc, 0, doc->len, doc->whole) != 0)
            return -1;
        return whole_sections(doc);
    }
    doc->scan.first_content = SIZE_MAX;
    if (doc_slot_add(doc, 0, 0, 0) != 0 || scanned_doc_title(doc) != 0)
        return -1;
    return 0;
}

static int doc_finish(struct doc *doc, enum doc_format format, struct doc **out,
                      struct lees_error *err)
{
    static const char bom[] = "\xEF\xBB\xBF";

    if (doc->len >= 3 && memcmp(doc->data, bom, 3) == 0) {
        doc->data += 3;
        doc->len -= 3;
    }
    doc->format = format == DOC_FORMAT_AUTO ? detect_format(doc) : format;
    if (doc_prepare(doc) != 0 || doc->failed) {
        lees_error_set(err, LEES_ERR_NOMEM, "%s: out of memory", doc->name);
        doc_free(doc);
        return -1;
    }
    *out = doc;
    return 0;
}

static struct doc *doc_alloc(const char *name)
{
    struct doc *doc = calloc(1, sizeof *doc);

    if (doc == NULL)
        return NULL;
    doc->name = strdup(name);
    if (doc->name == NULL) {
        free(doc);
        return NULL;
    }
    doc->fd = -1;
    return doc;
}

/* Parse LEN bytes at DATA without copying them: DATA must outlive the doc. */
int doc_open_memory(const char *data, size_t len, const char *name, enum doc_format format,
                    struct doc **out, struct lees_error *err)
{
    struct doc *doc = doc_alloc(name);

    if (doc == NULL)
        return lees_error_set(err, LEES_ERR_NOMEM, "%s: out of memory", name);
    doc->data = data;
    doc->len = len;
    doc->own = DOC_BORROWED;
    return doc_finish(doc, format, out, err);
}

/* Read all of FD and parse it; NAME is used in messages and the title. */
int doc_open_fd(int fd, const char *name, enum doc_format format, struct doc **out,
                struct lees_error *err)
{
    struct doc *doc = doc_alloc(name);
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);

    if (doc == NULL || buf == NULL) {
        free(buf);
        doc_free(doc);
        return lees_error_set(err, LEES_ERR_NOMEM, "%s: out of memory", name);
    }
    for (;;) {
        ssize_t got;
        if (len == cap) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                doc_free(doc);
                return lees_error_set(err, LEES_ERR_NOMEM, "%s: out of memory", name);
            }
            buf = nb;
            cap *= 2;
        }
        got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            doc_free(doc);
            return lees_error_set(err, LEES_ERR_FILE, "%s: %s", name, strerror(e));
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    doc->base = buf;
    doc->base_len = cap;
    doc->own = DOC_HEAP;
    doc->data = buf;
    doc->len = len;
    return doc_finish(doc, format, out, err);
}

/* Open PATH for reading and look at what it is; -1 with ERR when it cannot be opened. */
static int open_path(const char *path, int *fd, struct stat *st, struct lees_error *err)
{
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return lees_error_set(err, LEES_ERR_FILE, "%s: %s", path, strerror(errno));
    if (fstat(*fd, st) != 0) {
        int e = errno;
        close(*fd);
        return lees_error_set(err, LEES_ERR_FILE, "%s: %s", path, strerror(e));
    }
    if (S_ISDIR(st->st_mode)) {
        close(*fd);
        return lees_error_set(err, LEES_ERR_FILE, "%s: is a directory", path);
    }
    return 0;
}

/* A doc of the SIZE bytes of the regular file FD (ST) maps, named PATH; NULL with ERR.  FD is
 * the doc's from then on, and closed on failure. */
static struct doc *map_file(int fd, size_t size, const char *path, struct lees_error *err)
{
    struct doc *doc;
    void *map = doc_map(fd, size);

    if (map == NULL) {
        lees_error_set(err, LEES_ERR_FILE, "%s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    doc = doc_alloc(path);
    if (doc == NULL) {
        lees_error_set(err, LEES_ERR_NOMEM, "%s: out of memory", path);
        close(fd);
        doc_unmap(map, size);
        return NULL;
    }
    doc->fd = fd;
    doc->base = map;
    doc->base_len = size;
    doc->own = DOC_MAPPED;
    doc->data = map;
    doc->len = size;
    return doc;
}

/* The file FD (ST), opened at PATH: mapped when it is a regular file with a size, else read. */
static int open_opened(int fd, const struct stat *st, const char *path, enum doc_format format,
                       struct doc **out, struct lees_error *err)
{
    struct doc *doc;

    if (!S_ISREG(st->st_mode) || st->st_size == 0) {
        /* Pipes, devices and files that report no size (/proc) are read to their end. */
        int rc = doc_open_fd(fd, path, format, out, err);
        close(fd);
        return rc;
    }
    doc = map_file(fd, (size_t)st->st_size, path, err);
    return doc == NULL ? -1 : doc_finish(doc, format, out, err);
}

/* Open the file at PATH (a regular file is mapped, anything else read). */
int doc_open_file(const char *path, enum doc_format format, struct doc **out,
                  struct lees_error *err)
{
    struct stat st;
    int fd;

    if (open_path(path, &fd, &st, err) != 0)
        return -1;
    return open_opened(fd, &st, path, format, out, err);
}

/*
 * Whether DOC's sections can carry over to a longer text that begins with its bytes: DOC was
 * scanned (a text parsed whole at open is short, and is parsed again as quickly), and its scan
 * did not end inside a last line that the longer text may make longer.
 */
static bool can_carry(const struct doc *doc)
{
    const struct doc_slot *last;

    if (doc->whole != NULL || doc->failed || doc->origin != 0 || doc->nsections == 0)
        return false;
    /* A plain-text heading stands alone: one judged so by the end of DOC, or by a last line
     * not whole yet, may not be one in the longer text. */
    last = doc_slot(doc, doc->nsections - 1);
    if (doc->format == DOC_FORMAT_TEXT && last->sec.level > 0 && !last->sec.continued &&
        memchr(doc->data + last->head_end, '\n', doc->len - last->head_end) == NULL)
        return false;
    return !doc->scan.done || (doc->len > 0 && doc->data[doc->len - 1] == '\n');
}

/* Whether the file ST is DOC's own, grown longer, and DOC's sections can carry over to it. */
static bool grown_from(const struct doc *doc, const struct stat *st)
{
    struct stat own;

    if (doc->own != DOC_MAPPED || doc->fd < 0 || !can_carry(doc) || !S_ISREG(st->st_mode) ||
        fstat(doc->fd, &own) != 0)
        return false;
    return own.st_dev == st->st_dev && own.st_ino == st->st_ino &&
           (uintmax_t)st->st_size > (uintmax_t)doc->base_len;
}

/* FROM's sections, title and scan, carried over to TO, the same text grown longer; -1 when out
 * of memory.  Parses and their caches are not: TO parses its sections anew as they are asked
 * for. */
static int carry_sections(struct doc *to, const struct doc *from)
{
    to->format = from->format;
    to->title = strdup(from->title);
    to->slabs = calloc(from->nslabs > 0 ? from->nslabs : 1, sizeof *to->slabs);
    if (to->title == NULL || to->slabs == NULL)
        return -1;
    to->cap_slabs = from->nslabs > 0 ? from->nslabs : 1;
    for (size_t i = 0; i < from->nslabs; i++) {
        size_t n = from->nsections - i * DOC_SLAB;
        if ((to->slabs[i] = malloc(DOC_SLAB * sizeof **to->slabs)) == NULL)
            return -1;
        to->nslabs++;
        memcpy(to->slabs[i], from->slabs[i], (n < DOC_SLAB ? n : DOC_SLAB) * sizeof **to->slabs);
    }
    to->nsections = from->nsections;
    for (size_t i = 0; i < to->nsections; i++) {
        struct doc_slot *slot = doc_slot(to, i);
        slot->parse = NULL;
        slot->first_block = slot->nblocks = 0;
        if (slot->titled && slot->sec.title != NULL &&
            (slot->sec.title = strdup(slot->sec.title)) == NULL)
            slot->titled = false; /* made again when asked for */
    }
    /* The scan goes on from where FROM's stopped: at the start of a line, or at FROM's end
     * after its last newline, in the state it was in there. */
    to->scan = from->scan;
    to->scan.done = false;
    doc_slot(to, to->nsections - 1)->sec.end = to->len;
    return 0;
}

/* Open the file at PATH again (see doc.h). */
int doc_reopen(const struct doc *doc, const char *path, struct doc **out, struct lees_error *err)
{
    struct stat st;
    struct doc *grown;
    size_t bom;
    int fd;

    if (open_path(path, &fd, &st, err) != 0)
        return -1;
    if (!grown_from(doc, &st))
        return open_opened(fd, &st, path, doc->format, out, err);
    bom = (size_t)(doc->data - (const char *)doc->base);
    grown = map_file(fd, (size_t)st.st_size, doc->name, err);
    if (grown == NULL)
        return -1;
    grown->data += bom;
    grown->len -= bom;
    if (carry_sections(grown, doc) != 0) {
        doc_free(grown);
        return lees_error_set(err, LEES_ERR_NOMEM, "%s: out of memory", path);
    }
    *out = grown;
    return 0;
}

/* A doc over more of the bytes DOC borrows (see doc.h). */
int doc_open_longer(const struct doc *doc, const char *data, size_t len, struct doc **out,
                    struct lees_error *err)
{
    struct doc *longer;
    size_t skip;

    /* The same bytes, which never move (a stream's): DOC's may start past a byte order mark. */
    if (doc->own != DOC_BORROWED || doc->data < data || doc->data > data + 3 || !can_carry(doc))
        return doc_open_memory(data, len, doc->name, doc->format, out, err);
    skip = (size_t)(doc->data - data);
    if (len <= skip || len - skip < doc->len)
        return doc_open_memory(data, len, doc->name, doc->format, out, err);
    longer = doc_alloc(doc->name);
    if (longer == NULL)
        return lees_error_set(err, LEES_ERR_NOMEM, "%s: out of memory", doc->name);
    longer->data = doc->data;
    longer->len = len - skip;
    longer->own = DOC_BORROWED;
    if (carry_sections(longer, doc) != 0) {
        doc_free(longer);
        return lees_error_set(err, LEES_ERR_NOMEM, "%s: out of memory", doc->name);
    }
    *out = longer;
    return 0;
}

/* Release the doc, its tables and its bytes. */
void doc_free(struct doc *doc)
{
    if (doc == NULL)
        return;
    if (doc->own == DOC_MAPPED)
        doc_unmap(doc->base, doc->base_len);
    else if (doc->own == DOC_HEAP)
        free(doc->base);
    if (doc->fd >= 0)
        close(doc->fd);
    for (size_t i = 0; i < doc->nsections; i++)
        free(doc_slot(doc, i)->sec.title);
    for (size_t i = 0; i < doc->nslabs; i++)
        free(doc->slabs[i]);
    free(doc->slabs);
    while (doc->newest != NULL) {
        struct doc_parse *p = doc->newest;
        cache_unlink(doc, p);
        docb_clear(p);
        free(p);
    }
    if (doc->whole != NULL)
        docb_clear(doc->whole);
    free(doc->whole);
    free(doc->title);
    free(doc->name);
    free(doc);
}

/* Whether the text was parsed whole when it was opened (a short one). */
bool doc_whole(const struct doc *doc)
{
    return doc->whole != NULL;
}

/* The source bytes (after a byte order mark) and their length. */
const char *doc_bytes(const struct doc *doc, size_t *len)
{
    *len = doc->len;
    return doc->data;
}

/* ---- The end of a text, read from near its end ---- */

/* A doc of DOC's bytes from W on, its sections all found. */
static struct doc *tail_at(const struct doc *doc, size_t w)
{
    struct doc *t = doc_alloc(doc->name);

    if (t == NULL)
        return NULL;
    t->data = doc->data + w;
    t->len = doc->len - w;
    t->origin = doc->origin + w;
    t->own = DOC_BORROWED;
    t->format = doc->format;
    t->scan.first_content = SIZE_MAX;
    t->title = strdup(doc->title);
    if (t->title == NULL || doc_slot_add(t, 0, 0, 0) != 0) {
        doc_free(t);
        return NULL;
    }
    while (scan_more(t, DOC_SCAN_PIECE))
        ;
    if (t->failed) {
        doc_free(t);
        return NULL;
    }
    return t;
}

/*
 * Whether the scan of T from near the end can be trusted: a section other than its first begins
 * with a heading (the last of them, and what follows it, are then what a scan from the top
 * finds), and T ends outside a fenced code block.  A scan that starts inside a fence takes its
 * closing line for an opening one, so in a text whose fences are closed it ends inside one.
 */
static bool tail_trusted(const struct doc *t)
{
    if (t->scan.fence != 0)
        return false;
    for (size_t i = 1; i < t->nsections; i++)
        if (!doc_slot(t, i)->sec.continued)
            return true;
    return false;
}

/*
 * Where a plain text's last part begins, when that can be told from its end: W is the first line
 * at or after the last multiple of DOC_PART that has one, and the 2 * DOC_PART bytes before W
 * hold no heading (no line starting with '#', after blanks) and no line of a quarter of a part
 * or more.  Then, whatever comes before, the scan from the top cuts a part at each multiple in
 * that stretch (each cut lies within a short line of its multiple, so the next is due at the
 * next multiple), W among them.  SIZE_MAX when it cannot be told.
 */
static size_t plain_last_part(const struct doc *doc)
{
    const char *d = doc->data;
    size_t len = doc->len, w = len, stop = len, line_end, start;

    if (doc->origin != 0 || len <= DOC_PART)
        return SIZE_MAX;
    /* Each byte is looked at once at most, and no further back than DOC_TAIL_LOOK: a text of
     * one long line is given up on at once. */
    for (size_t k = (len - 1) / DOC_PART; k >= 1 && len - k * DOC_PART <= DOC_TAIL_LOOK; k--) {
        w = k * DOC_PART;
        while (w < stop && d[w - 1] != '\n')
            w++;
        if (w < stop)
            break;
        stop = k * DOC_PART; /* no line begins past it */
        w = len;
    }
    if (w >= len)
        return SIZE_MAX;
    start = w > 2 * DOC_PART ? w - 2 * DOC_PART : 0;
    for (line_end = w; line_end > start;) {
        size_t a = line_end - 1, i;
        while (a > 0 && d[a - 1] != '\n')
            if (line_end - --a >= DOC_PART / 4)
                return SIZE_MAX;
        for (i = a; i < line_end && (d[i] == ' ' || d[i] == '\t'); i++)
            ;
        if (i < line_end && d[i] == '#')
            return SIZE_MAX;
        line_end = a;
    }
    return w;
}

/* The text's last sections, read from near its end (see doc.h). */
struct doc *doc_tail_new(const struct doc *doc, size_t *from)
{
    size_t limit = doc->len > DOC_TAIL_LOOK ? doc->len - DOC_TAIL_LOOK : 0;

    if (doc_index_done(doc))
        return NULL;
    if (doc->format != DOC_FORMAT_MARKDOWN) {
        /* A log has no heading to start from: its last part can be found all the same. */
        size_t w = plain_last_part(doc);
        struct doc *t;
        if (w != SIZE_MAX && w > doc->scan.pos && (t = tail_at(doc, w)) != NULL) {
            *from = w;
            return t;
        }
    }
    for (size_t back = DOC_TAIL_FIRST;; back *= 2) {
        size_t target = doc->len > back + limit ? doc->len - back : limit;
        size_t w = doc_scan_sync_before(doc, target, limit);
        struct doc *t;

        /* Where the scan from the top has already been, it is as quick to finish it. */
        if (w == SIZE_MAX || w <= doc->scan.pos)
            return NULL;
        t = tail_at(doc, w);
        if (t == NULL)
            return NULL;
        if (tail_trusted(t)) {
            *from = w;
            return t;
        }
        doc_free(t);
        if (target == limit)
            return NULL;
    }
}

/* The file a mapped text came from, and its size then (see doc.h). */
bool doc_file_origin(const struct doc *doc, dev_t *dev, ino_t *ino, size_t *size)
{
    struct stat own;

    if (doc->own != DOC_MAPPED || doc->fd < 0 || fstat(doc->fd, &own) != 0)
        return false;
    *dev = own.st_dev;
    *ino = own.st_ino;
    *size = doc->base_len;
    return true;
}

/* Copy N bytes of the text from OFF (see doc.h). */
int doc_read_at(const struct doc *doc, size_t off, void *buf, size_t n)
{
    char *to = buf;

    if (off > doc->len || n > doc->len - off)
        return -1;
    if (doc->fd < 0) {
        memcpy(buf, doc->data + off, n);
        return 0;
    }
    off += (size_t)(doc->data - (const char *)doc->base); /* past a byte order mark */
    while (n > 0) {
        ssize_t k = pread(doc->fd, to, n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1; /* shrunk since it was mapped: the mapping reads zeros there */
        to += k;
        off += (size_t)k;
        n -= (size_t)k;
    }
    return 0;
}

/* The name it was opened by. */
const char *doc_name(const struct doc *doc)
{
    return doc->name;
}

/* The title, in shown form. */
const char *doc_title(const struct doc *doc)
{
    return doc->title;
}

/* Whether the text looks binary: judged on its first 8 KiB, as less and grep do. */
int doc_looks_binary(const struct doc *doc)
{
    size_t n = doc->len < 8192 ? doc->len : 8192, i = 0, odd = 0;

    if (memchr(doc->data, '\0', n) != NULL)
        return 1;
    while (i < n) {
        struct glyph g;
        size_t len;
        unsigned char c;
        /* Most of most texts is printable ASCII: eight bytes at a time, and no decoding. */
        i += glyph_plain_run(doc->data + i, n - i);
        if (i >= n)
            break;
        c = (unsigned char)doc->data[i];
        if (c == '\n' || c == '\t') {
            i++;
            continue;
        }
        len = glyph_decode(doc->data + i, n - i, &g);
        /* A character cut by the 8 KiB boundary is not held against the text. */
        if (g.kind == GLYPH_CONTROL && !(len == 1 && i + 4 > n && g.uc >= 0x80) && g.uc != '\r' &&
            g.uc != '\f' && g.uc != 0x1b)
            odd++;
        i += len;
    }
    return odd * 10 > n; /* more than a tenth */
}

/* The format it was parsed as. */
enum doc_format doc_format_of(const struct doc *doc)
{
    return doc->format;
}

/* Number of sections, at least 1: finds every section first. */
size_t doc_section_count(const struct doc *doc)
{
    scan_until_section((struct doc *)doc, SIZE_MAX);
    return doc->nsections;
}

/* Whether section I exists, looking for sections only as far as that needs. */
bool doc_section_exists(const struct doc *doc, size_t i)
{
    scan_until_section((struct doc *)doc, i);
    return i < doc->nsections;
}

/* The sections found so far. */
size_t doc_sections_found(const struct doc *doc)
{
    return doc->nsections;
}

/* Look for sections in BUDGET more bytes; true when every section is known. */
bool doc_index_step(const struct doc *doc, size_t budget)
{
    struct doc *d = (struct doc *)doc;

    scan_more(d, budget);
    return doc_index_done(d);
}

/* Whether every section is known. */
bool doc_index_done(const struct doc *doc)
{
    return doc->scan.done || doc->failed;
}

/* How far the text has been looked through for sections, in bytes. */
size_t doc_index_progress(const struct doc *doc)
{
    return doc->scan.pos;
}

/* Section I (which exists), its end and title known. */
const struct doc_section *doc_section(const struct doc *doc, size_t i)
{
    struct doc *d = (struct doc *)doc;
    struct doc_slot *slot;

    /* Its end is known once the section after it is. */
    scan_until_section(d, i + 1);
    slot = doc_slot(d, i);
    if (!slot->titled) {
        if (slot->sec.continued) {
            const char *t = doc_section(doc, doc_section_head(doc, i))->title;
            slot->sec.title = t != NULL ? strdup(t) : NULL;
        } else {
            slot->sec.title = scanned_title(d, slot);
        }
        slot->titled = true;
    }
    return &slot->sec;
}

/* Whether section S is a part, without making its title. */
bool doc_section_continued(const struct doc *doc, size_t s)
{
    scan_until_section((struct doc *)doc, s + 1); /* a part can become a heading's section */
    return doc_slot(doc, s)->sec.continued != 0;
}

/* The bytes of section S, without making its title. */
size_t doc_section_size(const struct doc *doc, size_t s)
{
    size_t start, end;

    doc_section_span(doc, s, &start, &end);
    return end - start;
}

/* The source bytes of section S, without parsing it or making its title. */
void doc_section_span(const struct doc *doc, size_t s, size_t *start, size_t *end)
{
    const struct doc_slot *slot;

    scan_until_section((struct doc *)doc, s + 1); /* its end is known once the next one is */
    slot = doc_slot(doc, s);
    *start = slot->sec.start;
    *end = slot->sec.end;
}

/* The first section after S and its parts. */
size_t doc_section_after(const struct doc *doc, size_t s)
{
    do
        s++;
    while (doc_section_exists(doc, s) && doc_section_continued(doc, s));
    return s;
}

/* The section that section S is a part of. */
size_t doc_section_head(const struct doc *doc, size_t s)
{
    while (s > 0 && doc_slot(doc, s)->sec.continued)
        s--;
    return s;
}

/* The section that holds byte OFFSET (the last one for offsets past the end). */
size_t doc_section_at(const struct doc *doc, size_t offset)
{
    struct doc *d = (struct doc *)doc;
    size_t lo = 0, hi;

    /* A paragraph being scanned may yet turn out a setext heading's text. */
    while ((d->scan.pos <= offset || (d->scan.para && d->scan.para_start <= offset)) &&
           scan_more(d, DOC_SCAN_PIECE))
        ;
    hi = d->nsections;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc_slot(d, mid)->sec.start <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The N blocks of section S (which exists), parsed on first use; NULL when out of memory. */
const struct doc_block *doc_section_blocks(const struct doc *doc, size_t s, size_t *n)
{
    struct doc *d = (struct doc *)doc;
    struct doc_parse *p;
    struct doc_slot *slot;

    scan_until_section(d, s + 1);
    slot = doc_slot(d, s);
    p = section_parse(d, s);
    if (p == NULL) {
        d->failed = true;
        *n = 0;
        return NULL;
    }
    *n = slot->nblocks;
    return p->blocks != NULL ? p->blocks + slot->first_block : NULL;
}

/* The runs of block B. */
const struct doc_run *doc_block_runs(const struct doc *doc, const struct doc_block *b)
{
    const struct doc_parse *p = doc_slot(doc, b->section)->parse;

    return p != NULL ? runs_of(p, b) : NULL;
}

/* Whether memory ran out while finding or parsing sections: some may be missing. */
bool doc_failed(const struct doc *doc)
{
    return doc->failed;
}

/* The first of the N RUNS of a block that ends after byte FROM or starts at it. */
uint32_t doc_run_at(const struct doc_run *runs, uint32_t n, size_t from)
{
    uint32_t lo = 0, hi = n;

    /* Runs are ordered and disjoint, so "ends after FROM or starts at it" is monotone. */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (runs[mid].end > from || runs[mid].start >= from)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}
