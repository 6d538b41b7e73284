/*
 * sensitivity: the estimators of global sensitivity indices, as pure
 * functions of arrays: the model's outputs at the points of a design
 * (sweep_plan.h gives the layouts) in, indices with bootstrap intervals
 * out. No SQLite, no files: sweep_indices.c reads the metrics from the
 * store and writes what these return.
 *
 * Variance-based (Sobol) indices from a Saltelli design of N base rows and
 * d parameters, y holding N x (d + 2) outputs in the plan's order (A rows,
 * B rows, then the A_B^i blocks):
 *   V   = the variance of f over A and B together (2N values, divided by
 *         2N);
 *   S_i = (1/N) sum_j f(B)_j (f(A_B^i)_j - f(A)_j) / V   (Saltelli et al.
 *         2010, their table 2, (b)), with f(B) centred on the mean over A
 *         and B (sensitivity.c says why);
 *   T_i = (1/(2N)) sum_j (f(A)_j - f(A_B^i)_j)^2 / V    (Jansen 1999).
 * Elementary effects from r Morris trajectories of d + 1 points each (the
 * design's coordinates in [0, 1]^d and the outputs): along a trajectory
 * consecutive points differ in one parameter i, by +-delta, and
 *   EE_i = (f(x + delta e_i) - f(x)) / delta,
 * an effect per step of the normalised parameter: for f = sum c_i x_i with
 * x_i on [lo_i, hi_i], EE_i = c_i (hi_i - lo_i) (on a log scale the step is
 * in log x). mu = mean EE_i, mu* = mean |EE_i| (Campolongo, Cariboni and
 * Saltelli 2007), sigma = their standard deviation (divided by r - 1).
 *
 * Intervals: `resamples` bootstrap resamples of the N base rows (or the r
 * trajectories), drawn with replacement from a stream seeded by `seed`
 * (sim/engine/rng, stream "sweep/bootstrap"); the 2.5% and 97.5% quantiles
 * of the resampled indices. A resample whose variance is zero (possible
 * when few rows differ) is drawn again, at most 10 times over.
 *
 * Returns SENSITIVITY_OK, SENSITIVITY_NO_VARIANCE when every output is the
 * same (the indices would divide by zero: the caller stores none), or
 * SENSITIVITY_BAD_DESIGN / SENSITIVITY_NO_MEMORY. Outputs are never NaN
 * when SENSITIVITY_OK is returned.
 */
#ifndef CAPSIM_SENSITIVITY_H
#define CAPSIM_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

#define SENSITIVITY_RESAMPLES 1000

enum {
    SENSITIVITY_OK = 0,
    SENSITIVITY_NO_VARIANCE = 1,
    SENSITIVITY_BAD_DESIGN = -1,   /* not the layout the estimator expects */
    SENSITIVITY_NO_MEMORY = -2
};

/* An index with its bootstrap 95% interval (low <= high). */
typedef struct sensitivity_estimate {
    double value;
    double low, high;
} sensitivity_estimate;

/* The bootstrap: resamples (0: the interval is the value itself) and the
 * seed of its stream. */
typedef struct sensitivity_bootstrap {
    size_t resamples;
    uint64_t seed;
} sensitivity_bootstrap;

/* operations */
/* First-order S[i] and total T[i], i < d, from y[n (d + 2)]. */
int sensitivity_saltelli(const double *y, size_t n, size_t d, const sensitivity_bootstrap *b,
                         sensitivity_estimate *first, sensitivity_estimate *total);
/* mu_star[i], mu[i], sigma[i], i < d, from the design unit[r (d + 1) x d]
 * (row-major by point) and y[r (d + 1)]. SENSITIVITY_BAD_DESIGN when two
 * consecutive points of a trajectory do not differ in exactly one
 * parameter. */
int sensitivity_morris(const double *unit, const double *y, size_t r, size_t d,
                       const sensitivity_bootstrap *b, sensitivity_estimate *mu_star,
                       sensitivity_estimate *mu, sensitivity_estimate *sigma);

/* queries */
/* "ok", "no variance", ... */
const char *sensitivity_strerror(int code);

#endif
