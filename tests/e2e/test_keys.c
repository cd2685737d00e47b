/* Moving through the text: pages, lines, half pages, counts, the ':' prompt, sections,
 * redraw and quit. */
#include "support.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static int pages_of(struct e2e *e)
{
    struct status st;
    CHECK(e, status_read(e, &st), "no status line");
    return st.pages;
}

static void key_space(struct e2e *e)
{
    e2e_send(e, " ");
}
static void key_f(struct e2e *e)
{
    e2e_send(e, "f");
}
static void key_ctrl_f(struct e2e *e)
{
    e2e_ctrl(e, 'f');
}
static void key_b(struct e2e *e)
{
    e2e_send(e, "b");
}
static void key_ctrl_b(struct e2e *e)
{
    e2e_ctrl(e, 'b');
}
static void key_j(struct e2e *e)
{
    e2e_send(e, "j");
}
static void key_k(struct e2e *e)
{
    e2e_send(e, "k");
}

struct named_key {
    const char *name;
    void (*press)(struct e2e *);
};

static void test_next_page_keys(void **state)
{
    static const struct named_key keys[] = {
        {"Space", key_space}, {"f", key_f}, {"PgDn", e2e_key_pgdn}, {"Ctrl-F", key_ctrl_f}};
    struct e2e *e = lees_open(state, 24, 80, NULL);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        keys[i].press(e);
        CHECK(e, wait_page(e, 2, T_WAIT), "%s on page 1 did not go to page 2", keys[i].name);
        WAIT_TOP(e, interview_sections[0]);
        e2e_send(e, "g");
        WAIT_PAGE(e, 1);
    }
}

static void test_previous_page_keys(void **state)
{
    static const struct named_key keys[] = {
        {"b", key_b}, {"PgUp", e2e_key_pgup}, {"Ctrl-B", key_ctrl_b}};
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, "4g");
    WAIT_PAGE(e, 4);
    for (int i = 0; i < 3; i++) {
        keys[i].press(e);
        CHECK(e, wait_page(e, 3 - i, T_WAIT), "%s on page %d did not go to page %d", keys[i].name,
              4 - i, 3 - i);
    }
    WAIT_TOP(e, INTERVIEW_TITLE);
}

static void test_first_and_last_page(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    int pages = pages_of(e);
    e2e_send(e, "G");
    CHECK(e, wait_page(e, pages, T_WAIT), "G did not go to the last page, %d", pages);
    WAIT_TEXT(e, "burgemeester Mechelen");
    struct status st;
    CHECK(e, status_read(e, &st) && st.percent == 100, "the last page shows %d%%, not 100%%",
          st.percent);
    e2e_send(e, "g");
    CHECK(e, wait_page(e, 1, T_WAIT), "g did not go to the first page");
    WAIT_TOP(e, INTERVIEW_TITLE);
    e2e_key_end(e);
    CHECK(e, wait_page(e, pages, T_WAIT), "End did not go to the last page");
    e2e_key_home(e);
    CHECK(e, wait_page(e, 1, T_WAIT), "Home did not go to the first page");
}

static void test_count_g(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, "3g");
    CHECK(e, wait_page(e, 3, T_WAIT), "3g did not go to page 3");
    e2e_send(e, "5g");
    CHECK(e, wait_page(e, 5, T_WAIT), "5g did not go to page 5");
    e2e_send(e, "1g");
    CHECK(e, wait_page(e, 1, T_WAIT), "1g did not go to page 1");
}

/* Percentages grow with the page, and the last page is 100%. */
static void test_percentages(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    int pages = pages_of(e), last = -1;
    for (int p = 1; p <= pages; p++) {
        struct status st;
        CHECK(e, wait_page(e, p, T_WAIT), "Space did not go to page %d", p);
        CHECK(e, status_read(e, &st), "no status line");
        CHECK(e, st.percent > last, "page %d shows %d%%, the page before %d%%", p, st.percent,
              last);
        last = st.percent;
        e2e_send(e, " ");
    }
    CHECK(e, last == 100, "the last page shows %d%%", last);
}

static bool past_page_1(struct e2e *e, void *arg)
{
    struct status st;
    (void)arg;
    return status_read(e, &st) && st.page > 1;
}

/* The word of at least four ASCII letters at or after the middle byte of the interview's
 * source, into WORD. */
static bool middle_word(char *word, size_t cap)
{
    size_t len, i, n = 0;
    char *text = slurp(INTERVIEW_FILE, &len);

    if (text == NULL)
        return false;
    for (i = len / 2; i < len && n < 4; i++) {
        size_t a = i;
        while (i < len && ((text[i] | 0x20) >= 'a' && (text[i] | 0x20) <= 'z'))
            i++;
        n = i - a;
        if (n >= 4 && n < cap)
            memcpy(word, text + a, n);
    }
    free(text);
    if (n < 4 || n >= cap)
        return false;
    word[n] = '\0';
    return true;
}

/* N% and Np go to the page that holds the byte N percent into the text, as in less; p alone
 * goes to the start, 100% to the last page, and '' back. */
static void test_percent_keys(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    int pages = pages_of(e);
    struct status st;
    char word[64];

    CHECK(e, middle_word(word, sizeof word), "no word in the middle of %s", INTERVIEW_FILE);
    e2e_send(e, "50%");
    CHECK(e, e2e_wait(e, past_page_1, NULL, T_WAIT), "50%% did not leave page 1");
    CHECK(e, status_read(e, &st) && st.page < pages && st.percent >= 50,
          "50%% went to page %d of %d, %d%%", st.page, pages, st.percent);
    CHECK(e, e2e_find(e, word, NULL, NULL), "50%% does not show \"%s\", from the middle", word);
    e2e_send(e, "p");
    CHECK(e, wait_page(e, 1, T_WAIT), "p did not go to the first page");
    e2e_send(e, "100%");
    CHECK(e, wait_page(e, pages, T_WAIT), "100%% did not go to the last page");
    e2e_send(e, "''");
    CHECK(e, wait_page(e, 1, T_WAIT), "'' did not go back to where 100%% came from");
    e2e_send(e, "50p");
    CHECK(e, e2e_wait(e, past_page_1, NULL, T_WAIT), "50p did not leave page 1");
    CHECK(e, e2e_find(e, word, NULL, NULL), "50p does not show \"%s\"", word);
}

static bool cond_prompt(struct e2e *e, void *arg)
{
    char *row = e2e_row(e, -1);
    const char *p = row + strspn(row, " ");
    bool ok = strncmp(p, arg, strlen(arg)) == 0;
    free(row);
    return ok;
}

static void test_colon_prompt(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, ":");
    CHECK(e, e2e_wait(e, cond_prompt, ":", T_WAIT), "':' did not open a prompt on the status line");
    e2e_send(e, "6");
    CHECK(e, e2e_wait(e, cond_prompt, ":6", T_WAIT), "the prompt does not show the digit typed");
    e2e_key_enter(e);
    CHECK(e, wait_page(e, 6, T_WAIT), ":6 Enter did not go to page 6");
}

static void test_colon_prompt_escape(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, ":7");
    CHECK(e, e2e_wait(e, cond_prompt, ":7", T_WAIT), "no prompt \":7\" after typing ':7'");
    long long t0 = e2e_now_ms();
    e2e_key_esc(e);
    CHECK(e, wait_page(e, 1, T_FAST), "Esc did not close the prompt within %d ms", T_FAST);
    long long took = e2e_now_ms() - t0;
    CHECK(e, took < T_FAST, "Esc took %lld ms", took);
    /* The page did not change, and keys work as before. */
    e2e_send(e, " ");
    CHECK(e, wait_page(e, 2, T_WAIT), "Space after a cancelled prompt did not go to page 2");
}

/* Lines: a file of numbered lines, so the row that comes to the top can be named. */
static void test_line_keys(void **state)
{
    static const struct named_key keys[] = {{"j", key_j},
                                            {"Down", e2e_key_down},
                                            {"Enter", e2e_key_enter},
                                            {"k", key_k},
                                            {"Up", e2e_key_up}};
    static const int delta[] = {+1, +1, +1, -1, -1};
    const char *args[] = {numbered_file(60), NULL};
    struct e2e *e = lees_open(state, 12, 80, args);
    CHECK(e, wait_top_line(e, 1, T_WAIT), "the file does not start with line 01");
    int top = 1;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        int r0 = first_text_row(e);
        int second = line_number_at(e, r0 + 1);
        keys[i].press(e);
        top += delta[i];
        CHECK(e, wait_top_line(e, top, T_WAIT), "%s: the first row should now be line %02d",
              keys[i].name, top);
        if (delta[i] > 0)
            CHECK(e, second == top, "%s: the second row (line %02d) did not move up", keys[i].name,
                  second);
    }
}

/* Pages follow each other: the next page starts with the line after the last one shown. */
static void test_pages_follow(void **state)
{
    const char *args[] = {numbered_file(60), NULL};
    struct e2e *e = lees_open(state, 12, 80, args);
    CHECK(e, wait_top_line(e, 1, T_WAIT), "the file does not start with line 01");
    int bottom = line_number_at(e, last_text_row(e));
    CHECK(e, bottom > 1, "the first page shows one line");
    e2e_send(e, " ");
    WAIT_PAGE(e, 2);
    CHECK(e, wait_top_line(e, bottom + 1, T_WAIT),
          "page 1 ends with line %02d: page 2 should start with line %02d", bottom, bottom + 1);
    e2e_send(e, "b");
    WAIT_PAGE(e, 1);
    CHECK(e, wait_top_line(e, 1, T_WAIT), "b did not go back to line 01");
}

/* The page shows consecutive numbered lines from a line after the first, and a status line. */
static bool cond_moved_down(struct e2e *e, void *arg)
{
    (void)arg;
    int first = first_text_row(e), last = last_text_row(e);
    int top = line_number_at(e, first);
    struct status st;
    if (top <= 1 || !status_read(e, &st))
        return false;
    for (int r = first; r <= last; r++)
        if (line_number_at(e, r) != top + (r - first))
            return false;
    return true;
}

static void test_half_page_keys(void **state)
{
    const char *args[] = {numbered_file(60), NULL};
    struct e2e *e = lees_open(state, 13, 80, args);
    CHECK(e, wait_top_line(e, 1, T_WAIT), "the file does not start with line 01");
    int shown = line_number_at(e, last_text_row(e)); /* lines 1 to shown fill the page */
    e2e_send(e, "d");
    CHECK(e, e2e_wait(e, cond_moved_down, NULL, T_WAIT), "d did not move down");
    int top = line_number_at(e, first_text_row(e));
    int moved = top - 1;
    CHECK(e, moved >= shown / 2 - 1 && moved <= shown / 2 + 1,
          "d moved %d lines; half of a %d-line page is %d", moved, shown, shown / 2);
    e2e_send(e, "d");
    CHECK(e, wait_top_line(e, 1 + 2 * moved, T_WAIT), "a second d should move %d lines more",
          moved);
    e2e_send(e, "u");
    CHECK(e, wait_top_line(e, 1 + moved, T_WAIT), "u should move %d lines back", moved);
    e2e_send(e, "u");
    CHECK(e, wait_top_line(e, 1, T_WAIT), "u should move back to line 01");
}

static void test_sections(void **state)
{
    struct e2e *e = lees_open(state, 24, 120, NULL);
    struct status st;
    for (int i = 0; i < 3; i++) {
        e2e_send(e, "]");
        CHECK(e, wait_top(e, interview_sections[i], T_WAIT), "] should go to \"%s\"",
              interview_sections[i]);
        CHECK(e, status_read(e, &st) && strstr(st.left, interview_sections[i]),
              "the status line does not name the section");
    }
    e2e_send(e, "[");
    CHECK(e, wait_top(e, interview_sections[1], T_WAIT), "[ should go back to \"%s\"",
          interview_sections[1]);
    e2e_send(e, "[");
    WAIT_TOP(e, interview_sections[0]);
    e2e_send(e, "[");
    WAIT_TOP(e, INTERVIEW_TITLE);
    WAIT_PAGE(e, 1);
}

static bool cond_same_screen(struct e2e *e, void *arg)
{
    char *now = e2e_screen_text(e);
    bool same = strcmp(now, arg) == 0;
    free(now);
    return same;
}

static void test_redraw(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, " ");
    WAIT_PAGE(e, 2);
    WAIT_TEXT(e, "Mechelaars.");
    char *before = e2e_screen_text(e);
    /* What another program could leave on the terminal. */
    e2e_scribble(e, "\033[H\033[2Jnoise on the screen\033[5;5Hmore noise\033[24;1H\033[K");
    CHECK(e, !cond_same_screen(e, before), "the screen was not messed up");
    e2e_ctrl(e, 'l');
    bool ok = e2e_wait(e, cond_same_screen, before, T_WAIT);
    free(before);
    CHECK(e, ok, "Ctrl-L did not draw the screen again as it was");
}

static void test_quit(void **state)
{
    const char *lees = e2e_lees_path();
    const char *argv[] = {"sh", "-c", "printf 'shell before lees\\n'; exec \"$0\"", lees, NULL};
    struct e2e *e = lees_spawn(state, 24, 80, argv, NULL);
    CHECK(e, wait_status(e, T_START), "the reader did not show its status line");
    CHECK(e, e2e_altscreen(e), "the reader is not on the alternate screen");
    e2e_send(e, "q");
    int status = -1;
    CHECK(e, e2e_wait_exit(e, T_WAIT, &status), "q did not quit");
    CHECK(e, WIFEXITED(status) && WEXITSTATUS(status) == 0, "q: exit status %d, not 0",
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    CHECK(e, !e2e_altscreen(e), "the alternate screen is still up after q");
    CHECK(e, e2e_cursor_visible(e), "the cursor is hidden after q");
    CHECK(e, e2e_find(e, "shell before lees", NULL, NULL), "the normal screen is not back");
    CHECK(e, !e2e_find(e, "page ", NULL, NULL) && !e2e_find(e, "Handen", NULL, NULL),
          "the reader's text is left on the normal screen");
}

int group_keys(void)
{
    const struct CMUnitTest tests[] = {
        E2E_TEST(test_next_page_keys),
        E2E_TEST(test_previous_page_keys),
        E2E_TEST(test_first_and_last_page),
        E2E_TEST(test_count_g),
        E2E_TEST(test_percentages),
        E2E_TEST(test_percent_keys),
        E2E_TEST(test_colon_prompt),
        E2E_TEST(test_colon_prompt_escape),
        E2E_TEST(test_line_keys),
        E2E_TEST(test_pages_follow),
        E2E_TEST(test_half_page_keys),
        E2E_TEST(test_sections),
        E2E_TEST(test_redraw),
        E2E_TEST(test_quit),
    };
    return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}
