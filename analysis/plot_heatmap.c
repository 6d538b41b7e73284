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
 * keeps two sums per (shown data center, day). Same bytes out: the sums add
 * the same values in the same order through sqlcell (SQLite's sum() and
 * `/`), and every field is SQLite's own text of the value (a `SELECT ?1`
 * of it), as the SQL path writes sqlite3_column_text. A text value in
 * busy or installed, or a tick id out of range, leaves it to the SQL.
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

typedef struct day {
    char label[16];   /* substr(date, 1, 10) */
    char *epoch;      /* SQLite's text of CAST(strftime('%s', day) AS INTEGER), NULL: NaN */
} day;

typedef struct grid {
    int64_t *row_of_id;     /* [n_ids]: the shown row of a data center id, or -1 */
    size_t n_ids;
    int64_t *rows;          /* [n_shown]: shown rows in order */
    size_t n_shown;
    day *days;              /* [n_days], in label order */
    size_t n_days;
    int64_t *day_of_tick;   /* [n_ticks]: day index, or -1 (no tick row) */
    size_t n_ticks;
    export_sum *busy, *installed;  /* [n_shown][n_days] */
} grid;

static void grid_free(grid *g)
{
    for (size_t d = 0; d < g->n_days; d++)
        free(g->days[d].epoch);
    free(g->row_of_id);
    free(g->rows);
    free(g->days);
    free(g->day_of_tick);
    free(g->busy);
    free(g->installed);
}

static int compare_days(const void *a, const void *b)
{
    return strcmp(((const day *)a)->label, ((const day *)b)->label);
}

/* Shown data centers and their rows. 0, 1 (an id the pass cannot take),
 * or -1. */
static int read_shown(plot_ctx *c, grid *g)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(c->db, "WITH " PLOT_SHOWN_DCS " SELECT row, id FROM shown ORDER BY row",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, c->run);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const int64_t row = sqlite3_column_int64(s, 0), id = sqlite3_column_int64(s, 1);
        if (id < 0 || id >= MAX_ID) {
            rc = SQLITE_MISMATCH;  /* an id the array cannot take: left to the SQL */
            break;
        }
        if (g->n_shown == cap) {
            cap = cap ? 2 * cap : 64;
            int64_t *grown = realloc(g->rows, cap * sizeof *grown);
            if (!grown) {
                rc = SQLITE_NOMEM;
                break;
            }
            g->rows = grown;
        }
        if ((size_t)id >= g->n_ids) {
            size_t n = (size_t)id + 1;
            int64_t *grown = realloc(g->row_of_id, n * sizeof *grown);
            if (!grown) {
                rc = SQLITE_NOMEM;
                break;
            }
            for (size_t i = g->n_ids; i < n; i++)
                grown[i] = -1;
            g->row_of_id = grown;
            g->n_ids = n;
        }
        g->row_of_id[id] = (int64_t)g->n_shown;
        g->rows[g->n_shown++] = row;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : rc == SQLITE_MISMATCH ? 1 : -1;
}

/* The run's days (DISTINCT substr(date, 1, 10), in label order, with their
 * epochs) and the day of every tick. 0, 1 (a tick id the map cannot take),
 * or -1. */
static int read_days(plot_ctx *c, grid *g)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT day, CAST(strftime('%s', day) AS INTEGER) FROM"
                           " (SELECT DISTINCT substr(date, 1, 10) AS day FROM tick"
                           "  WHERE run_id = ?1) ORDER BY day", -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, c->run);
    size_t cap = 0;
    int rc, status = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *label = sqlite3_column_text(s, 0);
        if (!label || strlen((const char *)label) >= sizeof g->days[0].label) {
            status = 1;  /* a NULL or odd date: the SQL's own rules */
            break;
        }
        if (g->n_days == cap) {
            cap = cap ? 2 * cap : 512;
            day *grown = realloc(g->days, cap * sizeof *grown);
            if (!grown) {
                status = -1;
                break;
            }
            g->days = grown;
        }
        day *d = &g->days[g->n_days++];
        snprintf(d->label, sizeof d->label, "%s", (const char *)label);
        const unsigned char *epoch = sqlite3_column_text(s, 1);
        d->epoch = NULL;
        if (epoch && !(d->epoch = strdup((const char *)epoch))) {
            status = -1;
            break;
        }
    }
    sqlite3_finalize(s);
    if (status != 0 || rc != SQLITE_DONE)
        return status != 0 ? status : -1;
    if (sqlite3_prepare_v2(c->db, "SELECT tick, substr(date, 1, 10) FROM tick WHERE run_id = ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, c->run);
    while (status == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const int64_t tick = sqlite3_column_int64(s, 0);
        const unsigned char *label = sqlite3_column_text(s, 1);
        if (sqlite3_column_type(s, 0) != SQLITE_INTEGER || tick < 0 || tick >= MAX_ID ||
            !label) {
            status = 1;
            break;
        }
        if ((size_t)tick >= g->n_ticks) {
            size_t n = g->n_ticks ? g->n_ticks : 1024;
            while (n <= (size_t)tick)
                n *= 2;
            int64_t *grown = realloc(g->day_of_tick, n * sizeof *grown);
            if (!grown) {
                status = -1;
                break;
            }
            for (size_t i = g->n_ticks; i < n; i++)
                grown[i] = -1;
            g->day_of_tick = grown;
            g->n_ticks = n;
        }
        day key;
        snprintf(key.label, sizeof key.label, "%s", (const char *)label);
        const day *found = bsearch(&key, g->days, g->n_days, sizeof *g->days, compare_days);
        if (!found) {
            status = 1;
            break;
        }
        g->day_of_tick[tick] = found - g->days;
    }
    sqlite3_finalize(s);
    return status != 0 ? status : rc == SQLITE_DONE ? 0 : -1;
}

/* The sums, in one pass over dc_tick. 0, 1 (left to SQL) or -1. */
static int read_sums(plot_ctx *c, grid *g)
{
    const size_t cells = g->n_shown * g->n_days;
    g->busy = calloc(cells ? cells : 1, sizeof *g->busy);
    g->installed = calloc(cells ? cells : 1, sizeof *g->installed);
    sqlite3_stmt *s = NULL;
    if (!g->busy || !g->installed ||
        sqlite3_prepare_v2(c->db, "SELECT tick, datacenter_id, busy, installed FROM dc_tick"
                           " WHERE run_id = ?1 ORDER BY tick, datacenter_id", -1, &s,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, c->run);
    int rc, status = 0;
    while (status == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const int64_t tick = sqlite3_column_int64(s, 0), id = sqlite3_column_int64(s, 1);
        if (sqlite3_column_type(s, 0) != SQLITE_INTEGER ||
            sqlite3_column_type(s, 1) != SQLITE_INTEGER)
            continue;  /* no tick or data center matches it */
        if (tick < 0 || (size_t)tick >= g->n_ticks || g->day_of_tick[tick] < 0)
            continue;  /* no tick row: the SQL's join drops it */
        if (id < 0 || (size_t)id >= g->n_ids || g->row_of_id[id] < 0)
            continue;  /* not shown */
        const size_t k = (size_t)g->row_of_id[id] * g->n_days + (size_t)g->day_of_tick[tick];
        atable_cell busy, installed;
        status = sqlcell_read(s, 2, &busy) | sqlcell_read(s, 3, &installed);
        if (status == 0) {
            sqlcell_add(&g->busy[k], &busy);
            sqlcell_add(&g->installed[k], &installed);
        }
    }
    sqlite3_finalize(s);
    return status != 0 ? status : rc == SQLITE_DONE ? 0 : -1;
}

/* SQLite's text of a cell, as sqlite3_column_text gives it ("NaN" for
 * NULL, as the SQL path writes). */
static int cell_text(sqlite3_stmt *echo, const atable_cell *v, FILE *f)
{
    if (v->type != SQLITE_INTEGER && v->type != SQLITE_FLOAT)
        return fputs("NaN", f) < 0 ? -1 : 0;
    sqlite3_reset(echo);
    if (v->type == SQLITE_INTEGER)
        sqlite3_bind_int64(echo, 1, v->i);
    else
        sqlite3_bind_double(echo, 1, v->r);
    if (sqlite3_step(echo) != SQLITE_ROW)
        return -1;
    const unsigned char *t = sqlite3_column_text(echo, 0);
    return fputs(t ? (const char *)t : "NaN", f) < 0 ? -1 : 0;
}

/* Each cell's utilisation, sum(busy) / NULLIF(sum(installed), 0), into u
 * ([n_shown][n_days]). Returns 0, or 1 (left to SQL: an integer overflow,
 * or the one integer division SQL treats apart). */
static int utilisation(const grid *g, atable_cell *u)
{
    for (size_t i = 0; i < g->n_shown * g->n_days; i++) {
        atable_cell busy, installed;
        if (sqlcell_sum_result(&g->busy[i], 0, &busy) ||
            sqlcell_sum_result(&g->installed[i], 0, &installed) ||
            sqlcell_divide_nullif_zero(&busy, &installed, &u[i]))
            return 1;
    }
    return 0;
}

/* Writes the grid; returns the file index, or -1. */
static int write_grid(plot_ctx *c, const grid *g, const atable_cell *u)
{
    char path[128];
    const int k = plot__new_data(c, path, sizeof path);
    FILE *f = fopen(path, "w");
    sqlite3_stmt *echo = NULL;
    if (!f || sqlite3_prepare_v2(c->db, "SELECT ?1", -1, &echo, NULL) != SQLITE_OK) {
        if (f)
            fclose(f);
        return -1;
    }
    int status = 0;
    size_t lines = 0;
    for (size_t r = 0; r < g->n_shown && status == 0; r++) {
        if (r > 0 && g->rows[r] != g->rows[r - 1] && g->n_days > 0)
            fputc('\n', f);
        const atable_cell row = {.type = SQLITE_INTEGER, .i = g->rows[r]};
        for (size_t d = 0; d < g->n_days && status == 0; d++) {
            if (fputs(g->days[d].epoch ? g->days[d].epoch : "NaN", f) < 0 || fputc(',', f) < 0 ||
                cell_text(echo, &row, f) != 0 || fputc(',', f) < 0 ||
                cell_text(echo, &u[r * g->n_days + d], f) != 0 || fputc('\n', f) < 0)
                status = -1;
            lines++;
        }
    }
    sqlite3_finalize(echo);
    if (fclose(f) != 0)
        status = -1;
    return status == 0 && lines > 0 ? k : -1;
}

int plot__heatmap_data(plot_ctx *c, int sql)
{
    if (sql)
        return plot__write_blocks(c, heatmap_sql, 0, 1);
    grid g;
    memset(&g, 0, sizeof g);
    int status = read_shown(c, &g);
    if (status == 0)
        status = read_days(c, &g);
    if (status == 0)
        status = read_sums(c, &g);
    const size_t cells = g.n_shown * g.n_days;
    atable_cell *u = status == 0 ? calloc(cells ? cells : 1, sizeof *u) : NULL;
    if (status == 0 && !u)
        status = -1;
    if (status == 0)
        status = utilisation(&g, u);
    const int k = status == 0 ? write_grid(c, &g, u) : status == 1
                                  ? plot__write_blocks(c, heatmap_sql, 0, 1)  /* SQL's answer */
                                  : -1;
    free(u);
    grid_free(&g);
    return k;
}
