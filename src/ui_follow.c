/*
 * ui_follow.c: F, following the end of a text that grows, as less's F and tail -f do (a log
 * on a server).  On standard input still coming in, each new snapshot (ui_stream.c) is shown
 * at its last page.  A file's size is looked at every FOLLOW_MS while following, and only
 * then, so that an idle reader still uses no CPU; once it has changed, the file is opened
 * again and shown at its end.  G and a move past the end open a file that has grown since it
 * was opened again too, as less reads on at the end of a file.  Offsets carry over, as a log grows
 * only at its end: the marks, the search and the place '' goes back to stay where they were.  Any
 * key stops following and does what it does; Ctrl-C only stops it.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "ui_internal.h"

#define FOLLOW_MS 250 /* how often a followed file's size is looked at */

/* The file's identity and size now; false when it cannot be looked at. */
static bool look(const char *path, struct stat *st)
{
    return stat(path, st) == 0;
}

/* F: the last page, and every new one as the text grows. */
void ui_follow_start(struct ui *ui)
{
    struct stat st;

    if (ui_stream_live(ui)) {
        ui->follow.on = true;
        ui_marks_jumping(ui);
        page_last(ui->page); /* of what has come: the rest is shown as it comes */
        ui_notice(ui, "Following standard input as it comes (a key stops)");
        return;
    }
    if (ui->follow.path == NULL) {
        ui_marks_jumping(ui);
        page_last(ui->page);
        ui_notice(ui, ui->stream.s != NULL ? "Standard input has ended: nothing more will come"
                                           : "This text does not grow: nothing to follow");
        return;
    }
    if (!look(ui->follow.path, &st)) {
        ui_notice(ui, "Cannot follow %s: %s", ui->follow.shown, strerror(errno));
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        ui_notice(ui, "Cannot follow %s: not a regular file", ui->follow.shown);
        return;
    }
    ui->follow.on = true;
    ui_marks_jumping(ui);
    page_last(ui->page);
    ui_notice(ui, "Following %s as it grows (a key stops)", ui->follow.shown);
    /* What the file holds now: it may have changed since it was opened, or last followed. */
    ui->follow.dev = st.st_dev;
    ui->follow.ino = st.st_ino;
    ui->follow.size = -1;
    ui_follow_step(ui);
}

/* Stop following (a key came). */
void ui_follow_stop(struct ui *ui)
{
    ui->follow.on = false;
}

/* How long the wait for a key may last while following a file (-1: no limit). */
int ui_follow_wait_ms(const struct ui *ui)
{
    return ui->follow.on && ui->stream.s == NULL ? FOLLOW_MS : -1;
}

/* The file DOC was opened from again, in the old one's place: at its last page when TO_END,
 * else where the view was. */
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
        page_goto_offset(page, page_offset(ui->page));
    page_free(ui->page);
    terms_index_free(ui->terms_index);
    ui->page = page;
    ui->terms_index = ix;
    ui->doc = doc;
    ui_search_rebind(ui);
    doc_free(ui->follow.doc); /* after the search that read it is gone */
    ui->follow.doc = doc;
    if (to_end)
        page_last(ui->page);
    if (why != NULL)
        ui_notice(ui, "%s", why);
    return true;
}

/* While following a file: open it again if it has changed; whether the text did. */
bool ui_follow_step(struct ui *ui)
{
    struct lees_error err = {0};
    struct stat st;
    struct doc *doc;
    const char *why = NULL;

    if (!ui->follow.on || ui->stream.s != NULL)
        return false;
    if (!look(ui->follow.path, &st))
        return false; /* moved away for a moment (a log being rotated): look again later */
    if (st.st_dev == ui->follow.dev && st.st_ino == ui->follow.ino && st.st_size == ui->follow.size)
        return false;
    if (st.st_dev != ui->follow.dev || st.st_ino != ui->follow.ino)
        why = "The file was replaced: showing the new one";
    else if (st.st_size < ui->follow.size)
        why = "The file was cut short: showing what is left";
    ui->follow.dev = st.st_dev;
    ui->follow.ino = st.st_ino;
    ui->follow.size = st.st_size;
    if (doc_open_file(ui->follow.path, doc_format_of(ui->doc), &doc, &err) != 0) {
        ui->follow.on = false;
        ui_notice(ui, "%s", err.msg);
        return true;
    }
    return adopt(ui, doc, true, why);
}

/* G, and a move past the end: a file that has changed size since it was opened (a log) is
 * opened again first, as less reads on at its end; whether it was. */
bool ui_follow_refresh(struct ui *ui)
{
    struct lees_error err = {0};
    struct doc *doc;

    if (ui->follow.path == NULL || ui->stream.s != NULL || !doc_file_changed(ui->doc))
        return false;
    if (doc_open_file(ui->follow.path, doc_format_of(ui->doc), &doc, &err) != 0) {
        ui_notice(ui, "%s", err.msg);
        return false;
    }
    return adopt(ui, doc, false, NULL);
}

/* Release the file opened again. */
void ui_follow_free(struct ui *ui)
{
    doc_free(ui->follow.doc);
    ui->follow.doc = NULL;
}
