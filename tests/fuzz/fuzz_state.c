/*
 * fuzz_state.c: libFuzzer target for the state-file parser.  Whatever the bytes, parsing ends
 * in a result and never crashes; what was read of a file (whole, or salvaged from a damaged
 * one) is written back, and what is written parses again, cleanly, to the very same text (a
 * round trip that loses nothing).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/state_internal.h"

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
    free(out);
    free(again);
    state_free(a);
    state_free(b);
    return 0;
}
