/* Key terms: highlighted in the text (a colour each, or bold and underlined without colours),
 * x to turn that off, the T list with counts and glosses, occurrences, --terms, terms files
 * and -t. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#define TERM_ROW_TEXT "Burgemeester Somers over het"
#define FIRST_TERM "inclusieve beleid"

static bool cell_fg_166(const VTermScreenCell *c)
{
    return VTERM_COLOR_IS_INDEXED(&c->fg) && c->fg.indexed.idx == 166;
}

static bool cell_fg_default(const VTermScreenCell *c)
{
    return VTERM_COLOR_IS_DEFAULT_FG(&c->fg);
}

static bool cell_fg_coloured(const VTermScreenCell *c)
{
    return !VTERM_COLOR_IS_DEFAULT_FG(&c->fg);
}

static bool cell_bold_underline(const VTermScreenCell *c)
{
    return c->attrs.bold && c->attrs.underline;
}

static bool cell_no_underline(const VTermScreenCell *c)
{
    return !c->attrs.underline;
}

/* The cells of needle on the screen (first place) all pass pred, and so do the cells of
 * before and after it (its neighbours on the row) pass nbr, when given. */
struct term_look {
    const char *needle;
    bool (*pred)(const VTermScreenCell *);
    const char *neighbour;
    bool (*nbr)(const VTermScreenCell *);
};

static bool cond_term_look(struct e2e *e, void *arg)
{
    struct term_look *t = arg;
    int row, col, ncol;
    if (!e2e_find(e, t->needle, &row, &col) ||
        !cells_all(e, row, col, cells_of(t->needle), t->pred))
        return false;
    if (!t->neighbour)
        return true;
    ncol = e2e_find_in_row(e, row, t->neighbour, 0);
    return ncol >= 0 && cells_all(e, row, ncol, cells_of(t->neighbour), t->nbr);
}

static bool wait_look(struct e2e *e, const char *needle, bool (*pred)(const VTermScreenCell *),
                      const char *neighbour, bool (*nbr)(const VTermScreenCell *))
{
    struct term_look t = {needle, pred, neighbour, nbr};
    return e2e_wait(e, cond_term_look, &t, T_WAIT);
}

static bool no_colour_anywhere(struct e2e *e)
{
    for (int r = 0; r < e2e_rows(e); r++)
        if (!cells_all(e, r, 0, e2e_cols(e), cell_default_colours))
            return false;
    return true;
}

/* The first term on the first screen is in colour 166, its neighbours in the default. */
static void test_term_colour(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    WAIT_TEXT(e, TERM_ROW_TEXT " " FIRST_TERM);
    CHECK(e, wait_look(e, FIRST_TERM, cell_fg_166, TERM_ROW_TEXT, cell_fg_default),
          "\"%s\" should be in colour 166 (256 colours), \"%s\" before it in the default",
          FIRST_TERM, TERM_ROW_TEXT);
    CHECK(e, wait_look(e, FIRST_TERM, cell_fg_166, "in zijn stad", cell_fg_default),
          "the text after the term, \"in zijn stad\", is coloured too");
    /* Plain text is not coloured: the lede's start. */
    CHECK(e, wait_look(e, INTERVIEW_LEDE, cell_default_colours, NULL, NULL),
          "the lede, which holds no term, is coloured");
}

/* NO_COLOR or --no-color: no colour anywhere; terms are bold and underlined. */
static void test_term_no_color(void **state)
{
    const char *env[] = {"NO_COLOR=1", NULL};
    for (int i = 0; i < 2; i++) {
        const char *args[] = {"--no-color", NULL};
        struct e2e *e =
            i == 0 ? lees_open_env(state, 24, 80, NULL, env) : lees_open(state, 24, 80, args);
        const char *how = i == 0 ? "NO_COLOR=1" : "--no-color";
        WAIT_TEXT(e, TERM_ROW_TEXT " " FIRST_TERM);
        CHECK(e, wait_look(e, FIRST_TERM, cell_bold_underline, TERM_ROW_TEXT, cell_no_underline),
              "%s: \"%s\" should be bold and underlined, \"%s\" not underlined", how, FIRST_TERM,
              TERM_ROW_TEXT);
        CHECK(e, no_colour_anywhere(e), "%s: a cell on the screen has a colour", how);
        e2e_send(e, " ");
        WAIT_PAGE(e, 2);
        CHECK(e,
              wait_look(e, "tewerkstelling", cell_bold_underline, "Toegesplitst op",
                        cell_no_underline),
              "%s: the term \"tewerkstelling\" on page 2 is not bold and underlined", how);
        CHECK(e, no_colour_anywhere(e), "%s: a cell on page 2 has a colour", how);
    }
}

/* x turns the highlighting off, with a notice, and on again. */
static void test_term_toggle(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);
    CHECK(e, wait_look(e, FIRST_TERM, cell_fg_166, NULL, NULL), "\"%s\" is not in colour 166",
          FIRST_TERM);
    e2e_send(e, "x");
    WAIT_STATUS(e, "Key terms not highlighted");
    CHECK(e, wait_look(e, FIRST_TERM, cell_fg_default, NULL, NULL),
          "after x \"%s\" is still coloured", FIRST_TERM);
    e2e_send(e, " ");
    WAIT_PAGE(e, 2);
    CHECK(e, wait_look(e, "tewerkstelling", cell_fg_default, NULL, NULL),
          "after x a term on the next page is coloured");
    e2e_send(e, "b");
    WAIT_PAGE(e, 1);
    e2e_send(e, "x");
    CHECK(e, wait_look(e, FIRST_TERM, cell_fg_166, NULL, NULL),
          "a second x did not colour \"%s\" again", FIRST_TERM);
    WAIT_NO_TEXT(e, "Key terms not highlighted");
}

/* The row of a list holding text, or -1. */
static int list_row(struct e2e *e, const char *text)
{
    return text_row_of(e, text);
}

/* The number a row ends with, or -1. */
static int row_end_number(struct e2e *e, int row)
{
    char *s = e2e_row(e, row);
    size_t n = strlen(s), d = n;
    while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9')
        d--;
    int v = d < n && d > 0 && s[d - 1] == ' ' ? atoi(s + d) : -1;
    free(s);
    return v;
}

#define WAIT_SELECTED(e, text)                                                                     \
    CHECK(e, e2e_wait(e, cond_selected_holds, (void *)(text), T_WAIT),                             \
          "waited in vain for the selected row to hold \"%s\"", (text))

/* T: each term with its count at the right; the selected term's gloss and counts below. */
static void test_terms_list(void **state)
{
    static const struct {
        const char *term;
        int count;
    } terms[] = {{"inclusief beleid", 3}, {"sociale economie", 10}, {"tewerkstelling", 7}};
    struct e2e *e = lees_open(state, 30, 100, NULL);
    e2e_send(e, "3g");
    WAIT_PAGE(e, 3);
    e2e_send(e, "T");
    CHECK(e, e2e_wait(e, cond_row0, "Key terms", T_WAIT), "T did not open \" Key terms\"");
    int right = -1;
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
        int row = list_row(e, terms[i].term);
        CHECK(e, row > 0, "the key terms do not list \"%s\"", terms[i].term);
        CHECK(e, row_end_number(e, row) == terms[i].count,
              "\"%s\" should end its row with its count, %d", terms[i].term, terms[i].count);
        int end = row_last_col(e, row), start = e2e_find_in_row(e, row, terms[i].term, 0);
        CHECK(e, right < 0 || end == right, "the counts are not aligned at the right (%d, %d)",
              right, end);
        CHECK(e, end - (start + cells_of(terms[i].term)) > 20,
              "the count of \"%s\" is not at the right, apart from the term", terms[i].term);
        right = end;
    }
    WAIT_SELECTED(e, "inclusief beleid");
    int last = list_row(e, "Groep Mechelen");
    CHECK(e, last > 0, "the key terms do not list \"Groep Mechelen\"");
    int gloss = text_row_of(e, "beleid dat kansen schept voor elke inwoner");
    CHECK(e, gloss > last, "the gloss of the selected term is not shown below the list");
    static const char *const counts[] = {"Handen in elkaar voor een aanklappende aanpak: 1",
                                         "Kansen voor elke Mechelaar: 1", "Diversiteit omarmen: 1"};
    for (int i = 0; i < 3; i++) {
        int row = text_row_of(e, counts[i]);
        CHECK(e, row > gloss,
              "the counts per section of \"inclusief beleid\" should show \"%s\" below the "
              "gloss",
              counts[i]);
    }
    e2e_send(e, "j");
    WAIT_SELECTED(e, "kansengroepen");
    WAIT_TEXT(e, "groepen met minder kansen op werk");
    WAIT_NO_TEXT(e, "beleid dat kansen schept voor elke inwoner");
    e2e_send(e, "jjjj");
    WAIT_SELECTED(e, "lokale diensteneconomie");
    WAIT_TEXT(e, "lokale diensten (zoals fietsherstel of buurtwerk)");
    WAIT_TEXT(e, "Drie actiedomeinen: 1");
    long long t0 = e2e_now_ms();
    e2e_key_esc(e);
    CHECK(e, e2e_wait(e, cond_not_row0, "Key terms", T_FAST), "Esc did not close the key terms");
    CHECK(e, wait_page(e, 3, T_FAST), "after Esc the reader is not back on page 3");
    CHECK(e, e2e_now_ms() - t0 < T_FAST, "Esc was slow to close the key terms");
    WAIT_TOP(e, interview_sections[1]);
}

/* Enter on a term lists its occurrences, Esc goes back, Enter on one jumps there and closes
 * both lists. */
static void test_terms_occurrences(void **state)
{
    struct e2e *e = lees_open(state, 30, 100, NULL);
    e2e_send(e, "T");
    CHECK(e, e2e_wait(e, cond_row0, "Key terms", T_WAIT), "T did not open \" Key terms\"");
    WAIT_SELECTED(e, "inclusief beleid");
    e2e_key_enter(e);
    CHECK(e, e2e_wait(e, cond_row0, "inclusief beleid", T_WAIT),
          "Enter on \"inclusief beleid\" did not list its occurrences");
    static const int pages[] = {1, 2, 5};
    int rows[3];
    for (int i = 0; i < 3; i++) {
        CHECK(e, find_nth(e, "beleid", i + 1, &rows[i], NULL),
              "occurrence %d of \"inclusief beleid\" is not listed", i + 1);
        char want[16];
        snprintf(want, sizeof want, "p. %d", pages[i]);
        int at = e2e_find_in_row(e, rows[i], want, 0);
        CHECK(e, at >= 0 && row_last_col(e, rows[i]) == at + (int)strlen(want) - 1,
              "occurrence %d should end its row with \"%s\"", i + 1, want);
        int tc = e2e_find_in_row(e, rows[i], "inclusie", 0);
        CHECK(e, tc >= 0 && cells_all(e, rows[i], tc, 16, cell_bold_underline),
              "the term is not marked (bold, underlined) in occurrence %d", i + 1);
        CHECK(e, cells_all(e, rows[i], tc - 4, 3, cell_no_underline),
              "the text before the term in occurrence %d is marked too", i + 1);
    }
    CHECK(e, !find_nth(e, "beleid", 4, NULL, NULL), "more than three occurrences are listed");
    e2e_key_esc(e);
    CHECK(e, e2e_wait(e, cond_row0, "Key terms", T_FAST),
          "Esc in the occurrences did not go back to the key terms");
    WAIT_SELECTED(e, "inclusief beleid");
    e2e_key_enter(e);
    CHECK(e, e2e_wait(e, cond_row0, "inclusief beleid", T_WAIT),
          "Enter did not list the occurrences again");
    e2e_send(e, "jj");
    CHECK(e, e2e_wait(e, cond_selected_holds, "p. 5", T_WAIT),
          "jj did not select the third occurrence");
    e2e_key_enter(e);
    CHECK(e, wait_page(e, 5, T_WAIT), "Enter on the occurrence on p. 5 did not go to page 5");
    WAIT_TOP(e, interview_sections[3]);
    CHECK(e, !e2e_find(e, "Key terms", NULL, NULL) && !e2e_find(e, "Occurrences", NULL, NULL),
          "a list is still drawn");
    /* Both lists are closed: Esc and Space act on the page. */
    e2e_send(e, " ");
    WAIT_PAGE(e, 6);
}

/* --terms: "term TAB count TAB gloss", then a line for each section the term is in. */
static void test_terms_option(void **state)
{
    (void)state;
    struct piped r;
    const char *args[] = {"--terms", NULL};
    piped_run(&r, args, NULL, NULL);
    CHECK_PIPED(&r, r.code == 0, "--terms: exit status %d", r.code);
    CHECK_PIPED(&r, !strchr(r.out, '\033'), "--terms: an escape byte in the output");
    CHECK_PIPED(&r, strstr(r.out, "inclusief beleid\t3\tbeleid dat kansen schept") == r.out,
                "--terms should start with \"inclusief beleid<TAB>3<TAB>gloss\"");
    CHECK_PIPED(&r, strstr(r.out, "\nsociale economie\t10\t") != NULL,
                "no line \"sociale economie<TAB>10<TAB>...\"");
    CHECK_PIPED(&r, strstr(r.out, "\ntewerkstelling\t7\t") != NULL,
                "no line \"tewerkstelling<TAB>7<TAB>...\"");
    /* The section lines under each term add up to its count. */
    int terms = 0, total = -1, sum = 0;
    for (const char *line = r.out; *line;) {
        const char *nl = strchr(line, '\n');
        CHECK_PIPED(&r, nl != NULL, "the last line has no newline");
        int len = (int)(nl - line);
        const char *tab = memchr(line, '\t', (size_t)len);
        if (line[0] != ' ') {
            CHECK_PIPED(&r, total < 0 || sum == total,
                        "the sections of term %d add up to %d, not its count %d", terms, sum,
                        total);
            CHECK_PIPED(&r, tab && memchr(tab + 1, '\t', (size_t)(nl - tab - 1)),
                        "a term line without two tabs: \"%.*s\"", len, line);
            total = atoi(tab + 1);
            sum = 0;
            terms++;
        } else {
            CHECK_PIPED(&r, tab != NULL, "a section line without a tab: \"%.*s\"", len, line);
            sum += atoi(tab + 1);
        }
        line = nl + 1;
    }
    CHECK_PIPED(&r, sum == total, "the sections of the last term add up to %d, not %d", sum, total);
    CHECK_PIPED(&r, terms == 9, "%d terms, not the 9 of the interview", terms);
    CHECK_PIPED(&r, strstr(r.out, "\n    Drie actiedomeinen\t3\n") != NULL,
                "no section line \"    Drie actiedomeinen<TAB>3\" (sociale economie)");
    piped_free(&r);
}

/* NAME.terms beside NAME.md is read; a bad line is reported with its file and line, and the
 * other terms still work; -t adds one. */
static const char fruit_md[] = "# Fruit\n\nThe appel and the peer lie beside the banaan.\n\n"
                               "More appel here, and a kiwi.\n";
static const char fruit_terms[] = "appel = a round fruit\n = a gloss with no term\nbanaan\n";

static void test_terms_file(void **state)
{
    const char *md = e2e_fixture("fruit.md", fruit_md);
    const char *tf = e2e_fixture("fruit.terms", fruit_terms);
    struct piped r;
    const char *args[] = {"--terms", "-t", "peer", md, NULL};
    piped_run(&r, args, NULL, NULL);
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "lees: %s:2: ", tf);
    CHECK_PIPED(&r,
                strncmp(r.err, prefix, strlen(prefix)) == 0 && strlen(r.err) > strlen(prefix) + 1,
                "the bad line should be reported as \"%s<message>\"", prefix);
    CHECK_PIPED(&r, strchr(r.err, '\n') == r.err + strlen(r.err) - 1,
                "more than the one line on stderr");
    CHECK_PIPED(&r, r.code == 0, "--terms with a bad terms line: exit status %d", r.code);
    CHECK_PIPED(&r, strstr(r.out, "appel\t2\ta round fruit\n") != NULL,
                "the term before the bad line is missing: \"appel<TAB>2<TAB>a round fruit\"");
    CHECK_PIPED(&r, strstr(r.out, "banaan\t1") != NULL, "the term after the bad line is missing");
    CHECK_PIPED(&r, strstr(r.out, "peer\t1") != NULL, "the term of -t is missing");
    CHECK_PIPED(&r, strstr(r.out, "kiwi") == NULL, "kiwi is no term");
    piped_free(&r);

    const char *args2[] = {"-t", "peer", md, NULL};
    struct e2e *e = lees_open(state, 12, 80, args2);
    WAIT_TEXT(e, "The appel and the peer lie beside the banaan.");
    static const char *const terms[] = {"appel", "peer", "banaan"};
    for (int i = 0; i < 3; i++)
        CHECK(e, wait_look(e, terms[i], cell_fg_coloured, NULL, NULL),
              "the term \"%s\" is not coloured", terms[i]);
    CHECK(e,
          wait_look(e, "kiwi", cell_fg_default, "More", cell_fg_default) &&
              wait_look(e, "lie beside the", cell_fg_default, NULL, NULL),
          "words that are no terms are coloured");
    e2e_send(e, "T");
    CHECK(e, e2e_wait(e, cond_row0, "Key terms", T_WAIT), "T did not open \" Key terms\"");
    CHECK(e, list_row(e, "appel") > 0 && list_row(e, "banaan") > 0 && list_row(e, "peer") > 0,
          "the key terms do not list appel, banaan and peer");
    CHECK(e, row_end_number(e, list_row(e, "appel")) == 2, "appel should be counted twice");
}

/* A gloss longer than the row wraps at a space over the rows under the list, to its last
 * word, instead of being cut in the middle of one. */
static void test_terms_gloss_wraps(void **state)
{
    struct e2e *e = lees_open(state, 24, 80, NULL);

    e2e_send(e, "T");
    WAIT_TEXT(e, "kansengroepen");
    e2e_send(e, "j");
    WAIT_TEXT(e, "groepen met minder kansen op werk");
    WAIT_TEXT(e, "met een handicap");
    CHECK(e, text_row_of(e, "mensen me") < 0 || text_row_of(e, "mensen met") >= 0,
          "the gloss is cut in the middle of a word");
}

int group_terms(void)
{
    const struct CMUnitTest tests[] = {
        E2E_TEST(test_term_colour), E2E_TEST(test_term_no_color),     E2E_TEST(test_term_toggle),
        E2E_TEST(test_terms_list),  E2E_TEST(test_terms_occurrences), E2E_TEST(test_terms_option),
        E2E_TEST(test_terms_file),  E2E_TEST(test_terms_gloss_wraps),
    };
    return cmocka_run_group_tests_name("terms", tests, NULL, NULL);
}
