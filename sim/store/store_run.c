/*
 * store_run: writing one run. store_begin_run writes the run row, its
 * parameters and the entity tables in one transaction, prepares the
 * per-tick statements, opens the first tick transaction and starts the
 * writer thread (store_writer.h), which from then on owns the connection.
 * The datacenters and contracts the market adds during the run reach the
 * writer as copies in a snapshot (store__insert_new_entities), so the
 * market is only read on the simulation thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"
#include "../util/caltime.h"

/* ---- run row and parameters ----------------------------------------- */

static const char sql_insert_run[] =
    "INSERT INTO run (scenario_name, scenario_path, scenario_text, seed, start_date,"
    " end_date, tick_seconds, capsim_version, started_at, status)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'running')";

static void wall_clock_now(char out[20])
{
    caltime_format((int64_t)time(NULL), out);
}

/* Binds text, or NULL for a NULL pointer. Strings outlive the step. */
static int bind_text(sqlite3_stmt *s, int i, const char *text)
{
    return text ? sqlite3_bind_text(s, i, text, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

static int insert_run(store *st, const scenario *sc, const spec *sp, const char *version)
{
    sqlite3_stmt *s = NULL;
    char start[20], end[20], now[20];
    int rc = store__prepare(st, sql_insert_run, &s);
    if (rc != STORE_OK)
        return rc;
    store__date(st, 0, start);
    store__date(st, sp->end, end);
    wall_clock_now(now);
    int b = bind_text(s, 1, sp->name);
    b |= bind_text(s, 2, sc ? sc->path : NULL);
    b |= bind_text(s, 3, sc ? sc->resolved_text : NULL);
    b |= sqlite3_bind_int64(s, 4, (sqlite3_int64)sp->seed); /* seeds above 2^63 wrap */
    b |= bind_text(s, 5, start);
    b |= bind_text(s, 6, end);
    b |= sqlite3_bind_int64(s, 7, sp->tick_seconds);
    b |= bind_text(s, 8, version);
    b |= bind_text(s, 9, now);
    rc = b != SQLITE_OK ? store__fail(st, "bind run") : store__step_done(st, s, "insert run");
    sqlite3_finalize(s);
    if (rc == STORE_OK) {
        st->run_id = sqlite3_last_insert_rowid(st->db);
        st->rows_written++;
    }
    return rc;
}

static int insert_params(store *st, const scenario *sc)
{
    if (!sc || sc->n_params == 0)
        return STORE_OK;
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, "INSERT OR REPLACE INTO run_param VALUES (?1, ?2, ?3, ?4, ?5)", &s);
    for (size_t i = 0; rc == STORE_OK && i < sc->n_params; i++) {
        const scenario_param *p = &sc->params[i];
        int b = sqlite3_bind_int64(s, 1, st->run_id);
        b |= bind_text(s, 2, p->path);
        b |= bind_text(s, 3, p->value);
        b |= bind_text(s, 4, p->file);
        b |= sqlite3_bind_int(s, 5, p->line);
        rc = b != SQLITE_OK ? store__fail(st, "bind run_param")
                            : store__step_done(st, s, "insert run_param");
        st->rows_written += rc == STORE_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

/* ---- entity tables -------------------------------------------------- */

/* One entity row: binds columns 3.. of `s` from the entity (1 and 2 are
 * the run id and the entity id, bound by insert_range). */
typedef int (*bind_entity_fn)(const store *st, sqlite3_stmt *s, const void *entity,
                              char *date_a, char *date_b);
/* Entity i of a source (the market, or a snapshot's copies). */
typedef const void *(*entity_at_fn)(const void *source, size_t i);

static int bind_gpu(const store *st, sqlite3_stmt *s, const void *entity, char *date_a,
                    char *date_b)
{
    (void)st, (void)date_a, (void)date_b;
    const spec_gpu *g = entity;
    int b = bind_text(s, 3, g->name);
    b |= sqlite3_bind_double(s, 4, g->tdp_w);
    b |= sqlite3_bind_double(s, 5, g->idle_w);
    b |= sqlite3_bind_double(s, 6, g->train_speed);
    b |= sqlite3_bind_double(s, 7, g->infer_speed);
    b |= sqlite3_bind_double(s, 8, g->capex_usd);
    b |= sqlite3_bind_double(s, 9, g->depreciation_years);
    b |= sqlite3_bind_double(s, 10, g->straggler_share);
    b |= sqlite3_bind_double(s, 11, g->straggler_speed);
    b |= sqlite3_bind_double(s, 12, g->host_w);
    return b;
}

static int bind_provider(const store *st, sqlite3_stmt *s, const void *entity, char *date_a,
                         char *date_b)
{
    (void)st, (void)date_a, (void)date_b;
    const spec_provider *p = entity;
    int b = bind_text(s, 3, p->name);
    b |= bind_text(s, 4, spec_provider_kind_name(p->kind));
    b |= sqlite3_bind_double(s, 5, p->debt_share);
    return b | sqlite3_bind_double(s, 6, p->interest_rate);
}

static int bind_datacenter(const store *st, sqlite3_stmt *s, const void *entity, char *date_a,
                           char *date_b)
{
    (void)date_b;
    const spec_datacenter *d = entity;
    store__date(st, d->online, date_a);
    int b = bind_text(s, 3, d->name);
    b |= sqlite3_bind_int(s, 4, d->owner);
    b |= bind_text(s, 5, d->region);
    b |= sqlite3_bind_double(s, 6, d->power_mw);
    b |= sqlite3_bind_double(s, 7, d->pue);
    b |= sqlite3_bind_double(s, 8, d->energy_price_per_mwh);
    b |= bind_text(s, 9, date_a);
    return b | sqlite3_bind_double(s, 10, d->opex_per_mw_year);
}

static int bind_phase(const store *st, sqlite3_stmt *s, const void *entity, char *date_a,
                      char *date_b)
{
    (void)date_b;
    const spec_phase *p = entity;
    store__date(st, p->online, date_a);
    int b = bind_text(s, 3, p->name);
    b |= sqlite3_bind_int(s, 4, p->datacenter);
    b |= sqlite3_bind_int(s, 5, p->gpu);
    b |= sqlite3_bind_int64(s, 6, p->count);
    return b | bind_text(s, 7, date_a);
}

/* Binds a time (copied: buf may not outlive the step), or NULL for SPEC_NO_TIME. */
static int bind_time(const store *st, sqlite3_stmt *s, int i, int64_t t, char *buf)
{
    if (t == SPEC_NO_TIME)
        return sqlite3_bind_null(s, i);
    store__date(st, t, buf);
    return sqlite3_bind_text(s, i, buf, -1, SQLITE_TRANSIENT);
}

/* Contracts from the scenario were signed before the run: signed_date is
 * NULL. Contracts procured during a run carry origin 'procured', their
 * signing date and, for a back-to-back contract, the parent sale. */
static int bind_contract(const store *st, sqlite3_stmt *s, const void *entity, char *date_a,
                         char *date_b)
{
    const spec_contract *c = entity;
    char signed_date[20], terminate_date[20];
    store__date(st, c->start, date_a);
    store__date(st, c->end, date_b);
    int b = bind_text(s, 3, c->name);
    b |= sqlite3_bind_int(s, 4, c->lessor);
    b |= sqlite3_bind_int(s, 5, c->lessee);
    b |= c->gpu == SPEC_ANY_GPU ? sqlite3_bind_null(s, 6) : sqlite3_bind_int(s, 6, c->gpu);
    b |= sqlite3_bind_int64(s, 7, c->gpus);
    b |= bind_text(s, 8, date_a);
    b |= bind_text(s, 9, date_b);
    b |= sqlite3_bind_double(s, 10, c->price_per_gpu_hour);
    b |= bind_text(s, 11, spec_contract_kind_name(c->kind));
    b |= bind_text(s, 12, c->origin == SPEC_ORIGIN_PROCURED ? "procured" : "scenario");
    b |= bind_time(st, s, 13, c->origin == SPEC_ORIGIN_PROCURED ? c->signed_at : SPEC_NO_TIME,
                   signed_date);
    b |= c->origin == SPEC_ORIGIN_PROCURED && c->parent >= 0 ? sqlite3_bind_int(s, 14, c->parent)
                                                              : sqlite3_bind_null(s, 14);
    b |= sqlite3_bind_int64(s, 15, c->ramp_seconds);
    b |= sqlite3_bind_double(s, 16, c->sla_availability);
    b |= sqlite3_bind_double(s, 17, c->sla_credit_share);
    b |= bind_time(st, s, 18, c->terminate > c->start && c->terminate < c->end
                                  ? c->terminate : SPEC_NO_TIME, terminate_date);
    return b | sqlite3_bind_double(s, 19, c->termination_fee_months);
}

static int bind_workload(const store *st, sqlite3_stmt *s, const void *entity, char *date_a,
                         char *date_b)
{
    (void)date_b;
    const spec_workload *w = entity;
    store__date(st, w->start, date_a);
    int b = bind_text(s, 3, w->name);
    b |= sqlite3_bind_int(s, 4, w->tenant);
    b |= bind_text(s, 5, spec_workload_type_name(w->type));
    b |= bind_text(s, 6, spec_growth_name(w->growth));
    b |= bind_text(s, 7, date_a);
    return b | sqlite3_bind_double(s, 8, w->demand_h100);
}

/* The market's entities, through its accessors. */
static const void *gpu_at(const void *m, size_t i) { return &market_spec(m)->gpus[i]; }
static const void *provider_at(const void *m, size_t i) { return &market_spec(m)->providers[i]; }
static const void *workload_at(const void *m, size_t i) { return &market_spec(m)->workloads[i]; }
static const void *datacenter_at(const void *m, size_t i) { return market_datacenter(m, i); }
static const void *contract_at(const void *m, size_t i) { return market_contract(m, i); }
static const void *phase_at(const void *m, size_t i) { return market_phase(m, i); }

/* A snapshot's copies, by entity id. */
static const void *new_datacenter_at(const void *snap, size_t i)
{
    const store_snapshot *s = snap;
    return &s->new_dcs[i - s->first_new_dc];
}

static const void *new_contract_at(const void *snap, size_t i)
{
    const store_snapshot *s = snap;
    return &s->new_contracts[i - s->first_new_contract];
}

/* Inserts the rows of entities [lo, hi) of a source; the entity id is the index. */
static int insert_range(store *st, const char *sql, const void *source, entity_at_fn at,
                        size_t lo, size_t hi, bind_entity_fn bind, const char *what)
{
    sqlite3_stmt *s = NULL;
    char date_a[20], date_b[20];
    int rc = hi > lo ? store__prepare(st, sql, &s) : STORE_OK;
    for (size_t i = lo; rc == STORE_OK && i < hi; i++) {
        int b = sqlite3_bind_int64(s, 1, st->run_id);
        b |= sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        b |= bind(st, s, at(source, i), date_a, date_b);
        rc = b != SQLITE_OK ? store__fail(st, what) : store__step_done(st, s, what);
        st->rows_written += rc == STORE_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

static const char sql_insert_datacenter[] =
    "INSERT INTO datacenter VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)";
static const char sql_insert_phase[] = "INSERT INTO phase VALUES (?1,?2,?3,?4,?5,?6,?7)";
static const char sql_insert_contract[] =
    "INSERT INTO contract VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,"
    "?18,?19)";

/* The phase rows of DCs [dc_lo, dc_hi). A reserved build-out site's phase
 * (datacenter -1) is written only once the site is decided, with its DC;
 * phase ids are the market's phase indices, so they may skip. */
static int insert_phases_of(store *st, const market *m, size_t dc_lo, size_t dc_hi)
{
    for (size_t i = 0; i < market_n_phases(m); i++) {
        const int d = market_phase(m, i)->datacenter;
        if (d < 0 || (size_t)d < dc_lo || (size_t)d >= dc_hi)
            continue;
        int rc = insert_range(st, sql_insert_phase, m, phase_at, i, i + 1, bind_phase,
                              "insert phase");
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

static int insert_all_entities(store *st, const market *m)
{
    const spec *sp = market_spec(m);
    int rc = insert_range(st, "INSERT INTO gpu_type VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,"
                          "?10,?11,?12)", m, gpu_at, 0, sp->n_gpus, bind_gpu, "insert gpu_type");
    if (rc == STORE_OK)
        rc = insert_range(st, "INSERT INTO provider VALUES (?1,?2,?3,?4,?5,?6)", m, provider_at,
                          0, sp->n_providers, bind_provider, "insert provider");
    if (rc == STORE_OK)
        rc = insert_range(st, sql_insert_datacenter, m, datacenter_at, 0,
                          market_n_datacenters(m), bind_datacenter, "insert datacenter");
    if (rc == STORE_OK)
        rc = insert_phases_of(st, m, 0, market_n_datacenters(m));
    if (rc == STORE_OK)
        rc = insert_range(st, sql_insert_contract, m, contract_at, 0, market_n_contracts(m),
                          bind_contract, "insert contract");
    if (rc == STORE_OK)
        rc = insert_range(st, "INSERT INTO workload VALUES (?1,?2,?3,?4,?5,?6,?7,?8)", m,
                          workload_at, 0, sp->n_workloads, bind_workload, "insert workload");
    return rc;
}

/* On the writer thread: the entities a snapshot carries, then the metrics
 * learn them. */
int store__insert_new_entities(store *st, const store_snapshot *s)
{
    store_tick_table *dcs = &st->tables[STORE_DC_TICK], *cs = &st->tables[STORE_CONTRACT_TICK];
    int rc = insert_range(st, sql_insert_datacenter, s, new_datacenter_at, s->first_new_dc,
                          s->first_new_dc + s->n_new_dcs, bind_datacenter, "insert datacenter");
    for (size_t i = 0; rc == STORE_OK && i < s->n_new_phases; i++) {
        const store_phase_copy *p = &s->new_phases[i];
        sqlite3_stmt *stmt = NULL;
        char date_a[20];
        rc = store__prepare(st, sql_insert_phase, &stmt);
        if (rc != STORE_OK)
            break;
        int b = sqlite3_bind_int64(stmt, 1, st->run_id);
        b |= sqlite3_bind_int64(stmt, 2, (sqlite3_int64)p->index);
        b |= bind_phase(st, stmt, &p->phase, date_a, NULL);
        rc = b != SQLITE_OK ? store__fail(st, "insert phase")
                            : store__step_done(st, stmt, "insert phase");
        st->rows_written += rc == STORE_OK;
        sqlite3_finalize(stmt);
    }
    if (rc == STORE_OK)
        rc = insert_range(st, sql_insert_contract, s, new_contract_at, s->first_new_contract,
                          s->first_new_contract + s->n_new_contracts, bind_contract,
                          "insert contract");
    for (size_t i = 0; rc == STORE_OK && i < s->n_new_dcs; i++)
        rc = store__metrics_add_datacenter(st->metrics, st, &s->new_dcs[i]);
    for (size_t i = 0; rc == STORE_OK && i < s->n_new_contracts; i++)
        rc = store__metrics_add_contract(st->metrics, &s->new_contracts[i]);
    if (rc != STORE_OK)
        return rc;
    if (s->n_new_dcs)
        dcs->n = s->first_new_dc + s->n_new_dcs;
    if (s->n_new_contracts)
        cs->n = s->first_new_contract + s->n_new_contracts;
    return STORE_OK;
}

/* ---- per-run statements --------------------------------------------- */

void store__finalize_run_statements(store *st)
{
    sqlite3_stmt **all[] = {&st->insert_tick, &st->insert_event, &st->insert_metric};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
    for (int i = 0; i < STORE_N_TICK_TABLES; i++) {
        sqlite3_finalize(st->tables[i].full);
        sqlite3_finalize(st->tables[i].rest);
        st->tables[i].full = st->tables[i].rest = NULL;
    }
}

/* Prepares every per-run statement and binds the run id (?1), which
 * sqlite3_reset keeps. */
static int prepare_run_statements(store *st)
{
    char *tick_sql = store_rows_insert_sql(store_rows_tick(), 1);
    if (!tick_sql)
        return store__failf(st, STORE_ERR_NOMEM, "out of memory preparing the tick statement");
    const char *const sql[] = {
        tick_sql,
        "INSERT INTO event_log VALUES (?1,?2,?3,?4,?5,?6,?7)",
        "INSERT OR REPLACE INTO run_metric VALUES (?1,?2,?3)",
    };
    sqlite3_stmt **out[] = {&st->insert_tick, &st->insert_event, &st->insert_metric};
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
        int rc = store__prepare(st, sql[i], out[i]);
        if (i == 0)
            free(tick_sql);
        if (rc != STORE_OK)
            return rc;
        if (sqlite3_bind_int64(*out[i], 1, st->run_id) != SQLITE_OK)
            return store__fail(st, "bind run id");
    }
    return store__prepare_tick_statements(st);
}

static int64_t begin_run_fail(store *st, int rc, char *err, size_t err_len)
{
    if (err && err_len)
        snprintf(err, err_len, "%s", st->errmsg);
    return rc;
}

static void set_run_layout(store *st, const market *m)
{
    const spec *sp = market_spec(m);
    st->start_day = sp->start_day;
    st->tick_seconds = sp->tick_seconds;
    st->tables[STORE_DC_TICK].n = market_n_datacenters(m);
    st->tables[STORE_PROVIDER_TICK].n = sp->n_providers;
    st->tables[STORE_CONTRACT_TICK].n = market_n_contracts(m);
    st->tables[STORE_WORKLOAD_TICK].n = sp->n_workloads;
    st->snap_dcs = market_n_datacenters(m);
    st->snap_contracts = market_n_contracts(m);
    st->event_seq = 0;
    st->ticks_in_tx = 0;
    st->ticks_summed = 0;
}

/* The run row, its parameters and the entity tables, in one transaction:
 * all of them or none (and then the store's run id is left as it was). */
static int insert_run_rows(store *st, const scenario *sc, const market *m, const char *version)
{
    const spec *sp = market_spec(m);
    int64_t previous = st->run_id;
    int rc = store__begin(st);
    if (rc == STORE_OK)
        rc = insert_run(st, sc, sp, version);
    if (rc == STORE_OK)
        rc = insert_params(st, sc);
    if (rc == STORE_OK)
        rc = store__insert_files(st, sc);
    if (rc == STORE_OK)
        rc = insert_all_entities(st, m);
    if (rc == STORE_OK)
        rc = store__commit(st);
    if (rc != STORE_OK) {
        store__rollback(st);
        st->run_id = previous;
    }
    return rc;
}

int64_t store_begin_run(store *st, const scenario *sc, const market *m,
                        const char *capsim_version, char *err, size_t err_len)
{
    if (st->insert_tick)  /* leave the open run and its pending ticks alone */
        return begin_run_fail(st, store__failf(st, STORE_ERR_SQLITE, "store_begin_run: run "
                              "%lld is still open", (long long)st->run_id), err, err_len);
    set_run_layout(st, m);
    int rc = insert_run_rows(st, sc, m, capsim_version);
    if (rc != STORE_OK)
        return begin_run_fail(st, rc, err, err_len);
    rc = prepare_run_statements(st);
    if (rc == STORE_OK)
        rc = store__begin(st);
    st->metrics = rc == STORE_OK ? store__metrics_create(st, m) : NULL;
    if (rc == STORE_OK && !st->metrics)
        rc = store__failf(st, STORE_ERR_NOMEM, "out of memory for the run's metrics");
    if (rc == STORE_OK)
        rc = store__writer_start(st);  /* from here on the writer owns the connection */
    if (rc != STORE_OK) {
        store__metrics_destroy(st->metrics);
        st->metrics = NULL;
        store__rollback(st);
        store__finalize_run_statements(st);
        char sql[96];  /* best effort: the run row should not claim 'running' */
        snprintf(sql, sizeof sql, "UPDATE run SET status = 'failed' WHERE id = %lld",
                 (long long)st->run_id);
        sqlite3_exec(st->db, sql, NULL, NULL, NULL);
        return begin_run_fail(st, rc, err, err_len);
    }
    if (err && err_len)
        err[0] = '\0';
    return st->run_id;
}
