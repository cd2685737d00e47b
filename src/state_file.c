/*
 * state_file.c: the state file on disk, so that nothing in it is ever lost.  The file is only
 * ever replaced whole: written to a temporary file beside it (mkstemp, 0600), fsync'd, renamed
 * over it, and the directory fsync'd, so a crash or a full disk leaves the old file or the new
 * one, never half of one.  Readers and writers serialise on flock(LOCK_EX) of a separate lock
 * file (PATH.lock) that is never renamed or deleted: a lock on the state file itself would be
 * lost by the rename, and flock locks die with their process, so a killed reader never blocks
 * another.  The final component of the path is never followed as a symbolic link, for reading
 * or writing (the directories above it may be links: that is the user's choice).  Before a
 * damaged file is replaced, a copy of it is kept under a new name that never replaces a file,
 * so that whatever lees could not read of it is still there.
 *
 * Tests can make any step fail through state_fault_hook, and set the clock through
 * state_clock_hook.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "state_internal.h"

/* Larger than any state file lees writes (500 texts) by far; anything larger is not one. */
#define STATE_FILE_MAX ((size_t)256 << 20)

#define TMP_INFIX ".tmp-"

int (*state_fault_hook)(enum state_fault_point point);
time_t (*state_clock_hook)(void);

/* Whether a test wants POINT to fail; sets errno when it does. */
static bool fault(enum state_fault_point point)
{
    int e = state_fault_hook != NULL ? state_fault_hook(point) : 0;

    if (e != 0)
        errno = e;
    return e != 0;
}

/* The current time. */
time_t state_now(void)
{
    return state_clock_hook != NULL ? state_clock_hook() : time(NULL);
}

/* A new mark id: a hash of a per-process random seed, the time and a counter; never 0. */
uint64_t state_new_id(void)
{
    static uint64_t seed, counter;
    static pid_t seeded_by;
    struct {
        uint64_t counter;
        int64_t sec, nsec;
        int64_t pid;
    } in;
    struct timespec ts;
    uint64_t id;
    pid_t pid = getpid();

    if (seeded_by != pid) {
        /* after a fork too: each process draws its own seed */
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, &seed, sizeof seed) != (ssize_t)sizeof seed)
            seed ^= (uint64_t)time(NULL) * 0x9e3779b97f4a7c15u ^ (uint64_t)pid;
        if (fd >= 0)
            close(fd);
        seeded_by = pid;
    }
    do {
        memset(&in, 0, sizeof in);
        clock_gettime(CLOCK_REALTIME, &ts);
        in.counter = ++counter;
        in.sec = (int64_t)ts.tv_sec;
        in.nsec = (int64_t)ts.tv_nsec;
        in.pid = (int64_t)pid;
        id = XXH3_64bits_withSeed(&in, sizeof in, seed);
    } while (id == 0);
    return id;
}

/* PATH with SUFFIX appended, malloc'd; NULL when out of memory. */
static char *with_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), m = strlen(suffix);
    char *s = malloc(n + m + 1);

    if (s != NULL) {
        memcpy(s, path, n);
        memcpy(s + n, suffix, m + 1);
    }
    return s;
}

/* The directory that holds PATH, malloc'd ("." when PATH has no slash). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash == NULL ? 0 : slash == path ? 1 : (size_t)(slash - path);
    char *d = malloc(n + 2);

    if (d == NULL)
        return NULL;
    if (slash == NULL) {
        strcpy(d, ".");
    } else {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

/* Create DIR and any missing parents, each 0700.  0, or -1 with errno. */
static int make_dirs(char *dir)
{
    struct stat sb;

    if (fault(STATE_FAULT_MKDIR))
        return -1;
    if (stat(dir, &sb) == 0)
        return S_ISDIR(sb.st_mode) ? 0 : (errno = ENOTDIR, -1);
    for (char *p = dir + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
                *p = c;
                return -1;
            }
            *p = c;
            if (c == '\0')
                break;
        }
    }
    if (stat(dir, &sb) < 0)
        return -1;
    return S_ISDIR(sb.st_mode) ? 0 : (errno = ENOTDIR, -1);
}

/* Make what DIR's entries became durable; 0, or -1 with errno (EINVAL, not supported, is 0). */
static int sync_dir(const char *dir)
{
    int fd, r = 0;

    if (fault(STATE_FAULT_DIRSYNC))
        return -1;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fsync(fd) < 0 && errno != EINVAL)
        r = -1;
    if (r < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    close(fd);
    return 0;
}

/* Lock PATH.lock. */
int state_file_lock(const char *path, bool create_dir, struct lees_error *err)
{
    char *lock = with_suffix(path, ".lock"), *dir = dir_of(path);
    int fd = -1;
    struct stat sb;

    if (lock == NULL || dir == NULL) {
        lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (create_dir && make_dirs(dir) < 0) {
        lees_error_set(err, LEES_ERR_FILE, "%s: cannot create the directory: %s", dir,
                       strerror(errno));
        goto out;
    }
    if (fault(STATE_FAULT_LOCK)) {
        lees_error_set(err, LEES_ERR_FILE, "%s: %s", lock, strerror(errno));
        goto out;
    }
    fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0 && (errno == EROFS || errno == EACCES))
        fd = open(lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY); /* a read-only place */
    if (fd < 0) {
        lees_error_set(err, LEES_ERR_FILE, "%s: %s", lock,
                       errno == ELOOP ? "is a symbolic link" : strerror(errno));
        goto out;
    }
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        lees_error_set(err, LEES_ERR_FILE, "%s: not a regular file", lock);
        close(fd);
        fd = -1;
        goto out;
    }
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            lees_error_set(err, LEES_ERR_FILE, "%s: cannot lock: %s", lock, strerror(errno));
            close(fd);
            fd = -1;
            break;
        }
    }
out:
    free(lock);
    free(dir);
    return fd;
}

/* Release the lock. */
void state_file_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing the last descriptor releases the flock */
}

/* Read PATH whole. */
int state_file_read(const char *path, char **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY), e;
    struct stat sb;
    size_t cap, n = 0;
    char *buf = NULL;

    *data = NULL;
    *len = 0;
    if (fd < 0)
        return -1;
    if (fstat(fd, &sb) < 0)
        goto fail;
    if (!S_ISREG(sb.st_mode)) {
        errno = EINVAL;
        goto fail;
    }
    if ((uintmax_t)sb.st_size > STATE_FILE_MAX) {
        errno = EFBIG;
        goto fail;
    }
    cap = (size_t)sb.st_size + 1;
    if ((buf = malloc(cap)) == NULL)
        goto fail;
    for (;;) {
        ssize_t r;
        if (n == cap) {
            char *nb;
            if (cap > STATE_FILE_MAX) {
                errno = EFBIG;
                goto fail;
            }
            if ((nb = realloc(buf, cap * 2)) == NULL)
                goto fail;
            buf = nb;
            cap *= 2;
        }
        r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            goto fail;
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    *data = buf;
    *len = n;
    return 0;
fail:
    e = errno;
    free(buf);
    close(fd);
    errno = e;
    return -1;
}

/* The first name offered to a copy made at WHEN. */
void state_file_copy_name(const char *path, time_t when, char *dest, size_t cap)
{
    struct tm tm;
    char stamp[32] = "00000000-000000";

    if (localtime_r(&when, &tm) != NULL)
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(dest, cap, "%s.corrupt-%s", path, stamp);
}

/* Whether ERRNO from link() means that this file system has no hard links. */
static bool no_hard_links(int e)
{
    return e == EPERM || e == EOPNOTSUPP || e == EXDEV || e == EMLINK || e == ENOSYS;
}

/*
 * Give the finished file TMP its name: the first of PATH.corrupt-STAMP, .1, .2 … that is free.
 * link() fails rather than replace a file; where there are no hard links, a name checked free
 * is taken by rename (the caller holds the lock, so no lees takes it in between).
 */
static int name_copy(const char *tmp, const char *path, time_t when, char *dest, size_t cap)
{
    char first[4096];

    if (strlen(path) + 32 > sizeof first) {
        errno = ENAMETOOLONG;
        return -1;
    }
    state_file_copy_name(path, when, first, sizeof first);
    for (int n = 0; n < 1000; n++) {
        struct stat sb;
        int w = n == 0 ? snprintf(dest, cap, "%s", first) : snprintf(dest, cap, "%s.%d", first, n);
        if (w < 0 || (size_t)w >= cap) {
            errno = ENAMETOOLONG;
            return -1;
        }
        if (link(tmp, dest) == 0)
            return 0;
        if (errno == EEXIST)
            continue;
        if (!no_hard_links(errno))
            return -1;
        if (lstat(dest, &sb) == 0)
            continue;
        return errno == ENOENT ? rename(tmp, dest) : -1;
    }
    errno = EEXIST;
    return -1;
}

/* Write all of DATA to FD; 0, or -1 with errno. */
static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w;
        if (fault(STATE_FAULT_WRITE))
            return -1;
        w = write(fd, data, len > 65536 ? 65536 : len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Keep a copy of a damaged file, never over an existing file. */
int state_file_keep_copy(const char *path, time_t when, const char *data, size_t len, char *dest,
                         size_t cap)
{
    char *tmp = with_suffix(path, TMP_INFIX "XXXXXX"), *dir = dir_of(path);
    int fd = -1, r = -1, e;

    if (tmp == NULL || dir == NULL) {
        errno = ENOMEM;
        goto out;
    }
    if (fault(STATE_FAULT_COPY) || (fd = mkstemp(tmp)) < 0)
        goto out;
    if (fchmod(fd, 0600) == 0 && write_all(fd, data, len) == 0 && fsync(fd) == 0) {
        int c = close(fd);
        fd = -1;
        /* after EINTR it is closed, and fsync went well */
        if ((c == 0 || errno == EINTR) && name_copy(tmp, path, when, dest, cap) == 0)
            r = 0;
    }
    e = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp); /* a link to the copy, or what is left of a failed one */
    if (r == 0)
        sync_dir(dir); /* the save that follows syncs it again */
    errno = e;
out:
    free(tmp);
    free(dir);
    return r;
}

/* Replace PATH atomically. */
int state_file_replace(const char *path, const char *data, size_t len, struct lees_error *err)
{
    char *tmp = with_suffix(path, TMP_INFIX "XXXXXX"), *dir = dir_of(path);
    struct stat sb;
    int fd = -1, r = -1;
    const char *what = NULL;

    if (tmp == NULL || dir == NULL) {
        lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
        lees_error_set(err, LEES_ERR_FILE, "%s: is a symbolic link; not written through it", path);
        goto out;
    }
    if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        lees_error_set(err, LEES_ERR_FILE, "%s: not a regular file", path);
        goto out;
    }
    if (fault(STATE_FAULT_MKSTEMP) || (fd = mkstemp(tmp)) < 0) {
        lees_error_set(err, LEES_ERR_FILE, "%s: cannot create a file there: %s", dir,
                       strerror(errno));
        goto out;
    }
    if (fchmod(fd, 0600) < 0)
        what = "cannot set its mode";
    else if (write_all(fd, data, len) < 0)
        what = "cannot write";
    else if (fault(STATE_FAULT_FSYNC) || fsync(fd) < 0)
        what = "cannot write (fsync)";
    if (what == NULL) {
        bool injected = fault(STATE_FAULT_CLOSE);
        int e = errno, c = close(fd);
        fd = -1;
        if (injected) {
            errno = e;
            c = -1;
        }
        if (c < 0 && errno != EINTR) /* after EINTR it is closed, and fsync went well */
            what = "cannot write (close)";
    }
    if (what == NULL && (fault(STATE_FAULT_RENAME) || rename(tmp, path) < 0))
        what = "cannot replace it";
    if (what != NULL) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        lees_error_set(err, LEES_ERR_FILE, "%s: %s: %s", path, what, strerror(e));
        goto out;
    }
    if (sync_dir(dir) < 0) {
        lees_error_set(err, LEES_ERR_FILE, "%s: saved, but the directory could not be synced: %s",
                       path, strerror(errno));
        goto out;
    }
    r = 0;
out:
    free(tmp);
    free(dir);
    return r;
}

/* Remove what a writer killed between mkstemp and rename left: PATH.tmp-XXXXXX. */
void state_file_sweep(const char *path)
{
    char *dir = dir_of(path);
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    size_t blen = strlen(base), ilen = strlen(TMP_INFIX);
    DIR *d;
    struct dirent *de;

    if (dir == NULL)
        return;
    if ((d = opendir(dir)) != NULL) {
        while ((de = readdir(d)) != NULL) {
            const char *n = de->d_name;
            if (strlen(n) == blen + ilen + 6 && strncmp(n, base, blen) == 0 &&
                strncmp(n + blen, TMP_INFIX, ilen) == 0)
                unlinkat(dirfd(d), n, 0);
        }
        closedir(d);
    }
    free(dir);
}
