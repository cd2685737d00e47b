/* Where the text comes from (a pipe, '-'), and wide characters. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void check_quits(struct e2e *e)
{
    e2e_send(e, "q");
    int status = -1;
    CHECK(e, e2e_wait_exit(e, T_WAIT, &status), "q did not quit");
    CHECK(e, WIFEXITED(status) && WEXITSTATUS(status) == 0, "q: exit status %d, not 0",
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* Text on a pipe, keys from the terminal (/dev/tty). */
static void test_stdin_pipe(void **state)
{
    const char *argv[] = {
        "sh", "-c",
        "printf '# Piped title\\n\\nText that came through a pipe.\\n\\n## Piped section\\n"
        "\\nMore.\\n' | \"$0\"",
        e2e_lees_path(), NULL};
    struct e2e *e = lees_spawn(state, 20, 80, argv, NULL);
    CHECK(e, wait_status(e, T_START), "the reader did not show its status line");
    WAIT_TOP(e, "Piped title");
    WAIT_TEXT(e, "Text that came through a pipe.");
    CHECK(e, text_has(e, "Piped title", ATTR_BOLD), "the piped Markdown heading is not bold");
    CHECK(e, text_row_of(e, INTERVIEW_TITLE) < 0, "the built-in text is shown, not the pipe");
    e2e_send(e, " ");
    CHECK(e, wait_top(e, "Piped section", T_WAIT),
          "Space (read from the terminal) did not go to the next page");
    check_quits(e);
}

/* `cmd | lees` with a slow cmd: a writer that sends its first lines, then holds the pipe open
 * until *GO exists, then sends the rest.  Started, and its first lines waited for. */
static struct e2e *start_writer(void **state, const char **go, const char *option)
{
    static char path[4096];
    const char *script = "{ printf '# Slow pipe\\n\\nThe first lines came at once.\\n'; "
                         "while [ ! -e \"$1\" ]; do sleep 0.05; done; "
                         "printf '\\n## Later\\n\\nThen the rest of it.\\n'; } | \"$0\" $2";
    const char *argv[] = {"sh", "-c", script, e2e_lees_path(), path, option, NULL};

    snprintf(path, sizeof path, "%s/go-%d", e2e_fixture_dir(), (int)getpid());
    remove(path);
    *go = path;
    return lees_spawn(state, 12, 80, argv, NULL);
}

/* The same, and its first lines waited for. */
static struct e2e *start_slow_writer(void **state, const char **go)
{
    struct e2e *e = start_writer(state, go, "");

    CHECK(e, e2e_wait_text(e, "The first lines came at once.", T_START),
          "the first lines of a pipe still open were not shown");
    return e;
}

static void let_go(const char *go)
{
    FILE *f = fopen(go, "w");
    if (f != NULL)
        fclose(f);
}

/* The first lines of a pipe show while its writer goes on; the rest shows once it comes, and
 * then the text is whole: a total of pages, and bookmarks that stick. */
static void test_stdin_shown_as_it_comes(void **state)
{
    const char *go;
    struct e2e *e = start_slow_writer(state, &go);

    WAIT_STATUS(e, "page 1/?");
    WAIT_STATUS(e, "more coming");
    e2e_send(e, " ");
    WAIT_STATUS(e, "No more yet");
    let_go(go);
    WAIT_STATUS(e, "page 1/2");
    CHECK(e, text_row_of(e, "more coming") < 0, "the status line still says more is coming");
    e2e_send(e, " ");
    WAIT_TEXT(e, "Then the rest of it.");
    e2e_send(e, "ma");
    WAIT_STATUS(e, "Mark 'a set");
    remove(go);
}

/* G on a pipe still open waits for its end, saying so, and then shows the last page. */
static void test_stdin_end_waits(void **state)
{
    const char *go;
    struct e2e *e = start_slow_writer(state, &go);

    e2e_send(e, "G");
    WAIT_STATUS(e, "Reading standard input to its end");
    e2e_send(e, "k"); /* a key stops the wait; the page stays */
    WAIT_NO_TEXT(e, "Reading standard input");
    WAIT_TEXT(e, "The first lines came at once.");
    e2e_send(e, "G");
    WAIT_STATUS(e, "Reading standard input to its end");
    let_go(go);
    WAIT_TEXT(e, "Then the rest of it.");
    WAIT_STATUS(e, "page 2/2");
    remove(go);
}

/* A search on a pipe still open that finds nothing in what has come reads on (a key stops
 * that), and the search follows the text as it grew. */
static void test_stdin_search_reads_on(void **state)
{
    const char *go;
    struct e2e *e = start_slow_writer(state, &go);

    e2e_send(e, "/rest\r");
    WAIT_STATUS(e, "Reading standard input to its end");
    e2e_send(e, "\x1b"); /* stopped: what had come holds no match */
    WAIT_NO_TEXT(e, "Reading standard input");
    e2e_send(e, "/first\r");
    WAIT_STATUS(e, "match 1/1");
    e2e_send(e, "/rest\r");
    WAIT_STATUS(e, "Reading standard input to its end");
    let_go(go);
    WAIT_TEXT(e, "Then the rest of it.");
    WAIT_STATUS(e, "match 1/1");
    e2e_send(e, "n"); /* the one match, again: found in the whole text */
    WAIT_STATUS(e, "match 1/1");
    CHECK(e, text_row_of(e, "Then the rest of it.") >= 0, "n left the only match");
    remove(go);
}

/* n past the last match in what has come of a pipe reads on for the next one, as less waits
 * for more, instead of going round to the first; N before the first reads on for the last. */
static void test_stdin_next_reads_on(void **state)
{
    const char *go;
    struct e2e *e = start_slow_writer(state, &go);

    e2e_send(e, "/the\r");
    WAIT_STATUS(e, "match 1/1");
    e2e_send(e, "n");
    WAIT_STATUS(e, "Reading standard input to its end");
    e2e_send(e, "j"); /* stopped: nothing past it has come */
    WAIT_NO_TEXT(e, "Reading standard input");
    WAIT_STATUS(e, "match 1/1");
    CHECK(e, !e2e_find(e, "wrapped", NULL, NULL), "n went round what had come");
    e2e_send(e, "N");
    WAIT_STATUS(e, "Reading standard input to its end");
    let_go(go);
    WAIT_TEXT(e, "Then the rest of it.");
    WAIT_STATUS(e, "match 3/3"); /* round the start, to the last match of the whole text */
    WAIT_TEXT(e, "Search wrapped to the bottom");
    e2e_send(e, "n");
    WAIT_STATUS(e, "match 1/3");
    e2e_send(e, "n");
    WAIT_STATUS(e, "match 2/3");
    remove(go);
}

/* A count before n on a pipe still open ends with the step a key stopped: that key is read at
 * once, not after each of the thousand steps has tried to read the rest again. */
static void test_stdin_count_next_stops(void **state)
{
    const char *go;
    struct e2e *e = start_slow_writer(state, &go);

    e2e_send(e, "/the\r");
    WAIT_STATUS(e, "match 1/1");
    e2e_send(e, "1000n");
    WAIT_STATUS(e, "Reading standard input to its end");
    e2e_send(e, "?"); /* stops the read, and opens its prompt */
    WAIT_PROMPT(e, "?");
    e2e_send(e, "\x1b");
    WAIT_STATUS(e, "more coming");
    let_go(go);
    WAIT_STATUS(e, "page 1/2");
    remove(go);
}

/* A G that a key stopped is no jump for '' to go back from; p and 0% on a pipe still open go to
 * its first page, which has come, without waiting for the rest. */
static void test_stdin_first_page_at_once(void **state)
{
    const char *go;
    struct e2e *e = start_slow_writer(state, &go);

    e2e_send(e, "G");
    WAIT_STATUS(e, "Reading standard input to its end");
    e2e_send(e, "\x1b");
    WAIT_NO_TEXT(e, "Reading standard input");
    e2e_send(e, "''");
    WAIT_STATUS(e, "No jump to go back from");
    e2e_send(e, "p");
    CHECK(e, !e2e_wait_text(e, "Reading standard input", T_FAST), "p waited for the pipe's end");
    e2e_send(e, "0%");
    CHECK(e, !e2e_wait_text(e, "Reading standard input", T_FAST), "0%% waited for the pipe's end");
    WAIT_STATUS(e, "more coming");
    let_go(go);
    WAIT_STATUS(e, "page 1/2");
    remove(go);
}

/* A pipe that never ends and writes fast (yes): after G, stopped by a key, the reader uses no
 * CPU while no key comes.  Each snapshot of it counted the pages from the top again, and the
 * last one (256 MiB of lines ahead of the page) took half a minute. */
static void test_stdin_fast_pipe_rests(void **state)
{
    char fifo[4096];
    const char *script = "yes > \"$1\" & exec \"$0\" < \"$1\"";
    const char *argv[] = {"sh", "-c", script, e2e_lees_path(), fifo, NULL};
    struct e2e *e;
    long ticks;

    snprintf(fifo, sizeof fifo, "%s/yes-%d", e2e_fixture_dir(), (int)getpid());
    remove(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    e = lees_spawn(state, 24, 80, argv, NULL);
    WAIT_STATUS(e, "more coming");
    e2e_send(e, "G");
    usleep(300 * 1000);
    e2e_send(e, "j"); /* stops G */
    /* At the top, where the page's number is known at once: a page deep in what has come would
     * be numbered by counting up to it while idle, which is work the reader asked for. */
    e2e_send(e, "g");
    WAIT_STATUS(e, "page 1/?");
    usleep(1500 * 1000);
    ticks = cpu_ticks_in(e2e_pid(e), 1000);
    CHECK(e, ticks >= 0 && ticks < 20,
          "the reader kept a CPU busy with no key pressed (%ld ticks in 1 s)", ticks);
    remove(fifo);
    e2e_send(e, "q");
}

/* The place left in a text from a pipe is kept by its content, and taken up again once the
 * same text has come in whole, while the reader has not moved from its top. */
static void test_stdin_place_kept(void **state)
{
    char option[4200];
    const char *go;
    struct e2e *e;

    snprintf(option, sizeof option, "--state %s/kept.state", e2e_fixture_dir());
    remove(option + strlen("--state "));
    e = start_writer(state, &go, option);
    CHECK(e, e2e_wait_text(e, "The first lines came at once.", T_START),
          "the first lines of a pipe still open were not shown");
    let_go(go);
    WAIT_STATUS(e, "page 1/2");
    e2e_send(e, "G");
    WAIT_TEXT(e, "Then the rest of it.");
    check_quits(e);
    remove(go);

    e = start_writer(state, &go, option);
    CHECK(e, e2e_wait_text(e, "The first lines came at once.", T_START),
          "the first lines of a pipe still open were not shown the second time");
    let_go(go);
    CHECK(e, wait_top(e, "Later", T_WAIT),
          "the place left (the section Later) was not taken up once the text had come whole");
    remove(go);
    remove(option + strlen("--state "));
}

/* +/PATTERN on a pipe still open: the match may lie in what is to come, so it is waited for. */
static void test_stdin_find_waits(void **state)
{
    const char *go;
    struct e2e *e = start_writer(state, &go, "+/rest");

    WAIT_STATUS(e, "Reading standard input to its end");
    let_go(go);
    WAIT_TEXT(e, "Then the rest of it.");
    WAIT_STATUS(e, "match 1/1");
    remove(go);
}

static void test_stdin_dash(void **state)
{
    const char *file = e2e_fixture("dash.txt", "Plain text read from standard input.\n"
                                               "Second line.\n");
    const char *argv[] = {"sh", "-c", "exec \"$0\" - < \"$1\"", e2e_lees_path(), file, NULL};
    struct e2e *e = lees_spawn(state, 12, 80, argv, NULL);
    CHECK(e, wait_status(e, T_START), "the reader did not show its status line");
    WAIT_TEXT(e, "Plain text read from standard input.");
    WAIT_TEXT(e, "Second line.");
    check_quits(e);
}

static void test_wide_characters(void **state)
{
    const char *text = "日本語のテキスト";
    const char *file = e2e_fixture("wide.txt", "日本語のテキスト\n"
                                               "abc日本def\n");
    const char *args[] = {file, NULL};
    struct e2e *e = lees_open(state, 10, 80, args);
    WAIT_TEXT(e, text);
    int row, col;
    e2e_find(e, text, &row, &col);
    static const uint32_t chars[] = {0x65E5, 0x672C, 0x8A9E, 0x306E,
                                     0x30C6, 0x30AD, 0x30B9, 0x30C8};
    for (int i = 0; i < 8; i++) {
        VTermScreenCell cell;
        CHECK(e, e2e_cell(e, row, col + 2 * i, &cell), "no cell %d", col + 2 * i);
        CHECK(e, cell.chars[0] == chars[i] && cell.width == 2,
              "character %d of \"%s\" should be U+%04X two cells wide at cell %d: U+%04X, "
              "%d wide",
              i + 1, text, (unsigned)chars[i], col + 2 * i, (unsigned)cell.chars[0], cell.width);
    }
    CHECK(e, row_last_col(e, row) == col + 14,
          "\"%s\" should end with a wide character at cells %d-%d", text, col + 14, col + 15);
    int c_abc = e2e_find_in_row(e, row + 1, "abc", 0);
    int c_def = e2e_find_in_row(e, row + 1, "def", 0);
    CHECK(e, c_abc >= 0 && c_def == c_abc + 7, "\"abc日本def\": def should be 7 cells after abc");
}

/* A line of wide characters wrapped in a 20-cell column: no row is wider, nothing is lost. */
static void test_wide_wrap(void **state)
{
    static const char ideographs[] = "日本語のテキスト";
    char line[400] = "";
    for (int i = 0; i < 5; i++)
        strcat(line, ideographs); /* 40 characters, 80 cells */
    char content[420];
    snprintf(content, sizeof content, "%s\n", line);
    const char *file = e2e_fixture("widewrap.txt", content);
    const char *args[] = {"--width", "20", file, NULL};
    struct e2e *e = lees_open(state, 12, 80, args);
    WAIT_TEXT(e, "日本語");
    char joined[800] = "";
    for (int r = 0; r < e2e_rows(e) - 1; r++) {
        int first = e2e_row_first_col(e, r);
        if (first < 0)
            continue;
        CHECK(e, first >= 30 && row_last_col(e, r) <= 49,
              "row %d leaves the 20-cell column (cells 30 to 49): cells %d to %d", r, first,
              row_last_col(e, r));
        char *s = e2e_row(e, r);
        strncat(joined, s + strspn(s, " "), sizeof joined - strlen(joined) - 1);
        free(s);
    }
    CHECK(e, strcmp(joined, line) == 0, "the wrapped rows do not make up the line again:\n%s",
          joined);
}

/* Combining marks sit on the character before them, wherever it is: after a run of ASCII,
 * at the end of a full row, after a wide character; "é" written whole is left as it is. */
static void test_combining_marks(void **state)
{
    char text[512];
    const char *path;
    const char *args[2] = {NULL, NULL};
    struct e2e *e;

    snprintf(text, sizeof text,
             "# C\n\nSimple caf\xc3\xa9 here and cafe\xcc\x81 here, e\xcc\x81 alone.\n\n"
             "na\xc3\xafve and nai\xcc\x88ve, \xe6\x97\xa5\xcc\x81\xe6\x9c\xac.\n\n"
             "%075d cafe\xcc\x81 end\n",
             0);
    path = e2e_fixture("combining.md", text);
    args[0] = path;
    e = lees_open(state, 24, 80, args);
    WAIT_TEXT(e, "Simple caf\xc3\xa9 here and cafe\xcc\x81 here, e\xcc\x81 alone.");
    WAIT_TEXT(e, "na\xc3\xafve and nai\xcc\x88ve, \xe6\x97\xa5\xcc\x81\xe6\x9c\xac.");
    WAIT_TEXT(e, "00000 cafe");
    /* At the end of a full row: libvterm leaves out a mark written in the last column, so what
     * is checked is that it is written right after its base. */
    e2e_pump(e);
    {
        static const char want[] = "00000 cafe\xcc\x81";
        size_t len, i = 0;
        const char *out = e2e_output(e, &len);
        while (i + sizeof want - 1 <= len && memcmp(out + i, want, sizeof want - 1) != 0)
            i++;
        CHECK(e, i + sizeof want - 1 <= len,
              "the mark at the end of a full row is not written after its base");
    }
    e2e_send(e, "q");
}

/* A mark with nothing before it on its row, in a column centred on a wide screen, is left out,
 * not put on the margin's last cell. */
static void test_combining_mark_not_in_margin(void **state)
{
    const char *path = e2e_fixture("mark-first.md", "# C\n\n\xcc\x81"
                                                    "abc def\n");
    const char *args[] = {"--width=40", NULL, NULL};
    struct e2e *e;
    char *row;
    int r;

    args[1] = path;
    e = lees_open(state, 24, 80, args);
    WAIT_TEXT(e, "abc def");
    r = text_row_of(e, "abc def");
    row = e2e_row(e, r);
    CHECK(e, row != NULL && strstr(row, "\xcc\x81") == NULL,
          "the mark was put in the margin: \"%s\"", row ? row : "");
    free(row);
    e2e_send(e, "q");
}

int group_input(void)
{
    const struct CMUnitTest tests[] = {
        E2E_TEST(test_stdin_pipe),
        E2E_TEST(test_stdin_shown_as_it_comes),
        E2E_TEST(test_stdin_end_waits),
        E2E_TEST(test_stdin_search_reads_on),
        E2E_TEST(test_stdin_next_reads_on),
        E2E_TEST(test_stdin_find_waits),
        E2E_TEST(test_stdin_count_next_stops),
        E2E_TEST(test_stdin_first_page_at_once),
        E2E_TEST(test_stdin_place_kept),
        E2E_TEST(test_stdin_fast_pipe_rests),
        E2E_TEST(test_stdin_dash),
        E2E_TEST(test_wide_characters),
        E2E_TEST(test_wide_wrap),
        E2E_TEST(test_combining_marks),
        E2E_TEST(test_combining_mark_not_in_margin),
    };
    return cmocka_run_group_tests_name("input", tests, NULL, NULL);
}
