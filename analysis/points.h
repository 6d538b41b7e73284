/*
 * points: the statistics of chosen metrics per group of replications (a
 * sweep point, or a replication group of groups.h), over the group's pooled
 * runs (one per seed). `export --points`, the sweep report and the sweep
 * plots all take their figures from here, so they agree.
 *
 * Metrics are the run_metric names matching a GLOB (sqlite's GLOB: `*`,
 * `?`, `[...]`, case-sensitive), in name order. A run that lacks a metric
 * is left out of that metric's statistics (their n says how many counted).
 */
#ifndef CAPSIM_POINTS_H
#define CAPSIM_POINTS_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "groups.h"
#include "stats.h"

typedef struct points {
    sqlite3 *db;
    const char *glob;              /* borrowed */
    groups_set g;
    char **metrics;                /* matching glob, sorted */
    size_t n_metrics;
} points;

/* create / destroy */
/* Groups the runs (by: GROUPS_BY_POINT for sweep points) and lists the
 * metrics matching glob. Returns 0, or -1 on a SQLite error or out of
 * memory; *p is then empty. Free with points_free. */
int points_open(sqlite3 *db, const char *glob, groups_by by, points *p);
void points_free(points *p);
/* Keeps only the metrics named in names[0..n) (those that exist), in name
 * order, e.g. a fixed list of headline metrics out of "*". */
void points_keep(points *p, const char *const *names, size_t n);

/* queries */
/* Runs ids[0..n)'s values of the metrics into values[metric * n + i] (NaN
 * where a run lacks one). Returns 0 or -1. */
int points_values(const points *p, const int64_t *ids, size_t n, double *values);
/* The statistics of every metric over group k's pooled runs:
 * stats[0..n_metrics), with n = 0 (and the rest NaN) for a metric no run
 * has. *ids (may be NULL) receives the pooled run ids, malloc'd, and *n_ids
 * their count. Returns 0 or -1. */
int points_group_stats(const points *p, size_t k, astats *stats, int64_t **ids,
                       size_t *n_ids);

#endif
