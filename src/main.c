/*
 * main.c: options, the environment and the wiring: which text to open, and whether to show it
 * on a terminal or print it.  The only place that prints errors and chooses the exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lees/builtin.h"
#include "lees/doc.h"
#include "lees/glyph.h"
#include "lees/print.h"
#include "lees/ui.h"

#ifndef LEES_VERSION
#define LEES_VERSION "0.1"
#endif

#define DEFAULT_WIDTH 80
#define MIN_WIDTH 20

enum { OPT_TOC = 256, OPT_FORMAT };

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
            "  +N                   open at page N\n"
            "  -h, --help           show this help and exit\n"
            "  -V, --version        show the version and exit\n"
            "\n"
            "When standard output is not a terminal, the text is printed plainly.\n"
            "Keys: h or F1 in the reader; see lees(1).\n",
            DEFAULT_WIDTH, MIN_WIDTH);
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
        {"help", no_argument, NULL, 'h'},          {"version", no_argument, NULL, 'V'},
        {"width", required_argument, NULL, 'w'},   {"toc", no_argument, NULL, OPT_TOC},
        {"format", required_argument, NULL, OPT_FORMAT}, {"force", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    int c;
    long v;

    opt->width = DEFAULT_WIDTH;
    opt->format = DOC_FORMAT_AUTO;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:fhVw:", longopts, NULL)) != -1) {
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
        if (a[0] == '+' && a[1] != '\0') {
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

/* Whether standard input brings a text: a pipe or a redirected file, not a terminal or /dev/null. */
static int stdin_has_text(void)
{
    struct stat st;

    if (fstat(STDIN_FILENO, &st) != 0)
        return 0;
    return S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode) || S_ISSOCK(st.st_mode);
}

static int open_text(const struct options *opt, struct doc **doc, struct lees_error *err)
{
    if (opt->file == NULL && !stdin_has_text())
        return doc_open_memory(builtin_text, builtin_text_len, builtin_text_name, opt->format, doc,
                               err);
    if (opt->file == NULL || strcmp(opt->file, "-") == 0)
        return doc_open_fd(STDIN_FILENO, "-", opt->format, doc, err);
    return doc_open_file(opt->file, opt->format, doc, err);
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

static int plain_terminal(void)
{
    const char *term = getenv("TERM");
    return term == NULL || term[0] == '\0' || strcmp(term, "dumb") == 0;
}

int main(int argc, char **argv)
{
    struct options opt = {0};
    struct lees_error err = {0};
    struct doc *doc = NULL;
    int rc = parse_options(argc, argv, &opt);

    if (rc != 0)
        return rc < 0 ? 0 : rc;
    setlocale(LC_ALL, "");
    if (open_text(&opt, &doc, &err) != 0) {
        print_error(err.msg);
        return err.code == LEES_ERR_USAGE ? 2 : 1;
    }
    if (opt.toc) {
        int cols, rows;
        terminal_size(&cols, &rows);
        rc = print_toc(doc, cols < opt.width ? cols : opt.width, rows - 1, stdout);
    } else if (!isatty(STDOUT_FILENO) || plain_terminal()) {
        rc = print_doc(doc, opt.width, stdout);
    } else {
        struct ui_options uo = {opt.width, opt.page, !opt.force && doc_looks_binary(doc)};
        rc = ui_run(doc, &uo, &err);
        if (rc != 0)
            print_error(err.msg);
        doc_free(doc);
        return rc == 0 ? 0 : 1;
    }
    if (rc != 0)
        fprintf(stderr, "lees: standard output: %s\n", strerror(errno));
    doc_free(doc);
    return rc == 0 ? 0 : 1;
}
