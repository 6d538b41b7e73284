/*
 * bench_simpy: capsim's engine and job stream against SimPy, the usual
 * Python discrete-event library, on two models run by both in this process
 * (SimPy through tests/bench/simpy_hold.py and simpy_mmcc.py):
 *
 *  - the hold model (bench_evq.c has its history): N pending events, each
 *    popped event pushes one more an exponential time (mean 3600 s) later.
 *    capsim: one handler on the engine (engine.h) drawing from a GSL stream
 *    with the ziggurat (rng_exponential, rng.h; Python's expovariate is its
 *    own cheapest exponential too); SimPy: N processes looping on a timeout.
 *    Events per second, at N = 1,000 and 100,000; the N = 1,000 line also
 *    shows the engine with gsl_ran_exponential (a logarithm per draw), to
 *    show what the sampler alone costs.
 *  - an M/M/c/c job stream (Erlang's loss system), c = 100 nodes, offered
 *    load 90 Erlangs, exponential durations of mean 2 h: capsim's training
 *    job stream (jobs.h: Poisson arrivals, gang scheduling, max_wait 0) on
 *    the engine, with a tick event every hour (and, apart, every day) that
 *    reads what the market's tick reads for a training workload; SimPy: a
 *    Resource of capacity 100, one process per job. Jobs per second.
 *    (capsim's line shows its lost share, simpy_mmcc.py prints its own;
 *    Erlang B(100, 90) = 0.0270.)
 *
 * Both sides warm up, then time ROUNDS spans of simulated time and keep the
 * best, so that a busy machine slows neither side more. SimPy runs under
 * /usr/bin/python3 when it exists (a pyenv or virtualenv python3 first in
 * PATH may not see Debian's packages), else python3; when neither imports
 * SimPy the comparison prints "SimPy not installed, skipped" and only
 * capsim's figures. Debian bookworm's
 * python3-simpy is SimPy 2.3; the scripts are also written for SimPy 3 and
 * 4's API (pip) and print which one they ran on.
 */
#include "bench.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "../../sim/engine/engine.h"
#include "../../sim/engine/rng.h"
#include "../../sim/model/jobs.h"

#define HOLD_MEAN_S 3600.0
#define HOLD_KIND 1
/* Both sides time ROUNDS spans of simulated time and keep the best rate,
 * so that a busy machine slows neither more than the other. */
#define ROUNDS 10
#define HOLD_EVENTS 200000.0          /* per round, capsim */
#define SIMPY_HOLD_EVENTS 30000       /* per round, SimPy */
#define MMCC_SERVERS 100
#define MMCC_ERLANGS 90.0
#define MMCC_MEAN_DURATION_H 2.0
#define MMCC_JOBS 200000.0            /* arrivals per round, capsim */
#define SIMPY_MMCC_JOBS 20000         /* arrivals per round, SimPy */
#define TICK_KIND 2

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- capsim: the hold model on the engine ---- */

static int hold_again(engine *e, const evq_event *ev, void *ctx)
{
    const int64_t wait = (int64_t)rng_exponential((gsl_rng *)ctx, HOLD_MEAN_S);
    return engine_schedule(e, ev->time + wait, HOLD_KIND, 0, NULL) == EVQ_NO_HANDLE;
}

/* The same with GSL's inversion sampler (-mean log u). */
static int hold_again_gsl(engine *e, const evq_event *ev, void *ctx)
{
    const int64_t wait = (int64_t)gsl_ran_exponential((gsl_rng *)ctx, HOLD_MEAN_S);
    return engine_schedule(e, ev->time + wait, HOLD_KIND, 0, NULL) == EVQ_NO_HANDLE;
}

/* Events per second of the engine with n pending holds, drawing with the
 * ziggurat or (gsl) with gsl_ran_exponential; 0 on failure. */
static double engine_hold_rate(size_t n, int gsl)
{
    engine *e = engine_create();
    gsl_rng *r = rng_stream_create(42, "bench/hold");
    double best = 0.0;
    if (!e || !r)
        goto done;
    engine_on(e, HOLD_KIND, gsl ? hold_again_gsl : hold_again, r);
    for (size_t i = 0; i < n; i++)
        if (engine_schedule(e, (int64_t)rng_exponential(r, HOLD_MEAN_S), HOLD_KIND, 0,
                            NULL) == EVQ_NO_HANDLE)
            goto done;
    int64_t until = (int64_t)(2.0 * HOLD_MEAN_S);  /* warm-up, as in simpy_hold.py */
    if (engine_run(e, until) != ENGINE_FINISHED)
        goto done;
    const int64_t span = (int64_t)(HOLD_EVENTS * HOLD_MEAN_S / (double)n);
    for (int k = 0; k < ROUNDS; k++) {
        const uint64_t before = engine_events_processed(e);
        const double t0 = now_seconds();
        until += span;
        if (engine_run(e, until) != ENGINE_FINISHED)
            goto done;
        const double rate =
            (double)(engine_events_processed(e) - before) / (now_seconds() - t0);
        best = rate > best ? rate : best;
    }
done:
    gsl_rng_free(r);
    engine_destroy(e);
    return best;
}

/* ---- capsim: the M/M/c/c job stream with ticks ---- */

typedef struct tick_context {
    jobs *stream;
    int64_t tick_s;
    double sink;  /* what the tick read, so that the reads are not dropped */
} tick_context;

/* What market__training_rows reads for one training workload each tick. */
static int read_tick(engine *e, const evq_event *ev, void *ctx)
{
    tick_context *c = ctx;
    jobs_totals totals;
    jobs_totals_at(c->stream, ev->time, &totals);
    c->sink += (double)jobs_group_capacity(c->stream, 0) + jobs_busy_h100(c->stream) +
               (double)jobs_queued_gpus(c->stream) + (double)jobs_running(c->stream) +
               (double)jobs_queued(c->stream) + (double)totals.interruptions +
               totals.lost_gpu_seconds;
    return engine_schedule(e, ev->time + c->tick_s, TICK_KIND, 0, NULL) == EVQ_NO_HANDLE;
}

/* Jobs (arrivals) per second of the M/M/100/100 stream with a tick every
 * tick_s seconds; *lost_share gets the measured loss. 0 on failure. */
static double engine_mmcc_rate(int64_t tick_s, double *lost_share)
{
    spec_workload w;
    memset(&w, 0, sizeof w);
    snprintf(w.name, sizeof w.name, "bench-mmcc");
    w.type = SPEC_TRAINING;
    w.growth = SPEC_GROWTH_EXPONENTIAL;
    w.yearly_factor = 1.0;  /* a homogeneous Poisson process */
    w.arrival_rate_per_day = MMCC_ERLANGS / MMCC_MEAN_DURATION_H * 24.0;
    w.job_gpus = (spec_distribution){.kind = SPEC_DIST_FIXED, .mean = 8.0};  /* one node */
    w.duration_h = (spec_distribution){.kind = SPEC_DIST_EXPONENTIAL,
                                       .mean = MMCC_MEAN_DURATION_H};
    w.max_wait_h = 0.0;  /* lost when no node is free: M/M/c/c */
    const double lambda = MMCC_ERLANGS / (MMCC_MEAN_DURATION_H * 3600.0);  /* per second */
    const int64_t warmup = (int64_t)(20.0 * MMCC_MEAN_DURATION_H * 3600.0);
    const int64_t span = (int64_t)(MMCC_JOBS / lambda);
    const jobs_group_def group = {.datacenter = 0, .gpu = 0, .train_speed = 1.0};
    const jobs_event_kinds kinds = {JOBS_EV_DEFAULT_ARRIVAL, JOBS_EV_DEFAULT_FINISH,
                                    JOBS_EV_DEFAULT_DEADLINE};
    engine *e = engine_create();
    jobs *j = jobs_create(&w, &group, 1, 42, warmup + (ROUNDS + 1) * span);
    tick_context tick = {.stream = j, .tick_s = tick_s};
    double best = 0.0;
    if (!e || !j || jobs_attach(j, e, kinds) != 0 ||
        jobs_set_capacity(j, 0, 8 * MMCC_SERVERS) != 0)
        goto done;
    engine_on(e, TICK_KIND, read_tick, &tick);
    if (engine_schedule(e, tick_s, TICK_KIND, 0, NULL) == EVQ_NO_HANDLE ||
        engine_run(e, warmup) != ENGINE_FINISHED)
        goto done;
    jobs_totals start, end;
    jobs_totals_at(j, warmup, &start);
    int64_t until = warmup;
    for (int k = 0; k < ROUNDS; k++) {
        jobs_totals before;
        jobs_totals_at(j, until, &before);
        const double t0 = now_seconds();
        until += span;
        if (engine_run(e, until) != ENGINE_FINISHED)
            goto done;
        const double wall = now_seconds() - t0;
        jobs_totals_at(j, until, &end);
        const double rate = (double)(end.arrived - before.arrived) / wall;
        best = rate > best ? rate : best;
    }
    *lost_share = (double)(end.lost - start.lost) / (double)(end.arrived - start.arrived);
done:
    jobs_destroy(j);
    engine_destroy(e);
    return best;
}

/* ---- SimPy through its scripts ---- */

static const char *python(void)
{
    return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

/* Runs tests/bench/SCRIPT ARGS and reads "<version> KEY=<rate>" from its
 * first line, the version into version[size]. Returns the rate; 0 when
 * SimPy is not installed (the script exits 3); -1 when the script failed. */
static double simpy_rate(const char *script, const char *args, const char *key,
                         char *version, size_t size)
{
    const char *dir = getenv("CAPSIM_BENCH_DIR") ? getenv("CAPSIM_BENCH_DIR") : "tests/bench";
    char cmd[4096], line[1024];
    snprintf(cmd, sizeof cmd, "'%s' '%s/%s' %s 2>&1", python(), dir, script, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1.0;
    double rate = -1.0;
    if (fgets(line, sizeof line, p)) {
        char *at = strstr(line, key);
        if (at && at > line && at[strlen(key)] == '=') {
            rate = strtod(at + strlen(key) + 1, NULL);
            snprintf(version, size, "%.*s", (int)(at - line - 1), line);  /* before " KEY=" */
        }
    }
    while (fgets(line, sizeof line, p))
        ;
    int status = pclose(p);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
        return 0.0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 && rate > 0.0 ? rate : -1.0;
}

/* One line: capsim's rate, and SimPy's with the ratio when it ran. */
static void print_pair(FILE *out, const char *what, const char *unit, double capsim,
                       double simpy, const char *version)
{
    if (simpy > 0.0)
        fprintf(out, "  %-38s capsim %10.0f %-8s %s %8.0f  ratio %6.1f\n", what, capsim, unit,
                version, simpy, capsim / simpy);
    else
        fprintf(out, "  %-38s capsim %10.0f %-8s SimPy %s\n", what, capsim, unit,
                simpy == 0.0 ? "not installed, skipped" : "script failed");
}

void bench_simpy_report(FILE *out)
{
    fprintf(out, "engine and job stream against SimPy (EVQ=%s; ratio = capsim / SimPy):\n",
            CAPSIM_EVQ_NAME);
    char args[128], what[64], version[128] = "";
    double simpy = 1.0;  /* > 0: keep asking */
    static const size_t holds[] = {1000, 100000};
    for (size_t k = 0; k < 2; k++) {
        const double rate = engine_hold_rate(holds[k], 0);
        snprintf(args, sizeof args, "%zu %d %d", holds[k], SIMPY_HOLD_EVENTS, ROUNDS);
        if (simpy != 0.0)
            simpy = simpy_rate("simpy_hold.py", args, "events_per_second", version,
                               sizeof version);
        snprintf(what, sizeof what, "hold model, N=%zu", holds[k]);
        print_pair(out, what, "events/s", rate, simpy, version);
        if (k == 0) {
            snprintf(what, sizeof what, "  the same, gsl_ran_exponential");
            print_pair(out, what, "events/s", engine_hold_rate(holds[k], 1), simpy, version);
        }
    }
    /* SimPy has no ticks: one run serves both lines. */
    snprintf(args, sizeof args, "%d %g %d %d", MMCC_SERVERS, MMCC_ERLANGS, SIMPY_MMCC_JOBS,
             ROUNDS);
    if (simpy != 0.0)
        simpy = simpy_rate("simpy_mmcc.py", args, "jobs_per_second", version, sizeof version);
    static const int64_t ticks[] = {3600, 86400};
    static const char *const tick_names[] = {"hourly", "daily"};
    for (size_t k = 0; k < 2; k++) {
        double lost = 0.0;
        const double rate = engine_mmcc_rate(ticks[k], &lost);
        snprintf(what, sizeof what, "M/M/100/100, %s ticks (lost %.4f)", tick_names[k], lost);
        print_pair(out, what, "jobs/s", rate, simpy, version);
    }
}
