/*
 * The analysis passes against the SQL they replace: the report's
 * per-entity tables (analysis/report_pass.c against report.c's SQL: every
 * table of report_build, cell by cell, the same type and the same bits) and
 * the plot's heatmap data (analysis/plot_heatmap.c: the same bytes and
 * names) and workload charts' data (analysis/plot_workloads.c: the same
 * bytes, labels and colours). The
 * database is a short run of a two-site scenario, then edited so that the
 * passes meet what SQL handles by its own rules: a site with no rows, a
 * site with no GPUs installed (mean utilisation NULL), a site that gets
 * GPUs mid-run, NULL values, a real in an integer column (sum and max of
 * mixed types), contracts active on no tick and active NULL, a row whose
 * tick is not in the tick table, and a text value (the pass then leaves the
 * table to SQL).
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

#include "../../analysis/adb.h"
#include "../../analysis/plot_internal.h"
#include "../../analysis/report.h"
#include "../../analysis/report_internal.h"
#include "../../analysis/sqlcell.h"
#include "../../sim/run/run.h"

/* 45 ticks of 8 hours; two sites (one online only in February), one lease
 * with a tenant workload, one lease signed but starting after the run. */
static const char scenario_text[] =
    "[scenario]\nname = report pass test\nstart = 2025-01-01\nend = 2025-01-15\ntick = 8h\n"
    "seed = 11\n"
    "[gpu H100]\ntdp_w = 700\nidle_w = 90\n"
    "[provider cw]\nkind = neocloud\n"
    "[provider lab]\nkind = lab\n"
    "[datacenter plano]\nowner = cw\npower_mw = 20\npue = 1.2\ngpus = H100:1600\n"
    "online = 2024-01-01\n"
    "[datacenter reno]\nowner = cw\npower_mw = 10\npue = 1.3\ngpus = H100:800\n"
    "online = 2025-02-01\n"
    "[contract cw-lab]\nlessor = cw\nlessee = lab\ngpu = H100\ngpus = 800\n"
    "start = 2025-01-01\nterm_months = 12\nprice_per_gpu_hour = 2.5\nkind = reserved\n"
    "[contract cw-lab-later]\nlessor = cw\nlessee = lab\ngpu = H100\ngpus = 400\n"
    "start = 2025-06-01\nterm_months = 12\nprice_per_gpu_hour = 2.0\nkind = reserved\n"
    "[workload chat]\ntenant = lab\ntype = inference\ngrowth = exponential\n"
    "demand_h100 = 600\nyearly_factor = 1.5\n";

typedef struct fixture {
    char dir[256];
    char db[320];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    testlib_tmpdir_create(f->dir, sizeof f->dir, "passes");
    char scenario_path[320];
    snprintf(scenario_path, sizeof scenario_path, "%s/s.ini", f->dir);
    snprintf(f->db, sizeof f->db, "%s/r.db", f->dir);
    testlib_write_text(scenario_path, scenario_text);
    char err[1024];
    scenario *sc = scenario_load(scenario_path, NULL, 0, err, sizeof err);
    if (!sc)
        fail_msg("scenario_load: %s", err);
    store_status status;
    store *st = store_open(f->db, 0, &status, err, sizeof err);
    if (!st)
        fail_msg("store_open: %s", err);
    run_result r;
    assert_int_equal(run_scenario(sc, st, NULL, &r), 0);
    run_result_free(&r);
    store_close(st);
    scenario_destroy(sc);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    testlib_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static void edit(const fixture *f, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
    sqlite3_close(db);
}

static int64_t count(const fixture *f, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

static void build(const fixture *f, int sql, atable_list *out)
{
    char err[1024];
    adb_status status;
    sqlite3 *db = adb_open(f->db, &status, err, sizeof err);
    if (!db)
        fail_msg("adb_open: %s", err);
    report__use_sql(sql);
    memset(out, 0, sizeof *out);
    const int rc = report_build(db, 1, out, NULL);
    report__use_sql(0);
    sqlite3_close(db);
    assert_int_equal(rc, 0);
}

/* Every table, column and cell equal: type, integer, the real's bits, text. */
static void assert_same_report(const atable_list *a, const atable_list *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t t = 0; t < a->n; t++) {
        const atable *x = a->items[t], *y = b->items[t];
        assert_string_equal(x->name, y->name);
        assert_string_equal(x->title, y->title);
        assert_int_equal(x->ncols, y->ncols);
        for (int c = 0; c < x->ncols; c++)
            assert_string_equal(x->cols[c], y->cols[c]);
        assert_int_equal(x->nrows, y->nrows);
        for (size_t r = 0; r < x->nrows; r++)
            for (int c = 0; c < x->ncols; c++) {
                const atable_cell *p = atable_at(x, r, c), *q = atable_at(y, r, c);
                if (p->type != q->type)
                    fail_msg("%s row %zu %s: type %d against SQL's %d", x->name, r, x->cols[c],
                             p->type, q->type);
                if (p->type == SQLITE_INTEGER && p->i != q->i)
                    fail_msg("%s row %zu %s: %lld against SQL's %lld", x->name, r, x->cols[c],
                             (long long)p->i, (long long)q->i);
                if (p->type == SQLITE_FLOAT && memcmp(&p->r, &q->r, sizeof p->r) != 0)
                    fail_msg("%s row %zu %s: %.17g against SQL's %.17g", x->name, r, x->cols[c],
                             p->r, q->r);
                if (p->type == SQLITE_TEXT)
                    assert_string_equal(p->s, q->s);
            }
    }
}

static void assert_pass_equals_sql(const fixture *f)
{
    atable_list pass, sql;
    build(f, 0, &pass);
    build(f, 1, &sql);
    assert_non_null(atable_list_find(&pass, "dc_utilisation"));
    assert_non_null(atable_list_find(&pass, "contracts"));
    assert_same_report(&pass, &sql);
    atable_list_free(&pass);
    atable_list_free(&sql);
}

/* The run as written: sums of thousands of reals, means over active ticks. */
static void test_run_as_written(void **state)
{
    const fixture *f = *state;
    assert_true(count(f, "SELECT count(*) FROM dc_tick") > 40);
    assert_pass_equals_sql(f);
}

/* What SQL decides by its own rules. */
static void test_edge_cases(void **state)
{
    const fixture *f = *state;
    edit(f, "INSERT INTO datacenter (run_id, id, name, owner_id, power_mw, pue)"
            " SELECT run_id, 7, 'empty-site', owner_id, 5, 1.1 FROM datacenter"
            " WHERE run_id = 1 AND id = 0");
    /* reno (id 1) has rows but never GPUs: mean utilisation is NULL */
    assert_int_equal(count(f, "SELECT sum(installed) FROM dc_tick WHERE datacenter_id = 1"), 0);
    edit(f, "UPDATE dc_tick SET busy = NULL WHERE tick % 5 = 1;"
            "UPDATE dc_tick SET power_mw = NULL WHERE tick % 7 = 2;"
            "UPDATE dc_tick SET installed = installed + 0.5 WHERE datacenter_id = 0 AND tick = 3;"
            "UPDATE dc_tick SET mean_utilisation = 1 WHERE tick = 4;"
            "UPDATE contract_tick SET active = NULL WHERE tick % 4 = 3;"
            "UPDATE contract_tick SET delivered = delivered + 0.25 WHERE tick = 6;");
    assert_int_equal(count(f, "SELECT count(*) FROM dc_tick WHERE typeof(installed) = 'real'"), 1);
    assert_pass_equals_sql(f);
    /* a contract active on no tick: its means are NULL, its sums are not */
    assert_true(count(f, "SELECT count(*) FROM contract_tick WHERE contract_id = 1 AND"
                         " active = 1") == 0);
    /* text in a numeric column: the pass leaves the table to SQL */
    edit(f, "UPDATE dc_tick SET energy_mwh = 'n/a' WHERE tick = 2 AND datacenter_id = 0");
    assert_pass_equals_sql(f);
}

/* A plot of run 1 of the fixture, its data files in the fixture's folder. */
static void open_plot(const fixture *f, plot_ctx *c)
{
    char err[1024];
    adb_status status;
    memset(c, 0, sizeof *c);
    c->db = adb_open(f->db, &status, err, sizeof err);
    if (!c->db)
        fail_msg("adb_open: %s", err);
    c->run = 1;
    assert_true(strlen(f->dir) < sizeof c->tmp);
    memcpy(c->tmp, f->dir, strlen(f->dir) + 1);
}

/* A plot's data made through its pass (sql 0) or its SQL (1), as text. */
typedef void plot_text_fn(const fixture *f, int sql, char *out, size_t size);

/* The pass and the SQL give the same text, and some. */
static void assert_plot_pass_equals_sql(const fixture *f, plot_text_fn *make)
{
    static char pass[1 << 18], sql[1 << 18];
    make(f, 0, pass, sizeof pass);
    make(f, 1, sql, sizeof sql);
    assert_true(strlen(sql) > 100);
    assert_string_equal(pass, sql);
}

/* Appends the bytes of data file k of the fixture's folder to out (which
 * holds size bytes), and removes the file. */
static void append_file(const fixture *f, int k, char *out, size_t size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/d%d.csv", f->dir, k);
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    const size_t len = strlen(out);
    const size_t n = fread(out + len, 1, size - len - 1, in);
    fclose(in);
    assert_true(len + n < size - 1);
    out[len + n] = '\0';
    remove(path);
}

/* The heatmap's data file through the pass (sql 0) or the SQL (1): its
 * bytes into out (NUL-terminated; the file holds less than size), then the
 * shown sites' names, one per line, then the power chart's file. */
static void heatmap_file(const fixture *f, int sql, char *out, size_t size)
{
    plot_ctx c;
    open_plot(f, &c);
    plot_shown shown;
    int power = -1;
    const int k = plot__heatmap_data(&c, sql, &shown, &power);
    sqlite3_close(c.db);
    assert_int_equal(k, 0);
    assert_int_equal(power, 1);
    out[0] = '\0';
    append_file(f, k, out, size);
    for (size_t i = 0; i < shown.n; i++) {
        const size_t len = strlen(out);
        assert_true(len + strlen(shown.name[i]) + 2 < size);
        snprintf(out + len, size - len, "%s\n", shown.name[i]);
    }
    plot__shown_free(&shown);
    append_file(f, power, out, size);
}

static void test_heatmap(void **state)
{
    const fixture *f = *state;
    assert_plot_pass_equals_sql(f, heatmap_file);
    /* reno gets GPUs mid-run (NaN before), a site with no rows, NULLs, a
     * real among the integers, a row of a tick the tick table lacks */
    edit(f, "UPDATE dc_tick SET installed = 100, busy = 37.5 WHERE datacenter_id = 1"
            " AND tick >= 20;"
            "INSERT INTO datacenter (run_id, id, name, owner_id, power_mw, pue)"
            " SELECT run_id, 7, 'empty-site', owner_id, 5, 1.1 FROM datacenter"
            " WHERE run_id = 1 AND id = 0;"
            "UPDATE dc_tick SET busy = NULL WHERE tick % 5 = 1;"
            "UPDATE dc_tick SET installed = NULL WHERE tick = 9 AND datacenter_id = 0;"
            "UPDATE dc_tick SET installed = installed + 0.5 WHERE datacenter_id = 0 AND tick = 3;"
            "INSERT INTO dc_tick (run_id, tick, datacenter_id, installed, busy, power_mw)"
            " VALUES (1, 9999, 0, 5, 5.0, 7.5);"
            "UPDATE dc_tick SET power_mw = NULL WHERE tick % 7 = 2 AND datacenter_id = 0;"
            "UPDATE dc_tick SET power_mw = NULL WHERE tick = 11 OR tick BETWEEN 15 AND 17;"
            "UPDATE dc_tick SET power_mw = 3 WHERE tick = 12 AND datacenter_id = 1");
    assert_int_equal(count(f, "SELECT count(*) FROM dc_tick WHERE datacenter_id = 1 AND"
                              " installed > 0"), 25);
    char text[1 << 16];
    heatmap_file(f, 1, text, sizeof text);
    assert_non_null(strstr(text, ",1,NaN\n"));   /* reno before its GPUs */
    assert_non_null(strstr(text, "\n\n"));       /* two blocks */
    assert_non_null(strstr(text, "\nplano\nreno\n"));  /* both shown, in id order */
    assert_null(strstr(text, "empty-site"));     /* no rows: not shown */
    assert_null(strstr(text, "7.5"));            /* power of a tick the tick table lacks */
    assert_non_null(strstr(text, "-06,NaN,NaN\n"));  /* a day whose power is all NULL */
    assert_plot_pass_equals_sql(f, heatmap_file);
    /* text in busy: the pass leaves the file to the SQL */
    edit(f, "UPDATE dc_tick SET busy = 'n/a' WHERE tick = 2 AND datacenter_id = 0");
    assert_plot_pass_equals_sql(f, heatmap_file);
}

/* Every workload chart's layers (label and colour) and data file, through
 * the pass (sql 0) or each workload's SQL (1), into out. */
static void workloads_files(const fixture *f, int sql, char *out, size_t size)
{
    plot_ctx c;
    open_plot(f, &c);
    plot_workload *w = NULL;
    int n = 0;
    assert_int_equal(plot__workloads_data(&c, sql, &w, &n), 0);
    sqlite3_close(c.db);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t len = strlen(out);
        len += (size_t)snprintf(out + len, size - len, "workload %lld: %d layers, own %d\n",
                                (long long)w[i].id, w[i].src.n, w[i].src.has_own);
        for (int l = 0; l < w[i].src.n; l++)
            len += (size_t)snprintf(out + len, size - len, "%s %s\n", w[i].src.colour[l],
                                    w[i].src.label[l]);
        assert_true(len < size);
        if (w[i].file >= 0)
            append_file(f, w[i].file, out, size);
    }
    plot__workloads_free(w, n);
}

static void test_workloads(void **state)
{
    const fixture *f = *state;
    assert_plot_pass_equals_sql(f, workloads_files);
    /* six more lessors of lab, so the chart merges the smallest two into
     * "other leases": l10 a reseller of cw's GPUs, l12 only on early ticks,
     * l15 never with capacity (not ranked, but in the leases' sum), and a
     * lease from a lessor the provider table lacks; a training workload of
     * lab; NULLs; a tick where lab has no provider_tick row, one where its
     * capacity is NULL and one where it is 0; a workload row of a tick the
     * tick table lacks */
    edit(f, "INSERT INTO provider (run_id, id, name, kind) VALUES (1, 10, 'l10', 'reseller'),"
            " (1, 11, 'l11', 'neocloud'), (1, 12, 'l12', 'neocloud'), (1, 13, 'l13', 'neocloud'),"
            " (1, 14, 'l14', 'neocloud'), (1, 15, 'l15', 'neocloud');"
            "INSERT INTO contract (run_id, id, name, lessor_id, lessee_id, gpus, kind, origin)"
            " SELECT 1, 10 + k, 'c' || (10 + k), 10 + k, 1, 100, 'reserved', 'scenario' FROM"
            " (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3"
            "  UNION ALL SELECT 4 UNION ALL SELECT 5);"
            "INSERT INTO contract (run_id, id, name, lessor_id, lessee_id, gpus, kind, origin)"
            " VALUES (1, 16, 'cw-l10', 0, 10, 100, 'reserved', 'scenario'),"
            " (1, 17, 'ghost', 99, 1, 100, 'reserved', 'scenario'),"
            " (1, 18, 'c11b', 11, 1, 100, 'reserved', 'scenario');"
            "INSERT INTO contract_tick (run_id, tick, contract_id, capacity_h100)"
            " SELECT x.run_id, x.tick, 10 + k.k, CASE WHEN k.k = 5 THEN 0.0"
            "  ELSE x.capacity_h100 * (6 - k.k) / 7.0 + 0.1 END FROM contract_tick x,"
            " (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3"
            "  UNION ALL SELECT 4 UNION ALL SELECT 5) k"
            " WHERE x.contract_id = 0 AND (k.k <> 2 OR x.tick < 20);"
            "INSERT INTO contract_tick (run_id, tick, contract_id, capacity_h100)"
            " SELECT run_id, tick, 17, 3.5 FROM contract_tick WHERE contract_id = 0"
            " UNION ALL SELECT run_id, tick, 18, 1.0 / 3 FROM contract_tick WHERE contract_id = 0"
            " AND tick % 2 = 0;"
            "UPDATE contract_tick SET capacity_h100 = NULL WHERE contract_id = 13 AND tick % 3 = 0;"
            "INSERT INTO workload (run_id, id, name, tenant_id, type, growth)"
            " VALUES (1, 5, 'train', 1, 'training', 'flat');"
            "INSERT INTO workload_tick (run_id, tick, workload_id, demand_h100, capacity_h100,"
            " served_h100) SELECT run_id, tick, 5, demand_h100 / 3, capacity_h100 / 7,"
            " CASE WHEN tick % 4 = 1 THEN NULL ELSE served_h100 / 3 END FROM workload_tick"
            " WHERE workload_id = 0;"
            "DELETE FROM provider_tick WHERE provider_id = 1 AND tick = 7;"
            "UPDATE provider_tick SET capacity_h100 = NULL WHERE provider_id = 1 AND tick = 8;"
            "UPDATE provider_tick SET capacity_h100 = 0 WHERE provider_id = 1 AND tick = 9;"
            "UPDATE workload_tick SET demand_h100 = NULL WHERE tick = 10;"
            "INSERT INTO workload_tick (run_id, tick, workload_id, demand_h100, capacity_h100,"
            " served_h100) VALUES (1, 9999, 0, 1, 1, 1)");
    char text[1 << 18];
    workloads_files(f, 1, text, sizeof text);
    assert_non_null(strstr(text, "other leases (2 lessors)"));
    assert_non_null(strstr(text, "lease from l10, resold from cw (c10)"));
    assert_non_null(strstr(text, "lease from l11 (2 contracts)"));
    assert_null(strstr(text, "l15"));
    assert_non_null(strstr(text, "workload 5: 1 layers"));
    assert_plot_pass_equals_sql(f, workloads_files);
    /* text in a capacity: every workload is left to its SQL */
    edit(f, "UPDATE contract_tick SET capacity_h100 = 'n/a' WHERE contract_id = 11 AND tick = 4");
    assert_plot_pass_equals_sql(f, workloads_files);
}

static void bind_cell(sqlite3_stmt *s, int i, const atable_cell *v)
{
    if (v->type == SQLITE_INTEGER)
        sqlite3_bind_int64(s, i, v->i);
    else if (v->type == SQLITE_FLOAT)
        sqlite3_bind_double(s, i, v->r);
    else
        sqlite3_bind_null(s, i);
}

/* sqlcell_arith and sqlcell_divide_nullif_zero against SQLite's own
 * arithmetic on every pair of operands that SQL treats apart: NULL, zeros
 * of both types and signs, integer overflow of + - * (SQLite goes on in
 * floating point), INT64_MIN / -1, division by zero, infinities (inf - inf
 * is NaN: NULL). The same type and the same bits. */
static void test_sqlcell_arith(void **state)
{
    (void)state;
    const atable_cell v[] = {
        {.type = SQLITE_NULL}, {.type = SQLITE_INTEGER, .i = 0},
        {.type = SQLITE_INTEGER, .i = 1}, {.type = SQLITE_INTEGER, .i = -1},
        {.type = SQLITE_INTEGER, .i = 7}, {.type = SQLITE_INTEGER, .i = INT64_MAX},
        {.type = SQLITE_INTEGER, .i = INT64_MIN}, {.type = SQLITE_FLOAT, .r = 0.0},
        {.type = SQLITE_FLOAT, .r = -0.0}, {.type = SQLITE_FLOAT, .r = 2.5},
        {.type = SQLITE_FLOAT, .r = -1e308}, {.type = SQLITE_FLOAT, .r = 1.0 / 0.0},
        {.type = SQLITE_FLOAT, .r = 1.0 / 3.0}};
    const size_t n = sizeof v / sizeof *v;
    static const char ops[] = "+-*/";
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    int checked = 0;
    for (int o = 0; o < 5; o++) {
        char sql[64];
        if (o < 4)
            snprintf(sql, sizeof sql, "SELECT ?1 %c ?2", ops[o]);
        else
            snprintf(sql, sizeof sql, "SELECT ?1 / NULLIF(?2, 0)");
        sqlite3_stmt *s = NULL;
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                sqlite3_reset(s);
                bind_cell(s, 1, &v[i]);
                bind_cell(s, 2, &v[j]);
                assert_int_equal(sqlite3_step(s), SQLITE_ROW);
                atable_cell want, got;
                assert_int_equal(sqlcell_read(s, 0, &want), 0);
                assert_int_equal(o < 4 ? sqlcell_arith(ops[o], &v[i], &v[j], &got)
                                       : sqlcell_divide_nullif_zero(&v[i], &v[j], &got), 0);
                if (got.type != want.type || (want.type == SQLITE_INTEGER && got.i != want.i) ||
                    (want.type == SQLITE_FLOAT && memcmp(&got.r, &want.r, sizeof got.r) != 0))
                    fail_msg("%s with operands %zu, %zu: type %d, SQLite's %d", sql, i, j,
                             got.type, want.type);
                checked++;
            }
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    assert_int_equal(checked, 5 * (int)(n * n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_run_as_written, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edge_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heatmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_workloads, setup, teardown),
        cmocka_unit_test(test_sqlcell_arith),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
