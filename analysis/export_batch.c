/*
 * export_batch: the batch views of a database, `export --runs` (one row per
 * run) and `export --points` (one row per group of replications: a sweep
 * point, or the replication groups of groups.h), as one CSV file each.
 * Metrics and their statistics per point come from points.h; parameters
 * are the run_param paths that vary across the rows
 * (groups_varying_params). `export --sensitivity` writes the sweep's
 * sweep_sensitivity rows through the same output rules.
 */
#include "export.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "adb.h"
#include "groups.h"
#include "points.h"
#include "../sim/util/strbuf.h"

/* The statistics --points writes per metric, in column order. */
static const char *const point_stats[] = {"mean", "sd", "ci95_low", "ci95_high",
                                          "p10", "p50", "p90", "n"};
#define N_POINT_STATS (sizeof point_stats / sizeof point_stats[0])

typedef struct batch {
    points p;                  /* the runs' groups and the metrics (points.h) */
    sqlite3 *db;
    char **params;             /* varying paths, sorted */
    size_t n_params;
} batch;

static void batch_free(batch *b)
{
    points_free(&b->p);
    groups_free_paths(b->params, b->n_params);
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
    for (size_t m = 0; m < b->p.n_metrics; m++)
        csvout_text(w, b->p.metrics[m]);
    csvout_end_row(w);
    double *values = malloc((b->p.n_metrics ? b->p.n_metrics : 1) * sizeof *values);
    if (!values)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < b->p.g.n_runs; i++) {
        const groups_run *r = &b->p.g.runs[i];
        char status[16];
        if ((rc = points_values(&b->p, &r->id, 1, values)) != 0)
            break;
        csvout_int(w, r->id);
        write_optional_int(w, r->sweep_point);
        write_optional_int(w, r->replication);
        csvout_int(w, r->seed);
        csvout_text(w, run_status(b->db, r->id, status, sizeof status));
        write_optional_int(w, r->ticks);
        write_params(b, r->id, w);
        for (size_t m = 0; m < b->p.n_metrics; m++)
            csvout_real(w, values[m]);   /* NaN: an empty cell */
        rc = csvout_end_row(w) == 0 ? 0 : -1;
    }
    free(values);
    return rc == 0 && !w->error ? 0 : -1;
}

/* One metric's statistics: empty cells and n = 0 when no run has it. */
static void write_point_stats(csvout *w, const astats *st)
{
    double vals[] = {st->mean, st->sd, st->ci_low, st->ci_high, st->p10, st->p50, st->p90};
    for (size_t c = 0; c < 7; c++)
        csvout_real(w, vals[c]);   /* NaN: an empty cell */
    csvout_int(w, (int64_t)st->n);
}

static void write_points_header(const batch *b, csvout *w)
{
    static const char *const fixed[] = {"point", "sweep_point", "runs", "n_runs", "ticks"};
    for (size_t c = 0; c < 5; c++)
        csvout_text(w, fixed[c]);
    for (size_t p = 0; p < b->n_params; p++)
        csvout_text(w, b->params[p]);
    for (size_t m = 0; m < b->p.n_metrics; m++)
        for (size_t c = 0; c < N_POINT_STATS; c++) {
            strbuf h = {0};
            strbuf_addf(&h, "%s.%s", b->p.metrics[m], point_stats[c]);
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
    astats *stats = malloc((b->p.n_metrics ? b->p.n_metrics : 1) * sizeof *stats);
    int rc = stats ? 0 : -1;
    for (size_t k = 0; rc == 0 && k < b->p.g.n_groups; k++) {
        int64_t *ids = NULL;
        size_t n = 0;
        if ((rc = points_group_stats(&b->p, k, stats, &ids, &n)) != 0)
            break;
        const groups_run *first = &b->p.g.runs[b->p.g.groups[k].members[0]];
        strbuf list = {0};
        for (size_t i = 0; i < n; i++)
            strbuf_addf(&list, "%s%lld", i ? " " : "", (long long)ids[i]);
        csvout_int(w, (int64_t)k + 1);
        write_optional_int(w, first->sweep_point);
        csvout_text(w, strbuf_str(&list));
        csvout_int(w, (int64_t)n);
        write_optional_int(w, first->ticks);
        write_params(b, first->id, w);
        for (size_t m = 0; m < b->p.n_metrics; m++)
            write_point_stats(w, &stats[m]);
        rc = csvout_end_row(w) == 0 ? 0 : -1;
        strbuf_free(&list);
        free(ids);
    }
    free(stats);
    return rc == 0 && !w->error ? 0 : -1;
}

/* The varying parameters over the rows: every run (--runs) or each group's
 * first run (--points). */
static int load_params(batch *b, export_batch_kind kind)
{
    const groups_set *g = &b->p.g;
    size_t n = kind == EXPORT_RUNS ? g->n_runs : g->n_groups;
    int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (!ids)
        return -1;
    for (size_t i = 0; i < n; i++)
        ids[i] = kind == EXPORT_RUNS ? g->runs[i].id : g->runs[g->groups[i].members[0]].id;
    int rc = n ? groups_varying_params(b->db, ids, n, &b->params, &b->n_params) : 0;
    free(ids);
    return rc;
}

/* --sensitivity: metric, param, index, value, low, high, in that order;
 * a NULL (no interval) is an empty cell. */
static int write_sensitivity(const batch *b, csvout *w)
{
    static const char *const cols[] = {"metric", "param", "index", "value", "low", "high"};
    for (size_t c = 0; c < 6; c++)
        csvout_text(w, cols[c]);
    csvout_end_row(w);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(b->db, "SELECT metric, param, \"index\", value, low, high"
                                  " FROM sweep_sensitivity ORDER BY metric, param,"
                                  " CASE \"index\" WHEN 'S' THEN 0 WHEN 'T' THEN 1"
                                  " WHEN 'mu_star' THEN 2 WHEN 'mu' THEN 3 ELSE 4 END",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        for (int c = 0; c < 3; c++)
            csvout_text(w, (const char *)sqlite3_column_text(s, c));
        for (int c = 3; c < 6; c++)
            if (sqlite3_column_type(s, c) == SQLITE_NULL)
                csvout_null(w);
            else
                csvout_real(w, sqlite3_column_double(s, c));
        if (csvout_end_row(w) != 0)
            break;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE && !w->error ? 0 : -1;
}

static int write_batch(const batch *b, export_batch_kind kind, csvout *w)
{
    if (kind == EXPORT_SENSITIVITY)
        return write_sensitivity(b, w);
    return kind == EXPORT_RUNS ? write_runs(b, w) : write_points(b, w);
}

static const char *batch_file(export_batch_kind kind)
{
    return kind == EXPORT_RUNS ? "runs" : kind == EXPORT_POINTS ? "points" : "sensitivity";
}

/* Writes to stdout, FILE.csv or DIR/<runs|points>.csv (FILE.part renamed). */
static int write_out(const batch *b, export_batch_kind kind, const export_options *o, FILE *err)
{
    if (!o->out || !strcmp(o->out, "-")) {
        csvout w;
        csvout_init(&w, stdout);
        const int rc = write_batch(b, kind, &w);
        errno = 0;
        if (fflush(stdout) != 0 || w.error || ferror(stdout)) {
            fprintf(err, "capsim export: writing to standard output failed: %s\n",
                    errno ? strerror(errno) : "a write failed");
            return 1;
        }
        if (rc != 0)
            fprintf(err, "capsim export: reading the runs failed: %s\n", sqlite3_errmsg(b->db));
        return rc == 0 ? 0 : 1;
    }
    char path[4096], part[4200];
    if (export_path_is_file(o->out))
        snprintf(path, sizeof path, "%s", o->out);
    else {
        if (mkdir(o->out, 0777) != 0 && errno != EEXIST) {
            fprintf(err, "capsim export: cannot create %s: %s\n", o->out, strerror(errno));
            return 1;
        }
        snprintf(path, sizeof path, "%s/%s.csv", o->out, batch_file(kind));
    }
    snprintf(part, sizeof part, "%s.part", path);
    export_part_begin(part);
    FILE *fp = fopen(part, "wb");
    if (!fp) {
        export_part_end();
        fprintf(err, "capsim export: cannot write %s: %s\n", part, strerror(errno));
        return 1;
    }
    csvout w;
    csvout_init(&w, fp);
    int rc = write_batch(b, kind, &w);
    if (fclose(fp) != 0)
        rc = -1;
    if (rc == 0 && rename(part, path) == 0) {
        export_part_end();
        if (!o->quiet)
            printf("%s: %llu rows\n", path, (unsigned long long)w.rows);
        return 0;
    }
    fprintf(err, "capsim export: writing %s failed: %s\n", path,
            w.error ? strerror(errno) : sqlite3_errmsg(b->db));
    remove(part);
    export_part_end();
    return 1;
}

/* --sensitivity: refused (2) when the database has no indices. */
static int export_sensitivity(batch *b, const export_options *o, FILE *err)
{
    int64_t rows = adb_has_relation(b->db, "sweep_sensitivity")
                       ? adb_int(b->db, "SELECT count(*) FROM sweep_sensitivity", INT64_MIN, -1)
                       : 0;
    if (rows < 0) {
        fprintf(err, "capsim export: reading sweep_sensitivity failed: %s\n",
                sqlite3_errmsg(b->db));
        return 1;
    }
    if (rows == 0) {
        fprintf(err, "capsim export: --sensitivity: the database holds no sensitivity indices; "
                     "a sweep with method = saltelli or morris computes them once all its runs "
                     "are complete (capsim sweep --resume, or capsim merge of every shard)\n");
        return 2;
    }
    return write_out(b, EXPORT_SENSITIVITY, o, err);
}

int export_batch(sqlite3 *db, export_batch_kind kind, const export_options *o, FILE *err)
{
    batch b = {.db = db};
    if (kind == EXPORT_SENSITIVITY)
        return export_sensitivity(&b, o, err);
    groups_by by = kind == EXPORT_POINTS ? GROUPS_BY_POINT : GROUPS_BY_PARAMS;
    int code = 1;
    if (points_open(db, o->metric, by, &b.p) != 0 || load_params(&b, kind) != 0) {
        fprintf(err, "capsim export: reading the runs failed: %s\n", sqlite3_errmsg(db));
        goto done;
    }
    code = 2;
    if (b.p.n_metrics == 0 && o->metric) {
        fprintf(err, "capsim export: no metric matches '%s' (a GLOB: * any text, ? one "
                     "character; e.g. 'revenue_usd.*'; see SELECT DISTINCT metric FROM "
                     "run_metric)\n", o->metric);
        goto done;
    }
    size_t rows = 1 + (kind == EXPORT_RUNS ? b.p.g.n_runs : b.p.g.n_groups);
    size_t cols = (kind == EXPORT_RUNS ? 6 + b.p.n_metrics : 5 + N_POINT_STATS * b.p.n_metrics)
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
