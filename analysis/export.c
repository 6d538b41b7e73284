/*
 * export: plans the files (which tables, which layout, where), checks the
 * row limit for every file before writing any, then writes each file to
 * FILE.part and renames it into place, so a failed export leaves no
 * half-written CSV behind.
 */
#include "export.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "adb.h"
#include "../sim/util/grow.h"
#include "../sim/util/strbuf.h"

typedef enum job_kind { JOB_PLAIN, JOB_LONG, JOB_WIDE } job_kind;

typedef struct export_job {
    job_kind kind;
    rollup_table rt;               /* per-tick tables; rt.name is the relation */
    char column[ROLLUP_NAME_MAX];  /* JOB_WIDE */
    char file[3 * ROLLUP_NAME_MAX];
    int64_t rows;                  /* header included */
} export_job;

typedef struct job_list {
    export_job *items;
    size_t n, cap;
} job_list;

static export_job *add_job(job_list *l, job_kind kind, const rollup_table *rt)
{
    if (grow_reserve((void **)&l->items, &l->cap, l->n + 1, 32, sizeof *l->items) != 0)
        return NULL;
    export_job *j = &l->items[l->n++];
    memset(j, 0, sizeof *j);
    j->kind = kind;
    j->rt = *rt;
    return j;
}

/* Jobs for one per-tick table. Returns 0, -1 (memory). */
static int plan_tick_table(job_list *l, const rollup_table *rt, const export_options *o)
{
    const char *period = rollup_period_name(o->period);
    if (!o->wide) {
        export_job *j = add_job(l, JOB_LONG, rt);
        if (!j)
            return -1;
        if (o->period == ROLLUP_TICK)
            snprintf(j->file, sizeof j->file, "%s.csv", rt->name);
        else
            snprintf(j->file, sizeof j->file, "%s_%s.csv", rt->short_name, period);
        return 0;
    }
    for (int i = 0; i < rt->n_values; i++) {
        const rollup_column *c = &rt->values[i];
        if (c->kind == ROLLUP_TEXT || (o->metric && strcmp(o->metric, c->name) != 0))
            continue;
        export_job *j = add_job(l, JOB_WIDE, rt);
        if (!j)
            return -1;
        snprintf(j->column, sizeof j->column, "%s", c->name);
        snprintf(j->file, sizeof j->file, "%s_%s%s%s.csv", rt->short_name, c->name,
                 *period ? "_" : "", period);
    }
    return 0;
}

/* Jobs for one relation. explicit: named with --table. Returns an exit code
 * or -1 to go on. */
static int plan_relation(sqlite3 *db, job_list *l, const char *name, int explicit,
                         const export_options *o, FILE *err)
{
    rollup_table rt;
    int d = rollup_describe(db, name, &rt);
    if (d < 0) {
        fprintf(err, "capsim export: reading the schema of %s: %s\n", name, sqlite3_errmsg(db));
        return 1;
    }
    if (d == 0)
        return plan_tick_table(l, &rt, o) == 0 ? -1 : 1;
    if (o->wide || o->period != ROLLUP_TICK) {
        if (explicit) {
            fprintf(err, "capsim export: %s is not a per-tick table; --wide, --daily and "
                         "--monthly apply to dc_tick, provider_tick, contract_tick, "
                         "workload_tick\n", name);
            return 2;
        }
        if (o->wide || !strcmp(name, "tick"))
            return -1;
    }
    snprintf(rt.name, sizeof rt.name, "%s", name);
    export_job *j = add_job(l, JOB_PLAIN, &rt);
    if (!j)
        return 1;
    snprintf(j->file, sizeof j->file, "%s.csv", name);
    return -1;
}

static void list_tables(sqlite3 *db, FILE *err)
{
    sqlite3_stmt *s = NULL;
    fprintf(err, "tables and views:");
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type IN ('table','view')"
                               " ORDER BY rowid", -1, &s, NULL) == SQLITE_OK)
        while (sqlite3_step(s) == SQLITE_ROW)
            fprintf(err, " %s", sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    fprintf(err, "\n");
}

static int plan(sqlite3 *db, const export_options *o, job_list *l, FILE *err)
{
    if (o->tables) {
        for (int i = 0; i < o->n_tables; i++) {
            if (!adb_has_relation(db, o->tables[i])) {
                fprintf(err, "capsim export: no table or view '%s'; ", o->tables[i]);
                list_tables(db, err);
                return 2;
            }
            int code = plan_relation(db, l, o->tables[i], 1, o, err);
            if (code >= 0)
                return code;
        }
    } else {
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                                   " AND name NOT LIKE 'sqlite%' ORDER BY rowid",
                               -1, &s, NULL) != SQLITE_OK)
            return 1;
        int code = -1;
        while (code < 0 && sqlite3_step(s) == SQLITE_ROW)
            code = plan_relation(db, l, (const char *)sqlite3_column_text(s, 0), 0, o, err);
        sqlite3_finalize(s);
        if (code >= 0)
            return code;
    }
    if (o->metric && l->n == 0) {
        fprintf(err, "capsim export: no per-tick column '%s' in the tables exported\n",
                o->metric);
        return 2;
    }
    return -1;
}

/* The run filter of a plain relation. */
static const char *plain_where(sqlite3 *db, const char *name, int64_t run)
{
    if (run <= 0)
        return "";
    if (!strcmp(name, "run"))
        return " WHERE id = ?1";
    return adb_has_column(db, name, "run_id") ? " WHERE run_id = ?1" : "";
}

static int64_t count_sql(sqlite3 *db, const char *sql, int64_t run)
{
    sqlite3_stmt *s = NULL;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    if (run > 0 && sqlite3_bind_parameter_count(s) >= 1)
        sqlite3_bind_int64(s, 1, run);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

/* Data rows of a long job; the exact roll-up count only when the cheap
 * bound (the stored rows) is over the limit. */
static int64_t count_long(sqlite3 *db, const export_job *j, const export_options *o)
{
    strbuf b = {0};
    if (j->kind == JOB_PLAIN)
        strbuf_addf(&b, "SELECT count(*) FROM \"%s\"%s", j->rt.name,
                    plain_where(db, j->rt.name, o->run));
    else
        strbuf_addf(&b, "SELECT count(*) FROM \"%s\" x%s", j->rt.name,
                    o->run > 0 ? " WHERE x.run_id = ?1" : "");
    const char *sql = strbuf_str(&b);
    int64_t n = sql ? count_sql(db, sql, o->run) : -1;
    strbuf_free(&b);
    if (j->kind == JOB_LONG && o->period != ROLLUP_TICK && n + 1 > EXPORT_MAX_ROWS) {
        char *rollup = rollup_long_sql(&j->rt, o->period, o->run > 0 ? "x.run_id = ?1" : NULL);
        strbuf_addf(&b, "SELECT count(*) FROM (%s)", rollup ? rollup : "");
        n = rollup && (sql = strbuf_str(&b)) ? count_sql(db, sql, o->run) : -1;
        free(rollup);
        strbuf_free(&b);
    }
    return n;
}

/* Counts every job's rows; refuses (2) when one is over the limit. */
static int check_limits(sqlite3 *db, job_list *l, const export_options *o, FILE *err)
{
    for (size_t i = 0; i < l->n; i++) {
        export_job *j = &l->items[i];
        int64_t n = j->kind == JOB_WIDE ? export_wide_rows(db, o->period, o->run)
                                        : count_long(db, j, o);
        if (n < 0) {
            fprintf(err, "capsim export: counting rows of %s: %s\n", j->rt.name,
                    sqlite3_errmsg(db));
            return 1;
        }
        j->rows = n + 1;
        if (j->rows > EXPORT_MAX_ROWS && !o->force) {
            fprintf(err, "capsim export: %s would have %lld rows (header included), more than "
                         "a spreadsheet's %d; roll it up with --daily or --monthly, pick one run "
                         "with --run, or write it anyway with --force\n", j->file,
                    (long long)j->rows, EXPORT_MAX_ROWS);
            return 2;
        }
        int64_t cols = j->kind == JOB_WIDE ? export_wide_columns(db, &j->rt, o->run) + 2 : 0;
        if (cols > EXPORT_MAX_COLUMNS && !o->force) {
            fprintf(err, "capsim export: %s would have %lld columns, more than a spreadsheet's "
                         "%d; use the long layout (no --wide) or --force\n", j->file,
                    (long long)cols, EXPORT_MAX_COLUMNS);
            return 2;
        }
    }
    return -1;
}

static void write_value(csvout *w, sqlite3_stmt *s, int c)
{
    switch (sqlite3_column_type(s, c)) {
    case SQLITE_INTEGER: csvout_int(w, sqlite3_column_int64(s, c)); break;
    case SQLITE_FLOAT: csvout_real(w, sqlite3_column_double(s, c)); break;
    case SQLITE_NULL: csvout_null(w); break;
    default: csvout_text(w, (const char *)sqlite3_column_text(s, c)); break;
    }
}

/* Writes a query's header and rows. Returns 0 or -1. */
static int write_query(sqlite3 *db, const char *sql, int64_t run, csvout *w)
{
    sqlite3_stmt *s = NULL;
    if (!sql || sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    if (run > 0 && sqlite3_bind_parameter_count(s) >= 1)
        sqlite3_bind_int64(s, 1, run);
    int n = sqlite3_column_count(s), rc;
    for (int c = 0; c < n; c++)
        csvout_text(w, sqlite3_column_name(s, c));
    csvout_end_row(w);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        for (int c = 0; c < n; c++)
            write_value(w, s, c);
        if (csvout_end_row(w) != 0)
            break;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE && !w->error ? 0 : -1;
}

static int write_job(sqlite3 *db, const export_job *j, const export_options *o, csvout *w)
{
    const char *where = o->run > 0 ? "x.run_id = ?1" : NULL;
    if (j->kind == JOB_WIDE)
        return export_wide(db, &j->rt, j->column, o->period, o->run, w);
    if (j->kind == JOB_LONG) {
        char *sql = rollup_long_sql(&j->rt, o->period, where);
        int rc = write_query(db, sql, o->run, w);
        free(sql);
        return rc;
    }
    strbuf b = {0};
    strbuf_addf(&b, "SELECT * FROM \"%s\"%s", j->rt.name, plain_where(db, j->rt.name, o->run));
    int rc = write_query(db, strbuf_str(&b), o->run, w);
    strbuf_free(&b);
    return rc;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            if (!(*p = c))
                break;
        }
    }
    return 0;
}

static char live_part[4200];
static volatile sig_atomic_t part_is_live;

void export_part_begin(const char *part_path)
{
    part_is_live = 0;
    snprintf(live_part, sizeof live_part, "%s", part_path);
    part_is_live = 1;
}

void export_part_end(void)
{
    part_is_live = 0;
}

void export_discard_part(void)
{
    if (part_is_live)
        unlink(live_part);
    part_is_live = 0;
}

static int write_file(sqlite3 *db, const export_job *j, const export_options *o,
                      const char *path, FILE *err)
{
    char part[4200];
    snprintf(part, sizeof part, "%s.part", path);
    export_part_begin(part);
    FILE *fp = fopen(part, "wb");
    if (!fp) {
        export_part_end();
        fprintf(err, "capsim export: cannot write %s: %s\n", part, strerror(errno));
        return 1;
    }
    csvout w;
    csvout_init(&w, fp);
    int rc = write_job(db, j, o, &w);
    if (fclose(fp) != 0)
        rc = -1;
    if (rc == 0 && rename(part, path) == 0) {
        export_part_end();
        if (!o->quiet)
            printf("%s: %llu rows\n", path, (unsigned long long)w.rows);
        return 0;
    }
    fprintf(err, "capsim export: writing %s failed: %s\n", path,
            w.error ? strerror(errno) : sqlite3_errmsg(db));
    remove(part);
    export_part_end();
    return 1;
}

static int ends_with_csv(const char *s)
{
    size_t n = strlen(s);
    return n >= 4 && !strcmp(s + n - 4, ".csv");
}

static int write_all(sqlite3 *db, const job_list *l, const export_options *o, FILE *err)
{
    int single = !o->out || !strcmp(o->out, "-") || ends_with_csv(o->out);
    if (single && l->n != 1) {
        fprintf(err, "capsim export: %zu files to write; give a directory with -o DIR "
                     "(or pick one table with --table and one column with --metric)\n", l->n);
        return 2;
    }
    if (single && (!o->out || !strcmp(o->out, "-"))) {
        csvout w;
        csvout_init(&w, stdout);
        if (write_job(db, &l->items[0], o, &w) != 0 && !w.error) {
            fprintf(err, "capsim export: reading the rows failed: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        errno = 0;
        if (fflush(stdout) != 0 || w.error || ferror(stdout)) {
            fprintf(err, "capsim export: writing to standard output failed: %s\n",
                    errno ? strerror(errno) : "a write failed");
            return 1;
        }
        return 0;
    }
    if (single)
        return write_file(db, &l->items[0], o, o->out, err);
    if (make_dirs(o->out) != 0) {
        fprintf(err, "capsim export: cannot create %s: %s\n", o->out, strerror(errno));
        return 1;
    }
    for (size_t i = 0; i < l->n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", o->out, l->items[i].file);
        if (write_file(db, &l->items[i], o, path, err) != 0)
            return 1;
    }
    return 0;
}

int export_run(sqlite3 *db, const export_options *o, FILE *err)
{
    job_list l = {0};
    int code = plan(db, o, &l, err);
    if (code < 0 && l.n == 0) {
        fprintf(err, "capsim export: nothing to export\n");
        code = 2;
    }
    if (code < 0)
        code = check_limits(db, &l, o, err);
    if (code < 0)
        code = write_all(db, &l, o, err);
    free(l.items);
    return code;
}
