/* Resizing: the text reflows at once and the reader keeps its place. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

/* The first word of the first text row (up to the first blank), or NULL.  Freed by the
 * caller. */
static char *first_word(struct e2e *e)
{
    int r = first_text_row(e);
    if (r < 0)
        return NULL;
    char *row = e2e_row(e, r);
    char *p = row + strspn(row, " ");
    size_t n = strcspn(p, " ");
    memmove(row, p, n);
    row[n] = '\0';
    return row;
}

/* Whether word is a whole word on a row above the status line. */
static bool has_word(struct e2e *e, const char *word)
{
    size_t n = strlen(word);
    for (int r = 0; r < e2e_rows(e) - 1; r++) {
        char *row = e2e_row(e, r);
        bool found = false;
        for (char *p = row; !found && (p = strstr(p, word)) != NULL; p++)
            found = (p == row || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ');
        free(row);
        if (found)
            return true;
    }
    return false;
}

struct settled {
    const char *word;
};

/* Drawn for the new size: a whole status line, and the word. */
static bool cond_settled(struct e2e *e, void *arg)
{
    struct settled *s = arg;
    struct status st;
    return status_read(e, &st) && st.percent_col == e2e_cols(e) - 2 &&
           cells_have(e, -1, 0, e2e_cols(e), ATTR_REVERSE) && has_word(e, s->word);
}

/* The text rows moved up by one: each shows what the row below it showed. */
struct rows {
    int n;
    char **text;
};

static bool cond_scrolled(struct e2e *e, void *arg)
{
    struct rows *old = arg;
    bool ok = true;
    for (int r = 0; ok && r + 1 < old->n; r++) {
        char *now = e2e_row(e, r);
        ok = strcmp(now, old->text[r + 1]) == 0;
        free(now);
    }
    return ok;
}

static void scroll_line(struct e2e *e)
{
    struct rows old = {e2e_rows(e) - 1, NULL};
    old.text = calloc((size_t)old.n, sizeof *old.text);
    for (int r = 0; r < old.n; r++)
        old.text[r] = e2e_row(e, r);
    e2e_send(e, "j");
    bool ok = e2e_wait(e, cond_scrolled, &old, T_WAIT);
    for (int r = 0; r < old.n; r++)
        free(old.text[r]);
    free(old.text);
    CHECK(e, ok, "j did not move the text up by one row");
    CHECK(e, wait_status(e, T_WAIT), "no status line after j");
}

static void test_resize_keeps_place(void **state)
{
    static const int sizes[][2] = {{15, 40}, {40, 120}, {10, 30}, {24, 80}, {30, 100}};
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, "3g");
    WAIT_PAGE(e, 3);
    scroll_line(e);
    scroll_line(e);
    scroll_line(e);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int rows = sizes[i][0], cols = sizes[i][1];
        int old_rows = e2e_rows(e), old_cols = e2e_cols(e);
        char *word = first_word(e);
        CHECK(e, word != NULL, "no text on the screen at %dx%d", old_cols, old_rows);
        e2e_resize_blank(e, rows, cols);
        struct settled s = {word};
        bool ok = e2e_wait(e, cond_settled, &s, T_WAIT);
        CHECK(e, ok,
              "after a resize from %dx%d to %dx%d, the first word before it, \"%s\", is not "
              "on the screen (or the screen was not drawn again)",
              old_cols, old_rows, cols, rows, word);
        free(word);
        int width = cols < 80 ? cols : 80, left = (cols - width) / 2;
        for (int r = 0; r < rows - 1; r++) {
            int first = e2e_row_first_col(e, r);
            if (first < 0)
                continue;
            CHECK(e, first >= left && row_last_col(e, r) < left + width,
                  "at %dx%d row %d leaves the column (cells %d to %d): cells %d to %d", cols, rows,
                  r, left, left + width - 1, first, row_last_col(e, r));
        }
        if (cols > 80) {
            int r = first_text_row(e);
            CHECK(e, e2e_row_first_col(e, r) == left,
                  "at %d columns the text should start at cell %d", cols, left);
        }
    }
}

/* Shrinking and growing a page back: the reader still takes keys, the page count follows. */
static void test_resize_then_keys(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    struct status before, small;
    CHECK(e, status_read(e, &before), "no status line");
    e2e_resize_blank(e, 8, 40);
    struct settled s = {"Handen"};
    CHECK(e, e2e_wait(e, cond_settled, &s, T_WAIT), "not drawn again at 40x8");
    CHECK(e, status_read(e, &small), "no status line");
    CHECK(e, small.pages > before.pages, "8 rows of 40 cells should need more pages than %d",
          before.pages);
    e2e_send(e, "G");
    CHECK(e, wait_page(e, small.pages, T_WAIT), "G at 40x8 did not go to page %d", small.pages);
    char *word = first_word(e);
    CHECK(e, word != NULL, "no text on the last page");
    e2e_resize_blank(e, 24, 80);
    struct settled s2 = {word};
    bool ok = e2e_wait(e, cond_settled, &s2, T_WAIT);
    CHECK(e, ok, "not drawn again at 80x24, or \"%s\" is not on the screen", word);
    free(word);
    CHECK(e, wait_page(e, before.pages, T_WAIT),
          "back at 80x24 on the last text, the page should be the last, %d", before.pages);
}

int group_resize(void)
{
    const struct CMUnitTest tests[] = {
        E2E_TEST(test_resize_keeps_place),
        E2E_TEST(test_resize_then_keys),
    };
    return cmocka_run_group_tests_name("resize", tests, NULL, NULL);
}
