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

struct sqlite3;   /* SQLite's connection (sqlite3.h); only a pointer crosses here */

#define STORE_SCHEMA_VERSION 2  /* 2: procured contracts, spot, SLA, termination */
#define STORE_APPLICATION_ID 0x43415053 /* "CAPS" */

typedef enum store_status {
    STORE_OK = 0,
    STORE_ERR_NOT_CAPSIM = -1,   /* the file exists and is not a capsim database */
    STORE_ERR_VERSION = -2,      /* a capsim database of another schema version */
    STORE_ERR_SQLITE = -3,       /* SQLite failed (I/O, disk full, locked) */
    STORE_ERR_NOMEM = -4
} store_status;

/* queries */
/* Checks that the open database db (read from path, for messages) is a
 * capsim results database: capsim's application_id and a `run` table. With
 * any_version == 0 its schema version must also be STORE_SCHEMA_VERSION.
 * Returns STORE_OK; STORE_ERR_NOT_CAPSIM (SQLite's word that it is no
 * database counts too), STORE_ERR_VERSION, or STORE_ERR_SQLITE with a
 * message naming path in err. */
store_status store_file_check(struct sqlite3 *db, const char *path, int any_version, char *err,
                              size_t err_size);
const char *store_strerror(store_status s);

#endif
