/*
 * report_pass: the report's per-entity tables of per-tick data
 * (dc_utilisation, contracts) in one pass over their per-tick table. The
 * SQL of those tables (report.c) groups the whole table by entity, which
 * makes SQLite sort every row of the run (1.75M rows of dc_tick on the
 * default run: most of `capsim report`'s time, and `capsim plot` builds the
 * report again for its index); the pass reads the rows in primary-key order
 * (tick, entity: no sort) and keeps one accumulator per entity and column.
 *
 * Same cells as the SQL, to the bit: SQLite's GROUP BY feeds each group its
 * rows in the order it scans them (primary-key order, its sorter keeping
 * that order within a group), so each sum and mean adds the same values in
 * the same order, through export_sum (SQLite's own sum() and avg() for the
 * library linked); max() keeps the first of equal values, as SQLite's does;
 * the one derived figure (mean utilisation) divides as SQL's `/` does.
 * Where the pass could not promise that (a value that is not a number, an
 * entity id that is not a small integer, an integer sum that overflows), it
 * says so and the report runs the SQL instead. test_report_pass compares
 * the two cell by cell.
 */
#include <stdlib.h>
#include <string.h>

#include "adb.h"
#include "report_internal.h"
#include "sqlcell.h"
#include "../sim/store/rollup.h"
#include "../sim/util/strbuf.h"

/* Entity ids the pass takes: an array of accumulators by id. */
#define MAX_ENTITY_ID 1000000

static int use_sql;

void report__use_sql(int on)
{
    use_sql = on;
}

int report__sql_only(void)
{
    return use_sql;
}

/* ---- the pass ---- */

typedef enum agg_op { AGG_SUM, AGG_AVG, AGG_MAX } agg_op;

typedef struct agg {
    char column[ROLLUP_NAME_MAX];  /* of the per-tick table */
    char name[ROLLUP_NAME_MAX + 8];  /* its result column */
    agg_op op;
    int active_only;               /* FILTER (WHERE active = 1) */
} agg;

typedef struct accumulator {
    export_sum sum;    /* AGG_SUM, AGG_AVG */
    atable_cell best;  /* AGG_MAX: the greatest value yet, when has_best */
    int has_best;
} accumulator;

/* `x.active = 1` of an INTEGER column: a number equal to 1. */
static int is_active(sqlite3_stmt *s, int col)
{
    switch (sqlite3_column_type(s, col)) {
    case SQLITE_INTEGER: return sqlite3_column_int64(s, col) == 1;
    case SQLITE_FLOAT: return sqlite3_column_double(s, col) == 1.0;
    default: return 0;
    }
}

/* The run's rows of `table`, grouped by the integer column `entity`, each
 * agg's accumulators in *out ([n_ids][n_aggs], ids 0 .. n_ids-1). Returns
 * 0, 1 when the pass cannot give SQL's cells (the caller runs the SQL), or
 * -1 on a SQLite error or out of memory. */
static int aggregate(sqlite3 *db, const char *table, const char *entity, int64_t run,
                     const agg *aggs, int n_aggs, accumulator **out, size_t *n_ids)
{
    /* Each column read once: col_of[k] is agg k's result column. */
    strbuf b = {0};
    int active_col = -1, n_cols = 1, col_of[REPORT_CONTRACT_VALUES_MAX];
    if (n_aggs > REPORT_CONTRACT_VALUES_MAX)
        return 1;
    strbuf_addf(&b, "SELECT \"%s\"", entity);
    for (int k = 0; k < n_aggs; k++) {
        col_of[k] = n_cols;
        for (int j = 0; j < k; j++)
            if (!strcmp(aggs[j].column, aggs[k].column))
                col_of[k] = col_of[j];
        if (col_of[k] == n_cols) {
            strbuf_addf(&b, ", \"%s\"", aggs[k].column);
            n_cols++;
        }
    }
    for (int k = 0; k < n_aggs && active_col < 0; k++)
        if (aggs[k].active_only) {
            strbuf_add(&b, ", active");
            active_col = n_cols++;
        }
    strbuf_addf(&b, " FROM \"%s\" WHERE run_id = ?1 ORDER BY tick, \"%s\"", table, entity);
    sqlite3_stmt *s = NULL;
    if (b.error || sqlite3_prepare_v2(db, strbuf_str(&b), -1, &s, NULL) != SQLITE_OK) {
        strbuf_free(&b);
        return -1;
    }
    strbuf_free(&b);
    sqlite3_bind_int64(s, 1, run);
    accumulator *acc = NULL;
    size_t cap = 0;
    int rc, status = 0;
    while (status == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (sqlite3_column_type(s, 0) != SQLITE_INTEGER) {
            status = 1;
            break;
        }
        const int64_t id = sqlite3_column_int64(s, 0);
        if (id < 0 || id >= MAX_ENTITY_ID) {
            status = 1;
            break;
        }
        if ((size_t)id >= cap) {
            size_t want = cap ? cap : 64;
            while (want <= (size_t)id)
                want *= 2;
            accumulator *grown = realloc(acc, want * (size_t)n_aggs * sizeof *grown);
            if (!grown) {
                status = -1;
                break;
            }
            memset(grown + cap * (size_t)n_aggs, 0, (want - cap) * (size_t)n_aggs * sizeof *grown);
            acc = grown;
            cap = want;
        }
        const int active = active_col < 0 || is_active(s, active_col);
        atable_cell row[REPORT_CONTRACT_VALUES_MAX + 2];  /* id, the columns, active */
        for (int c = 1; c < n_cols && status == 0; c++)
            status = sqlcell_read(s, c, &row[c]);  /* 1: text or a blob, left to SQL */
        for (int k = 0; k < n_aggs && status == 0; k++) {
            if (aggs[k].active_only && !active)
                continue;
            accumulator *a = &acc[(size_t)id * (size_t)n_aggs + (size_t)k];
            const atable_cell v = row[col_of[k]];
            if (v.type == SQLITE_NULL)
                continue;
            if (aggs[k].op == AGG_MAX) {
                if (!a->has_best || sqlcell_compare(&a->best, &v) < 0)
                    a->best = v;  /* a later equal value does not replace it */
                a->has_best = 1;
            } else {
                sqlcell_add(&a->sum, &v);
            }
        }
    }
    if (status == 0 && rc != SQLITE_DONE)
        status = -1;
    sqlite3_finalize(s);
    if (status != 0) {
        free(acc);
        return status;
    }
    *out = acc;
    *n_ids = cap;
    return 0;
}

/* The SQL result of one aggregate: 0, or 1 when it is SQLite's "integer
 * overflow" error (the caller runs the SQL, which reports it). */
static int agg_result(const agg *g, const accumulator *a, atable_cell *out)
{
    *out = (atable_cell){.type = SQLITE_NULL};
    if (g->op == AGG_MAX) {
        if (a->has_best)
            *out = a->best;
        return 0;
    }
    return sqlcell_sum_result(&a->sum, g->op == AGG_AVG, out);
}

/* ---- the tables ---- */

/* The table of frame (a prepared statement whose first column is the
 * entity id and whose other columns are the table's first columns, one row
 * per entity in the table's order), then n_values cells per entity from
 * values ([n_ids][n_values]; an id the pass did not see gets NULLs, as
 * SQL's LEFT JOIN does). Finalizes frame. */
static atable *assemble(sqlite3_stmt *frame, const char *name, const char *title,
                        const char *const *value_cols, int n_values, const atable_cell *values,
                        size_t n_ids)
{
    const int n_frame = sqlite3_column_count(frame) - 1;
    const char *cols[64];
    if (n_frame < 0 || n_frame + n_values > 64) {
        sqlite3_finalize(frame);
        return NULL;
    }
    for (int c = 0; c < n_frame; c++)
        cols[c] = sqlite3_column_name(frame, c + 1);
    for (int c = 0; c < n_values; c++)
        cols[n_frame + c] = value_cols[c];
    atable *t = atable_new(name, title, n_frame + n_values, cols);
    int rc = SQLITE_NOMEM;
    while (t && (rc = sqlite3_step(frame)) == SQLITE_ROW) {
        const size_t r = atable_add_row(t);
        if (r == (size_t)-1) {
            rc = SQLITE_NOMEM;
            break;
        }
        for (int c = 0; c < n_frame; c++) {
            const int col = c + 1;
            switch (sqlite3_column_type(frame, col)) {
            case SQLITE_INTEGER: atable_set_int(t, r, c, sqlite3_column_int64(frame, col)); break;
            case SQLITE_FLOAT: atable_set_real(t, r, c, sqlite3_column_double(frame, col)); break;
            case SQLITE_NULL: break;
            default: atable_set_text(t, r, c, (const char *)sqlite3_column_text(frame, col));
            }
        }
        const int64_t id = sqlite3_column_int64(frame, 0);
        if (sqlite3_column_type(frame, 0) != SQLITE_INTEGER || id < 0 || (size_t)id >= n_ids)
            continue;
        for (int v = 0; v < n_values; v++) {
            const atable_cell *src = &values[(size_t)id * (size_t)n_values + (size_t)v];
            if (src->type == SQLITE_INTEGER)
                atable_set_int(t, r, n_frame + v, src->i);
            else if (src->type == SQLITE_FLOAT)
                atable_set_real(t, r, n_frame + v, src->r);
        }
    }
    sqlite3_finalize(frame);
    if (rc != SQLITE_DONE) {
        atable_free(t);
        return NULL;
    }
    return t;
}

static sqlite3_stmt *prepare_frame(sqlite3 *db, const char *sql, int64_t run)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        sqlite3_finalize(s);
        return NULL;
    }
    sqlite3_bind_int64(s, 1, run);
    return s;
}

atable *report__dc_utilisation(sqlite3 *db, int64_t run, const char *title, int *fallback)
{
    /* report.c's dc_sql, column for column */
    static const struct { const char *column; agg_op op; } spec[] = {
        {"installed", AGG_MAX},       /* peak_gpus */
        {"busy", AGG_SUM},            /* mean_utilisation = sum(busy) / NULLIF(sum(installed), 0) */
        {"installed", AGG_SUM},
        {"mean_utilisation", AGG_MAX}, /* peak_utilisation */
        {"power_mw", AGG_AVG},        /* mean_power_mw */
        {"power_mw", AGG_MAX},        /* peak_power_mw */
        {"energy_mwh", AGG_SUM},      /* energy_mwh */
    };
    static const char *const out_cols[] = {"peak_gpus", "mean_utilisation", "peak_utilisation",
                                           "mean_power_mw", "peak_power_mw", "energy_mwh"};
    enum { N_AGGS = sizeof spec / sizeof spec[0], N_OUT = 6 };
    *fallback = 0;
    agg aggs[N_AGGS];
    for (int k = 0; k < N_AGGS; k++)
        aggs[k] = (agg){.op = spec[k].op};
    for (int k = 0; k < N_AGGS; k++)
        snprintf(aggs[k].column, sizeof aggs[k].column, "%s", spec[k].column);
    accumulator *acc = NULL;
    size_t n_ids = 0;
    int status = aggregate(db, "dc_tick", "datacenter_id", run, aggs, N_AGGS, &acc, &n_ids);
    if (status != 0) {
        *fallback = status == 1;
        return NULL;
    }
    atable_cell *values = calloc(n_ids ? n_ids * N_OUT : 1, sizeof *values);
    for (size_t id = 0; values && id < n_ids && status == 0; id++) {
        atable_cell a[N_AGGS];
        for (int k = 0; k < N_AGGS && status == 0; k++)
            status = agg_result(&aggs[k], &acc[id * N_AGGS + (size_t)k], &a[k]);
        atable_cell *v = &values[id * N_OUT];
        if (status == 0)
            status = sqlcell_divide_nullif_zero(&a[1], &a[2], &v[1]);
        v[0] = a[0];
        v[2] = a[3];
        v[3] = a[4];
        v[4] = a[5];
        v[5] = a[6];
    }
    free(acc);
    if (!values || status != 0) {
        free(values);
        *fallback = status == 1;
        return NULL;
    }
    sqlite3_stmt *frame = prepare_frame(
        db, "SELECT d.id, d.name AS datacenter, p.name AS owner FROM datacenter d"
            " LEFT JOIN provider p ON p.run_id = d.run_id AND p.id = d.owner_id"
            " WHERE d.run_id = ?1 ORDER BY d.id", run);
    atable *t = frame ? assemble(frame, "dc_utilisation", title, out_cols, N_OUT, values, n_ids)
                      : NULL;
    free(values);
    return t;
}

atable *report__contracts(sqlite3 *db, int64_t run, const char *title, int *fallback)
{
    *fallback = 0;
    const report_contract_columns *cc = NULL;
    report_contract_columns cols;
    if (report__contract_columns(db, &cols) != 0)
        return NULL;
    cc = &cols;
    if (cc->n_values + 7 > 64) {
        *fallback = 1;  /* more columns than a table holds: as the SQL path has them */
        return NULL;
    }
    agg aggs[REPORT_CONTRACT_VALUES_MAX];
    const char *out_cols[REPORT_CONTRACT_VALUES_MAX];
    for (int k = 0; k < cc->n_values; k++) {
        const report_contract_value *v = &cc->values[k];
        aggs[k] = (agg){.op = v->mean ? AGG_AVG : AGG_SUM, .active_only = v->mean && cc->has_active};
        snprintf(aggs[k].column, sizeof aggs[k].column, "%s", v->column);
        snprintf(aggs[k].name, sizeof aggs[k].name, "%s", v->name);
        out_cols[k] = aggs[k].name;
    }
    accumulator *acc = NULL;
    size_t n_ids = 0;
    int status = cc->n_values > 0
                     ? aggregate(db, "contract_tick", "contract_id", run, aggs, cc->n_values,
                                 &acc, &n_ids)
                     : 0;
    if (status != 0) {
        *fallback = status == 1;
        return NULL;
    }
    const size_t n = (size_t)cc->n_values;
    atable_cell *values = calloc(n_ids && n ? n_ids * n : 1, sizeof *values);
    for (size_t id = 0; values && id < n_ids && status == 0; id++)
        for (size_t k = 0; k < n && status == 0; k++)
            status = agg_result(&aggs[k], &acc[id * n + k], &values[id * n + k]);
    free(acc);
    if (!values || status != 0) {
        free(values);
        *fallback = status == 1;
        return NULL;
    }
    strbuf b = {0};
    strbuf_add(&b, "SELECT c.id, c.name AS contract, a.name AS lessor, e.name AS lessee,"
                   " c.kind AS kind");
    if (cc->has_origin)
        strbuf_add(&b, ", c.origin AS origin");
    strbuf_add(&b, ", c.gpus AS committed_gpus FROM contract c"
                   " LEFT JOIN provider a ON a.run_id = c.run_id AND a.id = c.lessor_id"
                   " LEFT JOIN provider e ON e.run_id = c.run_id AND e.id = c.lessee_id"
                   " WHERE c.run_id = ?1 ORDER BY c.id");
    sqlite3_stmt *frame = b.error ? NULL : prepare_frame(db, strbuf_str(&b), run);
    strbuf_free(&b);
    atable *t = frame ? assemble(frame, "contracts", title, out_cols, cc->n_values, values, n_ids)
                      : NULL;
    free(values);
    return t;
}
