/* The reader's screen: the first page of the interview, the reading column, the status line,
 * headings and emphasis. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

/* The status line fills the last row in reverse video, ends with "P%" and one blank cell, and
 * shows "page N/M" before it. */
static void check_status_frame(struct e2e *e, const struct status *st)
{
    int cols = e2e_cols(e);
    CHECK(e, cells_have(e, -1, 0, cols, ATTR_REVERSE),
          "the status line is not in reverse video over the whole row");
    CHECK(e, st->percent_col == cols - 2,
          "the status line should end with \"P%%\" and one blank cell: '%%' is at cell %d, "
          "expected %d",
          st->percent_col, cols - 2);
    CHECK(e, st->page >= 1 && st->page <= st->pages, "page %d/%d is not a page of the text",
          st->page, st->pages);
    CHECK(e, st->percent >= 0 && st->percent <= 100, "%d%% is not a percentage", st->percent);
    CHECK(e, st->page_col > cells_of(st->left), "the left part runs into \"page\"");
}

static void test_first_page(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    WAIT_TEXT(e, INTERVIEW_TITLE);
    int title_row, title_col, sub_row, lede_row, end_row;
    e2e_find(e, INTERVIEW_TITLE, &title_row, &title_col);
    CHECK(e, title_row == first_text_row(e), "the title is not on the first text row");
    CHECK(e, title_col == 0, "at 80 columns the column starts at cell 0, the title at %d",
          title_col);
    CHECK(e, cells_have(e, title_row, title_col, cells_of(INTERVIEW_TITLE), ATTR_BOLD),
          "the title (H1) is not bold");
    CHECK(e, e2e_find(e, INTERVIEW_SUBTITLE, &sub_row, NULL) && sub_row > title_row,
          "the subtitle is not below the title");
    CHECK(e, text_has(e, INTERVIEW_SUBTITLE, ATTR_BOLD), "the subtitle (**strong**) is not bold");
    CHECK(e, e2e_find(e, INTERVIEW_LEDE, &lede_row, NULL) && lede_row > sub_row,
          "the lede is not below the subtitle");
    CHECK(e, e2e_find(e, "in zijn stad?", &end_row, NULL) && end_row >= lede_row,
          "the end of the lede is not on the first page");
    CHECK(e, last_text_row(e) == end_row,
          "the first page should end with the lede and blank rows (the next section starts "
          "on a fresh page)");
    CHECK(e, !e2e_find(e, interview_sections[0], NULL, NULL),
          "the first section's heading is on the first page");
    CHECK(e, e2e_altscreen(e), "the reader is not on the alternate screen");

    struct status st;
    CHECK(e, status_read(e, &st), "no status line");
    check_status_frame(e, &st);
    CHECK(e, st.page == 1, "the status line shows page %d, not 1", st.page);
    CHECK(e, st.pages >= 1 + INTERVIEW_SECTIONS,
          "%d pages for a title section and %d sections, each on fresh pages", st.pages,
          INTERVIEW_SECTIONS);
    CHECK(e, st.percent < 100, "page 1 of %d shows %d%%", st.pages, st.percent);
    CHECK(e, strcmp(st.left, " " INTERVIEW_TITLE) == 0,
          "on the title section the left part is \" TITLE\", not \"%s\"", st.left);
}

static void test_status_line_wide(void **state)
{
    struct e2e *e = lees_open(state, 30, 120, NULL);
    struct status st1, st2;
    CHECK(e, status_read(e, &st1), "no status line");
    check_status_frame(e, &st1);
    CHECK(e, strcmp(st1.left, " " INTERVIEW_TITLE) == 0,
          "the left part should be \" " INTERVIEW_TITLE "\", not \"%s\"", st1.left);
    e2e_send(e, " ");
    WAIT_PAGE(e, 2);
    CHECK(e, status_read(e, &st2), "no status line");
    check_status_frame(e, &st2);
    CHECK(e, strcmp(st2.left, " " INTERVIEW_TITLE " · Kansen voor elke Mechelaar") == 0,
          "the left part should be \" TITLE · SECTION\", not \"%s\"", st2.left);
    CHECK(e, st2.pages == st1.pages, "the number of pages changed from %d to %d", st1.pages,
          st2.pages);
    CHECK(e, st2.percent > st1.percent, "page 2 shows %d%%, page 1 %d%%", st2.percent, st1.percent);
}

/* A narrow terminal: the left part gives way, "page N/M  P%" stays whole at the right. */
static void test_status_line_narrow(void **state)
{
    struct e2e *e = lees_open(state, 16, 44, NULL);
    e2e_send(e, " ");
    WAIT_PAGE(e, 2);
    struct status st;
    CHECK(e, status_read(e, &st), "no status line");
    check_status_frame(e, &st);
    CHECK(e, strstr(st.left, INTERVIEW_TITLE " · Kansen voor elke Mechelaar") == NULL,
          "the whole left part cannot fit in 44 cells beside the page");
    CHECK(e, st.left[0] == ' ', "the status line should start with a blank cell");
}

static void test_centred_column(void **state)
{
    struct e2e *e = lees_open(state, 24, 100, NULL);
    WAIT_TEXT(e, INTERVIEW_LEDE);
    int row, col;
    e2e_find(e, INTERVIEW_TITLE, &row, &col);
    CHECK(e, col == 10, "at 100 columns the 80-cell column starts at cell 10; the title at %d",
          col);
    e2e_find(e, INTERVIEW_LEDE, &row, &col);
    CHECK(e, col == 10, "the lede starts at cell %d, not 10", col);
    for (int r = 0; r < e2e_rows(e) - 1; r++) {
        int first = e2e_row_first_col(e, r);
        if (first < 0)
            continue;
        CHECK(e, first >= 10 && row_last_col(e, r) < 90,
              "row %d leaves the column (cells 10 to 89): cells %d to %d", r, first,
              row_last_col(e, r));
    }
    e2e_send(e, " ");
    WAIT_TOP(e, interview_sections[0]);
    for (int r = 0; r < e2e_rows(e) - 1; r++) {
        int first = e2e_row_first_col(e, r);
        if (first < 0)
            continue;
        CHECK(e, first >= 10 && row_last_col(e, r) < 90,
              "page 2: row %d leaves the column (cells 10 to 89): cells %d to %d", r, first,
              row_last_col(e, r));
    }
}

static void test_width_option(void **state)
{
    const char *args[] = {"--width", "40", NULL};
    struct e2e *e = lees_open(state, 24, 80, args);
    WAIT_TEXT(e, "Mechelen is een stad");
    int row, col;
    e2e_find(e, "Mechelen is een stad", &row, &col);
    CHECK(e, col == 20, "a 40-cell column at 80 columns starts at cell 20; the lede at %d", col);
    CHECK(e, text_row_of(e, INTERVIEW_TITLE) < 0 && text_row_of(e, "Handen in elkaar") >= 0,
          "the 45-cell title should be wrapped in a 40-cell column");
    int rows = 0;
    for (int r = 0; r < e2e_rows(e) - 1; r++) {
        int first = e2e_row_first_col(e, r);
        if (first < 0)
            continue;
        rows++;
        CHECK(e, first >= 20 && row_last_col(e, r) < 60,
              "row %d leaves the column (cells 20 to 59): cells %d to %d", r, first,
              row_last_col(e, r));
    }
    CHECK(e, rows >= 7, "title, subtitle and lede in 40 cells take more rows than %d", rows);
}

static void test_page_two_heading(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, " ");
    WAIT_PAGE(e, 2);
    WAIT_TOP(e, interview_sections[0]);
    int row = first_text_row(e);
    int col = e2e_find_in_row(e, row, interview_sections[0], 0);
    CHECK(e, cells_have(e, row, col, cells_of(interview_sections[0]), ATTR_BOLD),
          "the heading of page 2 is not bold");
    CHECK(e, !e2e_find(e, INTERVIEW_LEDE, NULL, NULL), "the lede of page 1 is still shown");
    CHECK(e, e2e_find(e, "Mechelen staat voor een inclusief beleid", NULL, NULL),
          "the section's first paragraph is not under its heading");
    CHECK(e, !text_has(e, "Mechelen staat voor een inclusief beleid", ATTR_BOLD),
          "the body text is bold");
    CHECK(e, !e2e_find(e, interview_sections[1], NULL, NULL),
          "the next section is on the same page");
}

static void test_emphasis(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    WAIT_TEXT(e, INTERVIEW_SUBTITLE);
    CHECK(e, !text_has(e, INTERVIEW_SUBTITLE, ATTR_ITALIC), "**strong** is shown in italic");
    CHECK(e, !text_has(e, INTERVIEW_LEDE, ATTR_BOLD) && !text_has(e, INTERVIEW_LEDE, ATTR_ITALIC),
          "plain text is bold or italic");
    e2e_send(e, " ");
    WAIT_TEXT(e, "Mechelen zet maximaal");
    CHECK(e, text_has(e, "Mechelen zet maximaal", ATTR_ITALIC), "*emphasis* is not italic");
    CHECK(e, text_has(e, "tewerkstellingskansen voor Mechelaars", ATTR_ITALIC),
          "*emphasis* over a line break is not italic on its second line");
    CHECK(e, !text_has(e, "Mechelen zet maximaal", ATTR_BOLD), "*emphasis* is bold");
    CHECK(e, !text_has(e, "de volgende beleidsdoelstelling", ATTR_ITALIC),
          "the text before the emphasis is italic");
}

/* A terminal that cannot show italics (vt100 has no sitm) underlines emphasis instead, so it
 * still stands out. */
static void test_emphasis_without_italics(void **state)
{
    const char *env[] = {"TERM=vt100", NULL};
    struct e2e *e = lees_open_env(state, 24, 80, NULL, env);
    e2e_send(e, " ");
    WAIT_TEXT(e, "Mechelen zet maximaal");
    CHECK(e, text_has(e, "Mechelen zet maximaal", ATTR_UNDERLINE),
          "*emphasis* is not underlined on a terminal without italics");
    CHECK(e, !text_has(e, "Mechelen zet maximaal", ATTR_ITALIC),
          "*emphasis* is sent as italic to a terminal that has none");
    CHECK(e, !text_has(e, "de volgende beleidsdoelstelling", ATTR_UNDERLINE),
          "the text before the emphasis is underlined");
    {
        /* The line of the emphasis wraps after "van": the space it ends in is not written, as
         * it was underlined past the last word. */
        static const char want[] = "het cre\xc3\xabren van";
        size_t len, i = 0;
        const char *out;
        e2e_pump(e);
        out = e2e_output(e, &len);
        while (i + sizeof want <= len && memcmp(out + i, want, sizeof want - 1) != 0)
            i++;
        CHECK(e, i + sizeof want <= len, "no emphasis line ending in \"van\" was written");
        CHECK(e, out[i + sizeof want - 1] != ' ',
              "the space after the last word of an emphasised line is written, underlined");
    }
}

/* On a terminal without an alternate screen (vt100) the page stays when lees quits, but its
 * status line does not: the shell's prompt is not written over it. */
static void test_quit_clears_status_line(void **state)
{
    const char *env[] = {"TERM=vt100", NULL};
    struct e2e *e = lees_open_env(state, 24, 80, NULL, env);
    int status = -1;

    WAIT_STATUS(e, "page 1/");
    e2e_send(e, "q");
    CHECK(e, e2e_wait_exit(e, T_WAIT, &status), "q did not quit");
    e2e_pump(e);
    {
        char *last = e2e_row(e, 23);
        bool blank = last != NULL && last[strspn(last, " ")] == '\0';
        free(last);
        CHECK(e, blank, "the status line is still on the screen after q");
    }
    CHECK(e, text_row_of(e, INTERVIEW_TITLE) >= 0, "the page is gone after q");
}

/* A Markdown file: its H1 is the title, its H2s the sections. */
static void test_markdown_file(void **state)
{
    const char *file = e2e_fixture("notes.md", "# Notes on testing\n"
                                               "\n"
                                               "An *opening* with **strong** words.\n"
                                               "\n"
                                               "## First part\n"
                                               "\n"
                                               "Text of the first part.\n"
                                               "\n"
                                               "## Second part\n"
                                               "\n"
                                               "Text of the second part.\n");
    const char *args[] = {file, NULL};
    struct e2e *e = lees_open(state, 20, 100, args);
    WAIT_TOP(e, "Notes on testing");
    CHECK(e, text_has(e, "Notes on testing", ATTR_BOLD), "the H1 is not bold");
    CHECK(e, text_has(e, "opening", ATTR_ITALIC), "*opening* is not italic");
    CHECK(e, text_has(e, "strong", ATTR_BOLD), "**strong** is not bold");
    CHECK(e, !e2e_find(e, "*", NULL, NULL) && !e2e_find(e, "#", NULL, NULL),
          "Markdown markup is shown");
    CHECK(e, !e2e_find(e, "First part", NULL, NULL), "a section shares the title's page");
    struct status st;
    CHECK(e, status_read(e, &st) && strcmp(st.left, " Notes on testing") == 0,
          "the status line should show the H1 as the title");
    CHECK(e, st.pages == 3, "three sections on fresh pages make %d pages", st.pages);
    e2e_send(e, " ");
    WAIT_TOP(e, "First part");
    CHECK(e, text_has(e, "First part", ATTR_BOLD), "the H2 is not bold");
    CHECK(e, !e2e_find(e, "Second part", NULL, NULL), "two sections share a page");
    CHECK(e, status_read(e, &st) && strcmp(st.left, " Notes on testing · First part") == 0,
          "the status line should show \" Notes on testing · First part\"");
}

int group_screen(void)
{
    const struct CMUnitTest tests[] = {
        E2E_TEST(test_first_page),
        E2E_TEST(test_status_line_wide),
        E2E_TEST(test_status_line_narrow),
        E2E_TEST(test_centred_column),
        E2E_TEST(test_width_option),
        E2E_TEST(test_page_two_heading),
        E2E_TEST(test_emphasis),
        E2E_TEST(test_emphasis_without_italics),
        E2E_TEST(test_quit_clears_status_line),
        E2E_TEST(test_markdown_file),
    };
    return cmocka_run_group_tests_name("screen", tests, NULL, NULL);
}
