/*
 * market_tick: one tick of the market (market.h has the rules):
 *   0. rebuild the allocation when events changed it;
 *   1. demand per workload and provider;
 *   2. spot preemption: lessors whose own demand exceeds their own-use
 *      capacity take whole nodes back from the leaves under their spot
 *      contracts;
 *   3. service and load factors; each leaf's kernel load;
 *   4. the fleet kernel, reduced per DC;
 *   5. contracts (attribution, delivery, payment, SLA credit, fee), provider
 *      counts and finance.
 *
 * Cost: O(leaves x chain length + entities) outside the kernel; nothing is
 * allocated (the leaf work arrays grow only in market__reserve_leaf_work,
 * after a rebuild, which happens at events).
 */
#include "market_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finance.h"
#include "price.h"
#include "../util/textnum.h"
#include "../util/grow.h"

#define WATTS_PER_MW 1e6

int market__reserve_leaf_work(market *m)
{
    size_t n_leaves;
    alloc_leaves(m->alloc, &n_leaves);
    const size_t need = n_leaves + 1;
    if (need <= m->cap_leaf_work)
        return 0;
    const size_t cap = grow_capacity(m->cap_leaf_work, need, 64);
    if (cap == 0 ||
        grow_resize((void **)&m->leaf_load, cap, sizeof *m->leaf_load) != 0 ||
        grow_resize((void **)&m->leaf_preempted, cap, sizeof *m->leaf_preempted) != 0 ||
        grow_resize((void **)&m->leaf_preempt_by, cap, sizeof *m->leaf_preempt_by) != 0 ||
        grow_resize((void **)&m->leaf_preempt_hop, cap, sizeof *m->leaf_preempt_hop) != 0 ||
        grow_resize((void **)&m->leaf_perf_h100, cap, sizeof *m->leaf_perf_h100) != 0 ||
        grow_resize_zeroed((void **)&m->leaf_prev_lo, m->cap_leaf_work, cap, sizeof *m->leaf_prev_lo) != 0 ||
        grow_resize_zeroed((void **)&m->leaf_prev_hi, m->cap_leaf_work, cap, sizeof *m->leaf_prev_hi) != 0 ||
        grow_resize_zeroed((void **)&m->leaf_prev_group, m->cap_leaf_work, cap,
                           sizeof *m->leaf_prev_group) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);   /* the arrays grown so far keep their contents */
    m->cap_leaf_work = cap;
    return 0;
}

/* ---- 1. demand ---- */

/* Own-use capacity by source. contract_tick.capacity_h100 of contract c is
 * the part of its lessee's own-use capacity (provider_capacity_h100) that
 * reaches the lessee through c as the last contract of the chain: over the
 * leaves whose chain ends at c, perf x infer_speed x the throttle, less
 * their running training jobs' share of the leaf's GPUs x infer_speed, less
 * the GPUs a spot lessor took back from them x infer_speed, plus the GPUs
 * the lessee itself took back as a spot lessor from leaves that reached it
 * through c; each step as the provider's capacity takes it. A contract is
 * floored at 0, and when a lessee's capacity was floored below the sum of
 * its contracts they are scaled down to it pro rata, so that its own
 * capacity, provider_capacity_h100 - the sum, is never negative. GPUs a
 * lessee sublets count at the contract that delivers them to their final
 * user, never at the lessee's. Training workloads are not split by source.
 */
static double *leaf_source(market *m, const alloc_leaf *leaf)
{
    const alloc_hop *hops = alloc_hops(m->alloc, NULL);
    return leaf->hop >= 0 ? &m->contracts.rows[hops[leaf->hop].contract].capacity_h100 : NULL;
}

/* The training jobs' share of each leased leaf leaves its contract's
 * capacity, as market__training_reserve takes it from the provider's. */
static void source_training(market *m)
{
    size_t n_leaves;
    const alloc_leaf *leaves = alloc_leaves(m->alloc, &n_leaves);
    const alloc_group *groups = alloc_groups(m->alloc, NULL);
    for (size_t l = 0; l < n_leaves; l++) {
        double *source = leaf_source(m, &leaves[l]);
        const double train = source ? market__leaf_training_share(m, &leaves[l]) : 0.0;
        if (train > 0.0)
            *source -= train * (double)leaves[l].gpus *
                       m->spec->gpus[groups[leaves[l].group].gpu].infer_speed;
    }
}

/* The floor and the pro rata cut (see leaf_source). O(contracts). */
static void source_settle(market *m)
{
    const size_t n_providers = m->spec->n_providers;
    memset(m->provider_leased_capacity, 0, n_providers * sizeof *m->provider_leased_capacity);
    for (size_t c = 0; c < m->contracts.n; c++) {
        market_contract_row *r = &m->contracts.rows[c];
        if (r->capacity_h100 < 0.0)
            r->capacity_h100 = 0.0;
        m->provider_leased_capacity[m->contracts.terms[c].lessee] += r->capacity_h100;
    }
    for (size_t c = 0; c < m->contracts.n; c++) {
        const int lessee = m->contracts.terms[c].lessee;
        const double leased = m->provider_leased_capacity[lessee];
        if (leased > m->provider_capacity_h100[lessee])
            m->contracts.rows[c].capacity_h100 *= m->provider_capacity_h100[lessee] / leased;
    }
}

static void tick_demand(market *m, int64_t t)
{
    const spec *s = m->spec;
    for (size_t p = 0; p < s->n_providers; p++) {
        m->provider_rows[p].demand_h100 = 0.0;
        m->provider_capacity_h100[p] = 0.0;
    }
    for (size_t c = 0; c < m->contracts.n; c++)
        m->contracts.rows[c].capacity_h100 = 0.0;
    /* own-use capacity: perf over healthy GPUs x infer_speed x the throttle */
    size_t n_leaves;
    const alloc_leaf *leaves = alloc_leaves(m->alloc, &n_leaves);
    const alloc_group *groups = alloc_groups(m->alloc, NULL);
    for (size_t l = 0; l < n_leaves; l++) {
        const alloc_group *gr = &groups[leaves[l].group];
        const double h100 =
            m->leaf_perf_h100[l] * failures__capacity_scale(m, gr->datacenter, gr->gpu);
        m->provider_capacity_h100[leaves[l].user] += h100;
        double *source = leaf_source(m, &leaves[l]);
        if (source)
            *source += h100;
    }
    for (size_t w = 0; w < s->n_workloads; w++) {
        if (s->workloads[w].type != SPEC_INFERENCE)
            continue;
        m->workload_rows[w].demand_h100 = demand_curve_at(m->curves[w], t);
        m->provider_rows[s->workloads[w].tenant].demand_h100 += m->workload_rows[w].demand_h100;
    }
    market__training_reserve(m);
    source_training(m);
}

/* ---- 2. spot preemption ---- */

/* Takes up to `deficit` H100-equivalents back from the leaves under spot
 * contract c for its lessor. Returns what is still missing. */
static double preempt_contract(market *m, int c, double deficit)
{
    const alloc *a = m->alloc;
    const alloc_leaf *leaves = alloc_leaves(a, NULL);
    const alloc_hop *hops = alloc_hops(a, NULL);
    const alloc_group *groups = alloc_groups(a, NULL);
    const alloc_leaf_ref *contract_leaves = alloc_contract_leaves(a, NULL);
    const int lessor = m->contracts.terms[c].lessor;
    for (size_t i = m->contracts.leaf_lo[c]; i < m->contracts.leaf_hi[c] && deficit > 1e-9; i++) {
        const alloc_leaf_ref ref = contract_leaves[i];
        const alloc_leaf *leaf = &leaves[ref.leaf];
        if (m->leaf_preempted[ref.leaf] > 0)
            continue;   /* one lessor per leaf per tick */
        const double speed = m->spec->gpus[groups[leaf->group].gpu].infer_speed;
        if (!(speed > 0.0))
            continue;
        int64_t nodes = (int64_t)ceil(deficit / speed / SPEC_GPUS_PER_NODE);
        int64_t take = nodes * SPEC_GPUS_PER_NODE;
        if (take > leaf->gpus)
            take = leaf->gpus;
        if (take <= 0)
            continue;
        m->leaf_preempted[ref.leaf] = take;
        m->leaf_preempt_by[ref.leaf] = lessor;
        m->leaf_preempt_hop[ref.leaf] = ref.hop;
        const double h100 = (double)take * speed;
        m->provider_capacity_h100[lessor] += h100;
        m->provider_capacity_h100[leaf->user] -= h100;
        *leaf_source(m, leaf) -= h100;   /* under a contract: it has a hop */
        const int back = hops[ref.hop].parent;   /* how the GPUs reached the lessor */
        if (back >= 0)
            m->contracts.rows[hops[back].contract].capacity_h100 += h100;
        if (m->provider_capacity_h100[leaf->user] < 0.0)
            m->provider_capacity_h100[leaf->user] = 0.0;
        deficit -= h100;
        m->contracts.tick_preempted[c] += take;
        for (int h = leaf->hop;; h = hops[h].parent) {
            m->contracts.tick_lost[hops[h].contract] += take;
            if (h == ref.hop)
                break;
        }
    }
    return deficit;
}

/* Spot contracts are listed in topological order of their lessors, so a
 * lessor's capacity already reflects what its own lessors took back. */
static void tick_preempt(market *m)
{
    const alloc *a = m->alloc;
    size_t n_leaves;
    alloc_leaves(a, &n_leaves);
    size_t n_spot;
    const int *spot_contracts = alloc_spot_contracts(a, &n_spot);
    memset(m->contracts.tick_preempted, 0, m->contracts.n * sizeof *m->contracts.tick_preempted);
    memset(m->contracts.tick_lost, 0, m->contracts.n * sizeof *m->contracts.tick_lost);
    memset(m->leaf_preempted, 0, n_leaves * sizeof *m->leaf_preempted);
    for (size_t i = 0; i < n_spot; i++) {
        const int c = spot_contracts[i];
        const int p = m->contracts.terms[c].lessor;
        const double deficit = m->provider_rows[p].demand_h100 - m->provider_capacity_h100[p];
        if (deficit > 1e-9)
            preempt_contract(m, c, deficit);
    }
    source_settle(m);
}

/* ---- 3. service ---- */

/* Each provider serves its workloads' total demand up to its own-use
 * capacity; load factors, workload rows and each leaf's kernel load. */
static void tick_service(market *m, double dt_h)
{
    const spec *s = m->spec;
    for (size_t p = 0; p < s->n_providers; p++) {
        market_provider_row *r = &m->provider_rows[p];
        const double capacity = m->provider_capacity_h100[p];
        r->capacity_h100 = capacity;
        r->served_h100 = r->demand_h100 < capacity ? r->demand_h100 : capacity;
        r->shortfall_h100 = r->demand_h100 - r->served_h100;
        m->provider_load[p] = capacity > 0.0 ? (float)(r->served_h100 / capacity) : 0.0f;
    }
    for (size_t w = 0; w < s->n_workloads; w++) {
        if (s->workloads[w].type != SPEC_INFERENCE)
            continue;
        const int tenant = s->workloads[w].tenant;
        const market_provider_row *r = &m->provider_rows[tenant];
        market_workload_row *row = &m->workload_rows[w];
        const double capacity = m->provider_capacity_h100[tenant];
        const double share = r->demand_h100 > 0.0
                                 ? row->demand_h100 / r->demand_h100
                                 : 1.0 / (double)m->provider_n_workloads[tenant];
        row->capacity_h100 = capacity * share;
        row->served_h100 =
            r->demand_h100 > 0.0 ? row->demand_h100 * (r->served_h100 / r->demand_h100) : 0.0;
        row->shortfall_h100 = row->demand_h100 - row->served_h100;
        row->jobs_running = row->jobs_queued = 0;
        row->goodput_h100_hours = row->served_h100 * dt_h;
    }
    const alloc *a = m->alloc;
    size_t n_leaves;
    const alloc_leaf *leaves = alloc_leaves(a, &n_leaves);
    for (size_t l = 0; l < n_leaves; l++) {
        const alloc_leaf *leaf = &leaves[l];
        const int64_t pre = m->leaf_preempted[l];
        const double train = market__leaf_training_share(m, leaf);
        const float own = (float)(train + (1.0 - train) * (double)m->provider_load[leaf->user]);
        m->leaf_load[l] =
            pre > 0 ? (float)(((double)(leaf->gpus - pre) * own +
                               (double)pre * m->provider_load[m->leaf_preempt_by[l]]) /
                              (double)leaf->gpus)
                    : own;
    }
}

/* ---- 4. fleet kernel and DC rows ---- */

/* Host power: every online phase's GPUs draw host_w each for their servers,
 * whatever their load or state (a server stays powered while its GPUs are
 * idle, failed or in repair), into their DC's power before the boards'.
 * O(phases). */
static void add_host_power(market *m)
{
    const entities *e = &m->view;
    const uint8_t *online = alloc_phase_online(m->alloc);
    for (size_t ph = 0; ph < e->n_phases; ph++) {
        const spec_phase *p = &e->phases[ph];
        if (p->datacenter < 0 || !online[ph])
            continue;
        m->dc_sums[p->datacenter].power_w += (double)p->count * m->spec->gpus[p->gpu].host_w;
    }
}

static capsim_status tick_fleet(market *m, int64_t t, double dt_h)
{
    const spec *s = m->spec;
    const alloc *a = m->alloc;
    size_t n_segments;
    const alloc_segment *segments = alloc_segments(a, &n_segments);
    const alloc_leaf *leaves = alloc_leaves(a, NULL);
    const alloc_dc_counts dc = alloc_datacenter_counts(a);
    const double dt_s = dt_h * UNITS_SECONDS_PER_HOUR_REAL;
    memset(m->dc_sums, 0, m->n_datacenters * sizeof *m->dc_sums);
    add_host_power(m);          /* first: the throttle counts it against the cap */
    failures__throttle(m);
    for (size_t i = 0; i < n_segments; i++) {
        const alloc_segment *g = &segments[i];
        const float load = g->leaf >= 0 ? m->leaf_load[g->leaf] : 0.0f;
        const spec_gpu *type = &s->gpus[g->gpu];
        fleet_pass pass = {load, (float)type->idle_w, (float)type->tdp_w, 1.0f,
                           failures__hazard(m, g->gpu, load, dt_s)};
        failures__pass(m, g, &pass);
        const double before = m->dc_sums[g->datacenter].new_failures;
        fleet_tick_range(m->fleet, g->lo, g->hi, &pass, &m->dc_sums[g->datacenter]);
        m->gpu_ticks += g->hi - g->lo;
        if (m->dc_sums[g->datacenter].new_failures > before && g->leaf >= 0) {
            const capsim_status st =
                failures__take(m, g, (size_t)leaves[g->leaf].group, load, t);
            if (st != CAPSIM_OK)
                return st;
        }
    }
    for (size_t d = 0; d < m->n_datacenters; d++) {
        market_dc_row *r = &m->dc_rows[d];
        r->installed = dc.installed[d];
        r->healthy = dc.healthy[d];
        r->failed = dc.failed[d];
        r->maintenance = dc.maintenance[d];
        r->allocated = dc.allocated[d];
        r->busy = m->dc_sums[d].busy;
        r->mean_utilisation = r->installed > 0 ? r->busy / (double)r->installed : 0.0;
        r->power_mw = m->dc_sums[d].power_w * m->datacenters[d].pue / WATTS_PER_MW;
        r->energy_mwh = r->power_mw * dt_h;
        r->failures = failures__tick_failed(m, d);
    }
    return CAPSIM_OK;
}

/* ---- 5. contracts and providers ---- */

/* Usage attributed to every hop of every leaf's chain: the kept GPUs to the
 * whole chain, the GPUs taken back to the hops above the spot contract. */
static void attribute_use(market *m)
{
    const alloc *a = m->alloc;
    size_t n_leaves;
    const alloc_leaf *leaves = alloc_leaves(a, &n_leaves);
    const alloc_hop *hops = alloc_hops(a, NULL);
    for (size_t c = 0; c < m->contracts.n; c++)
        m->contracts.rows[c].used = 0.0;
    memset(m->provider_own_busy, 0, m->spec->n_providers * sizeof *m->provider_own_busy);
    for (size_t l = 0; l < n_leaves; l++) {
        const alloc_leaf *leaf = &leaves[l];
        const int64_t pre = m->leaf_preempted[l];
        const double train = market__leaf_training_share(m, leaf);
        const double load = train + (1.0 - train) * (double)m->provider_load[leaf->user];
        const double busy = (double)(leaf->gpus - pre) * load;
        m->provider_own_busy[leaf->user] += busy;
        for (int h = leaf->hop; h >= 0; h = hops[h].parent)
            m->contracts.rows[hops[h].contract].used += busy;
        if (pre <= 0)
            continue;
        const int by = m->leaf_preempt_by[l];
        const double taken = (double)pre * (double)m->provider_load[by];
        m->provider_own_busy[by] += taken;
        for (int h = hops[m->leaf_preempt_hop[l]].parent; h >= 0; h = hops[h].parent)
            m->contracts.rows[hops[h].contract].used += taken;
    }
}

/* Contract c's delivered-weighted price per GPU-hour (market.h). O(its
 * delivered blocks). */
static double delivered_price(const market *m, size_t c)
{
    const alloc *a = m->alloc;
    const alloc_group *groups = alloc_groups(a, NULL);
    const alloc_block *blocks = alloc_blocks(a, NULL);
    const spec_contract *k = &m->contracts.terms[c];
    double gpus = 0.0, usd = 0.0;
    for (size_t b = m->contracts.block_lo[c]; b < m->contracts.block_hi[c]; b++) {
        const alloc_block *blk = &blocks[b];
        gpus += (double)blk->gpus;
        usd += (double)blk->gpus * price_of_type(k, groups[blk->group].gpu);
    }
    if (gpus > 0.0)
        return usd / gpus;
    return k->gpu != SPEC_ANY_GPU ? price_of_type(k, k->gpu) : k->price_per_gpu_hour;
}

static void tick_contracts(market *m, double dt_h)
{
    attribute_use(m);
    for (size_t c = 0; c < m->contracts.n; c++) {
        const spec_contract *k = &m->contracts.terms[c];
        market_contract_row *r = &m->contracts.rows[c];
        r->active = m->contracts.active[c];
        r->committed = r->active ? m->contracts.committed[c] : k->gpus;
        r->delivered = m->contracts.delivered[c] - m->contracts.tick_lost[c];
        r->preempted = k->kind == SPEC_SPOT ? m->contracts.preempted[c] + m->contracts.tick_preempted[c] : 0;
        r->utilisation = r->delivered > 0 ? r->used / (double)r->delivered : 0.0;
        r->price_per_gpu_hour = delivered_price(m, c);
        r->lessor_unleased = r->active ? m->contracts.unleased[c] : 0;
        const double payment =
            finance_contract_payment(k, r->price_per_gpu_hour, r->delivered, r->used, dt_h);
        r->payment_usd = r->active ? payment : 0.0;
        r->sla_credit_usd =
            finance_sla_credit(k, r->active, r->committed, r->delivered, r->payment_usd);
        r->fee_usd = m->contracts.pending_fee[c];
        m->contracts.pending_fee[c] = 0.0;
        r->undelivered = r->active && r->committed > r->delivered ? r->committed - r->delivered : 0;
        m->contracts.undelivered_gpu_hours[c] += (double)r->undelivered * dt_h;
    }
}

int market__contract_events(market *m, int64_t t)
{
    for (size_t c = 0; c < m->contracts.n; c++) {
        const market_contract_row *r = &m->contracts.rows[c];
        const int now_short = r->undelivered > 0;
        if (now_short == m->contracts.short_now[c])
            continue;
        m->contracts.short_now[c] = (uint8_t)now_short;
        const spec_contract *k = &m->contracts.terms[c];
        const char *lessor = m->spec->providers[k->lessor].name;
        char delivered[32], committed[32], short_of[32];
        textnum_format_grouped((double)r->delivered, 0, delivered, sizeof delivered);
        textnum_format_grouped((double)r->committed, 0, committed, sizeof committed);
        textnum_format_grouped((double)r->undelivered, 0, short_of, sizeof short_of);
        if (now_short)
            snprintf(m->message, sizeof m->message,
                     "%s: %s delivers %s of %s committed GPUs (%s short)", k->name, lessor,
                     delivered, committed, short_of);
        else
            snprintf(m->message, sizeof m->message, "%s: %s delivers all %s committed GPUs again",
                     k->name, lessor, committed);
        const int rc = market__notify(m, t, now_short ? "contract_short" : "contract_recovered",
                                      k->name);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Provider GPU counts: owned, leased in and out, pool and use. */
static void tick_provider_counts(market *m)
{
    const spec *s = m->spec;
    for (size_t p = 0; p < s->n_providers; p++) {
        market_provider_row *r = &m->provider_rows[p];
        r->owned = r->leased_in = r->leased_out = r->pool = 0;
        r->used = m->provider_own_busy[p];
    }
    for (size_t d = 0; d < m->n_datacenters; d++) {
        market_provider_row *r = &m->provider_rows[m->datacenters[d].owner];
        r->owned += m->dc_rows[d].installed;
        r->pool += m->dc_rows[d].healthy;
    }
    for (size_t c = 0; c < m->contracts.n; c++) {
        const spec_contract *k = &m->contracts.terms[c];
        m->provider_rows[k->lessee].leased_in += m->contracts.rows[c].delivered;
        m->provider_rows[k->lessee].pool += m->contracts.rows[c].delivered;
        m->provider_rows[k->lessor].leased_out += m->contracts.rows[c].delivered;
        m->provider_rows[k->lessor].used += m->contracts.rows[c].used;
    }
    for (size_t p = 0; p < s->n_providers; p++) {
        market_provider_row *r = &m->provider_rows[p];
        r->utilisation = r->pool > 0 ? r->used / (double)r->pool : 0.0;
    }
}

capsim_status market__rebuild(market *m)
{
    capsim_status st;
    if ((st = alloc_rebuild(m->alloc, m->fleet)) != CAPSIM_OK ||
        (st = failures__after_rebuild(m)) != CAPSIM_OK ||
        (st = market__reserve_leaf_work(m)) != CAPSIM_OK)
        return st;
    /* A leaf keeps last rebuild's perf sum when it has the same range in a
     * group whose GPUs did not move (no failure, repair or phase since). */
    size_t n_leaves;
    const alloc_leaf *leaves = alloc_leaves(m->alloc, &n_leaves);
    const alloc_group *groups = alloc_groups(m->alloc, NULL);
    for (size_t l = 0; l < n_leaves; l++) {
        const alloc_leaf *leaf = &leaves[l];
        if (m->leaf_prev_lo[l] == leaf->lo && m->leaf_prev_hi[l] == leaf->hi &&
            m->leaf_prev_group[l] == leaf->group && leaf->hi > leaf->lo &&
            !failures__group_touched(m, (size_t)leaf->group))
            continue;
        m->leaf_perf_h100[l] = alloc_served_perf(m->alloc, m->fleet, leaf->lo, leaf->hi) *
                               m->spec->gpus[groups[leaf->group].gpu].infer_speed;
        m->leaf_prev_lo[l] = leaf->lo;
        m->leaf_prev_hi[l] = leaf->hi;
        m->leaf_prev_group[l] = leaf->group;
    }
    failures__clear_touched(m);
    return CAPSIM_OK;
}

capsim_status market__run_tick(market *m, int64_t t)
{
    if (m->dirty) {
        capsim_status st;
        if ((st = market__rebuild(m)) != CAPSIM_OK ||
            (st = market__training_set_capacity(m)) != CAPSIM_OK)
            return st;
        m->dirty = 0;
    }
    const double dt_h = (double)m->spec->tick_seconds / UNITS_SECONDS_PER_HOUR_REAL;
    const int rc = failures__tick(m, t, (double)m->spec->tick_seconds);
    if (rc != 0)
        return rc;
    tick_demand(m, t);
    tick_preempt(m);
    tick_service(m, dt_h);
    market__training_rows(m, t, dt_h);
    const capsim_status st = tick_fleet(m, t, dt_h);
    if (st != CAPSIM_OK)
        return st;
    tick_contracts(m, dt_h);
    tick_provider_counts(m);
    finance_accrue(&m->view, alloc_phase_online(m->alloc), t, dt_h, m->dc_rows, m->contracts.rows,
                   m->provider_rows);
    return 0;
}

/* ---- end-of-run metrics ---- */

size_t market__undelivered_metrics(const market *m, market_metric *out, size_t n, size_t cap)
{
    const spec *s = m->spec;
    for (size_t c = 0; c < m->contracts.n; c++)
        n = market__put_metric(out, n, cap, "undelivered_gpu_hours", m->contracts.terms[c].name,
                               m->contracts.undelivered_gpu_hours[c]);
    for (size_t p = 0; p < s->n_providers; p++) {
        double sum = 0.0;
        int lessor = 0;
        for (size_t c = 0; c < m->contracts.n; c++)
            if (m->contracts.terms[c].lessor == (int)p) {
                lessor = 1;
                sum += m->contracts.undelivered_gpu_hours[c];
            }
        if (lessor)
            n = market__put_metric(out, n, cap, "undelivered_gpu_hours", s->providers[p].name, sum);
    }
    return n;
}
