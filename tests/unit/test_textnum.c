/*
 * Unit tests for textnum (sim/util/textnum.c): whole-field decimal and
 * unsigned numbers, with their error codes.
 */
#include "testlib.h"
#include "../../sim/util/textnum.h"

static void test_textnum(void **state)
{
    (void)state;
    double d = -1;
    uint64_t u = 7;
    assert_int_equal(textnum_real("2.10", &d), TEXTNUM_OK);
    assert_real_equal(d, 2.1);
    assert_int_equal(textnum_real("-1e-3", &d), TEXTNUM_OK);
    assert_real_equal(d, -0.001);
    assert_int_equal(textnum_real("", &d), TEXTNUM_NOT_NUMBER);
    assert_int_equal(textnum_real("12abc", &d), TEXTNUM_NOT_NUMBER);
    assert_int_equal(textnum_real(" 12", &d), TEXTNUM_NOT_NUMBER);
    assert_int_equal(textnum_real("nan", &d), TEXTNUM_NOT_NUMBER);
    assert_int_equal(textnum_real("inf", &d), TEXTNUM_NOT_NUMBER);
    assert_int_equal(textnum_real("1e999", &d), TEXTNUM_TOO_LARGE);
    assert_int_equal(textnum_uint("18446744073709551615", &u), TEXTNUM_OK);
    assert_int_equal(u, UINT64_MAX);
    assert_int_equal(textnum_uint("18446744073709551616", &u), TEXTNUM_TOO_LARGE);
    assert_int_equal(textnum_uint("-5", &u), TEXTNUM_NEGATIVE);
    assert_int_equal(textnum_uint("5.0", &u), TEXTNUM_NOT_NUMBER);
    assert_int_equal(textnum_uint("+5", &u), TEXTNUM_NOT_NUMBER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_textnum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
