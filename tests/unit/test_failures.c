/*
 * Unit tests for failures, repairs, stragglers and power caps in the market
 * (market_failures.c), against closed forms with fixed seeds:
 *   - alternating renewal: the long-run share of GPUs down equals the
 *     renewal-reward ratio E[down] / (E[up] + E[down]) for exponential and
 *     lognormal repairs, within a tolerance from the number of cycles;
 *   - stragglers: inference capacity sums perf over healthy GPUs, and a
 *     training gang advances at its slowest GPU (where per-allocation
 *     averages would be wrong by a factor of two);
 *   - ageing (weibull_shape): failures of new and of pre-start GPUs follow
 *     the Weibull distribution (conditional on the age), binomial
 *     tolerances; node failures leave the GPUs' age;
 *   - a curtailed datacenter throttles to the clock that meets its cap, never
 *     draws more, and delivers f^alpha of its throughput;
 *   - planned maintenance rolls through the nodes in order, each once per
 *     1 / rate, with the same number down on every row;
 *   - conservation on every row (installed = healthy + failed + maintenance,
 *     allocated <= healthy, delivered <= committed) with failures on.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_cdf.h>

#include "testlib.h"
#include "../../sim/engine/engine.h"
#include "../../sim/model/market.h"

#define HOUR TESTLIB_HOUR

/* ---- a run with a summing observer ---- */

typedef struct sums {
    int64_t from_tick;        /* rows before it are not summed */
    int64_t ticks;
    double installed, failed, maintenance;
    int violations;           /* rows breaking conservation */
    double max_it_mw;         /* per tick, DC 0: power_mw / pue */
    double served[TESTLIB_MAX_TICKS];
    double power_mw[TESTLIB_MAX_TICKS];
    double failed_rows[TESTLIB_MAX_TICKS];   /* DC 0's failed GPUs */
} sums;

static int on_tick(const market *m, int64_t k, int64_t t, void *ctx)
{
    (void)t;
    sums *s = ctx;
    const market_dc_row *d = market_dc_rows(m);
    for (size_t i = 0; i < market_n_datacenters(m); i++) {
        if (d[i].installed != d[i].healthy + d[i].failed + d[i].maintenance ||
            d[i].allocated > d[i].healthy)
            s->violations++;
    }
    const market_contract_row *c = market_contract_rows(m);
    for (size_t i = 0; i < market_n_contracts(m); i++)
        if (c[i].delivered > c[i].committed)
            s->violations++;
    if (k < TESTLIB_MAX_TICKS) {
        s->served[k] = market_workload_rows(m)[0].served_h100;
        s->power_mw[k] = d[0].power_mw;
        s->failed_rows[k] = (double)d[0].failed;
    }
    if (k >= s->from_tick) {
        s->ticks++;
        s->installed += (double)d[0].installed;
        s->failed += (double)d[0].failed;
        s->maintenance += (double)d[0].maintenance;
    }
    return 0;
}

/* Runs s to its end with obs watching every tick; the caller destroys the
 * market. */
static market *run_watched(const spec *s, market_observer obs)
{
    market *m = market_create(s);
    assert_non_null(m);
    engine *e = engine_create();
    assert_non_null(e);
    assert_int_equal(market_attach(m, e, &obs), 0);
    assert_int_equal(engine_run(e, s->end - 1), ENGINE_FINISHED);
    engine_destroy(e);
    return m;
}

static market *run(const spec *s, sums *out)
{
    return run_watched(s, (market_observer){on_tick, NULL, out});
}

static spec_failure *add_failure(spec *s, const char *name, spec_failure_scope scope,
                                 double mtbf_h, spec_dist_kind repair, double repair_mean,
                                 double repair_sigma)
{
    s->failures = realloc(s->failures, (s->n_failures + 1) * sizeof *s->failures);
    assert_non_null(s->failures);
    spec_failure *f = &s->failures[s->n_failures++];
    *f = (spec_failure){.scope = scope, .gpu = SPEC_ANY_GPU,
                        .rate_per_unit_s = 1.0 / (mtbf_h * 3600.0),
                        .repair_h = {.kind = repair, .mean = repair_mean, .sigma = repair_sigma},
                        .hardware = 1};
    testlib_name(f->name, name);
    return f;
}

/* ---- planned maintenance: the rolling drain ---- */

#define ROLL_GPUS 4000
#define ROLL_NODES (ROLL_GPUS / 8)
#define ROLL_TICKS 400

typedef struct roll_watch {
    uint8_t was[ROLL_GPUS];            /* each GPU's state at the last row */
    int drains[ROLL_NODES];            /* times each node went into maintenance */
    int first[ROLL_NODES];             /* the tick of its first drain (-1: none) */
    int64_t maintenance[ROLL_TICKS];   /* per row */
} roll_watch;

static int watch_roll(const market *m, int64_t k, int64_t t, void *ctx)
{
    (void)t;
    roll_watch *w = ctx;
    const fleet *f = market_fleet(m);
    for (size_t n = 0; n < ROLL_NODES; n++) {
        const size_t i = 8 * n;
        if (f->state[i] == FLEET_MAINTENANCE && w->was[i] != FLEET_MAINTENANCE) {
            w->drains[n]++;
            if (w->first[n] < 0)
                w->first[n] = (int)k;
        }
    }
    memcpy(w->was, f->state, ROLL_GPUS);
    if (k < ROLL_TICKS)
        w->maintenance[k] = market_dc_rows(m)[0].maintenance;
    return 0;
}

/* Planned maintenance rolls through the fleet: a planned node mode of rate
 * r per node and a fixed repair d drains the nodes one after another in
 * fleet order, r x nodes an hour, each for d. 500 nodes at r = 1/100 h: 5
 * a tick, so every node goes once each 100 hours (4 times in 400, in
 * order). A batch drained in tick j is counted in the rows of ticks j + 1
 * .. j + 7 (a row counts the states at its tick's rebuild, and the repair
 * at j + 8 h comes before tick j + 8's), so once the first hours have
 * passed every row has 7 batches down, 7 x 5 x 8 = 280 GPUs, give or take
 * a node where the rate's sum rounds across a tick (a Poisson drain would
 * scatter around that by sqrt(35) nodes). */
static void test_planned_maintenance_rolls(void **unused)
{
    (void)unused;
    spec *s = testlib_market_spec(1, ROLL_TICKS * HOUR, HOUR);
    testlib_add_dc(s, "dc", 0, 0, ROLL_GPUS, 0);
    testlib_add_workload(s, "w", 0, 0, 1000.0);
    spec_failure *f = add_failure(s, "firmware", SPEC_SCOPE_NODE, 100.0, SPEC_DIST_FIXED, 8.0, 0.0);
    f->planned = 1;
    f->hardware = 0;
    roll_watch *w = calloc(1, sizeof *w);
    assert_non_null(w);
    for (size_t n = 0; n < ROLL_NODES; n++)
        w->first[n] = -1;
    market *m = run_watched(s, (market_observer){watch_roll, NULL, w});
    int total = 0;
    for (size_t n = 0; n < ROLL_NODES; n++) {
        total += w->drains[n];
        if (w->drains[n] < 3 || w->drains[n] > 5)
            fail_msg("node %zu drained %d times in 400 hours, not about 4", n, w->drains[n]);
        if (n > 0 && w->first[n] < w->first[n - 1])
            fail_msg("node %zu first drained at tick %d, before node %zu (tick %d)", n,
                     w->first[n], n - 1, w->first[n - 1]);
    }
    if (abs(total - 4 * ROLL_NODES) > 10)
        fail_msg("%d drains in 400 hours, not %d (within 10)", total, 4 * ROLL_NODES);
    for (int k = 10; k < ROLL_TICKS; k++)
        if (llabs(w->maintenance[k] - 280) > 8)
            fail_msg("tick %d: %lld GPUs in maintenance, not 280 (one node either way)", k,
                     (long long)w->maintenance[k]);
    market_metric metrics[64];
    const size_t got = market_end_metrics(m, ROLL_TICKS * HOUR, metrics, 64);
    int found = 0;
    for (size_t i = 0; i < got && i < 64; i++)
        if (strcmp(metrics[i].name, "planned_drains.dc") == 0) {
            found = 1;
            if (fabs(metrics[i].value - 5.0 * ROLL_TICKS) > 5.0)
                fail_msg("planned_drains.dc %g, not %g (within 5)", metrics[i].value,
                         5.0 * ROLL_TICKS);
        }
    assert_true(found);
    market_destroy(m);
    spec_destroy(s);
    free(w);
}

/* ---- alternating renewal ---- */

/* E[ceil(X)] - 1 and E[(ceil(X) - 1)^2] for X = repair / tick (in ticks):
 * sum over k >= 1 of P(X > k), and of (2k - 1) P(X > k). */
static void down_moments(spec_dist_kind kind, double mean_ticks, double sigma, double *m1,
                         double *m2)
{
    *m1 = *m2 = 0.0;
    const double zeta = log(mean_ticks) - sigma * sigma / 2;
    for (int k = 1; k < 200000; k++) {
        const double q = kind == SPEC_DIST_EXPONENTIAL ? exp(-(double)k / mean_ticks)
                                                       : gsl_cdf_lognormal_Q((double)k, zeta, sigma);
        *m1 += q;
        *m2 += (2.0 * k - 1.0) * q;
        if (q < 1e-15)
            break;
    }
}

/* N GPUs, each failing by hazard 1/MTBF per hour (load_factor 0, no node
 * drain) and repaired after R. A GPU that fails in tick k's pass served
 * tick k, is counted failed in the rows of ticks k+1 .. k+ceil(R)-1, and is
 * healthy again from the first tick after its repair; then it fails in the
 * G-th pass, G geometric with q = 1 - e^{-tick/MTBF}. The renewal-reward
 * theorem gives the long-run share of rows down: p = E[D] / (E[G] + E[D]),
 * D = ceil(R) - 1 (for MTTR << MTBF this is MTTR / (MTBF + MTTR)). The
 * estimator's sd, by the delta method over n = N x T / E[C] independent
 * cycles: sqrt(((1-p)^2 Var D + p^2 Var G) / n) / E[C]; within 5 sd. */
static void check_renewal(spec_dist_kind kind, double sigma, uint64_t seed)
{
    const int64_t ticks = 3000, warm = 500, n = 2000;
    const double mtbf_h = 100.0, mttr_h = 10.0;
    spec *s = testlib_market_spec(1, ticks * HOUR, HOUR);
    s->seed = seed;
    testlib_add_dc(s, "dc", 0, 0, n, 0);
    testlib_add_workload(s, "w", 0, 0, 1000.0);
    add_failure(s, "gpu-fault", SPEC_SCOPE_GPU, mtbf_h, kind, mttr_h, sigma);
    sums out = {.from_tick = warm};
    market *m = run(s, &out);
    assert_int_equal(out.violations, 0);
    const double share = out.failed / out.installed;
    const double q = 1.0 - exp(-1.0 / mtbf_h);
    const double eg = 1.0 / q, vg = (1.0 - q) / (q * q);
    double ed, ed2;
    down_moments(kind, mttr_h, sigma, &ed, &ed2);
    const double vd = ed2 - ed * ed, ec = eg + ed, p = ed / ec;
    const double cycles = (double)n * (double)(ticks - warm) / ec;
    const double sd = sqrt(((1 - p) * (1 - p) * vd + p * p * vg) / cycles) / ec;
    print_message("renewal (%s): down share %.5f, closed form %.5f (MTTR/(MTBF+MTTR) %.5f), sd %.5f\n",
                  kind == SPEC_DIST_EXPONENTIAL ? "exponential" : "lognormal", share, p,
                  mttr_h / (mtbf_h + mttr_h), sd);
    assert_true(fabs(share - p) <= 5 * sd);
    market_destroy(m);
    spec_destroy(s);
}

static void test_renewal_exponential_repairs(void **unused)
{
    (void)unused;
    check_renewal(SPEC_DIST_EXPONENTIAL, 0.0, 11);
}

static void test_renewal_lognormal_repairs(void **unused)
{
    (void)unused;
    check_renewal(SPEC_DIST_LOGNORMAL, 1.0, 12);
}

/* A failed GPU drains its node: with drains_node every failure takes 8 GPUs
 * down for the repair (1 failed + 7 in maintenance), so the maintenance
 * count is 7 x the failed count on average; and every row conserves. */
static void test_failure_drains_its_node(void **unused)
{
    (void)unused;
    spec *s = testlib_market_spec(1, 600 * HOUR, HOUR);
    testlib_add_dc(s, "dc", 0, 0, 4000, 0);
    testlib_add_workload(s, "w", 0, 0, 1000.0);
    add_failure(s, "gpu-fault", SPEC_SCOPE_GPU, 2000.0, SPEC_DIST_FIXED, 24.0, 0.0)->drains_node = 1;
    sums out = {.from_tick = 48};
    market *m = run(s, &out);
    assert_int_equal(out.violations, 0);
    assert_true(out.failed > 0);
    /* two failures in one node within a repair drain fewer: a little under 7 */
    assert_true(out.maintenance <= 7.0 * out.failed && out.maintenance > 6.8 * out.failed);
    market_metric metrics[64];
    const size_t k = market_end_metrics(m, 600 * HOUR, metrics, 64);
    int found = 0;
    for (size_t i = 0; i < k && i < 64; i++)
        if (strcmp(metrics[i].name, "gpu_failures.dc") == 0) {
            found = 1;
            /* Poisson with mean 4000 x 600 / 2000 = 1200 (failed GPUs do not fail) */
            assert_true(metrics[i].value > 1000 && metrics[i].value < 1300);
        }
    assert_true(found);
    market_destroy(m);
    spec_destroy(s);
}

/* ---- ageing (weibull_shape) ---- */

/* P(a new GPU has failed by exposure x) under Weibull shape k, scaled to
 * mean exposure 1: 1 - exp(-(Gamma(1 + 1/k) x)^k). */
static double weibull_cdf(double k, double x)
{
    return 1.0 - exp(-pow(tgamma(1.0 + 1.0 / k) * x, k));
}

/* The metric `name` of the run's end metrics (fails when absent). */
static double end_metric(market *m, int64_t t, const char *name)
{
    market_metric metrics[64];
    const size_t k = market_end_metrics(m, t, metrics, 64);
    for (size_t i = 0; i < k && i < 64; i++)
        if (strcmp(metrics[i].name, name) == 0)
            return metrics[i].value;
    fail_msg("no metric %s", name);
    return 0.0;
}

#define AGE_TICK (5 * HOUR)
#define AGE_TICKS TESTLIB_MAX_TICKS
#define AGE_MTBF_H 1000.0
/* The exposure a healthy GPU accumulates per 5-hour tick: rate x dt as the
 * pass gets it, a float. */
#define AGE_H ((double)(float)(5.0 / AGE_MTBF_H))

/* n GPUs of shape k, online `age_h` hours before the start, failing by
 * hazard 1/1000 per hour (no load factor) and never repaired within the
 * run: the row of tick j counts the GPUs whose remaining exposure was at
 * most j x AGE_H. Each row's count is binomial with p = 1 - S(x0 + j h) /
 * S(x0), S = 1 - F, x0 = the exposure at the start (a pre-start age counts
 * at full load, here the same rate): within 5 sd at four rows. Returns the
 * count of row 60, for the shape contrast. */
static double check_weibull(double k, double age_h, int64_t n, uint64_t seed)
{
    spec *s = testlib_market_spec(1, AGE_TICKS * AGE_TICK, AGE_TICK);
    s->seed = seed;
    s->gpus[0].weibull_shape = k;
    testlib_add_dc(s, "dc", 0, 0, n, -(int64_t)(age_h * HOUR));
    testlib_add_workload(s, "w", 0, 0, 100.0);
    add_failure(s, "gpu-fault", SPEC_SCOPE_GPU, AGE_MTBF_H, SPEC_DIST_FIXED, 1e6, 0.0);
    sums out = {0};
    market *m = run(s, &out);
    assert_int_equal(out.violations, 0);
    const double x0 = age_h / AGE_MTBF_H, s0 = 1.0 - weibull_cdf(k, x0);
    static const int rows[] = {20, 60, 120, AGE_TICKS - 1};
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        const double x = x0 + rows[r] * AGE_H;
        const double p = 1.0 - (1.0 - weibull_cdf(k, x)) / s0;
        const double want = (double)n * p, sd = sqrt((double)n * p * (1.0 - p));
        print_message("weibull k %.1f, age %.0f h, row %d: failed %.0f, closed form %.1f, sd %.1f\n",
                      k, age_h, rows[r], out.failed_rows[rows[r]], want, sd);
        assert_true(fabs(out.failed_rows[rows[r]] - want) <= 5.0 * sd);
    }
    market_destroy(m);
    spec_destroy(s);
    return out.failed_rows[60];
}

/* New GPUs: wear-out (k = 2) fails far fewer early than the exponential of
 * the same mean, infant mortality (k = 0.5) far more; k = 1 is the
 * exponential itself. At row 60 (exposure 0.3) the exponential would have
 * 1 - e^-0.3 = 25.9% failed, k = 2 6.8%, k = 0.5 54.0%. */
static void test_weibull_ageing_follows_its_cdf(void **unused)
{
    (void)unused;
    const int64_t n = 20000;
    const double exponential = (double)n * (1.0 - exp(-60 * AGE_H));
    assert_true(check_weibull(2.0, 0.0, n, 21) < 0.5 * exponential);
    assert_true(check_weibull(0.5, 0.0, n, 22) > 1.5 * exponential);
    const double constant = check_weibull(1.0, 0.0, n, 23);
    assert_true(fabs(constant - exponential) <= 5.0 * sqrt(exponential));
}

/* GPUs online 500 hours before the start are that old (exposure 0.5 at
 * full load): under wear-out their failures follow the conditional
 * distribution, S(x0 + x) / S(x0), not a new GPU's. */
static void test_weibull_fleet_aged_before_the_start(void **unused)
{
    (void)unused;
    check_weibull(2.0, 500.0, 20000, 24);
}

/* Node failures do not make GPUs new. 16,000 GPUs of strong wear-out
 * (k = 4, mean life 1,000 hours, never repaired) in nodes that fail every
 * 100 hours for a 5-hour repair: a GPU's exposure by the end is its time up
 * (1,200 hours less one tick per node failure, about 12), so its GPU
 * failures lie between n F(0.9 x 1.2) and n F(1.2), 60% and 75%. Had each
 * node repair renewed its GPUs, none would live past 0.1 of exposure
 * between renewals and almost none (F(0.1) = 7e-5 a time) would fail. */
static void test_node_failures_keep_the_gpus_age(void **unused)
{
    (void)unused;
    const int64_t n = 16000;
    spec *s = testlib_market_spec(1, AGE_TICKS * AGE_TICK, AGE_TICK);
    s->seed = 25;
    s->gpus[0].weibull_shape = 4.0;
    testlib_add_dc(s, "dc", 0, 0, n, 0);
    testlib_add_workload(s, "w", 0, 0, 100.0);
    add_failure(s, "gpu-fault", SPEC_SCOPE_GPU, AGE_MTBF_H, SPEC_DIST_FIXED, 1e6, 0.0);
    add_failure(s, "node-fault", SPEC_SCOPE_NODE, 100.0, SPEC_DIST_FIXED, 5.0, 0.0);
    sums out = {0};
    market *m = run(s, &out);
    assert_int_equal(out.violations, 0);
    const double failures = end_metric(m, AGE_TICKS * AGE_TICK, "gpu_failures.dc");
    const double x = AGE_TICKS * AGE_H, lo = (double)n * weibull_cdf(4.0, 0.9 * x),
                 hi = (double)n * weibull_cdf(4.0, x), sd = sqrt((double)n * 0.25);
    print_message("node failures, k 4: %.0f GPU failures, between %.0f and %.0f\n", failures,
                  lo, hi);
    assert_true(failures >= lo - 5.0 * sd && failures <= hi + 5.0 * sd);
    market_destroy(m);
    spec_destroy(s);
}

/* ---- stragglers ---- */

/* 800 GPUs, 10% stragglers at 0.5: the capacity is 720 + 80 x 0.5 = 760
 * H100-equivalents, so a demand of 1,000 is served 760. */
static void test_straggler_inference_capacity(void **unused)
{
    (void)unused;
    spec *s = testlib_market_spec(1, 4 * HOUR, HOUR);
    s->gpus[0].straggler_share = 0.1;
    s->gpus[0].straggler_speed = 0.5;
    testlib_add_dc(s, "dc", 0, 0, 800, 0);
    testlib_add_workload(s, "w", 0, 0, 1000.0);
    sums out = {0};
    market *m = run(s, &out);
    assert_close(out.served[0], 760.0, 1e-6);
    market_destroy(m);
    spec_destroy(s);
}

/* One 64-GPU job of 10 H100-hours per GPU on 64 GPUs, one of them a
 * straggler at 0.5: the gang advances at 0.5 and finishes after 20 hours.
 * Averaging perf over the allocation (63 + 0.5) / 64 = 0.992 would predict
 * 10.1 hours: the per-GPU pass changes the answer by a factor of two. */
static void test_straggler_slows_the_gang(void **unused)
{
    (void)unused;
    spec *s = testlib_market_spec(1, 30 * HOUR, HOUR);
    s->gpus[0].straggler_share = 1.0 / 64;
    s->gpus[0].straggler_speed = 0.5;
    testlib_add_dc(s, "dc", 0, 0, 64, 0);
    spec_workload *w = &s->workloads[s->n_workloads++];
    testlib_name(w->name, "train");
    w->tenant = 0;
    w->type = SPEC_TRAINING;
    w->max_wait_h = SPEC_WAIT_FOREVER;
    w->trace = calloc(1, sizeof *w->trace);
    assert_non_null(w->trace);
    w->trace[0] = (spec_trace_job){.submit = 0, .gpus = 64, .duration_s = 10 * 3600.0,
                                   .gpu = SPEC_ANY_GPU};
    w->trace_len = 1;
    sums out = {0};
    market *m = run(s, &out);
    market_metric metrics[64];
    const size_t k = market_end_metrics(m, 30 * HOUR, metrics, 64);
    double completed = -1, gpu_hours = -1, h100_hours = -1;
    for (size_t i = 0; i < k && i < 64; i++) {
        if (strcmp(metrics[i].name, "jobs_completed.train") == 0)
            completed = metrics[i].value;
        if (strcmp(metrics[i].name, "gpu_hours_served.train") == 0)
            gpu_hours = metrics[i].value;
        if (strcmp(metrics[i].name, "h100_hours_served.train") == 0)
            h100_hours = metrics[i].value;
    }
    assert_close(completed, 1.0, 0.0);
    assert_close(gpu_hours, 64 * 20.0, 1e-6);     /* 20 hours on 64 GPUs */
    assert_close(h100_hours, 640.0, 1e-6);        /* the work done */
    /* What a pass that averaged perf over the allocation would have given:
     * 10 h / ((63 + 0.5) / 64) = 10.08 h on 64 GPUs. The per-GPU answer is
     * twice that: the results depend on the per-GPU arrays. */
    const double averaged_gpu_hours = 64 * 10.0 / ((63 + 0.5) / 64);
    assert_true(gpu_hours > 1.9 * averaged_gpu_hours);
    market_destroy(m);
    spec_destroy(s);
}

/* ---- power caps ---- */

/* 800 H100 (idle 90 W, tdp 700 W, no host power) at full load draw
 * 72 + 488 = 560 kW of IT power. Curtailed to 400 kW from hour 24 for 10
 * hours: the clock f solves 72 + 488 f^3 = 400, f = 0.8759, so the draw is
 * 400 kW (x PUE 1.2) and from the next tick the capacity is 800 f^0.7. */
static void test_curtailment_throttles_to_the_cap(void **unused)
{
    (void)unused;
    spec *s = testlib_market_spec(1, 48 * HOUR, HOUR);
    testlib_add_dc(s, "dc", 0, 0, 800, 0);
    testlib_add_workload(s, "w", 0, 0, 5000.0);
    s->curtailments = calloc(1, sizeof *s->curtailments);
    assert_non_null(s->curtailments);
    s->curtailments[0] = (spec_curtailment){.datacenter = 0, .start = 24 * HOUR,
                                            .end = 34 * HOUR, .mw = 0.4};
    testlib_name(s->curtailments[0].name, "grid");
    s->n_curtailments = 1;
    sums out = {0};
    market *m = run(s, &out);
    const double f = cbrt((400.0 - 72.0) / 488.0);
    for (int k = 0; k < 48; k++) {
        const int curtailed = k >= 24 && k < 34;
        const double it_kw = out.power_mw[k] / 1.2 * 1000.0;
        if (curtailed)
            assert_true(it_kw <= 400.0 * (1 + 1e-9));
        else
            assert_close(it_kw, 560.0, 1e-6);
        const int throttled_capacity = k >= 25 && k < 35;   /* one tick later */
        /* the clock is a float: relative 1e-7 */
        assert_close(out.served[k], throttled_capacity ? 800.0 * pow(f, 0.7) : 800.0, 1e-4);
    }
    assert_close(out.power_mw[28] / 1.2 * 1000.0, 400.0, 1e-3);
    market_destroy(m);
    spec_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_renewal_exponential_repairs),
        cmocka_unit_test(test_renewal_lognormal_repairs),
        cmocka_unit_test(test_failure_drains_its_node),
        cmocka_unit_test(test_planned_maintenance_rolls),
        cmocka_unit_test(test_weibull_ageing_follows_its_cdf),
        cmocka_unit_test(test_weibull_fleet_aged_before_the_start),
        cmocka_unit_test(test_node_failures_keep_the_gpus_age),
        cmocka_unit_test(test_straggler_inference_capacity),
        cmocka_unit_test(test_straggler_slows_the_gang),
        cmocka_unit_test(test_curtailment_throttles_to_the_cap),
    };
    return cmocka_run_group_tests_name("failures", tests, NULL, NULL);
}
