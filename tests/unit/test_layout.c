/*
 * test_layout.c: wrapping and cells.  The example file tests/unit/cases/layout.txt holds most
 * cases (one test each); the tests here check what plain output cannot show: widths, styles,
 * offsets and the line index.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cases.h"
#include "lees/glyph.h"
#include "lees/layout.h"
#include "lees/print.h"
#include "lees/style.h"
#include "unit.h"

/* The lines of the last of 60,000 sections are laid out without a table for every section
 * before it: G on such a text zeroed one of 1 MB (0.5 ms) before the table came in chunks. */
static void test_last_section_alone(void **state)
{
    char *text;
    struct doc *doc = test_many_sections(60000, &text);
    struct layout *layout = layout_new(doc, 40, 0);
    size_t before, n;

    (void)state;
    assert_non_null(layout);
    before = test_heap_in_use();
    assert_non_null(layout_section(layout, 59999, &n));
    assert_int_equal(n, 3);
    assert_true(test_heap_in_use() < before + 200000);
    layout_free(layout);
    doc_free(doc);
    free(text);
}

static char *render(const char *input, size_t len, enum doc_format format, int width)
{
    struct doc *doc = NULL;
    struct lees_error err;
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);

    assert_non_null(f);
    assert_int_equal(doc_open_memory(input, len, "case", format, &doc, &err), 0);
    assert_int_equal(print_doc(doc, width, f), 0);
    fclose(f);
    doc_free(doc);
    return out;
}

static void run_case(void **state)
{
    const struct test_case *c = *state;
    char *out = render(c->input, c->input_len, c->format, c->width);

    if (strcmp(out, c->expected) != 0)
        print_message("input:\n%s\nexpected:\n%s\ngot:\n%s\n", c->input, c->expected, out);
    assert_string_equal(out, c->expected);
    free(out);
}

/* Every cell of every line of a doc, checked against the width it is laid out for. */
static void test_cells_fit_width(void **state)
{
    static const char text[] = "# Kop\n\nEen *inclusief* beleid — 日本語 en cafe\xCC\x81 "
                               "met\ttab en een heel erg lang woordzonderspatiesofafbreekpunten.\n";
    (void)state;
    for (int width = LAYOUT_MIN_WIDTH; width <= 40; width++) {
        struct doc *doc = doc_of(text, DOC_FORMAT_MARKDOWN);
        struct layout *l = layout_new(doc, width, 0);

        for (size_t s = 0; s < doc_section_count(doc); s++) {
            size_t n;
            const struct layout_line *lines = layout_section(l, s, &n);
            for (size_t i = 0; i < n; i++) {
                struct layout_iter it;
                struct layout_cell c;
                int col = 0;
                layout_iter_init(&it, l, &lines[i]);
                while (layout_iter_next(&it, &c))
                    col += c.width;
                assert_true(col <= width);
            }
        }
        layout_free(l);
        doc_free(doc);
    }
}

static void test_styles_of_cells(void **state)
{
    struct doc *doc = doc_of("# Title\n\nplain *em* **strong** `code`\n", DOC_FORMAT_MARKDOWN);
    struct layout *l = layout_new(doc, 80, 0);
    size_t n;
    const struct layout_line *lines = layout_section(l, 0, &n);
    struct layout_iter it;
    struct layout_cell c;
    unsigned seen_em = 0, seen_strong = 0, seen_code = 0;

    (void)state;
    assert_int_equal(n, 3);
    layout_iter_init(&it, l, &lines[0]);
    assert_true(layout_iter_next(&it, &c));
    assert_true(c.style & STYLE_HEADING);
    assert_true(c.style & STYLE_TITLE);
    assert_true(lines[1].flags & LAYOUT_BLANK);
    layout_iter_init(&it, l, &lines[2]);
    while (layout_iter_next(&it, &c)) {
        const char *src = doc_bytes(doc, &n) + c.start;
        if (c.style & STYLE_EMPHASIS) {
            assert_memory_equal(src, c.bytes, c.len);
            assert_true(strchr("em", *c.bytes) != NULL);
            seen_em++;
        }
        if (c.style & STYLE_STRONG)
            seen_strong++;
        if (c.style & STYLE_CODE)
            seen_code++;
    }
    assert_int_equal(seen_em, 2);
    assert_int_equal(seen_strong, 6);
    assert_int_equal(seen_code, 4);
    layout_free(l);
    doc_free(doc);
}

static void test_controls_never_reach_cells(void **state)
{
    static const char text[] = "a\x1b[31mred\x07 \x7f \xC2\x9B x \xE2\x80\xAE y \xE9z\n";
    struct doc *doc = doc_of(text, DOC_FORMAT_TEXT);
    char *out = render(text, sizeof text - 1, DOC_FORMAT_TEXT, 80);

    (void)state;
    assert_string_equal(out, "a^[[31mred^G ^? <U+009B> x <U+202E> y <E9>z\n");
    for (const char *p = out; *p; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\n');
    free(out);
    doc_free(doc);
}

static void test_line_at_offset(void **state)
{
    static const char text[] = "one two three four five six seven eight nine ten\n";
    struct doc *doc = doc_of(text, DOC_FORMAT_MARKDOWN);
    struct layout *l = layout_new(doc, 10, 0);
    size_t n;
    const struct layout_line *lines = layout_section(l, 0, &n);
    const char *six = strstr(text, "six");

    (void)state;
    assert_true(n > 3);
    for (size_t i = 0; i < n; i++) {
        size_t at = layout_line_at(l, 0, lines[i].start);
        assert_int_equal(at, i);
    }
    {
        size_t i = layout_line_at(l, 0, (size_t)(six - text));
        assert_true(lines[i].start <= (size_t)(six - text));
        assert_true(lines[i].end > (size_t)(six - text));
    }
    layout_free(l);
    doc_free(doc);
}

static void test_empty_text(void **state)
{
    struct doc *doc = doc_of("", DOC_FORMAT_MARKDOWN);
    struct layout *l = layout_new(doc, 20, 0);
    size_t n;
    const struct layout_line *lines = layout_section(l, 0, &n);

    (void)state;
    assert_int_equal(doc_section_count(doc), 1);
    assert_non_null(lines);
    assert_int_equal(n, 1);
    assert_true(lines[0].flags & LAYOUT_BLANK);
    layout_free(l);
    doc_free(doc);
}

/* A block up to 16 KiB finds its breaks in one pass, a longer one a line at a time over the
 * line and its context: the same words break the same way either way.  A paragraph of mixed
 * text (hyphens, slashes, quotes, brackets, CJK, wide spaces) is printed on its own, then as
 * the start of one five times as long. */
static void test_short_and_long_blocks_break_alike(void **state)
{
    static const char *const words[] = {
        "woord", "co-operatie", "http://ex.am/ple/pad?x=1", "(haakjes)", "\"aanhaling\"",
        "1.234,56", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "e.g.", "\xE2\x80\x94",
        /* split, or \xAF would swallow "ef" */
        ("na\xC3\xAF"
         "ef"),
        "a/b/c", "!?"};
    size_t cap = 100000, len = 0, one;
    char *text = malloc(cap), *small, *big;
    unsigned seed = 11;

    (void)state;
    assert_non_null(text);
    while (len < 4000) {
        seed = seed * 1103515245u + 12345u;
        len += (size_t)snprintf(text + len, cap - len, "%s%s", words[(seed >> 16) % 12],
                                (seed >> 8) % 7 == 0 ? "  " : " ");
    }
    one = len;
    while (len < 20000) {
        memcpy(text + len, text, one);
        len += one;
    }
    for (int width = 20; width <= 80; width += 7) {
        small = render(text, one, DOC_FORMAT_TEXT, width);
        big = render(text, len, DOC_FORMAT_TEXT, width);
        /* All but the short one's last line, which the long one goes on from. */
        *strrchr(small, '\n') = '\0';
        *(strrchr(small, '\n') + 1) = '\0';
        assert_memory_equal(small, big, strlen(small));
        free(small);
        free(big);
    }
    free(text);
}

/* Lines of a plain text that end in CR LF fit or wrap as the same lines ending in LF do (the
 * line taken whole must stop before the CR, as the cells do). */
static void test_crlf_lines(void **state)
{
    static const char crlf[] = "ab\r\ncd\r\nefghijklmnop\r\nlast",
                      lf[] = "ab\ncd\nefghijklmnop\nlast";
    char *a = render(crlf, strlen(crlf), DOC_FORMAT_TEXT, 10);
    char *b = render(lf, strlen(lf), DOC_FORMAT_TEXT, 10);

    (void)state;
    assert_string_equal(b, "ab\ncd\nefghijklmn\nop\nlast\n");
    assert_string_equal(a, b);
    free(a);
    free(b);
}

int main(void)
{
    size_t n;
    struct test_case *cases = cases_load(CASES_DIR "/layout.txt", &n);
    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    const struct CMUnitTest direct[] = {
        cmocka_unit_test(test_last_section_alone),
        cmocka_unit_test(test_cells_fit_width),
        cmocka_unit_test(test_styles_of_cells),
        cmocka_unit_test(test_controls_never_reach_cells),
        cmocka_unit_test(test_line_at_offset),
        cmocka_unit_test(test_empty_text),
        cmocka_unit_test(test_short_and_long_blocks_break_alike),
        cmocka_unit_test(test_crlf_lines),
    };
    int failed;

    for (size_t i = 0; i < n; i++) {
        tests[i].name = cases[i].name;
        tests[i].test_func = run_case;
        tests[i].initial_state = &cases[i];
    }
    failed = _cmocka_run_group_tests("layout cases", tests, n, NULL, NULL);
    failed += cmocka_run_group_tests_name("layout", direct, NULL, NULL);
    free(tests);
    cases_free(cases, n);
    return failed ? 1 : 0;
}
