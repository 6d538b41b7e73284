/*
 * compare: two results (scenario A and B) side by side. Each side is a set
 * of runs chosen by the caller (one run, or a run and its replications:
 * adb_replications); a metric's value on a side is its mean over them. Tables: sides (which runs), metrics (a, b,
 * difference b - a, relative difference (b - a) / |a|, NULL when a = 0,
 * and the replication counts) and inputs (every run_param path whose value
 * differs between the two representative runs).
 */
#ifndef CAPSIM_COMPARE_H
#define CAPSIM_COMPARE_H

#include <stdint.h>
#include <sqlite3.h>

#include "table.h"

typedef struct compare_side {
    sqlite3 *db;
    const char *path;
    int64_t run;               /* representative run */
    int64_t *runs;             /* it and its replications */
    size_t n_runs;
} compare_side;

/* Appends the comparison tables to out. Returns 0 or -1. */
int compare_build(const compare_side *a, const compare_side *b, atable_list *out);

#endif
