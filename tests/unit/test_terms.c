/*
 * test_terms.c: reading terms files: variants, compounds, glosses, comments, and every kind of
 * bad line reported with its file and line while reading goes on.
 */
#include <stdio.h>
#include <stdlib.h>

#include <stdint.h>

#include "lees/terms.h"
#include "unit.h"

static struct terms *parse(const char *text, int expect_bad)
{
    struct terms *t = terms_new();

    assert_non_null(t);
    assert_int_equal(terms_parse(t, "x.terms", text, strlen(text)), expect_bad);
    return t;
}

static void test_variants_gloss_compound(void **state)
{
    struct terms *t = parse("# a comment\n"
                            "\n"
                            "inclusief beleid | inclusieve  beleid = beleid voor iedereen  # why\n"
                            "tewerkstelling* = werk\n"
                            "  Groep Mechelen\n",
                            0);
    const struct key_term *a, *b, *c;

    (void)state;
    assert_int_equal(terms_count(t), 3);
    a = terms_get(t, 0);
    assert_string_equal(a->label, "inclusief beleid");
    assert_int_equal(a->nvariants, 2);
    assert_string_equal(a->variants[1].text, "inclusieve beleid");
    assert_false(a->variants[0].compound);
    assert_string_equal(a->gloss, "beleid voor iedereen");
    assert_string_equal(a->origin, "x.terms:3");
    b = terms_get(t, 1);
    assert_string_equal(b->variants[0].text, "tewerkstelling");
    assert_true(b->variants[0].compound);
    c = terms_get(t, 2);
    assert_null(c->gloss);
    assert_string_equal(c->label, "Groep Mechelen");
    terms_free(t);
}

static void test_errors_name_file_and_line(void **state)
{
    struct terms *t = parse("good\n"
                            "a || b\n"
                            "= gloss without a term\n"
                            "tewerk*stelling\n"
                            "*\n"
                            "bad \xE9 byte\n"
                            "also good | still good*\n",
                            5);

    (void)state;
    assert_int_equal(terms_count(t), 2);
    assert_int_equal(terms_error_count(t), 5);
    assert_string_equal(terms_error(t, 0), "x.terms:2: an empty variant between bars");
    assert_string_equal(terms_error(t, 1), "x.terms:3: no term before the gloss");
    assert_string_equal(terms_error(t, 2), "x.terms:4: \"*\" may only end a variant");
    assert_string_equal(terms_error(t, 3), "x.terms:5: a \"*\" with no word before it");
    assert_string_equal(terms_error(t, 4), "x.terms:6: not valid UTF-8");
    assert_string_equal(terms_get(t, 1)->variants[1].text, "still good");
    assert_true(terms_get(t, 1)->variants[1].compound);
    terms_free(t);
}

static void test_hash_inside_a_word_is_not_a_comment(void **state)
{
    struct terms *t = parse("C# taal = een programmeertaal # comment\n", 0);

    (void)state;
    assert_string_equal(terms_get(t, 0)->label, "C# taal");
    assert_string_equal(terms_get(t, 0)->gloss, "een programmeertaal");
    terms_free(t);
}

static void test_add_from_command_line(void **state)
{
    struct terms *t = terms_new();

    (void)state;
    assert_int_equal(terms_add(t, "sociale economie* = werk"), 0);
    assert_int_equal(terms_add(t, "|"), 1);
    assert_int_equal(terms_count(t), 1);
    assert_string_equal(terms_get(t, 0)->origin, "-t");
    assert_string_equal(terms_error(t, 0), "-t: an empty variant between bars");
    terms_free(t);
}

static void test_interview_terms_file(void **state)
{
    FILE *f = fopen("texts/handen-in-elkaar.terms", "rb");
    char buf[8192];
    size_t n;
    struct terms *t = terms_new();
    static const char *const wanted[] = {
        "inclusief beleid",
        "kansengroepen",
        "sociale economie",
        "tewerkstelling",
        "afstand tot de arbeidsmarkt",
        "lokale diensteneconomie",
        "diversiteit",
        "aanklappende aanpak",
        "Groep Mechelen",
    };

    (void)state;
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_int_equal(terms_parse(t, "handen-in-elkaar.terms", buf, n), 0);
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        size_t j;
        for (j = 0; j < terms_count(t); j++)
            if (strcmp(terms_get(t, j)->label, wanted[i]) == 0)
                break;
        assert_true(j < terms_count(t));
        assert_non_null(terms_get(t, j)->gloss);
    }
    terms_free(t);
}

/* The hits of TERMS_TEXT in TEXT (Markdown), as "start-end:term" joined by spaces. */
static char *hits_of(const char *terms_text, const char *text)
{
    struct terms *t = parse(terms_text, 0);
    struct doc *doc = doc_of(text, DOC_FORMAT_MARKDOWN);
    struct terms_index *ix = terms_index_new(t, doc);
    static char out[1024];
    size_t used = 0;

    assert_non_null(ix);
    out[0] = '\0';
    for (size_t s = 0; s < doc_section_count(doc); s++) {
        size_t n;
        const struct term_hit *h = terms_index_section(ix, s, &n);
        for (size_t i = 0; i < n; i++)
            used += (size_t)snprintf(out + used, sizeof out - used, "%s%.*s:%u", used ? " " : "",
                                     (int)(h[i].end - h[i].start), text + h[i].start, h[i].term);
    }
    terms_index_free(ix);
    doc_free(doc);
    terms_free(t);
    return out;
}

static void test_match_whole_words(void **state)
{
    (void)state;
    /* "beleid" stands alone once; inside "beleidsdoelstelling" it is not a hit. */
    assert_string_equal(hits_of("beleid\n", "Het beleid en de beleidsdoelstelling.\n"), "beleid:0");
    assert_string_equal(hits_of("beleid*\n", "Het beleid en de beleidsdoelstelling.\n"),
                        "beleid:0 beleidsdoelstelling:0");
    /* Nor at the end of a longer word. */
    assert_string_equal(hits_of("stelling\n", "De tewerkstelling.\n"), "");
}

static void test_match_variants_and_case(void **state)
{
    (void)state;
    assert_string_equal(hits_of("inclusief beleid | inclusieve beleid\n",
                                "Een Inclusief beleid, het INCLUSIEVE BELEID.\n"),
                        "Inclusief beleid:0 INCLUSIEVE BELEID:0");
}

static void test_match_across_lines_and_markup(void **state)
{
    (void)state;
    assert_string_equal(
        hits_of("afstand tot de arbeidsmarkt\n", "een afstand tot\nde *arbeidsmarkt* hier\n"),
        "afstand tot\nde *arbeidsmarkt:0");
}

static void test_match_longer_wins(void **state)
{
    (void)state;
    assert_string_equal(
        hits_of("economie\nsociale economie\n", "de sociale economie en de economie\n"),
        "sociale economie:1 economie:0");
    /* Overlapping, neither inside the other: the longer wins even though it starts later. */
    assert_string_equal(
        hits_of("sociale economie\neconomie organisaties\n", "de sociale economie organisaties\n"),
        "economie organisaties:1");
}

static void test_match_accents_nfd(void **state)
{
    (void)state;
    /* The term written with a precomposed ë, the text with e + combining diaeresis. */
    assert_string_equal(hits_of("cre\xC3\xABren\n", "kansen cree\xCC\x88ren voor\n"),
                        "cree\xCC\x88ren:0");
    assert_string_equal(hits_of("creeren\n", "kansen cre\xC3\xABren voor\n"), "cre\xC3\xABren:0");
}

static void test_counts_per_section(void **state)
{
    static const char text[] = "# A\n\nterm and term\n\n## B\n\nno\n\n## C\n\nTerm\n";
    struct terms *t = parse("term\n", 0);
    struct doc *doc = doc_of(text, DOC_FORMAT_MARKDOWN);
    struct terms_index *ix = terms_index_new(t, doc);

    (void)state;
    assert_int_equal(terms_index_count(ix, 0, 0), 2);
    assert_int_equal(terms_index_count(ix, 0, 1), 0);
    assert_int_equal(terms_index_count(ix, 0, 2), 1);
    assert_int_equal(terms_index_count(ix, 0, SIZE_MAX), 3);
    terms_index_free(ix);
    doc_free(doc);
    terms_free(t);
}

/* The hits of the last of 60,000 sections are counted without a table for every section before
 * it: G on such a text zeroed one of a megabyte and more before the table came in chunks. */
static void test_last_section_alone(void **state)
{
    char *text;
    struct doc *doc = test_many_sections(60000, &text);
    struct terms *t = parse("term\nDeel\nander\n", 0);
    struct terms_index *ix = terms_index_new(t, doc);
    size_t before, n;

    (void)state;
    before = test_heap_in_use();
    assert_non_null(terms_index_section(ix, 59999, &n));
    assert_int_equal(n, 2);
    assert_int_equal(terms_index_count(ix, 0, 59999), 1);
    assert_true(test_heap_in_use() < before + 200000);
    terms_index_free(ix);
    doc_free(doc);
    terms_free(t);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variants_gloss_compound),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_hash_inside_a_word_is_not_a_comment),
        cmocka_unit_test(test_add_from_command_line),
        cmocka_unit_test(test_interview_terms_file),
        cmocka_unit_test(test_match_whole_words),
        cmocka_unit_test(test_match_variants_and_case),
        cmocka_unit_test(test_match_across_lines_and_markup),
        cmocka_unit_test(test_match_longer_wins),
        cmocka_unit_test(test_match_accents_nfd),
        cmocka_unit_test(test_counts_per_section),
        cmocka_unit_test(test_last_section_alone),
    };
    return cmocka_run_group_tests_name("terms", tests, NULL, NULL);
}
