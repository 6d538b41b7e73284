/*
 * plot_sources: where a workload's capacity comes from, for the stacked
 * layers of its chart. An inference workload's capacity is its share of
 * its tenant's (provider_tick.capacity_h100), share = its capacity / the
 * tenant's; each contract the tenant leases in gives it that share of
 * contract_tick.capacity_h100 and its own GPUs the rest (analysis/README.md
 * defines both columns). Leases are grouped by lessor, largest first, one
 * layer each up to PLOT_MAX_SOURCES - 1; with more lessors the smallest are
 * merged into one "other leases" layer. A training workload has one layer:
 * its capacity is not split by source.
 *
 * The layers are cumulative, so that gnuplot fills between successive
 * columns, and the last is the workload's capacity itself: the layers sum
 * to it by construction on every day.
 *
 * The SQL here (lessors_sql, the per-workload query in out->sql) is the
 * reference; plot_workloads.c computes the same ranking and data files for
 * every workload in two passes and hands the ranking in.
 */
#include "plot_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The lessors that give the tenant some capacity in the run, largest total
 * first: id, name, contracts, the first contract's name. */
static const char lessors_sql[] =
    "SELECT k.lessor_id, lr.name, count(DISTINCT k.id), min(k.name)"
    " FROM contract_tick ct JOIN contract k ON k.run_id = ct.run_id AND k.id = ct.contract_id"
    " JOIN provider lr ON lr.run_id = k.run_id AND lr.id = k.lessor_id"
    " WHERE ct.run_id = ?1 AND k.lessee_id = ?2 AND ct.capacity_h100 > 0"
    " GROUP BY k.lessor_id ORDER BY sum(ct.capacity_h100) DESC, k.lessor_id";

/* For a lessor that owns no datacenter (a reseller), the lessors it leases
 * from (?2 = the lessor); NULL for one that owns a datacenter. */
static const char upstream_sql[] =
    "SELECT group_concat(name, ', ') FROM (SELECT DISTINCT up.name FROM contract k2"
    " JOIN provider up ON up.run_id = k2.run_id AND up.id = k2.lessor_id"
    " WHERE k2.run_id = ?1 AND k2.lessee_id = ?2 AND NOT EXISTS (SELECT 1"
    " FROM datacenter d WHERE d.run_id = ?1 AND d.owner_id = ?2) ORDER BY up.name)";

int plot__lessor_upstream(sqlite3 *db, int64_t run, plot_lessor *l)
{
    sqlite3_stmt *s = NULL;
    l->upstream[0] = '\0';
    l->has_upstream = 0;
    if (sqlite3_prepare_v2(db, upstream_sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, run);
    sqlite3_bind_int64(s, 2, l->id);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
        snprintf(l->upstream, sizeof l->upstream, "%s", (const char *)sqlite3_column_text(s, 0));
        l->has_upstream = 1;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

int plot__tenant_lessors(sqlite3 *db, int64_t run, int64_t tenant, plot_lessor **out, int *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, lessors_sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, run);
    sqlite3_bind_int64(s, 2, tenant);
    int rc, status = 0;
    while (status == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        plot_lessor *grown = realloc(*out, (size_t)(*n + 1) * sizeof *grown);
        if (!grown) {
            status = -1;
            break;
        }
        *out = grown;
        plot_lessor *l = &grown[(*n)++];
        memset(l, 0, sizeof *l);
        l->id = sqlite3_column_int64(s, 0);
        snprintf(l->name, sizeof l->name, "%s", (const char *)sqlite3_column_text(s, 1));
        l->contracts = sqlite3_column_int(s, 2);
        snprintf(l->first, sizeof l->first, "%s", (const char *)sqlite3_column_text(s, 3));
    }
    sqlite3_finalize(s);
    for (int i = 0; status == 0 && i < *n; i++)
        status = plot__lessor_upstream(db, run, &(*out)[i]);
    if (status == 0 && rc != SQLITE_DONE)
        status = -1;
    if (status != 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return status;
}

/* Layer colours: own GPUs, the leases' palette, the merged rest. A lessor
 * takes the palette entry of its provider id (mod its size), the next free
 * one when a larger lessor of the chart has it, so that a lessor keeps its
 * colour from chart to chart. */
static const char own_colour[] = "#3182bd", other_colour[] = "#bdbdbd";
static const char *const lease_colours[] = {"#74c476", "#fdae6b", "#9e9ac8", "#17becf",
                                            "#e7ba52"};
#define N_LEASE_COLOURS (sizeof lease_colours / sizeof *lease_colours)

static const char *lessor_colour(const plot_sources *out, int layer, int64_t lessor)
{
    for (size_t step = 0; step < N_LEASE_COLOURS; step++) {
        const char *c = lease_colours[((size_t)lessor + step) % N_LEASE_COLOURS];
        int used = 0;
        for (int i = 1; i < layer; i++)
            used |= out->colour[i] == c;
        if (!used)
            return c;
    }
    return other_colour;   /* not reached: fewer lease layers than colours */
}

/* "lease from Google, resold from CoreWeave (10 contracts)" */
static void lessor_label(const plot_lessor *l, char *out, size_t len)
{
    char what[80];
    if (l->contracts == 1)
        snprintf(what, sizeof what, "%s", l->first);
    else
        snprintf(what, sizeof what, "%d contracts", l->contracts);
    snprintf(out, len, "lease from %s%s%s (%s)", l->name, l->has_upstream ? ", resold from " : "",
             l->has_upstream ? l->upstream : "", what);
}

/* Lease layers of the tenant, from its ranked lessors: fills
 * out->label[1..], out->lessor and out->named, and writes each layer's
 * contract_tick sum column ("s1", ...) into src. Returns how many layers. */
static int lease_layers(const plot_lessor *lessors, int rows, plot_sources *out, strbuf *src)
{
    const int max_leases = PLOT_MAX_SOURCES - 1;
    const int n = rows < max_leases ? rows : max_leases;
    const int named = rows > max_leases ? max_leases - 1 : n;   /* the last layer merges the rest */
    for (int i = 0; i < n; i++) {
        lessor_label(&lessors[i], out->label[1 + i], sizeof out->label[0]);
        out->colour[1 + i] = lessor_colour(out, 1 + i, lessors[i].id);
    }
    for (int i = 0; i < named; i++) {
        out->lessor[1 + i] = lessors[i].id;
        strbuf_addf(src, ", sum(CASE WHEN k.lessor_id = %lld THEN ct.capacity_h100 ELSE 0 END)"
                    " AS s%d", (long long)lessors[i].id, i + 1);
    }
    out->named = named;
    if (named < n) {
        strbuf_add(src, ", sum(CASE WHEN k.lessor_id NOT IN (");
        for (int i = 0; i < named; i++)
            strbuf_addf(src, "%s%lld", i ? ", " : "", (long long)lessors[i].id);
        strbuf_addf(src, ") THEN ct.capacity_h100 ELSE 0 END) AS s%d", n);
        snprintf(out->label[n], sizeof out->label[0], "other leases (%d lessors)",
                 rows - named);
        out->colour[n] = other_colour;
    }
    return n;
}

int plot__workload_sources(sqlite3 *db, int64_t run, int64_t workload,
                           const plot_lessor *lessors, int n_lessors, plot_sources *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = NULL;
    int64_t tenant = -1;
    int training = 0;
    if (sqlite3_prepare_v2(db, "SELECT tenant_id, type = 'training' FROM workload"
                           " WHERE run_id = ?1 AND id = ?2", -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, run);
    sqlite3_bind_int64(s, 2, workload);
    if (sqlite3_step(s) == SQLITE_ROW) {
        tenant = sqlite3_column_int64(s, 0);
        training = sqlite3_column_int(s, 1);
    }
    sqlite3_finalize(s);
    if (tenant < 0)
        return -1;
    out->tenant = tenant;
    out->training = training;
    strbuf src = {0};
    const int leases = training ? 0 : lease_layers(lessors, n_lessors, out, &src);
    snprintf(out->label[0], sizeof out->label[0], "%s",
             training ? "capacity for its jobs (GPUs it may use x train_speed)" : "own GPUs");
    out->n = 1 + leases;
    out->colour[0] = own_colour;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM datacenter WHERE run_id = ?1 AND owner_id = ?2",
                           -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, run);
        sqlite3_bind_int64(s, 2, tenant);
        out->has_own = training || (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 0);
    }
    sqlite3_finalize(s);
    /* per tick: demand, served, capacity, share, and each lease layer's sum */
    strbuf *q = &out->sql;
    strbuf_add(q, "WITH src AS (SELECT ct.tick, sum(ct.capacity_h100) AS leased");
    strbuf_add(q, strbuf_str(&src) ? strbuf_str(&src) : "");
    strbuf_free(&src);
    strbuf_addf(q, " FROM contract_tick ct JOIN contract k ON k.run_id = ct.run_id"
                " AND k.id = ct.contract_id WHERE ct.run_id = ?1 AND k.lessee_id = %lld"
                " GROUP BY ct.tick),"
                " days AS (SELECT substr(t.date, 1, 10) AS day, x.demand_h100 AS demand,"
                " x.served_h100 AS served, x.capacity_h100 AS capacity,"
                " CASE WHEN %d OR pt.capacity_h100 <= 0 THEN 0"
                " ELSE x.capacity_h100 / pt.capacity_h100 END AS share, src.*"
                " FROM workload_tick x JOIN tick t ON t.run_id = x.run_id AND t.tick = x.tick"
                " JOIN provider_tick pt ON pt.run_id = x.run_id AND pt.tick = x.tick"
                " AND pt.provider_id = %lld LEFT JOIN src ON src.tick = x.tick"
                " WHERE x.run_id = ?1 AND x.workload_id = ?2)"
                " SELECT day, avg(demand) / 1e3, avg(served) / 1e3",
                (long long)tenant, training, (long long)tenant);
    /* cumulative layer k = capacity - share x (leased - s1 - ... - sk) */
    for (int k = 0; k < leases; k++) {
        strbuf_add(q, ", avg(capacity - share * (coalesce(leased, 0)");
        for (int i = 1; i <= k; i++)
            strbuf_addf(q, " - coalesce(s%d, 0)", i);
        strbuf_add(q, ")) / 1e3");
    }
    strbuf_add(q, ", avg(capacity) / 1e3 FROM days GROUP BY 1 ORDER BY 1");
    return strbuf_str(q) ? 0 : -1;
}
