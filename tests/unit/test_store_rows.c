/*
 * Unit tests for store_rows, the one description of the per-tick rows:
 * analysis/README.md's "Per-tick tables" list exactly each table's columns,
 * in order and with the same units; the generated CREATE TABLE text is the
 * hand-written schema's, byte for byte; the generated INSERT text has the
 * known shape; and every column binds the field at its offset (a row of
 * distinct values goes into an in-memory database and comes back per
 * column).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "../../sim/store/store_rows.h"
#include "../../sim/model/market.h"

/* analysis/README.md, from the repository root or from the binary's place
 * in it (build/tests/test_store_rows). */
static FILE *open_readme(void)
{
    FILE *fp = fopen("analysis/README.md", "r");
    char exe[1024] = "";
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 40);
    if (n > 0)
        exe[n] = '\0';
    for (int up = 0; !fp && n > 0 && up < 3; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            break;
        *slash = '\0';
        if (up == 2) {
            strcat(exe, "/analysis/README.md");
            fp = fopen(exe, "r");
        }
    }
    return fp;
}

#define MAX_ROWS 64

/* One README table: its column cells and unit cells, first row the key. */
typedef struct readme_table {
    char name[64];
    int n;
    char names[MAX_ROWS][128];
    char units[MAX_ROWS][64];
} readme_table;

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n'))
        s[--n] = '\0';
    size_t lead = strspn(s, " ");
    memmove(s, s + lead, n - lead + 1);
}

/* Reads the "### Per-tick tables" part: a line "`name`" or "`name`: ..." starts a table,
 * "| `col` | unit | meaning |" lines are its rows. Returns how many tables. */
static int read_readme(readme_table *tables, int cap)
{
    FILE *fp = open_readme();
    assert_non_null(fp);
    char line[4096];
    int in_part = 0, n = -1;
    while (fgets(line, sizeof line, fp)) {
        if (strncmp(line, "### ", 4) == 0) {
            if (in_part)
                break;
            in_part = strncmp(line, "### Per-tick tables", 19) == 0;
            continue;
        }
        if (!in_part)
            continue;
        const char *end = line[0] == '`' ? strchr(line + 1, '`') : NULL;
        if (end && (end[1] == '\n' || end[1] == ':') && n + 1 < cap) {  /* "`dc_tick`: ..." */
            n++;
            memset(&tables[n], 0, sizeof tables[n]);
            snprintf(tables[n].name, sizeof tables[n].name, "%.*s", (int)(end - line - 1),
                     line + 1);
        } else if (n >= 0 && strncmp(line, "| `", 3) == 0 && tables[n].n < MAX_ROWS) {
            char *cell1 = line + 1, *bar = strchr(cell1, '|');
            assert_non_null(bar);
            *bar = '\0';
            char *cell2 = bar + 1, *bar2 = strchr(cell2, '|');
            assert_non_null(bar2);
            *bar2 = '\0';
            readme_table *t = &tables[n];
            snprintf(t->names[t->n], sizeof t->names[0], "%.127s", cell1);
            snprintf(t->units[t->n], sizeof t->units[0], "%.63s", cell2);
            trim(t->names[t->n]);
            trim(t->units[t->n]);
            t->n++;
        }
    }
    fclose(fp);
    return n + 1;
}

static void check_table(const readme_table *doc, const store_row_table *t)
{
    char key[128];
    if (t->entity_key)
        snprintf(key, sizeof key, "`run_id`, `tick`, `%s`", t->entity_key);
    else
        snprintf(key, sizeof key, "`run_id`, `tick`");
    assert_string_equal(doc->name, t->name);
    if ((size_t)doc->n != t->n_columns + 1)
        fail_msg("analysis/README.md lists %d rows for %s, the row table %zu columns + the key",
                 doc->n, t->name, t->n_columns);
    assert_string_equal(doc->names[0], key);
    for (size_t c = 0; c < t->n_columns; c++) {
        char name[128];
        snprintf(name, sizeof name, "`%s`", t->columns[c].name);
        if (strcmp(doc->names[c + 1], name) != 0 || strcmp(doc->units[c + 1], t->columns[c].unit))
            fail_msg("%s column %zu: README has %s (%s), the row table %s (%s)", t->name, c + 1,
                     doc->names[c + 1], doc->units[c + 1], name, t->columns[c].unit);
    }
}

static void test_readme_lists_the_columns(void **state)
{
    (void)state;
    readme_table *doc = calloc(8, sizeof *doc);
    assert_non_null(doc);
    int n = read_readme(doc, 8);
    assert_int_equal(n, 1 + STORE_N_TICK_TABLES);
    check_table(&doc[0], store_rows_tick());
    for (int i = 0; i < STORE_N_TICK_TABLES; i++)
        check_table(&doc[1 + i], store_rows_table(i));
    free(doc);
}

/* The text the schema spelled by hand before it was generated (SQLite
 * keeps it in sqlite_master, so databases compare equal across the change). */
static void test_create_sql_is_the_schema(void **state)
{
    (void)state;
    static const char dc[] =
        "CREATE TABLE IF NOT EXISTS dc_tick ("
        " run_id INTEGER NOT NULL, tick INTEGER NOT NULL, datacenter_id INTEGER NOT NULL,"
        " installed INTEGER, healthy INTEGER, failed INTEGER, maintenance INTEGER,"
        " allocated INTEGER, busy REAL, mean_utilisation REAL,"
        " power_mw REAL, energy_mwh REAL, failures INTEGER,"
        " PRIMARY KEY (run_id, tick, datacenter_id)) WITHOUT ROWID;";
    static const char tick[] =
        "CREATE TABLE IF NOT EXISTS tick ("
        " run_id INTEGER NOT NULL, tick INTEGER NOT NULL,"
        " t INTEGER NOT NULL, date TEXT NOT NULL,"
        " PRIMARY KEY (run_id, tick)) WITHOUT ROWID;";
    char out[2048];
    assert_int_equal(store_rows_create_sql(store_rows_table(STORE_DC_TICK), out, sizeof out),
                     strlen(dc));
    assert_string_equal(out, dc);
    assert_int_equal(store_rows_create_sql(store_rows_tick(), out, sizeof out), strlen(tick));
    assert_string_equal(out, tick);
    char small[16];  /* too small: truncated, the length still told */
    assert_int_equal(store_rows_create_sql(store_rows_tick(), small, sizeof small), strlen(tick));
    assert_int_equal(strlen(small), sizeof small - 1);
}

static void test_insert_sql(void **state)
{
    (void)state;
    char *sql = store_rows_insert_sql(store_rows_tick(), 1);
    assert_string_equal(sql, "INSERT INTO tick VALUES (?1,?2,?3,?4)");
    free(sql);
    sql = store_rows_insert_sql(store_rows_table(STORE_WORKLOAD_TICK), 2);
    assert_string_equal(sql, "INSERT INTO workload_tick VALUES "
                             "(?1,?2,?3+0,?4,?5,?6,?7,?8,?9,?10,?11,?12),"
                             "(?1,?2,?3+1,?13,?14,?15,?16,?17,?18,?19,?20,?21)");
    free(sql);
}

/* Each column of a contract row (int, int64 and double fields) comes back
 * from the database as the field it names. */
static void test_bind_reads_each_field(void **state)
{
    (void)state;
    const market_contract_row row = {
        .active = 1, .committed = 96000, .delivered = 95992, .used = 81234.5,
        .utilisation = 0.8462863, .payment_usd = 201583.2, .sla_credit_usd = 1007.9,
        .preempted = 24, .fee_usd = 3.5e6, .price_per_gpu_hour = 2.1, .lessor_unleased = 4096,
        .undelivered = 8, .capacity_h100 = 123456.75};
    const store_row_table *t = store_rows_table(STORE_CONTRACT_TICK);
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    char create[2048];
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    store_rows_create_sql(t, create, sizeof create);
    assert_int_equal(sqlite3_exec(db, create, NULL, NULL, NULL), SQLITE_OK);
    char *sql = store_rows_insert_sql(t, 1);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    free(sql);
    sqlite3_bind_int64(s, 1, 7);
    sqlite3_bind_int64(s, 2, 41);
    sqlite3_bind_int64(s, 3, 3);
    assert_int_equal(store_rows_bind(s, 4, t, &row), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
    for (size_t c = 0; c < t->n_columns; c++) {
        const store_column *col = &t->columns[c];
        char q[256];
        snprintf(q, sizeof q, "SELECT %s FROM contract_tick WHERE run_id = 7 AND tick = 41"
                 " AND contract_id = 3", col->name);
        assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(s), SQLITE_ROW);
        const char *field = (const char *)&row + col->offset;
        double want = col->kind == STORE_COLUMN_INT     ? *(const int *)field
                      : col->kind == STORE_COLUMN_INT64 ? (double)*(const int64_t *)field
                                                        : *(const double *)field;
        if (sqlite3_column_double(s, 0) != want)
            fail_msg("%s: stored %.17g, the row holds %.17g", col->name,
                     sqlite3_column_double(s, 0), want);
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readme_lists_the_columns),
        cmocka_unit_test(test_create_sql_is_the_schema),
        cmocka_unit_test(test_insert_sql),
        cmocka_unit_test(test_bind_reads_each_field),
    };
    return cmocka_run_group_tests_name("store_rows", tests, NULL, NULL);
}
