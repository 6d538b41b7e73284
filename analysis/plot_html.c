/*
 * plot_html: index.html beside the charts. Self-contained (inline CSS, no
 * scripts, relative links to the chart files only), so the folder can be
 * zipped, mailed and opened offline.
 */
#include "plot.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char style[] =
    "body{font-family:sans-serif;margin:2em;max-width:1200px;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}"
    "table{border-collapse:collapse;font-size:.85em}"
    "th,td{border:1px solid #ccc;padding:2px 6px}th{background:#eee}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "figure{margin:1em 0}img{max-width:100%;border:1px solid #ddd}"
    "nav a{margin-right:1em}";

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
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
    html_text(f, scenario);
    fprintf(f, "</h1>\n<p>Run %lld of <code>", (long long)run);
    html_text(f, db_path);
    fprintf(f, "</code>. Charts are PNG; each has an SVG version for slides. The tables are "
               "the output of <code>capsim report</code>%s.</p>\n", sweep > 0 ?
               " (the sweep's report, then that of the run)" : "");
}

static void write_charts(FILE *f, const plot_set *set)
{
    fputs("<h2>Charts</h2>\n<nav>", f);
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
}

int plot_write_index(sqlite3 *db, const char *db_path, int64_t run, const plot_set *charts,
                     const char *out_dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index.html", out_dir);
    atable_list l = {0};
    int64_t sweep = report_sweep_id(db);
    if ((sweep > 0 && report_sweep_build(db, sweep, NULL, &l) != 0) ||
        report_build(db, run, &l, NULL) != 0) {
        atable_list_free(&l);
        return -1;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        atable_list_free(&l);
        return -1;
    }
    write_head(f, db_path, run, sweep, atable_list_find(&l, "run"));
    write_charts(f, charts);
    for (size_t i = 0; i < l.n; i++)
        atable_write_html(l.items[i], f);
    fputs("</body>\n</html>\n", f);
    atable_list_free(&l);
    return fclose(f) == 0 ? 0 : -1;
}
