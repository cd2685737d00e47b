/*
 * ui_follow.c: F, following the end of a text that grows, as less's F and tail -f do (a log
 * on a server).  On standard input still coming in, each new snapshot (ui_stream.c) is shown
 * at its last page.  A file is looked at (stat) every FOLLOW_MS while following, and only
 * then, so that an idle reader still uses no CPU; once it has changed, it is opened again and
 * shown at its end.  No pages, matches or key terms are counted while following a long file:
 * each change would start the count again, and a log that keeps growing would keep a CPU busy
 * with it (a short one counts at once).
 * G and a move past the end open a file that has changed since it was opened again too, as
 * less reads on at the end of a file.  Offsets carry over, as a log grows only at its end: the
 * marks, the search and the place '' goes back to stay where they were; a file cut short or
 * replaced has its marks found again by their quotes (state_reanchor).  Any key stops
 * following and does what it does; Ctrl-C only stops it.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "ui_internal.h"

#define FOLLOW_MS 250                      /* how often a followed file is looked at */
#define FOLLOW_COUNT_MAX ((size_t)1 << 20) /* a text this long is counted while followed */

/* The file at the text's path now, when it is one that can be opened again: a regular file (a
 * FIFO or a device put in a log's place would block the reader, or never end). */
static bool look(const struct ui *ui, struct stat *st)
{
    return stat(ui->follow.path, st) == 0 && S_ISREG(st->st_mode);
}

/* What became of the file at the text's path (ST) since the text shown was opened from it. */
enum change { SAME, GREW, CUT_SHORT, REPLACED };

static enum change change_of(const struct ui *ui, const struct stat *st)
{
    dev_t dev;
    ino_t ino;
    size_t size;

    if (!doc_file_origin(ui->doc, &dev, &ino, &size))
        return st->st_size > 0 ? GREW : SAME; /* read, not mapped: it was empty */
    if (dev != st->st_dev || ino != st->st_ino)
        return REPLACED;
    if ((uintmax_t)st->st_size < (uintmax_t)size)
        return CUT_SHORT;
    return (uintmax_t)st->st_size > (uintmax_t)size ? GREW : SAME;
}

/* Said of a CHANGE when the file is shown anew; NULL when it only grew. */
static const char *why_of(enum change c)
{
    return c == REPLACED    ? "The file was replaced: showing the new one"
           : c == CUT_SHORT ? "The file was cut short: showing what is left"
                            : NULL;
}

/* The file opened again, in the old one's place: at its last page when TO_END, else where the
 * view was; WHY, when not NULL, says what became of the file. */
static bool adopt(struct ui *ui, struct doc *doc, bool to_end, const char *why)
{
    struct page *page;
    struct terms_index *ix;

    if (!ui_page_new(ui, doc, &page, &ix)) {
        doc_free(doc);
        ui->follow.on = false;
        ui_notice(ui, "Out of memory: the text stays as it was");
        return false;
    }
    if (!to_end)
        page_goto_top(page, page_offset(ui->page));
    ui_doc_adopt(ui, doc, page, ix, &ui->follow.doc);
    if (why != NULL) {
        /* Cut short or replaced: what stood at the marks' offsets may be gone or have moved,
         * and the match with it.  A log that only grew keeps both where they were. */
        size_t len;
        const char *bytes = doc_bytes(doc, &len);
        ui->search.have_match = false;
        if (ui->text != NULL)
            state_reanchor(ui->text, bytes, len);
    }
    if (to_end)
        page_last(ui->page);
    if (why != NULL)
        ui_notice(ui, "%s", why);
    return true;
}

/* Open the file again (a log that only grew keeps the sections found in it: doc_reopen); false,
 * said, when it cannot be. */
static bool reopen(struct ui *ui, bool to_end, const char *why)
{
    struct lees_error err = {0};
    struct doc *doc;

    if (doc_reopen(ui->doc, ui->follow.path, &doc, &err) != 0) {
        ui->follow.on = false;
        ui_notice(ui, "%s", err.msg);
        return false;
    }
    return adopt(ui, doc, to_end, why);
}

/* F: the last page, and every new one as the text grows. */
void ui_follow_start(struct ui *ui)
{
    struct stat st;
    const char *name = doc_name(ui->doc);
    enum change c;
    size_t len;
    bool found;
    int e;

    if (ui->follow.on)
        return; /* F again: already following, and '' keeps where it goes back to */
    ui_marks_jumping(ui);
    if (ui_stream_live(ui)) {
        ui->follow.on = true;
        page_last(ui->page); /* of what has come: the rest is shown as it comes */
        ui_notice(ui, "Following %s as it comes (a key stops)", ui_stream_source(ui, false));
        return;
    }
    found = ui->follow.path != NULL && stat(ui->follow.path, &st) == 0;
    e = errno;
    if (!found || !S_ISREG(st.st_mode)) {
        page_last(ui->page);
        if (ui->stream.s != NULL)
            ui_notice(ui, "%s has ended: nothing more will come", ui_stream_source(ui, true));
        else if (ui->follow.path == NULL && strcmp(name, "-") == 0)
            ui_notice(ui, "Standard input was read whole at the start: F follows a named file");
        else if (ui->follow.path == NULL)
            ui_notice(ui, "This text does not grow: nothing to follow");
        else
            ui_notice(ui, "Cannot follow %s: %s", ui->follow.shown,
                      found ? "not a regular file" : strerror(e));
        return;
    }
    doc_bytes(ui->doc, &len);
    if (st.st_size == 0 && len > 0) {
        page_last(ui->page);
        ui_notice(ui, "Cannot follow %s: it reports no size (as files in /proc do)",
                  ui->follow.shown);
        return;
    }
    ui->follow.on = true;
    clock_gettime(CLOCK_MONOTONIC, &ui->follow.looked);
    /* What the file holds now: it may have changed since it was opened. */
    c = change_of(ui, &st);
    if (c != SAME && !reopen(ui, true, why_of(c)))
        return;
    page_last(ui->page);
    if (why_of(c) == NULL)
        ui_notice(ui, "Following %s as it grows (a key stops)", ui->follow.shown);
}

/* Whether pages, matches and key terms are counted while following: only for a short text,
 * which counts at once; a long one that keeps growing would keep a CPU busy counting again. */
bool ui_follow_counts(const struct ui *ui)
{
    size_t len;

    doc_bytes(ui->doc, &len);
    return len <= FOLLOW_COUNT_MAX;
}

/* Stop following (a key came). */
void ui_follow_stop(struct ui *ui)
{
    ui->follow.on = false;
}

/* While following a file, the milliseconds until it is to be looked at again; -1 otherwise. */
int ui_follow_wait_ms(const struct ui *ui)
{
    double left;

    if (!ui->follow.on || ui->stream.s != NULL)
        return -1;
    left = FOLLOW_MS - ui_ms_since(&ui->follow.looked);
    return left <= 0 ? 0 : (int)left + 1;
}

/* While following a file, once its time has come: open it again if it has changed; whether
 * the text did. */
bool ui_follow_step(struct ui *ui)
{
    struct stat st;
    enum change c;

    if (ui_follow_wait_ms(ui) != 0)
        return false;
    clock_gettime(CLOCK_MONOTONIC, &ui->follow.looked);
    if (stat(ui->follow.path, &st) != 0)
        return false; /* moved away for a moment (a log being rotated): look again later */
    if (!S_ISREG(st.st_mode)) {
        ui->follow.on = false;
        ui_notice(ui, "No longer following: not a regular file now (%s)", ui->follow.shown);
        return true;
    }
    c = change_of(ui, &st);
    if (c == SAME)
        return false;
    reopen(ui, true, why_of(c)); /* or it says why not, and stops */
    return true;
}

/* G, and a move past the end: a file that has changed since it was opened (a log that grew)
 * is opened again first, as less reads on at its end; whether it was. */
bool ui_follow_refresh(struct ui *ui)
{
    struct stat st;
    enum change c;

    /* A file that reports no size (in /proc) is read once, as it was: not at every G. */
    if (ui->follow.path == NULL || ui->stream.s != NULL || !look(ui, &st) || st.st_size == 0)
        return false;
    c = change_of(ui, &st);
    return c != SAME && reopen(ui, false, why_of(c));
}

/* Release the file opened again. */
void ui_follow_free(struct ui *ui)
{
    doc_free(ui->follow.doc);
    ui->follow.doc = NULL;
}
