/*
 * plot: writes each chart's data (CSV, from SQL or from a pass over a
 * per-tick table) and a gnuplot script into a temporary folder, starts
 * gnuplot once, builds index.html (and the text report, with --report) as
 * parts while it draws, checks that every chart file was written, then
 * renames the parts into place. Each chart's body is emitted twice, once
 * per terminal (pngcairo, svg), after a `reset`.
 */
#include "plot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "adb.h"
#include "plot_internal.h"
#include "report.h"
#include "stats.h"
#include "../sim/util/strbuf.h"


/* The x axis of a daily chart: the run's whole period (first day to the
 * day after the last, so the last label is drawn), monthly or quarterly
 * labels, a right margin wide enough for the rotated last label. */
void plot__time_axis(strbuf *b, const plot_ctx *c)
{
    const char *q = *c->first_day ? "'" : "";
    int step = c->months > 24 ? 6 : c->months > 8 ? 3 : 1;
    strbuf_addf(b, "set xdata time\nset timefmt '%%Y-%%m-%%d'\nset format x '%%Y-%%m'\n"
                "set xrange [%s%s%s:%s%s%s]\nset xtics %d * 30.4375 * 86400 rotate by -30\n"
                "set mxtics %d\nset rmargin 6\nset grid xtics ytics lc rgb '#dddddd'\n",
                q, *c->first_day ? c->first_day : "*", q, q, *c->end_day ? c->end_day : "*", q,
                step, step);
}

/* The first day of the run and the day after its last tick (plot_ctx);
 * empty when the run stored no ticks. */
static void run_period(plot_ctx *c)
{
    sqlite3_stmt *s = NULL;
    int ok = 0;
    if (sqlite3_prepare_v2(c->db, "SELECT substr(min(date), 1, 10), date(max(date), '+1 day'),"
                           " CAST(round((julianday(max(date)) - julianday(min(date))) / 30.4375)"
                           " AS INTEGER) FROM tick WHERE run_id = ?1", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, c->run);
        if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) == SQLITE_TEXT) {
            snprintf(c->first_day, sizeof c->first_day, "%s", sqlite3_column_text(s, 0));
            snprintf(c->end_day, sizeof c->end_day, "%s", sqlite3_column_text(s, 1));
            c->months = sqlite3_column_int(s, 2);
            ok = 1;
        }
    }
    sqlite3_finalize(s);
    if (!ok)
        c->first_day[0] = c->end_day[0] = '\0';
}

void plot_safe_name(const char *name, char *out, size_t len)
{
    size_t o = 0;
    for (; *name && o + 1 < len; name++) {
        char c = *name;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        out[o++] = ok ? c : '_';
    }
    out[o] = '\0';
}

void plot__gp_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        if (*s != '\n' && *s != '\r')
            fputc(*s, f);
    }
    fputc('\'', f);
}

int plot__new_data(plot_ctx *c, char *path, size_t len)
{
    snprintf(path, len, "%s/d%d.csv", c->tmp, c->n_data);
    return c->n_data++;
}

/* Runs sql (?1 = run, ?2 = arg) into a data file: one line per row, fields
 * separated by commas, NULL as NaN. With block_column >= 0, a blank line
 * goes before each row whose value in that column differs from the row
 * before (gnuplot's scan lines for `with image`). Returns the file index or
 * -1. */
/* Opens the next data file and prepares sql with ?1 = run, ?2 = arg (when
 * present). Returns the file index, or -1 with nothing left open. */
static int open_data(plot_ctx *c, const char *sql, int64_t arg, FILE **f, sqlite3_stmt **s)
{
    char path[128];
    int k = plot__new_data(c, path, sizeof path);
    *s = NULL;
    *f = fopen(path, "w");
    if (!*f || sqlite3_prepare_v2(c->db, sql, -1, s, NULL) != SQLITE_OK) {
        if (*f)
            fclose(*f);
        return -1;
    }
    sqlite3_bind_int64(*s, 1, c->run);
    if (sqlite3_bind_parameter_count(*s) >= 2)
        sqlite3_bind_int64(*s, 2, arg);
    return k;
}

int plot__write_blocks(plot_ctx *c, const char *sql, int64_t arg, int block_column)
{
    FILE *f;
    sqlite3_stmt *s;
    int k = open_data(c, sql, arg, &f, &s);
    if (k < 0)
        return -1;
    int rc, n = sqlite3_column_count(s), rows = 0;
    int64_t block = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (block_column >= 0) {
            int64_t b = sqlite3_column_int64(s, block_column);
            if (rows > 0 && b != block)
                fputc('\n', f);
            block = b;
        }
        for (int i = 0; i < n; i++) {
            const unsigned char *v = sqlite3_column_text(s, i);
            fprintf(f, "%s%s", i ? "," : "", v ? (const char *)v : "NaN");
        }
        fputc('\n', f);
        rows++;
    }
    sqlite3_finalize(s);
    if (fclose(f) != 0 || rc != SQLITE_DONE)
        return -1;
    return rows > 0 ? k : -1;
}

static int write_data(plot_ctx *c, const char *sql, int64_t arg)
{
    return plot__write_blocks(c, sql, arg, -1);
}

/* Emits a chart for both terminals and records it. */
static void emit(plot_ctx *c, const char *name, const char *title, int w, int h,
                 const char *body)
{
    static const char *const terms[2][2] = {
        {"pngcairo", "png"}, {"svg", "svg"}};
    if (c->set.n == PLOT_MAX_CHARTS)
        return;
    for (int t = 0; t < 2; t++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.%s", c->out, name, terms[t][1]);
        fprintf(c->gp, "reset\nset terminal %s size %d,%d noenhanced font 'sans,10'%s\n",
                terms[t][0], w, h, t ? " background '#ffffff'" : "");
        fputs("set output ", c->gp);
        plot__gp_string(c->gp, path);
        fputs("\nset datafile separator ','\nset title ", c->gp);
        plot__gp_string(c->gp, title);
        fprintf(c->gp, "\n%s\nset output\n", body);
    }
    plot_chart *ch = &c->set.charts[c->set.n++];
    snprintf(ch->name, sizeof ch->name, "%s", name);
    snprintf(ch->title, sizeof ch->title, "%s", title);
}

void plot__emit_buf(plot_ctx *c, const char *name, const char *title, int w, int h, strbuf *b)
{
    const char *body = strbuf_str(b);
    if (body)
        emit(c, name, title, w, h, body);
    strbuf_free(b);
}

void plot__add_ref(strbuf *b, plot_ctx *c, int k)
{
    char path[128];
    snprintf(path, sizeof path, "'%s/d%d.csv'", c->tmp, k);
    strbuf_add(b, path);
}

/* Text for a gnuplot single-quoted string, quotes doubled. */
static void add_quoted(strbuf *b, const char *s)
{
    strbuf_add(b, "'");
    for (; *s; s++)
        if (*s != '\n' && *s != '\r')
            strbuf_add(b, *s == '\'' ? "''" : (char[2]){*s, 0});
    strbuf_add(b, "'");
}

/* One event marker: a dotted vertical line and its rotated label. */
static void add_marker(strbuf *b, const char *day, const char *text)
{
    char label[56];
    snprintf(label, sizeof label, strlen(text) < sizeof label ? "%s" : "%.48s ...", text);
    strbuf_addf(b, "set arrow from '%s', graph 0 to '%s', graph 1 nohead dt 3"
                " lc rgb '#777777' back\nset label ", day, day);
    add_quoted(b, label);
    strbuf_addf(b, " at '%s', graph 0.98 right rotate by 90 offset -0.6,0 font ',8'"
                " tc rgb '#444444' front\n", day);
}

/* Marks the tenant's notable events on a daily chart, those that move its
 * capacity: contracts it leases in starting, ending or terminated, and
 * sites it owns coming online (the first 40 days with such events; the
 * signatures are in index.html's timeline). Events within ten days of a marker join its
 * label, so labels do not print over each other. Failures are not marked:
 * there are too many. */
static void mark_events(plot_ctx *c, strbuf *b, int64_t tenant)
{
    static const char sql[] =
        "SELECT substr(date, 1, 10), group_concat(label, ', '), julianday(substr(date, 1, 10))"
        " FROM (SELECT e.date, e.seq, CASE e.kind WHEN 'contract_start' THEN 'start '"
        "  ELSE 'end ' END || e.entity AS label"
        "  FROM event_log e JOIN contract k ON k.run_id = e.run_id AND k.name = e.entity"
        "  WHERE e.run_id = ?1 AND k.lessee_id = ?2"
        "  AND e.kind IN ('contract_start', 'contract_end', 'contract_terminated')"
        " UNION ALL SELECT e.date, e.seq, 'online ' || e.entity FROM event_log e"
        "  JOIN datacenter d ON d.run_id = e.run_id AND e.message LIKE '% online at ' || d.name"
        "  WHERE e.run_id = ?1 AND e.kind = 'phase_online' AND d.owner_id = ?2"
        " ORDER BY 1, 2) GROUP BY 1 ORDER BY 1 LIMIT 40";
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(s, 1, c->run);
    sqlite3_bind_int64(s, 2, tenant);
    char day[16] = "";
    double day_jd = 0;
    strbuf text = {0};
    while (sqlite3_step(s) == SQLITE_ROW) {
        double jd = sqlite3_column_double(s, 2);
        if (day[0] && jd - day_jd < 10) {
            strbuf_addf(&text, "; %s", sqlite3_column_text(s, 1));
            continue;
        }
        if (day[0] && strbuf_str(&text))
            add_marker(b, day, strbuf_str(&text));
        strbuf_free(&text);
        snprintf(day, sizeof day, "%s", sqlite3_column_text(s, 0));
        day_jd = jd;
        strbuf_add(&text, (const char *)sqlite3_column_text(s, 1));
    }
    if (day[0] && strbuf_str(&text))
        add_marker(b, day, strbuf_str(&text));
    strbuf_free(&text);
    sqlite3_finalize(s);
}

/* Per workload: its capacity as filled layers stacked by source (own GPUs,
 * then each lessor's leases: plot_sources.c), the shortfall shaded between
 * served and demand above them, and the demand line on top, in thousands of
 * H100-equivalent GPUs. The legend goes under the plot. */
static int chart_workloads(plot_ctx *c)
{
    plot_workload *w = NULL;
    int n = 0;
    if (plot__workloads_data(c, 0, &w, &n) != 0)
        return -1;
    for (int j = 0; j < n && c->set.n < PLOT_MAX_CHARTS - 16; j++) {
        const plot_sources src = w[j].src;
        const int k = w[j].file;
        if (k < 0)
            continue;
        char safe[64], name[96], title[256];
        plot_safe_name(w[j].name, safe, sizeof safe);
        snprintf(name, sizeof name, "workload-%lld-%s", (long long)w[j].id, safe);
        snprintf(title, sizeof title, "Workload %s: capacity by source, demand and shortfall"
                 " (daily means)", w[j].name);
        strbuf b = {0};
        plot__time_axis(&b, c);
        mark_events(c, &b, w[j].tenant);
        strbuf_add(&b, "set ylabel 'H100-equivalent GPUs (thousands)'\nset format y '%g'\n"
                       "set yrange [0:*]\nset offsets 0, 0, graph 0.04, 0\n"
                       "set key outside bottom center horizontal maxcols 2"
                       " Left reverse samplen 2 noautotitle\nplot ");
        for (int i = 0; i < src.n; i++) {
            if (i == 0 && !src.has_own)
                continue;   /* an empty layer and no legend entry */
            if (i > (src.has_own ? 0 : 1))
                strbuf_add(&b, ", ");
            plot__add_ref(&b, c, k);
            if (i == 0)
                strbuf_add(&b, " using 1:(0):4");
            else
                strbuf_addf(&b, " using 1:%d:%d", 3 + i, 4 + i);
            strbuf_addf(&b, " with filledcurves fc rgb '%s' fs solid 0.85 noborder title ",
                        src.colour[i]);
            add_quoted(&b, src.label[i]);
        }
        strbuf_add(&b, ", '' using 1:3:2 with filledcurves fc rgb '#d62728'"
                       " fs transparent solid 0.6 noborder title 'shortfall (demand not served)',"
                       " '' using 1:2 with lines lw 1.5 lc rgb '#000000' title 'demand'");
        plot__emit_buf(c, name, title, 1000, 560, &b);
    }
    plot__workloads_free(w, n);
    return 0;
}

/* "set ytics ('name' row, ...)" for the shown data centers. */
static void dc_tics(const plot_shown *shown, strbuf *b)
{
    strbuf_add(b, "set ytics font ',8' (");
    for (size_t row = 0; row < shown->n; row++) {
        strbuf_add(b, row ? ", " : "");
        add_quoted(b, shown->name[row]);
        strbuf_addf(b, " %zu", row);
    }
    strbuf_add(b, ")\n");
}

/* Each pixel is a day, centred on its noon, so the image spans exactly the
 * run's period. Grey behind the image is "not built / nothing installed";
 * the palette starts at a pale yellow, so 0% busy is not the same colour. */
static int chart_heatmap(plot_ctx *c)
{
    plot_shown shown;
    int k = plot__heatmap_data(c, 0, &shown, &c->power_file);
    if (k < 0) {
        plot__shown_free(&shown);
        return 0;
    }
    strbuf b = {0};
    dc_tics(&shown, &b);
    const int64_t n = (int64_t)shown.n;
    plot__shown_free(&shown);
    strbuf_addf(&b, "set yrange [%lld.5:-0.5]\n", (long long)(n - 1));
    strbuf_addf(&b, "set xdata time\nset timefmt '%%Y-%%m-%%d'\nset format x '%%Y-%%m'\n"
                "set xrange ['%s':'%s']\nset xtics %d * 30.4375 * 86400 rotate by -30\n"
                "set rmargin 12\nset cbrange [0:100]\nset cblabel 'utilisation (%% busy)'\n"
                "set object 1 rectangle from graph 0,0 to graph 1,1 behind"
                " fc rgb '#bdbdbd' fs solid noborder\n"
                "set palette defined (0 '#ffffcc', 30 '#a1dab4', 60 '#41b6c4', 80 '#2c7fb8',"
                " 100 '#253494')\nset key outside bottom center horizontal\nplot ",
                c->first_day, c->end_day, c->months > 24 ? 6 : c->months > 8 ? 3 : 1);
    plot__add_ref(&b, c, k);
    strbuf_add(&b, " using ($1 + 43200):2:($3 * 100) with image notitle, keyentry with boxes"
                   " fc rgb '#bdbdbd' fs solid title 'not built / no GPUs installed'");
    int h = 200 + 14 * (int)(n < 200 ? n : 200);
    plot__emit_buf(c, "dc-utilisation", "Utilisation per data center (daily busy / installed"
                   " GPU-hours; sites with GPUs during the run)", 1100, h, &b);
    return 0;
}

/* Quarterly revenue and margin of one provider ($M): the quarter's first
 * day, then revenue and margin of a quarter the run covers whole, then
 * those of a quarter it covers only partly (its first or last) at their run
 * rate: the sum x the quarter's days / the days covered (ticks x tick
 * length). Each pair is NULL (NaN) in the other kind of quarter. A quarter
 * short of its length by less than half a tick counts as whole. */
static const char finance_sql[] =
    "WITH q AS (SELECT substr(t.date, 1, 5) || printf('%02d', (CAST(substr(t.date, 6, 2)"
    "  AS INTEGER) - 1) / 3 * 3 + 1) || '-01' AS quarter, sum(x.revenue_usd) / 1e6 AS revenue,"
    "  sum(x.margin_usd) / 1e6 AS margin,"
    "  count(*) * (SELECT tick_seconds FROM run WHERE id = ?1) / 86400.0 AS covered"
    "  FROM provider_tick x JOIN tick t ON t.run_id = x.run_id AND t.tick = x.tick"
    "  WHERE x.run_id = ?1 AND x.provider_id = ?2 GROUP BY 1),"
    " r AS (SELECT quarter, revenue, margin, covered, julianday(date(quarter, '+3 months'))"
    "  - julianday(quarter) AS days, covered >= julianday(date(quarter, '+3 months'))"
    "  - julianday(quarter) - (SELECT tick_seconds FROM run WHERE id = ?1) / 172800.0 AS whole"
    "  FROM q)"
    " SELECT quarter, CASE WHEN whole THEN revenue END, CASE WHEN whole THEN margin END,"
    " CASE WHEN NOT whole THEN revenue * days / covered END,"
    " CASE WHEN NOT whole THEN margin * days / covered END FROM r ORDER BY 1";

/* One panel per provider, each on its own scale, revenue and margin as
 * side-by-side bars per quarter (quarter sums do not zig-zag with the
 * length of the month as monthly sums do); a partial quarter's bars are
 * hatched, at its run rate, so the run's first and last quarters do not
 * look like a collapse. */
/* The first day of the quarter of day (YYYY-MM-DD), plus `ahead` quarters. */
static void quarter_start(const char *day, int ahead, char *out, size_t len)
{
    int y = atoi(day), m = atoi(day + 5);
    int q = (m - 1) / 3 + ahead;
    snprintf(out, len, "%04d-%02d-01", y + q / 4, q % 4 * 3 + 1);
}

static int chart_finance(plot_ctx *c)
{
    /* the axis: whole quarters; partial when the run starts or ends inside one */
    char from[16], to[16];
    quarter_start(c->first_day, 0, from, sizeof from);
    quarter_start(c->end_day, 0, to, sizeof to);
    if (strcmp(to, c->end_day) != 0)   /* the run ends inside that quarter */
        quarter_start(c->end_day, 1, to, sizeof to);
    const int partial = strcmp(from, c->first_day) != 0 || strcmp(to, c->end_day) != 0;
    char title[192];
    snprintf(title, sizeof title, "Revenue and margin per provider per quarter ($M, each provider"
             " on its own scale%s)", partial ? "; hatched: a quarter the run covers partly, at"
             " its run rate" : "");
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT id, name, count(*) OVER () FROM provider"
                           " WHERE run_id = ?1 ORDER BY id LIMIT 12", -1, &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(s, 1, c->run);
    strbuf b = {0};
    int n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        int k = write_data(c, finance_sql, sqlite3_column_int64(s, 0));
        if (k < 0)
            break;
        if (n++ == 0) {
            int panels = sqlite3_column_int(s, 2);
            plot__time_axis(&b, c);
            strbuf_addf(&b, "set xrange ['%s':'%s']\nset xtics %d * 30.4375 * 86400\n", from, to,
                        c->months > 36 ? 12 : 3);
            strbuf_addf(&b, "set multiplot layout %d,1 title ", panels < 12 ? panels : 12);
            add_quoted(&b, title);
            strbuf_addf(&b, "\nset boxwidth 25 * 86400 absolute\nset style fill solid 0.85"
                        " noborder\nset xzeroaxis lt -1\nset ylabel '$M per quarter'\n"
                        "set format y '%%g'\nset key outside right center vertical Left reverse"
                        " samplen 2\nset rmargin %d\n", partial ? 28 : 14);
        }
        strbuf_add(&b, "set title ");
        add_quoted(&b, (const char *)sqlite3_column_text(s, 1));
        strbuf_add(&b, "\nplot ");
        plot__add_ref(&b, c, k);
        strbuf_add(&b, " using (timecolumn(1) + 32 * 86400):2 with boxes lc rgb '#3182bd'"
                       " title 'revenue', '' using (timecolumn(1) + 59 * 86400):3 with boxes"
                       " lc rgb '#e6550d' title 'margin'");
        if (partial)
            strbuf_add(&b, ", '' using (timecolumn(1) + 32 * 86400):4 with boxes lc rgb '#3182bd'"
                           " fs pattern 5 border title 'revenue, partial quarter',"
                           " '' using (timecolumn(1) + 59 * 86400):5 with boxes lc rgb '#e6550d'"
                           " fs pattern 5 border title 'margin, partial quarter'");
        strbuf_add(&b, "\n");
    }
    sqlite3_finalize(s);
    if (n > 0) {
        strbuf_add(&b, "unset multiplot");
        plot__emit_buf(c, "finance", title, 1000, 100 + 230 * n, &b);
    } else
        strbuf_free(&b);
    return 0;
}

/* Its data comes from the heatmap's pass over dc_tick (chart_heatmap). */
static int chart_power(plot_ctx *c)
{
    const int k = c->power_file;
    if (k < 0)
        return 0;
    strbuf b = {0};
    plot__time_axis(&b, c);
    strbuf_add(&b, "set ylabel 'MW'\nset format y '%g'\nset key outside bottom center horizontal\n"
                   "plot ");
    plot__add_ref(&b, c, k);
    strbuf_add(&b, " using 1:2 with lines lw 2 title 'daily mean', '' using 1:3 with lines"
                   " dt 2 title 'daily peak'");
    plot__emit_buf(c, "power", "Facility power of all data centers", 1000, 450, &b);
    return 0;
}

/* Writes "day,p10,p50,p90" from rows (day, run, value) sorted by day. */
static int fan_rows(sqlite3_stmt *s, FILE *f, size_t n_runs)
{
    double *v = malloc((n_runs ? n_runs : 1) * sizeof *v);
    char day[16] = "";
    size_t k = 0;
    int rc, rows = 0;
    astats st;
    while (v && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(s, 0);
        if (k > 0 && strcmp(d, day) != 0) {
            astats_compute(v, k, &st);
            fprintf(f, "%s,%.10g,%.10g,%.10g\n", day, st.p10, st.p50, st.p90);
            rows++;
            k = 0;
        }
        snprintf(day, sizeof day, "%s", d);
        if (k < n_runs)
            v[k++] = sqlite3_column_double(s, 2);
    }
    if (v && k > 0) {
        astats_compute(v, k, &st);
        fprintf(f, "%s,%.10g,%.10g,%.10g\n", day, st.p10, st.p50, st.p90);
        rows++;
    }
    free(v);
    return v && rc == SQLITE_DONE ? rows : -1;
}

/* Quantiles over runs of the daily mean of a per-tick total. */
static int fan_data(plot_ctx *c, const int64_t *runs, size_t n, const char *table,
                    const char *column, const char *filter)
{
    strbuf b = {0};
    strbuf_addf(&b, "SELECT substr(t.date, 1, 10), s.run_id, avg(s.v) FROM (SELECT run_id, tick,"
                " sum(\"%s\") AS v FROM \"%s\" WHERE %s AND run_id IN (", column, table,
                filter);
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&b, "%s%lld", i ? "," : "", (long long)runs[i]);
    strbuf_add(&b, ") GROUP BY run_id, tick) s JOIN tick t ON t.run_id = s.run_id AND"
                   " t.tick = s.tick GROUP BY 1, 2 ORDER BY 1, 2");
    char path[128];
    int k = plot__new_data(c, path, sizeof path), rows = -1;
    sqlite3_stmt *s = NULL;
    FILE *f = fopen(path, "w");
    const char *sql = strbuf_str(&b);
    if (f && sql && sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) == SQLITE_OK)
        rows = fan_rows(s, f, n);
    sqlite3_finalize(s);
    strbuf_free(&b);
    if (f && fclose(f) != 0)
        rows = -1;
    return rows > 0 ? k : -1;
}

/* A fan chart: the P10-P90 band over the runs (drawn with its edges, so a
 * narrow band still shows) and the median. filter is an SQL condition on
 * the table ("1" for all rows). */
static void chart_fan(plot_ctx *c, const int64_t *runs, size_t n, const char *table,
                      const char *column, const char *filter, const char *name,
                      const char *what, const char *unit, double scale)
{
    int k = fan_data(c, runs, n, table, column, filter);
    if (k < 0)
        return;
    char title[200];
    snprintf(title, sizeof title, "%s over %zu runs: median and P10-P90 band (daily means)",
             what, n);
    strbuf b = {0};
    plot__time_axis(&b, c);
    strbuf_addf(&b, "set ylabel '%s'\nset format y '%%g'\nset yrange [0:*]\n"
                "set key outside bottom center horizontal\nplot ", unit);
    plot__add_ref(&b, c, k);
    strbuf_addf(&b, " using 1:($2 / %g):($4 / %g) with filledcurves fc rgb '#6baed6'"
                " fs solid 0.55 title 'P10-P90 over runs', '' using 1:($2 / %g) with lines"
                " lw 1 lc rgb '#2171b5' notitle, '' using 1:($4 / %g) with lines lw 1"
                " lc rgb '#2171b5' notitle, '' using 1:($3 / %g) with lines lw 2"
                " lc rgb '#000000' title 'median'", scale, scale, scale, scale, scale);
    plot__emit_buf(c, name, title, 1000, 450, &b);
}

/* Per workload, the fan of its shortfall over the replications. */
static void fan_workloads(plot_ctx *c, const int64_t *runs, size_t n)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT id, name FROM workload WHERE run_id = ?1 ORDER BY id",
                           -1, &s, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(s, 1, c->run);
    while (sqlite3_step(s) == SQLITE_ROW && c->set.n < PLOT_MAX_CHARTS - 12) {
        int64_t id = sqlite3_column_int64(s, 0);
        const char *wname = (const char *)sqlite3_column_text(s, 1);
        char safe[64], name[96], what[120], filter[48];
        plot_safe_name(wname, safe, sizeof safe);
        snprintf(name, sizeof name, "fan-shortfall-%lld-%s", (long long)id, safe);
        snprintf(what, sizeof what, "Shortfall of %s", wname);
        snprintf(filter, sizeof filter, "workload_id = %lld", (long long)id);
        chart_fan(c, runs, n, "workload_tick", "shortfall_h100", filter, name, what,
                  "H100-equivalent GPUs (thousands)", 1e3);
    }
    sqlite3_finalize(s);
}

/* Starts gnuplot on the script; returns its pid, or -1 with a message. */
static pid_t start_gnuplot(const char *script, FILE *err)
{
    fflush(err);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(err, "capsim plot: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Waits for gnuplot (pid from start_gnuplot). Returns 0 when it drew
 * every chart, or -1 (reported). */
static int wait_gnuplot(pid_t pid, const char *script, FILE *err)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        fprintf(err, "capsim plot: gnuplot not found; install it with `make deps` "
                     "(Debian package gnuplot-nox)\n");
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(err, "capsim plot: gnuplot failed (script %s)\n", script);
        return -1;
    }
    return 0;
}

/* Every chart file exists and is not empty. */
static int check_outputs(const plot_ctx *c, FILE *err)
{
    static const char *const ext[] = {"png", "svg"};
    for (int i = 0; i < c->set.n; i++)
        for (int e = 0; e < 2; e++) {
            char path[4096];
            struct stat sb;
            snprintf(path, sizeof path, "%s/%s.%s", c->out, c->set.charts[i].name, ext[e]);
            if (stat(path, &sb) != 0 || sb.st_size == 0) {
                fprintf(err, "capsim plot: gnuplot did not write %s\n", path);
                return -1;
            }
        }
    return 0;
}

static void remove_tmp(plot_ctx *c)
{
    char path[128];
    for (int k = 0; k < c->n_data; k++) {
        snprintf(path, sizeof path, "%s/d%d.csv", c->tmp, k);
        remove(path);
    }
    snprintf(path, sizeof path, "%s/charts.gp", c->tmp);
    remove(path);
    rmdir(c->tmp);
}

/* Writes every chart's data and the script. Returns 0 or -1. */
static int build_script(plot_ctx *c, const char *script)
{
    int64_t *runs = NULL;
    size_t n = 0;
    run_period(c);   /* no ticks (a sweep's runs with --record summary): no daily charts */
    if (!(c->gp = fopen(script, "w")))
        return -1;
    chart_workloads(c);
    chart_heatmap(c);
    chart_finance(c);
    chart_power(c);
    if (adb_replications(c->db, c->run, &runs, &n) == 0 && n >= 2) {
        chart_fan(c, runs, n, "workload_tick", "shortfall_h100", "1", "fan-shortfall",
                  "Total shortfall", "H100-equivalent GPUs (thousands)", 1e3);
        fan_workloads(c, runs, n);
        chart_fan(c, runs, n, "dc_tick", "power_mw", "1", "fan-power", "Facility power", "MW", 1);
    }
    free(runs);
    int64_t sweep = report_sweep_id(c->db);
    if (sweep > 0 && plot__sweep_charts(c, sweep) != 0) {
        fclose(c->gp);
        return -1;
    }
    return fclose(c->gp) == 0 ? 0 : -1;
}

int plot_run(sqlite3 *db, const char *db_path, int64_t run, const char *out_dir,
             const plot_text *text, FILE *err)
{
    plot_ctx c = {.db = db, .run = run, .out = out_dir, .power_file = -1};
    char script[128];
    snprintf(c.tmp, sizeof c.tmp, "%s/capsim-plot-XXXXXX", getenv("TMPDIR") && strlen(
             getenv("TMPDIR")) < 40 ? getenv("TMPDIR") : "/tmp");
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(err, "capsim plot: cannot create %s: %s\n", out_dir, strerror(errno));
        return 1;
    }
    if (!mkdtemp(c.tmp)) {
        fprintf(err, "capsim plot: cannot create a temporary folder: %s\n", strerror(errno));
        return 1;
    }
    snprintf(script, sizeof script, "%s/charts.gp", c.tmp);
    /* gnuplot draws while the index and the report are built: their files
     * are written as parts and renamed into place only once the charts are */
    int code = 1;
    if (build_script(&c, script) != 0) {
        fprintf(err, "capsim plot: writing the chart data failed: %s\n", sqlite3_errmsg(db));
    } else {
        const pid_t gp = start_gnuplot(script, err);
        const int index = gp < 0 ? -1 : plot_write_index(db, db_path, run, &c.set, out_dir, text);
        const int drawn = gp < 0 ? -1 : wait_gnuplot(gp, script, err);
        if (drawn == 0 && check_outputs(&c, err) == 0) {
            if (index != 0 && text && text->path)
                fprintf(err, "capsim plot: writing %s/index.html or %s failed\n", out_dir,
                        text->path);
            else if (index != 0)
                fprintf(err, "capsim plot: writing %s/index.html failed\n", out_dir);
            else
                code = 0;
        }
        if (plot_index_commit(out_dir, text, code == 0) != 0 && code == 0) {
            fprintf(err, "capsim plot: renaming %s/index.html.part into place failed: %s\n",
                    out_dir, strerror(errno));
            code = 1;
        }
    }
    if (code == 0)
        remove_tmp(&c);
    else
        fprintf(err, "capsim plot: the chart data and gnuplot script are kept in %s\n", c.tmp);
    return code;
}
