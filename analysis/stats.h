/*
 * stats: summary statistics of one metric over replications: mean, sample
 * standard deviation, the 95% confidence interval of the mean from
 * Student's t (GSL's gsl_cdf_tdist_Pinv with n - 1 degrees of freedom), and
 * the 10th, 50th and 90th percentiles by linear interpolation between
 * order statistics (GSL's gsl_stats_quantile_from_sorted_data; the same as
 * numpy's default and Python's statistics.quantiles(method='inclusive')).
 */
#ifndef CAPSIM_STATS_H
#define CAPSIM_STATS_H

#include <stddef.h>

typedef struct astats {
    size_t n;
    double mean;
    double sd;             /* NaN when n < 2 */
    double ci_low, ci_high;/* NaN when n < 2 */
    double p10, p50, p90;
} astats;

/* Computes s over values[0..n) (sorted in place). Returns 0, or -1 when n == 0. */
int astats_compute(double *values, size_t n, astats *s);
/* The two-sided 95% Student t critical value for df degrees of freedom. */
double astats_t95(double df);

#endif
