/*
 * store_sweep: the sweep tables and the merging of runs between results
 * databases. A sweep database holds one sweep: one `sweep` row (the sweep
 * file's text and settings), its plan in `sweep_param` (one row per path
 * per point), its runs, each with sweep_point and replication set, and for
 * a saltelli or morris sweep its indices in `sweep_sensitivity` (written by
 * sim/sweep/sweep_indices.c, never copied by a merge: the merged sweep's
 * indices are computed again).
 *
 * Run ids are a pure function of the plan: run (point, replication) has id
 * run_id_base + point x replications + replication + 1, where run_id_base
 * is the highest run id in the database when the sweep was created (0 in a
 * new file). So a plan run with -j1, -j8, in shards merged, or resumed
 * after a kill gives every run the same id.
 *
 * Runs are simulated elsewhere into a database of their own (one run each)
 * and copied in here with store_sweep_merge_run: ATTACH, then one INSERT
 * ... SELECT per table with the run id remapped, in one transaction, so a
 * run is in the sweep database whole or not at all. Only one process ever
 * writes a sweep database.
 *
 * Errors: functions return STORE_OK or a negative store_status with a
 * message for store_errmsg; STORE_ERR_SWEEP_INPUT (CAPSIM_ERR_BAD_DATA)
 * marks an error in what the user gave (another sweep's database, a
 * duplicate run), which the commands report with exit code 2.
 */
#ifndef CAPSIM_STORE_SWEEP_H
#define CAPSIM_STORE_SWEEP_H

#include <stddef.h>
#include <stdint.h>
#include "store.h"

#define STORE_ERR_SWEEP_INPUT CAPSIM_ERR_BAD_DATA

/* Which tables a merged run brings (the sweep file's `record`). */
typedef enum store_record {
    STORE_RECORD_TICKS = 0,     /* every table, every tick */
    STORE_RECORD_DAILY = 1,     /* per-tick tables rolled up to one row per day */
    STORE_RECORD_SUMMARY = 2    /* no per-tick rows */
} store_record;

/* The settings of a sweep, as stored in its row. */
typedef struct store_sweep_info {
    const char *name;
    const char *file_path;
    const char *file_text;
    const char *scenario_path;
    const char *method;
    long samples;
    long replications;
    const char *seeds;
    uint64_t seed;
    const char *record;
    const char *until;          /* NULL: the scenario's end */
    double timeout_s;           /* 0: none */
    size_t points;
    size_t runs;
} store_sweep_info;

/* operations */
/* Creates the sweep row and its plan (values[point * n_paths + path]) in a
 * database that holds no sweep yet; sets *run_id_base. */
int store_sweep_create(store *st, const store_sweep_info *info, const char *const *paths,
                       size_t n_paths, const char *const *values, int64_t *run_id_base);
/* Copies the one run of the database at run_path into st as run_id,
 * replacing any rows of that id (a failed or interrupted run being rerun),
 * and sets its sweep_point and replication. `record` chooses the per-tick
 * rows copied. */
int store_sweep_merge_run(store *st, const char *run_path, int64_t run_id, long point,
                          long replication, store_record record);
/* Records a run that did not finish as a run row with status 'failed':
 * the scenario's name, dates and tick, the run's seed, the swept values in
 * run_param (source_file: the sweep file), and event_log rows of kind
 * 'run_failed' (the reason) and 'run_stderr' (the tail of its stderr, when
 * any). Replaces any rows of that id. */
int store_sweep_record_failed(store *st, const scenario *sc, int64_t run_id, long point,
                              long replication, uint64_t seed, const char *sweep_file,
                              const char *const *paths, const char *const *values,
                              size_t n_paths, const char *reason, const char *stderr_tail);

/* Copies every sweep run of the database at in_path into st (which holds
 * the same sweep, or none: then the sweep row and plan are copied too).
 * check_only != 0 only checks. Refused (STORE_ERR_SWEEP_INPUT): a database
 * without a sweep, one of another sweep (different sweep file text), and a
 * (point, replication) that st already holds. */
int store_sweep_merge_db(store *st, const char *in_path, int check_only);

/* One row of sweep_sensitivity: an index of a metric for a parameter. */
typedef struct store_sensitivity_row {
    const char *metric;
    const char *param;          /* the parameter's path */
    const char *index;          /* S, T, mu_star, mu or sigma */
    double value, low, high;    /* NaN is stored as NULL */
} store_sensitivity_row;

/* Replaces every sweep_sensitivity row of the database's sweep with
 * rows[0..n), in one transaction (n = 0 just removes them). */
int store_sweep_write_sensitivity(store *st, const store_sensitivity_row *rows, size_t n);

/* The sweep's metrics averaged over each point's replications: for every
 * run_metric name that every run of the plan has, mean[m * n_points +
 * point] is the mean of its replications' values, summed in replication
 * order. Call it on a complete sweep (store_sweep_complete_runs); a metric
 * missing from any run is left out. Free with store_sweep_metrics_free. */
typedef struct store_sweep_metrics {
    size_t n_metrics, n_points;
    char **names;               /* n_metrics, in name order */
    double *mean;               /* n_metrics x n_points, row-major by metric */
} store_sweep_metrics;

/* queries */
int store_sweep_point_means(store *st, size_t n_points, long replications,
                            store_sweep_metrics *out);
void store_sweep_metrics_free(store_sweep_metrics *m);
/* 1 with the sweep file's text (malloc'd, the caller frees) and the run id
 * base when the database holds a sweep, 0 when it holds none. */
int store_sweep_find(store *st, char **file_text, int64_t *run_id_base);
/* Marks done[i] = 1 for every run index i (point x replications +
 * replication) whose run is complete; done holds n_runs entries. */
int store_sweep_complete_runs(store *st, long replications, unsigned char *done, size_t n_runs);
/* 1 when the database holds runs that are not part of a sweep. */
int store_has_runs(store *st);

#endif
