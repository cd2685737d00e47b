/*
 * test_search.c: finding patterns in the shown text: accents in NFC and NFD, case and smart
 * case, ß, ĳ, the Turkish dotless i, white space across lines, emphasis markers and entities in
 * between, invalid UTF-8, the edges of next/prev/count/range, regular expressions, suggestions,
 * and on random texts that the fast path, the slow path and a plain reference (fold each block
 * whole, compare at every byte) find the same matches.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lees/fold.h"
#include "lees/search.h"
#include "unit.h"

#define MAXM 4096

/* The random text being searched, shown when a check fails. */
static const char *random_text;
static size_t random_len;

static void show_random_text(void)
{
    if (random_text == NULL)
        return;
    print_message("text (%zu bytes, C escapes):\n\"", random_len);
    for (size_t i = 0; i < random_len; i++) {
        unsigned char c = (unsigned char)random_text[i];
        if (c == '\n')
            print_message("\\n");
        else if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
            print_message("%c", c);
        else
            print_message("\\x%02X\"\"", c);
    }
    print_message("\"\n");
}

static const char interview[] = "texts/handen-in-elkaar.md";

static struct doc *doc_mem(const char *s, size_t n, enum doc_format format)
{
    struct doc *doc = NULL;
    struct lees_error err;

    assert_int_equal(doc_open_memory(s, n, "test", format, &doc, &err), 0);
    return doc;
}

static struct doc *open_interview(void)
{
    struct doc *doc = NULL;
    struct lees_error err;

    if (doc_open_file(interview, DOC_FORMAT_AUTO, &doc, &err) != 0)
        fail_msg("%s", err.msg);
    return doc;
}

static struct search *new_search(const struct doc *doc, const char *p, unsigned flags)
{
    struct lees_error err = {0};
    struct search *s = search_new(doc, p, strlen(p), flags, &err);

    if (s == NULL)
        fail_msg("search_new(\"%s\"): %s", p, err.msg);
    return s;
}

/* Every match, by search_next from the top. */
static size_t all_next(struct search *s, struct search_match *v, size_t max)
{
    size_t n = 0, from = 0;
    struct search_match m;

    while (n < max && search_next(s, from, &m)) {
        assert_true(m.start >= from);
        if (m.end <= m.start) {
            show_random_text();
            fail_msg("empty match [%zu,%zu)", m.start, m.end);
        }
        if (n > 0)
            assert_true(m.start > v[n - 1].start);
        v[n++] = m;
        from = m.start + 1;
    }
    return n;
}

/* The source bytes of a match, NUL-terminated in a static buffer. */
static const char *text_of(const struct doc *doc, struct search_match m)
{
    static char out[1024];
    size_t len;
    const char *data = doc_bytes(doc, &len);
    size_t n = m.end - m.start < sizeof out - 1 ? m.end - m.start : sizeof out - 1;

    assert_true(m.end <= len);
    memcpy(out, data + m.start, n);
    out[n] = '\0';
    return out;
}

/* Assert that PATTERN finds exactly the matches EXPECT (source texts, NULL-terminated), with
 * the fast path and the slow path. */
static void expect_matches(const char *text, enum doc_format format, const char *pattern,
                           unsigned flags, const char *const *expect)
{
    struct doc *doc = doc_mem(text, strlen(text), format);

    for (int slow = 0; slow < 2; slow++) {
        struct search *s = new_search(doc, pattern, flags | (slow ? SEARCH_SLOW : 0));
        struct search_match v[64];
        size_t n = all_next(s, v, 64), i;

        for (i = 0; expect[i] != NULL; i++) {
            if (i >= n)
                fail_msg("\"%s\": match %zu (\"%s\") missing", pattern, i, expect[i]);
            if (strcmp(text_of(doc, v[i]), expect[i]) != 0)
                fail_msg("\"%s\": match %zu is \"%s\", expected \"%s\"", pattern, i,
                         text_of(doc, v[i]), expect[i]);
        }
        if (n != i)
            fail_msg("\"%s\": %zu matches, expected %zu (slow %d)", pattern, n, i, slow);
        search_free(s);
    }
    doc_free(doc);
}

#define EXPECT(text, format, pattern, flags, ...)                                                  \
    do {                                                                                           \
        static const char *const want_[] = {__VA_ARGS__, NULL};                                    \
        expect_matches(text, format, pattern, flags, want_);                                       \
    } while (0)

#define NONE(text, format, pattern, flags)                                                         \
    do {                                                                                           \
        static const char *const want_[] = {NULL};                                                 \
        expect_matches(text, format, pattern, flags, want_);                                       \
    } while (0)

#define MD DOC_FORMAT_MARKDOWN
#define TXT DOC_FORMAT_TEXT

static void test_nfc_and_nfd(void **state)
{
    static const char text[] = "caf\xC3\xA9, cafe\xCC\x81 en CAF\xC3\x89 en cafeine\n";

    (void)state;
    EXPECT(text, MD, "cafe", 0, "caf\xC3\xA9", "cafe\xCC\x81", "CAF\xC3\x89", "cafe");
    EXPECT(text, MD, "caf\xC3\xA9", 0, "caf\xC3\xA9", "cafe\xCC\x81", "CAF\xC3\x89", "cafe");
    /* typed with a combining accent */
    EXPECT(text, MD, "cafe\xCC\x81,", 0, "caf\xC3\xA9,");
    EXPECT(text, MD, "cafe\xCC\x81 en", 0, "cafe\xCC\x81 en", "CAF\xC3\x89 en");
    EXPECT(text, MD, "\xC3\xA9 en", 0, "e\xCC\x81 en", "\xC3\x89 en");
}

static void test_accents_in_the_interview(void **state)
{
    struct doc *doc = open_interview();
    struct search *s = new_search(doc, "creeren", 0);
    struct search_match v[8];
    size_t n = all_next(s, v, 8);

    (void)state;
    assert_int_equal(n, 2);
    assert_string_equal(text_of(doc, v[0]), "cre\xC3\xABren");
    assert_string_equal(text_of(doc, v[1]), "cre\xC3\xABren");
    search_free(s);
    doc_free(doc);
}

static void test_smart_case(void **state)
{
    static const char text[] = "Mechelen, mechelen en MECHELEN.\n";

    (void)state;
    EXPECT(text, MD, "mechelen", 0, "Mechelen", "mechelen", "MECHELEN");
    EXPECT(text, MD, "Mechelen", 0, "Mechelen");
    EXPECT(text, MD, "MECHELEN", 0, "MECHELEN");
    EXPECT(text, MD, "Mechelen", SEARCH_IGNORE_CASE, "Mechelen", "mechelen", "MECHELEN");
    {
        struct doc *doc = doc_of(text, MD);
        struct search *a = new_search(doc, "mechelen", 0);
        struct search *b = new_search(doc, "M\xC3\xA9", 0);
        struct search *c = new_search(doc, "\xC3\x89", 0); /* a capital with an accent */
        assert_true(search_ignores_case(a));
        assert_false(search_ignores_case(b));
        assert_false(search_ignores_case(c));
        search_free(a);
        search_free(b);
        search_free(c);
        doc_free(doc);
    }
}

static void test_sharp_s(void **state)
{
    static const char text[] = "Stra\xC3\x9F"
                               "e en strasse en STRASSE\n";

    (void)state;
    EXPECT(text, MD, "strasse", 0,
           "Stra\xC3\x9F"
           "e",
           "strasse", "STRASSE");
    EXPECT(text, MD,
           "stra\xC3\x9F"
           "e",
           0,
           "Stra\xC3\x9F"
           "e",
           "strasse", "STRASSE");
    /* half of ß is still all of it in the source */
    EXPECT(text, MD, "as", 0, "a\xC3\x9F", "as", "AS");
}

static void test_dutch_ij(void **state)
{
    static const char text[] = "\xC4\xB3verig en ijverig aan het \xC4\xB2sselmeer\n";

    (void)state;
    EXPECT(text, MD, "ijverig", 0, "\xC4\xB3verig", "ijverig");
    EXPECT(text, MD, "\xC4\xB3verig", 0, "\xC4\xB3verig", "ijverig");
    EXPECT(text, MD, "ijssel", 0, "\xC4\xB2ssel");
    EXPECT(text, MD, "jverig", 0, "\xC4\xB3verig", "jverig");
}

static void test_turkish_dotless_i(void **state)
{
    static const char text[] = "k\xC4\xB1rm\xC4\xB1z\xC4\xB1 in \xC4\xB0stanbul\n";

    (void)state;
    NONE(text, MD, "kirmizi", 0);
    EXPECT(text, MD, "k\xC4\xB1rm\xC4\xB1z\xC4\xB1", 0, "k\xC4\xB1rm\xC4\xB1z\xC4\xB1");
    EXPECT(text, MD, "istanbul", 0, "\xC4\xB0stanbul");
    NONE(text, MD, "\xC4\xB1stanbul", 0);
}

static void test_white_space_across_lines(void **state)
{
    (void)state;
    /* a soft line break in Markdown */
    EXPECT("Een inclusief\nbeleid voor elke Mechelaar.\n", MD, "inclusief beleid", 0,
           "inclusief\nbeleid");
    /* a hard line break in plain text, with indentation and CR */
    EXPECT("Een inclusief \r\n   beleid.\n", TXT, "inclusief beleid", 0, "inclusief \r\n   beleid");
    /* any run of white space, typed or in the text */
    EXPECT("een\tinclusief  \xC2\xA0 beleid\n", TXT, "een   inclusief beleid", 0,
           "een\tinclusief  \xC2\xA0 beleid");
    /* a final space stands for the whole run after the word */
    EXPECT("staat  voor\n", TXT, "staat ", 0, "staat  ");
    /* but a blank line ends the block: no match across it */
    NONE("Een inclusief\n\nbeleid.\n", MD, "inclusief beleid", 0);
    NONE("Een inclusief\n\nbeleid.\n", TXT, "inclusief beleid", 0);
}

static void test_first_and_last_byte(void **state)
{
    static const char text[] = "abc def ghi";
    struct doc *doc = doc_mem(text, sizeof text - 1, TXT);
    struct search *s = new_search(doc, "abc", 0), *t = new_search(doc, "ghi", 0);
    struct search_match m;

    (void)state;
    assert_true(search_next(s, 0, &m));
    assert_int_equal(m.start, 0);
    assert_int_equal(m.end, 3);
    assert_false(search_next(s, 1, &m));
    assert_true(search_prev(s, 1, &m));
    assert_int_equal(m.start, 0);
    assert_false(search_prev(s, 0, &m));
    assert_true(search_next(t, 0, &m));
    assert_int_equal(m.start, 8);
    assert_int_equal(m.end, 11);
    assert_true(search_prev(t, 1000, &m));
    assert_int_equal(m.start, 8);
    assert_false(search_next(t, 9, &m));
    search_free(s);
    search_free(t);
    doc_free(doc);
    EXPECT("abc def ghi\n", MD, "abc def ghi", 0, "abc def ghi");
}

static void test_bad_patterns(void **state)
{
    struct doc *doc = doc_of("abc\n", MD);
    struct lees_error err = {0};

    (void)state;
    assert_null(search_new(doc, "", 0, 0, &err));
    assert_int_equal(err.code, LEES_ERR_USAGE);
    assert_true(strlen(err.msg) > 0);
    err.code = LEES_OK;
    assert_null(search_new(doc, "", 0, SEARCH_REGEX, &err));
    assert_int_equal(err.code, LEES_ERR_USAGE);
    /* a lone accent folds to nothing */
    err.code = LEES_OK;
    assert_null(search_new(doc, "\xCC\x81", 2, 0, &err));
    assert_int_equal(err.code, LEES_ERR_USAGE);
    /* an invalid regular expression, with regerror's words */
    err.code = LEES_OK;
    err.msg[0] = '\0';
    assert_null(search_new(doc, "(ab", 3, SEARCH_REGEX, &err));
    assert_int_equal(err.code, LEES_ERR_USAGE);
    assert_non_null(strstr(err.msg, "regular expression"));
    assert_true(strlen(err.msg) > strlen("bad regular expression: "));
    err.code = LEES_OK;
    assert_null(search_new(doc, "[a", 2, SEARCH_REGEX, &err));
    assert_int_equal(err.code, LEES_ERR_USAGE);
    doc_free(doc);
}

/* Regexes that would take glibc's regcomp gigabytes, or regexec exponential time, are refused;
 * ordinary ones are not. */
static void test_regex_too_complex(void **state)
{
    static const char *const refused[] = {
        "a++++++++++++++++++++++++",
        "\\\\++++++++++++++++++++++++++++++++++++++++++",
        "(((((((((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+",
        "((((((a{1,9}){1,9}){1,9}){1,9}){1,9}){1,9})",
        "(a{1000}){1000}",
        "(a*)*\\1",
    };
    static const char *const accepted[] = {
        "a+", "(foo|bar){1,100}", "[0-9]{1,4}-[0-9]{2}", "a{2}*", "((a+)+)+", "x{,3}", "\\{2}",
    };
    struct doc *doc = doc_of("aaa foo bar\n", MD);
    struct lees_error err;

    (void)state;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        struct search *s;
        err.code = LEES_OK;
        s = search_new(doc, refused[i], strlen(refused[i]), SEARCH_REGEX, &err);
        if (s != NULL)
            fail_msg("\"%s\" was compiled", refused[i]);
        assert_int_equal(err.code, LEES_ERR_USAGE);
    }
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
        struct search *s = search_new(doc, accepted[i], strlen(accepted[i]), SEARCH_REGEX, &err);
        if (s == NULL)
            fail_msg("\"%s\": %s", accepted[i], err.msg);
        search_free(s);
    }
    doc_free(doc);
}

static void test_pattern_longer_than_text(void **state)
{
    struct doc *doc = doc_of("abc\n", MD);
    struct search *s = new_search(doc, "abcdef", 0);
    struct search_match m, v[4];
    size_t index = 99;

    (void)state;
    assert_false(search_next(s, 0, &m));
    assert_false(search_prev(s, 100, &m));
    assert_int_equal(search_count(s, 0, &index), 0);
    assert_int_equal(index, 0);
    assert_int_equal(search_range(s, 0, 100, v, 4), 0);
    search_free(s);
    doc_free(doc);
}

static void test_invalid_utf8(void **state)
{
    static const char text[] =
        "caf\xE9 cr\xC3\xA9me \xE2\x82 euro \xC3(x) \xC3\n\nnog \xC3\xA9\xE9n\n";
    struct doc *doc = doc_mem(text, sizeof text - 1, TXT);
    struct search_match v[8];
    struct search *s;
    size_t n;

    (void)state;
    /* the rest is still searchable */
    s = new_search(doc, "creme", 0);
    assert_int_equal(all_next(s, v, 8), 1);
    assert_string_equal(text_of(doc, v[0]), "cr\xC3\xA9me");
    search_free(s);
    s = new_search(doc, "euro", 0);
    assert_int_equal(all_next(s, v, 8), 1);
    search_free(s);
    /* an invalid byte matches itself, and only itself */
    s = new_search(doc, "\xE9", 0);
    n = all_next(s, v, 8);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].start, 3);
    assert_int_equal(v[0].end, 4);
    assert_string_equal(text_of(doc, v[1]), "\xE9");
    search_free(s);
    /* it is never merged with the byte after it: "\xC3(" is not a character */
    s = new_search(doc, "\xC3", 0);
    n = all_next(s, v, 8);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i].end - v[i].start, 1);
    search_free(s);
    s = new_search(doc, "\xC3(x)", 0);
    assert_int_equal(all_next(s, v, 8), 1);
    search_free(s);
    /* "é" is not the Latin-1 byte */
    s = new_search(doc, "caf\xC3\xA9", 0);
    assert_int_equal(all_next(s, v, 8), 0);
    search_free(s);
    s = new_search(doc, "een", 0);
    assert_int_equal(all_next(s, v, 8), 0);
    search_free(s);
    doc_free(doc);
}

/* "beleidsdoelstelling: *Mechelen zet" in the interview: the marker is not shown. */
static void test_emphasis_markers_in_between(void **state)
{
    struct doc *doc = open_interview();
    struct search_match v[4];

    (void)state;
    for (int slow = 0; slow < 2; slow++) {
        struct search *s =
            new_search(doc, "beleidsdoelstelling: Mechelen zet", slow ? SEARCH_SLOW : 0);
        assert_false(search_ignores_case(s));
        assert_int_equal(all_next(s, v, 4), 1);
        assert_string_equal(text_of(doc, v[0]), "beleidsdoelstelling: *Mechelen zet");
        search_free(s);
        s = new_search(doc, "door mechelaars.\xE2\x80\x9D", slow ? SEARCH_SLOW : 0);
        assert_int_equal(all_next(s, v, 4), 1);
        assert_string_equal(text_of(doc, v[0]), "door Mechelaars.*\xE2\x80\x9D");
        search_free(s);
    }
    doc_free(doc);
}

static void test_entities(void **state)
{
    static const char text[] = "Caf&eacute; &amp; cr&#xE8;me en &bogus; &#0;\n";

    (void)state;
    EXPECT(text, MD, "cafe & creme", 0, "Caf&eacute; &amp; cr&#xE8;me");
    /* an entity lees does not know is shown, and found, as written */
    EXPECT(text, MD, "&", 0, "&amp;", "&");
    NONE(text, MD, "amp", 0);
    EXPECT(text, MD, "bogus", 0, "bogus");
    EXPECT(text, MD, "\xEF\xBF\xBD", 0, "&#0;");
    /* a NUL byte is shown, and found, as U+FFFD */
    {
        static const char nul[] = "a\0b\n";
        struct doc *doc = doc_mem(nul, sizeof nul - 1, MD);
        struct search *s = new_search(doc,
                                      "a\xEF\xBF\xBD"
                                      "b",
                                      0);
        struct search_match m;
        assert_true(search_next(s, 0, &m));
        assert_int_equal(m.start, 0);
        assert_int_equal(m.end, 3);
        search_free(s);
        doc_free(doc);
    }
}

/* next, prev, count and range at the edges of the text and of matches. */
static void test_next_prev_count_range(void **state)
{
    static const char text[] = "xa xa\n\nxa *xa*\n\nyy xa";
    struct doc *doc = doc_mem(text, sizeof text - 1, MD);
    struct search *s = new_search(doc, "xa", 0);
    struct search_match m, v[8];
    size_t index, n, len = sizeof text - 1;
    static const size_t starts[] = {0, 3, 7, 11, 19};

    (void)state;
    n = all_next(s, v, 8);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i].start, starts[i]);
    assert_int_equal(v[4].end, len);
    /* next from inside a match finds the one after */
    assert_true(search_next(s, 1, &m));
    assert_int_equal(m.start, 3);
    assert_false(search_next(s, 20, &m));
    assert_false(search_next(s, len + 5, &m));
    /* prev */
    assert_false(search_prev(s, 0, &m));
    assert_true(search_prev(s, 1, &m));
    assert_int_equal(m.start, 0);
    assert_true(search_prev(s, 11, &m));
    assert_int_equal(m.start, 7);
    assert_true(search_prev(s, 12, &m));
    assert_int_equal(m.start, 11);
    assert_true(search_prev(s, len + 100, &m));
    assert_int_equal(m.start, 19);
    /* count and index */
    assert_int_equal(search_count(s, 0, &index), 5);
    assert_int_equal(index, 1);
    assert_int_equal(search_count(s, 1, &index), 5);
    assert_int_equal(index, 2);
    assert_int_equal(search_count(s, 11, &index), 5);
    assert_int_equal(index, 4);
    assert_int_equal(search_count(s, 19, &index), 5);
    assert_int_equal(index, 5);
    assert_int_equal(search_count(s, 20, &index), 5);
    assert_int_equal(index, 0);
    assert_int_equal(search_count(s, len + 100, NULL), 5);
    /* range: overlapping, not merely touching */
    assert_int_equal(search_range(s, 0, len, v, 8), 5);
    assert_int_equal(search_range(s, 1, 4, v, 8), 2);
    assert_int_equal(v[0].start, 0);
    assert_int_equal(v[1].start, 3);
    assert_int_equal(search_range(s, 2, 3, v, 8), 0);
    assert_int_equal(search_range(s, 12, 13, v, 8), 1);
    assert_int_equal(v[0].start, 11);
    assert_int_equal(search_range(s, 0, len, v, 2), 2);
    assert_int_equal(v[1].start, 3);
    assert_int_equal(search_range(s, 5, 5, v, 8), 0);
    /* and again, from the cache */
    assert_int_equal(search_range(s, 12, 13, v, 8), 1);
    assert_int_equal(v[0].start, 11);
    assert_false(search_failed(s));
    search_free(s);
    doc_free(doc);
}

static void test_empty_text(void **state)
{
    struct doc *doc = doc_mem("", 0, MD);
    struct search *s = new_search(doc, "a", 0);
    struct search_match m;
    size_t index;

    (void)state;
    assert_false(search_next(s, 0, &m));
    assert_false(search_prev(s, 10, &m));
    assert_int_equal(search_count(s, 0, &index), 0);
    assert_int_equal(index, 0);
    assert_int_equal(search_range(s, 0, 10, &m, 1), 0);
    search_free(s);
    doc_free(doc);
}

static void test_regex(void **state)
{
    static const char text[] = "Mechelen zet in op het cre\xC3\xABren van 3 verschillende "
                               "domeinen. mechelen wacht\xE2\x80\xA6 en wachten en wacht...\n\n"
                               "Stra\xC3\x9F"
                               "e\n";

    (void)state;
    EXPECT(text, MD, "cre.ren", SEARCH_REGEX, "cre\xC3\xABren");
    EXPECT(text, MD, "cre\xC3\xABren", SEARCH_REGEX, "cre\xC3\xABren");
    EXPECT(text, MD, "[0-9]+ ver[a-z]+", SEARCH_REGEX, "3 verschillende");
    EXPECT(text, MD, "^mechelen", SEARCH_REGEX, "Mechelen");
    EXPECT(text, MD, "mechelen", SEARCH_REGEX, "Mechelen", "mechelen");
    EXPECT(text, MD, "Mechelen", SEARCH_REGEX, "Mechelen");
    EXPECT(text, MD, "Mechelen", SEARCH_REGEX | SEARCH_IGNORE_CASE, "Mechelen", "mechelen");
    /* a backslash-W is an operator, not a capital */
    EXPECT(text, MD, "mechelen\\W", SEARCH_REGEX, "Mechelen ", "mechelen ");
    /* "…" in the pattern means itself, though it folds to three dots */
    EXPECT(text, MD, "wacht\xE2\x80\xA6", SEARCH_REGEX, "wacht\xE2\x80\xA6", "wacht...");
    EXPECT(text, MD, "[\xC3\xAB]ren", SEARCH_REGEX, "\xC3\xABren");
    EXPECT(text, MD,
           "stra\xC3\x9F"
           "e$",
           SEARCH_REGEX,
           "Stra\xC3\x9F"
           "e");
    EXPECT(text, MD, "\\.$", SEARCH_REGEX, ".");
    /* empty matches are not reported */
    NONE(text, MD, "x*", SEARCH_REGEX);
}

/* The look for a near word made a step at a time finds what the look at once does, whatever the
 * steps, and takes more than one step when they are small. */
static void test_suggest_in_steps(void **state)
{
    static const char *const patterns[] = {"aanklampende", "Mecheeln", "creeern", "groef",
                                           "ezt",          "eezt",     "zorgne",  "xyzzyqwv"};
    static const size_t budgets[] = {1, 100, 4096, SIZE_MAX};
    struct doc *doc = open_interview();

    (void)state;
    assert_null(search_suggest_new(doc, "twee woorden", 12));
    /* Nothing is suggested for a pattern without a letter: a quote is no misspelt word. */
    assert_null(search_suggest_new(doc, "\"", 1));
    assert_null(search_suggest_new(doc, "\xE2\x80\x99", 3));
    assert_null(search_suggest_new(doc, "--", 2));
    for (size_t i = 0; i < sizeof patterns / sizeof *patterns; i++) {
        char once[64];
        bool found = search_suggest(doc, patterns[i], strlen(patterns[i]), once, sizeof once);
        for (size_t j = 0; j < sizeof budgets / sizeof *budgets; j++) {
            struct search_suggestion *sg =
                search_suggest_new(doc, patterns[i], strlen(patterns[i]));
            size_t steps = 1;
            assert_non_null(sg);
            while (!search_suggest_step(sg, budgets[j]))
                steps++;
            assert_true(search_suggest_step(sg, budgets[j])); /* done stays done */
            if (found)
                assert_string_equal(search_suggest_word(sg), once);
            else
                assert_null(search_suggest_word(sg));
            if (budgets[j] <= 100)
                assert_true(steps > 10);
            search_suggest_free(sg);
        }
    }
    doc_free(doc);
}

static void test_suggest(void **state)
{
    struct doc *doc = open_interview();
    char out[64];

    (void)state;
    assert_true(search_suggest(doc, "aanklampende", 12, out, sizeof out));
    assert_string_equal(out, "aanklappende");
    /* a transposition counts one */
    assert_true(search_suggest(doc, "Mecheeln", 8, out, sizeof out));
    assert_string_equal(out, "Mechelen");
    /* accents do not count */
    assert_true(search_suggest(doc, "creeern", 7, out, sizeof out));
    assert_string_equal(out, "cre\xC3\xABren");
    /* the word as written; a substitution, a transposition count one */
    assert_true(search_suggest(doc, "groef", 5, out, sizeof out));
    assert_string_equal(out, "Groep");
    assert_true(search_suggest(doc, "ezt", 3, out, sizeof out));
    assert_string_equal(out, "zet");
    /* at most a third of the length: "een" is two away from "eezt", "bogen" three from
     * "zorgne" */
    assert_false(search_suggest(doc, "eezt", 4, out, sizeof out));
    assert_false(search_suggest(doc, "zorgne", 6, out, sizeof out));
    assert_false(search_suggest(doc, "xyzzyqwv", 8, out, sizeof out));
    assert_false(search_suggest(doc, "qq", 2, out, sizeof out));
    assert_false(search_suggest(doc, "aanklampende aanpak", 19, out, sizeof out));
    assert_false(search_suggest(doc, "aanklampende", 12, out, 5));
    doc_free(doc);
}

/* ---- Fast path against slow path against a reference ---- */

/* The definition, written plainly: fold each block whole, compare at every folded byte. */
static size_t reference(const struct doc *doc, const char *pattern, size_t len, unsigned fold,
                        struct search_match *out, size_t max)
{
    struct fold_buf *buf = fold_new();
    size_t plen, n = 0, tlen;
    char *pat = fold_pattern(pattern, len, fold, &plen);
    const char *data = doc_bytes(doc, &tlen);

    assert_non_null(buf);
    assert_non_null(pat);
    for (size_t bi = 0; bi < test_block_count(doc); bi++) {
        const struct doc_block *b = test_block(doc, bi);
        const struct doc_run *r = doc_block_runs(doc, b);
        size_t flen, last = SIZE_MAX;
        const char *f;

        fold_clear(buf);
        for (uint32_t i = 0; i < b->nruns; i++) {
            char dec[8];
            size_t dlen;
            switch (r[i].kind) {
            case DOC_RUN_TEXT:
                fold_append(buf, data + r[i].start, r[i].end - r[i].start, r[i].start, fold);
                break;
            case DOC_RUN_ENTITY:
                dlen = doc_entity_decode(data + r[i].start, r[i].end - r[i].start, dec);
                if (dlen > 0)
                    fold_append_as(buf, dec, dlen, r[i].start, r[i].end, fold);
                else
                    fold_append(buf, data + r[i].start, r[i].end - r[i].start, r[i].start, fold);
                break;
            case DOC_RUN_REPLACEMENT:
                fold_append_as(buf, "\xEF\xBF\xBD", 3, r[i].start, r[i].end, fold);
                break;
            default:
                fold_space(buf, r[i].start, r[i].end);
                break;
            }
        }
        f = fold_bytes(buf, &flen);
        for (size_t i = 0; i + plen <= flen && n < max; i++) {
            struct search_match m;
            if (memcmp(f + i, pat, plen) != 0)
                continue;
            fold_source(buf, i, i + plen, &m.start, &m.end);
            if (m.start == last || m.end <= m.start)
                continue;
            last = m.start;
            out[n++] = m;
        }
    }
    free(pat);
    fold_free(buf);
    return n;
}

static unsigned long rng = 88172645463325252ul;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static const char *const pieces[] = {
    "a",
    "b",
    "e",
    "E",
    "s",
    "S",
    "x",
    "i",
    "I",
    " ",
    "  ",
    "\n",
    "\t",
    "\r\n",
    "\n\n",
    "*",
    "_",
    "`",
    "\xC3\xA9",
    "e\xCC\x81",
    "\xC3\x89",
    "\xC3\x9F",
    "ss",
    "\xC4\xB3",
    "ij",
    "\xEF\xAC\x81",
    "fi",
    "\xC4\xB1",
    "\xC4\xB0",
    "\xE9",
    "\xC3",
    "&amp;",
    "&eacute;",
    "&bogus;",
    "\xCC\x81",
    "\xE2\x80\x8D",
    "\xC2\xA0",
    "\xE6\x97\xA5",
    "\xCD\x85",
    "\xC2\xA8",
    "\xC2\xAD",
    "\0",
    "# ",
    "- ",
    "\\",
    "> ",
    "ab",
    "bes",
    "\xE2\x84\xA2",
};

#define NPIECES (sizeof pieces / sizeof pieces[0])

static size_t piece_len(size_t i)
{
    return pieces[i][0] == '\0' ? 1 : strlen(pieces[i]); /* the NUL is one byte */
}

/* Compare every way of asking for the matches of PATTERN in DOC with the reference. */
static void compare_paths(const struct doc *doc, const char *pattern, size_t plen, unsigned flags,
                          struct search_match *ref, struct search_match *got)
{
    struct lees_error err;
    struct search *fast = search_new(doc, pattern, plen, flags, &err);
    struct search *slow = search_new(doc, pattern, plen, flags | SEARCH_SLOW, &err);
    size_t tlen, nref, n;
    struct search_match m;

    doc_bytes(doc, &tlen);
    if (fast == NULL) {
        assert_null(slow); /* folds to nothing */
        return;
    }
    assert_non_null(slow);
    nref = reference(doc, pattern, plen, FOLD_MARKS | (search_ignores_case(fast) ? FOLD_CASE : 0),
                     ref, MAXM);
    for (int which = 0; which < 2; which++) {
        struct search *s = which ? slow : fast;
        size_t index, total;
        n = all_next(s, got, MAXM);
        if (n != nref)
            show_random_text();
        if (n != nref) {
            for (size_t i = 0; i < nref; i++)
                print_message("ref [%zu,%zu)\n", ref[i].start, ref[i].end);
            for (size_t i = 0; i < n; i++)
                print_message("got [%zu,%zu)\n", got[i].start, got[i].end);
            print_message("format %d flags %u pattern len %zu: ", doc_format_of(doc), flags, plen);
            for (size_t i = 0; i < plen; i++)
                print_message("%02x ", (unsigned char)pattern[i]);
            print_message("\n");
        }
        if (n != nref)
            fail_msg("pattern \"%.*s\" (%s path): %zu matches, reference %zu", (int)plen, pattern,
                     which ? "slow" : "fast", n, nref);
        for (size_t i = 0; i < n; i++) {
            if (got[i].start != ref[i].start || got[i].end != ref[i].end)
                show_random_text();
            if (got[i].start != ref[i].start || got[i].end != ref[i].end)
                fail_msg("pattern \"%.*s\" (%s): match %zu [%zu,%zu), reference [%zu,%zu)",
                         (int)plen, pattern, which ? "slow" : "fast", i, got[i].start, got[i].end,
                         ref[i].start, ref[i].end);
        }
        /* prev walks them back */
        {
            size_t before = tlen + 1, i = n;
            while (search_prev(s, before, &m)) {
                assert_true(i > 0);
                i--;
                if (m.start != ref[i].start) {
                    show_random_text();
                    print_message("prev(%zu) %s: [%zu,%zu) want [%zu,%zu) pattern ", before,
                                  which ? "slow" : "fast", m.start, m.end, ref[i].start,
                                  ref[i].end);
                    for (size_t z = 0; z < plen; z++)
                        print_message("%02x ", (unsigned char)pattern[z]);
                    print_message(" format %d flags %u\n", doc_format_of(doc), flags);
                }
                assert_int_equal(m.start, ref[i].start);
                assert_int_equal(m.end, ref[i].end);
                before = m.start;
            }
            assert_int_equal(i, 0);
        }
        /* counts and indexes */
        for (int t = 0; t < 4; t++) {
            size_t off = rnd((unsigned)tlen + 2), want = 0;
            total = search_count(s, off, &index);
            if (total != nref) {
                show_random_text();
                fail_msg("pattern \"%.*s\" (%s): count %zu, reference %zu", (int)plen, pattern,
                         which ? "slow" : "fast", total, nref);
            }
            for (size_t i = 0; i < nref; i++) {
                if (ref[i].start >= off) {
                    want = i + 1;
                    break;
                }
            }
            assert_int_equal(index, want);
        }
        /* ranges */
        for (int t = 0; t < 4; t++) {
            size_t a = rnd((unsigned)tlen + 1), b = a + 1 + rnd(40), k = 0;
            struct search_match out[MAXM];
            size_t got_n = search_range(s, a, b, out, MAXM);
            for (size_t i = 0; i < nref; i++) {
                if (ref[i].start < b && ref[i].end > a) {
                    if (k >= got_n) {
                        show_random_text();
                        fail_msg("pattern \"%.*s\" (%s): range [%zu,%zu) lacks [%zu,%zu)",
                                 (int)plen, pattern, which ? "slow" : "fast", a, b, ref[i].start,
                                 ref[i].end);
                    }
                    assert_int_equal(out[k].start, ref[i].start);
                    assert_int_equal(out[k].end, ref[i].end);
                    k++;
                }
            }
            assert_int_equal(k, got_n);
        }
        assert_false(search_failed(s));
    }
    search_free(fast);
    search_free(slow);
}

static void test_fast_path_equals_slow_path(void **state)
{
    static struct search_match ref[MAXM], got[MAXM];
    char text[2048], pattern[64];

    (void)state;
    for (int iter = 0; iter < 300; iter++) {
        size_t len = 0, want = 50 + rnd(600);
        enum doc_format format = rnd(2) ? MD : TXT;
        struct doc *doc;

        while (len < want) {
            size_t p = rnd(NPIECES);
            /* mostly plain letters, as real text is */
            if (rnd(3) > 0)
                p = rnd(14);
            memcpy(text + len, pieces[p], piece_len(p));
            len += piece_len(p);
        }
        doc = doc_mem(text, len, format);
        random_text = text;
        random_len = len;
        for (int q = 0; q < 6; q++) {
            size_t plen = 0;
            unsigned flags = rnd(4) == 0 ? SEARCH_IGNORE_CASE : 0;
            if (rnd(2)) {
                /* a piece of the text itself */
                size_t at = rnd((unsigned)len), n = 1 + rnd(8);
                if (at + n > len)
                    n = len - at;
                memcpy(pattern, text + at, n);
                plen = n;
            } else {
                for (size_t k = 1 + rnd(4); k > 0; k--) {
                    size_t p = rnd(NPIECES);
                    memcpy(pattern + plen, pieces[p], piece_len(p));
                    plen += piece_len(p);
                }
            }
            if (plen == 0 || memchr(pattern, '\0', plen) != NULL)
                continue;
            compare_paths(doc, pattern, plen, flags, ref, got);
        }
        random_text = NULL;
        doc_free(doc);
    }
}

/* Markup, white space and other units around the letters of "slot", for sections passed over
 * unparsed: what hides source bytes, shows them otherwise or shows what is not there. */
static const char *const marked[] = {
    "s",
    "l",
    "o",
    "t",
    "S",
    "L",
    "sl",
    "ot",
    "slot",
    "Slot",
    "x",
    " ",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\n\n",
    "\n\n# ",
    "\n\n## ",
    "\n===\n",
    "*",
    "**",
    "_",
    "~~",
    "`",
    "` ",
    " `",
    "``",
    "[",
    "]",
    "](u)",
    "](sl)",
    "][r]",
    "\n\n[r]: /slot\n\n",
    "!",
    "(",
    ")",
    "<b>",
    "</b>",
    "<!-- s -->",
    "<http://slot>",
    "www.slot.nl",
    "&amp;",
    "&#115;",
    "&#x53;",
    "&bogus;",
    "\\",
    "\\*",
    "  \n",
    "|",
    "\n| a | b |\n|---|---|\n| ",
    " #",
    " ##\n",
    "> ",
    "\n> ",
    "- ",
    "\n- ",
    "1. ",
    "\n    ",
    "\n```\n",
    "$",
    "\xC3\xA9",
    "e\xCC\x81",
    "\xC3\x9F",
    "\xC5\xBF",
    "\xEF\xAC\x85",
    "\xC2\xAD",
    "\xE2\x80\x99",
    "\xCD\x85",
    "\0",
    "\xE9",
};

#define NMARKED (sizeof marked / sizeof marked[0])

/* Whole constructs that show "slot" (or part of it) otherwise than it is written, each to be
 * followed by more letters: a section holding one of them alone is parsed or passed over on
 * that one place. */
struct piece {
    const char *s;
    size_t n;
};

#define PIECE(lit)                                                                                 \
    {                                                                                              \
        lit, sizeof lit - 1                                                                        \
    }

static const struct piece shown_otherwise[] = {
    PIECE("` slot `"),
    PIECE("`slot`"),
    PIECE("*slot*"),
    PIECE("**slot**"),
    PIECE("_slot_"),
    PIECE("~~slot~~"),
    PIECE("[slot](u)"),
    PIECE("[slot][r]"),
    PIECE("![slot](i)"),
    PIECE("<http://slot>"),
    PIECE("<b>slot</b>"),
    PIECE("sl<!-- x -->ot"),
    PIECE("s&#108;ot"),
    PIECE("&#115;lot"),
    PIECE("slo&#x74;"),
    PIECE("slot  \n"),
    PIECE("slot\\\n"),
    PIECE("slot\n"),
    PIECE("slot \n"),
    PIECE("sl\xC2\xADot"),
    PIECE("s\xCC\x81lot"),
    PIECE("\xC5\xBFlot"),
    PIECE("SLOT"),
    PIECE("| slot |"),
    PIECE("slot #\n"),
    PIECE("sl\\ot"),
    PIECE("slo\\*t"),
    PIECE("slot\t"),
    PIECE("slot ` x`"),
    PIECE("sl\0ot"),
    PIECE("`sl\0ot`"),
    PIECE("\n```\nsl\0ot\n```\n"),
    PIECE("slot ## "),
    PIECE("s*l*ot"),
    PIECE("s**lot**"),
    PIECE("sl~~o~~t"),
    PIECE("[s](u)lot"),
    PIECE("s[lo](u)t"),
    PIECE("slot <i>"),
    PIECE("slot*"),
    PIECE("slot_"),
    PIECE("slot`"),
    PIECE("slot]"),
    PIECE("slot>"),
    PIECE("slot<"),
    PIECE("slot!"),
    PIECE("slot\\"),
    PIECE("slot&"),
    PIECE("slot|"),
    PIECE("slot "),
    PIECE("\xEF\xAC\x85lot"),
    PIECE("s\xE2\x80\x8Blot"),
    PIECE("slot<http://x>"),
    PIECE("sl<http://x>ot"),
    PIECE("sl\0"),
};

#define NOTHERWISE (sizeof shown_otherwise / sizeof shown_otherwise[0])

/*
 * A search passes over a section its source rules out without parsing it: on texts read
 * section by section, the fast path gives the reference's matches whatever markup stands in or
 * around them (every way of asking: next, prev, counts, ranges).  Dense texts mix everything;
 * sparse ones are short sections of a construct or two, where the one place decides.
 */
static void test_sections_passed_over(void **state)
{
    static struct search_match ref[MAXM], got[MAXM];
    static const char *const patterns[] = {"slot",
                                           "sl",
                                           "lot",
                                           "s",
                                           "ot s",
                                           "slots",
                                           "t slo",
                                           "slot",
                                           "ts",
                                           "ss",
                                           "sl\xE2\x80\x99",
                                           "lot x",
                                           "sloth",
                                           "\xEF\xBF\xBDot"};
    static const char *const after[] = {"s", " s", "x", "", " x", "ss", "\n", "S"};
    char text[4096], pattern[64];

    (void)state;
    for (int iter = 0; iter < 1200; iter++) {
        size_t len = 0, want = 100 + rnd(1500);
        enum doc_format format = rnd(3) ? MD : TXT;
        bool sparse = iter % 2 == 1;
        struct doc *doc;

        while (len < want) {
            const char *piece;
            size_t n;
            if (sparse) {
                n = (size_t)snprintf(text + len, sizeof text - len, "\n\n## x\n\n");
                len += n;
                for (unsigned k = 1 + rnd(2); k > 0; k--) {
                    if (rnd(3)) {
                        const struct piece *o = &shown_otherwise[rnd(NOTHERWISE)];
                        piece = o->s;
                        n = o->n;
                    } else {
                        piece = marked[rnd(12)];
                        n = strlen(piece);
                    }
                    memcpy(text + len, piece, n);
                    len += n;
                    piece = after[rnd(sizeof after / sizeof after[0])];
                    memcpy(text + len, piece, strlen(piece));
                    len += strlen(piece);
                }
                continue;
            }
            piece = marked[rnd(2) == 0 ? rnd(12) : rnd(NMARKED)];
            n = piece[0] == '\0' ? 1 : strlen(piece);
            memcpy(text + len, piece, n);
            len += n;
        }
        text[len] = '\0';
        doc_set_whole_limit(0);
        assert_int_equal(doc_open_memory(text, len, "test", format, &doc, &(struct lees_error){0}),
                         0);
        doc_set_whole_limit(SIZE_MAX);
        random_text = text;
        random_len = len;
        for (int q = 0; q < 5; q++) {
            size_t plen;
            if (q < 3) {
                const char *pat = patterns[rnd(sizeof patterns / sizeof patterns[0])];
                plen = strlen(pat);
                memcpy(pattern, pat, plen);
            } else {
                size_t at = rnd((unsigned)len);
                plen = 1 + rnd(6);
                if (at + plen > len)
                    plen = len - at;
                memcpy(pattern, text + at, plen);
            }
            if (memchr(pattern, '\0', plen) != NULL)
                continue;
            compare_paths(doc, pattern, plen, rnd(4) == 0 ? SEARCH_IGNORE_CASE : 0, ref, got);
        }
        random_text = NULL;
        doc_free(doc);
    }
}

/* Sections passed over: white space that a non-ASCII unit folds to merges with the white space
 * after it ("slot" U+00A0 " woord" shows "slot woord"). */
static void test_passed_over_spaces_merge(void **state)
{
    static struct search_match ref[MAXM], got[MAXM];
    static const char *const texts[] = {
        "# a\n\nx\n\n# b\n\nslot\xC2\xA0 woord\n",
        "# a\n\nx\n\n# b\n\nslot\xC2\xA0\xC2\xA0woord\n",
        "# a\n\nx\n\n# b\n\nslot\xC2\xA0\nwoord\n",
        "# a\n\nx\n\n# b\n\nslot\xE3\x80\x80\xC2\xADwoord\n",
        "# a\n\nx\n\n# b\n\nslot\xC2\xB4 woord\n",
    };

    (void)state;
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        for (int format = 0; format < 2; format++) {
            struct doc *doc;
            doc_set_whole_limit(0);
            assert_int_equal(doc_open_memory(texts[t], strlen(texts[t]), "test", format ? TXT : MD,
                                             &doc, &(struct lees_error){0}),
                             0);
            doc_set_whole_limit(SIZE_MAX);
            compare_paths(doc, "slot woord", 10, 0, ref, got);
            compare_paths(doc, "t woo", 5, 0, ref, got);
            doc_free(doc);
        }
    }
}

/* A code span's line break is shown as a space (md4c hands it over as a " " of its own, which
 * is no code block's indentation): "`slot\nwoord`" shows "slot woord", and a section holding
 * it alone is parsed for "slot woord", passed over for "slotwoord". */
static void test_code_span_line_break(void **state)
{
    static struct search_match ref[MAXM], got[MAXM];
    static const char *const texts[] = {
        "# a\n\nx\n\n# b\n\n`slot\nwoord`\n",       "# a\n\nx\n\n# b\n\n`slot\n`woord\n",
        "# a\n\nx\n\n# b\n\n`slot\n   `woord\n",    "# a\n\nx\n\n# b\n\n> `slot\n> `woord\n",
        "# a\n\nx\n\n# b\n\n- `slot\r\n  woord`\n", "# a\n\nx\n\n# b\n\n``slot\nwoord``\n",
    };

    (void)state;
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        struct doc *doc;
        struct search *s;
        doc_set_whole_limit(0);
        assert_int_equal(
            doc_open_memory(texts[t], strlen(texts[t]), "test", MD, &doc, &(struct lees_error){0}),
            0);
        doc_set_whole_limit(SIZE_MAX);
        compare_paths(doc, "slotwoord", 9, 0, ref, got);
        compare_paths(doc, "slot woord", 10, 0, ref, got);
        compare_paths(doc, "tw", 2, 0, ref, got);
        s = new_search(doc, "slot woord", 0);
        assert_int_equal(search_count(s, 0, NULL), 1);
        search_free(s);
        doc_free(doc);
    }
}

/* One block longer than every buffer and window: streaming, windows back, counts per chunk. */
static void test_long_block(void **state)
{
    static struct search_match ref[MAXM], got[MAXM];
    static const char *const words[] = {"Mechelen",       "zet", "in",   "op",   "het",
                                        "cre\xC3\xABren", "van", "jobs", "door", "Mechelaars,"};
    size_t cap = 700000, len = 0, planted = 0;
    char *text = malloc(cap + 64);
    struct doc *doc;

    (void)state;
    assert_non_null(text);
    while (len < cap) {
        const char *w = words[rnd(10)];
        if (rnd(400) == 0) {
            w = "slot\nwoord";
            planted++;
        }
        memcpy(text + len, w, strlen(w));
        len += strlen(w);
        text[len++] = rnd(12) == 0 ? '\n' : ' ';
    }
    /* One paragraph of Markdown: plain text would be cut into parts of 64 KiB. */
    doc = doc_mem(text, len, MD);
    assert_int_equal(test_block_count(doc), 1);
    compare_paths(doc, "slot woord", 10, 0, ref, got);
    {
        struct search *s = new_search(doc, "slot woord", 0);
        assert_int_equal(search_count(s, 0, NULL), planted);
        search_free(s);
        s = new_search(doc, "slot woord", SEARCH_REGEX);
        assert_int_equal(all_next(s, got, MAXM), planted);
        assert_int_equal(search_count(s, len / 2, NULL), planted);
        search_free(s);
        /* ^ and $ are the block's ends, not the edges of the windows it is searched in */
        s = new_search(doc, "^[a-z]", SEARCH_REGEX);
        assert_int_equal(search_count(s, 0, NULL), 1);
        search_free(s);
        s = new_search(doc, "[a-z,]+ ?$", SEARCH_REGEX);
        assert_int_equal(search_count(s, 0, NULL), 1);
        search_free(s);
    }
    compare_paths(doc, " cre\xC3\xABren van", 14, 0, ref, got);
    compare_paths(doc, "s, d", 4, 0, ref, got);
    doc_free(doc);
    free(text);
}

static bool always(void *arg)
{
    (*(int *)arg)++;
    return true;
}

/* A search asked to give way (a key is waiting) gives up, says so, and the next call starts
 * afresh; painting and counting never give up. */
static void test_interrupted(void **state)
{
    size_t cap = 400000, len = 0;
    char *text = malloc(cap);
    struct doc *doc;
    struct search *s;
    struct search_match m, v[4];
    int asked = 0;

    (void)state;
    assert_non_null(text);
    while (len < 300000)
        len += (size_t)snprintf(text + len, cap - len, "## Deel\n\nwoorden en woorden\n\n");
    len += (size_t)snprintf(text + len, cap - len, "## Slot\n\nslotwoord\n");
    doc = doc_mem(text, len, MD);
    s = new_search(doc, "slotwoord", 0);
    search_set_interrupt(s, always, &asked);
    assert_false(search_next(s, 0, &m));
    assert_true(search_interrupted(s));
    assert_true(asked > 0);
    /* Painting and counting never give up, whatever the last search did (sections passed over
     * ended them as if they had). */
    assert_int_equal(search_range(s, 0, len, v, 4), 1);
    assert_int_equal(search_count(s, 0, NULL), 1);
    assert_false(search_prev(s, len, &m) && m.start < len - 20); /* gives up or finds the end */
    assert_int_equal(search_range(s, len - 20, len, v, 4), 1);   /* painting never gives up */
    assert_int_equal(search_count(s, 0, NULL), 1);
    search_set_interrupt(s, NULL, NULL);
    assert_true(search_next(s, 0, &m));
    assert_false(search_interrupted(s));
    assert_int_equal(m.start, len - 10);
    search_free(s);
    doc_free(doc);
    free(text);
}

/* search_next and search_prev gone on from where they gave up, until they find or end. */
static bool next_resumed(struct search *s, size_t from, struct search_match *m, int *gave_up)
{
    while (!search_next(s, from, m)) {
        if (!search_interrupted(s))
            return false;
        assert_true(search_resume(s) >= from);
        from = search_resume(s);
        (*gave_up)++;
    }
    return true;
}

static bool prev_resumed(struct search *s, size_t before, struct search_match *m, int *gave_up)
{
    while (!search_prev(s, before, m)) {
        if (!search_interrupted(s))
            return false;
        assert_true(search_resume(s) <= before);
        before = search_resume(s);
        (*gave_up)++;
    }
    return true;
}

/* A search that gave up goes on from search_resume and finds what it would have found, forward
 * and back, across short blocks and the windows of a long one: every match, in order, none
 * twice, whatever block it gave up before. */
#define MAXALL 65536
static void test_interrupted_resumes(void **state)
{
    size_t cap = 1200000, len = 0, n_all = 0, n = 0;
    char *text = malloc(cap);
    struct search_match *all = malloc(MAXALL * sizeof *all), m;
    struct search *ref, *s;
    struct doc *doc;
    int asked = 0, gave_up = 0;

    (void)state;
    assert_non_null(text);
    assert_non_null(all);
    for (int i = 0; len < 400000; i++)
        len += (size_t)snprintf(text + len, cap - len, "## Deel %d\n\n%s en woorden\n\n", i,
                                i % 2 == 0 ? "kansen" : "woorden");
    /* One paragraph of 300 KB: searched in windows, forward and back. */
    for (int i = 0; len < 700000; i++)
        len += (size_t)snprintf(text + len, cap - len, "%s ", i % 997 == 0 ? "kansen" : "tekst");
    len += (size_t)snprintf(text + len, cap - len, "\n\n## Slot\n\nkansen\n");
    doc = doc_mem(text, len, MD);
    ref = new_search(doc, "kansen", 0);
    s = new_search(doc, "kansen", 0);
    search_set_interrupt(s, always, &asked);
    for (size_t from = 0; n_all < MAXALL && search_next(ref, from, &all[n_all]); n_all++)
        from = all[n_all].start + 1;
    assert_true(n_all > 200);
    for (size_t from = 0; next_resumed(s, from, &m, &gave_up); n++) {
        assert_true(n < n_all);
        assert_int_equal(m.start, all[n].start);
        assert_int_equal(m.end, all[n].end);
        from = m.start + 1;
    }
    assert_int_equal(n, n_all);
    assert_true(gave_up > 10);
    gave_up = 0;
    for (size_t before = len; prev_resumed(s, before, &m, &gave_up); before = m.start) {
        assert_true(n > 0);
        n--;
        assert_int_equal(m.start, all[n].start);
        assert_int_equal(m.end, all[n].end);
    }
    assert_int_equal(n, 0);
    assert_true(gave_up > 10);
    search_free(s);
    search_free(ref);
    doc_free(doc);
    free(all);
    free(text);
}

/* Counting a step at a time (while idle) gives what counting at once does, whatever the steps:
 * a match across the edge of two steps counts once. */
static void test_count_in_steps(void **state)
{
    static const char text[] = "Sociale economie, sociale\neconomie en SOCIALE ECONOMIE: "
                               "de sociale economie.\n\n## Kop\n\nsociale economie.\n";
    struct doc *doc = doc_mem(text, sizeof text - 1, MD);

    (void)state;
    for (size_t budget = 1; budget < sizeof text + 2; budget++) {
        struct search *s = new_search(doc, "sociale economie", 0);
        size_t steps = 0, index;
        assert_false(search_count_known(s));
        while (!search_count_step(s, budget))
            steps++;
        assert_true(search_count_known(s));
        assert_true(steps + 1 >= (sizeof text - 1) / budget);
        assert_int_equal(search_count(s, 0, &index), 5);
        assert_int_equal(index, 1);
        search_free(s);
    }
    doc_free(doc);
}

/* A step of the count reads about its budget of a long text: passing over the sections that
 * hold no match went on to the next that may, at the very end here, in every step (under the
 * sanitizers, the matches of 20 MB were not counted in 3 s). */
static void test_count_step_stays_near(void **state)
{
    size_t cap = 2200000, len = 0;
    char *text = malloc(cap);
    struct doc *doc;
    struct search *s;

    (void)state;
    assert_non_null(text);
    while (len < 2000000)
        len += (size_t)snprintf(text + len, cap - len, "## Deel\n\nwoorden en woorden\n\n");
    len += (size_t)snprintf(text + len, cap - len, "## Slot\n\nslotwoord\n");
    doc_set_whole_limit(0);
    doc = doc_mem(text, len, MD);
    doc_set_whole_limit(SIZE_MAX);
    s = new_search(doc, "slotwoord", 0);
    assert_false(search_count_step(s, 65536));
    assert_true(doc_index_progress(doc) < 4 * 65536);
    assert_false(doc_index_done(doc));
    assert_int_equal(search_count(s, 0, NULL), 1);
    search_free(s);
    doc_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nfc_and_nfd),
        cmocka_unit_test(test_accents_in_the_interview),
        cmocka_unit_test(test_smart_case),
        cmocka_unit_test(test_sharp_s),
        cmocka_unit_test(test_dutch_ij),
        cmocka_unit_test(test_turkish_dotless_i),
        cmocka_unit_test(test_white_space_across_lines),
        cmocka_unit_test(test_first_and_last_byte),
        cmocka_unit_test(test_bad_patterns),
        cmocka_unit_test(test_regex_too_complex),
        cmocka_unit_test(test_pattern_longer_than_text),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_emphasis_markers_in_between),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_next_prev_count_range),
        cmocka_unit_test(test_empty_text),
        cmocka_unit_test(test_regex),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_suggest_in_steps),
        cmocka_unit_test(test_fast_path_equals_slow_path),
        cmocka_unit_test(test_sections_passed_over),
        cmocka_unit_test(test_passed_over_spaces_merge),
        cmocka_unit_test(test_code_span_line_break),
        cmocka_unit_test(test_long_block),
        cmocka_unit_test(test_interrupted),
        cmocka_unit_test(test_interrupted_resumes),
        cmocka_unit_test(test_count_in_steps),
        cmocka_unit_test(test_count_step_stays_near),
    };
    return cmocka_run_group_tests_name("search", tests, NULL, NULL);
}
