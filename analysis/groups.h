/*
 * groups: the runs of a results database and their replication groups.
 *
 * Replications are complete runs whose resolved parameters (their run_param
 * rows: every key the scenario, its includes and --set gave a value) are
 * identical apart from the seed (scenario.seed), over the same period: the
 * same start_date, end_date, tick_seconds and number of ticks simulated (so
 * a run stopped early with --until is not pooled with a longer one). Runs
 * of a sweep point (sweep_point set) can instead be grouped by the point
 * (GROUPS_BY_POINT).
 *
 * Within a group, a seed counts once: the first run (lowest id) with a seed
 * is pooled, later runs with the same seed are duplicates (they would only
 * repeat its numbers and shrink the confidence interval without new
 * information), kept in the group and marked `pooled = 0`.
 *
 * Runs that are not complete (running, interrupted, failed) belong to no
 * group. Groups are numbered in the order of their lowest run id.
 *
 * The comparison of parameter sets uses a 128-bit hash of the sorted
 * (path, value) rows and the period, not the text itself, so that a sweep of
 * thousands of runs is grouped in one pass over run_param.
 */
#ifndef CAPSIM_GROUPS_H
#define CAPSIM_GROUPS_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#define GROUPS_NONE INT64_MIN      /* a NULL sweep_point or replication */
#define GROUPS_NO_GROUP ((size_t)-1)

typedef enum groups_by {
    GROUPS_BY_PARAMS = 0,          /* parameters apart from the seed, and the period */
    GROUPS_BY_POINT = 1            /* sweep_point when set, else as GROUPS_BY_PARAMS */
} groups_by;

typedef struct groups_run {
    int64_t id;
    int64_t seed;
    int64_t sweep_point;           /* GROUPS_NONE when NULL */
    int64_t replication;           /* GROUPS_NONE when NULL */
    int64_t ticks;                 /* ticks simulated, GROUPS_NONE when NULL */
    int complete;
    int pooled;                    /* 1: the first run of its seed in its group */
    size_t group;                  /* index into groups, GROUPS_NO_GROUP when not complete */
    uint64_t key[2];
} groups_run;

typedef struct groups_group {
    const size_t *members;         /* indices into runs, ascending id */
    size_t n_members;
    size_t n_pooled;
} groups_group;

typedef struct groups_set {
    groups_run *runs;              /* every run, ascending id */
    size_t n_runs;
    groups_group *groups;
    size_t n_groups;
    size_t *member_index;          /* storage behind groups[].members */
} groups_set;

/* create / destroy */
/* Reads every run and groups the complete ones. Returns 0, or -1 on a
 * SQLite error or out of memory (sqlite3_errmsg may say more); *out is then
 * empty. Free with groups_free. */
int groups_build(sqlite3 *db, groups_by by, groups_set *out);
void groups_free(groups_set *g);

/* queries */
/* The index of run id in g->runs, or GROUPS_NO_GROUP. */
size_t groups_find(const groups_set *g, int64_t id);
/* The pooled run ids of group k (ascending), malloc'd into *ids. Returns 0
 * or -1 (memory). */
int groups_pooled_ids(const groups_set *g, size_t k, int64_t **ids, size_t *n);
/* The replications of run id: the pooled runs of its group, with `run` in
 * place of the pooled run of its seed when it is a duplicate; a run in no
 * group (not complete) alone. *ids malloc'd. Returns 0 or -1 (memory). */
int groups_replications_of(const groups_set *g, int64_t run, int64_t **ids, size_t *n);
/* The run_param paths (scenario.seed excluded) whose value is not the same
 * in every run of ids[0..n): different values, or present in some runs
 * only. Sorted; *paths and each string malloc'd (groups_free_paths).
 * Returns 0 or -1. */
int groups_varying_params(sqlite3 *db, const int64_t *ids, size_t n, char ***paths,
                          size_t *n_paths);
void groups_free_paths(char **paths, size_t n);
/* The value of one run_param of a run (malloc'd), or NULL when absent. */
char *groups_param_value(sqlite3 *db, int64_t run, const char *path);

#endif
