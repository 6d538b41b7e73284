/*
 * points: per group of replications, the statistics of the metrics that
 * match a GLOB (points.h). One prepared statement per run reads its
 * metrics in name order, merged against the sorted metric list.
 */
#include "points.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/util/grow.h"

/* The metric names matching the glob. Returns 0 or -1. */
static int load_metrics(points *p)
{
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    int rc;
    if (sqlite3_prepare_v2(p->db, "SELECT DISTINCT metric FROM run_metric WHERE metric GLOB ?1"
                                  " ORDER BY metric", -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(s, 1, p->glob, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (grow_reserve((void **)&p->metrics, &cap, p->n_metrics + 1, 64,
                         sizeof *p->metrics) != 0 ||
            !(p->metrics[p->n_metrics] = strdup((const char *)sqlite3_column_text(s, 0)))) {
            rc = SQLITE_NOMEM;
            break;
        }
        p->n_metrics++;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int points_open(sqlite3 *db, const char *glob, groups_by by, points *p)
{
    memset(p, 0, sizeof *p);
    p->db = db;
    p->glob = glob ? glob : "*";
    if (groups_build(db, by, &p->g) != 0 || load_metrics(p) != 0) {
        points_free(p);
        return -1;
    }
    return 0;
}

void points_free(points *p)
{
    if (!p)
        return;
    groups_free(&p->g);
    groups_free_paths(p->metrics, p->n_metrics);
    p->metrics = NULL;
    p->n_metrics = 0;
}

void points_keep(points *p, const char *const *names, size_t n)
{
    size_t kept = 0;
    for (size_t m = 0; m < p->n_metrics; m++) {
        int wanted = 0;
        for (size_t i = 0; i < n && !wanted; i++)
            wanted = !strcmp(p->metrics[m], names[i]);
        if (wanted)
            p->metrics[kept++] = p->metrics[m];
        else
            free(p->metrics[m]);
    }
    p->n_metrics = kept;
}

int points_values(const points *p, const int64_t *ids, size_t n, double *values)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(p->db, "SELECT metric, value FROM run_metric WHERE run_id = ?1"
                                  " AND metric GLOB ?2 ORDER BY metric", -1, &s, NULL)
        != SQLITE_OK)
        return -1;
    for (size_t k = 0; k < p->n_metrics * n; k++)
        values[k] = NAN;
    int rc = SQLITE_DONE;
    for (size_t i = 0; i < n && rc == SQLITE_DONE; i++) {
        size_t m = 0;
        sqlite3_bind_int64(s, 1, ids[i]);
        sqlite3_bind_text(s, 2, p->glob, -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(s, 0);
            while (m < p->n_metrics && strcmp(p->metrics[m], name) < 0)
                m++;
            if (m < p->n_metrics && !strcmp(p->metrics[m], name))
                values[m * n + i] = sqlite3_column_double(s, 1);
        }
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The statistics of the values that exist among v[0..n). */
static void metric_stats(const double *v, size_t n, double *scratch, astats *st)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            scratch[k++] = v[i];
    if (astats_compute(scratch, k, st) != 0)
        *st = (astats){.n = 0, .mean = NAN, .sd = NAN, .ci_low = NAN, .ci_high = NAN,
                       .p10 = NAN, .p50 = NAN, .p90 = NAN};
}

int points_group_stats(const points *p, size_t k, astats *stats, int64_t **ids_out,
                       size_t *n_ids)
{
    int64_t *ids = NULL;
    size_t n = 0;
    if (groups_pooled_ids(&p->g, k, &ids, &n) != 0)
        return -1;
    double *values = malloc((p->n_metrics ? p->n_metrics : 1) * (n ? n : 1) * sizeof *values);
    double *scratch = malloc((n ? n : 1) * sizeof *scratch);
    int rc = values && scratch ? points_values(p, ids, n, values) : -1;
    for (size_t m = 0; rc == 0 && m < p->n_metrics; m++)
        metric_stats(&values[m * n], n, scratch, &stats[m]);
    free(values);
    free(scratch);
    if (rc == 0 && ids_out) {
        *ids_out = ids;
        *n_ids = n;
    } else
        free(ids);
    return rc;
}
