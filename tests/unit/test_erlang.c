/*
 * Statistical validation of the training job stream against closed forms,
 * driven by a real engine. One DC, one group of c nodes, every job one node
 * (8 GPUs), Poisson arrivals (yearly_factor 1: a homogeneous process) at
 * rate lambda, exponential durations of mean 1 / mu = 2 h, offered load
 * a = lambda / mu (Erlangs):
 *
 *   Erlang B (M/M/c/c, max_wait 0): the share of lost jobs is
 *       B(c, a), by the stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1));
 *     and the mean number of busy nodes is the carried load a (1 - B).
 *   Erlang C (M/M/c, max_wait forever, a < c): P(wait > 0) is
 *       C(c, a) = B / (1 - (a / c)(1 - B)),
 *     the mean wait W = C / (c mu - lambda), and the mean queue length
 *     L = lambda W (= C a / (c - a)).
 *   Little's law: the time-average queue length equals the measured arrival
 *     rate x the measured mean wait.
 *
 * Method. Each run discards a warm-up of 100 mean durations (the M/M/c
 * relaxation time is a few mean durations at these loads), then measures
 * about 400,000 arrivals (Erlang B) or 2,000,000 (Erlang C: waits are far
 * more correlated than losses, and the mean wait needs them for a 4 SE
 * under 10%) in K = 20 batches of equal simulated time. Batch means: each
 * batch gives one estimate x_k; the overall estimate is the ratio of the
 * totals and its standard error is SE = sd(x_k) / sqrt(K). Batches of
 * 20,000 to 100,000 arrivals are long against the correlation time, so the
 * x_k are nearly independent and SE accounts for the positive correlation
 * of successive jobs that a binomial sqrt(B (1 - B) / N) ignores (reported
 * alongside as the inflation factor SE / SE_binomial). The tolerance is
 * 4 SE: with 19 degrees of freedom a correct model fails one check with
 * probability about 8e-4; the seeds are fixed, so the outcome is
 * reproducible. Each check also requires 4 SE to be under 10% of the value,
 * so that no check passes by being loose.
 *
 * Time is whole seconds in the engine: arrival times are rounded up and run
 * times to the nearest second, a bias of order 1 s / 7200 s, far below SE.
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

#include "../../sim/engine/engine.h"
#include "../../sim/model/jobs.h"

#define BATCHES 20
#define MEAN_DURATION_H 2.0
#define MEAN_DURATION_S (MEAN_DURATION_H * 3600.0)
#define WARMUP_DURATIONS 100.0
#define ERLANG_B_ARRIVALS 400000.0
#define ERLANG_C_ARRIVALS 2000000.0
#define SE_MULTIPLE 4.0
#define MAX_RELATIVE_TOLERANCE 0.10

static double erlang_b(int c, double a)
{
    double b = 1.0;
    for (int k = 1; k <= c; k++)
        b = a * b / ((double)k + a * b);
    return b;
}

static double erlang_c(int c, double a)
{
    const double b = erlang_b(c, a);
    return b / (1.0 - a / (double)c * (1.0 - b));
}

typedef struct run_result {
    jobs_totals snap[BATCHES + 1];  /* totals at the end of the warm-up and of each batch */
    double batch_s;
} run_result;

/* Runs one M/M/c/(c or infinity) queue and records the totals at the batch
 * boundaries. */
static void run_queue(int c, double a, double max_wait_h, double arrivals, uint64_t seed,
                      run_result *out)
{
    spec_workload w;
    memset(&w, 0, sizeof w);
    snprintf(w.name, sizeof w.name, "erlang-%d-%g", c, a);
    w.type = SPEC_TRAINING;
    w.growth = SPEC_GROWTH_EXPONENTIAL;
    w.yearly_factor = 1.0;
    w.arrival_rate_per_day = a / MEAN_DURATION_H * 24.0;
    w.job_gpus = (spec_distribution){.kind = SPEC_DIST_FIXED, .mean = 8.0};
    w.duration_h = (spec_distribution){.kind = SPEC_DIST_EXPONENTIAL, .mean = MEAN_DURATION_H};
    w.max_wait_h = max_wait_h;

    const double lambda = a / MEAN_DURATION_S;                    /* per second */
    const int64_t warmup = (int64_t)(WARMUP_DURATIONS * MEAN_DURATION_S);
    const int64_t batch = (int64_t)(arrivals / lambda / BATCHES);
    const int64_t horizon = warmup + BATCHES * batch + 1;
    out->batch_s = (double)batch;

    const jobs_group_def group = {.datacenter = 0, .gpu = 0, .train_speed = 1.0};
    const jobs_event_kinds kinds = {JOBS_EV_DEFAULT_ARRIVAL, JOBS_EV_DEFAULT_FINISH,
                                    JOBS_EV_DEFAULT_DEADLINE};
    engine *e = engine_create();
    jobs *j = jobs_create(&w, &group, 1, seed, horizon);
    assert_non_null(e);
    assert_non_null(j);
    assert_int_equal(jobs_attach(j, e, kinds), 0);
    assert_int_equal(jobs_set_capacity(j, 0, 8 * (int64_t)c), 0);
    for (int k = 0; k <= BATCHES; k++) {
        const int64_t t = warmup + k * batch;
        assert_int_equal(engine_run(e, t), ENGINE_FINISHED);
        jobs_totals_at(j, t, &out->snap[k]);
    }
    jobs_destroy(j);
    engine_destroy(e);
}

/* The difference of the totals over batch k. */
static jobs_totals batch_delta(const run_result *r, int k)
{
    const jobs_totals *a = &r->snap[k], *b = &r->snap[k + 1];
    return (jobs_totals){
        .arrived = b->arrived - a->arrived,
        .started = b->started - a->started,
        .completed = b->completed - a->completed,
        .lost = b->lost - a->lost,
        .queued_on_arrival = b->queued_on_arrival - a->queued_on_arrival,
        .wait_sum_s = b->wait_sum_s - a->wait_sum_s,
        .queued_job_seconds = b->queued_job_seconds - a->queued_job_seconds,
        .busy_gpu_seconds = b->busy_gpu_seconds - a->busy_gpu_seconds,
    };
}

/* Standard error of the mean of K batch estimates. */
static double batch_se(const double *x)
{
    double mean = 0.0, ss = 0.0;
    for (int k = 0; k < BATCHES; k++)
        mean += x[k] / BATCHES;
    for (int k = 0; k < BATCHES; k++)
        ss += (x[k] - mean) * (x[k] - mean);
    return sqrt(ss / (BATCHES - 1) / BATCHES);
}

/* Asserts |measured - expected| <= 4 SE and that 4 SE is a tight check. */
static void check(const char *what, double measured, double expected, double se)
{
    const double tol = SE_MULTIPLE * se;
    print_message("  %-34s measured %.6g, closed form %.6g, 4 SE = %.3g\n", what, measured,
                  expected, tol);
    if (!(fabs(measured - expected) <= tol))
        fail_msg("%s: measured %.8g, expected %.8g (tolerance 4 SE = %.3g)", what, measured,
                 expected, tol);
    if (!(tol <= MAX_RELATIVE_TOLERANCE * fabs(expected)))
        fail_msg("%s: 4 SE = %.3g is over %.0f%% of %.8g: too few samples", what, tol,
                 100.0 * MAX_RELATIVE_TOLERANCE, expected);
}

static void erlang_b_case(int c, double a, uint64_t seed)
{
    run_result r;
    run_queue(c, a, 0.0, ERLANG_B_ARRIVALS, seed, &r);
    double lost_share[BATCHES], busy_nodes[BATCHES];
    double lost = 0.0, arrived = 0.0, busy = 0.0;
    for (int k = 0; k < BATCHES; k++) {
        const jobs_totals d = batch_delta(&r, k);
        lost_share[k] = (double)d.lost / (double)d.arrived;
        busy_nodes[k] = d.busy_gpu_seconds / 8.0 / r.batch_s;
        lost += (double)d.lost;
        arrived += (double)d.arrived;
        busy += d.busy_gpu_seconds / 8.0 / r.batch_s / BATCHES;
    }
    const double b = erlang_b(c, a), share = lost / arrived;
    const double se = batch_se(lost_share), se_binomial = sqrt(b * (1.0 - b) / arrived);
    print_message("Erlang B c = %d, a = %g: %.0f arrivals, SE / SE_binomial = %.2f\n", c, a,
                  arrived, se / se_binomial);
    check("lost share vs B(c, a)", share, b, se);
    check("busy nodes vs a (1 - B)", busy, a * (1.0 - b), batch_se(busy_nodes));
}

static void test_erlang_b_light(void **unused)
{
    (void)unused;
    erlang_b_case(5, 3.0, 101);
}

static void test_erlang_b_moderate(void **unused)
{
    (void)unused;
    erlang_b_case(10, 8.0, 202);
}

/* Offered load 1.5 x capacity: most of the loss comes from saturation. */
static void test_erlang_b_heavy(void **unused)
{
    (void)unused;
    erlang_b_case(8, 12.0, 303);
}

/* Erlang C and Little's law on the same runs (no job is lost, so the
 * mean wait of started jobs is the mean time in queue of all arrivals). */
static void erlang_c_case(int c, double a, uint64_t seed)
{
    run_result r;
    run_queue(c, a, SPEC_WAIT_FOREVER, ERLANG_C_ARRIVALS, seed, &r);
    double p_wait[BATCHES], wait[BATCHES], queue[BATCHES], little_gap[BATCHES];
    double arrived = 0.0, queued = 0.0, started = 0.0, wait_sum = 0.0, queue_s = 0.0;
    for (int k = 0; k < BATCHES; k++) {
        const jobs_totals d = batch_delta(&r, k);
        assert_int_equal(d.lost, 0);
        p_wait[k] = (double)d.queued_on_arrival / (double)d.arrived;
        wait[k] = d.wait_sum_s / (double)d.started;
        queue[k] = d.queued_job_seconds / r.batch_s;
        little_gap[k] = queue[k] - (double)d.arrived / r.batch_s * wait[k];
        arrived += (double)d.arrived;
        queued += (double)d.queued_on_arrival;
        started += (double)d.started;
        wait_sum += d.wait_sum_s;
        queue_s += d.queued_job_seconds;
    }
    const double lambda = a / MEAN_DURATION_S, mu = 1.0 / MEAN_DURATION_S;
    const double cc = erlang_c(c, a), w = cc / ((double)c * mu - lambda);
    const double total_s = r.batch_s * BATCHES;
    const double mean_wait = wait_sum / started, mean_queue = queue_s / total_s;
    const double lambda_measured = arrived / total_s;
    print_message("Erlang C c = %d, a = %g: %.0f arrivals\n", c, a, arrived);
    check("P(wait > 0) vs C(c, a)", queued / arrived, cc, batch_se(p_wait));
    check("mean wait (s) vs C / (c mu - lambda)", mean_wait, w, batch_se(wait));
    check("mean queue vs lambda W (closed form)", mean_queue, lambda * w, batch_se(queue));
    /* Little's law, both sides measured: the batch gaps L_k - lambda_k W_k
     * give the standard error of the overall gap. */
    const double gap = mean_queue - lambda_measured * mean_wait;
    const double tol = SE_MULTIPLE * batch_se(little_gap);
    print_message("  %-34s L %.6g, lambda W %.6g, gap %.3g, 4 SE = %.3g\n",
                  "Little's law (measured)", mean_queue, lambda_measured * mean_wait, gap, tol);
    if (!(fabs(gap) <= tol))
        fail_msg("Little: L = %.8g, lambda W = %.8g (tolerance 4 SE = %.3g)", mean_queue,
                 lambda_measured * mean_wait, tol);
}

static void test_erlang_c_small(void **unused)
{
    (void)unused;
    erlang_c_case(2, 1.5, 404);
}

static void test_erlang_c_moderate(void **unused)
{
    (void)unused;
    erlang_c_case(5, 3.0, 505);
}

static void test_erlang_c_heavy(void **unused)
{
    (void)unused;
    erlang_c_case(10, 8.0, 606);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erlang_b_light),
        cmocka_unit_test(test_erlang_b_moderate),
        cmocka_unit_test(test_erlang_b_heavy),
        cmocka_unit_test(test_erlang_c_small),
        cmocka_unit_test(test_erlang_c_moderate),
        cmocka_unit_test(test_erlang_c_heavy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
