/*
 * main.c: options, the environment and the wiring: which text to open, and whether to show it
 * on a terminal or print it.  The only place that prints errors and chooses the exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lees/builtin.h"
#include "lees/doc.h"
#include "lees/glyph.h"
#include "lees/print.h"
#include "lees/page.h"
#include "lees/search.h"
#include "lees/state.h"
#include "lees/stream.h"
#include "lees/terms.h"
#include "lees/ui.h"

#ifndef LEES_VERSION
#define LEES_VERSION "0.1"
#endif

#define DEFAULT_WIDTH 80
#define MIN_WIDTH 20

enum {
    OPT_TOC = 256,
    OPT_FORMAT,
    OPT_TERMS,
    OPT_TERMS_FILE,
    OPT_NO_COLOR,
    OPT_GREP,
    OPT_REGEX,
    OPT_STATE,
    OPT_NO_STATE,
    OPT_BOOKMARKS,
    OPT_SECTION,
};

#define MAX_TERM_ARGS 64

/* Messages name files and options the user gave: shown, never obeyed by the terminal. */
static void print_error(const char *msg)
{
    char shown[2048];

    glyph_sanitize(shown, sizeof shown, msg, strlen(msg));
    fprintf(stderr, "lees: %s\n", shown);
}

struct options {
    int width;
    int toc;
    enum doc_format format;
    const char *file; /* NULL: the built-in text, "-": standard input */
    size_t page;
    int force; /* show a binary-looking file without asking */
    int print_terms;
    int no_color;
    const char *grep;  /* --grep PATTERN */
    const char *find;  /* +/PATTERN: open at its first match */
    int last;          /* +G: open at the last page */
    int follow;        /* +F: open following the end (as less +F) */
    unsigned search;   /* search flags: -i, --regex */
    const char *state; /* --state FILE */
    int no_state;
    int print_bookmarks;
    size_t section;                        /* --section N */
    const char *term_files[MAX_TERM_ARGS]; /* --terms=FILE */
    size_t nterm_files;
    const char *term_lines[MAX_TERM_ARGS]; /* -t TERM */
    size_t nterm_lines;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: lees [OPTIONS] [FILE | -]\n"
            "Read a structured text in the terminal, by section and page.\n"
            "With no FILE, opens the built-in interview; with - or a pipe, reads standard "
            "input.\n"
            "\n"
            "  -w, --width=N        reading column of at most N cells (default %d, at least %d)\n"
            "      --toc            print the table of contents and exit\n"
            "      --format=FMT     read the text as FMT: markdown or text\n"
            "  -f, --force          show a file that looks binary without asking\n"
            "  -t, --term=TERM      highlight TERM too (as a line of a terms file; repeatable)\n"
            "      --terms=FILE     read key terms from FILE too (repeatable)\n"
            "      --terms          print the key terms with their counts and exit\n"
            "      --no-color       no colours: terms and matches by bold, underline, reverse\n"
            "  +N                   open at page N\n"
            "  +/PATTERN            open at the first match of PATTERN\n"
            "  +G, +F               open at the last page; and follow it as the text grows\n"
            "      --grep=PATTERN   print every match with its section and page; exit 0 if any\n"
            "  -i, --ignore-case    ignore case even when the pattern has a capital\n"
            "      --regex          patterns are POSIX extended regular expressions\n"
            "      --section=N      open at section N, counted in the contents from 1\n"
            "      --state=FILE     keep positions and bookmarks in FILE\n"
            "      --no-state       keep no positions or bookmarks\n"
            "      --bookmarks      print the text's bookmarks and exit\n"
            "  -h, --help           show this help and exit\n"
            "  -V, --version        show the version and exit\n"
            "\n"
            "When standard output is not a terminal, the text is printed plainly.\n"
            "Keys: h or F1 in the reader; see lees(1).\n",
            DEFAULT_WIDTH, MIN_WIDTH);
}

/* Write S in shown form (control characters in notation) to standard output. */
static void print_line_sanitized(const char *s)
{
    char shown[2048];

    glyph_sanitize(shown, sizeof shown, s, strlen(s));
    fputs(shown, stdout);
}

static int bad_usage(const char *fmt, const char *arg)
{
    char msg[1024];

    snprintf(msg, sizeof msg, fmt, arg);
    print_error(msg);
    fprintf(stderr, "Try 'lees --help'.\n");
    return 2;
}

static int parse_number(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Parse ARGV into OPT; returns -1 to exit 0 (help, version), 2 on a bad option, else 0. */
static int parse_options(int argc, char **argv, struct options *opt)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"width", required_argument, NULL, 'w'},
        {"toc", no_argument, NULL, OPT_TOC},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"force", no_argument, NULL, 'f'},
        {"term", required_argument, NULL, 't'},
        {"terms", optional_argument, NULL, OPT_TERMS},
        {"terms-file", required_argument, NULL, OPT_TERMS_FILE},
        {"no-color", no_argument, NULL, OPT_NO_COLOR},
        {"no-colour", no_argument, NULL, OPT_NO_COLOR},
        {"grep", required_argument, NULL, OPT_GREP},
        {"ignore-case", no_argument, NULL, 'i'},
        {"regex", no_argument, NULL, OPT_REGEX},
        {"state", required_argument, NULL, OPT_STATE},
        {"no-state", no_argument, NULL, OPT_NO_STATE},
        {"bookmarks", no_argument, NULL, OPT_BOOKMARKS},
        {"section", required_argument, NULL, OPT_SECTION},
        {NULL, 0, NULL, 0},
    };
    int c;
    long v;

    opt->width = DEFAULT_WIDTH;
    opt->format = DOC_FORMAT_AUTO;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:fhiVw:t:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return -1;
        case 'V':
            printf("lees %s\n", LEES_VERSION);
            return -1;
        case 'w':
            if (parse_number(optarg, MIN_WIDTH, 10000, &v) != 0)
                return bad_usage("--width: not a width of at least 20 cells: %s", optarg);
            opt->width = (int)v;
            break;
        case 'f':
            opt->force = 1;
            break;
        case 't':
            if (opt->nterm_lines == MAX_TERM_ARGS)
                return bad_usage("-t: at most %s terms on the command line", "64");
            opt->term_lines[opt->nterm_lines++] = optarg;
            break;
        case OPT_TERMS:
        case OPT_TERMS_FILE:
            if (optarg == NULL) {
                opt->print_terms = 1;
                break;
            }
            if (opt->nterm_files == MAX_TERM_ARGS)
                return bad_usage("--terms: at most %s terms files", "64");
            opt->term_files[opt->nterm_files++] = optarg;
            break;
        case OPT_NO_COLOR:
            opt->no_color = 1;
            break;
        case OPT_GREP:
            opt->grep = optarg;
            break;
        case 'i':
            opt->search |= SEARCH_IGNORE_CASE;
            break;
        case OPT_REGEX:
            opt->search |= SEARCH_REGEX;
            break;
        case OPT_STATE:
            opt->state = optarg;
            break;
        case OPT_NO_STATE:
            opt->no_state = 1;
            break;
        case OPT_BOOKMARKS:
            opt->print_bookmarks = 1;
            break;
        case OPT_SECTION:
            if (parse_number(optarg, 1, LONG_MAX, &v) != 0)
                return bad_usage("--section: not a section number: %s", optarg);
            opt->section = (size_t)v;
            break;
        case OPT_TOC:
            opt->toc = 1;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "markdown") == 0 || strcmp(optarg, "md") == 0)
                opt->format = DOC_FORMAT_MARKDOWN;
            else if (strcmp(optarg, "text") == 0 || strcmp(optarg, "plain") == 0)
                opt->format = DOC_FORMAT_TEXT;
            else
                return bad_usage("--format: not markdown or text: %s", optarg);
            break;
        case ':':
            return bad_usage("%s: needs a value", argv[optind - 1]);
        default:
            if (optopt != 0) {
                char s[2] = {(char)optopt, '\0'};
                return bad_usage("-%s: no such option", s);
            }
            return bad_usage("%s: no such option", argv[optind - 1]);
        }
    }
    for (; optind < argc; optind++) {
        const char *a = argv[optind];
        if (a[0] == '+' && (a[1] == 'F' || a[1] == 'G') && a[2] == '\0') {
            opt->follow |= a[1] == 'F';
            opt->last |= a[1] == 'G';
        } else if (a[0] == '+' && a[1] == '/') {
            if (a[2] == '\0')
                return bad_usage("%s: an empty pattern", a);
            opt->find = a + 2;
        } else if (a[0] == '+' && a[1] != '\0') {
            if (parse_number(a + 1, 1, LONG_MAX, &v) != 0)
                return bad_usage("%s: not a page number", a);
            opt->page = (size_t)v;
        } else if (opt->file != NULL) {
            return bad_usage("%s: only one file at a time", a);
        } else {
            opt->file = a;
        }
    }
    return 0;
}

/* Whether standard input brings a text: a pipe or a redirected file, not a terminal or /dev/null.
 */
static int stdin_has_text(void)
{
    struct stat st;

    if (fstat(STDIN_FILENO, &st) != 0)
        return 0;
    return S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode) || S_ISSOCK(st.st_mode);
}

/* Whether TERM is missing or dumb: the text is printed, not shown on a screen. */
static int plain_terminal(void)
{
    const char *term = getenv("TERM");
    return term == NULL || term[0] == '\0' || strcmp(term, "dumb") == 0;
}

/*
 * The first part of standard input, or of the FIFO or device named, for the screen: what is
 * there now, up to STREAM_FIRST bytes (ui_run waits for it when none has come yet, while the
 * terminal is set up).  A doc over its whole lines; *STREAM stays set (it owns the bytes)
 * either way.
 */
static int open_stream(const struct options *opt, struct stream **stream, struct doc **doc,
                       struct lees_error *err)
{
    *stream = opt->file != NULL ? stream_open(opt->file, err) : stream_new(STDIN_FILENO, "-", err);
    if (*stream == NULL || stream_read(*stream, 0, STREAM_FIRST, err) < 0)
        return -1;
    return stream_doc_new(*stream, opt->format, doc, err);
}

/* Whether lees is to show the text on this terminal (not print it, list it or grep it). */
static int for_the_screen(const struct options *opt)
{
    return opt->grep == NULL && !opt->print_bookmarks && !opt->print_terms && !opt->toc &&
           isatty(STDOUT_FILENO) && !plain_terminal();
}

static int open_text(const struct options *opt, struct stream **stream, struct doc **doc,
                     struct lees_error *err)
{
    struct stat st;

    *stream = NULL;
    if (opt->file == NULL && !stdin_has_text())
        return doc_open_memory(builtin_text, builtin_text_len, builtin_text_name, opt->format, doc,
                               err);
    if (opt->file != NULL && strcmp(opt->file, "-") != 0) {
        /* A FIFO or a device named (lees <(cmd), lees /dev/ttyS0) is shown as it comes too,
         * not read to its end first: it may never end. */
        if (for_the_screen(opt) && stat(opt->file, &st) == 0 && !S_ISREG(st.st_mode) &&
            !S_ISDIR(st.st_mode))
            return open_stream(opt, stream, doc, err);
        return doc_open_file(opt->file, opt->format, doc, err);
    }
    /* A pipe is shown as it comes; a file given as standard input is all there already. */
    if (for_the_screen(opt) && fstat(STDIN_FILENO, &st) == 0 && !S_ISREG(st.st_mode))
        return open_stream(opt, stream, doc, err);
    return doc_open_fd(STDIN_FILENO, "-", opt->format, doc, err);
}

/* NAME.terms beside the text NAME.md (any extension, or none, is replaced). */
static int sibling_terms(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    size_t stem = dot && dot != (slash ? slash + 1 : path) ? (size_t)(dot - path) : strlen(path);

    return snprintf(out, cap, "%.*s.terms", (int)stem, path) < (int)cap ? 0 : -1;
}

/* Read an optional terms file: a missing one is no error. */
static int optional_terms(struct terms *terms, const char *path, struct lees_error *err)
{
    int rc = terms_read_file(terms, path, err);
    return rc < 0 && errno == ENOENT && err->code == LEES_ERR_FILE ? 0 : rc;
}

/*
 * The key terms for DOC: the user's own for every text, the text's NAME.terms (built in for the
 * interview), --terms files and -t terms.  Bad lines are reported on standard error and reading
 * goes on; *FIRST_BAD gets the first message for the status line.  -1 only when a file named
 * with --terms cannot be read, or out of memory.
 */
static int load_terms(const struct options *opt, const struct doc *doc, struct terms **out,
                      char *first_bad, size_t cap, struct lees_error *err)
{
    struct terms *terms = terms_new();
    const char *config = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char path[4096];
    int rc = 0;

    if (terms == NULL)
        return lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
    if (config != NULL && config[0] == '/')
        snprintf(path, sizeof path, "%s/lees/terms", config);
    else if (home != NULL && home[0] != '\0')
        snprintf(path, sizeof path, "%s/.config/lees/terms", home);
    else
        path[0] = '\0';
    if (path[0] != '\0')
        rc = optional_terms(terms, path, err);
    if (rc >= 0 && opt->file == NULL && strcmp(doc_name(doc), builtin_text_name) == 0)
        rc = terms_parse(terms, builtin_terms_name, builtin_terms, builtin_terms_len);
    else if (rc >= 0 && strcmp(doc_name(doc), "-") != 0 &&
             sibling_terms(doc_name(doc), path, sizeof path) == 0)
        rc = optional_terms(terms, path, err);
    for (size_t i = 0; rc >= 0 && i < opt->nterm_files; i++)
        rc = terms_read_file(terms, opt->term_files[i], err);
    for (size_t i = 0; rc >= 0 && i < opt->nterm_lines; i++)
        rc = terms_add(terms, opt->term_lines[i]) < 0 ? -1 : 0;
    if (rc < 0) {
        if (err->code == LEES_OK)
            lees_error_set(err, LEES_ERR_NOMEM, "out of memory");
        terms_free(terms);
        return -1;
    }
    first_bad[0] = '\0';
    for (size_t i = 0; i < terms_error_count(terms); i++) {
        fprintf(stderr, "lees: %s\n", terms_error(terms, i));
        if (i == 0)
            snprintf(first_bad, cap, "%s%s", terms_error(terms, 0),
                     terms_error_count(terms) > 1 ? " (and more: see standard error)" : "");
    }
    *out = terms;
    return 0;
}

/* doc_read_at as state_hash_read calls it. */
static int read_text(const void *doc, size_t off, void *buf, size_t n)
{
    return doc_read_at(doc, off, buf, n);
}

/*
 * The state file and this text's entry in it, unless --no-state.  A state that cannot be had
 * (no home, out of memory) is a warning, not a reason to stop reading.
 */
/* DOC's entry in ST: known by its content and REAL, its real path (NULL for standard input and
 * the built-in text, known by their content alone). */
static struct state_text *text_in_state(struct state *st, const char *real, const struct doc *doc)
{
    size_t len;
    const char *bytes = doc_bytes(doc, &len);
    struct state_text *text;
    uint64_t hash;

    /* A text hashed whole is read whole either way: where it lies (most often read already, to
     * be parsed) it costs no copy and no 256 reads of 4 KiB for 1 MiB.  A longer one is known
     * by samples, read from its file rather than faulted in from the mapping page by page. */
    if (len <= STATE_HASH_WHOLE || state_hash_read(len, read_text, doc, &hash) != 0)
        hash = state_hash(bytes, len); /* or the file shrank: hash what the mapping shows */
    text = state_text(st, hash, real);
    if (text != NULL)
        state_reanchor(text, bytes, len);
    return text;
}

/* DOC's entry, looked for once it is known (ui_options.find_text): standard input once it has
 * all come in, or a text whose entry was left until after the first screen; FILE is the file
 * it came from, NULL for none. */
static struct state_text *find_in_state(struct state *st, const struct doc *doc, const char *file)
{
    char *real = file != NULL ? realpath(file, NULL) : NULL;
    struct state_text *text = text_in_state(st, real, doc);

    free(real);
    return text;
}

/*
 * The state file, and DOC's entry in it (none yet when DOC is NULL: standard input still
 * coming in); NULL with a WARNING when there is none to keep.  With LATER not NULL, the first
 * screen does not wait for the text's samples to be read and hashed (35 µs for 100 MB): a
 * state that holds no text has no place to open at, and a file kept under its path opens at
 * that entry's place (*AT, where its position stands in DOC); *LATER says the entry is still
 * to be looked for by content (the same one unless the file now holds a text kept under
 * another path).  Until then the entry is left as it is: it may be another text's, whose
 * marks and position must not be found again in this one.
 */
static struct state *open_state(const struct options *opt, const struct doc *doc,
                                struct state_text **text, bool *later, size_t *at, char *warning,
                                size_t cap)
{
    char path[4096], *real = NULL;
    struct state *st = NULL;
    struct lees_error err = {0};

    *text = NULL;
    if (later != NULL)
        *later = false;
    warning[0] = '\0';
    if (opt->no_state)
        return NULL;
    if (opt->state != NULL)
        snprintf(path, sizeof path, "%s", opt->state);
    else if (state_default_path(path, sizeof path) != 0) {
        snprintf(warning, cap, "No state file (no home directory): nothing will be kept");
        return NULL;
    }
    if (state_load(path, &st, &err) != 0) {
        snprintf(warning, cap, "%s", err.msg);
        return NULL;
    }
    if (state_warning(st) != NULL)
        snprintf(warning, cap, "%s", state_warning(st));
    if (doc == NULL)
        return st;
    if (later != NULL && state_text_count(st) == 0) {
        *later = true;
        return st;
    }
    if (opt->file != NULL && strcmp(opt->file, "-") != 0)
        real = realpath(opt->file, NULL);
    if (later != NULL && real != NULL && (*text = state_text_at_path(st, real)) != NULL) {
        size_t len;
        const char *bytes = doc_bytes(doc, &len);
        *at = state_position_in(*text, bytes, len); /* the file may have been edited */
        *later = true;
        free(real);
        return st;
    }
    *text = text_in_state(st, real, doc);
    free(real);
    return st;
}

/* --bookmarks: each mark of the text, with its section, page (80×24) and date. */
static int print_bookmarks(const struct doc *doc, struct state_text *text)
{
    struct page *page = page_new(doc, 80, 23, 0);

    if (page == NULL)
        return -1;
    for (size_t i = 0; text != NULL && i < state_mark_count(text); i++) {
        const struct state_mark *m = state_mark_at(text, i);
        char name[512], date[32];
        struct tm tm;

        if (m->key != 0)
            snprintf(name, sizeof name, "'%c%s%.400s", m->key, m->name_len ? " " : "", m->name);
        else
            snprintf(name, sizeof name, "%.500s", m->name);
        localtime_r(&m->created, &tm);
        strftime(date, sizeof date, "%Y-%m-%d %H:%M", &tm);
        print_line_sanitized(name);
        printf("\t%s\tp. %zu\t%s%s\n", doc_section(doc, doc_section_at(doc, m->offset))->title,
               page_number_of(page, m->offset), date, m->lost ? "\tlost" : "");
    }
    page_free(page);
    return fflush(stdout) == 0 ? 0 : -1;
}

/* The terminal's size for --toc page numbers: the controlling terminal's, else 80×24. */
static void terminal_size(int *cols, int *rows)
{
    struct winsize ws;
    int fd = open("/dev/tty", O_RDONLY | O_CLOEXEC | O_NOCTTY);

    *cols = 80;
    *rows = 24;
    if (fd < 0)
        return;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 1) {
        *cols = ws.ws_col;
        *rows = ws.ws_row;
    }
    close(fd);
}

/*
 * Grow the heap a megabyte at a time instead of glibc's 128 KiB: the first screen takes about
 * 400 KiB (ncurses's three screens are 160 KiB of it), and each brk() to grow it cost about
 * 15 us on the virtual machine measured (bench/README.md); pages not touched are not resident.
 */
static void heap_grow_in_large_steps(void)
{
#if defined(__GLIBC__) && defined(M_TOP_PAD)
    mallopt(M_TOP_PAD, 1 << 20);
#endif
}

/* End by signal SIG (its position saved, the terminal restored), as it would have ended lees
 * unhandled: a script or a service manager that sent it sees that it worked.  128 + SIG, the
 * shell's number for it, should the signal not end the process. */
static int end_by_signal(int sig)
{
    signal(sig, SIG_DFL);
    raise(sig);
    return 128 + sig;
}

int main(int argc, char **argv)
{
    struct options opt = {0};
    struct lees_error err = {0};
    struct doc *doc = NULL;
    struct stream *stream = NULL; /* standard input from a pipe: it owns the bytes */
    struct terms *terms = NULL;
    struct state *state = NULL;
    struct state_text *text = NULL;
    char bad_terms[512], state_warn[512];
    int rc;

    heap_grow_in_large_steps();
    rc = parse_options(argc, argv, &opt);

    if (rc != 0)
        return rc < 0 ? 0 : rc;
    /* Only the character set is taken from the locale: dates and numbers are written the same
     * everywhere, messages are in English, and loading every category cost 0.2 ms at start. */
    setlocale(LC_CTYPE, "");
    if (open_text(&opt, &stream, &doc, &err) != 0) {
        print_error(err.msg);
        stream_free(stream);
        return err.code == LEES_ERR_USAGE ? 2 : 1;
    }
    if (load_terms(&opt, doc, &terms, bad_terms, sizeof bad_terms, &err) != 0) {
        print_error(err.msg);
        doc_free(doc);
        stream_free(stream);
        return 1;
    }
    if (opt.grep != NULL) {
        int cols, rows;
        long n;
        terminal_size(&cols, &rows);
        n = print_grep(doc, opt.grep, opt.search, cols < opt.width ? cols : opt.width, rows - 1,
                       isatty(STDOUT_FILENO) && !plain_terminal(), stdout, &err);
        if (n < 0)
            print_error(err.msg);
        terms_free(terms);
        doc_free(doc);
        stream_free(stream);
        return n < 0 ? 2 : n > 0 ? 0 : 1; /* as grep */
    }
    if (opt.print_bookmarks) {
        state = open_state(&opt, doc, &text, NULL, NULL, state_warn, sizeof state_warn);
        if (state_warn[0] != '\0')
            print_error(state_warn);
        rc = print_bookmarks(doc, text);
        state_free(state);
        terms_free(terms);
        doc_free(doc);
        stream_free(stream);
        return rc == 0 ? 0 : 1;
    }
    if (opt.print_terms) {
        rc = print_terms(doc, terms, stdout);
    } else if (opt.toc) {
        int cols, rows;
        terminal_size(&cols, &rows);
        rc = print_toc(doc, cols < opt.width ? cols : opt.width, rows - 1, stdout);
    } else if (!for_the_screen(&opt)) {
        rc = print_doc(doc, opt.width, stdout);
    } else {
        struct ui_options uo = {0};

        bool coming = stream != NULL && !stream_ended(stream);
        /* Standard input still coming in is known in the state by all of it: once it is in. */
        bool later;
        state = open_state(&opt, coming ? NULL : doc, &text, &later, &uo.text_at, state_warn,
                           sizeof state_warn);
        uo.stream = coming ? stream : NULL;
        uo.stream_format = opt.format;
        uo.find_text = find_in_state;
        uo.text_later = later;
        uo.width = opt.width;
        uo.page = opt.page;
        uo.ask_binary = !opt.force && doc_looks_binary(doc);
        uo.force = opt.force;
        uo.terms = terms;
        uo.notice = state_warn[0] != '\0' ? state_warn : bad_terms;
        uo.no_color = opt.no_color;
        uo.find = opt.find;
        uo.search_flags = opt.search;
        uo.state = state;
        uo.text = text;
        uo.place_asked =
            opt.page > 0 || opt.find != NULL || opt.section > 0 || opt.last || opt.follow;
        uo.last = opt.last;
        uo.follow = opt.follow;
        uo.section = opt.section;
        uo.file = opt.file != NULL && strcmp(opt.file, "-") != 0 ? opt.file : NULL;
        rc = ui_run(doc, &uo, &err);
        if (rc < 0)
            print_error(err.msg);
        if (state != NULL && state_dirty(state) && state_save(state, &err) != 0)
            print_error(err.msg); /* the screen is gone: say it here */
        state_free(state);
        terms_free(terms);
        doc_free(doc);
        stream_free(stream);
        if (rc > 0)
            return end_by_signal(rc);
        return rc == 0 ? 0 : 1;
    }
    terms_free(terms);
    if (rc != 0)
        fprintf(stderr, "lees: standard output: %s\n", strerror(errno));
    doc_free(doc);
    stream_free(stream);
    return rc == 0 ? 0 : 1;
}
