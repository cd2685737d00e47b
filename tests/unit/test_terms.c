/*
 * test_terms.c: reading terms files: variants, compounds, glosses, comments, and every kind of
 * bad line reported with its file and line while reading goes on.
 */
#include <stdio.h>
#include <stdlib.h>

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
    const struct term *a, *b, *c;

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
        "inclusief beleid", "kansengroepen", "sociale economie", "tewerkstelling",
        "afstand tot de arbeidsmarkt", "lokale diensteneconomie", "diversiteit",
        "aanklappende aanpak", "Groep Mechelen",
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variants_gloss_compound),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_hash_inside_a_word_is_not_a_comment),
        cmocka_unit_test(test_add_from_command_line),
        cmocka_unit_test(test_interview_terms_file),
    };
    return cmocka_run_group_tests_name("terms", tests, NULL, NULL);
}
