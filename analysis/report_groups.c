/*
 * report_groups: the parts of the report about several groups of
 * replications in one file (groups.h): the warning for a repeated seed, the
 * groups table (what sets each group apart) and the other groups'
 * statistics.
 */
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "report.h"
#include "report_internal.h"
#include "../sim/util/strbuf.h"

/* Above this many groups, the report lists them but gives the statistics
 * of the run's own group only. */
#define REPORT_MAX_GROUP_STATS 20

/* Warns once per duplicate seed in any group. */
void report__warn_duplicates(const groups_set *g, FILE *warn)
{
    for (size_t k = 0; warn && k < g->n_groups; k++) {
        const groups_group *grp = &g->groups[k];
        for (size_t m = 0; m < grp->n_members; m++) {
            const groups_run *r = &g->runs[grp->members[m]];
            for (size_t e = 0; !r->pooled && e < m; e++) {
                const groups_run *first = &g->runs[grp->members[e]];
                if (first->seed != r->seed || !first->pooled)
                    continue;
                fprintf(warn, "capsim report: warning: run %lld repeats run %lld (same "
                              "parameters, period and seed %lld); the statistics count "
                              "seed %lld once, as run %lld\n", (long long)r->id,
                        (long long)first->id, (long long)r->seed, (long long)r->seed,
                        (long long)first->id);
            }
        }
    }
}

/* "runs 1,2,5": the members of a group; only_duplicates: those not pooled. */
static void add_member_list(strbuf *b, const groups_set *g, size_t k, int only_duplicates)
{
    const groups_group *grp = &g->groups[k];
    int first = 1;
    for (size_t m = 0; m < grp->n_members; m++) {
        const groups_run *r = &g->runs[grp->members[m]];
        if (only_duplicates && r->pooled)
            continue;
        strbuf_addf(b, "%s%lld", first ? "" : ",", (long long)r->id);
        first = 0;
    }
}

/* What sets group k apart: "path = value, ..." over the varying paths. */
static void add_group_description(strbuf *b, sqlite3 *db, const groups_set *g, size_t k,
                                  char **paths, size_t n_paths)
{
    int64_t rep = g->runs[g->groups[k].members[0]].id;
    for (size_t p = 0; p < n_paths; p++) {
        char *v = groups_param_value(db, rep, paths[p]);
        strbuf_addf(b, "%s%s = %s", p ? ", " : "", paths[p], v ? v : "(not set)");
        free(v);
    }
}

/* The simulated period of a run: "START .. END" (END exclusive). */
static char *run_period(sqlite3 *db, int64_t run)
{
    sqlite3_stmt *s = NULL;
    char *text = NULL;
    if (sqlite3_prepare_v2(db, "SELECT start_date || ' .. ' || coalesce(datetime(start_date,"
                               " '+' || (ticks * tick_seconds) || ' seconds'), '?')"
                               " FROM run WHERE id = ?1", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, run);
        if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
            text = strdup((const char *)sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
    return text;
}

/* One row per group: its runs, how many seeds are pooled, the duplicates,
 * the period, and one column per parameter that varies across groups. */
static atable *groups_table(sqlite3 *db, const groups_set *g, size_t mine, char **paths,
                            size_t n_paths)
{
    const char *fixed[] = {"group", "runs", "n", "duplicate_runs", "period"};
    const char **cols = malloc((5 + n_paths) * sizeof *cols);
    if (!cols)
        return NULL;
    memcpy(cols, fixed, sizeof fixed);
    for (size_t p = 0; p < n_paths; p++)
        cols[5 + p] = paths[p];
    char title[320];
    int w = snprintf(title, sizeof title, "Groups of replications (same parameters apart from "
                     "the seed, same period%s); ", g->n_groups > REPORT_MAX_GROUP_STATS ?
                     "; every group's statistics: capsim export --points" : "");
    if (mine == GROUPS_NO_GROUP)
        snprintf(title + w, sizeof title - (size_t)w, "the report's run is not complete and "
                 "in none");
    else
        snprintf(title + w, sizeof title - (size_t)w, "the report's run is in group %zu",
                 mine + 1);
    atable *t = atable_new("groups", title, (int)(5 + n_paths), cols);
    free(cols);
    for (size_t k = 0; t && k < g->n_groups; k++) {
        size_t r = atable_add_row(t);
        if (r == (size_t)-1)
            break;
        int64_t rep = g->runs[g->groups[k].members[0]].id;
        strbuf b = {0}, d = {0};
        add_member_list(&b, g, k, 0);
        add_member_list(&d, g, k, 1);
        char *period = run_period(db, rep);
        atable_set_int(t, r, 0, (int64_t)k + 1);
        atable_set_text(t, r, 1, strbuf_str(&b));
        atable_set_int(t, r, 2, (int64_t)g->groups[k].n_pooled);
        atable_set_text(t, r, 3, d.len ? strbuf_str(&d) : NULL);
        atable_set_text(t, r, 4, period);
        for (size_t p = 0; p < n_paths; p++) {
            char *v = groups_param_value(db, rep, paths[p]);
            atable_set_text(t, r, (int)(5 + p), v);
            free(v);
        }
        free(period);
        strbuf_free(&b);
        strbuf_free(&d);
    }
    return t;
}

/* metric_stats of another group, titled with what sets it apart. */
static int add_group_stats(atable_list *l, sqlite3 *db, const groups_set *g, size_t k,
                           char **paths, size_t n_paths)
{
    int64_t *ids = NULL;
    size_t n = 0;
    if (groups_pooled_ids(g, k, &ids, &n) != 0)
        return -1;
    atable *t = report_metric_stats(db, ids, n);
    free(ids);
    if (!t)
        return -1;
    strbuf b = {0}, name = {0};
    strbuf_addf(&b, "Group %zu (runs ", k + 1);
    add_member_list(&b, g, k, 0);
    strbuf_add(&b, "; ");
    add_group_description(&b, db, g, k, paths, n_paths);
    strbuf_add(&b, "): every metric over its replications, as above");
    strbuf_addf(&name, "metric_stats_group_%zu", k + 1);
    const char *title = strbuf_str(&b), *tname = strbuf_str(&name);
    if (title && tname) {
        free(t->title);
        free(t->name);
        t->title = strdup(title);
        t->name = strdup(tname);
    }
    strbuf_free(&b);
    strbuf_free(&name);
    return atable_list_add(l, t);
}

/* The groups table and the other groups' statistics, when there are
 * several groups (and no more than REPORT_MAX_GROUP_STATS: a sweep's
 * points are export --points' rows, not pages of a report). */
int report__add_other_groups(atable_list *l, sqlite3 *db, const groups_set *g, size_t mine)
{
    int64_t *reps = malloc(g->n_groups * sizeof *reps);
    char **paths = NULL;
    size_t n_paths = 0;
    if (!reps)
        return -1;
    for (size_t k = 0; k < g->n_groups; k++)
        reps[k] = g->runs[g->groups[k].members[0]].id;
    int rc = groups_varying_params(db, reps, g->n_groups, &paths, &n_paths);
    free(reps);
    if (rc == 0)
        rc = atable_list_add(l, groups_table(db, g, mine, paths, n_paths));
    for (size_t k = 0; rc == 0 && g->n_groups <= REPORT_MAX_GROUP_STATS && k < g->n_groups; k++)
        if (k != mine && g->groups[k].n_pooled >= 2)
            rc = add_group_stats(l, db, g, k, paths, n_paths);
    groups_free_paths(paths, n_paths);
    return rc;
}
