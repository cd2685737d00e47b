/*
 * strbuf.c: the growing byte buffer that the state file's writer and search's pattern folding
 * both build strings with (see strbuf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lees/strbuf.h"

/* Append the N bytes at S. */
void strbuf_add(struct strbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 256;
        char *np;
        while (ncap < b->len + n + 1)
            ncap *= 2;
        np = realloc(b->p, ncap);
        if (np == NULL) {
            b->failed = true;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* Append the string S. */
void strbuf_str(struct strbuf *b, const char *s)
{
    strbuf_add(b, s, strlen(s));
}

/* Append a short formatted string. */
void strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        b->failed = true;
        return;
    }
    strbuf_add(b, tmp, (size_t)n);
}

/* The bytes, now the caller's; NULL when an allocation failed. */
char *strbuf_take(struct strbuf *b, size_t *len)
{
    char *p;

    if (b->p == NULL)
        strbuf_add(b, "", 0);
    if (b->failed) {
        free(b->p);
        *b = (struct strbuf){0};
        return NULL;
    }
    p = b->p;
    if (len != NULL)
        *len = b->len;
    *b = (struct strbuf){0};
    return p;
}
