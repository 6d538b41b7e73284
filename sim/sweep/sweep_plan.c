/*
 * sweep_plan: builds the points of a sweep (see the header for the rules).
 * Each parameter is first expanded to its own list of values (grid, list)
 * or sampled per point (random, lhs); the point table is then filled in one
 * pass. Values are formatted with %.12g, which prints 1.3 + 2 x 0.1 as
 * "1.5", not "1.5000000000000002", and sampled values with %.15g. The
 * sampled methods first fill the unit matrix (n_points x n_params in
 * [0, 1]), then map it.
 */
#include "sweep_plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "../engine/rng.h"
#include "../scenario/scenario_diag.h"

uint64_t sweep_splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

size_t sweep_plan_runs(const sweep_plan *p)
{
    return p->n_points * (size_t)p->replications;
}

double sweep_plan_unit(const sweep_plan *p, size_t point, size_t param)
{
    return p->unit[point * p->n_params + param];
}

const char *sweep_plan_value(const sweep_plan *p, size_t point, size_t path)
{
    return p->values[point * p->n_paths + path];
}

uint64_t sweep_plan_seed(const sweep_plan *p, size_t point, long replication)
{
    uint64_t h = sweep_splitmix64(p->seed);
    if (p->seeds == SWEEP_SEEDS_INDEPENDENT)
        h = sweep_splitmix64(h ^ (uint64_t)point);
    h = sweep_splitmix64(h ^ ((uint64_t)replication * 0x100000001b3ULL + 1));
    /* below 2^53: exact as an SQLite integer and as a double (reports,
     * spreadsheets); among 10,000 runs two share a seed with odds ~5e-9 */
    return h >> 11;
}

int sweep_plan_in_shard(size_t run_index, int shard, int n_shards)
{
    return n_shards <= 1 || (int)(run_index % (size_t)n_shards) == shard - 1;
}

void sweep_plan_destroy(sweep_plan *p)
{
    if (!p)
        return;
    if (p->values)
        for (size_t i = 0; i < p->n_points * p->n_paths; i++)
            free(p->values[i]);
    for (size_t k = 0; p->paths && k < p->n_paths; k++)
        free(p->paths[k]);
    free(p->values);
    free(p->unit);
    free(p->paths);
    free(p->path_line);
    free(p);
}

static double rounded(const sweep_param_def *q, double v)
{
    return q->round > 0 ? round(v / q->round) * q->round : v;
}

static char *format_value(const sweep_param_def *q, double v, const char *fmt)
{
    char buf[64];
    v = rounded(q, v);
    if (v == 0)
        v = 0;   /* no "-0" */
    snprintf(buf, sizeof buf, fmt, v);
    return strdup(buf);
}

/* The number of values a grid or list parameter takes. */
static size_t count_values(const sweep_param_def *q)
{
    if (q->values)
        return q->n_values;
    return (size_t)floor((q->hi - q->lo) / q->step + 1e-9) + 1;
}

/* The k-th value of a grid or list parameter, malloc'd. */
static char *listed_value(const sweep_param_def *q, size_t k)
{
    if (q->values) {
        if (q->round > 0) {
            char *end;
            double v = strtod(q->values[k], &end);
            if (end != q->values[k] && *end == '\0')
                return format_value(q, v, "%.12g");
        }
        return strdup(q->values[k]);
    }
    return format_value(q, q->lo + (double)k * q->step, "%.12g");
}

/* u in [0, 1] mapped onto the parameter's range, linear or log; the ends
 * map exactly onto LO and HI (a Morris grid reaches both). */
static double from_unit(const sweep_param_def *q, double u)
{
    if (u <= 0)
        return q->lo;
    if (u >= 1)
        return q->hi;
    if (q->log_scale)
        return exp(log(q->lo) + u * (log(q->hi) - log(q->lo)));
    return q->lo + u * (q->hi - q->lo);
}

static int fail(char *err, size_t err_len, const sweep_file *f, const sweep_param_def *q,
                int line, const char *key, const char *msg)
{
    scenario_diag d;
    scenario_diag_init(&d, err, err_len);
    scenario_diag_where w = {f->path, line, q ? "param" : "sweep", q ? q->path : NULL, key};
    scenario_diag_error(&d, &w, "%s", msg);
    return -1;
}

/* Points of a sampled method: samples, or N (d + 2), or r (d + 1). */
static double sampled_points(const sweep_file *f)
{
    double d = (double)f->n_params;
    if (f->method == SWEEP_SALTELLI)
        return (double)f->samples * (d + 2);
    if (f->method == SWEEP_MORRIS)
        return (double)f->samples * (d + 1);
    return (double)f->samples;
}

/* Number of points; -1 after reporting. */
static long count_points(const sweep_file *f, char *err, size_t err_len)
{
    char msg[512];
    if (sweep_method_sampled(f->method)) {
        double points = sampled_points(f);
        if (points * (double)f->replications > SWEEP_PLAN_MAX_RUNS) {
            snprintf(msg, sizeof msg, "the plan has more than %d runs (%.0f points x %ld "
                     "replications); lower samples", SWEEP_PLAN_MAX_RUNS, points,
                     f->replications);
            return fail(err, err_len, f, NULL, f->samples_line, "samples", msg);
        }
        return (long)points;
    }
    double product = 1;
    size_t first = count_values(&f->params[0]);
    for (size_t i = 0; i < f->n_params; i++) {
        const sweep_param_def *q = &f->params[i];
        size_t n = count_values(q);
        product *= (double)n;
        if (f->method == SWEEP_LIST && n != first) {
            snprintf(msg, sizeof msg, "method = list zips parameters of equal length: this "
                     "one has %zu values, [param %s] (line %d) has %zu",
                     n, f->params[0].path, f->params[0].line, first);
            return fail(err, err_len, f, q, q->values ? q->values_line : q->range_line,
                        q->values ? "values" : "range", msg);
        }
    }
    if (f->method == SWEEP_LIST)
        product = (double)first;
    if (product * (double)f->replications > SWEEP_PLAN_MAX_RUNS) {
        snprintf(msg, sizeof msg, "the plan has more than %d runs (%.0f points); sample it "
                 "instead (method = lhs)", SWEEP_PLAN_MAX_RUNS, product);
        return fail(err, err_len, f, NULL, f->sweep_line, NULL, msg);
    }
    return (long)product;
}

/* Fills the column of parameter `col` for a grid or list. */
static int fill_listed(sweep_plan *p, const sweep_file *f, size_t col, size_t stride)
{
    const sweep_param_def *q = &f->params[col];
    size_t n = count_values(q);
    for (size_t i = 0; i < p->n_points; i++) {
        size_t k = f->method == SWEEP_LIST ? i : (i / stride) % n;
        if (!(p->values[i * p->n_paths + col] = listed_value(q, k)))
            return -1;
    }
    return 0;
}

/* random: independent uniforms, in point then parameter order. */
static void unit_random(gsl_rng *r, double *u, size_t n, size_t d)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d; k++)
            u[i * d + k] = gsl_rng_uniform(r);
}

/* lhs: one point per stratum, the strata shuffled per parameter. Returns 0
 * or -1 (memory). */
static int unit_lhs(gsl_rng *r, double *u, size_t n, size_t d)
{
    size_t *strata = malloc((n ? n : 1) * sizeof *strata);
    if (!strata)
        return -1;
    for (size_t k = 0; k < d; k++) {
        for (size_t i = 0; i < n; i++)
            strata[i] = i;
        gsl_ran_shuffle(r, strata, n, sizeof *strata);
        for (size_t i = 0; i < n; i++)
            u[i * d + k] = ((double)strata[i] + gsl_rng_uniform(r)) / (double)n;
    }
    free(strata);
    return 0;
}

/* sobol: the first n points of the d-dimensional sequence; saltelli: the
 * 2d-dimensional one split into A, B and the A_B^i blocks (header). */
static int unit_sobol(double *u, size_t d, long samples, int saltelli)
{
    size_t n = (size_t)samples, dim = saltelli ? 2 * d : d;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dim);
    double *v = malloc(dim * sizeof *v);
    if (!q || !v) {
        gsl_qrng_free(q);
        free(v);
        return -1;
    }
    for (size_t j = 0; j < n; j++) {
        gsl_qrng_get(q, v);
        if (!saltelli) {
            memcpy(&u[j * d], v, d * sizeof *v);
            continue;
        }
        memcpy(&u[j * d], v, d * sizeof *v);              /* A */
        memcpy(&u[(n + j) * d], v + d, d * sizeof *v);    /* B */
        for (size_t i = 0; i < d; i++) {                  /* A_B^i */
            double *row = &u[((2 + i) * n + j) * d];
            memcpy(row, v, d * sizeof *v);
            row[i] = v[d + i];
        }
    }
    gsl_qrng_free(q);
    free(v);
    return 0;
}

/* morris: r trajectories of d + 1 points on the grid of p levels (header).
 * Positions are counted in grid levels, so every coordinate is exactly
 * level / (p - 1): the step delta = p / (2 (p - 1)) is p / 2 levels, and a
 * start level below p / 2 keeps the step up inside the grid. */
static int unit_morris(gsl_rng *r, double *u, size_t d, long trajectories, long levels)
{
    size_t *order = malloc((d ? d : 1) * sizeof *order);
    long *level = malloc((d ? d : 1) * sizeof *level);
    int *up = malloc((d ? d : 1) * sizeof *up);
    if (!order || !level || !up) {
        free(order);
        free(level);
        free(up);
        return -1;
    }
    long half = levels / 2;
    double top = (double)(levels - 1);
    for (long t = 0; t < trajectories; t++) {
        double *x = &u[(size_t)t * (d + 1) * d];
        for (size_t k = 0; k < d; k++) {
            long base = (long)gsl_rng_uniform_int(r, (unsigned long)half);
            up[k] = gsl_rng_uniform_int(r, 2) == 0;
            level[k] = up[k] ? base : base + half;
            order[k] = k;
        }
        gsl_ran_shuffle(r, order, d, sizeof *order);
        for (size_t k = 0; k < d; k++)
            x[k] = (double)level[k] / top;
        for (size_t s = 0; s < d; s++) {
            size_t k = order[s];
            level[k] += up[k] ? half : -half;
            double *next = x + (s + 1) * d;
            memcpy(next, next - d, d * sizeof *next);
            next[k] = (double)level[k] / top;
        }
    }
    free(order);
    free(level);
    free(up);
    return 0;
}

static const char *stream_name(sweep_method m)
{
    return m == SWEEP_LHS ? "sweep/lhs" : m == SWEEP_MORRIS ? "sweep/morris" : "sweep/random";
}

/* Fills the unit matrix and every column for the sampled methods. */
static int fill_sampled(sweep_plan *p, const sweep_file *f)
{
    size_t n = p->n_points, d = f->n_params;
    gsl_rng *r = NULL;
    if (f->method == SWEEP_RANDOM || f->method == SWEEP_LHS || f->method == SWEEP_MORRIS)
        r = rng_stream_create(f->seed, stream_name(f->method));
    p->unit = malloc((n * d > 0 ? n * d : 1) * sizeof *p->unit);
    int rc = p->unit && (r || f->method == SWEEP_SOBOL || f->method == SWEEP_SALTELLI) ? 0 : -1;
    if (rc == 0) {
        switch (f->method) {
        case SWEEP_RANDOM: unit_random(r, p->unit, n, d); break;
        case SWEEP_LHS: rc = unit_lhs(r, p->unit, n, d); break;
        case SWEEP_SOBOL: rc = unit_sobol(p->unit, d, f->samples, 0); break;
        case SWEEP_SALTELLI: rc = unit_sobol(p->unit, d, f->samples, 1); break;
        case SWEEP_MORRIS: rc = unit_morris(r, p->unit, d, f->samples, f->levels); break;
        default: rc = -1; break;
        }
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        for (size_t k = 0; rc == 0 && k < d; k++) {
            const sweep_param_def *q = &f->params[k];
            p->values[i * p->n_paths + k] = format_value(q, from_unit(q, p->unit[i * d + k]),
                                                         q->round > 0 ? "%.12g" : "%.15g");
            rc = p->values[i * p->n_paths + k] ? 0 : -1;
        }
    gsl_rng_free(r);
    return rc;
}

static int add_paths(sweep_plan *p, const sweep_file *f)
{
    size_t k = 0;
    for (size_t i = 0; i < f->n_params; i++, k++) {
        p->path_line[k] = f->params[i].line;
        if (!(p->paths[k] = strdup(f->params[i].path)))
            return -1;
    }
    for (size_t i = 0; i < f->n_params; i++) {
        if (!f->params[i].link)
            continue;
        p->path_line[k] = f->params[i].link_line;
        if (!(p->paths[k++] = strdup(f->params[i].link)))
            return -1;
    }
    return 0;
}

sweep_plan *sweep_plan_create(const sweep_file *f, char *err, size_t err_len)
{
    long points = count_points(f, err, err_len);
    if (points < 0)
        return NULL;
    sweep_plan *p = calloc(1, sizeof *p);
    if (!p)
        goto nomem;
    p->method = f->method;
    p->n_points = (size_t)points;
    p->n_params = f->n_params;
    p->samples = f->samples;
    p->levels = f->method == SWEEP_MORRIS ? f->levels : 0;
    p->replications = f->replications;
    p->seeds = f->seeds;
    p->seed = f->seed;
    p->n_paths = f->n_params;
    for (size_t i = 0; i < f->n_params; i++)
        p->n_paths += f->params[i].link != NULL;
    p->paths = calloc(p->n_paths, sizeof *p->paths);
    p->path_line = calloc(p->n_paths, sizeof *p->path_line);
    p->values = calloc(p->n_points * p->n_paths, sizeof *p->values);
    if (!p->paths || !p->path_line || !p->values || add_paths(p, f) != 0)
        goto nomem;
    if (f->method == SWEEP_GRID || f->method == SWEEP_LIST) {
        size_t stride = p->n_points;
        for (size_t k = 0; k < f->n_params; k++) {
            stride /= count_values(&f->params[k]);
            if (fill_listed(p, f, k, f->method == SWEEP_GRID ? stride : 1) != 0)
                goto nomem;
        }
    } else if (fill_sampled(p, f) != 0) {
        goto nomem;
    }
    /* linked paths copy their parameter's column */
    size_t k = f->n_params;
    for (size_t j = 0; j < f->n_params; j++) {
        if (!f->params[j].link)
            continue;
        for (size_t i = 0; i < p->n_points; i++)
            if (!(p->values[i * p->n_paths + k] = strdup(p->values[i * p->n_paths + j])))
                goto nomem;
        k++;
    }
    return p;
nomem:
    sweep_plan_destroy(p);
    snprintf(err, err_len, "out of memory building the sweep plan");
    return NULL;
}
