/*
 * compare: merges two sorted lists (metrics, parameters), one from each
 * database, by name.
 */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/util/caltime.h"
#include "../sim/util/strbuf.h"
#include "../sim/util/units.h"
#include "../sim/util/grow.h"

/* A name -> (value, count) list read from one side, sorted by name. */
typedef struct named_values {
    char **names;
    char **texts;              /* run_param values */
    double *values;
    int64_t *counts;
    size_t n;
} named_values;

static void nv_free(named_values *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->names[i]);
        free(v->texts[i]);
    }
    free(v->names);
    free(v->texts);
    free(v->values);
    free(v->counts);
}

static char *dup_text(const unsigned char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen((const char *)s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Reads (name, value, count[, text]) rows. Returns 0 or -1. */
static int nv_load(sqlite3 *db, const char *sql, named_values *v)
{
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    int rc;
    memset(v, 0, sizeof *v);
    if (!sql || sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (v->n == cap) {
            cap = grow_capacity(cap, v->n + 1, 64);
            if (cap == 0 || grow_resize((void **)&v->names, cap, sizeof *v->names) != 0 ||
                grow_resize((void **)&v->texts, cap, sizeof *v->texts) != 0 ||
                grow_resize((void **)&v->values, cap, sizeof *v->values) != 0 ||
                grow_resize((void **)&v->counts, cap, sizeof *v->counts) != 0) {
                rc = SQLITE_NOMEM;
                break;
            }
        }
        v->names[v->n] = dup_text(sqlite3_column_text(s, 0));
        v->values[v->n] = sqlite3_column_double(s, 1);
        v->counts[v->n] = sqlite3_column_int64(s, 2);
        v->texts[v->n] = dup_text(sqlite3_column_text(s, 1));
        if (!v->names[v->n++]) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int load_metrics(const compare_side *side, named_values *v)
{
    strbuf b = {0};
    strbuf_add(&b, "SELECT metric, avg(value), count(*) FROM run_metric WHERE run_id IN (");
    for (size_t i = 0; i < side->n_runs; i++)
        strbuf_addf(&b, "%s%lld", i ? "," : "", (long long)side->runs[i]);
    strbuf_add(&b, ") GROUP BY metric ORDER BY metric");
    int rc = nv_load(side->db, strbuf_str(&b), v);
    strbuf_free(&b);
    return rc;
}

static int load_params(const compare_side *side, named_values *v)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT path, value, 1 FROM run_param WHERE run_id = %lld"
             " ORDER BY path", (long long)side->run);
    return nv_load(side->db, sql, v);
}

/* The start days (days since 1970-01-01) of the two sides' runs: a time
 * metric (name ending `_t`, or `_t.` and an entity: seconds since the start)
 * is shown as the date on each side and its difference in days. */
typedef struct side_days {
    int64_t a, b;
} side_days;

static int is_time_metric(const char *metric)
{
    const size_t n = strlen(metric);
    return (n > 2 && !strcmp(metric + n - 2, "_t")) || strstr(metric, "_t.") != NULL;
}

static void set_date(atable *t, size_t r, int c, int64_t start_day, double seconds)
{
    if (!isfinite(seconds))
        return;
    char date[20];
    caltime_format_since(start_day, (int64_t)llround(seconds), date);
    date[16] = '\0';
    atable_set_text(t, r, c, date);
}

static void metric_row(atable *t, const char *name, const named_values *a, size_t ia,
                       const named_values *b, size_t ib, const side_days *days)
{
    size_t r = atable_add_row(t);
    if (r == (size_t)-1)
        return;
    atable_set_text(t, r, 0, name);
    double va = a ? a->values[ia] : NAN, vb = b ? b->values[ib] : NAN;
    if (is_time_metric(name)) {
        set_date(t, r, 1, days->a, va);
        set_date(t, r, 2, days->b, vb);
        const double da = (double)days->a * UNITS_SECONDS_PER_DAY_REAL + va;
        const double db = (double)days->b * UNITS_SECONDS_PER_DAY_REAL + vb;
        atable_set_real(t, r, 3, (db - da) / UNITS_SECONDS_PER_DAY_REAL);   /* days */
    } else {
        atable_set_real(t, r, 1, va);
        atable_set_real(t, r, 2, vb);
        atable_set_real(t, r, 3, vb - va);
        atable_set_real(t, r, 4, va != 0.0 ? (vb - va) / fabs(va) : NAN);
    }
    atable_set_int(t, r, 5, a ? a->counts[ia] : 0);
    atable_set_int(t, r, 6, b ? b->counts[ib] : 0);
}

static void param_row(atable *t, const char *name, const char *va, const char *vb)
{
    if (va && vb && !strcmp(va, vb))
        return;
    size_t r = atable_add_row(t);
    if (r == (size_t)-1)
        return;
    atable_set_text(t, r, 0, name);
    atable_set_text(t, r, 1, va);
    atable_set_text(t, r, 2, vb);
}

/* Walks two sorted lists; rows for names on either side. */
static void merge(atable *t, const named_values *a, const named_values *b, int params,
                  const side_days *days)
{
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        int cmp = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->names[i], b->names[j]);
        const char *name = cmp <= 0 ? a->names[i] : b->names[j];
        if (params)
            param_row(t, name, cmp <= 0 ? a->texts[i] : NULL, cmp >= 0 ? b->texts[j] : NULL);
        else
            metric_row(t, name, cmp <= 0 ? a : NULL, i, cmp >= 0 ? b : NULL, j, days);
        i += cmp <= 0;
        j += cmp >= 0;
    }
}

static atable *sides_table(const compare_side *a, const compare_side *b)
{
    static const char *const cols[] = {"side", "database", "run", "runs", "scenario"};
    atable *t = atable_new("sides", "Compared results", 5, cols);
    const compare_side *s[2] = {a, b};
    for (int k = 0; t && k < 2; k++) {
        size_t r = atable_add_row(t);
        if (r == (size_t)-1)
            break;
        atable_set_text(t, r, 0, k ? "B" : "A");
        atable_set_text(t, r, 1, s[k]->path);
        atable_set_int(t, r, 2, s[k]->run);
        atable_set_int(t, r, 3, (int64_t)s[k]->n_runs);
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(s[k]->db, "SELECT scenario_name FROM run WHERE id = ?1", -1, &st,
                               NULL) == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, s[k]->run);
            if (sqlite3_step(st) == SQLITE_ROW)
                atable_set_text(t, r, 4, (const char *)sqlite3_column_text(st, 0));
        }
        sqlite3_finalize(st);
    }
    return t;
}

static int64_t start_day_of(const compare_side *side)
{
    int64_t day = 0;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(side->db, "SELECT substr(start_date, 1, 10) FROM run WHERE id = ?1",
                           -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, side->run);
        if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
            caltime_parse_date((const char *)sqlite3_column_text(q, 0), &day);
    }
    sqlite3_finalize(q);
    return day;
}

int compare_build(const compare_side *a, const compare_side *b, atable_list *out)
{
    const side_days days = {start_day_of(a), start_day_of(b)};
    static const char *const mcols[] = {"metric", "a", "b", "difference", "relative_difference",
                                        "n_a", "n_b"};
    static const char *const pcols[] = {"path", "a", "b"};
    named_values va, vb, pa, pb;
    int rc = -1;
    int la = load_metrics(a, &va), lb = load_metrics(b, &vb);
    int lpa = load_params(a, &pa), lpb = load_params(b, &pb);
    if (!la && !lb && !lpa && !lpb && atable_list_add(out, sides_table(a, b)) == 0) {
        atable *m = atable_new("metrics", "Metrics: A, B (means over replications), B - A and "
                               "(B - A) / |A| (time metrics, *_t: dates, B - A in days)", 7,
                               mcols);
        atable *p = atable_new("inputs", "Inputs that differ (run_param)", 3, pcols);
        if (m)
            merge(m, &va, &vb, 0, &days);
        if (p)
            merge(p, &pa, &pb, 1, &days);
        rc = atable_list_add(out, m) == 0 && atable_list_add(out, p) == 0 ? 0 : -1;
    }
    nv_free(&va);
    nv_free(&vb);
    nv_free(&pa);
    nv_free(&pb);
    return rc;
}
