/*
 * support.c: small helpers shared by the unit suites (declared in unit.h).
 */
#include <dirent.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lees/state.h"
#include "unit.h"

/* Remove PATH and, for a directory, everything below it (a test's temporary files). */
void test_remove_tree(const char *path)
{
    struct stat sb;
    DIR *d;
    struct dirent *de;
    char sub[4096];

    if (lstat(path, &sb) < 0)
        return;
    if (S_ISDIR(sb.st_mode) && (d = opendir(path)) != NULL) {
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
            test_remove_tree(sub);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* Load the state file at PATH, failing the test when that fails. */
struct state *test_state_load(const char *path)
{
    struct state *st = NULL;
    struct lees_error err;

    assert_int_equal(state_load(path, &st, &err), 0);
    assert_non_null(st);
    return st;
}

/* Save ST, failing the test with the message when that fails. */
void test_state_save(struct state *st)
{
    struct lees_error err = {0};

    if (state_save(st, &err) != 0)
        fail_msg("save: %s", err.msg);
}

/* A doc of N short sections, read section by section. */
struct doc *test_many_sections(size_t n, char **text)
{
    static const char section[] = "## Deel\n\nterm\n\n";
    struct doc *doc;
    size_t len = (sizeof section - 1) * n;

    *text = malloc(len + 1);
    assert_non_null(*text);
    for (size_t i = 0; i < n; i++)
        memcpy(*text + i * (sizeof section - 1), section, sizeof section - 1);
    (*text)[len] = '\0';
    doc = scanned_doc_of(*text, DOC_FORMAT_MARKDOWN);
    assert_int_equal(doc_section_count(doc), n);
    return doc;
}

size_t test_heap_in_use(void)
{
#ifdef __GLIBC__
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd; /* big blocks are mapped: hblkhd */
#else
    return 0;
#endif
}

/* The number of blocks of DOC, all sections together. */
size_t test_block_count(const struct doc *doc)
{
    size_t total = 0;

    for (size_t s = 0; doc_section_exists(doc, s); s++) {
        size_t n;
        doc_section_blocks(doc, s, &n);
        total += n;
    }
    return total;
}

/* Block I of DOC counting through all sections. */
const struct doc_block *test_block(const struct doc *doc, size_t i)
{
    for (size_t s = 0; doc_section_exists(doc, s); s++) {
        size_t n;
        const struct doc_block *blocks = doc_section_blocks(doc, s, &n);
        if (i < n)
            return &blocks[i];
        i -= n;
    }
    fail_msg("no block %zu", i);
    return NULL;
}
