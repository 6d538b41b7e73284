/*
 * adb: opening results databases read-only (identity and schema version
 * checked by the store's store_file_check) and choosing runs.
 */
#include "adb.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "groups.h"
#include "../sim/store/rollup.h"
#include "../sim/store/store_file.h"
#include "../sim/util/grow.h"
#include "../sim/util/units.h"

/* Every connection opened here is used by one thread (the analysis and the
 * commands that read have no threads), so none needs SQLite's mutex, which
 * the default serialized mode takes in every sqlite3_column_* call: on the
 * default run's database, 10% of `capsim report`, `plot` and `export`. */
#define ADB_NOMUTEX SQLITE_OPEN_NOMUTEX

/* Opens path read-only as SQLite's "immutable" file: no locks, no -shm or
 * -wal files, for a database on read-only storage (where a WAL database
 * cannot otherwise be read: its reader must create the -shm file). Only
 * ever used when the file cannot be written, so nothing changes under it. */
static sqlite3 *open_immutable(const char *path)
{
    static const char keep[] = "/-_.~";
    char uri[8192];
    size_t n = 0;
    n += (size_t)snprintf(uri, sizeof uri, "file:");
    for (const unsigned char *c = (const unsigned char *)path; *c && n + 4 < sizeof uri; c++)
        n += (size_t)snprintf(uri + n, sizeof uri - n,
                              (isalnum(*c) || strchr(keep, *c)) ? "%c" : "%%%02X", *c);
    if (n + 16 >= sizeof uri)
        return NULL;
    snprintf(uri + n, sizeof uri - n, "?immutable=1");
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | ADB_NOMUTEX, NULL) !=
        SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static int is_read_only_failure(int code)
{
    code &= 0xff;
    return code == SQLITE_READONLY || code == SQLITE_CANTOPEN;
}

sqlite3 *adb_open(const char *path, adb_status *status, char *err, size_t err_len)
{
    sqlite3 *db = NULL;
    char name[4096];
    if (store_file_check_path(path, err, err_len) != STORE_OK ||
        store_file_sqlite_name(path, name, sizeof name) != 0) {
        if (!path[0] || !strcmp(path, ":memory:"))
            snprintf(err, err_len, "'%s' is not a results database file; give its path", path);
        else
            snprintf(err, err_len, "%s: path too long", path);
        *status = capsim_fail(CAPSIM_ERR_BAD_PATH);
        return NULL;
    }
    if (access(path, R_OK) != 0) {
        snprintf(err, err_len, "%s: cannot open: %s", path, strerror(errno));
        *status = capsim_fail(CAPSIM_ERR_CANNOT_OPEN);
        return NULL;
    }
    if (sqlite3_open_v2(name, &db, SQLITE_OPEN_READONLY | ADB_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, err_len, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "?");
        *status = capsim_fail(CAPSIM_ERR_CANNOT_OPEN);
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    char why[1024];
    store_status check = store_file_check(db, path, 0, why, sizeof why);
    int immutable = 0;
    if (check == STORE_ERR_SQLITE && is_read_only_failure(sqlite3_extended_errcode(db)) &&
        access(path, W_OK) != 0) {
        sqlite3 *ro = open_immutable(path);
        if (ro) {
            sqlite3_close(db);
            db = ro;
            immutable = 1;
            check = store_file_check(db, path, 0, why, sizeof why);
        }
    }
    if (check != STORE_OK) {
        if (check == STORE_ERR_NOT_CAPSIM)
            snprintf(err, err_len, "%s (write one with capsim run)", why);
        else if (check == STORE_ERR_VERSION)
            snprintf(err, err_len, "%s; read it with the capsim that wrote it", why);
        else
            snprintf(err, err_len, "%s", why);
        *status = capsim_fail(check);
        sqlite3_close(db);
        return NULL;
    }
    if (immutable)
        goto views;
    /* Verified as capsim's: reopen read-write with query_only, so that the
     * last connection to close can checkpoint and remove the -wal and -shm
     * files a read-only connection would leave behind. A file we may not
     * write stays open read-only. */
    sqlite3 *rw = NULL;
    if (sqlite3_open_v2(name, &rw, SQLITE_OPEN_READWRITE | ADB_NOMUTEX, NULL) == SQLITE_OK &&
        sqlite3_exec(rw, "PRAGMA query_only = ON", NULL, NULL, NULL) == SQLITE_OK) {
        sqlite3_close(db);
        db = rw;
        sqlite3_busy_timeout(db, 5000);
    } else {
        sqlite3_close(rw);
    }
views:
    if (rollup_ensure_views(db, 1) != 0) {
        snprintf(err, err_len, "%s: creating the roll-up views: %s", path, sqlite3_errmsg(db));
        *status = capsim_fail(CAPSIM_ERR_SQLITE);
        sqlite3_close(db);
        return NULL;
    }
    *status = ADB_OK;
    return db;
}

int64_t adb_int(sqlite3 *db, const char *sql, int64_t a1, int64_t fallback)
{
    sqlite3_stmt *s = NULL;
    int64_t v = fallback;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return fallback;
    if (a1 != INT64_MIN)
        sqlite3_bind_int64(s, 1, a1);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

int64_t adb_pick_run(sqlite3 *db, int64_t requested, char *err, size_t err_len)
{
    if (requested > 0) {
        if (adb_int(db, "SELECT count(*) FROM run WHERE id = ?1", requested, 0) == 1)
            return requested;
        const int64_t lo = adb_int(db, "SELECT min(id) FROM run", INT64_MIN, 0);
        const int64_t hi = adb_int(db, "SELECT max(id) FROM run", INT64_MIN, 0);
        const int64_t n = adb_int(db, "SELECT count(*) FROM run", INT64_MIN, 0);
        if (n == 0)
            snprintf(err, err_len, "no run %lld: the database holds no runs", (long long)requested);
        else if (lo == hi)
            snprintf(err, err_len, "no run %lld in this database; its one run is %lld",
                     (long long)requested, (long long)lo);
        else
            snprintf(err, err_len, "no run %lld in this database; its %lld runs have ids %lld "
                     "to %lld (capsim runs DB lists them)", (long long)requested, (long long)n,
                     (long long)lo, (long long)hi);
        return capsim_fail(CAPSIM_ERR_NO_SUCH_RUN);
    }
    int64_t id = adb_int(db, "SELECT max(id) FROM run WHERE status = 'complete'", INT64_MIN, 0);
    if (id <= 0)
        id = adb_int(db, "SELECT max(id) FROM run", INT64_MIN, 0);
    if (id <= 0) {
        snprintf(err, err_len, "the database holds no runs");
        return capsim_fail(CAPSIM_ERR_NO_SUCH_RUN);
    }
    return id;
}

adb_status adb_replications(sqlite3 *db, int64_t run, int64_t **ids, size_t *n)
{
    groups_set g;
    *ids = NULL;
    *n = 0;
    if (groups_build(db, GROUPS_BY_PARAMS, &g) != 0)
        return capsim_fail(CAPSIM_ERR_SQLITE);
    int rc = groups_replications_of(&g, run, ids, n);
    groups_free(&g);
    return rc == 0 ? ADB_OK : capsim_fail(CAPSIM_ERR_NO_MEMORY);
}

int adb_warn_unfinished(sqlite3 *db, int64_t run, const char *cmd, FILE *err)
{
    sqlite3_stmt *s = NULL;
    int warned = 0;
    if (sqlite3_prepare_v2(db, "SELECT r.status, coalesce(r.ticks, (SELECT count(*) FROM tick"
                               " WHERE run_id = r.id)), (SELECT max(date) FROM tick WHERE"
                               " run_id = r.id) FROM run r WHERE r.id = ?1", -1, &s,
                           NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(s, 1, run);
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *status = (const char *)sqlite3_column_text(s, 0);
        const long long ticks = sqlite3_column_int64(s, 1);
        const char *last = (const char *)sqlite3_column_text(s, 2);
        if (status && strcmp(status, "complete") != 0) {
            const char *why = !strcmp(status, "running")
                                  ? "still being written, or its process was killed"
                                  : !strcmp(status, "interrupted") ? "it was stopped early"
                                                                   : "it failed";
            fprintf(err, "capsim %s: warning: run %lld is '%s' (%s): its figures cover only "
                         "%lld ticks, to %s\n", cmd, (long long)run, status, why, ticks,
                    last ? last : "its start");
            warned = 1;
        }
    }
    sqlite3_finalize(s);
    return warned;
}

double adb_tick_hours(sqlite3 *db, int64_t run)
{
    int64_t s = adb_int(db, "SELECT tick_seconds FROM run WHERE id = ?1", run, 3600);
    return s > 0 ? (double)s / UNITS_SECONDS_PER_HOUR_REAL : 1.0;
}

int adb_has_relation(sqlite3 *db, const char *name)
{
    sqlite3_stmt *s = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = ?1 AND type IN"
                               " ('table', 'view') UNION ALL SELECT 1 FROM sqlite_temp_master"
                               " WHERE name = ?1 AND type = 'view'", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
        found = sqlite3_step(s) == SQLITE_ROW;
    }
    sqlite3_finalize(s);
    return found;
}

int adb_has_column(sqlite3 *db, const char *table, const char *column)
{
    sqlite3_stmt *s = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &s,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, column, -1, SQLITE_STATIC);
        found = sqlite3_step(s) == SQLITE_ROW;
    }
    sqlite3_finalize(s);
    return found;
}
