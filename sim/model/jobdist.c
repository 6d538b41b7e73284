/*
 * jobdist: job size and duration samplers and the NHPP arrival generator;
 * the formulas are in jobdist.h.
 *
 * Invariants: a LIST sampler owns an alias table built from the spec's
 * weights, whose values it indexes; the other kinds hold no state beyond
 * the distribution pointer. The arrival generator keeps no state between
 * calls: the caller carries the continuous arrival clock t.
 */
#include "jobdist.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "../util/units.h"

#define MAX_JOB_GPUS ((double)((int64_t)1 << 40))
/* Tail sums stop when a term is this small relative to the sum, or after
 * this many terms (a lognormal with a heavy tail and a huge mean). */
#define TAIL_REL_EPSILON 1e-12
#define TAIL_MAX_TERMS 10000000L

struct jobdist {
    const spec_distribution *d;
    gsl_ran_discrete_t *table;   /* LIST only */
};

jobdist *jobdist_create(const spec_distribution *d)
{
    jobdist *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->d = d;
    if (d->kind == SPEC_DIST_LIST) {
        double total = 0.0;
        for (size_t i = 0; i < d->n; i++)
            total += d->weights[i] > 0.0 ? d->weights[i] : 0.0;
        if (d->n == 0 || !(total > 0.0))
            goto fail;
        s->table = gsl_ran_discrete_preproc(d->n, d->weights);
        if (!s->table)
            goto fail;
    }
    return s;
fail:
    jobdist_destroy(s);
    return NULL;
}

void jobdist_destroy(jobdist *s)
{
    if (!s)
        return;
    if (s->table)
        gsl_ran_discrete_free(s->table);
    free(s);
}

/* zeta of a lognormal with mean `mean` and log-sd sigma. */
static double lognormal_zeta(double mean, double sigma)
{
    return log(mean) - 0.5 * sigma * sigma;
}

double jobdist_draw(const jobdist *s, gsl_rng *r)
{
    const spec_distribution *d = s->d;
    switch (d->kind) {
    case SPEC_DIST_FIXED:
        return d->mean;
    case SPEC_DIST_EXPONENTIAL:
        return gsl_ran_exponential(r, d->mean);
    case SPEC_DIST_LOGNORMAL:
        return gsl_ran_lognormal(r, lognormal_zeta(d->mean, d->sigma), d->sigma);
    case SPEC_DIST_LIST:
        return d->values[gsl_ran_discrete(r, s->table)];
    }
    return d->mean;
}

int64_t jobdist_round_to_nodes(double gpus)
{
    const double node = (double)SPEC_GPUS_PER_NODE;
    if (!(gpus > node))        /* also NaN and negatives: one node */
        return SPEC_GPUS_PER_NODE;
    if (gpus > MAX_JOB_GPUS)
        gpus = MAX_JOB_GPUS;
    return (int64_t)ceil(gpus / node) * SPEC_GPUS_PER_NODE;
}

double jobdist_mean(const spec_distribution *d)
{
    if (d->kind != SPEC_DIST_LIST)
        return d->mean;
    double sum = 0.0, total = 0.0;
    for (size_t i = 0; i < d->n; i++) {
        sum += d->weights[i] * d->values[i];
        total += d->weights[i];
    }
    return total > 0.0 ? sum / total : 0.0;
}

/* 8 sum_{k >= 0} P(X > 8k) for a lognormal X, which is E[8 ceil(X / 8)]
 * (X > 0 almost surely, so the k = 0 term is 1: the one-node minimum). */
static double lognormal_rounded_mean(double mean, double sigma)
{
    const double node = (double)SPEC_GPUS_PER_NODE;
    const double zeta = lognormal_zeta(mean, sigma);
    double sum = 1.0;
    for (long k = 1; k < TAIL_MAX_TERMS; k++) {
        const double term = gsl_cdf_lognormal_Q(node * (double)k, zeta, sigma);
        sum += term;
        if (term < TAIL_REL_EPSILON * sum)
            break;
    }
    return node * sum;
}

double jobdist_mean_rounded_gpus(const spec_distribution *d)
{
    const double node = (double)SPEC_GPUS_PER_NODE;
    switch (d->kind) {
    case SPEC_DIST_FIXED:
        return (double)jobdist_round_to_nodes(d->mean);
    case SPEC_DIST_EXPONENTIAL:
        /* ceil(X / 8) is geometric: P(ceil >= k) = e^{-8 (k - 1) / mean}. */
        return node / -expm1(-node / d->mean);
    case SPEC_DIST_LOGNORMAL:
        return lognormal_rounded_mean(d->mean, d->sigma);
    case SPEC_DIST_LIST: {
        double sum = 0.0, total = 0.0;
        for (size_t i = 0; i < d->n; i++) {
            sum += d->weights[i] * (double)jobdist_round_to_nodes(d->values[i]);
            total += d->weights[i];
        }
        return total > 0.0 ? sum / total : 0.0;
    }
    }
    return 0.0;
}

/* The series multiplier at t: linear between points, clamped outside. */
static double series_at(const spec_workload *w, double t)
{
    const size_t n = w->series_len;
    if (n == 0)
        return 0.0;
    if (t <= w->series_t[0])
        return w->series_value[0];
    if (t >= w->series_t[n - 1])
        return w->series_value[n - 1];
    size_t lo = 0, hi = n - 1;            /* series_t[lo] < t < series_t[hi] */
    while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        if (w->series_t[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    const double f = (t - w->series_t[lo]) / (w->series_t[hi] - w->series_t[lo]);
    return w->series_value[lo] + f * (w->series_value[hi] - w->series_value[lo]);
}

double jobdist_rate(const spec_workload *w, double t)
{
    const double r0 = w->arrival_rate_per_day;
    if (t < (double)w->start || !(r0 > 0.0))
        return 0.0;
    const double base = r0 / UNITS_SECONDS_PER_DAY_REAL;
    const double years = (t - (double)w->start) / UNITS_SECONDS_PER_YEAR_REAL;
    switch (w->growth) {
    case SPEC_GROWTH_EXPONENTIAL:
        return base * pow(w->yearly_factor, years);
    case SPEC_GROWTH_LOGISTIC: {
        const double c = w->ceiling_rate_per_day;
        return c / (1.0 + (c - r0) / r0 * exp(-w->rate_per_year * years))
               / UNITS_SECONDS_PER_DAY_REAL;
    }
    case SPEC_GROWTH_SERIES: {
        const double g = series_at(w, t);
        return g > 0.0 ? base * g : 0.0;
    }
    }
    return 0.0;
}

/* An upper bound of lambda over [t0, t1]: exponential and logistic rates
 * are monotone (the larger end value bounds them); a piecewise-linear series
 * peaks at an end or at one of its points inside the window. The rate
 * jumps from 0 to its start value at w->start, so t0 is moved there. */
static double rate_max(const spec_workload *w, double t0, double t1)
{
    if (t0 < (double)w->start)
        t0 = (double)w->start;
    double m = fmax(jobdist_rate(w, t0), jobdist_rate(w, t1));
    if (w->growth == SPEC_GROWTH_SERIES) {
        for (size_t i = 0; i < w->series_len; i++)
            if (w->series_t[i] > t0 && w->series_t[i] < t1)
                m = fmax(m, jobdist_rate(w, w->series_t[i]));
    }
    return m;
}

double jobdist_next_arrival(const spec_workload *w, gsl_rng *r, double t, double horizon)
{
    if (!(w->arrival_rate_per_day > 0.0))
        return horizon;
    if (t < (double)w->start)
        t = (double)w->start;
    while (t < horizon) {
        const double window_end = fmin(t + JOBDIST_WINDOW_SECONDS, horizon);
        const double lambda_max = rate_max(w, t, window_end);
        if (!(lambda_max > 0.0)) {
            t = window_end;
            continue;
        }
        const double candidate = t + gsl_ran_exponential(r, 1.0 / lambda_max);
        if (candidate >= window_end) {
            /* Memoryless: restarting the candidate process at the window's
             * end under the next window's bound leaves the NHPP unchanged. */
            t = window_end;
            continue;
        }
        t = candidate;
        const double lambda = jobdist_rate(w, t);
        if (lambda >= lambda_max || gsl_rng_uniform(r) * lambda_max < lambda)
            return t;
    }
    return horizon;
}
