/*
 * store_search: the search and search_probe tables and the plan of a search
 * growing one point per probe (see store_search.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "store_search.h"

static const char schema_search[] =
    "CREATE TABLE IF NOT EXISTS search ("
    " sweep_id INTEGER PRIMARY KEY REFERENCES sweep(id),"
    " path TEXT NOT NULL,"
    " target TEXT NOT NULL,"
    " metric TEXT NOT NULL,"
    " op TEXT NOT NULL,"
    " threshold REAL NOT NULL,"
    " lo REAL NOT NULL, hi REAL NOT NULL, step REAL NOT NULL,"
    " largest INTEGER NOT NULL,"
    " replications INTEGER NOT NULL,"
    " confidence REAL NOT NULL,"
    " outcome TEXT NOT NULL,"
    " answer TEXT,"
    " answer_point INTEGER,"
    " neighbour_point INTEGER);"
    "CREATE TABLE IF NOT EXISTS search_probe ("
    " sweep_id INTEGER NOT NULL REFERENCES sweep(id),"
    " point INTEGER NOT NULL,"
    " grid_index INTEGER NOT NULL,"
    " value TEXT NOT NULL,"
    " mean REAL, low REAL, high REAL,"
    " runs INTEGER NOT NULL,"
    " holds INTEGER NOT NULL,"
    " PRIMARY KEY (sweep_id, point)) WITHOUT ROWID;";

int store_search_begin(store *st, const store_search_info *info)
{
    int rc = store__exec(st, schema_search);
    sqlite3_stmt *s = NULL;
    if (rc == STORE_OK)
        rc = store__prepare(st, "INSERT INTO search VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                                " ?9, ?10, ?11, 'running', NULL, NULL, NULL)", &s);
    if (rc != STORE_OK)
        return rc;
    int b = sqlite3_bind_text(s, 1, info->path, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(s, 2, info->target, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(s, 3, info->metric, -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(s, 4, info->op, -1, SQLITE_STATIC);
    b |= sqlite3_bind_double(s, 5, info->threshold);
    b |= sqlite3_bind_double(s, 6, info->lo);
    b |= sqlite3_bind_double(s, 7, info->hi);
    b |= sqlite3_bind_double(s, 8, info->step);
    b |= sqlite3_bind_int(s, 9, info->largest != 0);
    b |= sqlite3_bind_int64(s, 10, info->replications);
    b |= sqlite3_bind_double(s, 11, info->confidence);
    rc = b != SQLITE_OK ? store__fail(st, "bind search") : store__step_done(st, s, "insert search");
    sqlite3_finalize(s);
    return rc;
}

int store_search_add_point(store *st, long point, const char *const *paths,
                           const char *const *values, size_t n_paths, long replications)
{
    sqlite3_stmt *s = NULL, *u = NULL;
    int rc = store__begin(st);
    if (rc == STORE_OK)
        rc = store__prepare(st, "INSERT INTO sweep_param VALUES (1, ?1, ?2, ?3)", &s);
    for (size_t k = 0; rc == STORE_OK && k < n_paths; k++) {
        int b = sqlite3_bind_text(s, 1, paths[k], -1, SQLITE_STATIC);
        b |= sqlite3_bind_int64(s, 2, point);
        b |= sqlite3_bind_text(s, 3, values[k], -1, SQLITE_STATIC);
        rc = b != SQLITE_OK ? store__fail(st, "bind sweep_param")
                            : store__step_done(st, s, "insert sweep_param");
    }
    if (rc == STORE_OK)
        rc = store__prepare(st, "UPDATE sweep SET points = ?1, runs = ?2 WHERE id = 1", &u);
    if (rc == STORE_OK) {
        int b = sqlite3_bind_int64(u, 1, point + 1);
        b |= sqlite3_bind_int64(u, 2, (point + 1) * replications);
        rc = b != SQLITE_OK ? store__fail(st, "bind sweep") : store__step_done(st, u, "update sweep");
    }
    sqlite3_finalize(s);
    sqlite3_finalize(u);
    if (rc == STORE_OK)
        return store__commit(st);
    store__rollback(st);
    return rc;
}

int store_search_record_probe(store *st, const store_search_probe *p)
{
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, "INSERT INTO search_probe VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                                " ?8)", &s);
    if (rc != STORE_OK)
        return rc;
    int b = sqlite3_bind_int64(s, 1, p->point);
    b |= sqlite3_bind_int64(s, 2, (sqlite3_int64)p->grid_index);
    b |= sqlite3_bind_text(s, 3, p->value, -1, SQLITE_STATIC);
    b |= sqlite3_bind_double(s, 4, p->mean);
    b |= p->runs > 1 ? sqlite3_bind_double(s, 5, p->low) : sqlite3_bind_null(s, 5);
    b |= p->runs > 1 ? sqlite3_bind_double(s, 6, p->high) : sqlite3_bind_null(s, 6);
    b |= sqlite3_bind_int64(s, 7, p->runs);
    b |= sqlite3_bind_int(s, 8, p->holds != 0);
    rc = b != SQLITE_OK ? store__fail(st, "bind search_probe")
                        : store__step_done(st, s, "insert search_probe");
    sqlite3_finalize(s);
    return rc;
}

int store_search_finish(store *st, const char *outcome, const char *answer, long answer_point,
                        long neighbour_point)
{
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, "UPDATE search SET outcome = ?1, answer = ?2, answer_point = ?3,"
                                " neighbour_point = ?4 WHERE sweep_id = 1", &s);
    if (rc != STORE_OK)
        return rc;
    int b = sqlite3_bind_text(s, 1, outcome, -1, SQLITE_STATIC);
    b |= answer ? sqlite3_bind_text(s, 2, answer, -1, SQLITE_STATIC) : sqlite3_bind_null(s, 2);
    b |= answer_point >= 0 ? sqlite3_bind_int64(s, 3, answer_point) : sqlite3_bind_null(s, 3);
    b |= neighbour_point >= 0 ? sqlite3_bind_int64(s, 4, neighbour_point)
                              : sqlite3_bind_null(s, 4);
    rc = b != SQLITE_OK ? store__fail(st, "bind search") : store__step_done(st, s, "update search");
    sqlite3_finalize(s);
    return rc;
}

int store_search_metric(store *st, int64_t run_id, const char *metric, double *value)
{
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, "SELECT value FROM run_metric WHERE run_id = ?1 AND metric = ?2",
                            &s);
    if (rc != STORE_OK)
        return rc;
    int found = 0;
    if (sqlite3_bind_int64(s, 1, run_id) != SQLITE_OK ||
        sqlite3_bind_text(s, 2, metric, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = store__fail(st, "bind run_metric");
    } else {
        int step = sqlite3_step(s);
        if (step == SQLITE_ROW) {
            *value = sqlite3_column_double(s, 0);
            found = 1;
        } else if (step != SQLITE_DONE) {
            rc = store__fail(st, "read run_metric");
        }
    }
    sqlite3_finalize(s);
    return rc != STORE_OK ? rc : found;
}

void store_search_free_names(char **names)
{
    for (size_t i = 0; names && names[i]; i++)
        free(names[i]);
    free(names);
}

int store_search_metric_names(store *st, int64_t run_id, char ***names)
{
    sqlite3_stmt *s = NULL;
    *names = NULL;
    int rc = store__prepare(st, "SELECT metric FROM run_metric WHERE run_id = ?1 ORDER BY metric",
                            &s);
    if (rc != STORE_OK)
        return rc;
    size_t n = 0, cap = 0;
    char **list = NULL;
    sqlite3_bind_int64(s, 1, run_id);
    int step = SQLITE_DONE;
    while (rc == STORE_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        if (n + 2 > cap) {
            char **grown = realloc(list, (cap = cap ? 2 * cap : 64) * sizeof *grown);
            if (!grown) {
                rc = store__failf(st, STORE_ERR_NOMEM, "out of memory");
                break;
            }
            list = grown;
        }
        const char *name = (const char *)sqlite3_column_text(s, 0);
        list[n] = strdup(name ? name : "");
        list[n + 1] = NULL;
        if (!list[n])
            rc = store__failf(st, STORE_ERR_NOMEM, "out of memory");
        else
            n++;
    }
    if (rc == STORE_OK && step != SQLITE_DONE)
        rc = store__fail(st, "read run_metric");
    sqlite3_finalize(s);
    if (rc != STORE_OK) {
        store_search_free_names(list);
        return rc;
    }
    if (!list && !(list = calloc(1, sizeof *list)))
        return store__failf(st, STORE_ERR_NOMEM, "out of memory");
    *names = list;
    return STORE_OK;
}
