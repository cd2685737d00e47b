/*
 * terms.c: reading terms files.  Parsing is by line and forgiving: a bad line is reported with
 * its file and line number and skipped, so one typo never hides the other terms.  Matching the
 * terms in a text lives in terms_match.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "lees/glyph.h"
#include "lees/terms.h"

struct terms {
    struct key_term *v;
    size_t n, cap;
    char **errors;
    size_t nerrors, caperrors;
};

/* An empty set of terms. */
struct terms *terms_new(void)
{
    return calloc(1, sizeof(struct terms));
}

static void term_clear(struct key_term *t)
{
    for (size_t i = 0; i < t->nvariants; i++)
        free(t->variants[i].text);
    free(t->variants);
    free(t->label);
    free(t->gloss);
    free(t->origin);
}

/* Release the terms and everything they own. */
void terms_free(struct terms *terms)
{
    if (terms == NULL)
        return;
    for (size_t i = 0; i < terms->n; i++)
        term_clear(&terms->v[i]);
    for (size_t i = 0; i < terms->nerrors; i++)
        free(terms->errors[i]);
    free(terms->v);
    free(terms->errors);
    free(terms);
}

static int add_error(struct terms *terms, const char *origin, const char *fmt, ...)
{
    char msg[512], shown[1024];
    va_list ap;

    if (terms->nerrors == terms->caperrors) {
        size_t cap = terms->caperrors ? terms->caperrors * 2 : 8;
        char **e = realloc(terms->errors, cap * sizeof *e);
        if (e == NULL)
            return -1;
        terms->errors = e;
        terms->caperrors = cap;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* File names and lines are untrusted: the message is kept in shown form. */
    glyph_sanitize(shown, sizeof shown, origin, strlen(origin));
    terms->errors[terms->nerrors] = malloc(strlen(shown) + strlen(msg) + 3);
    if (terms->errors[terms->nerrors] == NULL)
        return -1;
    sprintf(terms->errors[terms->nerrors], "%s: %s", shown, msg);
    terms->nerrors++;
    return 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* A copy of [S, S+N) trimmed, with inner runs of white space made one space. */
static char *collapse(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    size_t w = 0;

    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (is_space(s[i])) {
            if (w > 0 && out[w - 1] != ' ')
                out[w++] = ' ';
        } else {
            out[w++] = s[i];
        }
    }
    while (w > 0 && out[w - 1] == ' ')
        w--;
    out[w] = '\0';
    return out;
}

/* Where a comment starts in LINE: "#" at its start or after white space; N when none. */
static size_t comment_at(const char *line, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (line[i] == '#' && (i == 0 || is_space(line[i - 1])))
            return i;
    return n;
}

/* Parse one line into T; NULL on success, else what is wrong.  *OOM is set on memory failure. */
static const char *parse_term(struct key_term *t, const char *line, size_t n, bool *oom)
{
    const char *eq = memchr(line, '=', n);
    size_t tn = eq ? (size_t)(eq - line) : n;
    size_t start = 0;

    memset(t, 0, sizeof *t);
    if (eq != NULL) {
        t->gloss = collapse(eq + 1, n - tn - 1);
        if (t->gloss == NULL)
            goto oom;
        if (t->gloss[0] == '\0') {
            free(t->gloss);
            t->gloss = NULL;
        }
    }
    for (size_t i = 0; i <= tn; i++) {
        struct term_variant *v;
        char *text;
        size_t len;

        if (i < tn && line[i] != '|')
            continue;
        text = collapse(line + start, i - start);
        start = i + 1;
        if (text == NULL)
            goto oom;
        len = strlen(text);
        if (len == 0) {
            free(text);
            return tn == 0 || memchr(line, '|', tn) == NULL ? "no term before the gloss"
                                                            : "an empty variant between bars";
        }
        v = realloc(t->variants, (t->nvariants + 1) * sizeof *v);
        if (v == NULL) {
            free(text);
            goto oom;
        }
        t->variants = v;
        v = &t->variants[t->nvariants++];
        v->compound = text[len - 1] == '*';
        if (v->compound) {
            text[--len] = '\0';
            while (len > 0 && text[len - 1] == ' ')
                text[--len] = '\0';
        }
        v->text = text;
        if (len == 0)
            return "a \"*\" with no word before it";
        if (strchr(text, '*') != NULL)
            return "\"*\" may only end a variant";
    }
    t->label = strdup(t->variants[0].text);
    if (t->label == NULL)
        goto oom;
    return NULL;
oom:
    *oom = true;
    return "out of memory";
}

static int push_term(struct terms *terms, const struct key_term *t)
{
    if (terms->n == terms->cap) {
        size_t cap = terms->cap ? terms->cap * 2 : 16;
        struct key_term *v = realloc(terms->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        terms->v = v;
        terms->cap = cap;
    }
    terms->v[terms->n++] = *t;
    return 0;
}

static int add_line(struct terms *terms, const char *line, size_t n, const char *origin)
{
    struct key_term t;
    bool oom = false;
    const char *why;

    if (u8_check((const uint8_t *)line, n) != NULL)
        return add_error(terms, origin, "not valid UTF-8") == 0 ? 1 : -1;
    why = parse_term(&t, line, n, &oom);
    if (oom) {
        term_clear(&t);
        return -1;
    }
    if (why != NULL) {
        term_clear(&t);
        return add_error(terms, origin, "%s", why) == 0 ? 1 : -1;
    }
    t.origin = strdup(origin);
    if (t.origin == NULL || push_term(terms, &t) != 0) {
        term_clear(&t);
        return -1;
    }
    return 0;
}

/* Add the terms in the N bytes at TEXT, read from the file NAME. */
int terms_parse(struct terms *terms, const char *name, const char *text, size_t n)
{
    size_t pos = 0, lineno = 0;
    int bad = 0;

    while (pos < n) {
        const char *nl = memchr(text + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - text) : n, len;
        char origin[4096];
        int rc;

        lineno++;
        len = comment_at(text + pos, end - pos);
        while (len > 0 && is_space(text[pos + len - 1]))
            len--;
        {
            size_t lead = 0;
            while (lead < len && is_space(text[pos + lead]))
                lead++;
            if (lead == len) {
                pos = nl ? end + 1 : n;
                continue;
            }
        }
        snprintf(origin, sizeof origin, "%s:%zu", name, lineno);
        rc = add_line(terms, text + pos, len, origin);
        if (rc < 0)
            return -1;
        bad += rc;
        pos = nl ? end + 1 : n;
    }
    return bad;
}

/* Read the terms file at PATH and add its terms. */
int terms_read_file(struct terms *terms, const char *path, struct lees_error *err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc, e;

    if (f == NULL) {
        e = errno;
        lees_error_set(err, LEES_ERR_FILE, "%s: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    for (;;) {
        size_t got;
        if (len == cap) {
            char *nb = realloc(buf, cap ? cap * 2 : 4096);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return lees_error_set(err, LEES_ERR_NOMEM, "%s: out of memory", path);
            }
            buf = nb;
            cap = cap ? cap * 2 : 4096;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        e = errno;
        free(buf);
        fclose(f);
        lees_error_set(err, LEES_ERR_FILE, "%s: %s", path, strerror(e ? e : EIO));
        errno = e ? e : EIO;
        return -1;
    }
    fclose(f);
    rc = terms_parse(terms, path, buf, len);
    free(buf);
    if (rc < 0)
        return lees_error_set(err, LEES_ERR_NOMEM, "%s: out of memory", path);
    return rc;
}

/* Add one term written as on a line of a terms file. */
int terms_add(struct terms *terms, const char *line)
{
    return add_line(terms, line, strlen(line), "-t");
}

size_t terms_count(const struct terms *terms)
{
    return terms->n;
}

const struct key_term *terms_get(const struct terms *terms, size_t i)
{
    return &terms->v[i];
}

size_t terms_error_count(const struct terms *terms)
{
    return terms->nerrors;
}

const char *terms_error(const struct terms *terms, size_t i)
{
    return terms->errors[i];
}
