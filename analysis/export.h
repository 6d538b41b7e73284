/*
 * export: results tables as CSV files for spreadsheets (see csvout.h for
 * the cell conventions and rollup.h for the roll-up rule).
 *
 * Layouts:
 * - long (default): one row per entity per tick, as stored, plus the tick's
 *   date and the entity's name after its id; every other table as stored.
 *   File <table>.csv. Good for pivot tables.
 * - --daily / --monthly: per-tick tables rolled up, one row per entity per
 *   period (levels averaged, flows summed, a `ticks` column). File
 *   <short>_daily.csv / <short>_monthly.csv (dc_daily.csv), the same rows as
 *   the views of the same name. Other tables are exported as stored; the
 *   `tick` table is left out.
 * - --wide: per-tick tables only, one file per (table, column) (with
 *   wide_dir: besides the long or rolled-up files, into that directory):
 *   <short>_<column>[_daily|_monthly].csv (dc_power_mw_daily.csv), one row
 *   per run and tick (or period): run_id, date, then one column per entity,
 *   named after it. Select the date column and the entity columns and
 *   insert a line chart.
 *
 * - --runs (export_batch.c): one row per run: run_id, sweep_point,
 *   replication, seed, status, ticks, one column per run_param path that varies
 *   across the runs (the seed left out), one per run_metric (those matching
 *   --metric GLOB). File runs.csv.
 * - --points: one row per group of replications (a sweep point when the
 *   runs have one, otherwise groups.h): point, sweep_point, runs (the
 *   pooled run ids), n_runs, ticks, the parameters that vary across the groups,
 *   then per metric <metric>.mean, .sd, .ci95_low, .ci95_high (Student t),
 *   .p10, .p50, .p90 and .n over the group's runs, one per seed. File
 *   points.csv.
 * - --sensitivity: the sweep_sensitivity rows: metric, param, index (S, T,
 *   mu_star, mu, sigma), value, low, high (the bootstrap 95% interval),
 *   sorted by metric, param and index. File sensitivity.csv.
 *
 * An export whose file would have more than EXPORT_MAX_ROWS rows (header
 * included; a spreadsheet's limit) is refused, unless forced, and nothing
 * is written.
 *
 * The long, rolled-up and wide files of a per-tick table are written by
 * one streaming pass over it (export_stream.h), with the bytes of the SQL
 * of the views (rollup.h) and of the wide reference path (export_wide).
 */
#ifndef CAPSIM_EXPORT_H
#define CAPSIM_EXPORT_H

#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>

#include "../sim/util/csvout.h"
#include "../sim/store/rollup.h"

#define EXPORT_MAX_ROWS 1048576
#define EXPORT_MAX_COLUMNS 16384

typedef struct export_options {
    int64_t run;               /* 0: every run */
    const char *const *tables; /* NULL: every table */
    int n_tables;
    int wide;
    rollup_period period;
    const char *metric;        /* --wide: only this column; --runs/--points: a GLOB */
    int force;                 /* write even above the row limit */
    const char *out;           /* NULL or "-": stdout; *.csv: a file; else a directory */
    const char *wide_dir;      /* not NULL (with a directory out, not wide): the long or
                                * rolled-up files into out, and the wide files of the
                                * same per-tick tables into wide_dir, from one pass */
    int quiet;                 /* no "file: N rows" lines */
    int sql_reference;         /* tests only: per-tick tables through the views' SQL and
                                * the wide reference path, not the streaming pass */
} export_options;

/* 1 when path names one file (ends in .csv), not a directory. */
int export_path_is_file(const char *path);

/* Exports. Messages go to err. Returns an exit code: 0, 1 runtime failure,
 * 2 bad input (unknown table, too many rows, several files to one). */
int export_run(sqlite3 *db, const export_options *o, FILE *err);

typedef enum export_batch_kind {
    EXPORT_RUNS = 1,
    EXPORT_POINTS = 2,
    EXPORT_SENSITIVITY = 3
} export_batch_kind;

/* --runs, --points or --sensitivity to o->out (stdout, FILE.csv or
 * DIR/runs.csv, DIR/points.csv, DIR/sensitivity.csv); o->metric is the
 * metric GLOB (NULL: every metric; not for --sensitivity). Returns an exit
 * code: 0, 1 runtime failure, 2 bad input (a GLOB matching no metric, too
 * many rows or columns, no indices). */
int export_batch(sqlite3 *db, export_batch_kind kind, const export_options *o, FILE *err);

/* Wide writer (export_wide.c): pivots one column of a per-tick table.
 * Returns 0 or -1 (SQLite or write error). */
int export_wide(sqlite3 *db, const rollup_table *t, const char *column, rollup_period p,
                int64_t run, csvout *w);
/* Data rows a wide export writes (runs x periods), or -1. */
int64_t export_wide_rows(sqlite3 *db, rollup_period p, int64_t run);
/* Entity columns a wide export writes, or -1. */
int64_t export_wide_columns(sqlite3 *db, const rollup_table *t, int64_t run);

/* The .part file being written, for a signal handler: export_discard_part
 * removes it (unlink is async-signal-safe) so that an export killed by
 * SIGINT or SIGTERM leaves no *.csv.part behind. The writers register each
 * part file with export_part_begin and clear it with export_part_end once
 * it is renamed into place or removed. */
void export_part_begin(const char *part_path);
void export_part_end(void);
void export_discard_part(void);

#endif
