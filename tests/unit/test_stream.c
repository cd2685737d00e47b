/*
 * test_stream.c: standard input read as it comes (stream.c): what a snapshot takes (whole
 * lines, whole characters of a line that is long so far, everything once the writer has
 * ended), bytes that never move while they grow past many steps, and snapshots that agree on
 * every byte they share.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lees/page.h"
#include "lees/stream.h"
#include "unit.h"

struct pipe_stream {
    int fd[2];
    struct stream *s;
};

static void open_pipe(struct pipe_stream *p)
{
    struct lees_error err = {0};

    assert_int_equal(pipe(p->fd), 0);
    p->s = stream_new(p->fd[0], "-", &err);
    assert_non_null(p->s);
}

static void put(struct pipe_stream *p, const char *bytes, size_t n)
{
    assert_int_equal(write(p->fd[1], bytes, n), (ssize_t)n);
}

/* Read everything written so far (the pipe holds it all). */
static long take(struct pipe_stream *p)
{
    struct lees_error err = {0};
    long n = stream_read(p->s, 0, SIZE_MAX, &err);

    assert_true(n >= 0);
    return n;
}

/* Write and read N bytes, a pipe's worth at a time. */
static void put_all(struct pipe_stream *p, const char *bytes, size_t n)
{
    for (size_t k = 0; k < n; k += 16384) {
        put(p, bytes + k, n - k < 16384 ? n - k : 16384);
        take(p);
    }
}

static void close_pipe(struct pipe_stream *p)
{
    stream_free(p->s);
    close(p->fd[0]);
    if (p->fd[1] >= 0)
        close(p->fd[1]);
}

static void test_whole_lines(void **state)
{
    struct pipe_stream p;
    struct lees_error err = {0};
    struct doc *doc;
    size_t len;

    (void)state;
    open_pipe(&p);
    assert_int_equal(take(&p), 0); /* nothing yet, and no wait for it */
    assert_false(stream_ended(p.s));
    put(&p, "ab", 2);
    assert_int_equal(take(&p), 2);
    assert_int_equal(stream_whole_len(p.s), 0); /* the first line is not whole yet */
    put(&p, "\ncd", 3);
    assert_int_equal(take(&p), 3);
    assert_int_equal(stream_len(p.s), 5);
    assert_int_equal(stream_whole_len(p.s), 3);
    assert_int_equal(stream_doc_new(p.s, DOC_FORMAT_TEXT, &doc, &err), 0);
    assert_memory_equal(doc_bytes(doc, &len), "ab\n", 3);
    assert_int_equal(len, 3);
    doc_free(doc);
    close(p.fd[1]);
    p.fd[1] = -1;
    assert_int_equal(take(&p), 0);
    assert_true(stream_ended(p.s));
    assert_int_equal(stream_whole_len(p.s), 5); /* ended: the last line as it is */
    close_pipe(&p);
}

/* A long line so far is shown to its last whole character, never cutting one in two. */
static void test_long_line(void **state)
{
    struct pipe_stream p;
    char buf[3000];

    (void)state;
    open_pipe(&p);
    for (size_t i = 0; i < sizeof buf; i += 3)
        memcpy(buf + i, "\xe2\x82\xac", 3); /* € */
    for (int k = 0; k < 30; k++) {          /* 90,000 bytes, no newline */
        put(&p, buf, sizeof buf);
        take(&p);
    }
    for (size_t extra = 0; extra < 3; extra++) {
        size_t whole = stream_whole_len(p.s);
        assert_true(whole > 0 && whole <= stream_len(p.s));
        assert_int_equal(whole % 3, 0);
        put(&p, "\xe2", 1); /* a character begun: not whole */
        take(&p);
        assert_int_equal(stream_whole_len(p.s) % 3, 0);
        put(&p, "\x82\xac", 2);
        take(&p);
    }
    put(&p, "\nshort", 6);
    take(&p);
    assert_int_equal(stream_whole_len(p.s), stream_len(p.s) - 5); /* back to whole lines */
    close_pipe(&p);
}

/* Bytes read past many steps of growth stay where they were: a snapshot made early reads the
 * same bytes at the same address as one made late. */
static void test_bytes_never_move(void **state)
{
    struct pipe_stream p;
    struct lees_error err = {0};
    struct doc *first, *last;
    const char *a, *b;
    size_t alen, blen, total = 0;
    char chunk[32768];

    (void)state;
    open_pipe(&p);
    put(&p, "# Start\n\nfirst line\n", 20);
    take(&p);
    assert_int_equal(stream_doc_new(p.s, DOC_FORMAT_AUTO, &first, &err), 0);
    assert_int_equal(doc_format_of(first), DOC_FORMAT_MARKDOWN);
    for (int i = 0; i < 200; i++) { /* 6.5 MB, many grow steps */
        for (size_t k = 0; k < sizeof chunk; k++)
            chunk[k] = k % 64 == 63 ? '\n' : (char)('a' + (i + (int)k) % 26);
        put(&p, chunk, sizeof chunk);
        total += (size_t)take(&p);
    }
    assert_int_equal(total, 200 * sizeof chunk);
    assert_int_equal(stream_doc_new(p.s, DOC_FORMAT_MARKDOWN, &last, &err), 0);
    a = doc_bytes(first, &alen);
    b = doc_bytes(last, &blen);
    assert_ptr_equal(a, b);
    assert_int_equal(blen, 20 + total);
    assert_memory_equal(a, "# Start\n\nfirst line\n", alen);
    assert_int_equal(b[blen - 1], '\n');
    doc_free(first);
    doc_free(last);
    close_pipe(&p);
}

/* stream_read takes at most what it is asked for, and waits only when told to. */
static void test_read_limits(void **state)
{
    struct pipe_stream p;
    struct lees_error err = {0};

    (void)state;
    open_pipe(&p);
    put(&p, "0123456789\n", 11);
    assert_int_equal(stream_read(p.s, 0, 4, &err), 4);
    assert_int_equal(stream_read(p.s, 20, 100, &err), 7);
    assert_int_equal(stream_read(p.s, 20, 100, &err), 0); /* 20 ms, then nothing */
    assert_false(stream_ended(p.s));
    close_pipe(&p);
}

/* A newer snapshot goes on from the sections its predecessor found (stream_doc_after): the same
 * sections as a doc opened over the same bytes, without looking at the old ones again; and its
 * page takes over the pages counted (page_take_counts), to the same numbers. */
static void test_snapshot_after(void **state)
{
    struct pipe_stream p;
    struct lees_error err = {0};
    struct doc *first, *second, *fresh;
    struct page *pf, *ps, *pfresh;
    static char text[400000];
    size_t n = 0, half, progress;

    (void)state;
    while (n < sizeof text - 100)
        n += (size_t)sprintf(text + n, n % 5000 < 40 ? "## Deel %zu\n\n" : "regel %zu\n", n);
    half = n / 2;
    while (text[half - 1] != '\n')
        half++;
    doc_set_whole_limit(0);
    open_pipe(&p);
    put_all(&p, text, half);
    assert_int_equal(stream_doc_new(p.s, DOC_FORMAT_MARKDOWN, &first, &err), 0);
    pf = page_new(first, 40, 10, 0);
    page_total(pf); /* every section found and counted */
    progress = doc_index_progress(first);
    put_all(&p, text + half, n - half);
    assert_int_equal(stream_doc_after(p.s, first, &second, &err), 0);
    assert_true(doc_index_progress(second) >= progress); /* carried over */
    assert_int_equal(doc_open_memory(text, n, "-", DOC_FORMAT_MARKDOWN, &fresh, &err), 0);
    assert_int_equal(doc_section_count(second), doc_section_count(fresh));
    for (size_t i = 0; i < doc_section_count(fresh); i++) {
        assert_int_equal(doc_section(second, i)->start, doc_section(fresh, i)->start);
        assert_int_equal(doc_section(second, i)->end, doc_section(fresh, i)->end);
    }
    ps = page_new(second, 40, 10, 0);
    page_take_counts(ps, pf);
    assert_true(page_section_counted(ps, doc_sections_found(first) / 2)); /* not counted again */
    pfresh = page_new(fresh, 40, 10, 0);
    assert_int_equal(page_total(ps), page_total(pfresh));
    for (size_t i = 0; i < doc_section_count(fresh); i += 7)
        assert_int_equal(page_of_section(ps, i), page_of_section(pfresh, i));
    page_free(pf);
    page_free(ps);
    page_free(pfresh);
    doc_free(first);
    doc_free(second);
    doc_free(fresh);
    close_pipe(&p);
    doc_set_whole_limit(SIZE_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_lines),      cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_bytes_never_move), cmocka_unit_test(test_read_limits),
        cmocka_unit_test(test_snapshot_after),
    };
    return cmocka_run_group_tests_name("stream", tests, NULL, NULL);
}
