/*
 * store_metrics: the end-of-run metrics (run_metric), computed in SQL from
 * the rows the run stored, so they always agree with the data.
 *
 * Metrics are named "<metric>.<entity name>" per entity, or "<metric>" for
 * the whole market. Each statement aggregates one per-tick table of one
 * run in a single pass (the run's rows are one contiguous key range), and
 * ?1 is the run id, ?2 the tick length in hours. NULL values (a mean over
 * nothing) are not stored. Utilisation is weighted: used GPU-hours over
 * pool GPU-hours.
 */
#include "store_internal.h"
#include "../util/units.h"

static const char *const metric_sql[] = {
    /* t (seconds since start) of the first tick with any shortfall, per
     * workload: each lookup walks the run's rows in tick order and stops at
     * the first match */
    "INSERT OR REPLACE INTO run_metric"
    " SELECT ?1, 'first_shortfall_t.' || name, first_t FROM ("
    "  SELECT w.name AS name, (SELECT t.t FROM workload_tick wt"
    "   JOIN tick t ON t.run_id = wt.run_id AND t.tick = wt.tick"
    "   WHERE wt.run_id = ?1 AND wt.workload_id = w.id AND wt.shortfall_h100 > 1e-9"
    "   ORDER BY wt.tick LIMIT 1) AS first_t"
    "  FROM workload w WHERE w.run_id = ?1)"
    " WHERE first_t IS NOT NULL",

    "WITH g AS (SELECT workload_id AS id, sum(demand_h100) AS demand,"
    "  sum(served_h100) AS served, sum(shortfall_h100) AS shortfall,"
    "  sum(goodput_h100_hours) AS goodput"
    "  FROM workload_tick WHERE run_id = ?1 GROUP BY workload_id),"
    " a AS (SELECT g.*, w.name AS name FROM g JOIN workload w ON w.run_id = ?1 AND w.id = g.id)"
    " INSERT OR REPLACE INTO run_metric SELECT ?1, metric, value FROM ("
    "  SELECT 'demand_h100_hours.' || name AS metric, demand * ?2 AS value FROM a"
    "  UNION ALL SELECT 'served_h100_hours.' || name, served * ?2 FROM a"
    "  UNION ALL SELECT 'shortfall_h100_hours.' || name, shortfall * ?2 FROM a"
    "  UNION ALL SELECT 'goodput_h100_hours.' || name, goodput FROM a"
    "  UNION ALL SELECT 'shortfall_h100_hours', sum(shortfall) * ?2 FROM a)"
    " WHERE value IS NOT NULL",

    /* payments_net_usd: revenue and lease cost are the two sides of every
     * payment, so in a closed market they net to ~0 (rounding only) */
    "WITH g AS (SELECT provider_id AS id, sum(used) / NULLIF(sum(pool), 0) AS util,"
    "  sum(revenue_usd) AS revenue, sum(lease_cost_usd) AS lease,"
    "  sum(energy_cost_usd) AS energy, sum(depreciation_usd) AS depreciation,"
    "  sum(opex_usd) AS opex, sum(interest_usd) AS interest, sum(margin_usd) AS margin"
    "  FROM provider_tick WHERE run_id = ?1 GROUP BY provider_id),"
    " a AS (SELECT g.*, p.name AS name FROM g JOIN provider p ON p.run_id = ?1 AND p.id = g.id)"
    " INSERT OR REPLACE INTO run_metric SELECT ?1, metric, value FROM ("
    "  SELECT 'mean_utilisation.' || name AS metric, util AS value FROM a"
    "  UNION ALL SELECT 'revenue_usd.' || name, revenue FROM a"
    "  UNION ALL SELECT 'lease_cost_usd.' || name, lease FROM a"
    "  UNION ALL SELECT 'energy_cost_usd.' || name, energy FROM a"
    "  UNION ALL SELECT 'depreciation_usd.' || name, depreciation FROM a"
    "  UNION ALL SELECT 'opex_usd.' || name, opex FROM a"
    "  UNION ALL SELECT 'interest_usd.' || name, interest FROM a"
    "  UNION ALL SELECT 'ebitda_usd.' || name, revenue - lease - energy - opex FROM a"
    "  UNION ALL SELECT 'margin_usd.' || name, margin FROM a"
    "  UNION ALL SELECT 'payments_net_usd', sum(revenue) - sum(lease) FROM a"
    "  UNION ALL SELECT 'revenue_usd', sum(revenue) FROM a"
    "  UNION ALL SELECT 'margin_usd', sum(margin) FROM a)"
    " WHERE value IS NOT NULL",

    "INSERT OR REPLACE INTO run_metric"
    " SELECT ?1, 'payment_usd.' || c.name, g.payment"
    " FROM (SELECT contract_id AS id, sum(payment_usd) AS payment FROM contract_tick"
    "  WHERE run_id = ?1 GROUP BY contract_id) g"
    " JOIN contract c ON c.run_id = ?1 AND c.id = g.id"
    " WHERE g.payment IS NOT NULL",

    /* market dynamics: spot preemption, SLA credits, termination fees,
     * procured contracts */
    "INSERT OR REPLACE INTO run_metric SELECT ?1, metric, value FROM ("
    "  SELECT 'preempted_gpu_hours' AS metric, sum(preempted) * ?2 AS value"
    "   FROM contract_tick WHERE run_id = ?1"
    "  UNION ALL SELECT 'sla_credit_usd', sum(sla_credit_usd) FROM contract_tick"
    "   WHERE run_id = ?1"
    "  UNION ALL SELECT 'termination_fee_usd', sum(fee_usd) FROM contract_tick"
    "   WHERE run_id = ?1"
    "  UNION ALL SELECT 'contracts_procured', count(*) FROM contract"
    "   WHERE run_id = ?1 AND origin = 'procured')"
    " WHERE value IS NOT NULL",

    /* calibration: revenue, EBITDA and net income (margin) per provider per
     * calendar year */
    "WITH g AS (SELECT pt.provider_id AS id, substr(t.date, 1, 4) AS year,"
    "  sum(pt.revenue_usd) AS revenue,"
    "  sum(pt.revenue_usd - pt.lease_cost_usd - pt.energy_cost_usd - pt.opex_usd) AS ebitda,"
    "  sum(pt.margin_usd) AS net"
    "  FROM provider_tick pt JOIN tick t ON t.run_id = pt.run_id AND t.tick = pt.tick"
    "  WHERE pt.run_id = ?1 GROUP BY pt.provider_id, year),"
    " a AS (SELECT g.*, p.name AS name FROM g JOIN provider p ON p.run_id = ?1 AND p.id = g.id)"
    " INSERT OR REPLACE INTO run_metric SELECT ?1, metric, value FROM ("
    "  SELECT 'revenue_usd.' || name || '.' || year AS metric, revenue AS value FROM a"
    "  UNION ALL SELECT 'ebitda_usd.' || name || '.' || year, ebitda FROM a"
    "  UNION ALL SELECT 'net_income_usd.' || name || '.' || year, net FROM a)"
    " WHERE value IS NOT NULL",

    /* calibration: revenue per provider per calendar quarter, named
     * revenue_usd.<provider>.<year>Q<quarter> (revenue_usd.coreweave.2025Q1) */
    "INSERT OR REPLACE INTO run_metric"
    " SELECT ?1, 'revenue_usd.' || p.name || '.' || g.quarter, g.revenue FROM ("
    "  SELECT pt.provider_id AS id,"
    "  substr(t.date, 1, 4) || 'Q' || ((CAST(substr(t.date, 6, 2) AS INTEGER) + 2) / 3)"
    "   AS quarter, sum(pt.revenue_usd) AS revenue"
    "  FROM provider_tick pt JOIN tick t ON t.run_id = pt.run_id AND t.tick = pt.tick"
    "  WHERE pt.run_id = ?1 GROUP BY pt.provider_id, quarter) g"
    " JOIN provider p ON p.run_id = ?1 AND p.id = g.id",

    /* calibration: the IT power capacity (sum of power_mw caps) of each
     * owner's datacenters online by the end of each calendar year the run
     * reaches, named it_power_online_mw.<owner>.<year> */
    "WITH years AS (SELECT DISTINCT substr(date, 1, 4) AS year FROM tick WHERE run_id = ?1)"
    " INSERT OR REPLACE INTO run_metric"
    " SELECT ?1, 'it_power_online_mw.' || p.name || '.' || y.year, sum(d.power_mw)"
    " FROM years y JOIN datacenter d ON d.run_id = ?1"
    "  AND d.online_date < printf('%04d-01-01', CAST(y.year AS INTEGER) + 1)"
    " JOIN provider p ON p.run_id = ?1 AND p.id = d.owner_id"
    " GROUP BY p.name, y.year",

    /* calibration: each lessee's share of its lessor's contract payments per
     * calendar year (payments net of SLA credits, plus termination fees) */
    "WITH pay AS (SELECT c.lessor_id AS lessor, c.lessee_id AS lessee,"
    "  substr(t.date, 1, 4) AS year,"
    "  sum(ct.payment_usd - ct.sla_credit_usd + ct.fee_usd) AS paid"
    "  FROM contract_tick ct JOIN contract c ON c.run_id = ct.run_id AND c.id = ct.contract_id"
    "  JOIN tick t ON t.run_id = ct.run_id AND t.tick = ct.tick"
    "  WHERE ct.run_id = ?1 GROUP BY lessor, lessee, year),"
    " total AS (SELECT lessor, year, sum(paid) AS paid FROM pay GROUP BY lessor, year)"
    " INSERT OR REPLACE INTO run_metric"
    " SELECT ?1, 'revenue_share.' || l.name || '.' || e.name || '.' || pay.year,"
    "  pay.paid / total.paid"
    " FROM pay JOIN total ON total.lessor = pay.lessor AND total.year = pay.year"
    " JOIN provider l ON l.run_id = ?1 AND l.id = pay.lessor"
    " JOIN provider e ON e.run_id = ?1 AND e.id = pay.lessee"
    " WHERE total.paid > 0",

    /* grouped by tick, which is the key order: no sort */
    "WITH a AS (SELECT sum(power_mw) AS power, sum(energy_mwh) AS energy"
    "  FROM dc_tick WHERE run_id = ?1 GROUP BY tick)"
    " INSERT OR REPLACE INTO run_metric SELECT ?1, metric, value FROM ("
    "  SELECT 'energy_mwh' AS metric, sum(energy) AS value FROM a"
    "  UNION ALL SELECT 'peak_power_mw', max(power) FROM a)"
    " WHERE value IS NOT NULL",
};

static int run_metric_statement(store *st, const char *sql, double tick_hours)
{
    sqlite3_stmt *s = NULL;
    int rc = store__prepare(st, sql, &s);
    if (rc != STORE_OK)
        return rc;
    int b = sqlite3_bind_int64(s, 1, st->run_id);
    if (sqlite3_bind_parameter_count(s) >= 2)
        b |= sqlite3_bind_double(s, 2, tick_hours);
    rc = b != SQLITE_OK ? store__fail(st, "bind metrics") : store__step_done(st, s, "metrics");
    if (rc == STORE_OK)
        st->rows_written += (uint64_t)sqlite3_changes(st->db);
    sqlite3_finalize(s);
    return rc;
}

int store__compute_metrics(store *st)
{
    double tick_hours = (double)st->tick_seconds / UNITS_SECONDS_PER_HOUR_REAL;
    for (size_t i = 0; i < sizeof metric_sql / sizeof metric_sql[0]; i++) {
        int rc = run_metric_statement(st, metric_sql[i], tick_hours);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}
