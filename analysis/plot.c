/*
 * plot: writes each chart's data (CSV, from SQL) and a gnuplot script into
 * a temporary folder, runs gnuplot once, checks that every chart file was
 * written, then writes index.html. Each chart's body is emitted twice,
 * once per terminal (pngcairo, svg), after a `reset`.
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


static const char time_axis[] =
    "set xdata time\nset timefmt '%Y-%m-%d'\nset format x '%Y-%m-%d'\nset xtics rotate by -30\n"
    "set grid\nset key top left\n";

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

static int write_blocks(plot_ctx *c, const char *sql, int64_t arg, int block_column)
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
    return write_blocks(c, sql, arg, -1);
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

static int chart_workloads(plot_ctx *c)
{
    static const char sql[] =
        "SELECT substr(t.date, 1, 10), avg(x.demand_h100), avg(x.capacity_h100),"
        " avg(x.served_h100) FROM workload_tick x"
        " JOIN tick t ON t.run_id = x.run_id AND t.tick = x.tick"
        " WHERE x.run_id = ?1 AND x.workload_id = ?2 GROUP BY 1 ORDER BY 1";
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT id, name FROM workload WHERE run_id = ?1 ORDER BY id",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, c->run);
    while (sqlite3_step(s) == SQLITE_ROW && c->set.n < PLOT_MAX_CHARTS - 8) {
        int64_t id = sqlite3_column_int64(s, 0);
        const char *wname = (const char *)sqlite3_column_text(s, 1);
        int k = write_data(c, sql, id);
        if (k < 0)
            continue;
        char safe[64], name[96], title[160];
        plot_safe_name(wname, safe, sizeof safe);
        snprintf(name, sizeof name, "workload-%lld-%s", (long long)id, safe);
        snprintf(title, sizeof title, "Workload %s: demand, capacity and served (daily means)",
                 wname);
        strbuf b = {0};
        strbuf_addf(&b, "%sset ylabel 'H100-equivalent GPUs'\nplot ", time_axis);
        plot__add_ref(&b, c, k);
        strbuf_add(&b, " using 1:2 with lines lw 2 title 'demand', '' using 1:3 with lines lw 2"
                       " title 'capacity', '' using 1:4 with lines dt 2 title 'served'");
        plot__emit_buf(c, name, title, 1000, 450, &b);
    }
    sqlite3_finalize(s);
    return 0;
}

/* Heatmap rows: epoch seconds of the day, DC id, utilisation; a blank line
 * after each DC (gnuplot's scan lines). `with image` needs a full grid, so
 * every DC has a row for every day of the run: NaN (not drawn) on the days
 * before a site exists or while it has no GPUs installed. */
static int heatmap_data(plot_ctx *c)
{
    static const char sql[] =
        "WITH days AS (SELECT DISTINCT substr(date, 1, 10) AS day FROM tick WHERE run_id = ?1),"
        " agg AS (SELECT x.datacenter_id AS dc, substr(t.date, 1, 10) AS day,"
        "  sum(x.busy) / NULLIF(sum(x.installed), 0) AS u FROM dc_tick x"
        "  JOIN tick t ON t.run_id = x.run_id AND t.tick = x.tick"
        "  WHERE x.run_id = ?1 GROUP BY x.datacenter_id, day)"
        " SELECT CAST(strftime('%s', days.day) AS INTEGER), d.id, agg.u"
        " FROM datacenter d CROSS JOIN days"
        " LEFT JOIN agg ON agg.dc = d.id AND agg.day = days.day"
        " WHERE d.run_id = ?1 ORDER BY d.id, days.day";
    return write_blocks(c, sql, 0, 1);
}

/* "set ytics ('name' id, ...)" from an entity table. Returns the count. */
static int64_t name_tics(plot_ctx *c, strbuf *b, const char *sql, const char *axis)
{
    sqlite3_stmt *s = NULL;
    int64_t n = 0;
    if (sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(s, 1, c->run);
    strbuf_addf(b, "set %s (", axis);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 1);
        strbuf_add(b, n++ ? ", '" : "'");
        for (const char *p = name; *p; p++)
            strbuf_add(b, *p == '\'' ? "''" : (char[2]){*p, 0});
        strbuf_addf(b, "' %lld", (long long)sqlite3_column_int64(s, 0));
    }
    strbuf_add(b, ")\n");
    sqlite3_finalize(s);
    return n;
}

static int chart_heatmap(plot_ctx *c)
{
    int k = heatmap_data(c);
    if (k < 0)
        return 0;
    strbuf b = {0};
    int64_t n = name_tics(c, &b, "SELECT id, name FROM datacenter WHERE run_id = ?1 ORDER BY id",
                          "ytics font ',8'");
    strbuf_addf(&b, "set yrange [%lld.5:-0.5]\n", (long long)(n - 1));
    strbuf_add(&b, "set xdata time\nset timefmt '%s'\nset format x '%Y-%m-%d'\n"
                   "set xtics rotate by -30\nset cbrange [0:1]\n"
                   "set cblabel 'utilisation'\nset palette defined (0 '#f7fbff', 0.5 '#6baed6',"
                   " 1 '#08306b')\nplot ");
    plot__add_ref(&b, c, k);
    strbuf_add(&b, " using 1:2:3 with image notitle");
    int h = 160 + 14 * (int)(n < 200 ? n : 200);
    plot__emit_buf(c, "dc-utilisation", "Utilisation per data center (daily, busy / installed GPUs)",
             1100, h, &b);
    return 0;
}

/* Monthly sums of a provider_tick column in $M, one column per provider. */
static int finance_data(plot_ctx *c, const char *column)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT substr(t.date, 1, 7) || '-01', x.provider_id, sum(x.\"%s\") / 1e6"
             " FROM provider_tick x JOIN tick t ON t.run_id = x.run_id AND t.tick = x.tick"
             " WHERE x.run_id = ?1 GROUP BY 1, 2 ORDER BY 1, 2", column);
    FILE *f;
    sqlite3_stmt *s;
    int k = open_data(c, sql, 0, &f, &s);
    if (k < 0)
        return -1;
    char month[16] = "";
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(s, 0);
        if (strcmp(m, month) != 0) {
            fprintf(f, "%s%s", month[0] ? "\n" : "", m);
            snprintf(month, sizeof month, "%s", m);
        }
        fprintf(f, ",%.10g", sqlite3_column_double(s, 2));
    }
    fputc('\n', f);
    sqlite3_finalize(s);
    return fclose(f) == 0 && rc == SQLITE_DONE && month[0] ? k : -1;
}

static void finance_panel(plot_ctx *c, strbuf *b, int k, const char *label)
{
    sqlite3_stmt *s = NULL;
    strbuf_addf(b, "set ylabel '%s ($M per month)'\nplot ", label);
    if (sqlite3_prepare_v2(c->db, "SELECT id, name FROM provider WHERE run_id = ?1 ORDER BY id",
                           -1, &s, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(s, 1, c->run);
    int i = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (i)
            strbuf_add(b, ", ");
        if (i == 0)
            plot__add_ref(b, c, k);
        else
            strbuf_add(b, "''");
        strbuf_addf(b, " using 1:%d with lines lw 2 title '", i + 2);
        for (const char *p = (const char *)sqlite3_column_text(s, 1); *p; p++)
            strbuf_add(b, *p == '\'' ? "''" : (char[2]){*p, 0});
        strbuf_add(b, "'");
        i++;
    }
    strbuf_add(b, "\n");
    sqlite3_finalize(s);
}

static int chart_finance(plot_ctx *c)
{
    int kr = finance_data(c, "revenue_usd"), km = finance_data(c, "margin_usd");
    if (kr < 0 || km < 0)
        return 0;
    strbuf b = {0};
    strbuf_addf(&b, "%sset multiplot layout 2,1\n", time_axis);
    finance_panel(c, &b, kr, "revenue");
    strbuf_add(&b, "set title ''\n");
    finance_panel(c, &b, km, "margin");
    strbuf_add(&b, "unset multiplot");
    plot__emit_buf(c, "finance", "Revenue and margin per provider per month", 1000, 800, &b);
    return 0;
}

static int chart_power(plot_ctx *c)
{
    static const char sql[] =
        "SELECT substr(t.date, 1, 10), avg(p.mw), max(p.mw) FROM (SELECT tick, sum(power_mw)"
        " AS mw FROM dc_tick WHERE run_id = ?1 GROUP BY tick) p"
        " JOIN tick t ON t.run_id = ?1 AND t.tick = p.tick GROUP BY 1 ORDER BY 1";
    int k = write_data(c, sql, 0);
    if (k < 0)
        return 0;
    strbuf b = {0};
    strbuf_addf(&b, "%sset ylabel 'MW'\nplot ", time_axis);
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
                    const char *column)
{
    strbuf b = {0};
    strbuf_addf(&b, "SELECT substr(t.date, 1, 10), s.run_id, avg(s.v) FROM (SELECT run_id, tick,"
                " sum(\"%s\") AS v FROM \"%s\" WHERE run_id IN (", column, table);
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

static void chart_fan(plot_ctx *c, const int64_t *runs, size_t n, const char *table,
                      const char *column, const char *name, const char *what, const char *unit)
{
    int k = fan_data(c, runs, n, table, column);
    if (k < 0)
        return;
    char title[160];
    snprintf(title, sizeof title, "%s over %zu runs: median and P10-P90 band (daily means)",
             what, n);
    strbuf b = {0};
    strbuf_addf(&b, "%sset ylabel '%s'\nplot ", time_axis, unit);
    plot__add_ref(&b, c, k);
    strbuf_add(&b, " using 1:2:4 with filledcurves fc rgb '#9ecae1' fs solid 0.6 title"
                   " 'P10-P90', '' using 1:3 with lines lw 2 lc rgb '#08519c' title 'median'");
    plot__emit_buf(c, name, title, 1000, 450, &b);
}

/* Runs gnuplot on the script. Returns 0, or -1 with a message. */
static int run_gnuplot(const char *script, FILE *err)
{
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(err, "capsim plot: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
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
    if (!(c->gp = fopen(script, "w")))
        return -1;
    chart_workloads(c);
    chart_heatmap(c);
    chart_finance(c);
    chart_power(c);
    if (adb_replications(c->db, c->run, &runs, &n) == 0 && n >= 2) {
        chart_fan(c, runs, n, "workload_tick", "shortfall_h100", "fan-shortfall",
                  "Total shortfall", "H100-equivalent GPUs");
        chart_fan(c, runs, n, "dc_tick", "power_mw", "fan-power", "Facility power", "MW");
    }
    free(runs);
    int64_t sweep = report_sweep_id(c->db);
    if (sweep > 0 && plot__sweep_charts(c, sweep) != 0) {
        fclose(c->gp);
        return -1;
    }
    return fclose(c->gp) == 0 ? 0 : -1;
}

int plot_run(sqlite3 *db, const char *db_path, int64_t run, const char *out_dir, FILE *err)
{
    plot_ctx c = {.db = db, .run = run, .out = out_dir};
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
    int code = 1;
    if (build_script(&c, script) != 0)
        fprintf(err, "capsim plot: writing the chart data failed: %s\n", sqlite3_errmsg(db));
    else if (run_gnuplot(script, err) == 0 && check_outputs(&c, err) == 0) {
        if (plot_write_index(db, db_path, run, &c.set, out_dir) == 0)
            code = 0;
        else
            fprintf(err, "capsim plot: writing %s/index.html failed\n", out_dir);
    }
    if (code == 0)
        remove_tmp(&c);
    else
        fprintf(err, "capsim plot: the chart data and gnuplot script are kept in %s\n", c.tmp);
    return code;
}
