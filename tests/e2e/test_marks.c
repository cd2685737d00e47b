/* Bookmarks, quick marks and the reading position, kept in the state file: M, m, ', B and its
 * keys, --bookmarks, reopening where the text was left, --no-state, the file's modes, a
 * damaged file, and saving on a hangup or SIGTERM. */
#include "support.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The status line, without the blanks around it, is arg. */
static bool cond_status_is(struct e2e *e, void *arg)
{
    char *row = e2e_row(e, -1);
    bool ok = strcmp(row + strspn(row, " "), arg) == 0;
    free(row);
    return ok;
}

/* The status line holds one of the strings of the NULL-terminated arg. */
static bool cond_status_any(struct e2e *e, void *arg)
{
    for (const char *const *s = arg; *s; s++)
        if (e2e_find_in_row(e, -1, *s, 0) >= 0)
            return true;
    return false;
}

#define WAIT_LIST(e, title)                                                                        \
    CHECK(e, e2e_wait(e, cond_row0, (void *)(title), T_WAIT),                                      \
          "waited in vain for the list \"%s\"", (title))

/* Moves the selection of a list down (j) to the row holding text. */
static void select_row(struct e2e *e, const char *text)
{
    for (int i = 0; i < 10; i++) {
        if (e2e_wait(e, cond_selected_holds, (void *)text, i == 0 ? T_FAST : 200))
            return;
        e2e_send(e, "j");
    }
    CHECK(e, e2e_wait(e, cond_selected_holds, (void *)text, T_WAIT),
          "j did not bring the selection to the row with \"%s\"", text);
}

/* The rows of the screen above the status line that hold "p. ". */
static int count_rows(struct e2e *e, const char *needle)
{
    int n = 0;
    for (int r = 1; r < e2e_rows(e) - 1; r++)
        if (e2e_find_in_row(e, r, needle, 0) >= 0)
            n++;
    return n;
}

struct count_arg {
    const char *needle;
    int n;
};

static bool cond_count(struct e2e *e, void *arg)
{
    struct count_arg *a = arg;
    return count_rows(e, a->needle) == a->n;
}

#define WAIT_COUNT(e, needle, count)                                                               \
    CHECK(e, e2e_wait(e, cond_count, &(struct count_arg){(needle), (count)}, T_WAIT),              \
          "waited in vain for %d rows holding \"%s\"", (count), (needle))

/* Today, as YYYY-MM-DD, in local time and in UTC (the list may show either). */
static bool row_has_today(struct e2e *e, int row)
{
    time_t now = time(NULL);
    struct tm tm;
    char day[16];
    strftime(day, sizeof day, "%Y-%m-%d", localtime_r(&now, &tm));
    if (e2e_find_in_row(e, row, day, 0) >= 0)
        return true;
    strftime(day, sizeof day, "%Y-%m-%d", gmtime_r(&now, &tm));
    return e2e_find_in_row(e, row, day, 0) >= 0;
}

static void quit(struct e2e *e)
{
    e2e_send(e, "q");
    int status = -1;
    CHECK(e, e2e_wait_exit(e, T_WAIT, &status), "q did not quit");
    CHECK(e, WIFEXITED(status) && WEXITSTATUS(status) == 0, "q: exit status %d",
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* The offset on the "position" line of the state file, or -1. */
static long state_position(const char *dir)
{
    char *text = slurp(state_file_in(dir), NULL);
    long pos = -1;
    if (text) {
        char *p = strstr(text, "\nposition ");
        if (p)
            pos = strtol(p + 10, NULL, 10);
    }
    free(text);
    return pos;
}

/* A small file's content, NUL-terminated, in buf. */
static bool read_small(const char *path, char *buf, size_t cap)
{
    size_t len;
    char *text = slurp(path, &len);
    bool ok = text && len < cap;
    if (ok)
        memcpy(buf, text, len + 1);
    free(text);
    return ok;
}

static bool exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/* M: a bookmark named after the top line (Enter alone) or as typed; B lists them. */
static void test_bookmark_add(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, "3g");
    WAIT_PAGE(e, 3);
    WAIT_TOP(e, interview_sections[1]);
    e2e_send(e, "M");
    WAIT_PROMPT(e, "Bookmark name");
    {
        char *row = e2e_row(e, -1);
        bool cut = strchr(row, '(') && !strchr(row, ')');
        free(row);
        CHECK(e, !cut, "the prompt \"Bookmark name (...)\" is cut short");
    }
    e2e_key_enter(e);
    WAIT_STATUS(e, "Bookmark added");
    WAIT_PAGE(e, 3);
    e2e_send(e, "5g");
    WAIT_PAGE(e, 5);
    e2e_send(e, "M");
    WAIT_PROMPT(e, "Bookmark name");
    e2e_send(e, "Mijn plek");
    WAIT_STATUS(e, "Mijn plek");
    e2e_key_enter(e);
    WAIT_STATUS(e, "Bookmark added");
    e2e_send(e, "B");
    WAIT_LIST(e, "Bookmarks");
    int named = text_row_of(e, "Mijn plek");
    CHECK(e, named > 0, "the bookmark \"Mijn plek\" is not listed");
    CHECK(e, e2e_find_in_row(e, named, interview_sections[3], 0) >= 0,
          "\"Mijn plek\" should name its section, \"%s\"", interview_sections[3]);
    CHECK(e, e2e_find_in_row(e, named, "p. 5", 0) >= 0, "\"Mijn plek\" should be on p. 5");
    CHECK(e, row_has_today(e, named), "\"Mijn plek\" does not show today's date");
    int first = -1;
    for (int r = 1; r < e2e_rows(e) - 1 && first < 0; r++)
        if (r != named && e2e_find_in_row(e, r, "p. 3", 0) >= 0)
            first = r;
    CHECK(e, first > 0, "the bookmark made on page 3 is not listed with \"p. 3\"");
    CHECK(e, e2e_find_in_row(e, first, interview_sections[1], 0) >= 0,
          "the bookmark made with Enter alone should be named after the top line, \"%s\"",
          interview_sections[1]);
    CHECK(e, row_has_today(e, first), "the bookmark on p. 3 does not show today's date");
    WAIT_COUNT(e, "p. ", 2);
    e2e_key_esc(e);
    CHECK(e, e2e_wait(e, cond_not_row0, "Bookmarks", T_FAST), "Esc did not close the bookmarks");
    WAIT_PAGE(e, 5);
}

/* m letter, ' letter, and '' back to where the view was before the jump. */
static void test_quick_marks(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, "2g");
    WAIT_PAGE(e, 2);
    e2e_send(e, "ma");
    WAIT_STATUS(e, "Mark 'a set");
    e2e_send(e, "6g");
    WAIT_PAGE(e, 6);
    e2e_send(e, "'a");
    CHECK(e, wait_page(e, 2, T_WAIT), "'a did not go to page 2, where mark a was set");
    WAIT_TOP(e, interview_sections[0]);
    e2e_send(e, "''");
    CHECK(e, wait_page(e, 6, T_WAIT), "'' did not go back to page 6, where 'a jumped from");
    e2e_send(e, "''");
    CHECK(e, wait_page(e, 2, T_WAIT), "a second '' did not go to page 2 again");
    e2e_send(e, "B");
    WAIT_LIST(e, "Bookmarks");
    int row = text_row_of(e, "'a");
    CHECK(e, row > 0 && e2e_find_in_row(e, row, "p. 2", 0) >= 0,
          "the bookmarks do not list 'a on p. 2");
}

/* In B: Enter goes to a bookmark, d deletes, u undoes, r renames; --bookmarks prints them. */
static void test_bookmark_list_keys(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, "3g");
    WAIT_PAGE(e, 3);
    e2e_send(e, "M");
    WAIT_PROMPT(e, "Bookmark name");
    e2e_key_enter(e);
    WAIT_STATUS(e, "Bookmark added");
    e2e_send(e, "6g");
    WAIT_PAGE(e, 6);
    e2e_send(e, "mb");
    WAIT_STATUS(e, "Mark 'b set");
    e2e_send(e, "g");
    WAIT_PAGE(e, 1);

    e2e_send(e, "B");
    WAIT_LIST(e, "Bookmarks");
    WAIT_COUNT(e, "p. ", 2);
    select_row(e, "p. 6");
    e2e_key_enter(e);
    CHECK(e, wait_page(e, 6, T_WAIT), "Enter on the bookmark on p. 6 did not go to page 6");
    CHECK(e, !e2e_find(e, "Bookmarks", NULL, NULL), "the list is still drawn after Enter");

    e2e_send(e, "B");
    WAIT_LIST(e, "Bookmarks");
    select_row(e, "p. 3");
    e2e_send(e, "d");
    WAIT_COUNT(e, "p. 3", 0);
    WAIT_COUNT(e, "p. ", 1);
    e2e_send(e, "u");
    WAIT_COUNT(e, "p. 3", 1);
    WAIT_COUNT(e, "p. ", 2);
    select_row(e, "p. 3");
    e2e_send(e, "r");
    WAIT_PROMPT(e, "Rename: ");
    e2e_ctrl(e, 'u');
    CHECK(e, e2e_wait(e, cond_status_is, "Rename:", T_WAIT), "Ctrl-U did not empty the prompt");
    e2e_send(e, "Nieuwe naam");
    WAIT_STATUS(e, "Rename: Nieuwe naam");
    e2e_key_enter(e);
    CHECK(e, e2e_wait(e, cond_selected_holds, "Nieuwe naam", T_WAIT),
          "the renamed bookmark does not show its new name");
    CHECK(e, e2e_find_in_row(e, text_row_of(e, "Nieuwe naam"), "p. 3", 0) >= 0,
          "the renamed bookmark is no longer on p. 3");
    /* Delete 'b for good: d, then close the list. */
    select_row(e, "'b");
    e2e_send(e, "d");
    WAIT_COUNT(e, "p. ", 1);
    e2e_key_esc(e);
    CHECK(e, e2e_wait(e, cond_not_row0, "Bookmarks", T_FAST), "Esc did not close the bookmarks");
    WAIT_PAGE(e, 6);

    /* Saved with every change: another lees sees them while this one runs. */
    char env0[4200];
    snprintf(env0, sizeof env0, "XDG_STATE_HOME=%s/state", e2e_home(e));
    const char *env[] = {env0, NULL};
    const char *args[] = {"--bookmarks", NULL};
    struct piped r;
    piped_run(&r, args, env, NULL);
    CHECK_PIPED(&r, r.code == 0, "--bookmarks: exit status %d", r.code);
    CHECK_PIPED(&r, !strchr(r.out, '\033'), "--bookmarks: an escape byte in the output");
    CHECK_PIPED(&r, strncmp(r.out, "Nieuwe naam\tDrie actiedomeinen\tp. 3\t", 36) == 0,
                "--bookmarks should print \"Nieuwe naam<TAB>Drie actiedomeinen<TAB>p. 3<TAB>"
                "date\"");
    CHECK_PIPED(&r, strchr(r.out, '\n') == r.out + r.out_len - 1,
                "--bookmarks should print one line: 'b was deleted");
    piped_free(&r);
}

/* Reopening a text starts where it was left, unless +N, +/PATTERN or --section says
 * otherwise. */
static void test_reopen_position(void **state)
{
    const char *dir;
    const char *env[] = {state_home_env(&dir), NULL};
    struct e2e *e = lees_open_env(state, 24, 80, NULL, env);
    e2e_send(e, "6g");
    WAIT_PAGE(e, 6);
    quit(e);
    CHECK(e, state_position(dir) > 0, "no position was saved in %s", state_file_in(dir));

    e = lees_open_env(state, 24, 80, NULL, env);
    CHECK(e, wait_page(e, 6, T_WAIT),
          "reopened, the text should start on page 6, where it was left");
    WAIT_TOP(e, interview_sections[4]);
    quit(e);

    const char *plus[] = {"+2", NULL};
    e = lees_open_env(state, 24, 80, plus, env);
    CHECK(e, wait_page(e, 2, T_WAIT), "+2 should open on page 2, not where the text was left");
    e2e_send(e, "7g");
    WAIT_PAGE(e, 7);
    quit(e);

    const char *section[] = {"--section", "3", NULL};
    e = lees_open_env(state, 24, 80, section, env);
    CHECK(e, wait_top(e, interview_sections[1], T_WAIT),
          "--section 3 should open at \"%s\", not where the text was left", interview_sections[1]);
    WAIT_PAGE(e, 3);
    e2e_send(e, "7g");
    WAIT_PAGE(e, 7);
    quit(e);

    const char *find[] = {"+/creeren", NULL};
    e = lees_open_env(state, 24, 80, find, env);
    CHECK(e, wait_page(e, 2, T_WAIT), "+/creeren should open on page 2, at the first match");
    WAIT_STATUS(e, "match 1/2");
}

/* Copy the file FROM to TO. */
static void copy_to(const char *from, const char *to)
{
    size_t len;
    char *text = slurp(from, &len);
    FILE *f = fopen(to, "w");

    assert_non_null(text);
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    free(text);
}

/* A file read with a state that holds no text yet (its entry is looked for after the first
 * screen, not before): its place is kept under its path and its content, so it opens there
 * again, and again once the file has been renamed. */
static void test_first_text_in_state(void **state)
{
    const char *dir;
    const char *env[] = {state_home_env(&dir), NULL};
    char path[4096], moved[4096], *saved, *real;
    int top;
    struct e2e *e;

    snprintf(path, sizeof path, "%s/first-%d.txt", e2e_fixture_dir(), (int)getpid());
    snprintf(moved, sizeof moved, "%s/moved-%d.txt", e2e_fixture_dir(), (int)getpid());
    copy_to(numbered_file(300), path);
    const char *args[] = {path, NULL};
    e = lees_open_env(state, 24, 80, args, env);
    WAIT_TEXT(e, "line 01");
    e2e_send(e, "  ");
    WAIT_PAGE(e, 3);
    top = line_number_at(e, first_text_row(e));
    quit(e);
    saved = slurp(state_file_in(dir), NULL);
    real = realpath(path, NULL);
    CHECK(e, saved != NULL && real != NULL && strstr(saved, real) != NULL,
          "the state file does not name %s", path);
    free(saved);
    free(real);

    e = lees_open_env(state, 24, 80, args, env);
    CHECK(e, wait_top_line(e, top, T_WAIT), "reopened, line %d should be at the top", top);
    quit(e);

    assert_int_equal(rename(path, moved), 0);
    const char *moved_args[] = {moved, NULL};
    e = lees_open_env(state, 24, 80, moved_args, env);
    CHECK(e, wait_top_line(e, top, T_WAIT), "renamed, line %d should be at the top", top);
    quit(e);

    /* Another text kept under a path, which then comes to hold the first one: it opens where
     * the first was left (found by its content), not where the other was. */
    copy_to(numbered_file(200), path);
    e = lees_open_env(state, 24, 80, args, env);
    WAIT_TEXT(e, "line 01");
    e2e_send(e, "     ");
    WAIT_PAGE(e, 6);
    CHECK(e, line_number_at(e, first_text_row(e)) != top, "pages 3 and 6 start alike");
    quit(e);
    copy_to(moved, path);
    e = lees_open_env(state, 24, 80, args, env);
    CHECK(e, wait_top_line(e, top, T_WAIT),
          "a kept text put in place of another should open at its own place, line %d", top);
    quit(e);
    remove(moved);
    remove(path);
}

/* A file kept in the state under its path that now holds another, shorter text, kept under
 * another path: opening it leaves the first text's entry as it was (its place is not looked
 * for in the other text, where it would be cut to that text's end and its marks lost), so
 * that the first text, found again elsewhere, opens where it was left. */
static void test_kept_path_other_text(void **state)
{
    const char *dir;
    const char *env[] = {state_home_env(&dir), NULL};
    char path[4096], aside[4096], other[4096], *saved;
    int top;
    struct e2e *e;

    snprintf(path, sizeof path, "%s/kept-%d.txt", e2e_fixture_dir(), (int)getpid());
    snprintf(aside, sizeof aside, "%s/aside-%d.txt", e2e_fixture_dir(), (int)getpid());
    snprintf(other, sizeof other, "%s/other-%d.txt", e2e_fixture_dir(), (int)getpid());
    copy_to(numbered_file(300), path);
    {
        char text[30 * 8 + 1];
        size_t len = 0;
        for (int i = 1; i <= 30; i++)
            len += (size_t)snprintf(text + len, sizeof text - len, "row %02d\n", i);
        copy_to(e2e_fixture("rows-30.txt", text), other);
    }
    const char *args[] = {path, NULL}, *other_args[] = {other, NULL}, *aside_args[] = {aside, NULL};
    e = lees_open_env(state, 24, 80, args, env);
    WAIT_TEXT(e, "line 01");
    e2e_send(e, "         ");
    WAIT_PAGE(e, 10);
    top = line_number_at(e, first_text_row(e));
    e2e_send(e, "ma");
    WAIT_STATUS(e, "Mark 'a set");
    quit(e);
    e = lees_open_env(state, 24, 80, other_args, env);
    WAIT_TEXT(e, "row 01");
    quit(e);

    /* the first text's file is moved aside, and the other text is put in its place */
    assert_int_equal(rename(path, aside), 0);
    copy_to(other, path);
    e = lees_open_env(state, 24, 80, args, env);
    WAIT_TEXT(e, "row 01");
    quit(e);
    saved = slurp(state_file_in(dir), NULL);
    CHECK(e, saved != NULL && strstr(saved, " lost ") == NULL,
          "opening the other text under the first one's path marked the first one's mark lost");
    free(saved);

    e = lees_open_env(state, 24, 80, aside_args, env);
    CHECK(e, wait_top_line(e, top, T_WAIT), "moved aside, line %d should be at the top", top);
    quit(e);
    remove(path);
    remove(aside);
    remove(other);
}

/* The mark keys say what they wait for, and say at once when bookmarks are off; a bookmark
 * without a letter is not renamed to nothing; --section past the last says so. */
static void test_mark_keys_say_so(void **state)
{
    const char *dir;
    const char *env[] = {state_home_env(&dir), NULL};
    const char *off[] = {"--no-state", NULL};
    const char *far[] = {"--section", "99", NULL};
    struct e2e *e = lees_open_env(state, 24, 80, NULL, env);

    e2e_send(e, "m");
    WAIT_STATUS(e, "Set mark: type a letter");
    e2e_send(e, "a'");
    WAIT_STATUS(e, "Go to mark: type a letter");
    e2e_key_esc(e);
    WAIT_NO_TEXT(e, "Go to mark");
    e2e_send(e, "M");
    WAIT_PROMPT(e, "Bookmark name");
    e2e_send(e, "Mijn plek\r");
    e2e_send(e, "B");
    WAIT_TEXT(e, "Mijn plek");
    /* The named bookmark, first or second (both stand at the same place, made the same day). */
    e2e_send(e, text_row_of(e, "Mijn plek") < text_row_of(e, "'a") ? "g" : "G");
    e2e_send(e, "r");
    WAIT_PROMPT(e, "Rename: Mijn plek");
    e2e_ctrl(e, 'u');
    WAIT_NO_TEXT(e, "Rename: Mijn");
    e2e_send(e, "\r");
    WAIT_STATUS(e, "needs a name");
    WAIT_TEXT(e, "Mijn plek");
    e2e_key_esc(e);
    WAIT_PAGE(e, 1);
    quit(e);
    e = lees_open_env(state, 24, 80, off, env);
    e2e_send(e, "M");
    WAIT_STATUS(e, "Bookmarks are off");
    CHECK(e, !wait_prompt(e, "Bookmark name", T_FAST), "M asked for a name with bookmarks off");
    quit(e);
    e = lees_open_env(state, 24, 80, far, env);
    WAIT_STATUS(e, "this is the last");
    WAIT_TOP(e, interview_sections[INTERVIEW_SECTIONS - 1]);
    quit(e);
}

/* The text of the first row with text on it (the caller frees it). */
static char *top_text(struct e2e *e)
{
    int r = first_text_row(e);
    return r >= 0 ? e2e_row(e, r) : NULL;
}

/* A place the view was at comes back exactly, its top line at the top, not the start of its
 * page: after '', after 'x, and where reading stopped when the text is opened again. */
static void test_exact_places(void **state)
{
    const char *dir;
    const char *env[] = {state_home_env(&dir), NULL};
    struct e2e *e = lees_open_env(state, 24, 80, NULL, env);
    char *top;

    e2e_send(e, "3g");
    WAIT_PAGE(e, 3);
    e2e_send(e, "5j");
    CHECK(e, e2e_wait_change(e, T_WAIT), "5j did not move");
    e2e_pump(e);
    top = top_text(e);
    CHECK(e, top != NULL && top[0] != '\0', "no top line");
    e2e_send(e, "ma");
    e2e_send(e, "g");
    WAIT_PAGE(e, 1);
    e2e_send(e, "''");
    CHECK(e, wait_top(e, top, T_WAIT), "'' did not come back to the top line \"%s\"", top);
    e2e_send(e, "g");
    WAIT_PAGE(e, 1);
    e2e_send(e, "'a");
    CHECK(e, wait_top(e, top, T_WAIT), "'a did not come back to the top line \"%s\"", top);
    quit(e);
    e = lees_open_env(state, 24, 80, NULL, env);
    CHECK(e, wait_top(e, top, T_WAIT), "reopened, the text is not at its top line \"%s\"", top);
    quit(e);
    free(top);
}

/* --no-state keeps nothing: no file is made, and a saved position is neither used nor
 * changed. */
static void test_no_state(void **state)
{
    const char *dir;
    const char *env[] = {state_home_env(&dir), NULL};
    const char *args[] = {"--no-state", NULL};
    struct e2e *e = lees_open_env(state, 24, 80, args, env);
    e2e_send(e, "5g");
    WAIT_PAGE(e, 5);
    e2e_send(e, "ma");
    e2e_send(e, "4g");
    WAIT_PAGE(e, 4);
    quit(e);
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/lees", dir);
    CHECK(e, !exists(state_file_in(dir)) && !exists(sub), "--no-state made %s",
          exists(sub) ? sub : state_file_in(dir));

    e = lees_open_env(state, 24, 80, NULL, env);
    WAIT_PAGE(e, 1);
    e2e_send(e, "3g");
    WAIT_PAGE(e, 3);
    quit(e);
    char before[16384], after[16384];
    CHECK(e, read_small(state_file_in(dir), before, sizeof before),
          "no state file after a run without --no-state");
    e = lees_open_env(state, 24, 80, args, env);
    CHECK(e, wait_page(e, 1, T_WAIT), "--no-state should not restore the position (page 3)");
    e2e_send(e, "6g");
    WAIT_PAGE(e, 6);
    quit(e);
    CHECK(e, read_small(state_file_in(dir), after, sizeof after) && strcmp(before, after) == 0,
          "--no-state changed the state file");
}

/* The state file is 0600 in a 0700 directory, whatever the umask. */
static void test_state_modes(void **state)
{
    const char *dir;
    const char *env[] = {state_home_env(&dir), NULL};
    mode_t old = umask(0);
    struct e2e *e = lees_open_env(state, 24, 80, NULL, env);
    umask(old);
    e2e_send(e, "M");
    WAIT_PROMPT(e, "Bookmark name");
    e2e_key_enter(e);
    WAIT_STATUS(e, "Bookmark added");
    quit(e);
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/lees", dir);
    struct stat sd, sf;
    CHECK(e, stat(sub, &sd) == 0, "no directory %s", sub);
    CHECK(e, stat(state_file_in(dir), &sf) == 0, "no state file %s", state_file_in(dir));
    CHECK(e, (sd.st_mode & 07777) == 0700, "the state directory has mode %04o, not 0700",
          (unsigned)(sd.st_mode & 07777));
    CHECK(e, (sf.st_mode & 07777) == 0600, "the state file has mode %04o, not 0600",
          (unsigned)(sf.st_mode & 07777));
}

/* A damaged state file: a notice, the reader starts anyway, the file is left as it is while
 * reading, and the save at quitting keeps a copy of it as it was before writing a fresh one. */
static void test_corrupt_state(void **state)
{
    static const char garbage[] = "\x01\x02 this is no state file\n\xff\xfe garbage }{\n";
    const char *dir;
    const char *env[] = {state_home_env(&dir), NULL};
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/lees", dir);
    CHECK(NULL, mkdir(sub, 0700) == 0, "cannot make %s", sub);
    FILE *f = fopen(state_file_in(dir), "wb");
    CHECK(NULL,
          f && fwrite(garbage, 1, sizeof garbage - 1, f) == sizeof garbage - 1 && fclose(f) == 0,
          "cannot write %s", state_file_in(dir));
    chmod(state_file_in(dir), 0600);

    struct e2e *e = lees_open_env(state, 24, 200, NULL, env);
    static const char *const notice[] = {"moved aside", "corrupt", NULL};
    CHECK(e, e2e_wait(e, cond_status_any, (void *)notice, T_WAIT),
          "no notice on the status line that the state file was moved aside");
    WAIT_TEXT(e, INTERVIEW_TITLE);
    e2e_send(e, "4g");
    WAIT_PAGE(e, 4);

    size_t len;
    char *kept = slurp(state_file_in(dir), &len);
    bool same = kept && len == sizeof garbage - 1 && memcmp(kept, garbage, len) == 0;
    free(kept);
    CHECK(e, same, "%s was changed while reading", state_file_in(dir));
    quit(e);
    DIR *d = opendir(sub);
    CHECK(e, d != NULL, "cannot read %s", sub);
    char aside[4600] = "";
    for (struct dirent *de; (de = readdir(d)) != NULL;)
        if (strncmp(de->d_name, "state.corrupt-", 14) == 0)
            snprintf(aside, sizeof aside, "%s/%s", sub, de->d_name);
    closedir(d);
    CHECK(e, aside[0], "no state.corrupt-* file in %s", sub);
    kept = slurp(aside, &len);
    same = kept && len == sizeof garbage - 1 && memcmp(kept, garbage, len) == 0;
    free(kept);
    CHECK(e, same, "%s does not hold the damaged file as it was", aside);
    char *now = slurp(state_file_in(dir), NULL);
    bool fresh = now && strncmp(now, "lees-state 1\n", 13) == 0;
    free(now);
    CHECK(e, fresh, "after the run, %s is not a fresh state file", state_file_in(dir));
    e = lees_open_env(state, 24, 80, NULL, env);
    CHECK(e, wait_page(e, 4, T_WAIT), "the position (page 4) was not kept in the new state file");
}

/* A hangup (how 0: the terminal closed), SIGHUP or SIGTERM: lees saves its position and exits
 * within 2 s. */
static void check_saves_on(void **state, int how)
{
    const char *dir;
    const char *env[] = {state_home_env(&dir), NULL};
    const char *what = how == 0 ? "a hangup" : how == SIGHUP ? "SIGHUP" : "SIGTERM";
    struct e2e *e = lees_open_env(state, 24, 80, NULL, env);
    e2e_send(e, "5g");
    WAIT_PAGE(e, 5);
    long long t0 = e2e_now_ms();
    if (how == 0)
        e2e_hangup(e);
    else
        e2e_signal(e, how);
    int status = -1;
    CHECK(e, e2e_wait_exit(e, 2000, &status), "lees did not exit within 2 s of %s", what);
    CHECK(e, e2e_now_ms() - t0 <= 2000, "lees took %lld ms to exit after %s", e2e_now_ms() - t0,
          what);
    if (how != 0) {
        CHECK(e, !e2e_altscreen(e) && e2e_cursor_visible(e),
              "the terminal was not restored after %s", what);
        CHECK(e, WIFSIGNALED(status) && WTERMSIG(status) == how,
              "after %s lees did not end by it (status %#x)", what, (unsigned)status);
    }
    CHECK(e, state_position(dir) > 0, "after %s the state file has no position", what);
    e = lees_open_env(state, 24, 80, NULL, env);
    CHECK(e, wait_page(e, 5, T_WAIT), "after %s, reopening should start on page 5", what);
}

/* The terminal closed: the master side of the pty. */
static void test_hangup_saves(void **state)
{
    check_saves_on(state, 0);
}

static void test_sighup_saves(void **state)
{
    check_saves_on(state, SIGHUP);
}

static void test_sigterm_saves(void **state)
{
    check_saves_on(state, SIGTERM);
}

int group_marks(void)
{
    const struct CMUnitTest tests[] = {
        E2E_TEST(test_bookmark_add),
        E2E_TEST(test_quick_marks),
        E2E_TEST(test_bookmark_list_keys),
        E2E_TEST(test_reopen_position),
        E2E_TEST(test_first_text_in_state),
        E2E_TEST(test_kept_path_other_text),
        E2E_TEST(test_no_state),
        E2E_TEST(test_state_modes),
        E2E_TEST(test_corrupt_state),
        E2E_TEST(test_hangup_saves),
        E2E_TEST(test_sighup_saves),
        E2E_TEST(test_sigterm_saves),
        E2E_TEST(test_exact_places),
        E2E_TEST(test_mark_keys_say_so),
    };
    return cmocka_run_group_tests_name("bookmarks", tests, NULL, NULL);
}
