/*
 * market: the model the engine drives. It ties together the fleet (per-GPU
 * arrays), alloc (layout and allocation), demand (one curve per workload)
 * and finance, and fills the row arrays the observer reads.
 *
 * Invariants:
 *   - the allocation in `alloc` matches the phases online and contracts
 *     active, except between an event and the next tick (`dirty`): events
 *     only flip flags, and the tick rebuilds once however many events fell
 *     on the same time, before it computes anything;
 *   - phases online at t <= 0 and contracts active at t = 0 are applied in
 *     market_create, without events, so the fleet is laid out for t = 0 as
 *     soon as the market exists;
 *   - the tick path allocates nothing and costs O(leaves x chain length +
 *     entities) outside the fleet kernel, which streams over the segments.
 *
 * Conventions of the rows:
 *   - capacity counts healthy GPUs x the type's infer_speed; straggler perf
 *     is left out of capacity (it shows only in the kernel's throughput);
 *   - a provider's own-use leaves all run at its load factor served /
 *     capacity; its workloads share capacity and service in proportion to
 *     their demand (capacity equally when it has no demand at all);
 *   - dc.allocated counts healthy GPUs that serve a contract, or an owner
 *     with at least one workload: an owner without workloads keeps its
 *     unleased GPUs idle, and they are not allocated;
 *   - contract.committed is the contract's size even when it is inactive;
 *     delivered, used and payment are 0 then.
 */
#include "market.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "demand.h"
#include "finance.h"

#define SECONDS_PER_HOUR 3600.0
#define WATTS_PER_MW 1e6

struct market {
    const spec *spec;
    fleet *fleet;
    alloc *alloc;
    demand_curve **curves;            /* per workload */
    engine *engine;
    market_observer obs;
    int dirty;                        /* events since the last rebuild */
    int64_t ticks_done;
    uint64_t gpu_ticks;

    market_dc_row *dc_rows;
    market_provider_row *provider_rows;
    market_contract_row *contract_rows;
    market_workload_row *workload_rows;

    /* per-tick work arrays */
    float *provider_load;             /* load factor of each provider's own use */
    double *provider_capacity_h100;   /* = alloc's, copied for the rows */
    double *provider_own_busy;        /* own-use GPU-equivalents in use */
    size_t *provider_n_workloads;
    fleet_sums *dc_sums;
    char message[1024];               /* room for four names and any price */
};

/* ---- create / destroy ---- */

/* Allocates the rows and work arrays (one spare element each, so that an
 * empty entity list still allocates). Returns 0 or -1. */
static int allocate_rows(market *m)
{
    const spec *s = m->spec;
    const size_t nd = s->n_datacenters + 1, nv = s->n_providers + 1;
    const size_t nc = s->n_contracts + 1, nw = s->n_workloads + 1;
    m->dc_rows = calloc(nd, sizeof *m->dc_rows);
    m->provider_rows = calloc(nv, sizeof *m->provider_rows);
    m->contract_rows = calloc(nc, sizeof *m->contract_rows);
    m->workload_rows = calloc(nw, sizeof *m->workload_rows);
    m->curves = calloc(nw, sizeof *m->curves);
    m->provider_load = calloc(nv, sizeof *m->provider_load);
    m->provider_capacity_h100 = calloc(nv, sizeof *m->provider_capacity_h100);
    m->provider_own_busy = calloc(nv, sizeof *m->provider_own_busy);
    m->provider_n_workloads = calloc(nv, sizeof *m->provider_n_workloads);
    m->dc_sums = calloc(nd, sizeof *m->dc_sums);
    return m->dc_rows && m->provider_rows && m->contract_rows && m->workload_rows &&
                   m->curves && m->provider_load && m->provider_capacity_h100 &&
                   m->provider_own_busy && m->provider_n_workloads && m->dc_sums
               ? 0
               : -1;
}

/* Phases and contracts in force at t = 0; the first allocation. Returns 0 or -1. */
static int apply_initial_state(market *m)
{
    const spec *s = m->spec;
    for (size_t ph = 0; ph < s->n_phases; ph++)
        m->alloc->phase_online[ph] = s->phases[ph].online <= 0;
    for (size_t c = 0; c < s->n_contracts; c++)
        m->alloc->contract_active[c] = s->contracts[c].start <= 0 && s->contracts[c].end > 0;
    return alloc_rebuild(m->alloc, m->fleet);
}

market *market_create(const spec *s)
{
    market *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->spec = s;
    if (allocate_rows(m) != 0 || !(m->alloc = alloc_create(s)) ||
        !(m->fleet = fleet_create(m->alloc->n_gpus)) ||
        alloc_assign_stragglers(m->alloc, m->fleet, s->seed) != 0)
        goto fail;
    for (size_t w = 0; w < s->n_workloads; w++) {
        if (!(m->curves[w] = demand_curve_create(&s->workloads[w], s->seed)))
            goto fail;
        m->provider_n_workloads[s->workloads[w].tenant]++;
    }
    if (apply_initial_state(m) != 0)
        goto fail;
    return m;
fail:
    market_destroy(m);
    return NULL;
}

void market_destroy(market *m)
{
    if (!m)
        return;
    if (m->curves)
        for (size_t w = 0; w < m->spec->n_workloads; w++)
            demand_curve_destroy(m->curves[w]);
    free(m->curves);
    fleet_destroy(m->fleet);
    alloc_destroy(m->alloc);
    free(m->dc_rows);
    free(m->provider_rows);
    free(m->contract_rows);
    free(m->workload_rows);
    free(m->provider_load);
    free(m->provider_capacity_h100);
    free(m->provider_own_busy);
    free(m->provider_n_workloads);
    free(m->dc_sums);
    free(m);
}

/* ---- tick: demand and service ---- */

/* Steps 1-2: demand per workload; each provider serves its workloads' total
 * demand up to its own-use capacity; load factors and workload rows. */
static void tick_demand_and_service(market *m, int64_t t, double dt_h)
{
    const spec *s = m->spec;
    for (size_t p = 0; p < s->n_providers; p++) {
        m->provider_rows[p].demand_h100 = 0.0;
        m->provider_capacity_h100[p] = m->alloc->provider_capacity_h100[p];
    }
    for (size_t w = 0; w < s->n_workloads; w++) {
        m->workload_rows[w].demand_h100 = demand_curve_at(m->curves[w], t);
        m->provider_rows[s->workloads[w].tenant].demand_h100 += m->workload_rows[w].demand_h100;
    }
    for (size_t p = 0; p < s->n_providers; p++) {
        market_provider_row *r = &m->provider_rows[p];
        const double capacity = m->provider_capacity_h100[p];
        r->served_h100 = r->demand_h100 < capacity ? r->demand_h100 : capacity;
        r->shortfall_h100 = r->demand_h100 - r->served_h100;
        m->provider_load[p] = capacity > 0.0 ? (float)(r->served_h100 / capacity) : 0.0f;
    }
    for (size_t w = 0; w < s->n_workloads; w++) {
        const market_provider_row *r = &m->provider_rows[s->workloads[w].tenant];
        market_workload_row *row = &m->workload_rows[w];
        const double capacity = m->provider_capacity_h100[s->workloads[w].tenant];
        const double share = r->demand_h100 > 0.0
                                 ? row->demand_h100 / r->demand_h100
                                 : 1.0 / (double)m->provider_n_workloads[s->workloads[w].tenant];
        row->capacity_h100 = capacity * share;
        row->served_h100 =
            r->demand_h100 > 0.0 ? row->demand_h100 * (r->served_h100 / r->demand_h100) : 0.0;
        row->shortfall_h100 = row->demand_h100 - row->served_h100;
        row->jobs_running = row->jobs_queued = 0;
        row->goodput_h100_hours = row->served_h100 * dt_h;
    }
}

/* ---- tick: fleet kernel and DC rows ---- */

/* Step 3: the kernel over every segment, reduced per DC, and the DC rows. */
static void tick_fleet(market *m, double dt_h)
{
    const spec *s = m->spec;
    const alloc *a = m->alloc;
    memset(m->dc_sums, 0, s->n_datacenters * sizeof *m->dc_sums);
    for (size_t i = 0; i < a->n_segments; i++) {
        const alloc_segment *g = &a->segments[i];
        const float load = g->leaf >= 0 ? m->provider_load[a->leaves[g->leaf].user] : 0.0f;
        const spec_gpu *type = &s->gpus[g->gpu];
        fleet_tick_range(m->fleet, g->lo, g->hi, load, (float)type->idle_w,
                         (float)type->tdp_w, &m->dc_sums[g->datacenter]);
        m->gpu_ticks += g->hi - g->lo;
    }
    for (size_t d = 0; d < s->n_datacenters; d++) {
        market_dc_row *r = &m->dc_rows[d];
        r->installed = a->dc_installed[d];
        r->healthy = a->dc_healthy[d];
        r->failed = a->dc_failed[d];
        r->maintenance = a->dc_maintenance[d];
        r->allocated = a->dc_allocated[d];
        r->busy = m->dc_sums[d].busy;
        r->mean_utilisation = r->installed > 0 ? r->busy / (double)r->installed : 0.0;
        r->power_mw = m->dc_sums[d].power_w * s->datacenters[d].pue / WATTS_PER_MW;
        r->energy_mwh = r->power_mw * dt_h;
    }
}

/* ---- tick: contracts and providers ---- */

/* Step 4a: usage attributed to every hop of every leaf's chain; contract rows. */
static void tick_contracts(market *m, double dt_h)
{
    const spec *s = m->spec;
    const alloc *a = m->alloc;
    for (size_t c = 0; c < s->n_contracts; c++)
        m->contract_rows[c].used = 0.0;
    memset(m->provider_own_busy, 0, s->n_providers * sizeof *m->provider_own_busy);
    for (size_t l = 0; l < a->n_leaves; l++) {
        const alloc_leaf *leaf = &a->leaves[l];
        const double busy = (double)leaf->gpus * (double)m->provider_load[leaf->user];
        m->provider_own_busy[leaf->user] += busy;
        for (int h = leaf->hop; h >= 0; h = a->hops[h].parent)
            m->contract_rows[a->hops[h].contract].used += busy;
    }
    for (size_t c = 0; c < s->n_contracts; c++) {
        market_contract_row *r = &m->contract_rows[c];
        r->active = a->contract_active[c];
        r->committed = s->contracts[c].gpus;
        r->delivered = a->contract_delivered[c];
        r->utilisation = r->delivered > 0 ? r->used / (double)r->delivered : 0.0;
        const double payment =
            finance_contract_payment(&s->contracts[c], r->delivered, r->used, dt_h);
        r->payment_usd = r->active ? payment : 0.0;
        r->sla_credit_usd = 0.0;
    }
}

/* Step 4b: provider GPU counts: owned, leased in and out, pool and use. */
static void tick_provider_counts(market *m)
{
    const spec *s = m->spec;
    for (size_t p = 0; p < s->n_providers; p++) {
        market_provider_row *r = &m->provider_rows[p];
        r->owned = r->leased_in = r->leased_out = r->pool = 0;
        r->used = m->provider_own_busy[p];
    }
    for (size_t d = 0; d < s->n_datacenters; d++) {
        market_provider_row *r = &m->provider_rows[s->datacenters[d].owner];
        r->owned += m->dc_rows[d].installed;
        r->pool += m->dc_rows[d].healthy;
    }
    for (size_t c = 0; c < s->n_contracts; c++) {
        const spec_contract *k = &s->contracts[c];
        m->provider_rows[k->lessee].leased_in += m->contract_rows[c].delivered;
        m->provider_rows[k->lessee].pool += m->contract_rows[c].delivered;
        m->provider_rows[k->lessor].leased_out += m->contract_rows[c].delivered;
        m->provider_rows[k->lessor].used += m->contract_rows[c].used;
    }
    for (size_t p = 0; p < s->n_providers; p++) {
        market_provider_row *r = &m->provider_rows[p];
        r->utilisation = r->pool > 0 ? r->used / (double)r->pool : 0.0;
    }
}

/* One whole tick at t; the observer is called by the handler. Returns 0, or
 * -1 when rebuilding the allocation ran out of memory. */
static int run_tick(market *m, int64_t t)
{
    if (m->dirty) {
        if (alloc_rebuild(m->alloc, m->fleet) != 0)
            return -1;
        m->dirty = 0;
    }
    const double dt_h = (double)m->spec->tick_seconds / SECONDS_PER_HOUR;
    tick_demand_and_service(m, t, dt_h);
    tick_fleet(m, dt_h);
    tick_contracts(m, dt_h);
    tick_provider_counts(m);
    finance_accrue(m->spec, m->alloc->phase_online, t, dt_h, m->dc_rows, m->contract_rows,
                   m->provider_rows);
    return 0;
}

/* ---- event handlers ---- */

static int on_tick_event(engine *e, const evq_event *ev, void *ctx)
{
    market *m = ctx;
    if (run_tick(m, ev->time) != 0)
        return -1;
    const int64_t index = m->ticks_done++;
    if (m->obs.on_tick) {
        const int rc = m->obs.on_tick(m, index, ev->time, m->obs.ctx);
        if (rc != 0)
            return rc;
    }
    const int64_t next = ev->time + m->spec->tick_seconds;
    if (next < m->spec->end &&
        engine_schedule(e, next, MARKET_EV_TICK, 0, NULL) == EVQ_NO_HANDLE)
        return -1;
    return 0;
}

/* Tells the observer; the caller has set the message. */
static int notify(market *m, int64_t t, const char *kind, const char *entity)
{
    if (!m->obs.on_event)
        return 0;
    return m->obs.on_event(m, t, kind, entity, m->message, m->obs.ctx);
}

static int on_phase_online(engine *e, const evq_event *ev, void *ctx)
{
    (void)e;
    market *m = ctx;
    const spec *s = m->spec;
    const spec_phase *p = &s->phases[ev->arg];
    m->alloc->phase_online[ev->arg] = 1;
    m->dirty = 1;
    snprintf(m->message, sizeof m->message, "%s: %lld %s online at %s", p->name,
             (long long)p->count, s->gpus[p->gpu].name, s->datacenters[p->datacenter].name);
    return notify(m, ev->time, "phase_online", p->name);
}

/* "8000 H100" or "8000 GPUs of any type". */
static const char *contract_gpus(const spec *s, const spec_contract *k, char *out, size_t n)
{
    snprintf(out, n, "%lld %s", (long long)k->gpus,
             k->gpu == SPEC_ANY_GPU ? "GPUs of any type" : s->gpus[k->gpu].name);
    return out;
}

static int on_contract_event(market *m, int64_t t, int c, int start)
{
    const spec *s = m->spec;
    const spec_contract *k = &s->contracts[c];
    char gpus[SPEC_NAME_MAX + 32];
    contract_gpus(s, k, gpus, sizeof gpus);
    m->alloc->contract_active[c] = (uint8_t)start;
    m->dirty = 1;
    if (start)
        snprintf(m->message, sizeof m->message, "%s: %s leases %s to %s at %.2f USD/GPU-hour (%s)",
                 k->name, s->providers[k->lessor].name, gpus, s->providers[k->lessee].name,
                 k->price_per_gpu_hour, spec_contract_kind_name(k->kind));
    else
        snprintf(m->message, sizeof m->message, "%s: lease of %s from %s to %s ended", k->name,
                 gpus, s->providers[k->lessor].name, s->providers[k->lessee].name);
    return notify(m, t, start ? "contract_start" : "contract_end", k->name);
}

static int on_contract_start(engine *e, const evq_event *ev, void *ctx)
{
    (void)e;
    return on_contract_event(ctx, ev->time, ev->arg, 1);
}

static int on_contract_end(engine *e, const evq_event *ev, void *ctx)
{
    (void)e;
    return on_contract_event(ctx, ev->time, ev->arg, 0);
}

/* ---- setup ---- */

/* Schedules kind at t for entity i when 0 < t < end. Returns 0 or -1. */
static int schedule_within(market *m, int64_t t, int32_t kind, size_t i)
{
    if (t <= 0 || t >= m->spec->end)
        return 0;
    return engine_schedule(m->engine, t, kind, (int32_t)i, NULL) == EVQ_NO_HANDLE ? -1 : 0;
}

int market_attach(market *m, engine *e, const market_observer *obs)
{
    const spec *s = m->spec;
    m->engine = e;
    if (obs)
        m->obs = *obs;
    engine_on(e, MARKET_EV_TICK, on_tick_event, m);
    engine_on(e, MARKET_EV_PHASE_ONLINE, on_phase_online, m);
    engine_on(e, MARKET_EV_CONTRACT_START, on_contract_start, m);
    engine_on(e, MARKET_EV_CONTRACT_END, on_contract_end, m);
    /* Before the first tick, so that at equal times events run first (FIFO ties). */
    for (size_t ph = 0; ph < s->n_phases; ph++)
        if (schedule_within(m, s->phases[ph].online, MARKET_EV_PHASE_ONLINE, ph) != 0)
            return -1;
    for (size_t c = 0; c < s->n_contracts; c++) {
        const spec_contract *k = &s->contracts[c];
        if (k->start >= k->end)
            continue;  /* never active */
        if (schedule_within(m, k->start, MARKET_EV_CONTRACT_START, c) != 0 ||
            schedule_within(m, k->end, MARKET_EV_CONTRACT_END, c) != 0)
            return -1;
    }
    if (s->end > 0 && engine_schedule(e, 0, MARKET_EV_TICK, 0, NULL) == EVQ_NO_HANDLE)
        return -1;
    return 0;
}

/* ---- queries ---- */

const spec *market_spec(const market *m) { return m->spec; }
const fleet *market_fleet(const market *m) { return m->fleet; }
int64_t market_ticks_done(const market *m) { return m->ticks_done; }
const market_dc_row *market_dc_rows(const market *m) { return m->dc_rows; }
const market_provider_row *market_provider_rows(const market *m) { return m->provider_rows; }
const market_contract_row *market_contract_rows(const market *m) { return m->contract_rows; }
const market_workload_row *market_workload_rows(const market *m) { return m->workload_rows; }
uint64_t market_gpu_ticks(const market *m) { return m->gpu_ticks; }
