/*
 * state_format.c: the state file's text, read and written.  The format is described at the
 * top of state.c (and in the man page).  The parser salvages: a line it does not understand,
 * or one that breaks a rule (a second mark with one id, a second quick mark with one letter),
 * is skipped and counted, and everything else is read, so that one bad line never costs the
 * bookmarks of every text; and the lines of a text whose own line is lost are skipped with it,
 * never read as another text's; the caller keeps a copy of such a file before it is replaced.  A
 * file cut short keeps every line before the cut.  A newer version is not read at all: its
 * lines may mean something else.  The writer writes one canonical form, so that parsing and
 * writing again gives the same bytes.  Strings are quoted with C-like escapes so that any byte
 * round-trips.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include <xxhash.h>

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

/* ---- a set of 64-bit values, to find duplicates in one pass however large the file ---- */

struct idslot {
    uint64_t v;
    uint32_t gen;
};

struct idset {
    struct idslot *slot; /* CAP of them, a power of two (or none) */
    size_t cap, n;
    uint32_t gen;  /* the slots of this generation are the set; the others are free */
    uint64_t seed; /* random: no file can be made to put its values in one chain */
};

static size_t idset_home(const struct idset *s, uint64_t v)
{
    return (size_t)XXH3_64bits_withSeed(&v, sizeof v, s->seed) & (s->cap - 1);
}

static void idset_put(struct idset *s, uint64_t v)
{
    size_t i = idset_home(s, v);

    while (s->slot[i].gen == s->gen)
        i = (i + 1) & (s->cap - 1);
    s->slot[i] = (struct idslot){v, s->gen};
    s->n++;
}

/* Double the table, keeping the set; -1 when out of memory. */
static int idset_grow(struct idset *s)
{
    struct idset old = *s;

    s->cap = old.cap ? old.cap * 2 : 64;
    if ((s->slot = calloc(s->cap, sizeof *s->slot)) == NULL) {
        *s = old;
        return -1;
    }
    s->n = 0;
    s->gen = 1;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slot[i].gen == old.gen)
            idset_put(s, old.slot[i].v);
    free(old.slot);
    return 0;
}

/* Add V: 1, or 0 when it is there already, or -1 when out of memory. */
static int idset_add(struct idset *s, uint64_t v)
{
    if ((s->n + 1) * 2 > s->cap && idset_grow(s) < 0)
        return -1;
    for (size_t i = idset_home(s, v); s->slot[i].gen == s->gen; i = (i + 1) & (s->cap - 1))
        if (s->slot[i].v == v)
            return 0;
    idset_put(s, v);
    return 1;
}

/* Empty the set, at once whatever its size: once for each text of a file. */
static void idset_clear(struct idset *s)
{
    s->n = 0;
    if (++s->gen == 0) {
        if (s->cap > 0)
            memset(s->slot, 0, s->cap * sizeof *s->slot);
        s->gen = 1;
    }
}

/* ---- parsing ---- */

#define SHOWN 3 /* skipped lines named, with why, in the report */

/* The parser's working state. */
struct parser {
    struct state *st;
    struct state_text *text;               /* the text the position and mark lines belong to */
    const char *no_text;                   /* when TEXT is NULL, why its lines are skipped */
    bool after_text;                       /* the last record line was a text line, read */
    uint64_t letters;                      /* the quick mark letters the text has, a bit each */
    size_t letter_at[52], letter_line[52]; /* the mark with each letter (index) and its line */
    struct idset hashes, ids;              /* of the texts; of the marks of this text */
    struct strbuf s1, s2;
    size_t line;     /* the line being read */
    const char *why; /* why it is skipped */
    size_t nskipped;
    struct {
        size_t line;
        const char *why;
    } shown[SHOWN]; /* the first lines skipped, in order */
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

/* Count LINE as skipped for WHY, and name it in the report if it is among the first. */
static void skipped(struct parser *ps, size_t line, const char *why)
{
    size_t n = ps->nskipped < SHOWN ? ps->nskipped : SHOWN, i = n;

    ps->nskipped++;
    while (i > 0 && ps->shown[i - 1].line > line)
        i--;
    if (i == SHOWN)
        return;
    memmove(&ps->shown[i + 1], &ps->shown[i], (n - i - (n == SHOWN)) * sizeof *ps->shown);
    ps->shown[i].line = line;
    ps->shown[i].why = why;
}

static bool parse_search(struct parser *ps, struct cur *c)
{
    char *p;

    if (!sep(c) || !string(c, &ps->s1) || !done(c))
        return bad(ps, "a bad search line");
    if (memchr(ps->s1.p, '\0', ps->s1.len) != NULL)
        return bad(ps, "a NUL byte in a search pattern");
    p = strbuf_take(&ps->s1, NULL);
    if (p == NULL)
        return nomem(ps);
    state_history_push(ps->st->history, &ps->st->nhistory, p);
    return true;
}

/* A text line; when it is skipped, so are the position and mark lines that follow it. */
static bool parse_text(struct parser *ps, struct cur *c)
{
    struct state_text *t;
    uint64_t hash;
    time_t read;
    int added;

    ps->text = NULL;
    ps->no_text = "a line of a skipped text";
    if (!sep(c) || !hex64(c, &hash))
        return bad(ps, "a text with a bad hash");
    if (!sep(c) || !date(c, &read))
        return bad(ps, "a text with a bad date");
    if (!sep(c) || !string(c, &ps->s1) || !done(c))
        return bad(ps, "a text with a bad path");
    if (memchr(ps->s1.p, '\0', ps->s1.len) != NULL)
        return bad(ps, "a NUL byte in a path");
    if ((added = idset_add(&ps->hashes, hash)) <= 0)
        return added < 0 ? nomem(ps) : bad(ps, "the same text a second time");
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
    ps->after_text = true;
    ps->letters = 0;
    idset_clear(&ps->ids);
    return true;
}

/* Why a position or mark line has no text to go to. */
static bool no_text(struct parser *ps)
{
    return bad(ps, ps->no_text);
}

/*
 * A position line; AFTER_TEXT: the record line before it was its text line.  lees writes each
 * text's position line right after its text line, so one anywhere else is taken to be the
 * position of a text whose own line was lost (damaged beyond reading, or joined to the line
 * above by a lost newline): it and the mark lines after it, up to the next text line, are
 * skipped, not read as the previous text's.  (A second position for one text is such a line.)
 */
static bool parse_position(struct parser *ps, struct cur *c, bool after_text)
{
    struct state_text *t = ps->text;
    size_t off;

    if (t == NULL)
        return no_text(ps);
    if (!after_text) {
        ps->text = NULL;
        ps->no_text = "a line of a text whose text line is lost";
        return bad(ps, "a position not right after its text line");
    }
    if (!sep(c) || !number(c, &off))
        return bad(ps, "a position with a bad offset");
    if (!sep(c) || !string(c, &ps->s1) || !done(c))
        return bad(ps, "a position with a bad quote");
    free(t->pos_quote);
    t->pos = off;
    if ((t->pos_quote = strbuf_take(&ps->s1, &t->pos_quote_len)) == NULL)
        return nomem(ps);
    t->has_position = true;
    return true;
}

static bool is_letter(char k)
{
    return (k >= 'a' && k <= 'z') || (k >= 'A' && k <= 'Z');
}

/* The fields of a mark line into M (its strings still in the parser's buffers). */
static bool mark_fields(struct parser *ps, struct cur *c, struct state_mark *m)
{
    const char *w, *k;
    size_t n, kn;

    if (!sep(c) || !hex64(c, &m->id) || m->id == 0)
        return bad(ps, "a mark with a bad id");
    if (!sep(c) || !number(c, &m->offset))
        return bad(ps, "a mark with a bad offset");
    if (!sep(c) || !date(c, &m->created))
        return bad(ps, "a mark with a bad date");
    if (!sep(c) || !word(c, &w, &n) ||
        !((n == 2 && memcmp(w, "ok", 2) == 0) || (n == 4 && memcmp(w, "lost", 4) == 0)))
        return bad(ps, "a mark neither ok nor lost");
    m->lost = n == 4;
    if (!sep(c) || !word(c, &k, &kn) || kn != 1 || (*k != '-' && !is_letter(*k)))
        return bad(ps, "a mark's key is not a letter or -");
    m->key = *k == '-' ? 0 : *k;
    if (!sep(c) || !string(c, &ps->s1) || memchr(ps->s1.p, '\0', ps->s1.len) != NULL)
        return bad(ps, "a mark with a bad name");
    if (!sep(c) || !string(c, &ps->s2) || !done(c))
        return bad(ps, "a mark with a bad quote");
    return true;
}

/* Whether B is newer than A: of two quick marks with one letter, the newer keeps it. */
static bool newer(const struct state_mark *a, const struct state_mark *b)
{
    return b->created > a->created || (b->created == a->created && b->id > a->id);
}

/*
 * Give quick mark M its letter: false when the text's mark with that letter is newer (M's line
 * is then skipped).  When M is newer, that mark's line is skipped and *AT is its index, for M
 * to take its place; else *AT is the text's mark count.
 */
static bool claim_letter(struct parser *ps, const struct state_mark *m, size_t *at)
{
    int k = m->key >= 'a' ? m->key - 'a' : 26 + m->key - 'A';
    uint64_t bit = (uint64_t)1 << k;

    *at = ps->text->nmarks;
    if (!(ps->letters & bit)) {
        ps->letters |= bit;
        ps->letter_at[k] = *at;
        ps->letter_line[k] = ps->line;
        return true;
    }
    if (!newer(&ps->text->marks[ps->letter_at[k]].m, m))
        return bad(ps, "the older of two quick marks with one letter");
    skipped(ps, ps->letter_line[k], "the older of two quick marks with one letter");
    ps->text->damaged = true;
    *at = ps->letter_at[k];
    ps->letter_line[k] = ps->line;
    return true;
}

static bool parse_mark(struct parser *ps, struct cur *c)
{
    struct state_text *t = ps->text;
    struct state_mark m = {0};
    size_t at;
    int added;

    if (t == NULL)
        return no_text(ps);
    if (!mark_fields(ps, c, &m))
        return false;
    if ((added = idset_add(&ps->ids, m.id)) <= 0)
        return added < 0 ? nomem(ps) : bad(ps, "a second mark with one id");
    at = t->nmarks;
    if (m.key != 0 && !claim_letter(ps, &m, &at))
        return false;
    m.name = strbuf_take(&ps->s1, &m.name_len);
    m.quote = strbuf_take(&ps->s2, &m.quote_len);
    if (m.name == NULL || m.quote == NULL) {
        free(m.name);
        free(m.quote);
        return nomem(ps);
    }
    if (at < t->nmarks) {
        /* in the place of the older mark with its letter */
        free(t->marks[at].m.name);
        free(t->marks[at].m.quote);
        t->marks[at].m = m;
        return true;
    }
    return state_text_append_mark(t, &m) == 0 || nomem(ps);
}

/* The first line: the version it names (1 for this one), or 0 when it names none. */
static size_t version_line(struct cur *c)
{
    const char *w;
    size_t n, v = 0;

    if (!keyword(c, HEADER) || !sep(c) || !word(c, &w, &n))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i] < '0' || w[i] > '9')
            return 0;
        v = v > (SIZE_MAX - 9) / 10 ? SIZE_MAX : v * 10 + (size_t)(w[i] - '0');
    }
    /* a newer version is told by its number alone: what follows is its business */
    return v > STATE_FORMAT_VERSION || done(c) ? v : 0;
}

/* One record line (not the first, not empty, not a comment); false when it is skipped. */
static bool parse_record(struct parser *ps, struct cur *c, bool *ended)
{
    bool after_text = ps->after_text;

    ps->after_text = false; /* until a text line is read */
    if (keyword(c, "search"))
        return parse_search(ps, c);
    if (keyword(c, "text"))
        return parse_text(ps, c);
    if (keyword(c, "position"))
        return parse_position(ps, c, after_text);
    if (keyword(c, "mark"))
        return parse_mark(ps, c);
    if (keyword(c, "end"))
        return (*ended = done(c)) || bad(ps, "a bad end line");
    return bad(ps, "an unknown line");
}

/* What was skipped, and whether and where the file was cut short, in WHY. */
static void report(const struct parser *ps, bool ended, size_t lines, bool last_ends, char *why,
                   size_t cap)
{
    size_t n = ps->nskipped < SHOWN ? ps->nskipped : SHOWN, k = 0;

    why[0] = '\0';
    for (size_t i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(why + k, cap - k, "%s line %zu (%s)", i ? "," : "skipped",
                              ps->shown[i].line, ps->shown[i].why);
    if (ps->nskipped > n && k < cap)
        k += (size_t)snprintf(why + k, cap - k, " and %zu more line%s", ps->nskipped - n,
                              ps->nskipped - n > 1 ? "s" : "");
    if (!ended && k < cap)
        snprintf(why + k, cap - k, "%scut short %s line %zu (no end line)", k ? "; " : "",
                 last_ends ? "after" : "in", lines);
}

/* Parse a file's text into ST, skipping what is damaged. */
enum state_parse_result state_parse(struct state *st, const char *data, size_t len, char *why,
                                    size_t cap)
{
    struct parser ps = {.st = st, .no_text = "a line before any text"};
    const char *p = data, *end = data + len;
    bool ended = false;
    enum state_parse_result r = STATE_PARSE_OK;

    snprintf(why, cap, "?");
    ps.hashes.seed = ps.ids.seed = state_new_id();
    ps.hashes.gen = ps.ids.gen = 1;
    while (p < end && !ps.nomem) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        struct cur c = {p, nl != NULL ? nl : end};
        size_t version;

        p = nl != NULL ? nl + 1 : end;
        if (++ps.line == 1) {
            if ((version = version_line(&c)) > STATE_FORMAT_VERSION) {
                snprintf(why, cap, "written by a newer lees (format %zu; this one reads %d)",
                         version, STATE_FORMAT_VERSION);
                r = STATE_PARSE_NEWER;
                break;
            }
            if (version == 0) /* read on as this version: most of it may be */
                skipped(&ps, 1, "not a lees-state version line");
            continue;
        }
        if (c.p == c.e || *c.p == '#')
            continue;
        if (ended) {
            skipped(&ps, ps.line, "after the end line");
        } else if (!parse_record(&ps, &c, &ended) && !ps.nomem) {
            skipped(&ps, ps.line, ps.why);
            if (ps.text != NULL)
                ps.text->damaged = true; /* the line may have been one of its marks */
        }
    }
    if (!ended && ps.text != NULL)
        ps.text->damaged = true; /* cut short: marks of it may have been after the cut */
    if (ps.nomem || ps.s1.failed || ps.s2.failed) {
        r = STATE_PARSE_NOMEM;
    } else if (r == STATE_PARSE_OK && len > 0 && (ps.nskipped > 0 || !ended)) {
        report(&ps, ended, ps.line, data[len - 1] == '\n', why, cap);
        r = STATE_PARSE_DAMAGED;
    }
    free(ps.s1.p);
    free(ps.s2.p);
    free(ps.hashes.slot);
    free(ps.ids.slot);
    for (size_t i = 0; r != STATE_PARSE_NOMEM && i < st->ntexts; i++)
        state_text_sort_marks(st->texts[i]);
    return r;
}
