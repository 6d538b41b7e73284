/*
 * rerun: the stored text goes through the ordinary scenario reader (so a
 * rerun is checked like any scenario), from a folder in $TMPDIR that holds
 * the text and the stored data files and is removed straight after reading
 * (the reader reads series and traces while loading; the model opens no
 * files).
 */
#include "rerun.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adb.h"
#include "../sim/util/strbuf.h"

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

static int dir_create(rerun_source *d)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(d->dir, sizeof d->dir, "%s/capsim-rerun-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(d->dir))
        return 0;
    d->dir[0] = '\0';
    return -1;
}

void rerun_source_free(rerun_source *src)
{
    if (!src)
        return;
    scenario_destroy(src->sc);
    for (size_t i = 0; i < src->n_files; i++) {
        unlink(src->files[i]);
        free(src->files[i]);
    }
    for (size_t i = 0; i < src->n_data; i++)
        free((char *)src->paths[i]);
    free(src->files);
    free(src->paths);
    free(src->copies);
    if (src->dir[0])
        rmdir(src->dir);
    memset(src, 0, sizeof *src);
}

/* Writes len bytes to dir/name and remembers the file. Returns its path
 * (owned by d) or NULL. */
static const char *dir_write(rerun_source *d, const char *name, const void *data, size_t len)
{
    char **grown = realloc(d->files, (d->n_files + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    d->files = grown;
    size_t n = strlen(d->dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (!path)
        return NULL;
    snprintf(path, n, "%s/%s", d->dir, name);
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    d->files[d->n_files++] = path;
    return ok ? path : NULL;
}

/* Remembers that stored data file `path` was copied to `copy`. */
static int add_data(rerun_source *d, const char *path, const char *copy)
{
    const char **p = realloc(d->paths, (d->n_data + 1) * sizeof *p);
    if (p)
        d->paths = p;
    const char **c = p ? realloc(d->copies, (d->n_data + 1) * sizeof *c) : NULL;
    if (c)
        d->copies = c;
    char *dup = c ? strdup(path) : NULL;
    if (!dup)
        return -1;
    d->paths[d->n_data] = dup;
    d->copies[d->n_data++] = copy;
    return 0;
}

/* Replaces every "= old\n" in text by "= new\n" (old is a whole value). */
static char *replace_value(const char *text, const char *old, const char *new_value)
{
    strbuf b = {0}, pattern = {0};
    strbuf_addf(&pattern, "= %s\n", old);
    const char *pat = strbuf_str(&pattern);
    size_t plen = pat ? strlen(pat) : 0;
    for (const char *p = text; pat && *p;) {
        const char *hit = strstr(p, pat);
        if (!hit) {
            strbuf_add(&b, p);
            break;
        }
        strbuf_addf(&b, "%.*s= %s\n", (int)(hit - p), p, new_value);
        p = hit + plen;
    }
    strbuf_free(&pattern);
    if (!pat || b.error) {
        strbuf_free(&b);
        return NULL;
    }
    if (!b.s)
        return strdup("");
    return b.s;
}

/* Copies the run's stored data files (run_file) into d and points the text
 * at the copies. *text is replaced. Returns 0 or -1. */
static int use_stored_files(sqlite3 *db, int64_t run, rerun_source *d, char **text)
{
    if (!adb_has_relation(db, "run_file"))
        return 0;      /* written before files were stored: the text's paths are used */
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, "SELECT path, content FROM run_file WHERE run_id = ?1"
                               " ORDER BY path", -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, run);
    int rc = 0, k = 0;
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        const char *old = (const char *)sqlite3_column_text(s, 0);
        const char *base = strrchr(old, '/');
        char name[256];
        snprintf(name, sizeof name, "%d-%s", k++, base ? base + 1 : old);
        const void *data = sqlite3_column_blob(s, 1);
        const char *copy = dir_write(d, name, data ? data : "", (size_t)sqlite3_column_bytes(s, 1));
        char *replaced = copy && add_data(d, old, copy) == 0 ? replace_value(*text, old, copy)
                                                             : NULL;
        if (!replaced) {
            rc = -1;
            break;
        }
        free(*text);
        *text = replaced;
    }
    sqlite3_finalize(s);
    return rc;
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

static int fail(int *in_input, int input, char *err, size_t err_len, const char *what,
                int64_t run)
{
    snprintf(err, err_len, "run %lld: %s", (long long)run, what);
    *in_input = input;
    return -1;
}

/* Loads the stored text (with the stored data files) into a scenario that
 * records the stored origins. */
static int load_text(sqlite3 *db, int64_t run, const stored_run *r, rerun_source *src,
                     int *in_input, char *err, size_t err_len)
{
    char why[4800];
    if (dir_create(src) != 0) {
        snprintf(why, sizeof why, "cannot create a temporary folder: %s", strerror(errno));
        return fail(in_input, 0, err, err_len, why, run);
    }
    char *text = strdup(r->text);
    const char *ini = NULL;
    if (text && use_stored_files(db, run, src, &text) == 0)
        ini = dir_write(src, "scenario.ini", text, strlen(text));
    free(text);
    if (!ini) {
        snprintf(why, sizeof why, "cannot write a temporary copy of the scenario in %s: %s",
                 src->dir, strerror(errno));
        return fail(in_input, 0, err, err_len, why, run);
    }
    src->sc = scenario_load(ini, NULL, 0, why, sizeof why);
    if (!src->sc) {
        char msg[5000];
        snprintf(msg, sizeof msg, "its stored scenario does not load (a series or trace file "
                 "it names may have moved): %s", why);
        return fail(in_input, 1, err, err_len, msg, run);
    }
    scenario *sc = src->sc;
    if ((int64_t)sc->spec->seed != r->seed)
        return fail(in_input, 1, err, err_len, "the stored text's seed differs from the "
                    "run's seed column", run);
    if (replace_string(&sc->path, r->path ? r->path : "(rerun)") != 0 ||
        replace_string(&sc->resolved_text, r->text) != 0 || restore_params(db, run, sc) != 0)
        return fail(in_input, 0, err, err_len, "out of memory or a SQLite error", run);
    return 0;
}

int rerun_load(sqlite3 *db, int64_t run, rerun_source *src, int *in_input, char *err,
               size_t err_len)
{
    stored_run r;
    memset(src, 0, sizeof *src);
    int found = read_run(db, run, &r), rc = -1;
    if (found < 0)
        fail(in_input, 0, err, err_len, sqlite3_errmsg(db), run);
    else if (found == 0)
        fail(in_input, 1, err, err_len, "no such run in this database (capsim runs "
             "lists them)", run);
    else if (!r.text)
        fail(in_input, 1, err, err_len, "no scenario text is stored for it", run);
    else if (r.ticks <= 0 || r.tick_seconds <= 0)
        fail(in_input, 1, err, err_len, "it stored no ticks, so its period is unknown", run);
    else
        rc = load_text(db, run, &r, src, in_input, err, err_len);
    if (rc == 0) {
        /* the run simulated ticks 0 .. ticks-1: stop after the last of them */
        src->stop = r.ticks * r.tick_seconds;
        if (src->stop > src->sc->spec->end)
            src->stop = src->sc->spec->end;
    } else {
        rerun_source_free(src);
    }
    free(r.text);
    free(r.path);
    return rc;
}
