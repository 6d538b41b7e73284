/*
 * bench_search: what bisection saves against a full scan of the step grid,
 * through the capsim binary, on tests/fixtures/search-linear.ini (a lease
 * searched over 8..20000 by 80 GPUs: 250 grid points, one-year runs with a
 * daily tick):
 *  - `capsim search` (-j1), against
 *  - `capsim sweep` of every grid point (method grid, record = summary, -j1),
 *    the scan one would otherwise run and read the answer off;
 * as a ratio of runs (from the two databases) and of wall times (best of
 * REPS, the two commands taking turns, CLOCK_MONOTONIC around each whole
 * command). The scan's answer (the smallest grid value whose metric meets
 * the target) is read from its database and must equal the search's, or
 * the figure is not printed.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#define REPS 2
#define FIXTURE "tests/fixtures/search-linear.ini"
#define PARAM "contract.lease.gpus"
#define METRIC "shortfall_h100_hours.lab-inference"
#define LO 8
#define HI 20000
#define STEP 80

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The wall time of cmd after removing out; -1 when it fails. */
static double timed(const char *cmd, const char *out)
{
    char line[16384];
    snprintf(line, sizeof line, "rm -f '%s' '%s-wal' '%s-shm'", out, out, out);
    if (system(line) != 0)
        return -1.0;
    snprintf(line, sizeof line, "%s > /dev/null 2>&1", cmd);
    double t0 = now_seconds();
    int status = system(line);
    double elapsed = now_seconds() - t0;
    if (status != 0) {
        fprintf(stderr, "capsim-bench: failed: %s\n", cmd);
        return -1.0;
    }
    return elapsed;
}

/* One integer from a query on the database at path; -1 on any failure. */
static long query_long(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

void bench_search_report(FILE *out, const char *capsim, const char *dir)
{
    char fixture[4096], sweep[1024], db[2][1024], cmd[2][8192];
    if (!realpath(FIXTURE, fixture)) {
        fprintf(out, "\nsearch: cannot find %s (run from the repository)\n", FIXTURE);
        return;
    }
    snprintf(sweep, sizeof sweep, "%s/scan.ini", dir);
    snprintf(db[0], sizeof db[0], "%s/search.db", dir);
    snprintf(db[1], sizeof db[1], "%s/scan.db", dir);
    FILE *f = fopen(sweep, "w");
    if (!f)
        return;
    fprintf(f, "[sweep]\nname = full scan\nscenario = %s\nmethod = grid\nreplications = 1\n"
               "record = summary\n\n[param " PARAM "]\nrange = %d .. %d\nstep = %d\n",
            fixture, LO, HI, STEP);
    if (fclose(f) != 0)
        return;
    snprintf(cmd[0], sizeof cmd[0], "'%s' search '%s' --param " PARAM " --range %d..%d --step %d"
             " --target '" METRIC " <= 0' -j1 -q -o '%s'", capsim, fixture, LO, HI, STEP, db[0]);
    snprintf(cmd[1], sizeof cmd[1], "'%s' sweep '%s' -j1 -q -o '%s'", capsim, sweep, db[1]);
    fprintf(out, "\ngoal search (best of %d, through %s):\n", REPS, capsim);
    double best[2] = {0, 0};
    for (int r = 0; r < REPS; r++)
        for (int i = 0; i < 2; i++) {
            double t = timed(cmd[i], db[i]);
            if (t < 0)
                return;
            best[i] = r == 0 || t < best[i] ? t : best[i];
        }
    long search_runs = query_long(db[0], "SELECT count(*) FROM run WHERE status = 'complete'");
    long scan_runs = query_long(db[1], "SELECT count(*) FROM run WHERE status = 'complete'");
    long answer = query_long(db[0], "SELECT CAST(answer AS INTEGER) FROM search");
    long scan_answer = query_long(db[1],
        "SELECT min(CAST(p.value AS INTEGER)) FROM run r"
        " JOIN run_param p ON p.run_id = r.id AND p.path = '" PARAM "'"
        " JOIN run_metric m ON m.run_id = r.id AND m.metric = '" METRIC "' WHERE m.value <= 0");
    if (answer < 0 || answer != scan_answer || search_runs <= 0 || scan_runs <= 0) {
        fprintf(out, "  the search's answer %ld differs from the scan's %ld: no figure\n", answer,
                scan_answer);
        return;
    }
    fprintf(out, "  runs         %d-point grid, answer %ld: search %ld runs, full scan %ld; "
                 "scan / search %.1fx\n", (HI - LO) / STEP + 1, answer, search_runs, scan_runs,
            (double)scan_runs / (double)search_runs);
    fprintf(out, "  wall         search %.2f s, full scan %.2f s (both -j1); scan / search "
                 "%.1fx\n", best[0], best[1], best[1] / best[0]);
}
