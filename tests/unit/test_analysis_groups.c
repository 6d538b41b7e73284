/*
 * Unit tests for the replication groups (analysis/groups.h): runs with the
 * same parameters apart from the seed, over the same period, form a group;
 * a different --set value, a shorter period or an incomplete run does not
 * join it; a repeated seed is kept but not pooled (and stands in for its
 * twin when it is the run asked about); sweep points group by
 * point; the parameters that vary are found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "../../analysis/groups.h"

static const char schema[] =
    "CREATE TABLE run (id INTEGER PRIMARY KEY, seed INTEGER, status TEXT, sweep_point INTEGER,"
    " replication INTEGER, start_date TEXT, end_date TEXT, tick_seconds INTEGER, ticks INTEGER);"
    "CREATE TABLE run_param (run_id INTEGER, path TEXT, value TEXT,"
    " PRIMARY KEY (run_id, path)) WITHOUT ROWID;";

/* Adds run `id` with a seed, a GPU count for contract.c.gpus, a tick count
 * and a status; sweep_point < 0 is NULL. */
static void add_run(sqlite3 *db, int id, int seed, const char *gpus, int ticks,
                    const char *status, int sweep_point)
{
    char sql[1024], point[16] = "NULL";
    if (sweep_point >= 0)
        snprintf(point, sizeof point, "%d", sweep_point);
    snprintf(sql, sizeof sql,
             "INSERT INTO run VALUES (%d, %d, '%s', %s, NULL, '2025-01-01 00:00:00',"
             " '2030-01-01 00:00:00', 3600, %d);"
             "INSERT INTO run_param VALUES (%d, 'scenario.seed', '%d');"
             "INSERT INTO run_param VALUES (%d, 'scenario.name', 'x');"
             "INSERT INTO run_param VALUES (%d, 'contract.c.gpus', '%s');",
             id, seed, status, point, ticks, id, seed, id, id, gpus);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static sqlite3 *open_db(void)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, schema, NULL, NULL, NULL), SQLITE_OK);
    return db;
}

/* The ids of group k, all members, as "1,2,5". */
static void members(const groups_set *g, size_t k, char *out, size_t len)
{
    size_t w = 0;
    out[0] = '\0';
    for (size_t m = 0; m < g->groups[k].n_members && w < len; m++)
        w += (size_t)snprintf(out + w, len - w, "%s%lld", m ? "," : "",
                              (long long)g->runs[g->groups[k].members[m]].id);
}

static void test_groups_by_params(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    add_run(db, 1, 11, "96000", 192, "complete", -1);
    add_run(db, 2, 12, "96000", 192, "complete", -1);
    add_run(db, 3, 11, "120000", 192, "complete", -1);  /* another --set value */
    add_run(db, 4, 12, "120000", 192, "complete", -1);
    add_run(db, 5, 11, "96000", 192, "complete", -1);   /* run 1's seed again */
    add_run(db, 6, 13, "96000", 96, "complete", -1);    /* a shorter --until */
    add_run(db, 7, 14, "96000", 40, "interrupted", -1);
    groups_set g;
    assert_int_equal(groups_build(db, GROUPS_BY_PARAMS, &g), 0);
    assert_int_equal(g.n_runs, 7);
    assert_int_equal(g.n_groups, 3);
    char buf[64];
    members(&g, 0, buf, sizeof buf);
    assert_string_equal(buf, "1,2,5");
    members(&g, 1, buf, sizeof buf);
    assert_string_equal(buf, "3,4");
    members(&g, 2, buf, sizeof buf);
    assert_string_equal(buf, "6");
    assert_int_equal(g.groups[0].n_pooled, 2);
    assert_int_equal(g.groups[1].n_pooled, 2);
    assert_int_equal(g.runs[groups_find(&g, 1)].pooled, 1);
    assert_int_equal(g.runs[groups_find(&g, 5)].pooled, 0);
    assert_int_equal(g.runs[groups_find(&g, 7)].group, GROUPS_NO_GROUP);
    assert_int_equal(groups_find(&g, 99), GROUPS_NO_GROUP);
    int64_t *ids = NULL;
    size_t n = 0;
    assert_int_equal(groups_pooled_ids(&g, 0, &ids, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], 1);
    assert_int_equal(ids[1], 2);
    free(ids);
    /* the repeated seed stands in for run 1; an incomplete run is alone */
    assert_int_equal(groups_replications_of(&g, 5, &ids, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], 5);
    assert_int_equal(ids[1], 2);
    free(ids);
    assert_int_equal(groups_replications_of(&g, 7, &ids, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 7);
    free(ids);
    groups_free(&g);
    sqlite3_close(db);
}

static void test_groups_by_point(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    add_run(db, 1, 21, "96000", 24, "complete", 0);
    add_run(db, 2, 21, "120000", 24, "complete", 1);
    add_run(db, 3, 22, "96000", 24, "complete", 0);
    add_run(db, 4, 22, "120000", 24, "complete", 1);
    groups_set g;
    assert_int_equal(groups_build(db, GROUPS_BY_POINT, &g), 0);
    assert_int_equal(g.n_groups, 2);
    char buf[64];
    members(&g, 0, buf, sizeof buf);
    assert_string_equal(buf, "1,3");
    members(&g, 1, buf, sizeof buf);
    assert_string_equal(buf, "2,4");
    groups_free(&g);
    sqlite3_close(db);
}

static void test_varying_params(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    add_run(db, 1, 11, "96000", 192, "complete", -1);
    add_run(db, 2, 12, "96000", 192, "complete", -1);
    add_run(db, 3, 13, "120000", 192, "complete", -1);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO run_param VALUES (3, 'gpu.H100.tdp_w', '700')",
                                  NULL, NULL, NULL), SQLITE_OK);
    char **paths = NULL;
    size_t n = 0;
    int64_t same[] = {1, 2}, all[] = {1, 2, 3};
    assert_int_equal(groups_varying_params(db, same, 2, &paths, &n), 0);
    assert_int_equal(n, 0);      /* the seed differs, and is left out */
    groups_free_paths(paths, n);
    assert_int_equal(groups_varying_params(db, all, 3, &paths, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(paths[0], "contract.c.gpus");
    assert_string_equal(paths[1], "gpu.H100.tdp_w");   /* present in run 3 only */
    groups_free_paths(paths, n);
    char *v = groups_param_value(db, 3, "contract.c.gpus");
    assert_string_equal(v, "120000");
    free(v);
    assert_null(groups_param_value(db, 1, "gpu.H100.tdp_w"));
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_by_params),
        cmocka_unit_test(test_groups_by_point),
        cmocka_unit_test(test_varying_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
