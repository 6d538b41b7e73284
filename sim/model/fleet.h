/*
 * fleet: one entry per physical GPU, in structure-of-arrays, every array
 * 64-byte aligned. A DC's GPUs are contiguous, and within a DC the GPUs
 * serving one allocation are contiguous too (the market lays them out that
 * way when allocations change), so the tick kernel streams over ranges with
 * one scalar load factor per range: no gathers, no branches.
 *
 * The arrays are visible on purpose: they are the hot data, and the kernel
 * and tests sweep them directly. One rule: perf is written only through
 * fleet_set_perf and fleet_swap, which keep its prefix sums (perf_tree)
 * in step; the other arrays may be written directly.
 */
#ifndef CAPSIM_FLEET_H
#define CAPSIM_FLEET_H

#include <stddef.h>
#include <stdint.h>

enum fleet_gpu_state {
    FLEET_HEALTHY = 0,
    FLEET_FAILED = 1,
    FLEET_MAINTENANCE = 2,     /* drained: planned maintenance, or a node-mate of a failed GPU */
    FLEET_NEW_FAILURE = 3      /* failed in the last kernel pass; fleet_take_failures
                                  turns it into FLEET_FAILED */
};

typedef struct fleet {
    size_t n;             /* GPUs */
    uint8_t *state;       /* enum fleet_gpu_state */
    float *perf;          /* performance multiplier: 1.0, or the straggler speed, in
                             (0, 1]; read-only outside fleet.c (fleet_set_perf) */
    float *util;          /* utilisation 0..1, written by every tick */
    float *power_w;       /* board power, W, written by every tick */
    float *hazard_left;   /* remaining hazard R = E - H until the GPU fails: E is an
                             Exp(1) draw at install or repair (INFINITY, the default:
                             never fails) and H the hazard accumulated since */
    int32_t *allocation;  /* index of the allocation the GPU serves, -1 for none */
    double *perf_tree;    /* n + 1 entries: a Fenwick tree of perf, for fleet_sum_perf */
} fleet;

/* What one kernel call applies to its range: one allocation, one GPU type,
 * one datacenter's throttle (its f^alpha on throughput is the market's, on
 * the perf sums, market_failures.c). */
typedef struct fleet_pass {
    float load;           /* the allocation's load factor, 0..1 */
    float idle_w;         /* board power when idle, W */
    float tdp_w;          /* board power at full load, W */
    float power_scale;    /* throttle: f^beta on the load-dependent power (1: none) */
    float hazard;         /* hazard a healthy GPU accumulates this tick at this load:
                             base rate x (1 + load_factor x load) x dt; 0: no failures */
} fleet_pass;

/* Per-range reductions of one kernel call. Sums are over the range only.
 * Throughput is not among them: a range's inference throughput is load x
 * f^alpha x the sum of perf over its GPUs, and perf changes only at
 * events, so the market sums perf once per allocation change
 * (fleet_sum_perf) rather than the pass reading perf every tick. */
typedef struct fleet_sums {
    double healthy;       /* GPUs in FLEET_HEALTHY when the pass began */
    double busy;          /* sum of utilisation: busy GPU-equivalents */
    double power_w;       /* sum of board power, W */
    double new_failures;  /* GPUs whose hazard reached their threshold in this pass */
} fleet_sums;

/* create / destroy */
/* Allocates n GPUs, all healthy, perf 1, util 0, allocation -1. NULL when out of memory. */
fleet *fleet_create(size_t n);
void fleet_destroy(fleet *f);

/* operations */
/* The tick kernel over GPUs [lo, hi): every GPU of the range serves one
 * allocation and is of one type (*p). A healthy GPU gets util = load,
 * power = idle + (tdp - idle) * util * power_scale, and R -= p->hazard; when
 * R reaches 0 (H reaches E) it becomes FLEET_NEW_FAILURE (it served this
 * tick: its util and power count). Failed, maintenance and new-failure GPUs
 * get util 0 and power 0 and accumulate nothing. No branch per GPU. Moves
 * 18 bytes per GPU (reads state and hazard_left, 5 B; writes util,
 * power_w, hazard_left and state, 13 B), 9 when p->hazard is 0 (reads
 * state, writes util and power_w; hazard_left is neither read nor
 * written). Adds the range's sums into *sums. Deterministic: the
 * same inputs give bit-identical results on every x86-64, whatever vector
 * width the CPU has. */
void fleet_tick_range(fleet *f, size_t lo, size_t hi, const fleet_pass *p, fleet_sums *sums);
/* Collects the FLEET_NEW_FAILURE GPUs of [lo, hi), in index order: marks
 * each FLEET_FAILED and writes its index into out while fewer than cap are
 * written. Returns how many there were. O(hi - lo) bytes scanned (memchr). */
size_t fleet_take_failures(fleet *f, size_t lo, size_t hi, size_t *out, size_t cap);
/* The smallest perf over [lo, hi) (1 for an empty range): how fast a
 * synchronous gang on those GPUs advances. Exact in any order. */
float fleet_min_perf(const fleet *f, size_t lo, size_t hi);
/* The sum of perf over [lo, hi), whatever the states: a range's inference
 * throughput at full load, in GPUs at full speed. O(log n): the difference
 * of two prefix sums of perf_tree. Exact, so equal to the sum in any order,
 * while every perf is at least 1/8 and n < 2^27 (fleet.c); bit-identical on
 * every x86-64 in any case. */
double fleet_sum_perf(const fleet *f, size_t lo, size_t hi);
/* Sets GPU i's perf to v, in (0, 1]. O(log n). */
void fleet_set_perf(fleet *f, size_t i, float v);
/* Swaps GPUs i and j's state, perf and remaining hazard (the facts that
 * belong to the GPU, not to its slot: util, power and allocation stay).
 * O(log n) when their perf differ, O(1) otherwise. */
void fleet_swap(fleet *f, size_t i, size_t j);
/* Starts GPU i afresh (installed or repaired): healthy, with R = threshold
 * (H = 0, E = threshold: an Exp(1) draw, or INFINITY when no failure mode
 * applies). */
void fleet_renew(fleet *f, size_t i, float threshold);

#endif
