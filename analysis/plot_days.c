/*
 * plot_days: what the plot's passes over per-tick tables share (the
 * heatmap, plot_heatmap.c; the workload charts, plot_workloads.c): the
 * run's days and the day of every tick, read once from the tick table, and
 * SQLite's own text of a computed value, so that a pass writes the bytes
 * its SQL would.
 */
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

/* Tick ids the map takes. */
#define MAX_TICK 100000000

void plot__days_free(plot_days *d)
{
    for (size_t i = 0; i < d->n_days; i++)
        free(d->days[i].epoch);
    free(d->days);
    free(d->day_of_tick);
    memset(d, 0, sizeof *d);
}

static int compare_days(const void *a, const void *b)
{
    return strcmp(((const plot_day *)a)->label, ((const plot_day *)b)->label);
}

/* The distinct days, in label order, with their epochs. 0, 1 or -1. */
static int read_labels(plot_ctx *c, plot_days *g)
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
            plot_day *grown = realloc(g->days, cap * sizeof *grown);
            if (!grown) {
                status = -1;
                break;
            }
            g->days = grown;
        }
        plot_day *d = &g->days[g->n_days++];
        snprintf(d->label, sizeof d->label, "%s", (const char *)label);
        const unsigned char *epoch = sqlite3_column_text(s, 1);
        d->epoch = NULL;
        if (epoch && !(d->epoch = strdup((const char *)epoch))) {
            status = -1;
            break;
        }
    }
    sqlite3_finalize(s);
    return status != 0 ? status : rc == SQLITE_DONE ? 0 : -1;
}

int plot__read_days(plot_ctx *c, plot_days *g)
{
    memset(g, 0, sizeof *g);
    int status = read_labels(c, g);
    if (status != 0)
        return status;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT tick, substr(date, 1, 10) FROM tick WHERE run_id = ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, c->run);
    int rc;
    while (status == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const int64_t tick = sqlite3_column_int64(s, 0);
        const unsigned char *label = sqlite3_column_text(s, 1);
        if (sqlite3_column_type(s, 0) != SQLITE_INTEGER || tick < 0 || tick >= MAX_TICK ||
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
        plot_day key;
        snprintf(key.label, sizeof key.label, "%s", (const char *)label);
        const plot_day *found = bsearch(&key, g->days, g->n_days, sizeof *g->days,
                                        compare_days);
        if (!found) {
            status = 1;
            break;
        }
        g->day_of_tick[tick] = found - g->days;
    }
    sqlite3_finalize(s);
    return status != 0 ? status : rc == SQLITE_DONE ? 0 : -1;
}

int64_t plot__day_of(const plot_days *g, const atable_cell *tick)
{
    if (tick->type != SQLITE_INTEGER || tick->i < 0 || (size_t)tick->i >= g->n_ticks)
        return -1;
    return g->day_of_tick[tick->i];
}

int plot__cell_text(sqlite3_stmt *echo, const atable_cell *v, FILE *f)
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
