/*
 * sweep_plan: the sampling plan of a sweep. From a sweep file it derives
 * the points (one value per parameter path each), the replications of
 * every point and the seed of every run, all as pure functions of the file:
 * the same file gives the same plan on every machine and in every shard.
 *
 * Points by method:
 *  - grid: the full product of every parameter's values, the first [param]
 *    varying slowest (nested loops in file order);
 *  - list: the parameters zipped, point i taking every parameter's i-th
 *    value; all must have the same number of values;
 *  - random: `samples` points, each value uniform on its range (or
 *    log-uniform with scale = log), drawn in point then parameter order;
 *  - lhs: Latin hypercube: for each parameter the range (or its log) is cut
 *    into `samples` equal strata and each stratum holds exactly one point,
 *    the strata shuffled independently per parameter (McKay, Beckman and
 *    Conover 1979).
 * Random streams come from sim/engine/rng (seeded from the sweep's seed).
 * `round = R` rounds a value to the nearest multiple of R, after sampling;
 * `link = PATH` adds PATH as a path of its own taking the same values.
 *
 * Runs: run index i = point * replications + replication. Seeds derive from
 * a SplitMix64 chain: independent seeds hash (seed, point, replication),
 * common seeds hash (seed, replication), so replication r uses the same
 * seed at every point. Seeds are below 2^53, exact wherever a number is a
 * double. Shard I of N (1-based) holds the runs with
 * i % N == I - 1: the shards partition the plan.
 *
 * Ownership: the plan owns every string in it; sweep_plan_destroy frees it.
 */
#ifndef CAPSIM_SWEEP_PLAN_H
#define CAPSIM_SWEEP_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include "sweep_file.h"

#define SWEEP_PLAN_MAX_RUNS 10000000

typedef struct sweep_plan {
    size_t n_points;
    size_t n_paths;          /* parameters, then linked paths */
    char **paths;            /* n_paths, owned */
    int *path_line;          /* the sweep file line that names each path */
    char **values;           /* n_points x n_paths, row-major by point; owned */
    long replications;
    sweep_seeds seeds;
    uint64_t seed;
} sweep_plan;

/* create / destroy */
/* Builds the plan of a sweep file. Returns it, or NULL with a message
 * "FILE:LINE: [param PATH] key: ..." in err (for example list parameters of
 * different lengths, or a plan of more than SWEEP_PLAN_MAX_RUNS runs). */
sweep_plan *sweep_plan_create(const sweep_file *f, char *err, size_t err_len);
void sweep_plan_destroy(sweep_plan *p);

/* queries */
size_t sweep_plan_runs(const sweep_plan *p);
/* The text of path k at point i. */
const char *sweep_plan_value(const sweep_plan *p, size_t point, size_t path);
/* The run seed of (point, replication). */
uint64_t sweep_plan_seed(const sweep_plan *p, size_t point, long replication);
/* 1 when run index i belongs to shard `shard` (1-based) of n_shards. */
int sweep_plan_in_shard(size_t run_index, int shard, int n_shards);
/* SplitMix64's finaliser after its golden-ratio step (Steele, Lea, Flood 2014). */
uint64_t sweep_splitmix64(uint64_t x);

#endif
