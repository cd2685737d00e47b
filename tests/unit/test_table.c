/*
 * test_table.c: entries by section number, made a chunk at a time: what is made reads back,
 * starts zeroed and stays put; what is not made is NULL; release sees every entry made.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lees/table.h"
#include "unit.h"

static size_t released, marked;

static void count_release(void *entry)
{
    released++;
    marked += *(int *)entry == 7;
}

static void test_made_on_demand(void **state)
{
    struct table t;
    int *e, *same, *near;

    (void)state;
    table_init(&t, sizeof(int));
    assert_null(table_get(&t, 0));
    e = table_make(&t, 50000);
    assert_non_null(e);
    assert_int_equal(*e, 0);
    *e = 7;
    /* Entries of the same chunk are there, zeroed; the chunks before it were never made. */
    near = table_get(&t, 50001);
    assert_non_null(near);
    assert_int_equal(*near, 0);
    assert_null(table_get(&t, 0));
    assert_null(table_get(&t, 100000));
    /* Making more chunks moves no entry. */
    assert_non_null(table_make(&t, 3));
    assert_non_null(table_make(&t, 200000));
    same = table_get(&t, 50000);
    assert_ptr_equal(same, e);
    assert_int_equal(*same, 7);
    released = marked = 0;
    table_free(&t, count_release);
    assert_int_equal(released, 3 * 256); /* three chunks of 256 */
    assert_int_equal(marked, 1);
    assert_null(table_get(&t, 50000));
    table_free(&t, NULL); /* twice is harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_made_on_demand),
    };
    return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
