/*
 * store_summary: the short text summary printed after a run, read back
 * from the stored rows of the current run: the first shortfall per
 * workload, the mean utilisation per provider, and revenue, EBITDA (revenue -
 * lease cost - energy - opex) and margin (net income before tax) per
 * provider per calendar year.
 *
 * The provider figures come from one scan of the run's provider_tick rows
 * in key order (tick, then provider), summed in C into a provider x year
 * grid. A GROUP BY over provider and year would sort every row first,
 * which costs several times the scan on a multi-year hourly run. Years are
 * contiguous tick ranges, taken from the tick table's dates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "../util/grow.h"

/* Prepares `sql` and binds the run id to ?1. */
static int query(store *st, const char *sql, sqlite3_stmt **out)
{
    int rc = store__prepare(st, sql, out);
    if (rc == STORE_OK && sqlite3_bind_int64(*out, 1, st->run_id) != SQLITE_OK) {
        rc = store__fail(st, "bind summary");
        sqlite3_finalize(*out);
        *out = NULL;
    }
    return rc;
}

/* Steps a query: 1 for a row, 0 at the end (*status set on error). */
static int next_row(store *st, sqlite3_stmt *s, int *status)
{
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc != SQLITE_DONE)
        *status = store__fail(st, "summary");
    return 0;
}

static const char *column_text(sqlite3_stmt *s, int i)
{
    const unsigned char *text = sqlite3_column_text(s, i);
    return text ? (const char *)text : "";
}

/* ---- first shortfall ------------------------------------------------ */

static int print_first_shortfall(store *st, FILE *out)
{
    sqlite3_stmt *s = NULL;
    int status = query(st,
        "SELECT w.name, length(w.name), (SELECT substr(t.date, 1, 16) FROM workload_tick wt"
        "  JOIN tick t ON t.run_id = wt.run_id AND t.tick = wt.tick"
        "  WHERE wt.run_id = ?1 AND wt.workload_id = w.id AND wt.shortfall_h100 > 1e-9"
        "  ORDER BY wt.tick LIMIT 1),"
        " (SELECT max(length(name)) FROM workload WHERE run_id = ?1)"
        " FROM workload w WHERE w.run_id = ?1 ORDER BY w.id", &s);
    fprintf(out, "First shortfall\n");
    while (status == STORE_OK && next_row(st, s, &status)) {
        const char *date = (const char *)sqlite3_column_text(s, 2);
        fprintf(out, "  %-*s  %s\n", sqlite3_column_int(s, 3), column_text(s, 0),
                date ? date : "none");
    }
    sqlite3_finalize(s);
    return status;
}

/* ---- provider totals ------------------------------------------------ */

typedef struct provider_grid {
    size_t n_providers, n_years;
    char (*names)[SPEC_NAME_MAX];
    int name_width;
    int *years;               /* calendar year of each column */
    int64_t *last_tick;       /* last tick index of each year */
    double *used, *pool;      /* per provider: sums over ticks */
    double *revenue, *ebitda, *margin; /* [provider * n_years + year], USD */
} provider_grid;

static void grid_free(provider_grid *g)
{
    free(g->names);
    free(g->years);
    free(g->last_tick);
    free(g->used);
    free(g->pool);
    free(g->revenue);
    free(g->ebitda);
    free(g->margin);
}

static int grid_alloc(store *st, provider_grid *g)
{
    size_t p = g->n_providers + 1, cells = p * (g->n_years + 1);
    g->names = calloc(p, sizeof *g->names);
    g->used = calloc(p, sizeof *g->used);
    g->pool = calloc(p, sizeof *g->pool);
    g->revenue = calloc(cells, sizeof *g->revenue);
    g->ebitda = calloc(cells, sizeof *g->ebitda);
    g->margin = calloc(cells, sizeof *g->margin);
    if (!g->names || !g->used || !g->pool || !g->revenue || !g->ebitda || !g->margin)
        return store__failf(st, STORE_ERR_NOMEM, "summary: out of memory");
    return STORE_OK;
}

/* The calendar years the run's ticks cover, ascending, each with its last tick. */
static int load_years(store *st, provider_grid *g)
{
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    int status = query(st, "SELECT CAST(substr(date, 1, 4) AS INTEGER) AS year, max(tick)"
                           " FROM tick WHERE run_id = ?1 GROUP BY year ORDER BY year", &s);
    while (status == STORE_OK && next_row(st, s, &status)) {
        if (g->n_years == cap) {
            cap = grow_capacity(cap, g->n_years + 1, 16);
            if (cap == 0 || grow_resize((void **)&g->years, cap, sizeof *g->years) != 0 ||
                grow_resize((void **)&g->last_tick, cap, sizeof *g->last_tick) != 0) {
                status = store__failf(st, STORE_ERR_NOMEM, "summary: out of memory");
                break;
            }
        }
        g->years[g->n_years] = sqlite3_column_int(s, 0);
        g->last_tick[g->n_years++] = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    return status;
}

static int load_providers(store *st, provider_grid *g)
{
    sqlite3_stmt *s = NULL;
    int status = query(st, "SELECT count(*), max(length(name)) FROM provider WHERE run_id = ?1",
                       &s);
    if (status == STORE_OK && next_row(st, s, &status)) {
        g->n_providers = (size_t)sqlite3_column_int64(s, 0);
        g->name_width = sqlite3_column_int(s, 1);
    }
    sqlite3_finalize(s);
    if (status == STORE_OK)
        status = grid_alloc(st, g);
    if (status == STORE_OK)
        status = query(st, "SELECT id, name FROM provider WHERE run_id = ?1", &s);
    while (status == STORE_OK && next_row(st, s, &status)) {
        int64_t id = sqlite3_column_int64(s, 0);
        if (id >= 0 && (size_t)id < g->n_providers)
            snprintf(g->names[id], SPEC_NAME_MAX, "%s", column_text(s, 1));
    }
    sqlite3_finalize(s);
    if (g->name_width < 8)
        g->name_width = 8;
    return status;
}

/* One pass over the run's provider_tick rows in key order. */
static int scan_provider_ticks(store *st, provider_grid *g)
{
    sqlite3_stmt *s = NULL;
    size_t year = 0;
    int status = query(st, "SELECT tick, provider_id, used, pool, revenue_usd, margin_usd,"
                           " revenue_usd - lease_cost_usd - energy_cost_usd - opex_usd"
                           " FROM provider_tick WHERE run_id = ?1", &s);
    while (status == STORE_OK && next_row(st, s, &status)) {
        int64_t tick = sqlite3_column_int64(s, 0);
        int64_t p = sqlite3_column_int64(s, 1);
        while (year + 1 < g->n_years && tick > g->last_tick[year])
            year++;
        if (p < 0 || (size_t)p >= g->n_providers || g->n_years == 0)
            continue;
        g->used[p] += sqlite3_column_double(s, 2);
        g->pool[p] += sqlite3_column_double(s, 3);
        g->revenue[(size_t)p * g->n_years + year] += sqlite3_column_double(s, 4);
        g->margin[(size_t)p * g->n_years + year] += sqlite3_column_double(s, 5);
        g->ebitda[(size_t)p * g->n_years + year] += sqlite3_column_double(s, 6);
    }
    sqlite3_finalize(s);
    return status;
}

/* ---- printing ------------------------------------------------------- */

/* Weighted: used GPU-hours over pool GPU-hours; "-" when the pool was empty. */
static void print_utilisation(const provider_grid *g, FILE *out)
{
    fprintf(out, "Mean utilisation\n");
    for (size_t p = 0; p < g->n_providers; p++) {
        if (g->pool[p] > 0.0)
            fprintf(out, "  %-*s  %5.1f%%\n", g->name_width, g->names[p],
                    100.0 * g->used[p] / g->pool[p]);
        else
            fprintf(out, "  %-*s  %6s\n", g->name_width, g->names[p], "-");
    }
}

static void print_money_line(const provider_grid *g, FILE *out, const char *name,
                             const char *item, const double *cells)
{
    fprintf(out, "  %-*s  %-7s", g->name_width, name, item);
    for (size_t y = 0; y < g->n_years; y++)
        fprintf(out, " %10.1f", cells[y] / 1e6);
    fprintf(out, "\n");
}

static void print_money(const provider_grid *g, FILE *out)
{
    fprintf(out, "Revenue and margin per year ($M)\n  %-*s  %-7s", g->name_width, "provider",
            "");
    for (size_t y = 0; y < g->n_years; y++)
        fprintf(out, " %10d", g->years[y]);
    fprintf(out, "\n");
    for (size_t p = 0; p < g->n_providers; p++) {
        print_money_line(g, out, g->names[p], "revenue", g->revenue + p * g->n_years);
        print_money_line(g, out, "", "EBITDA", g->ebitda + p * g->n_years);
        print_money_line(g, out, "", "margin", g->margin + p * g->n_years);
    }
}

int store_print_summary(store *st, FILE *out)
{
    if (st->run_id <= 0)
        return store__failf(st, STORE_ERR_SQLITE, "store_print_summary: no run");
    provider_grid g;
    memset(&g, 0, sizeof g);
    int rc = print_first_shortfall(st, out);
    if (rc == STORE_OK)
        rc = load_years(st, &g);
    if (rc == STORE_OK)
        rc = load_providers(st, &g);
    if (rc == STORE_OK)
        rc = scan_provider_ticks(st, &g);
    if (rc == STORE_OK) {
        print_utilisation(&g, out);
        print_money(&g, out);
    }
    grid_free(&g);
    return rc;
}
