/*
 * store: opening and closing the results database, and the helpers every
 * store_*.c file uses to talk to SQLite.
 *
 * The one promise store_open keeps above all: a file that is not a capsim
 * database is never written to, with or without replace. Before SQLite
 * sees an existing non-empty file, its first 100 bytes are read directly:
 * only an SQLite header carrying capsim's application_id goes further, so
 * SQLite never touches another application's file (not even to roll back
 * a hot journal of its own). The file is then opened read-write without
 * SQLITE_OPEN_CREATE and only read (application_id, user_version) until it
 * is known to be capsim's; journal_mode=WAL comes after that check.
 *
 * A new database gets its application_id and user_version while still in
 * rollback-journal mode, so they are in the file's own header from the
 * start, never only in the WAL: a run that dies before its first
 * checkpoint leaves a file that is still recognised. A new file that cannot
 * be set up (a full disk, say) is removed again, so a failed open leaves
 * nothing behind.
 *
 * Paths are plain file paths, never SQLite URIs (store_file_sqlite_name),
 * and "" or ":memory:" are refused: they would keep nothing.
 *
 * Every open store holds a shared flock(2) on its file for as long as it is
 * open; replace first takes that lock exclusively, so it refuses to remove
 * a database that another capsim process (a run, a sweep) is writing, which
 * would otherwise go on writing into a deleted file and report success.
 * flock locks are apart from the POSIX locks SQLite takes, on Linux.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_internal.h"
#include "../util/caltime.h"

#define BUSY_TIMEOUT_MS 10000

/* ---- error routing -------------------------------------------------- */

/* The writer thread has its own message buffer, so that a failure there
 * never races with the simulation thread's use of errmsg. */
static char *message_buffer(store *st)
{
    return store__on_writer_thread() ? st->writer_errmsg : st->errmsg;
}

int store__fail(store *st, const char *what)
{
    int code = sqlite3_errcode(st->db);
    snprintf(message_buffer(st), sizeof st->errmsg, "%s: %s", what, sqlite3_errmsg(st->db));
    return capsim_fail(code == SQLITE_NOMEM ? STORE_ERR_NOMEM : STORE_ERR_SQLITE);
}

int store__failf(store *st, store_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message_buffer(st), sizeof st->errmsg, fmt, ap);
    va_end(ap);
    return capsim_fail(status);
}

const char *store_strerror(store_status s)
{
    return capsim_strerror(s);
}

/* ---- SQLite helpers ------------------------------------------------- */

int store__exec(store *st, const char *sql)
{
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store__fail(st, "SQL");
    return STORE_OK;
}

int store__step_done(store *st, sqlite3_stmt *stmt, const char *what)
{
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) {
        int status = store__fail(st, what);
        sqlite3_reset(stmt);
        return status;
    }
    if (sqlite3_reset(stmt) != SQLITE_OK)
        return store__fail(st, what);
    return STORE_OK;
}

int store__prepare(store *st, const char *sql, sqlite3_stmt **out)
{
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK) {
        *out = NULL;
        return store__fail(st, "prepare");
    }
    return STORE_OK;
}

int store__begin(store *st)
{
    if (st->in_tx)
        return STORE_OK;
    int rc = store__exec(st, "BEGIN");
    if (rc == STORE_OK)
        st->in_tx = 1;
    return rc;
}

int store__commit(store *st)
{
    if (!st->in_tx)
        return STORE_OK;
    int rc = store__exec(st, "COMMIT");
    if (rc == STORE_OK || sqlite3_get_autocommit(st->db))
        st->in_tx = 0;
    return rc;
}

void store__rollback(store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_tx = 0;
}

void store__date(const store *st, int64_t t, char out[20])
{
    caltime_format_since(st->start_day, t, out);
}

/* ---- opening -------------------------------------------------------- */

static void set_err(char *err, size_t err_len, const char *msg)
{
    if (err && err_len)
        snprintf(err, err_len, "%s", msg);
}

static int refuse(store *st, const char *path, const char *why)
{
    return store__failf(st, STORE_ERR_NOT_CAPSIM,
                        "%s: exists and is not a capsim database; refusing to overwrite it%s. "
                        "Choose another -o path or remove the file yourself.", path, why);
}

/* 1 when the directory that holds (or would hold) path cannot be written
 * by this process, with errno saying why (EROFS, EACCES). */
static int not_writable(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    return access(dir, W_OK) != 0 && (errno == EROFS || errno == EACCES);
}

/* An open that SQLite refused: read-only storage says so. */
static int fail_open(store *st, const char *path)
{
    const int code = st->db ? sqlite3_extended_errcode(st->db) : SQLITE_CANTOPEN;
    const int sys = st->db ? sqlite3_system_errno(st->db) : 0;
    if ((code & 0xff) == SQLITE_READONLY || sys == EROFS || not_writable(path))
        return store__failf(st, STORE_ERR_READ_ONLY, "%s: cannot write there (read-only "
                            "storage, or no permission: %s). Choose another -o path.", path,
                            strerror(sys == EROFS || sys == EACCES ? sys : errno));
    return store__fail(st, path);
}

/* The SQLite file header (https://sqlite.org/fileformat.html#the_database_header):
 * a 16-byte magic string; big-endian application_id at offset 68. */
#define SQLITE_HEADER_BYTES 100
#define SQLITE_HEADER_APP_ID_OFFSET 68

enum { HEADER_NOT_SQLITE = 0, HEADER_CAPSIM = 1, HEADER_OTHER_SQLITE = 2 };

/* Reads the header of path without SQLite. Returns one of HEADER_*, or a
 * store status (< 0) when the file cannot be read. */
static int read_header(store *st, const char *path)
{
    static const char magic[16] = "SQLite format 3";  /* with its NUL */
    unsigned char h[SQLITE_HEADER_BYTES];
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return store__failf(st, STORE_ERR_SQLITE, "%s: cannot open: %s", path, strerror(errno));
    size_t n = fread(h, 1, sizeof h, fp);
    fclose(fp);
    if (n < sizeof h || memcmp(h, magic, sizeof magic) != 0)
        return HEADER_NOT_SQLITE;
    const unsigned char *a = h + SQLITE_HEADER_APP_ID_OFFSET;
    uint32_t app_id = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
    return app_id == (uint32_t)STORE_APPLICATION_ID ? HEADER_CAPSIM : HEADER_OTHER_SQLITE;
}

/* Reads one integer PRAGMA. Only reads: nothing is written to the file. */
/* Opens an existing non-empty file and checks that it is a capsim
 * database of this schema version (any version when replacing). */
static int open_existing(store *st, const char *path, int replace)
{
    static const char other_sqlite[] = " (it is an SQLite file of another application)";
    int header = read_header(st, path);
    if (header < 0)
        return header;
    if (header != HEADER_CAPSIM)
        return refuse(st, path, header == HEADER_OTHER_SQLITE ? other_sqlite : "");
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;  /* never CREATE */
    if (sqlite3_open_v2(st->sqlite_name, &st->db, flags, NULL) != SQLITE_OK)
        return fail_open(st, path);
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
    char why[1024];
    store_status check = store_file_check(st->db, path, replace, why, sizeof why);
    if (check == STORE_ERR_NOT_CAPSIM)
        return refuse(st, path, other_sqlite);
    if (check == STORE_ERR_DAMAGED)
        return store__failf(st, STORE_ERR_DAMAGED, "%s. Choose another -o path.", why);
    if (check == STORE_ERR_VERSION)
        return store__failf(st, STORE_ERR_VERSION,
                            "%s. Choose another -o path, or --replace to start afresh.", why);
    if (check != STORE_OK)
        return store__fail(st, path);
    return STORE_OK;
}

static int remove_one(store *st, const char *path, const char *suffix)
{
    char name[4096];
    int n = snprintf(name, sizeof name, "%s%s", path, suffix);
    if (n < 0 || (size_t)n >= sizeof name)
        return store__failf(st, STORE_ERR_SQLITE, "%s: path too long", path);
    if (unlink(name) != 0 && errno != ENOENT)
        return store__failf(st, STORE_ERR_SQLITE, "%s: cannot remove: %s", name, strerror(errno));
    return STORE_OK;
}

/* Removes a capsim database and its WAL and shared-memory files. */
static int remove_database(store *st, const char *path)
{
    int rc = remove_one(st, path, "-wal");
    if (rc == STORE_OK)
        rc = remove_one(st, path, "-shm");
    if (rc == STORE_OK)
        rc = remove_one(st, path, "");
    return rc;
}

/* WAL lets readers query while a run writes; NORMAL sync keeps every
 * committed transaction across a process crash (not across power loss).
 * Checkpoints (copying the WAL into the database, with an fsync) are the
 * largest cost of a long run after the inserts themselves: letting the WAL
 * reach 64 MiB (STORE_CHECKPOINT_FRAMES pages of 4 KiB) before one runs measured 30-40%
 * more rows/s than the default 1000 pages. During a run the checkpoints
 * move off the writer thread (store_checkpoint.c). */
static int configure(store *st)
{
    int rc = store__exec(st, "PRAGMA journal_mode = WAL");
    if (rc == STORE_OK)
        rc = store__exec(st, "PRAGMA synchronous = NORMAL");
    if (rc == STORE_OK)
        rc = store__exec(st, "PRAGMA cache_size = -32768"); /* KiB: 32 MiB */
    if (rc == STORE_OK && sqlite3_wal_autocheckpoint(st->db, STORE_CHECKPOINT_FRAMES) != SQLITE_OK)
        rc = store__fail(st, "setting the WAL checkpoint size");
    return rc;
}

/* Creates a new database at path (absent or empty). When the set-up fails
 * (a full disk, read-only storage) the file is removed again if this call
 * created it, and the message names the path. */
static int create_new(store *st, const char *path)
{
    struct stat sb;
    const int existed = stat(path, &sb) == 0;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(st->sqlite_name, &st->db, flags, NULL) != SQLITE_OK)
        return fail_open(st, path);
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             STORE_APPLICATION_ID, STORE_SCHEMA_VERSION);
    int rc = store__exec(st, sql);  /* before WAL: straight into the file header */
    if (rc == STORE_OK)
        rc = configure(st);
    if (rc == STORE_OK)
        rc = store__create_schema(st);
    if (rc != STORE_OK) {
        char why[sizeof st->errmsg];
        snprintf(why, sizeof why, "%s", st->errmsg);
        const int code = sqlite3_extended_errcode(st->db);
        const int sys = sqlite3_system_errno(st->db);
        sqlite3_close(st->db);
        st->db = NULL;
        if (!existed)
            (void)remove_database(st, path);
        if ((code & 0xff) == SQLITE_READONLY || sys == EROFS)
            return store__failf(st, STORE_ERR_READ_ONLY, "%s: cannot create a database: the "
                                "storage is read-only; choose another -o path", path);
        return store__failf(st, rc, "%s: cannot create a database: %s", path, why);
    }
    return STORE_OK;
}

/* A zero-length file is as good as no file: SQLite creates a database in
 * it. A capsim database is never empty (its header is written first). */
static int nonempty(const char *path, int *is_dir)
{
    struct stat sb;
    *is_dir = 0;
    if (stat(path, &sb) != 0)
        return 0;
    *is_dir = S_ISDIR(sb.st_mode);
    return *is_dir || sb.st_size > 0;
}

/* Takes the store's flock on path: shared, or exclusive without waiting.
 * Returns STORE_OK, or STORE_ERR_IN_USE when another process holds it. */
static int lock_file(store *st, const char *path, int exclusive)
{
    if (st->lock_fd < 0)
        st->lock_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (st->lock_fd < 0)
        return STORE_OK;   /* nothing to lock (a file SQLite has yet to create) */
    if (flock(st->lock_fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
        return STORE_OK;
    if (errno == EWOULDBLOCK)
        return store__failf(st, STORE_ERR_IN_USE,
                            "%s: in use by another capsim process (a run or a sweep writing "
                            "into it); --replace would delete its results. Wait for it to "
                            "finish or choose another -o path.", path);
    return STORE_OK;       /* a file system without flock: no protection, no failure */
}

static void unlock_file(store *st)
{
    if (st->lock_fd >= 0)
        close(st->lock_fd);  /* releases the flock */
    st->lock_fd = -1;
}

static int open_or_create(store *st, const char *path, int replace)
{
    int is_dir;
    int rc;
    if (!nonempty(path, &is_dir)) {
        rc = create_new(st, path);
        return rc == STORE_OK ? lock_file(st, path, 0) : rc;
    }
    if (is_dir)
        return refuse(st, path, " (it is a directory)");
    rc = open_existing(st, path, replace);
    if (rc != STORE_OK)
        return rc;
    if (replace) {
        sqlite3_close(st->db);
        st->db = NULL;
        rc = lock_file(st, path, 1);
        if (rc == STORE_OK)
            rc = remove_database(st, path);
        unlock_file(st);
        if (rc == STORE_OK)
            rc = create_new(st, path);
        return rc == STORE_OK ? lock_file(st, path, 0) : rc;
    }
    rc = lock_file(st, path, 0);
    if (rc == STORE_OK)
        rc = configure(st);
    return rc == STORE_OK ? store__create_schema(st) : rc;
}

store *store_open(const char *path, int replace, store_status *status,
                  char *err, size_t err_len)
{
    store *st = calloc(1, sizeof *st);
    if (!st) {
        *status = capsim_fail(STORE_ERR_NOMEM);
        set_err(err, err_len, "out of memory");
        return NULL;
    }
    st->lock_fd = -1;
    st->tick_rows = 1;
    int rc = store_file_check_path(path, st->errmsg, sizeof st->errmsg);
    if (rc == STORE_OK && store_file_sqlite_name(path, st->sqlite_name, sizeof st->sqlite_name))
        rc = store__failf(st, STORE_ERR_BAD_PATH, "%s: path too long", path);
    if (rc == STORE_OK)
        rc = open_or_create(st, path, replace);
    *status = (store_status)rc;
    if (rc == STORE_OK) {
        set_err(err, err_len, "");
        return st;
    }
    set_err(err, err_len, st->errmsg);
    sqlite3_close(st->db);
    unlock_file(st);
    free(st);
    return NULL;
}

void store_close(store *st)
{
    if (!st)
        return;
    (void)store__writer_stop(st);  /* a run left open: what was handed over is written */
    if (st->in_tx && store__commit(st) != STORE_OK)
        store__rollback(st);
    store__finalize_run_statements(st);
    store__metrics_destroy(st->metrics);
    sqlite3_close(st->db);
    unlock_file(st);
    free(st);
}

/* ---- queries -------------------------------------------------------- */

int64_t store_run_id(const store *st) { return st->run_id; }
uint64_t store_rows_written(const store *st) { return st->rows_written; }
const char *store_errmsg(const store *st) { return st->errmsg; }
