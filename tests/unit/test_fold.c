/*
 * test_fold.c: folding for matching.  The example file tests/unit/cases/fold.txt holds the
 * foldings themselves (one test each); the tests here check what text cannot show: the map back
 * to source offsets, invalid bytes, appending piece by piece, and that the ASCII shortcut and the
 * unit cache give what libunistring gives.
 */
#include <stdio.h>
#include <stdlib.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "cases.h"
#include "lees/fold.h"
#include "unit.h"

#define BOTH (FOLD_CASE | FOLD_MARKS)

static struct fold_buf *folded(const char *s, size_t n, unsigned flags)
{
    struct fold_buf *buf = fold_new();

    assert_non_null(buf);
    assert_int_equal(fold_append(buf, s, n, 0, flags), 0);
    return buf;
}

/* Assert that folding S gives EXPECT. */
static void expect_fold(const char *s, unsigned flags, const char *expect)
{
    struct fold_buf *buf = folded(s, strlen(s), flags);
    size_t n;
    const char *f = fold_bytes(buf, &n);

    if (n != strlen(expect) || memcmp(f, expect, n) != 0)
        print_message("fold of \"%s\": \"%.*s\", expected \"%s\"\n", s, (int)n, f, expect);
    assert_int_equal(n, strlen(expect));
    assert_memory_equal(f, expect, n);
    fold_free(buf);
}

/* Assert the source range of folded bytes [FS, FE). */
static void expect_source(const struct fold_buf *buf, size_t fs, size_t fe, size_t start,
                          size_t end)
{
    size_t s, e;

    fold_source(buf, fs, fe, &s, &e);
    assert_int_equal(s, start);
    assert_int_equal(e, end);
}

static void run_case(void **state)
{
    const struct test_case *c = *state;
    unsigned flags = BOTH;
    size_t n = c->input_len, elen = strlen(c->expected);
    char *expect = c->expected;

    if (strstr(c->name, "(case kept)") != NULL)
        flags &= ~FOLD_CASE;
    if (strstr(c->name, "(marks kept)") != NULL)
        flags &= ~FOLD_MARKS;
    if (n > 0 && c->input[n - 1] == '\n')
        n--;
    if (elen > 0 && expect[elen - 1] == '\n')
        elen--;
    {
        struct fold_buf *buf = folded(c->input, n, flags);
        size_t flen;
        const char *f = fold_bytes(buf, &flen);
        if (flen != elen || memcmp(f, expect, elen) != 0)
            print_message("input:\n%.*s\nexpected:\n%.*s\ngot:\n%.*s\n", (int)n, c->input,
                          (int)elen, expect, (int)flen, f);
        assert_int_equal(flen, elen);
        assert_memory_equal(f, expect, elen);
        fold_free(buf);
    }
}

/* The definition, straight from libunistring, for one unit: what the shortcuts must give. */
static size_t reference_unit(const char *u, size_t n, unsigned flags, char *out, size_t cap)
{
    uint8_t tmp[256];
    size_t tlen = sizeof tmp, w = 0;
    uint8_t *r = (flags & FOLD_CASE)
                     ? u8_casefold((const uint8_t *)u, n, NULL, UNINORM_NFKD, tmp, &tlen)
                     : u8_normalize(UNINORM_NFKD, (const uint8_t *)u, n, tmp, &tlen);

    assert_non_null(r);
    for (size_t i = 0; i < tlen;) {
        ucs4_t uc;
        int k = u8_mbtouc(&uc, r + i, tlen - i);
        if ((flags & FOLD_MARKS) && (uc_is_general_category(uc, UC_CATEGORY_M) ||
                                     uc_is_property_default_ignorable_code_point(uc))) {
            /* dropped */
        } else if (uc_is_property_white_space(uc)) {
            if (w == 0 || out[w - 1] != ' ')
                out[w++] = ' ';
        } else {
            assert_true(w + (size_t)k <= cap);
            memcpy(out + w, r + i, (size_t)k);
            w += (size_t)k;
        }
        i += (size_t)k;
    }
    if (r != tmp)
        free(r);
    return w;
}

/* Every ASCII byte, alone and inside a run of ASCII, folds as libunistring folds it. */
static void test_ascii_shortcut_is_libunistring(void **state)
{
    static const unsigned flagsets[] = {0, FOLD_CASE, FOLD_MARKS, BOTH};

    (void)state;
    for (size_t f = 0; f < 4; f++) {
        for (int c = 0; c < 128; c++) {
            char in[3] = {'x', (char)c, 'y'}, want[16];
            size_t wn = reference_unit(in + 1, 1, flagsets[f], want, sizeof want), n;
            struct fold_buf *alone = folded(in + 1, 1, flagsets[f]);
            struct fold_buf *inside = folded(in, 3, flagsets[f]);
            const char *got = fold_bytes(alone, &n);

            assert_int_equal(n, wn);
            assert_memory_equal(got, want, wn);
            got = fold_bytes(inside, &n);
            assert_int_equal(n, wn + 2);
            assert_memory_equal(got + 1, want, wn);
            fold_free(alone);
            fold_free(inside);
        }
    }
}

/* Non-ASCII units, folded twice (the second time from the cache), under each set of flags. */
static void test_units_and_cache_are_libunistring(void **state)
{
    static const char *const units[] = {
        "\xC3\xA9",     "E\xCC\x81",    "\xC3\x89",     "\xC3\x9F",          "\xE1\xBA\x9E",
        "\xC4\xB3",     "\xC4\xB2",     "\xEF\xAC\x81", "\xC4\xB1",          "\xC4\xB0",
        "\xE2\x84\xA2", "\xC2\xA0",     "\xCD\xBA",     "\xC2\xA8",          "\xE6\x97\xA5",
        "\xEF\xB7\xBA", "\xCE\xA3",     "\xC7\x85",     "a\xCD\x85",         "\xE2\x80\x8D",
        "\xE2\x91\xB4", "\xE2\x80\xA6", "\xEF\xBC\xA1", "o\xCC\x88\xCC\x81", "\xF0\x9F\x98\x80",
        "\xE2\x80\xA8", "\xE3\x80\x80", "\xC2\xAD",     "\xE2\x84\xAA",      "\xC5\xBF",
    };
    static const unsigned flagsets[] = {0, FOLD_CASE, FOLD_MARKS, BOTH};
    struct fold_buf *buf = fold_new();

    (void)state;
    assert_non_null(buf);
    for (int round = 0; round < 2; round++) {
        for (size_t f = 0; f < 4; f++) {
            for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
                char want[128];
                size_t n,
                    wn = reference_unit(units[i], strlen(units[i]), flagsets[f], want, sizeof want);
                const char *got;
                assert_int_equal(fold_unit_len(units[i], strlen(units[i])), strlen(units[i]));
                fold_clear(buf);
                assert_int_equal(fold_append(buf, units[i], strlen(units[i]), 0, flagsets[f]), 0);
                got = fold_bytes(buf, &n);
                if (n != wn || memcmp(got, want, n) != 0)
                    print_message("unit %zu flags %u: got \"%.*s\" want \"%.*s\"\n", i, flagsets[f],
                                  (int)n, got, (int)wn, want);
                assert_int_equal(n, wn);
                assert_memory_equal(got, want, wn);
            }
        }
    }
    /* Many code points, each under every set of flags in turn: the cache keeps them apart
     * when two land in the same slot. */
    for (ucs4_t uc = 0xA0; uc < 0x370; uc++) {
        char in[4];
        int k = u8_uctomb((uint8_t *)in, uc, sizeof in);
        for (size_t f = 0; f < 4 && k > 0; f++) {
            char want[128];
            size_t n, wn = reference_unit(in, (size_t)k, flagsets[f], want, sizeof want);
            const char *got;
            fold_clear(buf);
            assert_int_equal(fold_append(buf, in, (size_t)k, 0, flagsets[f]), 0);
            got = fold_bytes(buf, &n);
            assert_int_equal(n, wn);
            assert_memory_equal(got, want, wn);
        }
    }
    fold_free(buf);
}

static void test_accents_and_case(void **state)
{
    (void)state;
    expect_fold("caf\xC3\xA9", BOTH, "cafe");
    expect_fold("cafe\xCC\x81", BOTH, "cafe");
    expect_fold("CAF\xC3\x89", BOTH, "cafe");
    expect_fold("CAF\xC3\x89", FOLD_MARKS, "CAFE");
    expect_fold("caf\xC3\xA9", FOLD_CASE, "cafe\xCC\x81");
    expect_fold("Stra\xC3\x9F"
                "e",
                BOTH, "strasse");
    expect_fold("\xC4\xB2sselmeer", BOTH, "ijsselmeer");
    expect_fold("\xEF\xAC\x81nanci\xC3\xABn", BOTH, "financien");
    expect_fold("k\xC4\xB1rm\xC4\xB1z\xC4\xB1", BOTH, "k\xC4\xB1rm\xC4\xB1z\xC4\xB1");
    expect_fold("\xE2\x84\xA2", BOTH, "tm");
}

/* A pattern typed with a combining accent folds as the precomposed letter does. */
static void test_pattern_with_combining_accent(void **state)
{
    size_t n1, n2;
    char *a = fold_pattern("cafe\xCC\x81", 6, BOTH, &n1);
    char *b = fold_pattern("caf\xC3\xA9", 5, BOTH, &n2);

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(n1, n2);
    assert_string_equal(a, b);
    assert_string_equal(a, "cafe");
    free(a);
    free(b);
    a = fold_pattern("\xCC\x81", 2, BOTH, &n1);
    assert_non_null(a);
    assert_int_equal(n1, 0);
    free(a);
}

/* Each folded byte maps to the whole unit it came from, marks included. */
static void test_map_covers_whole_units(void **state)
{
    static const char s[] = "x e\xCC\x81y \xEF\xAC\x81 \xC3\x9F!";
    struct fold_buf *buf = folded(s, sizeof s - 1, BOTH);
    size_t n;
    const char *f = fold_bytes(buf, &n);

    (void)state;
    assert_int_equal(n, 11);
    assert_memory_equal(f, "x ey fi ss!", 11);
    expect_source(buf, 0, 1, 0, 1);    /* x */
    expect_source(buf, 2, 3, 2, 5);    /* e with its accent */
    expect_source(buf, 2, 4, 2, 6);    /* "ey" */
    expect_source(buf, 5, 6, 7, 10);   /* f of the ligature */
    expect_source(buf, 6, 7, 7, 10);   /* i of the ligature */
    expect_source(buf, 8, 10, 11, 13); /* both s of ß */
    expect_source(buf, 10, 11, 13, 14);
    fold_free(buf);
}

static void test_white_space_run_maps_to_its_source(void **state)
{
    static const char s[] = "a \t\n\xC2\xA0\xE2\x80\x83 b";
    struct fold_buf *buf = folded(s, sizeof s - 1, BOTH);
    size_t n;
    const char *f = fold_bytes(buf, &n);

    (void)state;
    assert_int_equal(n, 3);
    assert_memory_equal(f, "a b", 3);
    expect_source(buf, 1, 2, 1, sizeof s - 2);
    fold_free(buf);
}

/* Invalid bytes stay themselves, each on its own, and never join the byte after them. */
static void test_invalid_bytes(void **state)
{
    static const char s[] = "a\xE9"
                            "b\xC3("
                            "\xE2\x82"
                            "c\xC3\xA9";
    struct fold_buf *buf = folded(s, sizeof s - 1, BOTH);
    size_t n;
    const char *f = fold_bytes(buf, &n);
    static const char want[] = "a\xFF\xE9"
                               "b\xFF\xC3("
                               "\xFF\xE2\xFF\x82"
                               "ce";

    (void)state;
    assert_int_equal(n, sizeof want - 1);
    assert_memory_equal(f, want, n);
    expect_source(buf, 1, 3, 1, 2);
    expect_source(buf, 4, 6, 3, 4);
    expect_source(buf, 6, 7, 4, 5);
    expect_source(buf, 7, 9, 5, 6);
    expect_source(buf, 9, 11, 6, 7);
    expect_source(buf, 12, 13, 8, 10);
    assert_int_equal(fold_unit_len("\xE9z", 2), 1);
    assert_int_equal(fold_unit_len("\xC3", 1), 1);
    assert_int_equal(fold_unit_len("\xED\xA0\x80", 3), 1); /* a surrogate is not UTF-8 */
    fold_free(buf);
}

/* Appending run by run gives what folding the whole gives; breaks merge with white space. */
static void test_append_piece_by_piece(void **state)
{
    struct fold_buf *buf = fold_new();
    size_t n;
    const char *f;

    (void)state;
    assert_non_null(buf);
    /* "foo " [0,4), a soft break standing for [4,5), "  bar" [5,10) */
    assert_int_equal(fold_append(buf, "Foo ", 4, 0, BOTH), 0);
    assert_int_equal(fold_space(buf, 4, 5), 0);
    assert_int_equal(fold_append(buf, "  Bar", 5, 5, BOTH), 0);
    f = fold_bytes(buf, &n);
    assert_int_equal(n, 7);
    assert_string_equal(f, "foo bar");
    expect_source(buf, 3, 4, 3, 7);
    expect_source(buf, 4, 7, 7, 10);
    /* an entity stands for its whole source */
    assert_int_equal(fold_append_as(buf, "\xC3\xA9", 2, 10, 18, BOTH), 0);
    f = fold_bytes(buf, &n);
    assert_int_equal(n, 8);
    assert_string_equal(f, "foo bare");
    expect_source(buf, 7, 8, 10, 18);
    /* dropping the front keeps the maps of what is left */
    fold_drop(buf, 4);
    f = fold_bytes(buf, &n);
    assert_int_equal(n, 4);
    assert_string_equal(f, "bare");
    expect_source(buf, 0, 4, 7, 18);
    fold_clear(buf);
    f = fold_bytes(buf, &n);
    assert_int_equal(n, 0);
    assert_string_equal(f, "");
    fold_free(buf);
}

static unsigned long rng_state = 12345;

static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

/* Random texts cut at random unit boundaries fold as they do whole, bytes and maps. */
static void test_pieces_equal_whole_random(void **state)
{
    static const char *const pieces[] = {
        "a",
        "B",
        " ",
        "\n",
        "\t",
        "\xC3\xA9",
        "e\xCC\x81",
        "\xCC\x81",
        "\xC3\x9F",
        "\xC4\xB3",
        "\xE9",
        "\xC3",
        "\xEF\xAC\x81",
        "  ",
        "\xC2\xA0",
        "\xC2\xA8",
        "\xE2\x80\x8D",
        "\xE6\x97\xA5",
        "\xCD\x85",
        "Z",
        "!",
    };
    char text[512];

    (void)state;
    for (int iter = 0; iter < 500; iter++) {
        size_t len = 0, n1, n2;
        struct fold_buf *whole, *parts = fold_new();
        const char *f1, *f2;
        unsigned flags = (unsigned)rnd(4);

        while (len < 400) {
            const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
            memcpy(text + len, p, strlen(p));
            len += strlen(p);
        }
        whole = folded(text, len, flags);
        assert_non_null(parts);
        for (size_t pos = 0; pos < len;) {
            /* whole units, one to a few at a time */
            size_t q = pos, k = 1 + rnd(5);
            while (k-- > 0 && q < len)
                q += fold_unit_len(text + q, len - q);
            assert_int_equal(fold_append(parts, text + pos, q - pos, pos, flags), 0);
            pos = q;
        }
        f1 = fold_bytes(whole, &n1);
        f2 = fold_bytes(parts, &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(f1, f2, n1);
        for (size_t i = 0; i < n1; i++) {
            size_t s1, e1, s2, e2;
            fold_source(whole, i, i + 1, &s1, &e1);
            fold_source(parts, i, i + 1, &s2, &e2);
            assert_int_equal(s1, s2);
            assert_int_equal(e1, e2);
            assert_true(s1 < e1 || (s1 == e1 && f1[i] == ' '));
            if (i > 0) {
                size_t ps, pe;
                fold_source(whole, i - 1, i, &ps, &pe);
                assert_true(ps <= s1 && pe <= e1); /* maps only grow */
            }
        }
        fold_free(whole);
        fold_free(parts);
    }
}

int main(void)
{
    size_t n;
    struct test_case *cases = cases_load(CASES_DIR "/fold.txt", &n);
    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    const struct CMUnitTest direct[] = {
        cmocka_unit_test(test_ascii_shortcut_is_libunistring),
        cmocka_unit_test(test_units_and_cache_are_libunistring),
        cmocka_unit_test(test_accents_and_case),
        cmocka_unit_test(test_pattern_with_combining_accent),
        cmocka_unit_test(test_map_covers_whole_units),
        cmocka_unit_test(test_white_space_run_maps_to_its_source),
        cmocka_unit_test(test_invalid_bytes),
        cmocka_unit_test(test_append_piece_by_piece),
        cmocka_unit_test(test_pieces_equal_whole_random),
    };
    int failed;

    for (size_t i = 0; i < n; i++) {
        tests[i].name = cases[i].name;
        tests[i].test_func = run_case;
        tests[i].initial_state = &cases[i];
    }
    failed = _cmocka_run_group_tests("fold cases", tests, n, NULL, NULL);
    failed += cmocka_run_group_tests_name("fold", direct, NULL, NULL);
    free(tests);
    cases_free(cases, n);
    return failed ? 1 : 0;
}
