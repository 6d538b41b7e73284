/* Unit tests for sim/util/grow: the doubling rule, its overflow guard, and
 * that contents survive growth and new elements are zeroed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../sim/util/grow.h"

static void test_capacity(void **unused)
{
    (void)unused;
    assert_int_equal(grow_capacity(0, 1, 16), 16);
    assert_int_equal(grow_capacity(0, 17, 16), 32);
    assert_int_equal(grow_capacity(0, 1000, 64), 1024);
    assert_int_equal(grow_capacity(24, 25, 16), 48);     /* doubles cap, not initial */
    assert_int_equal(grow_capacity(24, 200, 16), 384);
    assert_int_equal(grow_capacity(48, 48, 16), 48);     /* already enough */
    assert_int_equal(grow_capacity(48, 7, 16), 48);
    assert_int_equal(grow_capacity(SIZE_MAX / 2 + 1, SIZE_MAX, 16), 0);   /* would overflow */
}

static void test_reserve_keeps_contents(void **unused)
{
    (void)unused;
    int64_t *values = NULL;
    size_t cap = 0;
    for (int64_t i = 0; i < 1337; i++) {
        assert_int_equal(grow_reserve((void **)&values, &cap, (size_t)i + 1, 8, sizeof *values),
                         0);
        values[i] = i * 7919 - 4242;
    }
    assert_int_equal(cap, 2048);
    for (int64_t i = 0; i < 1337; i++)
        assert_int_equal(values[i], i * 7919 - 4242);
    int64_t *before = values;
    assert_int_equal(grow_reserve((void **)&values, &cap, 2000, 8, sizeof *values), 0);
    assert_ptr_equal(values, before);   /* no growth, no move */
    free(values);
}

static void test_reserve_refuses_overflow(void **unused)
{
    (void)unused;
    double *values = NULL;
    size_t cap = 0;
    assert_int_equal(grow_reserve((void **)&values, &cap, 5, 4, sizeof *values), 0);
    assert_int_equal(cap, 8);
    double *kept = values;
    assert_int_equal(grow_reserve((void **)&values, &cap, SIZE_MAX / 4, 4, sizeof *values), -1);
    assert_ptr_equal(values, kept);
    assert_int_equal(cap, 8);
    assert_int_equal(grow_resize((void **)&values, SIZE_MAX / 2, sizeof *values), -1);
    assert_ptr_equal(values, kept);
    free(values);
}

static void test_resize_zeroed(void **unused)
{
    (void)unused;
    int *values = NULL;
    assert_int_equal(grow_resize_zeroed((void **)&values, 0, 3, sizeof *values), 0);
    values[0] = 31;
    values[1] = -5;
    values[2] = 977;
    assert_int_equal(grow_resize_zeroed((void **)&values, 3, 11, sizeof *values), 0);
    assert_int_equal(values[0], 31);
    assert_int_equal(values[1], -5);
    assert_int_equal(values[2], 977);
    for (int i = 3; i < 11; i++)
        assert_int_equal(values[i], 0);
    free(values);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_reserve_keeps_contents),
        cmocka_unit_test(test_reserve_refuses_overflow),
        cmocka_unit_test(test_resize_zeroed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
