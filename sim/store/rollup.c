/*
 * rollup: discovery of the per-tick tables and the roll-up SQL. Names that
 * go into SQL come from the database's own catalogue and are quoted as
 * identifiers, so nothing here is injectable from a scenario.
 */
#include "rollup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/strbuf.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

rollup_kind rollup_classify(const char *column, const char *decl_type)
{
    if (!strcmp(column, "run_id") || !strcmp(column, "tick") || ends_with(column, "_id"))
        return ROLLUP_KEY;
    if (decl_type && strstr(decl_type, "TEXT"))
        return ROLLUP_TEXT;
    if (ends_with(column, "_usd") || ends_with(column, "_mwh") || ends_with(column, "_hours"))
        return ROLLUP_FLOW;
    /* counts of events in the tick are summed too */
    if (!strcmp(column, "failures") || !strcmp(column, "interruptions"))
        return ROLLUP_FLOW;
    return ROLLUP_LEVEL;
}

const char *rollup_period_name(rollup_period p)
{
    return p == ROLLUP_DAY ? "daily" : p == ROLLUP_MONTH ? "monthly" : "";
}

static void copy_name(char *dst, const char *src)
{
    snprintf(dst, ROLLUP_NAME_MAX, "%s", src ? src : "");
}

/* 1 when `table` exists with columns id and name. */
static int is_entity_table(sqlite3 *db, const char *table)
{
    sqlite3_stmt *s = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_info(?1)"
                               " WHERE name IN ('id', 'name')", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW)
            found = sqlite3_column_int(s, 0) == 2;
    }
    sqlite3_finalize(s);
    return found;
}

static void add_column(rollup_table *t, const char *name, const char *type, int *has_run,
                       int *has_tick)
{
    rollup_kind k = rollup_classify(name, type);
    if (!strcmp(name, "run_id"))
        *has_run = 1;
    else if (!strcmp(name, "tick"))
        *has_tick = 1;
    else if (k == ROLLUP_KEY && !t->entity_col[0])
        copy_name(t->entity_col, name);
    else if (t->n_values < ROLLUP_COLUMNS_MAX) {
        /* a further id column is exported as stored but not rolled up */
        copy_name(t->values[t->n_values].name, name);
        t->values[t->n_values++].kind = k == ROLLUP_KEY ? ROLLUP_TEXT : k;
    }
}

int rollup_describe(sqlite3 *db, const char *table, rollup_table *t)
{
    memset(t, 0, sizeof *t);
    if (!strcmp(table, "tick"))
        return 1;
    copy_name(t->name, table);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info(?1) ORDER BY cid",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    int has_run = 0, has_tick = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        add_column(t, (const char *)sqlite3_column_text(s, 0),
                   (const char *)sqlite3_column_text(s, 1), &has_run, &has_tick);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return -1;
    if (!has_run || !has_tick)
        return 1;
    if (t->entity_col[0]) {
        char ent[ROLLUP_NAME_MAX];
        copy_name(ent, t->entity_col);
        ent[strlen(ent) - 3] = '\0';
        if (is_entity_table(db, ent))
            copy_name(t->entity, ent);
    }
    copy_name(t->short_name, table);
    if (ends_with(t->short_name, "_tick"))
        t->short_name[strlen(t->short_name) - 5] = '\0';
    return 0;
}

int rollup_tables(sqlite3 *db, rollup_table *out, int max)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                               " ORDER BY rowid", -1, &s, NULL) != SQLITE_OK)
        return -1;
    int n = 0, rc;
    rollup_table t;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int d = rollup_describe(db, (const char *)sqlite3_column_text(s, 0), &t);
        if (d < 0) {
            n = -1;
            break;
        }
        if (d == 0 && n++ < max)
            out[n - 1] = t;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1;
}

/* The period: the day 'YYYY-MM-DD' or the month 'YYYY-MM' (a tick keeps its
 * 'YYYY-MM-DD HH:MM:SS'). Spreadsheets and SQLite's date functions read
 * both; the streaming export labels periods the same way
 * (export_stream_label). */
static const char *period_expr(rollup_period p)
{
    switch (p) {
    case ROLLUP_DAY: return "substr(t.date, 1, 10)";
    case ROLLUP_MONTH: return "substr(t.date, 1, 7)";
    default: return "t.date";
    }
}

/* FROM ... JOIN tick ... [LEFT JOIN entity] [WHERE] */
static void add_from(strbuf *b, const rollup_table *t, const char *where)
{
    strbuf_addf(b, " FROM \"%s\" x JOIN tick t ON t.run_id = x.run_id AND t.tick = x.tick",
                t->name);
    if (t->entity[0])
        strbuf_addf(b, " LEFT JOIN \"%s\" e ON e.run_id = x.run_id AND e.id = x.\"%s\"",
                    t->entity, t->entity_col);
    if (where)
        strbuf_addf(b, " WHERE %s", where);
}

/* GROUP BY (rolled up) and ORDER BY: run, period, entity. */
static void add_tail(strbuf *b, const rollup_table *t, rollup_period p, int order)
{
    if (p != ROLLUP_TICK) {
        strbuf_addf(b, " GROUP BY x.run_id, %s", period_expr(p));
        if (t->entity_col[0])
            strbuf_addf(b, ", x.\"%s\"%s", t->entity_col, t->entity[0] ? ", e.name" : "");
    }
    if (!order)
        return;
    if (p == ROLLUP_TICK)
        strbuf_add(b, " ORDER BY x.run_id, x.tick");
    else
        strbuf_addf(b, " ORDER BY x.run_id, %s", period_expr(p));
    if (t->entity_col[0])
        strbuf_addf(b, ", x.\"%s\"", t->entity_col);
}

static void add_value(strbuf *b, const rollup_column *c, rollup_period p)
{
    if (p == ROLLUP_TICK)
        strbuf_addf(b, ", x.\"%s\"", c->name);
    else
        strbuf_addf(b, ", %s(x.\"%s\") AS \"%s\"", c->kind == ROLLUP_FLOW ? "sum" : "avg",
                    c->name, c->name);
}

static char *long_sql(const rollup_table *t, rollup_period p, const char *where, int order)
{
    strbuf b = {0};
    strbuf_add(&b, "SELECT x.run_id AS run_id");
    if (p == ROLLUP_TICK)
        strbuf_add(&b, ", x.tick AS tick, t.date AS date");
    else
        strbuf_addf(&b, ", %s AS date", period_expr(p));
    if (t->entity_col[0])
        strbuf_addf(&b, ", x.\"%s\" AS \"%s\"", t->entity_col, t->entity_col);
    if (t->entity[0])
        strbuf_addf(&b, ", e.name AS \"%s\"", t->entity);
    if (p != ROLLUP_TICK)
        strbuf_add(&b, ", count(*) AS ticks");
    for (int i = 0; i < t->n_values; i++)
        if (p == ROLLUP_TICK || t->values[i].kind != ROLLUP_TEXT)
            add_value(&b, &t->values[i], p);
    add_from(&b, t, where);
    add_tail(&b, t, p, order);
    if (b.error) {
        strbuf_free(&b);
        return NULL;
    }
    return b.s;
}

char *rollup_long_sql(const rollup_table *t, rollup_period p, const char *where)
{
    return long_sql(t, p, where, 1);
}

char *rollup_series_sql(const rollup_table *t, rollup_period p, const char *column,
                        const char *where)
{
    strbuf b = {0};
    strbuf_addf(&b, "SELECT x.run_id AS run_id, %s AS date, %s", period_expr(p),
                t->entity_col[0] ? "x.\"" : "0");
    if (t->entity_col[0])
        strbuf_addf(&b, "%s\"", t->entity_col);
    strbuf_addf(&b, ", x.\"%s\"", column);
    add_from(&b, t, where);
    add_tail(&b, t, ROLLUP_TICK, 1);
    if (b.error) {
        strbuf_free(&b);
        return NULL;
    }
    return b.s;
}

static int view_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *s = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = ?1",
                           -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
        found = sqlite3_step(s) == SQLITE_ROW;
    }
    sqlite3_finalize(s);
    return found;
}

static int create_view(sqlite3 *db, const rollup_table *t, rollup_period p, int temp)
{
    char name[2 * ROLLUP_NAME_MAX];
    snprintf(name, sizeof name, "%s_%s", t->short_name, rollup_period_name(p));
    if (temp && view_exists(db, name))
        return 0;
    char *select = long_sql(t, p, NULL, 0);
    if (!select)
        return -1;
    strbuf b = {0};
    strbuf_addf(&b, "CREATE %sVIEW IF NOT EXISTS \"%s\" AS %s", temp ? "TEMP " : "", name,
                select);
    free(select);
    const char *sql = strbuf_str(&b);
    int rc = sql && sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
    strbuf_free(&b);
    return rc;
}

int rollup_ensure_views(sqlite3 *db, int temp)
{
    rollup_table tables[16];
    int n = rollup_tables(db, tables, 16);
    if (n < 0)
        return -1;
    for (int i = 0; i < n && i < 16; i++)
        if (create_view(db, &tables[i], ROLLUP_DAY, temp) != 0 ||
            create_view(db, &tables[i], ROLLUP_MONTH, temp) != 0)
            return -1;
    return 0;
}
