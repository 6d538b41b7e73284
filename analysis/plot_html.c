/*
 * plot_html: index.html beside the charts. Self-contained (inline CSS, no
 * scripts, relative links to the chart files only), so the folder can be
 * zipped, mailed and opened offline. In reading order: a sweep's summary
 * (when the file is a sweep), the run's headline, the replications'
 * summary (when it has some), the timeline of notable events, the charts,
 * then the report's other tables.
 */
#include "plot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"
#include "report.h"
#include "table.h"

static const char style[] =
    "body{font-family:sans-serif;margin:1em auto;padding:0 1em;max-width:1200px;color:#222}"
    "section{margin-bottom:1.5em}p.period{font-size:1.1em}"
    "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}"
    "table{border-collapse:collapse;font-size:.85em}"
    "th,td{border:1px solid #ccc;padding:2px 6px}th{background:#eee}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "figure{margin:1em 0}img{width:100%;height:auto;border:1px solid #ddd}"
    "nav a{margin-right:1em}table.timeline td:nth-child(4){font-size:.9em}"
    "table{max-width:100%;display:block;overflow-x:auto}";

static void write_head(FILE *f, const char *db_path, int64_t run, int64_t sweep,
                       const atable *info)
{
    const char *scenario = "";
    for (size_t r = 0; info && r < info->nrows; r++) {
        const atable_cell *k = atable_at(info, r, 0), *v = atable_at(info, r, 1);
        if (k->s && !strcmp(k->s, "scenario_name") && v->type == SQLITE_TEXT)
            scenario = v->s;
    }
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<title>capsim: ");
    html_text(f, scenario);
    fprintf(f, "</title>\n<meta name=\"viewport\" content=\"width=device-width, "
               "initial-scale=1\">\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
    html_text(f, scenario);
    fprintf(f, "</h1>\n<p>Run %lld of <code>", (long long)run);
    html_text(f, db_path);
    fprintf(f, "</code>. Charts are PNG; each has an SVG version for slides. The tables are "
               "the output of <code>capsim report</code>%s.</p>\n", sweep > 0 ?
               " (the sweep's report, then that of the run)" : "");
    fprintf(f, "<nav>%s<a href=\"#headline\">Headline</a> %s<a href=\"#timeline\">Timeline</a> "
               "<a href=\"#charts\">Charts</a> <a href=\"#tables\">Tables</a></nav>\n",
               sweep > 0 ? "<a href=\"#sweep-summary\">Sweep</a> " : "",
               "<a href=\"#replications\">Replications</a> ");
}

/* Headline metrics of the replications' summary: the metric name up to
 * its first '.', and at most one '.' (per workload or provider, not per
 * year). */
static int is_headline_metric(const char *m)
{
    static const char *const keep[] = {"shortfall_h100_hours", "first_shortfall_t",
                                       "revenue_usd", "margin_usd", "energy_mwh",
                                       "peak_power_mw", "contracts_procured"};
    const char *dot = strchr(m, '.');
    size_t n = dot ? (size_t)(dot - m) : strlen(m);
    if (dot && strchr(dot + 1, '.'))
        return 0;
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
        if (strlen(keep[i]) == n && !strncmp(m, keep[i], n))
            return 1;
    return 0;
}

/* metric_stats cut to the headline metrics (the full table is with the
 * others, after the charts). */
static void write_headline_stats(FILE *f, const atable *t)
{
    atable *h = atable_new("metric_stats_headline", "Headline metrics over the replications: "
                           "mean, 95% interval of the mean, P10-P90 (all metrics: below the "
                           "charts)", t->ncols, (const char *const *)t->cols);
    for (size_t r = 0; h && r < t->nrows; r++) {
        const atable_cell *m = atable_at(t, r, 0);
        if (m->type != SQLITE_TEXT || !is_headline_metric(m->s))
            continue;
        size_t row = atable_add_row(h);
        for (int c = 0; row != (size_t)-1 && c < t->ncols; c++) {
            const atable_cell *v = atable_at(t, r, c);
            if (v->type == SQLITE_TEXT)
                atable_set_text(h, row, c, v->s);
            else if (v->type == SQLITE_INTEGER)
                atable_set_int(h, row, c, v->i);
            else if (v->type == SQLITE_FLOAT)
                atable_set_real(h, row, c, v->r);
        }
    }
    if (h)
        atable_write_html(h, f);
    atable_free(h);
}

/* The report's tables on replications and groups of runs. */
static int is_replication_table(const atable *t)
{
    return !strcmp(t->name, "replications") || !strcmp(t->name, "groups");
}

static void write_charts(FILE *f, const plot_set *set)
{
    fputs("<section id=\"charts\">\n<h2>Charts</h2>\n<nav>", f);
    for (int i = 0; i < set->n; i++) {
        fprintf(f, "<a href=\"#");
        html_text(f, set->charts[i].name);
        fputs("\">", f);
        html_text(f, set->charts[i].name);
        fputs("</a> ", f);
    }
    fputs("</nav>\n", f);
    for (int i = 0; i < set->n; i++) {
        const plot_chart *c = &set->charts[i];
        fputs("<figure id=\"", f);
        html_text(f, c->name);
        fputs("\"><img src=\"", f);
        html_text(f, c->name);
        fputs(".png\" alt=\"", f);
        html_text(f, c->title);
        fputs("\"><figcaption>", f);
        html_text(f, c->title);
        fputs(" (<a href=\"", f);
        html_text(f, c->name);
        fputs(".svg\">SVG</a>)</figcaption></figure>\n", f);
    }
    fputs("</section>\n", f);
}

/* Writes the text report from tables l (n_sweep of them the sweep's) to
 * path.part. 0 or -1. */
static int write_text(const atable_list *l, size_t n_sweep, const plot_text *text)
{
    char part[4096];
    if (snprintf(part, sizeof part, "%s.part", text->path) >= (int)sizeof part)
        return -1;
    FILE *f = fopen(part, "w");
    if (!f)
        return -1;
    const int sweep = n_sweep > 0 && !text->run_only;
    const atable_list shown = {.items = l->items + (sweep ? 0 : n_sweep),
                               .n = sweep ? n_sweep : l->n - n_sweep};
    report_write(&shown, REPORT_TEXT, "", f);
    const int failed = ferror(f);
    return fclose(f) != 0 || failed ? -1 : 0;
}

/* path.part into path (keep), or removed. 0, or -1 with errno set. */
static int commit_part(const char *path, int keep)
{
    char part[4200];
    snprintf(part, sizeof part, "%s.part", path);
    if (!keep) {
        remove(part);
        return 0;
    }
    if (rename(part, path) == 0)
        return 0;
    const int e = errno;
    remove(part);
    errno = e;
    return -1;
}

int plot_index_commit(const char *out_dir, const plot_text *text, int keep)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index.html", out_dir);
    int rc = text && text->path ? commit_part(text->path, keep) : 0;
    if (rc != 0)
        keep = 0;   /* no index without its report */
    return commit_part(path, keep) | rc;
}

int plot_write_index(sqlite3 *db, const char *db_path, int64_t run, const plot_set *charts,
                     const char *out_dir, const plot_text *text)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/index.html.part", out_dir);
    atable_list l = {0};
    int64_t sweep = report_sweep_id(db);
    if (sweep > 0 && report_sweep_build(db, sweep, NULL, &l) != 0) {
        atable_list_free(&l);
        return -1;
    }
    size_t n_sweep = l.n;
    if (report_build(db, run, &l, NULL) != 0 ||
        (text && text->path && write_text(&l, n_sweep, text) != 0)) {
        atable_list_free(&l);
        return -1;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        atable_list_free(&l);
        return -1;
    }
    int rc = 0;
    write_head(f, db_path, run, sweep, atable_list_find(&l, "run"));
    if (n_sweep > 0) {
        fputs("<section id=\"sweep-summary\">\n", f);
        for (size_t i = 0; i < n_sweep; i++)
            atable_write_html(l.items[i], f);
        fputs("</section>\n", f);
    }
    rc |= plot__write_headline(f, db, run);
    fputs("<section id=\"replications\">\n", f);
    int n_rep = 0;
    for (size_t i = n_sweep; i < l.n; i++)
        if (is_replication_table(l.items[i])) {
            atable_write_html(l.items[i], f);
            n_rep++;
        } else if (!strcmp(l.items[i]->name, "metric_stats"))
            write_headline_stats(f, l.items[i]);
    if (n_rep == 0)
        fputs("<h2>Replications</h2>\n<p>This run has no replications (other complete runs of "
              "the same parameters and period with other seeds), so no intervals.</p>\n", f);
    fputs("</section>\n", f);
    rc |= plot__write_timeline(f, db, run);
    write_charts(f, charts);
    fputs("<section id=\"tables\">\n", f);
    for (size_t i = n_sweep; i < l.n; i++)
        if (!is_replication_table(l.items[i]))
            atable_write_html(l.items[i], f);
    fputs("</section>\n</body>\n</html>\n", f);
    atable_list_free(&l);
    return fclose(f) == 0 && rc == 0 ? 0 : -1;
}
