/*
 * ui.c: the terminal session and the main loop.  It sets the terminal up and always puts it
 * back, reads keys (from /dev/tty when the text came on standard input), handles resizes and
 * passes every other key to the view on top of the stack.  Signal handlers only set a flag.
 */
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "lees/glyph.h"
#include "lees/search.h"
#include "ui_internal.h"

#define ESCDELAY_MS 25
#define MIN_COLS 20
#define MIN_ROWS 6
/* Work done while idle between two looks at the keyboard: about a quarter of a millisecond, so
 * a key waits no longer (bench/README.md). */
#define IDLE_LAID_OUT 4096         /* bytes of text laid out (pages) or matched (key terms) */
#define IDLE_SEARCHED (128u << 10) /* bytes searched for matches to count */

static volatile sig_atomic_t quit_signal;
static bool ascii_only; /* the locale is not UTF-8 (set once in ui_run) */

static void on_quit_signal(int sig)
{
    quit_signal = sig;
}

/* Push VIEW on top; false when the stack is full. */
bool ui_push(struct ui *ui, struct ui_view *view)
{
    if (view == NULL)
        return false;
    if (ui->nviews == UI_MAX_VIEWS) {
        view->ops->free(view);
        return false;
    }
    ui->views[ui->nviews++] = view;
    return true;
}

static void ui_pop(struct ui *ui)
{
    struct ui_view *v = ui->views[--ui->nviews];
    v->ops->free(v);
}

/* Whether a key is waiting to be read, or Ctrl-C was pressed. */
static bool key_waiting(int fd)
{
    struct pollfd pfd = {fd, POLLIN, 0};

    /* Ctrl-C comes as a signal, not a key: it stops long work all the same. */
    return quit_signal != 0 || poll(&pfd, 1, 0) > 0;
}

/* Set the notice shown on the next status line. */
void ui_notice(struct ui *ui, const char *fmt, ...)
{
    char raw[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    /* Notices quote file names, patterns and messages: shown, never obeyed. */
    glyph_sanitize(ui->notice, sizeof ui->notice, raw, strlen(raw));
}

/* Draw TEXT (in shown form) at ROW, COL, in at most CELLS cells; returns cells used. */
int ui_put(int row, int col, const char *text, int cells, attr_t attr)
{
    char shown[2048];
    size_t n = strlen(text), fit;

    /* Whatever the caller passed, what reaches the terminal is shown form (and ASCII when the
     * locale wants it): a gloss, a name or a message can never drive the terminal. */
    if (ascii_only)
        n = glyph_sanitize_ascii(shown, sizeof shown, text, n);
    else
        n = glyph_sanitize(shown, sizeof shown, text, n);
    text = shown;
    fit = cells > 0 ? glyph_fit(text, n, (size_t)cells) : 0;
    if (fit == 0)
        return 0;
    attrset(attr);
    mvaddnstr(row, col, text, (int)fit);
    attrset(A_NORMAL);
    return (int)glyph_width(text, fit);
}

/* Draw the status line: LEFT is cut first when both do not fit. */
void ui_status(const char *left, const char *right)
{
    int row = LINES - 1, rw = (int)glyph_width(right, strlen(right));

    attrset(A_REVERSE);
    mvhline(row, 0, ' ', COLS);
    if (rw > COLS)
        rw = COLS;
    ui_put(row, 0, left, COLS - rw - 1, A_REVERSE);
    ui_put(row, COLS - rw, right, rw, A_REVERSE);
    attrset(A_NORMAL);
}

static void fit_column(struct ui *ui)
{
    ui->colw = ui->width_opt < COLS ? ui->width_opt : COLS;
    if (ui->colw < LAYOUT_MIN_WIDTH)
        ui->colw = LAYOUT_MIN_WIDTH;
    ui->margin = COLS > ui->colw ? (COLS - ui->colw) / 2 : 0;
}

static bool too_small(void)
{
    return COLS < MIN_COLS || LINES < MIN_ROWS;
}

/* What is wrong, in the longest form the row has room for: the size needed comes first to go
 * last, as it is what the reader must know to fix it. */
static void draw_too_small(void)
{
    char forms[4][64];
    int k = 0;

    erase();
    snprintf(forms[0], sizeof forms[0], "Terminal too small (%dx%d); lees needs %dx%d.", COLS,
             LINES, MIN_COLS, MIN_ROWS);
    snprintf(forms[1], sizeof forms[1], "Too small: %dx%d", MIN_COLS, MIN_ROWS);
    snprintf(forms[2], sizeof forms[2], "Needs %dx%d", MIN_COLS, MIN_ROWS);
    snprintf(forms[3], sizeof forms[3], "%dx%d", MIN_COLS, MIN_ROWS);
    while (k < 3 && (int)strlen(forms[k]) > COLS)
        k++;
    attrset(A_BOLD);
    mvaddnstr(0, 0, forms[k], COLS);
    attrset(A_NORMAL);
}

static void tail_free(struct ui *ui)
{
    terms_index_free(ui->tail.terms_index);
    page_free(ui->tail.page);
    doc_free(ui->tail.doc);
    memset(&ui->tail, 0, sizeof ui->tail);
}

/*
 * G in the first moments after a long text is opened, before the scan for its sections has
 * reached its end: rather than wait for the scan (20 ms for 100 MB), show the last page as a
 * scan from near the end finds it.  It is drawn once; the loop then finishes the scan and shows
 * the text's own last page, the same page unless doc_tail_new guessed wrong.
 */
bool ui_tail_show(struct ui *ui)
{
    size_t from;

    /* Search matches are placed in the whole text: they would not show on the tail's page. */
    if (ui->search.confirmed != NULL || ui->search.typing != NULL)
        return false;
    ui->tail.doc = doc_tail_new(ui->doc, &from);
    if (ui->tail.doc == NULL)
        return false;
    ui->tail.page =
        page_new(ui->tail.doc, ui->colw, page_height(ui->page), ui->ascii ? LAYOUT_ASCII : 0);
    if (ui->terms_index != NULL)
        ui->tail.terms_index = terms_index_new(ui->terms, ui->tail.doc);
    if (ui->tail.page == NULL || (ui->terms_index != NULL && ui->tail.terms_index == NULL)) {
        tail_free(ui);
        return false;
    }
    page_last(ui->tail.page);
    return true;
}

/* The text's own last page takes the place of the tail's. */
static void tail_settle(struct ui *ui)
{
    tail_free(ui);
    page_last(ui->page);
}

static void draw_view(struct ui *ui)
{
    if (too_small())
        draw_too_small();
    else
        ui->views[ui->nviews - 1]->ops->draw(ui, ui->views[ui->nviews - 1]);
}

static void draw(struct ui *ui)
{
    /* Hidden before the screen is resumed, the cursor would be hidden on the shell's screen,
     * and the terminal would bring that back at exit: the first draw hides it after. */
    if (ui->resumed)
        curs_set(0);
    if (ui->tail.doc != NULL) {
        /* The tail stands in for the text for this one draw. */
        const struct doc *doc = ui->doc;
        struct page *page = ui->page;
        struct terms_index *ix = ui->terms_index;
        ui->doc = ui->tail.doc;
        ui->page = ui->tail.page;
        ui->terms_index = ui->tail.terms_index;
        ui->drawing_tail = true;
        draw_view(ui);
        ui->drawing_tail = false;
        ui->doc = doc;
        ui->page = page;
        ui->terms_index = ix;
    } else {
        draw_view(ui);
    }
    refresh();
    if (!ui->resumed) {
        curs_set(0);
        ui->resumed = true;
    }
    /* The terminal gets what was drawn through a kernel worker on this CPU; background counting
     * started at once kept it waiting for the next scheduler tick, up to 4 ms after the draw. */
    sched_yield();
}

/* A page over DOC at the current size, and its key terms' index; false (neither made) when
 * out of memory.  For a doc that takes the shown one's place (a snapshot, a file reopened). */
bool ui_page_new(const struct ui *ui, const struct doc *doc, struct page **page,
                 struct terms_index **ix)
{
    bool terms = ui->terms != NULL && terms_count(ui->terms) > 0;

    *ix = NULL;
    *page = page_new(doc, ui->colw, page_height(ui->page), ui->ascii ? LAYOUT_ASCII : 0);
    if (*page != NULL && terms)
        *ix = terms_index_new(ui->terms, doc);
    if (*page == NULL || (terms && *ix == NULL)) {
        page_free(*page);
        *page = NULL;
        return false;
    }
    return true;
}

/* DOC in the place of the text shown (see ui_internal.h). */
void ui_doc_adopt(struct ui *ui, struct doc *doc, struct page *page, struct terms_index *ix,
                  struct doc **owned)
{
    if (page != NULL) {
        page_free(ui->page);
        terms_index_free(ui->terms_index);
        ui->page = page;
        ui->terms_index = ix;
    }
    ui->doc = doc;
    ui_search_rebind(ui);
    doc_free(*owned); /* after the search that read it is gone */
    *owned = doc;
}

/* Milliseconds since T0 (CLOCK_MONOTONIC). */
double ui_ms_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Whether B's work has gone on for a glance without saying so. */
static bool glance_over(const struct ui_busy *b)
{
    return !b->told && ui_ms_since(&b->since) >= UI_BUSY_GLANCE_MS;
}

/* Start long work that a key may stop (see ui_internal.h). */
void ui_busy_start(struct ui_busy *b, struct ui *ui, const char *fmt, ...)
{
    va_list ap;

    b->ui = ui;
    b->told = false;
    b->keys_wait = false;
    clock_gettime(CLOCK_MONOTONIC, &b->since);
    va_start(ap, fmt);
    vsnprintf(b->notice, sizeof b->notice, fmt, ap);
    va_end(ap);
}

/* Between two pieces of long work: tell, once; whether to stop for a key. */
bool ui_busy_yield(struct ui_busy *b)
{
    struct ui *ui = b->ui;

    if (glance_over(b)) {
        /* The work goes on after this draw: the notice is for now, not for the next key. */
        if (b->notice[0] != '\0')
            ui_notice(ui, "%s", b->notice);
        draw(ui);
        ui->notice[0] = '\0';
        b->told = true;
    }
    if (quit_signal == SIGINT) {
        /* Ctrl-C stops the work, and nothing more: it is not read as a key after it. */
        quit_signal = 0;
        ui_notice(ui, "Stopped");
        return true;
    }
    return !b->keys_wait && key_waiting(ui->input_fd);
}

/* Whether a search is to pause, for a key or to say what it does. */
bool ui_busy_pause(void *arg)
{
    struct ui_busy *b = arg;

    /* The same keys stop it as ui_busy_yield would: with keys_wait, only Ctrl-C. */
    return (b->keys_wait ? quit_signal == SIGINT : key_waiting(b->ui->input_fd)) || glance_over(b);
}

static void resize(struct ui *ui)
{
    fit_column(ui);
    if (page_resize(ui->page, ui->colw, LINES > 1 ? LINES - 1 : 1) != 0) {
        ui_notice(ui, "Out of memory: the text keeps its old width");
        return;
    }
    for (int i = 0; i < ui->nviews; i++)
        if (ui->views[i]->ops->resized != NULL)
            ui->views[i]->ops->resized(ui, ui->views[i]);
}

/*
 * A key as an int: a code point, a curses key code negated, UI_UNREADABLE, or ERR when none
 * came.  Keys are read a byte at a time and decoded here rather than by get_wch: given a byte
 * the locale cannot decode (any byte past ASCII in the C locale, or a Latin-1 terminal under a
 * UTF-8 one), ncurses 6.4's get_wch waits for up to 144 more bytes, and every key typed
 * meanwhile is lost.  Here such bytes are one key that does nothing, and the key after them is
 * read as it is.  Bytes of a character not all come yet are kept for the next call.
 */
static int read_key(void)
{
    static bool keypad_set;
    static char pending[MB_LEN_MAX];
    static size_t npending;

    if (!keypad_set) {
        /* Set at the first read, after the first screen: ncurses builds its table of the
         * terminal's key sequences then, 0.05 ms that the first screen no longer waits for. */
        keypad(stdscr, TRUE);
        keypad_set = true;
    }
    for (;;) {
        int c = getch();
        mbstate_t st;
        wchar_t wc;
        size_t r;

        if (c == ERR)
            return ERR;
        if (c > 0xff) {
            /* A function key cuts short the character it came in the middle of. */
            bool cut = npending > 0;
            npending = 0;
            if (cut) {
                ungetch(c);
                return UI_UNREADABLE;
            }
            return UI_FN(c);
        }
        pending[npending++] = (char)c;
        memset(&st, 0, sizeof st);
        r = mbrtowc(&wc, pending, npending, &st);
        if (r == (size_t)-2 && npending < (size_t)MB_CUR_MAX && npending < sizeof pending)
            continue;
        if (r == (size_t)-1 && npending > 1) {
            /* The bytes before C began no character: C may begin one (or be a key). */
            ungetch(c);
        }
        if (r == (size_t)-1 || r == (size_t)-2) {
            npending = 0;
            return UI_UNREADABLE;
        }
        npending = 0;
        return (int)wc;
    }
}

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_quit_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a signal interrupts the wait for a key, and the loop sees the flag. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/*
 * Whether the key terms are counted, or need not be now: on standard input still coming in,
 * each snapshot would start the count again (100 MB a second from `yes`), so it waits for the
 * end.
 */
static bool terms_counted(const struct ui *ui)
{
    return ui->terms_index == NULL || terms_index_counted(ui->terms_index) || ui_stream_live(ui);
}

/* Whether pages are still to be counted: all of them for the total, but on standard input
 * still coming in (no total is shown until it ends) only as far as the page on screen. */
static bool pages_to_count(const struct ui *ui)
{
    if (page_total_known(ui->page))
        return false;
    return !ui_stream_live(ui) || !page_number_known(ui->page);
}

/* A step of the counting done while no key comes: what the status line shows first (the
 * matches, the pages), then the key terms. */
static void count_step(struct ui *ui)
{
    if (ui_search_counting(ui))
        search_count_step(ui->search.confirmed, IDLE_SEARCHED);
    else if (pages_to_count(ui))
        page_index_step(ui->page, IDLE_LAID_OUT);
    else if (!terms_counted(ui))
        terms_index_count_step(ui->terms_index, IDLE_LAID_OUT);
}

/*
 * The next key.  While matches, page numbers or key terms are still being counted (a long
 * text), input is polled and the counting goes on a little at a time between keys; once all is
 * counted, the wait for a key blocks, so an idle reader uses no CPU.  Returns ERR with *WORKED
 * set after a step of work.
 */
static int next_key(struct ui *ui, bool *worked)
{
    int key;
    bool counting = ui_search_counting(ui) || pages_to_count(ui) || !terms_counted(ui);

    *worked = false;
    if (ui_follow_wait_ms(ui) >= 0) {
        /* Following a file: it is looked at between waits for a key; a long text is not
         * counted meanwhile (ui_follow.c). */
        bool count = counting && ui_follow_counts(ui);
        int wait = count ? 0 : ui_follow_wait_ms(ui);
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        wtimeout(stdscr, wait);
        key = read_key();
        wtimeout(stdscr, -1);
        /* ERR long before the time ran out is no timeout: a signal, or a terminal gone, which
         * the loop counts rather than spin on. */
        if (key != ERR || quit_signal || ui_ms_since(&t0) + 5 < wait)
            return key;
        *worked = true;
        ui->follow.changed = ui_follow_step(ui);
        if (count)
            count_step(ui);
        return ERR;
    }
    if (!counting && !ui_stream_live(ui))
        return read_key();
    nodelay(stdscr, TRUE);
    key = read_key();
    nodelay(stdscr, FALSE);
    if (key == ERR && !quit_signal && ui_stream_live(ui)) {
        /* Standard input first (what has come is shown soon), then a step of the counting,
         * which a pipe that keeps writing must not starve (the page's number stayed "?"
         * while 256 MiB of `yes` came in); with nothing to count, wait for either a key or
         * more text, not polling. */
        *worked = true;
        ui_stream_step(ui, counting ? 0 : -1);
        if (!counting)
            return ERR;
    }
    if (key == ERR && !quit_signal) {
        count_step(ui);
        *worked = true;
    }
    return key;
}

/*
 * After the first screen, the text's entry looked for by its content (ui_options.text_later):
 * none had been, or the one kept under the file's path was guessed (ui->text_guess, not
 * touched until now).  True when it is another entry, whose place the page went to (the file
 * now holds a text kept under another path).
 */
static bool text_found_later(struct ui *ui)
{
    struct state_text *t;

    ui->text_later = false;
    if (ui->state == NULL || ui->find_text == NULL || ui_stream_live(ui))
        return false;
    t = ui->find_text(ui->state, ui->doc, ui->follow.path);
    ui->text = t;
    if (t == NULL || t == ui->text_guess)
        return false; /* the page is at its place already (state_position_in) */
    if (ui->place_asked)
        return false;
    page_goto_top(ui->page, state_position(t));
    return true;
}

static void loop(struct ui *ui)
{
    int errors = 0;
    bool dirty = true;

    while (quit_signal == 0 || quit_signal == SIGINT) {
        int key;
        enum ui_result r;
        bool worked, known, total, counted, matches;

        if (dirty)
            draw(ui);
        dirty = true;
        if (ui->text_later && text_found_later(ui))
            continue; /* another entry's place: drawn at once */
        if (ui->tail.doc != NULL) {
            tail_settle(ui); /* keys typed meanwhile wait for it: 20 ms for 100 MB */
            continue;
        }
        known = page_number_known(ui->page);
        total = page_total_known(ui->page);
        counted = terms_counted(ui);
        matches = ui_search_counting(ui);
        if (quit_signal == SIGINT) {
            /* Ctrl-C came while a key was at work: it is the next key. */
            worked = false;
            key = ERR;
        } else {
            key = next_key(ui, &worked);
        }
        if (worked) {
            struct ui_view *top = ui->views[ui->nviews - 1];
            /* Redraw only when there is a number to add: a page number, the total, the counts,
             * or rows for the view on top (the contents, as sections are found). */
            dirty = known != page_number_known(ui->page) || total != page_total_known(ui->page) ||
                    counted != terms_counted(ui) || matches != ui_search_counting(ui) ||
                    ui->stream.changed || ui->follow.changed;
            ui->stream.changed = false;
            ui->follow.changed = false;
            if (top->ops->idle != NULL && top->ops->idle(ui, top))
                dirty = true;
            continue;
        }
        if (quit_signal == SIGINT) {
            /* Ctrl-C is a key to the view on top: a prompt cancels, anything else quits. */
            quit_signal = 0;
            key = UI_INTERRUPT;
        }
        if (key == ERR) {
            /* A signal, or a terminal that is gone: never spin on a dead terminal. */
            if (errno == EINTR || quit_signal)
                continue;
            if (++errors > 100)
                break;
            continue;
        }
        errors = 0;
        if (key == UI_FN(KEY_RESIZE)) {
            resize(ui);
            continue;
        }
        if (key == UI_CTRL('L')) {
            clearok(curscr, TRUE);
            continue;
        }
        ui->notice[0] = '\0';
        if (too_small())
            r = key == 'q' || key == 'Q' ? UI_QUIT : UI_HANDLED;
        else
            r = ui->views[ui->nviews - 1]->ops->key(ui, ui->views[ui->nviews - 1], key);
        if (r == UI_QUIT)
            break;
        if (r == UI_CLOSE && ui->nviews > 1)
            ui_pop(ui);
        while (ui->close_all && ui->nviews > 1)
            ui_pop(ui);
        ui->close_all = false;
    }
}

/*
 * The screen: on TERM when this machine knows it, else on a common type that is close (over
 * SSH, TERM often names a terminal whose entry is not installed here), with NOTICE saying so.
 * Each try reads a terminfo entry once; checking TERM with setupterm first read it twice.
 */
static SCREEN *open_screen(FILE *in, char *notice, size_t cap)
{
    static const char *const fallbacks[] = {"xterm-256color", "xterm", "vt100"};
    const char *term = getenv("TERM");
    SCREEN *screen = newterm(NULL, stdout, in);

    for (size_t i = 0; screen == NULL && i < sizeof fallbacks / sizeof fallbacks[0]; i++) {
        screen = newterm(fallbacks[i], stdout, in);
        if (screen != NULL) {
            char shown[128];
            glyph_sanitize(shown, sizeof shown, term ? term : "", term ? strlen(term) : 0);
            snprintf(notice, cap, "TERM=%s is unknown here; using %s", shown, fallbacks[i]);
        }
    }
    return screen;
}

/* Ask whether to show a text that looks binary; true for yes. */
static bool confirm_binary(const struct doc *doc)
{
    char name[1024];

    glyph_sanitize(name, sizeof name, doc_name(doc), strlen(doc_name(doc)));
    for (;;) {
        int key;
        erase();
        /* The name on a line of its own, so the question is never cut off by a long one. */
        ui_put(0, 0, name, COLS, A_BOLD);
        ui_put(1, 0, "looks like a binary file. Show it anyway? (y/n)", COLS, A_NORMAL);
        refresh();
        key = read_key();
        if (key == 'y' || key == 'Y')
            return true;
        if (key == 'n' || key == 'N' || key == 'q' || key == 'Q' || key == UI_ESC || quit_signal)
            return false;
        if (key == ERR && errno != EINTR)
            return false;
    }
}

/* Section N (0-based) as the contents count them (parts of a long section are not listed); when
 * there are not that many, the last one, and *LISTED says how many there are. */
static size_t listed_section(const struct doc *doc, size_t n, size_t *listed)
{
    size_t last = 0;

    *listed = 0;
    for (size_t s = 0; doc_section_exists(doc, s); s++) {
        if (doc_section_continued(doc, s))
            continue;
        if ((*listed)++ == n)
            return s;
        last = s;
    }
    return last;
}

/* Show DOC until the user quits. */
int ui_run(const struct doc *doc, const struct ui_options *opt, struct lees_error *err)
{
    struct ui ui;
    FILE *in = stdin;
    SCREEN *screen;
    char term_notice[256] = "";

    memset(&ui, 0, sizeof ui);
    ui.doc = doc;
    ui.width_opt = opt->width;
    if (!isatty(STDIN_FILENO)) {
        /* The text came on standard input: keys come from the terminal itself. */
        in = fopen("/dev/tty", "r");
        if (in == NULL)
            return lees_error_set(err, LEES_ERR_TERMINAL, "/dev/tty: %s", strerror(errno));
    }
    if (getenv("ESCDELAY") == NULL)
        set_escdelay(ESCDELAY_MS);
    ascii_only = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
    ui.ascii = ascii_only;
    ui.input_fd = fileno(in);
    screen = open_screen(in, term_notice, sizeof term_notice);
    if (screen == NULL) {
        char shown[128];
        const char *t = getenv("TERM") ? getenv("TERM") : "";
        if (in != stdin)
            fclose(in);
        glyph_sanitize(shown, sizeof shown, t, strlen(t));
        return lees_error_set(err, LEES_ERR_TERMINAL, "TERM=%s: cannot use this terminal", shown);
    }
    set_term(screen);
    cbreak();
    noecho();
    nonl();
    meta(stdscr, TRUE);
    /* ncurses (6.4) writes to the terminal at every cursor move, a write per line, until the
     * screen has once been left and resumed (_nc_mvcur flushes while SP->_endwin is ewInitial):
     * leave it here, and the first draw resumes it.  A page is then one write, not 25: fewer
     * packets over SSH. */
    endwin();
    install_signals();
    ui.state = opt->state;
    ui.text = opt->text_later ? NULL : opt->text;
    ui.text_guess = opt->text_later ? opt->text : NULL;
    ui.find_text = opt->find_text;
    ui.text_later = opt->text_later;
    ui.place_asked = opt->place_asked;
    ui.follow.path = opt->file;
    if (opt->file != NULL)
        glyph_sanitize(ui.follow.shown, sizeof ui.follow.shown, opt->file, strlen(opt->file));
    ui_stream_start(&ui, opt); /* may replace ui.doc: standard input's first lines came since */
    doc = ui.doc;
    ui.terms = opt->terms;
    ui.show_terms = true;
    if (opt->terms != NULL && terms_count(opt->terms) > 0)
        ui.terms_index = terms_index_new(opt->terms, doc);
    ui_style_init(&ui, opt->no_color);
    fit_column(&ui);
    ui.page = page_new(doc, ui.colw, LINES > 1 ? LINES - 1 : 1, ui.ascii ? LAYOUT_ASCII : 0);
    if (ui.page == NULL || !ui_push(&ui, ui_pager_new())) {
        endwin();
        delscreen(screen);
        page_free(ui.page);
        terms_index_free(ui.terms_index);
        ui_stream_free(&ui);
        return lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
    }
    ui.search.ignore_case = (opt->search_flags & SEARCH_IGNORE_CASE) != 0;
    ui.search.regex = (opt->search_flags & SEARCH_REGEX) != 0;
    ui_search_history_load(&ui);
    if (ui.text != NULL && !opt->place_asked)
        page_goto_top(ui.page, state_position(ui.text)); /* where it was left */
    else if (ui.text_guess != NULL && !opt->place_asked)
        page_goto_top(ui.page, opt->text_at); /* where the text kept under its path was left */
    if (opt->follow) {
        /* +F: the end, and what comes after it; any other place asked for is not gone to. */
        ui_follow_start(&ui);
        if (opt->section > 0 || opt->page > 0 || opt->find != NULL)
            ui_notice(&ui, "+F follows the end: the page, section or pattern asked for is not "
                           "gone to");
    } else {
        /* A place asked for in standard input still coming in may lie in what is to come. */
        if (ui_stream_live(&ui) &&
            (opt->section > 0 || opt->page > 0 || opt->find != NULL || opt->last))
            ui_stream_finish(&ui); /* may replace ui.doc with a snapshot of all of it */
        if (opt->section > 0) {
            size_t listed;
            page_goto_section(ui.page, listed_section(ui.doc, opt->section - 1, &listed));
            if (listed < opt->section)
                ui_notice(&ui, "There are %zu sections: this is the last", listed);
        }
        if (opt->page > 0)
            page_goto(ui.page, opt->page);
        if (opt->find != NULL)
            ui_search_open_at(&ui, opt->find);
        if (opt->last)
            page_last(ui.page);
    }
    doc = ui.doc; /* a snapshot of standard input, or the file F opened again */
    /* A warning below says more than the notice of F: the status line says "following". */
    if (term_notice[0] != '\0')
        ui_notice(&ui, "%s", term_notice);
    else if (opt->notice != NULL && opt->notice[0] != '\0')
        ui_notice(&ui, "%s", opt->notice);
    if (!(opt->ask_binary || (ui.stream.doc != NULL && !opt->force && doc_looks_binary(doc))) ||
        confirm_binary(doc)) {
        loop(&ui);
        /* A hangup or a termination before the first screen: the entry is still to be found,
         * or the place would be saved to none, or to a text that was in this file before. */
        if (ui.text_later)
            text_found_later(&ui);
        /* Quit, hangup or termination alike: the place is kept. */
        ui_marks_save(&ui);
    }
    while (ui.nviews > 0)
        ui_pop(&ui);
    /* On a terminal without an alternate screen (vt100, the Linux console) the page stays
     * where the shell goes on: the status line is cleared, so that its prompt does not land
     * on it, as less does. */
    move(LINES - 1, 0);
    clrtoeol();
    refresh();
    endwin();
    delscreen(screen);
    if (in != stdin)
        fclose(in);
    tail_free(&ui); /* a signal came between G and its draw */
    page_free(ui.page);
    ui_search_free(&ui); /* before the snapshot its search reads */
    terms_index_free(ui.terms_index);
    ui_stream_free(&ui);
    ui_follow_free(&ui);
    ui_spans_free(&ui.spans);
    return quit_signal == SIGHUP || quit_signal == SIGTERM ? (int)quit_signal : 0;
}
