/*
 * test_print.c: plain output, as written when standard output is not a terminal.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lees/print.h"
#include "unit.h"

static char *capture_toc(const char *text, int width, int height)
{
    struct doc *doc = doc_of(text, DOC_FORMAT_MARKDOWN);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);

    assert_int_equal(print_toc(doc, width, height, f), 0);
    fclose(f);
    doc_free(doc);
    return out;
}

static void test_toc(void **state)
{
    char *out =
        capture_toc("# Titel\n\nIntro\n\n## Een\n\nx\n\n### Twee \xE6\x97\xA5\n\ny\n", 30, 10);

    (void)state;
    /* Each line exactly 30 cells: the wide character counts twice. */
    assert_string_equal(out, "Titel ...................... 1\n"
                             "  Een ...................... 2\n"
                             "    Twee 日 ................ 3\n");
    free(out);
}

static void test_toc_long_titles_are_cut(void **state)
{
    char *out = capture_toc("# A very long title that does not fit\n", 20, 10);

    (void)state;
    assert_string_equal(out, "A very long title  1\n");
    free(out);
}

static void test_doc_has_no_escapes(void **state)
{
    struct doc *doc = doc_of("# T\n\n*em* \x1b[2J **b**\n", DOC_FORMAT_MARKDOWN);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);

    (void)state;
    assert_int_equal(print_doc(doc, 80, f), 0);
    fclose(f);
    assert_string_equal(out, "T\n\nem ^[[2J b\n");
    free(out);
    doc_free(doc);
}

/* The parts a long section is cut into are not sections of the contents. */
static void test_toc_lists_no_parts(void **state)
{
    size_t cap = 300000, len = 0;
    char *text = malloc(cap), *out;

    (void)state;
    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "# Logboek\n\n");
    while (len < 250000)
        len += (size_t)snprintf(text + len, cap - len, "een alinea van het logboek\n\n");
    snprintf(text + len, cap - len, "## Slot\n\nx\n");
    out = capture_toc(text, 30, 10);
    assert_non_null(strstr(out, "Logboek ...."));
    assert_non_null(strstr(out, "  Slot ...."));
    {
        size_t lines = 0;
        for (const char *c = out; *c; c++)
            lines += *c == '\n';
        assert_int_equal(lines, 2); /* two sections, however many parts */
    }
    free(out);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_toc),
        cmocka_unit_test(test_toc_lists_no_parts),
        cmocka_unit_test(test_toc_long_titles_are_cut),
        cmocka_unit_test(test_doc_has_no_escapes),
    };
    return cmocka_run_group_tests_name("print", tests, NULL, NULL);
}
