/*
 * store_file: the identity and schema-version check of a results database.
 */
#include "store_file.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

/* 1 when the database has a run table, 0 when it has none, or an SQLite
 * error code (> 1) when its schema cannot be read. */
static int has_run_table(sqlite3 *db)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = 'run'", -1, &stmt,
                                NULL);
    int found = 0;
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
        found = rc == SQLITE_ROW;
        if (rc == SQLITE_ROW || rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_OK ? found : (rc > 1 ? rc : SQLITE_ERROR);
}

static uint32_t big_endian(const unsigned char *b, int bytes)
{
    uint32_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = v << 8 | b[i];
    return v;
}

/* The SQLite file header (https://sqlite.org/fileformat.html): the page
 * size at offset 16 (1 meaning 65536), the file change counter at 24, the
 * size in pages at 28, valid when the "version-valid-for" number at 92
 * equals the change counter. A checkpoint writes every page before the
 * header that counts them, so a file shorter than pages x page size has
 * lost its tail. Returns 1 with the sizes when the file is truncated. */
static int truncated(const char *path, long long *expected, long long *actual)
{
    unsigned char h[100];
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    size_t n = fread(h, 1, sizeof h, fp);
    fclose(fp);
    struct stat sb;
    if (n < sizeof h || stat(path, &sb) != 0)
        return 0;
    uint32_t page_size = big_endian(h + 16, 2);
    if (page_size == 1)
        page_size = 65536;
    const uint32_t pages = big_endian(h + 28, 4);
    if (pages == 0 || big_endian(h + 24, 4) != big_endian(h + 92, 4))
        return 0;
    *expected = (long long)pages * page_size;
    *actual = (long long)sb.st_size;
    return *actual < *expected;
}

static store_status damaged(sqlite3 *db, const char *path, char *err, size_t err_size)
{
    snprintf(err, err_size, "%s: damaged or not a database: %s", path, sqlite3_errmsg(db));
    return STORE_ERR_DAMAGED;
}

static int is_damage(int rc)
{
    rc &= 0xff;   /* the primary code of an extended one */
    return rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT || rc == SQLITE_FORMAT;
}

store_status store_file_check(sqlite3 *db, const char *path, int any_version, char *err,
                              size_t err_size)
{
    int app_id = 0, version = 0;
    int rc = read_pragma(db, "PRAGMA application_id", &app_id);
    if (is_damage(rc))
        return damaged(db, path, err, err_size);
    if (rc == SQLITE_OK && app_id != STORE_APPLICATION_ID) {
        snprintf(err, err_size, "%s: not a capsim results database", path);
        return STORE_ERR_NOT_CAPSIM;
    }
    if (rc == SQLITE_OK)
        rc = read_pragma(db, "PRAGMA user_version", &version);
    if (is_damage(rc))
        return damaged(db, path, err, err_size);
    if (rc != SQLITE_OK) {
        snprintf(err, err_size, "%s: %s", path, sqlite3_errmsg(db));
        return STORE_ERR_SQLITE;
    }
    long long expected = 0, actual = 0;
    if (truncated(path, &expected, &actual)) {
        snprintf(err, err_size, "%s: damaged: truncated to %lld bytes, its header says %lld "
                                "(a copy cut short?); restore it or run again",
                 path, actual, expected);
        return STORE_ERR_DAMAGED;
    }
    if (!any_version && version != STORE_SCHEMA_VERSION) {
        snprintf(err, err_size, "%s: a capsim database of schema version %d; this capsim "
                                "uses version %d", path, version, STORE_SCHEMA_VERSION);
        return STORE_ERR_VERSION;
    }
    int run_table = has_run_table(db);
    if (run_table > 1) {
        if (is_damage(run_table))
            return damaged(db, path, err, err_size);
        snprintf(err, err_size, "%s: %s", path, sqlite3_errmsg(db));
        return STORE_ERR_SQLITE;
    }
    if (!run_table) {
        snprintf(err, err_size, "%s: not a capsim results database (it has no run table)",
                 path);
        return STORE_ERR_NOT_CAPSIM;
    }
    return STORE_OK;
}

store_status store_file_check_path(const char *path, char *err, size_t err_size)
{
    if (!path || !path[0]) {
        snprintf(err, err_size, "an empty database path keeps nothing; give a file name, "
                                "e.g. -o out.db");
        return STORE_ERR_BAD_PATH;
    }
    if (!strcmp(path, ":memory:")) {
        snprintf(err, err_size, "':memory:' keeps nothing once capsim exits; give a file name, "
                                "e.g. -o out.db (or ./:memory: for a file of that name)");
        return STORE_ERR_BAD_PATH;
    }
    return STORE_OK;
}

int store_file_sqlite_name(const char *path, char *out, size_t out_size)
{
    const char *prefix = strncmp(path, "file:", 5) == 0 ? "./" : "";
    int n = snprintf(out, out_size, "%s%s", prefix, path);
    return n < 0 || (size_t)n >= out_size ? -1 : 0;
}
