/* Full-screen lists over the text: the table of contents and the help. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

/* The first row starts with arg, after the blanks of the margin (the list may be set in the
 * reading column, centred). */
static bool cond_row0_starts(struct e2e *e, void *arg)
{
    char *row = e2e_row(e, 0);
    const char *p = row + strspn(row, " ");
    bool ok = strncmp(p, arg, strlen(arg)) == 0;
    free(row);
    return ok;
}

static bool cond_row0_not(struct e2e *e, void *arg)
{
    return !cond_row0_starts(e, arg);
}

#define WAIT_ROW0(e, prefix)                                                                       \
    CHECK(e, e2e_wait(e, cond_row0_starts, prefix, T_WAIT),                                        \
          "waited in vain for a first row starting \"%s\"", prefix)

static bool cond_selected(struct e2e *e, void *arg)
{
    return list_selected_row(e) == *(int *)arg;
}

static bool wait_selected(struct e2e *e, int row)
{
    return e2e_wait(e, cond_selected, &row, T_WAIT);
}

/* The page number a contents row ends with, or -1. */
static int row_page_number(struct e2e *e, int row)
{
    char *s = e2e_row(e, row);
    size_t n = strlen(s);
    size_t d = n;
    while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9')
        d--;
    int page = d < n ? atoi(s + d) : -1;
    free(s);
    return page;
}

static void test_toc_lists_sections(void **state)
{
    struct e2e *e = lees_open(state, 30, 120, NULL);
    int pages;
    {
        struct status st;
        CHECK(e, status_read(e, &st), "no status line");
        pages = st.pages;
    }
    e2e_send(e, "t");
    WAIT_ROW0(e, "Contents");
    int prev_row = 0, prev_page = 1;
    for (int i = 0; i < INTERVIEW_SECTIONS; i++) {
        int row = text_row_of(e, interview_sections[i]);
        CHECK(e, row > prev_row, "\"%s\" is not listed after the section before it",
              interview_sections[i]);
        int page = row_page_number(e, row);
        CHECK(e, page > prev_page && page <= pages,
              "\"%s\" should end its row with a page after %d (of %d): %d", interview_sections[i],
              prev_page, pages, page);
        prev_row = row;
        prev_page = page;
    }
    CHECK(e, list_selected_row(e) > 0, "no row, or more than one, is selected in reverse video");
}

static void test_toc_move_and_go(void **state)
{
    struct e2e *e = lees_open(state, 30, 120, NULL);
    e2e_send(e, "t");
    WAIT_ROW0(e, "Contents");
    int sel = list_selected_row(e);
    CHECK(e, sel > 0, "no row, or more than one, is selected in reverse video");
    e2e_send(e, "j");
    CHECK(e, wait_selected(e, sel + 1), "j did not select the next row");
    e2e_send(e, "k");
    CHECK(e, wait_selected(e, sel), "k did not select the row before");
    e2e_key_down(e);
    CHECK(e, wait_selected(e, sel + 1), "Down did not select the next row");
    e2e_key_up(e);
    CHECK(e, wait_selected(e, sel), "Up did not select the row before");

    const char *target = interview_sections[3];
    int target_row = text_row_of(e, target);
    CHECK(e, target_row > sel, "\"%s\" is not listed below the selection", target);
    for (int r = sel + 1; r <= target_row; r++) {
        e2e_send(e, "j");
        CHECK(e, wait_selected(e, r), "j did not move the selection to row %d", r);
    }
    int page = row_page_number(e, target_row);
    e2e_key_enter(e);
    CHECK(e, e2e_wait(e, cond_row0_not, "Contents", T_WAIT), "Enter did not close the contents");
    CHECK(e, wait_top(e, target, T_WAIT), "Enter did not go to \"%s\"", target);
    CHECK(e, wait_page(e, page, T_WAIT), "the contents listed \"%s\" on page %d", target, page);
    struct status st;
    CHECK(e, status_read(e, &st) && strstr(st.left, target) != NULL,
          "the status line does not name \"%s\"", target);
}

static void test_toc_escape_closes_fast(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, "3g");
    WAIT_PAGE(e, 3);
    char *top = e2e_row(e, first_text_row(e));
    e2e_send(e, "t");
    WAIT_ROW0(e, "Contents");
    long long t0 = e2e_now_ms();
    e2e_key_esc(e);
    CHECK(e, e2e_wait(e, cond_row0_not, "Contents", T_FAST),
          "Esc did not close the contents within %d ms", T_FAST);
    CHECK(e, wait_page(e, 3, T_FAST), "after Esc the reader is not back on page 3 at once");
    long long took = e2e_now_ms() - t0;
    CHECK(e, took < T_FAST, "Esc took %lld ms to close the contents", took);
    bool same = wait_top(e, top, T_WAIT);
    CHECK(e, same, "the page is not shown as before the contents: \"%s\" on top", top);
    free(top);
}

static void test_toc_q_closes(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, "t");
    WAIT_ROW0(e, "Contents");
    e2e_send(e, "q");
    CHECK(e, e2e_wait(e, cond_row0_not, "Contents", T_WAIT), "q did not close the contents");
    WAIT_PAGE(e, 1);
    CHECK(e, !e2e_exited(e, NULL), "q in the contents quit the reader");
    e2e_send(e, " ");
    CHECK(e, wait_page(e, 2, T_WAIT), "the reader does not take keys after the contents closed");
}

/* Key names on the help screen: each entry is a set of ways to write one key. */
static const char *const help_keys[][3] = {
    {"Space", NULL},
    {"PgDn", NULL},
    {"PgUp", NULL},
    {"Home", NULL},
    {"End", NULL},
    {"Enter", NULL},
    {"Down", NULL},
    {"Up", NULL},
    {"Esc", NULL},
    {"F1", NULL},
    {"^F", "Ctrl-F", "C-f"},
    {"^B", "Ctrl-B", "C-b"},
    {"^L", "Ctrl-L", "C-l"},
    {"]", NULL},
    {"[", NULL},
    {":", NULL},
    {"m letter", NULL}, /* the bookmarks */
    {"' letter", NULL},
    {"''", NULL},
    {"named bookmark", NULL},
    {"the bookmarks", NULL},
    {"Delete", NULL}, /* at a prompt */
};

static void test_help(void **state)
{
    struct e2e *e = lees_open(state, 60, 100, NULL);
    e2e_send(e, "h");
    WAIT_ROW0(e, "Keys");
    for (size_t i = 0; i < sizeof help_keys / sizeof help_keys[0]; i++) {
        bool found = false;
        for (int k = 0; k < 3 && help_keys[i][k]; k++)
            found = found || e2e_find(e, help_keys[i][k], NULL, NULL);
        CHECK(e, found, "the help does not list the key %s", help_keys[i][0]);
    }
    e2e_send(e, "q");
    CHECK(e, e2e_wait(e, cond_row0_not, "Keys", T_WAIT), "q did not close the help");
    WAIT_PAGE(e, 1);
    WAIT_TOP(e, INTERVIEW_TITLE);
    CHECK(e, !e2e_exited(e, NULL), "q in the help quit the reader");

    e2e_key_f1(e);
    CHECK(e, e2e_wait(e, cond_row0_starts, "Keys", T_WAIT), "F1 did not open the help");
    long long t0 = e2e_now_ms();
    e2e_key_esc(e);
    CHECK(e, e2e_wait(e, cond_row0_not, "Keys", T_FAST), "Esc did not close the help within %d ms",
          T_FAST);
    CHECK(e, e2e_now_ms() - t0 < T_FAST, "Esc was slow to close the help");
    WAIT_PAGE(e, 1);
}

int group_lists(void)
{
    const struct CMUnitTest tests[] = {
        E2E_TEST(test_toc_lists_sections),
        E2E_TEST(test_toc_move_and_go),
        E2E_TEST(test_toc_escape_closes_fast),
        E2E_TEST(test_toc_q_closes),
        E2E_TEST(test_help),
    };
    return cmocka_run_group_tests_name("lists", tests, NULL, NULL);
}
