/*
 * store_search: what a goal search (`capsim search`, sim/sweep/search.h)
 * keeps in its output besides the sweep tables. A search database is a
 * sweep database (store_sweep.h) whose sweep row has method 'search' and
 * whose points are the probes in the order they were made (point 0 first),
 * each with its value of the searched parameter (and of every --set path)
 * in sweep_param and its replications as runs. Two tables of its own, made
 * on first use like run_file (store_files.c), so that other databases and
 * the schema version are untouched:
 *
 *   search(sweep_id, path, target, metric, op, threshold, lo, hi, step,
 *          largest, replications, confidence, outcome, answer,
 *          answer_point, neighbour_point)
 *   search_probe(sweep_id, point, grid_index, value, mean, low, high,
 *                runs, holds)
 *
 * outcome is 'running' until the search ends, then 'found', 'holds_at_lo',
 * 'fails_at_hi' ('holds_at_hi' and 'fails_at_lo' for --largest), 'failed'
 * (a run or the metric failed) or 'interrupted'. `capsim merge` copies the
 * sweep and its runs but not these two tables.
 *
 * Errors: STORE_OK or a negative store_status with store_errmsg.
 */
#ifndef CAPSIM_STORE_SEARCH_H
#define CAPSIM_STORE_SEARCH_H

#include <stddef.h>
#include <stdint.h>
#include "store.h"

/* The search's settings, as stored in its row. */
typedef struct store_search_info {
    const char *path;
    const char *target;        /* as given */
    const char *metric;
    const char *op;            /* "<=", "<", ">=", ">" */
    double threshold;
    double lo, hi, step;
    int largest;
    long replications;
    double confidence;
} store_search_info;

/* One probe's verdict. low and high are NULL in the table with one
 * replication (no interval). */
typedef struct store_search_probe {
    long point;
    size_t grid_index;
    const char *value;
    double mean, low, high;
    long runs;
    int holds;
} store_search_probe;

/* operations */
/* Creates the two tables when missing and inserts the search row of sweep
 * 1 (outcome 'running'). The sweep row must exist (store_sweep_create). */
int store_search_begin(store *st, const store_search_info *info);
/* Adds point `point` to the sweep's plan: one sweep_param row per path,
 * and sets sweep.points to point + 1 and sweep.runs to (point + 1) x
 * replications. */
int store_search_add_point(store *st, long point, const char *const *paths,
                           const char *const *values, size_t n_paths, long replications);
/* Inserts a probe's verdict. */
int store_search_record_probe(store *st, const store_search_probe *probe);
/* Records the outcome; answer NULL and the points -1 when there is none. */
int store_search_finish(store *st, const char *outcome, const char *answer, long answer_point,
                        long neighbour_point);

/* queries */
/* The value of run_metric `metric` of run run_id: 1 and *value when the
 * run has it, 0 when not. */
int store_search_metric(store *st, int64_t run_id, const char *metric, double *value);
/* Every metric name of run run_id, sorted, as a NULL-terminated array
 * (malloc'd, as is every name; free with store_search_free_names). */
int store_search_metric_names(store *st, int64_t run_id, char ***names);
void store_search_free_names(char **names);

#endif
