/*
 * Unit tests for jobdist and jobs: size and duration sampling (list
 * frequencies, rounding to nodes, the means of the continuous kinds), the
 * NHPP's counts against the integral of its rate, and the scheduler driven
 * by a real engine on tiny traces with exact times: gang allocation in one
 * group, best fit, GPU type, FIFO, backfill, max_wait, capacity drops with
 * preemption, the metrics, and determinism.
 *
 * Statistical tolerances are 4 standard errors computed from the sample
 * size (stated at each check): a correct implementation fails one check with
 * probability about 6e-5, and the seeds are fixed, so the outcome is
 * reproducible.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "testlib.h"
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "../../sim/engine/engine.h"
#include "../../sim/engine/rng.h"
#include "../../sim/model/jobdist.h"
#include "../../sim/model/jobs.h"

#define DAY_S 86400.0
#define YEAR_S (365.25 * 86400.0)

static const jobs_event_kinds KINDS = {JOBS_EV_DEFAULT_ARRIVAL, JOBS_EV_DEFAULT_FINISH,
                                       JOBS_EV_DEFAULT_DEADLINE};
enum { KIND_CAPACITY = 20 };

/* ---- sampling ---------------------------------------------------------- */

static void test_round_to_nodes(void **unused)
{
    (void)unused;
    assert_int_equal(jobdist_round_to_nodes(0.3), 8);
    assert_int_equal(jobdist_round_to_nodes(8.0), 8);
    assert_int_equal(jobdist_round_to_nodes(8.0001), 16);
    assert_int_equal(jobdist_round_to_nodes(17.0), 24);
    assert_int_equal(jobdist_round_to_nodes(1000.0), 1000);
    assert_int_equal(jobdist_round_to_nodes(-5.0), 8);
    assert_int_equal(jobdist_round_to_nodes(NAN), 8);
    assert_int_equal(jobdist_round_to_nodes(1e300), (int64_t)1 << 40);
}

/* A weighted list: each value's frequency over N draws is binomial, so it is
 * within 4 sqrt(N p (1 - p)) of N p; 12 GPUs round up to 16. */
static void test_list_frequencies(void **unused)
{
    (void)unused;
    double values[] = {8.0, 12.0, 64.0, 256.0};
    double weights[] = {5.0, 3.0, 1.5, 0.5};
    const int64_t rounded[] = {8, 16, 64, 256};
    spec_distribution d = {.kind = SPEC_DIST_LIST, .n = 4, .values = values, .weights = weights};
    jobdist *s = jobdist_create(&d);
    assert_non_null(s);
    gsl_rng *r = rng_stream_create(1729, "test/list");
    const long n = 200000;
    long counts[4] = {0};
    for (long i = 0; i < n; i++) {
        const int64_t gpus = jobdist_round_to_nodes(jobdist_draw(s, r));
        int k = 0;
        while (k < 4 && rounded[k] != gpus)
            k++;
        assert_true(k < 4);
        counts[k]++;
    }
    for (int k = 0; k < 4; k++) {
        const double p = weights[k] / 10.0;
        assert_close((double)counts[k], (double)n * p, 4.0 * sqrt((double)n * p * (1.0 - p)));
    }
    /* The means: weighted 0.5*8 + 0.3*12 + 0.15*64 + 0.05*256; rounded 12 -> 16. */
    assert_close(jobdist_mean(&d), 4.0 + 3.6 + 9.6 + 12.8, 1e-12);
    assert_close(jobdist_mean_rounded_gpus(&d), 4.0 + 4.8 + 9.6 + 12.8, 1e-12);
    gsl_rng_free(r);
    jobdist_destroy(s);

    double zero[] = {0.0, 0.0};
    spec_distribution bad = {.kind = SPEC_DIST_LIST, .n = 2, .values = values, .weights = zero};
    assert_null(jobdist_create(&bad));
}

/* Sample mean and standard deviation of n rounded (nodes = 1) or raw draws. */
static void draw_moments(const spec_distribution *d, int nodes, long n, double *mean, double *sd)
{
    jobdist *s = jobdist_create(d);
    assert_non_null(s);
    gsl_rng *r = rng_stream_create(31337, "test/moments");
    double sum = 0.0, sum2 = 0.0;
    for (long i = 0; i < n; i++) {
        double x = jobdist_draw(s, r);
        if (nodes) {
            x = (double)jobdist_round_to_nodes(x);
            assert_int_equal((int64_t)x % 8, 0);
        }
        sum += x;
        sum2 += x * x;
    }
    *mean = sum / (double)n;
    *sd = sqrt((sum2 - sum * *mean) / (double)(n - 1));
    gsl_rng_free(r);
    jobdist_destroy(s);
}

/* Continuous kinds: the sample mean is within 4 s / sqrt(N) of the closed
 * form (s the sample standard deviation, N = 200,000). */
static void test_continuous_means(void **unused)
{
    (void)unused;
    const long n = 200000;
    double mean, sd;

    spec_distribution expo = {.kind = SPEC_DIST_EXPONENTIAL, .mean = 93.7};
    draw_moments(&expo, 1, n, &mean, &sd);
    /* E[8 ceil(X/8)] for an exponential: 8 / (1 - e^{-8/mean}). */
    const double expo_rounded = 8.0 / (1.0 - exp(-8.0 / 93.7));
    assert_close(jobdist_mean_rounded_gpus(&expo), expo_rounded, 1e-9);
    assert_close(mean, expo_rounded, 4.0 * sd / sqrt((double)n));

    spec_distribution logn = {.kind = SPEC_DIST_LOGNORMAL, .mean = 41.3, .sigma = 0.8};
    draw_moments(&logn, 0, n, &mean, &sd);
    assert_close(mean, 41.3, 4.0 * sd / sqrt((double)n));
    draw_moments(&logn, 1, n, &mean, &sd);
    const double logn_rounded = jobdist_mean_rounded_gpus(&logn);
    assert_true(logn_rounded > 41.3 && logn_rounded < 41.3 + 8.0);
    assert_close(mean, logn_rounded, 4.0 * sd / sqrt((double)n));

    spec_distribution fixed = {.kind = SPEC_DIST_FIXED, .mean = 20.0};
    assert_close(jobdist_mean_rounded_gpus(&fixed), 24.0, 0.0);
    draw_moments(&fixed, 1, 10, &mean, &sd);
    assert_close(mean, 24.0, 0.0);
}

/* ---- NHPP ---------------------------------------------------------------- */

/* The rate written out independently of jobdist_rate, per second. */
static double rate_formula(double t, void *param)
{
    const spec_workload *w = param;
    if (t < (double)w->start)
        return 0.0;
    const double y = (t - (double)w->start) / YEAR_S, r0 = w->arrival_rate_per_day;
    if (w->growth == SPEC_GROWTH_EXPONENTIAL)
        return r0 * pow(w->yearly_factor, y) / DAY_S;
    const double c = w->ceiling_rate_per_day;
    return c / (1.0 + (c - r0) / r0 * exp(-w->rate_per_year * y)) / DAY_S;
}

/* Lambda = integral of the rate over [t0, t1] (GSL adaptive Gauss-Kronrod). */
static double rate_integral(const spec_workload *w, double t0, double t1)
{
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    gsl_function f = {.function = rate_formula, .params = (void *)w};
    double result, error;
    gsl_integration_qag(&f, t0, t1, 0.0, 1e-10, 1000, GSL_INTEG_GAUSS61, ws, &result, &error);
    gsl_integration_workspace_free(ws);
    return result;
}

/* R independent windows [t0, t1]: each count is Poisson(Lambda), so the mean
 * of R counts is within 4 sqrt(Lambda / R) of Lambda, and the sample
 * variance (sd about Lambda sqrt(2 / (R - 1)) for large Lambda) within
 * 4 Lambda sqrt(2 / (R - 1)). The windows are R consecutive stretches of
 * one stream, started from t0 each time. */
static void check_counts(const spec_workload *w, double t0, double t1, const char *stream)
{
    const int reps = 400;
    gsl_rng *r = rng_stream_create(2718, stream);
    const double lambda = rate_integral(w, t0, t1);
    double sum = 0.0, sum2 = 0.0;
    for (int k = 0; k < reps; k++) {
        double t = t0;
        long count = 0;
        while ((t = jobdist_next_arrival(w, r, t, t1)) < t1)
            count++;
        sum += (double)count;
        sum2 += (double)count * (double)count;
    }
    const double mean = sum / reps;
    const double var = (sum2 - sum * mean) / (reps - 1);
    assert_close(mean, lambda, 4.0 * sqrt(lambda / reps));
    assert_close(var, lambda, 4.0 * lambda * sqrt(2.0 / (reps - 1)));
    gsl_rng_free(r);
}

static void test_nhpp_exponential(void **unused)
{
    (void)unused;
    spec_workload w = {.name = "grow", .start = 40 * 86400, .growth = SPEC_GROWTH_EXPONENTIAL,
                       .arrival_rate_per_day = 37.0, .yearly_factor = 3.3};
    /* A window straddling the start (no arrivals before it), 0.1 years after. */
    check_counts(&w, (double)w.start - 10 * DAY_S, (double)w.start + 50 * DAY_S, "test/nhpp-exp");
    assert_close(jobdist_rate(&w, (double)w.start - 1.0), 0.0, 0.0);
    assert_close(jobdist_rate(&w, (double)w.start + YEAR_S), 37.0 * 3.3 / DAY_S, 1e-15);
    /* Decline (factor < 1), later in the run. */
    w.yearly_factor = 0.4;
    check_counts(&w, (double)w.start + 1.5 * YEAR_S, (double)w.start + 1.5 * YEAR_S + 80 * DAY_S,
                 "test/nhpp-decline");
}

/* Logistic: 20 -> 900 per day at r = 2.5 per year; the window spans the
 * inflection point, ln((C - R0) / R0) / r = 1.51 years. */
static void test_nhpp_logistic(void **unused)
{
    (void)unused;
    spec_workload w = {.name = "logi", .start = 0, .growth = SPEC_GROWTH_LOGISTIC,
                       .arrival_rate_per_day = 20.0, .ceiling_rate_per_day = 900.0,
                       .rate_per_year = 2.5};
    check_counts(&w, 1.45 * YEAR_S, 1.45 * YEAR_S + 6 * DAY_S, "test/nhpp-logistic");
    assert_close(jobdist_rate(&w, 0.0), 20.0 / DAY_S, 1e-15);
    assert_close(jobdist_rate(&w, 40 * YEAR_S), 900.0 / DAY_S, 1e-12);
}

/* A series of multipliers: flat 1 then a ramp to 4 and back down to 2. */
static void test_nhpp_series(void **unused)
{
    (void)unused;
    double ts[] = {0.0, 10 * DAY_S, 20 * DAY_S, 30 * DAY_S};
    double vs[] = {1.0, 1.0, 4.0, 2.0};
    spec_workload w = {.name = "ser", .growth = SPEC_GROWTH_SERIES, .arrival_rate_per_day = 50.0,
                       .series_len = 4, .series_t = ts, .series_value = vs};
    assert_close(jobdist_rate(&w, 15 * DAY_S), 50.0 * 2.5 / DAY_S, 1e-15);
    /* Lambda over [5 d, 40 d]: 50 x (5 + 25 + 30 + 20) = 4000 exactly (trapezoids). */
    const int reps = 200;
    gsl_rng *r = rng_stream_create(99, "test/nhpp-series");
    double sum = 0.0;
    for (int k = 0; k < reps; k++) {
        double t = 5 * DAY_S;
        while ((t = jobdist_next_arrival(&w, r, t, 40 * DAY_S)) < 40 * DAY_S)
            sum += 1.0;
    }
    assert_close(sum / reps, 4000.0, 4.0 * sqrt(4000.0 / reps));
    gsl_rng_free(r);
}

/* ---- scheduler on traces ------------------------------------------------ */

typedef struct record {
    int n;
    jobs_job_event ev[64];
} record;

static void observe(const jobs_job_event *ev, void *ctx)
{
    record *rec = ctx;
    assert_true(rec->n < 64);
    rec->ev[rec->n++] = *ev;
}

/* The time of the k-th event of type `type` for job `job`, or -1. */
static int64_t when(const record *rec, jobs_job_event_type type, int64_t job, int k)
{
    for (int i = 0; i < rec->n; i++)
        if (rec->ev[i].type == type && rec->ev[i].job == job && k-- == 0)
            return rec->ev[i].t;
    return -1;
}

static int group_of(const record *rec, jobs_job_event_type type, int64_t job)
{
    for (int i = 0; i < rec->n; i++)
        if (rec->ev[i].type == type && rec->ev[i].job == job)
            return rec->ev[i].group;
    return -2;
}

/* A capacity change as an engine event, as the market will make it. */
typedef struct capacity_change {
    jobs *j;
    size_t group;
    int64_t gpus;
} capacity_change;

static int on_capacity(engine *e, const evq_event *ev, void *ctx)
{
    (void)e;
    (void)ctx;
    const capacity_change *c = ev->data;
    return jobs_set_capacity(c->j, c->group, c->gpus);
}

typedef struct bench {
    spec_workload w;
    spec_trace_job trace[16];
    jobs_group_def groups[4];
    size_t n_groups;
    engine *e;
    jobs *j;
    record rec;
    capacity_change changes[4];
} bench;

static void bench_trace(bench *b, size_t n, const spec_trace_job *t)
{
    memset(b, 0, sizeof *b);
    snprintf(b->w.name, sizeof b->w.name, "trace");
    b->w.type = SPEC_TRAINING;
    b->w.max_wait_h = SPEC_WAIT_FOREVER;
    memcpy(b->trace, t, n * sizeof *t);
    b->w.trace = b->trace;
    b->w.trace_len = n;
}

static void bench_group(bench *b, int dc, int gpu, double speed)
{
    b->groups[b->n_groups++] = (jobs_group_def){.datacenter = dc, .gpu = gpu, .train_speed = speed};
}

/* Creates, attaches, sets the initial capacities at t = 0. */
static void bench_start(bench *b, const int64_t *capacity)
{
    b->e = engine_create();
    assert_non_null(b->e);
    b->j = jobs_create(&b->w, b->groups, b->n_groups, 42, 100000000);
    assert_non_null(b->j);
    jobs_set_observer(b->j, observe, &b->rec);
    assert_int_equal(jobs_attach(b->j, b->e, KINDS), 0);
    engine_on(b->e, KIND_CAPACITY, on_capacity, NULL);
    assert_int_equal(jobs_set_capacities(b->j, capacity), 0);
}

static void bench_change(bench *b, int k, int64_t t, size_t group, int64_t gpus)
{
    b->changes[k] = (capacity_change){.j = b->j, .group = group, .gpus = gpus};
    engine_schedule(b->e, t, KIND_CAPACITY, 0, &b->changes[k]);
}

static void bench_end(bench *b)
{
    jobs_destroy(b->j);
    engine_destroy(b->e);
}

/* A 64-GPU job does not start across two DCs with 32 free each; it starts
 * when one DC grows to 64. Capacities are rounded down to whole nodes. */
static void test_gang_one_group(void **unused)
{
    (void)unused;
    bench b;
    const spec_trace_job t[] = {{.submit = 100, .gpus = 64, .duration_s = 500.0, .gpu = SPEC_ANY_GPU}};
    bench_trace(&b, 1, t);
    bench_group(&b, 0, 0, 1.0);
    bench_group(&b, 1, 0, 1.0);
    bench_start(&b, (const int64_t[]){32, 39});
    assert_int_equal(jobs_group_capacity(b.j, 1), 32);
    bench_change(&b, 0, 1000, 1, 70);
    engine_run(b.e, 999);
    assert_int_equal(jobs_queued(b.j), 1);
    assert_int_equal(jobs_group_busy(b.j, 0) + jobs_group_busy(b.j, 1), 0);
    engine_run(b.e, 1000);
    assert_int_equal(jobs_running(b.j), 1);
    assert_int_equal(jobs_group_busy(b.j, 1), 64);
    assert_int_equal(jobs_dc_busy(b.j, 1), 64);
    assert_int_equal(jobs_dc_busy(b.j, 0), 0);
    engine_run(b.e, INT64_MAX);
    assert_int_equal(when(&b.rec, JOBS_STARTED, 0, 0), 1000);
    assert_int_equal(when(&b.rec, JOBS_FINISHED, 0, 0), 1500);
    assert_close(jobs_mean_wait(b.j), 900.0, 0.0);
    bench_end(&b);
}

/* Best fit: the fullest group that still fits; ties to the lowest index;
 * a trace job that requires a GPU type runs only there, at its speed. */
static void test_best_fit_and_type(void **unused)
{
    (void)unused;
    bench b;
    const spec_trace_job t[] = {
        {.submit = 0, .gpus = 16, .duration_s = 1000.0, .gpu = SPEC_ANY_GPU},  /* -> g1 (24 free) */
        {.submit = 5, .gpus = 8, .duration_s = 1000.0, .gpu = SPEC_ANY_GPU},   /* -> g1 (8 free) */
        {.submit = 6, .gpus = 8, .duration_s = 1000.0, .gpu = SPEC_ANY_GPU},   /* tie 32/32 -> g0 */
        {.submit = 7, .gpus = 8, .duration_s = 1001.0, .gpu = 3},              /* only g2, speed 2.5 */
    };
    bench_trace(&b, 4, t);
    bench_group(&b, 0, 0, 1.0);
    bench_group(&b, 1, 0, 1.0);
    bench_group(&b, 1, 3, 2.5);
    bench_start(&b, (const int64_t[]){32, 24, 32});
    /* Without the type, job 3 would take the fullest fitting group (g0, 24 free). */
    engine_run(b.e, INT64_MAX);
    assert_int_equal(group_of(&b.rec, JOBS_STARTED, 0), 1);
    assert_int_equal(group_of(&b.rec, JOBS_STARTED, 1), 1);
    assert_int_equal(group_of(&b.rec, JOBS_STARTED, 2), 0);
    assert_int_equal(group_of(&b.rec, JOBS_STARTED, 3), 2);
    /* 1001 / 2.5 = 400.4 -> 400 s. */
    assert_int_equal(when(&b.rec, JOBS_FINISHED, 3, 0), 407);
    bench_end(&b);
}

/* FIFO without backfill: a small job behind a blocked head waits for it;
 * with backfill it starts at once. */
static void run_backfill_case(int backfill, record *out)
{
    bench b;
    const spec_trace_job t[] = {
        {.submit = 0, .gpus = 48, .duration_s = 100.0, .gpu = SPEC_ANY_GPU},
        {.submit = 1, .gpus = 32, .duration_s = 50.0, .gpu = SPEC_ANY_GPU},
        {.submit = 2, .gpus = 16, .duration_s = 10.0, .gpu = SPEC_ANY_GPU},
        {.submit = 3, .gpus = 8, .duration_s = 10.0, .gpu = SPEC_ANY_GPU},
    };
    bench_trace(&b, 4, t);
    b.w.backfill = backfill;
    bench_group(&b, 0, 0, 1.0);
    bench_start(&b, (const int64_t[]){64});
    engine_run(b.e, INT64_MAX);
    *out = b.rec;
    jobs_totals tot;
    jobs_totals_at(b.j, engine_now(b.e), &tot);
    assert_int_equal(tot.completed, 4);
    assert_int_equal(tot.lost, 0);
    bench_end(&b);
}

static void test_fifo_and_backfill(void **unused)
{
    (void)unused;
    record fifo, bf;
    run_backfill_case(0, &fifo);
    /* FIFO: 48 runs 0-100; 32 and 16 start at 100 (both fit in 64); the 8
     * also starts at 100 (48 + 8 <= 64), in arrival order. */
    assert_int_equal(when(&fifo, JOBS_STARTED, 0, 0), 0);
    assert_int_equal(when(&fifo, JOBS_STARTED, 1, 0), 100);
    assert_int_equal(when(&fifo, JOBS_STARTED, 2, 0), 100);
    assert_int_equal(when(&fifo, JOBS_STARTED, 3, 0), 100);
    int order[4], k = 0;
    for (int i = 0; i < fifo.n; i++)
        if (fifo.ev[i].type == JOBS_STARTED)
            order[k++] = (int)fifo.ev[i].job;
    for (int i = 0; i < 4; i++)
        assert_int_equal(order[i], i);

    run_backfill_case(1, &bf);
    /* Backfill: the 16 fills the free 16 at t = 2; the 8 waits for it
     * (free 0) and starts when it ends at 12; the 32 still waits for 100. */
    assert_int_equal(when(&bf, JOBS_STARTED, 2, 0), 2);
    assert_int_equal(when(&bf, JOBS_STARTED, 3, 0), 12);
    assert_int_equal(when(&bf, JOBS_STARTED, 1, 0), 100);
}

/* max_wait: 0 loses a job at once; 0.5 h drops it 1800 s after arrival
 * unless it starts before. */
static void test_max_wait(void **unused)
{
    (void)unused;
    const spec_trace_job t[] = {
        {.submit = 0, .gpus = 64, .duration_s = 3600.0, .gpu = SPEC_ANY_GPU},
        {.submit = 10, .gpus = 8, .duration_s = 60.0, .gpu = SPEC_ANY_GPU},
        {.submit = 3000, .gpus = 8, .duration_s = 60.0, .gpu = SPEC_ANY_GPU},
    };
    bench b;
    jobs_totals tot;

    bench_trace(&b, 3, t);
    b.w.max_wait_h = 0.0;
    bench_group(&b, 0, 0, 1.0);
    bench_start(&b, (const int64_t[]){64});
    engine_run(b.e, INT64_MAX);
    assert_int_equal(when(&b.rec, JOBS_LOST, 1, 0), 10);
    assert_int_equal(when(&b.rec, JOBS_LOST, 2, 0), 3000);
    jobs_totals_at(b.j, engine_now(b.e), &tot);
    assert_int_equal(tot.lost, 2);
    assert_int_equal(tot.started, 1);
    bench_end(&b);

    bench_trace(&b, 3, t);
    b.w.max_wait_h = 0.5;
    bench_group(&b, 0, 0, 1.0);
    bench_start(&b, (const int64_t[]){64});
    engine_run(b.e, INT64_MAX);
    assert_int_equal(when(&b.rec, JOBS_LOST, 1, 0), 1810);
    assert_int_equal(when(&b.rec, JOBS_STARTED, 2, 0), 3600);
    assert_int_equal(when(&b.rec, JOBS_LOST, 2, 0), -1);
    jobs_totals_at(b.j, engine_now(b.e), &tot);
    assert_int_equal(tot.lost, 1);
    assert_int_equal(tot.completed, 2);
    /* The dropped head no longer blocks: nothing else was waiting here. */
    assert_int_equal(jobs_queued(b.j), 0);
    bench_end(&b);
}

/* Replays a small trace with two GPU generations; every start and finish
 * time is exact, and the integrals match the schedule. */
static void test_trace_replay(void **unused)
{
    (void)unused;
    const spec_trace_job t[] = {
        {.submit = 0, .gpus = 32, .duration_s = 7200.0, .gpu = SPEC_ANY_GPU},
        {.submit = 600, .gpus = 16, .duration_s = 3600.0, .gpu = SPEC_ANY_GPU},
        {.submit = 600, .gpus = 12, .duration_s = 1800.0, .gpu = SPEC_ANY_GPU}, /* -> 16 */
        {.submit = 900, .gpus = 32, .duration_s = 5000.0, .gpu = 1},
    };
    bench b;
    bench_trace(&b, 4, t);
    bench_group(&b, 0, 0, 1.0);   /* H100, 48 GPUs */
    bench_group(&b, 0, 1, 2.0);   /* faster type, 32 GPUs */
    bench_start(&b, (const int64_t[]){48, 32});
    engine_run(b.e, INT64_MAX);
    /* Job 0: best fit is g1 (32 free = 32): 7200 / 2 = 3600 s. */
    assert_int_equal(group_of(&b.rec, JOBS_STARTED, 0), 1);
    assert_int_equal(when(&b.rec, JOBS_FINISHED, 0, 0), 3600);
    /* Jobs 1 and 2 on g0 (48): 600 -> 4200, 600 -> 2400. */
    assert_int_equal(when(&b.rec, JOBS_FINISHED, 1, 0), 4200);
    assert_int_equal(when(&b.rec, JOBS_FINISHED, 2, 0), 2400);
    /* Job 3 needs type 1 (held by job 0 until 3600): 3600 -> 6100. */
    assert_int_equal(when(&b.rec, JOBS_STARTED, 3, 0), 3600);
    assert_int_equal(when(&b.rec, JOBS_FINISHED, 3, 0), 6100);

    jobs_totals tot;
    jobs_totals_at(b.j, 6100, &tot);
    assert_int_equal(tot.arrived, 4);
    assert_int_equal(tot.completed, 4);
    assert_int_equal(tot.queued_on_arrival, 1);
    /* GPU-seconds: 32 x 3600 + 16 x 3600 + 16 x 1800 + 32 x 2500. */
    assert_close(tot.busy_gpu_seconds, 32.0 * 3600 + 16.0 * 3600 + 16.0 * 1800 + 32.0 * 2500, 0.0);
    assert_close(tot.busy_h100_seconds, 2.0 * 32 * 3600 + 16.0 * 3600 + 16.0 * 1800 + 2.0 * 32 * 2500,
                 0.0);
    /* One job queued 900 -> 3600: Little's law on the sample path. */
    assert_close(tot.queued_job_seconds, 2700.0, 0.0);
    assert_close(tot.wait_sum_s, 2700.0, 0.0);
    assert_close(jobs_wait_quantile(b.j, 1.0), 2700.0, 0.0);
    assert_close(jobs_wait_quantile(b.j, 0.5), 0.0, 0.0);
    /* P95 of {0, 0, 0, 2700}: interpolated at rank 0.95 x 3 = 2.85. */
    assert_close(jobs_wait_quantile(b.j, 0.95), 0.85 * 2700.0, 1e-9);
    /* Offered load at 1000: (32 x 7200 + 16 x 3600 + 16 x 1800 + 32 x 5000) / 7 days. */
    assert_close(jobs_offered_load_h100(b.j, 1000),
                 (32.0 * 7200 + 16.0 * 3600 + 16.0 * 1800 + 32.0 * 5000) / (7 * DAY_S), 1e-12);
    bench_end(&b);
}

/* A capacity drop preempts the most recently started jobs first; they keep
 * their work, go to the queue head, and restart in another group with room
 * or when capacity returns. */
static void test_capacity_drop(void **unused)
{
    (void)unused;
    const spec_trace_job t[] = {
        {.submit = 0, .gpus = 32, .duration_s = 1000.0, .gpu = SPEC_ANY_GPU},
        {.submit = 10, .gpus = 16, .duration_s = 1000.0, .gpu = SPEC_ANY_GPU},
        {.submit = 20, .gpus = 16, .duration_s = 1000.0, .gpu = SPEC_ANY_GPU},
        {.submit = 30, .gpus = 16, .duration_s = 100.0, .gpu = SPEC_ANY_GPU},
    };
    bench b;
    bench_trace(&b, 4, t);
    bench_group(&b, 0, 0, 1.0);
    bench_group(&b, 1, 0, 1.0);
    bench_start(&b, (const int64_t[]){64, 0});
    /* Jobs 0-2 fill g0. g1 opens at 25 and job 3 (t = 30) takes it. At 100
     * g0 drops to 39 -> 32 GPUs: jobs 2 then 1 are preempted (newest first);
     * job 1 is at the head, then job 2. Job 3 ends at 130 and job 1 restarts
     * in g1 with 910 s left -> 1040. Job 0 ends at 1000 and job 2 restarts
     * in g0 with 920 s left -> 1920. */
    bench_change(&b, 1, 25, 1, 16);
    bench_change(&b, 0, 100, 0, 39);
    engine_run(b.e, 100);
    assert_int_equal(jobs_group_busy(b.j, 0), 32);
    assert_int_equal(jobs_queued(b.j), 2);
    engine_run(b.e, INT64_MAX);
    assert_int_equal(when(&b.rec, JOBS_PREEMPTED, 2, 0), 100);
    assert_int_equal(when(&b.rec, JOBS_PREEMPTED, 1, 0), 100);
    assert_int_equal(when(&b.rec, JOBS_STARTED, 1, 1), 130);
    assert_int_equal(when(&b.rec, JOBS_FINISHED, 1, 0), 1040);
    assert_int_equal(when(&b.rec, JOBS_STARTED, 2, 1), 1000);
    assert_int_equal(when(&b.rec, JOBS_FINISHED, 2, 0), 1920);
    jobs_totals tot;
    jobs_totals_at(b.j, 1920, &tot);
    assert_int_equal(tot.preempted, 2);
    assert_int_equal(tot.completed, 4);
    assert_int_equal(tot.started, 4);   /* restarts are not new starts */
    /* Waits are first-start waits only: all zero. */
    assert_close(tot.wait_sum_s, 0.0, 0.0);
    /* Busy GPU-seconds: every job's GPUs x its run time, preempted runs included. */
    const double served = 32.0 * 1000 + 16.0 * 90 + 16.0 * 910 + 16.0 * 80 + 16.0 * 920 + 16.0 * 100;
    assert_close(tot.busy_gpu_seconds, served, 0.0);
    bench_end(&b);
}

/* ---- synthetic streams: determinism and stream independence ------------- */

typedef struct arrivals_log {
    int64_t n;
    int64_t sum_t, sum_gpus;
} arrivals_log;

static void log_arrival(const jobs_job_event *ev, void *ctx)
{
    arrivals_log *log = ctx;
    if (ev->type != JOBS_ARRIVED)
        return;
    log->n++;
    log->sum_t += ev->t;
    log->sum_gpus += ev->gpus;
}

static void run_synthetic(const spec_workload *w, uint64_t seed, jobs_totals *tot, double *p95,
                          arrivals_log *log)
{
    const jobs_group_def groups[] = {{0, 0, 1.0}, {1, 0, 1.6}};
    engine *e = engine_create();
    jobs *j = jobs_create(w, groups, 2, seed, (int64_t)(60 * DAY_S));
    assert_non_null(j);
    memset(log, 0, sizeof *log);
    jobs_set_observer(j, log_arrival, log);
    assert_int_equal(jobs_attach(j, e, KINDS), 0);
    assert_int_equal(jobs_set_capacities(j, (const int64_t[]){256, 128}), 0);
    engine_run(e, (int64_t)(60 * DAY_S));
    jobs_totals_at(j, (int64_t)(60 * DAY_S), tot);
    *p95 = jobs_wait_quantile(j, 0.95);
    assert_true(tot->arrived > 1000);
    assert_int_equal(tot->arrived, log->n);
    /* Conservation (no capacity change, so no preemption). */
    assert_int_equal(tot->preempted, 0);
    assert_int_equal(tot->arrived, tot->lost + tot->started + jobs_queued(j));
    assert_int_equal(tot->started, tot->completed + jobs_running(j));
    jobs_destroy(j);
    engine_destroy(e);
}

static void test_determinism(void **unused)
{
    (void)unused;
    double values[] = {8.0, 32.0, 64.0, 128.0};
    double weights[] = {6.0, 3.0, 1.0, 0.4};
    spec_workload w = {.name = "train", .type = SPEC_TRAINING, .growth = SPEC_GROWTH_EXPONENTIAL,
                       .arrival_rate_per_day = 40.0, .yearly_factor = 2.0, .max_wait_h = 12.0,
                       .backfill = 1,
                       .job_gpus = {.kind = SPEC_DIST_LIST, .n = 4, .values = values,
                                    .weights = weights},
                       .duration_h = {.kind = SPEC_DIST_LOGNORMAL, .mean = 9.0, .sigma = 1.1}};
    jobs_totals a, b;
    double pa, pb;
    arrivals_log la, lb;
    run_synthetic(&w, 7, &a, &pa, &la);
    run_synthetic(&w, 7, &b, &pb, &lb);
    assert_memory_equal(&a, &b, sizeof a);
    assert_close(pa, pb, 0.0);
    assert_true(a.lost > 0 && a.queued_on_arrival > a.lost);

    /* Another duration distribution: the arrivals and the sizes are the same
     * draws (their own streams), the schedule differs. */
    w.duration_h.mean = 5.0;
    run_synthetic(&w, 7, &b, &pb, &lb);
    assert_memory_equal(&la, &lb, sizeof la);
    assert_true(a.busy_gpu_seconds != b.busy_gpu_seconds);

    /* Another seed: another stream. */
    w.duration_h.mean = 9.0;
    run_synthetic(&w, 8, &b, &pb, &lb);
    assert_true(la.sum_t != lb.sum_t);

    /* Offered load: rate x E[rounded GPUs] x E[H100-seconds] at t = 1 year. */
    const jobs_group_def g = {0, 0, 1.0};
    jobs *j = jobs_create(&w, &g, 1, 7, 1000);
    const double mean_gpus = (6.0 * 8 + 3.0 * 32 + 64.0 + 0.4 * 128) / 10.4;
    assert_close(jobs_offered_load_h100(j, (int64_t)YEAR_S), 40.0 * 2.0 / DAY_S * mean_gpus * 9.0 * 3600,
                 1e-9);
    jobs_destroy(j);
}


/* ---- failures: interruptions, checkpoints, gang speed ------------------- */

/* A failure as an engine event: interrupt what holds [lo, hi) of group 0,
 * then hand the capacity back at once (a spare node takes its place). */
typedef struct failure_driver {
    jobs *j;
    int64_t capacity;
    int64_t lo, hi;
    double rate_per_s;        /* > 0: the next failure Exp(rate) after each restart */
    gsl_rng *r;
    int64_t failures;
    int64_t until;
} failure_driver;

enum { KIND_FAILURE = 21 };

static int on_failure(engine *e, const evq_event *ev, void *ctx)
{
    (void)ctx;
    failure_driver *d = ev->data;
    const int64_t range[2] = {d->lo, d->hi};
    d->failures += jobs_interrupt(d->j, 0, range, 1, d->hi - d->lo, 1);
    const int64_t cap[1] = {d->capacity};
    if (jobs_set_capacities(d->j, cap) != 0)
        return 1;
    if (d->rate_per_s > 0.0 && jobs_running(d->j) > 0) {
        const int64_t next = ev->time + 1 + (int64_t)llround(gsl_ran_exponential(d->r, 1.0 / d->rate_per_s));
        if (next < d->until)
            engine_schedule(e, next, KIND_FAILURE, 0, d);
    }
    return 0;
}

/* Known answers. A 64-GPU job of 10 h (train_speed 1), checkpoints every
 * hour, restart 0.25 h, interrupted at 2.5 h: it keeps 2 h, loses 0.5 h +
 * 0.25 h on 64 GPUs, restarts at once on a spare and finishes at 2.5 +
 * (10 - 2 + 0.25) = 10.75 h. Effective training time = 10 h of work /
 * 10.75 h elapsed. A failure outside the job's GPUs interrupts nothing. */
static void test_interrupt_loses_work_since_checkpoint(void **unused)
{
    (void)unused;
    bench b;
    const spec_trace_job t[] = {{.submit = 0, .gpus = 64, .duration_s = 36000.0, .gpu = SPEC_ANY_GPU}};
    bench_trace(&b, 1, t);
    b.w.checkpoint_interval_h = 1.0;
    b.w.restart_h = 0.25;
    bench_group(&b, 0, 0, 1.0);
    bench_start(&b, (const int64_t[]){72});
    failure_driver miss = {.j = b.j, .capacity = 72, .lo = 64, .hi = 72};
    failure_driver hit = {.j = b.j, .capacity = 72, .lo = 8, .hi = 16};
    engine_on(b.e, KIND_FAILURE, on_failure, NULL);
    engine_schedule(b.e, 3600, KIND_FAILURE, 0, &miss);
    engine_schedule(b.e, 9000, KIND_FAILURE, 0, &hit);
    engine_run(b.e, INT64_MAX);
    assert_int_equal(miss.failures, 0);
    assert_int_equal(hit.failures, 1);
    assert_int_equal(when(&b.rec, JOBS_INTERRUPTED, 0, 0), 9000);
    assert_int_equal(when(&b.rec, JOBS_STARTED, 0, 1), 9000);
    assert_int_equal(when(&b.rec, JOBS_FINISHED, 0, 0), 38700);   /* 10.75 h */
    jobs_totals tot;
    jobs_totals_at(b.j, 38700, &tot);
    assert_int_equal(tot.interruptions, 1);
    assert_int_equal(tot.interruptions_hardware, 1);
    assert_close(tot.lost_gpu_seconds, 64 * 0.75 * 3600, 1e-6);
    assert_close(tot.elapsed_gpu_seconds, 64 * 38700.0, 1e-6);
    assert_close(tot.busy_gpu_seconds, 64 * 38700.0, 1e-6);
    assert_close((tot.busy_gpu_seconds - tot.lost_gpu_seconds) / tot.elapsed_gpu_seconds,
                 10.0 / 10.75, 1e-12);
    bench_end(&b);
}

/* A failure while the job waits for capacity: no spare, so it waits; the
 * wait counts in the elapsed time, not in the busy time. */
static void test_interrupt_without_spare_waits(void **unused)
{
    (void)unused;
    bench b;
    const spec_trace_job t[] = {{.submit = 0, .gpus = 64, .duration_s = 7200.0, .gpu = SPEC_ANY_GPU}};
    bench_trace(&b, 1, t);
    bench_group(&b, 0, 0, 1.0);
    bench_start(&b, (const int64_t[]){64});
    failure_driver hit = {.j = b.j, .capacity = 56, .lo = 0, .hi = 8};   /* down to 56 */
    engine_on(b.e, KIND_FAILURE, on_failure, NULL);
    engine_schedule(b.e, 3600, KIND_FAILURE, 0, &hit);
    bench_change(&b, 0, 5400, 0, 64);                                   /* repaired */
    engine_run(b.e, INT64_MAX);
    assert_int_equal(when(&b.rec, JOBS_STARTED, 0, 1), 5400);
    assert_int_equal(when(&b.rec, JOBS_FINISHED, 0, 0), 9000);          /* no checkpoint loss */
    jobs_totals tot;
    jobs_totals_at(b.j, 9000, &tot);
    assert_close(tot.busy_gpu_seconds, 64 * 7200.0, 1e-6);
    assert_close(tot.elapsed_gpu_seconds, 64 * 9000.0, 1e-6);
    assert_close(tot.lost_gpu_seconds, 0.0, 0.0);
    bench_end(&b);
}

/* Checkpointing against its closed form. Failures hit a running job at
 * exponential times X (rate lambda) after each restart, restart 0; each
 * loses X mod c, whose mean is 1/lambda - c e^{-lambda c} / (1 - e^{-lambda c})
 * (for lambda c << 1 this is Young's c/2). lambda = 1 per 10 h, c = 1 h:
 * 0.4917 h. N ~ 1,000 failures; X mod c lies in [0, c), so its sd is at
 * most c / 2 and the mean's tolerance is 4 (c / 2) / sqrt(N). The goodput
 * (work kept over busy time) is 1 - E[X mod c] / E[X], Young/Daly's waste
 * lambda (c/2 + R) with R = 0, within the propagated tolerance. */
static void test_checkpoint_loss_matches_closed_form(void **unused)
{
    (void)unused;
    bench b;
    const double c_h = 1.0, mtbf_h = 10.0;
    const spec_trace_job t[] = {{.submit = 0, .gpus = 8, .duration_s = 9000.0 * 3600, .gpu = SPEC_ANY_GPU}};
    bench_trace(&b, 1, t);
    b.w.checkpoint_interval_h = c_h;
    bench_group(&b, 0, 0, 1.0);
    bench_start(&b, (const int64_t[]){8});
    jobs_set_observer(b.j, NULL, NULL);            /* ~1,000 restarts: more than a record holds */
    const int64_t until = (int64_t)(10000.0 * 3600);
    failure_driver d = {.j = b.j, .capacity = 8, .lo = 0, .hi = 8, .rate_per_s = 1.0 / (mtbf_h * 3600),
                        .r = rng_stream_create(99, "test/failures"), .until = until};
    engine_on(b.e, KIND_FAILURE, on_failure, NULL);
    engine_schedule(b.e, (int64_t)llround(gsl_ran_exponential(d.r, mtbf_h * 3600)), KIND_FAILURE, 0, &d);
    engine_run(b.e, until);
    jobs_totals tot;
    jobs_totals_at(b.j, until, &tot);
    const double n = (double)tot.interruptions;
    assert_true(n > 800 && n < 1200);
    const double lambda = 1.0 / mtbf_h;
    const double want_h = 1.0 / lambda - c_h * exp(-lambda * c_h) / (1.0 - exp(-lambda * c_h));
    const double lost_h = tot.lost_gpu_seconds / 8 / 3600 / n;
    assert_close(lost_h, want_h, 4 * (c_h / 2) / sqrt(n));
    const double goodput = 1.0 - tot.lost_gpu_seconds / tot.busy_gpu_seconds;
    assert_close(goodput, 1.0 - want_h / mtbf_h, 4 * (c_h / 2) / sqrt(n) / mtbf_h + 0.01);
    gsl_rng_free(d.r);
    bench_end(&b);
}

/* Gang speed: a job advances at its slowest GPU. The oracle says GPU 13 of
 * the group runs at 0.5; a 16-GPU job on [0, 16) then takes twice as long,
 * a job on [16, 32) its nominal time. Refreshing after the straggler is
 * gone (oracle 1) speeds the first job up from then on. */
static double slow_at_13(void *ctx, size_t g, int64_t offset, int64_t gpus)
{
    (void)g;
    const int *gone = ctx;
    return (!*gone && offset <= 13 && 13 < offset + gpus) ? 0.5 : 1.0;
}

enum { KIND_REFRESH = 22 };

typedef struct refresh_driver {
    jobs *j;
    int *gone;
} refresh_driver;

static int on_refresh(engine *e, const evq_event *ev, void *ctx)
{
    (void)e;
    (void)ctx;
    refresh_driver *d = ev->data;
    *d->gone = 1;
    return jobs_refresh_speeds(d->j);
}

static void test_gang_advances_at_slowest_gpu(void **unused)
{
    (void)unused;
    bench b;
    const spec_trace_job t[] = {{.submit = 0, .gpus = 16, .duration_s = 1000.0, .gpu = SPEC_ANY_GPU},
                                {.submit = 0, .gpus = 16, .duration_s = 1000.0, .gpu = SPEC_ANY_GPU}};
    bench_trace(&b, 2, t);
    bench_group(&b, 0, 0, 1.0);
    int gone = 0;
    b.e = engine_create();
    b.j = jobs_create(&b.w, b.groups, b.n_groups, 42, 100000000);
    jobs_set_observer(b.j, observe, &b.rec);
    jobs_set_gang_speed(b.j, slow_at_13, &gone);
    assert_int_equal(jobs_attach(b.j, b.e, KINDS), 0);
    assert_int_equal(jobs_set_capacities(b.j, (const int64_t[]){32}), 0);
    refresh_driver d = {b.j, &gone};
    engine_on(b.e, KIND_REFRESH, on_refresh, NULL);
    engine_schedule(b.e, 500, KIND_REFRESH, 0, &d);     /* at t = 500: 250 of 1000 done */
    engine_run(b.e, 499);
    assert_close(jobs_busy_h100(b.j), 16 * 0.5 + 16 * 1.0, 1e-12);
    engine_run(b.e, INT64_MAX);
    assert_int_equal(when(&b.rec, JOBS_FINISHED, 1, 0), 1000);
    assert_int_equal(when(&b.rec, JOBS_FINISHED, 0, 0), 500 + 750);
    jobs_totals tot;
    jobs_totals_at(b.j, 1250, &tot);
    assert_close(tot.busy_h100_seconds, 16 * 1000.0 * 2, 1e-6);   /* the work done, in H100-s */
    bench_end(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interrupt_loses_work_since_checkpoint),
        cmocka_unit_test(test_interrupt_without_spare_waits),
        cmocka_unit_test(test_checkpoint_loss_matches_closed_form),
        cmocka_unit_test(test_gang_advances_at_slowest_gpu),
        cmocka_unit_test(test_round_to_nodes),
        cmocka_unit_test(test_list_frequencies),
        cmocka_unit_test(test_continuous_means),
        cmocka_unit_test(test_nhpp_exponential),
        cmocka_unit_test(test_nhpp_logistic),
        cmocka_unit_test(test_nhpp_series),
        cmocka_unit_test(test_gang_one_group),
        cmocka_unit_test(test_best_fit_and_type),
        cmocka_unit_test(test_fifo_and_backfill),
        cmocka_unit_test(test_max_wait),
        cmocka_unit_test(test_trace_replay),
        cmocka_unit_test(test_capacity_drop),
        cmocka_unit_test(test_determinism),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
