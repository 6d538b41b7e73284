/*
 * groups: one pass over `run` and one over `run_param` (stored in
 * (run_id, path) order, so both scans are in key order), a hash per run,
 * then a sort of the complete runs by (hash, id).
 */
#include "groups.h"

#include <stdlib.h>
#include <string.h>

#include "../sim/util/grow.h"
#include "../sim/util/strbuf.h"

#define SEED_PATH "scenario.seed"

/* Two independent 64-bit hashes: FNV-1a, and a multiply-xorshift mix. */
static void hash_bytes(uint64_t key[2], const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        key[0] = (key[0] ^ p[i]) * 0x100000001b3ULL;
        key[1] = (key[1] + p[i] + 1) * 0x9e3779b97f4a7c15ULL;
        key[1] ^= key[1] >> 29;
    }
}

/* A text field and a separator no text holds, so ("ab","c") != ("a","bc");
 * NULL hashes apart from every text. */
static void hash_text(uint64_t key[2], const unsigned char *s)
{
    static const unsigned char sep = 0, null_mark = 1;
    if (s)
        hash_bytes(key, s, strlen((const char *)s));
    else
        hash_bytes(key, &null_mark, 1);
    hash_bytes(key, &sep, 1);
}

static int64_t column_or_none(sqlite3_stmt *s, int c)
{
    return sqlite3_column_type(s, c) == SQLITE_NULL ? GROUPS_NONE : sqlite3_column_int64(s, c);
}

/* The runs, each key seeded with its period. Returns 0 or -1. */
static int read_runs(sqlite3 *db, groups_set *g)
{
    static const char sql[] =
        "SELECT id, seed, status = 'complete', sweep_point, replication,"
        " start_date, end_date, tick_seconds, ticks FROM run ORDER BY id";
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    int rc;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (grow_reserve((void **)&g->runs, &cap, g->n_runs + 1, 64, sizeof *g->runs) != 0)
            break;
        groups_run *r = &g->runs[g->n_runs++];
        memset(r, 0, sizeof *r);
        r->id = sqlite3_column_int64(s, 0);
        r->seed = sqlite3_column_int64(s, 1);
        r->complete = sqlite3_column_int(s, 2);
        r->sweep_point = column_or_none(s, 3);
        r->replication = column_or_none(s, 4);
        r->ticks = column_or_none(s, 8);
        r->group = GROUPS_NO_GROUP;
        r->key[0] = 0xcbf29ce484222325ULL;
        r->key[1] = 0x243f6a8885a308d3ULL;
        for (int c = 5; c <= 8; c++)
            hash_text(r->key, sqlite3_column_text(s, c));
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Adds every parameter but the seed to its run's key. */
static int hash_params(sqlite3 *db, groups_set *g)
{
    sqlite3_stmt *s = NULL;
    size_t i = 0;
    int rc;
    if (sqlite3_prepare_v2(db, "SELECT run_id, path, value FROM run_param ORDER BY run_id, path",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        while (i < g->n_runs && g->runs[i].id < id)
            i++;
        const unsigned char *path = sqlite3_column_text(s, 1);
        if (i == g->n_runs || g->runs[i].id != id || !strcmp((const char *)path, SEED_PATH))
            continue;
        hash_text(g->runs[i].key, path);
        hash_text(g->runs[i].key, sqlite3_column_text(s, 2));
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void key_by_point(groups_set *g)
{
    for (size_t i = 0; i < g->n_runs; i++) {
        groups_run *r = &g->runs[i];
        if (r->sweep_point == GROUPS_NONE)
            continue;
        r->key[0] = 0x84222325cbf29ce4ULL;
        r->key[1] = 0x85a308d3243f6a88ULL;
        hash_bytes(r->key, "sweep_point", 11);
        hash_bytes(r->key, &r->sweep_point, sizeof r->sweep_point);
    }
}

static const groups_run *sort_runs;

/* Orders run indices by key, then id (indices follow ids). */
static int by_key(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    const groups_run *x = &sort_runs[a], *y = &sort_runs[b];
    for (int k = 0; k < 2; k++)
        if (x->key[k] != y->key[k])
            return x->key[k] < y->key[k] ? -1 : 1;
    return a < b ? -1 : a > b;
}

static int by_first_member(const void *pa, const void *pb)
{
    const groups_group *a = pa, *b = pb;
    return a->members[0] < b->members[0] ? -1 : a->members[0] > b->members[0];
}

/* Marks the first run of each seed in a group as pooled. */
static void mark_pooled(groups_set *g, groups_group *grp)
{
    grp->n_pooled = 0;
    for (size_t m = 0; m < grp->n_members; m++) {
        groups_run *r = &g->runs[grp->members[m]];
        r->pooled = 1;
        for (size_t e = 0; e < m && r->pooled; e++)
            if (g->runs[grp->members[e]].seed == r->seed)
                r->pooled = 0;
        grp->n_pooled += (size_t)r->pooled;
    }
}

static int make_groups(groups_set *g)
{
    size_t n = 0;
    g->member_index = malloc((g->n_runs ? g->n_runs : 1) * sizeof *g->member_index);
    g->groups = malloc((g->n_runs ? g->n_runs : 1) * sizeof *g->groups);
    if (!g->member_index || !g->groups)
        return -1;
    for (size_t i = 0; i < g->n_runs; i++)
        if (g->runs[i].complete)
            g->member_index[n++] = i;
    sort_runs = g->runs;
    qsort(g->member_index, n, sizeof *g->member_index, by_key);
    for (size_t i = 0; i < n; i++) {
        const groups_run *r = &g->runs[g->member_index[i]];
        const groups_run *prev = i ? &g->runs[g->member_index[i - 1]] : NULL;
        if (!prev || prev->key[0] != r->key[0] || prev->key[1] != r->key[1])
            g->groups[g->n_groups++] = (groups_group){&g->member_index[i], 0, 0};
        g->groups[g->n_groups - 1].n_members++;
    }
    qsort(g->groups, g->n_groups, sizeof *g->groups, by_first_member);
    for (size_t k = 0; k < g->n_groups; k++) {
        for (size_t m = 0; m < g->groups[k].n_members; m++)
            g->runs[g->groups[k].members[m]].group = k;
        mark_pooled(g, &g->groups[k]);
    }
    return 0;
}

int groups_build(sqlite3 *db, groups_by by, groups_set *out)
{
    memset(out, 0, sizeof *out);
    if (read_runs(db, out) != 0 || hash_params(db, out) != 0) {
        groups_free(out);
        return -1;
    }
    if (by == GROUPS_BY_POINT)
        key_by_point(out);
    if (make_groups(out) != 0) {
        groups_free(out);
        return -1;
    }
    return 0;
}

void groups_free(groups_set *g)
{
    if (!g)
        return;
    free(g->runs);
    free(g->groups);
    free(g->member_index);
    memset(g, 0, sizeof *g);
}

size_t groups_find(const groups_set *g, int64_t id)
{
    size_t lo = 0, hi = g->n_runs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->runs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->n_runs && g->runs[lo].id == id ? lo : GROUPS_NO_GROUP;
}

int groups_pooled_ids(const groups_set *g, size_t k, int64_t **ids, size_t *n)
{
    const groups_group *grp = &g->groups[k];
    *n = 0;
    *ids = malloc((grp->n_pooled ? grp->n_pooled : 1) * sizeof **ids);
    if (!*ids)
        return -1;
    for (size_t m = 0; m < grp->n_members; m++)
        if (g->runs[grp->members[m]].pooled)
            (*ids)[(*n)++] = g->runs[grp->members[m]].id;
    return 0;
}

/* "(1,2,3)" */
static void add_id_list(strbuf *b, const int64_t *ids, size_t n)
{
    strbuf_add(b, "(");
    for (size_t i = 0; i < n; i++)
        strbuf_addf(b, "%s%lld", i ? "," : "", (long long)ids[i]);
    strbuf_add(b, ")");
}

int groups_varying_params(sqlite3 *db, const int64_t *ids, size_t n, char ***paths,
                          size_t *n_paths)
{
    strbuf b = {0};
    strbuf_add(&b, "SELECT path FROM run_param WHERE run_id IN ");
    add_id_list(&b, ids, n);
    strbuf_addf(&b, " AND path != '" SEED_PATH "' GROUP BY path HAVING count(*) != %zu"
                    " OR count(DISTINCT coalesce(value, char(0))) > 1 ORDER BY path", n);
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    int rc = SQLITE_ERROR;
    *paths = NULL;
    *n_paths = 0;
    const char *sql = strbuf_str(&b);
    if (!sql || sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        strbuf_free(&b);
        return -1;
    }
    strbuf_free(&b);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (grow_reserve((void **)paths, &cap, *n_paths + 1, 16, sizeof **paths) != 0 ||
            !((*paths)[*n_paths] = strdup((const char *)sqlite3_column_text(s, 0)))) {
            rc = SQLITE_NOMEM;
            break;
        }
        (*n_paths)++;
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE)
        return 0;
    groups_free_paths(*paths, *n_paths);
    *paths = NULL;
    *n_paths = 0;
    return -1;
}

void groups_free_paths(char **paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

char *groups_param_value(sqlite3 *db, int64_t run, const char *path)
{
    sqlite3_stmt *s = NULL;
    char *v = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM run_param WHERE run_id = ?1 AND path = ?2",
                           -1, &s, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(s, 1, run);
    sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return v;
}

int groups_replications_of(const groups_set *g, int64_t run, int64_t **ids, size_t *n)
{
    size_t i = groups_find(g, run);
    *ids = NULL;
    *n = 0;
    if (i == GROUPS_NO_GROUP || g->runs[i].group == GROUPS_NO_GROUP) {
        if (!(*ids = malloc(sizeof **ids)))
            return -1;
        (*ids)[(*n)++] = run;
        return 0;
    }
    if (groups_pooled_ids(g, g->runs[i].group, ids, n) != 0)
        return -1;
    if (!g->runs[i].pooled)     /* a duplicate seed stands in for the pooled run of its seed */
        for (size_t k = 0; k < *n; k++)
            if (g->runs[groups_find(g, (*ids)[k])].seed == g->runs[i].seed)
                (*ids)[k] = run;
    return 0;
}
