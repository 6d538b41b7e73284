/*
 * capsim run: loads a scenario, builds the market, runs the engine and
 * writes every tick to the results database. SIGINT and SIGTERM stop the run
 * gracefully: the tick in progress completes, everything written is
 * committed, and the run is marked 'interrupted'.
 *
 * Nothing is written when the scenario or the options are bad: the database
 * is opened only after everything has been validated.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "progress.h"
#include "targets.h"
#include "../util/caltime.h"
#include "../engine/engine.h"
#include "../store/store.h"
#include "../model/market.h"

typedef struct run_options {
    const char *scenario_path;
    const char *out_path;
    const char *until;
    int replace;
    progress_mode progress;
    cli_overrides overrides;
} run_options;

/* What the observer callbacks need. */
typedef struct run_context {
    store *store;
    progress progress;
    int failed;            /* a store write failed */
} run_context;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: capsim run SCENARIO.ini [options]\n\n"
            "Simulates a scenario and writes every tick to a SQLite database.\n\n"
            "  -o, --out FILE          results database (default capsim.db); an existing capsim\n"
            "                          database gets a new run appended, any other file is refused\n"
            "      --replace           start the database afresh (only a capsim database)\n"
            "      --seed N            run seed (same as --set scenario.seed=N)\n"
            "  -s, --set PATH=VALUE    override a scenario value, e.g. --set contract.cw-openai-1.gpus=96000\n"
            "      --until YYYY-MM-DD  stop after this date (inclusive) instead of the scenario end\n"
            "  -q, --quiet             no progress output\n"
            "      --progress          progress as plain lines every 1%% of simulated time\n"
            "  -h, --help              this help\n\n"
            "Exit codes: 0 complete, 1 runtime failure or interrupted, 2 bad input.\n");
}

/* Parses argv into opts. Returns -1 to continue, or an exit code. */
static int parse_options(int argc, char **argv, run_options *opts)
{
    enum { OPT_REPLACE = 256, OPT_SEED, OPT_UNTIL, OPT_PROGRESS };
    static const struct option options[] = {
        {"out", required_argument, 0, 'o'},
        {"replace", no_argument, 0, OPT_REPLACE},
        {"seed", required_argument, 0, OPT_SEED},
        {"set", required_argument, 0, 's'},
        {"until", required_argument, 0, OPT_UNTIL},
        {"quiet", no_argument, 0, 'q'},
        {"progress", no_argument, 0, OPT_PROGRESS},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    char buf[128];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:s:qh", options, NULL)) != -1) {
        switch (c) {
        case 'o': opts->out_path = optarg; break;
        case OPT_REPLACE: opts->replace = 1; break;
        case OPT_SEED:
            snprintf(buf, sizeof buf, "scenario.seed=%s", optarg);
            if (cli_overrides_add_copy(&opts->overrides, buf) != 0)
                return CLI_RUNTIME_FAILURE;
            break;
        case 's':
            if (cli_overrides_add(&opts->overrides, optarg) != 0)
                return CLI_RUNTIME_FAILURE;
            break;
        case OPT_UNTIL: opts->until = optarg; break;
        case 'q': opts->progress = PROGRESS_QUIET; break;
        case OPT_PROGRESS: opts->progress = PROGRESS_LINES; break;
        case 'h': usage(stdout); return CLI_OK;
        default: usage(stderr); return CLI_BAD_INPUT;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "capsim run: expected exactly one scenario file\n");
        usage(stderr);
        return CLI_BAD_INPUT;
    }
    opts->scenario_path = argv[optind];
    return -1;
}

/* Computes the exclusive stop time from --until. Returns 0 or -1 (message printed). */
static int resolve_stop(const run_options *opts, const spec *s, int64_t *stop)
{
    *stop = s->end;
    if (!opts->until)
        return 0;
    int64_t until_days, start_days;
    if (caltime_parse_date(opts->until, &until_days) != 0) {
        fprintf(stderr, "capsim run: --until '%s': expected a date YYYY-MM-DD\n", opts->until);
        return -1;
    }
    caltime_parse_date(s->start_date, &start_days);
    int64_t t = (until_days - start_days + 1) * SPEC_SECONDS_PER_DAY;
    if (t <= 0) {
        fprintf(stderr, "capsim run: --until %s is before the scenario start %s\n",
                opts->until, s->start_date);
        return -1;
    }
    if (t < *stop)
        *stop = t;
    return 0;
}

static int on_tick(const market *m, int64_t tick_index, int64_t t, void *ctx)
{
    run_context *rc = ctx;
    if (store_write_tick(rc->store, m, tick_index, t) != 0) {
        fprintf(stderr, "\ncapsim run: writing tick %lld failed: %s\n",
                (long long)tick_index, store_errmsg(rc->store));
        rc->failed = 1;
        return 1;
    }
    progress_update(&rc->progress, tick_index + 1, t);
    return 0;
}

static int on_event(const market *m, int64_t t, const char *kind, const char *entity,
                    const char *message, void *ctx)
{
    (void)m;
    run_context *rc = ctx;
    if (store_log_event(rc->store, t, kind, entity, message) != 0) {
        fprintf(stderr, "\ncapsim run: writing event failed: %s\n", store_errmsg(rc->store));
        rc->failed = 1;
        return 1;
    }
    return 0;
}

static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig)
{
    stop_signal = sig;
    engine_request_stop();
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Stores the model's end-of-run metrics (training job statistics). */
static int store_model_metrics(market *m, store *st, int64_t now)
{
    size_t n = market_end_metrics(m, now, NULL, 0);
    market_metric *metrics = n ? calloc(n, sizeof *metrics) : NULL;
    if (n && !metrics)
        return -1;
    market_end_metrics(m, now, metrics, n);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = store_metric(st, metrics[i].name, metrics[i].value);
    free(metrics);
    return rc;
}

static void print_rates(const market *m, const engine *e, const store *st, double wall)
{
    double w = wall > 1e-9 ? wall : 1e-9;
    printf("\nWall time %.2f s: %.0f events/s, %.3g GPU-ticks/s, %.0f rows/s "
           "(%llu events, %llu GPU-ticks, %llu rows)\n",
           wall, (double)engine_events_processed(e) / w, (double)market_gpu_ticks(m) / w,
           (double)store_rows_written(st) / w,
           (unsigned long long)engine_events_processed(e),
           (unsigned long long)market_gpu_ticks(m),
           (unsigned long long)store_rows_written(st));
}

/* Runs the loaded scenario into an open store. Returns the exit code. */
static int simulate(const run_options *opts, scenario *sc, store *st, int64_t stop)
{
    const spec *s = sc->spec;
    char err[1024];
    int code = CLI_RUNTIME_FAILURE;
    market *m = market_create(s);
    engine *e = engine_create();
    run_context rc = {.store = st};
    if (!m || !e) {
        fprintf(stderr, "capsim run: out of memory building the model\n");
        goto cleanup;
    }
    if (store_begin_run(st, sc, m, CAPSIM_VERSION, err, sizeof err) < 0) {
        fprintf(stderr, "capsim run: %s\n", err);
        goto cleanup;
    }
    market_observer obs = {.on_tick = on_tick, .on_event = on_event, .ctx = &rc};
    if (market_attach(m, e, &obs) != 0) {
        fprintf(stderr, "capsim run: out of memory scheduling events\n");
        store_end_run(st, STORE_RUN_FAILED, 0.0, 0);
        goto cleanup;
    }
    int64_t start_days;
    caltime_parse_date(s->start_date, &start_days);
    int64_t total_ticks = (stop + s->tick_seconds - 1) / s->tick_seconds;
    progress_init(&rc.progress, opts->progress, stderr, total_ticks,
                  start_days * SPEC_SECONDS_PER_DAY);
    install_signals();
    double started = progress_now();
    engine_outcome outcome = engine_run(e, stop - 1);
    double wall = progress_now() - started;
    progress_finish(&rc.progress);

    store_run_status status = STORE_RUN_COMPLETE;
    if (rc.failed || outcome == ENGINE_HANDLER_FAILED)
        status = STORE_RUN_FAILED;
    else if (store_model_metrics(m, st, engine_now(e)) != 0)
        fprintf(stderr, "capsim run: storing the model's metrics failed: %s\n", store_errmsg(st));
    else if (outcome == ENGINE_INTERRUPTED)
        status = STORE_RUN_INTERRUPTED;
    if (store_end_run(st, status, wall, engine_events_processed(e)) != 0) {
        fprintf(stderr, "capsim run: finishing the run failed: %s\n", store_errmsg(st));
        status = STORE_RUN_FAILED;
    }
    if (status == STORE_RUN_COMPLETE || status == STORE_RUN_INTERRUPTED) {
        printf("Run %lld of '%s' (seed %llu): %lld ticks, status %s, written to %s\n",
               (long long)store_run_id(st), s->name, (unsigned long long)s->seed,
               (long long)market_ticks_done(m),
               status == STORE_RUN_COMPLETE ? "complete" : "interrupted", opts->out_path);
        store_print_summary(st, stdout);
        if (targets_check(s, st, stdout) < 0)
            fprintf(stderr, "capsim run: storing the target metrics failed: %s\n",
                    store_errmsg(st));
        print_rates(m, e, st, wall);
    }
    if (status == STORE_RUN_INTERRUPTED)
        fprintf(stderr, "capsim run: interrupted by signal %d after %lld ticks; every written "
                        "tick is committed and the run is marked 'interrupted'\n",
                (int)stop_signal, (long long)market_ticks_done(m));
    code = status == STORE_RUN_COMPLETE ? CLI_OK : CLI_RUNTIME_FAILURE;
cleanup:
    engine_destroy(e);
    market_destroy(m);
    return code;
}

int cli_run(int argc, char **argv)
{
    run_options opts = {.out_path = "capsim.db", .progress = PROGRESS_AUTO};
    int code = parse_options(argc, argv, &opts);
    scenario *sc = NULL;
    store *st = NULL;
    if (code >= 0)
        goto cleanup;
    char err[2048];
    sc = scenario_load(opts.scenario_path, opts.overrides.items, opts.overrides.n, err,
                       sizeof err);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        code = CLI_BAD_INPUT;
        goto cleanup;
    }
    cli_print_warnings(sc);
    int64_t stop;
    if (resolve_stop(&opts, sc->spec, &stop) != 0) {
        code = CLI_BAD_INPUT;
        goto cleanup;
    }
    store_status status;
    st = store_open(opts.out_path, opts.replace, &status, err, sizeof err);
    if (!st) {
        fprintf(stderr, "capsim run: %s\n", err);
        code = status == STORE_ERR_NOT_CAPSIM || status == STORE_ERR_VERSION
                   ? CLI_BAD_INPUT : CLI_RUNTIME_FAILURE;
        goto cleanup;
    }
    code = simulate(&opts, sc, st, stop);
cleanup:
    store_close(st);
    scenario_destroy(sc);
    cli_overrides_free(&opts.overrides);
    return code;
}
