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

/* The fleet tick kernel (hazard and plain pass) over 10,240 to 10,485,760
 * GPUs in ranges of 8,000, in ns per GPU-tick, against a copy loop that
 * reads and writes the same bytes, and against the smallest fleet. */
void bench_kernel_report(FILE *out);

/* The event queue's hold time (pop the least, push it back later) at 1e3
 * to 1e6 pending events and four increment distributions, against a plain
 * binary heap. */
void bench_evq_report(FILE *out);

/* The engine's hold model and an M/M/100/100 job stream (hourly and daily
 * ticks) against the same models on SimPy (tests/bench/simpy_*.py), when
 * a python3 with SimPy is there. */
void bench_simpy_report(FILE *out);

/* Sweeps through the capsim binary (bench_sweep.c): -j2 against -j1 on
 * short runs, saltelli and morris designs against a grid of as many runs,
 * a one-run sweep against `capsim run`, record = summary against ticks.
 * dir: a scratch folder. */
void bench_sweep_report(FILE *out, const char *capsim, const char *scenario, const char *dir);

/* The goal search against a full scan of its step grid (bench_search.c):
 * runs and wall time of `capsim search` against a grid sweep of every
 * point, on tests/fixtures/search-linear.ini (run from the repository). */
void bench_search_report(FILE *out, const char *capsim, const char *dir);
/* `make run` step by step through the capsim binary (run, export --daily,
 * export --daily --wide, report, plot), each as a ratio to the run's wall
 * time; and the export's streaming pass against its SQL reference path in
 * this process (bench_export.c). dir: a scratch folder. */
void bench_export_report(FILE *out, const char *capsim, const char *scenario, const char *dir);
/* Storage against the default run (bench_store.c): the run into a database
 * against the same run storing nothing and against inserting its rows alone
 * through the store's statements. dir: a scratch folder. */
void bench_store_report(FILE *out, const char *scenario, const char *dir);

#endif
