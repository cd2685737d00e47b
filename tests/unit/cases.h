/*
 * cases.h: example files for the unit tests.  A case is "=== NAME [width=N] [format=F]", the
 * input, a line with a single dot, and the expected output; "→" in an input stands for a tab,
 * as in the CommonMark spec.  Adding a case is adding a few lines of text.
 */
#ifndef LEES_TEST_CASES_H
#define LEES_TEST_CASES_H

#include <stddef.h>

#include "lees/doc.h"

struct test_case {
    char *name;
    char *input;
    size_t input_len;
    char *expected;
    int width;
    enum doc_format format;
};

/* Load the cases of PATH; exits the test program when the file is malformed. */
struct test_case *cases_load(const char *path, size_t *n);

void cases_free(struct test_case *cases, size_t n);

#endif
