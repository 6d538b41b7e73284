/*
 * Unit tests for demand: the trend's closed forms (exponential, logistic,
 * series interpolation), the diurnal shape, and the lognormal noise's mean.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "testlib.h"

#include "../../sim/model/demand.h"

#define YEAR_S (365.25 * 86400.0)
#define DAY_S 86400
#define HOUR_S 3600

#define assert_rel(got, want, rel) assert_close(got, want, fabs(want) * (rel))

static spec_workload workload(const char *name, spec_growth growth)
{
    spec_workload w;
    memset(&w, 0, sizeof w);
    snprintf(w.name, sizeof w.name, "%s", name);
    w.growth = growth;
    w.start = 17 * DAY_S + 5 * HOUR_S;
    w.demand_h100 = 1234.5;
    w.yearly_factor = 2.7;
    w.ceiling_h100 = 52000.0;
    w.rate_per_year = 0.83;
    return w;
}

static demand_curve *curve(const spec_workload *w)
{
    demand_curve *c = demand_curve_create(w, 90210);
    assert_non_null(c);
    return c;
}

static void test_exponential_closed_form(void **state)
{
    (void)state;
    spec_workload w = workload("chat", SPEC_GROWTH_EXPONENTIAL);
    demand_curve *c = curve(&w);
    assert_close(demand_curve_trend(c, w.start - 1), 0.0, 0.0);
    assert_rel(demand_curve_trend(c, w.start), 1234.5, 1e-15);
    assert_rel(demand_curve_trend(c, w.start + (int64_t)YEAR_S), 1234.5 * 2.7, 1e-12);
    assert_rel(demand_curve_trend(c, w.start + (int64_t)(2.5 * YEAR_S)),
               1234.5 * pow(2.7, 2.5), 1e-12);
    demand_curve_destroy(c);
}

static void test_logistic_closed_form(void **state)
{
    (void)state;
    spec_workload w = workload("agents", SPEC_GROWTH_LOGISTIC);
    demand_curve *c = curve(&w);
    const double k = 52000.0, n0 = 1234.5, r = 0.83;
    assert_rel(demand_curve_trend(c, w.start), n0, 1e-12);
    assert_rel(demand_curve_trend(c, w.start + (int64_t)(60 * YEAR_S)), k, 1e-12);
    /* Midpoint: K / 2 at t* = ln((K - N0) / N0) / r years (rounded to a second). */
    const double mid_years = log((k - n0) / n0) / r;
    const int64_t mid = w.start + (int64_t)llround(mid_years * YEAR_S);
    assert_rel(demand_curve_trend(c, mid), k / 2.0, 1e-7);
    demand_curve_destroy(c);

    w.demand_h100 = 0.0;
    c = curve(&w);
    assert_close(demand_curve_trend(c, w.start + (int64_t)YEAR_S), 0.0, 0.0);
    demand_curve_destroy(c);
}

static void test_series_interpolation_and_clamping(void **state)
{
    (void)state;
    double ts[] = {3.0 * DAY_S, 10.0 * DAY_S, 40.0 * DAY_S};
    double vs[] = {517.0, 1703.0, 949.0};
    spec_workload w = workload("series", SPEC_GROWTH_SERIES);
    w.start = 0;
    w.series_len = 3;
    w.series_t = ts;
    w.series_value = vs;
    demand_curve *c = curve(&w);
    assert_close(demand_curve_trend(c, 6 * DAY_S + 12 * HOUR_S), (517.0 + 1703.0) / 2, 1e-9);
    assert_close(demand_curve_trend(c, 25 * DAY_S), (1703.0 + 949.0) / 2, 1e-9);
    assert_close(demand_curve_trend(c, 10 * DAY_S), 1703.0, 1e-9);
    assert_close(demand_curve_trend(c, 1 * DAY_S), 517.0, 0.0);      /* before the first point */
    assert_close(demand_curve_trend(c, 400 * DAY_S), 949.0, 0.0);    /* after the last */
    /* Backwards after forwards: the accelerator must not break lookups. */
    assert_close(demand_curve_trend(c, 4 * DAY_S), 517.0 + (1703.0 - 517.0) / 7.0, 1e-9);
    demand_curve_destroy(c);
}

static void test_diurnal_peak_and_trough(void **state)
{
    (void)state;
    spec_workload w = workload("diurnal", SPEC_GROWTH_EXPONENTIAL);
    w.start = 0;
    w.yearly_factor = 1.0;
    w.diurnal_amplitude = 0.37;
    w.peak_hour = 14.5;
    const int64_t peak = 5 * DAY_S + 14 * HOUR_S + 1800;
    const int64_t trough = 5 * DAY_S + 2 * HOUR_S + 1800;
    assert_close(demand_diurnal(&w, peak), 1.37, 1e-12);
    assert_close(demand_diurnal(&w, trough), 0.63, 1e-12);
    assert_close(demand_diurnal(&w, peak + 6 * HOUR_S), 1.0, 1e-12);  /* quarter day: cos = 0 */
    demand_curve *c = curve(&w);
    /* sigma = 0: no noise, demand = trend x diurnal exactly. */
    assert_close(demand_curve_at(c, peak), 1234.5 * 1.37, 1e-9);
    assert_close(demand_curve_at(c, trough), 1234.5 * 0.63, 1e-9);
    demand_curve_destroy(c);
}

/* Mean of the lognormal multiplier: 1 within 4 standard errors, where the
 * variance of exp(sigma Z - sigma^2 / 2) is exp(sigma^2) - 1. */
static void test_noise_mean_is_one(void **state)
{
    (void)state;
    spec_workload w = workload("noisy", SPEC_GROWTH_EXPONENTIAL);
    w.noise_sigma = 0.3;
    demand_curve *c = curve(&w);
    const int n = 20000;
    double sum = 0.0, min = INFINITY;
    for (int i = 0; i < n; i++) {
        const double x = demand_curve_noise(c);
        sum += x;
        min = x < min ? x : min;
    }
    const double se = sqrt((exp(0.3 * 0.3) - 1.0) / n);
    assert_close(sum / n, 1.0, 4.0 * se);
    if (!(min > 0.0))
        fail_msg("multiplier min = %g, expected > 0", min);
    demand_curve_destroy(c);
}

/* One stream per workload: same name and seed repeat, another name differs. */
static void test_noise_streams(void **state)
{
    (void)state;
    spec_workload a = workload("alpha", SPEC_GROWTH_EXPONENTIAL);
    spec_workload b = workload("beta", SPEC_GROWTH_EXPONENTIAL);
    a.noise_sigma = b.noise_sigma = 0.21;
    demand_curve *a1 = curve(&a), *a2 = curve(&a), *b1 = curve(&b);
    int same_as_beta = 0;
    for (int i = 0; i < 50; i++) {
        const double x = demand_curve_at(a1, a.start + i * HOUR_S);
        const double y = demand_curve_at(a2, a.start + i * HOUR_S);
        if (memcmp(&x, &y, sizeof x) != 0)
            fail_msg("tick %d: %.17g != %.17g", i, x, y);
        same_as_beta += x == demand_curve_at(b1, a.start + i * HOUR_S);
    }
    assert_int_equal(same_as_beta, 0);
    demand_curve_destroy(a1);
    demand_curve_destroy(a2);
    demand_curve_destroy(b1);
    demand_curve_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exponential_closed_form),
        cmocka_unit_test(test_logistic_closed_form),
        cmocka_unit_test(test_series_interpolation_and_clamping),
        cmocka_unit_test(test_diurnal_peak_and_trough),
        cmocka_unit_test(test_noise_mean_is_one),
        cmocka_unit_test(test_noise_streams),
    };
    return cmocka_run_group_tests_name("demand", tests, NULL, NULL);
}
