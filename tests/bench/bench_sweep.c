/*
 * bench_sweep: what the sweep machinery costs and gains, through the capsim
 * binary, each figure a ratio of two wall times measured here (best of
 * REPS, CLOCK_MONOTONIC around the whole command):
 *  - throughput: a sweep of 16 one-month runs (record = summary) with -j2
 *    against -j1; the target on 2 cores is 1.8x or more;
 *  - overhead: `capsim sweep` of one point and one replication of a
 *    one-year run at the default record = summary against `capsim run` of
 *    the same period: the sweep machinery (planning, the fork, the merge
 *    into the sweep database and the clean-up) on top of a run that, at
 *    summary, inserts no per-tick rows (it only sums their metrics), so
 *    the sweep may take less than the run; target 5% or less;
 *  - record = summary against record = ticks for that one-year sweep: with
 *    ticks the worker writes every per-tick row as `run` does, and the
 *    merge copies them into the sweep database after the run (that copy
 *    does not overlap the simulation the way run's writer thread does).
 *  - designs: runs per second of a saltelli sweep (N = 6, d = 1: 18 runs)
 *    and a morris sweep (r = 9 trajectories of 2 points: 18 runs) against
 *    a grid of the same 18 one-month runs, all with -j2. Their extra work
 *    (the Sobol sequence or the trajectories, and after the runs the
 *    indices of every metric with 1,000 bootstrap resamples) should not
 *    show: target 0.95x or more. The three sweeps run the same 18
 *    simulations (the sweep sets every run's scenario.seed from its seed
 *    and the point's index, overriding the swept value), so on a quiet
 *    machine any difference is the design's. The indices are also timed
 *    alone: `capsim merge` of each sweep into a new file (which computes
 *    them again) against the grid's, as a share of the grid sweep's wall
 *    time.
 * The sweeps vary scenario.seed (one value; the sweep seeds its runs
 * itself), which every scenario has; the designs sample it as a range
 * rounded to whole numbers.
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPS 4
#define SHORT_RUNS 16
#define DESIGN_RUNS 18

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Writes a sweep file of `points` points (values of scenario.seed), one
 * replication each. Returns 0 or -1. */
static int write_sweep(const char *path, const char *scenario, int points, const char *record,
                       const char *until)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "[sweep]\nname = bench\nscenario = %s\nmethod = list\nreplications = 1\n"
               "seed = 7\nrecord = %s\nuntil = %s\n\n[param scenario.seed]\nvalues = ",
            scenario, record, until);
    for (int i = 0; i < points; i++)
        fprintf(f, "%s%d", i ? ", " : "", 42 + i);
    fputc('\n', f);
    return fclose(f) == 0 ? 0 : -1;
}

/* A sweep file of DESIGN_RUNS one-month runs over scenario.seed: a grid of
 * DESIGN_RUNS values, or a saltelli (N x 3) or morris (r x 2) design. */
static int write_design(const char *path, const char *scenario, const char *method)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "[sweep]\nname = bench %s\nscenario = %s\nmethod = %s\nseed = 7\n"
               "record = summary\nuntil = 2025-01-31\n", method, scenario, method);
    if (!strcmp(method, "saltelli"))
        fprintf(f, "samples = %d\n", DESIGN_RUNS / 3);
    else if (!strcmp(method, "morris"))
        fprintf(f, "samples = %d\n", DESIGN_RUNS / 2);
    fprintf(f, "\n[param scenario.seed]\nrange = 1 .. %s\n", !strcmp(method, "grid")
               ? "18\nstep = 1" : "1000000\nround = 1");
    return fclose(f) == 0 ? 0 : -1;
}

/* One timed run of cmd after removing out (and its -wal, -shm). Returns
 * the wall time, or -1 when the command fails. */
static double timed(const char *cmd, const char *out)
{
    char line[16384];
    snprintf(line, sizeof line, "rm -rf '%s' '%s-wal' '%s-shm'", out, out, out);
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

/* The best wall time of each of n commands over REPS rounds, the commands
 * taking turns within a round so that a change in the machine's load
 * falls on all of them. best[i] = -1 when command i failed. */
static void best_interleaved(size_t n, char *const *cmds, char *const *outs, double *best)
{
    for (size_t i = 0; i < n; i++)
        best[i] = 0.0;
    for (int r = 0; r < REPS; r++)
        for (size_t i = 0; i < n; i++) {
            if (best[i] < 0)
                continue;
            double t = timed(cmds[i], outs[i]);
            best[i] = t < 0 ? -1.0 : (r == 0 || t < best[i] ? t : best[i]);
        }
}

/* Writes the capsim sweep command line for FILE -o OUT -jJ into cmd. */
static void sweep_command(char *cmd, size_t len, const char *capsim, const char *file,
                          const char *out, int jobs)
{
    snprintf(cmd, len, "'%s' sweep '%s' -o '%s' -j%d -q", capsim, file, out, jobs);
}

void bench_sweep_report(FILE *out, const char *capsim, const char *scenario, const char *dir)
{
    char abs_scenario[4096];
    if (!realpath(scenario, abs_scenario)) {
        fprintf(out, "\nsweeps: cannot resolve %s\n", scenario);
        return;
    }
    fprintf(out, "\nsweeps (best of %d, through %s):\n", REPS, capsim);

    char file[1024], db[2][1024], cmd[3][8192], year[2][1024], year_db[3][1024];
    char *cmds[3] = {cmd[0], cmd[1], cmd[2]}, *outs[3];
    double best[3];

    snprintf(file, sizeof file, "%s/short.ini", dir);
    snprintf(db[0], sizeof db[0], "%s/short-j1.db", dir);
    snprintf(db[1], sizeof db[1], "%s/short-j2.db", dir);
    if (write_sweep(file, abs_scenario, SHORT_RUNS, "summary", "2025-01-31") == 0) {
        sweep_command(cmd[0], sizeof cmd[0], capsim, file, db[0], 1);
        sweep_command(cmd[1], sizeof cmd[1], capsim, file, db[1], 2);
        outs[0] = db[0];
        outs[1] = db[1];
        best_interleaved(2, cmds, outs, best);
        if (best[0] > 0 && best[1] > 0)
            fprintf(out, "  throughput   %d one-month runs: -j1 %.2f s, -j2 %.2f s; -j2 / -j1 "
                         "%.2fx (target >= 1.8x on 2 cores)\n", SHORT_RUNS, best[0], best[1],
                    best[0] / best[1]);
    }

    static const char *const designs[3] = {"grid", "saltelli", "morris"};
    char design_file[3][1024], design_db[3][1024];
    int written = 0;
    for (int i = 0; i < 3; i++) {
        snprintf(design_file[i], sizeof design_file[i], "%s/design-%s.ini", dir, designs[i]);
        snprintf(design_db[i], sizeof design_db[i], "%s/design-%s.db", dir, designs[i]);
        written += write_design(design_file[i], abs_scenario, designs[i]) == 0;
        sweep_command(cmd[i], sizeof cmd[i], capsim, design_file[i], design_db[i], 2);
        outs[i] = design_db[i];
    }
    if (written == 3) {
        best_interleaved(3, cmds, outs, best);
        if (best[0] > 0 && best[1] > 0 && best[2] > 0)
            fprintf(out, "  designs      %d one-month runs, -j2: grid %.2f runs/s, saltelli %.2f, "
                         "morris %.2f; saltelli / grid %.3fx, morris / grid %.3fx (target >= "
                         "0.95x)\n", DESIGN_RUNS, DESIGN_RUNS / best[0], DESIGN_RUNS / best[1],
                    DESIGN_RUNS / best[2], best[0] / best[1], best[0] / best[2]);
        /* the indices alone, without the runs' noise: `capsim merge` of each
         * sweep into a new file copies the runs and, for the designs,
         * computes the indices again; the difference to the grid's merge is
         * their cost, set against the grid sweep's wall time */
        double sweep_grid = best[0];
        char merged[3][1100];
        int fits = 1;
        for (int i = 0; i < 3; i++) {
            fits &= snprintf(merged[i], sizeof merged[i], "%s-merged.db", design_db[i]) <
                    (int)sizeof merged[i];
            fits &= snprintf(cmd[i], sizeof cmd[i], "'%s' merge '%s' '%s' -q", capsim, merged[i],
                             design_db[i]) < (int)sizeof cmd[i];
            outs[i] = merged[i];
        }
        if (fits)
            best_interleaved(3, cmds, outs, best);
        if (fits && sweep_grid > 0 && best[0] > 0 && best[1] > 0 && best[2] > 0)
            fprintf(out, "  indices      merge of the %d runs: grid %.3f s, saltelli %.3f s, morris "
                         "%.3f s; the indices cost %.2f%% (saltelli) and %.2f%% (morris) of the "
                         "grid sweep's %.2f s\n", DESIGN_RUNS, best[0], best[1], best[2],
                    100.0 * (best[1] - best[0]) / sweep_grid,
                    100.0 * (best[2] - best[0]) / sweep_grid, sweep_grid);
    }

    snprintf(year[0], sizeof year[0], "%s/year-summary.ini", dir);
    snprintf(year[1], sizeof year[1], "%s/year-ticks.ini", dir);
    for (int i = 0; i < 3; i++)
        snprintf(year_db[i], sizeof year_db[i], "%s/year-%d.db", dir, i);
    if (write_sweep(year[0], abs_scenario, 1, "summary", "2025-12-31") != 0 ||
        write_sweep(year[1], abs_scenario, 1, "ticks", "2025-12-31") != 0)
        return;
    snprintf(cmd[0], sizeof cmd[0], "'%s' run '%s' --until 2025-12-31 -o '%s' --replace -q",
             capsim, abs_scenario, year_db[0]);
    sweep_command(cmd[1], sizeof cmd[1], capsim, year[0], year_db[1], 1);
    sweep_command(cmd[2], sizeof cmd[2], capsim, year[1], year_db[2], 1);
    for (int i = 0; i < 3; i++)
        outs[i] = year_db[i];
    best_interleaved(3, cmds, outs, best);
    double run = best[0], summary = best[1], ticks = best[2];
    if (run > 0 && summary > 0)
        fprintf(out, "  overhead     1-year run: capsim run %.2f s, a 1-run sweep (record = summary) "
                     "%.2f s; sweep / run %.3f, overhead %+.1f%% (target <= 5%%)\n", run, summary,
                summary / run, 100.0 * (summary / run - 1.0));
    if (ticks > 0 && summary > 0)
        fprintf(out, "  record       1-year sweep: record = summary %.2f s, ticks %.2f s; "
                     "summary / ticks %.3f (ticks sweep / run %.3f)\n", summary, ticks,
                summary / ticks, run > 0 ? ticks / run : 0.0);
}
