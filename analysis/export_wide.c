/*
 * export_wide: the wide layout's column map and row writer (shared with the
 * streaming pass of export_stream.c), and the SQL reference path that
 * pivots one column of a per-tick table at a time: per-tick rows stream
 * from SQL in key order (no sort) and are gathered into one output row per
 * (run, period), summing flows and averaging levels on the way (the
 * roll-up rule of rollup.h, summed in row order); entities map to columns
 * by name, so the replications of a scenario share columns.
 */
#include "export.h"
#include "export_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/util/strbuf.h"
#include "../sim/util/grow.h"

void export__wide_map_free(export_wide_map *m)
{
    for (int c = 0; c < m->ncols; c++)
        free(m->names[c]);
    free(m->names);
    free(m->run);
    free(m->id);
    free(m->col);
}

static int name_column(export_wide_map *m, const char *name)
{
    for (int c = 0; c < m->ncols; c++)
        if (!strcmp(m->names[c], name))
            return c;
    if (grow_reserve((void **)&m->names, &m->cap_names, (size_t)m->ncols + 1, 8,
                     sizeof *m->names) != 0)
        return -1;
    size_t len = strlen(name) + 1;
    if (!(m->names[m->ncols] = malloc(len)))
        return -1;
    memcpy(m->names[m->ncols], name, len);
    return m->ncols++;
}

static int map_add(export_wide_map *m, int64_t run, int64_t id, const char *name)
{
    if (m->n == m->cap) {
        const size_t cap = grow_capacity(m->cap, m->n + 1, 64);
        if (cap == 0 || grow_resize((void **)&m->run, cap, sizeof *m->run) != 0 ||
            grow_resize((void **)&m->id, cap, sizeof *m->id) != 0 ||
            grow_resize((void **)&m->col, cap, sizeof *m->col) != 0)
            return -1;
        m->cap = cap;
    }
    int col = name_column(m, name);
    if (col < 0)
        return -1;
    m->run[m->n] = run;
    m->id[m->n] = id;
    m->col[m->n++] = col;
    return 0;
}

int export__wide_map_find(const export_wide_map *m, int64_t run, int64_t id)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->run[mid] < run || (m->run[mid] == run && m->id[mid] < id))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->n && m->run[lo] == run && m->id[lo] == id ? m->col[lo] : -1;
}

/* The entity list: from the entity table, or the distinct ids when there is
 * none, or a single column named after the metric when there is no entity. */
static char *entity_sql(const rollup_table *t, int64_t run)
{
    strbuf b = {0};
    if (t->entity[0])
        strbuf_addf(&b, "SELECT run_id, id, name FROM \"%s\"%s ORDER BY run_id, id", t->entity,
                    run > 0 ? " WHERE run_id = ?1" : "");
    else if (t->entity_col[0])
        strbuf_addf(&b, "SELECT DISTINCT run_id, \"%s\", '%s ' || \"%s\" FROM \"%s\"%s"
                    " ORDER BY 1, 2", t->entity_col, t->entity_col, t->entity_col, t->name,
                    run > 0 ? " WHERE run_id = ?1" : "");
    else
        strbuf_addf(&b, "SELECT id, 0, 'value' FROM run%s ORDER BY id",
                    run > 0 ? " WHERE id = ?1" : "");
    return b.error ? (strbuf_free(&b), NULL) : b.s;
}

int export__wide_map_load(sqlite3 *db, const rollup_table *t, int64_t run, export_wide_map *m)
{
    char *sql = entity_sql(t, run);
    sqlite3_stmt *s = NULL;
    int rc = sql ? sqlite3_prepare_v2(db, sql, -1, &s, NULL) : SQLITE_NOMEM;
    free(sql);
    if (rc != SQLITE_OK)
        return -1;
    if (run > 0)
        sqlite3_bind_int64(s, 1, run);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 2);
        if (map_add(m, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
                    name ? name : "") != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int64_t export_wide_columns(sqlite3 *db, const rollup_table *t, int64_t run)
{
    export_wide_map m = {0};
    int64_t n = export__wide_map_load(db, t, run, &m) == 0 ? m.ncols : -1;
    export__wide_map_free(&m);
    return n;
}

int64_t export_wide_rows(sqlite3 *db, rollup_period p, int64_t run)
{
    const char *len = p == ROLLUP_DAY ? "10" : p == ROLLUP_MONTH ? "7" : "19";
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT DISTINCT run_id, substr(date, 1, %s)"
             " FROM tick%s)", len, run > 0 ? " WHERE run_id = ?1" : "");
    sqlite3_stmt *s = NULL;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    if (run > 0)
        sqlite3_bind_int64(s, 1, run);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

int export__wide_write_row(csvout *w, int64_t run, const char *label, const double *sum,
                           const int64_t *count, int ncols, int flow)
{
    csvout_int(w, run);
    csvout_text(w, label);
    for (int c = 0; c < ncols; c++) {
        if (count[c] == 0)
            csvout_null(w);
        else
            csvout_real(w, flow ? sum[c] : sum[c] / (double)count[c]);
    }
    return csvout_end_row(w);
}

void export__wide_header(csvout *w, const export_wide_map *m)
{
    csvout_text(w, "run_id");
    csvout_text(w, "date");
    for (int c = 0; c < m->ncols; c++)
        csvout_text(w, m->names[c]);
    csvout_end_row(w);
}

/* Streams the per-tick series into one row per (run, period). */
static int pivot(sqlite3_stmt *s, const export_wide_map *m, int flow, csvout *w)
{
    double *sum = calloc((size_t)m->ncols + 1, sizeof *sum);
    int64_t *count = calloc((size_t)m->ncols + 1, sizeof *count);
    char date[40] = "";
    int64_t cur = -1;
    int rc = sum && count ? SQLITE_ROW : SQLITE_NOMEM;
    while (rc == SQLITE_ROW && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t run = sqlite3_column_int64(s, 0);
        const char *d = (const char *)sqlite3_column_text(s, 1);
        d = d ? d : "";
        if (run != cur || strcmp(d, date) != 0) {
            if (cur >= 0)
                export__wide_write_row(w, cur, date, sum, count, m->ncols, flow);
            cur = run;
            snprintf(date, sizeof date, "%s", d);
            memset(sum, 0, (size_t)m->ncols * sizeof *sum);
            memset(count, 0, (size_t)m->ncols * sizeof *count);
        }
        int col = export__wide_map_find(m, run, sqlite3_column_int64(s, 2));
        if (col >= 0 && sqlite3_column_type(s, 3) != SQLITE_NULL) {
            sum[col] += sqlite3_column_double(s, 3);
            count[col]++;
        }
    }
    if (rc == SQLITE_DONE && cur >= 0)
        export__wide_write_row(w, cur, date, sum, count, m->ncols, flow);
    free(sum);
    free(count);
    return rc == SQLITE_DONE && !w->error ? 0 : -1;
}

int export_wide(sqlite3 *db, const rollup_table *t, const char *column, rollup_period p,
                int64_t run, csvout *w)
{
    export_wide_map m = {0};
    sqlite3_stmt *s = NULL;
    char *sql = rollup_series_sql(t, p, column, run > 0 ? "x.run_id = ?1" : NULL);
    int rc = -1;
    if (sql && export__wide_map_load(db, t, run, &m) == 0 &&
        sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
        if (run > 0)
            sqlite3_bind_int64(s, 1, run);
        export__wide_header(w, &m);
        int flow = p != ROLLUP_TICK && rollup_classify(column, NULL) == ROLLUP_FLOW;
        rc = pivot(s, &m, flow, w);
    }
    sqlite3_finalize(s);
    free(sql);
    export__wide_map_free(&m);
    return rc;
}
