/*
 * Unit tests for the run driver (sim/run/run.c): a small scenario run into
 * a fresh database gives the expected status, tick count and run row; a
 * stop requested from the per-tick callback ends the run 'interrupted' with
 * every written tick kept; a failed write fails the run with the tick it
 * names; --until is resolved against the start and the end; targets are
 * checked and reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "testlib.h"

#include "../../sim/run/run.h"

/* 59 daily ticks (2025-01-01 .. 2025-02-28), one DC leased to one tenant. */
static const char scenario_text[] =
    "[scenario]\nname = run driver test\nstart = 2025-01-01\nend = 2025-02-28\ntick = 1d\n"
    "seed = 7\n"
    "[gpu H100]\ntdp_w = 700\nidle_w = 90\n"
    "[provider cw]\nkind = neocloud\n"
    "[provider lab]\nkind = lab\n"
    "[datacenter plano]\nowner = cw\npower_mw = 20\npue = 1.2\ngpus = H100:1600\n"
    "online = 2024-01-01\n"
    "[contract cw-lab]\nlessor = cw\nlessee = lab\ngpu = H100\ngpus = 800\n"
    "start = 2025-01-01\nterm_months = 12\nprice_per_gpu_hour = 2.5\nkind = reserved\n"
    "[workload chat]\ntenant = lab\ntype = inference\ngrowth = exponential\n"
    "demand_h100 = 600\nyearly_factor = 1.5\n"
    "[target revenue]\nmetric = revenue_usd.cw.2025\nvalue = 1\ntolerance = 0.01\n";

typedef struct paths {
    char dir[256];
    char scenario[320];
    char db[320];
} paths;

static int setup(void **state)
{
    paths *p = calloc(1, sizeof *p);
    if (!p)
        return -1;
    testlib_tmpdir_create(p->dir, sizeof p->dir, "run");
    snprintf(p->scenario, sizeof p->scenario, "%s/s.ini", p->dir);
    snprintf(p->db, sizeof p->db, "%s/r.db", p->dir);
    testlib_write_text(p->scenario, scenario_text);
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    paths *p = *state;
    testlib_tmpdir_remove(p->dir);
    free(p);
    return 0;
}

static scenario *load(const paths *p)
{
    char err[1024];
    scenario *sc = scenario_load(p->scenario, NULL, 0, err, sizeof err);
    if (!sc)
        fail_msg("scenario_load: %s", err);
    return sc;
}

static store *open_store(const paths *p)
{
    char err[1024];
    store_status status;
    store *st = store_open(p->db, 0, &status, err, sizeof err);
    if (!st)
        fail_msg("store_open: %s", err);
    return st;
}

/* One text value from the database, or "" (the caller's buffer). */
static void query_text(const char *db, const char *sql, char *out, size_t size)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *stmt = NULL;
    out[0] = '\0';
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &stmt, NULL), SQLITE_OK);
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
        snprintf(out, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(h);
}

static void count_ticks(int64_t *calls, int64_t ticks_done, int64_t total, int64_t epoch)
{
    (void)total;
    (void)epoch;
    *calls = ticks_done;
}

typedef struct tick_log {
    int64_t calls;
    int64_t last_done;
    int64_t last_total;
    int64_t first_epoch;
    int64_t last_epoch;
} tick_log;

static void log_tick(void *ctx, int64_t ticks_done, int64_t total, int64_t epoch)
{
    tick_log *log = ctx;
    if (log->calls++ == 0)
        log->first_epoch = epoch;
    log->last_done = ticks_done;
    log->last_total = total;
    log->last_epoch = epoch;
}

static void test_complete_run(void **state)
{
    const paths *p = *state;
    scenario *sc = load(p);
    store *st = open_store(p);
    tick_log log = {0};
    run_options opts = {.on_tick = log_tick, .tick_ctx = &log};
    run_result r;
    assert_int_equal(run_scenario(sc, st, &opts, &r), 0);
    assert_int_equal(r.status, RUN_COMPLETE);
    assert_string_equal(r.error, "");
    assert_int_equal(r.run_id, 1);
    assert_int_equal(r.ticks, 59);
    assert_int_equal(log.calls, 59);
    assert_int_equal(log.last_done, 59);
    assert_int_equal(log.last_total, 59);
    /* 2025-01-01 00:00 UTC is epoch 1735689600; the last tick is day 58. */
    assert_int_equal(log.first_epoch, 1735689600);
    assert_int_equal(log.last_epoch, 1735689600 + 58 * 86400);
    assert_true(r.rows > 59);
    assert_true(r.events >= 59);
    /* 1,600 GPUs swept on each of 59 ticks. */
    assert_int_equal(r.gpu_ticks, 1600u * 59u);
    /* The one target (revenue of 1 USD) is far off, so it is missed and reported. */
    assert_int_equal(r.targets_missed, 1);
    assert_non_null(r.targets_report);
    assert_non_null(strstr(r.targets_report, "revenue_usd.cw.2025"));
    assert_non_null(strstr(r.targets_report, "OUTSIDE"));
    store_close(st);
    char text[64];
    query_text(p->db, "SELECT status FROM run WHERE id = 1", text, sizeof text);
    assert_string_equal(text, "complete");
    query_text(p->db, "SELECT count(*) FROM tick WHERE run_id = 1", text, sizeof text);
    assert_string_equal(text, "59");
    query_text(p->db, "SELECT value FROM run_metric WHERE run_id = 1 AND "
                      "metric = 'target.revenue.within'", text, sizeof text);
    assert_string_equal(text, "0.0");
    run_result_free(&r);
    scenario_destroy(sc);
}

/* Asks for a stop once 10 ticks are done, as a signal handler would. */
static void stop_after_ten(void *ctx, int64_t ticks_done, int64_t total, int64_t epoch)
{
    count_ticks(ctx, ticks_done, total, epoch);
    if (ticks_done == 10)
        run_request_stop();
}

static void test_interrupted_run_keeps_its_ticks(void **state)
{
    const paths *p = *state;
    scenario *sc = load(p);
    store *st = open_store(p);
    int64_t calls = 0;
    run_options opts = {.on_tick = stop_after_ten, .tick_ctx = &calls};
    run_result r;
    assert_int_equal(run_scenario(sc, st, &opts, &r), 1);
    assert_int_equal(r.status, RUN_INTERRUPTED);
    assert_int_equal(r.ticks, 10);
    assert_int_equal(calls, 10);
    run_result_free(&r);
    /* A second run in the same process is not stopped by the old request. */
    opts = (run_options){.stop = 5 * 86400};
    assert_int_equal(run_scenario(sc, st, &opts, &r), 0);
    assert_int_equal(r.run_id, 2);
    assert_int_equal(r.ticks, 5);
    run_result_free(&r);
    store_close(st);
    char text[64];
    query_text(p->db, "SELECT status FROM run WHERE id = 1", text, sizeof text);
    assert_string_equal(text, "interrupted");
    query_text(p->db, "SELECT count(*) FROM dc_tick WHERE run_id = 1", text, sizeof text);
    assert_string_equal(text, "10");
    query_text(p->db, "SELECT status || ' ' || ticks FROM run WHERE id = 2", text, sizeof text);
    assert_string_equal(text, "complete 5");
    scenario_destroy(sc);
}

/* A write the store's writer thread fails (a trigger standing in for a full
 * disk) fails the run, whether the simulation saw it at a hand-off or only
 * at the end: the error names the tick, the ticks before it are kept, and
 * the run row says 'failed'. */
static void test_write_failure_fails_the_run(void **state)
{
    const paths *p = *state;
    store_close(open_store(p));
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(p->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "CREATE TRIGGER full BEFORE INSERT ON provider_tick"
                                  " WHEN NEW.tick = 20 BEGIN SELECT RAISE(ABORT, 'disk full');"
                                  " END", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    scenario *sc = load(p);
    store *st = open_store(p);
    run_result r;
    assert_int_equal(run_scenario(sc, st, NULL, &r), -1);
    assert_int_equal(r.status, RUN_FAILED);
    assert_non_null(strstr(r.error, "tick 20: "));
    assert_non_null(strstr(r.error, "disk full"));
    assert_null(r.targets_report);
    store_close(st);
    char text[64];
    query_text(p->db, "SELECT status || ' ' || ticks FROM run WHERE id = 1", text, sizeof text);
    assert_string_equal(text, "failed 20");
    query_text(p->db, "SELECT count(*) FROM dc_tick WHERE run_id = 1", text, sizeof text);
    assert_string_equal(text, "20");
    run_result_free(&r);
    scenario_destroy(sc);
}

static void test_stop_from_until(void **state)
{
    const paths *p = *state;
    scenario *sc = load(p);
    const spec *s = sc->spec;
    char err[256];
    int64_t stop = 0;
    assert_int_equal(run_stop_from_until(s, NULL, &stop, err, sizeof err), 0);
    assert_int_equal(stop, s->end);
    /* --until is inclusive: through 2025-01-10 is 10 days. */
    assert_int_equal(run_stop_from_until(s, "2025-01-10", &stop, err, sizeof err), 0);
    assert_int_equal(stop, 10 * 86400);
    assert_int_equal(run_total_ticks(s, stop), 10);
    /* Past the end: the end wins. */
    assert_int_equal(run_stop_from_until(s, "2031-06-30", &stop, err, sizeof err), 0);
    assert_int_equal(stop, s->end);
    assert_int_equal(run_stop_from_until(s, "2024-12-31", &stop, err, sizeof err), -1);
    assert_non_null(strstr(err, "before the scenario start 2025-01-01"));
    assert_int_equal(run_stop_from_until(s, "2025-02-30", &stop, err, sizeof err), -1);
    assert_non_null(strstr(err, "expected a date YYYY-MM-DD"));
    scenario_destroy(sc);
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(run_status_name(RUN_COMPLETE), "complete");
    assert_string_equal(run_status_name(RUN_INTERRUPTED), "interrupted");
    assert_string_equal(run_status_name(RUN_FAILED), "failed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_complete_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupted_run_keeps_its_ticks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_failure_fails_the_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_from_until, setup, teardown),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
