/*
 * store_files: the data files a run's scenario read besides its INI files
 * (the keys of type path: CSV demand series and job traces), stored beside
 * run.scenario_text in run_file(run_id, path, content), so that a stored run
 * is self-contained and `capsim rerun` needs no file outside the database.
 * `path` is the absolute path the resolved text names, `content` the file's
 * text as read when the run began (CSV: stored as TEXT, so that exports and
 * spreadsheets show it). A file named twice is stored once.
 *
 * The files are found in the resolved text itself: it lists every section
 * and key, and the key table says which keys are paths. A rerun gives the
 * copies it loaded the scenario from (store_set_file_copies), so the new
 * run stores what it simulated, whatever the original paths hold now.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "../scenario/scenario_keys.h"

static const char schema_run_file[] =
    "CREATE TABLE IF NOT EXISTS run_file ("
    " run_id INTEGER NOT NULL REFERENCES run(id),"
    " path TEXT NOT NULL,"
    " content TEXT NOT NULL,"
    " PRIMARY KEY (run_id, path)) WITHOUT ROWID";

/* Reads a whole file (malloc'd), or NULL. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t cap = 0;
    *len = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (*len == cap) {
            char *grown = realloc(data, cap = cap ? 2 * cap : 4096);
            if (!grown) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = grown;
        }
        size_t n = fread(data + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(data);
        return NULL;
    }
    return data;
}

/* The kind of a "[kind name]" or "[kind]" header line, or -1. */
static int section_kind(const char *line, size_t len)
{
    char name[64];
    size_t n = 0;
    while (n + 1 < len && n + 1 < sizeof name && line[n + 1] != ' ' && line[n + 1] != ']') {
        name[n] = line[n + 1];
        n++;
    }
    name[n] = '\0';
    return scenario_keys_find_kind(name);
}

/* For a "key = value" line of a path key in section kind `kind`, copies the
 * value into out and returns 1; else 0. */
static int path_value(int kind, const char *line, size_t len, char *out, size_t out_len)
{
    const char *eq = memchr(line, '=', len);
    if (kind < 0 || !eq || eq == line || eq[-1] != ' ' || eq + 2 > line + len || eq[1] != ' ')
        return 0;
    char key[64];
    size_t k = (size_t)(eq - 1 - line);
    if (k == 0 || k >= sizeof key)
        return 0;
    memcpy(key, line, k);
    key[k] = '\0';
    int idx = scenario_keys_find_key((scenario_keys_kind)kind, key);
    if (idx < 0 || scenario_keys_kind_of((scenario_keys_kind)kind)->keys[idx].type
                       != SCENARIO_KEYS_PATH)
        return 0;
    size_t v = (size_t)(line + len - (eq + 2));
    if (v == 0 || v >= out_len)
        return 0;
    memcpy(out, eq + 2, v);
    out[v] = '\0';
    return 1;
}

void store_set_file_copies(store *st, const char *const *paths, const char *const *copies,
                           size_t n)
{
    st->copy_paths = paths;
    st->copy_files = copies;
    st->n_copies = n;
}

/* Where to read a data file from: its copy, when one was given. */
static const char *file_source(const store *st, const char *path)
{
    for (size_t i = 0; i < st->n_copies; i++)
        if (!strcmp(st->copy_paths[i], path))
            return st->copy_files[i];
    return path;
}

static int insert_file(store *st, sqlite3_stmt *s, const char *path)
{
    size_t len;
    char *data = read_file(file_source(st, path), &len);
    if (!data)      /* the reader read it a moment ago; a rerun then uses the path */
        return STORE_OK;
    int b = sqlite3_bind_int64(s, 1, st->run_id);
    b |= sqlite3_bind_text(s, 2, path, -1, SQLITE_TRANSIENT);
    b |= sqlite3_bind_text(s, 3, data, (int)len, SQLITE_TRANSIENT);
    free(data);
    int rc = b != SQLITE_OK ? store__fail(st, "bind run_file")
                            : store__step_done(st, s, "insert run_file");
    st->rows_written += rc == STORE_OK;
    return rc;
}

int store__insert_files(store *st, const scenario *sc)
{
    int rc = store__exec(st, schema_run_file);
    if (rc != STORE_OK || !sc || !sc->resolved_text)
        return rc;
    sqlite3_stmt *s = NULL;
    rc = store__prepare(st, "INSERT OR IGNORE INTO run_file VALUES (?1, ?2, ?3)", &s);
    int kind = -1;
    char path[4096];
    for (const char *line = sc->resolved_text; rc == STORE_OK && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len > 0 && line[0] == '[')
            kind = section_kind(line, len);
        else if (path_value(kind, line, len, path, sizeof path))
            rc = insert_file(st, s, path);
        line += len + (nl != NULL);
    }
    sqlite3_finalize(s);
    store_set_file_copies(st, NULL, NULL, 0);   /* borrowed for this run only */
    return rc;
}
