/*
 * Unit tests for the sensitivity estimators (sensitivity.h) against closed
 * forms, on designs built by sweep_plan from sweep files, never through the
 * simulator:
 *  - Ishigami (a = 7, b = 0.1) on a Saltelli design of N = 8192: S and T
 *    against their closed forms (Ishigami and Homma 1990; Sobol' and
 *    Levitan 1999), within 0.03, and within a few bootstrap widths;
 *  - a linear function on Morris trajectories: mu* = |c_i| (hi_i - lo_i),
 *    mu = c_i (hi_i - lo_i), sigma = 0 (exactly on a 2-level grid with
 *    integer ranges, where every number is exact; up to rounding on 4);
 *  - the Sobol g-function (a = 0, 1, 4.5, 9, 99, 99): Morris's mu* ranks
 *    the parameters in the order of their a_i;
 *  - a constant output gives no indices; the bootstrap is seeded.
 */
#include <math.h>
#include <stdlib.h>

#include "testlib.h"

#include "../../sim/sweep/sensitivity.h"
#include "../../sim/sweep/sweep_file.h"
#include "../../sim/sweep/sweep_plan.h"

static sweep_plan *plan_of(testlib_dir *d, const char *text)
{
    const char *path = testlib_dir_write(d, "sweep.ini", text);
    sweep_file *f = sweep_file_read(path, d->err, sizeof d->err);
    if (!f)
        fail_msg("sweep_file_read: %s", d->err);
    sweep_plan *p = sweep_plan_create(f, d->err, sizeof d->err);
    if (!p)
        fail_msg("sweep_plan_create: %s", d->err);
    sweep_file_destroy(f);
    return p;
}

/* The value of parameter k at point i, as the run would get it. */
static double value_at(const sweep_plan *p, size_t i, size_t k)
{
    return strtod(sweep_plan_value(p, i, k), NULL);
}

#define HEAD "[sweep]\nscenario = s.ini\n"
#define PI_RANGE "range = -3.141592653589793 .. 3.141592653589793\n"

static double ishigami(double x1, double x2, double x3)
{
    const double a = 7, b = 0.1;
    return sin(x1) + a * sin(x2) * sin(x2) + b * pow(x3, 4) * sin(x1);
}

static void test_ishigami_saltelli(void **state)
{
    testlib_dir *d = *state;
    enum { N = 8192 };
    sweep_plan *p = plan_of(d, HEAD "method = saltelli\nsamples = 8192\nseed = 2010\n"
                               "[param a.x.one]\n" PI_RANGE "[param a.x.two]\n" PI_RANGE
                               "[param a.x.three]\n" PI_RANGE);
    assert_int_equal(p->n_points, N * 5);
    double *y = malloc(p->n_points * sizeof *y);
    assert_non_null(y);
    for (size_t i = 0; i < p->n_points; i++)
        y[i] = ishigami(value_at(p, i, 0), value_at(p, i, 1), value_at(p, i, 2));
    sensitivity_estimate s[3], t[3];
    sensitivity_bootstrap b = {SENSITIVITY_RESAMPLES, 2010};
    assert_int_equal(sensitivity_saltelli(y, N, 3, &b, s, t), SENSITIVITY_OK);
    /* closed forms: V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2,
     * V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V13 = b^2 pi^8 (1/18 - 1/50) */
    const double a = 7, bb = 0.1, pi4 = pow(M_PI, 4), pi8 = pow(M_PI, 8);
    double v = a * a / 8 + bb * pi4 / 5 + bb * bb * pi8 / 18 + 0.5;
    double v1 = 0.5 * pow(1 + bb * pi4 / 5, 2), v2 = a * a / 8;
    double v13 = bb * bb * pi8 * (1.0 / 18 - 1.0 / 50);
    const double want_s[3] = {v1 / v, v2 / v, 0};
    const double want_t[3] = {(v1 + v13) / v, v2 / v, v13 / v};
    /* the published values, to four places */
    assert_close(want_s[0], 0.3139, 5e-5);
    assert_close(want_s[1], 0.4424, 5e-5);
    assert_close(want_t[0], 0.5576, 5e-5);
    assert_close(want_t[2], 0.2437, 5e-5);
    for (int i = 0; i < 3; i++) {
        assert_close(s[i].value, want_s[i], 0.03);
        assert_close(t[i].value, want_t[i], 0.03);
        /* the interval brackets the closed form, give or take one width
         * (a 95% interval misses 1 time in 20) */
        double ws = s[i].high - s[i].low, wt = t[i].high - t[i].low;
        if (!(ws > 0 && ws < 0.1 && wt > 0 && wt < 0.1))
            fail_msg("index %d: interval widths %g (S) and %g (T), expected in (0, 0.1) at "
                     "N = %d", i, ws, wt, N);
        if (!(want_s[i] >= s[i].low - ws && want_s[i] <= s[i].high + ws))
            fail_msg("S[%d] = %g [%g, %g]: the closed form %g is further than a width away",
                     i, s[i].value, s[i].low, s[i].high, want_s[i]);
        if (!(want_t[i] >= t[i].low - wt && want_t[i] <= t[i].high + wt))
            fail_msg("T[%d] = %g [%g, %g]: the closed form %g is further than a width away",
                     i, t[i].value, t[i].low, t[i].high, want_t[i]);
    }
    /* the same seed, the same intervals; another seed, other ones */
    sensitivity_estimate s2[3], t2[3];
    assert_int_equal(sensitivity_saltelli(y, N, 3, &b, s2, t2), SENSITIVITY_OK);
    assert_real_equal(s2[1].low, s[1].low);
    assert_real_equal(t2[2].high, t[2].high);
    b.seed = 7;
    assert_int_equal(sensitivity_saltelli(y, N, 3, &b, s2, t2), SENSITIVITY_OK);
    assert_real_equal(s2[1].value, s[1].value);
    if (s2[1].low == s[1].low)
        fail_msg("seeds 2010 and 7 gave the same interval, low = %.17g", s[1].low);
    free(y);
    sweep_plan_destroy(p);
}

/* f = sum c_i x_i on Morris trajectories. */
static void check_morris_linear(testlib_dir *d, const char *text, size_t r, int exact)
{
    static const double c[4] = {2.5, -1.75, 0.25, 4};
    static const double lo[4] = {10, -3, 0, 100}, hi[4] = {22, 5, 1000, 164};
    sweep_plan *p = plan_of(d, text);
    assert_int_equal(p->n_points, r * 5);
    double *y = malloc(p->n_points * sizeof *y);
    assert_non_null(y);
    for (size_t i = 0; i < p->n_points; i++) {
        y[i] = 0;
        for (size_t k = 0; k < 4; k++)
            y[i] += c[k] * value_at(p, i, k);
    }
    sensitivity_estimate mu_star[4], mu[4], sigma[4];
    sensitivity_bootstrap b = {200, 1};
    assert_int_equal(sensitivity_morris(p->unit, y, r, 4, &b, mu_star, mu, sigma),
                     SENSITIVITY_OK);
    for (size_t k = 0; k < 4; k++) {
        double effect = c[k] * (hi[k] - lo[k]);
        if (exact) {
            assert_real_equal(mu_star[k].value, fabs(effect));
            assert_real_equal(mu[k].value, effect);
            assert_real_equal(sigma[k].value, 0.0);
            assert_real_equal(mu_star[k].low, fabs(effect));
            assert_real_equal(sigma[k].high, 0.0);
        } else {
            assert_close(mu_star[k].value, fabs(effect), 1e-9 * fabs(effect));
            assert_close(mu[k].value, effect, 1e-9 * fabs(effect));
            assert_close(sigma[k].value, 0, 1e-9 * fabs(effect));
        }
    }
    free(y);
    sweep_plan_destroy(p);
}

static void test_morris_linear(void **state)
{
    testlib_dir *d = *state;
    const char *params = "[param a.x.one]\nrange = 10 .. 22\n[param a.x.two]\nrange = -3 .. 5\n"
                         "[param a.x.three]\nrange = 0 .. 1000\n"
                         "[param a.x.four]\nrange = 100 .. 164\n";
    char text[1024];
    /* 2 levels: every coordinate is an end of its range, every sum exact */
    snprintf(text, sizeof text, HEAD "method = morris\nsamples = 12\nlevels = 2\nseed = 3\n%s",
             params);
    check_morris_linear(d, text, 12, 1);
    snprintf(text, sizeof text, HEAD "method = morris\nsamples = 30\nseed = 4\n%s", params);
    check_morris_linear(d, text, 30, 0);
}

/* Sobol's g-function: g = prod (|4 x_i - 2| + a_i) / (1 + a_i), x in [0,1]:
 * the smaller a_i, the more x_i matters. */
static void test_morris_ranks_g_function(void **state)
{
    testlib_dir *d = *state;
    static const double a[6] = {0, 1, 4.5, 9, 99, 99};
    sweep_plan *p = plan_of(d, HEAD "method = morris\nsamples = 40\nlevels = 6\nseed = 1999\n"
                               "[param g.x.1]\nrange = 0 .. 1\n[param g.x.2]\nrange = 0 .. 1\n"
                               "[param g.x.3]\nrange = 0 .. 1\n[param g.x.4]\nrange = 0 .. 1\n"
                               "[param g.x.5]\nrange = 0 .. 1\n[param g.x.6]\nrange = 0 .. 1\n");
    double *y = malloc(p->n_points * sizeof *y);
    assert_non_null(y);
    for (size_t i = 0; i < p->n_points; i++) {
        y[i] = 1;
        for (size_t k = 0; k < 6; k++)
            y[i] *= (fabs(4 * sweep_plan_unit(p, i, k) - 2) + a[k]) / (1 + a[k]);
    }
    sensitivity_estimate mu_star[6], mu[6], sigma[6];
    assert_int_equal(sensitivity_morris(p->unit, y, 40, 6, NULL, mu_star, mu, sigma),
                     SENSITIVITY_OK);
    for (size_t k = 0; k + 1 < 5; k++)
        if (!(mu_star[k].value > mu_star[k + 1].value))
            fail_msg("mu*[%zu] = %g (a = %g) is not above mu*[%zu] = %g (a = %g)", k,
                     mu_star[k].value, a[k], k + 1, mu_star[k + 1].value, a[k + 1]);
    if (!(mu_star[3].value > mu_star[5].value))
        fail_msg("mu*[3] = %g (a = 9) is not above mu*[5] = %g (a = 99)", mu_star[3].value,
                 mu_star[5].value);
    /* the two a = 99 parameters barely matter: below 2% of the first */
    for (size_t k = 4; k < 6; k++)
        if (!(mu_star[k].value < 0.02 * mu_star[0].value))
            fail_msg("mu*[%zu] = %g (a = 99) is not below 2%% of mu*[0] = %g", k,
                     mu_star[k].value, mu_star[0].value);
    free(y);
    sweep_plan_destroy(p);
}

static void test_constant_and_bad_designs(void **state)
{
    (void)state;
    enum { N = 8, D = 2 };
    double y[N * (D + 2)];
    for (size_t i = 0; i < N * (D + 2); i++)
        y[i] = 42.5;
    sensitivity_estimate s[D], t[D];
    sensitivity_bootstrap b = {100, 1};
    assert_int_equal(sensitivity_saltelli(y, N, D, &b, s, t), SENSITIVITY_NO_VARIANCE);
    assert_int_equal(sensitivity_saltelli(y, 1, D, &b, s, t), SENSITIVITY_BAD_DESIGN);
    /* Morris: constant, and a "trajectory" moving two parameters at once */
    double unit[3 * D] = {0, 0, 1, 1, 1, 0};
    double unit2[6 * D] = {0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1};
    double f[6] = {1, 1, 1, 1, 1, 1};
    sensitivity_estimate m1[D], m2[D], m3[D];
    assert_int_equal(sensitivity_morris(unit2, f, 2, D, &b, m1, m2, m3), SENSITIVITY_NO_VARIANCE);
    f[1] = 2;
    assert_int_equal(sensitivity_morris(unit2, f, 2, D, &b, m1, m2, m3), SENSITIVITY_OK);
    double unit3[6 * D];
    memcpy(unit3, unit, sizeof unit);
    memcpy(unit3 + 3 * D, unit, sizeof unit);
    assert_int_equal(sensitivity_morris(unit3, f, 2, D, &b, m1, m2, m3), SENSITIVITY_BAD_DESIGN);
    assert_string_equal(sensitivity_strerror(SENSITIVITY_NO_VARIANCE),
                        "the metric does not vary over the design");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        testlib_dir_test(test_ishigami_saltelli),
        testlib_dir_test(test_morris_linear),
        testlib_dir_test(test_morris_ranks_g_function),
        cmocka_unit_test(test_constant_and_bad_designs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
