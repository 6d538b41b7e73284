/*
 * store_internal: what the store's .c files share and nobody else sees.
 * store.c opens and closes the database, store_schema.c holds the schema
 * and the views, store_run.c begins a run (run row, parameters, entity
 * tables), store_tick.c writes ticks and events and ends the run,
 * store_metrics.c computes the end-of-run metrics and store_summary.c
 * prints the summary.
 *
 * Invariants: the per-tick statements are non-NULL exactly while a run is
 * open (between store_begin_run and store_end_run); in_tx says whether a
 * transaction opened by the store is pending. Every SQLite failure goes
 * through store__fail(), and every other error through store__failf();
 * both pass it on to capsim_fail(), the one breakpoint of every layer.
 */
#ifndef CAPSIM_STORE_INTERNAL_H
#define CAPSIM_STORE_INTERNAL_H

#include <sqlite3.h>
#include "store.h"
#include "../model/market.h"

/* Rows per INSERT statement of a per-tick table: one multi-row VALUES
 * statement costs far less than as many single-row ones. */
#define STORE_ROWS_PER_INSERT 32

enum { STORE_DC_TICK, STORE_PROVIDER_TICK, STORE_CONTRACT_TICK, STORE_WORKLOAD_TICK,
       STORE_N_TICK_TABLES };

/* One per-tick entity table: n rows per tick, written by `full` (chunk rows
 * each) as often as it fits and `rest` (n % chunk rows) for the remainder.
 * ?1 is the run id, ?2 the tick index, ?3 the first row's entity id (row r
 * of the statement is entity ?3 + r), then every row's values in order. */
typedef struct store_tick_table {
    sqlite3_stmt *full;
    sqlite3_stmt *rest;       /* NULL when chunk divides n */
    size_t n;                 /* entities */
    size_t chunk;             /* rows of `full`: min(n, STORE_ROWS_PER_INSERT) */
} store_tick_table;

struct store {
    sqlite3 *db;
    int64_t run_id;           /* current (or last) run, 0 before the first */
    int64_t start_day;        /* the run's t = 0: days since 1970-01-01 (spec.start_day) */
    int64_t tick_seconds;

    /* prepared once per run, finalized by store_end_run / store_close */
    sqlite3_stmt *insert_tick;
    store_tick_table tables[STORE_N_TICK_TABLES];
    sqlite3_stmt *insert_event;
    sqlite3_stmt *insert_metric;

    const char *const *copy_paths; /* store_set_file_copies: data file path -> copy */
    const char *const *copy_files;
    size_t n_copies;

    int in_tx;                /* a BEGIN issued by the store is pending */
    int ticks_in_tx;          /* ticks written since the last commit */
    int64_t event_seq;        /* last event_log seq of the current run */
    uint64_t rows_written;    /* every row inserted since store_open */
    char date[20];            /* the current tick's date, bound SQLITE_STATIC */
    char errmsg[768];
    char sqlite_name[4096];   /* the path as handed to SQLite (store_file_sqlite_name) */
    int lock_fd;              /* holds the flock on the file; -1 for none */
};

/* Records "what: sqlite's message" as the store's error message and returns
 * STORE_ERR_SQLITE (STORE_ERR_NOMEM when SQLite ran out of memory). */
int store__fail(store *st, const char *what);
/* Records a message of the store's own and returns `status`. */
int store__failf(store *st, store_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Runs SQL that returns no rows. STORE_OK or store__fail(). */
int store__exec(store *st, const char *sql);
/* Steps a prepared statement that returns no rows, then resets it. */
int store__step_done(store *st, sqlite3_stmt *stmt, const char *what);
/* sqlite3_prepare_v3 with the persistent flag; STORE_OK or store__fail(). */
int store__prepare(store *st, const char *sql, sqlite3_stmt **out);

/* BEGIN / COMMIT of the store's own transactions, tracked in in_tx. */
int store__begin(store *st);
int store__commit(store *st);
/* Rolls back a pending transaction, if any; keeps the current errmsg. */
void store__rollback(store *st);

/* Formats seconds since the run's start as "YYYY-MM-DD HH:MM:SS" UTC. */
void store__date(const store *st, int64_t t, char out[20]);

/* Creates every table and view that does not exist yet (IF NOT EXISTS) in
 * one transaction. */
int store__create_schema(store *st);

/* Stores the CSV files (series, traces) the scenario's resolved text names
 * in run_file (store_files.c), creating the table when it is missing. */
int store__insert_files(store *st, const scenario *sc);

/* Inserts the computed run_metric rows of the current run (store_metrics.c). */
int store__compute_metrics(store *st);

/* Inserts the datacenter (with their phases) and contract rows the market
 * added since they were last written (store_run.c); sets *changed when it
 * wrote any, and updates the per-tick tables' counts (the caller must then
 * prepare the per-tick statements again). */
int store__add_new_entities(store *st, const market *m, int *changed);
/* Prepares the per-tick statements for the entity counts in st (store_tick.c);
 * binds the run id. STORE_OK or store__fail(). */
int store__prepare_tick_statements(store *st);
/* Finalizes the per-run statements (NULL-safe). */
void store__finalize_run_statements(store *st);

#endif
