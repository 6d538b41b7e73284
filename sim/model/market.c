/*
 * market: the model the engine drives. It ties together the fleet (per-GPU
 * arrays), alloc (layout and allocation), demand (one curve per workload),
 * finance, procurement (procure.c) and build-out (buildout.c), and fills the
 * row arrays the observer reads. This file builds the market, handles its
 * discrete events and answers queries; market_tick.c is the tick path.
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
 *     entities) outside the fleet kernel, which streams over the segments;
 *   - contracts and datacenters only grow, at events (a review signs, a
 *     build-out decides); indices never change.
 *
 * Conventions of the rows:
 *   - capacity sums perf over healthy GPUs x the type's infer_speed, so a
 *     straggler counts at its speed, and a throttled DC at f^alpha of it;
 *   - a provider's own-use leaves all run at its load factor served /
 *     capacity; its workloads share capacity and service in proportion to
 *     their demand (capacity equally when it has no demand at all);
 *   - dc.allocated counts healthy GPUs that serve a contract, or an owner
 *     with at least one workload: an owner without workloads keeps its
 *     unleased GPUs idle, and they are not allocated;
 *   - contract.committed is the contract's size when it is inactive, and the
 *     ramp's committed GPUs when active; delivered, used and payment are 0
 *     when inactive.
 */
#include "market_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finance.h"
#include "../util/caltime.h"
#include "../util/textnum.h"

/* Contracts reserved beyond the spec's at create: signing more grows the
 * arrays at a review (an event), never in a tick. */
#define MARKET_CONTRACT_HEADROOM 256

/* ---- contracts: ramp and end ---- */

int64_t market__committed_at(const spec_contract *k, int64_t t)
{
    return position_contract_committed(k, t);
}

int64_t market__end_of(const spec_contract *k)
{
    /* the reader only accepts a termination strictly inside the term */
    return k->terminate != SPEC_NO_TIME && k->terminate > k->start && k->terminate < k->end
               ? k->terminate
               : k->end;
}

void market__date(const market *m, int64_t t, char out[11])
{
    caltime_format_date_since(m->spec->start_day, t, out);
}

/* ---- create / destroy ---- */

/* Allocates the rows and work arrays (one spare element each, so that an
 * empty entity list still allocates). Returns 0 or CAPSIM_ERR_NO_MEMORY. */
static capsim_status allocate_rows(market *m)
{
    const spec *s = m->spec;
    const size_t nd = m->cap_datacenters + 1, nv = s->n_providers + 1;
    const size_t nw = s->n_workloads + 1;
    m->dc_rows = calloc(nd, sizeof *m->dc_rows);
    m->provider_rows = calloc(nv, sizeof *m->provider_rows);
    m->workload_rows = calloc(nw, sizeof *m->workload_rows);
    m->curves = calloc(nw, sizeof *m->curves);
    m->provider_load = calloc(nv, sizeof *m->provider_load);
    m->provider_capacity_h100 = calloc(nv, sizeof *m->provider_capacity_h100);
    m->provider_own_busy = calloc(nv, sizeof *m->provider_own_busy);
    m->provider_leased_capacity = calloc(nv, sizeof *m->provider_leased_capacity);
    m->provider_n_workloads = calloc(nv, sizeof *m->provider_n_workloads);
    m->dc_sums = calloc(nd, sizeof *m->dc_sums);
    return m->dc_rows && m->provider_rows && m->workload_rows && m->curves &&
                   m->provider_load && m->provider_capacity_h100 && m->provider_own_busy &&
                   m->provider_leased_capacity &&
                   m->provider_n_workloads && m->dc_sums
               ? CAPSIM_OK
               : capsim_fail(CAPSIM_ERR_NO_MEMORY);
}

/* The contract table: the spec's contracts, with room for those procurement
 * may sign. Returns 0 or CAPSIM_ERR_NO_MEMORY. */
static capsim_status copy_contracts(market *m)
{
    const spec *s = m->spec;
    const size_t cap = s->n_contracts + (s->n_procurements ? MARKET_CONTRACT_HEADROOM : 0);
    return contract_table_init(&m->contracts, s->contracts, s->n_contracts, cap);
}

size_t market__put_metric(market_metric *out, size_t n, size_t cap, const char *metric,
                          const char *entity, double value)
{
    if (n < cap) {
        snprintf(out[n].name, sizeof out[n].name, "%s.%s", metric, entity);
        out[n].value = value;
    }
    return n + 1;
}

void market__update_view(market *m)
{
    m->view = (entities){m->spec, m->datacenters, m->n_datacenters, m->phases, m->n_phases,
                         m->contracts.terms, m->contracts.n};
}

/* Phases and contracts in force at t = 0; the first allocation. Returns 0 or
 * CAPSIM_ERR_NO_MEMORY. */
static capsim_status apply_initial_state(market *m)
{
    for (size_t ph = 0; ph < m->n_phases; ph++)
        alloc_set_phase_online(m->alloc, ph,
                               m->phases[ph].datacenter >= 0 && m->phases[ph].online <= 0);
    for (size_t c = 0; c < m->contracts.n; c++) {
        const spec_contract *k = &m->contracts.terms[c];
        m->contracts.active[c] = k->start <= 0 && market__end_of(k) > 0;
        m->contracts.committed[c] =
            m->contracts.active[c] ? market__committed_at(k, 0) : k->gpus;
    }
    return market__rebuild(m);
}

market *market_create(const spec *s)
{
    market *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->spec = s;
    if (copy_contracts(m) != 0 || buildout__create(m) != 0 || procure__create(m) != 0)
        goto fail;
    market__update_view(m);
    if (allocate_rows(m) != 0 ||
        !(m->alloc = alloc_create_view(&m->view, &m->contracts, m->cap_datacenters)) ||
        !(m->fleet = fleet_create(alloc_n_gpus(m->alloc))) ||
        alloc_assign_stragglers(m->alloc, m->fleet, s->seed) != 0)
        goto fail;
    for (size_t w = 0; w < s->n_workloads; w++) {
        if (!(m->curves[w] = demand_curve_create(&s->workloads[w], s->seed)))
            goto fail;
        m->provider_n_workloads[s->workloads[w].tenant]++;
    }
    if (failures__create(m) != 0 || apply_initial_state(m) != 0 ||
        failures__arm_initial(m) != 0 || market__training_create(m) != 0)
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
    market__training_destroy(m);
    failures__destroy(m);
    buildout__destroy(m);
    void *arrays[] = {
        m->curves, m->dc_rows, m->provider_rows,
        m->workload_rows, m->provider_load, m->provider_capacity_h100, m->provider_own_busy,
        m->provider_leased_capacity, m->provider_n_workloads, m->dc_sums, m->leaf_load, m->leaf_preempted,
        m->leaf_preempt_by, m->leaf_preempt_hop, m->leaf_perf_h100, m->leaf_prev_lo,
        m->leaf_prev_hi, m->leaf_prev_group,
    };
    procure__destroy(m);
    contract_table_free(&m->contracts);
    fleet_destroy(m->fleet);
    alloc_destroy(m->alloc);
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    free(m);
}

/* ---- growth (at events only) ---- */

int market__add_contract(market *m, const spec_contract *k, int64_t t)
{
    size_t c;
    if (contract_table_append(&m->contracts, k, &c) != CAPSIM_OK)
        return CAPSIM_ERR_NO_MEMORY;
    market__update_view(m);
    const int active = k->start <= t && t < market__end_of(k);
    m->contracts.active[c] = (uint8_t)active;
    m->contracts.committed[c] = active ? market__committed_at(k, t) : k->gpus;
    m->dirty = 1;
    capsim_status st;
    if ((st = alloc_order_providers(m->alloc)) != CAPSIM_OK)
        return st;
    if (k->start > t &&
        (st = market__schedule(m, k->start, MARKET_EV_CONTRACT_START, c)) != CAPSIM_OK)
        return st;
    if (market__end_of(k) > t &&
        (st = market__schedule(m, market__end_of(k), MARKET_EV_CONTRACT_END, c)) != CAPSIM_OK)
        return st;
    return (int)c;
}

void market__set_parent(market *m, size_t c, int parent)
{
    m->contracts.terms[c].parent = parent;
}

void market__allocation_changed(market *m)
{
    m->dirty = 1;
}

/* ---- event handlers ---- */

int market__notify(market *m, int64_t t, const char *kind, const char *entity)
{
    if (!m->obs.on_event)
        return 0;
    return m->obs.on_event(m, t, kind, entity, m->message, m->obs.ctx);
}

capsim_status market__schedule(market *m, int64_t t, int32_t kind, size_t i)
{
    if (t <= 0 || t >= m->spec->end)
        return CAPSIM_OK;
    if (engine_schedule(m->engine, t, kind, (int32_t)i, NULL) == EVQ_NO_HANDLE)
        return capsim_fail(CAPSIM_ERR_EVENT_QUEUE);
    return CAPSIM_OK;
}

static int on_tick_event(engine *e, const evq_event *ev, void *ctx)
{
    market *m = ctx;
    const capsim_status st = market__run_tick(m, ev->time);
    if (st != CAPSIM_OK)
        return st;
    const int events = market__contract_events(m, ev->time);
    if (events != 0)
        return events;
    const int64_t index = m->ticks_done++;
    if (m->obs.on_tick) {
        const int rc = m->obs.on_tick(m, index, ev->time, m->obs.ctx);
        if (rc != 0)
            return rc;
    }
    const int64_t next = ev->time + m->spec->tick_seconds;
    if (next < m->spec->end &&
        engine_schedule(e, next, MARKET_EV_TICK, 0, NULL) == EVQ_NO_HANDLE)
        return capsim_fail(CAPSIM_ERR_EVENT_QUEUE);
    return 0;
}

static int on_phase_online(engine *e, const evq_event *ev, void *ctx)
{
    (void)e;
    market *m = ctx;
    const spec *s = m->spec;
    const spec_phase *p = &m->phases[ev->arg];
    alloc_set_phase_online(m->alloc, (size_t)ev->arg, 1);
    m->dirty = 1;
    const capsim_status st = failures__phase_online(m, (size_t)ev->arg);
    if (st != CAPSIM_OK)
        return st;
    char count[32];
    snprintf(m->message, sizeof m->message, "%s: %s %s online at %s", p->name,
             textnum_format_grouped((double)p->count, 0, count, sizeof count),
             s->gpus[p->gpu].name, m->datacenters[p->datacenter].name);
    return market__notify(m, ev->time, "phase_online", p->name);
}

/* "8,000 H100" or "8,000 GPUs of any type". */
static const char *contract_gpus(const spec *s, const spec_contract *k, char *out, size_t n)
{
    char count[32];
    snprintf(out, n, "%s %s", textnum_format_grouped((double)k->gpus, 0, count, sizeof count),
             k->gpu == SPEC_ANY_GPU ? "GPUs of any type" : s->gpus[k->gpu].name);
    return out;
}

/* The end of contract c at t: its term ran out, or it was terminated early
 * (the fee is charged in the tick at t). */
static int end_contract(market *m, int64_t t, int c)
{
    const spec *s = m->spec;
    const spec_contract *k = &m->contracts.terms[c];
    char gpus[SPEC_NAME_MAX + 32];
    contract_gpus(s, k, gpus, sizeof gpus);
    const int64_t committed = m->contracts.committed[c];
    m->contracts.active[c] = 0;
    m->dirty = 1;
    if (market__end_of(k) != k->end && t == k->terminate) {
        const double fee = finance_termination_fee(k, committed, t);
        m->contracts.pending_fee[c] += fee;
        char fee_text[32];
        textnum_format_grouped(fee, 0, fee_text, sizeof fee_text);
        snprintf(m->message, sizeof m->message,
                 "%s: %s terminates its lease of %s from %s early; fee %s USD "
                 "(%lld GPUs x %.2f USD/GPU-hour x %.2f months)",
                 k->name, s->providers[k->lessee].name, gpus, s->providers[k->lessor].name,
                 fee_text, (long long)committed, k->price_per_gpu_hour,
                 fee > 0.0 ? fee / ((double)committed * k->price_per_gpu_hour *
                                    UNITS_SECONDS_PER_MONTH_REAL / UNITS_SECONDS_PER_HOUR_REAL)
                           : 0.0);
        return market__notify(m, t, "contract_terminated", k->name);
    }
    snprintf(m->message, sizeof m->message, "%s: lease of %s from %s to %s ended", k->name,
             gpus, s->providers[k->lessor].name, s->providers[k->lessee].name);
    return market__notify(m, t, "contract_end", k->name);
}

static int on_contract_start(engine *e, const evq_event *ev, void *ctx)
{
    (void)e;
    market *m = ctx;
    const spec *s = m->spec;
    const int c = ev->arg;
    const spec_contract *k = &m->contracts.terms[c];
    char gpus[SPEC_NAME_MAX + 32];
    contract_gpus(s, k, gpus, sizeof gpus);
    m->contracts.active[c] = 1;
    m->contracts.committed[c] = market__committed_at(k, ev->time);
    m->dirty = 1;
    snprintf(m->message, sizeof m->message, "%s: %s leases %s to %s at %.2f USD/GPU-hour (%s)",
             k->name, s->providers[k->lessor].name, gpus, s->providers[k->lessee].name,
             k->price_per_gpu_hour, spec_contract_kind_name(k->kind));
    return market__notify(m, ev->time, "contract_start", k->name);
}

static int on_contract_end(engine *e, const evq_event *ev, void *ctx)
{
    (void)e;
    return end_contract(ctx, ev->time, ev->arg);
}

/* The step after t of k's ramp: every max(tick, 1 day) from start, the last
 * one at the ramp's end. INT64_MAX when the ramp is over. */
static int64_t next_ramp_step(const market *m, const spec_contract *k, int64_t t)
{
    const int64_t ramp_end = k->start + k->ramp_seconds;
    if (k->ramp_seconds <= 0 || t >= ramp_end)
        return INT64_MAX;
    int64_t step = m->spec->tick_seconds > MARKET_RAMP_STEP_SECONDS ? m->spec->tick_seconds
                                                                    : MARKET_RAMP_STEP_SECONDS;
    const int64_t from = t < k->start ? k->start : t;
    const int64_t next = k->start + ((from - k->start) / step + 1) * step;
    return next < ramp_end ? next : ramp_end;
}

static int on_ramp_step(engine *e, const evq_event *ev, void *ctx)
{
    (void)e;
    market *m = ctx;
    const int c = ev->arg;
    const spec_contract *k = &m->contracts.terms[c];
    if (!m->contracts.active[c])
        return 0;
    m->contracts.committed[c] = market__committed_at(k, ev->time);
    m->dirty = 1;
    const int64_t next = next_ramp_step(m, k, ev->time);
    if (next < market__end_of(k))
        return market__schedule(m, next, MARKET_EV_RAMP_STEP, (size_t)c);
    return 0;
}

/* Schedules kind at the first of first + j x period (j >= 0) that is >= 0
 * (t = 0 included, before the first tick). Returns 0 or CAPSIM_ERR_EVENT_QUEUE. */
static capsim_status schedule_periodic(market *m, int64_t first, int64_t period, int32_t kind,
                                       size_t i)
{
    if (period <= 0)
        return CAPSIM_OK;
    if (first < 0)
        first += ((-first + period - 1) / period) * period;
    if (first >= m->spec->end)
        return CAPSIM_OK;
    if (engine_schedule(m->engine, first, kind, (int32_t)i, NULL) == EVQ_NO_HANDLE)
        return capsim_fail(CAPSIM_ERR_EVENT_QUEUE);
    return CAPSIM_OK;
}

static int on_review(engine *e, const evq_event *ev, void *ctx)
{
    (void)e;
    market *m = ctx;
    const spec_procurement *p = &m->spec->procurements[ev->arg];
    const int rc = procure__review(m, (size_t)ev->arg, ev->time);
    if (rc != 0)
        return rc;
    return market__schedule(m, ev->time + p->period_seconds, MARKET_EV_REVIEW,
                            (size_t)ev->arg);
}

static int on_build_check(engine *e, const evq_event *ev, void *ctx)
{
    (void)e;
    market *m = ctx;
    const int rc = buildout__check(m, (size_t)ev->arg, ev->time);
    if (rc != 0)
        return rc;
    return market__schedule(m, ev->time + (int64_t)UNITS_SECONDS_PER_MONTH_REAL,
                            MARKET_EV_BUILD_CHECK, (size_t)ev->arg);
}

/* ---- setup ---- */

/* Contract c's start, end and first ramp step. Returns 0 or
 * CAPSIM_ERR_EVENT_QUEUE. */
static capsim_status schedule_contract(market *m, size_t c)
{
    const spec_contract *k = &m->contracts.terms[c];
    const int64_t end = market__end_of(k);
    if (k->start >= end)
        return CAPSIM_OK;  /* never active */
    capsim_status st;
    if ((st = market__schedule(m, k->start, MARKET_EV_CONTRACT_START, c)) != CAPSIM_OK ||
        (st = market__schedule(m, end, MARKET_EV_CONTRACT_END, c)) != CAPSIM_OK)
        return st;
    const int64_t step = next_ramp_step(m, k, 0);
    if (step < end && (st = market__schedule(m, step, MARKET_EV_RAMP_STEP, c)) != CAPSIM_OK)
        return st;
    return CAPSIM_OK;
}

capsim_status market_attach(market *m, engine *e, const market_observer *obs)
{
    const spec *s = m->spec;
    capsim_status st;
    m->engine = e;
    if (obs)
        m->obs = *obs;
    engine_on(e, MARKET_EV_TICK, on_tick_event, m);
    engine_on(e, MARKET_EV_PHASE_ONLINE, on_phase_online, m);
    failures__attach(m, e);
    engine_on(e, MARKET_EV_CONTRACT_START, on_contract_start, m);
    engine_on(e, MARKET_EV_CONTRACT_END, on_contract_end, m);
    engine_on(e, MARKET_EV_RAMP_STEP, on_ramp_step, m);
    engine_on(e, MARKET_EV_REVIEW, on_review, m);
    engine_on(e, MARKET_EV_BUILD_CHECK, on_build_check, m);
    /* Before the first tick, so that at equal times events run first (FIFO ties). */
    for (size_t ph = 0; ph < s->n_phases; ph++)
        if ((st = market__schedule(m, s->phases[ph].online, MARKET_EV_PHASE_ONLINE, ph)) !=
            CAPSIM_OK)
            return st;
    for (size_t c = 0; c < m->contracts.n; c++)
        if ((st = schedule_contract(m, c)) != CAPSIM_OK)
            return st;
    for (size_t i = 0; i < s->n_procurements; i++)
        if ((st = schedule_periodic(m, s->procurements[i].first_review,
                                    s->procurements[i].period_seconds, MARKET_EV_REVIEW, i)) !=
            CAPSIM_OK)
            return st;
    for (size_t i = 0; i < s->n_buildouts; i++)
        if (s->buildouts[i].trigger == SPEC_TRIGGER_LOW_UNCOMMITTED &&
            (st = schedule_periodic(m, 0, (int64_t)UNITS_SECONDS_PER_MONTH_REAL,
                                    MARKET_EV_BUILD_CHECK, i)) != CAPSIM_OK)
            return st;
    if ((st = market__training_attach(m, e)) != CAPSIM_OK)
        return st;
    if (s->end > 0 && engine_schedule(e, 0, MARKET_EV_TICK, 0, NULL) == EVQ_NO_HANDLE)
        return capsim_fail(CAPSIM_ERR_EVENT_QUEUE);
    return CAPSIM_OK;
}

/* ---- queries ---- */

const spec *market_spec(const market *m) { return m->spec; }
const fleet *market_fleet(const market *m) { return m->fleet; }

int market_allocation_of(const market *m, size_t gpu)
{
    return alloc_leaf_of(m->alloc, m->fleet, gpu);
}
int64_t market_ticks_done(const market *m) { return m->ticks_done; }
size_t market_n_contracts(const market *m) { return m->contracts.n; }
const spec_contract *market_contract(const market *m, size_t i) { return &m->contracts.terms[i]; }
size_t market_n_datacenters(const market *m) { return m->n_datacenters; }
const spec_datacenter *market_datacenter(const market *m, size_t i) { return &m->datacenters[i]; }
size_t market_n_phases(const market *m) { return m->n_phases; }
const spec_phase *market_phase(const market *m, size_t i) { return &m->phases[i]; }
const market_dc_row *market_dc_rows(const market *m) { return m->dc_rows; }
const market_provider_row *market_provider_rows(const market *m) { return m->provider_rows; }
const market_contract_row *market_contract_rows(const market *m) { return m->contracts.rows; }
const market_workload_row *market_workload_rows(const market *m) { return m->workload_rows; }
uint64_t market_gpu_ticks(const market *m) { return m->gpu_ticks; }
