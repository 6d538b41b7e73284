/*
 * Unit tests for store_search: the search and search_probe tables beside a
 * sweep of method 'search' (the row, the plan growing one point per probe
 * with sweep.points and sweep.runs following it, probes with and without an
 * interval, the outcome), and the metric lookups on a merged run (a value,
 * a missing name, the sorted list of names).
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#include "../../sim/run/run.h"
#include "../../sim/store/store_search.h"
#include "../../sim/store/store_sweep.h"

static const char scenario_ini[] =
    "[scenario]\nname = small\nstart = 2025-01-01\nend = 2025-01-03\ntick = 6h\n"
    "[gpu H100]\ntdp_w = 700\nidle_w = 90\n"
    "[provider coreweave]\nkind = neocloud\n[provider google]\nkind = hyperscaler\n"
    "[datacenter cw-plano]\nowner = coreweave\npower_mw = 20\ngpus = H100:16000\n"
    "[contract c]\nlessor = coreweave\nlessee = google\ngpus = 4000\nstart = 2025-01-01\n"
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

/* The text of the first column of the first row, or "(none)" (static). */
static const char *query(const char *db_path, const char *sql)
{
    static char out[1024];
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    const unsigned char *text = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_text(s, 0) : NULL;
    snprintf(out, sizeof out, "%s", text ? (const char *)text : "(none)");
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
}

/* A sweep of method 'search' with its search row in dir/name. */
static store *search_db(testlib_dir *d, const char *name, char *path, size_t path_size)
{
    snprintf(path, path_size, "%s/%s", d->dir, name);
    store *st = open_store(path);
    store_sweep_info info = {.name = "search", .file_text = "capsim search s.ini ...",
                             .scenario_path = "s.ini", .method = "search", .replications = 2,
                             .seeds = "common", .seed = 1, .record = "summary"};
    const char *const paths[] = {"contract.c.gpus"};
    int64_t base = -1;
    assert_int_equal(store_sweep_create(st, &info, paths, 1, NULL, &base), 0);
    assert_int_equal(base, 0);
    store_search_info s = {.path = "contract.c.gpus", .target = "shortfall_h100_hours <= 10",
                           .metric = "shortfall_h100_hours", .op = "<=", .threshold = 10,
                           .lo = 8, .hi = 16000, .step = 8, .replications = 2,
                           .confidence = 0.9};
    assert_int_equal(store_search_begin(st, &s), 0);
    return st;
}

static void test_tables(void **state)
{
    testlib_dir *d = *state;
    char path[600];
    store *st = search_db(d, "s.db", path, sizeof path);
    const char *const paths[] = {"contract.c.gpus", "workload.w.demand_h100"};
    const char *const first[] = {"16000", "6000"}, *const second[] = {"8", "6000"};
    assert_int_equal(store_search_add_point(st, 0, paths, first, 2, 2), 0);
    store_search_probe p0 = {.point = 0, .grid_index = 1999, .value = "16000", .mean = 0,
                             .low = -1.5, .high = 1.5, .runs = 2, .holds = 1};
    assert_int_equal(store_search_record_probe(st, &p0), 0);
    assert_int_equal(store_search_add_point(st, 1, paths, second, 2, 2), 0);
    store_search_probe p1 = {.point = 1, .grid_index = 0, .value = "8", .mean = 52.25,
                             .low = 50.0, .high = 54.5, .runs = 2, .holds = 0};
    assert_int_equal(store_search_record_probe(st, &p1), 0);
    assert_string_equal(query(path, "SELECT outcome FROM search"), "running");
    assert_int_equal(store_search_finish(st, "fails_at_hi", NULL, -1, -1), 0);
    store_close(st);

    assert_string_equal(query(path, "SELECT points || ' ' || runs || ' ' || method FROM sweep"),
                        "2 4 search");
    assert_string_equal(query(path, "SELECT group_concat(path || '=' || value, ' ') FROM"
                                    " (SELECT * FROM sweep_param WHERE point = 1 ORDER BY path)"),
                        "contract.c.gpus=8 workload.w.demand_h100=6000");
    assert_string_equal(query(path, "SELECT grid_index || ' ' || value || ' ' || mean || ' ' ||"
                                    " low || ' ' || high || ' ' || holds FROM search_probe"
                                    " WHERE point = 1"), "0 8 52.25 50.0 54.5 0");
    assert_string_equal(query(path, "SELECT outcome || ' ' || coalesce(answer, 'NULL') || ' ' ||"
                                    " confidence || ' ' || threshold FROM search"),
                        "fails_at_hi NULL 0.9 10.0");
}

static void test_one_replication_has_no_interval(void **state)
{
    testlib_dir *d = *state;
    char path[600];
    store *st = search_db(d, "one.db", path, sizeof path);
    const char *const paths[] = {"contract.c.gpus"}, *const values[] = {"4000"};
    assert_int_equal(store_search_add_point(st, 0, paths, values, 1, 1), 0);
    store_search_probe p = {.point = 0, .grid_index = 499, .value = "4000", .mean = 7,
                            .low = 7, .high = 7, .runs = 1, .holds = 1};
    assert_int_equal(store_search_record_probe(st, &p), 0);
    assert_int_equal(store_search_finish(st, "found", "4000", 0, 3), 0);
    store_close(st);
    assert_string_equal(query(path, "SELECT coalesce(low, 'NULL') || ' ' ||"
                                    " coalesce(high, 'NULL') || ' ' || mean FROM search_probe"),
                        "NULL NULL 7.0");
    assert_string_equal(query(path, "SELECT answer || ' ' || answer_point || ' ' ||"
                                    " neighbour_point FROM search"), "4000 0 3");
    /* a second point with the same number is refused (primary key) */
    st = open_store(path);
    assert_int_not_equal(store_search_record_probe(st, &p), 0);
    store_close(st);
}

static void test_metric_lookup(void **state)
{
    testlib_dir *d = *state;
    testlib_dir_write(d, "s.ini", scenario_ini);
    scenario *sc = testlib_dir_load_ok(d, "s.ini", NULL, 0);
    char run_path[600], path[600];
    snprintf(run_path, sizeof run_path, "%s/run.db", d->dir);
    store *st = open_store(run_path);
    run_result r;
    assert_int_equal(run_scenario(sc, st, NULL, &r), 0);
    run_result_free(&r);
    store_close(st);
    scenario_destroy(sc);

    st = search_db(d, "m.db", path, sizeof path);
    assert_int_equal(store_sweep_merge_run(st, run_path, 1, 0, 0, STORE_RECORD_SUMMARY), 0);
    /* 6000 H100 of demand on 4000 leased GPUs: 2000 short every hour of 3 days */
    double v = -1;
    assert_int_equal(store_search_metric(st, 1, "shortfall_h100_hours.w", &v), 1);
    assert_close(v, 2000.0 * 72, 1e-6);
    assert_int_equal(store_search_metric(st, 1, "shortfall_h100_hours.x", &v), 0);
    assert_int_equal(store_search_metric(st, 2, "shortfall_h100_hours.w", &v), 0);
    char **names = NULL;
    assert_int_equal(store_search_metric_names(st, 1, &names), 0);
    size_t n = 0, found = 0;
    for (; names[n]; n++) {
        if (n > 0 && strcmp(names[n - 1], names[n]) >= 0)
            fail_msg("names not sorted: '%s' before '%s'", names[n - 1], names[n]);
        found += !strcmp(names[n], "shortfall_h100_hours.w");
    }
    assert_true(n > 10);
    assert_int_equal(found, 1);
    store_search_free_names(names);
    assert_int_equal(store_search_metric_names(st, 99, &names), 0);
    assert_null(names[0]);
    store_search_free_names(names);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        testlib_dir_test(test_tables),
        testlib_dir_test(test_one_replication_has_no_interval),
        testlib_dir_test(test_metric_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
