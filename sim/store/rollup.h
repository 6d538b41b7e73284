/*
 * rollup: what the per-tick tables hold, discovered from the database
 * itself (sqlite_master, pragma_table_info), and the SQL that rolls them up
 * by day or month. The export, the report, the plots and the roll-up views
 * share this one definition, so a column added to a per-tick table is
 * exported and rolled up without a code change.
 *
 * A per-tick table is any table other than `tick` with both a run_id and a
 * tick column. Its entity column is the first other column ending in _id
 * (datacenter_id); the entity table is that prefix (datacenter) when such a
 * table with id and name exists.
 *
 * Roll-up rule, by column name: keys (run_id, tick, *_id) group; flows,
 * the columns ending in _usd, _mwh or _hours, are summed over the period;
 * every other numeric column is a level and is averaged over the ticks of
 * the period. TEXT columns and any further *_id columns are exported as
 * stored per tick but left out of roll-ups and wide files.
 *
 * Views: <table minus _tick>_daily and _monthly (dc_daily, provider_monthly,
 * ...), columns run_id, date (the period: 'YYYY-MM-DD' or 'YYYY-MM'),
 * the entity id and name, ticks (ticks in the period), then each rolled-up
 * column under its own name.
 */
#ifndef CAPSIM_ROLLUP_H
#define CAPSIM_ROLLUP_H

#include <sqlite3.h>

#define ROLLUP_NAME_MAX 64
#define ROLLUP_COLUMNS_MAX 64

typedef enum rollup_kind {
    ROLLUP_KEY = 0,
    ROLLUP_LEVEL = 1,   /* averaged */
    ROLLUP_FLOW = 2,    /* summed */
    ROLLUP_TEXT = 3     /* not rolled up: TEXT, or a further *_id column */
} rollup_kind;

typedef enum rollup_period {
    ROLLUP_TICK = 0,
    ROLLUP_DAY = 1,
    ROLLUP_MONTH = 2
} rollup_period;

typedef struct rollup_column {
    char name[ROLLUP_NAME_MAX];
    rollup_kind kind;
} rollup_column;

typedef struct rollup_table {
    char name[ROLLUP_NAME_MAX];          /* dc_tick */
    char entity_col[ROLLUP_NAME_MAX];    /* datacenter_id, or "" */
    char entity[ROLLUP_NAME_MAX];        /* datacenter, or "" when no such table */
    char short_name[ROLLUP_NAME_MAX];    /* dc: the name minus _tick */
    int n_values;
    rollup_column values[ROLLUP_COLUMNS_MAX]; /* the non-key columns, in table order */
} rollup_table;

/* Classifies a column by its name and declared type. */
rollup_kind rollup_classify(const char *column, const char *decl_type);
/* "daily", "monthly" or "" for ROLLUP_TICK. */
const char *rollup_period_name(rollup_period p);

/* Fills t for the per-tick table `table`. Returns 0, 1 when it is not a
 * per-tick table, or -1 on a SQLite error. */
int rollup_describe(sqlite3 *db, const char *table, rollup_table *t);
/* Lists the per-tick tables in creation order: fills up to max entries,
 * returns how many there are, or -1 on a SQLite error. */
int rollup_tables(sqlite3 *db, rollup_table *out, int max);

/* SELECT for the long (one row per entity per period) form: run_id, then
 * tick and date (per tick) or date and ticks (rolled up), the entity id
 * and name, and every value column. `where` (may be NULL) is a condition on
 * the table aliased x, e.g. "x.run_id = ?1". Ordered by run, period, entity.
 * Returns a malloc'd string or NULL. */
char *rollup_long_sql(const rollup_table *t, rollup_period p, const char *where);
/* SELECT run_id, date (the start of the tick's period), entity id and the
 * stored value of one column, per tick, in key order (run, tick, entity;
 * no sort): the input of a wide export, which rolls up as it streams. */
char *rollup_series_sql(const rollup_table *t, rollup_period p, const char *column,
                        const char *where);

/* Creates the _daily and _monthly views of every per-tick table, with
 * IF NOT EXISTS. temp != 0 creates them as TEMP views (for a read-only
 * connection) unless the database already has them. Returns 0 or -1. */
int rollup_ensure_views(sqlite3 *db, int temp);

#endif
