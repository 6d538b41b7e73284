/*
 * jobdist: the random ingredients of a training job stream. Job sizes and
 * durations drawn from a spec_distribution, and the arrival times of a
 * non-homogeneous Poisson process (NHPP) whose rate grows as the workload's
 * growth model says. Pure functions of their inputs and the generator they
 * are handed: the caller owns the streams (jobs.c keeps one per purpose).
 *
 * Distributions (spec.h):
 *   FIXED        always `mean`
 *   EXPONENTIAL  mean `mean` (gsl_ran_exponential)
 *   LOGNORMAL    mean `mean`, log-sd `sigma`: exp(N(zeta, sigma^2)) with
 *                zeta = ln(mean) - sigma^2 / 2, so that its mean is `mean`
 *   LIST         values[i] with probability weights[i] / sum(weights)
 *                (gsl_ran_discrete, Walker's alias table, built once)
 * A job size is then rounded UP to whole 8-GPU nodes, at least one node.
 *
 * Arrival rate (per second) of a training workload w at time t:
 *   lambda(t) = 0 before w->start; else arrival_rate_per_day / 86400 x g(y),
 *   y = (t - start) / (365.25 x 86400) years, and
 *   exponential  g = yearly_factor^y
 *   logistic     g = C / (1 + (C - R0) / R0 x e^{-r y}) / R0, C =
 *                ceiling_rate_per_day, R0 = arrival_rate_per_day, r = rate_per_year
 *   series       g = the series value, linearly interpolated in time and
 *                clamped to the end values (the points are multipliers of
 *                arrival_rate_per_day, 1.0 = the base rate; the scenario
 *                reader refuses series growth for training today, so this
 *                serves programmatic specs only)
 * Arrivals are generated one at a time by thinning (Lewis and Shedler,
 * 1979): candidate points of a homogeneous process at rate lambda_max, the
 * maximum of lambda over a one-day window, each kept with probability
 * lambda(t) / lambda_max. Exponential and logistic rates are monotone, so
 * lambda_max is the larger end value; for a series it also covers the points
 * inside the window. When lambda is constant (yearly_factor = 1) every
 * candidate is kept and no acceptance draw is made: the process is then
 * exactly a homogeneous Poisson process.
 */
#ifndef CAPSIM_JOBDIST_H
#define CAPSIM_JOBDIST_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "spec.h"

typedef struct jobdist jobdist;

/* The thinning window: lambda_max is taken over [t, t + this). */
#define JOBDIST_WINDOW_SECONDS 86400.0

/* create / destroy */
/* A sampler for distribution d (which must outlive it); builds the alias
 * table of a LIST. NULL when out of memory or when a LIST has no positive
 * weight. */
jobdist *jobdist_create(const spec_distribution *d);
void jobdist_destroy(jobdist *s);                  /* NULL is a no-op */

/* operations */
/* One draw, in the distribution's unit (GPUs, hours). */
double jobdist_draw(const jobdist *s, gsl_rng *r);
/* GPUs rounded up to whole nodes: 8 x max(1, ceil(gpus / 8)); capped at
 * 2^40 so that absurd tail draws stay representable (such a job never fits). */
int64_t jobdist_round_to_nodes(double gpus);

/* The next arrival strictly after t (seconds, continuous) of w's NHPP, drawn
 * from r, or `horizon` when there is none before it. */
double jobdist_next_arrival(const spec_workload *w, gsl_rng *r, double t, double horizon);

/* queries (pure) */
/* E[X] of the distribution. */
double jobdist_mean(const spec_distribution *d);
/* E[8 max(1, ceil(X / 8))]: the mean size after rounding to nodes, exact for
 * FIXED and LIST, by the tail sum 8 sum_k P(X > 8k) for the continuous
 * kinds (truncated when a term falls below 1e-12 of the sum). */
double jobdist_mean_rounded_gpus(const spec_distribution *d);
/* lambda(t) of w's arrivals, per second. */
double jobdist_rate(const spec_workload *w, double t);

#endif
