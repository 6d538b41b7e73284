/*
 * sweep_indices: from the sweep database's metrics to its
 * sweep_sensitivity rows (see the header). The rows of all metrics are
 * collected first and written in one transaction, so the table holds the
 * indices of one complete computation or none.
 */
#include "sweep_indices.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sensitivity.h"
#include "../store/store_sweep.h"

typedef struct row_list {
    store_sensitivity_row *rows;
    size_t n, cap;
} row_list;

static int add_row(row_list *l, const char *metric, const char *param, const char *index,
                   const sensitivity_estimate *e)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        store_sensitivity_row *grown = realloc(l->rows, cap * sizeof *grown);
        if (!grown)
            return -1;
        l->rows = grown;
        l->cap = cap;
    }
    l->rows[l->n++] = (store_sensitivity_row){metric, param, index, e->value, e->low, e->high};
    return 0;
}

/* The indices of one metric's point means y into l. Returns the
 * sensitivity status, or SENSITIVITY_NO_MEMORY when l cannot grow. */
static int metric_indices(const sweep_plan *p, const char *metric, const double *y,
                          sensitivity_estimate *work, row_list *l)
{
    size_t d = p->n_params, n = (size_t)p->samples;
    sensitivity_bootstrap b = {SENSITIVITY_RESAMPLES, p->seed};
    sensitivity_estimate *e0 = work, *e1 = work + d, *e2 = work + 2 * d;
    int rc = p->method == SWEEP_SALTELLI ? sensitivity_saltelli(y, n, d, &b, e0, e1)
                                         : sensitivity_morris(p->unit, y, n, d, &b, e0, e1, e2);
    for (size_t k = 0; rc == SENSITIVITY_OK && k < d; k++) {
        const char *path = p->paths[k];
        int bad = p->method == SWEEP_SALTELLI
                      ? add_row(l, metric, path, "S", &e0[k]) | add_row(l, metric, path, "T", &e1[k])
                      : add_row(l, metric, path, "mu_star", &e0[k]) |
                            add_row(l, metric, path, "mu", &e1[k]) |
                            add_row(l, metric, path, "sigma", &e2[k]);
        if (bad)
            rc = SENSITIVITY_NO_MEMORY;
    }
    return rc;
}

static size_t complete_runs(store *st, const sweep_plan *p, int *failed)
{
    size_t runs = sweep_plan_runs(p), complete = 0;
    unsigned char *done = calloc(runs ? runs : 1, 1);
    *failed = !done || store_sweep_complete_runs(st, p->replications, done, runs) != 0;
    for (size_t i = 0; !*failed && i < runs; i++)
        complete += done[i];
    free(done);
    return complete;
}

int sweep_indices_update(store *st, const sweep_plan *p, const char *label, const char *hint,
                         FILE *out, FILE *err)
{
    if (!sweep_method_sensitivity(p->method))
        return 0;
    int failed = 0;
    size_t runs = sweep_plan_runs(p), complete = complete_runs(st, p, &failed);
    if (failed) {
        fprintf(err, "%s: reading the complete runs: %s\n", label, store_errmsg(st));
        return -1;
    }
    if (complete < runs) {
        fprintf(err, "%s: sensitivity indices not computed: %zu of the plan's %zu runs are "
                     "missing, failed or interrupted%s\n", label, runs - complete, runs,
                hint ? hint : "");
        return 0;
    }
    store_sweep_metrics m;
    if (store_sweep_point_means(st, p->n_points, p->replications, &m) != STORE_OK) {
        fprintf(err, "%s: reading the sweep's metrics: %s\n", label, store_errmsg(st));
        return -1;
    }
    row_list l = {0};
    sensitivity_estimate *work = malloc(3 * p->n_params * sizeof *work);
    size_t with = 0, without = 0;
    int rc = work ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < m.n_metrics; i++) {
        int s = metric_indices(p, m.names[i], &m.mean[i * m.n_points], work, &l);
        if (s == SENSITIVITY_OK)
            with++;
        else if (s == SENSITIVITY_NO_VARIANCE)
            without++;
        else {
            fprintf(err, "%s: sensitivity indices of %s: %s\n", label, m.names[i],
                    sensitivity_strerror(s));
            rc = -1;
        }
    }
    if (rc == 0 && store_sweep_write_sensitivity(st, l.rows, l.n) != STORE_OK) {
        fprintf(err, "%s: writing sweep_sensitivity: %s\n", label, store_errmsg(st));
        rc = -1;
    }
    if (rc == 0 && out)
        fprintf(out, "Sensitivity (%s): indices of %zu metrics in sweep_sensitivity (%zu rows); "
                     "%zu metrics that do not vary over the design have none\n",
                sweep_method_name(p->method), with, l.n, without);
    free(work);
    free(l.rows);
    store_sweep_metrics_free(&m);
    return rc;
}

int sweep_indices_update_stored(store *st, const char *db_path, const char *label, FILE *out,
                                FILE *err)
{
    char *text = NULL;
    int found = store_sweep_find(st, &text, NULL);
    if (found < 0) {
        fprintf(err, "%s: %s\n", label, store_errmsg(st));
        return -1;
    }
    if (!found)
        return 0;
    char name[4200], why[4096];
    snprintf(name, sizeof name, "%s (its sweep file)", db_path);
    sweep_file *f = sweep_file_parse(name, text, why, sizeof why);
    free(text);
    sweep_plan *p = f && sweep_method_sensitivity(f->method)
                        ? sweep_plan_create(f, why, sizeof why) : NULL;
    int rc = 0;
    if (!f || (sweep_method_sensitivity(f->method) && !p))
        fprintf(err, "%s: sensitivity indices not computed: the stored sweep file is not "
                     "read: %s\n", label, why);
    else if (p)
        rc = sweep_indices_update(st, p, label, "; merge every shard of the sweep", out, err);
    sweep_plan_destroy(p);
    sweep_file_destroy(f);
    return rc;
}
