/* Standard output not a terminal, options, and errors. */
#include "support.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The widest line of the output, in code points (the texts here have no wide characters). */
static int widest_line(const char *s)
{
    int widest = 0, w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n') {
            w = 0;
            continue;
        }
        if ((*p & 0xC0) != 0x80 && ++w > widest)
            widest = w;
    }
    return widest;
}

static void test_print_not_a_terminal(void **state)
{
    (void)state;
    struct piped r;
    const char *args[] = {INTERVIEW_FILE, NULL};
    piped_run(&r, args, NULL, NULL);
    CHECK_PIPED(&r, r.code == 0, "lees FILE | cat should exit 0");
    CHECK_PIPED(&r, r.out_len == strlen(r.out), "the output holds a NUL byte");
    CHECK_PIPED(&r, strchr(r.out, '\033') == NULL, "the output holds an escape byte (0x1b)");
    CHECK_PIPED(&r, strstr(r.out, INTERVIEW_TITLE) != NULL, "the title is not printed");
    for (int i = 0; i < INTERVIEW_SECTIONS; i++)
        CHECK_PIPED(&r, strstr(r.out, interview_sections[i]) != NULL, "\"%s\" is not printed",
                    interview_sections[i]);
    CHECK_PIPED(&r, strstr(r.out, "Mechelen zet maximaal in") != NULL,
                "the emphasised text is not printed");
    CHECK_PIPED(&r, strstr(r.out, "burgemeester Mechelen") != NULL, "the end is not printed");
    CHECK_PIPED(&r,
                strstr(r.out, "##") == NULL && strstr(r.out, "**") == NULL &&
                    strstr(r.out, "*Mechelen") == NULL,
                "Markdown markup is printed as such");
    CHECK_PIPED(&r, widest_line(r.out) <= 80, "a line is %d characters wide, more than 80",
                widest_line(r.out));
    CHECK_PIPED(&r, r.err[0] == '\0', "something was written to stderr");
    piped_free(&r);
}

static void test_print_width(void **state)
{
    (void)state;
    struct piped r;
    const char *args[] = {"--width", "40", INTERVIEW_FILE, NULL};
    piped_run(&r, args, NULL, NULL);
    CHECK_PIPED(&r, r.code == 0, "exit status %d", r.code);
    CHECK_PIPED(&r, widest_line(r.out) <= 40, "--width 40: a line is %d characters wide",
                widest_line(r.out));
    CHECK_PIPED(&r, widest_line(r.out) >= 30, "--width 40: lines of at most %d characters",
                widest_line(r.out));
    CHECK_PIPED(&r, strstr(r.out, "Drie actiedomeinen") != NULL, "a heading is missing");
    piped_free(&r);
}

static void test_print_stdin(void **state)
{
    (void)state;
    static const char text[] = "# From stdin\n\nSome *piped* text.\n";
    struct piped r;
    const char *dash[] = {"-", NULL};
    piped_run(&r, dash, NULL, text);
    CHECK_PIPED(&r, r.code == 0, "lees - < text > pipe: exit status %d", r.code);
    CHECK_PIPED(&r, strstr(r.out, "From stdin") && strstr(r.out, "Some piped text."),
                "lees - did not print standard input");
    CHECK_PIPED(&r, strchr(r.out, '\033') == NULL, "an escape byte in the output");
    piped_free(&r);
    piped_run(&r, NULL, NULL, text);
    CHECK_PIPED(&r, r.code == 0, "lees < pipe > pipe: exit status %d", r.code);
    CHECK_PIPED(&r, strstr(r.out, "From stdin") && !strstr(r.out, INTERVIEW_TITLE),
                "lees with a pipe on stdin should print the pipe, not the built-in text");
    piped_free(&r);
}

static void test_toc_option(void **state)
{
    (void)state;
    struct piped r;
    const char *args[] = {"--toc", INTERVIEW_FILE, NULL};
    piped_run(&r, args, NULL, NULL);
    CHECK_PIPED(&r, r.code == 0, "--toc: exit status %d", r.code);
    CHECK_PIPED(&r, strchr(r.out, '\033') == NULL, "an escape byte in the output");
    const char *at = r.out;
    for (int i = 0; i < INTERVIEW_SECTIONS; i++) {
        const char *p = strstr(at, interview_sections[i]);
        CHECK_PIPED(&r, p != NULL, "--toc does not list \"%s\" (after the ones before it)",
                    interview_sections[i]);
        at = p;
    }
    CHECK_PIPED(&r, strstr(r.out, "Mechelen zet maximaal") == NULL, "--toc prints the text");
    piped_free(&r);
}

static void test_help_option(void **state)
{
    (void)state;
    struct piped r;
    const char *args[] = {"--help", NULL};
    piped_run(&r, args, NULL, NULL);
    CHECK_PIPED(&r, r.code == 0, "--help: exit status %d", r.code);
    CHECK_PIPED(&r, strstr(r.out, "lees") != NULL, "--help does not print a usage");
    CHECK_PIPED(&r, strstr(r.out, "--width") && strstr(r.out, "--toc"),
                "the usage does not name --width and --toc");
    CHECK_PIPED(&r, r.err[0] == '\0', "--help writes to stderr");
    piped_free(&r);
}

static void test_version_option(void **state)
{
    (void)state;
    struct piped r;
    const char *args[] = {"--version", NULL};
    piped_run(&r, args, NULL, NULL);
    CHECK_PIPED(&r, r.code == 0, "--version: exit status %d", r.code);
    CHECK_PIPED(&r, strncmp(r.out, "lees ", 5) == 0, "--version should print \"lees VERSION\"");
    CHECK_PIPED(&r, strchr(r.out, '\n') != NULL, "--version does not end its line");
    piped_free(&r);
}

static void test_bad_option(void **state)
{
    (void)state;
    struct piped r;
    const char *args[] = {"--no-such-option", NULL};
    piped_run(&r, args, NULL, NULL);
    CHECK_PIPED(&r, r.code == 2, "a bad option: exit status %d, not 2", r.code);
    CHECK_PIPED(&r, strncmp(r.err, "lees: ", 6) == 0, "the message should start \"lees: \"");
    CHECK_PIPED(&r, r.out[0] == '\0', "a bad option prints to stdout");
    piped_free(&r);
}

#define T_RUN 5000 /* for a run through another program (setpriv) */

/* Runs argv (which ends with path) and checks the error for a file that cannot be read. */
static void check_file_error_argv(const char *const argv[], const char *path, const char *what)
{
    struct piped r;
    memset(&r, 0, sizeof r);
    bool ok = e2e_run_piped(argv, NULL, NULL, T_RUN, &r.out, &r.out_len, &r.err, &r.status);
    CHECK(NULL, ok, "lees %s did not finish within %d ms", path, T_RUN);
    r.code = WIFEXITED(r.status) ? WEXITSTATUS(r.status) : 128 + WTERMSIG(r.status);
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "lees: %s: ", path);
    CHECK_PIPED(&r, r.code == 1, "%s: exit status %d, not 1", what, r.code);
    CHECK_PIPED(&r, strncmp(r.err, prefix, strlen(prefix)) == 0,
                "%s: stderr should start \"%s\" and give the reason", what, prefix);
    CHECK_PIPED(&r, strlen(r.err) > strlen(prefix) + 1, "%s: no reason after \"%s\"", what, prefix);
    CHECK_PIPED(&r, r.out[0] == '\0', "%s: something on stdout", what);
    piped_free(&r);
}

static void check_file_error(const char *path, const char *what)
{
    const char *argv[] = {"lees", path, NULL};
    check_file_error_argv(argv, path, what);
}

static void test_missing_file(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/no-such-file.md", e2e_fixture_dir());
    check_file_error(path, "a missing file");
}

static void test_directory(void **state)
{
    (void)state;
    check_file_error(e2e_fixture_dir(), "a directory");
}

/* Root reads a file whatever its mode, so as root the reader runs as nobody (through
 * setpriv), in a fixture directory opened to others.  Not skip(): the test runner counts a
 * skipped test as a failed one. */
static void test_unreadable_file(void **state)
{
    (void)state;
    const char *path = e2e_fixture("unreadable.md", "# Secret\n");
    CHECK(NULL, chmod(path, 0) == 0, "cannot chmod %s", path);
    if (geteuid() != 0) {
        check_file_error(path, "an unreadable file");
        return;
    }
    if (access("/usr/bin/setpriv", X_OK) != 0) {
        printf("# test_unreadable_file: not run (root, and no setpriv to run as nobody)\n");
        return;
    }
    CHECK(NULL, chmod(e2e_fixture_dir(), 0755) == 0, "cannot open the fixture directory");
    const char *argv[] = {"/usr/bin/setpriv",
                          "--reuid=65534",
                          "--regid=65534",
                          "--clear-groups",
                          e2e_lees_path(),
                          path,
                          NULL};
    check_file_error_argv(argv, path, "an unreadable file (as nobody)");
}

int group_piped(void)
{
    const struct CMUnitTest tests[] = {
        E2E_TEST(test_print_not_a_terminal),
        E2E_TEST(test_print_width),
        E2E_TEST(test_print_stdin),
        E2E_TEST(test_toc_option),
        E2E_TEST(test_help_option),
        E2E_TEST(test_version_option),
        E2E_TEST(test_bad_option),
        E2E_TEST(test_missing_file),
        E2E_TEST(test_directory),
        E2E_TEST(test_unreadable_file),
    };
    return cmocka_run_group_tests_name("not a terminal", tests, NULL, NULL);
}
