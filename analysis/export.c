/*
 * export: plans the files (which tables, which layout, where), checks the
 * row limit for every file before writing any, then writes each file to
 * FILE.part and renames the parts into place once every file is written,
 * so a failed (or refused) export leaves no half-written CSV behind. The
 * files of one per-tick table are written together by one streaming pass
 * (export_stream.h); other tables, and everything in the SQL reference
 * mode (export_options.sql_reference), through SQL.
 */
#include "export.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "adb.h"
#include "export_internal.h"
#include "export_stream.h"
#include "../sim/util/grow.h"
#include "../sim/util/strbuf.h"
#include "../sim/util/suggest.h"

typedef enum job_kind { JOB_PLAIN, JOB_LONG, JOB_WIDE } job_kind;

typedef struct export_job {
    job_kind kind;
    rollup_table rt;               /* per-tick tables; rt.name is the relation */
    char column[ROLLUP_NAME_MAX];  /* JOB_WIDE */
    char file[3 * ROLLUP_NAME_MAX];
    int64_t rows;                  /* header included */
    int count_while_writing;       /* rows known once written (rolled up, streamed) */
    char path[4096];               /* where it goes */
    char part[4200];               /* path.part while written */
    FILE *fp;
    csvout w;
} export_job;

/* Where the jobs go and how they are read. */
typedef struct export_plan {
    int single;                    /* one file: stdout or FILE.csv */
    int to_stdout;
    int streamed;                  /* per-tick tables stream (export_stream_survey) */
    int64_t periods;               /* (run, period) pairs of the tick table, when streamed */
} export_plan;

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

/* Jobs for one per-tick table: the long or rolled-up file unless wide,
 * the wide files when wide or wide_dir. Returns 0, -1 (memory). */
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
    }
    for (int i = 0; (o->wide || o->wide_dir) && i < rt->n_values; i++) {
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

/* "did you mean 'dc_tick'? tables and views: ..." for a name not there. */
static void list_tables(sqlite3 *db, const char *wrong, FILE *err)
{
    sqlite3_stmt *s = NULL;
    char *names[256];
    size_t n = 0;
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type IN ('table','view')"
                               " UNION ALL SELECT name FROM sqlite_temp_master WHERE type = 'view'",
                           -1, &s, NULL) == SQLITE_OK)
        while (n + 1 < sizeof names / sizeof names[0] && sqlite3_step(s) == SQLITE_ROW)
            if ((names[n] = strdup((const char *)sqlite3_column_text(s, 0))))
                n++;
    sqlite3_finalize(s);
    names[n] = NULL;
    const char *near = suggest_nearest_in(wrong, (const char *const *)names);
    if (near)
        fprintf(err, "did you mean '%s'? ", near);
    fprintf(err, "tables and views:");
    for (size_t i = 0; i < n; i++)
        fprintf(err, " %s", names[i]);
    fprintf(err, "\n");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
}

/* A table named twice is written once: the later jobs of a file go. */
static void drop_repeats(job_list *l)
{
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++) {
        int seen = 0;
        for (size_t k = 0; k < kept && !seen; k++)
            seen = !strcmp(l->items[k].file, l->items[i].file);
        if (!seen)
            l->items[kept++] = l->items[i];
    }
    l->n = kept;
}

static int plan(sqlite3 *db, const export_options *o, job_list *l, FILE *err)
{
    if (o->tables) {
        for (int i = 0; i < o->n_tables; i++) {
            if (!adb_has_relation(db, o->tables[i])) {
                fprintf(err, "capsim export: no table or view '%s'; ", o->tables[i]);
                list_tables(db, o->tables[i], err);
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
    drop_repeats(l);
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

/* 1 when job j is written by a streaming pass (export_stream.h). */
static int job_streams(const export_job *j, const export_plan *p)
{
    return p->streamed && j->kind != JOB_PLAIN && export_stream_can(&j->rt);
}

/* Data rows of a long job: the stored rows (exact per tick, a bound when
 * rolled up). */
static int64_t count_stored(sqlite3 *db, const export_job *j, const export_options *o)
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
    return n;
}

/* The exact rows of a rolled-up long job: by a counting pass, or by the
 * views' SQL when the job does not stream. */
static int64_t count_rolled(sqlite3 *db, const export_job *j, const export_options *o,
                            const export_plan *p)
{
    int64_t n = -1;
    if (job_streams(j, p)) {
        export_stream_out so = {0};
        so.count_only = 1;
        return export_stream_table(db, &j->rt, o->period, o->run, &so, &n) == 0 ? n : -1;
    }
    strbuf b = {0};
    char *rollup = rollup_long_sql(&j->rt, o->period, o->run > 0 ? "x.run_id = ?1" : NULL);
    strbuf_addf(&b, "SELECT count(*) FROM (%s)", rollup ? rollup : "");
    const char *sql = strbuf_str(&b);
    n = rollup && sql ? count_sql(db, sql, o->run) : -1;
    free(rollup);
    strbuf_free(&b);
    return n;
}

static void refuse_rows(const export_job *j, FILE *err)
{
    fprintf(err, "capsim export: %s would have %lld rows (header included), more than "
                 "a spreadsheet's %d; roll it up with --daily or --monthly, pick one run "
                 "with --run, or write it anyway with --force\n", j->file,
            (long long)j->rows, EXPORT_MAX_ROWS);
}

/* Counts every job's rows; refuses (2) when one is over the limit. A
 * rolled-up long file whose stored rows are over the limit is counted
 * exactly: as it is written when it streams into a file (the files are
 * renamed into place only after the check, so a refusal still leaves
 * nothing), before writing otherwise. */
static int check_limits(sqlite3 *db, job_list *l, const export_options *o, export_plan *p,
                        FILE *err)
{
    int64_t wide_rows = p->streamed ? p->periods : -1, cols = 0;
    const char *cols_of = NULL;
    for (size_t i = 0; i < l->n; i++) {
        export_job *j = &l->items[i];
        int64_t n;
        if (j->kind == JOB_WIDE) {
            if (wide_rows < 0)
                wide_rows = export_wide_rows(db, o->period, o->run);
            n = wide_rows;
        } else {
            n = count_stored(db, j, o);
        }
        if (n >= 0 && j->kind == JOB_LONG && o->period != ROLLUP_TICK &&
            n + 1 > EXPORT_MAX_ROWS && !o->force) {
            if (job_streams(j, p) && !p->to_stdout)
                j->count_while_writing = 1;
            else
                n = count_rolled(db, j, o, p);
        }
        if (n < 0) {
            fprintf(err, "capsim export: counting rows of %s: %s\n", j->rt.name,
                    sqlite3_errmsg(db));
            return 1;
        }
        j->rows = n + 1;
        if (j->rows > EXPORT_MAX_ROWS && !o->force && !j->count_while_writing) {
            refuse_rows(j, err);
            return 2;
        }
        if (j->kind != JOB_WIDE)
            continue;
        if (!cols_of || strcmp(cols_of, j->rt.name) != 0) {
            cols = export_wide_columns(db, &j->rt, o->run) + 2;
            cols_of = j->rt.name;
        }
        if (cols > EXPORT_MAX_COLUMNS && !o->force) {
            fprintf(err, "capsim export: %s would have %lld columns, more than a spreadsheet's "
                         "%d; use the long layout (no --wide) or --force\n", j->file,
                    (long long)cols, EXPORT_MAX_COLUMNS);
            return 2;
        }
    }
    return -1;
}

void export__write_value(csvout *w, sqlite3_stmt *s, int c)
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
            export__write_value(w, s, c);
        if (csvout_end_row(w) != 0)
            break;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE && !w->error ? 0 : -1;
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

/* The parts of write_files: jobs [0, parts_opened) have (or are about to
 * have) a part on disk, and [0, parts_renamed) are in place; a stopping
 * signal removes the others. */
static export_job *volatile part_jobs;
static volatile sig_atomic_t parts_opened, parts_renamed;

static void parts_begin(export_job *jobs)
{
    parts_opened = parts_renamed = 0;
    part_jobs = jobs;
}

/* Removes the parts not renamed into place. */
static void parts_end(void)
{
    for (sig_atomic_t i = parts_renamed; i < parts_opened; i++)
        remove(part_jobs[i].part);
    part_jobs = NULL;
    parts_opened = parts_renamed = 0;
}

void export_discard_part(void)
{
    if (part_is_live)
        unlink(live_part);
    part_is_live = 0;
    export_job *jobs = part_jobs;
    if (jobs)
        for (sig_atomic_t i = parts_renamed; i < parts_opened; i++)
            unlink(jobs[i].part);
    parts_opened = 0;
}

/* The entity an id column names, for the name written beside it: a
 * spreadsheet user reads "coreweave", not provider 0. */
static const struct { const char *column, *table, *name; } named_ids[] = {
    {"lessor_id", "provider", "lessor"},     {"lessee_id", "provider", "lessee"},
    {"owner_id", "provider", "owner"},       {"tenant_id", "provider", "tenant"},
    {"datacenter_id", "datacenter", "datacenter"}, {"gpu_type_id", "gpu_type", "gpu_type"},
    {"parent_id", "contract", "parent"},
};

/* SELECT of a relation as stored, with each entity id of a run's entity
 * table followed by that entity's name (contract: lessor_id, lessor, ...). */
static void plain_select(sqlite3 *db, const char *name, int64_t run, strbuf *b)
{
    sqlite3_stmt *s = NULL;
    strbuf_add(b, "SELECT ");
    int n = 0;
    const int has_run = adb_has_column(db, name, "run_id");
    if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1, &s,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
        while (sqlite3_step(s) == SQLITE_ROW) {
            const char *c = (const char *)sqlite3_column_text(s, 0);
            strbuf_addf(b, "%sx.\"%s\"", n++ ? ", " : "", c);
            for (size_t k = 0; has_run && k < sizeof named_ids / sizeof named_ids[0]; k++)
                if (!strcmp(c, named_ids[k].column) && adb_has_relation(db, named_ids[k].table))
                    strbuf_addf(b, ", (SELECT e.name FROM \"%s\" e WHERE e.run_id = x.run_id"
                                   " AND e.id = x.\"%s\") AS \"%s\"", named_ids[k].table, c,
                                named_ids[k].name);
        }
    }
    sqlite3_finalize(s);
    if (!n)
        strbuf_add(b, "*");
    const char *where = plain_where(db, name, run);
    strbuf_addf(b, " FROM \"%s\" x%s%s", name, where[0] ? " WHERE x." : "",
                where[0] ? where + 7 : "");
}

/* One job through SQL: the views' SELECT (rolled up), the wide reference
 * path, or the relation as stored. Returns 0, or an EXPORT_STREAM_ code. */
static int write_job(sqlite3 *db, const export_job *j, const export_options *o, csvout *w)
{
    const char *where = o->run > 0 ? "x.run_id = ?1" : NULL;
    int rc;
    if (j->kind == JOB_WIDE) {
        rc = export_wide(db, &j->rt, j->column, o->period, o->run, w);
    } else if (j->kind == JOB_LONG) {
        char *sql = rollup_long_sql(&j->rt, o->period, where);
        rc = write_query(db, sql, o->run, w);
        free(sql);
    } else {
        strbuf b = {0};
        plain_select(db, j->rt.name, o->run, &b);
        rc = write_query(db, strbuf_str(&b), o->run, w);
        strbuf_free(&b);
    }
    return rc == 0 ? 0 : w->error ? EXPORT_STREAM_WRITE : EXPORT_STREAM_SQLITE;
}

/* The jobs from `first` that one call of write_group writes: the long file
 * and the wide files of one per-tick table, when they stream; else one. */
static size_t group_size(const job_list *l, size_t first, const export_plan *p)
{
    const export_job *j = &l->items[first];
    if (!job_streams(j, p))
        return 1;
    size_t n = 1;
    int longs = j->kind == JOB_LONG;
    while (first + n < l->n && n < ROLLUP_COLUMNS_MAX) {
        const export_job *k = &l->items[first + n];
        if (!job_streams(k, p) || strcmp(k->rt.name, j->rt.name) != 0 ||
            (k->kind == JOB_LONG && longs++))
            break;
        n++;
    }
    return n;
}

/* Writes jobs[0..n) (a group) to their csvout. Returns 0, or an
 * EXPORT_STREAM_ code. */
static int write_group(sqlite3 *db, export_job *jobs, size_t n, const export_options *o,
                       const export_plan *p)
{
    if (!job_streams(&jobs[0], p))
        return write_job(db, &jobs[0], o, &jobs[0].w);
    export_stream_out so = {0};
    export_job *long_job = NULL;
    for (size_t k = 0; k < n; k++) {
        if (jobs[k].kind == JOB_LONG) {
            long_job = &jobs[k];
            so.long_out = &jobs[k].w;
        } else {
            so.wide_column[so.n_wide] = jobs[k].column;
            so.wide_out[so.n_wide++] = &jobs[k].w;
        }
    }
    int64_t rows = 0;
    int rc = export_stream_table(db, &jobs[0].rt, o->period, o->run, &so, &rows);
    if (long_job && long_job->count_while_writing)
        long_job->rows = rows + 1;
    return rc;
}

static void report_failure(sqlite3 *db, const export_job *j, size_t n, int rc, FILE *err)
{
    for (size_t k = 0; k < n && rc == EXPORT_STREAM_WRITE; k++)
        if (j[k].w.error) {
            j += k;
            break;
        }
    fprintf(err, "capsim export: writing %s failed: %s\n", j->path,
            rc == EXPORT_STREAM_WRITE ? strerror(errno)
            : rc == EXPORT_STREAM_OVERFLOW ? "integer overflow in a sum"
            : sqlite3_errmsg(db));
}

/* Opens the parts of a group. Returns 0 or 1 (reported). */
static int open_parts(export_job *jobs, size_t n, FILE *err)
{
    for (size_t k = 0; k < n; k++) {
        export_job *j = &jobs[k];
        snprintf(j->part, sizeof j->part, "%s.part", j->path);
        parts_opened++;
        j->fp = fopen(j->part, "wb");
        if (!j->fp) {
            fprintf(err, "capsim export: cannot write %s: %s\n", j->part, strerror(errno));
            return 1;
        }
        csvout_init(&j->w, j->fp);
    }
    return 0;
}

/* Closes the parts of a group; 0, or -1 when a close failed. */
static int close_parts(export_job *jobs, size_t n)
{
    int rc = 0;
    for (size_t k = 0; k < n; k++) {
        if (jobs[k].fp && fclose(jobs[k].fp) != 0) {
            jobs[k].w.error = 1;
            rc = -1;
        }
        jobs[k].fp = NULL;
    }
    return rc;
}

/* Every part written: checks the rows counted while writing, then renames
 * the parts into place. Returns 0, 1 or 2 (reported). */
static int finish_parts(job_list *l, const export_options *o, FILE *err)
{
    for (size_t i = 0; i < l->n; i++) {
        const export_job *j = &l->items[i];
        if (j->count_while_writing && j->rows > EXPORT_MAX_ROWS) {
            refuse_rows(j, err);
            return 2;
        }
    }
    for (size_t i = 0; i < l->n; i++) {
        const export_job *j = &l->items[i];
        if (rename(j->part, j->path) != 0) {
            fprintf(err, "capsim export: cannot rename %s to %s: %s\n", j->part, j->path,
                    strerror(errno));
            return 1;
        }
        parts_renamed = (sig_atomic_t)(i + 1);
        if (!o->quiet)
            printf("%s: %llu rows\n", j->path, (unsigned long long)j->w.rows);
    }
    return 0;
}

/* Writes every job to its path (FILE.part, renamed once all are written).
 * Returns 0, 1 or 2 (reported). */
static int write_files(sqlite3 *db, job_list *l, const export_options *o,
                       const export_plan *p, FILE *err)
{
    parts_begin(l->items);
    int code = 0;
    for (size_t i = 0; i < l->n && code == 0;) {
        size_t n = group_size(l, i, p);
        if (open_parts(&l->items[i], n, err) != 0) {
            close_parts(&l->items[i], n);
            code = 1;
            break;
        }
        int rc = write_group(db, &l->items[i], n, o, p);
        if (close_parts(&l->items[i], n) != 0 && rc == 0)
            rc = EXPORT_STREAM_WRITE;
        if (rc != 0) {
            report_failure(db, &l->items[i], n, rc, err);
            code = 1;
        }
        i += n;
    }
    if (code == 0)
        code = finish_parts(l, o, err);
    parts_end();
    return code;
}

int export_path_is_file(const char *s)
{
    size_t n = strlen(s);
    return n >= 4 && !strcmp(s + n - 4, ".csv");
}

static int write_stdout(sqlite3 *db, export_job *j, const export_options *o,
                        const export_plan *p, FILE *err)
{
    csvout_init(&j->w, stdout);
    int rc = write_group(db, j, 1, o, p);
    if (rc != 0 && rc != EXPORT_STREAM_WRITE) {
        fprintf(err, "capsim export: reading the rows failed: %s\n",
                rc == EXPORT_STREAM_OVERFLOW ? "integer overflow in a sum" : sqlite3_errmsg(db));
        return 1;
    }
    errno = 0;
    if (fflush(stdout) != 0 || j->w.error || ferror(stdout)) {
        fprintf(err, "capsim export: writing to standard output failed: %s\n",
                errno ? strerror(errno) : "a write failed");
        return 1;
    }
    return 0;
}

static int write_all(sqlite3 *db, job_list *l, const export_options *o, const export_plan *p,
                     FILE *err)
{
    if (p->to_stdout)
        return write_stdout(db, &l->items[0], o, p, err);
    if (p->single) {
        snprintf(l->items[0].path, sizeof l->items[0].path, "%s", o->out);
        return write_files(db, l, o, p, err);
    }
    const char *dirs[2] = {o->out, o->wide_dir};
    for (int d = 0; d < 2; d++)
        if (dirs[d] && make_dirs(dirs[d]) != 0) {
            fprintf(err, "capsim export: cannot create %s: %s\n", dirs[d], strerror(errno));
            return 1;
        }
    for (size_t i = 0; i < l->n; i++)
        snprintf(l->items[i].path, sizeof l->items[i].path, "%s/%s",
                 l->items[i].kind == JOB_WIDE && o->wide_dir ? o->wide_dir : o->out,
                 l->items[i].file);
    return write_files(db, l, o, p, err);
}

/* Where the files go, and whether the per-tick tables stream. Returns -1
 * to go on, or an exit code. */
static int plan_output(sqlite3 *db, const job_list *l, const export_options *o,
                       export_plan *p, FILE *err)
{
    p->single = !o->out || !strcmp(o->out, "-") || export_path_is_file(o->out);
    p->to_stdout = p->single && (!o->out || !strcmp(o->out, "-"));
    if (p->single && l->n != 1) {
        fprintf(err, "capsim export: %zu files to write; give a directory with -o DIR "
                     "(or pick one table with --table and one column with --metric)\n", l->n);
        return 2;
    }
    int ticks = 0;
    for (size_t i = 0; i < l->n; i++)
        ticks |= l->items[i].kind != JOB_PLAIN;
    p->streamed = 0;
    if (!ticks || o->sql_reference)
        return -1;
    int ordered = export_stream_survey(db, o->period, o->run, &p->periods);
    if (ordered < 0) {
        fprintf(err, "capsim export: reading the tick table: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    p->streamed = ordered;
    return -1;
}

int export_run(sqlite3 *db, const export_options *o, FILE *err)
{
    job_list l = {0};
    export_plan p = {0};
    int code = plan(db, o, &l, err);
    if (code < 0 && l.n == 0) {
        fprintf(err, "capsim export: nothing to export\n");
        code = 2;
    }
    if (code < 0)
        code = plan_output(db, &l, o, &p, err);
    if (code < 0)
        code = check_limits(db, &l, o, &p, err);
    if (code < 0)
        code = write_all(db, &l, o, &p, err);
    free(l.items);
    return code;
}
