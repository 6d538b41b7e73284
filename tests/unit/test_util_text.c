/* Unit tests for sim/util/text: trimming in place, skipping and the
 * trailing-space length, with tabs, newlines and UTF-8 bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../sim/util/text.h"

static void test_trim(void **unused)
{
    (void)unused;
    char both[] = " \t lognormal 4.5 0.9 \r\n";
    char *t = text_trim(both);
    assert_string_equal(t, "lognormal 4.5 0.9");
    assert_ptr_equal(t, both + 3);
    assert_int_equal(both[20], '\0');   /* every trailing space became a NUL */
    assert_int_equal(both[23], '\0');

    char none[] = "H100:16000";
    assert_ptr_equal(text_trim(none), none);
    assert_string_equal(none, "H100:16000");

    char blank[] = " \t\n ";
    t = text_trim(blank);
    assert_string_equal(t, "");
    assert_ptr_equal(t, blank + 4);

    char empty[] = "";
    assert_string_equal(text_trim(empty), "");

    char utf8[] = " \xc3\xa9t\xc3\xa9 ";   /* bytes above 127 are not whitespace */
    assert_string_equal(text_trim(utf8), "\xc3\xa9t\xc3\xa9");
}

static void test_skip_space(void **unused)
{
    (void)unused;
    const char *s = "  \t google, microsoft";
    assert_ptr_equal(text_skip_space(s), s + 4);
    assert_ptr_equal(text_skip_space(s + 4), s + 4);
    const char *blank = " \n";
    assert_ptr_equal(text_skip_space(blank), blank + 2);
}

static void test_trim_end_length(void **unused)
{
    (void)unused;
    const char *key = "power_mw \t = 37.5";
    assert_int_equal(text_trim_end_length(key, 11), 8);
    assert_int_equal(text_trim_end_length(key, 8), 8);
    assert_int_equal(text_trim_end_length(key, 0), 0);
    assert_int_equal(text_trim_end_length("   ", 3), 0);
    /* only the first len bytes count: the space at index 3 is outside */
    assert_int_equal(text_trim_end_length("ab  ", 2), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_skip_space),
        cmocka_unit_test(test_trim_end_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
