/*
 * capsim-bench: `make bench`. Prints each figure next to a baseline measured
 * in the same process, as a ratio, because the machines are shared and noisy:
 *  - the default scenario end to end (events/s, GPU-ticks/s, rows/s), run
 *    through the capsim binary, with rows/s against plain SQLite inserts of
 *    rows of the same width;
 *  - the fleet kernel's ns per GPU-tick against a copy loop over the same bytes;
 *  - the event queue's hold time against a plain binary heap;
 *  - the engine and the job stream against SimPy;
 *  - the scenario with failures on against off (scenario.failures=false);
 *  - the goal search against a full scan of its step grid (bench_search.c).
 *  - `make run` step by step, as ratios to the run's own wall time, and the
 *    export's streaming pass against its SQL reference path.
 *  - storage: the default run against the same run storing nothing and
 *    against inserting its rows alone (bench_store.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Baseline: rows/s of a prepared INSERT of 12-column rows into a WITHOUT
 * ROWID table in one transaction (WAL, synchronous NORMAL), like dc_tick. */
static double sqlite_baseline_rows_per_second(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/baseline.db", dir);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return 0.0;
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "CREATE TABLE t(run_id, tick, id, a, b, c, d, e, f, g, h, i,"
                     " PRIMARY KEY(run_id, tick, id)) WITHOUT ROWID;", 0, 0, 0);
    sqlite3_prepare_v2(db, "INSERT INTO t VALUES(1,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL);
    const int rows = 400000;
    double t0 = now_seconds();
    sqlite3_exec(db, "BEGIN", 0, 0, 0);
    for (int r = 0; r < rows; r++) {
        sqlite3_bind_int64(st, 1, r / 40);
        sqlite3_bind_int64(st, 2, r % 40);
        for (int c = 3; c <= 11; c++)
            sqlite3_bind_double(st, c, r * 0.37 + c);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_exec(db, "COMMIT", 0, 0, 0);
    double elapsed = now_seconds() - t0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rows / elapsed;
}

/* Runs the scenario through the capsim binary and parses its rates line. */
static int scenario_rates(const char *capsim, const char *scenario, const char *dir,
                          double *events, double *gpu_ticks, double *rows)
{
    char cmd[8192], line[1024];
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s/bench.db' --replace -q", capsim,
             scenario, dir);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    int found = 0;
    while (fgets(line, sizeof line, p)) {
        double wall;
        if (sscanf(line, "Wall time %lf s: %lf events/s, %lf GPU-ticks/s, %lf rows/s", &wall,
                   events, gpu_ticks, rows) == 4)
            found = 1;
    }
    int status = pclose(p);
    return found && status == 0 ? 0 : -1;
}

/* The wall seconds of one run of the scenario with extra arguments, as the
 * run prints them; negative when the run failed. */
static double scenario_wall(const char *capsim, const char *scenario, const char *dir,
                            const char *extra)
{
    char cmd[8192], line[1024];
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s/pair.db' --replace -q %s", capsim, scenario,
             dir, extra);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1.0;
    double wall = -1.0, x;
    while (fgets(line, sizeof line, p))
        if (sscanf(line, "Wall time %lf s: %lf", &wall, &x) != 2)
            continue;
    return pclose(p) == 0 ? wall : -1.0;
}

static int compare_doubles(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Failures on against off (scenario.failures=false), the same scenario
 * otherwise, in turn A B A B ...; the median of the five ratios. */
#define FAILURE_PAIRS 5
static void failures_cost(const char *capsim, const char *scenario, const char *dir)
{
    double ratio[FAILURE_PAIRS];
    for (int k = 0; k < FAILURE_PAIRS; k++) {
        const double on = scenario_wall(capsim, scenario, dir, "--until 2026-12-31");
        const double off = scenario_wall(capsim, scenario, dir,
                                         "--until 2026-12-31 --set scenario.failures=false");
        if (on <= 0 || off <= 0) {
            printf("  failures on against off: a run failed\n");
            return;
        }
        ratio[k] = on / off;
    }
    qsort(ratio, FAILURE_PAIRS, sizeof ratio[0], compare_doubles);
    printf("  failures on / off (2 years, wall time, median of %d pairs): %.2f (%.2f .. %.2f)\n",
           FAILURE_PAIRS, ratio[FAILURE_PAIRS / 2], ratio[0], ratio[FAILURE_PAIRS - 1]);
}

int main(int argc, char **argv)
{
    const char *scenario = argc > 1 ? argv[1] : "scenarios/openai-google-coreweave.ini";
    const char *capsim = getenv("CAPSIM") ? getenv("CAPSIM") : "build/capsim";
    char dir[] = "/tmp/capsim-bench-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    printf("capsim benchmarks (ratios against baselines run in this process)\n\n");
    bench_kernel_report(stdout);
    bench_evq_report(stdout);
    bench_simpy_report(stdout);
    fflush(stdout);
    bench_sweep_report(stdout, capsim, scenario, dir);
    bench_search_report(stdout, capsim, dir);
    bench_store_report(stdout, scenario, dir);

    double events, gpu_ticks, rows;
    double baseline = sqlite_baseline_rows_per_second(dir);
    printf("\nscenario %s (full run, writing every tick):\n", scenario);
    if (scenario_rates(capsim, scenario, dir, &events, &gpu_ticks, &rows) != 0) {
        fprintf(stderr, "capsim-bench: running %s failed\n", scenario);
        return 1;
    }
    printf("  events/s     %12.0f\n", events);
    printf("  GPU-ticks/s  %12.4g\n", gpu_ticks);
    printf("  rows/s       %12.0f   plain SQLite insert baseline %.0f rows/s; ratio %.2f\n",
           rows, baseline, baseline > 0 ? rows / baseline : 0.0);
    failures_cost(capsim, scenario, dir);
    bench_export_report(stdout, capsim, scenario, dir);
    char cleanup[4200];
    snprintf(cleanup, sizeof cleanup, "rm -rf '%s'", dir);
    return system(cleanup) == 0 ? 0 : 1;
}
