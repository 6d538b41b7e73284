/*
 * fleet: one entry per physical GPU, in structure-of-arrays, every array
 * 64-byte aligned. A DC's GPUs are contiguous, and within a DC the GPUs
 * serving one allocation are contiguous too (the market lays them out that
 * way when allocations change: alloc.h; the GPUs that are down stay where
 * they are, inside the ranges), so the tick kernel streams over ranges
 * with one scalar load factor per range: no gathers, no branches.
 *
 * The arrays are visible on purpose: they are the hot data, and the kernel
 * and tests sweep them directly. Three rules: perf is written only through
 * fleet_set_perf, before the GPU is installed (alloc reads it then);
 * threshold only through the functions below, which keep the
 * range clocks in step; and state only through the functions below, which
 * mark its block in state_changed (alloc recounts only what changed).
 * util may be written directly; allocation is written by alloc_rebuild
 * alone (it rewrites only what moved since its last rebuild).
 *
 * Board power is not an array: a GPU's draw is a function of its state and
 * its range's pass (fleet_pass), the same for every healthy GPU of a range,
 * so the pass sums it per range (fleet_sums.power_w) and stores nothing per
 * GPU. A per-GPU copy, written every tick and read by nothing, was 4 of
 * the 9 bytes the pass moved per GPU, and the pass is bound by the bytes it
 * moves (tests/bench/bench_kernel.c). For the same reason util is one byte:
 * with a float util the pass's 5 bytes per GPU did not stay in the L2 cache
 * from one tick to the next, and 2 do (fleet.c, at the kernel).
 *
 * Failures by hazard clock. Within one kernel range (one allocation, one
 * GPU type, one DC throttle) every healthy GPU accumulates the same hazard
 * each tick, so the fleet keeps one clock per range (the hazard the range
 * has accumulated) and per healthy GPU a threshold in that clock: the GPU
 * fails in the tick where the clock reaches it, which is when its own
 * accumulated hazard reaches its remaining hazard (an Exp(1) draw, mapped
 * through its type's ageing by the market). The pass then moves no
 * per-GPU hazard at all; the thresholds are read only in the rare ticks
 * where a range's clock reaches the least of them. The market tells the
 * fleet its ranges after every rebuild (fleet_set_ranges).
 */
#ifndef CAPSIM_FLEET_H
#define CAPSIM_FLEET_H

#include <stddef.h>
#include <stdint.h>

/* GPUs per state block: fixed fleet positions [64 b, 64 b + 64). The
 * blocks of state_changed, and of the kernel's threshold bounds. */
#define FLEET_BLOCK_GPUS 64

/* util of a GPU at full load: a GPU's utilisation is util / FLEET_UTIL_FULL,
 * one byte, in steps of 0.4% (NVML, which GPU telemetry reads, reports whole
 * percents). The sums a tick reports (fleet_sums) are exact products of the
 * range's load, not sums of these bytes. */
#define FLEET_UTIL_FULL 255

enum fleet_gpu_state {
    FLEET_HEALTHY = 0,
    FLEET_FAILED = 1,
    FLEET_MAINTENANCE = 2,     /* drained: planned maintenance, or a node-mate of a failed GPU */
    FLEET_NEW_FAILURE = 3      /* failed in the last kernel pass; fleet_take_failures
                                  turns it into FLEET_FAILED */
};

/* The hazard clocks of the fleet's ranges (fleet.c): opaque. */
typedef struct fleet_clocks fleet_clocks;

typedef struct fleet {
    size_t n;             /* GPUs */
    uint8_t *state;       /* enum fleet_gpu_state; written by fleet_take_down,
                             fleet_bring_up, fleet_renew, fleet_take_failures
                             and the pass, which mark state_changed (a test that writes it
                             directly marks it too) */
    uint8_t *state_changed; /* per block of FLEET_BLOCK_GPUS GPUs (n / 64 + 1 of them): 1
                             when a state in it may have changed since the last
                             fleet_clear_changed (1 at create) */
    float *perf;          /* performance multiplier: 1.0, or the straggler speed, in
                             (0, 1]; read-only outside fleet.c (fleet_set_perf) */
    uint8_t *util;        /* utilisation in steps of 1 / FLEET_UTIL_FULL: the load of
                             the GPU's range, rounded (fleet_util_of), while healthy; 0
                             when down; written by every tick */
    double *threshold;    /* read-only outside fleet.c (fleet_remaining_hazard). A healthy
                             GPU: T, the clock of its range at which it fails (the range's
                             clock when it entered the range plus its remaining hazard);
                             any other GPU: its remaining hazard itself, frozen. INFINITY
                             (the default): never fails */
    int32_t *allocation;  /* the allocation the GPU serves: its leaf's position among
                             its group's leaves (alloc_leaf_of gives the leaf), -1 for
                             none */
    fleet_clocks *clocks; /* per range: hazard clock and the least T of its healthy GPUs */
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
 * (alloc_served_perf) rather than the pass reading perf every tick. */
typedef struct fleet_sums {
    double healthy;       /* GPUs in FLEET_HEALTHY when the pass began */
    double busy;          /* sum of utilisation: busy GPU-equivalents */
    double power_w;       /* sum of board power, W */
    double new_failures;  /* GPUs whose hazard reached their threshold in this pass */
} fleet_sums;

/* create / destroy */
/* Allocates n GPUs, all healthy, perf 1, util 0, allocation -1, threshold
 * INFINITY, and one range [0, n) at clock 0. NULL when out of memory. */
fleet *fleet_create(size_t n);
void fleet_destroy(fleet *f);

/* operations */
/* The tick kernel over GPUs [lo, hi): every GPU of the range serves one
 * allocation and is of one type (*p). A healthy GPU gets util =
 * fleet_util_of(load) and draws power = idle + (tdp - idle) * load *
 * power_scale; failed, maintenance and new-failure GPUs get util 0 and draw
 * 0. No branch per GPU, and the same 2 bytes per GPU with failures or
 * without (reads state, writes util). When p->hazard > 0, [lo, hi) must be
 * one range of the last fleet_set_ranges (asserted): its clock C advances
 * by p->hazard, and only when C reaches the least threshold of its healthy
 * GPUs does the pass read their thresholds (state and threshold, 9 bytes
 * per GPU, of only the 64-GPU blocks whose least threshold C reached): each
 * healthy GPU with T <= C becomes FLEET_NEW_FAILURE (it served this tick:
 * its util and power count) and keeps its remaining hazard T - C (<= 0). That is the same
 * failure tick as subtracting p->hazard from each GPU's remaining hazard
 * every tick (fleet.c). Adds the range's sums into *sums. Deterministic:
 * the same inputs give bit-identical results on every x86-64, whatever
 * vector width the CPU has. */
void fleet_tick_range(fleet *f, size_t lo, size_t hi, const fleet_pass *p, fleet_sums *sums);
/* Sets the ranges the clocks belong to: the partition of [0, n) at the
 * given boundaries (sorted, each in [0, n]; repeats and 0 or n are allowed
 * and ignored). Each new range takes the clock of the old range it overlaps
 * most, and the healthy GPUs that come from other old ranges have their
 * thresholds re-expressed (T' = C_new + (T - C_old)): O(ranges + GPUs that
 * change clock). Returns 0, or -1 when out of memory (the old ranges are
 * then kept). */
int fleet_set_ranges(fleet *f, const size_t *bounds, size_t n_bounds);
/* Collects the FLEET_NEW_FAILURE GPUs of [lo, hi), in index order: marks
 * each FLEET_FAILED and writes its index into out, up to cap of them (the
 * rest stay FLEET_NEW_FAILURE for the next call, from out[cap - 1] + 1).
 * Returns how many it took: fewer than cap when none is left in [lo, hi).
 * Reads only the blocks state_changed marks, so the marks of the pass that
 * found them must still be there (no fleet_clear_changed in between):
 * O((hi - lo) / 64 + 64 x marked blocks). */
size_t fleet_take_failures(fleet *f, size_t lo, size_t hi, size_t *out, size_t cap);
/* The smallest perf over the healthy GPUs of [lo, hi) (1 when none): how
 * fast a synchronous gang on those GPUs advances. Exact in any order. */
float fleet_min_perf(const fleet *f, size_t lo, size_t hi);
/* Sets GPU i's perf to v, in (0, 1]. Set it before the GPU is installed:
 * alloc reads a GPU's perf once, at the rebuild that first sees it online. */
void fleet_set_perf(fleet *f, size_t i, float v);
/* Starts GPU i afresh (installed or repaired): healthy, with remaining
 * hazard `remaining` (the market's draw, or INFINITY when no failure mode
 * applies). O(log ranges). */
void fleet_renew(fleet *f, size_t i, double remaining);
/* Sets GPU i's remaining hazard, leaving its state. O(log ranges). */
void fleet_set_remaining(fleet *f, size_t i, double remaining);
/* Takes GPU i out of service in state `to` (FLEET_FAILED or
 * FLEET_MAINTENANCE): its remaining hazard is frozen until it is back.
 * Returns 1 when it was healthy, 0 (and leaves it) otherwise. */
int fleet_take_down(fleet *f, size_t i, uint8_t to);
/* fleet_take_down for every GPU of [lo, hi): the healthy ones go down in
 * state `to`, the others are left. Returns how many went down. One range
 * lookup per clock range crossed rather than one per GPU. */
size_t fleet_take_down_range(fleet *f, size_t lo, size_t hi, uint8_t to);
/* Returns a GPU that is down (drained, or failed with the rest of its node,
 * rack or site) to service with the remaining hazard it had when it went
 * down. O(log ranges). */
void fleet_bring_up(fleet *f, size_t i);
/* fleet_bring_up for every GPU of [lo, hi), which must all be down. One
 * range lookup per clock range crossed rather than one per GPU. */
void fleet_bring_up_range(fleet *f, size_t lo, size_t hi);

/* The first block of [block, end) that state_changed marks, or end (end
 * at most n / 64 + 1): eight marks at a time. */
size_t fleet_next_changed(const fleet *f, size_t block, size_t end);
/* Clears state_changed: every block unchanged from now on. O(n / 64). */
void fleet_clear_changed(fleet *f);

/* queries */
/* The util byte of a healthy GPU at `load` (clamped to 0..1): load x
 * FLEET_UTIL_FULL rounded to the nearest step. */
uint8_t fleet_util_of(float load);
/* GPU i's remaining hazard: T - C for a healthy GPU, the frozen value
 * otherwise (<= 0 for a GPU that failed by hazard). O(log ranges). */
double fleet_remaining_hazard(const fleet *f, size_t i);

#endif
