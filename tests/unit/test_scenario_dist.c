/*
 * Unit tests for the distribution syntax (sim/scenario/scenario_dist.c):
 * fixed, exponential, lognormal and VALUE:WEIGHT lists parse, average and
 * format back; bad text is refused with a reason.
 */
#include <stdlib.h>

#include "testlib.h"
#include "../../sim/scenario/scenario_dist.h"

/* The distribution syntax on its own. */
static void test_distributions(void **state)
{
    (void)state;
    spec_distribution d;
    char why[512];
    assert_int_equal(scenario_dist_parse("  fixed\t64 ", 1, &d, why, sizeof why), 0);
    assert_int_equal(d.kind, SPEC_DIST_FIXED);
    assert_real_equal(d.mean, 64);
    assert_null(d.values);
    assert_int_equal(scenario_dist_parse("exponential 12.5", 0, &d, why, sizeof why), 0);
    assert_int_equal(d.kind, SPEC_DIST_EXPONENTIAL);
    assert_real_equal(d.mean, 12.5);
    assert_int_equal(scenario_dist_parse("exponential 100", 1, &d, why, sizeof why), 0);
    assert_real_equal(scenario_dist_mean(&d), 100);                /* a mean need not be a count */
    assert_int_equal(scenario_dist_parse("lognormal 24 0", 0, &d, why, sizeof why), 0);
    assert_real_equal(d.sigma, 0);
    assert_int_equal(scenario_dist_parse("2:1, 24:3", 0, &d, why, sizeof why), 0);
    assert_int_equal(d.kind, SPEC_DIST_LIST);
    assert_int_equal(d.n, 2);
    assert_real_equal(d.values[1], 24);
    assert_real_equal(d.weights[1], 3);
    assert_real_equal(scenario_dist_mean(&d), 18.5);               /* (2 x 1 + 24 x 3) / 4 */
    char text[128];
    scenario_dist_format(&d, text, sizeof text);
    assert_string_equal(text, "2:1, 24:3");
    free(d.values);
    free(d.weights);
    assert_int_equal(scenario_dist_parse("0.5:1", 0, NULL, why, sizeof why), 0);  /* hours */
    static const struct {
        const char *text;
        int gpu_values;
        const char *fragment;
    } bad[] = {
        {"", 0, "no distribution given"},
        {"fixed", 0, "fixed takes 1 number; write fixed X"},
        {"fixed 1 2", 0, "fixed takes 1 number"},
        {"exponential 0", 0, "MEAN 0 must be > 0"},
        {"exponential 1e10", 1, "MEAN 1e10 GPUs is more than"},
        {"0.5:1", 1, "GPU count 0.5 is not a whole multiple of 8"},
        {"8:0.5,", 1, "the list ends with a comma"},
        {"8:0.5,,16:1", 1, "'(empty item)' is not VALUE:WEIGHT"},
        {"8-0.5", 1, "'8-0.5' is not VALUE:WEIGHT"},
        {"8:x", 1, "weight 'x' is not a number"},
        {"uniform 1 2", 0, "unknown distribution 'uniform'; write `fixed X`"},
        {"fixed:64", 1, "separate the name and its numbers with spaces"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = '\0';
        if (scenario_dist_parse(bad[i].text, bad[i].gpu_values, NULL, why, sizeof why) == 0)
            fail_msg("'%s' parsed; expected \"%s\"", bad[i].text, bad[i].fragment);
        assert_contains(why, bad[i].fragment);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distributions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
