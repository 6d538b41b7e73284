/*
 * Unit tests for rng: known-answer seeds and draws, and the independence
 * properties the design relies on (same name and seed, same stream; another
 * name or seed, another stream; creating other streams shifts nothing).
 *
 * The known answers were computed once from the formula in rng.c and
 * checked against an independent Python transcription of it; the draws are
 * GSL's mt19937 with gsl_rng_uniform_int(r, 1000000).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "testlib.h"

#include "../../sim/engine/rng.h"

#define DRAW_RANGE 1000000UL

static void test_known_seeds(void **unused)
{
    (void)unused;
    assert_int_equal(rng_stream_seed(42, "demand/x"), 4267156756ULL);
    assert_int_equal(rng_stream_seed(42, "demand/y"), 4174495577ULL);
    assert_int_equal(rng_stream_seed(43, "demand/x"), 3545669776ULL);
    assert_int_equal(rng_stream_seed(0, ""), 2706769859ULL);
}

static void test_known_draws(void **unused)
{
    (void)unused;
    static const unsigned long want[6] = {477, 761830, 442444, 131594, 357377, 447994};
    gsl_rng *r = rng_stream_create(42, "demand/x");
    assert_non_null(r);
    for (int i = 0; i < 6; i++)
        assert_int_equal(gsl_rng_uniform_int(r, DRAW_RANGE), want[i]);
    gsl_rng_free(r);
}

/* GSL's mt19937 reads only 32 bits of its seed and maps 0 to its default
 * (4357): every stream seed must be in [1, 2^32 - 1]. */
static void test_seeds_in_gsl_range(void **unused)
{
    (void)unused;
    char name[32];
    for (uint64_t run_seed = 0; run_seed < 50; run_seed++) {
        for (int k = 0; k < 200; k++) {
            snprintf(name, sizeof name, "failure/gpu-%d", k);
            uint64_t s = rng_stream_seed(run_seed * 7919, name);
            assert_in_range(s, 1, 0xffffffffULL);
            assert_int_not_equal(s, 4357);
        }
    }
}

/* Counts the positions where two streams' first `count` draws agree. */
static int matching_draws(gsl_rng *a, gsl_rng *b, int count)
{
    int same = 0;
    for (int i = 0; i < count; i++)
        same += gsl_rng_uniform_int(a, DRAW_RANGE) == gsl_rng_uniform_int(b, DRAW_RANGE);
    return same;
}

static void test_same_name_same_stream(void **unused)
{
    (void)unused;
    gsl_rng *a = rng_stream_create(90210, "workload/openai-chat");
    gsl_rng *b = rng_stream_create(90210, "workload/openai-chat");
    assert_int_equal(matching_draws(a, b, 1000), 1000);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void test_other_name_or_seed_other_stream(void **unused)
{
    (void)unused;
    gsl_rng *a = rng_stream_create(90210, "workload/openai-chat");
    gsl_rng *b = rng_stream_create(90210, "workload/openai-chaT");
    gsl_rng *c = rng_stream_create(90211, "workload/openai-chat");
    /* Independent uniform draws on 10^6 values agree about 0.001 times in 1000. */
    assert_int_equal(matching_draws(a, b, 1000), 0);
    gsl_rng_free(a);
    a = rng_stream_create(90210, "workload/openai-chat");
    assert_int_equal(matching_draws(a, c, 1000), 0);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
}

/* Creating and drawing from other streams in between does not change what
 * one stream yields. */
static void test_adding_a_stream_shifts_nothing(void **unused)
{
    (void)unused;
    unsigned long alone[20], crowded[20];
    gsl_rng *r = rng_stream_create(42, "demand/x");
    for (int i = 0; i < 20; i++)
        alone[i] = gsl_rng_uniform_int(r, DRAW_RANGE);
    gsl_rng_free(r);

    gsl_rng *before = rng_stream_create(42, "demand/new-entity");
    r = rng_stream_create(42, "demand/x");
    gsl_rng *after = rng_stream_create(42, "demand/another");
    for (int i = 0; i < 20; i++) {
        gsl_rng_uniform(before);
        crowded[i] = gsl_rng_uniform_int(r, DRAW_RANGE);
        gsl_rng_uniform(after);
    }
    for (int i = 0; i < 20; i++)
        assert_int_equal(crowded[i], alone[i]);
    gsl_rng_free(before);
    gsl_rng_free(r);
    gsl_rng_free(after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_seeds),
        cmocka_unit_test(test_known_draws),
        cmocka_unit_test(test_seeds_in_gsl_range),
        cmocka_unit_test(test_same_name_same_stream),
        cmocka_unit_test(test_other_name_or_seed_other_stream),
        cmocka_unit_test(test_adding_a_stream_shifts_nothing),
    };
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
