/*
 * ui_stream.c: reading a text that is still coming in on standard input (`make | lees`).
 *
 * The page shows a snapshot: a doc over the whole lines read so far (stream_doc_new).  The
 * loop reads more whenever the pipe has some and no key is waiting, and a newer snapshot
 * takes the doc's place at most every STREAM_SHOW_MS (each costs a section parse and a page
 * layout), at once when the writer closes its end.  Snapshots agree on every byte offset
 * they share, so the page, the search's match and the marks' places carry over as offsets.
 * While it comes in, the total of pages is "?"; G, N%, bookmarks, and a search or an n that
 * finds nothing more in what has come first read it to its end (a key stops that, for a writer
 * that never ends).
 */
#include <poll.h>

#include "ui_internal.h"

#define STREAM_SHOW_MS 100               /* at most this often a new snapshot */
#define STREAM_SLICE ((size_t)1 << 20)   /* bytes read between two looks at the keyboard */
#define STREAM_FIRST_MS 50               /* how long the first screen waits for them */
#define STREAM_SHORT ((size_t)64 << 10)  /* a snapshot of less is no cost to replace */
#define STREAM_AHEAD ((size_t)256 << 20) /* read ahead of the page at most this much */
#define STREAM_FINISH_WAIT_MS 20         /* G: how long one wait for more lasts */

/* Whether standard input is still coming in. */
bool ui_stream_live(const struct ui *ui)
{
    return ui->stream.s != NULL && !ui->stream.final;
}

/* What the stream is, for messages (see ui_internal.h). */
const char *ui_stream_source(const struct ui *ui, bool capital)
{
    if (ui->follow.path != NULL)
        return ui->follow.shown;
    return capital ? "Standard input" : "standard input";
}

/* Whether a snapshot could show more than the one shown. */
static bool news(const struct ui *ui)
{
    struct stream *s = ui->stream.s;

    return stream_whole_len(s) > ui->stream.shown || stream_ended(s);
}

/* Milliseconds until a newer snapshot is due: 0 now, -1 when none is (nothing new, or the page
 * is not up to take it). */
static int due_in(const struct ui *ui)
{
    double left;

    if (!news(ui) || !ui_pager_idle(ui) || ui->tail.doc != NULL)
        return -1;
    /* A short snapshot costs little, and may not fill the page: the next one at once. */
    if (stream_ended(ui->stream.s) || ui->stream.shown < STREAM_SHORT)
        return 0;
    left = STREAM_SHOW_MS - ui_ms_since(&ui->stream.at);
    return left <= 0 ? 0 : (int)left + 1;
}

/*
 * DOC, a snapshot of all that has been read, becomes the text shown, with PAGE and IX (NULL
 * before the first page is made).  Once the stream has ended, the text is whole, and known in
 * the state file by its content.
 */
static void adopt(struct ui *ui, struct doc *doc, struct page *page, struct terms_index *ix)
{
    struct stream *s = ui->stream.s;

    ui_doc_adopt(ui, doc, page, ix, &ui->stream.doc);
    ui->stream.shown = stream_whole_len(s);
    if (ui->stream.format == DOC_FORMAT_AUTO && ui->stream.shown > 0)
        ui->stream.format = doc_format_of(doc); /* the first lines decide, as for a file */
    clock_gettime(CLOCK_MONOTONIC, &ui->stream.at);
    if (stream_ended(s)) {
        ui->stream.final = true;
        if (ui->state != NULL && ui->find_text != NULL)
            ui->text = ui->find_text(ui->state, doc, NULL);
    }
}

/* Put a snapshot of everything read in the doc's place; false when it cannot be made. */
static bool swap(struct ui *ui)
{
    struct lees_error err = {0};
    struct doc *doc;
    struct page *page;
    struct terms_index *ix;
    bool at_top;

    /* The first snapshot decides the format when none was asked for: the later ones carry
     * over its sections. */
    if ((ui->stream.shown > 0 ? stream_doc_after(ui->stream.s, ui->doc, &doc, &err)
                              : stream_doc_new(ui->stream.s, ui->stream.format, &doc, &err)) != 0) {
        ui_notice(ui, "%s", err.msg);
        ui->stream.final = true; /* no memory: what is shown is all there will be */
        return false;
    }
    if (!ui_page_new(ui, doc, &page, &ix)) {
        doc_free(doc);
        ui_notice(ui, "Out of memory: the text shown is all there will be");
        ui->stream.final = true;
        return false;
    }
    /* Counted again from where the last snapshot's count had got to, not from the top: on a
     * fast pipe each snapshot restarted a count that then never ended. */
    page_take_counts(page, ui->page);
    /* A new page opens at the top: the reader is still there when the old one is too (its
     * first line need not start at offset 0: "# Title" shows from byte 2). */
    at_top = page_offset(ui->page) <= page_offset(page);
    page_goto_top(page, page_offset(ui->page));
    adopt(ui, doc, page, ix);
    ui->stream.changed = true;
    if (ui->follow.on) {
        page_last(ui->page);
        if (ui->stream.final) {
            ui->follow.on = false;
            ui_notice(ui, "%s has ended: nothing more will come", ui_stream_source(ui, true));
        }
        return true;
    }
    /* Whole now: the place kept in the state file, unless the reader has moved or asked. */
    if (ui->stream.final && ui->text != NULL && !ui->place_asked && at_top)
        page_goto_top(ui->page, state_position(ui->text));
    return true;
}

/* Take standard input still coming in; wait a little for its first lines when none came. */
void ui_stream_start(struct ui *ui, const struct ui_options *opt)
{
    struct lees_error err = {0};
    struct stream *s = opt->stream;
    struct doc *doc;

    ui->stream.s = s;
    ui->stream.format = doc_format_of(ui->doc);
    clock_gettime(CLOCK_MONOTONIC, &ui->stream.at);
    if (s == NULL)
        return;
    ui->stream.shown = stream_whole_len(s);
    if (ui->stream.shown > 0)
        return;
    ui->stream.format = opt->stream_format; /* nothing to tell it by yet */
    if (stream_read(s, STREAM_FIRST_MS, STREAM_FIRST, &err) < 0) {
        ui_notice(ui, "%s", err.msg);
        ui->stream.final = true;
        return;
    }
    if ((stream_whole_len(s) == 0 && !stream_ended(s)) ||
        stream_doc_new(s, ui->stream.format, &doc, &err) != 0)
        return;                 /* the empty page, until the loop finds more */
    adopt(ui, doc, NULL, NULL); /* ui_run goes to the place kept, as for any text */
}

/* Read a slice of what has come; false on a read error, said on the status line (what was
 * read is kept, and the text counts as whole). */
static bool read_slice(struct ui *ui, int wait_ms)
{
    struct lees_error err = {0};

    if (stream_read(ui->stream.s, wait_ms, STREAM_SLICE, &err) >= 0)
        return true;
    ui_notice(ui, "%s", err.msg);
    ui->stream.final = true; /* nothing more will come: stop waiting for it */
    return false;
}

/* Read what has come, waiting for it or a key up to WAIT_MS; a snapshot when one is due. */
bool ui_stream_step(struct ui *ui, int wait_ms)
{
    struct pollfd p[2] = {{.fd = ui->input_fd, .events = POLLIN},
                          {.fd = stream_fd(ui->stream.s), .events = POLLIN}};
    int due = due_in(ui);
    /* Far enough ahead of the page (`yes | lees`): read on as the reader goes on, not into all
     * of memory. */
    bool ended = stream_ended(ui->stream.s) ||
                 stream_len(ui->stream.s) - page_offset(ui->page) >= STREAM_AHEAD;
    int timeout = wait_ms;
    bool read = false;

    if (due >= 0 && (timeout < 0 || due < timeout))
        timeout = due;
    /* An ended stream's descriptor is always "ready": only the keys are waited for then, as
     * when the page is far enough behind. */
    if (poll(p, ended ? 1 : 2, timeout) > 0 && !ended && p[1].revents != 0) {
        size_t before = stream_len(ui->stream.s);
        if (!read_slice(ui, 0))
            return true;
        read = stream_len(ui->stream.s) != before || stream_ended(ui->stream.s);
    }
    if (due_in(ui) == 0)
        return swap(ui) || read;
    return read;
}

/* Read standard input to its end and show all of it. */
bool ui_stream_finish(struct ui *ui)
{
    struct ui_busy busy;

    if (!ui_stream_live(ui))
        return true;
    ui_busy_start(&busy, ui, "Reading %s to its end... (a key stops)", ui_stream_source(ui, false));
    while (!stream_ended(ui->stream.s)) {
        if (!read_slice(ui, STREAM_FINISH_WAIT_MS))
            return false;
        if (!stream_ended(ui->stream.s) && ui_busy_yield(&busy))
            return false;
    }
    return swap(ui);
}

/* Release the snapshot. */
void ui_stream_free(struct ui *ui)
{
    doc_free(ui->stream.doc);
    ui->stream.doc = NULL;
}
