/*
 * fleet: one entry per physical GPU, in structure-of-arrays, every array
 * 64-byte aligned. A DC's GPUs are contiguous, and within a DC the GPUs
 * serving one allocation are contiguous too (the market lays them out that
 * way when allocations change), so the tick kernel streams over ranges with
 * one scalar load factor per range: no gathers, no branches.
 *
 * The arrays are visible on purpose: they are the hot data, and the kernel
 * and tests sweep them directly.
 */
#ifndef CAPSIM_FLEET_H
#define CAPSIM_FLEET_H

#include <stddef.h>
#include <stdint.h>

enum fleet_gpu_state {
    FLEET_HEALTHY = 0,
    FLEET_FAILED = 1,
    FLEET_MAINTENANCE = 2
};

typedef struct fleet {
    size_t n;             /* GPUs */
    uint8_t *state;       /* enum fleet_gpu_state */
    float *perf;          /* performance multiplier: 1.0, or the straggler speed */
    float *util;          /* utilisation 0..1, written by every tick */
    float *power_w;       /* board power, W, written by every tick */
    int32_t *allocation;  /* index of the allocation the GPU serves, -1 for none */
} fleet;

/* Per-range reductions of one kernel call. Sums are over the range only. */
typedef struct fleet_sums {
    double healthy;       /* GPUs in FLEET_HEALTHY */
    double busy;          /* sum of utilisation: busy GPU-equivalents */
    double power_w;       /* sum of board power, W */
    double throughput;    /* sum of util * perf, in GPUs of this type at full speed */
} fleet_sums;

/* create / destroy */
/* Allocates n GPUs, all healthy, perf 1, util 0, allocation -1. NULL when out of memory. */
fleet *fleet_create(size_t n);
void fleet_destroy(fleet *f);

/* operations */
/* The tick kernel over GPUs [lo, hi): every GPU of the range serves one
 * allocation whose load factor is `load` (0..1) and is of one type (idle_w,
 * tdp_w). Healthy GPUs get util = load and power = idle + (tdp - idle) * util;
 * failed or maintenance GPUs get util 0 and power 0. Adds the range's sums
 * into *sums. Deterministic: the same inputs give bit-identical sums on every
 * x86-64, whatever vector width the CPU has. */
void fleet_tick_range(fleet *f, size_t lo, size_t hi, float load,
                      float idle_w, float tdp_w, fleet_sums *sums);

#endif
