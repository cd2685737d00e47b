/*
 * cases.c: the reader of example files shared by the unit suites (see cases.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"

static char *append(char *buf, size_t *len, const char *s, size_t n)
{
    char *nb = realloc(buf, *len + n + 1);
    if (nb == NULL) {
        perror("cases");
        exit(2);
    }
    memcpy(nb + *len, s, n);
    *len += n;
    nb[*len] = '\0';
    return nb;
}

/* Replace each "→" with a tab, in place. */
static size_t tabs(char *s, size_t n)
{
    size_t r = 0, w = 0;
    while (r < n) {
        if (n - r >= 3 && memcmp(s + r, "\xE2\x86\x92", 3) == 0) {
            s[w++] = '\t';
            r += 3;
        } else {
            s[w++] = s[r++];
        }
    }
    s[w] = '\0';
    return w;
}

static void options(struct test_case *c, char *opts)
{
    for (char *tok = strtok(opts, " "); tok != NULL; tok = strtok(NULL, " ")) {
        if (strncmp(tok, "width=", 6) == 0)
            c->width = atoi(tok + 6);
        else if (strcmp(tok, "format=text") == 0)
            c->format = DOC_FORMAT_TEXT;
        else if (strcmp(tok, "format=markdown") == 0)
            c->format = DOC_FORMAT_MARKDOWN;
    }
}

/* Load the cases of PATH. */
struct test_case *cases_load(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    struct test_case *cases = NULL, *c = NULL;
    char line[4096];
    int in_expected = 0;
    size_t explen = 0;

    *n = 0;
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "=== ", 4) == 0) {
            char *name = line + 4, *nl = strchr(name, '\n'), *sp;
            struct test_case *nc = realloc(cases, (*n + 1) * sizeof *cases);
            if (nc == NULL)
                exit(2);
            cases = nc;
            c = &cases[(*n)++];
            memset(c, 0, sizeof *c);
            c->width = 80;
            c->format = DOC_FORMAT_MARKDOWN;
            if (nl)
                *nl = '\0';
            sp = strstr(name, "  ");
            if (sp != NULL) {
                *sp = '\0';
                options(c, sp + 2);
            }
            c->name = strdup(name);
            c->input = strdup("");
            c->expected = strdup("");
            in_expected = 0;
            explen = 0;
            continue;
        }
        if (c == NULL)
            continue; /* commentary before the first case */
        if (!in_expected && strcmp(line, ".\n") == 0) {
            in_expected = 1;
            continue;
        }
        if (in_expected)
            c->expected = append(c->expected, &explen, line, strlen(line));
        else
            c->input = append(c->input, &c->input_len, line, strlen(line));
    }
    fclose(f);
    for (size_t i = 0; i < *n; i++)
        cases[i].input_len = tabs(cases[i].input, cases[i].input_len);
    return cases;
}

void cases_free(struct test_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(cases[i].name);
        free(cases[i].input);
        free(cases[i].expected);
    }
    free(cases);
}
