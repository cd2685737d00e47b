/* Robustness: control characters and invalid UTF-8 in the file never reach the terminal,
 * binary files, terminal types (unknown, dumb, old), the C locale, tiny terminals, CRLF and a
 * BOM, an empty file, Ctrl-C, and resizes in the middle of a prompt or a list. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static void quit(struct e2e *e)
{
    e2e_send(e, "q");
    int status = -1;
    CHECK(e, e2e_wait_exit(e, T_WAIT, &status), "q did not quit");
    CHECK(e, WIFEXITED(status) && WEXITSTATUS(status) == 0, "q: exit status %d, not 0",
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* The length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    size_t len;
    unsigned int c;
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        len = 2, c = p[0] & 0x1F;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        len = 3, c = p[0] & 0x0F;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        len = 4, c = p[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    return len;
}

/* What is wrong with the bytes lees wrote for a file of control characters, or NULL. */
static const char *output_problem(const char *out, size_t len, size_t *at)
{
    const unsigned char *p = (const unsigned char *)out;
    for (size_t i = 0; i < len;) {
        *at = i;
        size_t n = utf8_len(p + i, len - i);
        if (n == 0)
            return p[i] == 0x9B ? "a raw 0x9b byte (C1 CSI)" : "invalid UTF-8";
        if (n == 2 && p[i] == 0xC2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
            return "a C1 control character (U+0080 to U+009F) in UTF-8";
        if (n == 3 && p[i] == 0xE2 && p[i + 1] == 0x80 && p[i + 2] >= 0xAA && p[i + 2] <= 0xAE)
            return "a bidi embedding or override (U+202A to U+202E)";
        if (p[i] == 0x7F)
            return "a DEL byte";
        if (p[i] == 0)
            return "a NUL byte";
        i += n;
    }
    static const char *const seqs[] = {"\033]0;", "pwned\007", "\033[2J here"};
    for (size_t k = 0; k < sizeof seqs / sizeof seqs[0]; k++) {
        size_t n = strlen(seqs[k]);
        for (size_t i = 0; i + n <= len; i++) {
            if (memcmp(out + i, seqs[k], n) == 0) {
                *at = i;
                return "an escape sequence from the file";
            }
        }
    }
    return NULL;
}

static const char nasty[] = "clear \033[2J here\n"
                            "title \033]0;pwned\007 end\n"
                            "c1 \x9b"
                            "31m raw and \xc2\x9b"
                            "31m utf8\n"
                            "bidi \xe2\x80\xae"
                            "evil\xe2\x80\xac ok\n"
                            "del \x7f bs \x08 cr \r mid\n"
                            "nul \0 byte\n"
                            "invalid \xe9t here\n";

static const char *nasty_file(void)
{
    return e2e_fixture_bytes("nasty.txt", nasty, sizeof nasty - 1);
}

/* Each row of the file, shown safely. */
static void test_control_characters(void **state)
{
    static const char *const rows[] = {
        "clear ^[[2J here",
        "title ^[]0;pwned^G end",
        "bidi <U+202E>evil<U+202C> ok",
        "del ^? bs ^H cr ^M mid",
        "nul ^@ byte",
        "invalid <E9>t here",
        "<U+009B>31m utf8",
    };
    const char *args[] = {"-f", nasty_file(), NULL};
    struct e2e *e = lees_open(state, 24, 80, args);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        CHECK(e, e2e_wait_text(e, rows[i], T_WAIT), "the screen should show \"%s\"", rows[i]);
    CHECK(e,
          e2e_find(e, "c1 <U+009B>31m raw", NULL, NULL) ||
              e2e_find(e, "c1 <9B>31m raw", NULL, NULL),
          "the raw 0x9b byte should be shown as <U+009B> (or <9B>)");
    /* The rows drawn again with a match painted, and the pattern on the status line. */
    e2e_send(e, "/evil");
    WAIT_PROMPT(e, "/evil");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/1");
    e2e_pump(e);
    size_t len, at = 0;
    const char *out = e2e_output(e, &len);
    const char *why = output_problem(out, len, &at);
    CHECK(e, why == NULL,
          "the bytes written to the terminal hold %s, at byte %zu of %zu: "
          "\"%.40s\"",
          why, at, len, out + (at > 10 ? at - 10 : 0));
}

/* A file that looks binary: asked first (y shows it, n quits), or not with -f. */
static void test_binary_file(void **state)
{
    static const char bin[] = "\177ELF\002\001\001\0\0\0\0\0\0\0\0\0\003\0>\0\001\0\0\0"
                              "\x10\x63\0\0\0\0\0\0@\0\0\0\0\0\0\0\xb8\xc4\x01\0\0\0\0\0"
                              "readable words in a binary\n";
    const char *file = e2e_fixture_bytes("program.bin", bin, sizeof bin - 1);
    const char *argv[] = {"lees", file, NULL};
    const char *question = "looks like a binary file. Show it anyway?";

    struct e2e *e = lees_spawn(state, 24, 80, argv, NULL);
    WAIT_TEXT(e, question);
    CHECK(e, !wait_status(e, 0), "the text is shown before the answer");
    /* The keys to answer with must be on the screen, however long the path (here about 40
     * characters, in an 80-column terminal); checked at the end. */
    bool keys_shown = e2e_find(e, "(y/n)", NULL, NULL);
    if (!keys_shown) {
        fprintf(stderr, "# the question, without \"(y/n)\" (a failure, checked at the end):\n");
        e2e_dump(e, stderr);
    }
    e2e_send(e, "y");
    CHECK(e, wait_status(e, T_WAIT), "y did not show the file");
    WAIT_TEXT(e, "ELF^B^A^A^@");
    int row, col;
    CHECK(e, e2e_find(e, "^?", &row, &col) && row == 0 && col == 0,
          "the file's first byte, DEL, should be shown as ^? at the top left");
    WAIT_TEXT(e, "readable words in a binary");
    WAIT_NO_TEXT(e, question);
    quit(e);

    e = lees_spawn(state, 24, 80, argv, NULL);
    WAIT_TEXT(e, question);
    e2e_send(e, "n");
    int status = -1;
    CHECK(e, e2e_wait_exit(e, T_WAIT, &status), "n did not quit");
    CHECK(e, WIFEXITED(status), "n: lees was killed by signal %d", WTERMSIG(status));
    CHECK(e, !e2e_altscreen(e) && e2e_cursor_visible(e), "n: the terminal was not restored");

    const char *forced[] = {"-f", file, NULL};
    e = lees_open(state, 24, 80, forced);
    CHECK(e, !e2e_find(e, question, NULL, NULL), "-f: the question was asked");
    WAIT_TEXT(e, "readable words in a binary");
    CHECK(NULL, keys_shown,
          "the binary-file question does not show \"(y/n)\": it is cut at the "
          "edge of the screen");
}

/* A terminal type that is not installed: a close one is used, with a notice. */
static void test_unknown_term(void **state)
{
    const char *env[] = {"TERM=xterm-kitty", "TERMINFO", "TERMINFO_DIRS", NULL};
    struct e2e *e = lees_open_env(state, 24, 80, NULL, env);
    WAIT_STATUS(e, "TERM=xterm-kitty is unknown here; using xterm-256color");
    WAIT_TEXT(e, INTERVIEW_TITLE);
    e2e_send(e, " ");
    WAIT_PAGE(e, 2);
    WAIT_TOP(e, interview_sections[0]);
    quit(e);
}

/* TERM=dumb: the text is printed plainly, and lees exits. */
static void test_term_dumb(void **state)
{
    const char *argv[] = {"lees", NULL};
    const char *env[] = {"TERM=dumb", NULL};
    struct e2e *e = lees_spawn(state, 24, 80, argv, env);
    int status = -1;
    CHECK(e, e2e_wait_exit(e, T_START, &status), "with TERM=dumb lees did not exit by itself");
    CHECK(e, WIFEXITED(status) && WEXITSTATUS(status) == 0, "TERM=dumb: exit status %d",
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    size_t len;
    const char *out = e2e_output(e, &len);
    CHECK(e, strstr(out, INTERVIEW_TITLE) && strstr(out, "burgemeester Mechelen"),
          "TERM=dumb: the text was not printed whole");
    CHECK(e, !memchr(out, '\033', len), "TERM=dumb: an escape byte in the output");
    CHECK(e, !e2e_altscreen(e), "TERM=dumb: the alternate screen is up");
}

/* Common terminal types: the interview opens and Space turns a page. */
static void test_terminal_types(void **state)
{
    static const char *const terms[] = {"xterm", "xterm-256color", "screen", "tmux-256color",
                                        "linux", "vt100",          "vt220"};
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
        char term[64];
        snprintf(term, sizeof term, "TERM=%s", terms[i]);
        const char *env[] = {term, NULL};
        struct e2e *e = lees_open_env(state, 24, 80, NULL, env);
        CHECK(e, e2e_wait_text(e, INTERVIEW_TITLE, T_WAIT), "%s: the title is not shown", term);
        CHECK(e, wait_page(e, 1, T_WAIT), "%s: not on page 1", term);
        e2e_send(e, " ");
        CHECK(e, wait_page(e, 2, T_WAIT), "%s: Space did not go to page 2", term);
        CHECK(e, wait_top(e, interview_sections[0], T_WAIT),
              "%s: page 2 does not start with \"%s\"", term, interview_sections[0]);
        CHECK(e, text_row_of(e, INTERVIEW_TITLE) < 0, "%s: the first page is still shown", term);
        quit(e);
    }
}

/* The C locale: letters with accents are shown without them, and nothing but ASCII is
 * written. */
static void test_c_locale(void **state)
{
    const char *env[] = {"LANG=C", "LC_ALL=C", NULL};
    struct e2e *e = lees_open_env(state, 24, 80, NULL, env);
    e2e_send(e, " ");
    WAIT_PAGE(e, 2);
    WAIT_TEXT(e, "creeren voor elke Mechelaar");
    CHECK(e, !e2e_find(e, "creëren", NULL, NULL), "the C locale shows \"creëren\"");
    e2e_send(e, "t");
    WAIT_TEXT(e, "Contents");
    e2e_key_esc(e);
    WAIT_PAGE(e, 2);
    e2e_send(e, "G");
    WAIT_TEXT(e, "burgemeester Mechelen");
    e2e_pump(e);
    size_t len;
    const unsigned char *out = (const unsigned char *)e2e_output(e, &len);
    for (size_t i = 0; i < len; i++)
        CHECK(e, out[i] < 0x80, "LANG=C: byte %zu of the output is 0x%02x, not ASCII", i, out[i]);
}

/* Bytes typed that the locale cannot read (any byte past ASCII in the C locale, Latin-1 from
 * a terminal under a UTF-8 locale) are a key that does nothing: the keys after them work, on
 * the page and at a prompt.  (ncurses's get_wch took the next 144 bytes to be the rest of
 * one character.) */
static void test_unreadable_keys(void **state)
{
    const char *c_locale[] = {"LANG=C", "LC_ALL=C", NULL};
    const char *utf8[] = {NULL};
    const char *const *envs[] = {c_locale, utf8};
    const char *typed[] = {"\xc3\xa9", "\xe9"}; /* é, in UTF-8 and in Latin-1 */

    for (int i = 0; i < 2; i++) {
        struct e2e *e = lees_open_env(state, 24, 80, NULL, envs[i]);
        e2e_send(e, typed[i]);
        e2e_send(e, " ");
        WAIT_PAGE(e, 2);
        e2e_send(e, "/");
        WAIT_PROMPT(e, "/");
        e2e_send(e, "Mech");
        e2e_send(e, typed[i]);
        e2e_send(e, "elen\r");
        WAIT_STATUS(e, "match 2/"); /* the first on page 2 */
        e2e_send(e, "q");
        CHECK(e, e2e_wait_exit(e, T_WAIT, NULL), "q did not quit");
    }
}

/* Some text above a status line in reverse video that fills the row. */
static bool cond_text_and_status(struct e2e *e, void *arg)
{
    (void)arg;
    return first_text_row(e) >= 0 && e2e_row_first_col(e, -1) >= 0 &&
           cells_have(e, -1, 0, e2e_cols(e), ATTR_REVERSE) && !e2e_find(e, "oo small", NULL, NULL);
}

/* 20x6 is enough; one row or one column less is too small. */
static void test_small_terminal(void **state)
{
    const char *argv[] = {"lees", NULL};
    struct e2e *e = lees_spawn(state, 6, 20, argv, NULL);
    CHECK(e, e2e_wait(e, cond_text_and_status, NULL, T_START),
          "at 20x6 there should be text and a status line");
    e2e_resize_blank(e, 6, 19);
    WAIT_TEXT(e, "Too small: 20x6"); /* what fits of it, the size needed whole */
    e2e_resize_blank(e, 6, 20);
    CHECK(e, e2e_wait(e, cond_text_and_status, NULL, T_WAIT),
          "back at 20x6 the text and the status line did not come back");
    e2e_resize_blank(e, 5, 20);
    WAIT_TEXT(e, "Too small: 20x6");
    e2e_resize_blank(e, 24, 80);
    CHECK(e, wait_status(e, T_WAIT), "at 80x24 again the status line did not come back");
    WAIT_TEXT(e, "Handen");

    e = lees_spawn(state, 5, 19, argv, NULL);
    WAIT_TEXT(e, "Too small: 20x6");
    e = lees_spawn(state, 3, 10, argv, NULL);
    WAIT_TEXT(e, "Needs 20x6");
}

/* CRLF line ends and a byte order mark are read as text. */
static void test_crlf_bom(void **state)
{
    static const char md[] = "\xef\xbb\xbf# Titel\r\n\r\nEerste regel met tekst\r\n"
                             "en de tweede regel.\r\n\r\n## Deel twee\r\n\r\nMeer tekst.\r\n";
    static const char txt[] = "\xef\xbb\xbfregel een\r\nregel twee\r\n";
    const char *args[] = {e2e_fixture("crlf.md", md), NULL};
    struct e2e *e = lees_open(state, 12, 80, args);
    WAIT_TEXT(e, "Eerste regel met tekst en de tweede regel.");
    int row, col;
    CHECK(e, e2e_find(e, "Titel", &row, &col) && row == 0 && col == 0,
          "the heading after the BOM should be \"Titel\" at the top left");
    CHECK(e, text_has(e, "Titel", ATTR_BOLD), "\"# Titel\" after the BOM is not read as a heading");
    CHECK(e, !e2e_find(e, "#", NULL, NULL), "a \"#\" is shown: the heading was not read");
    CHECK(e, !e2e_find(e, "^M", NULL, NULL), "a CR is shown as ^M");
    CHECK(e, !e2e_find(e, "<U+FEFF>", NULL, NULL) && !e2e_find(e, "<EF>", NULL, NULL),
          "the BOM is shown");
    e2e_send(e, " ");
    WAIT_TOP(e, "Deel twee");
    CHECK(e, !e2e_find(e, "^M", NULL, NULL), "a CR is shown as ^M on page 2");

    const char *args2[] = {e2e_fixture("crlf.txt", txt), NULL};
    e = lees_open(state, 12, 80, args2);
    WAIT_TEXT(e, "regel twee");
    CHECK(e, e2e_find(e, "regel een", &row, &col) && row == 0 && col == 0,
          "the first line after the BOM should be \"regel een\" at the top left");
    CHECK(e, !e2e_find(e, "^M", NULL, NULL), "a CR is shown as ^M");
    char *r0 = e2e_row(e, 0), *r1 = e2e_row(e, 1);
    bool exact = strcmp(r0, "regel een") == 0 && strcmp(r1, "regel twee") == 0;
    free(r0);
    free(r1);
    CHECK(e, exact, "the rows should be exactly \"regel een\" and \"regel twee\"");
}

/* An empty file opens, and quits. */
static void test_empty_file(void **state)
{
    const char *names[] = {"empty.txt", "empty.md"};
    for (int i = 0; i < 2; i++) {
        const char *args[] = {e2e_fixture(names[i], ""), NULL};
        struct e2e *e = lees_open(state, 12, 80, args);
        CHECK(e, first_text_row(e) < 0, "%s: text is shown for an empty file", names[i]);
        e2e_send(e, " ");
        e2e_send(e, "G");
        CHECK(e, wait_status(e, T_WAIT), "%s: no status line after Space and G", names[i]);
        quit(e);
    }
}

/* Ctrl-C on the page quits with the terminal restored; at a prompt it only cancels it. */
static void test_ctrl_c(void **state)
{
    const char *lees = e2e_lees_path();
    const char *argv[] = {"sh", "-c", "printf 'shell before lees\\n'; exec \"$0\"", lees, NULL};
    struct e2e *e = lees_spawn(state, 24, 80, argv, NULL);
    CHECK(e, wait_status(e, T_START), "the reader did not show its status line");
    e2e_send(e, "/abc");
    WAIT_PROMPT(e, "/abc");
    e2e_send(e, "\003");
    CHECK(e, wait_status(e, T_WAIT), "Ctrl-C at the prompt did not close it");
    WAIT_PAGE(e, 1);
    CHECK(e, !e2e_exited(e, NULL), "Ctrl-C at the prompt quit the reader");
    e2e_send(e, " ");
    CHECK(e, wait_page(e, 2, T_WAIT), "after Ctrl-C at the prompt Space did not go to page 2");
    e2e_send(e, "\003");
    int status = -1;
    CHECK(e, e2e_wait_exit(e, T_WAIT, &status), "Ctrl-C on the page did not quit");
    CHECK(e, !e2e_altscreen(e), "the alternate screen is still up after Ctrl-C");
    CHECK(e, e2e_cursor_visible(e), "the cursor is hidden after Ctrl-C");
    CHECK(e, e2e_find(e, "shell before lees", NULL, NULL), "the normal screen is not back");
    CHECK(e, !e2e_find(e, "page ", NULL, NULL), "the reader's text is left on the screen");
}

/* A resize while the search prompt is open: the prompt and the view are drawn again, and the
 * search goes on. */
static void test_resize_search_prompt(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, "/Divers");
    WAIT_PROMPT(e, "/Divers");
    WAIT_TOP(e, interview_sections[3]);
    e2e_resize_blank(e, 30, 100);
    CHECK(e, wait_prompt(e, "/Divers", T_WAIT), "after a resize the prompt is not drawn again");
    CHECK(e, wait_top(e, interview_sections[3], T_WAIT),
          "after a resize the view is not at the match, \"%s\"", interview_sections[3]);
    e2e_resize_blank(e, 12, 40);
    CHECK(e, wait_prompt(e, "/Divers", T_WAIT), "after a second resize the prompt is not drawn");
    WAIT_TEXT(e, "Diversiteit");
    e2e_send(e, "iteit");
    WAIT_PROMPT(e, "/Diversiteit");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/2");
    e2e_send(e, "n");
    WAIT_STATUS(e, "match 2/2");
}

static bool cond_contents(struct e2e *e, void *arg)
{
    (void)arg;
    char *row = e2e_row(e, 0);
    bool ok = strncmp(row + strspn(row, " "), "Contents", 8) == 0;
    free(row);
    return ok && text_row_of(e, interview_sections[0]) > 0;
}

static bool cond_selected(struct e2e *e, void *arg)
{
    for (int r = 1; r < e2e_rows(e) - 1; r++) {
        int c = e2e_row_first_col(e, r);
        VTermScreenCell cell;
        if (c >= 0 && e2e_cell(e, r, c, &cell) && cell.attrs.reverse)
            return e2e_find_in_row(e, r, arg, 0) >= 0;
    }
    return false;
}

/* A resize in the contents: the list is drawn again and still takes keys. */
static void test_resize_contents(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, "t");
    CHECK(e, e2e_wait(e, cond_contents, NULL, T_WAIT), "t did not open the contents");
    e2e_resize_blank(e, 14, 50);
    CHECK(e, e2e_wait(e, cond_contents, NULL, T_WAIT),
          "after a resize to 50x14 the contents are not drawn again");
    e2e_send(e, "j");
    CHECK(e, e2e_wait(e, cond_selected, (void *)interview_sections[0], T_WAIT),
          "j did not select \"%s\"", interview_sections[0]);
    e2e_resize_blank(e, 30, 120);
    CHECK(e, e2e_wait(e, cond_contents, NULL, T_WAIT),
          "after a resize to 120x30 the contents are not drawn again");
    CHECK(e, e2e_wait(e, cond_selected, (void *)interview_sections[0], T_WAIT),
          "the resize lost the selection of \"%s\"", interview_sections[0]);
    e2e_send(e, "j");
    CHECK(e, e2e_wait(e, cond_selected, (void *)interview_sections[1], T_WAIT),
          "j did not select \"%s\"", interview_sections[1]);
    e2e_key_enter(e);
    CHECK(e, wait_top(e, interview_sections[1], T_WAIT), "Enter did not go to \"%s\"",
          interview_sections[1]);
    WAIT_PAGE(e, 3);
}

/* The number at the end of the row that starts with ARG ("Een aanklappende"), past 8: the
 * page of the last section at a size smaller than 80x24, where each section is one page. */
static bool cond_last_section_past_8(struct e2e *e, void *arg)
{
    int row, col;
    char *text;
    const char *p;
    long n = 0;

    if (!e2e_find(e, arg, &row, &col))
        return false;
    text = e2e_row(e, row);
    p = text + strlen(text);
    while (p > text && p[-1] == ' ')
        p--;
    while (p > text && p[-1] >= '0' && p[-1] <= '9')
        p--;
    n = strtol(p, NULL, 10);
    free(text);
    return n > 8;
}

/* After a resize the lists show the pages at the new size: the contents, the bookmarks. */
static void test_resize_renumbers_lists(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);

    e2e_send(e, "t");
    CHECK(e, e2e_wait(e, cond_contents, NULL, T_WAIT), "t did not open the contents");
    WAIT_TEXT(e, "Een aanklappende aanpak");
    e2e_resize(e, 12, 40);
    CHECK(e, e2e_wait(e, cond_last_section_past_8, (void *)"Een aanklappende", T_WAIT),
          "after a resize to 40x12 the contents still give the pages at 80x24");
    e2e_key_esc(e);
    e2e_resize(e, 24, 80);
    WAIT_PAGE(e, 1);
    e2e_send(e, "G");
    WAIT_PAGE(e, 8);
    e2e_send(e, "ma");
    e2e_send(e, "B");
    WAIT_TEXT(e, "p. 8");
    e2e_resize(e, 12, 40);
    CHECK(e, e2e_wait_no_text(e, "p. 8 ", T_WAIT),
          "after a resize to 40x12 the bookmarks still give the page at 80x24");
}

int group_robust(void)
{
    const struct CMUnitTest tests[] = {
        E2E_TEST(test_control_characters),   E2E_TEST(test_binary_file),
        E2E_TEST(test_unknown_term),         E2E_TEST(test_term_dumb),
        E2E_TEST(test_terminal_types),       E2E_TEST(test_c_locale),
        E2E_TEST(test_small_terminal),       E2E_TEST(test_crlf_bom),
        E2E_TEST(test_unreadable_keys),      E2E_TEST(test_resize_renumbers_lists),
        E2E_TEST(test_empty_file),           E2E_TEST(test_ctrl_c),
        E2E_TEST(test_resize_search_prompt), E2E_TEST(test_resize_contents),
    };
    return cmocka_run_group_tests_name("robustness", tests, NULL, NULL);
}
