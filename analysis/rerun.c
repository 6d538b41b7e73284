/*
 * rerun: the stored text goes through the ordinary scenario reader (so a
 * rerun is checked like any scenario), from a file in $TMPDIR that is
 * removed straight after reading.
 */
#include "rerun.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct stored_run {
    char *text;
    char *path;
    int64_t seed;
    int64_t tick_seconds;
    int64_t ticks;             /* < 0: unknown */
} stored_run;

static char *column_dup(sqlite3_stmt *s, int c)
{
    const unsigned char *t = sqlite3_column_text(s, c);
    return t ? strdup((const char *)t) : NULL;
}

/* Reads the run row. Returns 1 found, 0 not found, -1 error. */
static int read_run(sqlite3 *db, int64_t run, stored_run *r)
{
    static const char sql[] =
        "SELECT scenario_text, scenario_path, seed, tick_seconds,"
        " coalesce(ticks, (SELECT count(*) FROM tick WHERE run_id = ?1)) FROM run WHERE id = ?1";
    sqlite3_stmt *s = NULL;
    memset(r, 0, sizeof *r);
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, run);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        r->text = column_dup(s, 0);
        r->path = column_dup(s, 1);
        r->seed = sqlite3_column_int64(s, 2);
        r->tick_seconds = sqlite3_column_int64(s, 3);
        r->ticks = sqlite3_column_int64(s, 4);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Writes text to a new temporary file; its name goes to path. Returns 0 or -1. */
static int write_temp(const char *text, char *path, size_t len)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, len, "%s/capsim-rerun-XXXXXX.ini", dir && *dir ? dir : "/tmp");
    int fd = mkstemps(path, 4);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(path);
        return -1;
    }
    int ok = fputs(text, f) >= 0;
    if (fclose(f) != 0 || !ok) {
        unlink(path);
        return -1;
    }
    return 0;
}

static int replace_string(char **field, const char *value)
{
    char *copy = value ? strdup(value) : NULL;
    if (value && !copy)
        return -1;
    free(*field);
    *field = copy;
    return 0;
}

/* Gives every parameter the value and origin the stored run recorded for
 * its path (a series path was written relative to its file, the text has
 * it absolute), so the new run_param rows equal the stored ones. */
static int restore_params(sqlite3 *db, int64_t run, scenario *sc)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value, source_file, source_line FROM run_param"
                               " WHERE run_id = ?1 AND path = ?2", -1, &s, NULL) != SQLITE_OK)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sc->n_params; i++) {
        scenario_param *p = &sc->params[i];
        sqlite3_bind_int64(s, 1, run);
        sqlite3_bind_text(s, 2, p->path, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW) {
            rc = replace_string(&p->value, (const char *)sqlite3_column_text(s, 0));
            if (rc == 0 && sqlite3_column_type(s, 1) != SQLITE_NULL)
                rc = replace_string(&p->file, (const char *)sqlite3_column_text(s, 1));
            p->line = sqlite3_column_int(s, 2);
        }
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return rc;
}

static scenario *fail(scenario *sc, int *in_input, int input, char *err, size_t err_len,
                      const char *what, int64_t run)
{
    snprintf(err, err_len, "run %lld: %s", (long long)run, what);
    *in_input = input;
    scenario_destroy(sc);
    return NULL;
}

/* Loads the stored text into a scenario that records the stored origins. */
static scenario *load_text(sqlite3 *db, int64_t run, const stored_run *r, int *in_input,
                           char *err, size_t err_len)
{
    char tmp[4096], why[2048];
    if (write_temp(r->text, tmp, sizeof tmp) != 0) {
        snprintf(why, sizeof why, "cannot write a temporary copy of the scenario: %s",
                 strerror(errno));
        return fail(NULL, in_input, 0, err, err_len, why, run);
    }
    scenario *sc = scenario_load(tmp, NULL, 0, why, sizeof why);
    unlink(tmp);
    if (!sc) {
        char msg[2200];
        snprintf(msg, sizeof msg, "its stored scenario does not load (a series or trace file "
                 "it names may have moved): %s", why);
        return fail(NULL, in_input, 1, err, err_len, msg, run);
    }
    if ((int64_t)sc->spec->seed != r->seed)
        return fail(sc, in_input, 1, err, err_len, "the stored text's seed differs from the "
                    "run's seed column", run);
    if (replace_string(&sc->path, r->path ? r->path : tmp) != 0 ||
        replace_string(&sc->resolved_text, r->text) != 0 || restore_params(db, run, sc) != 0)
        return fail(sc, in_input, 0, err, err_len, "out of memory or a SQLite error", run);
    return sc;
}

scenario *rerun_load(sqlite3 *db, int64_t run, int64_t *stop, int *in_input, char *err,
                     size_t err_len)
{
    stored_run r;
    int found = read_run(db, run, &r);
    scenario *sc = NULL;
    if (found < 0)
        fail(NULL, in_input, 0, err, err_len, sqlite3_errmsg(db), run);
    else if (found == 0)
        fail(NULL, in_input, 1, err, err_len, "no such run in this database (capsim runs "
             "lists them)", run);
    else if (!r.text)
        fail(NULL, in_input, 1, err, err_len, "no scenario text is stored for it", run);
    else if (r.ticks <= 0 || r.tick_seconds <= 0)
        fail(NULL, in_input, 1, err, err_len, "it stored no ticks, so its period is unknown",
             run);
    else
        sc = load_text(db, run, &r, in_input, err, err_len);
    if (sc) {
        /* the run simulated ticks 0 .. ticks-1: stop after the last of them */
        *stop = r.ticks * r.tick_seconds;
        if (*stop > sc->spec->end)
            *stop = sc->spec->end;
    }
    free(r.text);
    free(r.path);
    return sc;
}
