/*
 * search: targets, grids, intervals, verdicts and the bisection (see the
 * header). Nothing here runs a scenario.
 */
#include "search.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "../util/textnum.h"

#define TARGET_EXAMPLE "e.g. --target 'shortfall_h100_hours.openai-chatgpt <= 1000'"

/* ---- parsing ---- */

const char *search_op_name(search_op op)
{
    static const char *const names[] = {"<=", "<", ">=", ">"};
    return (unsigned)op < 4 ? names[op] : "?";
}

static int metric_char(int c)
{
    return isalnum(c) || c == '.' || c == '_' || c == '-' || c == ':';
}

/* Copies [from, to) without surrounding spaces into out (out_len > 0). */
static void copy_trimmed(const char *from, const char *to, char *out, size_t out_len)
{
    while (from < to && isspace((unsigned char)*from))
        from++;
    while (to > from && isspace((unsigned char)to[-1]))
        to--;
    size_t n = (size_t)(to - from);
    if (n >= out_len)
        n = out_len - 1;
    memcpy(out, from, n);
    out[n] = '\0';
}

int search_target_parse(const char *text, search_target *t, char *err, size_t err_len)
{
    const char *op = strpbrk(text, "<>=");
    if (!op) {
        snprintf(err, err_len, "--target '%s': expected METRIC <= X (or <, >=, >); "
                 TARGET_EXAMPLE, text);
        return -1;
    }
    if (op[0] == '=') {
        snprintf(err, err_len, "--target '%s': '=' alone is not a target; use <=, <, >= or "
                 ">; " TARGET_EXAMPLE, text);
        return -1;
    }
    int eq = op[1] == '=';
    t->op = op[0] == '<' ? (eq ? SEARCH_LE : SEARCH_LT) : (eq ? SEARCH_GE : SEARCH_GT);
    copy_trimmed(text, op, t->metric, sizeof t->metric);
    const char *rest = op + 1 + eq;
    char number[128];
    copy_trimmed(rest, rest + strlen(rest), number, sizeof number);
    if (!t->metric[0]) {
        snprintf(err, err_len, "--target '%s': no metric before '%s'; " TARGET_EXAMPLE, text,
                 search_op_name(t->op));
        return -1;
    }
    for (const char *c = t->metric; *c; c++)
        if (!metric_char((unsigned char)*c)) {
            snprintf(err, err_len, "--target '%s': '%s' is not a metric name (letters, digits "
                     "and . _ - only); " TARGET_EXAMPLE, text, t->metric);
            return -1;
        }
    if (textnum_real(number, &t->threshold) != TEXTNUM_OK) {
        snprintf(err, err_len, "--target '%s': '%s' after '%s' is not a number; "
                 TARGET_EXAMPLE, text, number, search_op_name(t->op));
        return -1;
    }
    return 0;
}

int search_range_parse(const char *text, double *lo, double *hi, char *err, size_t err_len)
{
    const char *dots = strstr(text, "..");
    char a[128], b[128];
    if (dots) {
        copy_trimmed(text, dots, a, sizeof a);
        copy_trimmed(dots + 2, dots + strlen(dots), b, sizeof b);
    }
    if (!dots || textnum_real(a, lo) != TEXTNUM_OK || textnum_real(b, hi) != TEXTNUM_OK) {
        snprintf(err, err_len, "--range '%s': expected LO..HI, two numbers, e.g. --range "
                 "8000..40000", text);
        return -1;
    }
    if (!(*lo < *hi)) {
        snprintf(err, err_len, "--range '%s': LO must be below HI", text);
        return -1;
    }
    return 0;
}

int search_grid_make(double lo, double hi, double step, search_grid *g, char *err,
                     size_t err_len)
{
    if (!(step > 0) || !isfinite(step)) {
        snprintf(err, err_len, "--step %g: expected a positive number", step);
        return -1;
    }
    /* a small allowance so that HI itself is a point when (HI - LO) / STEP
     * is a whole number up to rounding (0.1 steps) */
    double count = floor((hi - lo) / step * (1 + 1e-12) + 1e-9);
    if (count < 1) {
        snprintf(err, err_len, "--step %g: the range %g..%g holds fewer than two grid points; "
                 "use a smaller step", step, lo, hi);
        return -1;
    }
    if (count + 1 > SEARCH_MAX_GRID) {
        snprintf(err, err_len, "--step %g: the range %g..%g holds more than %d grid points; "
                 "use a larger step", step, lo, hi, SEARCH_MAX_GRID);
        return -1;
    }
    g->lo = lo;
    g->hi = hi;
    g->step = step;
    g->n = (size_t)count + 1;
    return 0;
}

double search_grid_value(const search_grid *g, size_t i)
{
    /* to 12 significant digits, as sweep_plan prints grid steps: 0.1 + 6 x
     * 0.1 is 0.7, not 0.7000000000000001 */
    char text[64];
    snprintf(text, sizeof text, "%.12g", g->lo + (double)i * g->step);
    return strtod(text, NULL);
}

void search_format_value(double v, char *out, size_t out_len)
{
    if (v == floor(v) && fabs(v) < 9.0e15) {
        snprintf(out, out_len, "%.0f", v);
        return;
    }
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(out, out_len, "%.*g", digits, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

/* ---- judging ---- */

void search_interval(const double *x, size_t n, double confidence, double *mean, double *low,
                     double *high)
{
    *mean = gsl_stats_mean(x, 1, n);
    if (n < 2) {
        *low = *high = *mean;
        return;
    }
    double sd = gsl_stats_sd_m(x, 1, n, *mean);
    double t = gsl_cdf_tdist_Pinv(0.5 + confidence / 2, (double)(n - 1));
    double half = t * sd / sqrt((double)n);
    *low = *mean - half;
    *high = *mean + half;
}

int search_holds(const search_target *t, double low, double high)
{
    switch (t->op) {
    case SEARCH_LE: return high <= t->threshold;
    case SEARCH_LT: return high < t->threshold;
    case SEARCH_GE: return low >= t->threshold;
    case SEARCH_GT: return low > t->threshold;
    }
    return 0;
}

/* ---- bisection ---- */

search_outcome search_bisect(size_t n, int largest, search_verdict_fn verdict, void *ctx,
                             size_t *answer, size_t *neighbour)
{
    /* in "steps from the failing end": k = i for the smallest answer,
     * k = n - 1 - i for the largest; the verdict fails at k = 0 and holds
     * at k = n - 1 */
    size_t far = largest ? 0 : n - 1, near = largest ? n - 1 : 0;
    int v = verdict(ctx, far);
    if (v < 0)
        return SEARCH_ABORTED;
    if (!v)
        return SEARCH_FAILS_AT_FAR_END;
    v = verdict(ctx, near);
    if (v < 0)
        return SEARCH_ABORTED;
    if (v)
        return SEARCH_HOLDS_AT_NEAR_END;
    size_t fail_k = 0, hold_k = n - 1;   /* invariant: fails at fail_k, holds at hold_k */
    while (hold_k - fail_k > 1) {
        size_t mid = fail_k + (hold_k - fail_k) / 2;
        v = verdict(ctx, largest ? n - 1 - mid : mid);
        if (v < 0)
            return SEARCH_ABORTED;
        if (v)
            hold_k = mid;
        else
            fail_k = mid;
    }
    *answer = largest ? n - 1 - hold_k : hold_k;
    *neighbour = largest ? n - 1 - fail_k : fail_k;
    return SEARCH_FOUND;
}

static int by_index(const void *a, const void *b)
{
    const search_probe *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

size_t search_non_monotone(const search_probe *probes, size_t n, const search_target *t,
                           int largest, size_t *bad)
{
    if (n < 2)
        return 0;
    search_probe *sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return 0;
    memcpy(sorted, probes, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_index);
    /* +1: the metric should rise along the grid, -1: fall */
    int upper = t->op == SEARCH_LE || t->op == SEARCH_LT;
    int direction = (upper ? -1 : 1) * (largest ? -1 : 1);
    size_t count = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        double change = sorted[i + 1].mean - sorted[i].mean;
        if (direction * change >= 0)
            continue;
        if (count == 0 || bad[count - 1] != sorted[i].index)
            bad[count++] = sorted[i].index;
        bad[count++] = sorted[i + 1].index;
    }
    free(sorted);
    return count;
}
