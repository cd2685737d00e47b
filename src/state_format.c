/*
 * state_format.c: the state file's text, read and written.  The format is described at the
 * top of state.c (and in the man page).  The parser is strict: whatever it does not understand
 * makes the whole file bad, so that the caller moves it aside whole rather than keep half of
 * it; the writer writes one canonical form, so that parsing and writing again gives the same
 * bytes.  Strings are quoted with C-like escapes so that any byte round-trips.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "lees/strbuf.h"
#include "state_internal.h"

#define HEADER "lees-state"
#define COMMENT "# lees: reading positions and bookmarks; the format is in lees(1), STATE FILE."

/* ---- dates: YYYY-MM-DDTHH:MM:SSZ, in UTC, without the C library's time zone machinery ---- */

static long long days_from_civil(long long y, int m, int d)
{
    long long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
    long long era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static void format_date(time_t t, char out[64])
{
    long long s = (long long)t, min = days_from_civil(0, 1, 1) * 86400,
              max = days_from_civil(9999, 12, 31) * 86400 + 86399, days, y;
    int m, d;
    unsigned secs;

    if (s < min)
        s = min;
    if (s > max)
        s = max;
    days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
    secs = (unsigned)(s - days * 86400);
    civil_from_days(days, &y, &m, &d);
    snprintf(out, 64, "%04lld-%02d-%02dT%02u:%02u:%02uZ", y, m, d, secs / 3600, secs / 60 % 60,
             secs % 60);
}

static bool digits(const char *s, size_t n, int *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

static bool parse_date(const char *s, size_t n, time_t *t)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, se;
    long long v;

    if (n != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
        s[19] != 'Z')
        return false;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
        !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 59)
        return false;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return false;
    v = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    if ((long long)(time_t)v != v)
        return false;
    *t = (time_t)v;
    return true;
}

/* ---- strings ---- */

/* Whether code point UC is written as it is (not as \x escapes of its bytes). */
static bool shown_as_is(ucs4_t uc)
{
    if (uc < 0xA0)
        return false; /* C0 and C1 controls, DEL (ASCII is handled before) */
    if ((uc >= 0x200B && uc <= 0x200F) || (uc >= 0x2028 && uc <= 0x202E) ||
        (uc >= 0x2060 && uc <= 0x206F) || uc == 0xFEFF)
        return false; /* invisible, or reorders the line when the file is shown */
    return true;
}

/* Write N bytes at S as a quoted string. */
static void put_string(struct strbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;

    strbuf_add(b, "\"", 1);
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            strbuf_add(b, e, 2);
            i++;
        } else if (c == '\n') {
            strbuf_add(b, "\\n", 2);
            i++;
        } else if (c == '\t') {
            strbuf_add(b, "\\t", 2);
            i++;
        } else if (c >= 0x20 && c < 0x7f) {
            strbuf_add(b, s + i, 1);
            i++;
        } else {
            ucs4_t uc;
            int k = c >= 0x80 ? u8_mbtoucr(&uc, (const uint8_t *)s + i, n - i) : -1;
            if (k > 0 && shown_as_is(uc)) {
                strbuf_add(b, s + i, (size_t)k);
                i += (size_t)k;
            } else {
                /* a control byte, a byte of an invalid sequence, an invisible character */
                size_t m = k > 0 ? (size_t)k : 1;
                for (size_t j = 0; j < m; j++) {
                    unsigned char x = (unsigned char)s[i + j];
                    char e[4] = {'\\', 'x', hex[x >> 4], hex[x & 15]};
                    strbuf_add(b, e, 4);
                }
                i += m;
            }
        }
    }
    strbuf_add(b, "\"", 1);
}

/* The file text for ST. */
char *state_format(const struct state *st, size_t *len)
{
    struct strbuf b = {0};
    char date[64];

    strbuf_printf(&b, "%s %d\n%s\n", HEADER, STATE_FORMAT_VERSION, COMMENT);
    for (size_t i = 0; i < st->nhistory; i++) {
        strbuf_str(&b, "search ");
        put_string(&b, st->history[i], strlen(st->history[i]));
        strbuf_add(&b, "\n", 1);
    }
    for (size_t i = 0; i < st->ntexts; i++) {
        const struct state_text *t = st->texts[i];
        format_date(t->read, date);
        strbuf_printf(&b, "text %016" PRIx64 " %s ", t->hash, date);
        put_string(&b, t->path ? t->path : "", t->path ? strlen(t->path) : 0);
        strbuf_printf(&b, "\nposition %zu ", t->pos);
        put_string(&b, t->pos_quote, t->pos_quote_len);
        strbuf_add(&b, "\n", 1);
        for (size_t j = 0; j < t->nmarks; j++) {
            const struct state_mark *m = &t->marks[j].m;
            format_date(m->created, date);
            strbuf_printf(&b, "mark %016" PRIx64 " %zu %s %s %c ", m->id, m->offset, date,
                          m->lost ? "lost" : "ok", m->key ? m->key : '-');
            put_string(&b, m->name, m->name_len);
            strbuf_add(&b, " ", 1);
            put_string(&b, m->quote, m->quote_len);
            strbuf_add(&b, "\n", 1);
        }
    }
    strbuf_str(&b, "end\n");
    return strbuf_take(&b, len);
}

/* ---- parsing ---- */

/* The rest of one line. */
struct cur {
    const char *p, *e;
};

/* Skip at least one blank; false when there is none. */
static bool sep(struct cur *c)
{
    const char *s = c->p;

    while (c->p < c->e && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
    return c->p > s;
}

/* Whether only blanks are left. */
static bool done(struct cur *c)
{
    while (c->p < c->e && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
    return c->p == c->e;
}

/* A run of non-blank bytes, not empty. */
static bool word(struct cur *c, const char **w, size_t *n)
{
    *w = c->p;
    while (c->p < c->e && *c->p != ' ' && *c->p != '\t')
        c->p++;
    *n = (size_t)(c->p - *w);
    return *n > 0;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static bool hex64(struct cur *c, uint64_t *v)
{
    const char *w;
    size_t n;

    if (!word(c, &w, &n) || n != 16)
        return false;
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        int h = hexval(w[i]);
        if (h < 0)
            return false;
        *v = *v << 4 | (uint64_t)h;
    }
    return true;
}

static bool number(struct cur *c, size_t *v)
{
    const char *w;
    size_t n;

    if (!word(c, &w, &n) || n > 20)
        return false;
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        size_t d = (size_t)(w[i] - '0');
        if (w[i] < '0' || w[i] > '9' || *v > (SIZE_MAX - d) / 10)
            return false;
        *v = *v * 10 + d;
    }
    return true;
}

static bool date(struct cur *c, time_t *t)
{
    const char *w;
    size_t n;

    return word(c, &w, &n) && parse_date(w, n, t);
}

/* A quoted string into B (emptied first); false when malformed. */
static bool string(struct cur *c, struct strbuf *b)
{
    b->len = 0;
    strbuf_add(b, "", 0);
    if (c->p == c->e || *c->p != '"')
        return false;
    c->p++;
    while (c->p < c->e && *c->p != '"') {
        unsigned char ch = (unsigned char)*c->p;
        if (ch == '\\') {
            char out;
            if (c->e - c->p < 2)
                return false;
            switch (c->p[1]) {
            case '\\':
            case '"':
                out = c->p[1];
                break;
            case 'n':
                out = '\n';
                break;
            case 't':
                out = '\t';
                break;
            case 'r':
                out = '\r';
                break;
            case 'x': {
                int hi = c->e - c->p >= 4 ? hexval(c->p[2]) : -1;
                int lo = hi >= 0 ? hexval(c->p[3]) : -1;
                if (lo < 0)
                    return false;
                out = (char)(hi << 4 | lo);
                c->p += 2;
                break;
            }
            default:
                return false;
            }
            strbuf_add(b, &out, 1);
            c->p += 2;
        } else if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
            return false; /* a control byte written as itself: not ours */
        } else {
            strbuf_add(b, c->p, 1);
            c->p++;
        }
    }
    if (c->p == c->e)
        return false;
    c->p++;
    return !b->failed;
}

static bool keyword(struct cur *c, const char *kw)
{
    size_t n = strlen(kw);

    if ((size_t)(c->e - c->p) < n || memcmp(c->p, kw, n) != 0)
        return false;
    if ((size_t)(c->e - c->p) > n && c->p[n] != ' ' && c->p[n] != '\t')
        return false;
    c->p += n;
    return true;
}

/* The parser's working state. */
struct parser {
    struct state *st;
    struct state_text *text; /* the text the position and mark lines belong to */
    bool has_position;
    uint64_t letters; /* the quick mark letters the text has, a bit each */
    struct strbuf s1, s2;
    const char *why;
    bool nomem;
};

/* Note what is wrong; false. */
static bool bad(struct parser *ps, const char *why)
{
    ps->why = why;
    return false;
}

static bool nomem(struct parser *ps)
{
    ps->nomem = true;
    return false;
}

static bool parse_search(struct parser *ps, struct cur *c)
{
    char *p;

    if (!sep(c) || !string(c, &ps->s1) || !done(c))
        return bad(ps, "bad search record");
    if (memchr(ps->s1.p, '\0', ps->s1.len) != NULL)
        return bad(ps, "NUL byte in a search pattern");
    p = strbuf_take(&ps->s1, NULL);
    if (p == NULL)
        return nomem(ps);
    state_history_push(ps->st->history, &ps->st->nhistory, p);
    return true;
}

static bool parse_text(struct parser *ps, struct cur *c)
{
    struct state_text *t;
    uint64_t hash;
    time_t read;

    if (!sep(c) || !hex64(c, &hash) || !sep(c) || !date(c, &read) || !sep(c) ||
        !string(c, &ps->s1) || !done(c))
        return bad(ps, "bad text record");
    if (memchr(ps->s1.p, '\0', ps->s1.len) != NULL)
        return bad(ps, "NUL byte in a path");
    t = state_text_new();
    if (t == NULL || state_append_text(ps->st, t) < 0) {
        state_text_free(t);
        return nomem(ps);
    }
    t->hash = t->synced_hash = hash;
    t->synced = true;
    t->read = read;
    if (ps->s1.len > 0 && (t->path = strbuf_take(&ps->s1, NULL)) == NULL)
        return nomem(ps);
    ps->text = t;
    ps->has_position = false;
    ps->letters = 0;
    return true;
}

static bool parse_position(struct parser *ps, struct cur *c)
{
    struct state_text *t = ps->text;
    size_t off;

    if (t == NULL)
        return bad(ps, "position before any text");
    if (ps->has_position)
        return bad(ps, "two positions for one text");
    if (!sep(c) || !number(c, &off) || !sep(c) || !string(c, &ps->s1) || !done(c))
        return bad(ps, "bad position record");
    free(t->pos_quote);
    t->pos = off;
    if ((t->pos_quote = strbuf_take(&ps->s1, &t->pos_quote_len)) == NULL)
        return nomem(ps);
    ps->has_position = true;
    return true;
}

static bool is_letter(char k)
{
    return (k >= 'a' && k <= 'z') || (k >= 'A' && k <= 'Z');
}

static bool parse_mark(struct parser *ps, struct cur *c)
{
    struct state_text *t = ps->text;
    struct state_mark m = {0};
    const char *w, *k;
    size_t n, kn;

    if (t == NULL)
        return bad(ps, "mark before any text");
    if (!sep(c) || !hex64(c, &m.id) || !sep(c) || !number(c, &m.offset) || !sep(c) ||
        !date(c, &m.created) || !sep(c) || !word(c, &w, &n) || !sep(c) || !word(c, &k, &kn) ||
        !sep(c) || !string(c, &ps->s1) || !sep(c) || !string(c, &ps->s2) || !done(c))
        return bad(ps, "bad mark record");
    if (n == 4 && memcmp(w, "lost", 4) == 0)
        m.lost = true;
    else if (!(n == 2 && memcmp(w, "ok", 2) == 0))
        return bad(ps, "a mark neither ok nor lost");
    if (kn != 1 || (*k != '-' && !is_letter(*k)))
        return bad(ps, "a mark's key is not a letter or -");
    m.key = *k == '-' ? 0 : *k;
    if (m.id == 0)
        return bad(ps, "a mark with id 0");
    if (memchr(ps->s1.p, '\0', ps->s1.len) != NULL)
        return bad(ps, "NUL byte in a mark's name");
    if (m.key != 0) {
        uint64_t bit = (uint64_t)1 << (m.key >= 'a' ? m.key - 'a' : 26 + m.key - 'A');
        if (ps->letters & bit)
            return bad(ps, "two quick marks with one letter");
        ps->letters |= bit;
    }
    m.name = strbuf_take(&ps->s1, &m.name_len);
    m.quote = strbuf_take(&ps->s2, &m.quote_len);
    if (m.name == NULL || m.quote == NULL) {
        free(m.name);
        free(m.quote);
        return nomem(ps);
    }
    if (state_text_append_mark(t, &m) < 0)
        return nomem(ps);
    return true;
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/*
 * Whether a hash appears twice among ST's texts, or an id twice among a text's marks (found by
 * sorting, so that a huge file cannot make this quadratic); -1 when out of memory.
 */
static int duplicates(const struct state *st, const char **what)
{
    size_t most = st->ntexts;
    uint64_t *v;
    int dup = 0;

    for (size_t i = 0; i < st->ntexts; i++)
        if (st->texts[i]->nmarks > most)
            most = st->texts[i]->nmarks;
    if ((v = malloc((most + 1) * sizeof *v)) == NULL)
        return -1;
    for (size_t i = 0; i < st->ntexts; i++)
        v[i] = st->texts[i]->hash;
    qsort(v, st->ntexts, sizeof *v, u64_cmp);
    for (size_t i = 1; i < st->ntexts && !dup; i++)
        dup = v[i] == v[i - 1];
    *what = "the same text twice";
    for (size_t i = 0; i < st->ntexts && !dup; i++) {
        const struct state_text *t = st->texts[i];
        for (size_t j = 0; j < t->nmarks; j++)
            v[j] = t->marks[j].m.id;
        qsort(v, t->nmarks, sizeof *v, u64_cmp);
        for (size_t j = 1; j < t->nmarks && !dup; j++)
            dup = v[j] == v[j - 1];
        if (dup)
            *what = "two marks with one id";
    }
    free(v);
    return dup;
}

/* Parse a file's text into ST. */
enum state_parse_result state_parse(struct state *st, const char *data, size_t len, char *why,
                                    size_t cap)
{
    struct parser ps = {.st = st};
    const char *p = data, *end = data + len;
    size_t lineno = 0;
    bool ended = false;
    enum state_parse_result r = STATE_PARSE_OK;

    snprintf(why, cap, "?");
    if (len == 0) {
        snprintf(why, cap, "empty file");
        return STATE_PARSE_BAD;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        struct cur c;
        bool ok;

        lineno++;
        if (nl == NULL) {
            ps.why = "cut short (the last line has no end)";
            break;
        }
        c = (struct cur){p, nl};
        p = nl + 1;
        if (ended) {
            ps.why = "data after the end line";
            break;
        }
        if (lineno == 1) {
            size_t version;
            if (!keyword(&c, HEADER)) {
                ps.why = "not a lees state file";
                break;
            }
            if (!sep(&c) || !number(&c, &version) || !done(&c) || version == 0) {
                ps.why = "bad version line";
                break;
            }
            if (version > STATE_FORMAT_VERSION) {
                snprintf(why, cap, "written by a newer lees (format %zu; this one reads %d)",
                         version, STATE_FORMAT_VERSION);
                return STATE_PARSE_NEWER;
            }
            continue;
        }
        if (c.p == c.e || *c.p == '#')
            continue;
        if (keyword(&c, "search"))
            ok = parse_search(&ps, &c);
        else if (keyword(&c, "text"))
            ok = parse_text(&ps, &c);
        else if (keyword(&c, "position"))
            ok = parse_position(&ps, &c);
        else if (keyword(&c, "mark"))
            ok = parse_mark(&ps, &c);
        else if (keyword(&c, "end"))
            ok = (ended = done(&c)) || bad(&ps, "bad end line");
        else
            ok = bad(&ps, "unknown record");
        if (!ok)
            break;
    }
    if (ps.nomem || ps.s1.failed || ps.s2.failed) {
        r = STATE_PARSE_NOMEM;
    } else if (ps.why != NULL) {
        snprintf(why, cap, "line %zu: %s", lineno, ps.why);
        r = STATE_PARSE_BAD;
    } else if (!ended) {
        snprintf(why, cap, "cut short (no end line)");
        r = STATE_PARSE_BAD;
    }
    free(ps.s1.p);
    free(ps.s2.p);
    if (r == STATE_PARSE_OK) {
        const char *what;
        int dup = duplicates(st, &what);
        if (dup < 0) {
            r = STATE_PARSE_NOMEM;
        } else if (dup) {
            snprintf(why, cap, "%s", what);
            r = STATE_PARSE_BAD;
        }
    }
    for (size_t i = 0; r == STATE_PARSE_OK && i < st->ntexts; i++)
        state_text_sort_marks(st->texts[i]);
    return r;
}
