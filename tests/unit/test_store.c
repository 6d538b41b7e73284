/*
 * Unit tests for store: a small hand-built market (2 GPU types, 3
 * providers, 2 DCs, a 2-contract chain, 1 workload) runs through the
 * engine for 48 hourly ticks into a fresh database, which is then checked
 * with SQL: identity pragmas, row counts per table, run status transitions,
 * metrics, views, the summary; appending a second run, --replace, refusing
 * non-capsim files byte for byte, schema versions, and what survives an
 * interrupted run, a failed tick (seen at a hand-off or only at the end)
 * and a process that dies without closing; and the accumulated metrics
 * against the SQL over the stored rows (tests/tools/metrics-oracle.sql).
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "../../sim/store/store.h"
#include "../../sim/engine/engine.h"
#include "testlib.h"

#define TICKS 48
#define N_DC 2
#define N_PROVIDERS 3
#define N_CONTRACTS 2
#define N_WORKLOADS 1

/* ---- fixtures ------------------------------------------------------- */

typedef struct fixture {
    char dir[64];
    char db[128];
    spec *spec;
    scenario sc;
    scenario_param params[2];
} fixture;

static spec_gpu make_gpu(const char *name, double tdp_w, double idle_w, double speed,
                         double capex_usd)
{
    spec_gpu g = {.tdp_w = tdp_w, .idle_w = idle_w, .train_speed = speed,
                  .infer_speed = speed, .capex_usd = capex_usd, .depreciation_years = 5.0,
                  .straggler_share = 0.0, .straggler_speed = 1.0};
    snprintf(g.name, sizeof g.name, "%s", name);
    return g;
}

static void fill_entities(spec *s)
{
    s->gpus[0] = make_gpu("H100", 700.0, 90.0, 1.0, 31500.0);
    s->gpus[1] = make_gpu("B200", 1000.0, 140.0, 2.5, 47300.0);
    const char *providers[] = {"coreweave", "google", "openai"};
    for (int i = 0; i < N_PROVIDERS; i++) {
        snprintf(s->providers[i].name, SPEC_NAME_MAX, "%s", providers[i]);
        s->providers[i].kind = (spec_provider_kind)i;
    }
    s->datacenters[0] = (spec_datacenter){.owner = 0, .power_mw = 50.0, .pue = 1.25,
                                          .energy_price_per_mwh = 61.5,
                                          .opex_per_mw_year = 1.9e6, .online = -86400};
    s->gpus[0].host_w = 575.0;
    s->providers[0].debt_share = 0.8;
    s->providers[0].interest_rate = 0.11;
    snprintf(s->datacenters[0].name, SPEC_NAME_MAX, "cw-plano");
    snprintf(s->datacenters[0].region, SPEC_NAME_MAX, "us-south");
    s->datacenters[1] = (spec_datacenter){.owner = 1, .power_mw = 30.0, .pue = 1.1,
                                          .energy_price_per_mwh = 44.0, .online = 0};
    snprintf(s->datacenters[1].name, SPEC_NAME_MAX, "g-iowa");
    snprintf(s->datacenters[1].region, SPEC_NAME_MAX, "us-central");
    /* sorted by datacenter; the second comes online mid-run (an event) */
    s->phases[0] = (spec_phase){.datacenter = 0, .gpu = 0, .count = 4096, .online = -86400};
    s->phases[1] = (spec_phase){.datacenter = 0, .gpu = 0, .count = 1024, .online = 43200};
    s->phases[2] = (spec_phase){.datacenter = 1, .gpu = 1, .count = 1024, .online = 0};
    snprintf(s->phases[0].name, SPEC_NAME_MAX, "cw-plano");
    snprintf(s->phases[1].name, SPEC_NAME_MAX, "cw-plano-2");
    snprintf(s->phases[2].name, SPEC_NAME_MAX, "g-iowa");
}

/* coreweave -> google -> openai; openai's demand starts on day 2 at
 * t = 86400 and exceeds what the chain delivers. */
static void fill_chain(spec *s)
{
    s->contracts[0] = (spec_contract){.lessor = 0, .lessee = 1, .gpu = 0, .gpus = 2048,
                                      .start = 0, .end = 40 * 86400,
                                      .price_per_gpu_hour = 2.10, .kind = SPEC_RESERVED};
    snprintf(s->contracts[0].name, SPEC_NAME_MAX, "cw-google");
    s->contracts[1] = (spec_contract){.lessor = 1, .lessee = 2, .gpu = SPEC_ANY_GPU,
                                      .gpus = 2048, .start = 6 * 3600, .end = 40 * 3600,
                                      .price_per_gpu_hour = 3.05, .kind = SPEC_ON_DEMAND};
    snprintf(s->contracts[1].name, SPEC_NAME_MAX, "google-openai");
    s->workloads[0] = (spec_workload){.tenant = 2, .type = SPEC_INFERENCE, .start = 86400,
                                      .demand_h100 = 7300.0, .growth = SPEC_GROWTH_EXPONENTIAL,
                                      .yearly_factor = 2.7, .diurnal_amplitude = 0.3,
                                      .peak_hour = 17.0, .noise_sigma = 0.05};
    snprintf(s->workloads[0].name, SPEC_NAME_MAX, "openai-chat");
}

static spec *build_spec(void)
{
    spec *s = testlib_chain_alloc(2, N_PROVIDERS, N_DC, 3, N_CONTRACTS, N_WORKLOADS);
    snprintf(s->name, sizeof s->name, "store test");
    s->start_day = 20089;   /* 2025-01-01 */
    s->end = TICKS * 3600;
    s->tick_seconds = 3600;
    s->seed = 4242;
    fill_entities(s);
    fill_chain(s);
    return s;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    testlib_tmpdir_create(f->dir, sizeof f->dir, "store");
    snprintf(f->db, sizeof f->db, "%s/out.db", f->dir);
    f->spec = build_spec();
    f->params[0] = (scenario_param){"scenario.seed", "4242", "store.ini", 5};
    f->params[1] = (scenario_param){"contract.cw-google.gpus", "2048", "--set", 0};
    f->sc = (scenario){.spec = f->spec, .params = f->params, .n_params = 2,
                       .resolved_text = "[scenario]\nname = store test\nseed = 4242\n",
                       .path = "store.ini"};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    testlib_tmpdir_remove(f->dir);
    spec_destroy(f->spec);
    free(f);
    return 0;
}

/* ---- helpers -------------------------------------------------------- */

typedef struct run_ctx {
    store *st;
    int64_t stop_after;   /* request a stop after this many ticks; 0 = never */
    int write_status;     /* the first failed store_write_tick, or STORE_OK */
} run_ctx;

static int on_tick(const market *m, int64_t tick_index, int64_t t, void *ctx)
{
    run_ctx *rc = ctx;
    rc->write_status = store_write_tick(rc->st, m, tick_index, t);
    if (rc->write_status != STORE_OK)
        return 1;  /* stops the run, as the CLI does */
    if (rc->stop_after && tick_index + 1 >= rc->stop_after)
        engine_request_stop();
    return 0;
}

static int on_event(const market *m, int64_t t, const char *kind, const char *entity,
                    const char *message, void *ctx)
{
    (void)m;
    run_ctx *rc = ctx;
    assert_int_equal(store_log_event(rc->st, t, kind, entity, message), STORE_OK);
    return 0;
}

/* Runs the fixture's spec for `horizon` seconds into st (begin_run
 * included, end_run not). Returns the engine's outcome. */
static engine_outcome simulate_ctx(fixture *f, run_ctx *rc, int64_t horizon, int64_t *run_id)
{
    char err[256];
    f->spec->end = horizon;
    market *m = market_create(f->spec);
    engine *e = engine_create();
    assert_true(m && e);
    *run_id = store_begin_run(rc->st, &f->sc, m, "test", err, sizeof err);
    assert_true(*run_id > 0);
    market_observer obs = {.on_tick = on_tick, .on_event = on_event, .ctx = rc};
    assert_int_equal(market_attach(m, e, &obs), 0);
    engine_clear_stop();
    engine_outcome out = engine_run(e, horizon - 1);
    engine_clear_stop();
    engine_destroy(e);
    market_destroy(m);
    return out;
}

static engine_outcome simulate(fixture *f, store *st, int64_t horizon, int64_t stop_after,
                               int64_t *run_id)
{
    run_ctx rc = {.st = st, .stop_after = stop_after};
    engine_outcome out = simulate_ctx(f, &rc, horizon, run_id);
    assert_int_equal(rc.write_status, STORE_OK);
    return out;
}

static store *open_ok(const char *path, int replace)
{
    store_status status = STORE_ERR_SQLITE;
    char err[512];
    store *st = store_open(path, replace, &status, err, sizeof err);
    if (!st)
        fail_msg("store_open(%s): %s", path, err);
    assert_int_equal(status, STORE_OK);
    return st;
}

/* Runs one integer-valued query on a separate, read-only connection. */
static int64_t sql_int(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(h));
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

static double sql_double(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(h));
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    double v = sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

static void assert_status(const char *db, int64_t run, const char *status)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT status = '%s' FROM run WHERE id = %lld", status,
             (long long)run);
    if (sql_int(db, sql) != 1)
        fail_msg("run %lld is not '%s'", (long long)run, status);
}

/* Reads up to cap bytes of a file; returns its length. */
static size_t read_file(const char *path, char *buf, size_t cap)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t n = fread(buf, 1, cap, fp);
    fclose(fp);
    return n;
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}


/* ---- the metrics against the SQL over the stored rows --------------- */

/* tests/tools/metrics-oracle.sql, from the repository root or from the
 * binary's place in it (build/tests/test_store); the caller frees it. */
static char *read_oracle(void)
{
    static const char rel[] = "tests/tools/metrics-oracle.sql";
    FILE *fp = fopen(rel, "rb");
    char exe[1024] = "";
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 64);
    if (!fp && n > 0) {
        exe[n] = '\0';
        for (int up = 0; up < 3; up++) {
            char *slash = strrchr(exe, '/');
            if (slash)
                *slash = '\0';
        }
        strcat(exe, "/");
        strcat(exe, rel);
        fp = fopen(exe, "rb");
    }
    assert_non_null(fp);
    char *text = calloc(1, 1 << 16);
    assert_non_null(text);
    fread(text, 1, (1 << 16) - 1, fp);
    fclose(fp);
    return text;
}

/* Runs the oracle for a run into temp.oracle_metric and compares it with
 * the run_metric rows of the accumulated families: every metric the SQL
 * gives is stored with the same bits, and none is stored that it does not
 * give. Returns how many were compared. */
static int check_metrics_against_sql(const char *db, int64_t run, double tick_hours)
{
    char *oracle = read_oracle();
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "CREATE TEMP TABLE oracle_metric (run_id INTEGER,"
                                  " metric TEXT, value REAL, PRIMARY KEY (run_id, metric))",
                                  NULL, NULL, NULL), SQLITE_OK);
    const char *sql = oracle;
    while (*sql) {
        sqlite3_stmt *s = NULL;
        const char *tail = NULL;
        if (sqlite3_prepare_v2(h, sql, -1, &s, &tail) != SQLITE_OK)
            fail_msg("oracle: %s", sqlite3_errmsg(h));
        if (s) {
            sqlite3_bind_int64(s, 1, run);
            if (sqlite3_bind_parameter_count(s) >= 2)
                sqlite3_bind_double(s, 2, tick_hours);
            assert_int_equal(sqlite3_step(s), SQLITE_DONE);
            sqlite3_finalize(s);
        }
        sql = tail;
    }
    free(oracle);
    sqlite3_stmt *s = NULL;
    char q[1024];
    snprintf(q, sizeof q, "SELECT o.metric, o.value, m.value FROM temp.oracle_metric o"
             " LEFT JOIN run_metric m ON m.run_id = o.run_id AND m.metric = o.metric"
             " WHERE o.run_id = %lld", (long long)run);
    assert_int_equal(sqlite3_prepare_v2(h, q, -1, &s, NULL), SQLITE_OK);
    int compared = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        if (sqlite3_column_type(s, 2) == SQLITE_NULL)
            fail_msg("%s: the SQL gives %.17g, the store has none", name,
                     sqlite3_column_double(s, 1));
        if (sqlite3_column_double(s, 1) != sqlite3_column_double(s, 2))
            fail_msg("%s: the SQL gives %.17g, the store %.17g", name,
                     sqlite3_column_double(s, 1), sqlite3_column_double(s, 2));
        compared++;
    }
    sqlite3_finalize(s);
    /* nothing of those families beyond what the SQL gives (the model's own
     * metrics and "custom" are not the store's) */
    snprintf(q, sizeof q, "SELECT count(*) FROM run_metric m WHERE run_id = %lld AND metric"
             " NOT IN (SELECT metric FROM temp.oracle_metric) AND metric NOT IN ('custom', 'late')"
             " AND metric NOT LIKE 'undelivered_gpu_hours.%%'", (long long)run);
    assert_int_equal(sqlite3_prepare_v2(h, q, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
    return compared;
}

/* ---- tests ---------------------------------------------------------- */

static void test_new_database_identity(void **state)
{
    fixture *f = *state;
    store *st = open_ok(f->db, 0);
    assert_int_equal(store_run_id(st), 0);
    store_close(st);
    assert_int_equal(sql_int(f->db, "PRAGMA application_id"), STORE_APPLICATION_ID);
    assert_int_equal(sql_int(f->db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM sqlite_schema WHERE type = 'view'"
                                    " AND name IN ('provider_year', 'dc_day')"), 2);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM run"), 0);
}

static void check_counts(const char *db)
{
    assert_int_equal(sql_int(db, "SELECT count(*) FROM tick WHERE run_id = 1"), TICKS);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM dc_tick WHERE run_id = 1"), TICKS * N_DC);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM provider_tick WHERE run_id = 1"),
                     TICKS * N_PROVIDERS);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM contract_tick WHERE run_id = 1"),
                     TICKS * N_CONTRACTS);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM workload_tick WHERE run_id = 1"),
                     TICKS * N_WORKLOADS);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM gpu_type"), 2);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM phase"), 3);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM contract WHERE origin = 'scenario'"
                                 " AND signed_date IS NULL"), N_CONTRACTS);
    assert_int_equal(sql_int(db, "SELECT gpu_type_id IS NULL FROM contract WHERE id = 1"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM run_param WHERE run_id = 1"), 2);
    assert_int_equal(sql_int(db, "SELECT source_line FROM run_param"
                                 " WHERE path = 'scenario.seed'"), 5);
    assert_int_equal(sql_int(db, "SELECT ticks FROM run WHERE id = 1"), TICKS);
    /* the phase online at 12h and the contract start (6h) and end (40h) */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM event_log WHERE run_id = 1"), 3);
    assert_int_equal(sql_int(db, "SELECT date = '2025-01-01 12:00:00' FROM event_log"
                                 " WHERE kind = 'phase_online'"), 1);
    assert_int_equal(sql_int(db, "SELECT date = '2025-01-02 23:00:00' FROM tick"
                                 " WHERE run_id = 1 AND tick = 47"), 1);
}

static void check_metrics(const char *db)
{
    assert_int_equal(sql_int(db, "SELECT value FROM run_metric WHERE run_id = 1"
                                 " AND metric = 'first_shortfall_t.openai-chat'"), 86400);
    assert_true(sql_double(db, "SELECT value FROM run_metric WHERE metric ="
                               " 'shortfall_h100_hours.openai-chat'") > 0.0);
    assert_true(sql_double(db, "SELECT abs(value) FROM run_metric WHERE metric ="
                               " 'payments_net_usd'") < 1e-3);
    assert_true(sql_double(db, "SELECT value FROM run_metric WHERE metric ="
                               " 'revenue_usd.coreweave'") > 0.0);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM run_metric WHERE metric LIKE"
                                 " 'mean_utilisation.%' OR metric LIKE 'margin_usd.%'"),
                     2 * N_PROVIDERS);
    assert_true(sql_double(db, "SELECT abs((SELECT value FROM run_metric WHERE metric ="
                               " 'energy_mwh') - (SELECT sum(energy_mwh) FROM dc_tick))") < 1e-6);
    assert_int_equal(sql_int(db, "SELECT value FROM run_metric WHERE metric = 'custom'"), 17);
}

static void check_views(const char *db)
{
    assert_int_equal(sql_int(db, "SELECT count(*) FROM provider_year WHERE run_id = 1"),
                     N_PROVIDERS);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM dc_day WHERE run_id = 1"), 2 * N_DC);
    assert_true(sql_double(db, "SELECT abs(sum(revenue_usd) - (SELECT sum(revenue_usd)"
                               " FROM provider_tick)) FROM provider_year") < 1e-6);
    assert_true(sql_double(db, "SELECT max(mean_utilisation) FROM dc_day") <= 1.0);
    /* the income statement: EBITDA, operating and net income from the ticks */
    assert_true(sql_double(db, "SELECT opex_usd * interest_usd FROM provider_year"
                               " WHERE provider = 'coreweave'") > 0.0);
    assert_true(sql_double(db, "SELECT max(abs(y.ebitda_usd - x.e) + abs(y.operating_income_usd"
                               " - x.o) + abs(y.net_income_usd - x.n) + abs(y.net_income_usd -"
                               " y.margin_usd)) FROM provider_year y JOIN (SELECT provider_id AS"
                               " id, sum(revenue_usd - lease_cost_usd - energy_cost_usd -"
                               " opex_usd) AS e, sum(revenue_usd - lease_cost_usd -"
                               " energy_cost_usd - opex_usd - depreciation_usd) AS o,"
                               " sum(margin_usd) AS n FROM provider_tick GROUP BY provider_id) x"
                               " ON x.id = y.provider_id") < 1e-6);
    assert_true(sql_double(db, "SELECT abs((SELECT value FROM run_metric WHERE metric ="
                               " 'ebitda_usd.coreweave.2025') - (SELECT ebitda_usd FROM"
                               " provider_year WHERE provider = 'coreweave'))") < 1e-6);
}

static void check_summary(store *st)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    assert_int_equal(store_print_summary(st, out), STORE_OK);
    fclose(out);
    assert_non_null(strstr(text, "First shortfall"));
    assert_non_null(strstr(text, "openai-chat  2025-01-02 00:00"));
    assert_non_null(strstr(text, "Mean utilisation"));
    assert_non_null(strstr(text, "Revenue and margin per year ($M)"));
    assert_non_null(strstr(text, "EBITDA"));
    assert_non_null(strstr(text, "2025"));
    assert_non_null(strstr(text, "coreweave"));
    free(text);
}

/* A second store_begin_run while a run is open fails and leaves it alone. */
static void check_second_begin_refused(fixture *f, store *st)
{
    char err[256];
    market *m = market_create(f->spec);
    assert_non_null(m);
    assert_int_equal(store_begin_run(st, &f->sc, m, "test", err, sizeof err), STORE_ERR_SQLITE);
    assert_non_null(strstr(err, "still open"));
    assert_int_equal(store_run_id(st), 1);
    market_destroy(m);
}

static void test_full_run(void **state)
{
    fixture *f = *state;
    store *st = open_ok(f->db, 0);
    int64_t run;
    assert_int_equal(simulate(f, st, TICKS * 3600, 0, &run), ENGINE_FINISHED);
    assert_int_equal(run, 1);
    assert_int_equal(store_run_id(st), 1);
    assert_status(f->db, 1, "running");
    check_second_begin_refused(f, st);
    assert_int_equal(store_metric(st, "custom", 17.0), STORE_OK);
    assert_int_equal(store_end_run(st, STORE_RUN_COMPLETE, 1.5, 99), STORE_OK);
    assert_status(f->db, 1, "complete");
    assert_int_equal(store_metric(st, "late", 3.25), STORE_OK);  /* after the end too */
    assert_true(sql_double(f->db, "SELECT value FROM run_metric WHERE metric = 'late'") == 3.25);
    assert_int_equal(sql_int(f->db, "SELECT events_processed FROM run"), 99);
    assert_int_equal(sql_int(f->db, "SELECT finished_at >= started_at FROM run"), 1);
    assert_true(store_rows_written(st) >= (uint64_t)TICKS * (1 + N_DC + N_PROVIDERS +
                                                             N_CONTRACTS + N_WORKLOADS));
    check_counts(f->db);
    check_metrics(f->db);
    check_views(f->db);
    check_summary(st);
    store_close(st);
    assert_true(check_metrics_against_sql(f->db, 1, 1.0) >= 30);
}

static void test_append_then_replace(void **state)
{
    fixture *f = *state;
    int64_t run;
    for (int i = 1; i <= 2; i++) {
        store *st = open_ok(f->db, 0);
        assert_int_equal(simulate(f, st, TICKS * 3600, 0, &run), ENGINE_FINISHED);
        assert_int_equal(run, i);
        assert_int_equal(store_end_run(st, STORE_RUN_COMPLETE, 0.1, 1), STORE_OK);
        store_close(st);
    }
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM tick WHERE run_id = 2"), TICKS);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM provider WHERE run_id = 2"),
                     N_PROVIDERS);
    store *st = open_ok(f->db, 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM run"), 0);
    assert_int_equal(simulate(f, st, TICKS * 3600, 0, &run), ENGINE_FINISHED);
    assert_int_equal(run, 1);
    store_close(st);
    assert_status(f->db, 1, "running");
}

/* A text file and another application's SQLite file are refused, with and
 * without replace, and left byte-identical with no -wal or -shm beside. */
static void check_refused(const char *path)
{
    char before[8192], after[8192], side[160];
    size_t n = read_file(path, before, sizeof before);
    for (int replace = 0; replace <= 1; replace++) {
        store_status status = STORE_OK;
        char err[512] = "";
        assert_null(store_open(path, replace, &status, err, sizeof err));
        assert_int_equal(status, STORE_ERR_NOT_CAPSIM);
        assert_non_null(strstr(err, "not a capsim database; refusing to overwrite it"));
        assert_int_equal(read_file(path, after, sizeof after), n);
        assert_memory_equal(before, after, n);
        snprintf(side, sizeof side, "%s-wal", path);
        assert_false(exists(side));
    }
}

static void test_refuses_foreign_files(void **state)
{
    fixture *f = *state;
    static const char text[] = "provider,revenue\ncoreweave,12.5\n";
    testlib_write_bytes(f->db, text, sizeof text - 1);
    check_refused(f->db);

    char other[128];
    sqlite3 *h = NULL;
    snprintf(other, sizeof other, "%s/other.db", f->dir);
    assert_int_equal(sqlite3_open(other, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "CREATE TABLE t(x); INSERT INTO t VALUES (7);", NULL,
                                  NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    check_refused(other);

    store_status status = STORE_OK;
    char err[512];
    assert_null(store_open(f->dir, 1, &status, err, sizeof err));  /* a directory */
    assert_int_equal(status, STORE_ERR_NOT_CAPSIM);
}

static void test_empty_file_and_version(void **state)
{
    fixture *f = *state;
    testlib_write_bytes(f->db, "", 0);
    store_close(open_ok(f->db, 0));
    assert_int_equal(sql_int(f->db, "PRAGMA application_id"), STORE_APPLICATION_ID);

    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    store_status status = STORE_OK;
    char err[512];
    assert_null(store_open(f->db, 0, &status, err, sizeof err));
    assert_int_equal(status, STORE_ERR_VERSION);
    assert_non_null(strstr(err, "schema version 99"));
    store_close(open_ok(f->db, 1));  /* replace accepts any capsim version */
    assert_int_equal(sql_int(f->db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
}

/* Past one commit batch, then a stop request: every written tick is kept. */
static void test_interrupted_run(void **state)
{
    fixture *f = *state;
    store *st = open_ok(f->db, 0);
    int64_t run, stop = STORE_TICKS_PER_COMMIT + 19;
    int64_t horizon = 2 * STORE_TICKS_PER_COMMIT * 3600;
    assert_int_equal(simulate(f, st, horizon, stop, &run), ENGINE_INTERRUPTED);
    assert_int_equal(store_end_run(st, STORE_RUN_INTERRUPTED, 0.2, 5), STORE_OK);
    store_close(st);
    assert_status(f->db, run, "interrupted");
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM tick"), stop);
    assert_int_equal(sql_int(f->db, "SELECT ticks FROM run"), stop);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM dc_tick"), stop * N_DC);
}

/* A process that dies without store_end_run or store_close keeps the ticks
 * of every committed batch, and its run still says 'running'. The child
 * dies once the writer thread has committed the first batch: the 100 ticks
 * handed over after it are lost with the process. */
static void test_hard_death_keeps_committed_ticks(void **state)
{
    fixture *f = *state;
    int64_t ticks = STORE_TICKS_PER_COMMIT + 100;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        store *st = open_ok(f->db, 0);
        int64_t run;
        simulate(f, st, ticks * 3600, 0, &run);
        for (int i = 0; i < 30000 && store_ticks_committed(st) < STORE_TICKS_PER_COMMIT; i++)
            usleep(1000);
        _exit(store_ticks_committed(st) == STORE_TICKS_PER_COMMIT ? 0 : 3);  /* no end_run */
    }
    int wstatus = 0;
    assert_int_equal(waitpid(pid, &wstatus, 0), pid);
    assert_true(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM tick"), STORE_TICKS_PER_COMMIT);
    assert_status(f->db, 1, "running");
    store *st = open_ok(f->db, 0);  /* still a good capsim database to append to */
    store_close(st);
}

/* A tick that fails half-way (here a trigger on contract_tick, standing in
 * for a full disk) is removed whole; the ticks before it are kept and the
 * run is marked failed. The writer thread meets the failure; the
 * simulation, at most STORE_RING_SLOTS ticks ahead, sees it at a later
 * hand-off and stops, and nothing after tick 29 is stored. */
static void test_failed_tick_is_not_half_stored(void **state)
{
    fixture *f = *state;
    store_close(open_ok(f->db, 0));
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "CREATE TRIGGER boom BEFORE INSERT ON contract_tick"
                                  " WHEN NEW.tick = 29 BEGIN SELECT RAISE(ABORT, 'disk on fire');"
                                  " END", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    store *st = open_ok(f->db, 0);
    run_ctx rc = {.st = st};
    int64_t run;
    const int64_t horizon = (29 + STORE_RING_SLOTS + 2) * 3600;
    assert_int_equal(simulate_ctx(f, &rc, horizon, &run), ENGINE_HANDLER_FAILED);
    assert_int_equal(rc.write_status, STORE_ERR_SQLITE);
    assert_non_null(strstr(store_errmsg(st), "disk on fire"));
    assert_non_null(strstr(store_errmsg(st), "tick 29: "));
    /* the failure is the run's error; the whole ticks before it are kept */
    assert_int_equal(store_end_run(st, STORE_RUN_FAILED, 0.1, 30), STORE_ERR_SQLITE);
    assert_non_null(strstr(store_errmsg(st), "disk on fire"));
    store_close(st);
    assert_status(f->db, run, "failed");
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM tick"), 29);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM dc_tick"), 29 * N_DC);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM provider_tick"), 29 * N_PROVIDERS);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM contract_tick"), 29 * N_CONTRACTS);
    assert_int_equal(sql_int(f->db, "SELECT ticks FROM run"), 29);
}

static void test_misuse_is_reported(void **state)
{
    fixture *f = *state;
    store *st = open_ok(f->db, 0);
    assert_int_equal(store_write_tick(st, NULL, 0, 0), STORE_ERR_SQLITE);
    assert_non_null(strstr(store_errmsg(st), "no run is open"));
    assert_int_equal(store_end_run(st, STORE_RUN_FAILED, 0.0, 0), STORE_ERR_SQLITE);
    assert_string_equal(store_strerror(STORE_ERR_NOT_CAPSIM),
                        "the file exists and is not a capsim database");
    store_close(st);
    store_close(NULL);
}

/* A market that grows during the run: openai buys from google, which
 * resells back-to-back from coreweave (days 0 and 5); coreweave runs out
 * at day 10, offers part (request_partial), builds a site that is online at
 * day 15 and signs the rest from it then (build-backed); the purchase at
 * day 15 signs from the new site. Procured contracts, their parents, the new DC and its
 * phase, and every per-tick row of what was added, are stored. */
static spec *growing_spec(void)
{
    enum { LAB, GOOGLE, CW };
    spec *s = testlib_market_spec(3, 20 * TESTLIB_DAY, 6 * TESTLIB_HOUR);
    testlib_name(s->providers[LAB].name, "openai");
    testlib_name(s->providers[GOOGLE].name, "google");
    testlib_name(s->providers[CW].name, "coreweave");
    spec_workload *w = testlib_add_workload(s, "chat", LAB, 0, 1000);
    w->yearly_factor = 1e6;
    testlib_add_dc(s, "cw-plano", CW, 0, 2048, -TESTLIB_DAY);
    testlib_add_pricelist(s, GOOGLE, SPEC_ANY_GPU, 3.0, 4.0, 1.0);
    testlib_add_pricelist(s, CW, SPEC_ANY_GPU, 2.0, 3.0, 1.0);
    const int lab_sellers[] = {GOOGLE}, google_sellers[] = {CW};
    spec_procurement *p = testlib_add_procurement(s, "openai-buy", LAB, lab_sellers, 1, 0,
                                                  5 * TESTLIB_DAY);
    p->horizon_seconds = 10 * TESTLIB_DAY;
    p->gap_threshold_h100 = 10;
    p = testlib_add_procurement(s, "google-buy", GOOGLE, google_sellers, 1, 0, 5 * TESTLIB_DAY);
    p->first_review = 1000 * TESTLIB_DAY;
    spec_buildout *b = &s->buildouts[s->n_buildouts++];
    snprintf(b->name, SPEC_NAME_MAX, "cw-build");
    b->owner = CW;
    b->lead_seconds = 5 * TESTLIB_DAY;
    b->site_power_mw = 10.0;
    b->pue = 1.3;
    b->max_sites = 2;
    b->trigger = SPEC_TRIGGER_DECLINED;
    return s;
}

static void test_procured_contracts_and_sites(void **state)
{
    fixture *f = *state;
    spec_destroy(f->spec);
    f->spec = growing_spec();
    store *st = open_ok(f->db, 0);
    int64_t run = 0;
    assert_int_equal(simulate(f, st, 20 * TESTLIB_DAY, 0, &run), ENGINE_FINISHED);
    assert_int_equal(store_end_run(st, STORE_RUN_COMPLETE, 0.5, 100), STORE_OK);
    store_close(st);
    const char *db = f->db;
    assert_int_equal(sql_int(db, "SELECT count(*) FROM contract WHERE origin = 'procured'"
                                 " AND signed_date IS NOT NULL"), 10);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM contract WHERE parent_id IS NOT NULL"), 5);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM contract WHERE signed_date = "
                                 "'2026-01-11 00:00:00' AND start_date = '2026-01-16 00:00:00'"),
                     2);
    assert_int_equal(sql_int(db, "SELECT lessor_id * 10 + lessee_id FROM contract"
                                 " WHERE id = (SELECT parent_id FROM contract WHERE id = 0)"), 10);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM contract WHERE id >= 8"
                                 " AND signed_date = '2026-01-16 00:00:00'"), 2);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM event_log WHERE kind = 'contract_signed'"), 10);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM event_log WHERE kind = 'contract_signed'"
                                 " AND message LIKE '%gap %H100-eq at%'"), 10);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM event_log"
                                 " WHERE kind = 'request_partial'"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM event_log WHERE kind = 'build_started'"
                                 " AND entity = 'cw-build-1'"), 1);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM datacenter"), 2);
    assert_int_equal(sql_int(db, "SELECT online_date = '2026-01-16 00:00:00' FROM datacenter"
                                 " WHERE name = 'cw-build-1'"), 1);
    assert_int_equal(sql_int(db, "SELECT gpus FROM phase WHERE datacenter_id = 1"), 14280);
    /* per-tick rows from the first tick after each entity appeared */
    assert_int_equal(sql_int(db, "SELECT count(*) FROM contract_tick WHERE contract_id = 0"), 80);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM contract_tick WHERE contract_id = 9"), 20);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM dc_tick WHERE datacenter_id = 1"), 40);
    assert_int_equal(sql_int(db, "SELECT max(installed) FROM dc_tick WHERE datacenter_id = 1"),
                     14280);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM contract_tick"
                                 " WHERE delivered > committed"), 0);
    assert_true(fabs(sql_double(db, "SELECT value FROM run_metric"
                                    " WHERE metric = 'payments_net_usd'")) < 1e-3);
    assert_int_equal(sql_int(db, "SELECT value FROM run_metric"
                                 " WHERE metric = 'contracts_procured'"), 10);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM contract_tick WHERE undelivered > 0"), 0);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM run_metric"
                                 " WHERE metric IN ('preempted_gpu_hours', 'sla_credit_usd',"
                                 " 'termination_fee_usd')"), 3);
    /* with contracts and a site added during the run, and 6-hour ticks */
    assert_true(check_metrics_against_sql(db, 1, 6.0) >= 30);
}

/* A failure the simulation has not seen when it finishes (the writer may
 * lag by up to STORE_RING_SLOTS ticks) is store_end_run's error: the run is
 * failed, the ticks before it are kept, and its metrics are those of the
 * stored ticks. */
static void test_failure_seen_at_the_end(void **state)
{
    fixture *f = *state;
    store_close(open_ok(f->db, 0));
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "CREATE TRIGGER boom BEFORE INSERT ON dc_tick"
                                  " WHEN NEW.tick = 41 BEGIN SELECT RAISE(ABORT, 'disk full');"
                                  " END", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    store *st = open_ok(f->db, 0);
    run_ctx rc = {.st = st};
    int64_t run;
    engine_outcome out = simulate_ctx(f, &rc, TICKS * 3600, &run);
    /* either way round, the run ends failed with the writer's message */
    assert_true(out == ENGINE_FINISHED || out == ENGINE_HANDLER_FAILED);
    assert_int_equal(store_end_run(st, out == ENGINE_FINISHED ? STORE_RUN_COMPLETE
                                                              : STORE_RUN_FAILED, 0.1, 30),
                     STORE_ERR_SQLITE);
    assert_non_null(strstr(store_errmsg(st), "tick 41: "));
    assert_non_null(strstr(store_errmsg(st), "disk full"));
    store_close(st);
    assert_status(f->db, run, "failed");
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM tick"), 41);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM dc_tick"), 41 * N_DC);
    assert_int_equal(sql_int(f->db, "SELECT ticks FROM run"), 41);
    assert_true(check_metrics_against_sql(f->db, run, 1.0) >= 30);
}

/* The metric and event rows of run 1 of db, each as "name=value" (%.17g) in
 * order, joined: what a summary run must reproduce exactly. */
static char *summary_rows(const char *db)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT metric, value FROM run_metric WHERE run_id = 1"
                                           " UNION ALL SELECT kind || '/' || coalesce(entity, '')"
                                           " || '/' || t, seq FROM event_log WHERE run_id = 1"
                                           " ORDER BY 1, 2", -1, &s, NULL), SQLITE_OK);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    while (sqlite3_step(s) == SQLITE_ROW)
        fprintf(out, "%s=%.17g\n", (const char *)sqlite3_column_text(s, 0),
                sqlite3_column_double(s, 1));
    fclose(out);
    sqlite3_finalize(s);
    sqlite3_close(h);
    return text;
}

/* store_set_tick_rows(st, 0), as a sweep's record = summary uses it: no
 * per-tick row, and the same run_metric (every value to the bit), event_log
 * and tick count as the same run with its rows. */
static void test_summary_run_keeps_metrics_not_rows(void **state)
{
    fixture *f = *state;
    char summary_db[160];
    snprintf(summary_db, sizeof summary_db, "%s/summary.db", f->dir);
    int64_t run;
    for (int rows = 1; rows >= 0; rows--) {
        store *st = open_ok(rows ? f->db : summary_db, 0);
        store_set_tick_rows(st, rows);
        assert_int_equal(simulate(f, st, TICKS * 3600, 0, &run), ENGINE_FINISHED);
        assert_int_equal(store_end_run(st, STORE_RUN_COMPLETE, 1.0, 1), STORE_OK);
        store_close(st);
    }
    static const char *const per_tick[] = {"tick", "dc_tick", "provider_tick", "contract_tick",
                                           "workload_tick"};
    for (size_t i = 0; i < sizeof per_tick / sizeof per_tick[0]; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", per_tick[i]);
        assert_true(sql_int(f->db, sql) >= TICKS);
        assert_int_equal(sql_int(summary_db, sql), 0);
    }
    assert_int_equal(sql_int(summary_db, "SELECT ticks FROM run WHERE id = 1"), TICKS);
    assert_int_equal(sql_int(f->db, "SELECT ticks FROM run WHERE id = 1"), TICKS);
    assert_int_equal(sql_int(summary_db, "SELECT count(*) FROM contract WHERE run_id = 1"),
                     sql_int(f->db, "SELECT count(*) FROM contract WHERE run_id = 1"));
    char *with_rows = summary_rows(f->db), *without = summary_rows(summary_db);
    assert_true(strlen(with_rows) > 1000);   /* the metrics are there to compare */
    assert_string_equal(without, with_rows);
    free(with_rows);
    free(without);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_database_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_then_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_foreign_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_file_and_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupted_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hard_death_keeps_committed_ticks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_tick_is_not_half_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misuse_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_procured_contracts_and_sites, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_seen_at_the_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_run_keeps_metrics_not_rows, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
