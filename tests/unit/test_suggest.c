/*
 * Unit tests for suggest (sim/util/suggest.c): the edit distance and the
 * nearest name offered in "did you mean" advice.
 */
#include "testlib.h"
#include "../../sim/util/suggest.h"

static void test_suggest(void **state)
{
    (void)state;
    static const char *const kinds[] = {"scenario", "gpu", "datacenter", NULL};
    assert_int_equal(suggest_distance("kitten", "sitting"), 3);
    assert_int_equal(suggest_distance("", "abc"), 3);
    assert_int_equal(suggest_distance("H100", "h100"), 0);
    assert_int_equal(suggest_distance("corewave", "coreweave"), 1);
    assert_string_equal(suggest_nearest_in("datacentre", kinds), "datacenter");
    assert_string_equal(suggest_nearest_in("gup", kinds), "gpu");
    assert_null(suggest_nearest_in("workload", kinds));
    static const char *const keys[] = {"owner", "power_mw", "tdp_w", NULL};
    assert_string_equal(suggest_nearest_in("power", keys), "power_mw");   /* unit left out */
    assert_string_equal(suggest_nearest_in("tdp_watts", keys), "tdp_w");
    assert_string_equal(suggest_nearest_in("ownr", keys), "owner");
    assert_string_equal(suggest_nearest_in("tpd_w", keys), "tdp_w");      /* transposition */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
