/*
 * adb: read access to a results database for the analysis commands. The
 * database is opened read-only (results are never modified by analysis);
 * the roll-up views are added as TEMP views when the file lacks them.
 *
 * Run sets: a report or comparison is about one run, or about its
 * replications: the complete runs with the same parameters apart from the
 * seed, over the same period, each seed counted once (groups.h).
 *
 * Errors are codes of the status list (sim/util/status.h) with a message in
 * err; capsim_status_in_input() says whether the fault lies in what the
 * user gave (the database path, the run id: exit 2) or not (exit 1).
 */
#ifndef CAPSIM_ADB_H
#define CAPSIM_ADB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>
#include "../sim/util/status.h"

/* The codes adb returns, from the status list. */
typedef capsim_status adb_status;
#define ADB_OK CAPSIM_OK

/* Opens path read-only, checks that it is a capsim database and ensures the
 * roll-up views. On failure returns NULL, sets *status (CANNOT_OPEN,
 * NOT_CAPSIM, or SQLITE when the views cannot be made) and writes err. */
sqlite3 *adb_open(const char *path, adb_status *status, char *err, size_t err_len);

/* The run to report on: `requested` when > 0 (and it exists), else the
 * latest complete run, else the latest run. Returns the id, or
 * CAPSIM_ERR_NO_SUCH_RUN (< 0) with err filled. */
int64_t adb_pick_run(sqlite3 *db, int64_t requested, char *err, size_t err_len);

/* The replications of `run` (groups.h): the pooled runs of its group, with
 * `run` in place of the pooled run of its seed when it is a duplicate; a run
 * that is not complete alone. *ids is malloc'd. Returns ADB_OK, or
 * CAPSIM_ERR_SQLITE / CAPSIM_ERR_NO_MEMORY (sqlite3_errmsg says more). */
adb_status adb_replications(sqlite3 *db, int64_t run, int64_t **ids, size_t *n);

/* Prints one warning line "capsim CMD: warning: run N is ..." to err when
 * the run is not complete: 'running' (still being written, or its process
 * was killed) or 'interrupted' (stopped early); its figures then cover only
 * the ticks written. Prints nothing for a complete run. Returns 1 when it
 * warned. */
int adb_warn_unfinished(sqlite3 *db, int64_t run, const char *cmd, FILE *err);

/* Tick length of a run in hours (1.0 when unknown). */
double adb_tick_hours(sqlite3 *db, int64_t run);

/* 1 when table (or view) `name` exists, 0 when not. */
int adb_has_relation(sqlite3 *db, const char *name);
/* 1 when `table` has column `column`. */
int adb_has_column(sqlite3 *db, const char *table, const char *column);

/* Runs a query returning one integer (bound ?1 = a1 when a1 != INT64_MIN).
 * Returns the value, or `fallback` on NULL or error. */
int64_t adb_int(sqlite3 *db, const char *sql, int64_t a1, int64_t fallback);

#endif
