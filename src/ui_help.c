/*
 * ui_help.c: the help screen, every key of the reader with what it does.  Kept beside the key
 * handling in ui_pager.c; man/lees.1 carries the same table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"

static const char *const keys[][2] = {
    {"Space f PgDn ^F", "next page"},
    {"b PgUp ^B", "previous page"},
    {"j Down Enter ^N ^E", "one line down"},
    {"k Up ^P ^Y", "one line up"},
    {"d ^D", "half a page down"},
    {"u ^U", "half a page up"},
    {"g Home <", "first page"},
    {"G End >", "last page"},
    {"F", "follow the end as the text grows (a key stops)"},
    {"N g  N G", "page N (a count typed first)"},
    {":N Enter", "page N"},
    {"N%  Np", "N percent into the text"},
    {"N (before a move)", "repeat the move N times"},
    {"]", "next section"},
    {"[", "previous section (or this one's start)"},
    {"/pattern Enter", "search forward (as you type; Esc goes back)"},
    {"?pattern Enter", "search backward"},
    {"n N", "next, previous match (wraps round the text)"},
    {"Esc", "stop painting the matches (n brings them back)"},
    {"t", "table of contents"},
    {"T", "key terms: counts, glosses, occurrences"},
    {"x", "key term highlighting on or off"},
    {"M", "add a named bookmark at the top line"},
    {"m letter", "set a quick mark"},
    {"' letter", "go to a quick mark"},
    {"''", "back to where the view was before the last jump"},
    {"B", "the bookmarks: Enter goes, d deletes, r renames"},
    {"h F1", "this help"},
    {"^L", "redraw the screen"},
    {"^C", "stop a long search or count (else quit)"},
    {"Esc", "close a list or prompt; clear a count"},
    {"q Q", "quit (in a list: close it)"},
    {"", ""},
    {"At a prompt", ""},
    {"Left Right Home End", "move in the line"},
    {"Backspace Delete", "delete the character before, under the cursor"},
    {"^W ^U", "delete a word, to the start of the line"},
    {"Up Down", "earlier searches"},
    {"^R", "regular expression on or off (search)"},
    {"", ""},
    {"In the contents", ""},
    {"j k Up Down", "move"},
    {"PgUp PgDn g G", "move by page, to the ends"},
    {"Enter", "go to the section, term or occurrence"},
    {"Esc q", "close"},
};

/* The help screen. */
struct ui_view *ui_help_new(struct ui *ui)
{
    size_t n = sizeof keys / sizeof keys[0];
    struct ui_list *l = ui_list_new(n, " Keys", " Keys - j/k: scroll  Esc or q: close");

    (void)ui;
    if (l == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(keys[i][0]) + strlen(keys[i][1]) + 24;
        char *row = malloc(len);

        if (row == NULL) {
            ui_list_ops.free(&l->view);
            return NULL;
        }
        /* Keys in a column of their own, so the descriptions line up. */
        snprintf(row, len, "%-20s %s", keys[i][0], keys[i][1]);
        l->rows[i].left = row;
    }
    return &l->view;
}
