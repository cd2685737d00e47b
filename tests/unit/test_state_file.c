/*
 * test_state_file.c: the state file on disk: bad files moved aside byte for byte (never over
 * an earlier copy), failed writes that leave the old file whole (injected faults, a file size
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

/* The name a bad file moved aside at the fake time gets. */
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

/* No file: an empty state, no warning, nothing created but the lock in an existing place. */
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
    assert_string_equal(listing(*state), "state.lock");
    state_free(st);
}

/* Every bad form: moved aside byte for byte, a warning, a clean start; saving works after. */
static void test_corrupt_forms(void **state)
{
    static const char cut[] = "lees-state 1\n"
                              "text 00000000000000aa 2026-11-28T14:05:00Z \"/a\"\n"
                              "mark 0000000000000001 2 2026-11-28T14:0";
    static const char newer[] = "lees-state 2\nsomething new\nend\n";
    char binary[1024];
    struct {
        const char *name, *data;
        size_t len;
    } cases[] = {
        {"garbage", "this is not\na state file\n", 25},
        {"cut short", cut, sizeof cut - 1},
        {"newer", newer, sizeof newer - 1},
        {"empty", "", 0},
        {"binary", binary, sizeof binary},
    };

    for (size_t i = 0; i < sizeof binary; i++)
        binary[i] = (char)(i * 31 + 7);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char dir[1024], path[2048], aside[2048], expect[256];
        struct state *st;
        const char *w;

        snprintf(dir, sizeof dir, "%s/%zu", (const char *)*state, i);
        snprintf(path, sizeof path, "%s/state", dir);
        assert_int_equal(mkdir(dir, 0700), 0);
        write_file(path, cases[i].data, cases[i].len);
        st = test_state_load(path);
        w = state_warning(st);
        if (w == NULL)
            fail_msg("%s: no warning", cases[i].name);
        assert_non_null(strstr(w, "moved aside to state.corrupt-"));
        assert_null(strchr(w, '\n'));
        if (strcmp(cases[i].name, "newer") == 0)
            assert_non_null(strstr(w, "newer"));
        assert_int_equal(state_text_count(st), 0);
        snprintf(aside, sizeof aside, "%s/%s", dir, aside_name());
        snprintf(expect, sizeof expect, "%s state.lock", aside_name());
        assert_string_equal(listing(dir), expect);
        assert_true(same_bytes(aside, cases[i].data, cases[i].len));
        /* a clean start that saves */
        assert_non_null(state_text(st, 1, "/x"));
        test_state_save(st);
        assert_null(state_warning(st));
        state_free(st);
        st = test_state_load(path);
        assert_null(state_warning(st));
        assert_int_equal(state_text_count(st), 1);
        assert_true(same_bytes(aside, cases[i].data, cases[i].len));
        state_free(st);
    }
}

/* A second bad file in the same second does not overwrite the first copy. */
static void test_corrupt_twice_same_second(void **state)
{
    const char *path = in(state, "state");
    char first[2048], second[4096], third[4096];
    struct state *st;

    snprintf(first, sizeof first, "%s/%s", (const char *)*state, aside_name());
    snprintf(second, sizeof second, "%s.1", first);
    snprintf(third, sizeof third, "%s.2", first);
    write_file(path, "first bad\n", 10);
    state_free(test_state_load(path));
    write_file(path, "second bad\n", 11);
    st = test_state_load(path);
    assert_non_null(strstr(state_warning(st), ".corrupt-"));
    state_free(st);
    write_file(path, "third\n", 6);
    state_free(test_state_load(path));
    assert_true(same_bytes(first, "first bad\n", 10));
    assert_true(same_bytes(second, "second bad\n", 11));
    assert_true(same_bytes(third, "third\n", 6));
}

/* The file went bad after loading: saving moves it aside and writes this state whole. */
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
    assert_non_null(strstr(state_warning(st), "moved aside"));
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

/* A bad file that cannot be moved aside is never overwritten. */
static void test_corrupt_cannot_move_aside(void **state)
{
    const char *path = in(state, "state");
    struct state *st;
    struct lees_error err = {0};

    write_file(path, "bad\n", 4);
    state_fault_hook = fault_hook;
    fail_at = STATE_FAULT_MOVE_ASIDE;
    fail_errno = EACCES;
    st = test_state_load(path);
    assert_non_null(strstr(state_warning(st), "cannot be moved aside"));
    assert_non_null(state_text(st, 1, "/x"));
    assert_int_equal(state_save(st, &err), -1);
    assert_non_null(strstr(err.msg, "not saved"));
    assert_true(same_bytes(path, "bad\n", 4));
    state_fault_hook = NULL;
    test_state_save(st);
    assert_non_null(strstr(state_warning(st), "moved aside"));
    state_free(st);
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
        T(test_corrupt_forms),
        T(test_corrupt_twice_same_second),
        T(test_corrupt_found_at_save),
        T(test_corrupt_cannot_move_aside),
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
