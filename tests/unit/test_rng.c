/*
 * Unit tests for rng: known-answer seeds and draws, and the independence
 * properties the design relies on (same name and seed, same stream; another
 * name or seed, another stream; creating other streams shifts nothing).
 *
 * The known answers were computed once from the formula in rng.c and
 * checked against an independent Python transcription of it; the draws are
 * GSL's mt19937 with gsl_rng_uniform_int(r, 1000000).
 *
 * rng_exponential (the ziggurat) is held to the closed form of Exp(mean):
 * mean and variance within 4 standard errors of n draws, the
 * Kolmogorov-Smirnov distance below its 0.1% critical value 1.95 / sqrt(n),
 * and the tail shares P(X > q mean) = e^-q within 4 binomial standard
 * errors, beyond the ziggurat's base (q = R = 7.697) too. Fixed seed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <cmocka.h>
#include <gsl/gsl_randist.h>

#include "testlib.h"

#include "../../sim/engine/rng.h"

#define DRAW_RANGE 1000000UL

/* rng_mt19937 and GSL's own mt19937, both seeded with seed. */
static void seeded_pair(unsigned long seed, gsl_rng **ours, gsl_rng **gsl)
{
    *ours = gsl_rng_alloc(rng_mt19937);
    *gsl = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(*ours);
    assert_non_null(*gsl);
    gsl_rng_set(*ours, seed);
    gsl_rng_set(*gsl, seed);
}

/* rng_mt19937 gives GSL's mt19937 words for every seed: seed 0 (GSL's
 * default, 4357), 1, the largest 32-bit seed, a seed above 32 bits (GSL
 * keeps the low 32) and stream seeds, over 5 blocks of 624 words and
 * through every interface a model uses (words, doubles, uniform_int and a
 * gsl_ran_* sampler, interleaved). */
static void test_mt19937_is_gsls(void **unused)
{
    (void)unused;
    const unsigned long seeds[] = {0UL, 1UL, 4357UL, 0xffffffffUL, 0x1234567890UL,
                                   (unsigned long)rng_stream_seed(42, "demand/x"),
                                   (unsigned long)rng_stream_seed(7, "failure/gpu/dc")};
    for (size_t k = 0; k < sizeof seeds / sizeof seeds[0]; k++) {
        gsl_rng *ours, *gsl;
        seeded_pair(seeds[k], &ours, &gsl);
        int mismatches = 0;
        for (int i = 0; i < 5 * 624; i++) {
            switch (i % 4) {
            case 0: mismatches += gsl_rng_get(ours) != gsl_rng_get(gsl); break;
            case 1: mismatches += gsl_rng_uniform(ours) != gsl_rng_uniform(gsl); break;
            case 2:
                mismatches +=
                    gsl_rng_uniform_int(ours, 1000003) != gsl_rng_uniform_int(gsl, 1000003);
                break;
            default:
                mismatches += gsl_ran_exponential(ours, 3.0) != gsl_ran_exponential(gsl, 3.0);
            }
        }
        assert_int_equal(mismatches, 0);
        /* Reseeding starts the stream again. */
        gsl_rng_set(ours, seeds[k]);
        gsl_rng_set(gsl, seeds[k]);
        assert_int_equal(gsl_rng_get(ours), gsl_rng_get(gsl));
        gsl_rng_free(ours);
        gsl_rng_free(gsl);
    }
    gsl_rng *r = rng_stream_create(42, "demand/x");
    assert_ptr_equal(r->type, rng_mt19937);
    assert_int_equal(gsl_rng_min(r), 0);
    assert_int_equal(gsl_rng_max(r), 0xffffffffUL);
    gsl_rng_free(r);
}

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

#define EXP_DRAWS 400000
#define EXP_MEAN 3600.0

static int compare_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* |measured - expected| within 4 standard errors. */
static void assert_within_4se(double measured, double expected, double se)
{
    if (fabs(measured - expected) > 4.0 * se)
        fail_msg("%.9g is not within 4 x %.3g of %.9g", measured, se, expected);
}

static void test_exponential_matches_closed_form(void **unused)
{
    (void)unused;
    const double n = EXP_DRAWS;
    double *x = malloc(EXP_DRAWS * sizeof *x);
    assert_non_null(x);
    gsl_rng *r = rng_stream_create(42, "test/exponential");
    double sum = 0.0;
    for (int i = 0; i < EXP_DRAWS; i++) {
        x[i] = rng_exponential(r, EXP_MEAN);
        assert_true(x[i] >= 0.0 && isfinite(x[i]));
        sum += x[i];
    }
    const double mean = sum / n;
    double ss = 0.0;
    for (int i = 0; i < EXP_DRAWS; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    /* Exp: sd = mean; the sample variance's sd is sqrt((mu4 - sigma^4) / n) = sqrt(8 / n) sigma^2 */
    assert_within_4se(mean, EXP_MEAN, EXP_MEAN / sqrt(n));
    assert_within_4se(ss / (n - 1.0), EXP_MEAN * EXP_MEAN, sqrt(8.0 / n) * EXP_MEAN * EXP_MEAN);
    /* tail shares, through the layers, at the base and in the tail */
    static const double q[] = {0.01, 0.5, 1.0, 3.0, 7.69711747013104972, 9.0};
    for (size_t k = 0; k < sizeof q / sizeof q[0]; k++) {
        int above = 0;
        for (int i = 0; i < EXP_DRAWS; i++)
            above += x[i] > q[k] * EXP_MEAN;
        const double p = exp(-q[k]);
        assert_within_4se((double)above / n, p, sqrt(p * (1.0 - p) / n));
    }
    /* Kolmogorov-Smirnov distance to F(x) = 1 - e^(-x / mean) */
    qsort(x, EXP_DRAWS, sizeof *x, compare_double);
    double d = 0.0;
    for (int i = 0; i < EXP_DRAWS; i++) {
        const double f = 1.0 - exp(-x[i] / EXP_MEAN);
        const double lo = f - (double)i / n, hi = (double)(i + 1) / n - f;
        d = fmax(d, fmax(lo, hi));
    }
    if (d > 1.95 / sqrt(n))
        fail_msg("KS distance %.5f above the 0.1%% critical value %.5f", d, 1.95 / sqrt(n));
    gsl_rng_free(r);
    free(x);
}

/* The same stream gives the same exponential draws; the mean scales them. */
static void test_exponential_deterministic_and_scaled(void **unused)
{
    (void)unused;
    gsl_rng *a = rng_stream_create(7, "test/exponential");
    gsl_rng *b = rng_stream_create(7, "test/exponential");
    for (int i = 0; i < 10000; i++) {
        const double one = rng_exponential(a, 1.0);
        const double scaled = rng_exponential(b, 250.0);
        assert_true(scaled == one * 250.0);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* rng_exponential takes the common draw from rng_mt19937's block (after the
 * first refill, from the draws the refill made) and leaves the rest (wedges,
 * the tail, a spent block) to the full ziggurat; on GSL's own mt19937 every
 * draw takes the full path through gsl_rng_get. The words are the same, so
 * the draws must be too, across several blocks, alone or mixed with other
 * samplers. */
static void test_exponential_same_on_gsls_generator(void **unused)
{
    (void)unused;
    static const unsigned long seeds[] = {1, 4357, 20261202};
    for (size_t k = 0; k < sizeof seeds / sizeof seeds[0]; k++) {
        gsl_rng *ours, *gsl;
        seeded_pair(seeds[k], &ours, &gsl);
        for (int i = 0; i < 5 * 624; i++) {
            const double a = rng_exponential(ours, 3600.0), b = rng_exponential(gsl, 3600.0);
            if (a != b)
                fail_msg("seed %lu, draw %d: %.17g against %.17g", seeds[k], i, a, b);
        }
        /* Other samplers between the exponentials take the next words too
         * (the block's ready-made draws skip nothing). */
        for (int i = 0; i < 5 * 624; i++) {
            const int uniform = i % 7 == 3;
            const double a = uniform ? gsl_rng_uniform(ours) : rng_exponential(ours, 2.5);
            const double b = uniform ? gsl_rng_uniform(gsl) : rng_exponential(gsl, 2.5);
            if (a != b)
                fail_msg("seed %lu, mixed draw %d: %.17g against %.17g", seeds[k], i, a, b);
        }
        gsl_rng_free(ours);
        gsl_rng_free(gsl);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mt19937_is_gsls),
        cmocka_unit_test(test_known_seeds),
        cmocka_unit_test(test_known_draws),
        cmocka_unit_test(test_seeds_in_gsl_range),
        cmocka_unit_test(test_same_name_same_stream),
        cmocka_unit_test(test_other_name_or_seed_other_stream),
        cmocka_unit_test(test_adding_a_stream_shifts_nothing),
        cmocka_unit_test(test_exponential_matches_closed_form),
        cmocka_unit_test(test_exponential_deterministic_and_scaled),
        cmocka_unit_test(test_exponential_same_on_gsls_generator),
    };
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
