/*
 * stats: replication statistics with GSL.
 */
#include "stats.h"

#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

double astats_t95(double df)
{
    return gsl_cdf_tdist_Pinv(0.975, df);
}

int astats_compute(double *values, size_t n, astats *s)
{
    if (n == 0)
        return -1;
    gsl_sort(values, 1, n);
    s->n = n;
    s->mean = gsl_stats_mean(values, 1, n);
    s->sd = s->ci_low = s->ci_high = NAN;
    if (n >= 2) {
        s->sd = gsl_stats_sd_m(values, 1, n, s->mean);
        double half = astats_t95((double)(n - 1)) * s->sd / sqrt((double)n);
        s->ci_low = s->mean - half;
        s->ci_high = s->mean + half;
    }
    s->p10 = gsl_stats_quantile_from_sorted_data(values, 1, n, 0.10);
    s->p50 = gsl_stats_quantile_from_sorted_data(values, 1, n, 0.50);
    s->p90 = gsl_stats_quantile_from_sorted_data(values, 1, n, 0.90);
    return 0;
}
