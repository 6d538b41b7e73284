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
 *    Conover 1979);
 *  - sobol: the first `samples` points of the d-dimensional Sobol sequence
 *    of gsl_qrng_sobol (plain, not scrambled; d <= 40). GSL's sequence
 *    starts at (1/2, ..., 1/2): the all-zeros point is never used;
 *  - saltelli: the pick-and-freeze design of Saltelli (2010) for Sobol
 *    indices. With N = samples and d parameters, point j of a 2d-dimensional
 *    Sobol sequence gives row j of matrix A (its first d coordinates) and of
 *    B (its last d). The plan holds N x (d + 2) points in this order:
 *        points [0, N)                  A
 *        points [N, 2N)                 B
 *        points [(2 + i) N, (3 + i) N)  A_B^i, i = 0 .. d-1: row j is A's
 *                                       row j with column i taken from B's
 *    so the estimator (sensitivity.h) finds f(A)_j at point j, f(B)_j at
 *    N + j and f(A_B^i)_j at (2 + i) N + j;
 *  - morris: `samples` = r trajectories of d + 1 points each (Morris 1991),
 *    trajectory t at points [t (d + 1), (t + 1) (d + 1)). On the grid of
 *    `levels` = p values {0, 1/(p-1), ..., 1} a trajectory starts at a
 *    random grid point and moves one parameter at a time, in a random order,
 *    by the step delta = p / (2 (p - 1)), up or down at random, so that
 *    every point stays in [0, 1]: consecutive points differ in exactly one
 *    parameter, by +-delta.
 * Points of the sampled methods are drawn in [0, 1]^d (kept in `unit`) and
 * mapped onto each parameter's range, or onto its log with scale = log.
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
    sweep_method method;
    size_t n_points;
    size_t n_params;         /* [param] sections, in file order */
    size_t n_paths;          /* parameters, then linked paths */
    char **paths;            /* n_paths, owned */
    int *path_line;          /* the sweep file line that names each path */
    char **values;           /* n_points x n_paths, row-major by point; owned */
    double *unit;            /* n_points x n_params: each point in [0, 1]^d before the
                                mapping onto the ranges (and before round); NULL for grid
                                and list. Owned */
    long samples;            /* the file's samples (0 for grid and list) */
    long levels;             /* morris: the grid's levels p; else 0 */
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
/* The coordinate in [0, 1] of parameter k at point i (sampled methods). */
double sweep_plan_unit(const sweep_plan *p, size_t point, size_t param);
/* The text of path k at point i. */
const char *sweep_plan_value(const sweep_plan *p, size_t point, size_t path);
/* The run seed of (point, replication). */
uint64_t sweep_plan_seed(const sweep_plan *p, size_t point, long replication);
/* 1 when run index i belongs to shard `shard` (1-based) of n_shards. */
int sweep_plan_in_shard(size_t run_index, int shard, int n_shards);
/* SplitMix64's finaliser after its golden-ratio step (Steele, Lea, Flood 2014). */
uint64_t sweep_splitmix64(uint64_t x);

#endif
