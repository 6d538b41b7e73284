/*
 * store_metrics: the end-of-run metrics (run_metric), accumulated on the
 * writer thread from every tick it stores, so that store_end_run only
 * inserts them: nothing rescans the per-tick tables at the end of a run.
 *
 * They are the figures the SQL over the stored rows gives (the queries are
 * kept as the test oracle, tests/tools/metrics-oracle.sql), term by term:
 * each sum adds the same doubles in the order SQLite's sum() meets them
 * (the rows in key order: tick, then entity), starting from 0.0 and with
 * plain double additions (SQLite 3.40's sum(); -ffp-contract=off keeps C
 * from fusing them), and integer columns are summed as integers. Sums
 * SQLite groups through a sort (per year, per lessor and lessee) may meet
 * their terms in another order; those agree to rounding (1e-9 relative).
 *
 * Metrics are named "<metric>.<entity name>" per entity, or "<metric>" for
 * the whole market; a metric with no rows behind it (a mean over nothing,
 * a sum over no contract) is not stored, as SQL's NULL was not.
 */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "../util/grow.h"
#include "../util/units.h"

/* Shortfall below this is rounding, not a shortfall (H100-eq GPUs). */
#define SHORTFALL_EPSILON 1e-9

typedef char entity_name[SPEC_NAME_MAX];

/* One calendar year of the run's ticks. */
typedef struct year_block {
    int year;
    double *revenue, *ebitda, *net;   /* per provider */
    double *quarter_revenue;          /* [quarter * providers + provider] */
    unsigned char quarter_seen[4];
    double *paid;                     /* [lessor * providers + lessee]: payment - credit + fee */
    unsigned char *paid_seen;
} year_block;

typedef struct contract_info {
    entity_name name;
    int lessor, lessee;
    int procured;
    int seen;                         /* has per-tick rows */
    double payment;
} contract_info;

typedef struct datacenter_info {
    int owner;
    double power_mw;
    char online_date[20];
} datacenter_info;

struct store_metrics {
    double tick_hours;
    size_t n_providers, n_workloads;
    entity_name *provider_names, *workload_names;
    int64_t ticks;

    /* per workload */
    int64_t *first_shortfall_t;
    unsigned char *fell_short;
    /* sustained shortfall: the first whole day whose shortfall exceeds
     * sustained_share of its demand (H100-equivalents summed over its ticks) */
    double sustained_share;
    int64_t ticks_per_day;      /* ticks that make a whole day (1 for ticks of a day or more) */
    int64_t day, day_ticks;     /* the day being summed (t / 86400) and its ticks so far */
    double *day_demand, *day_shortfall;
    int64_t *sustained_t;       /* start of that day, seconds since the start; -1: none */
    double *demand, *served, *shortfall, *goodput;

    /* per provider */
    double *used;
    int64_t *pool;
    double *revenue, *lease, *energy, *depreciation, *opex, *interest, *margin;

    /* contracts and every contract row */
    contract_info *contracts;
    size_t n_contracts, cap_contracts;
    int64_t contract_rows, preempted;
    double sla_credit, fee;

    /* datacenters and the per-tick totals over them */
    datacenter_info *datacenters;
    size_t n_datacenters, cap_datacenters;
    int64_t dc_ticks;
    double energy_mwh, peak_power_mw;

    year_block *years;
    size_t n_years, cap_years;
};

/* ---- create / destroy ----------------------------------------------- */

static void free_year(year_block *y)
{
    free(y->revenue);
    free(y->ebitda);
    free(y->net);
    free(y->quarter_revenue);
    free(y->paid);
    free(y->paid_seen);
}

void store__metrics_destroy(store_metrics *acc)
{
    if (!acc)
        return;
    for (size_t i = 0; i < acc->n_years; i++)
        free_year(&acc->years[i]);
    void *arrays[] = {acc->provider_names, acc->workload_names, acc->first_shortfall_t,
                      acc->fell_short, acc->demand, acc->served, acc->shortfall, acc->goodput,
                      acc->used, acc->pool, acc->revenue, acc->lease, acc->energy,
                      acc->depreciation, acc->opex, acc->interest, acc->margin, acc->contracts,
                      acc->datacenters, acc->years, acc->day_demand, acc->day_shortfall,
                      acc->sustained_t};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    free(acc);
}

store_metrics *store__metrics_create(const store *st, const market *m)
{
    const spec *sp = market_spec(m);
    store_metrics *acc = calloc(1, sizeof *acc);
    if (!acc)
        return NULL;
    const size_t np = sp->n_providers, nw = sp->n_workloads;
    acc->tick_hours = (double)st->tick_seconds / UNITS_SECONDS_PER_HOUR_REAL;
    acc->sustained_share = sp->sustained_shortfall_share;
    acc->ticks_per_day = st->tick_seconds >= UNITS_SECONDS_PER_DAY
                             ? 1 : UNITS_SECONDS_PER_DAY / st->tick_seconds;
    acc->day = -1;
    acc->n_providers = np;
    acc->n_workloads = nw;
    /* one spare element, so that a market without workloads has arrays */
    acc->provider_names = calloc(np + 1, sizeof *acc->provider_names);
    acc->workload_names = calloc(nw + 1, sizeof *acc->workload_names);
    acc->first_shortfall_t = calloc(nw + 1, sizeof *acc->first_shortfall_t);
    acc->fell_short = calloc(nw + 1, 1);
    acc->sustained_t = calloc(nw + 1, sizeof *acc->sustained_t);
    for (size_t w = 0; acc->sustained_t && w < nw; w++)
        acc->sustained_t[w] = -1;
    double **per_workload[] = {&acc->demand, &acc->served, &acc->shortfall, &acc->goodput,
                               &acc->day_demand, &acc->day_shortfall};
    double **per_provider[] = {&acc->used, &acc->revenue, &acc->lease, &acc->energy,
                               &acc->depreciation, &acc->opex, &acc->interest, &acc->margin};
    int ok = acc->provider_names && acc->workload_names && acc->first_shortfall_t
             && acc->fell_short && acc->sustained_t;
    for (size_t i = 0; i < sizeof per_workload / sizeof per_workload[0]; i++)
        ok &= (*per_workload[i] = calloc(nw + 1, sizeof(double))) != NULL;
    for (size_t i = 0; i < sizeof per_provider / sizeof per_provider[0]; i++)
        ok &= (*per_provider[i] = calloc(np + 1, sizeof(double))) != NULL;
    ok &= (acc->pool = calloc(np + 1, sizeof *acc->pool)) != NULL;
    if (!ok) {
        store__metrics_destroy(acc);
        return NULL;
    }
    for (size_t i = 0; i < np; i++)
        snprintf(acc->provider_names[i], SPEC_NAME_MAX, "%s", sp->providers[i].name);
    for (size_t i = 0; i < nw; i++)
        snprintf(acc->workload_names[i], SPEC_NAME_MAX, "%s", sp->workloads[i].name);
    /* the initial entities, written by store_begin_run */
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < market_n_datacenters(m); i++)
        rc = store__metrics_add_datacenter(acc, st, market_datacenter(m, i));
    for (size_t i = 0; rc == STORE_OK && i < market_n_contracts(m); i++)
        rc = store__metrics_add_contract(acc, market_contract(m, i));
    if (rc != STORE_OK) {
        store__metrics_destroy(acc);
        return NULL;
    }
    return acc;
}

/* ---- accumulating --------------------------------------------------- */

int store__metrics_add_datacenter(store_metrics *acc, const store *st,
                                  const spec_datacenter *d)
{
    if (grow_reserve((void **)&acc->datacenters, &acc->cap_datacenters, acc->n_datacenters + 1,
                     16, sizeof *acc->datacenters) != CAPSIM_OK)
        return STORE_ERR_NOMEM;
    datacenter_info *info = &acc->datacenters[acc->n_datacenters++];
    info->owner = d->owner;
    info->power_mw = d->power_mw;
    store__date(st, d->online, info->online_date);  /* as datacenter.online_date holds it */
    return STORE_OK;
}

int store__metrics_add_contract(store_metrics *acc, const spec_contract *c)
{
    if (grow_reserve((void **)&acc->contracts, &acc->cap_contracts, acc->n_contracts + 1, 16,
                     sizeof *acc->contracts) != CAPSIM_OK)
        return STORE_ERR_NOMEM;
    contract_info *info = &acc->contracts[acc->n_contracts++];
    memset(info, 0, sizeof *info);
    snprintf(info->name, SPEC_NAME_MAX, "%s", c->name);
    info->lessor = c->lessor;
    info->lessee = c->lessee;
    info->procured = c->origin == SPEC_ORIGIN_PROCURED;
    return STORE_OK;
}

/* The year block of a tick's date ("YYYY-MM-DD ..."): ticks come in date
 * order, so it is the last block or a new one. */
static year_block *year_of(store_metrics *acc, const char *date)
{
    const int year = atoi(date) /* stops at the '-' */;
    if (acc->n_years && acc->years[acc->n_years - 1].year == year)
        return &acc->years[acc->n_years - 1];
    if (grow_reserve((void **)&acc->years, &acc->cap_years, acc->n_years + 1, 8,
                     sizeof *acc->years) != CAPSIM_OK)
        return NULL;
    const size_t np = acc->n_providers;
    year_block y = {.year = year};
    y.revenue = calloc(np + 1, sizeof(double));
    y.ebitda = calloc(np + 1, sizeof(double));
    y.net = calloc(np + 1, sizeof(double));
    y.quarter_revenue = calloc(4 * np + 1, sizeof(double));
    y.paid = calloc(np * np + 1, sizeof(double));
    y.paid_seen = calloc(np * np + 1, 1);
    if (!y.revenue || !y.ebitda || !y.net || !y.quarter_revenue || !y.paid || !y.paid_seen) {
        free_year(&y);
        return NULL;
    }
    acc->years[acc->n_years] = y;
    return &acc->years[acc->n_years++];
}

/* Closes the day being summed: a whole day whose shortfall exceeds the
 * share of its demand is the workload's sustained shortfall, if it has none
 * yet. A day the run covers only in part (its last) does not count. */
static void close_day(store_metrics *acc, size_t n_workloads)
{
    if (acc->day >= 0 && acc->day_ticks >= acc->ticks_per_day)
        for (size_t w = 0; w < n_workloads; w++)
            if (acc->sustained_t[w] < 0 && acc->day_demand[w] > 0.0 &&
                acc->day_shortfall[w] > acc->sustained_share * acc->day_demand[w])
                acc->sustained_t[w] = acc->day * UNITS_SECONDS_PER_DAY;
    for (size_t w = 0; w < n_workloads; w++)
        acc->day_demand[w] = acc->day_shortfall[w] = 0.0;
    acc->day_ticks = 0;
}

static void add_workloads(store_metrics *acc, const store_snapshot *s)
{
    const market_workload_row *rows = s->rows[STORE_WORKLOAD_TICK];
    const int64_t day = s->tick.t / UNITS_SECONDS_PER_DAY;
    if (day != acc->day) {
        close_day(acc, s->n[STORE_WORKLOAD_TICK]);
        acc->day = day;
    }
    acc->day_ticks++;
    for (size_t w = 0; w < s->n[STORE_WORKLOAD_TICK]; w++) {
        acc->day_demand[w] += rows[w].demand_h100;
        acc->day_shortfall[w] += rows[w].shortfall_h100;
    }
    for (size_t w = 0; w < s->n[STORE_WORKLOAD_TICK]; w++) {
        const market_workload_row *r = &rows[w];
        if (r->shortfall_h100 > SHORTFALL_EPSILON && !acc->fell_short[w]) {
            acc->fell_short[w] = 1;
            acc->first_shortfall_t[w] = s->tick.t;
        }
        acc->demand[w] += r->demand_h100;
        acc->served[w] += r->served_h100;
        acc->shortfall[w] += r->shortfall_h100;
        acc->goodput[w] += r->goodput_h100_hours;
    }
}

static void add_providers(store_metrics *acc, const store_snapshot *s, year_block *y,
                          int quarter)
{
    const market_provider_row *rows = s->rows[STORE_PROVIDER_TICK];
    const size_t np = s->n[STORE_PROVIDER_TICK];
    for (size_t p = 0; p < np; p++) {
        const market_provider_row *r = &rows[p];
        acc->used[p] += r->used;
        acc->pool[p] += r->pool;
        acc->revenue[p] += r->revenue_usd;
        acc->lease[p] += r->lease_cost_usd;
        acc->energy[p] += r->energy_cost_usd;
        acc->depreciation[p] += r->depreciation_usd;
        acc->opex[p] += r->opex_usd;
        acc->interest[p] += r->interest_usd;
        acc->margin[p] += r->margin_usd;
        y->revenue[p] += r->revenue_usd;
        y->ebitda[p] += r->revenue_usd - r->lease_cost_usd - r->energy_cost_usd - r->opex_usd;
        y->net[p] += r->margin_usd;
        y->quarter_revenue[(size_t)quarter * np + p] += r->revenue_usd;
    }
    y->quarter_seen[quarter] = 1;
}

static void add_contracts(store_metrics *acc, const store_snapshot *s, year_block *y)
{
    const market_contract_row *rows = s->rows[STORE_CONTRACT_TICK];
    const size_t np = acc->n_providers;
    for (size_t c = 0; c < s->n[STORE_CONTRACT_TICK]; c++) {
        const market_contract_row *r = &rows[c];
        contract_info *info = &acc->contracts[c];
        info->seen = 1;
        info->payment += r->payment_usd;
        acc->preempted += r->preempted;
        acc->sla_credit += r->sla_credit_usd;
        acc->fee += r->fee_usd;
        const size_t pair = (size_t)info->lessor * np + (size_t)info->lessee;
        y->paid[pair] += r->payment_usd - r->sla_credit_usd + r->fee_usd;
        y->paid_seen[pair] = 1;
    }
    acc->contract_rows += (int64_t)s->n[STORE_CONTRACT_TICK];
}

/* Per tick first, as SQL's GROUP BY tick: the facility power and energy of
 * all DCs; then the run's energy and the peak over ticks. */
static void add_datacenters(store_metrics *acc, const store_snapshot *s)
{
    const market_dc_row *rows = s->rows[STORE_DC_TICK];
    const size_t nd = s->n[STORE_DC_TICK];
    if (nd == 0)
        return;
    double power = 0.0, energy = 0.0;
    for (size_t d = 0; d < nd; d++) {
        power += rows[d].power_mw;
        energy += rows[d].energy_mwh;
    }
    acc->energy_mwh += energy;
    if (acc->dc_ticks == 0 || power > acc->peak_power_mw)
        acc->peak_power_mw = power;
    acc->dc_ticks++;
}

int store__metrics_add_tick(store_metrics *acc, const store_snapshot *s)
{
    year_block *y = year_of(acc, s->tick.date);
    if (!y)
        return STORE_ERR_NOMEM;
    const int month = atoi(s->tick.date + 5);
    const int quarter = (month + 2) / 3 - 1;
    assert(s->n[STORE_CONTRACT_TICK] <= acc->n_contracts);
    add_workloads(acc, s);
    add_providers(acc, s, y, quarter);
    add_contracts(acc, s, y);
    add_datacenters(acc, s);
    acc->ticks++;
    return STORE_OK;
}

/* ---- inserting ------------------------------------------------------ */

typedef struct metric_writer {
    store *st;
    sqlite3_stmt *insert;
    int rc;
} metric_writer;

static void put(metric_writer *mw, double value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void put(metric_writer *mw, double value, const char *fmt, ...)
{
    if (mw->rc != STORE_OK || isnan(value))  /* SQL's NULL: not stored */
        return;
    char name[4 * SPEC_NAME_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    int b = sqlite3_bind_text(mw->insert, 2, name, -1, SQLITE_TRANSIENT);
    b |= sqlite3_bind_double(mw->insert, 3, value);
    mw->rc = b != SQLITE_OK ? store__fail(mw->st, "bind run_metric")
                            : store__step_done(mw->st, mw->insert, "insert run_metric");
    mw->st->rows_written += mw->rc == STORE_OK;
}

static void put_workloads(metric_writer *mw, const store_metrics *acc)
{
    const double h = acc->tick_hours;
    double shortfall = 0.0;
    for (size_t w = 0; w < acc->n_workloads; w++) {
        const char *name = acc->workload_names[w];
        if (acc->fell_short[w])
            put(mw, (double)acc->first_shortfall_t[w], "first_shortfall_t.%s", name);
        if (acc->sustained_t[w] >= 0)
            put(mw, (double)acc->sustained_t[w], "sustained_shortfall_t.%s", name);
        if (acc->ticks == 0)
            continue;
        put(mw, acc->demand[w] * h, "demand_h100_hours.%s", name);
        put(mw, acc->served[w] * h, "served_h100_hours.%s", name);
        put(mw, acc->shortfall[w] * h, "shortfall_h100_hours.%s", name);
        put(mw, acc->goodput[w], "goodput_h100_hours.%s", name);
        shortfall += acc->shortfall[w];
    }
    if (acc->ticks && acc->n_workloads)
        put(mw, shortfall * h, "shortfall_h100_hours");
}

static void put_providers(metric_writer *mw, const store_metrics *acc)
{
    if (acc->ticks == 0 || acc->n_providers == 0)
        return;
    double revenue = 0.0, lease = 0.0, margin = 0.0;
    for (size_t p = 0; p < acc->n_providers; p++) {
        const char *name = acc->provider_names[p];
        if (acc->pool[p] != 0)
            put(mw, acc->used[p] / (double)acc->pool[p], "mean_utilisation.%s", name);
        put(mw, acc->revenue[p], "revenue_usd.%s", name);
        put(mw, acc->lease[p], "lease_cost_usd.%s", name);
        put(mw, acc->energy[p], "energy_cost_usd.%s", name);
        put(mw, acc->depreciation[p], "depreciation_usd.%s", name);
        put(mw, acc->opex[p], "opex_usd.%s", name);
        put(mw, acc->interest[p], "interest_usd.%s", name);
        put(mw, acc->revenue[p] - acc->lease[p] - acc->energy[p] - acc->opex[p], "ebitda_usd.%s",
            name);
        put(mw, acc->margin[p], "margin_usd.%s", name);
        revenue += acc->revenue[p];
        lease += acc->lease[p];
        margin += acc->margin[p];
    }
    put(mw, revenue - lease, "payments_net_usd");
    put(mw, revenue, "revenue_usd");
    put(mw, margin, "margin_usd");
}

/* payment_usd per contract; spot preemption, SLA credits, termination
 * fees and procured contracts over the market. */
static void put_contracts(metric_writer *mw, const store_metrics *acc)
{
    int64_t procured = 0;
    for (size_t c = 0; c < acc->n_contracts; c++) {
        const contract_info *info = &acc->contracts[c];
        if (info->seen)
            put(mw, info->payment, "payment_usd.%s", info->name);
        procured += info->procured;
    }
    if (acc->contract_rows) {
        put(mw, (double)acc->preempted * acc->tick_hours, "preempted_gpu_hours");
        put(mw, acc->sla_credit, "sla_credit_usd");
        put(mw, acc->fee, "termination_fee_usd");
    }
    put(mw, (double)procured, "contracts_procured");
}

/* Calibration: revenue, EBITDA and net income per provider per year and
 * revenue per quarter; the IT power of each owner's DCs online by each
 * year's end; each lessee's share of its lessor's payments per year. */
static void put_years(metric_writer *mw, const store_metrics *acc)
{
    const size_t np = acc->n_providers;
    for (size_t i = 0; i < acc->n_years; i++) {
        const year_block *y = &acc->years[i];
        for (size_t p = 0; p < np; p++) {
            const char *name = acc->provider_names[p];
            put(mw, y->revenue[p], "revenue_usd.%s.%04d", name, y->year);
            put(mw, y->ebitda[p], "ebitda_usd.%s.%04d", name, y->year);
            put(mw, y->net[p], "net_income_usd.%s.%04d", name, y->year);
            for (int q = 0; q < 4; q++)
                if (y->quarter_seen[q])
                    put(mw, y->quarter_revenue[(size_t)q * np + p], "revenue_usd.%s.%04dQ%d",
                        name, y->year, q + 1);
        }
        char bound[24];
        snprintf(bound, sizeof bound, "%04d-01-01", y->year + 1);
        for (size_t p = 0; p < np; p++) {
            double power = 0.0;
            int any = 0;
            for (size_t d = 0; d < acc->n_datacenters; d++) {
                const datacenter_info *dc = &acc->datacenters[d];
                if (dc->owner == (int)p && strcmp(dc->online_date, bound) < 0) {
                    power += dc->power_mw;
                    any = 1;
                }
            }
            if (any)
                put(mw, power, "it_power_online_mw.%s.%04d", acc->provider_names[p], y->year);
        }
        for (size_t l = 0; l < np; l++) {
            double total = 0.0;
            for (size_t e = 0; e < np; e++)
                if (y->paid_seen[l * np + e])
                    total += y->paid[l * np + e];
            if (!(total > 0.0))
                continue;
            for (size_t e = 0; e < np; e++)
                if (y->paid_seen[l * np + e])
                    put(mw, y->paid[l * np + e] / total, "revenue_share.%s.%s.%04d",
                        acc->provider_names[l], acc->provider_names[e], y->year);
        }
    }
}

int store__metrics_insert(store *st)
{
    store_metrics *acc = st->metrics;
    if (!acc)
        return STORE_OK;
    close_day(acc, acc->n_workloads);   /* the last day, if the run covers it whole */
    metric_writer mw = {.st = st};
    mw.rc = store__prepare(st, "INSERT OR REPLACE INTO run_metric VALUES (?1,?2,?3)",
                           &mw.insert);
    if (mw.rc == STORE_OK && sqlite3_bind_int64(mw.insert, 1, st->run_id) != SQLITE_OK)
        mw.rc = store__fail(st, "bind run_metric");
    put_workloads(&mw, acc);
    put_providers(&mw, acc);
    put_contracts(&mw, acc);
    put_years(&mw, acc);
    if (acc->dc_ticks) {
        put(&mw, acc->energy_mwh, "energy_mwh");
        put(&mw, acc->peak_power_mw, "peak_power_mw");
    }
    sqlite3_finalize(mw.insert);
    return mw.rc;
}
