/*
 * Unit tests for fleet: the defaults and 64-byte alignment of a new fleet,
 * the util byte's steps, the tick kernel's per-GPU known answers (healthy,
 * failed, maintenance), its sums against a scalar double reference and
 * their exact integer arithmetic (which is what makes every vector width
 * agree), bit-identical repeats, the slowest healthy perf, bringing a run
 * of GPUs up at once, failures by remaining hazard against closed forms,
 * and the range clocks against a per-GPU remaining hazard through ticks,
 * loads, range changes, drains and renewals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "testlib.h"

#include "../../sim/model/fleet.h"

#define LOAD 0.637f
/* LOAD's util byte, by hand: 0.637 x 255 = 162.435, rounded to 162. */
#define LOAD_UTIL 162
#define IDLE_W 87.0f
#define TDP_W 703.0f
/* A kernel pass at `load` with no throttle and no failures. */
#define PASS(load) (&(fleet_pass){(load), IDLE_W, TDP_W, 1.0f, 0.0f})

/* Fails, showing both values in hex, unless the doubles are bit-identical. */
#define assert_bits_equal(actual, expected) \
    assert_bits_equal_at((actual), (expected), __FILE__, __LINE__)
static void assert_bits_equal_at(double actual, double expected, const char *file, int line)
{
    if (memcmp(&actual, &expected, sizeof actual) != 0) {
        print_error("%a != %a (%.17g vs %.17g)\n", actual, expected, actual, expected);
        _fail(file, line);
    }
}

static void assert_aligned(const void *p)
{
    assert_int_equal((uintptr_t)p % 64, 0);
}

static void test_create_defaults_and_alignment(void **unused)
{
    (void)unused;
    static const size_t sizes[] = {1, 13, 64, 1001};
    for (size_t k = 0; k < 4; k++) {
        fleet *f = fleet_create(sizes[k]);
        assert_non_null(f);
        assert_int_equal(f->n, sizes[k]);
        assert_aligned(f->state);
        assert_aligned(f->perf);
        assert_aligned(f->util);
        assert_aligned(f->threshold);
        assert_aligned(f->allocation);
        for (size_t i = 0; i < f->n; i++) {
            assert_int_equal(f->state[i], FLEET_HEALTHY);
            assert_float_equal(f->perf[i], 1.0f, 0.0f);
            assert_int_equal(f->util[i], 0);
            assert_true(isinf(f->threshold[i]) && f->threshold[i] > 0.0);   /* never fails */
            assert_int_equal(f->allocation[i], -1);
        }
        fleet_destroy(f);
    }
    fleet *empty = fleet_create(0);
    assert_non_null(empty);
    assert_int_equal(empty->n, 0);
    fleet_destroy(empty);
    fleet_destroy(NULL);
    assert_null(fleet_create(SIZE_MAX / 2));
}

/* 37 GPUs: 3 failed, 2 in maintenance, one straggler at 0.71. */
static fleet *small_fleet(void)
{
    fleet *f = fleet_create(37);
    f->state[2] = FLEET_FAILED;
    f->state[17] = FLEET_FAILED;
    f->state[36] = FLEET_FAILED;
    f->state[5] = FLEET_MAINTENANCE;
    f->state[20] = FLEET_MAINTENANCE;
    fleet_set_perf(f, 11, 0.71f);
    return f;
}

/* Known answers, by hand: util 162 / 255; power 87 + 616 * 0.637 = 479.392 W. */
static void test_kernel_per_gpu_known_answers(void **unused)
{
    (void)unused;
    fleet *f = small_fleet();
    fleet_sums sums = {0};
    fleet_tick_range(f, 0, 37, PASS(LOAD), &sums);
    for (size_t i = 0; i < 37; i++) {
        int down = f->state[i] != FLEET_HEALTHY;
        assert_int_equal(f->util[i], down ? 0 : LOAD_UTIL);
    }
    /* 32 healthy GPUs; the straggler's perf does not enter the pass (the
     * market sums perf per allocation: alloc_served_perf) */
    assert_close(sums.healthy, 32.0, 0.0);
    assert_close(sums.busy, 32 * 0.637, 1e-5);
    assert_close(sums.power_w, 32 * 479.392, 1e-3);
    fleet_destroy(f);
}

/* util bytes: every step k / 255 maps back to k, a load between two steps
 * to the nearer one, and loads outside 0..1 (or NaN) are clamped. */
static void test_util_byte_steps(void **unused)
{
    (void)unused;
    for (int k = 0; k <= FLEET_UTIL_FULL; k++)
        assert_int_equal(fleet_util_of((float)k / FLEET_UTIL_FULL), k);
    assert_int_equal(fleet_util_of(0.5f), 128);                 /* 127.5 rounds up */
    assert_int_equal(fleet_util_of(100.4f / 255.0f), 100);
    assert_int_equal(fleet_util_of(100.6f / 255.0f), 101);
    assert_int_equal(fleet_util_of(-0.2f), 0);
    assert_int_equal(fleet_util_of(1.7f), FLEET_UTIL_FULL);
    assert_int_equal(fleet_util_of(NAN), 0);
    assert_int_equal(fleet_util_of(LOAD), LOAD_UTIL);
}

/* A range that is not a multiple of 32 touches only its own GPUs, and sums
 * add into what *sums already holds. */
static void test_kernel_partial_range_accumulates(void **unused)
{
    (void)unused;
    fleet *f = small_fleet();
    fleet_sums sums = {.healthy = 1000.0, .busy = 0.5, .power_w = 250.0, .new_failures = 2.0};
    fleet_tick_range(f, 3, 22, PASS(LOAD), &sums);  /* 19 GPUs, 3 down */
    assert_close(sums.healthy, 1016.0, 0.0);
    assert_close(sums.busy, 0.5 + 16 * 0.637, 1e-5);
    assert_close(sums.power_w, 250.0 + 16 * 479.392, 1e-3);
    assert_close(sums.new_failures, 2.0, 0.0);
    assert_int_equal(f->util[2], 0);    /* outside: untouched */
    assert_int_equal(f->util[22], 0);
    assert_int_equal(f->util[3], LOAD_UTIL);
    fleet_tick_range(f, 22, 22, PASS(LOAD), &sums);  /* empty range */
    assert_close(sums.healthy, 1016.0, 0.0);
    fleet_destroy(f);
}

/* xorshift64*: a fixed, self-contained sequence for the test. */
static uint64_t next_random(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545f4914f6cdd1dULL;
}

/* A fleet of n GPUs with about 3% failed, 1% in maintenance and 5%
 * stragglers at perf 0.55..0.95, from a fixed seed. */
static fleet *random_fleet(size_t n, uint64_t seed)
{
    fleet *f = fleet_create(n);
    for (size_t i = 0; i < n; i++) {
        uint64_t roll = next_random(&seed) % 1000;
        f->state[i] = roll < 30 ? FLEET_FAILED : roll < 40 ? FLEET_MAINTENANCE : FLEET_HEALTHY;
        if (next_random(&seed) % 100 < 5)
            fleet_set_perf(f, i, 0.55f + (float)(next_random(&seed) % 4000) * 1e-4f);
    }
    return f;
}

/* The kernel's contract computed plainly in double, GPU by GPU. */
static fleet_sums scalar_reference(const fleet *f, size_t lo, size_t hi, double load,
                                   double idle_w, double tdp_w)
{
    fleet_sums s = {0};
    for (size_t i = lo; i < hi; i++) {
        if (f->state[i] != FLEET_HEALTHY)
            continue;
        s.healthy += 1.0;
        s.busy += load;
        s.power_w += idle_w + (tdp_w - idle_w) * load;
    }
    return s;
}


/* The kernel's sums as fleet.c defines them: the healthy GPUs counted
 * exactly, busy and power the count times the range's per-GPU values. */
static fleet_sums count_emulation(const fleet *f, size_t lo, size_t hi, float load,
                                  float idle_w, float tdp_w)
{
    size_t healthy_count = 0;
    for (size_t i = lo; i < hi; i++)
        healthy_count += f->state[i] == FLEET_HEALTHY;
    const double healthy = (double)healthy_count;
    const float power_on_w = idle_w + (tdp_w - idle_w) * load;
    return (fleet_sums){healthy, healthy * (double)load, healthy * (double)power_on_w, 0.0};
}

/* The busy GPU-equivalents of what the kernel stored per GPU: the sum of
 * util / FLEET_UTIL_FULL. */
static double stored_busy(const fleet *f, size_t lo, size_t hi)
{
    double busy = 0.0;
    for (size_t i = lo; i < hi; i++)
        busy += (double)f->util[i] / FLEET_UTIL_FULL;
    return busy;
}

/* Ranges like a market's allocations: uneven, mostly not multiples of 32. */
static const size_t range_bounds[] = {0, 1, 16, 33, 1000, 1013, 4099, 7777, 8000, 10007};
#define RANGE_COUNT (sizeof range_bounds / sizeof range_bounds[0] - 1)

/* Per-range loads, high entropy. */
static float range_load(size_t r)
{
    return 0.113f + 0.0871f * (float)r;
}

static void test_kernel_matches_scalar_reference(void **unused)
{
    (void)unused;
    fleet *f = random_fleet(10007, 0x5eed5eedULL);
    for (size_t r = 0; r < RANGE_COUNT; r++) {
        size_t lo = range_bounds[r], hi = range_bounds[r + 1];
        fleet_sums got = {0};
        fleet_tick_range(f, lo, hi, PASS(range_load(r)), &got);
        /* Against the contract in double: the per-GPU values are floats
         * (relative rounding 6e-8), so agreement to 1e-7. */
        fleet_sums want = scalar_reference(f, lo, hi, range_load(r), IDLE_W, TDP_W);
        assert_close(got.healthy, want.healthy, 0.0);
        assert_close(got.busy, want.busy, 1e-7 * want.busy);
        assert_close(got.power_w, want.power_w, 1e-7 * want.power_w);
        /* What was stored per GPU: the load's byte on every healthy GPU,
         * 0 on the others, so the stored busy is the exact busy within half
         * a step per healthy GPU. */
        const uint8_t u = fleet_util_of(range_load(r));
        for (size_t i = lo; i < hi; i++)
            assert_int_equal(f->util[i], f->state[i] == FLEET_HEALTHY ? u : 0);
        assert_close(stored_busy(f, lo, hi), got.busy,
                     got.healthy * 0.5 / FLEET_UTIL_FULL + 1e-12);
    }
    fleet_destroy(f);
}

/* One long range of 100,003 GPUs (98 chunks): no float drift. */
static void test_kernel_long_range_accuracy(void **unused)
{
    (void)unused;
    fleet *f = random_fleet(100003, 0x0ddba11ULL);
    fleet_sums got = {0};
    fleet_tick_range(f, 0, f->n, PASS(LOAD), &got);
    fleet_sums want = scalar_reference(f, 0, f->n, LOAD, IDLE_W, TDP_W);
    assert_close(got.healthy, want.healthy, 0.0);
    assert_close(got.power_w, want.power_w, 1e-7 * want.power_w);
    fleet_destroy(f);
}

/* Bit-identical to the emulations: the vector code performs exactly the
 * additions the lane scheme prescribes, whatever its width. */
static void test_kernel_exact_lane_arithmetic(void **unused)
{
    (void)unused;
    fleet *f = random_fleet(10007, 0xfee1900dULL);
    /* the hazard pass runs on the fleet's ranges (fleet_set_ranges) */
    assert_int_equal(fleet_set_ranges(f, range_bounds, RANGE_COUNT + 1), 0);
    for (size_t r = 0; r < 2 * RANGE_COUNT; r++) {
        /* the plain pass (no hazard), then the hazard pass with thresholds
         * that are never reached: the same sums bit for bit */
        const float dh = r < RANGE_COUNT ? 0.0f : 1e-6f;
        size_t lo = range_bounds[r % RANGE_COUNT], hi = range_bounds[r % RANGE_COUNT + 1];
        fleet_sums got = {0};
        fleet_tick_range(f, lo, hi,
                         &(fleet_pass){range_load(r % RANGE_COUNT), IDLE_W, TDP_W, 1, dh}, &got);
        fleet_sums want = count_emulation(f, lo, hi, range_load(r % RANGE_COUNT), IDLE_W, TDP_W);
        assert_bits_equal(got.healthy, want.healthy);
        assert_bits_equal(got.busy, want.busy);
        assert_bits_equal(got.power_w, want.power_w);
        assert_bits_equal(got.new_failures, 0.0);
    }
    fleet_destroy(f);
}

/* Sums over all ranges, in range order, into one fleet_sums. */
static fleet_sums tick_all_ranges(fleet *f)
{
    fleet_sums s = {0};
    for (size_t r = 0; r < RANGE_COUNT; r++)
        fleet_tick_range(f, range_bounds[r], range_bounds[r + 1], PASS(range_load(r)), &s);
    return s;
}

static void test_kernel_repeat_is_bit_identical(void **unused)
{
    (void)unused;
    fleet *f = random_fleet(10007, 0xabad1deaULL);
    fleet_sums first = tick_all_ranges(f);
    fleet_sums second = tick_all_ranges(f);
    assert_bits_equal(second.healthy, first.healthy);
    assert_bits_equal(second.busy, first.busy);
    assert_bits_equal(second.power_w, first.power_w);
    fleet_destroy(f);
}


/* ---- per-GPU facts: failures, throttling, stragglers ---- */

/* Throttle known answers: power = idle + (tdp - idle) x load x power_scale;
 * util is the load whatever the clock. */
static void test_kernel_throttle_scales_power(void **unused)
{
    (void)unused;
    fleet *f = small_fleet();
    fleet_sums sums = {0};
    fleet_tick_range(f, 0, 37, &(fleet_pass){LOAD, IDLE_W, TDP_W, 0.5f, 0.0f}, &sums);
    const double power_on = 87.0 + 616.0 * 0.637 * 0.5;   /* 283.196 W */
    assert_int_equal(f->util[0], LOAD_UTIL);   /* the load whatever the clock */
    assert_int_equal(f->util[2], 0);           /* failed */
    assert_close(sums.power_w, 32 * power_on, 1e-3);
    assert_close(sums.busy, 32 * 0.637, 1e-5);
    fleet_destroy(f);
}

/* A GPU whose remaining hazard runs out (reaches 0) becomes
 * FLEET_NEW_FAILURE in that pass (its util and power count), then
 * accumulates nothing; failed GPUs never fail again; fleet_take_failures
 * lists the new ones in order and marks them FLEET_FAILED; fleet_renew
 * starts one afresh. */
static void test_kernel_failure_by_accumulated_hazard(void **unused)
{
    (void)unused;
    fleet *f = small_fleet();                       /* 2, 17, 36 failed; 5, 20 in maintenance */
    fleet_set_remaining(f, 3, 0.25);                /* fails in pass 3 at 0.1 per pass */
    fleet_set_remaining(f, 9, (double)0.1f);        /* fails in pass 1: H = E exactly */
    fleet_set_remaining(f, 2, 0.0);                 /* already failed: never again */
    fleet_set_remaining(f, 5, 0.0);                 /* in maintenance: never */
    const fleet_pass p = {LOAD, IDLE_W, TDP_W, 1.0f, 0.1f};
    size_t idx[8];
    fleet_sums s1 = {0};
    fleet_tick_range(f, 0, 37, &p, &s1);
    assert_close(s1.new_failures, 1.0, 0.0);
    assert_close(s1.healthy, 32.0, 0.0);            /* GPU 9 served this pass */
    assert_int_equal(f->state[9], FLEET_NEW_FAILURE);
    assert_int_equal(f->util[9], LOAD_UTIL);
    assert_int_equal(fleet_take_failures(f, 0, 37, idx, 8), 1);
    assert_int_equal(idx[0], 9);
    assert_int_equal(f->state[9], FLEET_FAILED);
    assert_int_equal(f->state[2], FLEET_FAILED);
    assert_close(fleet_remaining_hazard(f, 2), 0.0, 0.0);   /* down GPUs accumulate nothing */
    assert_close(fleet_remaining_hazard(f, 5), 0.0, 0.0);
    assert_close(fleet_remaining_hazard(f, 3), 0.25 - (double)0.1f, 1e-15);
    assert_true(isinf(fleet_remaining_hazard(f, 0)));      /* no failure mode: never runs out */
    fleet_sums s2 = {0}, s3 = {0};
    fleet_tick_range(f, 0, 37, &p, &s2);
    assert_close(s2.new_failures, 0.0, 0.0);
    assert_close(s2.healthy, 31.0, 0.0);
    assert_close(fleet_remaining_hazard(f, 9), 0.0, 0.0);   /* kept until renewed */
    fleet_tick_range(f, 0, 37, &p, &s3);
    assert_close(s3.new_failures, 1.0, 0.0);
    assert_int_equal(fleet_take_failures(f, 0, 37, idx, 0), 0);   /* no room: left for later */
    assert_int_equal(f->state[3], FLEET_NEW_FAILURE);
    assert_int_equal(fleet_take_failures(f, 0, 37, idx, 8), 1);
    assert_int_equal(idx[0], 3);
    assert_int_equal(f->state[3], FLEET_FAILED);
    assert_int_equal(fleet_take_failures(f, 0, 37, idx, 8), 0);
    fleet_renew(f, 9, 5.0);
    assert_int_equal(f->state[9], FLEET_HEALTHY);
    assert_close(fleet_remaining_hazard(f, 9), 5.0, 1e-15);
    fleet_destroy(f);
}

/* The slowest healthy GPU: a GPU that is down holds no gang, whatever its
 * perf. */
static void test_min_perf(void **unused)
{
    (void)unused;
    fleet *f = small_fleet();                       /* perf[11] = 0.71 */
    assert_float_equal(fleet_min_perf(f, 0, 37), 0.71f, 0.0f);
    assert_float_equal(fleet_min_perf(f, 12, 37), 1.0f, 0.0f);
    assert_float_equal(fleet_min_perf(f, 11, 12), 0.71f, 0.0f);
    assert_float_equal(fleet_min_perf(f, 5, 5), 1.0f, 0.0f);
    fleet_set_perf(f, 36, 0.5f);                    /* failed */
    fleet_set_perf(f, 5, 0.4f);                     /* in maintenance */
    assert_float_equal(fleet_min_perf(f, 0, 37), 0.71f, 0.0f);
    assert_float_equal(fleet_min_perf(f, 36, 37), 1.0f, 0.0f);
    fleet_bring_up(f, 5);
    assert_float_equal(fleet_min_perf(f, 0, 37), 0.4f, 0.0f);
    fleet_set_perf(f, 30, 0.3f);                    /* healthy */
    assert_float_equal(fleet_min_perf(f, 0, 37), 0.3f, 0.0f);
    fleet_destroy(f);
}

/* fleet_bring_up_range brings a run of down GPUs back exactly as
 * fleet_bring_up does one by one, across clock ranges: the same states,
 * thresholds and marks. */
static void test_bring_up_range_matches_one_by_one(void **unused)
{
    (void)unused;
    fleet *a = fleet_create(300), *b = fleet_create(300);
    double before[300];
    assert_true(a && b);
    const size_t bounds[] = {64, 100, 101, 250};
    fleet *both[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        fleet *f = both[k];
        assert_int_equal(fleet_set_ranges(f, bounds, 4), 0);
        for (size_t i = 0; i < f->n; i++)
            fleet_renew(f, i, 1.0 + (double)i / 7.0);
        /* the clocks move apart: each range at its own hazard */
        for (size_t r = 0; r <= 4; r++) {
            const size_t lo = r == 0 ? 0 : bounds[r - 1], hi = r == 4 ? f->n : bounds[r];
            fleet_sums s = {0};
            fleet_tick_range(f, lo, hi, &(fleet_pass){0.5f, IDLE_W, TDP_W, 1, 0.01f * (float)r},
                             &s);
        }
        if (k == 0)
            for (size_t i = 0; i < f->n; i++)
                before[i] = fleet_remaining_hazard(f, i);
        assert_int_equal(fleet_take_down_range(f, 60, 270, FLEET_MAINTENANCE), 210);
        fleet_clear_changed(f);
    }
    fleet_bring_up_range(a, 60, 270);
    for (size_t i = 60; i < 270; i++)
        fleet_bring_up(b, i);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->state[i], FLEET_HEALTHY);
        assert_int_equal(a->state[i], b->state[i]);
        assert_bits_equal(a->threshold[i], b->threshold[i]);
        assert_close(fleet_remaining_hazard(a, i), before[i], 1e-12);   /* frozen while down */
    }
    for (size_t k = 0; k < a->n / FLEET_BLOCK_GPUS + 1; k++)
        assert_int_equal(a->state_changed[k], b->state_changed[k]);
    assert_int_equal(a->state_changed[0], 1);         /* GPUs 60..63 */
    fleet_destroy(a);
    fleet_destroy(b);
}

/* Runs `passes` kernel passes over every GPU, the hazard per pass given by
 * dh[k % n_dh], renewing each failed GPU at once with a fresh Exp(1)
 * threshold (a repair of zero time, so every GPU is a renewal process).
 * counts[i] = failures of GPU i; first[i] = the pass of its first failure
 * (1-based; 0 when none). */
static void run_renewal(fleet *f, gsl_rng *r, const float *dh, size_t n_dh, size_t passes,
                        uint32_t *counts, uint32_t *first)
{
    size_t *idx = malloc(f->n * sizeof *idx);
    assert_non_null(idx);
    for (size_t i = 0; i < f->n; i++)
        fleet_renew(f, i, gsl_ran_exponential(r, 1.0));
    for (size_t k = 0; k < passes; k++) {
        fleet_sums s = {0};
        fleet_tick_range(f, 0, f->n, &(fleet_pass){0.5f, IDLE_W, TDP_W, 1, dh[k % n_dh]}, &s);
        size_t got = fleet_take_failures(f, 0, f->n, idx, f->n);
        assert_int_equal(got, (size_t)s.new_failures);
        for (size_t j = 0; j < got; j++) {
            counts[idx[j]]++;
            if (first && first[idx[j]] == 0)
                first[idx[j]] = (uint32_t)(k + 1);
            fleet_renew(f, idx[j], gsl_ran_exponential(r, 1.0));
        }
    }
    free(idx);
}

/* Constant load: each GPU's failures over T passes of hazard h are a
 * Poisson process sampled per pass; with at most one failure per pass the
 * count is Binomial-thinned Poisson, and for h = 0.002 (P(two in one pass)
 * ~ 2e-6) it is Poisson(h T) to within 1e-3 of the mean. With N = 20,000
 * GPUs and mean mu = 2: the sample mean's sd is sqrt(mu / N) = 0.01, the
 * sample variance's sd is sqrt((mu + 2 mu^2) / N) = 0.022; both within 4
 * sd. Fixed seed. */
static void test_failures_are_poisson_at_constant_load(void **unused)
{
    (void)unused;
    const size_t n = 20000, passes = 1000;
    const float h = 0.002f;
    const double mu = (double)h * (double)passes;
    fleet *f = fleet_create(n);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20260901);
    uint32_t *counts = calloc(n, sizeof *counts);
    run_renewal(f, r, &h, 1, passes, counts, NULL);
    double sum = 0, sq = 0;
    for (size_t i = 0; i < n; i++)
        sum += counts[i];
    const double mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        sq += (counts[i] - mean) * (counts[i] - mean);
    const double var = sq / (double)(n - 1);
    assert_close(mean, mu, 4 * sqrt(mu / (double)n) + 1e-3);
    assert_close(var, mu, 4 * sqrt((mu + 2 * mu * mu) / (double)n) + 1e-3);
    free(counts);
    gsl_rng_free(r);
    fleet_destroy(f);
}

/* The accumulated-hazard method against direct exponential sampling: a
 * GPU whose failure time is Exp(rate h per pass), observed at the end of
 * each pass, first fails in pass k with probability e^{-(k-1)h}(1 - e^{-h})
 * (geometric): mean 1 / (1 - e^{-h}), variance e^{-h} / (1 - e^{-h})^2.
 * N = 20,000 first-failure passes at h = 0.01: mean 100.5, sd of the sample
 * mean 0.70; within 4 sd. Also the share failing in the first pass,
 * 1 - e^{-h}, within 4 binomial sd. */
static void test_hazard_matches_direct_exponential(void **unused)
{
    (void)unused;
    const size_t n = 20000, passes = 3000;
    const float h = 0.01f;
    fleet *f = fleet_create(n);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 777);
    uint32_t *counts = calloc(n, sizeof *counts), *first = calloc(n, sizeof *first);
    run_renewal(f, r, &h, 1, passes, counts, first);
    const double q = 1.0 - exp(-(double)h);
    double sum = 0;
    size_t in_first = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(first[i] > 0);                  /* P(no failure in 3,000 passes) ~ 1e-13 */
        sum += first[i];
        in_first += first[i] == 1;
    }
    const double mean = 1.0 / q, sd = sqrt((1.0 - q) / (q * q));
    assert_close(sum / (double)n, mean, 4 * sd / sqrt((double)n));
    assert_close((double)in_first / (double)n, q, 4 * sqrt(q * (1 - q) / (double)n));
    free(counts);
    free(first);
    gsl_rng_free(r);
    fleet_destroy(f);
}

/* Load-dependent hazard: lambda = base x (1 + load_factor x util), util
 * alternating between 0.2 and 0.9 pass by pass, base 0.001 and load_factor
 * 1.5: the expected count is N x sum over passes of the hazard (the
 * integral of lambda(util) over time). Total failures are Poisson with that
 * mean (N = 10,000, T = 1,000: 20,250); within 4 sqrt(mean). */
static void test_failures_follow_load_dependent_hazard(void **unused)
{
    (void)unused;
    const size_t n = 10000, passes = 1000;
    const float base = 0.001f, load_factor = 1.5f;
    const float dh[2] = {base * (1 + load_factor * 0.2f), base * (1 + load_factor * 0.9f)};
    fleet *f = fleet_create(n);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 4242);
    uint32_t *counts = calloc(n, sizeof *counts);
    run_renewal(f, r, dh, 2, passes, counts, NULL);
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += counts[i];
    const double want = (double)n * (double)passes / 2 * ((double)dh[0] + (double)dh[1]);
    assert_close(total, want, 4 * sqrt(want));
    free(counts);
    gsl_rng_free(r);
    fleet_destroy(f);
}

/* ---- the range clock against a per-GPU remaining hazard ---- */

#define CLOCK_GPUS 9000   /* three spans of the range index (fleet.c) */
#define CLOCK_TICKS 2000

/* The reference: each GPU's remaining hazard R in double, decremented by
 * its range's hazard every tick it is healthy; it fails when R <= 0. */
typedef struct reference {
    double left[CLOCK_GPUS];
    uint8_t state[CLOCK_GPUS];
    uint8_t seen[CLOCK_GPUS];     /* the fleet's states at the last fleet_clear_changed */
} reference;

/* Every GPU whose state differs from ref->seen is in a block marked in
 * state_changed; then clears the marks and takes a new snapshot. */
static void check_changed_marks(fleet *f, reference *ref, uint32_t tick)
{
    for (size_t i = 0; i < CLOCK_GPUS; i++)
        if (f->state[i] != ref->seen[i] && !f->state_changed[i / FLEET_BLOCK_GPUS])
            fail_msg("tick %u: GPU %zu went from state %d to %d, its block unmarked", tick, i,
                     ref->seen[i], f->state[i]);
    fleet_clear_changed(f);
    memcpy(ref->seen, f->state, CLOCK_GPUS);
}


/* Random ranges: 1 to 40 boundaries anywhere in [0, n], sorted. */
static size_t random_bounds(uint64_t *seed, size_t *bounds)
{
    const size_t n = 1 + next_random(seed) % 40;
    for (size_t k = 0; k < n; k++)
        bounds[k] = next_random(seed) % (CLOCK_GPUS + 1);
    for (size_t a = 1; a < n; a++)              /* insertion sort */
        for (size_t b = a; b > 0 && bounds[b - 1] > bounds[b]; b--) {
            const size_t t = bounds[b];
            bounds[b] = bounds[b - 1];
            bounds[b - 1] = t;
        }
    return n;
}

/* A random history of 2,000 ticks over 9,000 GPUs: every tick each range
 * at its own load (hazard 1e-3 x (1 + 1.5 load)); every 25 ticks new
 * ranges (fleet_set_ranges); every tick a drain or two
 * (fleet_take_down, fleet_bring_up later), a node of 8 drained at once
 * (fleet_take_down_range, which may cross ranges) and renewals of the failed GPUs
 * after a random delay. The clock form and the reference must fail the same
 * GPUs in the same ticks, and agree on every remaining hazard at the end;
 * after every step that writes states, each GPU whose state changed is in
 * a block marked in state_changed.
 * They could differ only where a threshold lands within double rounding
 * (~1e-16 relative) of a tick boundary, which this seed never hits. */
/* More new failures than the caller's buffer: fleet_take_failures takes
 * them cap at a time, in index order, each exactly once, and leaves the
 * rest for the next call (which starts after the last one taken). */
static void test_take_failures_in_batches(void **unused)
{
    (void)unused;
    enum { N = 1000, CAP = 256 };
    fleet *f = fleet_create(N);
    assert_non_null(f);
    size_t want = 0;
    for (size_t i = 0; i < N; i++)
        if (i % 5 != 0) {
            fleet_set_remaining(f, i, 0.05);      /* 800 fail in the first pass */
            want++;
        }
    fleet_sums s = {0};
    fleet_tick_range(f, 0, N, &(fleet_pass){LOAD, IDLE_W, TDP_W, 1.0f, 0.1f}, &s);
    assert_close(s.new_failures, (double)want, 0.0);
    size_t idx[CAP], taken = 0, from = 0, next_expected = 1, calls = 0;
    for (;;) {
        const size_t got = fleet_take_failures(f, from, N, idx, CAP);
        calls++;
        for (size_t k = 0; k < got; k++) {
            assert_int_equal(idx[k], next_expected);     /* in order, none twice */
            assert_int_equal(f->state[idx[k]], FLEET_FAILED);
            next_expected += next_expected % 5 == 4 ? 2 : 1;
        }
        taken += got;
        if (got < CAP)
            break;
        from = idx[CAP - 1] + 1;
    }
    assert_int_equal(taken, want);
    assert_int_equal(calls, want / CAP + 1);              /* 256, 256, 256, 32 */
    for (size_t i = 0; i < N; i++)
        assert_int_equal(f->state[i], i % 5 != 0 ? FLEET_FAILED : FLEET_HEALTHY);
    fleet_destroy(f);
}

static void test_clock_matches_per_gpu_decrement(void **unused)
{
    (void)unused;
    fleet *f = fleet_create(CLOCK_GPUS);
    reference *ref = calloc(1, sizeof *ref);
    size_t *bounds = calloc(64, sizeof *bounds), *idx = calloc(CLOCK_GPUS, sizeof *idx);
    uint32_t *down_until = calloc(CLOCK_GPUS, sizeof *down_until);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_true(f && ref && bounds && idx && down_until && r);
    gsl_rng_set(r, 31337);
    uint64_t seed = 0xc10c4ULL;
    for (size_t i = 0; i < CLOCK_GPUS; i++) {
        const double e = i % 10 == 9 ? INFINITY : gsl_ran_exponential(r, 1.0);  /* 10%: no mode */
        fleet_renew(f, i, e);
        ref->left[i] = e;
    }
    size_t n_bounds = 0, total_failures = 0;
    for (uint32_t tick = 1; tick <= CLOCK_TICKS; tick++) {
        if (tick % 25 == 1) {
            n_bounds = random_bounds(&seed, bounds);
            assert_int_equal(fleet_set_ranges(f, bounds, n_bounds), 0);
        }
        check_changed_marks(f, ref, tick);
        for (int k = 0; k < 2; k++) {                 /* drains: the hazard freezes */
            const size_t i = next_random(&seed) % CLOCK_GPUS;
            if (fleet_take_down(f, i, FLEET_MAINTENANCE)) {
                assert_int_equal(ref->state[i], FLEET_HEALTHY);
                ref->state[i] = FLEET_MAINTENANCE;
                down_until[i] = tick + 1 + (uint32_t)(next_random(&seed) % 30);
            }
        }
        {                                             /* a node drain, which may cross ranges */
            const size_t lo = next_random(&seed) % (CLOCK_GPUS - 8);
            size_t healthy = 0;
            const uint32_t until = tick + 1 + (uint32_t)(next_random(&seed) % 30);
            for (size_t i = lo; i < lo + 8; i++)
                if (ref->state[i] == FLEET_HEALTHY) {
                    ref->state[i] = FLEET_MAINTENANCE;
                    down_until[i] = until;
                    healthy++;
                }
            assert_int_equal(fleet_take_down_range(f, lo, lo + 8, FLEET_MAINTENANCE), healthy);
        }
        check_changed_marks(f, ref, tick);
        for (size_t i = 0; i < CLOCK_GPUS; i++) {     /* repairs and returns */
            if (f->state[i] == FLEET_HEALTHY || down_until[i] > tick)
                continue;
            if (f->state[i] == FLEET_FAILED) {
                const double e = gsl_ran_exponential(r, 1.0);
                fleet_renew(f, i, e);
                ref->left[i] = e;
            } else {
                fleet_bring_up(f, i);
            }
            ref->state[i] = FLEET_HEALTHY;
        }
        check_changed_marks(f, ref, tick);
        /* the ranges, each at its own load */
        size_t lo = 0;
        for (size_t b = 0; b <= n_bounds; b++) {
            const size_t hi = b < n_bounds ? bounds[b] : CLOCK_GPUS;
            if (hi <= lo)
                continue;
            const float load = (float)(next_random(&seed) % 1000) / 1000.0f;
            const float h = 1e-3f * (1.0f + 1.5f * load);
            fleet_sums s = {0};
            fleet_tick_range(f, lo, hi, &(fleet_pass){load, IDLE_W, TDP_W, 1.0f, h}, &s);
            size_t want = 0;
            for (size_t i = lo; i < hi; i++) {
                if (ref->state[i] != FLEET_HEALTHY)
                    continue;
                ref->left[i] -= (double)h;
                if (ref->left[i] <= 0.0) {
                    ref->state[i] = FLEET_FAILED;
                    want++;
                    if (f->state[i] != FLEET_NEW_FAILURE)
                        fail_msg("tick %u: GPU %zu fails in the reference (left %.17g), not "
                                 "by the clock (remaining %.17g)", tick, i, ref->left[i],
                                 fleet_remaining_hazard(f, i));
                } else if (f->state[i] == FLEET_NEW_FAILURE) {
                    fail_msg("tick %u: GPU %zu fails by the clock, not in the reference "
                             "(left %.17g)", tick, i, ref->left[i]);
                }
            }
            assert_int_equal((size_t)s.new_failures, want);
            /* the pass's marks stay until the take, which reads only marked blocks */
            assert_int_equal(fleet_take_failures(f, lo, hi, idx, CLOCK_GPUS), want);
            check_changed_marks(f, ref, tick);
            for (size_t k = 0; k < want; k++)
                down_until[idx[k]] = tick + 1 + (uint32_t)(next_random(&seed) % 50);
            total_failures += want;
            lo = hi;
        }
    }
    for (size_t i = 0; i < CLOCK_GPUS; i++) {
        assert_int_equal(f->state[i], ref->state[i]);
        if (isinf(ref->left[i]))
            assert_true(isinf(fleet_remaining_hazard(f, i)));
        else
            assert_close(fleet_remaining_hazard(f, i), ref->left[i], 1e-12);
    }
    /* about 3,000 x 2,000 x 1.75e-3 x 0.9 / (1 + repair time) failures: the
     * history exercised the scans, not just the clocks */
    assert_true(total_failures > 2000);
    gsl_rng_free(r);
    free(down_until);
    free(idx);
    free(bounds);
    free(ref);
    fleet_destroy(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_defaults_and_alignment),
        cmocka_unit_test(test_util_byte_steps),
        cmocka_unit_test(test_kernel_per_gpu_known_answers),
        cmocka_unit_test(test_kernel_partial_range_accumulates),
        cmocka_unit_test(test_kernel_matches_scalar_reference),
        cmocka_unit_test(test_kernel_long_range_accuracy),
        cmocka_unit_test(test_kernel_exact_lane_arithmetic),
        cmocka_unit_test(test_kernel_repeat_is_bit_identical),
        cmocka_unit_test(test_kernel_throttle_scales_power),
        cmocka_unit_test(test_kernel_failure_by_accumulated_hazard),
        cmocka_unit_test(test_min_perf),
        cmocka_unit_test(test_bring_up_range_matches_one_by_one),
        cmocka_unit_test(test_failures_are_poisson_at_constant_load),
        cmocka_unit_test(test_hazard_matches_direct_exponential),
        cmocka_unit_test(test_failures_follow_load_dependent_hazard),
        cmocka_unit_test(test_take_failures_in_batches),
        cmocka_unit_test(test_clock_matches_per_gpu_decrement),
    };
    return cmocka_run_group_tests_name("fleet", tests, NULL, NULL);
}
