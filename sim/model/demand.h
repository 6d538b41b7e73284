/*
 * demand: the demand curve of one inference workload, in H100-equivalent
 * GPUs: demand(t) = trend(t) x diurnal(t) x noise.
 *
 *   trend    0 before the workload's start; then
 *            exponential  N0 x yearly_factor^years
 *            logistic     K / (1 + (K - N0) / N0 x exp(-r x years))  (0 when N0 = 0)
 *            series       linear interpolation of the (t, value) points (GSL),
 *                         clamped to the first / last value outside them
 *            where years = (t - start) / (365.25 x 86400) and series times
 *            are seconds since the scenario start, like t.
 *   diurnal  1 + a x cos(2 pi (hour_of_day - peak_hour) / 24), hour_of_day =
 *            (t mod 86400) / 3600, t = 0 being UTC midnight.
 *   noise    the mean-one lognormal exp(sigma Z - sigma^2 / 2), Z standard
 *            normal, one draw per call to demand_curve_at when sigma > 0,
 *            from the workload's own stream "demand/<workload name>".
 *
 * A curve keeps its own generator and interpolation state, so the numbers a
 * workload sees never depend on the other workloads.
 */
#ifndef CAPSIM_DEMAND_H
#define CAPSIM_DEMAND_H

#include <stdint.h>
#include "spec.h"

typedef struct demand_curve demand_curve;

/* create / destroy */
/* Builds the curve of workload w (which must outlive it) for run seed
 * `seed`. NULL when out of memory. */
demand_curve *demand_curve_create(const spec_workload *w, uint64_t seed);
void demand_curve_destroy(demand_curve *c);   /* NULL is a no-op */

/* operations */
/* trend x diurnal x noise at time t; advances the noise stream by one draw
 * when sigma > 0. Call once per tick, in time order. */
double demand_curve_at(demand_curve *c, int64_t t);
/* One mean-one lognormal multiplier (1 when sigma is 0); advances the stream. */
double demand_curve_noise(demand_curve *c);

/* queries (pure: no random draw) */
double demand_curve_trend(demand_curve *c, int64_t t);
double demand_diurnal(const spec_workload *w, int64_t t);

#endif
