/*
 * state.c: reading positions, bookmarks and the search history, kept between runs in the state
 * file; loading it, saving it by merging, and finding bookmarks again after a text is edited.
 * The text format is read and written in state_format.c, the file handled in state_file.c.
 *
 * THE FILE FORMAT (version 1).  UTF-8 text, one record a line, each line ending in a newline:
 *
 *     lees-state 1
 *     # lees: reading positions and bookmarks; the format is in lees(1), STATE FILE.
 *     search "Mechelen"
 *     search "sociale economie"
 *     text 3f2a9c0d11e4b7a8 2026-11-28T14:05:00Z "/home/ann/texts/interview.md"
 *     position 5120 "De burgemeester zei dat de stad"
 *     mark 9c1f0a2b3d4e5f60 2048 2026-11-28T14:03:22Z ok - "Inleiding" "Handen in elkaar"
 *     mark 0a1b2c3d4e5f6071 4096 2026-11-28T14:05:00Z lost a "" "sociale economie is een"
 *     end
 *
 * The first line is the format version; a larger number than this lees knows makes the file
 * unreadable to it (and never written by it).  The last line is "end": a file without it was
 * cut short.  Between them:
 *
 *   search "PATTERN"          a search history entry, the oldest first (at most 100).
 *   text HASH DATE "PATH"     a text: HASH, 16 hex digits, is XXH3-64 of its bytes; DATE, when it
 *                             was last read; PATH, where it was, "" for none.  The position and
 *                             mark lines that follow belong to it.  The most recent first (at
 *                             most 500); a hash appears once.
 *   position OFFSET "QUOTE"   the reading position: a byte offset and the bytes there.
 *   mark ID OFFSET DATE STATE KEY "NAME" "QUOTE"
 *                             a bookmark: ID, 16 hex digits, unique and not 0; OFFSET, a byte
 *                             offset; DATE, when it was made; STATE, "ok" or "lost" (its quote
 *                             was not found in the text); KEY, a letter a-z or A-Z for a quick
 *                             mark (one a letter per text) or "-" for a named one; NAME; QUOTE,
 *                             the (at most 40) bytes of the text at OFFSET when it was made.
 *
 * Fields are separated by spaces.  Dates are UTC, YYYY-MM-DDTHH:MM:SSZ.  Strings are in double
 * quotes: \\ \" \n \t \r and \xHH (any byte) are escapes; the writer escapes every byte that is
 * a control character, invalid UTF-8 or an invisible or reordering character, so any bytes
 * round-trip and the file shows safely in a terminal.  Empty lines and lines starting with #
 * are ignored.  A line that is anything else, or breaks a rule (a second text with one hash, a
 * second mark with one id in a text), is skipped, and so are the position and mark lines of a
 * text whose own line is skipped; a position line not right after its text line (as lees writes
 * it) is taken for one whose text line was lost, and is skipped with the mark lines after it; of
 * two quick marks with one letter, the older one's line is skipped.  Everything else is read.
 * Loading writes nothing; the save that replaces a damaged file first keeps a copy of it as it was
 * (to STATE.corrupt-YYYYMMDD-HHMMSS), so that whatever was skipped can still be found.
 *
 * THE MERGE.  A process loads the file, changes its copy, and saves; others may have saved in
 * between.  So every change is also recorded in a journal (what changed in a text, which marks
 * were added, renamed, moved or deleted, which searches were made), and state_save, under the
 * lock, reads the file again and applies the journal to what is there: a mark added here is
 * added there (a quick mark's letter goes to the newer of two marks that claim it), a mark
 * deleted here is deleted there, a rename or a move applies if the mark is still there (a
 * deletion elsewhere wins), the position is taken if it was set later than the one there.
 * Over a damaged file, the texts it lacks are added whole, and a text whose lines were skipped
 * gets back the marks this process holds and it lacks, and its position if that line was lost.
 * Texts are matched by the hash they had at the last load or save, then their hash now, then
 * their path.  The merged result is written, becomes this state, and the journal is emptied.
 * Marks have random 64-bit ids, so a deletion or a rename names exactly one mark.
 */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unistr.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "state_internal.h"

/* The ends were 64 KiB until 2026-11-28: copying and hashing them cost 0.03 ms before the first
 * screen, and an edit that keeps the length is as likely near an end as anywhere. */
#define STATE_HASH_END 4096    /* bytes hashed at each end of a longer one */
#define STATE_HASH_SAMPLE 4096 /* and in each of its samples */
/* 7 samples between the ends, so that two long texts of one length and the same ends are still
 * told apart; an edit that keeps the length is caught by them only by chance.  Each is a read of
 * 2.4 µs before the first screen: there were 63 until the second version, 15 until 2026-11-28.
 * An entry with an earlier hash is found by its path. */
#define STATE_HASH_SAMPLES 8

/* ---- building blocks ---- */

static char *dup_bytes(const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if (d != NULL) {
        if (n > 0)
            memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t ncap = *cap ? *cap : 8;
    void *np;

    if (need <= *cap)
        return true;
    while (ncap < need)
        ncap *= 2;
    np = realloc(*p, ncap * size);
    if (np == NULL)
        return false;
    *p = np;
    *cap = ncap;
    return true;
}

/* A new empty state for PATH. */
struct state *state_new(const char *path)
{
    struct state *st = calloc(1, sizeof *st);

    if (st != NULL && (st->path = dup_bytes(path, strlen(path))) == NULL) {
        free(st);
        st = NULL;
    }
    return st;
}

/* A new empty text. */
struct state_text *state_text_new(void)
{
    struct state_text *t = calloc(1, sizeof *t);

    if (t != NULL && (t->pos_quote = dup_bytes("", 0)) == NULL) {
        free(t);
        t = NULL;
    }
    return t;
}

static void mark_release(struct state_mark *m)
{
    free(m->name);
    free(m->quote);
}

/* Release a text. */
void state_text_free(struct state_text *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nmarks; i++)
        mark_release(&t->marks[i].m);
    free(t->marks);
    free(t->deleted);
    free(t->path);
    free(t->pos_quote);
    free(t);
}

/* Append T to ST's texts. */
int state_append_text(struct state *st, struct state_text *t)
{
    if (!grow((void **)&st->texts, &st->cap_texts, st->ntexts + 1, sizeof *st->texts))
        return -1;
    st->texts[st->ntexts++] = t;
    return 0;
}

static int mark_cmp(const void *a, const void *b)
{
    const struct state_mark *x = &((const struct smark *)a)->m, *y = &((const struct smark *)b)->m;

    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Put T's marks in order. */
void state_text_sort_marks(struct state_text *t)
{
    if (t->nmarks > 1)
        qsort(t->marks, t->nmarks, sizeof *t->marks, mark_cmp);
}

/* Append M to T with DIRTY bits, taking its strings even on failure. */
static int add_mark(struct state_text *t, struct state_mark *m, unsigned dirty)
{
    if (!grow((void **)&t->marks, &t->cap_marks, t->nmarks + 1, sizeof *t->marks)) {
        mark_release(m);
        return -1;
    }
    t->marks[t->nmarks++] = (struct smark){*m, dirty};
    return 0;
}

/* Append M. */
int state_text_append_mark(struct state_text *t, struct state_mark *m)
{
    return add_mark(t, m, 0);
}

static struct smark *find_mark(const struct state_text *t, uint64_t id)
{
    for (size_t i = 0; i < t->nmarks; i++)
        if (t->marks[i].m.id == id)
            return &t->marks[i];
    return NULL;
}

static struct smark *find_key(const struct state_text *t, char key)
{
    for (size_t i = 0; i < t->nmarks; i++)
        if (key != 0 && t->marks[i].m.key == key)
            return &t->marks[i];
    return NULL;
}

/* Take mark SM out of T's array (its strings are the caller's then). */
static void unlink_mark(struct state_text *t, struct smark *sm)
{
    size_t i = (size_t)(sm - t->marks);

    memmove(&t->marks[i], &t->marks[i + 1], (t->nmarks - i - 1) * sizeof *t->marks);
    t->nmarks--;
}

static void drop_mark(struct state_text *t, struct smark *sm)
{
    mark_release(&sm->m);
    unlink_mark(t, sm);
}

/* Copy M's strings; false when out of memory. */
static bool copy_mark(struct state_mark *dst, const struct state_mark *m)
{
    *dst = *m;
    dst->name = dup_bytes(m->name, m->name_len);
    dst->quote = dup_bytes(m->quote, m->quote_len);
    if (dst->name == NULL || dst->quote == NULL) {
        mark_release(dst);
        return false;
    }
    return true;
}

/* Make P the newest pattern of LIST. */
void state_history_push(char **list, size_t *n, char *p)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(list[i], p) == 0) {
            free(list[i]);
            memmove(&list[i], &list[i + 1], (*n - i - 1) * sizeof *list);
            (*n)--;
            break;
        }
    }
    if (*n == STATE_MAX_HISTORY) {
        free(list[0]);
        memmove(&list[0], &list[1], (*n - 1) * sizeof *list);
        (*n)--;
    }
    list[(*n)++] = p;
}

static int recent_cmp(const void *a, const void *b)
{
    const struct state_text *x = *(struct state_text *const *)a,
                            *y = *(struct state_text *const *)b;

    if (x->read != y->read)
        return x->read > y->read ? -1 : 1;
    return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/* Keep the most recently read texts. */
void state_keep_recent(struct state *st)
{
    if (st->ntexts > 1)
        qsort(st->texts, st->ntexts, sizeof *st->texts, recent_cmp);
    while (st->ntexts > STATE_MAX_TEXTS) {
        struct state_text *t = st->texts[--st->ntexts];
        if (t->peer != NULL)
            t->peer->peer = NULL;
        state_text_free(t);
    }
}

/*
 * The length of the quote at OFFSET: whole characters (an invalid byte counts as one) from
 * OFFSET, at most STATE_QUOTE_MAX bytes.
 */
static size_t quote_length(const char *bytes, size_t len, size_t offset)
{
    size_t i = offset, lim;

    if (bytes == NULL || offset >= len)
        return 0;
    lim = len - offset < STATE_QUOTE_MAX ? len : offset + STATE_QUOTE_MAX;
    while (i < lim) {
        ucs4_t uc;
        int k = u8_mbtoucr(&uc, (const uint8_t *)bytes + i, len - i);
        size_t step = k > 0 ? (size_t)k : 1;
        if (i + step > lim)
            break;
        i += step;
    }
    return i - offset;
}

static char *make_quote(const char *bytes, size_t len, size_t offset, size_t *qlen)
{
    *qlen = quote_length(bytes, len, offset);
    return dup_bytes(*qlen ? bytes + offset : "", *qlen);
}

/* ---- the public model ---- */

/* Where a text's bytes come from while it is hashed: memory, or a reader and a buffer for it
 * (as long as the longest piece, so that each piece is one read). */
struct hash_source {
    const unsigned char *bytes;
    state_read_fn read;
    const void *ctx;
    unsigned char *buf;
    size_t cap;
};

static int hash_update(XXH3_state_t *h, const struct hash_source *src, size_t off, size_t n)
{
    if (src->bytes != NULL) {
        XXH3_64bits_update(h, src->bytes + off, n);
        return 0;
    }
    while (n > 0) {
        size_t k = n < src->cap ? n : src->cap;
        if (src->read(src->ctx, off, src->buf, k) != 0)
            return -1;
        XXH3_64bits_update(h, src->buf, k);
        off += k;
        n -= k;
    }
    return 0;
}

/* The streaming form gives what XXH3_64bits gives on the same bytes, so both sources agree. */
static int hash_source(size_t len, const struct hash_source *src, uint64_t *out)
{
    XXH3_state_t h;
    uint64_t n = len;
    int rc = 0;

    XXH3_64bits_reset(&h);
    if (len <= STATE_HASH_WHOLE) {
        rc = hash_update(&h, src, 0, len);
    } else {
        /* Reading all of a long text would cost more than the first screen does: its length,
         * its ends and evenly spread samples stand for it. */
        XXH3_64bits_update(&h, &n, sizeof n);
        rc = hash_update(&h, src, 0, STATE_HASH_END);
        for (size_t i = 1; i < STATE_HASH_SAMPLES && rc == 0; i++)
            rc = hash_update(&h, src, (len - STATE_HASH_SAMPLE) / STATE_HASH_SAMPLES * i,
                             STATE_HASH_SAMPLE);
        if (rc == 0)
            rc = hash_update(&h, src, len - STATE_HASH_END, STATE_HASH_END);
    }
    if (rc == 0)
        *out = XXH3_64bits_digest(&h);
    return rc;
}

/* The hash by which a text is known (see state.h). */
uint64_t state_hash(const void *bytes, size_t len)
{
    struct hash_source src = {.bytes = bytes};
    uint64_t v = 0;

    hash_source(len, &src, &v); /* memory cannot fail to be read */
    return v;
}

/* The same hash, of a text copied out by READ. */
int state_hash_read(size_t len, state_read_fn read, const void *ctx, uint64_t *out)
{
    struct hash_source src = {.read = read, .ctx = ctx, .cap = STATE_HASH_END};
    int rc;

    src.buf = malloc(src.cap);
    if (src.buf == NULL)
        return -1;
    rc = hash_source(len, &src, out);
    free(src.buf);
    return rc;
}

/* The path of ST. */
const char *state_path(const struct state *st)
{
    return st->path;
}

/* The pending warning. */
const char *state_warning(const struct state *st)
{
    return st->has_warning ? st->warning : NULL;
}

/* Whether anything is waiting to be saved. */
bool state_dirty(const struct state *st)
{
    if (st->nadded > 0)
        return true;
    for (size_t i = 0; i < st->ntexts; i++)
        if (st->texts[i]->dirty != 0)
            return true;
    return false;
}

/* Release ST. */
void state_free(struct state *st)
{
    if (st == NULL)
        return;
    for (size_t i = 0; i < st->ntexts; i++)
        state_text_free(st->texts[i]);
    for (size_t i = 0; i < st->nhistory; i++)
        free(st->history[i]);
    for (size_t i = 0; i < st->nadded; i++)
        free(st->added[i]);
    free(st->texts);
    free(st->path);
    free(st);
}

static void move_to_front(struct state *st, struct state_text *t)
{
    for (size_t i = 0; i < st->ntexts; i++) {
        if (st->texts[i] == t) {
            memmove(&st->texts[1], &st->texts[0], i * sizeof *st->texts);
            st->texts[0] = t;
            return;
        }
    }
}

/* The entry kept under PATH, looked at and left as it is. */
struct state_text *state_text_at_path(struct state *st, const char *path)
{
    for (size_t i = 0; i < st->ntexts && path != NULL; i++)
        if (st->texts[i]->path != NULL && strcmp(st->texts[i]->path, path) == 0)
            return st->texts[i];
    return NULL;
}

/* The entry for a text, found or created, and marked as read. */
struct state_text *state_text(struct state *st, uint64_t hash, const char *path)
{
    struct state_text *t = NULL;

    if (path != NULL && *path == '\0')
        path = NULL;
    for (size_t i = 0; i < st->ntexts && t == NULL; i++)
        if (st->texts[i]->hash == hash)
            t = st->texts[i];
    if (t != NULL) {
        if (path != NULL && (t->path == NULL || strcmp(t->path, path) != 0)) {
            char *p = dup_bytes(path, strlen(path)); /* renamed */
            if (p == NULL)
                return NULL;
            free(t->path);
            t->path = p;
            t->dirty |= TEXT_PATH;
        }
    } else {
        t = state_text_at_path(st, path);
        if (t != NULL) {
            t->hash = hash; /* edited */
            t->dirty |= TEXT_HASH;
        } else {
            t = state_text_new();
            if (t == NULL || (path != NULL && (t->path = dup_bytes(path, strlen(path))) == NULL) ||
                state_append_text(st, t) < 0) {
                state_text_free(t);
                return NULL;
            }
            t->hash = hash;
            t->dirty = TEXT_PATH | TEXT_HASH | TEXT_POSITION;
        }
    }
    t->read = state_now();
    t->dirty |= TEXT_READ;
    t->held = true;
    move_to_front(st, t);
    return t;
}

/* The number of texts. */
size_t state_text_count(const struct state *st)
{
    return st->ntexts;
}

/* The I-th text. */
struct state_text *state_text_at(const struct state *st, size_t i)
{
    return i < st->ntexts ? st->texts[i] : NULL;
}

/* A text's hash. */
uint64_t state_text_hash(const struct state_text *t)
{
    return t->hash;
}

/* A text's path. */
const char *state_text_path(const struct state_text *t)
{
    return t->path;
}

/* When a text was last read. */
time_t state_text_read(const struct state_text *t)
{
    return t->read;
}

/* The reading position. */
size_t state_position(const struct state_text *t)
{
    return t->pos;
}

/* Set the reading position. */
int state_position_set(struct state_text *t, size_t offset, const char *bytes, size_t len)
{
    size_t qlen;
    char *q = make_quote(bytes, len, offset, &qlen);

    if (q == NULL)
        return -1;
    free(t->pos_quote);
    t->pos_quote = q;
    t->pos_quote_len = qlen;
    t->pos = offset;
    t->read = state_now();
    t->dirty |= TEXT_POSITION | TEXT_READ;
    return 0;
}

/* A new mark, not yet in T. */
static uint64_t new_mark(struct state_text *t, char key, const char *name, size_t offset,
                         const char *bytes, size_t len)
{
    struct state_mark m = {0};

    do
        m.id = state_new_id();
    while (find_mark(t, m.id) != NULL);
    m.offset = offset;
    m.created = state_now();
    m.key = key;
    m.name_len = strlen(name);
    m.name = dup_bytes(name, m.name_len);
    m.quote = make_quote(bytes, len, offset, &m.quote_len);
    if (m.name == NULL || m.quote == NULL) {
        mark_release(&m);
        errno = ENOMEM;
        return 0;
    }
    if (add_mark(t, &m, MARK_ADDED) < 0) {
        errno = ENOMEM;
        return 0;
    }
    state_text_sort_marks(t);
    t->dirty |= TEXT_MARKS;
    return m.id;
}

/* Add a named mark. */
uint64_t state_mark_add(struct state_text *t, const char *name, size_t offset, const char *bytes,
                        size_t len)
{
    return new_mark(t, 0, name != NULL ? name : "", offset, bytes, len);
}

/* Record that mark SM is deleted and drop it; false when out of memory (nothing changed). */
static bool delete_mark(struct state_text *t, struct smark *sm, struct state_mark *keep)
{
    if (!grow((void **)&t->deleted, &t->cap_deleted, t->ndeleted + 1, sizeof *t->deleted))
        return false;
    t->deleted[t->ndeleted++] = sm->m.id;
    if (keep != NULL) {
        *keep = sm->m;
        unlink_mark(t, sm);
    } else {
        drop_mark(t, sm);
    }
    t->dirty |= TEXT_MARKS;
    return true;
}

static bool is_letter(char k)
{
    return (k >= 'a' && k <= 'z') || (k >= 'A' && k <= 'Z');
}

/* Set a quick mark. */
uint64_t state_mark_quick(struct state_text *t, char key, size_t offset, const char *bytes,
                          size_t len)
{
    struct smark *old;
    uint64_t id;

    if (!is_letter(key)) {
        errno = EINVAL;
        return 0;
    }
    /* the new one first, so that failing leaves the old one */
    id = new_mark(t, key, "", offset, bytes, len);
    if (id == 0)
        return 0;
    for (size_t i = 0; i < t->nmarks; i++) {
        old = &t->marks[i];
        if (old->m.key == key && old->m.id != id) {
            if (!delete_mark(t, old, NULL)) {
                drop_mark(t, find_mark(t, id));
                errno = ENOMEM;
                return 0;
            }
            break;
        }
    }
    return id;
}

/* Delete a mark. */
int state_mark_delete(struct state_text *t, uint64_t id, struct state_mark **undo)
{
    struct smark *sm = find_mark(t, id);
    struct state_mark *keep = NULL;

    if (sm == NULL) {
        errno = ENOENT;
        return -1;
    }
    if (undo != NULL && (keep = malloc(sizeof *keep)) == NULL) {
        errno = ENOMEM;
        return -1;
    }
    if (!delete_mark(t, sm, keep)) {
        free(keep);
        errno = ENOMEM;
        return -1;
    }
    if (undo != NULL)
        *undo = keep;
    return 0;
}

/* Release a handed-over mark. */
void state_mark_free(struct state_mark *m)
{
    if (m != NULL) {
        mark_release(m);
        free(m);
    }
}

/* Put a deleted mark back. */
int state_mark_restore(struct state_text *t, struct state_mark *m)
{
    struct smark *rival;
    uint64_t id = m->id;

    if (find_mark(t, id) != NULL) {
        state_mark_free(m);
        errno = EEXIST;
        return -1;
    }
    /* room first, so that failing changes nothing */
    if (!grow((void **)&t->marks, &t->cap_marks, t->nmarks + 1, sizeof *t->marks)) {
        state_mark_free(m);
        errno = ENOMEM;
        return -1;
    }
    rival = find_key(t, m->key);
    if (rival != NULL && !delete_mark(t, rival, NULL)) {
        state_mark_free(m);
        errno = ENOMEM;
        return -1;
    }
    add_mark(t, m, MARK_ADDED); /* cannot fail now */
    free(m);
    for (size_t i = 0; i < t->ndeleted; i++) {
        if (t->deleted[i] == id) {
            t->deleted[i] = t->deleted[--t->ndeleted];
            break;
        }
    }
    state_text_sort_marks(t);
    t->dirty |= TEXT_MARKS;
    return 0;
}

/* Rename a mark. */
int state_mark_rename(struct state_text *t, uint64_t id, const char *name)
{
    struct smark *sm = find_mark(t, id);
    size_t n = name != NULL ? strlen(name) : 0;
    char *p;

    if (sm == NULL) {
        errno = ENOENT;
        return -1;
    }
    if ((p = dup_bytes(n ? name : "", n)) == NULL) {
        errno = ENOMEM;
        return -1;
    }
    free(sm->m.name);
    sm->m.name = p;
    sm->m.name_len = n;
    sm->dirty |= MARK_NAME;
    t->dirty |= TEXT_MARKS;
    return 0;
}

/* The number of marks. */
size_t state_mark_count(const struct state_text *t)
{
    return t->nmarks;
}

/* The I-th mark. */
const struct state_mark *state_mark_at(const struct state_text *t, size_t i)
{
    return i < t->nmarks ? &t->marks[i].m : NULL;
}

/* Mark ID. */
const struct state_mark *state_mark_find(const struct state_text *t, uint64_t id)
{
    struct smark *sm = find_mark(t, id);

    return sm != NULL ? &sm->m : NULL;
}

/* The quick mark KEY. */
const struct state_mark *state_mark_key(const struct state_text *t, char key)
{
    struct smark *sm = find_key(t, key);

    return sm != NULL ? &sm->m : NULL;
}

/* ---- re-anchoring ---- */

/* The first occurrence of Q (QLEN > 0 bytes) in S at or after FROM, or (size_t)-1. */
static size_t find_bytes(const char *s, size_t len, size_t from, const char *q, size_t qlen)
{
    while (from < len && len - from >= qlen) {
        const char *p = memchr(s + from, (unsigned char)q[0], len - from - qlen + 1);
        if (p == NULL)
            return (size_t)-1;
        from = (size_t)(p - s);
        if (memcmp(p, q, qlen) == 0)
            return from;
        from++;
    }
    return (size_t)-1;
}

/*
 * Where the quote Q of something at OFFSET stands in S now: at OFFSET if it still does, else
 * its occurrence nearest OFFSET (the earlier of two as near).  False when it is nowhere.
 */
static bool anchor(const char *s, size_t len, size_t offset, const char *q, size_t qlen,
                   size_t *out)
{
    size_t best = (size_t)-1, bestd = (size_t)-1;

    if (qlen == 0) {
        *out = offset < len ? offset : len;
        return true;
    }
    if (offset <= len && qlen <= len - offset && memcmp(s + offset, q, qlen) == 0) {
        *out = offset;
        return true;
    }
    for (size_t p = find_bytes(s, len, 0, q, qlen); p != (size_t)-1;
         p = find_bytes(s, len, p + 1, q, qlen)) {
        size_t d = p > offset ? p - offset : offset - p;
        if (d < bestd) {
            best = p;
            bestd = d;
        }
        if (p > offset)
            break; /* the later ones are farther */
    }
    if (best == (size_t)-1)
        return false;
    *out = best;
    return true;
}

/* Find the marks and the position again in the text's current bytes. */
size_t state_reanchor(struct state_text *t, const char *bytes, size_t len)
{
    size_t lost = 0, at;
    bool moved = false;

    if (bytes == NULL)
        len = 0;
    for (size_t i = 0; i < t->nmarks; i++) {
        struct smark *sm = &t->marks[i];
        bool found = anchor(bytes, len, sm->m.offset, sm->m.quote, sm->m.quote_len, &at);
        if (!found)
            at = sm->m.offset < len ? sm->m.offset : len;
        if (at != sm->m.offset || sm->m.lost == found) {
            sm->m.offset = at;
            sm->m.lost = !found;
            sm->dirty |= MARK_PLACE;
            moved = true;
        }
        lost += !found;
    }
    if (moved) {
        state_text_sort_marks(t);
        t->dirty |= TEXT_MARKS;
    }
    if (!anchor(bytes, len, t->pos, t->pos_quote, t->pos_quote_len, &at)) {
        /* gone: stay, and quote what is there now */
        size_t qlen;
        char *q;
        at = t->pos < len ? t->pos : len;
        if ((q = make_quote(bytes, len, at, &qlen)) != NULL) {
            free(t->pos_quote);
            t->pos_quote = q;
            t->pos_quote_len = qlen;
        }
        t->pos = at;
        t->dirty |= TEXT_POSITION;
    } else if (at != t->pos) {
        t->pos = at;
        t->dirty |= TEXT_POSITION;
    }
    return lost;
}

/* Where the reading position stands in BYTES, as state_reanchor finds it. */
size_t state_position_in(const struct state_text *t, const char *bytes, size_t len)
{
    size_t at;

    if (bytes == NULL)
        len = 0;
    if (!anchor(bytes, len, t->pos, t->pos_quote, t->pos_quote_len, &at))
        at = t->pos < len ? t->pos : len;
    return at;
}

/* ---- history ---- */

/* Add a search pattern. */
int state_history_add(struct state *st, const char *pattern)
{
    char *a, *b;

    if (pattern == NULL || *pattern == '\0')
        return 0;
    a = dup_bytes(pattern, strlen(pattern));
    b = dup_bytes(pattern, strlen(pattern));
    if (a == NULL || b == NULL) {
        free(a);
        free(b);
        errno = ENOMEM;
        return -1;
    }
    state_history_push(st->history, &st->nhistory, a);
    state_history_push(st->added, &st->nadded, b);
    return 0;
}

/* The number of history entries. */
size_t state_history_count(const struct state *st)
{
    return st->nhistory;
}

/* The I-th history entry, the oldest first. */
const char *state_history_at(const struct state *st, size_t i)
{
    return i < st->nhistory ? st->history[i] : NULL;
}

/* ---- loading ---- */

static void warn(struct state *st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void warn(struct state *st, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(st->warning, sizeof st->warning, fmt, ap);
    va_end(ap);
    st->has_warning = true;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash != NULL ? slash + 1 : path;
}

/* Why a state file that is there could not be read (ERRNO from state_file_read). */
static const char *unreadable(int e)
{
    return e == ELOOP    ? "is a symbolic link, not followed"
           : e == EINVAL ? "not a regular file"
           : e == EFBIG  ? "too large for a state file"
                         : strerror(e);
}

/*
 * At loading, a damaged file is only read: the save that replaces it keeps its copy, so that
 * loading writes nothing (lees --bookmarks never does) and two readers make one copy.  That copy
 * is named at that save, by whichever lees saves first, so no name is given here: one would
 * name a file that may never be.
 */
static void damaged_at_load(struct state *st, const char *why)
{
    /* the copy first: a status line may show no more than the start */
    warn(st, "%s: damaged, read in part; a copy (%s.corrupt-*) is kept before it is saved over: %s",
         st->path, base_name(st->path), why);
}

/* At saving, a damaged file is copied (DATA, LEN) before it is replaced; -1 with ERR if not. */
static int damaged_at_save(struct state *st, const char *why, const char *data, size_t len,
                           struct lees_error *err)
{
    char copy[4096];

    if (state_file_keep_copy(st->path, state_now(), data, len, copy, sizeof copy) < 0)
        return lees_error_set(err, LEES_ERR_FILE,
                              "%s: damaged, and a copy of it cannot be made (%s); not saved: %s",
                              st->path, strerror(errno), why);
    warn(st, "%s: damaged, read in part; copied to %s before it was saved: %s", st->path,
         base_name(copy), why);
    return 0;
}

/*
 * Read and parse ST's file into *DISK: an empty state when there is none, or when it cannot be
 * read or is a newer lees's (then nothing is written: ST is frozen for a newer one), and what
 * could be read of a damaged one (*DAMAGED: at saving, its copy is kept first).  Problems are
 * warnings at load and errors at save (AT_SAVE); returns -1 with ERR for those errors and when
 * out of memory.
 */
static int read_disk(struct state *st, bool at_save, struct state **disk, bool *damaged,
                     struct lees_error *err)
{
    char *data, why[512];
    size_t len;
    enum state_parse_result r;
    struct state *d;
    int rc = 0;

    *disk = NULL;
    *damaged = false;
    if ((d = state_new(st->path)) == NULL)
        return lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
    if (state_file_read(st->path, &data, &len) < 0) {
        int e = errno;
        if (e != ENOENT && e != ENOTDIR && e != ENOMEM && !at_save)
            warn(st, "%s: %s; bookmarks will not be saved", st->path, unreadable(e));
        if (e == ENOENT || e == ENOTDIR || (e != ENOMEM && !at_save)) {
            *disk = d;
            return 0;
        }
        state_free(d);
        if (e == ENOMEM)
            return lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
        return lees_error_set(err, LEES_ERR_FILE, "%s: %s; not saved", st->path, unreadable(e));
    }
    r = state_parse(d, data, len, why, sizeof why);
    if (r == STATE_PARSE_DAMAGED) {
        *damaged = true;
        if (at_save)
            rc = damaged_at_save(st, why, data, len, err);
        else
            damaged_at_load(st, why);
    }
    free(data);
    if (r == STATE_PARSE_NEWER) {
        /* its lines may mean something else now: none is read, and the file is never touched */
        st->frozen = true;
        if (at_save)
            rc = lees_error_set(err, LEES_ERR_FILE, "%s: %s; bookmarks are not saved", st->path,
                                why);
        else
            warn(st, "%s: %s; bookmarks are not read from it, nor saved", st->path, why);
    }
    if (r == STATE_PARSE_NOMEM)
        rc = lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
    if (rc < 0) {
        state_free(d);
        return -1;
    }
    *disk = d; /* empty for a newer file */
    return 0;
}

/* Load the state file. */
int state_load(const char *path, struct state **out, struct lees_error *err)
{
    struct state *st, *disk;
    bool damaged;

    *out = NULL;
    if ((st = state_new(path)) == NULL)
        return lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
    /* No lock: the file is only ever replaced whole, by rename, so a reader sees one whole
     * version; and loading creates nothing, not even the lock file. */
    if (read_disk(st, false, &disk, &damaged, err) < 0) {
        state_free(st);
        return -1;
    }
    /* the parsed texts and history become this state */
    st->texts = disk->texts;
    st->ntexts = disk->ntexts;
    st->cap_texts = disk->cap_texts;
    memcpy(st->history, disk->history, sizeof st->history);
    st->nhistory = disk->nhistory;
    disk->texts = NULL;
    disk->ntexts = disk->nhistory = 0;
    state_free(disk);
    state_keep_recent(st);
    *out = st;
    return 0;
}

/* ---- saving: the merge ---- */

/* E's reading position, and its quote, into D; false (D as it was) when out of memory. */
static bool take_position(struct state_text *d, const struct state_text *e)
{
    char *q = dup_bytes(e->pos_quote, e->pos_quote_len);

    if (q == NULL)
        return false;
    free(d->pos_quote);
    d->pos_quote = q;
    d->pos_quote_len = e->pos_quote_len;
    d->pos = e->pos;
    return true;
}

/* Copy everything of E into D (D fresh); false when out of memory. */
static bool copy_whole(struct state_text *d, const struct state_text *e)
{
    d->hash = e->hash;
    d->read = e->read;
    if (!take_position(d, e))
        return false;
    if (e->path != NULL && (d->path = dup_bytes(e->path, strlen(e->path))) == NULL)
        return false;
    for (size_t i = 0; i < e->nmarks; i++) {
        struct state_mark m;
        if (!copy_mark(&m, &e->marks[i].m) || add_mark(d, &m, 0) < 0)
            return false;
    }
    return true;
}

/* Which of two marks claiming one letter keeps it: the newer (false: A). */
static bool newer(const struct state_mark *a, const struct state_mark *b)
{
    return b->created > a->created || (b->created == a->created && b->id > a->id);
}

/* Apply mark change SM (from this process) to D. */
static bool apply_mark(struct state_text *d, const struct smark *sm)
{
    struct smark *dm = find_mark(d, sm->m.id);

    if (sm->dirty & MARK_ADDED) {
        struct state_mark m;
        struct smark *rival;
        if (!copy_mark(&m, &sm->m))
            return false;
        if (dm != NULL) {
            mark_release(&dm->m);
            dm->m = m;
        } else if (add_mark(d, &m, 0) < 0) {
            return false;
        }
        /* one mark a letter: the newer keeps it, the other goes as if replaced */
        for (size_t i = 0; i < d->nmarks && m.key != 0; i++) {
            rival = &d->marks[i];
            if (rival->m.key == m.key && rival->m.id != m.id) {
                drop_mark(d, newer(&rival->m, &m) ? rival : find_mark(d, m.id));
                break;
            }
        }
        return true;
    }
    if (dm == NULL)
        return true; /* deleted elsewhere: the deletion wins */
    if (sm->dirty & MARK_NAME) {
        char *p = dup_bytes(sm->m.name, sm->m.name_len);
        if (p == NULL)
            return false;
        free(dm->m.name);
        dm->m.name = p;
        dm->m.name_len = sm->m.name_len;
    }
    if (sm->dirty & MARK_PLACE) {
        dm->m.offset = sm->m.offset;
        dm->m.lost = sm->m.lost;
    }
    return true;
}

/* Apply E's journal to D. */
static bool apply_text(struct state_text *d, const struct state_text *e)
{
    if (e->dirty & TEXT_HASH)
        d->hash = e->hash;
    if ((e->dirty & TEXT_PATH) && e->path != NULL) {
        char *p = dup_bytes(e->path, strlen(e->path));
        if (p == NULL)
            return false;
        free(d->path);
        d->path = p;
    }
    if ((e->dirty & TEXT_POSITION) && e->read >= d->read && !take_position(d, e))
        return false;
    if ((e->dirty & TEXT_READ) && e->read > d->read)
        d->read = e->read;
    for (size_t i = 0; i < e->ndeleted; i++) {
        struct smark *dm = find_mark(d, e->deleted[i]);
        if (dm != NULL)
            drop_mark(d, dm);
    }
    for (size_t i = 0; i < e->nmarks; i++)
        if (e->marks[i].dirty != 0 && !apply_mark(d, &e->marks[i]))
            return false;
    return true;
}

/* Fold text B into A (the same hash twice): marks by id, the later position and path. */
static bool unify(struct state_text *a, struct state_text *b)
{
    if (b->read > a->read) {
        struct state_text tmp = *a; /* B is dropped after: swap what A takes */
        a->pos = b->pos;
        a->pos_quote = b->pos_quote;
        a->pos_quote_len = b->pos_quote_len;
        a->read = b->read;
        b->pos_quote = tmp.pos_quote;
        if (b->path != NULL) {
            a->path = b->path;
            b->path = tmp.path;
        }
    }
    for (size_t i = 0; i < b->nmarks; i++) {
        struct smark sm = b->marks[i];
        sm.dirty = MARK_ADDED;
        if (find_mark(a, sm.m.id) == NULL && !apply_mark(a, &sm))
            return false;
    }
    return true;
}

/* Merge the texts of DISK that have the same hash (possible after edits in two processes). */
static bool dedupe(struct state *disk)
{
    for (size_t i = 0; i < disk->ntexts; i++) {
        for (size_t j = i + 1; j < disk->ntexts; j++) {
            struct state_text *a = disk->texts[i], *b = disk->texts[j];
            if (a->hash != b->hash)
                continue;
            if (!unify(a, b))
                return false;
            if (a->peer == NULL && b->peer != NULL) {
                a->peer = b->peer;
                a->peer->peer = a;
            } else if (b->peer != NULL) {
                b->peer->peer = NULL;
            }
            state_text_free(b);
            memmove(&disk->texts[j], &disk->texts[j + 1],
                    (disk->ntexts - j - 1) * sizeof *disk->texts);
            disk->ntexts--;
            j--;
        }
    }
    return true;
}

/* Pair each text of ST with its counterpart in DISK (peer), as state_text would find it. */
static void pair(struct state *st, struct state *disk)
{
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < st->ntexts; i++) {
            struct state_text *e = st->texts[i];
            if (e->peer != NULL || (pass == 0 && !e->synced) || (pass == 2 && e->path == NULL))
                continue;
            for (size_t j = 0; j < disk->ntexts; j++) {
                struct state_text *d = disk->texts[j];
                bool same = pass == 0   ? d->hash == e->synced_hash
                            : pass == 1 ? d->hash == e->hash
                                        : d->path != NULL && strcmp(d->path, e->path) == 0;
                if (d->peer == NULL && same) {
                    e->peer = d;
                    d->peer = e;
                    break;
                }
            }
        }
    }
}

/*
 * Put back into D, a text of a damaged file (read with lines skipped or cut off), what E holds
 * that D lost to the damage: the marks D has not, and the position when D's line was skipped.
 * A mark E deleted is not among E's; one another process deleted comes back, as it cannot be
 * told from one whose line was damaged (only for a text whose block was damaged, though).
 */
static bool restore(struct state_text *d, const struct state_text *e)
{
    if (!d->has_position && !take_position(d, e))
        return false;
    for (size_t i = 0; d->damaged && i < e->nmarks; i++) {
        struct smark sm = e->marks[i];
        sm.dirty = MARK_ADDED; /* a quick mark's letter still goes to the newer */
        if (find_mark(d, sm.m.id) == NULL && !apply_mark(d, &sm))
            return false;
    }
    return true;
}

/*
 * Apply ST's journal to DISK; BAD: lines of the file were skipped, so all of ST goes in: the
 * texts the file lacks, and what the texts it has lost.
 */
static bool merge(struct state *st, struct state *disk, bool bad)
{
    pair(st, disk);
    for (size_t i = 0; i < st->ntexts; i++) {
        struct state_text *e = st->texts[i], *d = e->peer;
        if (d == NULL && (e->dirty != 0 || bad)) {
            /* not there (new, or dropped by another's cap): all of it */
            if ((d = state_text_new()) == NULL || state_append_text(disk, d) < 0) {
                state_text_free(d);
                return false;
            }
            e->peer = d;
            d->peer = e;
            if (!copy_whole(d, e))
                return false;
        } else if (d != NULL && (!apply_text(d, e) || (bad && !restore(d, e)))) {
            return false;
        }
    }
    for (size_t i = 0; i < st->nadded; i++) {
        char *p = dup_bytes(st->added[i], strlen(st->added[i]));
        if (p == NULL)
            return false;
        state_history_push(disk->history, &disk->nhistory, p);
    }
    for (size_t i = 0; i < disk->ntexts; i++)
        state_text_sort_marks(disk->texts[i]);
    if (!dedupe(disk))
        return false;
    state_keep_recent(disk);
    return true;
}

static void clear_journal(struct state_text *t)
{
    t->dirty = 0;
    t->ndeleted = 0;
    for (size_t i = 0; i < t->nmarks; i++)
        t->marks[i].dirty = 0;
}

/* After a successful write: DISK becomes ST, keeping the addresses of ST's texts. */
static bool adopt(struct state *st, struct state *disk)
{
    size_t cap = disk->ntexts + st->ntexts + 1, n = 0;
    struct state_text **list = malloc(cap * sizeof *list);

    if (list == NULL)
        return false;
    for (size_t i = 0; i < disk->ntexts; i++) {
        struct state_text *d = disk->texts[i], *e = d->peer;
        if (e != NULL) {
            struct state_text tmp = *e;
            *e = *d;
            *d = tmp;
            e->held = d->held;
            d->held = false;
            d->peer = NULL;
            state_text_free(d);
        } else {
            e = d;
        }
        e->peer = NULL;
        e->synced = true;
        e->synced_hash = e->hash;
        clear_journal(e);
        list[n++] = e;
        disk->texts[i] = NULL;
    }
    for (size_t i = 0; i < st->ntexts; i++) {
        struct state_text *e = st->texts[i];
        bool kept = false;
        for (size_t j = 0; j < n && !kept; j++)
            kept = list[j] == e;
        if (kept)
            continue;
        if (e->held) {
            /* dropped from the file; kept for the caller, who holds it */
            e->peer = NULL;
            e->synced = false;
            clear_journal(e);
            list[n++] = e;
        } else {
            state_text_free(e);
        }
    }
    free(st->texts);
    st->texts = list;
    st->ntexts = n;
    st->cap_texts = cap;
    disk->ntexts = 0;
    for (size_t i = 0; i < st->nhistory; i++)
        free(st->history[i]);
    memcpy(st->history, disk->history, sizeof st->history);
    st->nhistory = disk->nhistory;
    disk->nhistory = 0;
    for (size_t i = 0; i < st->nadded; i++)
        free(st->added[i]);
    st->nadded = 0;
    return true;
}

static void unpair(struct state *st)
{
    for (size_t i = 0; i < st->ntexts; i++)
        st->texts[i]->peer = NULL;
}

/* Save, merging with what is on disk. */
int state_save(struct state *st, struct lees_error *err)
{
    struct state *disk = NULL;
    char *data = NULL;
    size_t len;
    int lock, r = -1;
    bool bad;

    st->has_warning = false;
    if (st->frozen || !state_dirty(st))
        return 0; /* a newer lees's file: said once, at loading or at the save that found it */
    if ((lock = state_file_lock(st->path, true, err)) < 0)
        return -1;
    state_file_sweep(st->path);
    if (read_disk(st, true, &disk, &bad, err) < 0)
        goto out;
    if (!merge(st, disk, bad) || (data = state_format(disk, &len)) == NULL) {
        lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (state_file_replace(st->path, data, len, err) < 0)
        goto out;
    if (!adopt(st, disk)) {
        /* saved; the journal stays, and applies again harmlessly at the next save */
        lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
        goto out;
    }
    r = 0;
out:
    unpair(st);
    free(data);
    state_free(disk);
    state_file_unlock(lock);
    return r;
}

/* The default path of the state file. */
int state_default_path(char *buf, size_t cap)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int n;

    if (xdg != NULL && xdg[0] == '/') {
        n = snprintf(buf, cap, "%s/lees/state", xdg);
    } else {
        if (home == NULL || home[0] != '/') {
            struct passwd *pw = getpwuid(getuid());
            home = pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
        }
        if (home == NULL) {
            errno = ENOENT;
            return -1;
        }
        n = snprintf(buf, cap, "%s/.local/state/lees/state", home);
    }
    if (n < 0 || (size_t)n >= cap) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}
