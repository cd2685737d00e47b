/*
 * error.c: filling a struct lees_error.  Kept apart so every module reports failures the same
 * way and none of them prints or exits on its own.
 */
#include <stdarg.h>
#include <stdio.h>

#include "lees/error.h"

/* Fill ERR (may be NULL) and return -1. */
int lees_error_set(struct lees_error *err, enum lees_error_code code, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return -1;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}
