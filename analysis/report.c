/*
 * report: the report's tables, each one SQL statement over one run.
 * ?1 is the run id, ?2 the tick length in hours. Columns of per-tick
 * tables that other parts of capsim add later (more _usd flows) are
 * discovered through rollup_describe and summed where money is summed.
 */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adb.h"
#include "groups.h"
#include "report_internal.h"
#include "stats.h"
#include "../sim/store/rollup.h"
#include "../sim/util/caltime.h"
#include "../sim/util/strbuf.h"
#include "../sim/util/units.h"

int report_parse_format(const char *s, report_format *f)
{
    if (!strcmp(s, "text"))
        *f = REPORT_TEXT;
    else if (!strcmp(s, "csv"))
        *f = REPORT_CSV;
    else if (!strcmp(s, "json"))
        *f = REPORT_JSON;
    else
        return -1;
    return 0;
}

/* run: the run row as (field, value), without the scenario text, plus the
 * simulated period. */
static atable *run_table(sqlite3 *db, int64_t run)
{
    static const char *const cols[] = {"field", "value"};
    static const char sql[] =
        "SELECT r.*, (SELECT min(date) FROM tick WHERE run_id = ?1) AS period_start,"
        " (SELECT datetime(r.start_date, '+' || (max(t) + r.tick_seconds) || ' seconds')"
        "  FROM tick WHERE run_id = ?1) AS period_end"
        " FROM run r WHERE r.id = ?1";
    atable *t = atable_new("run", "Run", 2, cols);
    sqlite3_stmt *s = NULL;
    if (!t || sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        atable_free(t);
        return NULL;
    }
    sqlite3_bind_int64(s, 1, run);
    if (sqlite3_step(s) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(s); c++) {
            const char *name = sqlite3_column_name(s, c);
            if (!strcmp(name, "scenario_text"))
                continue;
            size_t r = atable_add_row(t);
            if (r == (size_t)-1)
                break;
            atable_set_text(t, r, 0, name);
            switch (sqlite3_column_type(s, c)) {
            case SQLITE_INTEGER: atable_set_int(t, r, 1, sqlite3_column_int64(s, c)); break;
            case SQLITE_FLOAT: atable_set_real(t, r, 1, sqlite3_column_double(s, c)); break;
            case SQLITE_NULL: break;
            default: atable_set_text(t, r, 1, (const char *)sqlite3_column_text(s, c)); break;
            }
        }
    }
    sqlite3_finalize(s);
    return t;
}

static const char shortfall_sql[] =
    "WITH g AS (SELECT workload_id AS id, sum(demand_h100) AS d, sum(served_h100) AS s,"
    "  sum(shortfall_h100) AS f, max(shortfall_h100) AS pk"
    "  FROM workload_tick WHERE run_id = ?1 GROUP BY workload_id)"
    " SELECT w.name AS workload, p.name AS tenant,"
    "  coalesce((SELECT t.date FROM workload_tick wt JOIN tick t"
    "   ON t.run_id = wt.run_id AND t.tick = wt.tick"
    "   WHERE wt.run_id = ?1 AND wt.workload_id = w.id AND wt.shortfall_h100 > 1e-9"
    "   ORDER BY wt.tick LIMIT 1), 'never') AS first_shortfall,"
    "  coalesce((SELECT strftime('%Y-%m-%d', r.start_date, '+' || CAST(m.value AS INTEGER)"
    "   || ' seconds') FROM run_metric m JOIN run r ON r.id = m.run_id WHERE m.run_id = ?1"
    "   AND m.metric = 'sustained_shortfall_t.' || w.name), 'never') AS sustained_shortfall,"
    "  g.d * ?2 AS demand_h100_hours, g.s * ?2 AS served_h100_hours,"
    "  g.f * ?2 AS shortfall_h100_hours, g.pk AS peak_shortfall_h100"
    " FROM workload w LEFT JOIN g ON g.id = w.id"
    " LEFT JOIN provider p ON p.run_id = w.run_id AND p.id = w.tenant_id"
    " WHERE w.run_id = ?1 ORDER BY w.id";

static const char dc_sql[] =
    "WITH g AS (SELECT datacenter_id AS id, max(installed) AS peak_gpus,"
    "  sum(busy) / NULLIF(sum(installed), 0) AS mean_utilisation,"
    "  max(mean_utilisation) AS peak_utilisation, avg(power_mw) AS mean_power_mw,"
    "  max(power_mw) AS peak_power_mw, sum(energy_mwh) AS energy_mwh"
    "  FROM dc_tick WHERE run_id = ?1 GROUP BY datacenter_id)"
    " SELECT d.name AS datacenter, p.name AS owner, g.peak_gpus, g.mean_utilisation,"
    "  g.peak_utilisation, g.mean_power_mw, g.peak_power_mw, g.energy_mwh"
    " FROM datacenter d LEFT JOIN g ON g.id = d.id"
    " LEFT JOIN provider p ON p.run_id = d.run_id AND p.id = d.owner_id"
    " WHERE d.run_id = ?1 ORDER BY d.id";

static const char provider_sql[] =
    "WITH g AS (SELECT provider_id AS id, sum(used) / NULLIF(sum(pool), 0) AS mean_utilisation,"
    "  max(utilisation) AS peak_utilisation, avg(pool) AS mean_pool, max(pool) AS peak_pool,"
    "  avg(demand_h100) AS mean_demand_h100, avg(shortfall_h100) AS mean_shortfall_h100"
    "  FROM provider_tick WHERE run_id = ?1 GROUP BY provider_id)"
    " SELECT p.name AS provider, p.kind AS kind, g.mean_utilisation, g.peak_utilisation,"
    "  g.mean_pool, g.peak_pool, g.mean_demand_h100, g.mean_shortfall_h100"
    " FROM provider p LEFT JOIN g ON g.id = p.id WHERE p.run_id = ?1 ORDER BY p.id";

static const char energy_sql[] =
    "WITH p AS (SELECT tick, sum(power_mw) AS mw, sum(energy_mwh) AS mwh"
    "  FROM dc_tick WHERE run_id = ?1 GROUP BY tick),"
    " y AS (SELECT substr(t.date, 1, 4) AS year, p.mw, p.mwh FROM p"
    "  JOIN tick t ON t.run_id = ?1 AND t.tick = p.tick)"
    " SELECT year, sum(mwh) AS energy_mwh, avg(mw) AS mean_power_mw, max(mw) AS peak_power_mw"
    " FROM y GROUP BY year"
    " UNION ALL SELECT 'total', sum(mwh), avg(mw), max(mw) FROM y";

static const char events_sql[] =
    "SELECT date, kind, entity, message FROM event_log WHERE run_id = ?1 ORDER BY seq";

/* Time metrics (a name ending `_t`, or `_t.` and an entity: seconds since the
 * run's start, as run_metric stores them) are shown as dates. */
static const char metrics_sql[] =
    "SELECT metric, CASE WHEN metric GLOB '*_t' OR metric GLOB '*_t.*'"
    "  THEN strftime('%Y-%m-%d %H:%M', (SELECT start_date FROM run WHERE id = ?1),"
    "                '+' || CAST(value AS INTEGER) || ' seconds')"
    "  ELSE value END AS value"
    " FROM run_metric WHERE run_id = ?1 ORDER BY metric";

static int is_time_metric(const char *metric)
{
    const size_t n = strlen(metric);
    return (n > 2 && !strcmp(metric + n - 2, "_t")) || strstr(metric, "_t.") != NULL;
}

/* Appends ", sum(x."c") AS "c"" for every money column of a per-tick
 * table; with sel, ", g."c"" to sel as well. */
static void add_money_sums(strbuf *b, const rollup_table *rt, strbuf *sel)
{
    for (int i = 0; i < rt->n_values; i++) {
        const char *c = rt->values[i].name;
        size_t n = strlen(c);
        if (n <= 4 || strcmp(c + n - 4, "_usd") != 0)
            continue;
        strbuf_addf(b, ", sum(x.\"%s\") AS \"%s\"", c, c);
        if (sel)
            strbuf_addf(sel, ", g.\"%s\"", c);
    }
}

/* Finance per provider and year: every money column of provider_tick, then
 * the income statement: EBITDA = revenue - lease cost - energy - opex,
 * operating income = EBITDA - depreciation, net income = operating income -
 * interest (before tax; equal to the sum of margin_usd). A database written
 * before opex and interest existed counts them as 0. */
static char *finance_sql(sqlite3 *db)
{
    rollup_table rt;
    if (rollup_describe(db, "provider_tick", &rt) != 0)
        return NULL;
    const char *opex = adb_has_column(db, "provider_tick", "opex_usd") ? "x.opex_usd" : "0";
    const char *interest =
        adb_has_column(db, "provider_tick", "interest_usd") ? "x.interest_usd" : "0";
    strbuf b = {0};
    strbuf_add(&b, "SELECT p.name AS provider, CAST(substr(t.date, 1, 4) AS INTEGER) AS year");
    add_money_sums(&b, &rt, NULL);
    strbuf_addf(&b, ", sum(x.revenue_usd - x.lease_cost_usd - x.energy_cost_usd - %s)"
                    " AS ebitda_usd", opex);
    strbuf_addf(&b, ", sum(x.revenue_usd - x.lease_cost_usd - x.energy_cost_usd - %s"
                    " - x.depreciation_usd) AS operating_income_usd", opex);
    strbuf_addf(&b, ", sum(x.revenue_usd - x.lease_cost_usd - x.energy_cost_usd - %s"
                    " - x.depreciation_usd - %s) AS net_income_usd", opex, interest);
    strbuf_add(&b, " FROM provider_tick x JOIN tick t ON t.run_id = x.run_id AND t.tick = x.tick"
                   " JOIN provider p ON p.run_id = x.run_id AND p.id = x.provider_id"
                   " WHERE x.run_id = ?1 GROUP BY x.provider_id, substr(t.date, 1, 4)"
                   " ORDER BY x.provider_id, year");
    return b.error ? (strbuf_free(&b), NULL) : b.s;
}

int report__contract_columns(sqlite3 *db, report_contract_columns *out)
{
    rollup_table rt;
    memset(out, 0, sizeof *out);
    if (rollup_describe(db, "contract_tick", &rt) != 0)
        return -1;
    out->has_active = adb_has_column(db, "contract_tick", "active");
    out->has_origin = adb_has_column(db, "contract", "origin");
    static const char *const levels[] = {"committed", "delivered", "used"};
    for (size_t i = 0; i < 3; i++)
        if (adb_has_column(db, "contract_tick", levels[i])) {
            report_contract_value *v = &out->values[out->n_values++];
            snprintf(v->column, sizeof v->column, "%s", levels[i]);
            snprintf(v->name, sizeof v->name, "mean_%s", levels[i]);
            v->mean = 1;
        }
    for (int i = 0; i < rt.n_values && out->n_values < REPORT_CONTRACT_VALUES_MAX; i++) {
        const char *c = rt.values[i].name;
        size_t n = strlen(c);
        if (n <= 4 || strcmp(c + n - 4, "_usd") != 0)
            continue;
        report_contract_value *v = &out->values[out->n_values++];
        snprintf(v->column, sizeof v->column, "%s", c);
        snprintf(v->name, sizeof v->name, "%s", c);
    }
    return 0;
}

/* Contracts: the means of the GPU levels over the ticks the contract is
 * active, and the sum of every money column (report__contract_columns). */
static char *contracts_sql(sqlite3 *db)
{
    report_contract_columns cc;
    if (report__contract_columns(db, &cc) != 0)
        return NULL;
    const char *filter = cc.has_active ? " FILTER (WHERE x.active = 1)" : "";
    strbuf b = {0}, sel = {0};
    strbuf_add(&b, "WITH g AS (SELECT x.contract_id AS id");
    for (int i = 0; i < cc.n_values; i++) {
        const report_contract_value *v = &cc.values[i];
        if (v->mean) {
            strbuf_addf(&b, ", avg(x.\"%s\")%s AS %s", v->column, filter, v->name);
            strbuf_addf(&sel, ", g.%s", v->name);
        } else {
            strbuf_addf(&b, ", sum(x.\"%s\") AS \"%s\"", v->column, v->name);
            strbuf_addf(&sel, ", g.\"%s\"", v->name);
        }
    }
    strbuf_add(&b, " FROM contract_tick x WHERE x.run_id = ?1 GROUP BY x.contract_id)"
                   " SELECT c.name AS contract, a.name AS lessor, e.name AS lessee, c.kind AS kind");
    if (cc.has_origin)
        strbuf_add(&b, ", c.origin AS origin");
    const char *g_cols = strbuf_str(&sel);
    strbuf_addf(&b, ", c.gpus AS committed_gpus%s FROM contract c", g_cols ? g_cols : "");
    strbuf_free(&sel);
    strbuf_add(&b, " LEFT JOIN g ON g.id = c.id"
                   " LEFT JOIN provider a ON a.run_id = c.run_id AND a.id = c.lessor_id"
                   " LEFT JOIN provider e ON e.run_id = c.run_id AND e.id = c.lessee_id"
                   " WHERE c.run_id = ?1 ORDER BY c.id");
    return b.error ? (strbuf_free(&b), NULL) : b.s;
}

static int add_query(atable_list *l, sqlite3 *db, const char *name, const char *title,
                     const char *sql, int64_t run, double hours)
{
    if (!sql)
        return -1;
    return atable_list_add(l, atable_query(db, name, title, sql, run, hours));
}

static int add_dynamic(atable_list *l, sqlite3 *db, const char *name, const char *title,
                       char *sql, int64_t run)
{
    int rc = add_query(l, db, name, title, sql, run, 0.0);
    free(sql);
    return rc;
}

/* dc_utilisation and contracts: through the pass (report_pass.c), or their
 * SQL when the pass cannot give its cells or report__use_sql asks. */
static int add_dc_utilisation(atable_list *l, sqlite3 *db, int64_t run, double hours)
{
    static const char title[] = "Utilisation, power and energy per data center";
    int fallback = 1;
    if (!report__sql_only()) {
        atable *t = report__dc_utilisation(db, run, title, &fallback);
        if (t || !fallback)
            return atable_list_add(l, t);
    }
    return add_query(l, db, "dc_utilisation", title, dc_sql, run, hours);
}

static int add_contracts(atable_list *l, sqlite3 *db, int64_t run)
{
    static const char title[] = "Contracts: GPUs (means while active), payments and SLA credits "
                                "(USD)";
    int fallback = 1;
    if (!report__sql_only()) {
        atable *t = report__contracts(db, run, title, &fallback);
        if (t || !fallback)
            return atable_list_add(l, t);
    }
    return add_dynamic(l, db, "contracts", title, contracts_sql(db), run);
}

/* "(1,2,3)" */
static void add_id_list(strbuf *b, const int64_t *runs, size_t n)
{
    strbuf_add(b, "(");
    for (size_t i = 0; i < n; i++)
        strbuf_addf(b, "%s%lld", i ? "," : "", (long long)runs[i]);
    strbuf_add(b, ")");
}

/* One metric's statistics. A time metric's figures are dates (its sd in
 * days): start_day is the runs' start, days since 1970-01-01. */
static void stats_row(atable *t, const char *metric, double *v, size_t n, int64_t start_day)
{
    astats st;
    size_t r = atable_add_row(t);
    if (r == (size_t)-1 || astats_compute(v, n, &st) != 0)
        return;
    atable_set_text(t, r, 0, metric);
    atable_set_int(t, r, 1, (int64_t)st.n);
    double vals[] = {st.mean, st.sd, st.ci_low, st.ci_high, st.p10, st.p50, st.p90};
    const int time = is_time_metric(metric);
    for (int c = 0; c < 7; c++) {
        if (time && c == 1) {
            atable_set_real(t, r, c + 2, vals[c] / UNITS_SECONDS_PER_DAY_REAL);
        } else if (time && isfinite(vals[c])) {
            char date[20];
            caltime_format_since(start_day, (int64_t)llround(vals[c]), date);
            date[16] = '\0';   /* to the minute */
            atable_set_text(t, r, c + 2, date);
        } else {
            atable_set_real(t, r, c + 2, vals[c]);
        }
    }
}

atable *report_metric_stats(sqlite3 *db, const int64_t *runs, size_t n)
{
    static const char *const cols[] = {"metric", "n", "mean", "sd", "ci95_low", "ci95_high",
                                       "p10", "p50", "p90"};
    strbuf b = {0};
    strbuf_add(&b, "SELECT metric, value FROM run_metric WHERE run_id IN ");
    add_id_list(&b, runs, n);
    strbuf_add(&b, " ORDER BY metric, run_id");
    sqlite3_stmt *s = NULL;
    atable *t = atable_new("metric_stats", "Every metric over the replications: mean, standard "
                           "deviation, 95% confidence interval of the mean (Student t), "
                           "P10/P50/P90 (time metrics, *_t: dates, sd in days)", 9, cols);
    int64_t start_day = 0;
    sqlite3_stmt *q = NULL;
    if (n && sqlite3_prepare_v2(db, "SELECT substr(start_date, 1, 10) FROM run WHERE id = ?1",
                                -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, runs[0]);
        if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
            caltime_parse_date((const char *)sqlite3_column_text(q, 0), &start_day);
    }
    sqlite3_finalize(q);
    double *v = malloc((n ? n : 1) * sizeof *v);
    const char *sql = strbuf_str(&b);
    if (!t || !v || !sql || sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        atable_free(t);
        t = NULL;
    }
    char metric[256] = "";
    size_t k = 0;
    int rc = SQLITE_DONE;
    while (t && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(s, 0);
        if (k > 0 && strcmp(m, metric) != 0) {
            stats_row(t, metric, v, k, start_day);
            k = 0;
        }
        snprintf(metric, sizeof metric, "%s", m);
        if (k < n)
            v[k++] = sqlite3_column_double(s, 1);
    }
    if (t && k > 0)
        stats_row(t, metric, v, k, start_day);
    if (rc != SQLITE_DONE) {
        atable_free(t);
        t = NULL;
    }
    sqlite3_finalize(s);
    strbuf_free(&b);
    free(v);
    return t;
}

static int add_replications(atable_list *l, sqlite3 *db, int64_t run, FILE *warn)
{
    groups_set g;
    int64_t *ids = NULL;
    size_t n = 0;
    if (groups_build(db, GROUPS_BY_PARAMS, &g) != 0)
        return -1;
    report__warn_duplicates(&g, warn);
    int rc = groups_replications_of(&g, run, &ids, &n);
    if (rc == 0 && n >= 2) {
        strbuf b = {0};
        strbuf_add(&b, "SELECT id AS run, seed, status, ticks, sweep_point, replication"
                       " FROM run WHERE id IN ");
        add_id_list(&b, ids, n);
        strbuf_add(&b, " ORDER BY id");
        rc = add_query(l, db, "replications", "Replications: complete runs with this run's "
                       "parameters apart from the seed, over the same period, one per seed",
                       strbuf_str(&b), run, 0.0);
        strbuf_free(&b);
        if (rc == 0)
            rc = atable_list_add(l, report_metric_stats(db, ids, n));
    }
    size_t i = groups_find(&g, run);
    size_t mine = i == GROUPS_NO_GROUP ? GROUPS_NO_GROUP : g.runs[i].group;
    if (rc == 0 && g.n_groups > 1)
        rc = report__add_other_groups(l, db, &g, mine);
    free(ids);
    groups_free(&g);
    return rc;
}

int report_build(sqlite3 *db, int64_t run, atable_list *out, FILE *warn)
{
    double h = adb_tick_hours(db, run);
    if (atable_list_add(out, run_table(db, run)) != 0 ||
        add_query(out, db, "shortfall", "Demand and shortfall per workload (H100-equivalents)",
                  shortfall_sql, run, h) != 0 ||
        add_dc_utilisation(out, db, run, h) != 0 ||
        add_query(out, db, "provider_utilisation", "Utilisation per provider", provider_sql,
                  run, h) != 0 ||
        add_dynamic(out, db, "finance", "Revenue, costs and margin per provider per year (USD; the model's costs "
                    "only: no staff, network or SG&A)",
                    finance_sql(db), run) != 0 ||
        add_contracts(out, db, run) != 0 ||
        add_query(out, db, "energy", "Energy and power of all data centers per year", energy_sql,
                  run, h) != 0 ||
        add_query(out, db, "events", "Notable events", events_sql, run, h) != 0 ||
        add_query(out, db, "metrics", "End-of-run metrics", metrics_sql, run, h) != 0)
        return -1;
    return add_replications(out, db, run, warn);
}

void report_write(const atable_list *l, report_format f, const char *head, FILE *out)
{
    if (f == REPORT_JSON) {
        atable_list_write_json(l, head, out);
        return;
    }
    csvout w;
    csvout_init(&w, out);
    for (size_t i = 0; i < l->n; i++) {
        if (f == REPORT_CSV)
            atable_write_csv(l->items[i], &w);
        else
            atable_print_text(l->items[i], out);
    }
}

atable *report_runs_table(sqlite3 *db)
{
    static const char sql[] =
        "SELECT id AS run, scenario_name AS scenario, sweep_point, replication, seed,"
        " start_date AS period_start,"
        " datetime(start_date, '+' || (coalesce(ticks, (SELECT count(*) FROM tick"
        "  WHERE tick.run_id = run.id)) * tick_seconds) || ' seconds') AS period_end,"
        " status, coalesce(ticks, (SELECT count(*) FROM tick WHERE tick.run_id = run.id))"
        " AS ticks, wall_seconds FROM run ORDER BY id";
    return atable_query(db, "runs", "Runs in the database", sql, 0, 0.0);
}
