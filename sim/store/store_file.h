/*
 * store_file: what makes a file a capsim results database, in one place.
 * The store checks it before it appends to a file; analysis checks it
 * before it reads one. A capsim database carries STORE_APPLICATION_ID in
 * PRAGMA application_id and its schema version in PRAGMA user_version.
 *
 * This header includes neither SQLite nor the model nor the engine: the
 * store's users get its status codes from here, and analysis its identity
 * check, without the rest of the store.
 */
#ifndef CAPSIM_STORE_FILE_H
#define CAPSIM_STORE_FILE_H

#include <stddef.h>
#include "../util/status.h"

struct sqlite3;   /* SQLite's connection (sqlite3.h); only a pointer crosses here */

#define STORE_SCHEMA_VERSION 6  /* 2: procured contracts, spot, SLA, termination; 3: contract_tick
                                   price_per_gpu_hour, lessor_unleased and undelivered; host
                                   power, opex and interest; 4: dc_tick.failures,
                                   workload_tick.interruptions and lost_gpu_hours; 5:
                                   sweep_sensitivity. Version 5 is needed because capsim
                                   sweep --resume and capsim merge write the indices into
                                   the database they extend, and a version-4 file opened
                                   by an older capsim would keep indices that no longer
                                   match its runs after that capsim resumed or merged into
                                   it (it neither writes nor replaces them); 6:
                                   provider_tick.capacity_h100 and
                                   contract_tick.capacity_h100 (capacity by source); the
                                   roll-up views' date is 'YYYY-MM-DD' or 'YYYY-MM' */
#define STORE_APPLICATION_ID 0x43415053 /* "CAPS" */

/* The codes the store returns, from the status list (sim/util/status.h). */
typedef capsim_status store_status;
#define STORE_OK CAPSIM_OK
#define STORE_ERR_NOT_CAPSIM CAPSIM_ERR_NOT_CAPSIM  /* the file exists and is not capsim's */
#define STORE_ERR_VERSION CAPSIM_ERR_SCHEMA_VERSION /* capsim's, of another schema version */
#define STORE_ERR_SQLITE CAPSIM_ERR_SQLITE          /* SQLite failed (I/O, disk full, locked) */
#define STORE_ERR_NOMEM CAPSIM_ERR_NO_MEMORY
#define STORE_ERR_BAD_PATH CAPSIM_ERR_BAD_PATH      /* "", ":memory:": keeps nothing */
#define STORE_ERR_IN_USE CAPSIM_ERR_IN_USE          /* --replace while another process writes */
#define STORE_ERR_DAMAGED CAPSIM_ERR_DAMAGED        /* truncated, corrupt, or not SQLite at all */
#define STORE_ERR_READ_ONLY CAPSIM_ERR_READ_ONLY    /* a run into read-only storage */

/* queries */
/* Checks that the open database db (read from path, for messages) is a
 * capsim results database: capsim's application_id and a `run` table. With
 * any_version == 0 its schema version must also be STORE_SCHEMA_VERSION.
 * Returns STORE_OK; STORE_ERR_NOT_CAPSIM (an SQLite database of another
 * application, or one without a run table), STORE_ERR_DAMAGED (SQLite
 * says the file is no database or is malformed, or it is shorter than its
 * header says: truncated), STORE_ERR_VERSION, or STORE_ERR_SQLITE, with a
 * message naming path and SQLite's reason in err. */
store_status store_file_check(struct sqlite3 *db, const char *path, int any_version, char *err,
                              size_t err_size);
/* Checks that path can name a results file: not empty and not SQLite's
 * ":memory:" (both would keep nothing). Returns STORE_OK, or
 * STORE_ERR_BAD_PATH with a message in err. */
store_status store_file_check_path(const char *path, char *err, size_t err_size);
/* The name to hand SQLite for the plain file path `path`: path itself, or
 * "./" + path when path begins with "file:", so that SQLite never reads a
 * path as a URI (Debian's SQLite interprets "file:" names as URIs whatever
 * the open flags say). Every capsim open and ATTACH goes through it.
 * Returns 0, or -1 when the result does not fit in out_size bytes. */
int store_file_sqlite_name(const char *path, char *out, size_t out_size);

/* capsim_strerror under the store's name ("SQLite failed", ...). */
const char *store_strerror(store_status s);

#endif
