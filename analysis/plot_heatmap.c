/*
 * plot_heatmap: the utilisation heatmap's data, one line per shown data
 * center and day of the run (epoch seconds of the day, row, busy /
 * installed GPUs that day), a block per data center (gnuplot's scan lines
 * for `with image`, which needs the full grid: NaN on days a site has no
 * GPUs or no rows, where the grey background shows).
 *
 * Its SQL (heatmap_sql) groups dc_tick by (data center, day), which sorts
 * every row of the run; the pass reads dc_tick once in primary-key order
 * (tick, data center), the tick -> day map once from the tick table, and
 * keeps two sums per (data center, day); the same pass finds the sites
 * shown (installed > 0 on some row), which the SQL finds by a scan of its
 * own, and the chart's labels take their names from it. Same bytes out: the sums add
 * the same values in the same order through sqlcell (SQLite's sum() and
 * `/`), and every field is SQLite's own text of the value (a `SELECT ?1`
 * of it), as the SQL path writes sqlite3_column_text. A text value in
 * busy or installed, or a tick id out of range, leaves it to the SQL.
 *
 * The same pass sums the power chart's data (power_sql): the facility power
 * of every row of a tick, then each day's mean and peak of those sums.
 */
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"
#include "sqlcell.h"

/* Tick and data center ids the pass maps through arrays. */
#define MAX_ID 100000000

static const char heatmap_sql[] =
    "WITH days AS (SELECT DISTINCT substr(date, 1, 10) AS day FROM tick WHERE run_id = ?1),"
    PLOT_SHOWN_DCS ","
    " agg AS (SELECT x.datacenter_id AS dc, substr(t.date, 1, 10) AS day,"
    "  sum(x.busy) / NULLIF(sum(x.installed), 0) AS u FROM dc_tick x"
    "  JOIN tick t ON t.run_id = x.run_id AND t.tick = x.tick"
    "  WHERE x.run_id = ?1 GROUP BY x.datacenter_id, day)"
    " SELECT CAST(strftime('%s', days.day) AS INTEGER), shown.row, agg.u"
    " FROM shown CROSS JOIN days"
    " LEFT JOIN agg ON agg.dc = shown.id AND agg.day = days.day"
    " ORDER BY shown.row, days.day";

/* The power chart's data: per day, the mean and the peak of the total
 * facility power of the ticks. */
static const char power_sql[] =
    "SELECT substr(t.date, 1, 10), avg(p.mw), max(p.mw) FROM (SELECT tick, sum(power_mw)"
    " AS mw FROM dc_tick WHERE run_id = ?1 GROUP BY tick) p"
    " JOIN tick t ON t.run_id = ?1 AND t.tick = p.tick GROUP BY 1 ORDER BY 1";

/* The total power of one day's ticks: avg() and max() of the per-tick
 * sums. */
typedef struct power_day {
    export_sum mean;
    atable_cell peak;       /* SQLITE_NULL until a tick has a number */
    int64_t ticks;          /* ticks with a row: the day has a line */
} power_day;

typedef struct grid {
    int64_t *site_of_id;    /* [n_ids]: the index of a data center id in the datacenter
                               table (id order), or -1 */
    size_t n_ids;
    char **names;           /* [n_sites] */
    size_t n_sites;
    unsigned char *shown;   /* [n_sites]: some dc_tick row has installed > 0 */
    plot_days d;            /* the run's days, the day of each tick */
    export_sum *busy, *installed;  /* [n_sites][n_days] */
    power_day *power;       /* [n_days] */
    int in_tick;            /* a tick's rows are being summed: */
    atable_cell tick;       /* which, */
    export_sum tick_power;  /* sum(power_mw) of all its rows */
} grid;

/* Sums the pass keeps, at most: beyond, the SQL. */
#define MAX_CELLS (1u << 20)

static void grid_free(grid *g)
{
    for (size_t i = 0; i < g->n_sites; i++)
        free(g->names[i]);
    free(g->names);
    free(g->site_of_id);
    free(g->shown);
    plot__days_free(&g->d);
    free(g->busy);
    free(g->installed);
    free(g->power);
}

/* The run's data centers, in id order. 0, 1 (an id the pass cannot take),
 * or -1. */
static int read_sites(plot_ctx *c, grid *g)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT id, name FROM datacenter WHERE run_id = ?1 ORDER BY id",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, c->run);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const int64_t id = sqlite3_column_int64(s, 0);
        const unsigned char *name = sqlite3_column_text(s, 1);
        if (sqlite3_column_type(s, 0) != SQLITE_INTEGER || id < 0 || id >= MAX_ID || !name) {
            rc = SQLITE_MISMATCH;  /* an id the array cannot take: left to the SQL */
            break;
        }
        if (g->n_sites == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(g->names, cap * sizeof *grown);
            if (!grown) {
                rc = SQLITE_NOMEM;
                break;
            }
            g->names = grown;
        }
        if ((size_t)id >= g->n_ids) {
            size_t n = (size_t)id + 1;
            int64_t *grown = realloc(g->site_of_id, n * sizeof *grown);
            if (!grown) {
                rc = SQLITE_NOMEM;
                break;
            }
            for (size_t i = g->n_ids; i < n; i++)
                grown[i] = -1;
            g->site_of_id = grown;
            g->n_ids = n;
        }
        if (!(g->names[g->n_sites] = strdup((const char *)name))) {
            rc = SQLITE_NOMEM;
            break;
        }
        g->site_of_id[id] = (int64_t)g->n_sites++;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : rc == SQLITE_MISMATCH ? 1 : -1;
}

/* The tick summed so far into its day's power: GROUP BY tick, then the
 * join with tick and GROUP BY day. 0 or 1 (an overflow). */
static int end_tick(grid *g)
{
    if (!g->in_tick)
        return 0;
    g->in_tick = 0;
    const int64_t day = plot__day_of(&g->d, &g->tick);
    if (day < 0)
        return 0;   /* no tick row: the join drops it */
    power_day *p = &g->power[day];
    atable_cell mw;
    if (sqlcell_sum_result(&g->tick_power, 0, &mw))
        return 1;
    p->ticks++;
    if (mw.type == SQLITE_NULL)
        return 0;
    sqlcell_add(&p->mean, &mw);
    if (p->peak.type == SQLITE_NULL || sqlcell_compare(&p->peak, &mw) < 0)
        p->peak = mw;   /* a later equal value does not replace it, as max() */
    return 0;
}

/* Which sites are shown, the sums of every site, and each day's power, in
 * one pass over dc_tick. 0, 1 (left to SQL) or -1. */
static int read_sums(plot_ctx *c, grid *g)
{
    const size_t cells = g->n_sites * g->d.n_days;
    if (cells > MAX_CELLS)
        return 1;
    g->busy = calloc(cells ? cells : 1, sizeof *g->busy);
    g->installed = calloc(cells ? cells : 1, sizeof *g->installed);
    g->shown = calloc(g->n_sites ? g->n_sites : 1, 1);
    g->power = calloc(g->d.n_days ? g->d.n_days : 1, sizeof *g->power);
    sqlite3_stmt *s = NULL;
    if (!g->busy || !g->installed || !g->shown || !g->power ||
        sqlite3_prepare_v2(c->db, "SELECT tick, datacenter_id, busy, installed, power_mw"
                           " FROM dc_tick WHERE run_id = ?1 ORDER BY tick, datacenter_id", -1,
                           &s, NULL) != SQLITE_OK)
        return -1;
    for (size_t d = 0; d < g->d.n_days; d++)
        g->power[d].peak.type = SQLITE_NULL;
    sqlite3_bind_int64(s, 1, c->run);
    const atable_cell zero = {.type = SQLITE_INTEGER, .i = 0};
    int rc, status = 0;
    while (status == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        atable_cell tick, busy, installed, power;
        if ((status = sqlcell_read(s, 0, &tick) | sqlcell_read(s, 4, &power)) != 0)
            break;
        if (tick.type != SQLITE_INTEGER) {
            status = 1;   /* a tick the day map cannot take */
            break;
        }
        /* power: every row of the tick, whatever its data center */
        if (!g->in_tick || tick.i != g->tick.i) {
            if ((status = end_tick(g)) != 0)
                break;
            g->in_tick = 1;
            g->tick = tick;
            memset(&g->tick_power, 0, sizeof g->tick_power);
        }
        sqlcell_add(&g->tick_power, &power);
        const int64_t id = sqlite3_column_int64(s, 1);
        if (sqlite3_column_type(s, 1) != SQLITE_INTEGER || id < 0 || (size_t)id >= g->n_ids ||
            g->site_of_id[id] < 0)
            continue;  /* no data center matches it */
        const size_t site = (size_t)g->site_of_id[id];
        if ((status = sqlcell_read(s, 2, &busy) | sqlcell_read(s, 3, &installed)) != 0)
            break;
        /* shown: installed > 0 on any row, whatever its tick */
        if (installed.type != SQLITE_NULL && sqlcell_compare(&installed, &zero) > 0)
            g->shown[site] = 1;
        const int64_t day = plot__day_of(&g->d, &tick);
        if (day < 0)
            continue;  /* no tick row: the SQL's join drops it */
        const size_t k = site * g->d.n_days + (size_t)day;
        sqlcell_add(&g->busy[k], &busy);
        sqlcell_add(&g->installed[k], &installed);
    }
    if (status == 0)
        status = end_tick(g);
    sqlite3_finalize(s);
    return status != 0 ? status : rc == SQLITE_DONE ? 0 : -1;
}

/* The power chart's file: day, mean, peak. Returns the file index, or -1
 * (an error, or no day). *status 1 for an overflow (left to SQL). */
static int write_power(plot_ctx *c, const grid *g, sqlite3_stmt *echo, int *status)
{
    char path[128];
    const int k = plot__new_data(c, path, sizeof path);
    FILE *f = fopen(path, "w");
    if (!f) {
        *status = -1;
        return -1;
    }
    size_t lines = 0;
    for (size_t d = 0; d < g->d.n_days && *status == 0; d++) {
        const power_day *p = &g->power[d];
        if (p->ticks == 0)
            continue;
        atable_cell mean;
        if (sqlcell_sum_result(&p->mean, 1, &mean))
            *status = 1;
        else if (fputs(g->d.days[d].label, f) < 0 || fputc(',', f) < 0 ||
                 plot__cell_text(echo, &mean, f) != 0 || fputc(',', f) < 0 ||
                 plot__cell_text(echo, &p->peak, f) != 0 || fputc('\n', f) < 0)
            *status = -1;
        lines++;
    }
    if (fclose(f) != 0 && *status == 0)
        *status = -1;
    return *status == 0 && lines > 0 ? k : -1;
}

/* Each shown cell's utilisation, sum(busy) / NULLIF(sum(installed), 0),
 * into u ([shown sites][n_days]). Returns 0, or 1 (left to SQL: an integer
 * overflow in a sum). */
static int utilisation(const grid *g, atable_cell *u)
{
    const size_t days = g->d.n_days;
    for (size_t site = 0, row = 0; site < g->n_sites; site++) {
        if (!g->shown[site])
            continue;
        for (size_t d = 0; d < days; d++) {
            atable_cell busy, installed;
            if (sqlcell_sum_result(&g->busy[site * days + d], 0, &busy) ||
                sqlcell_sum_result(&g->installed[site * days + d], 0, &installed) ||
                sqlcell_divide_nullif_zero(&busy, &installed, &u[row * days + d]))
                return 1;
        }
        row++;
    }
    return 0;
}

/* Writes the grid of n_shown rows; returns the file index, or -1. */
static int write_grid(plot_ctx *c, const grid *g, size_t n_shown, const atable_cell *u,
                      sqlite3_stmt *echo)
{
    char path[128];
    const int k = plot__new_data(c, path, sizeof path);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    const size_t days = g->d.n_days;
    int status = 0;
    size_t lines = 0;
    for (size_t r = 0; r < n_shown && status == 0; r++) {
        if (r > 0 && days > 0)
            fputc('\n', f);
        const atable_cell row = {.type = SQLITE_INTEGER, .i = (int64_t)r};
        for (size_t d = 0; d < days && status == 0; d++) {
            if (fputs(g->d.days[d].epoch ? g->d.days[d].epoch : "NaN", f) < 0 ||
                fputc(',', f) < 0 || plot__cell_text(echo, &row, f) != 0 || fputc(',', f) < 0 ||
                plot__cell_text(echo, &u[r * days + d], f) != 0 || fputc('\n', f) < 0)
                status = -1;
            lines++;
        }
    }
    if (fclose(f) != 0)
        status = -1;
    return status == 0 && lines > 0 ? k : -1;
}

void plot__shown_free(plot_shown *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->name[i]);
    free(s->name);
    memset(s, 0, sizeof *s);
}

static int shown_add(plot_shown *s, const char *name)
{
    char **grown = realloc(s->name, (s->n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    s->name = grown;
    if (!(s->name[s->n] = strdup(name)))
        return -1;
    s->n++;
    return 0;
}

/* The shown sites by the SQL (row order). 0 or -1. */
static int shown_sql(plot_ctx *c, plot_shown *out)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(c->db, "WITH " PLOT_SHOWN_DCS " SELECT row, name FROM shown ORDER BY row",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, c->run);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(s, 1);
        if (shown_add(out, name ? (const char *)name : "") != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int dc_sql_data(plot_ctx *c, plot_shown *shown, int *power)
{
    plot__shown_free(shown);
    const int k = shown_sql(c, shown) == 0 ? plot__write_blocks(c, heatmap_sql, 0, 1) : -1;
    *power = plot__write_blocks(c, power_sql, 0, -1);
    return k;
}

int plot__heatmap_data(plot_ctx *c, int sql, plot_shown *shown, int *power)
{
    memset(shown, 0, sizeof *shown);
    *power = -1;
    if (sql)
        return dc_sql_data(c, shown, power);
    grid g;
    memset(&g, 0, sizeof g);
    const int first_file = c->n_data;
    int status = read_sites(c, &g);
    if (status == 0)
        status = plot__read_days(c, &g.d);
    if (status == 0)
        status = read_sums(c, &g);
    for (size_t site = 0; status == 0 && site < g.n_sites; site++)
        if (g.shown[site] && shown_add(shown, g.names[site]) != 0)
            status = -1;
    const size_t cells = shown->n * g.d.n_days;
    atable_cell *u = status == 0 ? calloc(cells ? cells : 1, sizeof *u) : NULL;
    if (status == 0 && !u)
        status = -1;
    if (status == 0)
        status = utilisation(&g, u);
    sqlite3_stmt *echo = NULL;
    if (status == 0 && sqlite3_prepare_v2(c->db, "SELECT ?1", -1, &echo, NULL) != SQLITE_OK)
        status = -1;
    int k = -1;
    if (status == 0 && (k = write_grid(c, &g, shown->n, u, echo)) < 0 && shown->n > 0)
        status = -1;
    if (status == 0)
        *power = write_power(c, &g, echo, &status);
    sqlite3_finalize(echo);
    if (status == 1) {
        c->n_data = first_file;   /* the SQL writes the files again */
        k = dc_sql_data(c, shown, power);
    } else if (status != 0)
        k = *power = -1;
    free(u);
    grid_free(&g);
    return k;
}
