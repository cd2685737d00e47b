/*
 * unit.h: what every unit suite includes: cmocka in the order it needs, and small helpers to
 * open a doc from a string.
 */
#ifndef LEES_TEST_UNIT_H
#define LEES_TEST_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "lees/doc.h"

/* Remove PATH and, for a directory, everything below it (support.c). */
void test_remove_tree(const char *path);

struct state;

/* Load the state file at PATH, failing the test when that fails (support.c). */
struct state *test_state_load(const char *path);

/* Save ST, failing the test with the message when that fails (support.c). */
void test_state_save(struct state *st);

/* A Markdown doc of N short sections ("## Deel" and a word), read section by section (not parsed
 * whole), with all its sections found; free it and *TEXT (support.c). */
struct doc *test_many_sections(size_t n, char **text);

/* Bytes the heap has handed out and not had back (glibc: mallinfo2), or 0 where unknown. */
size_t test_heap_in_use(void);

/* The number of blocks of DOC, all sections together (support.c). */
size_t test_block_count(const struct doc *doc);

/* Block I of DOC counting through all sections (valid until 16 other sections are parsed). */
const struct doc_block *test_block(const struct doc *doc, size_t i);

/* A doc over the string S (which must outlive it), failing the test when it cannot be made. */
static inline struct doc *doc_of(const char *s, enum doc_format format)
{
    struct doc *doc = NULL;
    struct lees_error err;

    assert_int_equal(doc_open_memory(s, strlen(s), "test.md", format, &doc, &err), 0);
    assert_non_null(doc);
    return doc;
}

/* The same, read section by section as a text over the whole-parse limit is. */
static inline struct doc *scanned_doc_of(const char *s, enum doc_format format)
{
    struct doc *doc;

    doc_set_whole_limit(0);
    doc = doc_of(s, format);
    doc_set_whole_limit(SIZE_MAX);
    return doc;
}

#endif
