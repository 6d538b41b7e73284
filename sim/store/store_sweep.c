/*
 * store_sweep: the sweep row, the plan, and copying runs between databases
 * (see store_sweep.h for the contract).
 *
 * Copying is generic: every table of the main database with a run_id
 * column (and `run` itself, keyed by id) is copied column by column from
 * the attached one, so a table added to the schema is merged without a
 * change here. The per-tick tables are the ones with a `tick` column
 * (`tick` included); `record = summary` leaves them out, `daily` copies
 * their roll-up by day (rollup.h) instead: tick becomes the day's index
 * from the start, each level the day's mean and each flow the day's sum,
 * and the run's tick_seconds becomes 86400, so every query written for
 * ticks reads a daily run as a run with a one-day tick.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rollup.h"
#include "store_internal.h"
#include "store_sweep.h"
#include "../util/caltime.h"
#include "../util/strbuf.h"

#define ATTACHED "sweep_src"

/* ---- small helpers ---- */

static int bind_text_or_null(sqlite3_stmt *s, int i, const char *text)
{
    return text ? sqlite3_bind_text(s, i, text, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
}

static int attach(store *st, const char *path)
{
    sqlite3_stmt *s = NULL;
    char name[4096];
    if (store_file_sqlite_name(path, name, sizeof name) != 0)
        return store__failf(st, STORE_ERR_BAD_PATH, "%s: path too long", path);
    int rc = store__prepare(st, "ATTACH DATABASE ?1 AS " ATTACHED, &s);
    if (rc != STORE_OK)
        return rc;
    if (sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        rc = store__fail(st, "bind attach");
    else
        rc = store__step_done(st, s, path);
    sqlite3_finalize(s);
    return rc;
}

static void detach(store *st)
{
    sqlite3_exec(st->db, "DETACH DATABASE " ATTACHED, NULL, NULL, NULL);
}

/* One integer from a query with up to one int64 parameter; *found says
 * whether a row came back. */
static int query_int(store *st, const char *sql, int64_t arg, int64_t *out, int *found)
{
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, sql, &s);
    if (rc != STORE_OK)
        return rc;
    if (sqlite3_bind_parameter_count(s) >= 1)
        sqlite3_bind_int64(s, 1, arg);
    int step = sqlite3_step(s);
    *found = step == SQLITE_ROW;
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else if (step != SQLITE_DONE)
        rc = store__fail(st, "query");
    sqlite3_finalize(s);
    return rc;
}

/* ---- the sweep row ---- */

int store_sweep_find(store *st, char **file_text, int64_t *run_id_base)
{
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, "SELECT file_text, run_id_base FROM main.sweep ORDER BY id LIMIT 1",
                            &s);
    if (rc != STORE_OK)
        return rc;
    int step = sqlite3_step(s);
    int found = 0;
    if (step == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(s, 0);
        if (file_text && !(*file_text = strdup(text ? text : "")))
            rc = store__failf(st, STORE_ERR_NOMEM, "out of memory");
        if (run_id_base)
            *run_id_base = sqlite3_column_int64(s, 1);
        found = 1;
    } else if (step != SQLITE_DONE) {
        rc = store__fail(st, "read the sweep");
    }
    sqlite3_finalize(s);
    return rc != STORE_OK ? rc : found;
}

int store_has_runs(store *st)
{
    int64_t n = 0;
    int found;
    int rc = query_int(st, "SELECT count(*) FROM main.run", 0, &n, &found);
    return rc != STORE_OK ? rc : n > 0;
}

static int insert_plan(store *st, const char *const *paths, size_t n_paths,
                       const char *const *values, size_t points)
{
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, "INSERT INTO sweep_param VALUES (1, ?1, ?2, ?3)", &s);
    for (size_t i = 0; rc == STORE_OK && i < points; i++)
        for (size_t k = 0; rc == STORE_OK && k < n_paths; k++) {
            int b = sqlite3_bind_text(s, 1, paths[k], -1, SQLITE_STATIC);
            b |= sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
            b |= sqlite3_bind_text(s, 3, values[i * n_paths + k], -1, SQLITE_STATIC);
            rc = b != SQLITE_OK ? store__fail(st, "bind sweep_param")
                                : store__step_done(st, s, "insert sweep_param");
        }
    sqlite3_finalize(s);
    return rc;
}

int store_sweep_create(store *st, const store_sweep_info *info, const char *const *paths,
                       size_t n_paths, const char *const *values, int64_t *run_id_base)
{
    int found;
    int rc = query_int(st, "SELECT coalesce(max(id), 0) FROM main.run", 0, run_id_base, &found);
    if (rc != STORE_OK)
        return rc;
    sqlite3_stmt *s = NULL;
    rc = store__begin(st);
    if (rc == STORE_OK)
        rc = store__prepare(st,
                            "INSERT INTO sweep VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                            " ?10, ?11, ?12, ?13, ?14, ?15, ?16)", &s);
    if (rc == STORE_OK) {
        char now[20];
        caltime_format((int64_t)time(NULL), now);
        int b = bind_text_or_null(s, 1, info->name);
        b |= bind_text_or_null(s, 2, info->file_path);
        b |= bind_text_or_null(s, 3, info->file_text);
        b |= bind_text_or_null(s, 4, info->scenario_path);
        b |= bind_text_or_null(s, 5, info->method);
        b |= info->samples ? sqlite3_bind_int64(s, 6, info->samples) : sqlite3_bind_null(s, 6);
        b |= sqlite3_bind_int64(s, 7, info->replications);
        b |= bind_text_or_null(s, 8, info->seeds);
        b |= sqlite3_bind_int64(s, 9, (sqlite3_int64)info->seed);
        b |= bind_text_or_null(s, 10, info->record);
        b |= bind_text_or_null(s, 11, info->until);
        b |= info->timeout_s > 0 ? sqlite3_bind_double(s, 12, info->timeout_s)
                                 : sqlite3_bind_null(s, 12);
        b |= sqlite3_bind_int64(s, 13, (sqlite3_int64)info->points);
        b |= sqlite3_bind_int64(s, 14, (sqlite3_int64)info->runs);
        b |= sqlite3_bind_int64(s, 15, *run_id_base);
        b |= bind_text_or_null(s, 16, now);
        rc = b != SQLITE_OK ? store__fail(st, "bind sweep") : store__step_done(st, s, "insert sweep");
    }
    sqlite3_finalize(s);
    if (rc == STORE_OK)
        rc = insert_plan(st, paths, n_paths, values, info->points);
    if (rc == STORE_OK)
        return store__commit(st);
    store__rollback(st);
    return rc;
}

int store_sweep_complete_runs(store *st, long replications, unsigned char *done, size_t n_runs)
{
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, "SELECT sweep_point, replication FROM main.run"
                                " WHERE status = 'complete' AND sweep_point IS NOT NULL", &s);
    if (rc != STORE_OK)
        return rc;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t point = sqlite3_column_int64(s, 0), rep = sqlite3_column_int64(s, 1);
        int64_t i = point * replications + rep;
        if (point >= 0 && rep >= 0 && rep < replications && i < (int64_t)n_runs)
            done[i] = 1;
    }
    if (step != SQLITE_DONE)
        rc = store__fail(st, "read the complete runs");
    sqlite3_finalize(s);
    return rc;
}

/* ---- sensitivity indices ---- */

static int bind_real_or_null(sqlite3_stmt *s, int i, double v)
{
    return isnan(v) ? sqlite3_bind_null(s, i) : sqlite3_bind_double(s, i, v);
}

int store_sweep_write_sensitivity(store *st, const store_sensitivity_row *rows, size_t n)
{
    sqlite3_stmt *s = NULL;
    int rc = store__begin(st);
    if (rc == STORE_OK)
        rc = store__exec(st, "DELETE FROM main.sweep_sensitivity WHERE sweep_id = 1");
    if (rc == STORE_OK)
        rc = store__prepare(st, "INSERT INTO main.sweep_sensitivity VALUES (1, ?1, ?2, ?3, ?4,"
                                " ?5, ?6)", &s);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        const store_sensitivity_row *r = &rows[i];
        int b = sqlite3_bind_text(s, 1, r->metric, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(s, 2, r->param, -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(s, 3, r->index, -1, SQLITE_STATIC);
        b |= bind_real_or_null(s, 4, r->value);
        b |= bind_real_or_null(s, 5, r->low);
        b |= bind_real_or_null(s, 6, r->high);
        rc = b != SQLITE_OK ? store__fail(st, "bind sweep_sensitivity")
                            : store__step_done(st, s, "insert sweep_sensitivity");
    }
    sqlite3_finalize(s);
    if (rc == STORE_OK)
        return store__commit(st);
    store__rollback(st);
    return rc;
}

void store_sweep_metrics_free(store_sweep_metrics *m)
{
    for (size_t i = 0; m->names && i < m->n_metrics; i++)
        free(m->names[i]);
    free(m->names);
    free(m->mean);
    memset(m, 0, sizeof *m);
}

/* Appends metric `name` (its n_points means, from sum) to out; 0 or -1. */
static int keep_metric(store_sweep_metrics *out, const char *name, const double *sum,
                       long replications)
{
    size_t n = out->n_points, m = out->n_metrics;
    char **names = realloc(out->names, (m + 1) * sizeof *names);
    if (!names)
        return -1;
    out->names = names;
    double *mean = realloc(out->mean, (m + 1) * n * sizeof *mean);
    if (!mean)
        return -1;
    out->mean = mean;
    if (!(out->names[m] = strdup(name)))
        return -1;
    for (size_t i = 0; i < n; i++)
        out->mean[m * n + i] = sum[i] / (double)replications;
    out->n_metrics++;
    return 0;
}

int store_sweep_point_means(store *st, size_t n_points, long replications,
                            store_sweep_metrics *out)
{
    memset(out, 0, sizeof *out);
    out->n_points = n_points;
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, "SELECT m.metric, r.sweep_point, r.replication, m.value"
                                " FROM main.run r JOIN main.run_metric m ON m.run_id = r.id"
                                " WHERE r.status = 'complete' AND r.sweep_point IS NOT NULL"
                                " ORDER BY m.metric, r.sweep_point, r.replication", &s);
    if (rc != STORE_OK)
        return rc;
    double *sum = calloc(n_points ? n_points : 1, sizeof *sum);
    char *current = NULL;
    size_t count = 0;    /* values of the current metric in the plan */
    size_t want = n_points * (size_t)replications;
    int step;
    if (!sum)
        rc = store__failf(st, STORE_ERR_NOMEM, "out of memory");
    while (rc == STORE_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        int64_t point = sqlite3_column_int64(s, 1), rep = sqlite3_column_int64(s, 2);
        if (!current || strcmp(current, name) != 0) {
            if (current && count == want && keep_metric(out, current, sum, replications) != 0)
                rc = store__failf(st, STORE_ERR_NOMEM, "out of memory");
            free(current);
            current = strdup(name);
            if (!current)
                rc = store__failf(st, STORE_ERR_NOMEM, "out of memory");
            memset(sum, 0, n_points * sizeof *sum);
            count = 0;
        }
        if (point >= 0 && (size_t)point < n_points && rep >= 0 && rep < replications) {
            sum[point] += sqlite3_column_double(s, 3);
            count++;
        }
    }
    if (rc == STORE_OK && step != SQLITE_DONE)
        rc = store__fail(st, "read the sweep's metrics");
    if (rc == STORE_OK && current && count == want &&
        keep_metric(out, current, sum, replications) != 0)
        rc = store__failf(st, STORE_ERR_NOMEM, "out of memory");
    sqlite3_finalize(s);
    free(current);
    free(sum);
    if (rc != STORE_OK)
        store_sweep_metrics_free(out);
    return rc;
}

/* ---- copying runs ---- */

/* The tables of the main database, in creation order: name and whether it
 * has a run_id column, a tick column. */
typedef struct table_info {
    char name[ROLLUP_NAME_MAX];
    int has_run_id;
    int has_tick;
} table_info;

#define MAX_TABLES 64

static int list_tables(store *st, table_info *out, int *n)
{
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st,
                            "SELECT m.name, sum(c.name = 'run_id'), sum(c.name = 'tick')"
                            " FROM main.sqlite_master m, pragma_table_info(m.name) c"
                            " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
                            " GROUP BY m.name ORDER BY min(m.rowid)", &s);
    if (rc != STORE_OK)
        return rc;
    *n = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW && *n < MAX_TABLES) {
        table_info *t = &out[(*n)++];
        snprintf(t->name, sizeof t->name, "%s", (const char *)sqlite3_column_text(s, 0));
        t->has_run_id = sqlite3_column_int(s, 1) > 0;
        t->has_tick = sqlite3_column_int(s, 2) > 0;
    }
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        rc = store__fail(st, "list the tables");
    sqlite3_finalize(s);
    return rc;
}

/* The column list of a main table, with the key column `key` replaced by
 * `key_value` in the select list. */
static int column_lists(store *st, const char *table, const char *key, const char *key_value,
                        strbuf *insert_cols, strbuf *select_cols)
{
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, "SELECT name FROM pragma_table_info(?1)", &s);
    if (rc != STORE_OK)
        return rc;
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    int first = 1, step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(s, 0);
        strbuf_addf(insert_cols, "%s\"%s\"", first ? "" : ",", c);
        if (!strcmp(c, key))
            strbuf_addf(select_cols, "%s%s", first ? "" : ",", key_value);
        else
            strbuf_addf(select_cols, "%s\"%s\"", first ? "" : ",", c);
        first = 0;
    }
    if (step != SQLITE_DONE)
        rc = store__fail(st, "read the columns");
    sqlite3_finalize(s);
    return rc;
}

static int exec_with_ids(store *st, const char *sql, int64_t to_id, int64_t from_id)
{
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, sql, &s);
    if (rc != STORE_OK)
        return rc;
    sqlite3_bind_int64(s, 1, to_id);
    if (sqlite3_bind_parameter_count(s) >= 2)
        sqlite3_bind_int64(s, 2, from_id);
    rc = store__step_done(st, s, "copy a run");
    if (rc == STORE_OK)
        st->rows_written += (uint64_t)sqlite3_changes(st->db);
    sqlite3_finalize(s);
    return rc;
}

/* Deletes every row of run id from every table. */
static int delete_run(store *st, const table_info *tables, int n, int64_t id)
{
    char sql[256];
    int rc = STORE_OK;
    for (int i = 0; rc == STORE_OK && i < n; i++) {
        const table_info *t = &tables[i];
        if (!strcmp(t->name, "run"))
            snprintf(sql, sizeof sql, "DELETE FROM main.run WHERE id = ?1");
        else if (t->has_run_id)
            snprintf(sql, sizeof sql, "DELETE FROM main.\"%s\" WHERE run_id = ?1", t->name);
        else
            continue;
        rc = exec_with_ids(st, sql, id, 0);
    }
    return rc;
}

/* INSERT INTO main.T SELECT ... FROM src.T WHERE run_id = from (as to). */
static int copy_table(store *st, const char *table, int64_t to_id, int64_t from_id)
{
    int is_run = !strcmp(table, "run");
    const char *key = is_run ? "id" : "run_id";
    strbuf cols = {0}, sel = {0}, sql = {0};
    int rc = column_lists(st, table, key, "?1", &cols, &sel);
    strbuf_addf(&sql, "INSERT INTO main.\"%s\" (%s) SELECT %s FROM " ATTACHED ".\"%s\" WHERE %s = ?2",
                table, strbuf_str(&cols), strbuf_str(&sel), table, key);
    if (rc == STORE_OK && (cols.error || sel.error || sql.error))
        rc = store__failf(st, STORE_ERR_NOMEM, "out of memory");
    if (rc == STORE_OK)
        rc = exec_with_ids(st, strbuf_str(&sql), to_id, from_id);
    strbuf_free(&cols);
    strbuf_free(&sel);
    strbuf_free(&sql);
    return rc;
}

/* The daily roll-up of per-tick table `table` of the attached run, as
 * rows of run to_id with tick = days since the run's start. */
static int copy_table_daily(store *st, const char *table, int64_t to_id, int64_t from_id)
{
    strbuf sql = {0};
    int rc = STORE_OK;
    if (!strcmp(table, "tick")) {
        strbuf_add(&sql, "INSERT INTO main.tick (run_id, tick, t, date)"
                         " SELECT ?1, CAST(t / 86400 AS INTEGER) AS day, min(t) - min(t) % 86400,"
                         " substr(min(date), 1, 10) || ' 00:00:00'"
                         " FROM " ATTACHED ".tick WHERE run_id = ?2 GROUP BY day");
    } else {
        rollup_table t;
        int d = rollup_describe(st->db, table, &t);
        if (d < 0)
            return store__fail(st, "describe a per-tick table");
        if (d == 1)
            return STORE_OK;
        strbuf_addf(&sql, "INSERT INTO main.\"%s\" (run_id, tick, \"%s\"", table, t.entity_col);
        for (int i = 0; i < t.n_values; i++)
            if (t.values[i].kind == ROLLUP_LEVEL || t.values[i].kind == ROLLUP_FLOW)
                strbuf_addf(&sql, ", \"%s\"", t.values[i].name);
        strbuf_addf(&sql, ") SELECT ?1, CAST(k.t / 86400 AS INTEGER) AS day, x.\"%s\"",
                    t.entity_col);
        for (int i = 0; i < t.n_values; i++) {
            if (t.values[i].kind == ROLLUP_LEVEL)
                strbuf_addf(&sql, ", avg(x.\"%s\")", t.values[i].name);
            else if (t.values[i].kind == ROLLUP_FLOW)
                strbuf_addf(&sql, ", sum(x.\"%s\")", t.values[i].name);
        }
        strbuf_addf(&sql, " FROM " ATTACHED ".\"%s\" x JOIN " ATTACHED ".tick k"
                          " ON k.run_id = x.run_id AND k.tick = x.tick"
                          " WHERE x.run_id = ?2 GROUP BY day, x.\"%s\" ORDER BY day, x.\"%s\"",
                    table, t.entity_col, t.entity_col);
    }
    if (sql.error)
        rc = store__failf(st, STORE_ERR_NOMEM, "out of memory");
    if (rc == STORE_OK)
        rc = exec_with_ids(st, strbuf_str(&sql), to_id, from_id);
    strbuf_free(&sql);
    return rc;
}

/* Copies run from_id of the attached database as to_id. */
static int copy_run(store *st, const table_info *tables, int n, int64_t to_id, int64_t from_id,
                    store_record record)
{
    int rc = copy_table(st, "run", to_id, from_id);
    for (int i = 0; rc == STORE_OK && i < n; i++) {
        const table_info *t = &tables[i];
        if (!t->has_run_id)
            continue;
        if (t->has_tick && record == STORE_RECORD_SUMMARY)
            continue;
        if (t->has_tick && record == STORE_RECORD_DAILY)
            rc = copy_table_daily(st, t->name, to_id, from_id);
        else
            rc = copy_table(st, t->name, to_id, from_id);
    }
    if (rc == STORE_OK && record == STORE_RECORD_DAILY)
        rc = exec_with_ids(st, "UPDATE main.run SET tick_seconds = 86400,"
                               " ticks = (SELECT count(*) FROM main.tick WHERE run_id = ?1)"
                               " WHERE id = ?1", to_id, 0);
    return rc;
}

static int set_sweep_point(store *st, int64_t id, long point, long replication)
{
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, "UPDATE main.run SET sweep_point = ?2, replication = ?3"
                                " WHERE id = ?1", &s);
    if (rc != STORE_OK)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, point);
    sqlite3_bind_int64(s, 3, replication);
    rc = store__step_done(st, s, "mark the sweep point");
    sqlite3_finalize(s);
    return rc;
}

int store_sweep_merge_run(store *st, const char *run_path, int64_t run_id, long point,
                          long replication, store_record record)
{
    table_info tables[MAX_TABLES];
    int n = 0;
    int rc = list_tables(st, tables, &n);
    if (rc != STORE_OK)
        return rc;
    rc = attach(st, run_path);
    if (rc != STORE_OK)
        return rc;
    int64_t from_id = 0;
    int found = 0;
    rc = query_int(st, "SELECT id FROM " ATTACHED ".run ORDER BY id LIMIT 1", 0, &from_id, &found);
    if (rc == STORE_OK && !found)
        rc = store__failf(st, STORE_ERR_SQLITE, "%s: holds no run", run_path);
    if (rc == STORE_OK)
        rc = store__begin(st);
    if (rc == STORE_OK)
        rc = delete_run(st, tables, n, run_id);
    if (rc == STORE_OK)
        rc = copy_run(st, tables, n, run_id, from_id, record);
    if (rc == STORE_OK)
        rc = set_sweep_point(st, run_id, point, replication);
    if (rc == STORE_OK)
        rc = store__commit(st);
    else
        store__rollback(st);
    detach(st);
    return rc;
}

/* ---- failed runs ---- */

static int insert_event(store *st, int64_t id, int seq, const char *date, const char *kind,
                        const char *message)
{
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, "INSERT INTO main.event_log VALUES (?1, ?2, 0, ?3, ?4, NULL, ?5)",
                            &s);
    if (rc != STORE_OK)
        return rc;
    int b = sqlite3_bind_int64(s, 1, id);
    b |= sqlite3_bind_int(s, 2, seq);
    b |= sqlite3_bind_text(s, 3, date, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(s, 4, kind, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(s, 5, message, -1, SQLITE_STATIC);
    rc = b != SQLITE_OK ? store__fail(st, "bind event") : store__step_done(st, s, "insert event");
    sqlite3_finalize(s);
    return rc;
}

static int insert_failed_row(store *st, const scenario *sc, int64_t id, long point,
                             long replication, uint64_t seed)
{
    const spec *sp = sc->spec;
    char start[20], end[20], now[20];
    caltime_format_since(sp->start_day, 0, start);
    caltime_format_since(sp->start_day, sp->end, end);
    caltime_format((int64_t)time(NULL), now);
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st,
                            "INSERT INTO main.run (id, scenario_name, scenario_path, seed,"
                            " start_date, end_date, tick_seconds, capsim_version, started_at,"
                            " finished_at, status, sweep_point, replication)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, ?8, ?8, 'failed', ?9, ?10)",
                            &s);
    if (rc != STORE_OK)
        return rc;
    int b = sqlite3_bind_int64(s, 1, id);
    b |= bind_text_or_null(s, 2, sp->name);
    b |= bind_text_or_null(s, 3, sc->path);
    b |= sqlite3_bind_int64(s, 4, (sqlite3_int64)seed);
    b |= bind_text_or_null(s, 5, start);
    b |= bind_text_or_null(s, 6, end);
    b |= sqlite3_bind_int64(s, 7, sp->tick_seconds);
    b |= bind_text_or_null(s, 8, now);
    b |= sqlite3_bind_int64(s, 9, point);
    b |= sqlite3_bind_int64(s, 10, replication);
    rc = b != SQLITE_OK ? store__fail(st, "bind failed run")
                        : store__step_done(st, s, "insert failed run");
    sqlite3_finalize(s);
    if (rc == STORE_OK)
        rc = insert_event(st, id, 1, start, "run_failed", "");
    return rc;
}

int store_sweep_record_failed(store *st, const scenario *sc, int64_t run_id, long point,
                              long replication, uint64_t seed, const char *sweep_file,
                              const char *const *paths, const char *const *values,
                              size_t n_paths, const char *reason, const char *stderr_tail)
{
    table_info tables[MAX_TABLES];
    int n = 0;
    int rc = list_tables(st, tables, &n);
    if (rc == STORE_OK)
        rc = store__begin(st);
    if (rc == STORE_OK)
        rc = delete_run(st, tables, n, run_id);
    if (rc == STORE_OK)
        rc = insert_failed_row(st, sc, run_id, point, replication, seed);
    char start[20];
    caltime_format_since(sc->spec->start_day, 0, start);
    /* the reason replaces the placeholder message of insert_failed_row */
    sqlite3_stmt *s = NULL;
    if (rc == STORE_OK)
        rc = store__prepare(st, "UPDATE main.event_log SET message = ?2"
                                " WHERE run_id = ?1 AND seq = 1", &s);
    if (rc == STORE_OK) {
        sqlite3_bind_int64(s, 1, run_id);
        sqlite3_bind_text(s, 2, reason, -1, SQLITE_STATIC);
        rc = store__step_done(st, s, "record the reason");
    }
    sqlite3_finalize(s);
    s = NULL;
    if (rc == STORE_OK && stderr_tail && *stderr_tail)
        rc = insert_event(st, run_id, 2, start, "run_stderr", stderr_tail);
    if (rc == STORE_OK)
        rc = store__prepare(st, "INSERT INTO main.run_param VALUES (?1, ?2, ?3, ?4, 0)", &s);
    for (size_t k = 0; rc == STORE_OK && k < n_paths; k++) {
        int b = sqlite3_bind_int64(s, 1, run_id);
        b |= sqlite3_bind_text(s, 2, paths[k], -1, SQLITE_STATIC);
        b |= sqlite3_bind_text(s, 3, values[k], -1, SQLITE_STATIC);
        b |= bind_text_or_null(s, 4, sweep_file);
        rc = b != SQLITE_OK ? store__fail(st, "bind run_param")
                            : store__step_done(st, s, "insert run_param");
    }
    sqlite3_finalize(s);
    if (rc == STORE_OK)
        return store__commit(st);
    store__rollback(st);
    return rc;
}

/* ---- merging sweep databases ---- */

static int attached_sweep(store *st, const char *in_path, char **text, int64_t *base,
                          int64_t *replications)
{
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, "SELECT file_text, run_id_base, replications FROM " ATTACHED
                                ".sweep ORDER BY id LIMIT 1", &s);
    if (rc != STORE_OK) {
        return store__failf(st, STORE_ERR_SWEEP_INPUT,
                            "%s: not a sweep database (it has no sweep table)", in_path);
    }
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(s, 0);
        *text = strdup(t ? t : "");
        *base = sqlite3_column_int64(s, 1);
        *replications = sqlite3_column_int64(s, 2);
        if (!*text)
            rc = store__failf(st, STORE_ERR_NOMEM, "out of memory");
    } else if (step == SQLITE_DONE) {
        rc = store__failf(st, STORE_ERR_SWEEP_INPUT,
                          "%s: holds no sweep (a database written by `capsim run`?)", in_path);
    } else {
        rc = store__fail(st, in_path);
    }
    sqlite3_finalize(s);
    return rc;
}

/* Copies the sweep row and plan of the attached database. */
static int copy_sweep_rows(store *st)
{
    int rc = store__exec(st, "INSERT INTO main.sweep SELECT * FROM " ATTACHED ".sweep");
    if (rc == STORE_OK)
        rc = store__exec(st, "INSERT INTO main.sweep_param SELECT * FROM " ATTACHED ".sweep_param");
    if (rc == STORE_OK)
        rc = store__exec(st, "UPDATE main.sweep SET run_id_base = "
                             "(SELECT coalesce(max(id), 0) FROM main.run)");
    return rc;
}

static int merge_attached(store *st, const char *in_path, int check_only)
{
    char *in_text = NULL, *out_text = NULL;
    int64_t in_base = 0, out_base = 0, reps = 1;
    int rc = attached_sweep(st, in_path, &in_text, &in_base, &reps);
    int have = rc == STORE_OK ? store_sweep_find(st, &out_text, &out_base) : 0;
    if (have < 0)
        rc = have;
    if (rc == STORE_OK && have && strcmp(in_text, out_text) != 0)
        rc = store__failf(st, STORE_ERR_SWEEP_INPUT,
                          "%s: holds another sweep (its sweep file differs from the one "
                          "merged first); merge only the shards of one sweep", in_path);
    if (rc == STORE_OK && have) {
        int64_t dup_point = 0;
        int found = 0;
        rc = query_int(st, "SELECT r.sweep_point * 1000000000 + r.replication FROM "
                           ATTACHED ".run r JOIN main.run m ON m.sweep_point = r.sweep_point"
                           " AND m.replication = r.replication LIMIT 1", 0, &dup_point, &found);
        if (rc == STORE_OK && found)
            rc = store__failf(st, STORE_ERR_SWEEP_INPUT,
                              "%s: run (point %lld, replication %lld) is already in the output; "
                              "each (point, replication) may come from one input only",
                              in_path, (long long)(dup_point / 1000000000),
                              (long long)(dup_point % 1000000000));
    }
    if (rc == STORE_OK && !check_only) {
        table_info tables[MAX_TABLES];
        int n = 0;
        rc = list_tables(st, tables, &n);
        if (rc == STORE_OK)
            rc = store__begin(st);
        if (rc == STORE_OK && !have) {
            rc = copy_sweep_rows(st);
            if (rc == STORE_OK) {
                int found;
                rc = query_int(st, "SELECT run_id_base FROM main.sweep", 0, &out_base, &found);
            }
        }
        sqlite3_stmt *s = NULL;
        if (rc == STORE_OK)
            rc = store__prepare(st, "SELECT id, sweep_point, replication FROM " ATTACHED ".run"
                                    " WHERE sweep_point IS NOT NULL ORDER BY id", &s);
        int step = SQLITE_DONE;
        while (rc == STORE_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
            int64_t from = sqlite3_column_int64(s, 0);
            int64_t point = sqlite3_column_int64(s, 1), rep = sqlite3_column_int64(s, 2);
            int64_t to = out_base + point * reps + rep + 1;
            rc = copy_run(st, tables, n, to, from, STORE_RECORD_TICKS);
        }
        if (rc == STORE_OK && step != SQLITE_DONE)
            rc = store__fail(st, "read the runs");
        sqlite3_finalize(s);
        if (rc == STORE_OK)
            rc = store__commit(st);
        else
            store__rollback(st);
    }
    free(in_text);
    free(out_text);
    return rc;
}

int store_sweep_merge_db(store *st, const char *in_path, int check_only)
{
    int rc = attach(st, in_path);
    if (rc != STORE_OK)
        return rc;
    char why[1024];
    /* the attached file must be a capsim database: its application_id */
    int64_t app = 0;
    int found = 0;
    rc = query_int(st, "PRAGMA " ATTACHED ".application_id", 0, &app, &found);
    if (rc == STORE_OK && app != STORE_APPLICATION_ID) {
        snprintf(why, sizeof why, "%s: not a capsim database", in_path);
        rc = store__failf(st, STORE_ERR_SWEEP_INPUT, "%s", why);
    }
    if (rc == STORE_OK)
        rc = merge_attached(st, in_path, check_only);
    detach(st);
    return rc;
}
