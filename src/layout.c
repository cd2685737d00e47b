/*
 * layout.c: wrapping blocks into lines for a width, and turning a line back into cells.
 *
 * Both directions walk the same source cells (cell_next), so what was measured when wrapping is
 * exactly what is drawn.  Break opportunities come from libunistring (UAX #14) over the shown
 * form of a block; widths from glyph_decode (uc_width).  Lines are cached per section.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unilbrk.h>

#include "lees/glyph.h"
#include "lees/layout.h"
#include "lees/style.h"
#include "lees/table.h"

enum cell_kind { CELL_TEXT, CELL_SPACE, CELL_BREAK, CELL_TAB };

enum iter_phase { PHASE_PREFIX, PHASE_TEXT, PHASE_RULE, PHASE_DONE };

struct section_lines {
    struct layout_line *lines; /* NULL until laid out (a section has one line at least) */
    size_t n;
};

struct layout {
    const struct doc *doc;
    int width;
    unsigned flags;
    struct table secs; /* struct section_lines by section, made as sections are laid out */
};

/* A walk over the runs of a block, one shown cell at a time. */
struct cell_src {
    const char *data;
    const struct doc_run *runs;
    uint32_t nruns, run;
    size_t pos;
    int code;  /* newlines break lines and spaces are kept */
    int ascii; /* LAYOUT_ASCII */
    uint16_t style;
};

static const char spaces[] = "                ";

static uint16_t block_style(const struct doc_block *b)
{
    if (b->kind == DOC_BLOCK_HEADING)
        return (uint16_t)(STYLE_HEADING | (b->level == 1 ? STYLE_TITLE : 0));
    if (b->kind == DOC_BLOCK_CODE)
        return STYLE_CODE;
    return STYLE_BODY;
}

static void cell_src_init(struct cell_src *s, const struct layout *layout,
                          const struct doc_block *b, size_t from)
{
    const struct doc *doc = layout->doc;

    size_t len;

    s->data = doc_bytes(doc, &len);
    s->runs = doc_block_runs(doc, b);
    s->nruns = b->nruns;
    s->run = doc_run_at(s->runs, s->nruns, from);
    s->pos = from;
    s->code = b->kind == DOC_BLOCK_CODE;
    s->ascii = (layout->flags & LAYOUT_ASCII) != 0;
    s->style = block_style(b);
}

/* Replace a non-ASCII cell by its ASCII stand-in, for terminals without UTF-8. */
static void make_ascii(struct layout_cell *c, char *buf, uint32_t uc)
{
    c->len = glyph_ascii(uc, buf, 24);
    c->bytes = buf;
    c->width = (int)c->len;
}

static void set_control(struct layout_cell *c, char *buf, const struct glyph *g)
{
    size_t n = strlen(g->notation);
    memcpy(buf, g->notation, n + 1);
    c->bytes = buf;
    c->len = n;
    c->width = (int)n;
    c->style |= STYLE_CONTROL;
}

/* A whole run shown as one cell: breaks, soft breaks, references, NUL. */
static enum cell_kind whole_run_cell(struct cell_src *s, const struct doc_run *r,
                                     struct layout_cell *c, char *buf)
{
    struct glyph g;
    size_t n;

    switch (r->kind) {
    case DOC_RUN_BREAK:
        c->bytes = "";
        c->len = 0;
        c->width = 0;
        return CELL_BREAK;
    case DOC_RUN_SPACE:
        c->bytes = " ";
        c->len = 1;
        c->width = 1;
        return CELL_SPACE;
    case DOC_RUN_REPLACEMENT:
        /* md4c's stand-in for a NUL byte: shown like any other control. */
        c->bytes = "^@";
        c->len = 2;
        c->width = 2;
        c->style |= STYLE_CONTROL;
        return CELL_TEXT;
    default: /* DOC_RUN_ENTITY */
        n = doc_entity_decode(s->data + r->start, r->end - r->start, buf);
        if (n == 0) {
            /* md4c only reports &name; with ASCII letters and digits: safe to show as is. */
            c->bytes = s->data + r->start;
            c->len = r->end - r->start;
            c->width = (int)c->len;
            return CELL_TEXT;
        }
        glyph_decode(buf, n, &g);
        if (g.kind == GLYPH_TEXT && s->ascii && g.uc >= 0x80) {
            make_ascii(c, buf, g.uc);
        } else if (g.kind == GLYPH_TEXT) {
            c->bytes = buf;
            c->len = n;
            c->width = g.width;
        } else if (g.kind == GLYPH_CONTROL) {
            set_control(c, buf, &g);
        } else {
            c->bytes = " ";
            c->len = 1;
            c->width = 1;
            return CELL_SPACE;
        }
        return CELL_TEXT;
    }
}

/* C: the printable ASCII byte at POS of DATA, in STYLE. */
static inline void ascii_cell(struct layout_cell *c, const char *data, size_t pos, uint16_t style)
{
    c->style = style;
    c->start = pos;
    c->end = pos + 1;
    c->bytes = data + pos;
    c->len = 1;
    c->width = 1;
}

/* Any next cell from S (see cell_next). */
static int cell_next_any(struct cell_src *s, int col, struct layout_cell *c, char *buf,
                         enum cell_kind *kind)
{
    while (s->run < s->nruns) {
        const struct doc_run *r = &s->runs[s->run];
        struct glyph g;

        if (s->pos < r->start)
            s->pos = r->start;
        c->style = (uint16_t)(s->style | r->style);
        if (r->kind != DOC_RUN_TEXT) {
            c->start = r->start;
            c->end = r->end;
            *kind = whole_run_cell(s, r, c, buf);
            s->pos = r->end;
            s->run++;
            return 1;
        }
        if (s->pos >= r->end) {
            s->run++;
            continue;
        }
        c->start = s->pos;
        s->pos += glyph_decode(s->data + s->pos, r->end - s->pos, &g);
        c->end = s->pos;
        *kind = CELL_TEXT;
        switch (g.kind) {
        case GLYPH_TAB:
            c->width = GLYPH_TABSTOP - col % GLYPH_TABSTOP;
            c->bytes = spaces;
            c->len = (size_t)c->width;
            *kind = CELL_TAB;
            break;
        case GLYPH_NEWLINE:
            c->bytes = s->code ? "" : " ";
            c->len = s->code ? 0 : 1;
            c->width = s->code ? 0 : 1;
            *kind = s->code ? CELL_BREAK : CELL_SPACE;
            break;
        case GLYPH_CONTROL:
            set_control(c, buf, &g);
            break;
        default:
            c->bytes = s->data + c->start;
            c->len = g.len;
            c->width = g.width;
            if (s->ascii && g.uc >= 0x80)
                make_ascii(c, buf, g.uc);
            if (g.uc == ' ' && !s->code)
                *kind = CELL_SPACE;
            break;
        }
        return 1;
    }
    return 0;
}

/* The text run RUN of RUNS (NRUNS of them) when the byte at POS of DATA is printable ASCII inside
 * it, else NULL: the cell there is then that one byte, as glyph_decode would say.  The test both
 * walks over cells (cell_next, iter_text) take before anything slower. */
static inline const struct doc_run *plain_at(const struct doc_run *runs, uint32_t nruns,
                                             uint32_t run, size_t pos, const char *data)
{
    const struct doc_run *r = run < nruns ? &runs[run] : NULL;

    if (r != NULL && r->kind == DOC_RUN_TEXT && pos >= r->start && pos < r->end &&
        glyph_plain_byte((unsigned char)data[pos]))
        return r;
    return NULL;
}

/* The next cell from S; COL is the text column, for tab stops.  BUF holds made-up bytes.
 * Printable ASCII inside a text run, most cells of most texts, is taken here without a call:
 * what glyph_decode would say of it (the calls were a third of laying out a section). */
static inline int cell_next(struct cell_src *s, int col, struct layout_cell *c, char *buf,
                            enum cell_kind *kind)
{
    const struct doc_run *r = plain_at(s->runs, s->nruns, s->run, s->pos, s->data);

    if (r != NULL) {
        *kind = s->data[s->pos] == ' ' && !s->code ? CELL_SPACE : CELL_TEXT;
        ascii_cell(c, s->data, s->pos++, (uint16_t)(s->style | r->style));
        return 1;
    }
    return cell_next_any(s, col, c, buf, kind);
}

/* Cells a task item's box takes after its bullet or number: "[x] ". */
#define TASK_WIDTH 4

static int container_width(const struct doc_container *c)
{
    int digits = 1, task = c->task ? TASK_WIDTH : 0;

    if (c->kind != DOC_ORDERED)
        return 2 + task;
    for (uint32_t n = c->number; n >= 10; n /= 10)
        digits++;
    return digits + 2 + task;
}

static int prefix_width(const struct doc_block *b)
{
    int w = b->kind == DOC_BLOCK_CODE ? 2 : 0;

    for (int i = 0; i < b->ncontainers; i++)
        w += container_width(&b->containers[i]);
    return w;
}

/* Cells left for text after the prefix; deep nesting never takes more than half the width. */
static int text_width(int width, const struct doc_block *b)
{
    int tw = width - prefix_width(b);
    return tw < width - width / 2 ? width - width / 2 : tw;
}

/* A cell of a block in its shown form, for finding break opportunities. */
struct wrap_cell {
    size_t start, end;
    size_t dpos; /* where its shown bytes start in the shown form */
    int width;
    uint8_t kind;
};

struct line_buf {
    struct layout_line *lines;
    size_t n, cap;
    uint32_t section;
};

static int push_line(struct line_buf *lb, size_t start, size_t end, uint32_t block, uint8_t flags)
{
    if (lb->n == lb->cap) {
        size_t ncap = lb->cap ? lb->cap * 2 : 64;
        struct layout_line *nl = realloc(lb->lines, ncap * sizeof *nl);
        if (nl == NULL)
            return -1;
        lb->lines = nl;
        lb->cap = ncap;
    }
    lb->lines[lb->n++] = (struct layout_line){start, end, block, lb->section, flags};
    return 0;
}

struct shown {
    struct wrap_cell *cells;
    size_t ncells, capcells;
    char *text;
    size_t len, cap;
};

static int shown_add(struct shown *sh, const struct layout_cell *c, enum cell_kind kind)
{
    const char *bytes = c->bytes;
    size_t len = c->len;

    if (kind == CELL_BREAK) {
        bytes = "\n";
        len = 1;
    } else if (kind == CELL_TAB) {
        bytes = "\t";
        len = 1;
    }
    if (sh->ncells == sh->capcells) {
        size_t ncap = sh->capcells ? sh->capcells * 2 : 256;
        struct wrap_cell *nc = realloc(sh->cells, ncap * sizeof *nc);
        if (nc == NULL)
            return -1;
        sh->cells = nc;
        sh->capcells = ncap;
    }
    while (sh->len + len + 1 > sh->cap) {
        size_t ncap = sh->cap ? sh->cap * 2 : 1024;
        char *nt = realloc(sh->text, ncap);
        if (nt == NULL)
            return -1;
        sh->text = nt;
        sh->cap = ncap;
    }
    sh->cells[sh->ncells++] =
        (struct wrap_cell){c->start, c->end, sh->len, c->width, (uint8_t)kind};
    if (c->style & STYLE_CONTROL)
        memset(sh->text + sh->len, 'a', len); /* notation ("^?") breaks like a letter */
    else if (len == 1)
        sh->text[sh->len] = bytes[0]; /* most cells: no call to memcpy */
    else
        memcpy(sh->text + sh->len, bytes, len);
    sh->len += len;
    return 0;
}

/*
 * Wrapping streams over a block: only the cells of the line being filled (and a little context
 * on each side, for the line-breaking rules) are held, so a single line of 50 MB is wrapped in
 * memory proportional to the width, not to the line.
 */
#define WRAP_CONTEXT 16 /* cells kept before a line's start and looked at past its end */

struct wrap {
    struct cell_src src;
    int src_done;
    struct shown sh; /* buffered cells; sh.cells[i] is cell number base + i of the block */
    size_t base;
    char buf[24];
    char *brk;
    size_t brkcap;
    bool small; /* the block is at most WRAP_WHOLE bytes */
    bool whole; /* every cell from base on is held; brk, once made, holds their breaks */
};

/* A block up to this many bytes is held whole, at its first line that does not fit, and its
 * breaks found in one pass, not a pass per line over the line and its context (a third of the
 * time libunistring took). */
#define WRAP_WHOLE 16384

/* Make cell number K available; 1 when the block ends before it, -1 when out of memory. */
static int wrap_fill(struct wrap *w, size_t k)
{
    while (w->base + w->sh.ncells <= k) {
        struct layout_cell c;
        enum cell_kind kind;

        if (w->src_done || !cell_next(&w->src, 0, &c, w->buf, &kind)) {
            w->src_done = 1;
            return 1;
        }
        if (shown_add(&w->sh, &c, kind) != 0)
            return -1;
    }
    return 0;
}

static const struct wrap_cell *wrap_cell(const struct wrap *w, size_t k)
{
    return &w->sh.cells[k - w->base];
}

/* Forget the cells before number KEEP. */
static void wrap_drop(struct wrap *w, size_t keep)
{
    size_t n = keep > w->base ? keep - w->base : 0, shift;

    if (n == 0 || w->whole)
        return;
    if (n > w->sh.ncells)
        n = w->sh.ncells;
    shift = n < w->sh.ncells ? w->sh.cells[n].dpos : w->sh.len;
    memmove(w->sh.cells, w->sh.cells + n, (w->sh.ncells - n) * sizeof *w->sh.cells);
    w->sh.ncells -= n;
    for (size_t i = 0; i < w->sh.ncells; i++)
        w->sh.cells[i].dpos -= shift;
    memmove(w->sh.text, w->sh.text + shift, w->sh.len - shift);
    w->sh.len -= shift;
    w->base += n;
}

/* The last break opportunity J with A < J ≤ K (cell numbers), or K when there is none. */
static int wrap_opportunity(struct wrap *w, size_t a, size_t k, size_t *out)
{
    size_t d0 = 0; /* where w->brk starts in the shown form */

    if (w->small && !w->whole) {
        if (wrap_fill(w, SIZE_MAX - 1) < 0)
            return -1;
        w->whole = true;
    }
    if (w->whole) {
        if (w->brk == NULL) {
            /* Found at the first line that needs them: a block whose lines all fit (a plain
             * text's short lines) never looks for them. */
            if ((w->brk = malloc(w->sh.len > 0 ? w->sh.len : 1)) == NULL)
                return -1;
            w->brkcap = w->sh.len;
            u8_possible_linebreaks((const uint8_t *)w->sh.text, w->sh.len, "UTF-8", w->brk);
        }
    } else {
        size_t from = a > w->base + WRAP_CONTEXT ? a - WRAP_CONTEXT : w->base;
        size_t to = k + WRAP_CONTEXT, d1;
        if (wrap_fill(w, to) < 0)
            return -1;
        if (to >= w->base + w->sh.ncells)
            to = w->base + w->sh.ncells - 1;
        d0 = wrap_cell(w, from)->dpos;
        d1 = to + 1 < w->base + w->sh.ncells ? wrap_cell(w, to + 1)->dpos : w->sh.len;
        if (d1 - d0 > w->brkcap) {
            char *nb = realloc(w->brk, d1 - d0);
            if (nb == NULL)
                return -1;
            w->brk = nb;
            w->brkcap = d1 - d0;
        }
        u8_possible_linebreaks((const uint8_t *)w->sh.text + d0, d1 - d0, "UTF-8", w->brk);
    }
    *out = k;
    for (size_t j = k; j > a; j--) {
        char b = w->brk[wrap_cell(w, j)->dpos - d0];
        if (b == UC_BREAK_POSSIBLE || b == UC_BREAK_HYPHENATION) {
            *out = j;
            break;
        }
    }
    return 0;
}

/*
 * A line that needs no cells: at a line's start just after a hard break (or at the block's
 * start), a text run of printable ASCII that fits, then a hard break, is that line whole, as
 * the cells would have made it (a log's or a plain text's lines, most of the time).  It is
 * taken, the walk moves past it, and *A is the cell after the break.  1 when taken, 0 when
 * not, -1 when out of memory.  The cells before A are let go: after a hard break, the breaks
 * of the next line do not depend on them.
 */
static int plain_line(struct wrap *w, int tw, size_t *a, struct line_buf *lb, uint32_t bi,
                      uint8_t first)
{
    struct cell_src *s = &w->src;
    const struct doc_run *r, *brk;
    size_t pos;

    if (w->whole || w->src_done || w->base + w->sh.ncells != *a || s->run + 1 >= s->nruns)
        return 0;
    r = &s->runs[s->run];
    brk = r + 1;
    pos = s->pos < r->start ? r->start : s->pos;
    if (r->kind != DOC_RUN_TEXT || brk->kind != DOC_RUN_BREAK || pos >= r->end ||
        r->end - pos > (size_t)tw)
        return 0;
    if (glyph_plain_run(s->data + pos, r->end - pos) != r->end - pos)
        return 0;
    if (push_line(lb, pos, brk->end, bi, first) != 0)
        return -1;
    wrap_drop(w, *a);
    s->pos = brk->end;
    s->run += 2;
    w->base += r->end - pos + 1; /* its cells and the break's */
    *a = w->base;
    return 1;
}

/* Code lines are never wrapped: a line runs to its break, cut when it is wider than the text. */
static int wrap_code(const struct layout *layout, const struct doc_block *b, uint32_t bi, int tw,
                     struct line_buf *lb)
{
    struct cell_src src;
    struct layout_cell c;
    enum cell_kind kind;
    char buf[24];
    size_t start = b->start;
    size_t end = start;
    int col = 0, any = 0;
    uint8_t first = LAYOUT_FIRST;

    cell_src_init(&src, layout, b, b->start);
    while (cell_next(&src, col, &c, buf, &kind)) {
        if (!any)
            start = c.start;
        any = 1;
        if (kind == CELL_BREAK) {
            if (push_line(lb, start, c.end, bi, (uint8_t)(first | (col > tw ? LAYOUT_CUT : 0))))
                return -1;
            first = 0;
            col = 0;
            any = 0;
            continue;
        }
        col += c.width;
        end = c.end;
    }
    if (any || first)
        return push_line(lb, any ? start : b->start, any ? end : b->end, bi,
                         (uint8_t)(first | (col > tw ? LAYOUT_CUT : 0)));
    return 0;
}

static int wrap_block(const struct layout *layout, const struct doc_block *b, uint32_t bi,
                      struct line_buf *lb)
{
    int tw = text_width(layout->width, b);
    struct wrap w;
    size_t a = 0, k;
    int col, rc = -1, r;
    uint8_t first = LAYOUT_FIRST;
    bool after_break = true; /* the block's start counts as one */

    if (b->kind == DOC_BLOCK_RULE)
        return push_line(lb, b->start, b->end, bi, LAYOUT_FIRST | LAYOUT_RULE);
    if (b->kind == DOC_BLOCK_CODE)
        return wrap_code(layout, b, bi, tw, lb);
    memset(&w, 0, sizeof w);
    cell_src_init(&w.src, layout, b, b->start);
    w.small = b->end - b->start <= WRAP_WHOLE;
    for (;;) {
        int hang = 0; /* cells of white space past the edge */

        if (after_break) {
            r = plain_line(&w, tw, &a, lb, bi, first);
            if (r < 0)
                goto out;
            if (r > 0) {
                first = 0;
                continue;
            }
        }
        after_break = false;

        col = 0;
        for (k = a;; k++) {
            const struct wrap_cell *wc;
            int cw;

            r = wrap_fill(&w, k);
            if (r < 0)
                goto out;
            if (r > 0) {
                /* The block ends: what is left is its last line. */
                if (k > a && push_line(lb, wrap_cell(&w, a)->start, wrap_cell(&w, k - 1)->end, bi,
                                       first) != 0)
                    goto out;
                if (k == a && first && push_line(lb, b->start, b->end, bi, first) != 0)
                    goto out;
                rc = 0;
                goto out;
            }
            wc = wrap_cell(&w, k);
            if (wc->kind == CELL_BREAK) {
                if (push_line(lb, k > a ? wrap_cell(&w, a)->start : wc->start, wc->end, bi, first))
                    goto out;
                a = k + 1;
                after_break = true;
                break;
            }
            cw = wc->kind == CELL_TAB ? GLYPH_TABSTOP - col % GLYPH_TABSTOP : wc->width;
            if (wc->kind == CELL_SPACE && (col + cw <= tw || hang < tw)) {
                /* Spaces may hang past the edge, within reason. */
                if (col + cw > tw)
                    hang += cw;
                else
                    col += cw;
                continue;
            }
            if (k > a && col + cw > tw) {
                size_t end;
                if (wrap_opportunity(&w, a, k, &end) != 0)
                    goto out;
                /* A word longer than the line is cut where it overflows. */
                if (push_line(lb, wrap_cell(&w, a)->start, wrap_cell(&w, end)->start, bi, first))
                    goto out;
                a = end;
                break;
            }
            col += cw;
        }
        first = 0;
        wrap_drop(&w, a > WRAP_CONTEXT ? a - WRAP_CONTEXT : 0);
    }
out:
    free(w.brk);
    free(w.sh.cells);
    free(w.sh.text);
    return rc;
}

static int layout_compute(struct layout *layout, size_t s, struct section_lines *sec)
{
    size_t nblocks;
    const struct doc_block *blocks = doc_section_blocks(layout->doc, s, &nblocks);
    struct line_buf lb = {0};

    lb.section = (uint32_t)s;
    for (uint32_t i = 0; i < nblocks; i++) {
        const struct doc_block *b = &blocks[i];

        for (int j = 0; i > 0 && j < b->space_before; j++)
            if (push_line(&lb, b->start, b->start, LAYOUT_NO_BLOCK, LAYOUT_BLANK) != 0)
                goto fail;
        if (wrap_block(layout, b, i, &lb) != 0)
            goto fail;
    }
    if (lb.n == 0) {
        size_t at = doc_section(layout->doc, s)->start;
        if (push_line(&lb, at, at, LAYOUT_NO_BLOCK, LAYOUT_BLANK) != 0)
            goto fail;
    }
    sec->lines = lb.lines;
    sec->n = lb.n;
    return 0;
fail:
    free(lb.lines);
    return -1;
}

static void section_lines_release(void *entry)
{
    free(((struct section_lines *)entry)->lines);
}

/* Lay out DOC at WIDTH cells; NULL when out of memory. */
struct layout *layout_new(const struct doc *doc, int width, unsigned flags)
{
    struct layout *layout = calloc(1, sizeof *layout);

    if (layout == NULL)
        return NULL;
    layout->doc = doc;
    layout->flags = flags;
    layout->width = width < LAYOUT_MIN_WIDTH ? LAYOUT_MIN_WIDTH : width;
    table_init(&layout->secs, sizeof(struct section_lines));
    return layout;
}

/* Release the layout and every line it handed out. */
void layout_free(struct layout *layout)
{
    if (layout == NULL)
        return;
    table_free(&layout->secs, section_lines_release);
    free(layout);
}

/* The width it lays out for. */
int layout_width(const struct layout *layout)
{
    return layout->width;
}

/* The doc it lays out. */
const struct doc *layout_doc(const struct layout *layout)
{
    return layout->doc;
}

/* The N lines of section S, computed on first use; NULL when out of memory. */
const struct layout_line *layout_section(struct layout *layout, size_t s, size_t *n)
{
    struct section_lines *sec = table_make(&layout->secs, s);

    if (sec == NULL || (sec->lines == NULL && layout_compute(layout, s, sec) != 0)) {
        *n = 0;
        return NULL;
    }
    *n = sec->n;
    return sec->lines;
}

/* Whether the lines of section S are at hand. */
bool layout_cached(const struct layout *layout, size_t s)
{
    const struct section_lines *sec = table_get(&layout->secs, s);

    return sec != NULL && sec->lines != NULL;
}

/* Drop the lines of section S; they are laid out again when next asked for. */
void layout_forget(struct layout *layout, size_t s)
{
    struct section_lines *sec = table_get(&layout->secs, s);

    if (sec == NULL)
        return;
    free(sec->lines);
    sec->lines = NULL;
    sec->n = 0;
}

/* Index in section S of the line that shows byte OFFSET. */
size_t layout_line_at(struct layout *layout, size_t s, size_t offset)
{
    size_t n, lo = 0, hi;
    const struct layout_line *lines = layout_section(layout, s, &n);

    if (lines == NULL || n == 0)
        return 0;
    /* The last line starting at or before OFFSET: a text line wins over the blanks before it. */
    hi = n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (lines[mid].start <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Start walking LINE of LAYOUT. */
void layout_iter_init(struct layout_iter *it, const struct layout *layout,
                      const struct layout_line *line)
{
    size_t n;

    memset(it, 0, sizeof *it);
    it->layout = layout;
    it->line = line;
    if (line->block == LAYOUT_NO_BLOCK) {
        it->phase = PHASE_DONE;
        return;
    }
    it->block = doc_section_blocks(layout->doc, line->section, &n);
    if (it->block == NULL || line->block >= n) {
        it->phase = PHASE_DONE;
        return;
    }
    it->block += line->block;
    it->runs = doc_block_runs(layout->doc, it->block);
    it->data = doc_bytes(layout->doc, &n);
    it->text_width = text_width(layout->width, it->block);
    it->prefix_width = layout->width - it->text_width;
    it->style = block_style(it->block);
    it->phase = PHASE_PREFIX;
}

static const char *const bullets[] = {"\xE2\x80\xA2", "\xE2\x97\xA6", "\xE2\x96\xAA"};
static const char *const ascii_bullets[] = {"*", "o", "-"};

/* A marker in UTF-8, or its ASCII form on a terminal without UTF-8. */
static const char *mark(const struct layout_iter *it, const char *utf8, const char *ascii)
{
    return (it->layout->flags & LAYOUT_ASCII) ? ascii : utf8;
}

/* The cell of container PART of the prefix: a quote bar, a marker, or indentation. */
static void prefix_cell(struct layout_iter *it, struct layout_cell *c)
{
    const struct doc_container *k = &it->block->containers[it->part];
    int marker = (it->line->flags & LAYOUT_FIRST) && k->show_marker;
    int w = container_width(k);

    c->style = STYLE_MARKER;
    if (k->kind == DOC_QUOTE) {
        snprintf(it->buf, sizeof it->buf, "%s ", mark(it, "\xE2\x94\x82", "|"));
        c->style = STYLE_QUOTE;
    } else if (marker && k->kind == DOC_BULLET) {
        /* A task item's box as it is written in Markdown: plain to every terminal. */
        snprintf(it->buf, sizeof it->buf, "%s %s",
                 mark(it, bullets[k->list_depth % 3], ascii_bullets[k->list_depth % 3]),
                 k->task == 'x' ? "[x] "
                 : k->task      ? "[ ] "
                                : "");
    } else if (marker) {
        snprintf(it->buf, sizeof it->buf, "%u%c %s", (unsigned)k->number, k->delim ? k->delim : '.',
                 k->task == 'x' ? "[x] "
                 : k->task      ? "[ ] "
                                : "");
    } else {
        snprintf(it->buf, sizeof it->buf, "%.*s", w, spaces);
    }
    c->bytes = it->buf;
    c->len = strlen(it->buf);
    c->width = w;
}

static bool iter_prefix(struct layout_iter *it, struct layout_cell *c)
{
    c->start = c->end = it->line->start;
    while (it->part < it->block->ncontainers) {
        prefix_cell(it, c);
        it->part++;
        if (it->col + c->width > it->prefix_width)
            continue; /* nesting deeper than the budget shows no further indentation */
        it->col += c->width;
        return true;
    }
    it->phase = (it->line->flags & LAYOUT_RULE) ? PHASE_RULE : PHASE_TEXT;
    it->pos = it->line->start;
    it->run = doc_run_at(it->runs, it->block->nruns, it->pos);
    if (it->block->kind == DOC_BLOCK_CODE && it->col + 2 <= it->prefix_width) {
        c->bytes = spaces;
        c->len = 2;
        c->width = 2;
        c->style = STYLE_CODE;
        it->col += 2;
        return true;
    }
    return false;
}

static bool iter_text(struct layout_iter *it, struct layout_cell *c)
{
    struct cell_src src;
    enum cell_kind kind;
    int limit = it->text_width - ((it->line->flags & LAYOUT_CUT) ? 1 : 0);
    const struct doc_run *r = plain_at(it->runs, it->block->nruns, it->run, it->pos, it->data);

    if (r != NULL && it->pos < it->line->end && it->text_col < limit) {
        /* Printable ASCII within the line, as cell_next below would give it, without setting
         * up a walk for each cell. */
        ascii_cell(c, it->data, it->pos++, (uint16_t)(it->style | r->style));
        it->text_col++;
        it->col++;
        return true;
    }
    src.data = it->data;
    src.runs = it->runs;
    src.nruns = it->block->nruns;
    src.run = it->run;
    src.pos = it->pos;
    src.code = it->block->kind == DOC_BLOCK_CODE;
    src.ascii = (it->layout->flags & LAYOUT_ASCII) != 0;
    src.style = it->style;
    while (cell_next(&src, it->text_col, c, it->buf, &kind)) {
        if (c->start >= it->line->end && !(c->start == c->end && c->start == it->line->start))
            break;
        it->run = src.run;
        it->pos = src.pos;
        if (kind == CELL_BREAK || (c->width == 0 && c->len == 0))
            continue;
        if (it->text_col + c->width > limit)
            break;
        it->text_col += c->width;
        it->col += c->width;
        return true;
    }
    it->phase = PHASE_DONE;
    if (it->line->flags & LAYOUT_CUT) {
        c->bytes = mark(it, "\xE2\x80\xBA", ">"); /* › */
        c->len = strlen(c->bytes);
        c->width = 1;
        c->style = STYLE_MARKER;
        c->start = c->end = it->line->end;
        return true;
    }
    return false;
}

/* The next cell of the line, false at its end. */
bool layout_iter_next(struct layout_iter *it, struct layout_cell *c)
{
    for (;;) {
        switch (it->phase) {
        case PHASE_PREFIX:
            if (iter_prefix(it, c))
                return true;
            break;
        case PHASE_TEXT:
            return iter_text(it, c);
        case PHASE_RULE:
            if (it->text_col >= it->text_width) {
                it->phase = PHASE_DONE;
                return false;
            }
            c->bytes = mark(it, "\xE2\x94\x80", "-"); /* ─ */
            c->len = strlen(c->bytes);
            c->width = 1;
            c->style = STYLE_MARKER;
            c->start = c->end = it->line->start;
            it->text_col++;
            return true;
        default:
            return false;
        }
    }
}
