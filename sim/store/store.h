/*
 * store: the results database (SQLite). One file holds one or many runs.
 * PRAGMA user_version carries the schema version and application_id marks
 * the file as capsim's. Writes go through prepared statements inside large
 * transactions, in WAL mode. The store reads the model only through the
 * market's row accessors; the model never sees SQLite.
 *
 * Lifecycle of a run: store_open -> store_begin_run (run row with status
 * 'running', run_param, entity tables) -> store_write_tick per tick ->
 * store_end_run (status, metrics, commit) -> store_close. A transaction is
 * committed every STORE_TICKS_PER_COMMIT ticks and at the end, so an
 * interrupted run keeps every committed tick and is marked 'interrupted'.
 *
 * Threads: between store_begin_run and the end of the run a writer thread
 * owns the SQLite connection. store_write_tick and store_log_event copy
 * what they are given into a snapshot and hand it over (they wait only when
 * STORE_RING_SLOTS snapshots are pending); a write failure shows at the next
 * hand-off, and nothing is written after it. While the writer runs, WAL
 * checkpoints run on a third thread with a connection of its own
 * (store_checkpoint.c). store_metric, store_get_metric,
 * store_end_run and store_close first let the writer drain and stop. The
 * end-of-run metrics are accumulated tick by tick as the writer stores them,
 * so store_end_run does not read the per-tick tables back.
 *
 * Errors: functions return STORE_OK (0) or a negative store_status, a code
 * of the status list (util/status.h), and leave a message for store_errmsg.
 */
#ifndef CAPSIM_STORE_H
#define CAPSIM_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../scenario/scenario.h"
#include "store_file.h"

/* The model's market, read through its row accessors (sim/model/market.h);
 * only a pointer crosses this header, so its users need not see the model. */
typedef struct market market;

#define STORE_TICKS_PER_COMMIT 512
/* Snapshots handed to the writer thread and not yet written: the simulation
 * runs at most this many ticks ahead of the database. A process killed
 * outright loses at most STORE_TICKS_PER_COMMIT - 1 + STORE_RING_SLOTS ticks. */
#define STORE_RING_SLOTS 256

typedef struct store store;

typedef enum store_run_status {
    STORE_RUN_RUNNING = 0,
    STORE_RUN_COMPLETE = 1,
    STORE_RUN_INTERRUPTED = 2,
    STORE_RUN_FAILED = 3
} store_run_status;

/* create / destroy */
/* Opens (or creates) the database at path. An existing file is used only if
 * it is a capsim database; with replace != 0 an existing file is removed
 * first (only if it is a capsim database or empty). On error returns NULL,
 * sets *status and writes a message with advice into err. */
store *store_open(const char *path, int replace, store_status *status,
                  char *err, size_t err_len);
/* Commits anything pending and closes. NULL is a no-op. */
void store_close(store *st);

/* operations */
/* Inserts the run row (status running), run_param, and the entity tables for
 * the scenario, and opens the first transaction. Returns the run id (> 0) or
 * a negative store_status. */
int64_t store_begin_run(store *st, const scenario *sc, const market *m,
                        const char *capsim_version, char *err, size_t err_len);
/* Data files (run_file) of the next run: by default each file its resolved
 * text names is read from that path; for path paths[i] read copies[i]
 * instead (capsim rerun: the stored copies). The arrays are borrowed until
 * store_begin_run returns. */
void store_set_file_copies(store *st, const char *const *paths, const char *const *copies,
                           size_t n);
/* Whether the next runs insert their per-tick rows (on != 0, the default)
 * or only accumulate the end-of-run metrics from them (0: for a sweep's
 * `record = summary`, which never keeps them). Without rows a run still
 * has its run row (with its tick count), run_param, entity tables,
 * event_log and run_metric, and commits as often. Set before
 * store_begin_run. */
void store_set_tick_rows(store *st, int on);
/* Appends one tick: the tick row and every dc/provider/contract/workload row.
 * Contracts signed and datacenters started since the last tick (the market
 * grows at events) get their entity rows first, so their per-tick rows begin
 * with the first tick after they appear. */
int store_write_tick(store *st, const market *m, int64_t tick_index, int64_t t);
/* Adds one event_log row (t in seconds since start). */
int store_log_event(store *st, int64_t t, const char *kind, const char *entity,
                    const char *message);
/* Adds one run_metric row. */
int store_metric(store *st, const char *metric, double value);
/* Reads one run_metric of the current (or last ended) run: 1 and *value
 * when it exists, 0 when it does not, a negative store_status on error. */
int store_get_metric(store *st, const char *metric, double *value);
/* Lets the writer drain and stop, commits, inserts the end-of-run metrics
 * accumulated from the stored ticks, and sets the run's status, wall seconds
 * and events processed. After a write failure the ticks before it are kept,
 * the run is marked 'failed' and the failure is returned. */
int store_end_run(store *st, store_run_status status, double wall_seconds,
                  uint64_t events_processed);

/* Prints the end-of-run summary from the stored rows of the current run:
 * first shortfall date per workload (or "none"), mean utilisation per
 * provider, and revenue and margin per provider per calendar year. */
int store_print_summary(store *st, FILE *out);

/* queries */
int64_t store_run_id(const store *st);
/* Ticks of the current run in committed transactions so far (any thread:
 * the writer's progress). */
int64_t store_ticks_committed(const store *st);
uint64_t store_rows_written(const store *st);
const char *store_errmsg(const store *st);

#endif
