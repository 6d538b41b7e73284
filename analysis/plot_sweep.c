/*
 * plot_sweep: response curves of a sweep. For each headline metric of the
 * sweep report (report_sweep.c, the export --points statistics) and each
 * swept parameter with numeric values, the metric's mean per point against
 * the parameter with its 95% confidence band (Student t over the point's
 * replications). Where the other parameters take few combinations of
 * values (a grid of two parameters: the second one's values), one line and
 * band per combination; otherwise (random or LHS designs, where every
 * point is its own combination) one mark with its interval per point.
 * Chart names: sweep-<metric>-vs-<parameter>.
 *
 * A sweep with sensitivity indices (the report's `sensitivity` table) gets
 * one chart per metric, for up to MAX_SENSITIVITY_CHARTS metrics, drawn
 * before the response curves so that the chart limit never drops them:
 *  - saltelli: bars of S and T per parameter with their bootstrap 95%
 *    intervals, for the metrics with the largest T (the table's order);
 *    chart sensitivity-<metric>;
 *  - morris: mu* against sigma, one labelled mark per parameter with mu*'s
 *    interval, for the market-wide metrics (names without a '.') first;
 *    chart morris-<metric>.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"
#include "report.h"

/* More combinations of the other parameters than this: marks, not lines. */
#define MAX_LINES 8

static const char *const line_colours[MAX_LINES] = {
    "#08519c", "#d94801", "#238b45", "#6a51a3", "#cb181d", "#525252", "#8c6d31", "#ce1256"};

/* One point of a curve. */
typedef struct curve_point {
    const char *key;               /* the other parameters' values, "a = 1, b = 2" */
    double x, mean, lo, hi;
} curve_point;

static int compare_points(const void *pa, const void *pb)
{
    const curve_point *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    return (a->x > b->x) - (a->x < b->x);
}

static double cell_number(const atable *t, size_t r, int col)
{
    const atable_cell *v = atable_at(t, r, col);
    switch (v->type) {
    case SQLITE_INTEGER: return (double)v->i;
    case SQLITE_FLOAT: return v->r;
    case SQLITE_TEXT: {
        char *end;
        double x = strtod(v->s, &end);
        return end != v->s && *end == '\0' ? x : NAN;
    }
    default: return NAN;
    }
}

/* Writes the curve's rows, one gnuplot block (two blank lines) per key;
 * returns the number of keys, or -1. keys_out[i]: block i's key. */
static int write_curves(FILE *f, const curve_point *pts, size_t n, const char **keys_out,
                        size_t max_keys)
{
    size_t keys = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(pts[i].key, pts[i - 1].key) != 0) {
            if (i > 0)
                fputs("\n\n", f);
            if (keys < max_keys)
                keys_out[keys] = pts[i].key;
            keys++;
        }
        fprintf(f, "%.17g,%.17g,%.17g,%.17g\n", pts[i].x, pts[i].mean,
                isnan(pts[i].lo) ? pts[i].mean : pts[i].lo,
                isnan(pts[i].hi) ? pts[i].mean : pts[i].hi);
    }
    return (int)keys;
}

/* "path = value, ..." of the swept parameters other than `skip` that take
 * more than one value. */
static char *other_key(const atable *t, size_t r, const atable *params, size_t skip)
{
    strbuf b = {0};
    int first = 1;
    for (size_t q = 0; q < params->nrows; q++) {
        if (q == skip || atable_at(params, q, 1)->i < 2)
            continue;
        const atable_cell *v = atable_at(t, r, (int)(1 + q));
        strbuf_addf(&b, "%s%s = %s", first ? "" : ", ", t->cols[1 + q],
                    v->type == SQLITE_TEXT ? v->s : "(not set)");
        first = 0;
    }
    const char *s = strbuf_str(&b);
    char *key = strdup(s ? s : "");
    strbuf_free(&b);
    return key;
}

/* The plot command: lines with bands per key, or marks with intervals. */
static void curve_command(strbuf *b, plot_ctx *c, int k, const char **keys, int n_keys)
{
    strbuf_add(b, "plot ");
    if (n_keys > MAX_LINES) {
        plot__add_ref(b, c, k);
        strbuf_add(b, " using 1:2:3:4 with yerrorbars pt 7 ps 0.6 lc rgb '#08519c'"
                      " title 'mean and 95% CI per point'\n");
        return;
    }
    for (int i = 0; i < n_keys; i++) {
        const char *colour = line_colours[i];
        strbuf_add(b, i ? ", " : "");
        plot__add_ref(b, c, k);
        strbuf_addf(b, " index %d using 1:3:4 with filledcurves fc rgb '%s' fs transparent solid"
                    " 0.15 noborder notitle, ", i, colour);
        plot__add_ref(b, c, k);
        strbuf_addf(b, " index %d using 1:2 with linespoints lw 2 pt 7 lc rgb '%s' title '", i,
                    colour);
        const char *label = keys[i][0] ? keys[i] : "mean, 95% CI band";
        for (const char *p = label; *p; p++)
            strbuf_add(b, *p == '\'' ? "''" : (char[2]){*p, 0});
        strbuf_add(b, "'");
    }
    strbuf_add(b, "\n");
}

/* One chart: metric table t against parameter column 1 + p. */
static int chart_response(plot_ctx *c, const atable *t, const atable *params, size_t p)
{
    const char *metric = t->name + strlen("points.");
    const char *path = t->cols[1 + p];
    int mean_col = (int)(1 + params->nrows);
    curve_point *pts = calloc(t->nrows ? t->nrows : 1, sizeof *pts);
    char **keys = calloc(t->nrows ? t->nrows : 1, sizeof *keys);
    size_t n = 0;
    int rc = pts && keys ? 0 : -1;
    double x_min = INFINITY, x_max = -INFINITY, y_min = INFINITY, y_max = -INFINITY;
    for (size_t r = 0; rc == 0 && r < t->nrows; r++) {
        double x = cell_number(t, r, (int)(1 + p)), mean = cell_number(t, r, mean_col);
        if (isnan(x) || isnan(mean))
            continue;
        if (!(keys[n] = other_key(t, r, params, p))) {
            rc = -1;
            break;
        }
        pts[n] = (curve_point){keys[n], x, mean, cell_number(t, r, mean_col + 1),
                               cell_number(t, r, mean_col + 2)};
        x_min = fmin(x_min, x);
        x_max = fmax(x_max, x);
        y_min = fmin(y_min, fmin(mean, pts[n].lo));   /* fmin ignores a NaN bound */
        y_max = fmax(y_max, fmax(mean, pts[n].hi));
        n++;
    }
    if (rc == 0 && n >= 2 && x_max > x_min) {
        qsort(pts, n, sizeof *pts, compare_points);
        char file[128];
        int k = plot__new_data(c, file, sizeof file);
        FILE *f = fopen(file, "w");
        const char *block_keys[MAX_LINES];
        int n_keys = f ? write_curves(f, pts, n, block_keys, MAX_LINES) : -1;
        if (!f || fclose(f) != 0)
            rc = -1;
        else {
            char safe_m[40], safe_p[44], name[96], title[160];   /* name: 10 + 39 + 43 */
            plot_safe_name(metric, safe_m, sizeof safe_m);
            plot_safe_name(path, safe_p, sizeof safe_p);
            snprintf(name, sizeof name, "sweep-%s-vs-%s", safe_m, safe_p);
            snprintf(title, sizeof title, "%s against %s: mean and 95%% CI over the "
                     "replications", metric, path);
            strbuf b = {0};
            strbuf_add(&b, "set grid\nset key outside bottom center horizontal\nset xlabel ");
            strbuf_add(&b, "'");
            for (const char *q = path; *q; q++)
                strbuf_add(&b, *q == '\'' ? "''" : (char[2]){*q, 0});
            strbuf_add(&b, "'\nset ylabel '");
            for (const char *q = metric; *q; q++)
                strbuf_add(&b, *q == '\'' ? "''" : (char[2]){*q, 0});
            strbuf_add(&b, "'\n");
            if (x_min > 0 && x_max / x_min >= 100)
                strbuf_add(&b, "set logscale x\n");
            if (y_max == y_min) {   /* a flat response: a range around it, not gnuplot's warning */
                double pad = fabs(y_min) > 0 ? fabs(y_min) * 0.01 : 1.0;
                strbuf_addf(&b, "set yrange [%.17g:%.17g]\n", y_min - pad, y_max + pad);
            }
            curve_command(&b, c, k, block_keys, n_keys);
            plot__emit_buf(c, name, title, 1000, 500, &b);
        }
    }
    for (size_t i = 0; keys && i < n; i++)
        free(keys[i]);
    free(keys);
    free(pts);
    return rc;
}

/* Sensitivity charts beyond this many metrics are left to export --sensitivity. */
#define MAX_SENSITIVITY_CHARTS 8


/* A cell as a number, `fallback` when NULL. */
static double cell_or(const atable *t, size_t r, int col, double fallback)
{
    double v = cell_number(t, r, col);
    return isnan(v) ? fallback : v;
}

/* The chart of one metric: rows [from, to) of the sensitivity table t. */
static int chart_sensitivity(plot_ctx *c, const atable *t, size_t from, size_t to, int saltelli)
{
    const char *metric = atable_at(t, from, 0)->s;
    char file[128];
    int k = plot__new_data(c, file, sizeof file);
    FILE *f = fopen(file, "w");
    if (!f)
        return -1;
    double lo = 0, hi = saltelli ? 1 : 0;
    for (size_t r = from; r < to; r++) {
        const char *param = atable_at(t, r, 1)->s;
        double v[6];
        if (saltelli) {
            for (int i = 0; i < 2; i++) {
                double x = cell_or(t, r, 2 + 3 * i, 0);
                v[3 * i] = x;
                v[3 * i + 1] = cell_or(t, r, 3 + 3 * i, x);
                v[3 * i + 2] = cell_or(t, r, 4 + 3 * i, x);
                lo = fmin(lo, v[3 * i + 1]);
                hi = fmax(hi, v[3 * i + 2]);
            }
            fprintf(f, "%s,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", param, v[0], v[1], v[2], v[3],
                    v[4], v[5]);
        } else {
            double mu_star = cell_or(t, r, 2, 0), sigma = cell_or(t, r, 6, 0);
            fprintf(f, "%s,%.17g,%.17g,%.17g,%.17g\n", param, mu_star, sigma,
                    cell_or(t, r, 3, mu_star), cell_or(t, r, 4, mu_star));
            hi = fmax(hi, fmax(cell_or(t, r, 4, mu_star), sigma));
        }
    }
    if (fclose(f) != 0)
        return -1;
    char safe[40], name[64], title[200];
    plot_safe_name(metric, safe, sizeof safe);
    snprintf(name, sizeof name, "%s-%s", saltelli ? "sensitivity" : "morris", safe);
    strbuf b = {0};
    if (saltelli) {
        snprintf(title, sizeof title, "%s: Sobol indices S (first order) and T (total) per "
                 "parameter, bootstrap 95%% intervals", metric);
        strbuf_addf(&b, "set style data histograms\nset style histogram errorbars gap 2 lw 1\n"
                        "set style fill solid 0.7 border -1\nset grid ytics\n"
                        "set key outside bottom center horizontal\nset ylabel 'index'\n"
                        "set yrange [%.17g:%.17g]\nset xtics rotate by -15\nplot ",
                    fmin(lo, 0) - 0.05, hi + 0.05);
        plot__add_ref(&b, c, k);
        strbuf_add(&b, " using 2:3:4:xtic(1) title 'S (first order)' lc rgb '#08519c', ");
        plot__add_ref(&b, c, k);
        strbuf_add(&b, " using 5:6:7 title 'T (total)' lc rgb '#d94801'\n");
    } else {
        snprintf(title, sizeof title, "%s: Morris mu* against sigma per parameter (effects per "
                 "step of the normalised range), mu* with its 95%% interval", metric);
        strbuf_add(&b, "set grid\nset key outside bottom center horizontal\n"
                       "set xlabel 'mu* (mean |elementary effect|)'\nset ylabel 'sigma'\n");
        strbuf_addf(&b, "set xrange [0:%.17g]\nset yrange [0:%.17g]\nplot ",
                    hi > 0 ? hi * 1.6 : 1.0, hi > 0 ? hi * 1.25 : 1.0);   /* room for labels */
        plot__add_ref(&b, c, k);
        strbuf_add(&b, " using 2:3:4:5 with xerrorbars pt 7 lc rgb '#08519c' title "
                       "'parameter: mu*, its interval, sigma', ");
        plot__add_ref(&b, c, k);
        strbuf_add(&b, " using 2:3:1 with labels left offset char 1,0.5 notitle, x title "
                       "'sigma = mu*' dt 2 lc rgb '#888888'\n");
    }
    plot__emit_buf(c, name, title, 1000, 500, &b);
    return 0;
}

/* The rows of the next metric from row `from`: returns the end. */
static size_t metric_end(const atable *t, size_t from)
{
    size_t r = from + 1;
    while (r < t->nrows && !strcmp(atable_at(t, r, 0)->s, atable_at(t, from, 0)->s))
        r++;
    return r;
}

static int sensitivity_charts(plot_ctx *c, const atable *t)
{
    int saltelli = t->ncols >= 3 && !strcmp(t->cols[2], "S");
    int drawn = 0, rc = 0;
    /* morris: pass 0 the market-wide metrics, pass 1 the others */
    for (int pass = saltelli ? 1 : 0; pass < 2; pass++)
        for (size_t r = 0; rc == 0 && r < t->nrows && drawn < MAX_SENSITIVITY_CHARTS;) {
            size_t end = metric_end(t, r);
            int wide = strchr(atable_at(t, r, 0)->s, '.') == NULL;
            if (saltelli || (pass == 0) == wide) {
                rc = chart_sensitivity(c, t, r, end, saltelli);
                drawn++;
            }
            r = end;
        }
    return rc;
}

int plot__sweep_charts(plot_ctx *c, int64_t sweep)
{
    atable_list l = {0};
    if (report_sweep_build(c->db, sweep, NULL, &l) != 0) {
        atable_list_free(&l);
        return -1;
    }
    const atable *params = atable_list_find(&l, "sweep_params");
    const atable *sens = atable_list_find(&l, "sensitivity");
    int rc = params ? 0 : -1;
    if (rc == 0 && sens)
        rc = sensitivity_charts(c, sens);
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        const atable *t = l.items[i];
        if (strncmp(t->name, "points.", 7) != 0 || t->ncols != (int)(5 + params->nrows))
            continue;
        for (size_t p = 0; rc == 0 && p < params->nrows; p++)
            if (atable_at(params, p, 1)->i >= 2)
                rc = chart_response(c, t, params, p);
    }
    atable_list_free(&l);
    return rc;
}
