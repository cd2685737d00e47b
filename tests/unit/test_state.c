/*
 * test_state.c: the state module in memory and its text format: the default path, hashing,
 * quotes, the API over texts, marks and history, writing and parsing again (any byte in names,
 * quotes and paths), what the parser salvages of a damaged file and what it skips, re-anchoring
 * after edits, and the merge of two writers.  The file handling (corrupt files, locks, faults,
 * permissions, many processes) is in test_state_file.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "lees/state.h"
#include "unit.h"

#include "../../src/state_internal.h"

/* ---- fixtures: a temporary directory per test, a settable clock ---- */

static time_t fake_now = 1000000000;

static time_t fake_clock(void)
{
    return fake_now;
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

static char *read_file(const char *path, size_t *len)
{
    char *data;

    assert_int_equal(state_file_read(path, &data, len), 0);
    return data;
}

/* ---- tests ---- */

static void test_default_path(void **state)
{
    char buf[256], *old_xdg = getenv("XDG_STATE_HOME"), *old_home = getenv("HOME");
    char *sx = old_xdg ? strdup(old_xdg) : NULL, *sh = old_home ? strdup(old_home) : NULL;

    (void)state;
    setenv("XDG_STATE_HOME", "/x/state", 1);
    setenv("HOME", "/home/ann", 1);
    assert_int_equal(state_default_path(buf, sizeof buf), 0);
    assert_string_equal(buf, "/x/state/lees/state");
    setenv("XDG_STATE_HOME", "relative/state", 1); /* not absolute: ignored */
    assert_int_equal(state_default_path(buf, sizeof buf), 0);
    assert_string_equal(buf, "/home/ann/.local/state/lees/state");
    unsetenv("XDG_STATE_HOME");
    assert_int_equal(state_default_path(buf, sizeof buf), 0);
    assert_string_equal(buf, "/home/ann/.local/state/lees/state");
    setenv("XDG_STATE_HOME", "", 1);
    assert_int_equal(state_default_path(buf, sizeof buf), 0);
    assert_string_equal(buf, "/home/ann/.local/state/lees/state");
    errno = 0;
    assert_int_equal(state_default_path(buf, 10), -1);
    assert_int_equal(errno, ENAMETOOLONG);
    if (sx)
        setenv("XDG_STATE_HOME", sx, 1);
    else
        unsetenv("XDG_STATE_HOME");
    if (sh)
        setenv("HOME", sh, 1);
    free(sx);
    free(sh);
}

static void test_hash(void **state)
{
    (void)state;
    assert_true(state_hash("abc", 3) == XXH3_64bits("abc", 3));
    assert_true(state_hash("abc", 3) != state_hash("abd", 3));
    assert_true(state_hash("", 0) == XXH3_64bits("", 0));
    {
        /* A long text is hashed by samples: its length, its ends and bytes in between count. */
        size_t n = 3u << 20;
        char *big = calloc(n, 1);
        uint64_t h;
        assert_non_null(big);
        h = state_hash(big, n);
        assert_true(h != XXH3_64bits(big, n));
        assert_true(state_hash(big, n - 1) != h);
        big[0] = 'x';
        assert_true(state_hash(big, n) != h);
        big[0] = '\0';
        big[n - 1] = 'x';
        assert_true(state_hash(big, n) != h);
        big[n - 1] = '\0';
        big[(n - 4096) / 16 * 8 + 100] = 'x';
        assert_true(state_hash(big, n) != h);
        big[(n - 4096) / 16 * 8 + 100] = '\0';
        assert_true(state_hash(big, n) == h);
        free(big);
    }
}

static int read_bytes(const void *ctx, size_t off, void *buf, size_t n)
{
    memcpy(buf, (const char *)ctx + off, n);
    return 0;
}

static int read_fails_late(const void *ctx, size_t off, void *buf, size_t n)
{
    return off >= (2u << 20) ? -1 : read_bytes(ctx, off, buf, n);
}

/* Read out or in memory, a text has one hash, and it stays what state files hold (a text up to
 * 1 MiB is hashed whole, as always; a longer one by its ends and 7 samples, 4 KiB each, since
 * 2026-11-28: 15 or 63 samples and ends of 64 KiB before).  Changing it loses renamed texts'
 * entries. */
static void test_hash_read(void **state)
{
    static const size_t sizes[] = {0,    1,        4095,           4096,
                                   4097, 1u << 20, (1u << 20) + 1, (3u << 20) + 7};
    size_t n = (3u << 20) + 7;
    unsigned char *big = malloc(n);
    uint64_t h;

    (void)state;
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (unsigned char)(i * 31 % 251);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        h = 0;
        assert_int_equal(state_hash_read(sizes[i], read_bytes, big, &h), 0);
        assert_true(h == state_hash(big, sizes[i]));
    }
    assert_true(state_hash(big, 1u << 20) == 0x09fe1c343d88bef7ull);
    assert_true(state_hash(big, n) == 0x6ff0256929202466ull);
    assert_int_equal(state_hash_read(n, read_fails_late, big, &h), -1);
    free(big);
}

/* A quote is at most 40 bytes of whole characters. */
static void test_quotes(void **state)
{
    /* 39 ASCII bytes, then é (2 bytes) straddling the 40-byte limit */
    static const char text[] = "123456789012345678901234567890123456789\xC3\xA9 tail";
    struct state *st = state_new(in(state, "state"));
    struct state_text *t = state_text(st, 1, "/t");
    const struct state_mark *m;
    uint64_t id;

    id = state_mark_add(t, "n", 0, text, sizeof text - 1);
    m = state_mark_find(t, id);
    assert_int_equal(m->quote_len, 39);
    assert_memory_equal(m->quote, text, 39);
    id = state_mark_add(t, "n", 1, text, sizeof text - 1);
    m = state_mark_find(t, id);
    assert_int_equal(m->quote_len, 40); /* é fits from offset 1 */
    assert_memory_equal(m->quote, text + 1, 40);
    id = state_mark_add(t, "end", sizeof text - 3, text, sizeof text - 1);
    assert_int_equal(state_mark_find(t, id)->quote_len, 2);
    id = state_mark_add(t, "past", 1000, text, sizeof text - 1);
    assert_int_equal(state_mark_find(t, id)->quote_len, 0);
    /* invalid bytes count as one each */
    id = state_mark_add(t, "bad", 0, "\xff\xfe\x80", 3);
    m = state_mark_find(t, id);
    assert_int_equal(m->quote_len, 3);
    assert_memory_equal(m->quote, "\xff\xfe\x80", 3);
    state_free(st);
}

static void test_text_identity(void **state)
{
    struct state *st = state_new(in(state, "state"));
    struct state_text *a, *b;

    a = state_text(st, 0x1111, "/texts/a.md");
    assert_non_null(a);
    assert_int_equal(state_text_count(st), 1);
    /* renamed: the same content at a new path */
    fake_now++;
    b = state_text(st, 0x1111, "/texts/renamed.md");
    assert_ptr_equal(a, b);
    assert_string_equal(state_text_path(a), "/texts/renamed.md");
    assert_int_equal(state_text_read(a), fake_now);
    /* edited: new content at the same path */
    b = state_text(st, 0x2222, "/texts/renamed.md");
    assert_ptr_equal(a, b);
    assert_true(state_text_hash(a) == 0x2222);
    /* another text */
    b = state_text(st, 0x3333, "/texts/other.md");
    assert_ptr_not_equal(a, b);
    assert_int_equal(state_text_count(st), 2);
    assert_ptr_equal(state_text_at(st, 0), b); /* the most recent first */
    /* no path (standard input): known by its hash alone, and keeps its path */
    assert_ptr_equal(state_text(st, 0x2222, NULL), a);
    assert_string_equal(state_text_path(a), "/texts/renamed.md");
    b = state_text(st, 0x4444, NULL);
    assert_null(state_text_path(b));
    assert_int_equal(state_text_count(st), 3);
    assert_null(state_text_at(st, 3));
    /* looked for by path alone (before the hash is known): found, and left as it is */
    fake_now++;
    assert_ptr_equal(state_text_at_path(st, "/texts/renamed.md"), a);
    assert_int_equal(state_text_read(a), fake_now - 1);
    assert_ptr_equal(state_text_at(st, 0), b);
    assert_null(state_text_at_path(st, "/texts/none.md"));
    assert_null(state_text_at_path(st, NULL));
    state_free(st);
}

static void test_marks(void **state)
{
    static const char text[] = "alpha beta gamma delta epsilon";
    struct state *st = state_new(in(state, "state"));
    struct state_text *t = state_text(st, 7, "/t");
    struct state_mark *undo = NULL;
    uint64_t g, b, qa, qa2, qb;

    g = state_mark_add(t, "Gamma", 11, text, sizeof text - 1);
    b = state_mark_add(t, "Beta", 6, text, sizeof text - 1);
    assert_true(g != 0 && b != 0 && g != b);
    assert_int_equal(state_mark_count(t), 2);
    assert_true(state_mark_at(t, 0)->id == b); /* in the order of offsets */
    assert_true(state_mark_at(t, 1)->id == g);
    assert_null(state_mark_at(t, 2));
    assert_int_equal(state_mark_find(t, g)->key, 0);
    assert_int_equal(state_mark_find(t, g)->created, fake_now);
    assert_false(state_mark_find(t, g)->lost);
    assert_memory_equal(state_mark_find(t, g)->quote, "gamma delta", 11);

    /* quick marks: one a letter, setting it again replaces it */
    qa = state_mark_quick(t, 'a', 0, text, sizeof text - 1);
    qb = state_mark_quick(t, 'B', 17, text, sizeof text - 1);
    assert_true(state_mark_key(t, 'a')->id == qa);
    assert_true(state_mark_key(t, 'B')->id == qb);
    assert_null(state_mark_key(t, 'b'));
    qa2 = state_mark_quick(t, 'a', 23, text, sizeof text - 1);
    assert_true(qa2 != qa);
    assert_true(state_mark_key(t, 'a')->id == qa2);
    assert_null(state_mark_find(t, qa));
    assert_int_equal(state_mark_count(t), 4);
    errno = 0;
    assert_true(state_mark_quick(t, '1', 0, text, sizeof text - 1) == 0);
    assert_int_equal(errno, EINVAL);
    assert_true(state_mark_quick(t, 0, 0, text, sizeof text - 1) == 0);

    /* rename: a quick mark keeps its letter */
    assert_int_equal(state_mark_rename(t, qb, "D"), 0);
    assert_string_equal(state_mark_find(t, qb)->name, "D");
    assert_int_equal(state_mark_find(t, qb)->key, 'B');
    assert_int_equal(state_mark_rename(t, g, "Gamma \"two\""), 0);
    assert_string_equal(state_mark_find(t, g)->name, "Gamma \"two\"");
    assert_int_equal(state_mark_rename(t, 12345, "x"), -1);
    assert_int_equal(errno, ENOENT);

    /* delete, and undo it: the same mark comes back */
    assert_int_equal(state_mark_delete(t, g, &undo), 0);
    assert_non_null(undo);
    assert_null(state_mark_find(t, g));
    assert_int_equal(state_mark_count(t), 3);
    assert_true(undo->id == g);
    assert_string_equal(undo->name, "Gamma \"two\"");
    assert_int_equal(state_mark_restore(t, undo), 0);
    assert_non_null(state_mark_find(t, g));
    assert_int_equal(state_mark_find(t, g)->offset, 11);
    assert_string_equal(state_mark_find(t, g)->name, "Gamma \"two\"");
    assert_int_equal(state_mark_count(t), 4);

    /* restoring when the id is there again is refused (and the copy released) */
    assert_int_equal(state_mark_delete(t, g, &undo), 0);
    assert_int_equal(state_mark_restore(t, undo), 0);
    assert_int_equal(state_mark_delete(t, b, &undo), 0);
    assert_int_equal(state_mark_delete(t, b, NULL), -1);
    assert_int_equal(errno, ENOENT);
    undo->id = g;
    assert_int_equal(state_mark_restore(t, undo), -1);
    assert_int_equal(errno, EEXIST);

    /* a restored quick mark takes its letter back */
    assert_int_equal(state_mark_delete(t, qa2, &undo), 0);
    qa = state_mark_quick(t, 'a', 2, text, sizeof text - 1);
    assert_int_equal(state_mark_restore(t, undo), 0);
    assert_true(state_mark_key(t, 'a')->id == qa2);
    assert_null(state_mark_find(t, qa));
    /* a dropped copy */
    assert_int_equal(state_mark_delete(t, qa2, &undo), 0);
    state_mark_free(undo);
    assert_null(state_mark_key(t, 'a'));
    state_free(st);
}

static void test_position(void **state)
{
    static const char text[] = "one two three";
    struct state *st = state_new(in(state, "state"));
    struct state_text *t = state_text(st, 7, "/t");

    assert_int_equal(state_position(t), 0);
    fake_now += 5;
    assert_int_equal(state_position_set(t, 4, text, sizeof text - 1), 0);
    assert_int_equal(state_position(t), 4);
    assert_int_equal(state_text_read(t), fake_now);
    assert_memory_equal(t->pos_quote, "two three", 9);
    state_free(st);
}

static void test_history(void **state)
{
    struct state *st = state_new(in(state, "state"));
    char p[32];

    assert_int_equal(state_history_add(st, "one"), 0);
    assert_int_equal(state_history_add(st, "two"), 0);
    assert_int_equal(state_history_add(st, "one"), 0); /* no duplicates: it moves last */
    assert_int_equal(state_history_add(st, ""), 0);    /* nothing */
    assert_int_equal(state_history_count(st), 2);
    assert_string_equal(state_history_at(st, 0), "two");
    assert_string_equal(state_history_at(st, 1), "one");
    assert_null(state_history_at(st, 2));
    for (int i = 0; i < 150; i++) {
        snprintf(p, sizeof p, "p%d", i);
        assert_int_equal(state_history_add(st, p), 0);
    }
    assert_int_equal(state_history_count(st), STATE_MAX_HISTORY);
    assert_string_equal(state_history_at(st, 0), "p50");
    assert_string_equal(state_history_at(st, 99), "p149");
    state_free(st);
}

/* Write, parse and write again: the same state and the same bytes. */
static void test_round_trip_any_byte(void **state)
{
    char name[256], text[512], path[300];
    struct state *st = state_new(in(state, "state")), *back = state_new(in(state, "state"));
    struct state_text *t, *u;
    char *out, *out2, why[256];
    size_t len, len2;
    uint64_t ids[4];

    for (int i = 0; i < 255; i++)
        name[i] = (char)(i + 1); /* every byte but NUL */
    name[255] = '\0';
    for (int i = 0; i < 512; i++)
        text[i] = (char)(i * 7); /* every byte, NUL too */
    snprintf(path, sizeof path, "/dir with space/new\nline\ttab/\"q\"\\/\xff\xc3(/\xe2\x80\xae.md");
    t = state_text(st, 0xfedcba9876543210u, path);
    ids[0] = state_mark_add(t, name, 0, text, sizeof text);
    ids[1] = state_mark_add(t, "é – “quoted” \xe2\x80\xae rtl", 40, text, sizeof text);
    ids[2] = state_mark_quick(t, 'z', 500, text, sizeof text);
    ids[3] = state_mark_add(t, "", 511, text, sizeof text);
    assert_int_equal(state_position_set(t, 100, text, sizeof text), 0);
    state_reanchor(t, "completely different", 20); /* all lost, position re-quoted */
    u = state_text(st, 1, NULL);
    (void)u;
    assert_int_equal(state_history_add(st, "back\\slash \"quote\" new\nline \x01 é"), 0);
    assert_int_equal(state_history_add(st, name), 0);

    out = state_format(st, &len);
    assert_non_null(out);
    assert_int_equal(state_parse(back, out, len, why, sizeof why), STATE_PARSE_OK);
    assert_int_equal(state_text_count(back), 2);
    t = state_text_at(st, 1);
    u = state_text_at(back, 1);
    assert_true(state_text_hash(u) == 0xfedcba9876543210u);
    assert_string_equal(state_text_path(u), path);
    assert_int_equal(state_text_read(u), state_text_read(t));
    assert_int_equal(state_position(u), state_position(t));
    assert_int_equal(u->pos_quote_len, t->pos_quote_len);
    assert_memory_equal(u->pos_quote, t->pos_quote, t->pos_quote_len);
    assert_int_equal(state_mark_count(u), 4);
    for (int i = 0; i < 4; i++) {
        const struct state_mark *a = state_mark_find(t, ids[i]), *b = state_mark_find(u, ids[i]);
        assert_non_null(b);
        assert_int_equal(a->offset, b->offset);
        assert_int_equal(a->created, b->created);
        assert_int_equal(a->key, b->key);
        assert_int_equal(a->lost, b->lost);
        assert_int_equal(a->name_len, b->name_len);
        assert_memory_equal(a->name, b->name, a->name_len);
        assert_int_equal(a->quote_len, b->quote_len);
        assert_memory_equal(a->quote, b->quote, a->quote_len);
    }
    assert_true(state_mark_find(u, ids[0])->quote_len == STATE_QUOTE_MAX);
    assert_null(state_text_path(state_text_at(back, 0)));
    assert_int_equal(state_history_count(back), 2);
    assert_string_equal(state_history_at(back, 0), state_history_at(st, 0));
    assert_string_equal(state_history_at(back, 1), name);
    /* the file shows safely: no control byte but the newlines */
    for (size_t i = 0; i < len; i++)
        assert_true((unsigned char)out[i] >= 0x20 || out[i] == '\n');
    out2 = state_format(back, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(out, out2, len);
    free(out);
    free(out2);
    state_free(st);
    state_free(back);
}

/* A hand-written file in the canonical form is read and written back byte for byte. */
static void test_format_golden(void **state)
{
    static const char file[] =
        "lees-state 1\n"
        "# lees: reading positions and bookmarks; the format is in lees(1), STATE FILE.\n"
        "search \"Mechelen\"\n"
        "search \"tab\\there \\\"q\\\" back\\\\slash\"\n"
        "text 3f2a9c0d11e4b7a8 2026-11-28T14:05:00Z \"/home/ann/interview.md\"\n"
        "position 5120 \"De burgemeester zei\"\n"
        "mark 00000000000000a1 2048 2026-11-28T14:03:22Z ok - \"Inleiding é\" \"Handen\\nin\"\n"
        "mark 00000000000000b2 4096 1970-01-01T00:00:00Z lost a \"\" \"\\x00\\xff\\x1b[31m\"\n"
        "mark 00000000000000c3 4096 2000-02-29T23:59:59Z ok Z \"\\xe2\\x80\\xae\\xc2\\x85\" \"\"\n"
        "text 0000000000000001 2026-01-01T00:00:00Z \"\"\n"
        "position 0 \"\"\n"
        "end\n";
    struct state *st = state_new(in(state, "state"));
    char why[256], *out;
    size_t len;
    struct state_text *t;
    const struct state_mark *m;

    assert_int_equal(state_parse(st, file, sizeof file - 1, why, sizeof why), STATE_PARSE_OK);
    t = state_text_at(st, 0);
    assert_true(state_text_hash(t) == 0x3f2a9c0d11e4b7a8u);
    assert_int_equal(state_text_read(t), 1795874700); /* 2026-11-28T14:05:00Z */
    assert_int_equal(state_position(t), 5120);
    m = state_mark_find(t, 0xb2);
    assert_true(m->lost);
    assert_int_equal(m->key, 'a');
    assert_int_equal(m->created, 0);
    assert_int_equal(m->quote_len, 7);
    assert_memory_equal(m->quote, "\0\xff\x1b[31m", 7);
    m = state_mark_find(t, 0xa1);
    assert_string_equal(m->name, "Inleiding é");
    assert_memory_equal(m->quote, "Handen\nin", 9);
    assert_int_equal(state_mark_find(t, 0xc3)->created, 951868799);
    assert_string_equal(state_history_at(st, 1), "tab\there \"q\" back\\slash");
    out = state_format(st, &len);
    assert_int_equal(len, sizeof file - 1);
    assert_memory_equal(out, file, len);
    free(out);
    state_free(st);
}

static const char good_file[] = "lees-state 1\n"
                                "search \"x\"\n"
                                "text 00000000000000aa 2026-11-28T14:05:00Z \"/a\"\n"
                                "position 3 \"abc\"\n"
                                "mark 0000000000000001 2 2026-11-28T14:03:22Z ok - \"n\" \"q\"\n"
                                "end\n";

/* A file lees might have written: two texts, quick and named marks, searches (12 lines). */
static const char *const base_lines[] = {
    "lees-state 1\n",
    "search \"Mechelen\"\n",
    "text 00000000000000aa 2026-11-28T14:05:00Z \"/a.md\"\n",
    "position 5120 \"De burgemeester\"\n",
    "mark 0000000000000001 10 2026-11-28T14:03:22Z ok - \"een\" \"q1\"\n",
    "mark 0000000000000002 20 2026-11-28T14:03:23Z ok a \"twee\" \"q2\"\n",
    "mark 0000000000000003 30 2026-11-28T14:03:24Z lost - \"drie\" \"q3\"\n",
    "text 00000000000000bb 2026-11-27T10:00:00Z \"/b.md\"\n",
    "position 7 \"x\"\n",
    "mark 0000000000000004 40 2026-11-27T09:00:00Z ok b \"vier\" \"q4\"\n",
    "search \"economie\"\n",
    "end\n",
};

#define NBASE (sizeof base_lines / sizeof *base_lines)

/*
 * The base file with its line AT (1-based) replaced by LINE (NULL: removed), or LINE put before
 * it when INSERT; in a static buffer (one of two).
 */
static const char *edited(size_t at, const char *line, bool insert)
{
    static char bufs[2][4096];
    static int k;
    char *b = bufs[k++ % 2];
    size_t n = 0;

    b[0] = '\0';
    for (size_t i = 1; i <= NBASE + 1; i++) {
        if (i == at && line != NULL)
            n += (size_t)snprintf(b + n, sizeof bufs[0] - n, "%s", line);
        if (i <= NBASE && (i != at || insert))
            n += (size_t)snprintf(b + n, sizeof bufs[0] - n, "%s", base_lines[i - 1]);
    }
    return b;
}

/*
 * FILE without its lines in LINES (0-terminated), into OUT (CAP bytes); a line 1 dropped is
 * replaced by the version line, as a file lees writes has it.
 */
static const char *without(const char *file, const size_t *lines, char *out, size_t cap)
{
    size_t n = 0, line = 0;

    out[0] = '\0';
    for (const char *p = file; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        int len = (int)(nl - p) + 1;
        bool drop = false;
        line++;
        for (size_t j = 0; lines[j] != 0; j++)
            drop |= lines[j] == line;
        if (drop && line == 1)
            n += (size_t)snprintf(out + n, cap - n, "lees-state 1\n");
        else if (!drop)
            n += (size_t)snprintf(out + n, cap - n, "%.*s", len, p);
        p += len;
    }
    return out;
}

/* Parse LEN bytes at DATA into a new state, expecting RESULT; the report in WHY. */
static struct state *parsed(const char *data, size_t len, enum state_parse_result result,
                            char why[512])
{
    struct state *st = state_new("/nowhere");
    enum state_parse_result r;

    assert_non_null(st);
    r = state_parse(st, data, len, why, 512);
    if (r != result)
        fail_msg("parse gave %d, not %d (%s), for:\n%.*s", (int)r, (int)result, why, (int)len,
                 data);
    return st;
}

/* Whether A and B hold the same: the same file text. */
static void assert_same_state(const struct state *a, const struct state *b)
{
    size_t la, lb;
    char *fa = state_format(a, &la), *fb = state_format(b, &lb);

    assert_non_null(fa);
    assert_non_null(fb);
    if (la != lb || memcmp(fa, fb, la) != 0)
        fail_msg("holds:\n%.*s\nexpected:\n%.*s", (int)la, fa, (int)lb, fb);
    free(fa);
    free(fb);
}

/*
 * FILE is read as damaged, to what KEPT (the file without the lines skipped) reads as; the
 * report names each line in LINES (0-terminated) and has SAYS.
 */
static void check_salvage(const char *file, const char *kept, const size_t *lines, const char *says)
{
    char why[512], why2[512], first[48], next[48];
    struct state *a = parsed(file, strlen(file), STATE_PARSE_DAMAGED, why);
    struct state *b = parsed(kept, strlen(kept), STATE_PARSE_OK, why2);

    assert_same_state(a, b);
    for (size_t i = 0; i < 3 && lines[i] != 0; i++) { /* the report names the first three */
        /* as a skipped line: "cut short after line N (no end line)" names N too */
        snprintf(first, sizeof first, "skipped line %zu (", lines[i]);
        snprintf(next, sizeof next, ", line %zu (", lines[i]);
        if (strstr(why, first) == NULL && strstr(why, next) == NULL)
            fail_msg("the report does not name line %zu as skipped: %s", lines[i], why);
    }
    if (strstr(why, says) == NULL)
        fail_msg("the report does not say \"%s\": %s", says, why);
    assert_null(strchr(why, '\n'));
    state_free(a);
    state_free(b);
}

/* A mark with an impossible date is skipped; the other marks, texts, positions are kept. */
static void test_salvage_bad_date(void **state)
{
    static const size_t six[] = {6, 0}, text[] = {3, 4, 5, 6, 7, 0};
    char file[4096], kept[4096];

    (void)state;
    check_salvage(
        edited(6, "mark 0000000000000002 20 9999-99-99T99:99:99Z ok a \"\" \"q\"\n", false),
        edited(6, NULL, false), six, "a mark with a bad date");
    /* a text's bad date: its position and marks have no text to go to */
    snprintf(file, sizeof file, "%s",
             edited(3, "text 00000000000000aa 2026-13-01T00:00:00Z \"/a.md\"\n", false));
    check_salvage(file, without(file, text, kept, sizeof kept), text, "a text with a bad date");
}

/* A second mark with an id the text has is skipped; the first is kept. */
static void test_salvage_duplicate_id(void **state)
{
    (void)state;
    check_salvage(
        edited(8, "mark 0000000000000001 99 2026-11-28T14:09:00Z ok - \"dup\" \"d\"\n", true),
        edited(0, NULL, false), (const size_t[]){8, 0}, "a second mark with one id");
}

/* Two quick marks with one letter: the newer keeps it, whichever line comes first. */
static void test_salvage_duplicate_letter(void **state)
{
    char older[4096], newer[4096], kept[4096];
    static const size_t six[] = {6, 0};

    (void)state;
    /* line 8, older than line 6's 'a': line 8 goes */
    check_salvage(
        edited(8, "mark 0000000000000009 50 2026-11-01T00:00:00Z ok a \"oud\" \"q9\"\n", true),
        edited(0, NULL, false), (const size_t[]){8, 0}, "two quick marks with one letter");
    /* line 8, newer: line 6 goes, and line 8's mark is kept */
    snprintf(
        newer, sizeof newer, "%s",
        edited(8, "mark 0000000000000009 50 2026-12-01T00:00:00Z ok a \"nieuw\" \"q9\"\n", true));
    check_salvage(newer, without(newer, six, kept, sizeof kept), six,
                  "the older of two quick marks");
    /* the same letter in another case, or in another text, is no clash */
    snprintf(older, sizeof older, "%s",
             edited(8, "mark 0000000000000009 50 2026-11-01T00:00:00Z ok A \"\" \"\"\n", true));
    {
        char why[512];
        struct state *st = parsed(older, strlen(older), STATE_PARSE_OK, why);
        assert_int_equal(state_mark_count(state_text_at(st, 0)), 4);
        state_free(st);
    }
}

/* Lines that do not parse are skipped one by one; a bad text line takes its lines with it. */
static void test_salvage_malformed_lines(void **state)
{
    static const struct {
        size_t at;
        const char *line;
        bool insert;
        const char *says;
        size_t skipped[6];
    } cases[] = {
        {5, "bogus line\n", true, "an unknown line", {5}},
        {5, "\x01\x02\xff garbage }{\n", true, "an unknown line", {5}},
        {2, "search \"unterminated\n", false, "a bad search line", {2}},
        {2, "search \"a\\x00b\"\n", false, "NUL", {2}},
        {4, "position -1 \"De burgemeester\"\n", false, "bad offset", {4}},
        {4, "position 99999999999999999999999 \"x\"\n", false, "bad offset", {4}},
        /* a second position: a text line lost above it, so the marks after it go too */
        {5, "position 1 \"second\"\n", true, "a position not right after", {5, 6, 7, 8}},
        {5, "mark 0000000000000001 10 2026-11-28T14:03:22Z ok -\n", false, "bad name", {5}},
        {5, "mark 0000000000000000 10 2026-11-28T14:03:22Z ok - \"\" \"\"\n", false, "bad id", {5}},
        {5,
         "mark 0000000000000001 10 2026-11-28T14:03:22Z fine - \"\" \"\"\n",
         false,
         "neither ok nor lost",
         {5}},
        {5,
         "mark 0000000000000001 10 2026-11-28T14:03:22Z ok 1 \"\" \"\"\n",
         false,
         "not a letter",
         {5}},
        {5,
         "mark 0000000000000001 10 2026-11-28T14:03:22Z ok - \"a\\x00\" \"\"\n",
         false,
         "bad name",
         {5}},
        {5,
         "mark 0000000000000001 10 2026-11-28T14:03:22Z ok - \"\" \"\" more\n",
         false,
         "bad quote",
         {5}},
        {3,
         "mark 0000000000000007 1 2026-11-28T14:03:22Z ok - \"\" \"\"\n",
         true,
         "before any text",
         {3}},
        /* a bad text line: its position and marks have nowhere to go */
        {8,
         "text 00000000000000zz 2026-11-27T10:00:00Z \"/b.md\"\n",
         false,
         "bad hash",
         {8, 9, 10}},
        {3, "text 00000000000000aa 2026-11-28T14:05:00Z\n", false, "bad path", {3, 4, 5, 6, 7}},
        /* the same text twice: the second, with its lines */
        {11,
         "text 00000000000000aa 2026-11-28T14:05:00Z \"/a.md\"\nposition 1 \"\"\n",
         true,
         "the same text a second time",
         {11, 12}},
        {12, "end now\n", true, "a bad end line", {12}},
        {1, "lees-stat 1\n", false, "not a lees-state version line", {1}},
        {1, "lees-state one\n", false, "not a lees-state version line", {1}},
        {1, "lees-state 0\n", false, "not a lees-state version line", {1}},
        {1, "lees-state 1\r\n", false, "not a lees-state version line", {1}},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char file[4096], kept[4096];
        snprintf(file, sizeof file, "%s", edited(cases[i].at, cases[i].line, cases[i].insert));
        without(file, cases[i].skipped, kept, sizeof kept);
        check_salvage(file, kept, cases[i].skipped, cases[i].says);
    }
}

/*
 * A text whose own line is lost (its keyword damaged, or joined to the line above by a lost
 * newline) loses its position and marks: they are not read as the text's before it, where a
 * newer quick mark with one of its letters would drop that text's own.
 */
static void test_salvage_lost_text_line(void **state)
{
    /* text bb's quick mark takes letter a, newer than text aa's a (line 6) */
    static const char mark4[] =
        "mark 0000000000000004 40 2026-11-29T09:00:00Z ok a \"vier\" \"q4\"\n";
    static const size_t lost[] = {8, 9, 10, 0}, joined[] = {7, 8, 9, 0};
    char file[4096], kept[4096], why[512];
    size_t n = 0;
    struct state *st;

    (void)state;
    for (size_t i = 1; i <= NBASE; i++)
        n += (size_t)snprintf(file + n, sizeof file - n, "%s",
                              i == 8    ? "tex  00000000000000bb 2026-11-27T10:00:00Z \"/b.md\"\n"
                              : i == 10 ? mark4
                                        : base_lines[i - 1]);
    check_salvage(file, without(file, lost, kept, sizeof kept), lost,
                  "a position not right after its text line");
    st = parsed(file, strlen(file), STATE_PARSE_DAMAGED, why);
    assert_int_equal(state_text_count(st), 1);
    assert_int_equal(state_position(state_text_at(st, 0)), 5120);
    assert_int_equal(state_mark_count(state_text_at(st, 0)), 3);
    assert_true(state_mark_key(state_text_at(st, 0), 'a')->id == 2);
    state_free(st);
    /* line 8 joined to line 7: line 7 is bad, and lines 8 and 9 are the lost text's */
    n = 0;
    for (size_t i = 1; i <= NBASE; i++)
        n += (size_t)snprintf(file + n, sizeof file - n, "%.*s",
                              (int)strlen(base_lines[i - 1]) - (i == 7),
                              i == 10 ? mark4 : base_lines[i - 1]);
    check_salvage(file, without(file, joined, kept, sizeof kept), joined,
                  "a line of a text whose text line is lost");
    /* the same when the text before has no marks: its position line takes the join */
    snprintf(file, sizeof file,
             "lees-state 1\n"
             "text 00000000000000aa 2026-11-28T14:05:00Z \"/a.md\"\n"
             "position 5120 \"De burgemeester\"text 00000000000000bb 2026-11-27T10:00:00Z \"\"\n"
             "position 7 \"x\"\n"
             "%s"
             "text 00000000000000cc 2026-11-26T10:00:00Z \"/c.md\"\n"
             "position 9 \"y\"\n"
             "end\n",
             mark4);
    check_salvage(file, without(file, (const size_t[]){3, 4, 5, 0}, kept, sizeof kept),
                  (const size_t[]){3, 4, 5, 0}, "a position with a bad quote");
}

/* Lines after the end line are skipped (blank ones are no damage); many skipped are counted. */
static void test_salvage_after_end(void **state)
{
    char file[8192], why[512];
    size_t n;
    struct state *st, *base;

    (void)state;
    n = (size_t)snprintf(file, sizeof file, "%s\n\n", edited(0, NULL, false));
    st = parsed(file, n, STATE_PARSE_OK, why);
    base = parsed(file, n, STATE_PARSE_OK, why);
    state_free(st);
    n += (size_t)snprintf(file + n, sizeof file - n, "search \"late\"\n");
    for (int i = 0; i < 5; i++)
        n += (size_t)snprintf(file + n, sizeof file - n, "junk %d\n", i);
    st = parsed(file, n, STATE_PARSE_DAMAGED, why);
    assert_same_state(st, base);
    assert_non_null(strstr(why, "line 15 (after the end line)"));
    assert_non_null(strstr(why, "and 3 more lines"));
    assert_null(strstr(why, "cut short"));
    state_free(st);
    state_free(base);
}

/*
 * A file cut at any byte keeps every line before the cut (and the last one when only its
 * newline is missing), and says it was cut short.  An empty file is an empty state.
 */
static void test_salvage_cut_short(void **state)
{
    const char *full = edited(0, NULL, false);
    size_t len = strlen(full);
    char why[512], prefix[4096], at6[64];

    (void)state;
    for (size_t n = 0; n < len; n++) {
        struct state *cut, *want;
        size_t keep = n;
        while (keep > 0 && full[keep - 1] != '\n' && full[keep] != '\n')
            keep--; /* back to the last whole line */
        if (n == 0 || n == len - 1) {
            /* nothing, or all but the last newline: nothing is lost */
            cut = parsed(full, n, STATE_PARSE_OK, why);
        } else {
            cut = parsed(full, n, STATE_PARSE_DAMAGED, why);
            if (strstr(why, "cut short") == NULL)
                fail_msg("cut at %zu: the report does not say so: %s", n, why);
        }
        if (n == len - 1) {
            want = parsed(full, len, STATE_PARSE_OK, why);
        } else if (memchr(full, '\n', keep) == NULL && full[keep] != '\n') {
            want = state_new("/nowhere"); /* not even the version line */
        } else {
            snprintf(prefix, sizeof prefix, "%.*s%send\n", (int)keep, full,
                     full[keep] == '\n' ? "\n" : "");
            want = parsed(prefix, strlen(prefix), STATE_PARSE_OK, why);
        }
        assert_same_state(cut, want);
        state_free(cut);
        state_free(want);
    }
    /* cut at line 6: after it, and in it */
    {
        const char *six = strstr(full, base_lines[5]);
        size_t after = (size_t)(six - full) + strlen(base_lines[5]);
        struct state *st = parsed(full, after, STATE_PARSE_DAMAGED, why);
        assert_non_null(strstr(why, "cut short after line 6"));
        assert_int_equal(state_mark_count(state_text_at(st, 0)), 2);
        state_free(st);
        st = parsed(full, after - 10, STATE_PARSE_DAMAGED, why);
        snprintf(at6, sizeof at6, "skipped line 6 (");
        assert_non_null(strstr(why, at6));
        assert_non_null(strstr(why, "cut short in line 6"));
        assert_int_equal(state_mark_count(state_text_at(st, 0)), 1);
        assert_int_equal(state_position(state_text_at(st, 0)), 5120);
        state_free(st);
    }
}

/* A newer version is told by its number alone, and nothing of it is read. */
static void test_parse_newer(void **state)
{
    static const char *const heads[] = {
        "lees-state 2\n",
        "lees-state 12 with words after\n",
        "lees-state 99999999999999999999999999\n",
    };
    char why[512], file[4096];

    (void)state;
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
        struct state *st;
        /* with lines version 1 would read */
        snprintf(file, sizeof file, "%s%s", heads[i], edited(1, NULL, false));
        st = parsed(file, strlen(file), STATE_PARSE_NEWER, why);
        assert_non_null(strstr(why, "newer"));
        assert_int_equal(state_text_count(st), 0);
        assert_int_equal(state_history_count(st), 0);
        state_free(st);
    }
}

/* The base file, the canonical form and every rule's edge that is allowed, read whole. */
static void test_parse_accepts(void **state)
{
    /* letters are case-sensitive; an id may recur in another text */
    static const char ok[] = "lees-state 1\ntext 00000000000000aa 2026-01-01T00:00:00Z \"\"\n"
                             "mark 0000000000000001 0 2026-01-01T00:00:00Z ok a \"\" \"\"\n"
                             "mark 0000000000000002 0 2026-01-01T00:00:00Z ok A \"\" \"\"\n"
                             "mark 0000000000000003 0 2026-01-01T00:00:00Z ok z \"\" \"\"\n"
                             "mark 0000000000000004 0 2026-01-01T00:00:00Z ok Z \"\" \"\"\n"
                             "text 00000000000000bb 2026-01-01T00:00:00Z \"\"\n"
                             "mark 0000000000000001 0 2026-01-01T00:00:00Z ok a \"\" \"\"\n"
                             "end\n";
    const char *full = edited(0, NULL, false);
    char why[512];
    struct state *st;

    (void)state;
    st = parsed(ok, sizeof ok - 1, STATE_PARSE_OK, why);
    assert_int_equal(state_mark_count(state_text_at(st, 0)), 4);
    state_free(st);
    st = parsed(good_file, sizeof good_file - 1, STATE_PARSE_OK, why);
    state_free(st);
    st = parsed(full, strlen(full), STATE_PARSE_OK, why);
    assert_int_equal(state_text_count(st), 2);
    assert_int_equal(state_mark_count(state_text_at(st, 0)), 3);
    assert_int_equal(state_history_count(st), 2);
    state_free(st);
    st = parsed("", 0, STATE_PARSE_OK, why);
    assert_int_equal(state_text_count(st), 0);
    state_free(st);
}

/* Whatever the bytes, parsing ends, and a binary file is read as damaged, to nothing. */
static void test_salvage_binary(void **state)
{
    char data[4096], why[512];
    struct state *st;

    (void)state;
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)(i * 31 + 7);
    st = parsed(data, sizeof data, STATE_PARSE_DAMAGED, why);
    assert_int_equal(state_text_count(st), 0);
    assert_non_null(strstr(why, "skipped line 1 ("));
    state_free(st);
    st = parsed("\x7f"
                "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\n",
                17, STATE_PARSE_DAMAGED, why);
    state_free(st);
}

static void test_reanchor(void **state)
{
    static const char before[] = "Intro. The mayor spoke about inclusion. Then he left.";
    static const char after[] =
        "NEW PREFACE. Intro. The mayor spoke about inclusion. Then he left.";
    static const char cut[] = "Intro. Then he left.";
    struct state *st = state_new(in(state, "state"));
    struct state_text *t = state_text(st, 1, "/t");
    size_t at = (size_t)(strstr(before, "mayor") - before);
    uint64_t id = state_mark_add(t, "mayor", at, before, sizeof before - 1);
    uint64_t end = state_mark_add(t, "end", sizeof before - 1, before, sizeof before - 1);
    const struct state_mark *m;

    assert_int_equal(state_position_set(t, at, before, sizeof before - 1), 0);
    /* unchanged: nothing moves */
    assert_int_equal(state_reanchor(t, before, sizeof before - 1), 0);
    assert_int_equal(state_mark_find(t, id)->offset, at);
    assert_int_equal(t->marks[0].dirty, MARK_ADDED);
    /* text inserted before: it follows */
    assert_int_equal(state_reanchor(t, after, sizeof after - 1), 0);
    m = state_mark_find(t, id);
    assert_int_equal(m->offset, (size_t)(strstr(after, "mayor") - after));
    assert_false(m->lost);
    assert_int_equal(state_position(t), m->offset);
    /* an empty quote (a mark at the end) stays where it was */
    assert_int_equal(state_mark_find(t, end)->offset, sizeof before - 1);
    /* its text deleted: lost, kept, within the text */
    assert_int_equal(state_reanchor(t, cut, sizeof cut - 1), 1);
    m = state_mark_find(t, id);
    assert_true(m->lost);
    assert_true(m->offset <= sizeof cut - 1);
    assert_int_equal(state_mark_count(t), 2);
    assert_true(state_position(t) <= sizeof cut - 1);
    /* found again (the edit undone): no longer lost */
    assert_int_equal(state_reanchor(t, before, sizeof before - 1), 0);
    m = state_mark_find(t, id);
    assert_false(m->lost);
    assert_int_equal(m->offset, at);
    /* lost where it stands (the bytes there changed, the length not), and found there again */
    {
        static const char same[] = "Intro. The MAYOR spoke about inclusion. Then he left.";
        assert_int_equal(state_reanchor(t, same, sizeof same - 1), 1);
        assert_true(state_mark_find(t, id)->lost);
        assert_int_equal(state_mark_find(t, id)->offset, at);
        assert_int_equal(state_reanchor(t, before, sizeof before - 1), 0);
        assert_false(state_mark_find(t, id)->lost);
    }
    /* a text with nothing at all */
    assert_int_equal(state_reanchor(t, NULL, 0), 1);
    assert_int_equal(state_mark_find(t, id)->offset, 0);
    state_free(st);
}

/* Where the position would be found again in a text, without finding it: moved, kept, cut to the
 * end, and the entry (position, quote, marks, journal) left as it was. */
static void test_position_in(void **state)
{
    static const char before[] = "Intro. The mayor spoke about inclusion. Then he left.";
    static const char after[] =
        "NEW PREFACE. Intro. The mayor spoke about inclusion. Then he left.";
    static const char other[] = "Short.";
    struct state *st = state_new(in(state, "state"));
    struct state_text *t = state_text(st, 1, "/t");
    size_t at = (size_t)(strstr(before, "mayor") - before);
    uint64_t id = state_mark_add(t, "mayor", at, before, sizeof before - 1);
    unsigned dirty;

    assert_int_equal(state_position_set(t, at, before, sizeof before - 1), 0);
    t->dirty = 0;
    t->marks[0].dirty = 0;
    dirty = t->dirty;
    assert_int_equal(state_position_in(t, before, sizeof before - 1), at);
    assert_int_equal(state_position_in(t, after, sizeof after - 1),
                     (size_t)(strstr(after, "mayor") - after));
    assert_int_equal(state_position_in(t, other, sizeof other - 1), sizeof other - 1);
    assert_int_equal(state_position_in(t, NULL, 0), 0);
    /* nothing changed */
    assert_int_equal(state_position(t), at);
    assert_int_equal(t->pos_quote_len, STATE_QUOTE_MAX);
    assert_memory_equal(t->pos_quote, before + at, STATE_QUOTE_MAX);
    assert_int_equal(state_mark_find(t, id)->offset, at);
    assert_false(state_mark_find(t, id)->lost);
    assert_int_equal(t->dirty, dirty);
    assert_int_equal(t->marks[0].dirty, 0);
    assert_false(state_dirty(st));
    /* as state_reanchor then finds it */
    assert_int_equal(state_reanchor(t, after, sizeof after - 1), 0);
    assert_int_equal(state_position(t), (size_t)(strstr(after, "mayor") - after));
    state_reanchor(t, other, sizeof other - 1);
    assert_int_equal(state_position(t), sizeof other - 1);
    state_free(st);
}

/* Marks moved and lost by re-anchoring are saved so, and the file's entry takes the new hash. */
static void test_reanchor_saved(void **state)
{
    static const char v1[] = "first part, long enough to fill a quote. second part, long enough "
                             "to fill a quote. third part, long enough to fill a quote.";
    static const char v2[] = "NEW. first part, long enough to fill a quote. second part, long "
                             "enough to fill a quote. 3rd part, long enough to fill a quote.";
    const char *path = in(state, "state");
    struct state *st = test_state_load(path), *c;
    struct state_text *t = state_text(st, 1, "/t");
    uint64_t moved = state_mark_add(t, "second", 41, v1, sizeof v1 - 1);
    uint64_t lost = state_mark_add(t, "third", 83, v1, sizeof v1 - 1);

    test_state_save(st);
    state_free(st);
    st = test_state_load(path);
    t = state_text(st, 2, "/t");
    assert_int_equal(state_reanchor(t, v2, sizeof v2 - 1), 1);
    test_state_save(st);
    c = test_state_load(path);
    t = state_text_at(c, 0);
    assert_true(state_text_hash(t) == 2);
    assert_int_equal(state_mark_find(t, moved)->offset, 46);
    assert_false(state_mark_find(t, moved)->lost);
    assert_true(state_mark_find(t, lost)->lost);
    state_free(c);
    state_free(st);
}

/* A quote that occurs more than once: the occurrence nearest the old offset. */
#define Q "SAME QUOTE HERE, forty bytes long ......"
static void test_reanchor_nearest(void **state)
{
    static const char v1[] = "xx" Q "----------" Q;                     /* Q at 2 and 52 */
    static const char v2[] = Q "x" Q "yyy" Q;                           /* Q at 0, 41 and 84 */
    static const char v3[] = "abc" Q "-----------------------------" Q; /* Q at 3 and 72 */
    struct state *st = state_new(in(state, "state"));
    struct state_text *t = state_text(st, 1, "/t"), *u = state_text(st, 2, "/u");
    uint64_t a = state_mark_add(t, "a", 2, v1, sizeof v1 - 1);
    uint64_t b = state_mark_add(t, "b", 52, v1, sizeof v1 - 1);
    uint64_t c = state_mark_add(u, "c", 2, v1, sizeof v1 - 1);
    uint64_t d = state_mark_add(u, "d", 52, v1, sizeof v1 - 1);

    assert_int_equal(strlen(Q), STATE_QUOTE_MAX);
    assert_int_equal(state_mark_find(t, b)->quote_len, STATE_QUOTE_MAX);
    assert_memory_equal(state_mark_find(t, b)->quote, Q, STATE_QUOTE_MAX);
    assert_int_equal(state_reanchor(t, v2, sizeof v2 - 1), 0);
    assert_int_equal(state_mark_find(t, a)->offset, 0);  /* 2 away, not 39 */
    assert_int_equal(state_mark_find(t, b)->offset, 41); /* 11 away, not 32 or 52 */
    /* a later occurrence nearer than an earlier one */
    assert_int_equal(state_reanchor(u, v3, sizeof v3 - 1), 0);
    assert_int_equal(state_mark_find(u, c)->offset, 3);  /* 1 away */
    assert_int_equal(state_mark_find(u, d)->offset, 72); /* 20 away, not 49 */
    assert_false(state_mark_find(u, d)->lost);
    state_free(st);
}
#undef Q

/* Two processes (two states loaded from one file) change things; both save; all is kept. */
static void test_merge_two_writers(void **state)
{
    static const char text[] = "zero one two three four five six seven eight nine ten";
    const char *path = in(state, "state");
    struct state *st = state_new(path), *a, *b, *c;
    struct state_text *t, *ta, *tb, *tc;
    uint64_t m1, m2, m3, a1, b1, bq;
    struct lees_error err;

    /* the file both load */
    t = state_text(st, 42, "/texts/t.md");
    m1 = state_mark_add(t, "m1", 5, text, sizeof text - 1);
    m2 = state_mark_add(t, "m2", 9, text, sizeof text - 1);
    m3 = state_mark_add(t, "m3", 13, text, sizeof text - 1);
    assert_int_equal(state_history_add(st, "old"), 0);
    test_state_save(st);
    state_free(st);
    a = test_state_load(path);
    b = test_state_load(path);

    fake_now += 10;
    ta = state_text(a, 42, "/texts/t.md");
    a1 = state_mark_add(ta, "a1", 19, text, sizeof text - 1);
    assert_int_equal(state_mark_delete(ta, m1, NULL), 0);
    assert_int_equal(state_mark_rename(ta, m2, "m2 by a"), 0);
    assert_int_equal(state_position_set(ta, 24, text, sizeof text - 1), 0);
    assert_int_equal(state_history_add(a, "from a"), 0);

    fake_now += 10; /* b reads later: its position wins */
    tb = state_text(b, 42, "/texts/t.md");
    b1 = state_mark_add(tb, "b1", 29, text, sizeof text - 1);
    assert_int_equal(state_mark_delete(tb, m3, NULL), 0);
    assert_int_equal(state_mark_rename(tb, m1, "m1 by b"), 0); /* a deletes it: deleted */
    bq = state_mark_quick(tb, 'q', 34, text, sizeof text - 1);
    assert_int_equal(state_position_set(tb, 39, text, sizeof text - 1), 0);
    assert_int_equal(state_history_add(b, "from b"), 0);
    assert_int_equal(state_history_add(b, "old"), 0);

    assert_true(state_dirty(a));
    assert_int_equal(state_save(b, &err), 0);
    assert_int_equal(state_save(a, &err), 0); /* a saves last, from a stale copy */
    assert_false(state_dirty(a));

    c = test_state_load(path);
    tc = state_text_at(c, 0);
    assert_int_equal(state_text_count(c), 1);
    assert_null(state_mark_find(tc, m1));
    assert_null(state_mark_find(tc, m3));
    assert_string_equal(state_mark_find(tc, m2)->name, "m2 by a");
    assert_string_equal(state_mark_find(tc, a1)->name, "a1");
    assert_string_equal(state_mark_find(tc, b1)->name, "b1");
    assert_true(state_mark_key(tc, 'q')->id == bq);
    assert_int_equal(state_mark_count(tc), 4);
    assert_int_equal(state_position(tc), 39);
    assert_int_equal(state_history_count(c), 3);
    assert_string_equal(state_history_at(c, 0), "from b");
    assert_string_equal(state_history_at(c, 1), "old");
    assert_string_equal(state_history_at(c, 2), "from a");

    /* a, having saved, holds the merge too, through the same text pointer */
    assert_ptr_equal(state_text_at(a, 0), ta);
    assert_int_equal(state_mark_count(ta), 4);
    assert_non_null(state_mark_find(ta, b1));
    assert_int_equal(state_position(ta), 39);
    /* b, not saved since, is stale until it saves; a save with nothing to do is a no-op */
    assert_null(state_mark_find(tb, a1));
    assert_int_equal(state_save(b, &err), 0);
    assert_null(state_mark_find(tb, a1));
    /* one more change from b: it sees a's work afterwards */
    fake_now += 10;
    assert_int_equal(state_mark_rename(tb, b1, "b1 again"), 0);
    assert_int_equal(state_save(b, &err), 0);
    assert_non_null(state_mark_find(tb, a1));
    assert_string_equal(state_mark_find(tb, b1)->name, "b1 again");
    assert_string_equal(state_mark_find(tb, m2)->name, "m2 by a");
    state_free(a);
    state_free(b);
    state_free(c);
}

/* Two processes set the same quick mark: the one set later keeps the letter, either way. */
static void test_merge_quick_letter(void **state)
{
    static const char text[] = "some text to mark in two places";
    const char *path = in(state, "state");

    for (int newer_saves_first = 0; newer_saves_first < 2; newer_saves_first++) {
        struct state *a = test_state_load(path), *b = test_state_load(path), *c;
        struct state_text *ta = state_text(a, 5, "/t"), *tb = state_text(b, 5, "/t");
        uint64_t qa, qb;

        fake_now += 1000;
        qa = state_mark_quick(ta, 'k', 5, text, sizeof text - 1);
        fake_now += 1000;
        qb = state_mark_quick(tb, 'k', 10, text, sizeof text - 1);
        if (newer_saves_first) {
            test_state_save(b);
            test_state_save(a);
        } else {
            test_state_save(a);
            test_state_save(b);
        }
        c = test_state_load(path);
        assert_int_equal(state_mark_count(state_text_at(c, 0)), 1);
        assert_true(state_mark_key(state_text_at(c, 0), 'k')->id == qb);
        assert_null(state_mark_find(state_text_at(c, 0), qa));
        state_free(a);
        state_free(b);
        state_free(c);
    }
}

/* A mark deleted and saved in one process, then renamed or moved in another: it stays gone. */
static void test_merge_delete_wins(void **state)
{
    static const char text[] = "one two three four";
    const char *path = in(state, "state");
    struct state *st = test_state_load(path), *a, *b, *c;
    struct state_text *t = state_text(st, 8, "/t");
    uint64_t id = state_mark_add(t, "doomed", 4, text, sizeof text - 1);

    test_state_save(st);
    state_free(st);
    a = test_state_load(path);
    b = test_state_load(path);
    assert_int_equal(state_mark_delete(state_text(a, 8, "/t"), id, NULL), 0);
    test_state_save(a);
    t = state_text(b, 8, "/t");
    assert_int_equal(state_mark_rename(t, id, "renamed"), 0);
    assert_int_equal(state_reanchor(t, "zero one two three four", 23), 0); /* moves it */
    assert_int_equal(state_mark_find(t, id)->offset, 9);
    test_state_save(b);
    c = test_state_load(path);
    assert_int_equal(state_mark_count(state_text_at(c, 0)), 0);
    assert_int_equal(state_mark_count(t), 0); /* b holds the merge */
    state_free(a);
    state_free(b);
    state_free(c);
}

/* A text opened new in two processes, one at a new path (renamed), one edited. */
static void test_merge_identity(void **state)
{
    static const char text[] = "the same text in both";
    const char *path = in(state, "state");
    struct state *a = test_state_load(path), *b = test_state_load(path), *c;
    struct state_text *t;
    uint64_t ma, mb;

    ma = state_mark_add(state_text(a, 9, "/one.md"), "a", 4, text, sizeof text - 1);
    mb = state_mark_add(state_text(b, 9, "/one.md"), "b", 9, text, sizeof text - 1);
    test_state_save(a);
    test_state_save(b);
    c = test_state_load(path);
    assert_int_equal(state_text_count(c), 1);
    assert_int_equal(state_mark_count(state_text_at(c, 0)), 2);
    state_free(c);

    /* b renames the file (same hash, new path), a edits it (same path, new hash) */
    fake_now += 10;
    t = state_text(b, 9, "/two.md");
    assert_int_equal(state_mark_rename(t, mb, "b renamed"), 0);
    test_state_save(b);
    fake_now += 10;
    t = state_text(a, 10, "/one.md");
    assert_int_equal(state_mark_rename(t, ma, "a edited"), 0);
    test_state_save(a);
    c = test_state_load(path);
    assert_int_equal(state_text_count(c), 1);
    t = state_text_at(c, 0);
    assert_true(state_text_hash(t) == 10);
    assert_string_equal(state_text_path(t), "/two.md");
    assert_string_equal(state_mark_find(t, ma)->name, "a edited");
    assert_string_equal(state_mark_find(t, mb)->name, "b renamed");
    state_free(a);
    state_free(b);
    state_free(c);

    /* new in both, and edited in between: known by its path */
    a = test_state_load(path);
    b = test_state_load(path);
    fake_now += 10;
    ma = state_mark_add(state_text(a, 20, "/three.md"), "a", 0, NULL, 0);
    test_state_save(a);
    fake_now += 10;
    mb = state_mark_add(state_text(b, 21, "/three.md"), "b", 0, NULL, 0);
    test_state_save(b);
    c = test_state_load(path);
    assert_int_equal(state_text_count(c), 2);
    t = state_text_at(c, 0);
    assert_true(state_text_hash(t) == 21);
    assert_non_null(state_mark_find(t, ma));
    assert_non_null(state_mark_find(t, mb));
    state_free(a);
    state_free(b);
    state_free(c);
}

/*
 * Two entries come to have one hash: a loaded text A at /p is edited here into content that
 * another process saved meanwhile as a text of its own at /q.  They become one, with the marks
 * of both (a file with a hash twice would not load).
 */
static void test_merge_same_hash_twice(void **state)
{
    const char *path = in(state, "state");
    struct state *st = test_state_load(path), *a, *b, *c;
    uint64_t ma, mb;
    struct state_text *t;

    ma = state_mark_add(state_text(st, 0x1, "/p"), "on p", 0, NULL, 0);
    test_state_save(st);
    state_free(st);
    a = test_state_load(path);
    b = test_state_load(path);
    fake_now += 10;
    mb = state_mark_add(state_text(b, 0x2, "/q"), "on q", 0, NULL, 0);
    test_state_save(b);
    fake_now += 10;
    t = state_text(a, 0x2, "/p"); /* /p now holds what b knows as /q */
    assert_true(state_text_hash(t) == 0x2);
    test_state_save(a);
    c = test_state_load(path);
    assert_null(state_warning(c));
    assert_int_equal(state_text_count(c), 1);
    t = state_text_at(c, 0);
    assert_true(state_text_hash(t) == 0x2);
    assert_string_equal(state_text_path(t), "/p");
    assert_non_null(state_mark_find(t, ma));
    assert_non_null(state_mark_find(t, mb));
    assert_int_equal(state_text_count(a), 1);
    state_free(a);
    state_free(b);
    state_free(c);
}

/* After a save brings in many texts from another process, new texts still find room. */
static void test_texts_from_elsewhere(void **state)
{
    const char *path = in(state, "state");
    struct state *a = test_state_load(path), *b = test_state_load(path);

    assert_non_null(state_text(a, 1, "/a"));
    for (uint64_t i = 0; i < 300; i++)
        assert_non_null(state_text(b, 100 + i, NULL));
    test_state_save(b);
    test_state_save(a);
    assert_int_equal(state_text_count(a), 301);
    for (uint64_t i = 0; i < 300; i++)
        assert_non_null(state_text(a, 1000 + i, NULL));
    assert_int_equal(state_text_count(a), 601);
    test_state_save(a);
    state_free(b);
    b = test_state_load(path);
    assert_int_equal(state_text_count(b), STATE_MAX_TEXTS);
    assert_int_equal(state_text_count(a), 601); /* what a was handed stays, held */
    state_free(a);
    state_free(b);
}

/* Undo after a save: the deletion was written, the restore writes the mark again. */
static void test_restore_after_save(void **state)
{
    static const char text[] = "abcdefghij";
    const char *path = in(state, "state");
    struct state *a = test_state_load(path), *c;
    struct state_text *t = state_text(a, 3, "/t");
    struct state_mark *undo;
    uint64_t id = state_mark_add(t, "keep me", 2, text, sizeof text - 1);

    test_state_save(a);
    assert_int_equal(state_mark_delete(t, id, &undo), 0);
    test_state_save(a);
    c = test_state_load(path);
    assert_int_equal(state_mark_count(state_text_at(c, 0)), 0);
    state_free(c);
    assert_int_equal(state_mark_restore(t, undo), 0);
    test_state_save(a);
    c = test_state_load(path);
    assert_string_equal(state_mark_find(state_text_at(c, 0), id)->name, "keep me");
    state_free(c);
    state_free(a);
}

/* Nothing to save: nothing written, not even the directory. */
static void test_save_clean_writes_nothing(void **state)
{
    const char *path = in(state, "sub/lees/state");
    struct state *a = test_state_load(path);
    struct stat sb;

    test_state_save(a);
    assert_int_equal(stat(in(state, "sub"), &sb), -1);
    assert_non_null(state_text(a, 1, NULL));
    test_state_save(a);
    assert_int_equal(stat(path, &sb), 0);
    state_free(a);
}

/* A text the cap drops stays usable through its pointer, and comes back when read again. */
static void test_held_text_survives_cap(void **state)
{
    const char *path = in(state, "state");
    struct state *a = test_state_load(path), *c;
    struct state_text *old = state_text(a, 0xabc, "/old.md");
    struct state_text *t;
    char *data;
    size_t len;
    uint64_t id;

    test_state_save(a);
    for (int i = 0; i < STATE_MAX_TEXTS; i++) {
        fake_now++;
        t = state_text(a, (uint64_t)i + 1, NULL);
        assert_int_equal(state_position_set(t, (size_t)i, NULL, 0), 0);
    }
    test_state_save(a);
    data = read_file(path, &len);
    assert_null(strstr(data, "0000000000000abc"));
    free(data);
    assert_string_equal(state_text_path(old), "/old.md"); /* still valid */
    fake_now++;
    assert_ptr_equal(state_text(a, 0xabc, "/old.md"), old);
    id = state_mark_add(old, "back", 0, NULL, 0);
    test_state_save(a);
    c = test_state_load(path);
    assert_int_equal(state_text_count(c), STATE_MAX_TEXTS);
    assert_true(state_text_hash(state_text_at(c, 0)) == 0xabc);
    assert_non_null(state_mark_find(state_text_at(c, 0), id));
    state_free(c);
    state_free(a);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_default_path),
        T(test_hash),
        T(test_hash_read),
        T(test_quotes),
        T(test_text_identity),
        T(test_marks),
        T(test_position),
        T(test_history),
        T(test_round_trip_any_byte),
        T(test_format_golden),
        T(test_parse_accepts),
        T(test_parse_newer),
        T(test_salvage_bad_date),
        T(test_salvage_duplicate_id),
        T(test_salvage_duplicate_letter),
        T(test_salvage_malformed_lines),
        T(test_salvage_lost_text_line),
        T(test_salvage_after_end),
        T(test_salvage_cut_short),
        T(test_salvage_binary),
        T(test_reanchor),
        T(test_reanchor_saved),
        T(test_reanchor_nearest),
        T(test_position_in),
        T(test_merge_two_writers),
        T(test_merge_quick_letter),
        T(test_merge_delete_wins),
        T(test_merge_identity),
        T(test_merge_same_hash_twice),
        T(test_texts_from_elsewhere),
        T(test_restore_after_save),
        T(test_save_clean_writes_nothing),
        T(test_held_text_survives_cap),
    };
    return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
