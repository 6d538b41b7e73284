/*
 * plot_story: the parts of index.html that tell a run's story before its
 * charts: the headline (period; per workload the first sustained
 * shortfall, the peak shortfall and the share of demand served; per
 * provider and year revenue, margin and utilisation) and the timeline of
 * notable events from event_log, with the other events counted.
 *
 * A sustained shortfall is a day whose shortfall exceeds 1% of its demand
 * (sums over the day's ticks of workload_tick, as workload_daily): a single
 * tick short by a few GPUs, which the report's `first_shortfall` shows, does
 * not count.
 */
#include "plot_internal.h"

#include "table.h"

/* Event kinds the timeline lists; every other kind is counted. */
#define TIMELINE_KINDS                                                                         \
    "('contract_signed', 'request_declined', 'contract_start', 'contract_end',"                \
    " 'contract_terminated', 'phase_online', 'build_started')"

static const char period_sql[] =
    "SELECT substr(min(date), 1, 10) AS first_day, substr(max(date), 1, 10) AS last_day,"
    " CAST(round(julianday(max(date)) - julianday(min(date))) AS INTEGER) AS days,"
    " count(*) AS ticks FROM tick WHERE run_id = ?1";

static const char workload_sql[] =
    "WITH d AS (SELECT x.workload_id AS w, substr(t.date, 1, 10) AS day,"
    "  sum(x.shortfall_h100) AS sf, sum(x.demand_h100) AS dem FROM workload_tick x"
    "  JOIN tick t ON t.run_id = x.run_id AND t.tick = x.tick WHERE x.run_id = ?1"
    "  GROUP BY 1, 2),"
    " tot AS (SELECT workload_id AS w, max(shortfall_h100) AS peak,"
    "  sum(served_h100) / NULLIF(sum(demand_h100), 0) AS share FROM workload_tick"
    "  WHERE run_id = ?1 GROUP BY 1)"
    " SELECT w.name AS workload, p.name AS tenant,"
    " coalesce((SELECT min(day) FROM d WHERE d.w = w.id AND d.sf > 0.01 * d.dem), 'never')"
    "  AS first_sustained_shortfall,"
    " (SELECT count(*) FROM d WHERE d.w = w.id AND d.sf > 0.01 * d.dem) AS days_short_over_1pct,"
    " tot.peak AS peak_shortfall_h100,"
    " (SELECT substr(min(t.date), 1, 16) FROM workload_tick x JOIN tick t ON t.run_id = x.run_id"
    "  AND t.tick = x.tick WHERE x.run_id = ?1 AND x.workload_id = w.id AND tot.peak > 0"
    "  AND x.shortfall_h100 = tot.peak) AS peak_at,"
    " round(100.0 * tot.share, 2) AS demand_served_pct"
    " FROM workload w LEFT JOIN provider p ON p.run_id = w.run_id AND p.id = w.tenant_id"
    " LEFT JOIN tot ON tot.w = w.id WHERE w.run_id = ?1 ORDER BY w.id";

static const char provider_sql[] =
    "SELECT p.name AS provider, substr(t.date, 1, 4) AS year,"
    " sum(x.revenue_usd) / 1e6 AS revenue_musd, sum(x.margin_usd) / 1e6 AS margin_musd,"
    " round(100.0 * sum(x.used) / NULLIF(sum(x.pool), 0), 1) AS utilisation_pct"
    " FROM provider_tick x JOIN tick t ON t.run_id = x.run_id AND t.tick = x.tick"
    " JOIN provider p ON p.run_id = x.run_id AND p.id = x.provider_id"
    " WHERE x.run_id = ?1 GROUP BY x.provider_id, year ORDER BY x.provider_id, year";

static const char timeline_sql[] =
    "SELECT substr(date, 1, 16) AS date, kind, entity, message FROM event_log"
    " WHERE run_id = ?1 AND kind IN " TIMELINE_KINDS " ORDER BY seq LIMIT 300";

static const char counted_sql[] =
    "SELECT kind, count(*) AS events, substr(min(date), 1, 10) AS first,"
    " substr(max(date), 1, 10) AS last FROM event_log"
    " WHERE run_id = ?1 AND kind NOT IN " TIMELINE_KINDS " GROUP BY kind ORDER BY count(*) DESC";

/* Runs sql into a table and writes it as HTML. Returns 0 or -1. */
static int write_table(FILE *f, sqlite3 *db, int64_t run, const char *name, const char *title,
                       const char *sql)
{
    atable *t = atable_query(db, name, title, sql, run, 0);
    if (!t)
        return -1;
    atable_write_html(t, f);
    atable_free(t);
    return 0;
}

int plot__write_headline(FILE *f, sqlite3 *db, int64_t run)
{
    atable *p = atable_query(db, "period", "", period_sql, run, 0);
    if (!p)
        return -1;
    fputs("<section id=\"headline\">\n<h2>Headline</h2>\n", f);
    if (p->nrows == 1 && atable_at(p, 0, 0)->type == SQLITE_TEXT) {
        fputs("<p class=\"period\">Simulated period: <strong>", f);
        html_text(f, atable_at(p, 0, 0)->s);
        fputs("</strong> to <strong>", f);
        html_text(f, atable_at(p, 0, 1)->s);
        fprintf(f, "</strong> (%lld days, %lld ticks).</p>\n", (long long)atable_at(p, 0, 2)->i,
                (long long)atable_at(p, 0, 3)->i);
    }
    atable_free(p);
    fputs("<p>A <em>sustained</em> shortfall is a day on which the shortfall exceeds 1% of the "
          "day's demand; the report's <code>first_shortfall</code> is the first tick with any "
          "shortfall at all, however small.</p>\n", f);
    int rc = write_table(f, db, run, "headline_workloads",
                         "Workloads: first sustained shortfall, peak shortfall (H100-equivalent "
                         "GPUs), share of demand served", workload_sql);
    if (rc == 0)
        rc = write_table(f, db, run, "headline_providers",
                         "Providers per year: revenue and margin ($M), utilisation (used / pool)",
                         provider_sql);
    fputs("</section>\n", f);
    return rc;
}

int plot__write_timeline(FILE *f, sqlite3 *db, int64_t run)
{
    fputs("<section id=\"timeline\">\n", f);
    int rc = write_table(f, db, run, "timeline", "Timeline: requests, contracts and sites "
                         "(first 300)", timeline_sql);
    if (rc == 0)
        rc = write_table(f, db, run, "timeline_counted", "Other events, counted (failures, "
                         "shortfalls on contracts and their recoveries, ...)", counted_sql);
    fputs("</section>\n", f);
    return rc;
}
