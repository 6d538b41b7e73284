/*
 * Unit tests for the export (analysis/export.c, export_stream.c,
 * export_wide.c): SQLite's sum() and avg() value by value (known answers
 * for both of SQLite's algorithms, and bit-equality with the library
 * linked), period labels against SQLite's substr, and the streaming pass
 * against the SQL reference path byte for byte on a database built here
 * with what a real one rarely has: NULLs, a text value in a numeric
 * column, rows whose tick the tick table lacks, an entity missing from its
 * table, two entities of one name, two runs, a month boundary. A
 * spreadsheet-sized roll-up checks the row limit counted while writing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <dirent.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "testlib.h"

#include "../../analysis/export.h"
#include "../../analysis/export_stream.h"

/* ---- helpers ---- */

static void exec_sql(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
}

/* A deterministic stream of high-entropy numbers (LCG, Knuth's MMIX). */
static uint64_t lcg_state = 0x2545F4914F6CDD1DULL;
static double next_uniform(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg_state >> 11) / 9007199254740992.0;
}

/* A results-like database: run, tick, a `thing` entity table and
 * thing_tick, with the oddities listed at the top. */
static sqlite3 *make_db(void)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    exec_sql(db, "CREATE TABLE run (id INTEGER PRIMARY KEY, name TEXT);"
                 "INSERT INTO run VALUES (1, 'first'), (2, 'second');"
                 "CREATE TABLE tick (run_id INTEGER NOT NULL, tick INTEGER NOT NULL,"
                 " t INTEGER NOT NULL, date TEXT NOT NULL, PRIMARY KEY (run_id, tick))"
                 " WITHOUT ROWID;"
                 "CREATE TABLE thing (run_id INTEGER NOT NULL, id INTEGER NOT NULL,"
                 " name TEXT NOT NULL, PRIMARY KEY (run_id, id)) WITHOUT ROWID;"
                 "INSERT INTO thing VALUES (1, 1, 'alpha'), (1, 2, '=beta'), (1, 3, 'gamma'),"
                 " (1, 4, 'alpha'), (2, 1, 'alpha'), (2, 3, 'delta');"
                 "CREATE TABLE thing_tick (run_id INTEGER NOT NULL, tick INTEGER NOT NULL,"
                 " thing_id INTEGER NOT NULL, level REAL, gpus INTEGER, cost_usd REAL,"
                 " energy_mwh REAL, failures INTEGER, note TEXT, other_id INTEGER,"
                 " PRIMARY KEY (run_id, tick, thing_id)) WITHOUT ROWID;");
    sqlite3_stmt *tick = NULL, *row = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO tick VALUES (?1, ?2, ?3, ?4)", -1,
                                        &tick, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO thing_tick VALUES (?1, ?2, ?3, ?4,"
                                            " ?5, ?6, ?7, ?8, ?9, ?10)", -1, &row, NULL),
                     SQLITE_OK);
    exec_sql(db, "BEGIN");
    /* run 1: 5-hour ticks from 2025-01-28 over the month's end; run 2:
     * 7-hour ticks from 2025-03-30 */
    for (int r = 1; r <= 2; r++) {
        int n_ticks = r == 1 ? 40 : 23, hours = r == 1 ? 5 : 7;
        for (int k = 0; k < n_ticks; k++) {
            int64_t t = (int64_t)k * hours * 3600;
            int day0 = r == 1 ? 27 : 29 + 31 + 28;   /* days after 2025-01-01 */
            int64_t days = day0 + t / 86400;
            static const int month_days[] = {31, 28, 31, 30, 31, 30};
            int month = 0;
            while (days >= month_days[month])
                days -= month_days[month++];
            char date[40];
            snprintf(date, sizeof date, "2025-%02d-%02lld %02lld:00:00", month + 1,
                     (long long)days + 1, (long long)(t % 86400) / 3600);
            if (!(r == 1 && k == 17)) {   /* tick 17 of run 1 is missing */
                sqlite3_bind_int(tick, 1, r);
                sqlite3_bind_int(tick, 2, k);
                sqlite3_bind_int64(tick, 3, t);
                sqlite3_bind_text(tick, 4, date, -1, SQLITE_TRANSIENT);
                assert_int_equal(sqlite3_step(tick), SQLITE_DONE);
                sqlite3_reset(tick);
            }
            for (int id = 1; id <= 9; id++) {
                if ((r == 2 && id != 1 && id != 3 && id != 9) || (id > 4 && id != 9) ||
                    (id == 3 && k < 9))
                    continue;   /* entity 3 comes online later; 9 is nowhere named */
                sqlite3_bind_int(row, 1, r);
                sqlite3_bind_int(row, 2, k);
                sqlite3_bind_int(row, 3, id);
                double u = next_uniform();
                if (k % 11 == 3 && id == 2)
                    sqlite3_bind_null(row, 4);
                else if (k == 20 && id == 1)
                    sqlite3_bind_text(row, 4, "n/a", -1, SQLITE_STATIC);
                else
                    sqlite3_bind_double(row, 4, 1000.0 * u - 250.0);
                sqlite3_bind_int64(row, 5, (int64_t)(u * 1e6));
                sqlite3_bind_double(row, 6, next_uniform() * 1e5);
                if (k % 7 == 0)
                    sqlite3_bind_null(row, 7);
                else
                    sqlite3_bind_double(row, 7, next_uniform() / 3.0);
                sqlite3_bind_int(row, 8, (int)(next_uniform() * 3.0));
                sqlite3_bind_text(row, 9, k % 2 ? "up" : "-down", -1, SQLITE_STATIC);
                sqlite3_bind_int(row, 10, id * 10);
                assert_int_equal(sqlite3_step(row), SQLITE_DONE);
                sqlite3_reset(row);
            }
        }
    }
    exec_sql(db, "COMMIT");
    sqlite3_finalize(tick);
    sqlite3_finalize(row);
    return db;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Every file of dir a equals the file of the same name in b, and b has no
 * other; returns how many files there are. */
static int same_files(const char *a, const char *b)
{
    int n_a = 0, n_b = 0;
    DIR *d = opendir(a);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char pa[1024], pb[1024];
        snprintf(pa, sizeof pa, "%s/%s", a, e->d_name);
        snprintf(pb, sizeof pb, "%s/%s", b, e->d_name);
        size_t la, lb;
        char *x = read_file(pa, &la), *y = read_file(pb, &lb);
        if (la != lb || memcmp(x, y, la) != 0)
            fail_msg("%s (%zu bytes) differs from %s (%zu bytes)", pa, la, pb, lb);
        free(x);
        free(y);
        n_a++;
    }
    closedir(d);
    d = opendir(b);
    assert_non_null(d);
    while ((e = readdir(d)))
        n_b += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(n_b, n_a);
    return n_a;
}

/* Exports to dir/name; returns the exit code. */
static int export_to(sqlite3 *db, export_options o, const char *dir, const char *name,
                     int reference)
{
    char out[512];
    snprintf(out, sizeof out, "%s/%s", dir, name);
    o.out = out;
    o.quiet = 1;
    o.sql_reference = reference;
    FILE *err = tmpfile();
    int code = export_run(db, &o, err);
    if (code != 0) {
        char msg[2048] = "";
        rewind(err);
        size_t n = fread(msg, 1, sizeof msg - 1, err);
        msg[n] = '\0';
        fclose(err);
        fail_msg("export to %s: exit %d: %s", out, code, msg);
    }
    fclose(err);
    return code;
}

/* ---- SQLite's sum() and avg() ---- */

static void test_sum_plain(void **state)
{
    (void)state;
    export_sum_set_compensated(0);
    export_sum s = {0};
    int64_t i = 0;
    double r = 0.0;
    assert_int_equal(export_sum_total(&s, &i, &r), EXPORT_SUM_NULL);
    assert_int_equal(export_sum_mean(&s, &r), EXPORT_SUM_NULL);
    export_sum_add_real(&s, 1e16);
    export_sum_add_real(&s, 1.0);
    export_sum_add_real(&s, 1.0);
    /* each 1 is lost in rounding to even: 1e16 + 1 is 1e16 */
    assert_int_equal(export_sum_total(&s, &i, &r), EXPORT_SUM_REAL);
    assert_real_equal(r, 1e16);
    assert_int_equal(export_sum_mean(&s, &r), EXPORT_SUM_REAL);
    assert_real_equal(r, 1e16 / 3.0);
    export_sum g = {0};
    export_sum_add_integer(&g, 40961);
    export_sum_add_integer(&g, -7);
    assert_int_equal(export_sum_total(&g, &i, &r), EXPORT_SUM_INTEGER);
    assert_int_equal(i, 40954);
    assert_int_equal(export_sum_mean(&g, &r), EXPORT_SUM_REAL);
    assert_real_equal(r, 20477.0);
    export_sum_add_real(&g, 0.25);
    assert_int_equal(export_sum_total(&g, &i, &r), EXPORT_SUM_REAL);
    assert_real_equal(r, 40954.25);
    export_sum o = {0};
    export_sum_add_integer(&o, INT64_MAX);
    export_sum_add_integer(&o, 3);
    assert_int_equal(export_sum_total(&o, &i, &r), EXPORT_SUM_OVERFLOW);
    export_sum_add_real(&o, 0.5);   /* before 3.43 the overflow stays */
    assert_int_equal(export_sum_total(&o, &i, &r), EXPORT_SUM_OVERFLOW);
    export_sum_set_compensated(-1);
}

static void test_sum_compensated(void **state)
{
    (void)state;
    export_sum_set_compensated(1);
    export_sum s = {0};
    int64_t i = 0;
    double r = 0.0;
    export_sum_add_real(&s, 1e16);
    export_sum_add_real(&s, 1.0);
    export_sum_add_real(&s, 1.0);
    assert_int_equal(export_sum_total(&s, &i, &r), EXPORT_SUM_REAL);
    assert_real_equal(r, 10000000000000002.0);
    assert_int_equal(export_sum_mean(&s, &r), EXPORT_SUM_REAL);
    assert_real_equal(r, 10000000000000002.0 / 3.0);
    /* integers stay exact; a mean of integers divides the exact sum */
    export_sum g = {0};
    export_sum_add_integer(&g, 9007199254740993LL);
    export_sum_add_integer(&g, 2);
    assert_int_equal(export_sum_total(&g, &i, &r), EXPORT_SUM_INTEGER);
    assert_int_equal(i, 9007199254740995LL);
    assert_int_equal(export_sum_mean(&g, &r), EXPORT_SUM_REAL);
    assert_real_equal(r, (double)9007199254740995LL / 2.0);
    /* an overflow is an error until a real follows it */
    export_sum o = {0};
    export_sum_add_integer(&o, INT64_MAX);
    export_sum_add_integer(&o, 3);
    assert_int_equal(export_sum_total(&o, &i, &r), EXPORT_SUM_OVERFLOW);
    export_sum_add_real(&o, 0.5);
    assert_int_equal(export_sum_total(&o, &i, &r), EXPORT_SUM_REAL);
    assert_real_equal(r, 9223372036854775808.0);
    export_sum_set_compensated(-1);
}

/* The library linked decides which algorithm the export follows: every
 * sum and mean equals SQLite's own, bit for bit. */
static void test_sum_equals_sqlite(void **state)
{
    (void)state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    exec_sql(db, "CREATE TABLE v (g INTEGER, x)");
    sqlite3_stmt *ins = NULL, *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO v VALUES (?1, ?2)", -1, &ins, NULL),
                     SQLITE_OK);
    export_sum acc[8] = {{0}};
    for (int k = 0; k < 4000; k++) {
        int g = k % 8;
        sqlite3_bind_int(ins, 1, g);
        double u = next_uniform();
        if (g < 2) {   /* integers only; group 1 large ones */
            int64_t v = g ? (int64_t)(u * 8e15) - 4000000000000000LL : (int64_t)(u * 1e6);
            sqlite3_bind_int64(ins, 2, v);
            export_sum_add_integer(&acc[g], v);
        } else if (g == 2 && k % 3 == 0) {
            sqlite3_bind_null(ins, 2);
        } else {
            double v = g == 3 ? (k % 2 ? 1e16 : 1.0) : (u - 0.3) * pow(10.0, g);
            if (g == 4 && k % 5 == 0) {
                sqlite3_bind_int64(ins, 2, k);
                export_sum_add_integer(&acc[g], k);
            } else {
                sqlite3_bind_double(ins, 2, v);
                export_sum_add_real(&acc[g], v);
            }
        }
        assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT g, sum(x), avg(x) FROM"
                                            " (SELECT * FROM v ORDER BY rowid) GROUP BY g"
                                            " ORDER BY g", -1, &q, NULL), SQLITE_OK);
    int groups = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        int g = sqlite3_column_int(q, 0);
        int64_t i = 0;
        double r = 0.0, mean = 0.0;
        export_sum_kind k = export_sum_total(&acc[g], &i, &r);
        if (sqlite3_column_type(q, 1) == SQLITE_INTEGER) {
            assert_int_equal(k, EXPORT_SUM_INTEGER);
            assert_int_equal(i, sqlite3_column_int64(q, 1));
        } else {
            assert_int_equal(k, EXPORT_SUM_REAL);
            assert_real_equal(r, sqlite3_column_double(q, 1));
        }
        assert_int_equal(export_sum_mean(&acc[g], &mean), EXPORT_SUM_REAL);
        assert_real_equal(mean, sqlite3_column_double(q, 2));
        groups++;
    }
    assert_int_equal(groups, 8);
    sqlite3_finalize(q);
    sqlite3_close(db);
}

/* ---- periods ---- */

static void test_labels(void **state)
{
    (void)state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    const char *dates[] = {"2025-03-04 05:00:00", "2031-12-31 23:59:59", "2025",
                           "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
                           "\xc3\xa4\xc3\xa4\xc3\xa4x", ""};
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT ?1, substr(?1, 1, 10), substr(?1, 1, 7)",
                                        -1, &s, NULL), SQLITE_OK);
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++) {
        sqlite3_bind_text(s, 1, dates[i], -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(s), SQLITE_ROW);
        char buf[128];
        for (int p = 0; p < 3; p++)
            assert_string_equal(export_stream_label(dates[i], (rollup_period)p, buf, sizeof buf),
                                (const char *)sqlite3_column_text(s, p));
        sqlite3_reset(s);
    }
    char buf[128];
    assert_string_equal(export_stream_label("2025-03-04 05:00:00", ROLLUP_MONTH, buf, sizeof buf),
                        "2025-03");
    assert_string_equal(export_stream_label("2025-03-04 05:00:00", ROLLUP_DAY, buf, sizeof buf),
                        "2025-03-04");
    sqlite3_finalize(s);
    sqlite3_close(db);
}

/* ---- the pass against the SQL reference ---- */

static void test_stream_equals_sql(void **state)
{
    (void)state;
    sqlite3 *db = make_db();
    int64_t periods = 0;
    /* the pass is what export_run uses on this database */
    assert_int_equal(export_stream_survey(db, ROLLUP_DAY, 0, &periods), 1);
    assert_int_equal(periods, 9 + 7);
    char dir[128];
    testlib_tmpdir_create(dir, sizeof dir, "export");
    const char *table[] = {"thing_tick"};
    int files = 0;
    for (int p = 0; p < 3; p++)
        for (int wide = 0; wide < 2; wide++)
            for (int variant = 0; variant < 3; variant++) {
                export_options o = {0};
                o.period = (rollup_period)p;
                o.wide = wide;
                o.run = variant == 2 ? 2 : 0;
                if (variant == 1) {
                    o.tables = table;
                    o.n_tables = 1;
                }
                char a[64], b[64], da[256], db_[256];
                snprintf(a, sizeof a, "s%d%d%d", p, wide, variant);
                snprintf(b, sizeof b, "r%d%d%d", p, wide, variant);
                export_to(db, o, dir, a, 0);
                export_to(db, o, dir, b, 1);
                snprintf(da, sizeof da, "%s/%s", dir, a);
                snprintf(db_, sizeof db_, "%s/%s", dir, b);
                files += same_files(da, db_);
            }
    /* long: 4 tables (run, tick, thing, thing_tick) or 3 rolled up;
     * wide: 5 rolled-up columns */
    assert_int_equal(files, (4 + 1 + 4) + 2 * (3 + 1 + 3) + 3 * (5 + 5 + 5));
    testlib_tmpdir_remove(dir);
    sqlite3_close(db);
}

/* The pass on its own: its daily file equals the views' SQL. */
static void test_pass_alone(void **state)
{
    (void)state;
    sqlite3 *db = make_db();
    char dir[128];
    testlib_tmpdir_create(dir, sizeof dir, "export-pass");
    export_options o = {0};
    const char *table[] = {"thing_tick"};
    o.tables = table;
    o.n_tables = 1;
    o.period = ROLLUP_DAY;
    export_to(db, o, dir, "ref.csv", 1);
    rollup_table t;
    assert_int_equal(rollup_describe(db, "thing_tick", &t), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/ref.csv", dir);
    size_t n_ref = 0, n_pass = 0;
    char *ref = read_file(path, &n_ref);
    FILE *f = tmpfile();
    csvout w;
    csvout_init(&w, f);
    export_stream_out so = {0};
    so.long_out = &w;
    int64_t rows = -1;
    assert_int_equal(export_stream_table(db, &t, ROLLUP_DAY, 0, &so, &rows), 0);
    assert_int_equal((uint64_t)rows + 1, w.rows);
    fflush(f);
    char *pass = malloc(n_ref + 1);
    rewind(f);
    n_pass = fread(pass, 1, n_ref + 1, f);
    fclose(f);
    assert_int_equal(n_pass, n_ref);
    assert_memory_equal(pass, ref, n_ref);
    /* counting alone gives the same rows */
    export_stream_out count = {0};
    count.count_only = 1;
    int64_t counted = -1;
    assert_int_equal(export_stream_table(db, &t, ROLLUP_DAY, 0, &count, &counted), 0);
    assert_int_equal(counted, rows);
    free(ref);
    free(pass);
    testlib_tmpdir_remove(dir);
    sqlite3_close(db);
}

/* Dates that go back in time: no pass (its periods would not be
 * contiguous); the export is the SQL one. */
static void test_unordered_dates(void **state)
{
    (void)state;
    sqlite3 *db = make_db();
    exec_sql(db, "UPDATE tick SET date = '2024-12-31 10:00:00' WHERE run_id = 1 AND tick = 30");
    int64_t periods = 0;
    assert_int_equal(export_stream_survey(db, ROLLUP_DAY, 0, &periods), 0);
    assert_int_equal(export_stream_survey(db, ROLLUP_DAY, 2, &periods), 1);
    char dir[128], a[256], b[256];
    testlib_tmpdir_create(dir, sizeof dir, "export-unordered");
    for (int wide = 0; wide < 2; wide++) {
        export_options o = {0};
        o.period = ROLLUP_DAY;
        o.wide = wide;
        export_to(db, o, dir, wide ? "sw" : "s", 0);
        export_to(db, o, dir, wide ? "rw" : "r", 1);
        snprintf(a, sizeof a, "%s/%s", dir, wide ? "sw" : "s");
        snprintf(b, sizeof b, "%s/%s", dir, wide ? "rw" : "r");
        assert_true(same_files(a, b) > 0);
    }
    testlib_tmpdir_remove(dir);
    sqlite3_close(db);
}

/* ---- the row limit, counted while writing ---- */

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* One entity on 1,048,576 "days" (each tick a period of its own): the
 * rolled-up file would have a row more than a spreadsheet's limit. The
 * stored rows are over the limit too, so the pass counts while it writes;
 * the refusal must leave no file and no part. */
static void test_limit_counted_while_writing(void **state)
{
    (void)state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    exec_sql(db, "CREATE TABLE tick (run_id INTEGER NOT NULL, tick INTEGER NOT NULL,"
                 " t INTEGER NOT NULL, date TEXT NOT NULL, PRIMARY KEY (run_id, tick))"
                 " WITHOUT ROWID;"
                 "CREATE TABLE box_tick (run_id INTEGER NOT NULL, tick INTEGER NOT NULL,"
                 " box_id INTEGER NOT NULL, load REAL, PRIMARY KEY (run_id, tick, box_id))"
                 " WITHOUT ROWID;"
                 "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k"
                 " WHERE n + 1 < 1048576)"
                 " INSERT INTO tick SELECT 1, n, n, printf('%010d', n) FROM k;"
                 "INSERT INTO box_tick SELECT 1, tick, 5, tick * 0.5 FROM tick;");
    char dir[128], out[256], err_text[1024] = "";
    testlib_tmpdir_create(dir, sizeof dir, "export-limit");
    snprintf(out, sizeof out, "%s/csv", dir);
    export_options o = {0};
    o.period = ROLLUP_DAY;
    o.out = out;
    o.quiet = 1;
    FILE *err = tmpfile();
    assert_int_equal(export_run(db, &o, err), 2);
    rewind(err);
    err_text[fread(err_text, 1, sizeof err_text - 1, err)] = '\0';
    fclose(err);
    assert_contains(err_text, "box_daily.csv would have 1048577 rows");
    assert_int_equal(count_entries(out), 0);
    o.force = 1;
    err = tmpfile();
    assert_int_equal(export_run(db, &o, err), 0);
    fclose(err);
    assert_int_equal(count_entries(out), 1);
    char path[300];
    snprintf(path, sizeof path, "%s/box_daily.csv", out);
    size_t len = 0;
    char *text = read_file(path, &len);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    assert_int_equal(lines, 1048577);
    assert_non_null(strstr(text, "\r\n1,0000000007,5,1,3.5\r\n") ? text : NULL);
    free(text);
    testlib_tmpdir_remove(dir);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sum_plain),
        cmocka_unit_test(test_sum_compensated),
        cmocka_unit_test(test_sum_equals_sqlite),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_stream_equals_sql),
        cmocka_unit_test(test_pass_alone),
        cmocka_unit_test(test_unordered_dates),
        cmocka_unit_test(test_limit_counted_while_writing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
