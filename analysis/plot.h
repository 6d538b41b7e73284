/*
 * plot: charts of a run with gnuplot (pngcairo and svg terminals), and an
 * index.html beside them that shows the charts with the report's tables,
 * with relative links only, so the folder can be copied and read offline.
 *
 * Charts (daily values over the run's whole period; <name>.png and .svg;
 * analysis/README.md describes each):
 * - workload-<id>-<name>: demand, capacity and served H100-equivalents of
 *   each workload (daily means, thousands), the shortfall shaded, the
 *   tenant's contracts and sites marked;
 * - dc-utilisation: a heatmap of each data center's daily utilisation
 *   (busy GPU-hours / installed GPU-hours), only DCs with GPUs during the
 *   run, grey while nothing is installed;
 * - finance: revenue and margin per provider per quarter ($M), one panel
 *   per provider;
 * - power: facility power of all data centers, daily mean and daily peak;
 * - with two or more replications, fan charts over the runs: the P10-P90
 *   band and the median (P50) of the daily mean total shortfall
 *   (fan-shortfall), of each workload's (fan-shortfall-<id>-<name>) and of
 *   total power (fan-power);
 * - in a sweep database (plot_sweep.c): sweep-<metric>-vs-<parameter>, the
 *   response of each headline metric to each swept parameter, mean and 95%
 *   CI per point, one line per value of the other parameter.
 *
 * The data and the gnuplot script are written to a temporary folder that
 * is removed afterwards; gnuplot runs once for all charts.
 */
#ifndef CAPSIM_PLOT_H
#define CAPSIM_PLOT_H

#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>

#define PLOT_MAX_CHARTS 64

typedef struct plot_chart {
    char name[96];             /* file name without extension */
    char title[160];
} plot_chart;

typedef struct plot_set {
    plot_chart charts[PLOT_MAX_CHARTS];
    int n;
} plot_set;

/* The text report plot_run can write from the tables of its index, so
 * that the report is built once for both. */
typedef struct plot_text {
    const char *path;          /* NULL: none */
    int run_only;              /* 1: the run's report (`capsim report --run`); 0: in a
                                  sweep database, the sweep's (`capsim report` without
                                  --run) */
} plot_text;

/* Draws every chart of `run` (and its replications) into out_dir and
 * writes out_dir/index.html, and text->path when given (NULL: none): the
 * bytes `capsim report` prints, written to PATH.part and renamed into place
 * once whole. db_path is shown in the page. Returns an exit code: 0, 1
 * (gnuplot missing or failed, I/O, SQLite). */
int plot_run(sqlite3 *db, const char *db_path, int64_t run, const char *out_dir,
             const plot_text *text, FILE *err);

/* index.html (plot_html.c): the sweep's summary, the run's headline, the
 * replications, the timeline of events, the charts, the tables; and the
 * text report (text: NULL or no path, none). Both are written as
 * index.html.part and PATH.part, for plot_index_commit. Returns 0 or -1. */
int plot_write_index(sqlite3 *db, const char *db_path, int64_t run, const plot_set *charts,
                     const char *out_dir, const plot_text *text);
/* Renames the parts plot_write_index wrote into place (keep), or removes
 * them. Returns 0, or -1 (errno set) when a rename failed: then neither is
 * left as a part and index.html is not renamed. */
int plot_index_commit(const char *out_dir, const plot_text *text, int keep);

/* Copies name into out keeping [A-Za-z0-9._-] and turning anything else
 * into '_' (file names from entity names). */
void plot_safe_name(const char *name, char *out, size_t len);

#endif
