/*
 * doc_index.c: finding the sections of a long text without parsing it.
 *
 * A text too long to parse at open is cut into sections by looking only at the start of each
 * line, one memchr per line: an ATX heading ("## Title"), or a setext underline ("===", "---")
 * under a top-level paragraph, starts a section.  The scanner follows just enough of CommonMark
 * not to take a line for a heading where md4c would not: fenced code blocks (to their closing
 * fence), HTML blocks (to a blank line), list items and block quotes (a heading indented into a
 * list item belongs to the item, as a top-level heading does not).  Plain text has no fences:
 * every ATX line is a heading, as doc_text.c reads it.
 *
 * A long stretch without headings (a log, a book without chapters) is cut into parts of about
 * DOC_PART bytes, so no section is ever too long to parse and lay out at once.
 *
 * The scan goes as far as it is asked to, a budget of bytes at a time, so the first screen of a
 * text of any size waits only for its first sections; the rest is scanned when a key needs it
 * (G, the contents) or while the reader is idle.  Each section is then parsed on its own, so
 * what md4c would join across a heading (a link reference defined in another section) is not
 * joined; the whole-parse limit keeps ordinary texts exact.
 */
#include <string.h>

#include "doc_internal.h"

/* A line is looked through this far for its end before it is taken for a long one (and cut
 * into parts): lines up to it are kept whole in their part. */
#define LONG_LINE_LOOK (4 * (size_t)DOC_PART)
/* How far past a long line's cut a space is looked for, to cut after it instead. */
#define LONG_LINE_SPACE 256

/* The line [S, S + N) with its indentation measured: I is the first byte that is no blank. */
struct line {
    const char *s;
    size_t n, i;
    size_t col; /* columns of indentation, tabs to multiples of 4 */
};

static void line_measure(struct line *l, const char *s, size_t n)
{
    l->s = s;
    l->n = n;
    l->i = 0;
    l->col = 0;
    while (l->i < n && (s[l->i] == ' ' || s[l->i] == '\t')) {
        l->col = s[l->i] == '\t' ? (l->col / 4 + 1) * 4 : l->col + 1;
        l->i++;
    }
    while (l->n > l->i && (s[l->n - 1] == '\r' || s[l->n - 1] == ' ' || s[l->n - 1] == '\t'))
        l->n--;
}

static bool blank(const struct line *l)
{
    return l->i >= l->n;
}

/* Bytes equal to C from the first nonblank one on. */
static size_t run_of(const struct line *l, char c)
{
    size_t k = l->i;
    while (k < l->n && l->s[k] == c)
        k++;
    return k - l->i;
}

/* Whether everything after the first nonblank byte is C or white space, with COUNT Cs at least. */
static bool only(const struct line *l, char c, bool spaced, size_t count)
{
    size_t seen = 0;
    for (size_t k = l->i; k < l->n; k++) {
        if (l->s[k] == c)
            seen++;
        else if (!spaced || (l->s[k] != ' ' && l->s[k] != '\t'))
            return false;
    }
    return seen >= count;
}

static bool thematic_break(const struct line *l)
{
    char c = l->s[l->i];
    return (c == '-' || c == '*' || c == '_') && only(l, c, true, 3);
}

/* The content column of a list item starting on this line, or 0 when it starts none. */
static size_t list_item(const struct line *l)
{
    size_t k = l->i, digits = 0, after;

    if (l->s[k] == '-' || l->s[k] == '+' || l->s[k] == '*') {
        k++;
    } else {
        while (k < l->n && digits < 10 && l->s[k] >= '0' && l->s[k] <= '9') {
            k++;
            digits++;
        }
        if (digits == 0 || digits > 9 || k >= l->n || (l->s[k] != '.' && l->s[k] != ')'))
            return 0;
        k++;
    }
    if (k < l->n && l->s[k] != ' ' && l->s[k] != '\t')
        return 0;
    after = 0;
    while (k + after < l->n && l->s[k + after] == ' ' && after < 5)
        after++;
    /* Five spaces or more after the marker: the item's text is indented code, one space in. */
    if (after == 0 || after > 4)
        after = 1;
    return l->col + (k - l->i) + after;
}

static bool html_start(const struct line *l)
{
    char c;
    if (l->s[l->i] != '<' || l->i + 1 >= l->n)
        return false;
    c = l->s[l->i + 1];
    return c == '/' || c == '!' || c == '?' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool fence_open(struct doc_scan *sc, const struct line *l)
{
    char c = l->s[l->i];
    size_t n;

    if (c != '`' && c != '~')
        return false;
    n = run_of(l, c);
    if (n < 3 || (c == '`' && memchr(l->s + l->i + n, '`', l->n - l->i - n) != NULL))
        return false;
    sc->fence = c;
    sc->fence_len = n;
    return true;
}

static bool fence_close(const struct doc_scan *sc, const struct line *l)
{
    return !blank(l) && l->col < 4 && run_of(l, sc->fence) >= sc->fence_len &&
           only(l, sc->fence, false, 0);
}

/*
 * Whether the line is a table's delimiter row as written with pipes at the start ("|---|:--:|"):
 * pipes, dashes, colons and blanks only, a dash among them.  Under a line that starts with a
 * pipe too, md4c (with tables) takes the two for a table's head, not a paragraph and a setext
 * underline.  (Tables written without the pipes at the start are left to md4c alone.)
 */
static bool table_delimiter(const struct line *l)
{
    bool dash = false, pipe = false;

    if (l->i >= l->n || l->s[l->i] != '|')
        return false;
    for (size_t k = l->i; k < l->n; k++) {
        char c = l->s[k];
        if (c == '-')
            dash = true;
        else if (c == '|')
            pipe = true;
        else if (c != ':' && c != ' ' && c != '\t')
            return false;
    }
    return dash && pipe;
}

/* Whether the line before START starts with a pipe (after blanks). */
static bool pipe_before(const struct doc *doc, size_t start)
{
    size_t a = start > 0 ? start - 1 : 0;

    while (a > 0 && doc->data[a - 1] != '\n')
        a--;
    while (a + 1 < start && (doc->data[a] == ' ' || doc->data[a] == '\t'))
        a++;
    return a + 1 < start && doc->data[a] == '|';
}

/* A heading at START; the lines of its text end at HEAD_END. */
static int heading(struct doc *doc, size_t start, int level, size_t head_end)
{
    struct doc_slot *first = doc_slot(doc, 0);

    struct doc_slot *last = doc_slot(doc, doc->nsections - 1);

    doc->scan.para = false;
    doc->scan.table = false;
    doc->scan.container_col = 0;
    /* Nothing before the first heading: it is the first section, not a second. */
    if (doc->nsections == 1 && first->sec.level == 0 && doc->scan.first_content >= start) {
        first->sec.level = (uint8_t)level;
        first->head_end = head_end;
        return 0;
    }
    /* A part cut where a setext heading's text turns out to start is that heading's section. */
    if (last->sec.continued && last->sec.start == start) {
        last->sec.continued = 0;
        last->sec.level = (uint8_t)level;
        last->head_end = head_end;
        return 0;
    }
    /* Sections never go back: a heading's text that a part began after is that part's text. */
    if (start < last->sec.start)
        return 0;
    return doc_slot_add(doc, start, (uint8_t)level, head_end);
}

/* Markdown: what the line at START (ending at NEXT, after its newline) does to the sections. */
static int markdown_line(struct doc *doc, const struct line *l, size_t start, size_t next)
{
    struct doc_scan *sc = &doc->scan;
    int level;
    size_t a, b, item;
    char c;

    if (sc->fence) {
        if (fence_close(sc, l))
            sc->fence = 0;
        return 0;
    }
    if (blank(l)) {
        sc->para = false;
        sc->html = false;
        sc->table = false;
        sc->blank_seen = true;
        return 0;
    }
    if (sc->first_content > start)
        sc->first_content = start;
    if (sc->html)
        return 0;
    if (sc->container_col > 0) {
        if (l->col >= sc->container_col) {
            sc->blank_seen = false;
            return 0; /* inside the item: its headings are not sections */
        }
        if (sc->blank_seen)
            sc->container_col = 0;
    }
    if (l->col >= 4)
        return 0; /* indented code, or a paragraph's continuation */
    c = l->s[l->i];
    if (fence_open(sc, l)) {
        sc->para = false;
        sc->table = false;
        return 0;
    }
    if (c == '#' && doc_atx_heading(l->s, l->n, &level, &a, &b))
        return heading(doc, start, level, next);
    if (sc->para && sc->container_col == 0 && table_delimiter(l) && pipe_before(doc, start)) {
        sc->para = false;
        sc->table = true;
        return 0;
    }
    if (sc->para && sc->container_col == 0 && (c == '=' || c == '-') && only(l, c, false, 1))
        return heading(doc, sc->para_start, c == '=' ? 1 : 2, next);
    if (thematic_break(l)) {
        sc->para = false;
        sc->table = false;
        return 0;
    }
    item = c == '>' ? l->col + 1 : list_item(l);
    if (item > 0) {
        sc->container_col = item;
        sc->blank_seen = false;
        sc->para = false;
        sc->table = false;
        return 0;
    }
    if (html_start(l)) {
        sc->html = true;
        sc->para = false;
        sc->table = false;
        return 0;
    }
    if (sc->container_col > 0)
        return 0; /* a lazy continuation of the item's paragraph */
    if (!sc->para && !sc->table) {
        sc->para = true;
        sc->para_start = start;
    }
    return 0;
}

static int text_line(struct doc *doc, const struct line *l, size_t start, size_t next)
{
    int level;

    if (blank(l))
        return 0;
    if (doc->scan.first_content > start)
        doc->scan.first_content = start;
    if (l->s[l->i] == '#' && doc_text_heading(doc, start, next, &level))
        return heading(doc, start, level, next);
    return 0;
}

/* Whether a line starting with C is, whatever follows, a paragraph's line (outside fences,
 * HTML blocks and list items): no block marker, heading or underline starts with it. */
static bool plain_start(unsigned char c)
{
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80 || c == '"' || c == '\'' ||
           c == '(' || c == '[' || c == '.' || c == ',' || c == '!' || c == '?';
}

/* Whether the scan is outside every block but a paragraph: no fence, HTML block or list item
 * (or quote) open, where a line is a paragraph's, and where a part may begin. */
static bool at_top_level(const struct doc_scan *sc)
{
    return sc->fence == 0 && !sc->html && sc->container_col == 0;
}

/*
 * In plain text a part begins at the first line at or after a multiple of DOC_PART in the whole
 * text (at least a quarter of a part after its section's start), not DOC_PART after the part
 * before: where parts begin then depends on the text near them, not on everything above, and a
 * log's last part can be found from its end (doc_tail_new).  The offset, in the whole text, from
 * which a section beginning at FROM (also in the whole text) may be cut.
 */
static size_t plain_part_due(size_t from)
{
    size_t due = (from / DOC_PART + 1) * DOC_PART;

    return due - from < DOC_PART / 4 ? due + DOC_PART : due;
}

/*
 * Whether a long stretch without headings is cut before the line at START (N bytes at S): in
 * Markdown past DOC_PART bytes, at a prose line after a blank line outside any block (so no
 * block is split); in plain text at the first line past a multiple of DOC_PART (lines are kept
 * as they are: a cut between two changes nothing).
 */
static bool part_starts(const struct doc *doc, const char *s, size_t n, size_t start)
{
    const struct doc_scan *sc = &doc->scan;
    size_t from = doc_slot(doc, doc->nsections - 1)->sec.start;

    if (doc->format != DOC_FORMAT_MARKDOWN)
        return doc->origin + start >= plain_part_due(doc->origin + from);
    if (start - from < DOC_PART)
        return false;
    return sc->prev_blank && at_top_level(sc) && n > 0 && plain_start((unsigned char)s[0]);
}

static int part(struct doc *doc, size_t start)
{
    uint8_t level = doc_slot(doc, doc->nsections - 1)->sec.level;

    if (doc_slot_add(doc, start, level, start) != 0)
        return -1;
    doc_slot(doc, doc->nsections - 1)->sec.continued = 1;
    return 0;
}

/*
 * Where a line longer than a part is cut, at or after WANT and before END: after a space, a
 * comma or a semicolon within a little way, so that no word or number is cut in two, else at
 * the first character's start (never inside a UTF-8 sequence).
 */
static size_t long_line_cut(const struct doc *doc, size_t want, size_t end)
{
    const unsigned char *d = (const unsigned char *)doc->data;

    for (size_t k = want; k < end && k < want + LONG_LINE_SPACE; k++)
        if (d[k - 1] == ' ' || d[k - 1] == '\t' || d[k - 1] == ',' || d[k - 1] == ';')
            return k;
    for (int i = 0; i < 3 && want < end && (d[want] & 0xC0) == 0x80; i++)
        want++;
    return want;
}

/*
 * The line at the scan's place runs on past the end of what one look takes (LOOK bytes, with
 * no newline in them): a minified file, a log of one line, a file of zeros.  Once, at its
 * start, it is taken as a paragraph's line (never a heading: its end is not in sight); then it
 * is cut into parts where it passes a part's length, and the scan goes on from the last cut,
 * so that a line of any length costs the first screen no more than a part.
 */
static int long_line(struct doc *doc, size_t look)
{
    struct doc_scan *sc = &doc->scan;
    size_t end = sc->pos + look;
    size_t from = doc_slot(doc, doc->nsections - 1)->sec.start;
    bool md = doc->format == DOC_FORMAT_MARKDOWN;

    if (!sc->mid_line) {
        if (sc->first_content > sc->pos)
            sc->first_content = sc->pos;
        if (md && at_top_level(sc) && !sc->para) {
            sc->para = true;
            sc->para_start = sc->pos;
        }
        sc->prev_blank = false;
        sc->mid_line = true;
        /* A part long enough already ends where the line starts, not a byte into it. */
        if (end - from > DOC_PART && sc->pos - from >= DOC_PART && sc->pos > from &&
            (!md || at_top_level(sc))) {
            if (part(doc, sc->pos) != 0)
                return -1;
            from = sc->pos;
            sc->para_start = sc->pos;
        }
    }
    /* Inside a fenced code block, an HTML block or a list item a part would be parsed on its own
     * as something else (code as prose, and what follows the fence as code): such a line is
     * looked through whole, never cut. */
    if (md && !at_top_level(sc)) {
        sc->pos = end;
        return 0;
    }
    while (end - from > DOC_PART) {
        size_t cut =
            long_line_cut(doc, from + DOC_PART > sc->pos ? from + DOC_PART : sc->pos + 1, end);
        if (cut >= end)
            break;
        if (part(doc, cut) != 0)
            return -1;
        from = cut;
        /* No underline after the line can make a heading of it: it is in parts now. */
        sc->para = false;
    }
    sc->pos = from > sc->pos ? from : sc->pos;
    /* Never stuck: what is left of the look is less than a part past the last cut. */
    if (sc->pos + DOC_PART < end)
        sc->pos = end - DOC_PART;
    return 0;
}

/* Look at the lines of at least BUDGET more bytes for headings. */
int doc_scan_step(struct doc *doc, size_t budget)
{
    struct doc_scan *sc = &doc->scan;
    size_t stop = budget < doc->len - sc->pos ? sc->pos + budget : doc->len;
    bool md = doc->format == DOC_FORMAT_MARKDOWN;

    while (!sc->done && sc->pos < stop) {
        const char *s = doc->data + sc->pos;
        size_t room = doc->len - sc->pos, look = room < LONG_LINE_LOOK ? room : LONG_LINE_LOOK;
        const char *nl = memchr(s, '\n', look);
        size_t n, next;
        struct line l;

        if (nl == NULL && look < room) {
            if (long_line(doc, look) != 0)
                return -1;
            continue;
        }
        n = nl ? (size_t)(nl - s) : room;
        next = nl ? sc->pos + n + 1 : doc->len;
        if (sc->mid_line) {
            /* The end of a long line: the rest of a line already taken. */
            sc->mid_line = false;
            sc->pos = next;
            continue;
        }

        if (part_starts(doc, s, n, sc->pos) && part(doc, sc->pos) != 0)
            return -1;
        sc->prev_blank = n == 0 || (n == 1 && s[0] == '\r');
        /* Most lines are prose: they go by at the cost of a look at their first byte. */
        if (n > 0 && plain_start((unsigned char)s[0]) && (md ? at_top_level(sc) : s[0] != '#')) {
            if (sc->first_content > sc->pos)
                sc->first_content = sc->pos;
            if (md && !sc->para && !sc->table) {
                sc->para = true;
                sc->para_start = sc->pos;
            }
            sc->pos = next;
            continue;
        }
        if (n == 0) { /* an empty line, as markdown_line takes it */
            if (md && sc->fence == 0) {
                sc->para = false;
                sc->html = false;
                sc->table = false;
                sc->blank_seen = true;
            }
            sc->pos = next;
            continue;
        }
        line_measure(&l, s, n);
        sc->prev_blank = blank(&l);
        if ((md ? markdown_line(doc, &l, sc->pos, next) : text_line(doc, &l, sc->pos, next)) != 0)
            return -1;
        sc->pos = next;
    }
    if (sc->pos >= doc->len && !sc->done) {
        sc->done = true;
        doc_slot(doc, doc->nsections - 1)->sec.end = doc->len;
    }
    return 0;
}

/*
 * After a blank line, a paragraph and an HTML block have ended; a line at the margin that starts
 * like prose ends any list item or block quote and opens nothing.  Only a fenced code block
 * opened further up can still be open there, and nothing read backwards can tell: a scan from
 * such a place is right unless it lies inside a fence.
 */
size_t doc_scan_sync_before(const struct doc *doc, size_t end, size_t limit)
{
    const char *d = doc->data;
    size_t s = end < doc->len ? end : doc->len;

    while (s > 0 && d[s - 1] != '\n')
        s--;
    while (s > limit) {
        size_t ps = s - 1; /* the line before, [ps, s - 1) */
        struct line before;
        while (ps > 0 && d[ps - 1] != '\n')
            ps--;
        if (doc->format != DOC_FORMAT_MARKDOWN)
            return s;
        line_measure(&before, d + ps, s - 1 - ps);
        if (s < doc->len && plain_start((unsigned char)d[s]) && blank(&before))
            return s;
        s = ps;
    }
    return s == 0 ? 0 : SIZE_MAX;
}
