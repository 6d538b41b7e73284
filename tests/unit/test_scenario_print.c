/*
 * Unit tests for the scenario summary (sim/scenario/scenario_print.c): the
 * full scenario and the market print their periods, fleets, contracts,
 * policies and workloads in words.
 */
#include <stdlib.h>

#include "testlib.h"
#include "../../sim/scenario/scenario.h"

static void test_print(void **state)
{
    testlib_dir *f = *state;
    testlib_write_full(f);
    scenario *sc = testlib_dir_load_ok(f, "full.ini", NULL, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    scenario_print(sc, out);
    fclose(out);
    assert_contains(text, "2025-01-01 to 2029-12-31");
    assert_contains(text, "coreweave (neocloud)");
    assert_contains(text, "H100 16000, H200 5024, B200 8000; system power 22.72 of 50 MW");
    assert_contains(text, "coreweave -> google, 16000 x H100, 2025-06-01 to 2029-05-31");
    assert_contains(text, "2025-01-31 to 2025-02-27 inclusive");
    assert_contains(text, "logistic, ceiling 12000, rate 0.9 per year");
    assert_contains(text, "series of 3 points");
    assert_contains(text, "warnings (0)");
    free(text);
    scenario_destroy(sc);
}

static void test_market_print(void **state)
{
    testlib_dir *f = *state;
    testlib_write_market(f);
    scenario *sc = testlib_dir_load_ok(f, "market.ini", NULL, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    scenario_print(sc, out);
    fclose(out);
    assert_contains(text, "coreweave -> openai, 2048 x H100, 2025-03-01 to 2026-02-28 "
                    "inclusive, 1.2 USD/GPU-hour, spot\n");
    assert_contains(text, "ramp 6 months; SLA 99.5% availability, credit 25% of the payment; "
                    "terminated on 2027-07-01");
    assert_contains(text, "cw-h100          coreweave, GPU H100: reserved 2.1 on_demand 4.25 "
                    "USD/GPU-hour; 5% off per year");
    assert_contains(text, "openai reviews every 1.5 months from 2025-04-01, horizon 18 months");
    assert_contains(text, "asks google, coreweave (first refusal until 2026-01-01)");
    assert_contains(text, "for H100 GPUs, reserved, 36 months, at most 3.5 USD/GPU-hour");
    assert_contains(text, "coreweave builds 40 MW sites of B200 in region 'us-tx'");
    assert_contains(text, "on low_uncommitted below 4000 uncommitted GPUs");
    assert_contains(text, "at most 100 sites; yearly budget unlimited MW, unlimited USD");
    assert_contains(text, "training for openai from 2025-01-01: 40 jobs/day, logistic, ceiling "
                    "120 jobs/day, rate 0.8 per year; GPUs per job 8:0.5, 64:0.3, 512:0.2; "
                    "hours on an H100 lognormal, mean 24, sigma 0.8; waits up to 48 h, with "
                    "backfill");
    assert_contains(text, "waits without limit, FIFO without backfill");
    assert_contains(text, "trace of 4 jobs submitted 2025-01-15 to 2025-02-01");
    free(text);
    scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        testlib_dir_test(test_print),
        testlib_dir_test(test_market_print),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
