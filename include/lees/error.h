/* lees: error reports that travel up to main, which alone decides how to print and exit. */
#ifndef LEES_ERROR_H
#define LEES_ERROR_H

/* What kind of failure; main maps these to exit statuses (1 for a file, 2 for usage). */
enum lees_error_code {
    LEES_OK = 0,
    LEES_ERR_FILE,  /* a file cannot be read: missing, a directory, no permission */
    LEES_ERR_USAGE, /* a bad option or argument */
    LEES_ERR_NOMEM,
    LEES_ERR_TERMINAL, /* the terminal cannot be used */
};

/* One failure, already worded as "FILE: what went wrong" (main adds "lees: "). */
struct lees_error {
    enum lees_error_code code;
    char msg[512];
};

/* Fill ERR (may be NULL) and return -1, so callers can write `return lees_error_set(...)`. */
int lees_error_set(struct lees_error *err, enum lees_error_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
