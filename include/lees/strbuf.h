/*
 * lees: a growing byte buffer for building strings (a folded pattern, the state file).  It
 * never fails midway: once an allocation fails it only remembers that, and strbuf_take says
 * so.  The buffer owns its bytes until strbuf_take hands them over.
 */
#ifndef LEES_STRBUF_H
#define LEES_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
    char *p; /* NUL-terminated once anything was added */
    size_t len, cap;
    bool failed; /* an allocation failed: the content is incomplete */
};

/* Append the N bytes at S. */
void strbuf_add(struct strbuf *b, const char *s, size_t n);

/* Append the string S. */
void strbuf_str(struct strbuf *b, const char *s);

/* Append a short formatted string (up to 127 bytes; longer ones mark the buffer failed). */
void strbuf_printf(struct strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The bytes, NUL-terminated, now the caller's to free ("" for an empty buffer), and their
 * length in *LEN (may be NULL); NULL when an allocation failed.  The buffer is empty after. */
char *strbuf_take(struct strbuf *b, size_t *len);

#endif
