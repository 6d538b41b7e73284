/*
 * capsim run: parses the options, loads the scenario, opens the results
 * database and hands both to the run driver (sim/run), which simulates and
 * writes every tick. SIGINT and SIGTERM stop the run
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
#include "../run/run.h"
#include "../util/caltime.h"
#include "../util/stopsig.h"
#include "../util/units.h"
#include "../store/store.h"

/* Runs longer than this many ticks need --force (10M: 19 years of
 * one-minute ticks, over 1,000 years of hourly ones). */
#define CLI_RUN_MAX_TICKS 10000000LL

typedef struct cli_run_options {
    const char *scenario_path;
    const char *out_path;
    const char *until;
    int replace;
    int force;
    progress_mode progress;
    cli_overrides overrides;
} cli_run_options;

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
            "      --force             run even past %lld ticks (a tiny tick over a long period)\n"
            "  -q, --quiet             no progress output\n"
            "      --progress          progress as plain lines every 1%% of simulated time\n"
            "  -h, --help              this help\n\n"
            "Exit codes: 0 complete, 1 runtime failure or interrupted, 2 bad input.\n",
            (long long)CLI_RUN_MAX_TICKS);
}

/* Parses argv into opts. Returns -1 to continue, or an exit code. */
static int parse_options(int argc, char **argv, cli_run_options *opts)
{
    enum { OPT_REPLACE = 256, OPT_SEED, OPT_UNTIL, OPT_PROGRESS, OPT_FORCE };
    static const struct option options[] = {
        {"out", required_argument, 0, 'o'},
        {"replace", no_argument, 0, OPT_REPLACE},
        {"seed", required_argument, 0, OPT_SEED},
        {"set", required_argument, 0, 's'},
        {"until", required_argument, 0, OPT_UNTIL},
        {"quiet", no_argument, 0, 'q'},
        {"progress", no_argument, 0, OPT_PROGRESS},
        {"force", no_argument, 0, OPT_FORCE},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    char buf[128];
    int c;
    optind = 1;
    opterr = 0;
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
        case OPT_FORCE: opts->force = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_bad_option("run", argv, options);
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error("run", "expected exactly one scenario file");
    }
    opts->scenario_path = argv[optind];
    return -1;
}

static volatile sig_atomic_t stop_signal = 0;

/* Progress after each tick (the driver's callback). A progress stream whose
 * reader has gone (EPIPE) stops the run like SIGPIPE would, but gracefully:
 * what is written is committed and the run is marked 'interrupted'. */
static void on_tick(void *ctx, int64_t ticks_done, int64_t total_ticks, int64_t epoch_seconds)
{
    (void)total_ticks;
    progress_update(ctx, ticks_done, epoch_seconds);
    if (progress_broken(ctx) && !stop_signal) {
        stop_signal = SIGPIPE;
        run_request_stop();
    }
}

static void on_signal(int sig)
{
    stop_signal = sig;
    run_request_stop();
}

static void print_rates(const run_result *r)
{
    double w = r->wall_seconds > 1e-9 ? r->wall_seconds : 1e-9;
    printf("\nWall time %.2f s: %.0f events/s, %.3g GPU-ticks/s, %.0f rows/s "
           "(%llu events, %llu GPU-ticks, %llu rows)\n",
           r->wall_seconds, (double)r->events / w, (double)r->gpu_ticks / w,
           (double)r->rows / w, (unsigned long long)r->events,
           (unsigned long long)r->gpu_ticks, (unsigned long long)r->rows);
}

/* --until past the scenario's end changes nothing: say so, since the user
 * asked for a longer run than they will get. */
static void warn_until_past_end(const spec *sp, const char *until)
{
    int64_t until_day;
    if (!until || caltime_parse_date(until, &until_day) != 0)
        return;
    const int64_t end_day = sp->start_day + sp->end / UNITS_SECONDS_PER_DAY - 1;
    if (until_day <= end_day)
        return;
    char last[11];
    caltime_format_date_since(sp->start_day, sp->end - 1, last);
    fprintf(stderr, "capsim run: warning: --until %s is past the scenario's last day %s; the "
                    "run ends there (set scenario.end to run longer)\n", until, last);
}

/* The size of what a run will write, said before it starts: a 1-second
 * tick over five years is 158M ticks and tens of gigabytes. Rows per tick
 * count the entities at the start (procured contracts add more); bytes per
 * row are what the default scenario's database measures (about 63). Returns
 * 0 to go on, or CLI_BAD_INPUT past CLI_RUN_MAX_TICKS without --force. */
static int check_run_size(const cli_run_options *opts, const spec *sp, int64_t stop)
{
    const double bytes_per_row = 64.0;
    const int64_t ticks = run_total_ticks(sp, stop);
    const double rows = (double)ticks * (double)(1 + sp->n_datacenters + sp->n_providers +
                                                 sp->n_contracts + sp->n_workloads);
    const double gib = rows * bytes_per_row / (1024.0 * 1024.0 * 1024.0);
    if (ticks > CLI_RUN_MAX_TICKS && !opts->force) {
        fprintf(stderr, "capsim run: %lld ticks of %lld s would write about %.3g rows (%.1f GiB);"
                        " capsim refuses more than %lld ticks unless --force. Use a longer "
                        "[scenario] tick or --until.\n", (long long)ticks,
                (long long)sp->tick_seconds, rows, gib, (long long)CLI_RUN_MAX_TICKS);
        return CLI_BAD_INPUT;
    }
    if (gib >= 1.0)
        fprintf(stderr, "capsim run: warning: %lld ticks will write about %.3g rows, a database "
                        "of about %.1f GiB\n", (long long)ticks, rows, gib);
    return 0;
}

/* Runs the loaded scenario into an open store through the run driver and
 * reports the outcome. Returns the exit code. */
static int simulate(const cli_run_options *opts, scenario *sc, store *st, int64_t stop)
{
    progress bar;
    progress_init(&bar, opts->progress, stderr, run_total_ticks(sc->spec, stop), 0);
    run_options driver = {.stop = stop, .on_tick = on_tick, .tick_ctx = &bar};
    run_result r;
    stopsig_install(on_signal);
    run_scenario(sc, st, &driver, &r);
    progress_finish(&bar);
    if (r.status != RUN_FAILED) {
        printf("Run %lld of '%s' (seed %llu): %lld ticks, status %s, written to %s\n",
               (long long)r.run_id, sc->spec->name, (unsigned long long)sc->spec->seed,
               (long long)r.ticks, run_status_name(r.status), opts->out_path);
        store_print_summary(st, stdout);
        if (r.targets_report)
            fputs(r.targets_report, stdout);
        print_rates(&r);
    }
    if (r.error[0])
        fprintf(stderr, "%scapsim run: %s\n", r.ticks > 0 ? "\n" : "", r.error);
    if (r.status == RUN_INTERRUPTED)
        fprintf(stderr, "capsim run: interrupted by signal %d after %lld ticks; every written "
                        "tick is committed and the run is marked 'interrupted'\n",
                (int)stop_signal, (long long)r.ticks);
    int code = r.status == RUN_COMPLETE ? CLI_OK : CLI_RUNTIME_FAILURE;
    if (r.status != RUN_FAILED &&
        cli_finish_output(stdout, "run", "the summary (the run itself is stored)") != CLI_OK)
        code = CLI_RUNTIME_FAILURE;
    run_result_free(&r);
    return code;
}

int cli_run(int argc, char **argv)
{
    cli_run_options opts = {.out_path = "capsim.db", .progress = PROGRESS_AUTO};
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
    if (run_stop_from_until(sc->spec, opts.until, &stop, err, sizeof err) != 0) {
        fprintf(stderr, "capsim run: %s\n", err);
        code = CLI_BAD_INPUT;
        goto cleanup;
    }
    warn_until_past_end(sc->spec, opts.until);
    if ((code = check_run_size(&opts, sc->spec, stop)) != 0)
        goto cleanup;
    code = -1;
    store_status status;
    st = store_open(opts.out_path, opts.replace, &status, err, sizeof err);
    if (!st) {
        fprintf(stderr, "capsim run: %s\n", err);
        code = capsim_status_in_input(status) ? CLI_BAD_INPUT : CLI_RUNTIME_FAILURE;
        goto cleanup;
    }
    code = simulate(&opts, sc, st, stop);
cleanup:
    store_close(st);
    scenario_destroy(sc);
    cli_overrides_free(&opts.overrides);
    return code;
}
