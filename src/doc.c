/*
 * doc.c: loading a text and the tables over it.  A regular file is mapped, not copied; standard
 * input, FIFOs and devices are read; the built-in text is borrowed.  After parsing (doc_md.c or
 * doc_text.c) this file derives the section table and the title, which every other module reads.
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

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    size_t ncap = *cap ? *cap : 64;
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

/* Open a block; it takes the runs added until docb_end. */
struct doc_block *docb_begin(struct doc *doc, enum doc_block_kind kind, size_t at)
{
    struct doc_block *blocks, *b;

    if (doc->in_block)
        docb_end(doc);
    blocks = grow(doc->blocks, &doc->cap_blocks, doc->nblocks + 1, sizeof *blocks);
    if (blocks == NULL) {
        doc->failed = true;
        return NULL;
    }
    doc->blocks = blocks;
    b = &blocks[doc->nblocks++];
    memset(b, 0, sizeof *b);
    b->kind = (uint8_t)kind;
    b->start = b->end = at;
    b->first_run = (uint32_t)doc->nruns;
    b->space_before = 1;
    doc->in_block = true;
    return b;
}

/* Append a run to the open block, merging it with the previous one when they touch. */
void docb_run(struct doc *doc, size_t start, size_t end, enum doc_run_kind kind, uint16_t style)
{
    struct doc_block *b;
    struct doc_run *runs, *last;

    if (!doc->in_block || doc->failed)
        return;
    b = &doc->blocks[doc->nblocks - 1];
    last = b->nruns ? &doc->runs[doc->nruns - 1] : NULL;
    if (last != NULL && kind == DOC_RUN_TEXT && last->kind == DOC_RUN_TEXT &&
        last->style == style && last->end == start) {
        last->end = end;
        b->end = end;
        return;
    }
    runs = grow(doc->runs, &doc->cap_runs, doc->nruns + 1, sizeof *runs);
    if (runs == NULL) {
        doc->failed = true;
        return;
    }
    doc->runs = runs;
    runs[doc->nruns++] = (struct doc_run){start, end, (uint8_t)kind, style};
    if (b->nruns++ == 0)
        b->start = start;
    b->end = end;
}

/* Close the open block. */
void docb_end(struct doc *doc)
{
    doc->in_block = false;
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

/* The shown form of a block's text on one line, for titles. */
static char *block_text(const struct doc *doc, const struct doc_block *b)
{
    size_t cap = 256, len = 0;
    char *out = malloc(cap);
    const struct doc_run *r = doc_block_runs(doc, b);

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
    }
    return out;
}

/* Start of the source line that holds OFFSET, so a section owns its heading's "## ". */
static size_t line_start(const struct doc *doc, size_t offset)
{
    while (offset > 0 && doc->data[offset - 1] != '\n')
        offset--;
    return offset;
}

static int build_sections(struct doc *doc)
{
    size_t n = 0, cap = 0;
    struct doc_section *secs = NULL;
    const struct doc_block *title_block = NULL;

    for (size_t i = 0; i < doc->nblocks && title_block == NULL; i++) {
        const struct doc_block *b = &doc->blocks[i];
        if (b->kind == DOC_BLOCK_HEADING && b->ncontainers == 0 && b->level == 1)
            title_block = b;
    }
    doc->title = title_block ? block_text(doc, title_block) : NULL;
    if (doc->title == NULL || doc->title[0] == '\0') {
        free(doc->title);
        doc->title = malloc(strlen(doc->name) * 10 + 1);
        if (doc->title == NULL)
            return -1;
        glyph_sanitize(doc->title, strlen(doc->name) * 10 + 1, doc->name, strlen(doc->name));
    }

    for (size_t i = 0; i < doc->nblocks; i++) {
        struct doc_block *b = &doc->blocks[i];
        bool heading = b->kind == DOC_BLOCK_HEADING && b->ncontainers == 0;

        if (n == 0 || heading) {
            struct doc_section *s;
            secs = grow(secs, &cap, n + 1, sizeof *secs);
            if (secs == NULL)
                return -1;
            s = &secs[n];
            memset(s, 0, sizeof *s);
            s->first_block = (uint32_t)i;
            s->start = n == 0 ? 0 : line_start(doc, b->start);
            /* An empty heading has no text to place it: never before the block above it. */
            if (n > 0 && i > 0 && s->start < doc->blocks[i - 1].end)
                s->start = doc->blocks[i - 1].end;
            if (heading) {
                s->level = b->level;
                s->title = block_text(doc, b);
            } else {
                s->title = strdup(doc->title);
            }
            if (s->title == NULL)
                return -1;
            if (n > 0)
                secs[n - 1].end = s->start;
            n++;
        }
        b->section = (uint32_t)(n - 1);
        secs[n - 1].nblocks++;
    }
    if (n == 0) {
        /* An empty text still has one (empty) section to show. */
        secs = calloc(1, sizeof *secs);
        if (secs == NULL || (secs[0].title = strdup(doc->title)) == NULL) {
            free(secs);
            return -1;
        }
        n = 1;
    }
    secs[n - 1].end = doc->len;
    doc->sections = secs;
    doc->nsections = n;
    return 0;
}

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

static int doc_finish(struct doc *doc, enum doc_format format, struct doc **out,
                      struct lees_error *err)
{
    static const char bom[] = "\xEF\xBB\xBF";
    int rc;

    if (doc->len >= 3 && memcmp(doc->data, bom, 3) == 0) {
        doc->data += 3;
        doc->len -= 3;
    }
    doc->format = format == DOC_FORMAT_AUTO ? detect_format(doc) : format;
    rc = doc->format == DOC_FORMAT_MARKDOWN ? doc_parse_markdown(doc) : doc_parse_text(doc);
    if (rc != 0 || doc->failed || build_sections(doc) != 0) {
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

/* Open the file at PATH (a regular file is mapped, anything else read). */
int doc_open_file(const char *path, enum doc_format format, struct doc **out,
                  struct lees_error *err)
{
    struct stat st;
    struct doc *doc;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    void *map;

    if (fd < 0)
        return lees_error_set(err, LEES_ERR_FILE, "%s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return lees_error_set(err, LEES_ERR_FILE, "%s: %s", path, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return lees_error_set(err, LEES_ERR_FILE, "%s: is a directory", path);
    }
    if (!S_ISREG(st.st_mode) || st.st_size == 0) {
        /* Pipes, devices and files that report no size (/proc) are read to their end. */
        int rc = doc_open_fd(fd, path, format, out, err);
        close(fd);
        return rc;
    }
    map = doc_map(fd, (size_t)st.st_size);
    close(fd);
    if (map == NULL)
        return lees_error_set(err, LEES_ERR_FILE, "%s: %s", path, strerror(errno));
    doc = doc_alloc(path);
    if (doc == NULL) {
        doc_unmap(map, (size_t)st.st_size);
        return lees_error_set(err, LEES_ERR_NOMEM, "%s: out of memory", path);
    }
    doc->base = map;
    doc->base_len = (size_t)st.st_size;
    doc->own = DOC_MAPPED;
    doc->data = map;
    doc->len = (size_t)st.st_size;
    return doc_finish(doc, format, out, err);
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
    for (size_t i = 0; i < doc->nsections; i++)
        free(doc->sections[i].title);
    free(doc->sections);
    free(doc->blocks);
    free(doc->runs);
    free(doc->title);
    free(doc->name);
    free(doc);
}

/* The source bytes (after a byte order mark) and their length. */
const char *doc_bytes(const struct doc *doc, size_t *len)
{
    *len = doc->len;
    return doc->data;
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
        size_t len = glyph_decode(doc->data + i, n - i, &g);
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

/* Number of sections, at least 1. */
size_t doc_section_count(const struct doc *doc)
{
    return doc->nsections;
}

/* Section I. */
const struct doc_section *doc_section(const struct doc *doc, size_t i)
{
    return &doc->sections[i];
}

/* The section that holds byte OFFSET (the last one for offsets past the end). */
size_t doc_section_at(const struct doc *doc, size_t offset)
{
    size_t lo = 0, hi = doc->nsections;

    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc->sections[mid].start <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Number of blocks. */
size_t doc_block_count(const struct doc *doc)
{
    return doc->nblocks;
}

/* Block I. */
const struct doc_block *doc_block(const struct doc *doc, size_t i)
{
    return &doc->blocks[i];
}

/* The runs of block B. */
const struct doc_run *doc_block_runs(const struct doc *doc, const struct doc_block *b)
{
    /* A text of rules and empty headings has no runs at all: no array to point into. */
    return doc->runs != NULL ? doc->runs + b->first_run : NULL;
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
