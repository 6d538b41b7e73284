/*
 * store_tick: the hot path and the rest of a run's lifecycle. On the
 * simulation thread, store_write_tick copies the tick's rows out of the
 * market (through its row accessors), with the datacenters and contracts
 * added since the last tick, into a ring slot, and store_log_event adds
 * events to the same slot; on the writer thread, store__write_snapshot
 * inserts a slot: events, new entities, then the tick. store_end_run lets
 * the writer drain, then inserts the metrics and closes the run.
 *
 * Each per-tick entity table is written with multi-row INSERT statements
 * (STORE_ROWS_PER_INSERT rows each), which cost far less per row than
 * single-row ones. A tick binds only what changes: the tick index once per
 * statement, the first entity id per statement, then each row's values.
 * The run id was bound when the statements were prepared and survives
 * sqlite3_reset.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"
#include "../util/caltime.h"
#include "../util/grow.h"

static int no_run(store *st, const char *fn)
{
    return store__failf(st, STORE_ERR_SQLITE, "%s: no run is open (call store_begin_run)", fn);
}

/* ---- per-tick statements ------------------------------------------- */

/* "INSERT INTO t VALUES (?1,?2,?3+0,?4,..),(?1,?2,?3+1,..)" for `rows` rows,
 * generated from the table's columns (store_rows.c). */
static int prepare_multi_row(store *st, int table, size_t rows, sqlite3_stmt **out)
{
    char *sql = store_rows_insert_sql(store_rows_table(table), rows);
    if (!sql)
        return store__failf(st, STORE_ERR_NOMEM, "out of memory preparing %s",
                            store_rows_table(table)->name);
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

/* ---- taking a snapshot (simulation thread) -------------------------- */

/* Copies n elements of `size` bytes into a slot buffer grown as needed. */
static int copy_into(void **buf, size_t *cap, const void *src, size_t n, size_t size)
{
    if (grow_reserve(buf, cap, n, 16, size) != CAPSIM_OK)
        return STORE_ERR_NOMEM;
    if (n)
        memcpy(*buf, src, n * size);
    return STORE_OK;
}

/* The datacenters (with their phases) and contracts the market added since
 * the last snapshot, copied into the slot. */
static int copy_new_entities(store *st, store_snapshot *s, const market *m)
{
    const size_t nd = market_n_datacenters(m), nc = market_n_contracts(m);
    if (nd > st->snap_dcs) {
        s->first_new_dc = st->snap_dcs;
        s->n_new_dcs = nd - st->snap_dcs;
        if (grow_reserve((void **)&s->new_dcs, &s->cap_new_dcs, s->n_new_dcs, 4,
                         sizeof *s->new_dcs) != CAPSIM_OK)
            return STORE_ERR_NOMEM;
        for (size_t i = 0; i < s->n_new_dcs; i++)
            s->new_dcs[i] = *market_datacenter(m, st->snap_dcs + i);
        for (size_t i = 0; i < market_n_phases(m); i++) {
            const spec_phase *p = market_phase(m, i);
            if (p->datacenter < 0 || (size_t)p->datacenter < st->snap_dcs
                || (size_t)p->datacenter >= nd)
                continue;
            if (grow_reserve((void **)&s->new_phases, &s->cap_new_phases, s->n_new_phases + 1, 4,
                             sizeof *s->new_phases) != CAPSIM_OK)
                return STORE_ERR_NOMEM;
            s->new_phases[s->n_new_phases++] = (store_phase_copy){.index = i, .phase = *p};
        }
    }
    if (nc > st->snap_contracts) {
        s->first_new_contract = st->snap_contracts;
        s->n_new_contracts = nc - st->snap_contracts;
        if (grow_reserve((void **)&s->new_contracts, &s->cap_new_contracts, s->n_new_contracts,
                         4, sizeof *s->new_contracts) != CAPSIM_OK)
            return STORE_ERR_NOMEM;
        for (size_t i = 0; i < s->n_new_contracts; i++)
            s->new_contracts[i] = *market_contract(m, st->snap_contracts + i);
    }
    st->snap_dcs = nd;
    st->snap_contracts = nc;
    return STORE_OK;
}

static int take_snapshot(store *st, store_snapshot *s, const market *m, int64_t tick_index,
                         int64_t t)
{
    int rc = copy_new_entities(st, s, m);
    const void *rows[STORE_N_TICK_TABLES] = {market_dc_rows(m), market_provider_rows(m),
                                             market_contract_rows(m), market_workload_rows(m)};
    const size_t n[STORE_N_TICK_TABLES] = {st->snap_dcs, market_spec(m)->n_providers,
                                           st->snap_contracts, market_spec(m)->n_workloads};
    for (int i = 0; rc == STORE_OK && i < STORE_N_TICK_TABLES; i++) {
        rc = copy_into(&s->rows[i], &s->cap[i], rows[i], n[i], store_rows_table(i)->row_size);
        s->n[i] = n[i];
    }
    if (rc != STORE_OK)
        return rc;
    s->has_tick = 1;
    s->tick_index = tick_index;
    s->tick.t = t;
    store__date(st, t, s->tick.date);
    return STORE_OK;
}

int store_write_tick(store *st, const market *m, int64_t tick_index, int64_t t)
{
    if (!st->insert_tick || !st->writer)
        return no_run(st, "store_write_tick");
    int rc = store__writer_failed(st);
    if (rc != STORE_OK)
        return rc;  /* nothing more is handed over after a failure */
    if (take_snapshot(st, store__writer_slot(st), m, tick_index, t) != STORE_OK) {
        (void)store__writer_stop(st);  /* the connection is ours again, and errmsg */
        return store__failf(st, STORE_ERR_NOMEM, "out of memory taking the snapshot of tick "
                            "%lld", (long long)tick_index);
    }
    store__writer_publish(st);
    return STORE_OK;
}

/* ---- writing a snapshot (writer thread) ----------------------------- */

/* Writes one entity table's rows for the tick whose index is bound. */
static int write_table(store *st, int table, const void *rows)
{
    const store_tick_table *tt = &st->tables[table];
    const store_row_table *desc = store_rows_table(table);
    const int n_values = (int)desc->n_columns;
    for (size_t base = 0; base < tt->n; base += tt->chunk) {
        const size_t k = tt->n - base < tt->chunk ? tt->n - base : tt->chunk;
        sqlite3_stmt *s = k == tt->chunk ? tt->full : tt->rest;
        int b = sqlite3_bind_int64(s, 3, (sqlite3_int64)base);
        for (size_t r = 0; r < k; r++)
            b |= store_rows_bind(s, 4 + (int)r * n_values, desc,
                                 (const char *)rows + (base + r) * desc->row_size);
        if (b != SQLITE_OK)
            return store__fail(st, desc->name);
        int rc = store__step_done(st, s, desc->name);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* Binds the tick index (?2) of every per-tick statement and writes the
 * tick row. */
static int write_tick_row(store *st, const store_snapshot *snap)
{
    int b = sqlite3_bind_int64(st->insert_tick, 2, snap->tick_index);
    for (int i = 0; i < STORE_N_TICK_TABLES; i++) {
        if (st->tables[i].full)
            b |= sqlite3_bind_int64(st->tables[i].full, 2, snap->tick_index);
        if (st->tables[i].rest)
            b |= sqlite3_bind_int64(st->tables[i].rest, 2, snap->tick_index);
    }
    b |= store_rows_bind(st->insert_tick, 3, store_rows_tick(), &snap->tick);
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

static int write_event(store *st, const store_snapshot *snap, const store_event_copy *e)
{
    char date[20];
    store__date(st, e->t, date);
    sqlite3_stmt *s = st->insert_event;
    const char *text = snap->text;
    int b = sqlite3_bind_int64(s, 2, e->seq);
    b |= sqlite3_bind_int64(s, 3, e->t);
    b |= sqlite3_bind_text(s, 4, date, -1, SQLITE_TRANSIENT);
    b |= sqlite3_bind_text(s, 5, text + e->kind, -1, SQLITE_STATIC);
    b |= e->entity != STORE_NO_TEXT ? sqlite3_bind_text(s, 6, text + e->entity, -1, SQLITE_STATIC)
                                    : sqlite3_bind_null(s, 6);
    b |= e->message != STORE_NO_TEXT ? sqlite3_bind_text(s, 7, text + e->message, -1,
                                                         SQLITE_STATIC)
                                     : sqlite3_bind_null(s, 7);
    if (b != SQLITE_OK)
        return store__fail(st, "bind event_log");
    int rc = store__step_done(st, s, "insert event_log");
    st->rows_written += rc == STORE_OK;
    return rc;
}

void store_set_tick_rows(store *st, int on)
{
    assert(!st->writer);   /* not while a run's writer thread owns the store */
    st->tick_rows = on != 0;
}

static int write_tick(store *st, const store_snapshot *snap)
{
    uint64_t rows_before = st->rows_written;
    int rc = st->tick_rows ? write_tick_row(st, snap) : STORE_OK;
    if (!st->tick_rows)
        st->ticks_summed++;
    for (int i = 0; st->tick_rows && rc == STORE_OK && i < STORE_N_TICK_TABLES; i++) {
        assert(snap->n[i] == st->tables[i].n);
        rc = write_table(st, i, snap->rows[i]);
        st->rows_written += st->tables[i].n;
    }
    if (rc != STORE_OK) {
        char what[sizeof st->writer_errmsg - 32];
        memcpy(what, st->writer_errmsg, sizeof what - 1);
        what[sizeof what - 1] = '\0';
        snprintf(st->writer_errmsg, sizeof st->writer_errmsg, "tick %lld: %s",
                 (long long)snap->tick_index, what);
        st->rows_written = rows_before;
        undo_partial_tick(st, snap->tick_index);
        return rc;
    }
    st->rows_written += st->tick_rows;
    rc = store__metrics_add_tick(st->metrics, snap);
    if (rc != STORE_OK)
        return store__failf(st, rc, "out of memory for the metrics of tick %lld",
                            (long long)snap->tick_index);
    if (++st->ticks_in_tx < STORE_TICKS_PER_COMMIT)
        return STORE_OK;
    rc = store__commit(st);
    if (rc != STORE_OK)
        return rc;
    atomic_fetch_add(&st->ticks_committed, st->ticks_in_tx);
    st->ticks_in_tx = 0;
    return store__begin(st);
}

int store__write_snapshot(store *st, const store_snapshot *snap)
{
    int rc = store__begin(st);  /* a no-op unless an error ended the last one */
    for (size_t i = 0; rc == STORE_OK && i < snap->n_events; i++)
        rc = write_event(st, snap, &snap->events[i]);
    if (rc == STORE_OK && (snap->n_new_dcs || snap->n_new_contracts)) {
        rc = store__insert_new_entities(st, snap);  /* at signings and build decisions only */
        if (rc == STORE_OK)
            rc = store__prepare_tick_statements(st);
    }
    if (rc == STORE_OK && snap->has_tick)
        rc = write_tick(st, snap);
    return rc;
}

/* ---- events and metrics --------------------------------------------- */

/* Appends a string to the slot's text; its offset, or STORE_NO_TEXT. */
static int add_text(store_snapshot *s, const char *text, size_t *offset)
{
    *offset = STORE_NO_TEXT;
    if (!text)
        return STORE_OK;
    size_t n = strlen(text) + 1;
    if (grow_reserve((void **)&s->text, &s->text_cap, s->text_len + n, 256, 1) != CAPSIM_OK)
        return STORE_ERR_NOMEM;
    memcpy(s->text + s->text_len, text, n);
    *offset = s->text_len;
    s->text_len += n;
    return STORE_OK;
}

/* The event joins the slot being filled: the writer inserts it before the
 * next tick, in the order the events happened. */
int store_log_event(store *st, int64_t t, const char *kind, const char *entity,
                    const char *message)
{
    if (!st->insert_event || !st->writer)
        return no_run(st, "store_log_event");
    int rc = store__writer_failed(st);
    if (rc != STORE_OK)
        return rc;
    store_snapshot *s = store__writer_slot(st);
    store_event_copy e = {.seq = st->event_seq + 1, .t = t};
    rc = grow_reserve((void **)&s->events, &s->cap_events, s->n_events + 1, 8, sizeof *s->events)
             != CAPSIM_OK ? STORE_ERR_NOMEM : STORE_OK;
    if (rc == STORE_OK)
        rc = add_text(s, kind ? kind : "", &e.kind);
    if (rc == STORE_OK)
        rc = add_text(s, entity, &e.entity);
    if (rc == STORE_OK)
        rc = add_text(s, message, &e.message);
    if (rc != STORE_OK) {
        (void)store__writer_stop(st);
        return store__failf(st, STORE_ERR_NOMEM, "out of memory logging an event");
    }
    s->events[s->n_events++] = e;
    st->event_seq++;
    return STORE_OK;
}

/* Works during a run and after store_end_run (for the last run). During
 * a run it ends the hand-offs: the writer drains and the connection is this
 * thread's again (a failure it met is kept for store_end_run). */
int store_metric(store *st, const char *metric, double value)
{
    if (st->run_id <= 0)
        return no_run(st, "store_metric");
    (void)store__writer_stop(st);
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
    (void)store__writer_stop(st);
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
                            " ticks = CASE WHEN ?6 THEN (SELECT count(*) FROM tick"
                            " WHERE run_id = ?1) ELSE ?7 END WHERE id = ?1", &s);
    if (rc != STORE_OK)
        return rc;
    caltime_format((int64_t)time(NULL), now);
    int b = sqlite3_bind_int64(s, 1, st->run_id);
    b |= sqlite3_bind_text(s, 2, run_status_name(status), -1, SQLITE_STATIC);
    b |= sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
    b |= sqlite3_bind_double(s, 4, wall_seconds);
    b |= sqlite3_bind_int64(s, 5, (sqlite3_int64)events_processed);
    b |= sqlite3_bind_int(s, 6, st->tick_rows);
    b |= sqlite3_bind_int64(s, 7, st->ticks_summed);
    rc = b != SQLITE_OK ? store__fail(st, "bind run update")
                        : store__step_done(st, s, "update run");
    sqlite3_finalize(s);
    return rc;
}

/* The writer drains what was handed over and stops first; after a write
 * failure the whole ticks before it are committed and the failure is the
 * error returned. Metrics and the run row change in one transaction. If the
 * metrics fail, the run is recorded as 'failed' on its own, so the run row
 * never claims 'running' for a run that ended, nor 'complete' for one whose
 * last ticks or metrics were not kept. Returns the first error. */
int store_end_run(store *st, store_run_status status, double wall_seconds,
                  uint64_t events_processed)
{
    if (st->run_id <= 0)
        return no_run(st, "store_end_run");
    char first_msg[sizeof st->errmsg];
    (void)store__writer_stop(st);
    int first = st->writer_status;
    if (first != STORE_OK)
        memcpy(first_msg, st->writer_errmsg, sizeof first_msg);
    int committed = store__commit(st);
    if (committed != STORE_OK) {
        if (first == STORE_OK) {
            first = committed;
            memcpy(first_msg, st->errmsg, sizeof first_msg);
        }
        store__rollback(st);
    }
    store__finalize_run_statements(st);
    if (first != STORE_OK)
        status = STORE_RUN_FAILED;   /* ticks were lost: never 'complete' */
    int rc = store__begin(st);
    if (rc == STORE_OK)
        rc = store__metrics_insert(st);
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
    store__metrics_destroy(st->metrics);
    st->metrics = NULL;
    if (first != STORE_OK)
        memcpy(st->errmsg, first_msg, sizeof first_msg);
    return first != STORE_OK ? first : rc;
}
