/* A long text: a generated 20 MB book of the interview's paragraphs opens at once, goes to its
 * end and finds its last word, with the screen answering keys all the while.  (How fast is
 * measured by bench/, never here: this checks that it works.) */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG_BYTES (20u << 20)
#define T_BIG 10000 /* reading 20 MB once, under a sanitizer too */

/* The interview's paragraphs (its lines that are not headings), as one block of text. */
static char *interview_body(size_t *len)
{
    size_t n;
    char *text = slurp(INTERVIEW_FILE, &n), *body = malloc(n + 1);
    size_t out = 0;

    if (text == NULL || body == NULL)
        abort();
    for (char *line = text; line < text + n;) {
        char *nl = memchr(line, '\n', (size_t)(text + n - line));
        size_t k = nl ? (size_t)(nl - line) + 1 : (size_t)(text + n - line);
        if (line[0] != '#') {
            memcpy(body + out, line, k);
            out += k;
        }
        line += k;
    }
    free(text);
    *len = out;
    return body;
}

/* "# Een groot boek", then sections "## Deel N" of the paragraphs, then "## Slot" with the only
 * "slotwoord" of the text. */
static const char *big_book(void)
{
    static const char *path;
    size_t blen, len = 0, cap = BIG_BYTES + 65536;
    char *body, *text;
    int part = 0;

    if (path != NULL)
        return path;
    body = interview_body(&blen);
    text = malloc(cap + 1);
    if (text == NULL)
        abort();
    len += (size_t)snprintf(text, cap, "# Een groot boek\n\n");
    while (len + blen + 64 < BIG_BYTES) {
        len += (size_t)snprintf(text + len, cap - len, "## Deel %d\n\n", ++part);
        memcpy(text + len, body, blen);
        len += blen;
        text[len++] = '\n';
    }
    len += (size_t)snprintf(text + len, cap - len, "## Slot\n\nHet laatste woord: slotwoord.\n");
    path = e2e_fixture_bytes("groot-boek.md", text, len);
    free(text);
    free(body);
    return path;
}

/* A key term of the big book, in the terms file beside it (read when lees opens the book). */
static void big_book_terms(void)
{
    e2e_fixture("groot-boek.terms", "kansengroepen = groepen met minder kansen op werk\n");
}

static void test_big_text_end_and_search(void **state)
{
    const char *args[] = {big_book(), NULL};
    struct e2e *e = lees_open(state, 24, 80, args);

    WAIT_TEXT(e, "Een groot boek");
    CHECK(e, e2e_wait_row_contains(e, -1, "Een groot boek", T_WAIT),
          "the title (the first heading) is on the status line");
    e2e_send(e, " ");
    WAIT_TEXT(e, "Deel 1");
    /* G: the last page, its last line the last line of the text. */
    e2e_send(e, "G");
    CHECK(e, e2e_wait_text(e, "slotwoord", T_BIG), "G shows the end of a 20 MB text");
    CHECK(e, e2e_wait_row_contains(e, -1, "Slot", T_WAIT), "the section at the end is named");
    /* Back to the top, and a search for the word that stands only at the very end. */
    e2e_send(e, "g");
    WAIT_TEXT(e, "Een groot boek");
    e2e_send(e, "/slotwoord\r");
    CHECK(e, e2e_wait_text(e, "Het laatste woord", T_BIG), "a search finds the last word");
    CHECK(e, e2e_wait_row_contains(e, -1, "1/1", T_BIG), "it is the only match: 1/1");
    /* Keys still answer: a page back from the end. */
    e2e_send(e, "b");
    WAIT_NO_TEXT(e, "Het laatste woord");
    WAIT_STATUS(e, "page ");
    e2e_send(e, "q");
}

/* Row 0 no longer holds ARG. */
static bool row_zero_lacks(struct e2e *e, void *arg)
{
    char *row = e2e_row(e, 0);
    bool lacks = strstr(row, arg) == NULL;

    free(row);
    return lacks;
}

/* The text above the status line. */
static char *text_rows(struct e2e *e)
{
    size_t cap = 64 * 1024, n = 0;
    char *all = malloc(cap);

    if (all == NULL)
        abort();
    all[0] = '\0';
    for (int r = 0; r < e2e_rows(e) - 1; r++) {
        char *row = e2e_row(e, r);
        n += (size_t)snprintf(all + n, n < cap ? cap - n : 0, "%s\n", row);
        free(row);
    }
    return all;
}

/* G typed before the first screen is up, so it comes before the text has been looked through
 * to its end: the last page is found from near the end, and it is the text's own last page (a
 * line up and back down, moved by the text's own pages, shows the same). */
static void test_big_text_end_at_once(void **state)
{
    const char *argv[] = {"lees", big_book(), NULL};
    struct e2e *e = lees_spawn(state, 24, 80, argv, NULL);
    char *at_once, *again;

    e2e_set_settle(e, 0);
    e2e_send(e, "G");
    CHECK(e, e2e_wait_text(e, "slotwoord", T_BIG), "G at once shows the end of a 20 MB text");
    at_once = text_rows(e); /* before the scan from the top can have replaced it */
    CHECK(e, e2e_wait_row_contains(e, -1, "Slot", T_WAIT), "the section at the end is named");
    WAIT_STATUS(e, "100%");
    e2e_send(e, "k");
    CHECK(e, e2e_wait_row_contains(e, 1, "Slot", T_BIG), "k moves the last page a line down");
    e2e_send(e, "j");
    CHECK(e, e2e_wait_row_contains(e, 0, "Slot", T_WAIT), "j moves it back");
    again = text_rows(e);
    CHECK(e, strcmp(at_once, again) == 0, "the last page at once:\n%s\nand the text's own:\n%s",
          at_once, again);
    free(at_once);
    free(again);
    e2e_send(e, "q");
}

/* The total count of the selected term, as the key terms panel shows it: "N" once all counted. */
static bool panel_count_final(struct e2e *e, void *arg)
{
    char *row = e2e_row(e, 1);
    size_t len = strlen(row);
    bool final =
        len > 0 && strstr(row, "kansengroepen") != NULL && strstr(row, "\xe2\x80\xa6") == NULL;

    if (final)
        *(long *)arg = strtol(row + strcspn(row, "0123456789"), NULL, 10);
    free(row);
    return final;
}

/* Enter on a key term before the idle counting has gone through a 20 MB text: the terms are
 * counted through the rest first (the panel says so, and a key would stop it), and the
 * occurrences list has every occurrence, as many as the panel then counts. */
static void test_big_text_occurrences_at_once(void **state)
{
    const char *argv[] = {"lees", big_book(), NULL};
    struct e2e *e;
    long total = -1;
    int shown = -1;
    char *status;

    big_book_terms();
    e = lees_spawn(state, 24, 80, argv, NULL);
    e2e_send(e, "T");
    CHECK(e, e2e_wait_text(e, "Key terms", T_BIG), "T opens the key terms panel");
    e2e_send(e, "\r");
    CHECK(e, e2e_wait_text(e, "Occurrences", T_BIG), "Enter opens the occurrences");
    status = e2e_row(e, -1);
    if (strrchr(status, '/') != NULL)
        shown = atoi(strrchr(status, '/') + 1);
    free(status);
    e2e_key_esc(e);
    CHECK(e, e2e_wait(e, panel_count_final, &total, T_BIG), "the panel shows the final count");
    CHECK(e, shown == total && total > 1000, "the occurrences list has %d rows, the count is %ld",
          shown, total);
    e2e_send(e, "q");
}

/* A key pressed while the terms are being counted for the occurrences list stops the count and
 * is read: Esc closes the panel at once, where the count of 20 MB used to run to its end first
 * (and Esc then closed the occurrences list it had made). */
static void test_big_text_counting_gives_way(void **state)
{
    const char *argv[] = {"lees", big_book(), NULL};
    struct e2e *e;

    big_book_terms();
    e = lees_spawn(state, 24, 80, argv, NULL);
    e2e_send(e, "T\r"); /* all typed before the first screen: Esc waits behind Enter */
    e2e_key_esc(e);
    WAIT_STATUS(e, "page ");
    CHECK(e, e2e_wait_no_text(e, "Key terms", T_WAIT), "Esc closed the panel");
    CHECK(e, !e2e_find(e, "Occurrences", NULL, NULL), "no occurrences list was made");
    e2e_send(e, "q");
}

/* A page number on a long text counts the pages only as far as that page (5G laid out all of
 * 20 MB first), and a key stops a longer count and is read: 9000G then j stays near the top. */
static void test_big_text_page_number(void **state)
{
    const char *argv[] = {"lees", big_book(), NULL};
    struct e2e *e = lees_spawn(state, 24, 80, argv, NULL);

    e2e_send(e, "9000Gj"); /* all typed before the first screen: j waits behind G */
    WAIT_STATUS(e, "page 1/");
    CHECK(e, e2e_wait_no_text(e, "Counting the pages", T_WAIT), "the count stopped");
    e2e_send(e, "5G");
    WAIT_STATUS(e, "page 5/");
    e2e_send(e, "q");
}

/* 50% on a long text just opened shows its middle at once: the sections above it are found at
 * memchr speed, and nothing is laid out but the page shown. */
static void test_big_text_percent(void **state)
{
    const char *argv[] = {"lees", big_book(), NULL};
    struct e2e *e = lees_spawn(state, 24, 80, argv, NULL);
    char *row;
    const char *deel;

    WAIT_STATUS(e, "0%");
    e2e_send(e, "50%");
    WAIT_STATUS(e, "50%");
    WAIT_NO_TEXT(e, "Finding the sections"); /* its progress says 50% too, on a slow machine */
    row = e2e_row(e, -1);
    CHECK(e, strstr(row, "50%") != NULL, "the status line does not say 50%%: %s", row);
    deel = strstr(row, "Deel ");
    /* About 5900 parts of the interview: the middle one, not one near the top. */
    CHECK(e, deel != NULL && atoi(deel + 5) > 2000, "50%% of the big book is not its middle: %s",
          row);
    free(row);
    e2e_send(e, "q");
}

/* The bookmarks list of a long text just opened shows "p. ?" for a mark whose page is not
 * counted yet: it laid out everything above the mark first (the whole 20 MB for one at the
 * end) before the list could open. */
static void test_big_text_bookmarks_at_once(void **state)
{
    char path[4096];
    const char *argv[] = {"lees", "--state", path, big_book(), NULL};
    struct e2e *e;
    int status;

    snprintf(path, sizeof path, "%s/groot-boek.state", e2e_fixture_dir());
    e = lees_spawn(state, 24, 80, argv, NULL);
    e2e_send(e, "Gma");
    CHECK(e, e2e_wait_text(e, "slotwoord", T_BIG), "G shows the end");
    WAIT_STATUS(e, "'a");
    e2e_send(e, "q");
    CHECK(e, e2e_wait_exit(e, T_BIG, &status), "q did not quit");
    e = lees_spawn(state, 24, 80, argv, NULL);
    e2e_send(e, "B"); /* typed before the first screen: before any page is counted */
    CHECK(e, e2e_wait_text(e, "Bookmarks", T_BIG), "B opens the bookmarks");
    CHECK(e, e2e_wait_text(e, "p. ?", T_WAIT), "the mark's page is not counted yet: p. ?");
    e2e_send(e, "q");
}

/* n to a match 20 MB away gives way to a key typed after it: j is read at once (the page moves a
 * line, the search has not jumped), and n again goes on and finds the match. */
static void test_big_text_n_gives_way(void **state)
{
    const char *args[] = {big_book(), NULL};
    struct e2e *e = lees_open(state, 24, 80, args);

    WAIT_TEXT(e, "Een groot boek");
    e2e_send(e, "/slotwoord\r");
    CHECK(e, e2e_wait_text(e, "Het laatste woord", T_BIG), "the search finds the last word");
    e2e_send(e, "g");
    CHECK(e, e2e_wait_row_contains(e, 0, "Een groot boek", T_WAIT), "g goes back to the top");
    e2e_send(e, "nj"); /* one write: j is waiting when n begins */
    CHECK(e, e2e_wait(e, row_zero_lacks, "Een groot boek", T_BIG), "j moved the page a line");
    CHECK(e, !e2e_find(e, "Het laatste woord", NULL, NULL), "n went on to the match");
    WAIT_STATUS(e, "page 1/");
    e2e_send(e, "n");
    CHECK(e, e2e_wait_text(e, "Het laatste woord", T_BIG), "n again finds the last word");
    WAIT_STATUS(e, "1/1");
    e2e_send(e, "q");
}

/* Enter on a word that is not in 20 MB: the look for a near word says so while it reads the
 * text, and a key stops it (the notice goes, the key is read); without a key it ends in "did
 * you mean". */
static void test_big_text_suggestion_gives_way(void **state)
{
    const char *args[] = {big_book(), NULL};
    struct e2e *e = lees_open(state, 24, 80, args);

    WAIT_TEXT(e, "Een groot boek");
    e2e_send(e, "/slotwoordx\r");
    WAIT_STATUS(e, "looking for a near word");
    e2e_send(e, "j");
    CHECK(e, e2e_wait(e, row_zero_lacks, "Een groot boek", T_WAIT), "j moved the page a line");
    CHECK(e, !e2e_find(e, "did you mean", NULL, NULL), "the look went on after j");
    CHECK(e, !e2e_find(e, "looking for", NULL, NULL), "the notice stayed");
    e2e_send(e, "/slotwoordx\r");
    CHECK(e, e2e_wait_row_contains(e, -1, "did you mean slotwoord?", T_BIG),
          "without a key the look ends in a suggestion");
    e2e_send(e, "q");
}

/* Ctrl-C while the look for a near word reads the text stops it, and only that: the reader goes
 * on (Ctrl-C on the page, with no work to stop, quits). */
static void test_big_text_ctrl_c_stops_work(void **state)
{
    const char *args[] = {big_book(), NULL};
    struct e2e *e = lees_open(state, 24, 80, args);
    int status;

    WAIT_TEXT(e, "Een groot boek");
    e2e_send(e, "/slotwoordx\r");
    WAIT_STATUS(e, "looking for a near word");
    e2e_send(e, "\003");
    WAIT_STATUS(e, "Stopped");
    CHECK(e, !e2e_exited(e, NULL), "Ctrl-C during the look quit the reader");
    e2e_send(e, " ");
    WAIT_STATUS(e, "page 2/");
    e2e_send(e, "\003");
    CHECK(e, e2e_wait_exit(e, T_WAIT, &status), "Ctrl-C on the page did not quit");
}

/* The contents of a 20 MB text open at once, before its sections have all been found: the count
 * says "…" while they come in (found while idle), then the whole count, one row per heading. */
static void test_big_text_contents_at_once(void **state)
{
    const char *argv[] = {"lees", big_book(), NULL};
    size_t len;
    char *text = slurp(big_book(), &len), want[32];
    long headings = 0;
    struct e2e *e;

    for (size_t i = 0; i < len; i++)
        headings += text[i] == '#' && (i == 0 || text[i - 1] == '\n');
    free(text);
    e = lees_spawn(state, 24, 80, argv, NULL);
    e2e_send(e, "t"); /* typed before the first screen: before the sections are looked for */
    CHECK(e, e2e_wait_text(e, "Contents", T_BIG), "t opens the contents");
    snprintf(want, sizeof want, "1/%ld ", headings);
    CHECK(e, e2e_wait_row_contains(e, -1, want, T_BIG), "the contents end up with %ld rows",
          headings);
    CHECK(e, e2e_output_has(e, "\xe2\x80\xa6", 3), "the count said \"…\" while it grew");
    e2e_send(e, "G");
    snprintf(want, sizeof want, "%ld/", headings);
    WAIT_STATUS(e, want);
    CHECK(e, e2e_find(e, "Slot", NULL, NULL), "the last row is the last section");
    e2e_send(e, "\r");
    CHECK(e, e2e_wait_text(e, "Het laatste woord", T_BIG), "Enter goes to it");
    e2e_send(e, "q");
}

/* The terminal closing while the look for a near word reads 20 MB (a dropped link): lees stops
 * the look, saves its place and exits at once, not after reading on to the end. */
static void test_big_text_hangup_during_work(void **state)
{
    const char *dir;
    const char *env[] = {state_home_env(&dir), NULL};
    const char *args[] = {big_book(), NULL};
    struct e2e *e = lees_open_env(state, 24, 80, args, env);
    int status = -1;
    long long t0;

    WAIT_TEXT(e, "Een groot boek");
    e2e_send(e, "5g");
    WAIT_STATUS(e, "page 5/");
    e2e_send(e, "/slotwoordx\r");
    WAIT_STATUS(e, "looking for a near word");
    t0 = e2e_now_ms();
    e2e_hangup(e);
    CHECK(e, e2e_wait_exit(e, T_WAIT, &status), "lees did not exit after the hangup");
    CHECK(e, e2e_now_ms() - t0 <= 2000, "lees took %lld ms to exit", e2e_now_ms() - t0);
    e = lees_open_env(state, 24, 80, args, env);
    CHECK(e, e2e_wait_row_contains(e, -1, "page 5/", T_BIG), "reopened, it is not on page 5");
    e2e_send(e, "q");
}

/* A 20 MB log: no headings, so its last page is found from its last part, cut where the scan
 * from the top cuts it; G typed at once shows it, and k typed with it waits for the text's own
 * last page (the line above the last page, not the first). */
static void test_big_log_end_at_once(void **state)
{
    static const char *path;
    const char *argv[] = {"lees", NULL, NULL};
    struct e2e *e;
    char *row;

    if (path == NULL) {
        size_t cap = BIG_BYTES + 128, len = 0;
        char *text = malloc(cap);
        if (text == NULL)
            abort();
        for (long i = 1; len + 128 < BIG_BYTES; i++)
            len += (size_t)snprintf(text + len, cap - len,
                                    "2026-11-29 12:00:00 INFO worker-%02ld request %09ld ok\n",
                                    i % 16, i);
        len += (size_t)snprintf(text + len, cap - len, "2026-11-29 13:00:00 INFO laatste regel\n");
        path = e2e_fixture_bytes("groot.log", text, len);
        free(text);
    }
    argv[1] = path;
    e = lees_spawn(state, 24, 80, argv, NULL);
    e2e_send(e, "Gk");
    CHECK(e, e2e_wait_text(e, "laatste regel", T_BIG), "G shows the last line of a 20 MB log");
    WAIT_STATUS(e, "page ");
    row = e2e_row(e, 0);
    CHECK(e, strstr(row, "request 000000001 ") == NULL, "k went up from the first page");
    free(row);
    e2e_send(e, "g");
    CHECK(e, e2e_wait_row_contains(e, 0, "request 000000001 ", T_WAIT), "g goes back to the top");
    e2e_send(e, "q");
    /* After a search the last page is not read from the end (its matches are placed in the
     * whole text): the sections are found to the end first, and k still waits for that. */
    e = lees_spawn(state, 24, 80, argv, NULL);
    e2e_send(e, "/request 000000002 \rGk");
    CHECK(e, e2e_wait_text(e, "laatste regel", T_BIG), "G after a search shows the last line");
    WAIT_STATUS(e, "match 1/");
    row = e2e_row(e, 0);
    CHECK(e, strstr(row, "request 000000002 ") == NULL, "k went up from the match");
    free(row);
    e2e_send(e, "q");
}

int group_big(void)
{
    const struct CMUnitTest tests[] = {
        E2E_TEST(test_big_text_end_and_search),       E2E_TEST(test_big_text_end_at_once),
        E2E_TEST(test_big_text_occurrences_at_once),  E2E_TEST(test_big_text_counting_gives_way),
        E2E_TEST(test_big_text_page_number),          E2E_TEST(test_big_text_percent),
        E2E_TEST(test_big_text_bookmarks_at_once),    E2E_TEST(test_big_text_n_gives_way),
        E2E_TEST(test_big_text_suggestion_gives_way), E2E_TEST(test_big_text_ctrl_c_stops_work),
        E2E_TEST(test_big_text_contents_at_once),     E2E_TEST(test_big_text_hangup_during_work),
        E2E_TEST(test_big_log_end_at_once),
    };
    return cmocka_run_group_tests_name("a long text", tests, NULL, NULL);
}
