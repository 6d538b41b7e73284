/*
 * store_tick: the hot path (one tick's rows) and the rest of a run's
 * lifecycle: events, metrics, and the end of the run.
 *
 * Each per-tick entity table is written with multi-row INSERT statements
 * (STORE_ROWS_PER_INSERT rows each), which cost far less per row than
 * single-row ones. A tick binds only what changes: the tick index once per
 * statement, the first entity id per statement, then each row's values.
 * The run id was bound when the statements were prepared and survives
 * sqlite3_reset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"
#include "../util/caltime.h"

static int no_run(store *st, const char *fn)
{
    return store__failf(st, STORE_ERR_SQLITE, "%s: no run is open (call store_begin_run)", fn);
}

/* ---- per-tick statements ------------------------------------------- */

/* Binds one row's values from column `at` on; returns the OR of the
 * sqlite3_bind_* codes (SQLITE_OK when all succeeded). */
typedef int (*bind_row_fn)(sqlite3_stmt *s, int at, const void *row);

static int bind_dc(sqlite3_stmt *s, int at, const void *row)
{
    const market_dc_row *r = row;
    int b = sqlite3_bind_int64(s, at, r->installed);
    b |= sqlite3_bind_int64(s, at + 1, r->healthy);
    b |= sqlite3_bind_int64(s, at + 2, r->failed);
    b |= sqlite3_bind_int64(s, at + 3, r->maintenance);
    b |= sqlite3_bind_int64(s, at + 4, r->allocated);
    b |= sqlite3_bind_double(s, at + 5, r->busy);
    b |= sqlite3_bind_double(s, at + 6, r->mean_utilisation);
    b |= sqlite3_bind_double(s, at + 7, r->power_mw);
    b |= sqlite3_bind_double(s, at + 8, r->energy_mwh);
    return b | sqlite3_bind_int64(s, at + 9, r->failures);
}

static int bind_provider(sqlite3_stmt *s, int at, const void *row)
{
    const market_provider_row *r = row;
    int b = sqlite3_bind_int64(s, at, r->owned);
    b |= sqlite3_bind_int64(s, at + 1, r->leased_in);
    b |= sqlite3_bind_int64(s, at + 2, r->leased_out);
    b |= sqlite3_bind_int64(s, at + 3, r->pool);
    b |= sqlite3_bind_double(s, at + 4, r->used);
    b |= sqlite3_bind_double(s, at + 5, r->utilisation);
    b |= sqlite3_bind_double(s, at + 6, r->demand_h100);
    b |= sqlite3_bind_double(s, at + 7, r->served_h100);
    b |= sqlite3_bind_double(s, at + 8, r->shortfall_h100);
    b |= sqlite3_bind_double(s, at + 9, r->revenue_usd);
    b |= sqlite3_bind_double(s, at + 10, r->lease_cost_usd);
    b |= sqlite3_bind_double(s, at + 11, r->energy_cost_usd);
    b |= sqlite3_bind_double(s, at + 12, r->depreciation_usd);
    b |= sqlite3_bind_double(s, at + 13, r->opex_usd);
    b |= sqlite3_bind_double(s, at + 14, r->interest_usd);
    return b | sqlite3_bind_double(s, at + 15, r->margin_usd);
}

static int bind_contract(sqlite3_stmt *s, int at, const void *row)
{
    const market_contract_row *r = row;
    int b = sqlite3_bind_int(s, at, r->active);
    b |= sqlite3_bind_int64(s, at + 1, r->committed);
    b |= sqlite3_bind_int64(s, at + 2, r->delivered);
    b |= sqlite3_bind_double(s, at + 3, r->used);
    b |= sqlite3_bind_double(s, at + 4, r->utilisation);
    b |= sqlite3_bind_double(s, at + 5, r->payment_usd);
    b |= sqlite3_bind_double(s, at + 6, r->sla_credit_usd);
    b |= sqlite3_bind_int64(s, at + 7, r->preempted);
    b |= sqlite3_bind_double(s, at + 8, r->fee_usd);
    b |= sqlite3_bind_double(s, at + 9, r->price_per_gpu_hour);
    b |= sqlite3_bind_int64(s, at + 10, r->lessor_unleased);
    return b | sqlite3_bind_int64(s, at + 11, r->undelivered);
}

static int bind_workload(sqlite3_stmt *s, int at, const void *row)
{
    const market_workload_row *r = row;
    int b = sqlite3_bind_double(s, at, r->demand_h100);
    b |= sqlite3_bind_double(s, at + 1, r->capacity_h100);
    b |= sqlite3_bind_double(s, at + 2, r->served_h100);
    b |= sqlite3_bind_double(s, at + 3, r->shortfall_h100);
    b |= sqlite3_bind_int64(s, at + 4, r->jobs_running);
    b |= sqlite3_bind_int64(s, at + 5, r->jobs_queued);
    b |= sqlite3_bind_double(s, at + 6, r->goodput_h100_hours);
    b |= sqlite3_bind_int64(s, at + 7, r->interruptions);
    return b | sqlite3_bind_double(s, at + 8, r->lost_gpu_hours);
}

/* How each per-tick entity table is written. Indexed by STORE_*_TICK. */
static const struct {
    const char *name;
    int n_values;             /* value columns after (run_id, tick, <entity>_id) */
    size_t row_size;
    bind_row_fn bind;
} tick_tables[STORE_N_TICK_TABLES] = {
    {"dc_tick", 10, sizeof(market_dc_row), bind_dc},
    {"provider_tick", 16, sizeof(market_provider_row), bind_provider},
    {"contract_tick", 12, sizeof(market_contract_row), bind_contract},
    {"workload_tick", 9, sizeof(market_workload_row), bind_workload},
};

/* "INSERT INTO t VALUES (?1,?2,?3+0,?4,..),(?1,?2,?3+1,..)" for `rows` rows. */
static int prepare_multi_row(store *st, int table, size_t rows, sqlite3_stmt **out)
{
    const int n_values = tick_tables[table].n_values;
    size_t cap = 64 + rows * (32 + 8 * (size_t)n_values), len = 0;
    char *sql = malloc(cap);
    if (!sql)
        return store__failf(st, STORE_ERR_NOMEM, "out of memory preparing %s",
                            tick_tables[table].name);
    len += (size_t)snprintf(sql, cap, "INSERT INTO %s VALUES ", tick_tables[table].name);
    for (size_t r = 0; r < rows; r++) {
        len += (size_t)snprintf(sql + len, cap - len, "%s(?1,?2,?3+%zu", r ? "," : "", r);
        for (int c = 0; c < n_values; c++)
            len += (size_t)snprintf(sql + len, cap - len, ",?%zu", 4 + r * (size_t)n_values
                                                                   + (size_t)c);
        len += (size_t)snprintf(sql + len, cap - len, ")");
    }
    int rc = store__prepare(st, sql, out);
    free(sql);
    if (rc == STORE_OK && sqlite3_bind_int64(*out, 1, st->run_id) != SQLITE_OK)
        rc = store__fail(st, "bind run id");
    return rc;
}

int store__prepare_tick_statements(store *st)
{
    for (int i = 0; i < STORE_N_TICK_TABLES; i++) {
        store_tick_table *tt = &st->tables[i];
        sqlite3_finalize(tt->full);
        sqlite3_finalize(tt->rest);
        tt->full = tt->rest = NULL;
        tt->chunk = tt->n < STORE_ROWS_PER_INSERT ? tt->n : STORE_ROWS_PER_INSERT;
        int rc = tt->chunk ? prepare_multi_row(st, i, tt->chunk, &tt->full) : STORE_OK;
        if (rc == STORE_OK && tt->chunk && tt->n % tt->chunk)
            rc = prepare_multi_row(st, i, tt->n % tt->chunk, &tt->rest);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* ---- one tick ------------------------------------------------------- */

/* Writes one entity table's rows for the tick whose index is bound. */
static int write_table(store *st, int table, const void *rows)
{
    const store_tick_table *tt = &st->tables[table];
    const size_t row_size = tick_tables[table].row_size;
    const int n_values = tick_tables[table].n_values;
    for (size_t base = 0; base < tt->n; base += tt->chunk) {
        const size_t k = tt->n - base < tt->chunk ? tt->n - base : tt->chunk;
        sqlite3_stmt *s = k == tt->chunk ? tt->full : tt->rest;
        int b = sqlite3_bind_int64(s, 3, (sqlite3_int64)base);
        for (size_t r = 0; r < k; r++)
            b |= tick_tables[table].bind(s, 4 + (int)r * n_values,
                                         (const char *)rows + (base + r) * row_size);
        if (b != SQLITE_OK)
            return store__fail(st, tick_tables[table].name);
        int rc = store__step_done(st, s, tick_tables[table].name);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* Binds the tick index (?2) of every per-tick statement and writes the
 * tick row. */
static int write_tick_row(store *st, int64_t tick_index, int64_t t)
{
    int b = sqlite3_bind_int64(st->insert_tick, 2, tick_index);
    for (int i = 0; i < STORE_N_TICK_TABLES; i++) {
        if (st->tables[i].full)
            b |= sqlite3_bind_int64(st->tables[i].full, 2, tick_index);
        if (st->tables[i].rest)
            b |= sqlite3_bind_int64(st->tables[i].rest, 2, tick_index);
    }
    b |= sqlite3_bind_int64(st->insert_tick, 3, t);
    b |= sqlite3_bind_text(st->insert_tick, 4, st->date, -1, SQLITE_STATIC);
    if (b != SQLITE_OK)
        return store__fail(st, "bind tick");
    return store__step_done(st, st->insert_tick, "insert tick");
}

/* After a failed tick: deletes whatever part of it was stored, so that
 * every stored tick is whole. Keeps the error message of the failure. */
static void undo_partial_tick(store *st, int64_t tick_index)
{
    static const char *const tables[] = {"tick", "dc_tick", "provider_tick", "contract_tick",
                                         "workload_tick"};
    if (sqlite3_get_autocommit(st->db)) {  /* SQLite rolled the transaction back */
        st->in_tx = 0;
        st->ticks_in_tx = 0;
        return;
    }
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE run_id = %lld AND tick = %lld",
                 tables[i], (long long)st->run_id, (long long)tick_index);
        sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    }
}

static int write_tick_rows(store *st, const market *m)
{
    const void *rows[STORE_N_TICK_TABLES] = {market_dc_rows(m), market_provider_rows(m),
                                             market_contract_rows(m), market_workload_rows(m)};
    for (int i = 0; i < STORE_N_TICK_TABLES; i++) {
        int rc = write_table(st, i, rows[i]);
        if (rc != STORE_OK)
            return rc;
        st->rows_written += st->tables[i].n;
    }
    return STORE_OK;
}

int store_write_tick(store *st, const market *m, int64_t tick_index, int64_t t)
{
    if (!st->insert_tick)
        return no_run(st, "store_write_tick");
    int rc = store__begin(st);  /* a no-op unless an error ended the last one */
    if (rc != STORE_OK)
        return rc;
    int changed = 0;
    rc = store__add_new_entities(st, m, &changed);
    if (rc == STORE_OK && changed)  /* at signings and build decisions only */
        rc = store__prepare_tick_statements(st);
    if (rc != STORE_OK)
        return rc;
    store__date(st, t, st->date);
    uint64_t rows_before = st->rows_written;
    rc = write_tick_row(st, tick_index, t);
    if (rc == STORE_OK)
        rc = write_tick_rows(st, m);
    if (rc != STORE_OK) {
        st->rows_written = rows_before;
        undo_partial_tick(st, tick_index);
        return rc;
    }
    st->rows_written++;
    if (++st->ticks_in_tx < STORE_TICKS_PER_COMMIT)
        return STORE_OK;
    st->ticks_in_tx = 0;
    rc = store__commit(st);
    return rc == STORE_OK ? store__begin(st) : rc;
}

/* ---- events and metrics --------------------------------------------- */

int store_log_event(store *st, int64_t t, const char *kind, const char *entity,
                    const char *message)
{
    if (!st->insert_event)
        return no_run(st, "store_log_event");
    char date[20];
    store__date(st, t, date);
    sqlite3_stmt *s = st->insert_event;
    int b = sqlite3_bind_int64(s, 2, st->event_seq + 1);
    b |= sqlite3_bind_int64(s, 3, t);
    b |= sqlite3_bind_text(s, 4, date, -1, SQLITE_TRANSIENT);
    b |= sqlite3_bind_text(s, 5, kind ? kind : "", -1, SQLITE_TRANSIENT);
    b |= entity ? sqlite3_bind_text(s, 6, entity, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, 6);
    b |= message ? sqlite3_bind_text(s, 7, message, -1, SQLITE_TRANSIENT)
                 : sqlite3_bind_null(s, 7);
    if (b != SQLITE_OK)
        return store__fail(st, "bind event_log");
    int rc = store__step_done(st, s, "insert event_log");
    if (rc == STORE_OK) {
        st->event_seq++;
        st->rows_written++;
    }
    return rc;
}

/* Works during a run and after store_end_run (for the last run). */
int store_metric(store *st, const char *metric, double value)
{
    if (st->run_id <= 0)
        return no_run(st, "store_metric");
    sqlite3_stmt *s = st->insert_metric;
    sqlite3_stmt *one_off = NULL;
    if (!s) {
        int rc = store__prepare(st, "INSERT OR REPLACE INTO run_metric VALUES (?1,?2,?3)",
                                &one_off);
        if (rc != STORE_OK)
            return rc;
        s = one_off;
    }
    int b = sqlite3_bind_int64(s, 1, st->run_id);
    b |= sqlite3_bind_text(s, 2, metric, -1, SQLITE_TRANSIENT);
    b |= sqlite3_bind_double(s, 3, value);
    int rc = b != SQLITE_OK ? store__fail(st, "bind run_metric")
                            : store__step_done(st, s, "insert run_metric");
    st->rows_written += rc == STORE_OK;
    sqlite3_finalize(one_off);
    return rc;
}

/* Reads one run_metric of the current (or last) run. Returns 1 and sets
 * *value when the metric exists, 0 when it does not, or a negative
 * store_status on error. */
int store_get_metric(store *st, const char *metric, double *value)
{
    if (st->run_id <= 0)
        return no_run(st, "store_get_metric");
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, "SELECT value FROM run_metric WHERE run_id = ?1 AND metric = ?2",
                            &s);
    if (rc != STORE_OK)
        return rc;
    int b = sqlite3_bind_int64(s, 1, st->run_id);
    b |= sqlite3_bind_text(s, 2, metric, -1, SQLITE_TRANSIENT);
    int found = 0;
    if (b != SQLITE_OK) {
        found = store__fail(st, "bind run_metric lookup");
    } else {
        int step = sqlite3_step(s);
        if (step == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
            *value = sqlite3_column_double(s, 0);
            found = 1;
        } else if (step != SQLITE_ROW && step != SQLITE_DONE) {
            found = store__fail(st, "run_metric lookup");
        }
    }
    sqlite3_finalize(s);
    return found;
}

/* ---- end of run ----------------------------------------------------- */

static const char *run_status_name(store_run_status s)
{
    switch (s) {
    case STORE_RUN_RUNNING: return "running";
    case STORE_RUN_COMPLETE: return "complete";
    case STORE_RUN_INTERRUPTED: return "interrupted";
    case STORE_RUN_FAILED: return "failed";
    }
    return "failed";
}

static int update_run(store *st, store_run_status status, double wall_seconds,
                      uint64_t events_processed)
{
    sqlite3_stmt *s = NULL;
    char now[20];
    int rc = store__prepare(st, "UPDATE run SET status = ?2, finished_at = ?3,"
                            " wall_seconds = ?4, events_processed = ?5,"
                            " ticks = (SELECT count(*) FROM tick WHERE run_id = ?1)"
                            " WHERE id = ?1", &s);
    if (rc != STORE_OK)
        return rc;
    caltime_format((int64_t)time(NULL), now);
    int b = sqlite3_bind_int64(s, 1, st->run_id);
    b |= sqlite3_bind_text(s, 2, run_status_name(status), -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_double(s, 4, wall_seconds);
    b |= sqlite3_bind_int64(s, 5, (sqlite3_int64)events_processed);
    rc = b != SQLITE_OK ? store__fail(st, "bind run update")
                        : store__step_done(st, s, "update run");
    sqlite3_finalize(s);
    return rc;
}

/* Metrics and the run row change in one transaction. If the metrics fail,
 * the run is recorded as 'failed' on its own, so the run row never claims
 * 'running' for a run that ended, nor 'complete' for one whose last ticks
 * or metrics were not kept. Returns the first error. */
int store_end_run(store *st, store_run_status status, double wall_seconds,
                  uint64_t events_processed)
{
    if (st->run_id <= 0)
        return no_run(st, "store_end_run");
    char first_msg[sizeof st->errmsg];
    int first = store__commit(st);
    if (first != STORE_OK) {
        memcpy(first_msg, st->errmsg, sizeof first_msg);
        store__rollback(st);
    }
    store__finalize_run_statements(st);
    if (first != STORE_OK)
        status = STORE_RUN_FAILED;   /* ticks were lost: never 'complete' */
    int rc = store__begin(st);
    if (rc == STORE_OK)
        rc = store__compute_metrics(st);
    if (rc == STORE_OK)
        rc = update_run(st, status, wall_seconds, events_processed);
    if (rc == STORE_OK)
        rc = store__commit(st);
    if (rc != STORE_OK) {
        char keep[sizeof st->errmsg];
        memcpy(keep, st->errmsg, sizeof keep);
        store__rollback(st);
        update_run(st, STORE_RUN_FAILED, wall_seconds, events_processed);
        memcpy(st->errmsg, keep, sizeof keep);
    }
    if (first != STORE_OK)
        memcpy(st->errmsg, first_msg, sizeof first_msg);
    return first != STORE_OK ? first : rc;
}
