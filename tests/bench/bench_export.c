/*
 * bench_export: what `make run` costs step by step, and what the export's
 * streaming pass gains over SQL, each figure a ratio of wall times measured
 * here (CLOCK_MONOTONIC):
 *  - `make run`'s commands through the capsim binary: the run of the
 *    scenario, then plot --report (the charts and the text report from one
 *    build of the report's tables) and export --daily --wide-dir (the
 *    rolled-up and the wide files from one pass) each alone, each as a
 *    ratio to the run's own wall time; then the two as make run runs them,
 *    side by side (`make run-outputs`, from the source tree `make bench`
 *    runs in: they only read the finished database), and make run's whole
 *    time, the run plus that, likewise (the target: 2 or less),
 *    next to the two in sequence;
 *  - export --daily and --daily --wide of that run through the streaming
 *    pass against the SQL reference path (export_options.sql_reference: the
 *    views' GROUP BY and one wide query per column), in the same process on
 *    the same database, in turn A B A B A B; the median of three ratios.
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "../../analysis/export.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall time of one shell command, or -1 when it fails. */
static double timed_command(const char *cmd)
{
    double t0 = now_seconds();
    int status = system(cmd);
    double elapsed = now_seconds() - t0;
    if (status != 0) {
        fprintf(stderr, "capsim-bench: failed: %s\n", cmd);
        return -1.0;
    }
    return elapsed;
}

/* Wall time of one in-process export of db into out, or -1. */
static double timed_export(sqlite3 *db, rollup_period period, int wide, int reference,
                           const char *out)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
    if (system(cmd) != 0)
        return -1.0;
    export_options o = {0};
    o.period = period;
    o.wide = wide;
    o.out = out;
    o.quiet = 1;
    o.force = 1;
    o.sql_reference = reference;
    double t0 = now_seconds();
    int code = export_run(db, &o, stderr);
    double elapsed = now_seconds() - t0;
    return code == 0 ? elapsed : -1.0;
}

static int compare_doubles(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* SQL reference against the pass, in turn; prints the median ratio. */
static void pass_against_sql(FILE *out, const char *db_path, const char *dir, int wide)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(out, "  cannot open %s\n", db_path);
        sqlite3_close(db);
        return;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/pass-csv", dir);
    double ratio[3], pass[3];
    for (int k = 0; k < 3; k++) {
        double sql = timed_export(db, ROLLUP_DAY, wide, 1, path);
        pass[k] = timed_export(db, ROLLUP_DAY, wide, 0, path);
        if (sql <= 0 || pass[k] <= 0) {
            fprintf(out, "  export%s: an export failed\n", wide ? " --wide" : "");
            sqlite3_close(db);
            return;
        }
        ratio[k] = sql / pass[k];
    }
    qsort(ratio, 3, sizeof ratio[0], compare_doubles);
    qsort(pass, 3, sizeof pass[0], compare_doubles);
    fprintf(out, "  export --daily%s: SQL / streaming pass (median of 3 pairs) %.2f "
                 "(%.2f .. %.2f); pass %.2f s\n", wide ? " --wide" : "", ratio[1], ratio[0],
            ratio[2], pass[1]);
    sqlite3_close(db);
}

void bench_export_report(FILE *out, const char *capsim, const char *scenario, const char *dir)
{
    char cmd[16384], db[4096];
    snprintf(db, sizeof db, "%s/capsim.db", dir);  /* make run's layout under OUT=dir */
    fprintf(out, "\nmake run, step by step (wall time / the run's wall time):\n");
    fflush(out);
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s' --replace -q > /dev/null", capsim,
             scenario, db);
    double run = timed_command(cmd);
    if (run <= 0)
        return;
    /* make run's steps (RUN_STEPS) */
    static const char *const names[] = {"plot --report", "export --daily --wide-dir"};
    static const char *const formats[] = {
        "'%s' plot '%s' -o '%s/plots' --report '%s/report.txt' > /dev/null",
        "'%s' export '%s' --daily -o '%s/csv' --wide-dir '%s/csv/wide' -q"};
    enum { N_STEPS = sizeof names / sizeof *names };
    double sequence = run;
    fprintf(out, "  %-26s %8.2f s  1.00\n", "run", run);
    for (size_t i = 0; i < N_STEPS; i++) {
        snprintf(cmd, sizeof cmd, formats[i], capsim, db, dir, dir);
        double t = timed_command(cmd);
        if (t < 0)
            return;
        sequence += t;
        fprintf(out, "  %-26s %8.2f s  %.2f\n", names[i], t, t / run);
        fflush(out);
    }
    snprintf(cmd, sizeof cmd, "make -s --no-print-directory OUT='%s' CAPSIM='%s' run-outputs"
             " > /dev/null", dir, capsim);
    const double together = timed_command(cmd);
    if (together < 0)
        return;
    fprintf(out, "  %-26s %8.2f s  %.2f\n", "the two side by side", together, together / run);
    fprintf(out, "  %-26s %8.2f s  %.2f   (the two in sequence: %.2f)\n", "make run / run",
            run + together, (run + together) / run, sequence / run);
    fprintf(out, "  %-26s %8s    %s\n", "", "", "(target: 2 or less)");
    pass_against_sql(out, db, dir, 0);
    pass_against_sql(out, db, dir, 1);
}
