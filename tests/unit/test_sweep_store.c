/*
 * Unit tests for store_sweep: the sweep row and plan, merging a run with
 * each record level (ticks: every row; daily: one row per day whose flows
 * sum the ticks'; summary: no per-tick rows; the metrics the same in all
 * three), rerunning a run over its failed row, recording a failed run, and
 * merging sweep databases (another sweep and duplicates refused), the
 * point means the sensitivity indices read and the sweep_sensitivity rows.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "testlib.h"

#include "../../sim/run/run.h"
#include "../../sim/store/store_sweep.h"

static const char scenario_ini[] =
    "[scenario]\nname = small\nstart = 2025-01-01\nend = 2025-01-03\ntick = 6h\n"
    "[gpu H100]\ntdp_w = 700\nidle_w = 90\n"
    "[provider coreweave]\nkind = neocloud\n[provider google]\nkind = hyperscaler\n"
    "[datacenter cw-plano]\nowner = coreweave\npower_mw = 20\ngpus = H100:16000\n"
    "[contract c]\nlessor = coreweave\nlessee = google\ngpus = 8000\nstart = 2025-01-01\n"
    "term_months = 12\nprice_per_gpu_hour = 2\n"
    "[workload w]\ntenant = google\ntype = inference\ndemand_h100 = 6000\n";

static store *open_store(const char *path)
{
    char err[1024];
    store_status status;
    store *st = store_open(path, 0, &status, err, sizeof err);
    if (!st)
        fail_msg("store_open %s: %s", path, err);
    return st;
}

/* One run of the small scenario into dir/name. */
static void run_into(testlib_dir *d, const char *name, scenario **sc_out)
{
    testlib_dir_write(d, "s.ini", scenario_ini);
    scenario *sc = testlib_dir_load_ok(d, "s.ini", NULL, 0);
    char path[600];
    snprintf(path, sizeof path, "%s/%s", d->dir, name);
    store *st = open_store(path);
    run_result r;
    assert_int_equal(run_scenario(sc, st, NULL, &r), 0);
    run_result_free(&r);
    store_close(st);
    if (sc_out)
        *sc_out = sc;
    else
        scenario_destroy(sc);
}

static int64_t count(const char *db_path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static const char *const paths[] = {"contract.c.gpus"};
static const char *const values[] = {"8000", "16000"};

static store *sweep_db(testlib_dir *d, const char *name, const char *text, char *path,
                       size_t path_size)
{
    snprintf(path, path_size, "%s/%s", d->dir, name);
    store *st = open_store(path);
    store_sweep_info info = {.name = "t", .file_path = "t.ini", .file_text = text,
                             .scenario_path = "s.ini", .method = "grid", .replications = 2,
                             .seeds = "independent", .seed = 1, .record = "summary",
                             .points = 2, .runs = 4};
    int64_t base = -1;
    assert_int_equal(store_sweep_create(st, &info, paths, 1, values, &base), 0);
    assert_int_equal(base, 0);
    return st;
}

static void test_record_levels(void **state)
{
    testlib_dir *d = *state;
    run_into(d, "run.db", NULL);
    char run_path[600], out[600];
    snprintf(run_path, sizeof run_path, "%s/run.db", d->dir);
    store *st = sweep_db(d, "sweep.db", "text", out, sizeof out);
    char *text = NULL;
    int64_t base = -1;
    assert_int_equal(store_sweep_find(st, &text, &base), 1);
    assert_string_equal(text, "text");
    free(text);
    assert_int_equal(store_sweep_merge_run(st, run_path, 1, 0, 0, STORE_RECORD_TICKS), 0);
    assert_int_equal(store_sweep_merge_run(st, run_path, 2, 0, 1, STORE_RECORD_DAILY), 0);
    assert_int_equal(store_sweep_merge_run(st, run_path, 3, 1, 0, STORE_RECORD_SUMMARY), 0);
    unsigned char done[4] = {0};
    assert_int_equal(store_sweep_complete_runs(st, 2, done, 4), 0);
    assert_true(done[0] && done[1] && done[2] && !done[3]);
    store_close(st);

    int64_t ticks = count(run_path, "SELECT count(*) FROM tick");
    assert_int_equal(ticks, 3 * 4);   /* 3 days of 6-hour ticks */
    assert_int_equal(count(out, "SELECT count(*) FROM tick WHERE run_id = 1"), ticks);
    assert_int_equal(count(out, "SELECT count(*) FROM tick WHERE run_id = 2"), 3);
    assert_int_equal(count(out, "SELECT count(*) FROM dc_tick WHERE run_id = 2"), 3);
    assert_int_equal(count(out, "SELECT tick_seconds FROM run WHERE id = 2"), 86400);
    assert_int_equal(count(out, "SELECT count(*) FROM tick WHERE run_id = 3"), 0);
    assert_int_equal(count(out, "SELECT count(*) FROM contract_tick WHERE run_id = 3"), 0);
    assert_int_equal(count(out, "SELECT count(*) FROM contract WHERE run_id = 3"), 1);
    /* flows: the daily sums add up to the ticks' sums */
    assert_int_equal(count(out, "SELECT abs((SELECT sum(payment_usd) FROM contract_tick WHERE "
                                "run_id = 1) - (SELECT sum(payment_usd) FROM contract_tick "
                                "WHERE run_id = 2)) < 1e-6"), 1);
    /* the metrics are the run's, whatever the level */
    assert_int_equal(count(out, "SELECT count(*) FROM run_metric a JOIN run_metric b"
                                " ON b.metric = a.metric AND b.run_id IN (2, 3)"
                                " WHERE a.run_id = 1 AND a.value != b.value"), 0);
    assert_int_equal(count(out, "SELECT count(*) FROM run_metric WHERE run_id = 3"),
                     count(run_path, "SELECT count(*) FROM run_metric"));
    assert_int_equal(count(out, "SELECT sweep_point * 10 + replication FROM run WHERE id = 3"),
                     10);
}

static void test_failed_then_rerun(void **state)
{
    testlib_dir *d = *state;
    scenario *sc = NULL;
    run_into(d, "run.db", &sc);
    char run_path[600], out[600];
    snprintf(run_path, sizeof run_path, "%s/run.db", d->dir);
    store *st = sweep_db(d, "sweep.db", "text", out, sizeof out);
    const char *const point_values[] = {"16000"};
    assert_int_equal(store_sweep_record_failed(st, sc, 4, 1, 1, 77, "t.ini", paths, point_values,
                                               1, "killed by signal 9 (Killed)", "last words"),
                     0);
    store_close(st);
    assert_int_equal(count(out, "SELECT count(*) FROM run WHERE id = 4 AND status = 'failed'"
                                " AND seed = 77 AND sweep_point = 1 AND replication = 1"), 1);
    assert_int_equal(count(out, "SELECT count(*) FROM event_log WHERE run_id = 4 AND"
                                " kind = 'run_failed' AND message LIKE 'killed by signal 9%'"), 1);
    assert_int_equal(count(out, "SELECT count(*) FROM event_log WHERE run_id = 4 AND"
                                " kind = 'run_stderr' AND message = 'last words'"), 1);
    assert_int_equal(count(out, "SELECT count(*) FROM run_param WHERE run_id = 4 AND"
                                " value = '16000' AND source_file = 't.ini'"), 1);
    /* the rerun replaces every row of the failed one */
    st = open_store(out);
    assert_int_equal(store_sweep_merge_run(st, run_path, 4, 1, 1, STORE_RECORD_SUMMARY), 0);
    store_close(st);
    assert_int_equal(count(out, "SELECT count(*) FROM run"), 1);
    assert_int_equal(count(out, "SELECT count(*) FROM run WHERE id = 4 AND status = 'complete'"), 1);
    assert_int_equal(count(out, "SELECT count(*) FROM event_log WHERE kind LIKE 'run_%'"), 0);
    scenario_destroy(sc);
}

static void test_merge_databases(void **state)
{
    testlib_dir *d = *state;
    run_into(d, "run.db", NULL);
    char run_path[600], a[600], b[600], other[600], out[600];
    snprintf(run_path, sizeof run_path, "%s/run.db", d->dir);
    store *st = sweep_db(d, "a.db", "text", a, sizeof a);
    assert_int_equal(store_sweep_merge_run(st, run_path, 1, 0, 0, STORE_RECORD_SUMMARY), 0);
    store_close(st);
    st = sweep_db(d, "b.db", "text", b, sizeof b);
    assert_int_equal(store_sweep_merge_run(st, run_path, 4, 1, 1, STORE_RECORD_SUMMARY), 0);
    store_close(st);
    store_close(sweep_db(d, "other.db", "other text", other, sizeof other));

    snprintf(out, sizeof out, "%s/out.db", d->dir);
    st = open_store(out);
    assert_int_equal(store_sweep_merge_db(st, a, 0), 0);
    assert_int_equal(store_sweep_merge_db(st, b, 0), 0);
    assert_int_equal(store_sweep_merge_db(st, a, 1), STORE_ERR_SWEEP_INPUT);
    assert_contains(store_errmsg(st), "already in the output");
    assert_int_equal(store_sweep_merge_db(st, other, 0), STORE_ERR_SWEEP_INPUT);
    assert_contains(store_errmsg(st), "holds another sweep");
    assert_int_equal(store_sweep_merge_db(st, run_path, 0), STORE_ERR_SWEEP_INPUT);
    assert_contains(store_errmsg(st), "holds no sweep");
    store_close(st);
    assert_int_equal(count(out, "SELECT count(*) FROM run"), 2);
    assert_int_equal(count(out, "SELECT count(*) FROM run WHERE id = 4 AND sweep_point = 1"), 1);
    assert_int_equal(count(out, "SELECT count(*) FROM sweep_param"), 2);
}

/* Runs SQL on the database file (the store closed). */
static void exec_sql(const char *db_path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_close(db);
}

/* The point means: each metric's mean over a point's replications, summed
 * in replication order; a metric missing from one run is left out. And the
 * sweep_sensitivity rows: replaced as a whole, NaN stored as NULL. */
static void test_point_means_and_indices(void **state)
{
    testlib_dir *d = *state;
    run_into(d, "run.db", NULL);
    char run_path[600], out[600];
    snprintf(run_path, sizeof run_path, "%s/run.db", d->dir);
    store *st = sweep_db(d, "sweep.db", "text", out, sizeof out);
    for (int64_t id = 1; id <= 4; id++)
        assert_int_equal(store_sweep_merge_run(st, run_path, id, (long)((id - 1) / 2),
                                               (long)((id - 1) % 2), STORE_RECORD_SUMMARY), 0);
    store_close(st);
    /* energy_mwh of run i becomes 1.25 i^2; revenue_usd is dropped from run 3 */
    exec_sql(out, "UPDATE run_metric SET value = 1.25 * run_id * run_id WHERE metric = "
                  "'energy_mwh'; DELETE FROM run_metric WHERE run_id = 3 AND metric = "
                  "'revenue_usd'");
    int64_t per_run = count(out, "SELECT count(*) FROM run_metric WHERE run_id = 1");
    st = open_store(out);
    store_sweep_metrics m;
    assert_int_equal(store_sweep_point_means(st, 2, 2, &m), 0);
    assert_int_equal(m.n_points, 2);
    assert_int_equal(m.n_metrics, per_run - 1);
    size_t energy = m.n_metrics;
    for (size_t i = 0; i < m.n_metrics; i++) {
        if (!strcmp(m.names[i], "energy_mwh"))
            energy = i;
        if (!strcmp(m.names[i], "revenue_usd"))
            fail_msg("revenue_usd is missing from run 3 but was kept");
        if (i > 0 && strcmp(m.names[i - 1], m.names[i]) >= 0)
            fail_msg("metrics out of order: %s then %s", m.names[i - 1], m.names[i]);
    }
    assert_true(energy < m.n_metrics);
    assert_real_equal(m.mean[energy * 2 + 0], (1.25 * 1 + 1.25 * 4) / 2);
    assert_real_equal(m.mean[energy * 2 + 1], (1.25 * 9 + 1.25 * 16) / 2);
    store_sweep_metrics_free(&m);

    const store_sensitivity_row first[] = {
        {"energy_mwh", "contract.c.gpus", "S", 0.75, 0.5, 0.875},
        {"energy_mwh", "contract.c.gpus", "T", 0.8125, NAN, NAN}};
    assert_int_equal(store_sweep_write_sensitivity(st, first, 2), 0);
    store_close(st);
    assert_int_equal(count(out, "SELECT count(*) FROM sweep_sensitivity WHERE sweep_id = 1"), 2);
    assert_int_equal(count(out, "SELECT count(*) FROM sweep_sensitivity WHERE \"index\" = 'T'"
                                " AND value = 0.8125 AND low IS NULL AND high IS NULL"), 1);
    assert_int_equal(count(out, "SELECT count(*) FROM sweep_sensitivity WHERE \"index\" = 'S'"
                                " AND value = 0.75 AND low = 0.5 AND high = 0.875"), 1);
    st = open_store(out);
    const store_sensitivity_row again[] = {
        {"margin_usd", "contract.c.gpus", "mu_star", 3.5, 3, 4}};
    assert_int_equal(store_sweep_write_sensitivity(st, again, 1), 0);
    store_close(st);
    assert_int_equal(count(out, "SELECT count(*) FROM sweep_sensitivity"), 1);
    assert_int_equal(count(out, "SELECT count(*) FROM sweep_sensitivity WHERE metric = "
                                "'margin_usd'"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        testlib_dir_test(test_record_levels),
        testlib_dir_test(test_failed_then_rerun),
        testlib_dir_test(test_merge_databases),
        testlib_dir_test(test_point_means_and_indices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
