/*
 * test_state_file.c: the state file on disk: damaged files read as far as they can be, left
 * as they are at loading, copied byte for byte (never over an earlier copy) by the save that
 * replaces them; newer files never touched; loading that writes nothing (lees --bookmarks);
 * failed writes that leave the old file whole (injected faults, a file size
 * limit, a full and a read-only tmpfs where mounting is allowed), permissions, symbolic links
 * never written through, the 500-text cap, stale temporary files, and many processes saving
 * at once without losing anything.
 */
#define _GNU_SOURCE /* unshare, for the tmpfs tests */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lees/state.h"
#include "unit.h"

#include "../../src/state_internal.h"

/* ---- fixtures ---- */

static time_t fake_now = 1000000000;

static time_t fake_clock(void)
{
    return fake_now;
}

static enum state_fault_point fail_at;
static int fail_errno;

static int fault_hook(enum state_fault_point point)
{
    return point == fail_at ? fail_errno : 0;
}

static int setup(void **state)
{
    char *dir = strdup("/tmp/lees-state-XXXXXX");

    if (dir == NULL || mkdtemp(dir) == NULL)
        return -1;
    fake_now = 1000000000;
    state_clock_hook = fake_clock;
    *state = dir;
    return 0;
}

static int teardown(void **state)
{
    state_clock_hook = NULL;
    state_fault_hook = NULL;
    chmod(*state, 0700);
    test_remove_tree(*state);
    free(*state);
    return 0;
}

/* DIR/NAME in a static buffer (one of four, so a few can be used at once). */
static const char *in(void **state, const char *name)
{
    static char bufs[4][4096];
    static int k;
    char *b = bufs[k++ % 4];

    snprintf(b, sizeof bufs[0], "%s/%s", (const char *)*state, name);
    return b;
}

static void write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
}

/* The bytes of PATH (NULL when it cannot be read), malloc'd. */
static char *slurp(const char *path, size_t *len)
{
    char *data;

    return state_file_read(path, &data, len) == 0 ? data : NULL;
}

static bool same_bytes(const char *path, const char *data, size_t len)
{
    size_t n;
    char *got = slurp(path, &n);
    bool same = got != NULL && n == len && memcmp(got, data, len) == 0;

    free(got);
    return same;
}

/* The names in DIR, sorted, separated by spaces, in a static buffer. */
static const char *listing(const char *dir)
{
    static char out[4096];
    char *names[64];
    size_t n = 0, len = 0;
    DIR *d = opendir(dir);
    struct dirent *de;

    out[0] = '\0';
    if (d == NULL)
        return "(none)";
    while ((de = readdir(d)) != NULL && n < 64)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            names[n++] = strdup(de->d_name);
    closedir(d);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(names[j], names[i]) < 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    for (size_t i = 0; i < n; i++) {
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%s", i ? " " : "", names[i]);
        free(names[i]);
    }
    return out;
}

/* The name the copy of a damaged file gets at the fake time. */
static const char *aside_name(void)
{
    static char name[64];
    struct tm tm;
    char stamp[32];

    localtime_r(&fake_now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(name, sizeof name, "state.corrupt-%s", stamp);
    return name;
}

static const char text[] = "Een tekst over inclusief beleid en de sociale economie in Mechelen.";

/* A state file at PATH with one text (hash 77) and one mark; its bytes in *DATA. */
static uint64_t make_file(const char *path, char **data, size_t *len)
{
    struct state *st = test_state_load(path);
    uint64_t id = state_mark_add(state_text(st, 77, "/t.md"), "first", 4, text, sizeof text - 1);

    test_state_save(st);
    state_free(st);
    if (data != NULL) {
        *data = slurp(path, len);
        assert_non_null(*data);
    }
    return id;
}

/* ---- tests ---- */

/* No file: an empty state, no warning, and nothing created, not even the lock. */
static void test_missing_file(void **state)
{
    struct state *st = test_state_load(in(state, "sub/lees/state"));
    struct stat sb;

    assert_null(state_warning(st));
    assert_int_equal(state_text_count(st), 0);
    assert_string_equal(state_path(st), in(state, "sub/lees/state"));
    assert_int_equal(stat(in(state, "sub"), &sb), -1);
    state_free(st);
    st = test_state_load(in(state, "state"));
    assert_null(state_warning(st));
    assert_string_equal(listing(*state), "");
    state_free(st);
}

/* The state file of the reviewer's report: two texts, and a mark with an impossible date. */
static const char damaged[] =
    "lees-state 1\n"
    "text 00000000000000aa 2026-11-28T14:05:00Z \"/a.md\"\n"
    "position 5120 \"De burgemeester\"\n"
    "mark 0000000000000001 10 2026-11-28T14:03:22Z ok - \"een\" \"q1\"\n"
    "mark 0000000000000002 20 9999-99-99T99:99:99Z ok a \"twee\" \"q2\"\n"
    "mark 0000000000000003 30 2026-11-28T14:03:24Z lost - \"drie\" \"q3\"\n"
    "text 00000000000000bb 2026-11-27T10:00:00Z \"/b.md\"\n"
    "position 7 \"x\"\n"
    "mark 0000000000000004 40 2026-11-27T09:00:00Z ok b \"vier\" \"q4\"\n"
    "end\n";

/* The same without the bad line, with the search the test adds, as lees writes it. */
static const char salvaged[] =
    "lees-state 1\n"
    "# lees: reading positions and bookmarks; the format is in lees(1), STATE FILE.\n"
    "search \"Mechelen\"\n"
    "text 00000000000000aa 2026-11-28T14:05:00Z \"/a.md\"\n"
    "position 5120 \"De burgemeester\"\n"
    "mark 0000000000000001 10 2026-11-28T14:03:22Z ok - \"een\" \"q1\"\n"
    "mark 0000000000000003 30 2026-11-28T14:03:24Z lost - \"drie\" \"q3\"\n"
    "text 00000000000000bb 2026-11-27T10:00:00Z \"/b.md\"\n"
    "position 7 \"x\"\n"
    "mark 0000000000000004 40 2026-11-27T09:00:00Z ok b \"vier\" \"q4\"\n"
    "end\n";

/*
 * One bad line costs that line only: the rest is read, the file is left as it is until a save,
 * which keeps a copy of it as it was and then writes the salvaged state, read back the same.
 */
static void test_salvage_on_disk(void **state)
{
    const char *path = in(state, "state");
    char copy[4096], expect[256], *before, *after;
    size_t lb, la;
    struct state *st, *back;
    const char *w;

    write_file(path, damaged, sizeof damaged - 1);
    st = test_state_load(path);
    w = state_warning(st);
    assert_non_null(w);
    assert_non_null(strstr(w, "line 5 (a mark with a bad date)"));
    assert_non_null(strstr(w, "a copy (state.corrupt-*)"));
    assert_null(strchr(w, '\n'));
    assert_int_equal(state_text_count(st), 2);
    assert_int_equal(state_mark_count(state_text_at(st, 0)), 2);
    assert_int_equal(state_position(state_text_at(st, 0)), 5120);
    assert_int_equal(state_mark_count(state_text_at(st, 1)), 1);
    assert_non_null(state_mark_key(state_text_at(st, 1), 'b'));
    /* loading wrote nothing */
    assert_string_equal(listing(*state), "state");
    assert_true(same_bytes(path, damaged, sizeof damaged - 1));
    /* the next save keeps the copy, then writes the salvaged state */
    fake_now += 5; /* the copy is named for the time of the save that makes it */
    assert_int_equal(state_history_add(st, "Mechelen"), 0);
    test_state_save(st);
    w = state_warning(st);
    assert_non_null(w);
    assert_non_null(strstr(w, "line 5"));
    assert_non_null(strstr(w, aside_name()));
    snprintf(copy, sizeof copy, "%s/%s", (const char *)*state, aside_name());
    assert_true(same_bytes(copy, damaged, sizeof damaged - 1));
    snprintf(expect, sizeof expect, "state %s state.lock", aside_name());
    assert_string_equal(listing(*state), expect);
    assert_true(same_bytes(path, salvaged, sizeof salvaged - 1));
    /* read back: the same, without a warning; and saving again makes no other copy */
    back = test_state_load(path);
    assert_null(state_warning(back));
    before = state_format(st, &lb);
    after = state_format(back, &la);
    assert_int_equal(lb, la);
    assert_memory_equal(before, after, la);
    assert_non_null(state_text(back, 0xcc, "/c.md"));
    test_state_save(back);
    assert_null(state_warning(back));
    assert_string_equal(listing(*state), expect);
    free(before);
    free(after);
    state_free(back);
    state_free(st);
}

/*
 * Other damaged forms: what can be read is, nothing is written at loading, and a copy byte for
 * byte is made by the save that replaces the file.  An empty file is an empty state.
 */
static void test_damaged_forms(void **state)
{
    static const char cut[] = "lees-state 1\n"
                              "text 00000000000000aa 2026-11-28T14:05:00Z \"/a\"\n"
                              "mark 0000000000000001 2 2026-11-28T14:0";
    char binary[1024];
    struct {
        const char *name, *data;
        size_t len, texts;
        const char *says;
    } cases[] = {
        {"garbage", "this is not\na state file\n", 25, 0, "not a lees-state version line"},
        {"cut short", cut, sizeof cut - 1, 1, "cut short in line 3"},
        {"binary", binary, sizeof binary, 0, "skipped line 1"},
        {"duplicate id",
         "lees-state 1\ntext 00000000000000aa 2026-01-01T00:00:00Z \"\"\n"
         "mark 0000000000000001 0 2026-01-01T00:00:00Z ok - \"\" \"\"\n"
         "mark 0000000000000001 5 2026-01-01T00:00:00Z ok - \"\" \"\"\nend\n",
         0, 1, "line 4 (a second mark with one id)"},
        {"duplicate letter",
         "lees-state 1\ntext 00000000000000aa 2026-01-01T00:00:00Z \"\"\n"
         "mark 0000000000000001 0 2026-01-01T00:00:00Z ok a \"\" \"\"\n"
         "mark 0000000000000002 5 2026-01-01T00:00:00Z ok a \"\" \"\"\nend\n",
         0, 1, "line 3 (the older of two quick marks with one letter)"},
    };

    for (size_t i = 0; i < sizeof binary; i++)
        binary[i] = (char)(i * 31 + 7);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char dir[1024], path[2048], copy[2048], expect[256];
        struct state *st;
        const char *w;
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].data);

        snprintf(dir, sizeof dir, "%s/%zu", (const char *)*state, i);
        snprintf(path, sizeof path, "%s/state", dir);
        assert_int_equal(mkdir(dir, 0700), 0);
        write_file(path, cases[i].data, len);
        st = test_state_load(path);
        w = state_warning(st);
        if (w == NULL || strstr(w, cases[i].says) == NULL)
            fail_msg("%s: the warning is %s", cases[i].name, w ? w : "(none)");
        assert_non_null(strstr(w, "state.corrupt-*"));
        assert_null(strchr(w, '\n'));
        assert_int_equal(state_text_count(st), cases[i].texts);
        assert_string_equal(listing(dir), "state");
        assert_true(same_bytes(path, cases[i].data, len));
        /* the save keeps the copy, then writes */
        assert_non_null(state_text(st, 1, "/x"));
        test_state_save(st);
        assert_non_null(strstr(state_warning(st), aside_name()));
        snprintf(copy, sizeof copy, "%s/%s", dir, aside_name());
        snprintf(expect, sizeof expect, "state %s state.lock", aside_name());
        assert_string_equal(listing(dir), expect);
        assert_true(same_bytes(copy, cases[i].data, len));
        state_free(st);
        st = test_state_load(path);
        assert_null(state_warning(st));
        assert_int_equal(state_text_count(st), cases[i].texts + 1);
        state_free(st);
    }
    /* empty: nothing was there to lose */
    write_file(in(state, "state"), "", 0);
    {
        struct state *st = test_state_load(in(state, "state"));
        assert_null(state_warning(st));
        assert_int_equal(state_text_count(st), 0);
        assert_non_null(state_text(st, 1, "/x"));
        test_state_save(st);
        state_free(st);
    }
}

/* Two damaged files saved over in the same second: the second copy does not replace the first. */
static void test_corrupt_twice_same_second(void **state)
{
    const char *path = in(state, "state");
    char first[2048], second[4096], third[4096];
    const char *bad[] = {"first bad\n", "second bad\n", "third\n"};

    snprintf(first, sizeof first, "%s/%s", (const char *)*state, aside_name());
    snprintf(second, sizeof second, "%s.1", first);
    snprintf(third, sizeof third, "%s.2", first);
    for (int i = 0; i < 3; i++) {
        struct state *st;
        write_file(path, bad[i], strlen(bad[i]));
        st = test_state_load(path);
        assert_non_null(state_text(st, 1, "/x"));
        test_state_save(st);
        assert_non_null(strstr(state_warning(st), ".corrupt-"));
        state_free(st);
    }
    assert_true(same_bytes(first, "first bad\n", 10));
    assert_true(same_bytes(second, "second bad\n", 11));
    assert_true(same_bytes(third, "third\n", 6));
}

/* The file went bad after loading: saving keeps a copy of it and writes this state whole. */
static void test_corrupt_found_at_save(void **state)
{
    const char *path = in(state, "state");
    uint64_t first = make_file(path, NULL, NULL), second;
    struct state *st = test_state_load(path), *back;
    char aside[4096];

    fake_now -= 10; /* an older text, not touched after loading */
    assert_non_null(state_text(st, 99, "/untouched.md"));
    test_state_save(st);
    state_free(st);
    st = test_state_load(path);
    write_file(path, "\x00garbage", 8);
    second = state_mark_add(state_text(st, 77, "/t.md"), "second", 9, text, sizeof text - 1);
    test_state_save(st);
    assert_non_null(state_warning(st));
    assert_non_null(strstr(state_warning(st), "copied to state.corrupt-"));
    snprintf(aside, sizeof aside, "%s/%s", (const char *)*state, aside_name());
    assert_true(same_bytes(aside, "\x00garbage", 8));
    back = test_state_load(path);
    assert_null(state_warning(back));
    assert_non_null(state_mark_find(state_text_at(back, 0), first));
    assert_non_null(state_mark_find(state_text_at(back, 0), second));
    assert_int_equal(state_text_count(back), 2);
    assert_true(state_text_hash(state_text_at(back, 1)) == 99);
    state_free(back);
    state_free(st);
}

/*
 * The file went bad after loading, in lines of a text this process holds: the save keeps what
 * it holds of that text and the damage lost (a mark, the position), besides what it added; a
 * text whose lines are all there keeps what others did to it (a mark deleted elsewhere).
 */
static void test_damaged_keeps_held_marks(void **state)
{
    static const char good[] =
        "lees-state 1\n"
        "text 00000000000000aa 2026-11-28T14:05:00Z \"/a.md\"\n"
        "position 5120 \"De burgemeester\"\n"
        "mark 0000000000000001 10 2026-11-28T14:03:22Z ok - \"een\" \"q1\"\n"
        "mark 0000000000000002 20 2026-11-28T14:03:23Z ok a \"twee\" \"q2\"\n"
        "text 00000000000000bb 2026-11-27T10:00:00Z \"/b.md\"\n"
        "position 7 \"x\"\n"
        "mark 0000000000000004 40 2026-11-27T09:00:00Z ok b \"vier\" \"q4\"\n"
        "end\n";
    static const char later[] =
        "lees-state 1\n"
        "text 00000000000000aa 2026-11-28T14:05:00Z \"/a.md\"\n"
        "position x \"De burgemeester\"\n"
        "mark 0000000000000001 10 2026-11-28T99:03:22Z ok - \"een\" \"q1\"\n"
        "mark 0000000000000002 20 2026-11-28T14:03:23Z ok a \"twee\" \"q2\"\n"
        "text 00000000000000bb 2026-11-27T10:00:00Z \"/b.md\"\n"
        "position 7 \"x\"\n"
        "end\n";
    const char *path = in(state, "state");
    struct state *st, *back;
    struct state_text *a;
    uint64_t third;

    write_file(path, good, sizeof good - 1);
    st = test_state_load(path);
    assert_null(state_warning(st));
    write_file(path, later, sizeof later - 1);
    a = state_text(st, 0xaa, "/a.md");
    third = state_mark_add(a, "drie", 30, text, sizeof text - 1);
    test_state_save(st);
    assert_non_null(strstr(state_warning(st), "copied to state.corrupt-"));
    assert_int_equal(state_mark_count(a), 3);
    back = test_state_load(path);
    assert_null(state_warning(back));
    a = state_text(back, 0xaa, "/a.md");
    assert_non_null(state_mark_find(a, 1));
    assert_non_null(state_mark_find(a, 2));
    assert_non_null(state_mark_find(a, third));
    assert_int_equal(state_mark_count(a), 3);
    assert_int_equal(state_position(a), 5120);
    assert_int_equal(state_mark_count(state_text(back, 0xbb, "/b.md")), 0);
    state_free(back);
    state_free(st);
}

/*
 * Two lees load one damaged file; the later saves first and keeps the copy, under its own time,
 * and the earlier then finds a good file and makes none: what the earlier's warning named at
 * loading must be there (the warning names no exact copy at loading).
 */
static void test_damaged_copy_named_once(void **state)
{
    const char *path = in(state, "state");
    struct state *first, *second;
    char said[1024], name[256];
    const char *at;
    size_t n = 0;

    write_file(path, damaged, sizeof damaged - 1);
    first = test_state_load(path);
    snprintf(said, sizeof said, "%s", state_warning(first));
    fake_now += 5;
    second = test_state_load(path);
    assert_non_null(state_text(second, 1, "/x"));
    test_state_save(second);
    assert_non_null(state_text(first, 2, "/y"));
    test_state_save(first);
    assert_null(state_warning(first)); /* the file it found was good: no copy of it */
    /* a name the warning at loading gives in full is a file that is there */
    at = strstr(said, "state.corrupt-");
    assert_non_null(at);
    while (at[n] != '\0' && at[n] != ' ' && at[n] != ':' && at[n] != ')' && n + 1 < sizeof name)
        n++;
    snprintf(name, sizeof name, "%.*s", (int)n, at);
    if (strcmp(name, "state.corrupt-*") != 0 && access(in(state, name), F_OK) != 0)
        fail_msg("the warning at loading names %s, which no save made (%s): %s", name,
                 listing(*state), said);
    state_free(first);
    state_free(second);
}

/* A damaged file whose copy cannot be made is never overwritten. */
static void test_damaged_cannot_copy(void **state)
{
    static const enum state_fault_point points[] = {STATE_FAULT_COPY, STATE_FAULT_WRITE};
    const char *path = in(state, "state");

    for (size_t i = 0; i < sizeof points / sizeof *points; i++) {
        struct state *st;
        struct lees_error err = {0};
        write_file(path, damaged, sizeof damaged - 1);
        st = test_state_load(path);
        assert_non_null(state_text(st, 1, "/x"));
        state_fault_hook = fault_hook;
        fail_at = points[i];
        fail_errno = ENOSPC;
        assert_int_equal(state_save(st, &err), -1);
        assert_non_null(strstr(err.msg, "cannot be made"));
        assert_non_null(strstr(err.msg, "not saved"));
        assert_true(same_bytes(path, damaged, sizeof damaged - 1));
        assert_string_equal(listing(*state), "state state.lock");
        state_fault_hook = NULL;
        test_state_save(st);
        assert_non_null(strstr(state_warning(st), "copied to state.corrupt-"));
        state_free(st);
        st = test_state_load(path);
        assert_null(state_warning(st));
        assert_int_equal(state_text_count(st), 3);
        state_free(st);
        test_remove_tree(in(state, aside_name()));
        unlink(in(state, "state.lock"));
    }
}

/* A file a newer lees wrote is never moved, copied, or written: not at loading, not at saving. */
static void test_newer_untouched(void **state)
{
    static const char newer[] = "lees-state 2\n"
                                "text 00000000000000aa 2026-11-28T14:05:00Z \"/a.md\"\n"
                                "something version 2 has\n"
                                "end\n";
    const char *path = in(state, "state");
    struct state *st;
    struct lees_error err = {0};
    struct stat sb, sb2;
    const char *w;

    write_file(path, newer, sizeof newer - 1);
    assert_int_equal(stat(path, &sb), 0);
    st = test_state_load(path);
    w = state_warning(st);
    assert_non_null(w);
    assert_non_null(strstr(w, "newer lees"));
    assert_non_null(strstr(w, "nor saved"));
    assert_int_equal(state_text_count(st), 0);
    state_mark_add(state_text(st, 1, "/x"), "m", 0, NULL, 0);
    assert_int_equal(state_history_add(st, "p"), 0);
    /* saving does nothing, and says nothing more */
    assert_int_equal(state_save(st, &err), 0);
    assert_null(state_warning(st));
    assert_int_equal(state_save(st, &err), 0);
    assert_true(same_bytes(path, newer, sizeof newer - 1));
    assert_int_equal(stat(path, &sb2), 0);
    assert_int_equal(sb.st_ino, sb2.st_ino);
    assert_string_equal(listing(*state), "state");
    state_free(st);

    /* written by a newer lees after this one loaded: the save that finds it says so, once */
    assert_int_equal(unlink(path), 0);
    make_file(path, NULL, NULL);
    st = test_state_load(path);
    assert_null(state_warning(st));
    assert_non_null(state_text(st, 2, "/y"));
    write_file(path, newer, sizeof newer - 1);
    assert_int_equal(state_save(st, &err), -1);
    assert_non_null(strstr(err.msg, "newer lees"));
    assert_non_null(strstr(err.msg, "not saved"));
    assert_true(same_bytes(path, newer, sizeof newer - 1));
    assert_int_equal(state_save(st, &err), 0);
    assert_true(same_bytes(path, newer, sizeof newer - 1));
    assert_string_equal(listing(*state), "state state.lock");
    state_free(st);
}

/*
 * What lees --bookmarks does (load, find its text, re-anchor, read the marks, free) writes
 * nothing, whatever the file: good, damaged, cut short, newer, or none.
 */
static void test_read_only_writes_nothing(void **state)
{
    static const char cut[] = "lees-state 1\n"
                              "text 00000000000000aa 2026-11-28T14:05:00Z \"/a.md\"\n"
                              "mark 0000000000000001 10 2026-11-28T14";
    const char *files[] = {salvaged, damaged, cut, "lees-state 2\nend\n", NULL};

    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char dir[1024], path[2048];
        size_t len = files[i] != NULL ? strlen(files[i]) : 0;
        struct state *st;
        struct state_text *t;

        snprintf(dir, sizeof dir, "%s/%zu", (const char *)*state, i);
        snprintf(path, sizeof path, "%s/state", dir);
        assert_int_equal(mkdir(dir, 0700), 0);
        if (files[i] != NULL)
            write_file(path, files[i], len);
        st = test_state_load(path);
        t = state_text(st, 0xaa, "/a.md");
        assert_non_null(t);
        state_reanchor(t, text, sizeof text - 1);
        for (size_t j = 0; j < state_mark_count(t); j++)
            assert_non_null(state_mark_at(t, j));
        state_free(st);
        assert_string_equal(listing(dir), files[i] != NULL ? "state" : "");
        if (files[i] != NULL)
            assert_true(same_bytes(path, files[i], len));
    }
}

/* Something that is not a regular file is left alone: a directory, a FIFO (no hang). */
static void test_not_a_file(void **state)
{
    const char *dpath = in(state, "d/state"), *fpath = in(state, "f/state");
    struct state *st;
    struct lees_error err = {0};
    struct stat sb;

    assert_int_equal(mkdir(in(state, "d"), 0700), 0);
    assert_int_equal(mkdir(dpath, 0700), 0);
    st = test_state_load(dpath);
    assert_non_null(strstr(state_warning(st), "not a regular file"));
    assert_non_null(state_text(st, 1, "/x"));
    assert_int_equal(state_save(st, &err), -1);
    assert_int_equal(stat(dpath, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    state_free(st);

    assert_int_equal(mkdir(in(state, "f"), 0700), 0);
    assert_int_equal(mkfifo(fpath, 0600), 0);
    st = test_state_load(fpath);
    assert_non_null(strstr(state_warning(st), "not a regular file"));
    assert_non_null(state_text(st, 1, "/x"));
    assert_int_equal(state_save(st, &err), -1);
    assert_int_equal(lstat(fpath, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    state_free(st);
}

/* The directories are made 0700 and the file 0600, whatever the umask. */
static void test_permissions(void **state)
{
    const char *path = in(state, "a/b/lees/state");
    mode_t old = umask(0);
    struct state *st = test_state_load(path);
    struct stat sb;

    assert_non_null(state_text(st, 1, "/x"));
    test_state_save(st);
    state_free(st);
    umask(old);
    assert_int_equal(stat(in(state, "a"), &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0700);
    assert_int_equal(stat(in(state, "a/b/lees"), &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0700);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0600);
    assert_int_equal(stat(in(state, "a/b/lees/state.lock"), &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0600);
}

/* A symbolic link at the state path is neither read through nor written through. */
static void test_symlink_not_followed(void **state)
{
    const char *path = in(state, "state"), *target = in(state, "elsewhere");
    char *good;
    size_t len;
    struct state *st;
    struct lees_error err = {0};
    struct stat sb;

    /* the target is a good state file: were the link followed, its text would show */
    make_file(target, &good, &len);
    assert_int_equal(symlink("elsewhere", path), 0);
    st = test_state_load(path);
    assert_non_null(strstr(state_warning(st), "symbolic link"));
    assert_int_equal(state_text_count(st), 0);
    assert_non_null(state_text(st, 1, "/x"));
    assert_int_equal(state_save(st, &err), -1);
    assert_non_null(strstr(err.msg, "symbolic link"));
    assert_true(same_bytes(target, good, len));
    assert_int_equal(lstat(path, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    assert_string_equal(listing(*state), "elsewhere elsewhere.lock state state.lock");
    /* the writer alone refuses it too */
    assert_int_equal(state_file_replace(path, "x\n", 2, &err), -1);
    assert_true(same_bytes(target, good, len));
    state_free(st);
    free(good);

    /* a dangling link: nothing is created at its target */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(symlink("nothing", path), 0);
    st = test_state_load(path);
    assert_non_null(state_text(st, 1, "/x"));
    assert_int_equal(state_save(st, &err), -1);
    assert_int_equal(lstat(in(state, "nothing"), &sb), -1);
    state_free(st);

    /* nor through a link in place of the lock file */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(unlink(in(state, "state.lock")), 0);
    assert_int_equal(symlink("victim", in(state, "state.lock")), 0);
    st = test_state_load(path);
    assert_non_null(state_text(st, 1, "/x"));
    assert_int_equal(state_save(st, &err), -1);
    assert_int_equal(lstat(in(state, "victim"), &sb), -1);
    state_free(st);
}

/* A failure at any step of a save leaves the old file whole and no temporary file. */
static void test_write_faults(void **state)
{
    static const enum state_fault_point points[] = {
        STATE_FAULT_LOCK,  STATE_FAULT_MKSTEMP, STATE_FAULT_WRITE,
        STATE_FAULT_FSYNC, STATE_FAULT_CLOSE,   STATE_FAULT_RENAME,
    };
    static const int errnos[] = {ENOLCK, ENOSPC, ENOSPC, EIO, EDQUOT, EXDEV};
    const char *path = in(state, "state");
    char *old;
    size_t len;

    make_file(path, &old, &len);
    for (size_t i = 0; i < sizeof points / sizeof *points; i++) {
        struct state *st = test_state_load(path), *back;
        struct lees_error err = {0};
        uint64_t id;

        id = state_mark_add(state_text(st, 77, "/t.md"), "new", 1, text, sizeof text - 1);
        state_fault_hook = fault_hook;
        fail_at = points[i];
        fail_errno = errnos[i];
        if (state_save(st, &err) != -1)
            fail_msg("fault %d: saved", (int)points[i]);
        assert_non_null(strstr(err.msg, strerror(errnos[i])));
        assert_true(same_bytes(path, old, len));
        assert_string_equal(listing(*state), "state state.lock");
        assert_true(state_dirty(st));
        /* the change is kept, for the next save */
        state_fault_hook = NULL;
        test_state_save(st);
        back = test_state_load(path);
        assert_non_null(state_mark_find(state_text_at(back, 0), id));
        assert_int_equal(state_mark_count(state_text_at(back, 0)), 2);
        assert_int_equal(state_mark_delete(state_text_at(back, 0), id, NULL), 0);
        test_state_save(back);
        assert_true(same_bytes(path, old, len));
        state_free(back);
        state_free(st);
    }
    free(old);
}

/* The directory cannot be made, or synced after the rename (the next save is harmless). */
static void test_dir_faults(void **state)
{
    const char *path = in(state, "sub/state");
    struct state *st = test_state_load(path), *back;
    struct lees_error err = {0};
    struct stat sb;
    uint64_t id;

    assert_non_null(state_text(st, 1, "/x"));
    state_fault_hook = fault_hook;
    fail_at = STATE_FAULT_MKDIR;
    fail_errno = EROFS;
    assert_int_equal(state_save(st, &err), -1);
    assert_non_null(strstr(err.msg, "cannot create the directory"));
    assert_int_equal(stat(in(state, "sub"), &sb), -1);
    fail_at = STATE_FAULT_DIRSYNC;
    fail_errno = EIO;
    id = state_mark_add(state_text(st, 1, "/x"), "m", 0, NULL, 0);
    assert_int_equal(state_save(st, &err), -1);
    assert_non_null(strstr(err.msg, "directory could not be synced"));
    state_fault_hook = NULL;
    test_state_save(st); /* applied again: still one text, one mark */
    back = test_state_load(path);
    assert_int_equal(state_text_count(back), 1);
    assert_int_equal(state_mark_count(state_text_at(back, 0)), 1);
    assert_non_null(state_mark_find(state_text_at(back, 0), id));
    state_free(back);
    state_free(st);
}

/* A real write failure: a file size limit (which binds root too) under the new file. */
static void test_file_size_limit(void **state)
{
    const char *path = in(state, "state");
    char *old;
    size_t len;
    pid_t pid;
    int status;

    make_file(path, &old, &len);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct state *st = NULL;
        struct lees_error err = {0};
        struct rlimit rl = {8192, 8192};
        struct state_text *t;
        char name[64];

        signal(SIGXFSZ, SIG_IGN);
        if (state_load(path, &st, &err) < 0)
            _exit(2);
        t = state_text(st, 77, "/t.md");
        for (int i = 0; i < 200; i++) {
            snprintf(name, sizeof name, "a long enough bookmark name, number %d", i);
            state_mark_add(t, name, (size_t)i % 40, text, sizeof text - 1);
        }
        if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
            _exit(3);
        if (state_save(st, &err) != -1)
            _exit(4);
        if (strstr(err.msg, strerror(EFBIG)) == NULL)
            _exit(5);
        if (!same_bytes(path, old, len))
            _exit(6);
        if (strcmp(listing(*state), "state state.lock") != 0)
            _exit(7);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(same_bytes(path, old, len));
    free(old);
}

/*
 * A full disk and a read-only one, on a small tmpfs mounted in a private mount namespace of a
 * child process.  Not run (and said so) where mounting is not allowed.
 */
static void test_full_and_readonly_tmpfs(void **state)
{
    char mnt[1024], path[4096], dir[2048];
    pid_t pid;
    int status;

    snprintf(mnt, sizeof mnt, "%s/mnt", (const char *)*state);
    snprintf(dir, sizeof dir, "%s/lees", mnt);
    snprintf(path, sizeof path, "%s/state", dir);
    assert_int_equal(mkdir(mnt, 0700), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct state *st = NULL;
        struct lees_error err = {0};
        char *old, filler[2048], block[4096] = {0};
        size_t len;
        int fd;

        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("tmpfs", mnt, "tmpfs", 0, "size=64k,mode=0700") < 0)
            _exit(77);
        if (state_load(path, &st, &err) < 0)
            _exit(2);
        state_mark_add(state_text(st, 77, "/t.md"), "first", 4, text, sizeof text - 1);
        if (state_save(st, &err) < 0)
            _exit(3);
        if ((old = slurp(path, &len)) == NULL)
            _exit(4);
        /* fill the disk */
        snprintf(filler, sizeof filler, "%s/filler", mnt);
        if ((fd = open(filler, O_WRONLY | O_CREAT, 0600)) < 0)
            _exit(5);
        while (write(fd, block, sizeof block) > 0)
            ;
        while (write(fd, block, 1) > 0)
            ;
        close(fd);
        for (int i = 0; i < 100; i++)
            state_mark_add(state_text(st, 77, "/t.md"), "more", 9, text, sizeof text - 1);
        if (state_save(st, &err) != -1 || strstr(err.msg, strerror(ENOSPC)) == NULL)
            _exit(6);
        if (!same_bytes(path, old, len) || strcmp(listing(dir), "state state.lock") != 0)
            _exit(7);
        /* read-only: it still loads, and saving fails */
        unlink(filler);
        if (mount(NULL, mnt, NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
            _exit(8);
        state_free(st);
        if (state_load(path, &st, &err) < 0 || state_text_count(st) != 1 ||
            state_warning(st) != NULL)
            _exit(9);
        state_mark_add(state_text(st, 77, "/t.md"), "ro", 9, text, sizeof text - 1);
        if (state_save(st, &err) != -1 || strstr(err.msg, strerror(EROFS)) == NULL)
            _exit(10);
        if (!same_bytes(path, old, len))
            _exit(11);
        state_free(st);
        free(old);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        /* not skip(): the test runner counts a skipped test as a failed one */
        printf("# test_full_and_readonly_tmpfs: not run (no mount namespace here)\n");
        return;
    }
    if (WEXITSTATUS(status) != 0)
        fail_msg("child failed at step %d", WEXITSTATUS(status));
}

/* A place root cannot write either: the state directory's parent is a regular file. */
static void test_parent_is_a_file(void **state)
{
    const char *path = in(state, "file/lees/state");
    struct state *st;
    struct lees_error err = {0};

    write_file(in(state, "file"), "x", 1);
    st = test_state_load(path);
    assert_null(state_warning(st));
    assert_non_null(state_text(st, 1, "/x"));
    assert_int_equal(state_save(st, &err), -1);
    assert_int_equal(err.code, LEES_ERR_FILE);
    assert_non_null(strstr(err.msg, "cannot create the directory"));
    assert_true(same_bytes(in(state, "file"), "x", 1));
    state_free(st);
}

/*
 * A directory without write permission.  Root writes there anyway, so as root the test runs in
 * a child that has become an ordinary user (nobody) first.
 */
static void test_unwritable_dir(void **state)
{
    char dir[2048], path[2100];
    pid_t pid;
    int status;

    snprintf(dir, sizeof dir, "%s/ro", (const char *)*state);
    snprintf(path, sizeof path, "%s/state", dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    if (geteuid() == 0) {
        assert_int_equal(chmod(*state, 0711), 0);
        assert_int_equal(chown(dir, 65534, 65534), 0);
    }
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct state *st = NULL;
        struct lees_error err = {0};
        char *old;
        size_t len;

        if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
            _exit(77);
        if (geteuid() == 0)
            _exit(77);
        if (state_load(path, &st, &err) < 0)
            _exit(2);
        state_mark_add(state_text(st, 77, "/t.md"), "first", 4, text, sizeof text - 1);
        if (state_save(st, &err) < 0 || (old = slurp(path, &len)) == NULL)
            _exit(3);
        state_mark_add(state_text(st, 77, "/t.md"), "second", 4, text, sizeof text - 1);
        if (chmod(dir, 0500) < 0)
            _exit(4);
        if (state_save(st, &err) != -1 || strstr(err.msg, strerror(EACCES)) == NULL)
            _exit(5);
        chmod(dir, 0700);
        if (!same_bytes(path, old, len) || strcmp(listing(dir), "state state.lock") != 0)
            _exit(6);
        state_free(st);
        free(old);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        printf("# test_unwritable_dir: not run (root, and cannot become nobody)\n");
        return;
    }
    if (WEXITSTATUS(status) != 0)
        fail_msg("child failed at step %d", WEXITSTATUS(status));
}

/* Only the 500 texts read last are kept: when loading and when saving. */
static void test_cap(void **state)
{
    const char *path = in(state, "state");
    size_t cap = 64 * 1024, n = 0, len;
    char *file = malloc(cap), *data;
    struct state *st, *back;
    size_t texts = 0;

    n += (size_t)snprintf(file + n, cap - n, "lees-state 1\n");
    for (int i = 0; i < 600; i++) /* text i read at minute i of the day */
        n += (size_t)snprintf(file + n, cap - n, "text %016x 2026-01-01T%02d:%02d:00Z \"/t%d\"\n",
                              i + 1, i / 60, i % 60, i);
    n += (size_t)snprintf(file + n, cap - n, "end\n");
    write_file(path, file, n);
    st = test_state_load(path);
    assert_null(state_warning(st));
    assert_int_equal(state_text_count(st), STATE_MAX_TEXTS);
    assert_true(state_text_hash(state_text_at(st, 0)) == 600);
    assert_true(state_text_hash(state_text_at(st, 499)) == 101);
    /* one more text, read now: the oldest of the rest goes */
    fake_now = 1800000000;
    assert_non_null(state_text(st, 1000, "/new"));
    test_state_save(st);
    back = test_state_load(path);
    assert_int_equal(state_text_count(back), STATE_MAX_TEXTS);
    assert_true(state_text_hash(state_text_at(back, 0)) == 1000);
    assert_true(state_text_hash(state_text_at(back, 499)) == 102);
    data = slurp(path, &len);
    for (char *p = data; (p = strstr(p, "\ntext ")) != NULL; p++)
        texts++;
    assert_int_equal(texts, STATE_MAX_TEXTS);
    free(data);
    state_free(back);
    state_free(st);
    free(file);
}

/* Temporary files a killed writer left are removed at the next save; nothing else is. */
static void test_stale_temporaries(void **state)
{
    const char *path = in(state, "state");
    struct state *st = test_state_load(path);

    write_file(in(state, "state.tmp-AbC123"), "x", 1);
    write_file(in(state, "state.tmp-zzzzzz"), "x", 1);
    write_file(in(state, "state.tmpfoo"), "x", 1);
    write_file(in(state, "other.tmp-123456"), "x", 1);
    assert_non_null(state_text(st, 1, "/x"));
    test_state_save(st);
    assert_string_equal(listing(*state), "other.tmp-123456 state state.lock state.tmpfoo");
    state_free(st);
}

#define NPROC 8
#define NSAVES 50

/* Many processes saving at once, each adding (and deleting some of) its own marks. */
static void test_many_processes(void **state)
{
    const char *path = in(state, "state");
    pid_t pids[NPROC];
    struct state *st;
    struct state_text *t;
    char name[64];

    make_file(path, NULL, NULL);
    for (int p = 0; p < NPROC; p++) {
        pids[p] = fork();
        assert_true(pids[p] >= 0);
        if (pids[p] == 0) {
            struct lees_error err = {0};
            uint64_t last = 0;
            state_clock_hook = NULL;
            if (state_load(path, &st, &err) < 0)
                _exit(2);
            for (int j = 0; j < NSAVES; j++) {
                t = state_text(st, 77, "/t.md");
                if (j % 10 == 9 && state_mark_delete(t, last, NULL) < 0)
                    _exit(3);
                snprintf(name, sizeof name, "p%d-%d", p, j);
                last = state_mark_add(t, name, (size_t)j, text, sizeof text - 1);
                snprintf(name, sizeof name, "search %d", p);
                if (last == 0 || state_history_add(st, name) < 0)
                    _exit(4);
                if (state_save(st, &err) < 0) {
                    fprintf(stderr, "process %d: %s\n", p, err.msg);
                    _exit(5);
                }
            }
            state_free(st);
            _exit(0);
        }
    }
    for (int p = 0; p < NPROC; p++) {
        int status;
        assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    st = test_state_load(path);
    assert_null(state_warning(st));
    assert_int_equal(state_text_count(st), 1);
    t = state_text_at(st, 0);
    /* each process: 50 added, the 9th, 19th … (5 of them) deleted; plus the first mark */
    assert_int_equal(state_mark_count(t), NPROC * (NSAVES - NSAVES / 10) + 1);
    for (int p = 0; p < NPROC; p++) {
        for (int j = 0; j < NSAVES; j++) {
            bool found = false, deleted = j % 10 == 8;
            snprintf(name, sizeof name, "p%d-%d", p, j);
            for (size_t i = 0; i < state_mark_count(t) && !found; i++)
                found = strcmp(state_mark_at(t, i)->name, name) == 0;
            if (found == deleted)
                fail_msg("%s: %s", name, found ? "deleted, but there" : "lost");
        }
    }
    assert_int_equal(state_history_count(st), NPROC);
    assert_string_equal(listing(*state), "state state.lock");
    state_free(st);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_missing_file),
        T(test_salvage_on_disk),
        T(test_damaged_forms),
        T(test_corrupt_twice_same_second),
        T(test_corrupt_found_at_save),
        T(test_damaged_keeps_held_marks),
        T(test_damaged_copy_named_once),
        T(test_damaged_cannot_copy),
        T(test_newer_untouched),
        T(test_read_only_writes_nothing),
        T(test_not_a_file),
        T(test_permissions),
        T(test_symlink_not_followed),
        T(test_write_faults),
        T(test_dir_faults),
        T(test_file_size_limit),
        T(test_full_and_readonly_tmpfs),
        T(test_parent_is_a_file),
        T(test_unwritable_dir),
        T(test_cap),
        T(test_stale_temporaries),
        T(test_many_processes),
    };
    return cmocka_run_group_tests_name("state_file", tests, NULL, NULL);
}
