/*
 * store_schema: the results database's tables and views, as SQL embedded in
 * the binary so that capsim works from any directory. analysis/README.md
 * documents every table, column and view; keep the two in step, and bump
 * STORE_SCHEMA_VERSION when a change would break an existing database.
 *
 * Every statement uses IF NOT EXISTS, so the same text creates a new file
 * and completes an existing one. Entity ids are the dense indices of the
 * spec. Per-tick tables are WITHOUT ROWID and keyed (run_id, tick,
 * <entity>_id): ticks are appended in key order, so inserts land on the
 * right edge of each B-tree and a run's rows sit together on disk.
 * REFERENCES clauses document joins; foreign keys are not enforced.
 */
#include "rollup.h"
#include "store_internal.h"

static const char schema_runs[] =
    "CREATE TABLE IF NOT EXISTS run ("
    " id INTEGER PRIMARY KEY,"
    " scenario_name TEXT NOT NULL,"
    " scenario_path TEXT,"
    " scenario_text TEXT,"
    " seed INTEGER NOT NULL,"
    " start_date TEXT NOT NULL,"
    " end_date TEXT NOT NULL,"
    " tick_seconds INTEGER NOT NULL,"
    " capsim_version TEXT,"
    " started_at TEXT NOT NULL,"
    " finished_at TEXT,"
    " status TEXT NOT NULL DEFAULT 'running'"
    "  CHECK (status IN ('running','complete','interrupted','failed')),"
    " wall_seconds REAL,"
    " events_processed INTEGER,"
    " ticks INTEGER,"
    " sweep_point INTEGER,"
    " replication INTEGER);"
    "CREATE TABLE IF NOT EXISTS run_param ("
    " run_id INTEGER NOT NULL REFERENCES run(id),"
    " path TEXT NOT NULL,"
    " value TEXT,"
    " source_file TEXT,"
    " source_line INTEGER,"
    " PRIMARY KEY (run_id, path)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS run_metric ("
    " run_id INTEGER NOT NULL REFERENCES run(id),"
    " metric TEXT NOT NULL,"
    " value REAL NOT NULL,"
    " PRIMARY KEY (run_id, metric)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS event_log ("
    " run_id INTEGER NOT NULL REFERENCES run(id),"
    " seq INTEGER NOT NULL,"
    " t INTEGER NOT NULL,"
    " date TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " entity TEXT,"
    " message TEXT,"
    " PRIMARY KEY (run_id, seq)) WITHOUT ROWID;";

static const char schema_entities[] =
    "CREATE TABLE IF NOT EXISTS gpu_type ("
    " run_id INTEGER NOT NULL REFERENCES run(id),"
    " id INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " tdp_w REAL, idle_w REAL, train_speed REAL, infer_speed REAL,"
    " capex_usd REAL, depreciation_years REAL,"
    " straggler_share REAL, straggler_speed REAL,"
    " host_w REAL,"
    " PRIMARY KEY (run_id, id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS provider ("
    " run_id INTEGER NOT NULL REFERENCES run(id),"
    " id INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " debt_share REAL, interest_rate REAL,"
    " PRIMARY KEY (run_id, id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS datacenter ("
    " run_id INTEGER NOT NULL REFERENCES run(id),"
    " id INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " owner_id INTEGER NOT NULL,"
    " region TEXT,"
    " power_mw REAL, pue REAL, energy_price_per_mwh REAL,"
    " online_date TEXT,"
    " opex_per_mw_year REAL,"
    " PRIMARY KEY (run_id, id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS phase ("
    " run_id INTEGER NOT NULL REFERENCES run(id),"
    " id INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " datacenter_id INTEGER NOT NULL,"
    " gpu_type_id INTEGER NOT NULL,"
    " gpus INTEGER NOT NULL,"
    " online_date TEXT,"
    " PRIMARY KEY (run_id, id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS contract ("
    " run_id INTEGER NOT NULL REFERENCES run(id),"
    " id INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " lessor_id INTEGER NOT NULL,"
    " lessee_id INTEGER NOT NULL,"
    " gpu_type_id INTEGER,"
    " gpus INTEGER NOT NULL,"
    " start_date TEXT, end_date TEXT,"
    " price_per_gpu_hour REAL,"
    " kind TEXT NOT NULL,"
    " origin TEXT NOT NULL CHECK (origin IN ('scenario','procured')),"
    " signed_date TEXT,"
    " parent_id INTEGER,"
    " ramp_seconds INTEGER,"
    " sla_availability REAL, sla_credit_share REAL,"
    " terminate_date TEXT, termination_fee_months REAL,"
    " PRIMARY KEY (run_id, id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS workload ("
    " run_id INTEGER NOT NULL REFERENCES run(id),"
    " id INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " tenant_id INTEGER NOT NULL,"
    " type TEXT NOT NULL,"
    " growth TEXT NOT NULL,"
    " start_date TEXT,"
    " demand_h100 REAL,"
    " PRIMARY KEY (run_id, id)) WITHOUT ROWID;";

/* The per-tick tables (tick, dc_tick, provider_tick, contract_tick,
 * workload_tick) are generated from their column tables: store_rows.c. */

/* Sweeps (store_sweep.c): one sweep per database, its plan, its runs
 * marked by run.sweep_point and run.replication, and the sensitivity
 * indices of the designs that have them. */
static const char schema_sweep[] =
    "CREATE TABLE IF NOT EXISTS sweep ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT,"
    " file_path TEXT,"
    " file_text TEXT NOT NULL,"
    " scenario_path TEXT NOT NULL,"
    " method TEXT NOT NULL,"
    " samples INTEGER,"
    " replications INTEGER NOT NULL,"
    " seeds TEXT NOT NULL,"
    " seed INTEGER NOT NULL,"
    " record TEXT NOT NULL,"
    " until TEXT,"
    " timeout_s REAL,"
    " points INTEGER NOT NULL,"
    " runs INTEGER NOT NULL,"
    " run_id_base INTEGER NOT NULL,"
    " created TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sweep_param ("
    " sweep_id INTEGER NOT NULL REFERENCES sweep(id),"
    " path TEXT NOT NULL,"
    " point INTEGER NOT NULL,"
    " value TEXT,"
    " PRIMARY KEY (sweep_id, point, path)) WITHOUT ROWID;"
    /* the indices of a saltelli or morris sweep (sweep_indices.c): index is
     * an SQL keyword, so queries write it "index" */
    "CREATE TABLE IF NOT EXISTS sweep_sensitivity ("
    " sweep_id INTEGER NOT NULL REFERENCES sweep(id),"
    " metric TEXT NOT NULL,"
    " param TEXT NOT NULL,"
    " \"index\" TEXT NOT NULL CHECK (\"index\" IN ('S','T','mu_star','mu','sigma')),"
    " value REAL,"
    " low REAL,"
    " high REAL,"
    " PRIMARY KEY (sweep_id, metric, param, \"index\")) WITHOUT ROWID;";

/* Utilisation in the views is weighted: busy (or used) GPU-hours over
 * installed (or pool) GPU-hours, so idle hours before capacity exists do
 * not drag the mean down. NULL when there was nothing to use.
 *
 * Views aggregate on the fly. Every output column that names a group
 * (run_id, the entity's id and name, year or day) is a GROUP BY term, so
 * SQLite pushes a WHERE on any of them into the scan, before the sort that
 * GROUP BY needs (the rows are stored in tick order, not entity order). */
static const char schema_views[] =
    "CREATE VIEW IF NOT EXISTS provider_year AS"
    " SELECT pt.run_id AS run_id, pt.provider_id AS provider_id, p.name AS provider,"
    "  CAST(substr(t.date, 1, 4) AS INTEGER) AS year,"
    "  sum(pt.revenue_usd) AS revenue_usd,"
    "  sum(pt.lease_cost_usd) AS lease_cost_usd,"
    "  sum(pt.energy_cost_usd) AS energy_cost_usd,"
    "  sum(pt.depreciation_usd) AS depreciation_usd,"
    "  sum(pt.opex_usd) AS opex_usd,"
    "  sum(pt.interest_usd) AS interest_usd,"
    "  sum(pt.revenue_usd - pt.lease_cost_usd - pt.energy_cost_usd - pt.opex_usd)"
    "   AS ebitda_usd,"
    "  sum(pt.revenue_usd - pt.lease_cost_usd - pt.energy_cost_usd - pt.opex_usd"
    "   - pt.depreciation_usd) AS operating_income_usd,"
    "  sum(pt.margin_usd) AS net_income_usd,"
    "  sum(pt.margin_usd) AS margin_usd,"
    "  sum(pt.used) / NULLIF(sum(pt.pool), 0) AS mean_utilisation"
    " FROM provider_tick pt"
    " JOIN tick t ON t.run_id = pt.run_id AND t.tick = pt.tick"
    " JOIN provider p ON p.run_id = pt.run_id AND p.id = pt.provider_id"
    " GROUP BY pt.run_id, pt.provider_id, p.name, year;"
    "CREATE VIEW IF NOT EXISTS dc_day AS"
    " SELECT dt.run_id AS run_id, dt.datacenter_id AS datacenter_id,"
    "  d.name AS datacenter, substr(t.date, 1, 10) AS day,"
    "  sum(dt.busy) / NULLIF(sum(dt.installed), 0) AS mean_utilisation,"
    "  avg(dt.power_mw) AS mean_power_mw,"
    "  sum(dt.energy_mwh) AS energy_mwh"
    " FROM dc_tick dt"
    " JOIN tick t ON t.run_id = dt.run_id AND t.tick = dt.tick"
    " JOIN datacenter d ON d.run_id = dt.run_id AND d.id = dt.datacenter_id"
    " GROUP BY dt.run_id, dt.datacenter_id, d.name, day;";

static int create_tick_tables(store *st)
{
    char sql[2048];
    int rc = STORE_OK;
    for (int i = -1; rc == STORE_OK && i < STORE_N_TICK_TABLES; i++) {
        const store_row_table *t = i < 0 ? store_rows_tick() : store_rows_table(i);
        if (store_rows_create_sql(t, sql, sizeof sql) >= sizeof sql)
            return store__failf(st, STORE_ERR_SQLITE, "the schema of %s is too long", t->name);
        rc = store__exec(st, sql);
    }
    return rc;
}

int store__create_schema(store *st)
{
    int rc = store__begin(st);
    if (rc == STORE_OK)
        rc = store__exec(st, schema_runs);
    if (rc == STORE_OK)
        rc = store__exec(st, schema_entities);
    if (rc == STORE_OK)
        rc = create_tick_tables(st);
    if (rc == STORE_OK)
        rc = store__exec(st, schema_sweep);
    if (rc == STORE_OK)
        rc = store__exec(st, schema_views);
    /* the daily and monthly roll-up views (analysis/README.md) */
    if (rc == STORE_OK && rollup_ensure_views(st->db, 0) != 0)
        rc = store__fail(st, "create the roll-up views");
    if (rc == STORE_OK)
        return store__commit(st);
    store__rollback(st);
    return rc;
}
