/*
 * plot_internal: what plot.c and plot_sweep.c share: the state of one
 * plot (its temporary folder, the gnuplot script, the charts so far) and
 * the helpers that add data files and charts to it.
 */
#ifndef CAPSIM_PLOT_INTERNAL_H
#define CAPSIM_PLOT_INTERNAL_H

#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>

#include "plot.h"
#include "table.h"
#include "../sim/util/strbuf.h"

typedef struct plot_ctx {
    sqlite3 *db;
    int64_t run;
    char tmp[64];              /* temporary folder */
    const char *out;           /* output folder */
    FILE *gp;                  /* the script */
    int n_data;                /* data files written: d0.csv ... */
    char first_day[16];        /* the run's first day, YYYY-MM-DD */
    char end_day[16];          /* the day after its last tick */
    int months;                /* its length in months, rounded */
    int power_file;            /* the power chart's data, from the heatmap's pass; -1: none */
    plot_set set;
} plot_ctx;

/* The path of a new data file in the temporary folder; returns its index. */
int plot__new_data(plot_ctx *c, char *path, size_t len);
/* Plot command text referring to data file k ('TMP/dK.csv'). */
void plot__add_ref(strbuf *b, plot_ctx *c, int k);
/* The x axis of a daily chart over the whole run (see plot.c). */
void plot__time_axis(strbuf *b, const plot_ctx *c);
/* Writes s as a gnuplot single-quoted string ('' is a quote inside). */
void plot__gp_string(FILE *f, const char *s);
/* Emits a chart (body on b, freed) for both terminals and records it in
 * c->set (charts beyond PLOT_MAX_CHARTS are dropped). */
void plot__emit_buf(plot_ctx *c, const char *name, const char *title, int w, int h, strbuf *b);

/* Runs sql (?1 = run, ?2 = arg) into a new data file: one line per row,
 * fields separated by commas, NULL as NaN; with block_column >= 0 a blank
 * line before each row whose value in that column differs from the row
 * before. Returns the file index, or -1 (an error, or no rows). */
int plot__write_blocks(plot_ctx *c, const char *sql, int64_t arg, int block_column);

/* The run's days and the day of each tick (plot_days.c), for the passes
 * that roll per-tick rows up by day as substr(date, 1, 10) would. */
typedef struct plot_day {
    char label[16];   /* substr(date, 1, 10) */
    char *epoch;      /* SQLite's text of CAST(strftime('%s', day) AS INTEGER), NULL: NaN */
} plot_day;
typedef struct plot_days {
    plot_day *days;         /* [n_days], distinct, in label order */
    size_t n_days;
    int64_t *day_of_tick;   /* [n_ticks]: day index, or -1 (no tick row) */
    size_t n_ticks;
} plot_days;
/* Reads the map. 0, 1 (a NULL or odd date, a tick id the map cannot take:
 * left to the SQL) or -1 (SQLite, memory); free it with plot__days_free. */
int plot__read_days(plot_ctx *c, plot_days *d);
void plot__days_free(plot_days *d);
/* The day index of a tick cell, or -1 (no such tick: a join drops it). */
int64_t plot__day_of(const plot_days *d, const atable_cell *tick);
/* Writes SQLite's text of a number cell, as sqlite3_column_text gives it,
 * through echo ("SELECT ?1"); "NaN" for NULL, as the SQL path writes it.
 * 0 or -1. */
int plot__cell_text(sqlite3_stmt *echo, const atable_cell *v, FILE *f);

/* The data centers the heatmap shows (those with GPUs installed at some
 * tick of the run), numbered 0.. in id order: row, id, name. */
#define PLOT_SHOWN_DCS                                                                         \
    "shown AS (SELECT ROW_NUMBER() OVER (ORDER BY d.id) - 1 AS row, d.id, d.name"              \
    " FROM datacenter d WHERE d.run_id = ?1 AND d.id IN (SELECT x.datacenter_id FROM dc_tick x"\
    " WHERE x.run_id = ?1 AND x.installed > 0))"

/* The names of the shown data centers, by row. */
typedef struct plot_shown {
    size_t n;
    char **name;
} plot_shown;
void plot__shown_free(plot_shown *s);

/* The heatmap's data file (plot_heatmap.c): per shown data center (a
 * block) and day of the run, epoch seconds of the day, row, utilisation;
 * the shown data centers' names into *shown (free it either way); and the
 * power chart's data file into *power (day, mean and peak total power; -1:
 * none). sql = 0: one pass over dc_tick for both; 1: the SQL of each (the
 * reference); the same bytes and names. Returns the heatmap's file index,
 * or -1. */
int plot__heatmap_data(plot_ctx *c, int sql, plot_shown *shown, int *power);

/* The stacked capacity layers of a workload's chart (plot_sources.c). */
#define PLOT_MAX_SOURCES 6

/* A lessor that gives a tenant capacity: the rows of lessors_sql, largest
 * total first (plot_sources.c), or the same from the pass
 * (plot_workloads.c). */
typedef struct plot_lessor {
    int64_t id;
    char name[128];
    int contracts;            /* count(DISTINCT contract) with capacity */
    char first[128];          /* min(contract name) */
    char upstream[256];       /* a reseller's own lessors, "a, b" */
    int has_upstream;         /* 0: it owns a datacenter (upstream NULL) */
} plot_lessor;

/* The tenant's lessors by SQL, into *out (malloc'd; free it). 0 or -1. */
int plot__tenant_lessors(sqlite3 *db, int64_t run, int64_t tenant, plot_lessor **out, int *n);
/* l->upstream and has_upstream of lessor l->id, by SQL. 0 or -1. */
int plot__lessor_upstream(sqlite3 *db, int64_t run, plot_lessor *l);

typedef struct plot_sources {
    int n;                                  /* layers: own GPUs first, then leases */
    int has_own;                            /* 0 when the tenant owns no datacenter: its
                                               own layer is empty and left out */
    char label[PLOT_MAX_SOURCES][128];
    const char *colour[PLOT_MAX_SOURCES];   /* gnuplot colours: one per lessor, the same
                                               on every chart of the run */
    int64_t tenant;
    int training;                           /* a training workload: one layer */
    int named;                              /* lease layers 1..named are one lessor's,
                                               lessor[i]; a layer n > named merges the
                                               rest ("other leases") */
    int64_t lessor[PLOT_MAX_SOURCES];
    strbuf sql;                             /* ?1 = run, ?2 = workload: day, demand,
                                               served, then the n cumulative layers in
                                               thousands (the last is the capacity) */
} plot_sources;
/* Fills *out for workload `workload` of run `run`, given its tenant's
 * ranked lessors. Returns 0, or -1 (SQLite, memory, no such workload); the
 * caller frees out->sql either way. */
int plot__workload_sources(sqlite3 *db, int64_t run, int64_t workload,
                           const plot_lessor *lessors, int n_lessors, plot_sources *out);

/* A workload's chart: its layers and its data file (plot_workloads.c). */
typedef struct plot_workload {
    int64_t id, tenant;
    char name[128];
    plot_sources src;
    int file;                               /* the data file's index, or -1 */
} plot_workload;
/* Every workload of the run, in id order, into *out (n; free with
 * plot__workloads_free). sql = 0: one pass over contract_tick for the
 * lessors, one merged pass over workload_tick, provider_tick and
 * contract_tick for the data (a workload's SQL scans contract_tick twice);
 * 1: each workload's SQL (the reference). The same bytes, labels and
 * colours. Returns 0 or -1. */
int plot__workloads_data(plot_ctx *c, int sql, plot_workload **out, int *n);
void plot__workloads_free(plot_workload *w, int n);

/* index.html's headline block and timeline (plot_story.c). Return 0 or -1
 * (SQLite). */
int plot__write_headline(FILE *f, sqlite3 *db, int64_t run);
int plot__write_timeline(FILE *f, sqlite3 *db, int64_t run);

/* The response curves of a sweep (plot_sweep.c). Returns 0 or -1. */
int plot__sweep_charts(plot_ctx *c, int64_t sweep);

#endif
