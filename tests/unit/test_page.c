/*
 * test_page.c: pages over sections: counts, the page of an offset, sections starting on fresh
 * pages, moving by line, page and section, and keeping the place across resizes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lees/page.h"
#include "unit.h"

/* Three sections of 12, 5 and 27 lines: plain text keeps one line per source line, and its
 * headings stand alone, a blank line after each. */
static char *fixture(void)
{
    static char text[1024];
    size_t n = 0;

    n += (size_t)snprintf(text + n, sizeof text - n, "# A\n\n");
    for (int i = 1; i <= 10; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "a%d\n", i);
    n += (size_t)snprintf(text + n, sizeof text - n, "\n# B\n\nb1\nb2\nb3\n\n# C\n\n");
    for (int i = 1; i <= 25; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "c%d\n", i);
    return text;
}

static const char *row_text(struct page *p, int r, const char *src)
{
    static char buf[64];
    const struct layout_line *line = page_row(p, r);

    if (line == NULL)
        return "";
    snprintf(buf, sizeof buf, "%.*s", (int)(line->end - line->start), src + line->start);
    buf[strcspn(buf, "\n")] = '\0';
    return buf;
}

/* page_goto_top puts the line of an offset at the top, not the start of its page. */
static void test_goto_top(void **state)
{
    const char *text = fixture();
    struct doc *doc = doc_of(text, DOC_FORMAT_TEXT);
    struct page *p = page_new(doc, 40, 5, 0);

    (void)state;
    page_goto_top(p, (size_t)(strstr(text, "a7\n") - text));
    assert_string_equal(row_text(p, 0, text), "a7");
    assert_int_equal(page_offset(p), (size_t)(strstr(text, "a7\n") - text));
    page_goto_offset(p, (size_t)(strstr(text, "a7\n") - text));
    assert_string_equal(row_text(p, 0, text), "a4"); /* the start of its page */
    /* C's 27 lines take 6 pages of 5: the last holds c24 and c25, and is as far down as a top
     * line goes. */
    page_goto_top(p, (size_t)(strstr(text, "c23\n") - text));
    assert_string_equal(row_text(p, 0, text), "c23");
    assert_int_equal(page_line_down(p), 0);
    assert_string_equal(row_text(p, 0, text), "c24");
    assert_int_equal(page_line_down(p), -1);
    page_free(p);
    doc_free(doc);
}

/* Page numbers are taken over only between texts found section by section: one parsed whole
 * may lay its sections out otherwise (a link's reference defined further on), and is short. */
static void test_take_counts_not_from_whole(void **state)
{
    const char *text = fixture();
    struct doc *whole = doc_of(text, DOC_FORMAT_TEXT),
               *scanned = scanned_doc_of(text, DOC_FORMAT_TEXT);
    struct page *old = page_new(whole, 40, 5, 0), *fresh = page_new(scanned, 40, 5, 0);

    (void)state;
    assert_int_equal(page_total(old), 10);
    page_take_counts(fresh, old);
    assert_false(page_section_counted(fresh, 1));
    page_free(old);
    page_free(fresh);
    doc_free(whole);
    doc_free(scanned);
}

static void test_counts_and_section_starts(void **state)
{
    const char *text = fixture();
    struct doc *doc = doc_of(text, DOC_FORMAT_TEXT);
    struct page *p = page_new(doc, 40, 5, 0);

    (void)state;
    assert_int_equal(page_total(p), 10);
    assert_int_equal(page_of_section(p, 0), 1);
    assert_int_equal(page_of_section(p, 1), 4);
    assert_int_equal(page_of_section(p, 2), 5);
    assert_int_equal(page_number(p), 1);
    assert_string_equal(row_text(p, 0, text), "# A"); /* shown as it is */
    assert_string_equal(row_text(p, 4, text), "a3");
    /* The last page of A is short; B starts on the next page, not below it. */
    page_goto(p, 3);
    assert_string_equal(row_text(p, 0, text), "a9");
    assert_string_equal(row_text(p, 1, text), "a10");
    assert_null(page_row(p, 2));
    assert_int_equal(page_next(p), 0);
    assert_int_equal(page_number(p), 4);
    assert_int_equal(page_section(p), 1);
    assert_string_equal(row_text(p, 0, text), "# B");
    page_free(p);
    doc_free(doc);
}

static void test_page_of_offset(void **state)
{
    const char *text = fixture();
    struct doc *doc = doc_of(text, DOC_FORMAT_TEXT);
    struct page *p = page_new(doc, 40, 5, 0);

    (void)state;
    page_goto_offset(p, (size_t)(strstr(text, "a7") - text));
    assert_int_equal(page_number(p), 2);
    assert_string_equal(row_text(p, 0, text), "a4");
    page_goto_offset(p, (size_t)(strstr(text, "c12") - text));
    assert_int_equal(page_number(p), 7);
    assert_int_equal(page_section(p), 2);
    page_goto_offset(p, 0);
    assert_int_equal(page_number(p), 1);
    page_free(p);
    doc_free(doc);
}

static void test_goto_clamps(void **state)
{
    struct doc *doc = doc_of(fixture(), DOC_FORMAT_TEXT);
    struct page *p = page_new(doc, 40, 5, 0);

    (void)state;
    page_goto(p, 100);
    assert_int_equal(page_number(p), 10);
    assert_int_equal(page_percent(p), 100);
    page_goto(p, 0);
    assert_int_equal(page_number(p), 1);
    assert_int_equal(page_prev(p), -1);
    assert_int_equal(page_line_up(p), -1);
    assert_int_equal(page_last(p), 0);
    assert_int_equal(page_number(p), 10);
    assert_int_equal(page_next(p), -1);
    assert_int_equal(page_line_down(p), -1);
    assert_int_equal(page_first(p), 0);
    assert_int_equal(page_number(p), 1);
    page_free(p);
    doc_free(doc);
}

static void test_lines_scroll_through_section_ends(void **state)
{
    const char *text = fixture();
    struct doc *doc = doc_of(text, DOC_FORMAT_TEXT);
    struct page *p = page_new(doc, 40, 5, 0);

    (void)state;
    page_goto(p, 3); /* a9, a10 and three blank rows */
    assert_int_equal(page_line_down(p), 0);
    assert_string_equal(row_text(p, 0, text), "a10");
    assert_string_equal(row_text(p, 4, text), "# B"); /* B comes up from below */
    for (int i = 0; i < 4; i++)
        assert_int_equal(page_line_down(p), 0);
    assert_int_equal(page_section(p), 1);
    assert_string_equal(row_text(p, 0, text), "# B");
    assert_int_equal(page_line_up(p), 0);
    assert_int_equal(page_section(p), 0);
    assert_string_equal(row_text(p, 0, text), "");
    assert_string_equal(row_text(p, 1, text), "# B");
    /* A page key from between pages lands on a page boundary again. */
    assert_int_equal(page_next(p), 0);
    assert_string_equal(row_text(p, 0, text), "# B");
    assert_int_equal(page_line_down(p), 0);
    assert_int_equal(page_prev(p), 0);
    assert_string_equal(row_text(p, 0, text), "# B");
    assert_int_equal(page_half_down(p), 0);
    assert_string_equal(row_text(p, 0, text), "b2");
    assert_int_equal(page_half_up(p), 0);
    assert_string_equal(row_text(p, 0, text), "# B");
    page_free(p);
    doc_free(doc);
}

static void test_sections(void **state)
{
    const char *text = fixture();
    struct doc *doc = doc_of(text, DOC_FORMAT_TEXT);
    struct page *p = page_new(doc, 40, 5, 0);

    (void)state;
    assert_int_equal(page_section_next(p), 0);
    assert_int_equal(page_section_next(p), 0);
    assert_string_equal(row_text(p, 0, text), "# C");
    assert_int_equal(page_section_next(p), -1);
    page_next(p);
    assert_int_equal(page_section_prev(p), 0); /* first back to this section's start */
    assert_string_equal(row_text(p, 0, text), "# C");
    assert_int_equal(page_section_prev(p), 0);
    assert_string_equal(row_text(p, 0, text), "# B");
    page_goto_section(p, 0);
    assert_int_equal(page_number(p), 1);
    assert_int_equal(page_section_prev(p), -1);
    page_free(p);
    doc_free(doc);
}

static char *read_interview(size_t *len)
{
    FILE *f = fopen("texts/handen-in-elkaar.md", "rb");
    char *buf = malloc(65536);

    assert_non_null(f);
    assert_non_null(buf);
    *len = fread(buf, 1, 65535, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* The text at the top of the screen is on screen after any resize, however many. */
static void test_resize_keeps_place(void **state)
{
    size_t len;
    char *text = read_interview(&len);
    struct doc *doc = doc_of(text, DOC_FORMAT_MARKDOWN);
    struct page *p = page_new(doc, 80, 23, 0);
    unsigned seed = 12345;

    (void)state;
    for (int step = 0; step < 400; step++) {
        size_t offset;
        int w, h, seen = 0;

        seed = seed * 1103515245u + 12345u;
        switch (seed >> 16 & 3) {
        case 0:
            page_next(p);
            break;
        case 1:
            page_line_down(p);
            break;
        case 2:
            page_prev(p);
            break;
        default:
            break;
        }
        offset = page_offset(p);
        w = 10 + (int)(seed >> 8 & 127);
        h = 1 + (int)(seed >> 20 & 31);
        assert_int_equal(page_resize(p, w, h), 0);
        for (int r = 0; r < h; r++) {
            const struct layout_line *line = page_row(p, r);
            if (line != NULL && line->start <= offset &&
                (offset < line->end || line->start == offset))
                seen = 1;
        }
        if (!seen)
            print_message("offset %zu lost at %dx%d, step %d\n", offset, w, h, step);
        assert_true(seen);
    }
    page_free(p);
    doc_free(doc);
    free(text);
}

static void test_interview_pages(void **state)
{
    size_t len;
    char *text = read_interview(&len);
    struct doc *doc = doc_of(text, DOC_FORMAT_MARKDOWN);
    struct page *p = page_new(doc, 80, 23, 0);

    (void)state;
    assert_int_equal(doc_section_count(doc), 8);
    assert_int_equal(page_total(p), 8); /* every section fits one page at 80×24 */
    assert_true(page_percent(p) > 0 && page_percent(p) < 100);
    page_free(p);
    p = page_new(doc, 40, 14, 0);
    assert_true(page_total(p) > 8);
    for (size_t s = 1; s < doc_section_count(doc); s++)
        assert_true(page_of_section(p, s) > page_of_section(p, s - 1));
    page_free(p);
    doc_free(doc);
    free(text);
}

/* The section keys go from heading to heading: the parts of a long section are passed over,
 * and back goes to where the section starts, not to the start of a part. */
static void test_section_keys_pass_parts(void **state)
{
    size_t cap = 400000, len = 0, n;
    char *text = malloc(cap);
    struct doc *doc;
    struct page *p;

    (void)state;
    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "# Eerste\n\n");
    while (len < 200000)
        len += (size_t)snprintf(text + len, cap - len, "een regel van het logboek\n");
    snprintf(text + len, cap - len, "\n# Tweede\n\nslot\n");
    doc = doc_of(text, DOC_FORMAT_TEXT);
    n = doc_section_count(doc);
    assert_true(n > 3); /* "Eerste" in parts, then "Tweede" */
    p = page_new(doc, 40, 10, 0);
    assert_int_equal(page_section_next(p), 0);
    assert_int_equal(page_section(p), n - 1);
    assert_string_equal(row_text(p, 0, text), "# Tweede");
    page_goto_section(p, 2); /* within the second part of "Eerste" */
    page_next(p);
    assert_int_equal(page_section_prev(p), 0);
    assert_int_equal(page_section(p), 0);
    assert_string_equal(row_text(p, 0, text), "# Eerste");
    /* Moving line by line crosses from one part into the next. */
    page_goto_section(p, 1);
    while (page_section(p) == 1)
        assert_int_equal(page_line_down(p), 0);
    assert_int_equal(page_section(p), 2);
    page_free(p);
    doc_free(doc);
    free(text);
}

/* Page N of a long text is reached by counting the pages as far as N: 5G on 100 MB laid out
 * every section first (5 s). */
static void test_goto_counts_only_as_far(void **state)
{
    char *text;
    struct doc *doc = test_many_sections(60000, &text);
    struct page *p = page_new(doc, 40, 10, 0);

    (void)state;
    assert_non_null(p);
    page_goto(p, 5);
    assert_int_equal(page_number(p), 5);
    assert_int_equal(page_section(p), 4); /* a short section is a page */
    assert_false(page_total_known(p));
    page_goto(p, 1000000);
    assert_int_equal(page_number(p), 60000);
    assert_true(page_total_known(p));
    page_free(p);
    doc_free(doc);
    free(text);
}

/* Counting the pages of a long text makes no section titles (a parse of each heading and a
 * string for each of 60,000 sections): the idle work measured the sections out through
 * doc_section, which makes them, where doc_section_size does not. */
static void test_counting_makes_no_titles(void **state)
{
    char *text;
    struct doc *doc = test_many_sections(60000, &text);
    struct page *p = page_new(doc, 40, 10, 0);
    size_t before;

    (void)state;
    assert_non_null(p);
    page_row(p, 0);
    before = test_heap_in_use();
    while (!page_index_step(p, 4096))
        ;
    /* What stays: the first page of each section, the chunks of the layout table and the cache
     * of parsed sections, 2.5 MB; titles added 1.9 MB more. */
    assert_true(test_heap_in_use() < before + 3500000);
    page_free(p);
    doc_free(doc);
    free(text);
}

/* The idle count numbers the page on screen before it looks through the rest of a long text for
 * sections: page 1 of 200 MB from a pipe stayed "?" for seconds. */
static void test_count_numbers_page_first(void **state)
{
    static const char section[] = "## Deel\n\nterm\n\n";
    size_t n = 60000, len = (sizeof section - 1) * n;
    char *text = malloc(len + 1);
    struct doc *doc;
    struct page *p;

    (void)state;
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        memcpy(text + i * (sizeof section - 1), section, sizeof section - 1);
    text[len] = '\0';
    doc = scanned_doc_of(text, DOC_FORMAT_MARKDOWN); /* not looked through yet */
    p = page_new(doc, 40, 10, 0);
    assert_non_null(p);
    page_row(p, 0);
    assert_false(page_number_known(p));
    page_index_step(p, 4096);
    assert_true(page_number_known(p));
    assert_int_equal(page_number(p), 1);
    assert_false(doc_index_done(doc));
    page_goto_top(p, doc_section(doc, 3000)->start);
    while (!page_number_known(p))
        page_index_step(p, 4096);
    assert_int_equal(page_number(p), 3001);
    assert_false(doc_index_done(doc));
    while (!page_index_step(p, 4096))
        ;
    assert_true(doc_index_done(doc));
    assert_int_equal(page_total(p), 60000);
    page_free(p);
    doc_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_and_section_starts),
        cmocka_unit_test(test_goto_top),
        cmocka_unit_test(test_take_counts_not_from_whole),
        cmocka_unit_test(test_page_of_offset),
        cmocka_unit_test(test_goto_clamps),
        cmocka_unit_test(test_lines_scroll_through_section_ends),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_section_keys_pass_parts),
        cmocka_unit_test(test_resize_keeps_place),
        cmocka_unit_test(test_interview_pages),
        cmocka_unit_test(test_goto_counts_only_as_far),
        cmocka_unit_test(test_counting_makes_no_titles),
        cmocka_unit_test(test_count_numbers_page_first),
    };
    return cmocka_run_group_tests_name("page", tests, NULL, NULL);
}
