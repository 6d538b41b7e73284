/*
 * bench: the micro-benchmarks that `make bench` runs (tests/bench/bench_main.c
 * calls them). Each prints its figure next to a baseline measured in the same
 * process, and the ratio of the two, because absolute times on shared
 * machines mean little. Every figure is the best of several timed
 * repetitions (CLOCK_MONOTONIC).
 */
#ifndef CAPSIM_BENCH_H
#define CAPSIM_BENCH_H

#include <stdio.h>

/* The fleet tick kernel over 262,144 GPUs in ranges of 8,000, in ns per
 * GPU-tick, against a copy loop that reads and writes the same bytes. */
void bench_kernel_report(FILE *out);

/* The event queue's hold time (pop the least, push it back later) at 1,000
 * and 100,000 pending events, against a sorted-array queue. */
void bench_evq_report(FILE *out);

/* Sweeps through the capsim binary (bench_sweep.c): -j2 against -j1 on
 * short runs, a one-run sweep against `capsim run`, record = summary
 * against ticks. dir: a scratch folder. */
void bench_sweep_report(FILE *out, const char *capsim, const char *scenario, const char *dir);

/* Storage against the default run (bench_store.c): the run into a database
 * against the same run storing nothing and against inserting its rows alone
 * through the store's statements. dir: a scratch folder. */
void bench_store_report(FILE *out, const char *scenario, const char *dir);

#endif
