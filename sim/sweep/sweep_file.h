/*
 * sweep_file: reads a sweep file, the INI description of a batch of runs
 * (scenarios/README.md, "Sweep files"):
 *
 *   [sweep]          name, scenario (relative to the sweep file), method,
 *                    samples, levels, replications, seeds, seed, record,
 *                    until, timeout_s
 *   [param PATH]     values = a, b, c  |  range = LO .. HI (+ step, scale),
 *                    round, link = OTHER_PATH
 *
 * The lines are read the way the scenario reader reads them (a ';' or '#'
 * after whitespace starts a comment, `key = value`, `[kind name]`), and
 * errors go through the scenario reader's diagnostics, so they read
 * "FILE:LINE: [param PATH] key: what is wrong; what to do". This module
 * checks the file on its own terms only: whether PATH is a value the
 * scenario accepts is checked when the plan is applied to the scenario
 * (sweep_plan, cmd_sweep), with this file's line in the message.
 *
 * Ownership: sweep_file_read returns a sweep_file the caller frees with
 * sweep_file_destroy; every string in it is owned by it.
 */
#ifndef CAPSIM_SWEEP_FILE_H
#define CAPSIM_SWEEP_FILE_H

#include <stddef.h>
#include <stdint.h>

typedef enum sweep_method {
    SWEEP_GRID = 0, SWEEP_LIST, SWEEP_RANDOM, SWEEP_LHS,
    SWEEP_SOBOL,      /* a Sobol sequence (gsl_qrng_sobol) */
    SWEEP_SALTELLI,   /* pick and freeze: Sobol first and total indices */
    SWEEP_MORRIS      /* elementary effects on trajectories */
} sweep_method;

/* The most parameters each quasi-random method takes: gsl_qrng_sobol has
 * 40 dimensions, and a Saltelli design needs 2d of them. */
#define SWEEP_SOBOL_MAX_PARAMS 40
#define SWEEP_SALTELLI_MAX_PARAMS 20
#define SWEEP_MORRIS_DEFAULT_LEVELS 4
typedef enum sweep_seeds { SWEEP_SEEDS_INDEPENDENT = 0, SWEEP_SEEDS_COMMON } sweep_seeds;
typedef enum sweep_record { SWEEP_RECORD_TICKS = 0, SWEEP_RECORD_DAILY, SWEEP_RECORD_SUMMARY }
    sweep_record;

/* One [param PATH] section as written. */
typedef struct sweep_param_def {
    char *path;          /* kind.name.key */
    int line;            /* the section header's line */
    char **values;       /* values = ...: the items, trimmed; NULL when not given */
    size_t n_values;
    int values_line;
    int has_range;
    double lo, hi;       /* range = LO .. HI */
    int range_line;
    double step;         /* 0: none */
    int step_line;
    int log_scale;       /* scale = log */
    double round;        /* 0: none; else values are rounded to a multiple of it */
    char *link;          /* link = OTHER_PATH, or NULL */
    int link_line;
} sweep_param_def;

typedef struct sweep_file {
    char *path;              /* as given */
    char *text;              /* the file's bytes, as read (stored in the sweep table) */
    char *name;
    char *scenario;          /* as written */
    char *scenario_path;     /* resolved against the sweep file's directory */
    int scenario_line;
    sweep_method method;
    int method_line;
    long samples;            /* 0 when not given */
    int samples_line;
    long levels;             /* morris: grid levels p (default 4, even, >= 2) */
    int levels_line;
    long replications;       /* default 1 */
    sweep_seeds seeds;
    uint64_t seed;           /* default 1 */
    sweep_record record;     /* default summary */
    char *until;             /* NULL: the scenario's end */
    int until_line;
    double timeout_s;        /* 0: none */
    int sweep_line;          /* the [sweep] header's line */
    sweep_param_def *params;
    size_t n_params;
} sweep_file;

/* create / destroy */
/* Reads and checks the sweep file at path. Returns it, or NULL with one
 * message "FILE:LINE: [section] key: ..." in err. */
sweep_file *sweep_file_read(const char *path, char *err, size_t err_len);
/* The same from a text already in memory (the copy a sweep database
 * keeps); path names it in messages and resolves the scenario. */
sweep_file *sweep_file_parse(const char *path, const char *text, char *err, size_t err_len);
void sweep_file_destroy(sweep_file *f);

/* queries */
const char *sweep_method_name(sweep_method m);
const char *sweep_seeds_name(sweep_seeds s);
const char *sweep_record_name(sweep_record r);
/* 1 for the methods whose points come from [0,1]^d (random, lhs, sobol,
 * saltelli, morris): ranges, no steps, samples required. */
int sweep_method_sampled(sweep_method m);
/* 1 for saltelli and morris, whose sweeps get sensitivity indices. */
int sweep_method_sensitivity(sweep_method m);
/* 0 and *out for a name, -1 when it is none of them. */
int sweep_record_parse(const char *name, sweep_record *out);

#endif
