/* What the end-to-end tests of lees share: starting the reader, reading its status line, and
 * checks that print the screen when they fail. */
#ifndef LEES_E2E_SUPPORT_H
#define LEES_E2E_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

/* How long a wait may take before it counts as a failure (a passing wait returns as soon as
 * its condition holds, so this only bounds a failing test; it leaves room for a sanitizer
 * build).  FAST is what "at once" means: Esc, a key after the program is up. */
#define T_START 4000
#define T_WAIT 3000
#define T_FAST 500

/* Every test: a watchdog (the test process ends if a test runs longer than this many seconds)
 * and the reader it started, freed afterwards. */
#define T_DEADLINE_S 12
#define E2E_TEST(f) cmocka_unit_test_setup_teardown(f, e2e_test_setup, e2e_test_teardown)
int e2e_test_setup(void **state);
int e2e_test_teardown(void **state);

/* The title and sections of the built-in interview, texts/handen-in-elkaar.md. */
#define INTERVIEW_FILE "texts/handen-in-elkaar.md"
#define INTERVIEW_TITLE "Handen in elkaar voor een aanklappende aanpak"
#define INTERVIEW_SUBTITLE "Burgemeester Somers over het inclusieve beleid in zijn stad"
#define INTERVIEW_LEDE "Mechelen is een stad in verandering."
#define INTERVIEW_SECTIONS 7
extern const char *const interview_sections[INTERVIEW_SECTIONS];

/* Fails the test when cond is false: prints the message and the screen (e may be NULL). */
#define CHECK(e, cond, ...)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            print_error(__VA_ARGS__);                                                              \
            print_error("\n");                                                                     \
            if (e)                                                                                 \
                e2e_dump((e), stderr);                                                             \
            _fail(__FILE__, __LINE__);                                                             \
        }                                                                                          \
    } while (0)

#define WAIT_TEXT(e, needle)                                                                       \
    CHECK(e, e2e_wait_text((e), (needle), T_WAIT), "waited in vain for \"%s\" on the screen",      \
          (needle))
#define WAIT_NO_TEXT(e, needle)                                                                    \
    CHECK(e, e2e_wait_no_text((e), (needle), T_WAIT),                                              \
          "waited in vain for \"%s\" to leave the screen", (needle))
#define WAIT_PAGE(e, n)                                                                            \
    CHECK(e, wait_page((e), (n), T_WAIT), "waited in vain for page %d on the status line", (int)(n))
#define WAIT_TOP(e, needle)                                                                        \
    CHECK(e, wait_top((e), (needle), T_WAIT),                                                      \
          "waited in vain for the first text row to contain \"%s\"", (needle))

/* Starts `lees ARGS...` (args NULL-terminated, may be NULL) in a rows x cols terminal and
 * waits for its status line; the test fails if it does not come.  The reader is freed after
 * the test. */
struct e2e *lees_open(void **state, int rows, int cols, const char *const args[]);
/* Starts any argv (argv[0] "lees" for the reader) with extra environment; no wait. */
struct e2e *lees_spawn(void **state, int rows, int cols, const char *const argv[],
                       const char *const env[]);

/* The status line (the last row), parsed.  left is the text before "page N/M", with the
 * blanks after it trimmed (it starts with the blank of the margin). */
struct status {
    int page, pages, percent;
    int page_col;    /* the cell of "page" */
    int percent_col; /* the cell of '%' */
    char left[1024];
};
bool status_read(struct e2e *e, struct status *st);
bool wait_page(struct e2e *e, int page, int timeout_ms);
/* Until the status line shows a page at all (the reader is drawn). */
bool wait_status(struct e2e *e, int timeout_ms);

/* CPU ticks (user and system) process PID has used, or -1. */
long cpu_ticks(int pid);
/* The CPU ticks PID uses in the next MS milliseconds, or -1. */
long cpu_ticks_in(int pid, int ms);

/* The first and the last non-blank row above the status line, or -1. */
int first_text_row(struct e2e *e);
int last_text_row(struct e2e *e);
bool wait_top(struct e2e *e, const char *needle, int timeout_ms);
/* The first row above the status line that holds needle, or -1. */
int text_row_of(struct e2e *e, const char *needle);

/* Whether every non-blank cell in [col, col + ncells) of row is bold / italic / underlined /
 * reverse. */
enum cell_attr { ATTR_BOLD, ATTR_ITALIC, ATTR_UNDERLINE, ATTR_REVERSE };
bool cells_have(struct e2e *e, int row, int col, int ncells, enum cell_attr a);
/* The same for the cells of needle where it first appears on the screen (false if absent). */
bool text_has(struct e2e *e, const char *needle, enum cell_attr a);
/* The cells needle takes (its width in a terminal, for the ASCII and wide characters used
 * here). */
int cells_of(const char *s);
/* The last non-blank cell of a row, or -1. */
int row_last_col(struct e2e *e, int row);

/* A plain-text fixture of numbered lines "line 01" ... "line N", and the number on a row (-1
 * when the row holds none). */
const char *numbered_file(int n);
int line_number_at(struct e2e *e, int row);
bool wait_top_line(struct e2e *e, int number, int timeout_ms);

/* Starts `lees ARGS...` with extra environment (as for e2e_start) and waits for its status
 * line, as lees_open does. */
struct e2e *lees_open_env(void **state, int rows, int cols, const char *const args[],
                          const char *const env[]);

/* The last row, after the blanks of the margin, starts with prefix (a prompt). */
bool wait_prompt(struct e2e *e, const char *prefix, int timeout_ms);
#define WAIT_PROMPT(e, prefix)                                                                     \
    CHECK(e, wait_prompt((e), (prefix), T_WAIT),                                                   \
          "waited in vain for the prompt \"%s\" on the status line", (prefix))
/* The status line (the last row) holds needle. */
#define WAIT_STATUS(e, needle)                                                                     \
    CHECK(e, e2e_wait_row_contains((e), -1, (needle), T_WAIT),                                     \
          "waited in vain for \"%s\" on the status line", (needle))

/* A fresh directory for XDG_STATE_HOME, shared by several runs of the reader (each
 * e2e_start makes its own, removed with it); under the fixture directory, removed at exit.
 * Returns "XDG_STATE_HOME=DIR", for an env list; *dir (may be NULL) gets DIR.  Both are owned
 * by the support code. */
const char *state_home_env(const char **dir);
/* The path of the state file in such a directory: DIR/lees/state.  Static storage. */
const char *state_file_in(const char *dir);
/* A file's whole content (NULL when it cannot be read), to be freed; *len may be NULL. */
char *slurp(const char *path, size_t *len);

/* lees run with pipes for stdin, stdout and stderr (no terminal). */
struct piped {
    char *out, *err;
    size_t out_len;
    int status;
    int code; /* the exit status, or 128 + the signal */
};
/* Runs `lees ARGS...` (args NULL-terminated) with extra environment (may be NULL) and stdin
 * (NULL: /dev/null); fails the test when it does not finish in time. */
void piped_run(struct piped *r, const char *const args[], const char *const env[], const char *in);
void piped_free(struct piped *r);

/* The selected row of a list (the one row between the first and the status line whose first
 * cell is in reverse video), or -1 when there is not exactly one. */
int list_selected_row(struct e2e *e);
/* The first row, after the blanks of the margin, is (is not) arg: a list's title. */
bool cond_row0(struct e2e *e, void *arg);
bool cond_not_row0(struct e2e *e, void *arg);
/* A wait condition: the selected row holds the text ARG. */
bool cond_selected_holds(struct e2e *e, void *arg);
#define CHECK_PIPED(r, cond, ...)                                                                  \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            print_error(__VA_ARGS__);                                                              \
            print_error("\n# exit status %d\n# --- stdout ---\n%.3000s\n# --- stderr ---\n"        \
                        "%.3000s\n",                                                               \
                        (r)->code, (r)->out ? (r)->out : "", (r)->err ? (r)->err : "");            \
            _fail(__FILE__, __LINE__);                                                             \
        }                                                                                          \
    } while (0)

/* Cells: painted as a search match (reverse video or a background colour), the current match
 * (painted, bold and underlined), a foreground colour that is not the default. */
bool cell_painted(const VTermScreenCell *c);
bool cell_default_colours(const VTermScreenCell *c);
/* Every cell in [col, col + n) of row passes pred (blanks included). */
bool cells_all(struct e2e *e, int row, int col, int n, bool (*pred)(const VTermScreenCell *));
/* The nth (0-based) place of needle on the rows above the status line; false when there are
 * fewer. */
bool find_nth(struct e2e *e, const char *needle, int nth, int *row, int *col);

/* Groups, each a cmocka group run; they return the number of failures. */
int group_screen(void);
int group_keys(void);
int group_lists(void);
int group_resize(void);
int group_input(void);
int group_piped(void);
int group_search(void);
int group_terms(void);
int group_marks(void);
int group_big(void);
int group_robust(void);
int group_follow(void);

#endif
