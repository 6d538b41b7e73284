/*
 * export_stream: a per-tick table exported in one streaming pass. The
 * table is read once in primary-key order (run, tick, entity: no sort, no
 * lookup per row); each run's tick -> period map is read once from the
 * tick table; rows are gathered per (entity, period) and a period's rows
 * are written when the next period begins. One pass writes the long file
 * (per tick, or rolled up by day or month) and the wide files of any of the
 * table's columns at the same time.
 *
 * Same bytes as the SQL of the roll-up views (rollup.h) and of the wide
 * reference path (export_wide), on these conditions, which
 * export_stream_survey checks before a pass:
 * - in every run the tick dates never decrease with the tick, so that a
 *   period's ticks are contiguous and periods come in date order (capsim
 *   writes them so; a database edited by hand may not be);
 * - the table has an entity column (every capsim per-tick table has).
 * Sums and means follow SQLite's sum() and avg() to the bit (export_sum):
 * values added in row order (tick order, as the views' GROUP BY feeds
 * them), integers summed exactly while every value is an integer; with the
 * Kahan-Babuska-Neumaier compensation of SQLite 3.43 and later when the
 * library linked is one of those. Wide files sum in row order without
 * compensation, as the reference path does.
 *
 * Memory: one run's tick calendar, its entities, and per entity one
 * accumulator per rolled-up column; nothing grows with the table.
 */
#ifndef CAPSIM_EXPORT_STREAM_H
#define CAPSIM_EXPORT_STREAM_H

#include <stdint.h>
#include <sqlite3.h>

#include "../sim/util/csvout.h"
#include "../sim/store/rollup.h"

/* One SQLite sum()/avg() accumulator. */
typedef struct export_sum {
    double real;               /* running sum as a double */
    double error;              /* compensation term (Kahan-Babuska-Neumaier) */
    int64_t integer;           /* exact sum while every value is an integer */
    int64_t n;                 /* values added (NULLs are not) */
    unsigned char approx;      /* a non-integer value was added */
    unsigned char overflow;    /* the integer sum overflowed */
} export_sum;

/* What a sum or a mean comes to: nothing (no value added: NULL), an
 * integer, a real, or SQLite's "integer overflow" error. */
typedef enum export_sum_kind {
    EXPORT_SUM_NULL = 0,
    EXPORT_SUM_INTEGER = 1,
    EXPORT_SUM_REAL = 2,
    EXPORT_SUM_OVERFLOW = 3
} export_sum_kind;

/* --- SQLite's sum() and avg(), value by value */

/* 1 when sums follow the compensated algorithm of SQLite 3.43 and later. */
int export_sum_compensated(void);
/* Chooses the algorithm: 1 compensated, 0 plain, -1 the linked library's
 * (the default). For tests. */
void export_sum_set_compensated(int mode);
void export_sum_add_integer(export_sum *s, int64_t v);
void export_sum_add_real(export_sum *s, double v);
/* sum(): the kind, and the value in *integer or *real. */
export_sum_kind export_sum_total(const export_sum *s, int64_t *integer, double *real);
/* avg(): EXPORT_SUM_NULL or EXPORT_SUM_REAL with the mean in *mean. */
export_sum_kind export_sum_mean(const export_sum *s, double *mean);

/* --- periods */

/* The label of a tick's period, as the views write it: the date itself
 * (per tick), its first 10 characters 'YYYY-MM-DD' (day) or first 7
 * 'YYYY-MM' (month), counted in UTF-8 characters as SQLite's substr.
 * Returns buf (truncated to len). */
char *export_stream_label(const char *date, rollup_period p, char *buf, size_t len);

/* Reads the tick table (run <= 0: every run). Returns 1 when every run's
 * dates are non-decreasing in tick order (a pass is exact), 0 when not,
 * -1 on a SQLite error; *periods: the (run, period) pairs, the rows of a
 * wide file. */
int export_stream_survey(sqlite3 *db, rollup_period p, int64_t run, int64_t *periods);

/* --- the pass */

/* What one pass writes. */
typedef struct export_stream_out {
    csvout *long_out;          /* the long file (header included), or NULL */
    int n_wide;
    const char *wide_column[ROLLUP_COLUMNS_MAX];
    csvout *wide_out[ROLLUP_COLUMNS_MAX];   /* the wide file of each column */
    int count_only;            /* write nothing: count the long rows */
} export_stream_out;

/* 1 when table t can be exported by a pass (it has an entity column). */
int export_stream_can(const rollup_table *t);

/* What a pass can fail with. */
enum {
    EXPORT_STREAM_SQLITE = -1,     /* SQLite (sqlite3_errmsg) or memory */
    EXPORT_STREAM_WRITE = -2,      /* a write failed (a csvout's error flag) */
    EXPORT_STREAM_OVERFLOW = -3    /* an integer sum overflowed, as SQLite's sum() does */
};

/* One pass over per-tick table t (run <= 0: every run), period p. Every
 * wide column must be a rolled-up column of t. *long_rows (may be NULL):
 * the long file's data rows, written or counted. Returns 0 or one of the
 * codes above. */
int export_stream_table(sqlite3 *db, const rollup_table *t, rollup_period p, int64_t run,
                        const export_stream_out *o, int64_t *long_rows);

#endif
