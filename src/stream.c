/*
 * stream.c: standard input read as it comes, so that the first page of `cmd | lees` shows as
 * soon as it has arrived (less does the same) instead of after the writer has finished, which
 * for a slow command may be never.
 *
 * The bytes go into one range of address space reserved at the start (PROT_NONE, nothing
 * committed) and made writable a step at a time.  Growing never moves them, so the docs
 * opened over earlier prefixes, and the byte offsets everything else keeps, stay valid; a
 * realloc'd buffer would have left each snapshot pointing at freed memory.
 */
#define _GNU_SOURCE /* memrchr, MAP_NORESERVE */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lees/stream.h"

#define STREAM_STEP_MIN ((size_t)1 << 20) /* made writable at least this much at a time */
#define STREAM_RESERVE_MIN ((size_t)64 << 20)
#define STREAM_LINE_LOOK ((size_t)64 << 10) /* a line this long so far is shown in part */

struct stream {
    int fd;
    bool owns_fd; /* opened by stream_open: closed with the stream */
    char *name;
    char *base;       /* the reserved range */
    size_t reserved;  /* its length */
    size_t committed; /* the writable start of it */
    size_t len;       /* bytes read */
    bool ended;
};

/* The largest range this machine lets us reserve, from 64 GiB (64-bit) down: address space
 * only, so a limit on it (ulimit -v) is what bounds it. */
static char *reserve(size_t *size)
{
    size_t want = SIZE_MAX > UINT32_MAX ? (size_t)1 << 36 : (size_t)1 << 30;

    for (; want >= STREAM_RESERVE_MIN; want /= 2) {
        void *p = mmap(NULL, want, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED) {
            *size = want;
            return p;
        }
    }
    return NULL;
}

/* A stream over FD. */
struct stream *stream_new(int fd, const char *name, struct lees_error *err)
{
    struct stream *s = calloc(1, sizeof *s);

    if (s == NULL || (s->name = strdup(name)) == NULL) {
        free(s);
        lees_error_set(err, LEES_ERR_NOMEM, "%s: out of memory", name);
        return NULL;
    }
    s->fd = fd;
    s->base = reserve(&s->reserved);
    if (s->base == NULL) {
        lees_error_set(err, LEES_ERR_NOMEM, "%s: no address space to read into", name);
        free(s->name);
        free(s);
        return NULL;
    }
    return s;
}

/* A stream over the file at PATH, which it opens and closes. */
struct stream *stream_open(const char *path, struct lees_error *err)
{
    struct stream *s;
    /* As less does, a FIFO is opened as it is: the open waits for a writer to come. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

    if (fd < 0) {
        lees_error_set(err, LEES_ERR_FILE, "%s: %s", path, strerror(errno));
        return NULL;
    }
    s = stream_new(fd, path, err);
    if (s == NULL) {
        close(fd);
        return NULL;
    }
    s->owns_fd = true;
    return s;
}

/* Release the stream and its bytes. */
void stream_free(struct stream *s)
{
    if (s == NULL)
        return;
    if (s->owns_fd)
        close(s->fd);
    munmap(s->base, s->reserved);
    free(s->name);
    free(s);
}

/* The descriptor, to wait on. */
int stream_fd(const struct stream *s)
{
    return s->fd;
}

/* Make more of the range writable: as much again as is, so that a long text takes few steps. */
static int grow(struct stream *s, struct lees_error *err)
{
    size_t step = s->committed < STREAM_STEP_MIN ? STREAM_STEP_MIN : s->committed;

    if (step > s->reserved - s->committed)
        step = s->reserved - s->committed;
    if (step == 0)
        return lees_error_set(err, LEES_ERR_NOMEM, "%s: longer than %zu MiB: out of memory",
                              s->name, s->reserved >> 20);
    if (mprotect(s->base + s->committed, step, PROT_READ | PROT_WRITE) != 0)
        return lees_error_set(err, LEES_ERR_NOMEM, "%s: out of memory", s->name);
    s->committed += step;
    return 0;
}

/* Whether a byte can be read from FD within WAIT_MS (or end of file seen); false on a signal. */
static bool readable(int fd, int wait_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};

    return poll(&p, 1, wait_ms) > 0;
}

/* Read what has arrived, at most MAX bytes, waiting only for the first. */
long stream_read(struct stream *s, int wait_ms, size_t max, struct lees_error *err)
{
    size_t got = 0;

    while (!s->ended && got < max && readable(s->fd, got == 0 ? wait_ms : 0)) {
        size_t room;
        ssize_t n;

        if (s->len == s->committed && grow(s, err) != 0)
            return -1;
        room = s->committed - s->len;
        n = read(s->fd, s->base + s->len, room < max - got ? room : max - got);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            break; /* a signal is for the caller to see; nothing after all */
        if (n < 0)
            return lees_error_set(err, LEES_ERR_FILE, "%s: %s", s->name, strerror(errno));
        if (n == 0)
            s->ended = true;
        s->len += (size_t)n;
        got += (size_t)n;
    }
    return (long)got;
}

/* Whether every byte is in. */
bool stream_ended(const struct stream *s)
{
    return s->ended;
}

/* The bytes read so far. */
size_t stream_len(const struct stream *s)
{
    return s->len;
}

/* The bytes a snapshot takes: to the end of the last whole line until the stream ends, or of
 * the last whole character in a line longer than STREAM_LINE_LOOK so far. */
size_t stream_whole_len(const struct stream *s)
{
    size_t look = s->len < STREAM_LINE_LOOK ? s->len : STREAM_LINE_LOOK;
    const char *nl;
    size_t end = s->len;

    if (s->ended)
        return s->len;
    nl = look > 0 ? memrchr(s->base + s->len - look, '\n', look) : NULL;
    if (nl != NULL)
        return (size_t)(nl - s->base) + 1;
    if (look < STREAM_LINE_LOOK)
        return 0; /* the first line is not whole yet */
    /* Back over the last character, whole or not: the next snapshot has it whole. */
    while (end > 0 && s->len - end < 4 && ((unsigned char)s->base[end - 1] & 0xC0) == 0x80)
        end--;
    if (end > 0 && ((unsigned char)s->base[end - 1] & 0xC0) == 0xC0)
        end--;
    else if (end < s->len && end > 0 && ((unsigned char)s->base[end - 1] & 0x80) == 0)
        end = s->len; /* continuation bytes after ASCII: not UTF-8, nothing to keep whole */
    return end;
}

/* A doc over the whole lines read so far. */
int stream_doc_new(const struct stream *s, enum doc_format format, struct doc **out,
                   struct lees_error *err)
{
    return doc_open_memory(s->base, stream_whole_len(s), s->name, format, out, err);
}

/* A snapshot after PREV (see stream.h). */
int stream_doc_after(const struct stream *s, const struct doc *prev, struct doc **out,
                     struct lees_error *err)
{
    return doc_open_longer(prev, s->base, stream_whole_len(s), out, err);
}
