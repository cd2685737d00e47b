/*
 * test_glyph.c: decoding and widths, and that nothing printable-looking hides a control.
 */
#include "lees/glyph.h"
#include "unit.h"

static struct glyph decode(const char *s)
{
    struct glyph g;
    glyph_decode(s, strlen(s), &g);
    return g;
}

static void test_widths(void **state)
{
    (void)state;
    assert_int_equal(decode("a").width, 1);
    assert_int_equal(decode("\xC3\xAB").width, 1); /* ë */
    assert_int_equal(decode("\xC3\xAB").len, 2);
    assert_int_equal(decode("\xE6\x97\xA5").width, 2); /* 日 */
    assert_int_equal(decode("\xCC\x81").width, 0);     /* combining acute */
    assert_int_equal(decode("\xE2\x80\x9C").width, 1); /* “ */
    assert_int_equal(glyph_width("cre\xC3\xAB"
                                 "ren",
                                 8),
                     7);
    assert_int_equal(glyph_width("cafe\xCC\x81", 6), 4);
    assert_int_equal(glyph_width("\xE6\x97\xA5\xE6\x9C\xAC", 6), 4);
    assert_int_equal(glyph_width("ab\tc", 4), 9);
}

static void test_controls(void **state)
{
    struct glyph g;

    (void)state;
    g = decode("\x1b");
    assert_int_equal(g.kind, GLYPH_CONTROL);
    assert_string_equal(g.notation, "^[");
    assert_string_equal(decode("\x7f").notation, "^?");
    assert_string_equal(decode("\r").notation, "^M");
    assert_string_equal(decode("\b").notation, "^H");
    assert_string_equal(decode("\xC2\x9B").notation, "<U+009B>"); /* C1 CSI, encoded */
    assert_string_equal(decode("\x9B").notation, "<U+009B>");     /* C1 CSI, raw */
    assert_string_equal(decode("\xE2\x80\xAE").notation, "<U+202E>");
    assert_string_equal(decode("\xE2\x81\xA6").notation, "<U+2066>");
    assert_string_equal(decode("\xD8\x9C").notation, "<U+061C>");
    assert_int_equal(decode("\t").kind, GLYPH_TAB);
    assert_int_equal(decode("\n").kind, GLYPH_NEWLINE);
}

static void test_invalid_bytes(void **state)
{
    struct glyph g;
    char out[64];

    (void)state;
    g = decode("\xE9z");
    assert_int_equal(g.kind, GLYPH_CONTROL);
    assert_int_equal(g.len, 1); /* the byte after it is not swallowed */
    assert_string_equal(g.notation, "<E9>");
    g = decode("\xE2\x80"); /* cut short */
    assert_int_equal(g.len, 1);
    g = decode("\xED\xA0\x80"); /* a surrogate is not text */
    assert_int_equal(g.kind, GLYPH_CONTROL);
    glyph_sanitize(out, sizeof out,
                   "a\xE9"
                   "b\x1b[1m",
                   7);
    assert_string_equal(out, "a<E9>b^[[1m");
}

static void test_fit(void **state)
{
    (void)state;
    assert_int_equal(glyph_fit("abcdef", 6, 3), 3);
    assert_int_equal(glyph_fit("\xE6\x97\xA5\xE6\x9C\xAC", 6, 3), 3); /* 日 fits, 本 not */
    assert_int_equal(glyph_fit("cafe\xCC\x81x", 7, 4), 6);            /* the mark stays */
    assert_int_equal(glyph_fit("abc", 3, 0), 0);
}

/* The leading printable ASCII, eight bytes at a time, is what a byte at a time finds: every
 * byte from 0x00 to 0xFF at every place of texts of 0 to 40 bytes. */
static void test_plain_run(void **state)
{
    char buf[41];

    (void)state;
    for (size_t len = 0; len <= 40; len++) {
        for (size_t at = 0; at <= len; at++) {
            for (int b = 0; b < 256; b++) {
                size_t expect = 0;
                memset(buf, 'x', sizeof buf);
                if (at < len)
                    buf[at] = (char)b;
                while (expect < len && (unsigned char)buf[expect] >= 0x20 &&
                       (unsigned char)buf[expect] < 0x7f)
                    expect++;
                assert_int_equal(glyph_plain_run(buf, len), expect);
            }
        }
    }
    assert_int_equal(glyph_plain_run(" ~", 2), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widths),        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_invalid_bytes), cmocka_unit_test(test_fit),
        cmocka_unit_test(test_plain_run),
    };
    return cmocka_run_group_tests_name("glyph", tests, NULL, NULL);
}
