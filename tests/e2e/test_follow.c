/* F: following the end of a text that grows, a file (a log) or a pipe still coming in. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* LINE and a newline at the end of PATH (or in its place, with MODE "w"). */
static void put_line(const char *path, const char *mode, const char *line)
{
    FILE *f = fopen(path, mode);
    if (f != NULL) {
        fprintf(f, "%s\n", line);
        fclose(f);
    }
}

/* q quits, with status 0 (a sanitizer's report would make it another). */
static void check_quits(struct e2e *e)
{
    int status = -1;

    e2e_send(e, "q");
    CHECK(e, e2e_wait_exit(e, T_WAIT, &status), "q did not quit");
    CHECK(e, WIFEXITED(status) && WEXITSTATUS(status) == 0, "q: exit status %d, not 0",
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* A log of 60 lines, more than two pages at 24 rows. */
static const char *log_file(void)
{
    char text[4096] = "";
    for (int i = 1; i <= 60; i++) {
        char line[64];
        snprintf(line, sizeof line, "log line %d of the first part\n", i);
        strcat(text, line);
    }
    return e2e_fixture("follow.log", text);
}

/* F shows the end of a file, and what is added to it as it comes; a key stops that (and what
 * came meanwhile shows at the next F); a file cut short is shown anew; Ctrl-C only stops. */
static void test_follow_file(void **state)
{
    const char *path = log_file();
    const char *args[] = {path, NULL};
    struct e2e *e = lees_open(state, 24, 80, args);

    WAIT_TEXT(e, "log line 1 of");
    e2e_send(e, "F");
    WAIT_STATUS(e, "Following");
    WAIT_STATUS(e, "following  page"); /* for as long as it follows */
    WAIT_TEXT(e, "log line 60 of");
    put_line(path, "a", "appended while following");
    WAIT_TEXT(e, "appended while following");
    WAIT_STATUS(e, "page 3/3"); /* a short text is counted while followed */
    e2e_send(e, "k");           /* stops following, and moves a line up */
    WAIT_NO_TEXT(e, "Following");
    put_line(path, "a", "appended after the key");
    CHECK(e, !e2e_wait_text(e, "appended after the key", T_FAST),
          "the file was still followed after a key");
    e2e_send(e, "F");
    WAIT_TEXT(e, "appended after the key");
    WAIT_STATUS(e, "Following");
    put_line(path, "w", "a fresh start");
    WAIT_TEXT(e, "a fresh start");
    WAIT_STATUS(e, "cut short");
    e2e_ctrl(e, 'c');
    WAIT_STATUS(e, "No longer following");
    put_line(path, "a", "after Ctrl-C");
    CHECK(e, !e2e_wait_text(e, "after Ctrl-C", T_FAST), "Ctrl-C did not stop following");
    check_quits(e);
}

/* Without F, G and a page forward at the end read on in a file that has grown since it was
 * opened, as less does; the lines added to the last page shown are shown there first. */
static void test_end_reads_on(void **state)
{
    const char *path = log_file();
    const char *args[] = {path, NULL};
    struct e2e *e = lees_open(state, 24, 80, args);

    WAIT_TEXT(e, "log line 1 of");
    put_line(path, "a", "grown before G");
    e2e_send(e, "G");
    WAIT_TEXT(e, "grown before G");
    for (int i = 1; i <= 30; i++) {
        char line[32];
        snprintf(line, sizeof line, "more line %d.", i);
        put_line(path, "a", line);
    }
    e2e_send(e, " ");
    WAIT_TEXT(e, "more line 1.");
    CHECK(e, text_row_of(e, "grown before G") >= 0, "the page forward skipped the lines added");
    e2e_send(e, " ");
    WAIT_TEXT(e, "more line 30.");
    e2e_send(e, " ");
    WAIT_STATUS(e, "End of the text");
    check_quits(e);
}

/* A file empty when opened is read on too, once something is in it. */
static void test_end_reads_on_empty(void **state)
{
    const char *path = e2e_fixture("empty.log", "");
    const char *args[] = {path, NULL};
    struct e2e *e = lees_open(state, 24, 80, args);

    put_line(path, "a", "written after the start");
    e2e_send(e, "G");
    WAIT_TEXT(e, "written after the start");
    check_quits(e);
}

/* An empty file can be followed: a log just made, waiting for its first lines. */
static void test_follow_empty(void **state)
{
    const char *path = e2e_fixture("fresh.log", "");
    const char *args[] = {path, NULL};
    struct e2e *e = lees_open(state, 24, 80, args);

    e2e_send(e, "F");
    WAIT_STATUS(e, "Following");
    put_line(path, "a", "the first entry");
    WAIT_TEXT(e, "the first entry");
    check_quits(e);
}

/* A FIFO put in the place of a file followed stops the following with a word (opening it would
 * block the reader until a writer came); the reader goes on and quits. */
static void test_follow_replaced_by_fifo(void **state)
{
    const char *path = log_file();
    const char *args[] = {path, NULL};
    struct e2e *e = lees_open(state, 24, 80, args);

    e2e_send(e, "F");
    WAIT_STATUS(e, "Following");
    remove(path);
    CHECK(e, mkfifo(path, 0600) == 0, "could not make a FIFO");
    WAIT_STATUS(e, "not a regular file");
    check_quits(e);
    remove(path);
}

/* F pressed again while following, and G on the last page, are no jumps: '' still goes back to
 * where the view was before the first. */
static void test_jump_back_kept(void **state)
{
    const char *path = log_file();
    const char *args[] = {path, NULL};
    struct e2e *e = lees_open(state, 24, 80, args);

    e2e_send(e, "F");
    WAIT_STATUS(e, "Following");
    e2e_send(e, "F");
    e2e_send(e, "G"); /* stops following; already on the last page */
    WAIT_NO_TEXT(e, "Following");
    e2e_send(e, "G");
    e2e_send(e, "''");
    WAIT_TEXT(e, "log line 1 of");
    check_quits(e);
}

/* PATH replaced by a file of 100 new lines and then its old text (a log rotated, or rewritten
 * by an editor). */
static void replace_file(struct e2e *e, const char *path)
{
    char next[4096], line[64];
    FILE *in, *out;

    snprintf(next, sizeof next, "%s.new", path);
    out = fopen(next, "w");
    in = fopen(path, "r");
    CHECK(e, out != NULL && in != NULL, "could not write the new file");
    for (int i = 1; i <= 100; i++)
        fprintf(out, "new head %d\n", i);
    while (fgets(line, sizeof line, in) != NULL)
        fputs(line, out);
    fclose(in);
    fclose(out);
    CHECK(e, rename(next, path) == 0, "could not put the new file in place");
}

/* A file replaced by another has its marks found again by their quotes, whether F or G opens
 * it again: 'a goes to the line it was set on, which now stands lower. */
static void check_replaced_marks(void **state, const char *key)
{
    const char *path = log_file();
    const char *args[] = {path, NULL};
    struct e2e *e = lees_open(state, 24, 80, args);

    e2e_send(e, "29j");
    WAIT_TOP(e, "log line 30 of");
    e2e_send(e, "ma");
    WAIT_STATUS(e, "Mark 'a set");
    if (strcmp(key, "F") == 0) {
        e2e_send(e, "F");
        WAIT_STATUS(e, "Following");
        replace_file(e, path);
    } else {
        replace_file(e, path);
        e2e_send(e, key);
    }
    WAIT_STATUS(e, "replaced");
    e2e_send(e, "'a");
    WAIT_TEXT(e, "log line 30 of");
    check_quits(e);
}

static void test_follow_replaced_marks(void **state)
{
    check_replaced_marks(state, "F");
}

static void test_end_replaced_marks(void **state)
{
    check_replaced_marks(state, "G");
}

/* +G opens at the last page, +F following the end, as in less. */
static void test_follow_option(void **state)
{
    const char *path = log_file();
    const char *last[] = {"+G", path, NULL};
    const char *follow[] = {"+F", path, NULL};
    const char *both[] = {"+F", "+/nowhere", path, NULL};
    struct e2e *e = lees_open(state, 24, 80, last);

    WAIT_TEXT(e, "log line 60 of");
    WAIT_STATUS(e, "100%");
    check_quits(e);
    e = lees_open(state, 24, 80, follow);
    WAIT_STATUS(e, "Following");
    put_line(path, "a", "appended after +F");
    WAIT_TEXT(e, "appended after +F");
    check_quits(e);
    e = lees_open(state, 24, 80, both);
    WAIT_STATUS(e, "+F follows the end");
    WAIT_STATUS(e, "following  page");
    WAIT_TEXT(e, "appended after +F");
    check_quits(e);
}

/* A book of 3 MB, longer than lees parses at once: "# Een lang boek", then "## Hoofdstuk N"
 * sections of numbered lines. */
static const char *long_book(void)
{
    size_t cap = (3u << 20) + 4096, len = 0;
    char *text = malloc(cap);
    const char *path;

    if (text == NULL)
        abort();
    len += (size_t)sprintf(text, "# Een lang boek\n\n");
    for (int part = 1; len < (3u << 20); part++) {
        len += (size_t)sprintf(text + len, "## Hoofdstuk %d\n\n", part);
        for (int i = 1; i <= 40; i++)
            len += (size_t)sprintf(text + len, "Regel %d van hoofdstuk %d.\n", i, part);
        text[len++] = '\n';
    }
    path = e2e_fixture_bytes("lang-boek.md", text, len);
    free(text);
    return path;
}

/* A long text that grows while followed goes on from the sections found in it (doc_reopen):
 * the lines and a section added show, the contents list the new section after the old ones,
 * and the top is where it was. */
static void test_follow_long_text(void **state)
{
    const char *path = long_book();
    const char *argv[] = {e2e_lees_path(), "+F", path, NULL};
    struct e2e *e = lees_spawn(state, 24, 80, argv, NULL);

    CHECK(e, e2e_wait_text(e, "Following", T_START), "+F did not follow");
    WAIT_STATUS(e, "page ?/?"); /* a long text is not counted while it is followed */
    put_line(path, "a", "## Nieuw hoofdstuk\n\nDe eerste nieuwe regel.");
    WAIT_TEXT(e, "De eerste nieuwe regel.");
    WAIT_TEXT(e, "Nieuw hoofdstuk");
    put_line(path, "a", "De tweede nieuwe regel.");
    WAIT_TEXT(e, "De tweede nieuwe regel.");
    e2e_send(e, "t"); /* stops following; the contents, at the section shown */
    WAIT_TEXT(e, "Nieuw hoofdstuk");
    CHECK(e,
          text_row_of(e, "Hoofdstuk") >= 0 &&
              text_row_of(e, "Hoofdstuk") < text_row_of(e, "Nieuw hoofdstuk"),
          "the sections found before are not listed before the new one");
    e2e_send(e, "q");
    WAIT_TEXT(e, "De tweede nieuwe regel.");
    e2e_send(e, "g");
    WAIT_STATUS(e, "page 1/");
    e2e_send(e, " ");
    WAIT_TEXT(e, "Regel 1 van hoofdstuk 1.");
    check_quits(e);
}

/* F on a pipe still coming in shows each new part at its end, without a key, until the writer
 * ends. */
static void test_follow_pipe(void **state)
{
    char go[4096];
    const char *script = "{ i=1; while [ $i -le 60 ]; do echo \"first part, line $i\"; "
                         "i=$((i+1)); done; while [ ! -e \"$1\" ]; do sleep 0.05; done; "
                         "echo 'Then the rest of it.'; } | \"$0\"";
    const char *argv[] = {"sh", "-c", script, e2e_lees_path(), go, NULL};
    struct e2e *e;

    snprintf(go, sizeof go, "%s/follow-go-%d", e2e_fixture_dir(), (int)getpid());
    remove(go);
    e = lees_spawn(state, 24, 80, argv, NULL);
    CHECK(e, e2e_wait_text(e, "first part, line 1", T_START),
          "the pipe's first lines did not show");
    WAIT_STATUS(e, "more coming");
    e2e_send(e, "F");
    WAIT_STATUS(e, "Following standard input");
    WAIT_TEXT(e, "first part, line 60");
    put_line(go, "w", "");
    WAIT_TEXT(e, "Then the rest of it.");
    WAIT_STATUS(e, "Standard input has ended");
    remove(go);
    check_quits(e);
}

/* A FIFO named on the command line (lees <(cmd), lees /dev/ttyS0) is shown as it comes, as a
 * pipe on standard input is, not read to its end first: it may never end.  F follows it. */
static void test_named_fifo(void **state)
{
    char fifo[4096], go[4096];
    const char *script = "{ i=1; while [ $i -le 60 ]; do echo \"fifo line $i\"; i=$((i+1)); "
                         "done; while [ ! -e \"$2\" ]; do sleep 0.05; done; "
                         "echo 'The rest of it.'; } > \"$1\" & exec \"$0\" \"$1\"";
    const char *argv[] = {"sh", "-c", script, e2e_lees_path(), fifo, go, NULL};
    struct e2e *e;

    snprintf(fifo, sizeof fifo, "%s/named-fifo-%d", e2e_fixture_dir(), (int)getpid());
    snprintf(go, sizeof go, "%s/named-fifo-go-%d", e2e_fixture_dir(), (int)getpid());
    remove(fifo);
    remove(go);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    e = lees_spawn(state, 24, 80, argv, NULL);
    CHECK(e, e2e_wait_text(e, "fifo line 1", T_START), "the FIFO's first lines did not show");
    WAIT_STATUS(e, "more coming");
    e2e_send(e, "F");
    WAIT_STATUS(e, "Following");
    WAIT_TEXT(e, "fifo line 60");
    put_line(go, "w", "");
    WAIT_TEXT(e, "The rest of it.");
    WAIT_STATUS(e, "has ended");
    remove(go);
    remove(fifo);
    check_quits(e);
}

/* F on a text that cannot grow (the built-in one) goes to its end and says so. */
static void test_follow_nothing(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);

    e2e_send(e, "F");
    WAIT_STATUS(e, "does not grow");
    WAIT_STATUS(e, "100%");
    check_quits(e);
}

int group_follow(void)
{
    const struct CMUnitTest tests[] = {
        E2E_TEST(test_follow_file),        E2E_TEST(test_end_reads_on),
        E2E_TEST(test_end_reads_on_empty), E2E_TEST(test_follow_replaced_by_fifo),
        E2E_TEST(test_jump_back_kept),     E2E_TEST(test_follow_pipe),
        E2E_TEST(test_follow_nothing),     E2E_TEST(test_follow_replaced_marks),
        E2E_TEST(test_follow_empty),       E2E_TEST(test_follow_option),
        E2E_TEST(test_end_replaced_marks), E2E_TEST(test_follow_long_text),
        E2E_TEST(test_named_fifo),
    };
    return cmocka_run_group_tests_name("follow", tests, NULL, NULL);
}
