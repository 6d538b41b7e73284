/*
 * store_internal: what the store's .c files share and nobody else sees.
 * store.c opens and closes the database, store_schema.c holds the schema
 * and the views, store_rows.c describes the per-tick rows, store_run.c
 * begins a run (run row, parameters, entity tables), store_tick.c takes
 * the per-tick snapshots, writes them and ends the run, store_writer.c runs
 * the writer thread, store_metrics.c accumulates the end-of-run metrics and
 * store_summary.c prints the summary.
 *
 * Invariants: the per-tick statements are non-NULL exactly while a run is
 * open (between store_begin_run and store_end_run); in_tx says whether a
 * transaction opened by the store is pending. While a run is open the
 * writer thread owns the connection and everything it writes through
 * (statements, in_tx, ticks_in_tx, tables, rows_written, metrics); the
 * simulation thread owns snap_dcs, snap_contracts and event_seq. Every SQLite
 * failure goes through store__fail(), and every other error through
 * store__failf(); both pass it on to capsim_fail(), the one breakpoint of
 * every layer, and write the message into errmsg, or on the writer thread
 * into writer_errmsg (the simulation thread copies it once it sees the
 * failure).
 */
#ifndef CAPSIM_STORE_INTERNAL_H
#define CAPSIM_STORE_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include "store.h"
#include "store_rows.h"
#include "store_writer.h"
#include "../model/market.h"

/* Rows per INSERT statement of a per-tick table: one multi-row VALUES
 * statement costs far less than as many single-row ones. */
#define STORE_ROWS_PER_INSERT 32

typedef struct store_writer store_writer;
typedef struct store_metrics store_metrics;

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

/* WAL frames (pages of 4 KiB) at which the connection checkpoints: 64 MiB
 * (store.c's configure, store_checkpoint.c). */
#define STORE_CHECKPOINT_FRAMES 16384

typedef struct store_checkpointer store_checkpointer;

/* While a run's writer thread runs, WAL checkpoints run on a thread of
 * their own with a second connection (store_checkpoint.c); without one the
 * connection checkpoints by itself. */
void store__checkpointer_start(store *st);
void store__checkpointer_stop(store *st);
/* pthread_create with every signal blocked in the new thread (store_writer.c):
 * signals stay with the simulation thread. Returns pthread_create's code. */
int store__thread_start(pthread_t *thread, void *(*run)(void *), void *arg);

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
    int tick_rows;            /* store_set_tick_rows: 1 inserts the per-tick rows, 0 only
                                 accumulates their metrics */
    int64_t ticks_summed;     /* ticks of the current run accumulated without rows */
    int64_t event_seq;        /* last event_log seq of the current run */
    uint64_t rows_written;    /* every row inserted since store_open */
    char errmsg[768];
    char sqlite_name[4096];   /* the path as handed to SQLite (store_file_sqlite_name) */
    int lock_fd;              /* holds the flock on the file; -1 for none */

    /* the open run's writer thread (store_writer.c) and what feeds it */
    store_writer *writer;     /* NULL when no run is open */
    store_checkpointer *checkpointer; /* the run's WAL checkpoints (store_checkpoint.c), or
                                 NULL: the connection checkpoints by itself */
    store_metrics *metrics;   /* end-of-run metrics accumulated per tick (store_metrics.c) */
    size_t snap_dcs;          /* datacenters and contracts already in a snapshot */
    size_t snap_contracts;
    atomic_int_fast64_t ticks_committed; /* ticks of the run in committed transactions */
    int writer_status;        /* the run's writer failure (store_writer_stop), or STORE_OK */
    char writer_errmsg[768];  /* the writer thread's errors: its failure's message */
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

/* End-of-run metrics (store_metrics.c), accumulated on the writer thread
 * from each snapshot it wrote, in the order the SQL over the stored rows
 * would add them. create: at store_begin_run, with the market's providers,
 * workloads and initial datacenters and contracts; NULL when out of memory.
 * add_*: STORE_OK or STORE_ERR_NOMEM. */
store_metrics *store__metrics_create(const store *st, const market *m);
void store__metrics_destroy(store_metrics *acc);
int store__metrics_add_datacenter(store_metrics *acc, const store *st,
                                  const spec_datacenter *d);
int store__metrics_add_contract(store_metrics *acc, const spec_contract *c);
int store__metrics_add_tick(store_metrics *acc, const store_snapshot *s);
/* Inserts the accumulated run_metric rows of the current run. */
int store__metrics_insert(store *st);

/* Inserts a snapshot's datacenter (with their phases) and contract rows
 * (store_run.c), and updates the per-tick tables' counts (the caller must
 * then prepare the per-tick statements again). */
int store__insert_new_entities(store *st, const store_snapshot *s);
/* Writes one snapshot: its events, new entities and tick (store_tick.c);
 * on the writer thread. */
int store__write_snapshot(store *st, const store_snapshot *s);
/* Prepares the per-tick statements for the entity counts in st (store_tick.c);
 * binds the run id. STORE_OK or store__fail(). */
int store__prepare_tick_statements(store *st);
/* Finalizes the per-run statements (NULL-safe). */
void store__finalize_run_statements(store *st);

#endif
