/*
 * report: the summary of a run as a list of tables, and the statistics of
 * every run_metric over the replications of its scenario. Every figure is
 * one SQL aggregate over the stored ticks (utilisation weighted: busy or
 * used GPU-hours over installed or pool GPU-hours; money and energy
 * summed), so the report can be checked against the database.
 *
 * Tables, by name: run, shortfall, dc_utilisation, provider_utilisation,
 * finance (per provider per calendar year, every _usd column of
 * provider_tick), contracts, energy (per year and total), events, metrics,
 * and with two or more replications (complete runs with the same
 * parameters apart from the seed, over the same period, one per seed:
 * groups.h): replications (the runs) and metric_stats (n, mean, sd, 95% CI,
 * P10, P50, P90 per metric); with several groups in the file, groups and
 * metric_stats_group_<N> for the others.
 *
 * A sweep database has its own report (report_sweep.c): the tables sweep
 * (the plan, as field and value), sweep_params (each swept path, how many
 * values, the values) and one points.<metric> per chosen metric (point,
 * the parameters, mean, ci95_low, ci95_high, n), sorted by the parameters,
 * and for a saltelli or morris sweep with indices `sensitivity` (S and T
 * with their intervals, or mu*, mu and sigma, per metric and parameter).
 */
#ifndef CAPSIM_REPORT_H
#define CAPSIM_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>

#include "table.h"

typedef enum report_format {
    REPORT_TEXT = 0,
    REPORT_CSV = 1,
    REPORT_JSON = 2
} report_format;

/* Parses "text", "csv" or "json". Returns 0 or -1. */
int report_parse_format(const char *s, report_format *f);

/* Appends the tables of run `run` (and of its replications) to out. With
 * more than one group of replications in the file (groups.h), adds the
 * `groups` table and the statistics of every other group of two or more
 * seeds (metric_stats_group_<N>). Duplicate seeds are reported on warn (may
 * be NULL) and counted once. Returns 0 or -1 (SQLite error; out keeps what
 * was built). */
int report_build(sqlite3 *db, int64_t run, atable_list *out, FILE *warn);

/* The metric_stats table over runs[0..n): one row per metric present in
 * any of them. NULL on error. */
atable *report_metric_stats(sqlite3 *db, const int64_t *runs, size_t n);

/* The `runs` table: one row per run: run, scenario, sweep_point,
 * replication, seed, period_start, period_end (exclusive: the start plus
 * the ticks simulated, or stored so far), status, ticks, wall_seconds.
 * NULL on error. */
atable *report_runs_table(sqlite3 *db);

/* The sweep of a database: its id (the latest when there are several), or
 * 0 when it holds none. */
int64_t report_sweep_id(sqlite3 *db);

#define REPORT_SWEEP_NO_METRIC 1
/* Appends the sweep report of `sweep` to out: the plan, the parameters and
 * one table per metric matching glob (sqlite GLOB), or with glob NULL per
 * headline metric (total shortfall, revenue, margin, energy, peak power).
 * Statistics as export --points (points.h). Returns 0, -1 (SQLite error or
 * memory), or REPORT_SWEEP_NO_METRIC when glob matches no metric. */
int report_sweep_build(sqlite3 *db, int64_t sweep, const char *glob, atable_list *out);

/* Writes the tables in a format. head: extra JSON members (may be NULL). */
void report_write(const atable_list *l, report_format f, const char *head, FILE *out);

#endif
