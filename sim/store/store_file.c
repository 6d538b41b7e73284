/*
 * store_file: the identity and schema-version check of a results database.
 */
#include "store_file.h"

#include <sqlite3.h>
#include <stdio.h>

/* Reads one integer PRAGMA. Returns an SQLite result code. */
static int read_pragma(sqlite3 *db, const char *sql, int *value)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
            *value = sqlite3_column_int(stmt, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(stmt);
    return rc;
}

static int has_run_table(sqlite3 *db)
{
    sqlite3_stmt *stmt = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = 'run'", -1, &stmt,
                           NULL) == SQLITE_OK)
        found = sqlite3_step(stmt) == SQLITE_ROW;
    sqlite3_finalize(stmt);
    return found;
}

store_status store_file_check(sqlite3 *db, const char *path, int any_version, char *err,
                              size_t err_size)
{
    int app_id = 0, version = 0;
    int rc = read_pragma(db, "PRAGMA application_id", &app_id);
    if (rc == SQLITE_NOTADB || (rc == SQLITE_OK && app_id != STORE_APPLICATION_ID)) {
        snprintf(err, err_size, "%s: not a capsim results database", path);
        return STORE_ERR_NOT_CAPSIM;
    }
    if (rc == SQLITE_OK)
        rc = read_pragma(db, "PRAGMA user_version", &version);
    if (rc != SQLITE_OK) {
        snprintf(err, err_size, "%s: %s", path, sqlite3_errmsg(db));
        return STORE_ERR_SQLITE;
    }
    if (!any_version && version != STORE_SCHEMA_VERSION) {
        snprintf(err, err_size, "%s: a capsim database of schema version %d; this capsim "
                                "uses version %d", path, version, STORE_SCHEMA_VERSION);
        return STORE_ERR_VERSION;
    }
    if (!has_run_table(db)) {
        snprintf(err, err_size, "%s: not a capsim results database (it has no run table)",
                 path);
        return STORE_ERR_NOT_CAPSIM;
    }
    return STORE_OK;
}
