/*
 * export_batch: the batch views of a database, `export --runs` (one row per
 * run) and `export --points` (one row per group of replications: a sweep
 * point, or the replication groups of groups.h), as one CSV file each.
 * Metrics are the run_metric names matching a GLOB (sqlite's GLOB: `*`, `?`,
 * `[...]`, case-sensitive), in name order; parameters are the run_param
 * paths that vary across the rows (groups_varying_params).
 */
#include "export.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "groups.h"
#include "stats.h"
#include "../sim/util/grow.h"
#include "../sim/util/strbuf.h"

/* The statistics --points writes per metric, in column order. */
static const char *const point_stats[] = {"mean", "sd", "ci95_low", "ci95_high",
                                          "p10", "p50", "p90", "n"};
#define N_POINT_STATS (sizeof point_stats / sizeof point_stats[0])

typedef struct batch {
    sqlite3 *db;
    const char *glob;
    groups_set g;
    char **metrics;            /* sorted */
    size_t n_metrics;
    char **params;             /* varying paths, sorted */
    size_t n_params;
} batch;

static void batch_free(batch *b)
{
    groups_free(&b->g);
    groups_free_paths(b->metrics, b->n_metrics);
    groups_free_paths(b->params, b->n_params);
}

/* The metric names matching the glob. Returns 0 or -1. */
static int load_metrics(batch *b)
{
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    int rc;
    if (sqlite3_prepare_v2(b->db, "SELECT DISTINCT metric FROM run_metric WHERE metric GLOB ?1"
                                  " ORDER BY metric", -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(s, 1, b->glob, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (grow_reserve((void **)&b->metrics, &cap, b->n_metrics + 1, 64,
                         sizeof *b->metrics) != 0 ||
            !(b->metrics[b->n_metrics] = strdup((const char *)sqlite3_column_text(s, 0)))) {
            rc = SQLITE_NOMEM;
            break;
        }
        b->n_metrics++;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Runs ids[0..n)'s values of the chosen metrics into values[metric * n + i]
 * (NaN where a run lacks one). Returns 0 or -1. */
static int load_values(const batch *b, const int64_t *ids, size_t n, double *values)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(b->db, "SELECT metric, value FROM run_metric WHERE run_id = ?1"
                                  " AND metric GLOB ?2 ORDER BY metric", -1, &s, NULL)
        != SQLITE_OK)
        return -1;
    for (size_t k = 0; k < b->n_metrics * n; k++)
        values[k] = NAN;
    int rc = SQLITE_DONE;
    for (size_t i = 0; i < n && rc == SQLITE_DONE; i++) {
        size_t m = 0;
        sqlite3_bind_int64(s, 1, ids[i]);
        sqlite3_bind_text(s, 2, b->glob, -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(s, 0);
            while (m < b->n_metrics && strcmp(b->metrics[m], name) < 0)
                m++;
            if (m < b->n_metrics && !strcmp(b->metrics[m], name))
                values[m * n + i] = sqlite3_column_double(s, 1);
        }
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void write_params(const batch *b, int64_t run, csvout *w)
{
    for (size_t p = 0; p < b->n_params; p++) {
        char *v = groups_param_value(b->db, run, b->params[p]);
        if (v)
            csvout_text(w, v);
        else
            csvout_null(w);
        free(v);
    }
}

static void write_optional_int(csvout *w, int64_t v)
{
    if (v == GROUPS_NONE)
        csvout_null(w);
    else
        csvout_int(w, v);
}

static const char *run_status(sqlite3 *db, int64_t run, char *buf, size_t len)
{
    sqlite3_stmt *s = NULL;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT status FROM run WHERE id = ?1", -1, &s, NULL)
        == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, run);
        if (sqlite3_step(s) == SQLITE_ROW)
            snprintf(buf, len, "%s", (const char *)sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
    return buf;
}

/* --runs: run_id, sweep_point, replication, seed, status, ticks, the
 * varying parameters, the metrics. */
static int write_runs(const batch *b, csvout *w)
{
    static const char *const fixed[] = {"run_id", "sweep_point", "replication", "seed", "status",
                                        "ticks"};
    for (size_t c = 0; c < 6; c++)
        csvout_text(w, fixed[c]);
    for (size_t p = 0; p < b->n_params; p++)
        csvout_text(w, b->params[p]);
    for (size_t m = 0; m < b->n_metrics; m++)
        csvout_text(w, b->metrics[m]);
    csvout_end_row(w);
    double *values = malloc((b->n_metrics ? b->n_metrics : 1) * sizeof *values);
    if (!values)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < b->g.n_runs; i++) {
        const groups_run *r = &b->g.runs[i];
        char status[16];
        if ((rc = load_values(b, &r->id, 1, values)) != 0)
            break;
        csvout_int(w, r->id);
        write_optional_int(w, r->sweep_point);
        write_optional_int(w, r->replication);
        csvout_int(w, r->seed);
        csvout_text(w, run_status(b->db, r->id, status, sizeof status));
        write_optional_int(w, r->ticks);
        write_params(b, r->id, w);
        for (size_t m = 0; m < b->n_metrics; m++)
            csvout_real(w, values[m]);   /* NaN: an empty cell */
        rc = csvout_end_row(w) == 0 ? 0 : -1;
    }
    free(values);
    return rc == 0 && !w->error ? 0 : -1;
}

/* The statistics of one metric over the values that exist. */
static void write_point_stats(csvout *w, const double *v, size_t n, double *scratch)
{
    size_t k = 0;
    astats st;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            scratch[k++] = v[i];
    if (astats_compute(scratch, k, &st) != 0) {
        for (size_t c = 0; c + 1 < N_POINT_STATS; c++)
            csvout_null(w);
        csvout_int(w, 0);
        return;
    }
    double vals[] = {st.mean, st.sd, st.ci_low, st.ci_high, st.p10, st.p50, st.p90};
    for (size_t c = 0; c < 7; c++)
        csvout_real(w, vals[c]);
    csvout_int(w, (int64_t)st.n);
}

static void write_points_header(const batch *b, csvout *w)
{
    static const char *const fixed[] = {"point", "sweep_point", "runs", "n_runs", "ticks"};
    for (size_t c = 0; c < 5; c++)
        csvout_text(w, fixed[c]);
    for (size_t p = 0; p < b->n_params; p++)
        csvout_text(w, b->params[p]);
    for (size_t m = 0; m < b->n_metrics; m++)
        for (size_t c = 0; c < N_POINT_STATS; c++) {
            strbuf h = {0};
            strbuf_addf(&h, "%s.%s", b->metrics[m], point_stats[c]);
            csvout_text(w, strbuf_str(&h));
            strbuf_free(&h);
        }
    csvout_end_row(w);
}

/* --points: point, sweep_point, runs (the pooled run ids), n_runs, ticks
 * (the period: groups of one period only), the varying parameters, then per metric its statistics over the pooled runs. */
static int write_points(const batch *b, csvout *w)
{
    write_points_header(b, w);
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < b->g.n_groups; k++) {
        int64_t *ids = NULL;
        size_t n = 0;
        if (groups_pooled_ids(&b->g, k, &ids, &n) != 0)
            return -1;
        double *values = malloc((b->n_metrics ? b->n_metrics : 1) * n * sizeof *values);
        double *scratch = malloc(n * sizeof *scratch);
        rc = values && scratch ? load_values(b, ids, n, values) : -1;
        if (rc == 0) {
            const groups_run *first = &b->g.runs[b->g.groups[k].members[0]];
            strbuf list = {0};
            for (size_t i = 0; i < n; i++)
                strbuf_addf(&list, "%s%lld", i ? " " : "", (long long)ids[i]);
            csvout_int(w, (int64_t)k + 1);
            write_optional_int(w, first->sweep_point);
            csvout_text(w, strbuf_str(&list));
            csvout_int(w, (int64_t)n);
            write_optional_int(w, first->ticks);
            write_params(b, first->id, w);
            for (size_t m = 0; m < b->n_metrics; m++)
                write_point_stats(w, &values[m * n], n, scratch);
            rc = csvout_end_row(w) == 0 ? 0 : -1;
            strbuf_free(&list);
        }
        free(values);
        free(scratch);
        free(ids);
    }
    return rc == 0 && !w->error ? 0 : -1;
}

/* The varying parameters over the rows: every run (--runs) or each group's
 * first run (--points). */
static int load_params(batch *b, export_batch_kind kind)
{
    size_t n = kind == EXPORT_RUNS ? b->g.n_runs : b->g.n_groups;
    int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (!ids)
        return -1;
    for (size_t i = 0; i < n; i++)
        ids[i] = kind == EXPORT_RUNS ? b->g.runs[i].id : b->g.runs[b->g.groups[i].members[0]].id;
    int rc = n ? groups_varying_params(b->db, ids, n, &b->params, &b->n_params) : 0;
    free(ids);
    return rc;
}

static int write_batch(const batch *b, export_batch_kind kind, csvout *w)
{
    return kind == EXPORT_RUNS ? write_runs(b, w) : write_points(b, w);
}

static int ends_with_csv(const char *s)
{
    size_t n = strlen(s);
    return n >= 4 && !strcmp(s + n - 4, ".csv");
}

/* Writes to stdout, FILE.csv or DIR/<runs|points>.csv (FILE.part renamed). */
static int write_out(const batch *b, export_batch_kind kind, const export_options *o, FILE *err)
{
    if (!o->out || !strcmp(o->out, "-")) {
        csvout w;
        csvout_init(&w, stdout);
        return write_batch(b, kind, &w) == 0 && fflush(stdout) == 0 ? 0 : 1;
    }
    char path[4096], part[4200];
    if (ends_with_csv(o->out))
        snprintf(path, sizeof path, "%s", o->out);
    else {
        if (mkdir(o->out, 0777) != 0 && errno != EEXIST) {
            fprintf(err, "capsim export: cannot create %s: %s\n", o->out, strerror(errno));
            return 1;
        }
        snprintf(path, sizeof path, "%s/%s.csv", o->out, kind == EXPORT_RUNS ? "runs" : "points");
    }
    snprintf(part, sizeof part, "%s.part", path);
    FILE *fp = fopen(part, "wb");
    if (!fp) {
        fprintf(err, "capsim export: cannot write %s: %s\n", part, strerror(errno));
        return 1;
    }
    csvout w;
    csvout_init(&w, fp);
    int rc = write_batch(b, kind, &w);
    if (fclose(fp) != 0)
        rc = -1;
    if (rc == 0 && rename(part, path) == 0) {
        if (!o->quiet)
            printf("%s: %llu rows\n", path, (unsigned long long)w.rows);
        return 0;
    }
    fprintf(err, "capsim export: writing %s failed: %s\n", path,
            w.error ? strerror(errno) : sqlite3_errmsg(b->db));
    remove(part);
    return 1;
}

int export_batch(sqlite3 *db, export_batch_kind kind, const export_options *o, FILE *err)
{
    batch b = {.db = db, .glob = o->metric ? o->metric : "*"};
    groups_by by = kind == EXPORT_POINTS ? GROUPS_BY_POINT : GROUPS_BY_PARAMS;
    int code = 1;
    if (groups_build(db, by, &b.g) != 0 || load_metrics(&b) != 0 || load_params(&b, kind) != 0) {
        fprintf(err, "capsim export: reading the runs failed: %s\n", sqlite3_errmsg(db));
        goto done;
    }
    code = 2;
    if (b.n_metrics == 0 && o->metric) {
        fprintf(err, "capsim export: no metric matches '%s' (a GLOB: * any text, ? one "
                     "character; e.g. 'revenue_usd.*'; see SELECT DISTINCT metric FROM "
                     "run_metric)\n", o->metric);
        goto done;
    }
    size_t rows = 1 + (kind == EXPORT_RUNS ? b.g.n_runs : b.g.n_groups);
    size_t cols = (kind == EXPORT_RUNS ? 6 + b.n_metrics : 5 + N_POINT_STATS * b.n_metrics)
                  + b.n_params;
    if (!o->force && (rows > EXPORT_MAX_ROWS || cols > EXPORT_MAX_COLUMNS)) {
        fprintf(err, "capsim export: %zu rows and %zu columns is more than a spreadsheet's "
                     "%d by %d; pick metrics with --metric GLOB, or write it anyway with "
                     "--force\n", rows, cols, EXPORT_MAX_ROWS, EXPORT_MAX_COLUMNS);
        goto done;
    }
    code = write_out(&b, kind, o, err);
done:
    batch_free(&b);
    return code;
}
