/* What the end-to-end tests of lees share. */
#include "support.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *const interview_sections[INTERVIEW_SECTIONS] = {
    "Kansen voor elke Mechelaar",
    "Drie actiedomeinen",
    "Schaalvergroting en een regionale rol",
    "Diversiteit omarmen",
    "Begeleiding als breekijzer",
    "Coaching van kansengroepen",
    "Een aanklappende aanpak",
};

/* ---------------------------------------------------------------------------------------- */
/* Setup, teardown, the watchdog                                                            */

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "# e2e: a test ran past its deadline; giving up on the run\n";
    if (write(2, msg, sizeof msg - 1) < 0) {
    }
    _exit(1);
}

int e2e_test_setup(void **state)
{
    *state = NULL;
    signal(SIGALRM, on_alarm);
    alarm(T_DEADLINE_S);
    return 0;
}

static void piped_leftovers(void);

int e2e_test_teardown(void **state)
{
    piped_leftovers();
    e2e_free(*state);
    *state = NULL;
    alarm(0);
    return 0;
}

struct e2e *lees_spawn(void **state, int rows, int cols, const char *const argv[],
                       const char *const env[])
{
    e2e_free(*state);
    *state = NULL;
    struct e2e *e = e2e_start(rows, cols, argv, env);
    CHECK(NULL, e != NULL, "could not start %s (LEES=%s)", argv[0], e2e_lees_path());
    *state = e;
    return e;
}

struct e2e *lees_open(void **state, int rows, int cols, const char *const args[])
{
    const char *argv[32] = {"lees"};
    size_t n = 1;
    for (size_t i = 0; args && args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    struct e2e *e = lees_spawn(state, rows, cols, argv, NULL);
    CHECK(e, wait_status(e, T_START), "the reader did not show its status line (page N/M)");
    return e;
}

/* ---------------------------------------------------------------------------------------- */
/* The status line                                                                          */

bool status_read(struct e2e *e, struct status *st)
{
    char *row = e2e_row(e, -1);
    bool ok = false;
    /* The last "page " on the row: the title could hold the word too. */
    char *p = NULL;
    for (char *q = row; (q = strstr(q, "page ")) != NULL; q++)
        p = q;
    if (p) {
        int page, pages, percent, used = 0;
        if (sscanf(p, "page %d/%d %d%%%n", &page, &pages, &percent, &used) == 3 && used > 0) {
            st->page = page;
            st->pages = pages;
            st->percent = percent;
            st->page_col = e2e_find_in_row(e, -1, p, 0);
            st->percent_col = e2e_find_in_row(e, -1, "%", st->page_col);
            size_t n = (size_t)(p - row);
            while (n > 0 && row[n - 1] == ' ')
                n--;
            if (n >= sizeof st->left)
                n = sizeof st->left - 1;
            memcpy(st->left, row, n);
            st->left[n] = '\0';
            ok = true;
        }
    }
    free(row);
    return ok;
}

static bool cond_page(struct e2e *e, void *arg)
{
    struct status st;
    return status_read(e, &st) && (arg == NULL || st.page == *(int *)arg);
}

bool wait_page(struct e2e *e, int page, int timeout_ms)
{
    return e2e_wait(e, cond_page, &page, timeout_ms);
}

bool wait_status(struct e2e *e, int timeout_ms)
{
    return e2e_wait(e, cond_page, NULL, timeout_ms);
}

/* ---------------------------------------------------------------------------------------- */
/* Rows and cells                                                                           */

int first_text_row(struct e2e *e)
{
    for (int r = 0; r < e2e_rows(e) - 1; r++)
        if (e2e_row_first_col(e, r) >= 0)
            return r;
    return -1;
}

int last_text_row(struct e2e *e)
{
    for (int r = e2e_rows(e) - 2; r >= 0; r--)
        if (e2e_row_first_col(e, r) >= 0)
            return r;
    return -1;
}

int text_row_of(struct e2e *e, const char *needle)
{
    for (int r = 0; r < e2e_rows(e) - 1; r++)
        if (e2e_find_in_row(e, r, needle, 0) >= 0)
            return r;
    return -1;
}

static bool cond_top(struct e2e *e, void *arg)
{
    int r = first_text_row(e);
    return r >= 0 && e2e_find_in_row(e, r, arg, 0) >= 0;
}

bool wait_top(struct e2e *e, const char *needle, int timeout_ms)
{
    return e2e_wait(e, cond_top, (void *)needle, timeout_ms);
}

int row_last_col(struct e2e *e, int row)
{
    for (int c = e2e_cols(e) - 1; c >= 0; c--) {
        VTermScreenCell cell;
        if (e2e_cell(e, row, c, &cell) && cell.chars[0] != 0 && cell.chars[0] != ' ' &&
            cell.chars[0] != (uint32_t)-1)
            return c;
    }
    return -1;
}

bool cells_have(struct e2e *e, int row, int col, int ncells, enum cell_attr a)
{
    for (int c = col; c < col + ncells; c++) {
        VTermScreenCell cell;
        if (!e2e_cell(e, row, c, &cell))
            return false;
        if (a != ATTR_REVERSE &&
            (cell.chars[0] == 0 || cell.chars[0] == ' ' || cell.chars[0] == (uint32_t)-1))
            continue;
        bool has = a == ATTR_BOLD        ? cell.attrs.bold
                   : a == ATTR_ITALIC    ? cell.attrs.italic
                   : a == ATTR_UNDERLINE ? cell.attrs.underline != 0
                                         : cell.attrs.reverse;
        if (!has)
            return false;
    }
    return true;
}

static bool is_wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

int cells_of(const char *s)
{
    int n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t c;
        int len;
        if (*p < 0x80)
            c = *p, len = 1;
        else if ((*p & 0xE0) == 0xC0)
            c = *p & 0x1F, len = 2;
        else if ((*p & 0xF0) == 0xE0)
            c = *p & 0x0F, len = 3;
        else
            c = *p & 0x07, len = 4;
        for (int i = 1; i < len && p[i]; i++)
            c = (c << 6) | (p[i] & 0x3F);
        for (int i = 0; i < len && *p; i++)
            p++;
        n += is_wide(c) ? 2 : 1;
    }
    return n;
}

bool text_has(struct e2e *e, const char *needle, enum cell_attr a)
{
    int row, col;
    return e2e_find(e, needle, &row, &col) && cells_have(e, row, col, cells_of(needle), a);
}

/* ---------------------------------------------------------------------------------------- */
/* Numbered lines                                                                           */

const char *numbered_file(int n)
{
    size_t cap = (size_t)n * 16 + 1, len = 0;
    char *text = malloc(cap);
    if (!text)
        abort();
    for (int i = 1; i <= n; i++)
        len += (size_t)snprintf(text + len, cap - len, "line %02d\n", i);
    char name[32];
    snprintf(name, sizeof name, "lines-%d.txt", n);
    const char *path = e2e_fixture(name, text);
    free(text);
    return path;
}

int line_number_at(struct e2e *e, int row)
{
    if (row < 0)
        return -1;
    char *s = e2e_row(e, row);
    const char *p = strstr(s, "line ");
    int n = -1;
    if (!p || sscanf(p, "line %d", &n) != 1)
        n = -1;
    free(s);
    return n;
}

static bool cond_top_line(struct e2e *e, void *arg)
{
    return line_number_at(e, first_text_row(e)) == *(int *)arg;
}

bool wait_top_line(struct e2e *e, int number, int timeout_ms)
{
    return e2e_wait(e, cond_top_line, &number, timeout_ms);
}

/* ---------------------------------------------------------------------------------------- */
/* More ways to start the reader                                                            */

struct e2e *lees_open_env(void **state, int rows, int cols, const char *const args[],
                          const char *const env[])
{
    const char *argv[32] = {"lees"};
    size_t n = 1;
    for (size_t i = 0; args && args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    struct e2e *e = lees_spawn(state, rows, cols, argv, env);
    CHECK(e, wait_status(e, T_START), "the reader did not show its status line (page N/M)");
    return e;
}

static bool cond_prompt_row(struct e2e *e, void *arg)
{
    char *row = e2e_row(e, -1);
    const char *p = row + strspn(row, " ");
    bool ok = strncmp(p, arg, strlen(arg)) == 0;
    free(row);
    return ok;
}

bool wait_prompt(struct e2e *e, const char *prefix, int timeout_ms)
{
    return e2e_wait(e, cond_prompt_row, (void *)prefix, timeout_ms);
}

const char *state_home_env(const char **dir)
{
    static char path[4096], env[4200];
    snprintf(path, sizeof path, "%s/state-XXXXXX", e2e_fixture_dir());
    CHECK(NULL, mkdtemp(path) != NULL, "cannot make a state directory under %s", e2e_fixture_dir());
    snprintf(env, sizeof env, "XDG_STATE_HOME=%s", path);
    if (dir)
        *dir = path;
    return env;
}

const char *state_file_in(const char *dir)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/lees/state", dir);
    return path;
}

char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        abort();
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

#define T_PIPED 5000

/* What the last piped_run allocated, freed after the test when a failed check skipped
 * piped_free. */
static char *piped_out, *piped_err;

void piped_run(struct piped *r, const char *const args[], const char *const env[], const char *in)
{
    const char *argv[32] = {"lees"};
    size_t n = 1;
    for (size_t i = 0; args && args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    memset(r, 0, sizeof *r);
    bool ok = e2e_run_piped(argv, env, in, T_PIPED, &r->out, &r->out_len, &r->err, &r->status);
    CHECK(NULL, ok, "lees %s did not finish within %d ms", args && args[0] ? args[0] : "", T_PIPED);
    r->code = WIFEXITED(r->status) ? WEXITSTATUS(r->status) : 128 + WTERMSIG(r->status);
    free(piped_out);
    free(piped_err);
    piped_out = r->out;
    piped_err = r->err;
}

void piped_free(struct piped *r)
{
    if (r->out == piped_out)
        piped_out = NULL;
    if (r->err == piped_err)
        piped_err = NULL;
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* Cells                                                                                    */

bool cell_painted(const VTermScreenCell *c)
{
    return c->attrs.reverse || !VTERM_COLOR_IS_DEFAULT_BG(&c->bg);
}

bool cell_default_colours(const VTermScreenCell *c)
{
    return VTERM_COLOR_IS_DEFAULT_FG(&c->fg) && VTERM_COLOR_IS_DEFAULT_BG(&c->bg);
}

bool cells_all(struct e2e *e, int row, int col, int n, bool (*pred)(const VTermScreenCell *))
{
    for (int c = col; c < col + n; c++) {
        VTermScreenCell cell;
        if (!e2e_cell(e, row, c, &cell) || !pred(&cell))
            return false;
    }
    return true;
}

bool find_nth(struct e2e *e, const char *needle, int nth, int *row, int *col)
{
    for (int r = 0; r < e2e_rows(e) - 1; r++) {
        for (int c = e2e_find_in_row(e, r, needle, 0); c >= 0;
             c = e2e_find_in_row(e, r, needle, c + 1)) {
            if (nth-- == 0) {
                if (row)
                    *row = r;
                if (col)
                    *col = c;
                return true;
            }
        }
    }
    return false;
}

static void piped_leftovers(void)
{
    free(piped_out);
    free(piped_err);
    piped_out = piped_err = NULL;
}

/* The selected row of a list, or -1 when there is not exactly one. */
int list_selected_row(struct e2e *e)
{
    int found = -1, n = 0;
    for (int r = 1; r < e2e_rows(e) - 1; r++) {
        VTermScreenCell cell;
        int c = e2e_row_first_col(e, r);
        if (c >= 0 && e2e_cell(e, r, c, &cell) && cell.attrs.reverse) {
            found = r;
            n++;
        }
    }
    return n == 1 ? found : -1;
}

/* A wait condition: the selected row holds the text ARG. */
bool cond_selected_holds(struct e2e *e, void *arg)
{
    int r = list_selected_row(e);
    return r > 0 && e2e_find_in_row(e, r, arg, 0) >= 0;
}

/* The first row is arg (a list's title), after the blanks of the margin. */
bool cond_row0(struct e2e *e, void *arg)
{
    char *row = e2e_row(e, 0);
    bool ok = strcmp(row + strspn(row, " "), arg) == 0;
    free(row);
    return ok;
}

bool cond_not_row0(struct e2e *e, void *arg)
{
    return !cond_row0(e, arg);
}

/* CPU ticks (user and system) process PID has used, or -1. */
long cpu_ticks(int pid)
{
    char path[64], buf[1024], *p;
    long user = -1, sys = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    if (fgets(buf, sizeof buf, f) != NULL && (p = strrchr(buf, ')')) != NULL)
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &user, &sys);
    fclose(f);
    return user < 0 || sys < 0 ? -1 : user + sys;
}

/* The CPU ticks PID uses in the next MS milliseconds, or -1. */
long cpu_ticks_in(int pid, int ms)
{
    long before = cpu_ticks(pid), after;

    usleep((useconds_t)ms * 1000);
    after = cpu_ticks(pid);
    return before < 0 || after < 0 ? -1 : after - before;
}
