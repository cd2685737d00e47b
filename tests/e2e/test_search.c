/* Searching: the / and ? prompts, incremental search, painting, n and N, the match counter,
 * folding (case, accents, line breaks), prompt editing and history, regular expressions,
 * --grep and +/PATTERN. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The prompt on the status line is exactly text, maybe followed by a note after blanks (such
 * as "  (no match)"). */
static bool cond_prompt_is(struct e2e *e, void *arg)
{
    const char *text = arg;
    char *row = e2e_row(e, -1);
    const char *p = row + strspn(row, " ");
    size_t n = strlen(text);
    bool ok = strncmp(p, text, n) == 0 && (p[n] == '\0' || (p[n] == ' ' && p[n + 1] == ' '));
    free(row);
    return ok;
}

#define WAIT_PROMPT_IS(e, text)                                                                    \
    CHECK(e, e2e_wait(e, cond_prompt_is, (void *)(text), T_WAIT),                                  \
          "waited in vain for the prompt to read exactly \"%s\"", (text))

static bool cell_current(const VTermScreenCell *c)
{
    return cell_painted(c) && c->attrs.bold && c->attrs.underline;
}

static bool cell_other_match(const VTermScreenCell *c)
{
    return cell_painted(c) && !(c->attrs.bold && c->attrs.underline);
}

/* With colours, a match is painted with a yellow background (or in reverse video). */
static bool cell_yellow(const VTermScreenCell *c)
{
    if (c->attrs.reverse)
        return true;
    if (VTERM_COLOR_IS_INDEXED(&c->bg))
        return c->bg.indexed.idx == 3 || c->bg.indexed.idx == 11;
    return VTERM_COLOR_IS_RGB(&c->bg) && c->bg.rgb.red > 0xa0 && c->bg.rgb.green > 0xa0 &&
           c->bg.rgb.blue < 0x60;
}

static bool cell_not_painted(const VTermScreenCell *c)
{
    return !cell_painted(c);
}

/* The nth place of needle on the page is drawn by pred (every cell of it). */
struct painted_arg {
    const char *needle;
    int nth;
    bool (*pred)(const VTermScreenCell *);
};

static bool cond_painted(struct e2e *e, void *arg)
{
    struct painted_arg *a = arg;
    int row, col;
    return find_nth(e, a->needle, a->nth, &row, &col) &&
           cells_all(e, row, col, cells_of(a->needle), a->pred);
}

static bool wait_painted(struct e2e *e, const char *needle, int nth,
                         bool (*pred)(const VTermScreenCell *))
{
    struct painted_arg a = {needle, nth, pred};
    return e2e_wait(e, cond_painted, &a, T_WAIT);
}

#define WAIT_CURRENT(e, needle, nth)                                                               \
    CHECK(e, wait_painted(e, needle, nth, cell_current),                                           \
          "\"%s\" (its place %d on the page) is not painted as the current match (painted, "       \
          "bold, underlined)",                                                                     \
          needle, (nth) + 1)
#define WAIT_OTHER(e, needle, nth)                                                                 \
    CHECK(e, wait_painted(e, needle, nth, cell_other_match),                                       \
          "\"%s\" (its place %d on the page) is not painted as a match that is not the current "   \
          "one (painted, not bold and underlined)",                                                \
          needle, (nth) + 1)
#define WAIT_UNPAINTED(e, needle, nth)                                                             \
    CHECK(e, wait_painted(e, needle, nth, cell_not_painted),                                       \
          "\"%s\" (its place %d on the page) is still painted as a match", needle, (nth) + 1)

/* Typed at the page: the prompt opens, the pattern shows in it. */
static void search_type(struct e2e *e, const char *key, const char *pattern)
{
    e2e_send(e, key);
    WAIT_PROMPT(e, key);
    e2e_send(e, pattern);
    char shown[256];
    snprintf(shown, sizeof shown, "%s%s", key, pattern);
    WAIT_PROMPT_IS(e, shown);
}

/* "/creeren": the view goes to page 2 as it is typed, the two matches there are painted, the
 * first (the first after page 1) as the current one; Enter keeps it with "match 1/2". */
static void test_search_incremental(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, "/");
    WAIT_PROMPT(e, "/");
    CHECK(e, !e2e_find(e, "page ", NULL, NULL), "the status line is still shown with the prompt");
    e2e_send(e, "cree");
    WAIT_PROMPT_IS(e, "/cree");
    /* Incremental: before the pattern is whole, the view has moved to the match. */
    CHECK(e, wait_top(e, interview_sections[0], T_WAIT),
          "typing \"cree\" did not move the view to the page of the first match (page 2, "
          "\"%s\")",
          interview_sections[0]);
    e2e_send(e, "ren");
    WAIT_PROMPT_IS(e, "/creeren");
    WAIT_CURRENT(e, "creëren", 0);
    WAIT_OTHER(e, "creëren", 1);
    int row, col;
    CHECK(e, find_nth(e, "creëren", 0, &row, &col), "no \"creëren\" on the page");
    CHECK(e, cells_all(e, row, col + 8, 4, cell_not_painted),
          "the text after the match (\"voor\") is painted too");
    CHECK(e, !find_nth(e, "creëren", 2, NULL, NULL), "a third \"creëren\" on page 2");
    CHECK(e, find_nth(e, "creëren", 1, &row, &col) && cells_all(e, row, col, 7, cell_yellow),
          "the other match should have a yellow background (or be in reverse video)");
    e2e_key_enter(e);
    WAIT_PAGE(e, 2);
    WAIT_STATUS(e, "match 1/2");
    WAIT_CURRENT(e, "creëren", 0);
    WAIT_OTHER(e, "creëren", 1);
}

/* Esc at the prompt goes back to the page where the search began, at once. */
static void test_search_escape_returns(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, "3g");
    WAIT_PAGE(e, 3);
    WAIT_TOP(e, interview_sections[1]);
    search_type(e, "/", "breekijzer");
    CHECK(e, wait_top(e, interview_sections[4], T_WAIT),
          "the view did not follow the match to \"%s\" (page 6)", interview_sections[4]);
    long long t0 = e2e_now_ms();
    e2e_key_esc(e);
    CHECK(e, wait_page(e, 3, T_FAST), "Esc at the prompt did not go back to page 3 within %d ms",
          T_FAST);
    CHECK(e, e2e_now_ms() - t0 < T_FAST, "Esc took %lld ms", e2e_now_ms() - t0);
    WAIT_TOP(e, interview_sections[1]);
    struct status st;
    CHECK(e, status_read(e, &st) && !strstr(st.left, "match"),
          "after Esc the status line shows a match counter");
    e2e_send(e, " ");
    WAIT_PAGE(e, 4);
}

/* n and N step through the matches, over pages, wrapping round with a notice. */
static void test_search_next_previous(void **state)
{
    static const int pages[] = {1, 3, 3, 3, 4, 4, 4, 6, 6, 8}; /* of "sociale economie" */
    struct e2e *e = lees_open(state, 24, 80, NULL);
    search_type(e, "/", "sociale economie");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/10");
    WAIT_PAGE(e, 1);
    WAIT_CURRENT(e, "sociale economie", 0);
    char want[32];
    for (int i = 2; i <= 10; i++) {
        e2e_send(e, "n");
        snprintf(want, sizeof want, "match %d/10", i);
        CHECK(e, e2e_wait_row_contains(e, -1, want, T_WAIT), "n did not go to %s", want);
        CHECK(e, wait_page(e, pages[i - 1], T_WAIT), "%s should be on page %d", want, pages[i - 1]);
    }
    e2e_send(e, "n");
    WAIT_STATUS(e, "Search wrapped to the top");
    WAIT_STATUS(e, "match 1/10");
    WAIT_PAGE(e, 1);
    e2e_send(e, "N");
    WAIT_STATUS(e, "Search wrapped to the bottom");
    WAIT_STATUS(e, "match 10/10");
    WAIT_PAGE(e, 8);
    WAIT_CURRENT(e, "sociale economie", 0);
    e2e_send(e, "N");
    WAIT_STATUS(e, "match 9/10");
    WAIT_PAGE(e, 6);
    /* The current match moved to the second of page 6, "Sociale economie"; the first, whose
     * "sociale" ends a row, is painted as another. */
    WAIT_CURRENT(e, "Sociale economie", 0);
    WAIT_OTHER(e, "sociale", 0);
}

/* n and N go on from the current match while it is on the screen; after the reader has moved
 * away from it, they search from the page shown, as less does, not back from the old match. */
static void test_search_next_from_the_page(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    search_type(e, "/", "sociale economie");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/10");
    e2e_send(e, "7g");
    WAIT_PAGE(e, 7);
    e2e_send(e, "n");
    WAIT_STATUS(e, "match 10/10");
    WAIT_PAGE(e, 8);
    e2e_send(e, "7g");
    WAIT_PAGE(e, 7);
    e2e_send(e, "N");
    WAIT_STATUS(e, "match 9/10");
    WAIT_PAGE(e, 6);
    /* On screen, the current match is where n goes on from: the next is on the same page. */
    e2e_send(e, "g");
    WAIT_PAGE(e, 1);
    e2e_send(e, "n");
    WAIT_STATUS(e, "match 1/10");
    e2e_send(e, "n");
    WAIT_STATUS(e, "match 2/10");
    WAIT_PAGE(e, 3);
}

/* / searches from where it began; ? searches backward from there, and n then goes on backward
 * and N forward. */
static void test_search_backward(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    /* Forward first, from page 4: the first match there is the fifth. */
    e2e_send(e, "4g");
    WAIT_PAGE(e, 4);
    search_type(e, "/", "sociale economie");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 5/10");
    WAIT_PAGE(e, 4);
    e2e_send(e, "7g");
    WAIT_PAGE(e, 7);
    search_type(e, "?", "sociale economie");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 9/10");
    WAIT_PAGE(e, 6);
    e2e_send(e, "n");
    WAIT_STATUS(e, "match 8/10");
    e2e_send(e, "n");
    WAIT_STATUS(e, "match 7/10");
    WAIT_PAGE(e, 4);
    e2e_send(e, "N");
    WAIT_STATUS(e, "match 8/10");
    WAIT_PAGE(e, 6);
    e2e_send(e, "g");
    WAIT_PAGE(e, 1);
    /* Nothing before page 1: the last match of the text. */
    search_type(e, "?", "Diversiteit");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 2/2");
    WAIT_PAGE(e, 5);
}

/* Esc on the page stops painting the matches; n paints them again. */
static void test_search_escape_unpaints(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    search_type(e, "/", "creeren");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/2");
    WAIT_CURRENT(e, "creëren", 0);
    e2e_key_esc(e);
    WAIT_UNPAINTED(e, "creëren", 0);
    WAIT_UNPAINTED(e, "creëren", 1);
    e2e_send(e, "n");
    WAIT_STATUS(e, "match 2/2");
    WAIT_CURRENT(e, "creëren", 1);
    WAIT_OTHER(e, "creëren", 0);
}

/* Without colours, matches are in reverse video. */
static void test_search_no_color(void **state)
{
    const char *args[] = {"--no-color", NULL};
    struct e2e *e = lees_open(state, 24, 80, args);
    search_type(e, "/", "creeren");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/2");
    WAIT_CURRENT(e, "creëren", 0);
    int row, col;
    CHECK(e, find_nth(e, "creëren", 1, &row, &col), "no second \"creëren\"");
    CHECK(e,
          cells_have(e, row, col, 7, ATTR_REVERSE) &&
              cells_all(e, row, col, 7, cell_default_colours),
          "with --no-color the other match should be in reverse video, with no colour");
}

/* Smart case: a capital makes the search exact in case; -i ignores case always.
 * "Diversiteit" stands twice with a capital, "diversiteit" twice without. */
static void test_search_case(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    search_type(e, "/", "diversiteit");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/4");
    search_type(e, "/", "Diversiteit");
    e2e_key_enter(e);
    WAIT_STATUS(e, "/2");
    const char *args[] = {"-i", "+/Diversiteit", NULL};
    e = lees_open(state, 24, 80, args);
    CHECK(e, e2e_wait_row_contains(e, -1, "match 1/4", T_WAIT),
          "-i +/Diversiteit should find the 4 places with any case");
    WAIT_PAGE(e, 5);
}

/* Accents are ignored, a space matches a line break, emphasis markers do not get in the way. */
static void test_search_folding(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    /* The source has "beleidsdoelstelling: *Mechelen" (emphasis). */
    search_type(e, "/", "beleidsdoelstelling: Mechelen");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/1");
    WAIT_CURRENT(e, "beleidsdoelstelling: Mechelen", 0);
    /* "dit in de volgende": a line break in the source after "dit", and on the screen at 80
     * columns a row ends with "dit in". */
    search_type(e, "/", "dit in de volgende");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/1");
    int row, col;
    CHECK(e, e2e_find(e, "de volgende beleidsdoelstelling", &row, &col),
          "no \"de volgende beleidsdoelstelling\"");
    int end = row_last_col(e, row - 1);
    CHECK(e, end >= 5 && e2e_find_in_row(e, row - 1, "dit in", end - 5) == end - 5,
          "at 80 columns the row above \"de volgende\" should end with \"dit in\"");
    CHECK(e,
          cells_all(e, row - 1, end - 5, 6, cell_current) &&
              cells_all(e, row, col, 11, cell_current),
          "the match across the row break is not painted on both rows");
    /* Accents in the pattern, none in the text, and the other way round. */
    search_type(e, "/", "créëren");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/2");
}

/* Enter on a pattern that matches nothing: the view stays, and the nearest word is offered. */
static void test_search_no_match(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    e2e_send(e, "3g");
    WAIT_PAGE(e, 3);
    search_type(e, "/", "aanklampende");
    CHECK(e, e2e_wait_row_contains(e, -1, "no match", T_WAIT),
          "the prompt does not say there is no match");
    e2e_key_enter(e);
    WAIT_STATUS(e, "no match for aanklampende; did you mean aanklappende?");
    WAIT_PAGE(e, 3);
    WAIT_TOP(e, interview_sections[1]);
    struct status st;
    CHECK(e, status_read(e, &st) && !strstr(st.left, "match 0"),
          "a search with no match shows a counter");
}

/* Backspace, Delete, Ctrl-U, Ctrl-W, Left, Right, Home and End at the prompt. */
static void test_prompt_editing(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    search_type(e, "/", "xyz");
    e2e_key(e, VTERM_KEY_BACKSPACE, VTERM_MOD_NONE);
    WAIT_PROMPT_IS(e, "/xy");
    e2e_send(e, "\177"); /* DEL, what most terminals send for Backspace */
    WAIT_PROMPT_IS(e, "/x");
    e2e_send(e, "\010"); /* ^H, what the others send */
    WAIT_PROMPT_IS(e, "/");
    e2e_send(e, "foo bar");
    WAIT_PROMPT_IS(e, "/foo bar");
    e2e_ctrl(e, 'w');
    CHECK(e, e2e_wait(e, cond_prompt_is, "/foo", T_WAIT),
          "Ctrl-W did not delete the word before the cursor, \"bar\"");
    e2e_ctrl(e, 'u');
    WAIT_PROMPT_IS(e, "/");
    e2e_send(e, "ac");
    WAIT_PROMPT_IS(e, "/ac");
    e2e_key(e, VTERM_KEY_LEFT, VTERM_MOD_NONE);
    e2e_send(e, "b");
    WAIT_PROMPT_IS(e, "/abc");
    e2e_key(e, VTERM_KEY_RIGHT, VTERM_MOD_NONE);
    e2e_send(e, "d");
    WAIT_PROMPT_IS(e, "/abcd");
    e2e_key(e, VTERM_KEY_LEFT, VTERM_MOD_NONE);
    e2e_key(e, VTERM_KEY_LEFT, VTERM_MOD_NONE);
    e2e_key(e, VTERM_KEY_LEFT, VTERM_MOD_NONE);
    e2e_key(e, VTERM_KEY_BACKSPACE, VTERM_MOD_NONE);
    WAIT_PROMPT_IS(e, "/bcd");
    e2e_send(e, "a"); /* the cursor is where the deleted character was */
    WAIT_PROMPT_IS(e, "/abcd");
    /* Ctrl-U deletes what is before the cursor: at the end, everything. */
    e2e_key_end(e);
    e2e_ctrl(e, 'u');
    WAIT_PROMPT_IS(e, "/");
    /* The edited pattern is what is searched. */
    e2e_send(e, "reexen");
    WAIT_PROMPT_IS(e, "/reexen");
    e2e_key_home(e);
    e2e_send(e, "c");
    WAIT_PROMPT_IS(e, "/creexen");
    e2e_key_end(e);
    for (int i = 0; i < 3; i++)
        e2e_key(e, VTERM_KEY_LEFT, VTERM_MOD_NONE);
    e2e_key(e, VTERM_KEY_DEL, VTERM_MOD_NONE);
    WAIT_PROMPT_IS(e, "/creeen");
    e2e_send(e, "r");
    WAIT_PROMPT_IS(e, "/creeren");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/2");
}

/* Up and Down recall earlier patterns; they are kept for the next run too. */
static void test_prompt_history(void **state)
{
    const char *dir;
    const char *env[] = {state_home_env(&dir), NULL};
    struct e2e *e = lees_open_env(state, 24, 80, NULL, env);
    search_type(e, "/", "creeren");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/2");
    search_type(e, "/", "breekijzer");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/");
    e2e_send(e, "/");
    WAIT_PROMPT_IS(e, "/");
    e2e_key_up(e);
    WAIT_PROMPT_IS(e, "/breekijzer");
    e2e_key_up(e);
    WAIT_PROMPT_IS(e, "/creeren");
    e2e_key_down(e);
    WAIT_PROMPT_IS(e, "/breekijzer");
    e2e_key_up(e);
    WAIT_PROMPT_IS(e, "/creeren");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/2");
    WAIT_PAGE(e, 2);
    e2e_send(e, "q");
    CHECK(e, e2e_wait_exit(e, T_WAIT, NULL), "q did not quit");

    e = lees_open_env(state, 24, 80, NULL, env);
    e2e_send(e, "/");
    WAIT_PROMPT_IS(e, "/");
    e2e_key_up(e);
    CHECK(e, e2e_wait(e, cond_prompt_is, "/creeren", T_WAIT),
          "the search history was not kept for the next run: Up should recall \"creeren\"");
    e2e_key_up(e);
    WAIT_PROMPT_IS(e, "/breekijzer");
}

/* Ctrl-R at the prompt: regular expressions on (the label says so) and off. */
static void test_regex_toggle(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    search_type(e, "/", "breek.jzer");
    CHECK(e, e2e_wait_row_contains(e, -1, "no match", T_WAIT),
          "\"breek.jzer\" as plain text should match nothing");
    e2e_ctrl(e, 'r');
    WAIT_PROMPT_IS(e, "regex /breek.jzer");
    CHECK(e, wait_top(e, interview_sections[4], T_WAIT),
          "as a regex, \"breek.jzer\" should find \"breekijzer\" on page 6");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/");
    WAIT_PAGE(e, 6);
    WAIT_CURRENT(e, "breekijzer", 0);
    e2e_send(e, "g");
    WAIT_PAGE(e, 1);
    e2e_send(e, "/");
    WAIT_PROMPT(e, "regex /");
    e2e_send(e, "Divers[a-z]+ omarmen");
    WAIT_PROMPT_IS(e, "regex /Divers[a-z]+ omarmen");
    e2e_key_enter(e);
    WAIT_STATUS(e, "match 1/2");
    WAIT_PAGE(e, 5);
    e2e_send(e, "/");
    WAIT_PROMPT(e, "regex /");
    e2e_ctrl(e, 'r');
    WAIT_PROMPT_IS(e, "/");
    e2e_send(e, "a[b");
    WAIT_PROMPT_IS(e, "/a[b");
    e2e_key_esc(e);
    WAIT_PAGE(e, 5);
}

/* --grep: one plain line a match, "SECTION, p. N: context"; exit 0, 1 or 2 as grep does. */
static void test_grep_option(void **state)
{
    (void)state;
    struct piped r;
    const char *args[] = {"--grep", "creeren", INTERVIEW_FILE, NULL};
    piped_run(&r, args, NULL, NULL);
    CHECK_PIPED(&r, r.code == 0, "--grep with matches: exit status %d, not 0", r.code);
    CHECK_PIPED(&r, r.out_len == strlen(r.out) && !strchr(r.out, '\033'),
                "--grep to a pipe: escape or NUL bytes in the output");
    int lines = 0;
    for (char *line = r.out, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        CHECK_PIPED(&r, nl != NULL, "the last line has no newline");
        *nl = '\0';
        CHECK_PIPED(&r, strncmp(line, "Kansen voor elke Mechelaar, p. 2: ", 34) == 0,
                    "line %d should start \"Kansen voor elke Mechelaar, p. 2: \": \"%s\"",
                    lines + 1, line);
        CHECK_PIPED(&r, strstr(line, "creëren") != NULL, "line %d does not show the match",
                    lines + 1);
        lines++;
    }
    CHECK_PIPED(&r, lines == 2, "%d lines for the two matches of \"creeren\"", lines);
    piped_free(&r);

    const char *none[] = {"--grep", "zzqqxx", INTERVIEW_FILE, NULL};
    piped_run(&r, none, NULL, NULL);
    CHECK_PIPED(&r, r.code == 1, "--grep with no match: exit status %d, not 1", r.code);
    CHECK_PIPED(&r, r.out[0] == '\0', "--grep with no match printed something");
    piped_free(&r);

    const char *bad[] = {"--regex", "--grep", "(", INTERVIEW_FILE, NULL};
    piped_run(&r, bad, NULL, NULL);
    CHECK_PIPED(&r, r.code == 2, "--regex --grep '(': exit status %d, not 2", r.code);
    CHECK_PIPED(&r, strncmp(r.err, "lees: ", 6) == 0, "the error should start \"lees: \"");
    CHECK_PIPED(&r, r.out[0] == '\0', "a bad regex printed to stdout");
    piped_free(&r);

    const char *across[] = {"--grep", "beleidsdoelstelling: Mechelen", INTERVIEW_FILE, NULL};
    piped_run(&r, across, NULL, NULL);
    CHECK_PIPED(&r, r.code == 0, "--grep \"beleidsdoelstelling: Mechelen\": exit status %d",
                r.code);
    CHECK_PIPED(&r,
                strstr(r.out, "Kansen voor elke Mechelaar, p. 2: ") == r.out &&
                    strchr(r.out, '\n') == r.out + r.out_len - 1,
                "one line, in \"Kansen voor elke Mechelaar\" on page 2");
    CHECK_PIPED(&r, strstr(r.out, "beleidsdoelstelling: Mechelen") != NULL,
                "the context should show the text as read, \"beleidsdoelstelling: Mechelen\", "
                "without the Markdown emphasis marker");
    piped_free(&r);
}

/* +/PATTERN opens at the first match, with the search kept. */
static void test_open_at_pattern(void **state)
{
    const char *args[] = {"+/breekijzer", NULL};
    struct e2e *e = lees_open(state, 24, 80, args);
    WAIT_STATUS(e, "match 1/");
    WAIT_PAGE(e, 6);
    WAIT_TOP(e, interview_sections[4]);
    WAIT_CURRENT(e, "breekijzer", 0);
    const char *args2[] = {"+/Diversiteit", NULL};
    e = lees_open(state, 24, 80, args2);
    WAIT_STATUS(e, "match 1/2");
    WAIT_PAGE(e, 5);
    e2e_send(e, "n");
    WAIT_STATUS(e, "match 2/2");
}

/* A count before n with one match in the text stops once it is back at that match, instead
 * of going round the text a hundred million times, the CPU busy, until a key comes. */
static void test_search_count_one_match(void **state)
{
    const char *path = e2e_fixture("one.md", "# One\n\nThis word is here only once.\n");
    const char *args[] = {path, NULL};
    struct e2e *e = lees_open(state, 24, 80, args);
    long ticks;

    e2e_send(e, "/once\r");
    WAIT_STATUS(e, "match 1/1");
    e2e_send(e, "99999999n");
    usleep(200 * 1000);
    ticks = cpu_ticks_in(e2e_pid(e), 1000);
    CHECK(e, ticks >= 0 && ticks < 20,
          "the reader kept the CPU busy after 99999999n with one match");
    e2e_send(e, "/");
    WAIT_PROMPT(e, "/");
    e2e_send(e, "\x1b");
}

int group_search(void)
{
    const struct CMUnitTest tests[] = {
        E2E_TEST(test_search_incremental),
        E2E_TEST(test_search_escape_returns),
        E2E_TEST(test_search_next_previous),
        E2E_TEST(test_search_backward),
        E2E_TEST(test_search_next_from_the_page),
        E2E_TEST(test_search_escape_unpaints),
        E2E_TEST(test_search_no_color),
        E2E_TEST(test_search_case),
        E2E_TEST(test_search_folding),
        E2E_TEST(test_search_no_match),
        E2E_TEST(test_search_count_one_match),
        E2E_TEST(test_prompt_editing),
        E2E_TEST(test_prompt_history),
        E2E_TEST(test_regex_toggle),
        E2E_TEST(test_grep_option),
        E2E_TEST(test_open_at_pattern),
    };
    return cmocka_run_group_tests_name("search", tests, NULL, NULL);
}
