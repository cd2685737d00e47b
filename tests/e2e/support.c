/* What the end-to-end tests of lees share. */
#include "support.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int e2e_test_teardown(void **state)
{
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
        bool has = a == ATTR_BOLD     ? cell.attrs.bold
                   : a == ATTR_ITALIC ? cell.attrs.italic
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
