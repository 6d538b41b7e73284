/*
 * report_sweep: the report of a sweep database: the plan (the sweep row and
 * what became of its runs), the swept parameters and their values, and per
 * chosen metric one row per point with the mean, the 95% confidence
 * interval (Student t) and n over the point's replications, one per seed.
 * The statistics are those of export --points (points.h); the parameter
 * values are the point's sweep_param rows, as the sweep file wrote them.
 * Rows are sorted by the parameters in path order, numbers as numbers.
 *
 * A saltelli or morris sweep with indices adds one `sensitivity` table
 * (sweep_sensitivity pivoted: one row per metric and parameter): S and T
 * with their intervals, metrics ordered by their largest T (the metrics
 * that matter first; those that do not vary have no rows), or mu*, its
 * interval, mu and sigma, parameters by mu* within each metric.
 */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adb.h"
#include "points.h"
#include "../sim/util/strbuf.h"

/* The metrics of a sweep report without --metric, those that exist. */
static const char *const headline_metrics[] = {
    "shortfall_h100_hours", "revenue_usd", "margin_usd", "energy_mwh", "peak_power_mw"};
#define N_HEADLINE (sizeof headline_metrics / sizeof headline_metrics[0])

/* The swept parameters and each point's values. */
typedef struct sweep_values {
    char **paths;                  /* sorted */
    size_t n_paths;
    int64_t n_points;
    char **values;                 /* n_points * n_paths, NULL when absent */
} sweep_values;

/* One row of a metric's table: a point and its parameter values. */
typedef struct point_row {
    int64_t point;
    char *const *values;           /* n of them */
    size_t n;
} point_row;

int64_t report_sweep_id(sqlite3 *db)
{
    if (!adb_has_relation(db, "sweep"))
        return 0;
    return adb_int(db, "SELECT coalesce(max(id), 0) FROM sweep", INT64_MIN, 0);
}

static void sweep_values_free(sweep_values *v)
{
    for (int64_t i = 0; v->values && i < v->n_points * (int64_t)v->n_paths; i++)
        free(v->values[i]);
    free(v->values);
    groups_free_paths(v->paths, v->n_paths);
}

/* Index of path in the sorted list, or n. */
static size_t path_index(const sweep_values *v, const char *path)
{
    for (size_t p = 0; p < v->n_paths; p++)
        if (!strcmp(v->paths[p], path))
            return p;
    return v->n_paths;
}

static int load_sweep_values(sqlite3 *db, int64_t sweep, sweep_values *v)
{
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    int rc;
    memset(v, 0, sizeof *v);
    v->n_points = adb_int(db, "SELECT points FROM sweep WHERE id = ?1", sweep, 0);
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT path FROM sweep_param WHERE sweep_id = ?1"
                               " ORDER BY path", -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, sweep);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (v->n_paths == cap) {
            cap = cap ? 2 * cap : 8;
            char **grown = realloc(v->paths, cap * sizeof *grown);
            if (!grown)
                break;
            v->paths = grown;
        }
        if (!(v->paths[v->n_paths] = strdup((const char *)sqlite3_column_text(s, 0))))
            break;
        v->n_paths++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return -1;
    size_t cells = (size_t)(v->n_points > 0 ? v->n_points : 0) * v->n_paths;
    if (!(v->values = calloc(cells ? cells : 1, sizeof *v->values)))
        return -1;
    if (sqlite3_prepare_v2(db, "SELECT point, path, value FROM sweep_param WHERE sweep_id = ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, sweep);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t point = sqlite3_column_int64(s, 0);
        size_t p = path_index(v, (const char *)sqlite3_column_text(s, 1));
        const unsigned char *value = sqlite3_column_text(s, 2);
        if (point < 0 || point >= v->n_points || p == v->n_paths || !value)
            continue;
        free(v->values[point * (int64_t)v->n_paths + (int64_t)p]);
        v->values[point * (int64_t)v->n_paths + (int64_t)p] = strdup((const char *)value);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Numbers before text, numbers by value, text by strcmp, absent first. */
static int compare_value(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    char *end_a, *end_b;
    double x = strtod(a, &end_a), y = strtod(b, &end_b);
    int num_a = end_a != a && *end_a == '\0', num_b = end_b != b && *end_b == '\0';
    if (num_a && num_b)
        return (x > y) - (x < y);
    if (num_a != num_b)
        return num_a ? -1 : 1;
    return strcmp(a, b);
}

static int compare_rows(const void *pa, const void *pb)
{
    const point_row *a = pa, *b = pb;
    for (size_t p = 0; p < a->n; p++) {
        int c = compare_value(a->values[p], b->values[p]);
        if (c)
            return c;
    }
    return (a->point > b->point) - (a->point < b->point);
}

/* The plan as (field, value): the sweep row without its file text, and
 * what became of its runs. */
static atable *plan_table(sqlite3 *db, int64_t sweep)
{
    static const char sql[] =
        "SELECT name, file_path AS sweep_file, scenario_path AS scenario, method, samples,"
        " points, replications, runs AS runs_planned, seeds, seed, record, until, timeout_s,"
        " created,"
        " (SELECT count(*) FROM run WHERE sweep_point IS NOT NULL AND status = 'complete')"
        "  AS runs_complete,"
        " (SELECT count(*) FROM run WHERE sweep_point IS NOT NULL AND status = 'failed')"
        "  AS runs_failed,"
        " (SELECT count(*) FROM run WHERE sweep_point IS NOT NULL"
        "  AND status IN ('interrupted', 'running')) AS runs_interrupted,"
        " runs - (SELECT count(*) FROM run WHERE sweep_point IS NOT NULL) AS runs_not_started"
        " FROM sweep WHERE id = ?1";
    static const char *const cols[] = {"field", "value"};
    atable *row = atable_query(db, "plan", "", sql, sweep, 0.0);
    atable *t = row ? atable_new("sweep", "Sweep plan", 2, cols) : NULL;
    for (int c = 0; t && row->nrows == 1 && c < row->ncols; c++) {
        size_t r = atable_add_row(t);
        if (r == (size_t)-1)
            break;
        const atable_cell *v = atable_at(row, 0, c);
        atable_set_text(t, r, 0, row->cols[c]);
        switch (v->type) {
        case SQLITE_INTEGER: atable_set_int(t, r, 1, v->i); break;
        case SQLITE_FLOAT: atable_set_real(t, r, 1, v->r); break;
        case SQLITE_TEXT: atable_set_text(t, r, 1, v->s); break;
        default: break;
        }
    }
    atable_free(row);
    return t;
}

/* One row per swept parameter: how many values, and the values (sorted;
 * the range when there are more than a dozen). */
static atable *params_table(const sweep_values *v)
{
    static const char *const cols[] = {"parameter", "n_values", "values"};
    atable *t = atable_new("sweep_params", "Swept parameters and their values", 3, cols);
    size_t n = (size_t)(v->n_points > 0 ? v->n_points : 0);
    const char **sorted = malloc((n ? n : 1) * sizeof *sorted);
    for (size_t p = 0; t && sorted && p < v->n_paths; p++) {
        size_t k = 0, distinct = 0;
        for (size_t i = 0; i < n; i++)
            if (v->values[i * v->n_paths + p])
                sorted[k++] = v->values[i * v->n_paths + p];
        for (size_t i = 1; i < k; i++)   /* insertion sort: compare_value on strings */
            for (size_t j = i; j > 0 && compare_value(sorted[j - 1], sorted[j]) > 0; j--) {
                const char *x = sorted[j];
                sorted[j] = sorted[j - 1];
                sorted[j - 1] = x;
            }
        strbuf list = {0};
        for (size_t i = 0; i < k; i++)
            if (i == 0 || compare_value(sorted[i - 1], sorted[i]) != 0) {
                if (distinct < 12)
                    strbuf_addf(&list, "%s%s", distinct ? ", " : "", sorted[i]);
                distinct++;
            }
        if (distinct > 12) {
            strbuf_free(&list);
            strbuf_addf(&list, "%s .. %s", sorted[0], sorted[k - 1]);
        }
        size_t r = atable_add_row(t);
        if (r == (size_t)-1) {
            strbuf_free(&list);
            break;
        }
        atable_set_text(t, r, 0, v->paths[p]);
        atable_set_int(t, r, 1, (int64_t)distinct);
        atable_set_text(t, r, 2, strbuf_str(&list));
        strbuf_free(&list);
    }
    free(sorted);
    return t;
}

/* The table of metric m: point, the parameters, mean, ci95_low, ci95_high,
 * n; rows in the order of rows[]. stats[point * n_metrics + m]. */
static atable *metric_table(const points *p, size_t m, const sweep_values *v,
                            const point_row *rows, const astats *stats)
{
    size_t ncols = 5 + v->n_paths;
    const char **cols = malloc(ncols * sizeof *cols);
    if (!cols)
        return NULL;
    cols[0] = "point";
    for (size_t c = 0; c < v->n_paths; c++)
        cols[1 + c] = v->paths[c];
    cols[1 + v->n_paths] = "mean";
    cols[2 + v->n_paths] = "ci95_low";
    cols[3 + v->n_paths] = "ci95_high";
    cols[4 + v->n_paths] = "n";
    strbuf name = {0}, title = {0};
    strbuf_addf(&name, "points.%s", p->metrics[m]);
    strbuf_addf(&title, "%s per point: mean and 95%% confidence interval of the mean (Student "
                "t) over its replications, n seeds", p->metrics[m]);
    atable *t = atable_new(strbuf_str(&name), strbuf_str(&title), (int)ncols, cols);
    strbuf_free(&name);
    strbuf_free(&title);
    free(cols);
    for (int64_t i = 0; t && i < v->n_points; i++) {
        size_t r = atable_add_row(t);
        if (r == (size_t)-1)
            break;
        const astats *st = &stats[rows[i].point * (int64_t)p->n_metrics + (int64_t)m];
        atable_set_int(t, r, 0, rows[i].point);
        for (size_t c = 0; c < v->n_paths; c++)
            atable_set_text(t, r, (int)(1 + c), rows[i].values[c]);
        atable_set_real(t, r, (int)(1 + v->n_paths), st->mean);
        atable_set_real(t, r, (int)(2 + v->n_paths), st->ci_low);
        atable_set_real(t, r, (int)(3 + v->n_paths), st->ci_high);
        atable_set_int(t, r, (int)(4 + v->n_paths), (int64_t)st->n);
    }
    return t;
}

/* stats[point * n_metrics + m] for every point of the sweep; points without
 * a complete run keep n = 0. Returns 0 or -1. */
static int point_stats(const points *p, const sweep_values *v, astats *stats)
{
    const astats none = {.n = 0, .mean = NAN, .sd = NAN, .ci_low = NAN, .ci_high = NAN,
                         .p10 = NAN, .p50 = NAN, .p90 = NAN};
    for (int64_t i = 0; i < v->n_points * (int64_t)p->n_metrics; i++)
        stats[i] = none;
    for (size_t k = 0; k < p->g.n_groups; k++) {
        int64_t point = p->g.runs[p->g.groups[k].members[0]].sweep_point;
        if (point == GROUPS_NONE || point < 0 || point >= v->n_points)
            continue;
        if (points_group_stats(p, k, &stats[point * (int64_t)p->n_metrics], NULL, NULL) != 0)
            return -1;
    }
    return 0;
}

/* The pivot of one index's value, low and high. */
#define PIVOT(ix, name)                                                                    \
    " max(CASE WHEN \"index\" = '" ix "' THEN value END) AS " name ","                  \
    " max(CASE WHEN \"index\" = '" ix "' THEN low END) AS " name "_low,"                \
    " max(CASE WHEN \"index\" = '" ix "' THEN high END) AS " name "_high"

static const char saltelli_sql[] =
    "WITH s AS (SELECT metric, param," PIVOT("S", "S") "," PIVOT("T", "T")
    " FROM sweep_sensitivity WHERE sweep_id = ?1 AND (?2 IS NULL OR metric GLOB ?2)"
    " GROUP BY metric, param),"
    " m AS (SELECT metric, max(T) AS top FROM s GROUP BY metric)"
    " SELECT s.metric, s.param, S, S_low, S_high, T, T_low, T_high"
    " FROM s JOIN m ON m.metric = s.metric"
    " ORDER BY m.top DESC, s.metric, s.T DESC, s.param";

static const char morris_sql[] =
    "SELECT metric, param," PIVOT("mu_star", "mu_star") ","
    " max(CASE WHEN \"index\" = 'mu' THEN value END) AS mu,"
    " max(CASE WHEN \"index\" = 'sigma' THEN value END) AS sigma"
    " FROM sweep_sensitivity WHERE sweep_id = ?1 AND (?2 IS NULL OR metric GLOB ?2)"
    " GROUP BY metric, param ORDER BY metric, mu_star DESC, param";

/* The sensitivity table of a saltelli or morris sweep, or NULL in *out
 * when it has no indices (or is another method). Returns 0 or -1. */
static int sensitivity_table(sqlite3 *db, int64_t sweep, const char *glob, atable **out)
{
    *out = NULL;
    if (!adb_has_relation(db, "sweep_sensitivity") ||
        adb_int(db, "SELECT count(*) FROM sweep_sensitivity WHERE sweep_id = ?1", sweep, 0) == 0)
        return 0;
    sqlite3_stmt *s = NULL;
    int saltelli = 0 != adb_int(db, "SELECT method = 'saltelli' FROM sweep WHERE id = ?1", sweep, 0);
    if (sqlite3_prepare_v2(db, saltelli ? saltelli_sql : morris_sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, sweep);
    if (glob)
        sqlite3_bind_text(s, 2, glob, -1, SQLITE_STATIC);
    *out = atable_from_stmt(s, "sensitivity",
                            saltelli ? "Sensitivity: Sobol first-order (S) and total (T) indices "
                                       "of each metric's mean over the replications, with "
                                       "bootstrap 95% intervals; metrics by their largest T"
                                     : "Sensitivity: Morris elementary effects per step of the "
                                       "normalised parameter: mu* (mean |EE|, with its bootstrap "
                                       "95% interval), mu and sigma, of each metric's mean over "
                                       "the replications");
    return *out ? 0 : -1;
}

int report_sweep_build(sqlite3 *db, int64_t sweep, const char *glob, atable_list *out)
{
    points p;
    sweep_values v;
    int rc = -1;
    if (load_sweep_values(db, sweep, &v) != 0) {
        sweep_values_free(&v);
        return -1;
    }
    if (points_open(db, glob, GROUPS_BY_POINT, &p) != 0) {
        sweep_values_free(&v);
        return -1;
    }
    if (!glob)
        points_keep(&p, headline_metrics, N_HEADLINE);
    size_t n_points = (size_t)(v.n_points > 0 ? v.n_points : 0);
    point_row *rows = malloc((n_points ? n_points : 1) * sizeof *rows);
    size_t n_cells = n_points * p.n_metrics;
    astats *stats = malloc((n_cells > 0 ? n_cells : 1) * sizeof *stats);
    if (glob && p.n_metrics == 0)
        rc = REPORT_SWEEP_NO_METRIC;
    else if (rows && stats && point_stats(&p, &v, stats) == 0) {
        for (size_t i = 0; i < n_points; i++)
            rows[i] = (point_row){(int64_t)i, &v.values[i * v.n_paths], v.n_paths};
        qsort(rows, n_points, sizeof *rows, compare_rows);
        rc = atable_list_add(out, plan_table(db, sweep));
        if (rc == 0)
            rc = atable_list_add(out, params_table(&v));
        for (size_t m = 0; rc == 0 && m < p.n_metrics; m++)
            rc = atable_list_add(out, metric_table(&p, m, &v, rows, stats));
        atable *sens = NULL;
        if (rc == 0)
            rc = sensitivity_table(db, sweep, glob, &sens);
        if (rc == 0 && sens)
            rc = atable_list_add(out, sens);
    }
    free(rows);
    free(stats);
    points_free(&p);
    sweep_values_free(&v);
    return rc;
}
