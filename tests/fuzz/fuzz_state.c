/*
 * fuzz_state.c: libFuzzer target for the state-file parser.  Whatever the bytes, parsing ends
 * in a result and never crashes; what was read of a file (whole, or salvaged from a damaged
 * one) is written back, and what is written parses again, cleanly, to the very same text (a
 * round trip that loses nothing).  Then each text line of what was written is damaged in the
 * two ways a file loses one (its keyword broken, its newline lost), and no mark or position of
 * the text it named may turn up in another text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/state_internal.h"

#define DAMAGED_MAX 16 /* text lines damaged, each in turn: enough for the inputs found */

/* The text of ST with hash H, or NULL. */
static const struct state_text *find_text(const struct state *st, uint64_t h)
{
    for (size_t i = 0; i < state_text_count(st); i++)
        if (state_text_hash(state_text_at(st, i)) == h)
            return state_text_at(st, i);
    return NULL;
}

/* Everything DAMAGED read is where GOOD has it: no mark or position moved to another text. */
static void check_in_place(const struct state *good, const struct state *damaged)
{
    for (size_t i = 0; i < state_text_count(damaged); i++) {
        const struct state_text *d = state_text_at(damaged, i);
        const struct state_text *g = find_text(good, state_text_hash(d));
        if (g == NULL)
            abort();
        if (state_position(d) != state_position(g) && state_position(d) != 0)
            abort();
        for (size_t j = 0; j < state_mark_count(d); j++)
            if (state_mark_find(g, state_mark_at(d, j)->id) == NULL)
                abort();
    }
}

/* Damage each text line of OUT (LEN bytes, as lees writes it, read as GOOD) in turn. */
static void damage_text_lines(const struct state *good, const char *out, size_t len)
{
    char *copy = malloc(len), why[256];
    size_t n = 0;

    if (copy == NULL)
        abort();
    for (size_t at = 1; at + 5 < len && n < DAMAGED_MAX; at++) {
        if (out[at - 1] != '\n' || memcmp(out + at, "text ", 5) != 0)
            continue;
        n++;
        for (int how = 0; how < 2; how++) {
            struct state *st = state_new("/nonexistent/state");
            size_t clen = len;
            memcpy(copy, out, len);
            if (how == 0) {
                copy[at + 3] = ' '; /* "tex  HASH ...": an unknown line */
            } else {
                memmove(copy + at - 1, copy + at, len - at); /* joined to the line above */
                clen--;
            }
            if (st == NULL || state_parse(st, copy, clen, why, sizeof why) == STATE_PARSE_NOMEM)
                abort();
            check_in_place(good, st);
            state_free(st);
        }
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct state *a = state_new("/nonexistent/state"), *b;
    char why[256];
    char *out, *again;
    size_t len, len2;
    enum state_parse_result r;

    if (a == NULL)
        abort();
    r = state_parse(a, (const char *)data, size, why, sizeof why);
    if (r != STATE_PARSE_OK && r != STATE_PARSE_DAMAGED) {
        state_free(a);
        return 0;
    }
    out = state_format(a, &len);
    b = state_new("/nonexistent/state");
    if (out == NULL || b == NULL)
        abort();
    if (state_parse(b, out, len, why, sizeof why) != STATE_PARSE_OK)
        abort(); /* what lees writes, lees reads */
    again = state_format(b, &len2);
    if (again == NULL || len != len2 || memcmp(out, again, len) != 0)
        abort();
    damage_text_lines(b, out, len);
    free(out);
    free(again);
    state_free(a);
    state_free(b);
    return 0;
}
