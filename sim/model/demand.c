/*
 * demand: inference demand curves; the formulas are in demand.h.
 *
 * Invariants: a series curve owns a GSL linear interpolator initialised on
 * the workload's points (at least 2, strictly increasing times, as the
 * reader guarantees) and is only evaluated inside their range: outside it
 * the end values are returned directly, because gsl_interp_eval treats an
 * out-of-range x as a domain error.
 */
#include "demand.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_interp.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "../engine/rng.h"
#include "../util/status.h"
#include "../util/units.h"

struct demand_curve {
    const spec_workload *w;
    gsl_rng *rng;                /* stream "demand/<name>" */
    gsl_interp *interp;          /* series only */
    gsl_interp_accel *accel;     /* series only: speeds up monotone lookups */
};

/* Allocates the series interpolator. Returns 0, or CAPSIM_ERR_NO_MEMORY. */
static capsim_status init_series(demand_curve *c)
{
    const spec_workload *w = c->w;
    c->interp = gsl_interp_alloc(gsl_interp_linear, w->series_len);
    c->accel = gsl_interp_accel_alloc();
    if (!c->interp || !c->accel)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    gsl_interp_init(c->interp, w->series_t, w->series_value, w->series_len);
    return 0;
}

/* Builds the curve; see demand.h. Frees what it built when out of memory. */
demand_curve *demand_curve_create(const spec_workload *w, uint64_t seed)
{
    demand_curve *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->w = w;
    char stream[SPEC_NAME_MAX + 16];
    snprintf(stream, sizeof stream, "demand/%s", w->name);
    c->rng = rng_stream_create(seed, stream);
    if (!c->rng)
        goto fail;
    if (w->growth == SPEC_GROWTH_SERIES && init_series(c) != 0)
        goto fail;
    return c;
fail:
    demand_curve_destroy(c);
    return NULL;
}

void demand_curve_destroy(demand_curve *c)
{
    if (!c)
        return;
    gsl_interp_accel_free(c->accel);
    gsl_interp_free(c->interp);
    gsl_rng_free(c->rng);
    free(c);
}

/* Logistic growth from N0 towards K at rate r per year (Verhulst). */
static double logistic(double ceiling, double n0, double rate, double years)
{
    if (n0 == 0.0)
        return 0.0;
    return ceiling / (1.0 + (ceiling - n0) / n0 * exp(-rate * years));
}

/* The series value at t, clamped to the end values outside the points. */
static double series(demand_curve *c, int64_t t)
{
    const spec_workload *w = c->w;
    const double x = (double)t;
    const size_t last = w->series_len - 1;
    if (x <= w->series_t[0])
        return w->series_value[0];
    if (x >= w->series_t[last])
        return w->series_value[last];
    return gsl_interp_eval(c->interp, w->series_t, w->series_value, x, c->accel);
}

double demand_curve_trend(demand_curve *c, int64_t t)
{
    const spec_workload *w = c->w;
    if (t < w->start)
        return 0.0;
    const double years = (double)(t - w->start) / UNITS_SECONDS_PER_YEAR_REAL;
    switch (w->growth) {
    case SPEC_GROWTH_EXPONENTIAL:
        return w->demand_h100 * pow(w->yearly_factor, years);
    case SPEC_GROWTH_LOGISTIC:
        return logistic(w->ceiling_h100, w->demand_h100, w->rate_per_year, years);
    case SPEC_GROWTH_SERIES:
        return series(c, t);
    }
    return 0.0;
}

double demand_diurnal(const spec_workload *w, int64_t t)
{
    int64_t second_of_day = t % UNITS_SECONDS_PER_DAY;
    if (second_of_day < 0)
        second_of_day += UNITS_SECONDS_PER_DAY;
    const double hour = (double)second_of_day / UNITS_SECONDS_PER_HOUR_REAL;
    return 1.0 + w->diurnal_amplitude
                     * cos(2.0 * M_PI * (hour - w->peak_hour) / UNITS_HOURS_PER_DAY_REAL);
}

/* exp(sigma Z - sigma^2 / 2) has mean exp(-sigma^2/2) E[exp(sigma Z)] = 1. */
double demand_curve_noise(demand_curve *c)
{
    const double sigma = c->w->noise_sigma;
    if (!(sigma > 0.0))
        return 1.0;
    const double z = gsl_ran_gaussian(c->rng, 1.0);
    return exp(sigma * z - 0.5 * sigma * sigma);
}

double demand_curve_at(demand_curve *c, int64_t t)
{
    const double noise = demand_curve_noise(c);
    return demand_curve_trend(c, t) * demand_diurnal(c->w, t) * noise;
}
