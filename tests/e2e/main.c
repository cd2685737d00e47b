/* The end-to-end tests of lees: run from the root of the repository, with LEES naming the
 * program (default ./lees, or the first argument when LEES is not set), e.g.
 * CMOCKA_MESSAGE_OUTPUT=TAP LEES=./lees build/test-e2e.  E2E_FILTER, when set, is a cmocka
 * test filter (a name, with * and ? wildcards): only the tests it matches run. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc > 1 && !getenv("LEES"))
        setenv("LEES", argv[1], 1);
    if (access(e2e_lees_path(), X_OK) != 0)
        fprintf(stderr, "# e2e: %s is not an executable program; set LEES\n", e2e_lees_path());
    if (access(INTERVIEW_FILE, R_OK) != 0)
        fprintf(stderr, "# e2e: no %s: run from the root of the repository\n", INTERVIEW_FILE);
    const char *filter = getenv("E2E_FILTER");
    if (filter && filter[0])
        cmocka_set_test_filter(filter);
    int failed = 0;
    failed += group_screen();
    failed += group_keys();
    failed += group_lists();
    failed += group_resize();
    failed += group_input();
    failed += group_piped();
    failed += group_search();
    failed += group_terms();
    failed += group_marks();
    failed += group_robust();
    failed += group_follow();
    failed += group_big();
    return failed ? 1 : 0;
}
