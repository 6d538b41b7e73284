/*
 * search: goal search (`capsim search`). It finds the smallest value of one
 * scenario parameter on a step grid LO, LO + STEP, ... (<= HI) for which a
 * target on a run metric holds (or, `largest`, the largest such value),
 * assuming the verdict is monotone along the grid: it fails below the
 * answer and holds from the answer on (the other way round for largest).
 *
 * The method is bisection on the grid indices (search_bisect): the far end
 * first (HI; LO for largest), where the target must hold, then the near
 * end, where it must fail, then the midpoint of the bracket until the
 * holding and the failing ends are neighbours. So the answer's neighbour on
 * the failing side has always been probed and found failing, and a grid of
 * n points costs 2 + ceil(log2(n - 1)) probes at most.
 *
 * A probe is `replications` runs of the scenario with the parameter at the
 * grid value. With one replication the target is judged on the metric
 * itself; with more, on the Student t confidence interval of its mean
 * (search_interval): a `<=` or `<` target must hold at the interval's upper
 * end, a `>=` or `>` target at its lower end, so an answer is one the
 * replications support at that confidence.
 *
 * This header holds the pure parts (targets, grids, intervals, verdicts,
 * bisection), tested without running anything, and the driver
 * (search_execute, search_run.c), which runs the probes through the sweep
 * machinery (sweep_run_internal.h) into a sweep database whose sweep has
 * method 'search' (store_search.h).
 */
#ifndef CAPSIM_SEARCH_H
#define CAPSIM_SEARCH_H

#include <stddef.h>
#include <stdint.h>

typedef enum search_op { SEARCH_LE = 0, SEARCH_LT, SEARCH_GE, SEARCH_GT } search_op;

/* `METRIC OP X`. */
typedef struct search_target {
    char metric[256];
    search_op op;
    double threshold;
} search_target;

/* The grid LO + i x STEP, i = 0 .. n - 1, the last point <= HI. */
typedef struct search_grid {
    double lo, hi, step;
    size_t n;
} search_grid;

/* What one probe found. */
typedef struct search_probe {
    size_t index;            /* grid index */
    double value;            /* the parameter's value there */
    double mean;             /* the metric's mean over the replications */
    double low, high;        /* its confidence interval (= mean with one replication) */
    long n;                  /* replications */
    int holds;
} search_probe;

/* The outcome of a bisection. */
typedef enum search_outcome {
    SEARCH_FOUND = 0,
    SEARCH_HOLDS_AT_NEAR_END,  /* holds at LO (at HI for largest): the answer is beyond the range */
    SEARCH_FAILS_AT_FAR_END,   /* fails at HI (at LO for largest): no value of the range meets it */
    SEARCH_ABORTED             /* the verdict callback failed */
} search_outcome;

/* The verdict at grid index i: 1 holds, 0 fails, -1 error (abort). */
typedef int (*search_verdict_fn)(void *ctx, size_t index);

/* ---- parsing ---- */

/* Parses "METRIC <= X" (also <, >=, >; spaces optional around the
 * operator; METRIC a run_metric name: letters, digits and . _ - : ).
 * Returns 0, or -1 with what is wrong and an example in err. */
int search_target_parse(const char *text, search_target *t, char *err, size_t err_len);
/* "<=", "<", ">=", ">". */
const char *search_op_name(search_op op);
/* Parses "LO..HI" (spaces allowed around "..", as in a sweep file's
 * `range = LO .. HI`) into lo and hi, lo < hi. Returns 0 or -1 with err. */
int search_range_parse(const char *text, double *lo, double *hi, char *err, size_t err_len);
/* The grid of lo..hi by step (> 0). Returns 0, or -1 with err when the
 * step is not positive or the grid would have fewer than 2 or more than
 * SEARCH_MAX_GRID points. */
#define SEARCH_MAX_GRID 100000000
int search_grid_make(double lo, double hi, double step, search_grid *g, char *err,
                     size_t err_len);
/* The value of grid point i: lo + i x step (no accumulated rounding),
 * rounded to 12 significant digits as sweep grids are. */
double search_grid_value(const search_grid *g, size_t i);
/* Writes the value the way a scenario key reads it: an integer without a
 * decimal point when it is one, else the shortest %g text that reads back
 * to the same double. */
void search_format_value(double v, char *out, size_t out_len);

/* ---- judging ---- */

/* Mean and Student t interval at `confidence` (0 < c < 1) of x[0..n-1]:
 * mean +- t_{(1+c)/2, n-1} x s / sqrt(n), s the sample standard deviation.
 * With n == 1 the interval is the value itself. */
void search_interval(const double *x, size_t n, double confidence, double *mean, double *low,
                     double *high);
/* Whether the target holds for a probe: <= and < on `high`, >= and > on
 * `low` (with one replication both are the metric itself). */
int search_holds(const search_target *t, double low, double high);

/* ---- bisection ---- */

/* Bisects grid indices 0 .. n - 1 (n >= 2) with verdict(ctx, i). For the
 * smallest answer (largest == 0) the verdict must hold at n - 1 and fail at
 * 0; for the largest, hold at 0 and fail at n - 1. On SEARCH_FOUND,
 * *answer is the grid index found and *neighbour its neighbour on the
 * failing side (answer - 1, or answer + 1 for largest), both probed. Every
 * index is probed at most once. */
search_outcome search_bisect(size_t n, int largest, search_verdict_fn verdict, void *ctx,
                             size_t *answer, size_t *neighbour);

/* The probes (in any order) that break the metric's expected monotone
 * direction when sorted by grid index: a `<=`/`<` target on the smallest
 * answer expects the metric to fall (not rise) as the parameter grows, a
 * `>=`/`>` target the opposite, and largest reverses both. Writes into
 * bad[] the grid indices of each adjacent pair (in grid order) where the
 * mean moves against that direction, both members, each index once, in
 * grid order; returns how many (0: monotone). bad holds n entries. */
size_t search_non_monotone(const search_probe *probes, size_t n, const search_target *t,
                           int largest, size_t *bad);

/* ---- the driver (search_run.c) ---- */

typedef struct search_options {
    const char *scenario_path;
    const char *path;              /* the parameter, kind.name.key */
    search_grid grid;
    search_target target;
    const char *target_text;       /* as given, for the record */
    int largest;
    long replications;             /* >= 1 */
    double confidence;             /* 0 < c < 1 */
    uint64_t seed;                 /* replication r's seed is the same at every probe */
    const char *const *set;        /* --set path=value, applied to every run */
    size_t n_set;
    const char *until;             /* NULL: the scenario's end */
    int record;                    /* sweep_record: what each run keeps */
    const char *out_path;
    int jobs;                      /* replications run at a time */
    int quiet;                     /* no progress on stderr */
    int json;                      /* result as one JSON object on stdout */
    const char *command_line;      /* stored as the sweep's file_text */
} search_options;

/* Exit codes. */
enum { SEARCH_EXIT_FOUND = 0, SEARCH_EXIT_NO_ANSWER = 1, SEARCH_EXIT_BAD_INPUT = 2 };

/* Checks the scenario at the grid's ends, runs the search into
 * o->out_path, prints the result on stdout (text or JSON) and returns
 * SEARCH_EXIT_FOUND, SEARCH_EXIT_NO_ANSWER (no answer in the range, or a
 * runtime failure: a run failed, the database failed, interrupted) or
 * SEARCH_EXIT_BAD_INPUT (a bad scenario, parameter or metric name, an
 * existing output). */
int search_execute(const search_options *o);
/* Async-signal-safe: stop after the runs in progress. */
void search_request_stop(void);

#endif
