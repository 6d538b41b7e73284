/*
 * capsim rerun: runs a stored run again from what its database holds (its
 * resolved scenario text, seed and period: analysis/rerun.h) into the same
 * database or another one. With the same capsim, the new run's rows equal
 * the stored run's (tests/tools/same-results.sh compares two files).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "progress.h"
#include "../../analysis/adb.h"
#include "../../analysis/rerun.h"
#include "../run/run.h"
#include "../store/store.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: capsim rerun DB --run N [-o OUT.db] [-q]\n\n"
            "Runs run N of DB again from its stored scenario alone: the resolved text\n"
            "(includes, --set values and seed applied) and the CSV series and traces stored\n"
            "with it, over the period it simulated (the --until it was given). The new run\n"
            "is appended to OUT.db (default: DB itself).\n\n"
            "  -r, --run N        the run to repeat (capsim runs DB lists them)\n"
            "  -o, --out FILE     results database to append to (default: DB)\n"
            "  -q, --quiet        no progress output\n"
            "  -h, --help         this help\n\n"
            "Exit codes: 0 complete, 1 runtime failure or interrupted, 2 bad input.\n");
}

static void on_tick(void *ctx, int64_t ticks_done, int64_t total_ticks, int64_t epoch_seconds)
{
    (void)total_ticks;
    progress_update(ctx, ticks_done, epoch_seconds);
}

/* Runs the loaded run into out. Returns the exit code. */
static int simulate(const rerun_source *src, const char *out, int64_t from, int quiet)
{
    const scenario *sc = src->sc;
    int64_t stop = src->stop;
    char err[2048];
    store_status status;
    store *st = store_open(out, 0, &status, err, sizeof err);
    if (!st) {
        fprintf(stderr, "capsim rerun: %s\n", err);
        return capsim_status_in_input(status) ? CLI_BAD_INPUT : CLI_RUNTIME_FAILURE;
    }
    store_set_file_copies(st, src->paths, src->copies, src->n_data);
    progress bar;
    progress_init(&bar, quiet ? PROGRESS_QUIET : PROGRESS_AUTO, stderr,
                  run_total_ticks(sc->spec, stop), 0);
    run_options driver = {.stop = stop, .on_tick = on_tick, .tick_ctx = &bar};
    run_result r;
    run_scenario(sc, st, &driver, &r);
    progress_finish(&bar);
    if (r.status != RUN_FAILED)
        printf("Run %lld: run %lld again (seed %llu): %lld ticks, status %s, written to %s\n",
               (long long)r.run_id, (long long)from, (unsigned long long)sc->spec->seed,
               (long long)r.ticks, run_status_name(r.status), out);
    if (r.error[0])
        fprintf(stderr, "capsim rerun: %s\n", r.error);
    int code = r.status == RUN_COMPLETE ? CLI_OK : CLI_RUNTIME_FAILURE;
    run_result_free(&r);
    store_close(st);
    return code;
}

int cli_rerun(int argc, char **argv)
{
    static const struct option options[] = {
        {"run", required_argument, 0, 'r'}, {"out", required_argument, 0, 'o'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int64_t run = 0;
    const char *out = NULL;
    int quiet = 0, c;
    char *end;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "r:o:qh", options, NULL)) != -1) {
        switch (c) {
        case 'r':
            run = strtoll(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || run <= 0) {
                fprintf(stderr, "capsim rerun: --run '%s': expected a run id (1, 2, ...)\n",
                        optarg);
                return CLI_BAD_INPUT;
            }
            break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_bad_option("rerun", argv, options);
        }
    }
    if (optind != argc - 1 || run == 0) {
        return cli_usage_error("rerun", "expected one database and --run N");
    }
    const char *path = argv[optind];
    char err[4096];
    adb_status st;
    sqlite3 *db = adb_open(path, &st, err, sizeof err);
    if (!db) {
        fprintf(stderr, "capsim rerun: %s\n", err);
        return capsim_status_in_input(st) ? CLI_BAD_INPUT : CLI_RUNTIME_FAILURE;
    }
    rerun_source src;
    int in_input = 0;
    int loaded = rerun_load(db, run, &src, &in_input, err, sizeof err);
    sqlite3_close(db);
    if (loaded != 0) {
        fprintf(stderr, "capsim rerun: %s: %s\n", path, err);
        return in_input ? CLI_BAD_INPUT : CLI_RUNTIME_FAILURE;
    }
    int code = simulate(&src, out ? out : path, run, quiet);
    rerun_source_free(&src);
    return code;
}
