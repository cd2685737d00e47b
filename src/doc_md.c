/*
 * doc_md.c: CommonMark into blocks and runs, through md4c's callbacks.  md4c hands over
 * pointers into the source, so each piece of text becomes a byte range; the few pieces it makes
 * up (soft and hard breaks, NUL replacements) are given the range of the source bytes they stand
 * for.  Containers (quotes, list items) are recorded on each block as its ancestry.
 */
#include <stdbool.h>
#include <string.h>

#include <md4c.h>
#include <unistr.h>

#include "doc_internal.h"
#include "lees/style.h"

struct md_list {
    bool ordered, tight;
    char delim;
    uint32_t next; /* number of the next item */
};

struct md_state {
    const struct doc *doc;
    struct doc_parse *p;
    size_t start, end; /* the source range being parsed */
    struct doc_container stack[DOC_MAX_CONTAINERS];
    int depth; /* containers open, may exceed DOC_MAX_CONTAINERS */
    struct md_list lists[DOC_MAX_CONTAINERS];
    int nlists;          /* lists open, may exceed DOC_MAX_CONTAINERS */
    bool marker_pending; /* the next block opens a list item */
    unsigned em, strong, code, link, strike;
    size_t last_end;                /* end of the last text seen in the source */
    long fixup_run;                 /* a break run whose end waits for the next text, or -1 */
    size_t indent;                  /* code indentation md4c made up, to take from the source */
    unsigned list_id, prev_list_id; /* to keep tight list items together */
    int table;                      /* tables open (md4c nests none, but counts are safe) */
    size_t table_rows;              /* rows of the open table, its header's included */
    size_t table_after;             /* where the text before the table ended */
};

static uint16_t md_style(const struct md_state *st)
{
    uint16_t s = 0;
    if (st->em)
        s |= STYLE_EMPHASIS;
    if (st->strong)
        s |= STYLE_STRONG;
    if (st->code)
        s |= STYLE_CODE;
    if (st->link)
        s |= STYLE_LINK;
    if (st->strike)
        s |= STYLE_STRIKE;
    return s;
}

static struct md_list *inner_list(struct md_state *st)
{
    if (st->nlists == 0 || st->nlists > DOC_MAX_CONTAINERS)
        return NULL;
    return &st->lists[st->nlists - 1];
}

static void md_begin(struct md_state *st, enum doc_block_kind kind, unsigned level)
{
    struct doc_block *b = docb_begin(st->p, kind, st->last_end);
    struct md_list *l = inner_list(st);
    int n = st->depth < DOC_MAX_CONTAINERS ? st->depth : DOC_MAX_CONTAINERS;

    st->fixup_run = -1;
    if (b == NULL)
        return;
    b->level = (uint8_t)level;
    b->ncontainers = (uint8_t)n;
    memcpy(b->containers, st->stack, (size_t)n * sizeof st->stack[0]);
    if (st->marker_pending && n > 0) {
        b->containers[n - 1].show_marker = 1;
        st->marker_pending = false;
    }
    /* Items of a tight list follow each other without a blank line. */
    if (l != NULL && l->tight && st->prev_list_id == st->list_id && st->list_id != 0)
        b->space_before = 0;
    st->prev_list_id = st->nlists > 0 ? st->list_id : 0;
}

static void md_end(struct md_state *st)
{
    docb_end(st->p);
    st->fixup_run = -1;
}

/* The end of the line at A, before END. */
static size_t line_end_at(const char *d, size_t a, size_t end)
{
    const char *nl = memchr(d + a, '\n', end - a);
    return nl != NULL ? (size_t)(nl - d) : end;
}

/* Whether the line [A, E) holds nothing but blanks and quote markers. */
static bool bare_line(const char *d, size_t a, size_t e)
{
    for (; a < e; a++)
        if (d[a] != ' ' && d[a] != '\t' && d[a] != '\r' && d[a] != '>')
            return false;
    return true;
}

/* Past the list marker at B ("-", "+", "*", or up to nine digits and "." or ")") and the
 * white space after it, in a line ending at EOL; B itself when none stands there. */
static size_t past_list_marker(const char *d, size_t b, size_t eol)
{
    size_t m = b;

    if (m < eol && (d[m] == '-' || d[m] == '+' || d[m] == '*')) {
        m++;
    } else {
        while (m < eol && m - b < 9 && d[m] >= '0' && d[m] <= '9')
            m++;
        if (m == b || m >= eol || (d[m] != '.' && d[m] != ')'))
            return b;
        m++;
    }
    if (m < eol && d[m] != ' ' && d[m] != '\t')
        return b;
    while (m < eol && (d[m] == ' ' || d[m] == '\t'))
        m++;
    return m;
}

/*
 * A table, shown as its source lines, kept and cut like code: its columns stay lined up as
 * written (a table laid out anew to fit the width is for later), and no cell runs into the
 * next as a paragraph would join them.  Its lines: from the first that is not bare after the
 * text before it, one for each row and one for the delimiter row under the header (a row is one
 * line; md4c tells the rows, and whatever follows them is a block of its own, even with a '|'
 * in it); a quote's markers and the indentation of a list item are left to the containers
 * drawn before each line.
 */
static void md_table_lines(struct md_state *st)
{
    const char *d = st->doc->data;
    size_t lo = st->table_after, hi;
    bool opens_item = st->marker_pending; /* its first line holds the item's marker */

    while (lo < st->end && d[lo] != '\n' && lo > st->start && d[lo - 1] != '\n')
        lo++; /* past the rest of the line the text before ended in */
    if (lo < st->end && d[lo] == '\n' && lo > st->start && d[lo - 1] != '\n')
        lo++;
    while (lo < st->end && bare_line(d, lo, line_end_at(d, lo, st->end)))
        lo = line_end_at(d, lo, st->end) + 1;
    if (lo >= st->end)
        return;
    hi = line_end_at(d, lo, st->end);
    for (size_t k = 0; k < st->table_rows && hi + 1 < st->end; k++)
        hi = line_end_at(d, hi + 1, st->end);
    st->last_end = lo;
    md_begin(st, DOC_BLOCK_CODE, 0);
    for (size_t a = lo; a < hi;) {
        size_t eol = line_end_at(d, a, hi), e = eol, b = a;
        while (st->depth > 0 && b < eol && (d[b] == ' ' || d[b] == '\t' || d[b] == '>'))
            b++;
        if (a == lo && opens_item)
            b = past_list_marker(d, b, eol); /* drawn as the item's bullet or number */
        while (e > b && d[e - 1] == '\r')
            e--;
        if (e > b)
            docb_run(st->p, b, e, DOC_RUN_TEXT, 0);
        if (eol < hi)
            docb_run(st->p, e, eol + 1, DOC_RUN_BREAK, 0);
        a = eol + 1;
    }
    md_end(st);
    st->last_end = hi;
}

static int md_enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    struct md_state *st = userdata;

    if (st->table > 0 || type == MD_BLOCK_TABLE) {
        if (type == MD_BLOCK_TABLE && st->table++ == 0) {
            if (st->p->in_block)
                md_end(st);
            st->table_rows = 0;
            st->table_after = st->last_end;
        }
        if (type == MD_BLOCK_TR)
            st->table_rows++;
        return 0; /* its rows and cells are its lines */
    }
    if (st->p->in_block)
        md_end(st); /* an implicit paragraph of a tight list item ends here */
    switch (type) {
    case MD_BLOCK_QUOTE:
    case MD_BLOCK_LI:
        if (st->depth < DOC_MAX_CONTAINERS) {
            struct doc_container *c = &st->stack[st->depth];
            struct md_list *l = inner_list(st);
            memset(c, 0, sizeof *c);
            if (type == MD_BLOCK_QUOTE) {
                c->kind = DOC_QUOTE;
            } else {
                c->kind = l && l->ordered ? DOC_ORDERED : DOC_BULLET;
                c->list_depth = (uint8_t)(st->nlists - 1);
                c->delim = l ? l->delim : '.';
                c->number = l ? l->next++ : 1;
                if (((MD_BLOCK_LI_DETAIL *)detail)->is_task)
                    c->task = (((MD_BLOCK_LI_DETAIL *)detail)->task_mark | 0x20) == 'x' ? 'x' : ' ';
            }
        }
        st->depth++;
        if (type == MD_BLOCK_LI)
            st->marker_pending = true;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        if (st->nlists == 0)
            st->list_id++;
        if (st->nlists < DOC_MAX_CONTAINERS) {
            struct md_list *l = &st->lists[st->nlists];
            memset(l, 0, sizeof *l);
            l->ordered = type == MD_BLOCK_OL;
            if (l->ordered) {
                MD_BLOCK_OL_DETAIL *d = detail;
                l->tight = d->is_tight != 0;
                l->delim = d->mark_delimiter;
                l->next = d->start;
            } else {
                l->tight = ((MD_BLOCK_UL_DETAIL *)detail)->is_tight != 0;
            }
        }
        st->nlists++;
        break;
    case MD_BLOCK_HR:
        md_begin(st, DOC_BLOCK_RULE, 0);
        md_end(st);
        break;
    case MD_BLOCK_H:
        md_begin(st, DOC_BLOCK_HEADING, ((MD_BLOCK_H_DETAIL *)detail)->level);
        break;
    case MD_BLOCK_CODE:
    case MD_BLOCK_HTML:
        md_begin(st, DOC_BLOCK_CODE, 0);
        break;
    case MD_BLOCK_P:
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        md_begin(st, DOC_BLOCK_PARA, 0);
        break;
    default:
        break;
    }
    return 0;
}

static int md_leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    struct md_state *st = userdata;

    (void)detail;
    if (st->table > 0) {
        if (type == MD_BLOCK_TABLE && --st->table == 0)
            md_table_lines(st);
        return 0;
    }
    if (st->p->in_block)
        md_end(st);
    switch (type) {
    case MD_BLOCK_QUOTE:
    case MD_BLOCK_LI:
        if (st->depth > 0)
            st->depth--;
        st->marker_pending = false;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        if (st->nlists > 0)
            st->nlists--;
        break;
    default:
        break;
    }
    return 0;
}

static unsigned *span_counter(struct md_state *st, MD_SPANTYPE type)
{
    switch (type) {
    case MD_SPAN_EM:
    case MD_SPAN_U:
        return &st->em;
    case MD_SPAN_STRONG:
        return &st->strong;
    case MD_SPAN_CODE:
        return &st->code;
    case MD_SPAN_A:
    case MD_SPAN_IMG:
    case MD_SPAN_WIKILINK:
        return &st->link;
    case MD_SPAN_DEL:
        return &st->strike;
    default:
        return NULL;
    }
}

static int md_enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    unsigned *c = span_counter(userdata, type);
    (void)detail;
    if (c != NULL)
        (*c)++;
    return 0;
}

static int md_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    unsigned *c = span_counter(userdata, type);
    (void)detail;
    if (c != NULL && *c > 0)
        (*c)--;
    return 0;
}

static bool all_spaces(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ')
            return false;
    return n > 0;
}

static int md_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
    struct md_state *st = userdata;
    const struct doc *doc = st->doc;
    struct doc_parse *p = st->p;
    bool in_source = text >= doc->data + st->start && text + size <= doc->data + st->end;
    size_t off = in_source ? (size_t)(text - doc->data) : st->last_end;

    if (st->table > 0)
        return 0; /* its lines are shown as written (md_table_lines) */
    if (in_source && off < st->last_end && type != MD_TEXT_NULLCHAR) {
        /* After a NUL in a code block md4c goes on from the NUL itself, taken already. */
        size_t taken = st->last_end - off;
        if (taken >= size)
            return 0;
        off += taken;
        size -= (MD_SIZE)taken;
        text += taken;
    }
    if (!p->in_block)
        md_begin(st, DOC_BLOCK_PARA, 0); /* text straight in a tight list item */
    if (in_source && st->fixup_run >= 0 && off >= p->runs[st->fixup_run].start) {
        /* A break stands for everything between the texts around it. */
        p->runs[st->fixup_run].end = off;
        p->blocks[p->nblocks - 1].end = off;
    }
    st->fixup_run = -1;
    if (in_source && st->indent > 0) {
        /* The indentation stands in the source just before the text (as spaces or tabs). */
        size_t from = off;
        while (from > st->start && off - from < st->indent &&
               (doc->data[from - 1] == ' ' || doc->data[from - 1] == '\t'))
            from--;
        if (from < off)
            docb_run(p, from, off, DOC_RUN_TEXT, (uint16_t)(md_style(st) | STYLE_CODE));
        st->indent = 0;
    }
    switch (type) {
    case MD_TEXT_SOFTBR:
    case MD_TEXT_BR:
        docb_run(p, st->last_end, st->last_end, type == MD_TEXT_BR ? DOC_RUN_BREAK : DOC_RUN_SPACE,
                 md_style(st));
        st->fixup_run = (long)p->nruns - 1;
        return 0;
    case MD_TEXT_NULLCHAR: {
        /* md4c hands over its own U+FFFD: the NUL it stands for is the next one in the source
         * (a block may start with it, after markup and blank lines). */
        const char *nul = memchr(doc->data + st->last_end, '\0', st->end - st->last_end);
        size_t at = nul != NULL ? (size_t)(nul - doc->data) : st->last_end;
        if (st->fixup_run >= 0 && at >= p->runs[st->fixup_run].start) {
            p->runs[st->fixup_run].end = at;
            p->blocks[p->nblocks - 1].end = at;
        }
        st->fixup_run = -1;
        docb_run(p, at, at + 1, DOC_RUN_REPLACEMENT, md_style(st));
        st->last_end = at + 1;
        return 0;
    }
    case MD_TEXT_ENTITY:
        if (in_source)
            docb_run(p, off, off + size, DOC_RUN_ENTITY, md_style(st));
        break;
    case MD_TEXT_CODE:
    case MD_TEXT_HTML:
    case MD_TEXT_NORMAL:
    default:
        if (in_source) {
            docb_run(p, off, off + size, DOC_RUN_TEXT,
                     (uint16_t)(md_style(st) | (type == MD_TEXT_CODE ? STYLE_CODE : 0)));
        } else if (size == 1 && text[0] == '\n') {
            /* A line end md4c made up inside a code block. */
            docb_run(p, st->last_end, st->last_end, DOC_RUN_BREAK, md_style(st));
            st->fixup_run = (long)p->nruns - 1;
            return 0;
        } else if (type == MD_TEXT_CODE && st->code == 0 && all_spaces(text, size)) {
            st->indent += size; /* code indentation, from md4c's own string of spaces */
            return 0;
        } else if (size == 1 && text[0] == ' ') {
            docb_run(p, st->last_end, st->last_end, DOC_RUN_SPACE, md_style(st));
            st->fixup_run = (long)p->nruns - 1;
            return 0;
        }
        break;
    }
    if (in_source)
        st->last_end = off + size;
    return 0;
}

/* Parse the source bytes [START, END) of DOC as CommonMark into P. */
int doc_parse_markdown(const struct doc *doc, size_t start, size_t end, struct doc_parse *p)
{
    struct md_state st;
    MD_PARSER parser;

    memset(&st, 0, sizeof st);
    st.doc = doc;
    st.p = p;
    st.start = start;
    st.end = end;
    st.last_end = start;
    st.fixup_run = -1;
    memset(&parser, 0, sizeof parser);
    parser.abi_version = 0;
    parser.flags =
        MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS | MD_FLAG_PERMISSIVEAUTOLINKS | MD_FLAG_TABLES;
    parser.enter_block = md_enter_block;
    parser.leave_block = md_leave_block;
    parser.enter_span = md_enter_span;
    parser.leave_span = md_leave_span;
    parser.text = md_text;
    if (end - start > (size_t)(MD_SIZE)-1)
        return -1;
    if (md_parse(doc->data + start, (MD_SIZE)(end - start), &parser, &st) != 0)
        return -1;
    if (p->in_block)
        docb_end(p);
    return p->failed ? -1 : 0;
}

struct entity {
    const char *name;
    uint32_t uc;
};

/* The named references people actually write; others are shown as written. */
static const struct entity entities[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},     {"apos", '\''},
    {"nbsp", 0xA0},    {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122}, {"hellip", 0x2026},
    {"mdash", 0x2014}, {"ndash", 0x2013}, {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C},
    {"rdquo", 0x201D}, {"laquo", 0xAB},   {"raquo", 0xBB},   {"bull", 0x2022},  {"middot", 0xB7},
    {"euro", 0x20AC},  {"deg", 0xB0},     {"times", 0xD7},   {"eacute", 0xE9},  {"egrave", 0xE8},
    {"euml", 0xEB},    {"iuml", 0xEF},    {"ouml", 0xF6},    {"uuml", 0xFC},    {"auml", 0xE4},
    {"szlig", 0xDF},   {"sect", 0xA7},    {"para", 0xB6},    {"shy", 0xAD},     {"ccedil", 0xE7},
    {"agrave", 0xE0},
};

/* Decode the reference at S (N bytes, "&...;") into UTF-8 in OUT; 0 when unknown. */
size_t doc_entity_decode(const char *s, size_t n, char *out)
{
    uint32_t uc = 0;
    int len;

    if (n < 3 || s[0] != '&' || s[n - 1] != ';')
        return 0;
    if (s[1] == '#') {
        bool hex = n > 3 && (s[2] == 'x' || s[2] == 'X');
        size_t i = hex ? 3 : 2;
        if (i >= n - 1)
            return 0;
        for (; i < n - 1; i++) {
            char c = s[i];
            unsigned d;
            if (c >= '0' && c <= '9')
                d = (unsigned)(c - '0');
            else if (hex && c >= 'a' && c <= 'f')
                d = (unsigned)(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F')
                d = (unsigned)(c - 'A' + 10);
            else
                return 0;
            if (uc <= 0x10FFFF)
                uc = uc * (hex ? 16 : 10) + d; /* past the range it stays past it */
        }
        if (uc == 0 || uc > 0x10FFFF || (uc >= 0xD800 && uc <= 0xDFFF))
            uc = 0xFFFD;
    } else {
        size_t i;
        for (i = 0; i < sizeof entities / sizeof entities[0]; i++)
            if (strlen(entities[i].name) == n - 2 && memcmp(entities[i].name, s + 1, n - 2) == 0)
                break;
        if (i == sizeof entities / sizeof entities[0])
            return 0;
        uc = entities[i].uc;
    }
    len = u8_uctomb((uint8_t *)out, uc, 8);
    return len > 0 ? (size_t)len : 0;
}
