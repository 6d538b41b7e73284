/*
 * market_failures: failures, repairs, planned maintenance and power caps
 * (the [failure] and [curtailment] sections; scenarios/README.md has the
 * rules). The per-GPU facts live in the fleet (fleet.h): each GPU's
 * threshold in the hazard clock of its kernel range, which the tick pass
 * advances; this file gives the fleet its ranges after every rebuild and
 * the pass its per-range hazard and throttle, and turns what the pass
 * reports into state changes and events.
 *
 * GPU-scope modes. For each GPU type the modes that apply add up to a
 * hazard per tick of (r0 + r1 x load) x dt, r0 = sum of rates and r1 = sum
 * of rate x load_factor; a failed GPU's mode is drawn in proportion to its
 * rate at the range's load. Thresholds are Exp(1) draws from the stream
 * "failure/gpu/<datacenter>", at install (phase online) and at repair.
 *
 * Node, rack and datacenter modes. Each (mode, datacenter) pair carries an
 * accumulated hazard H and an Exp(1) threshold E of its own: every tick H
 * grows by rate x units online x dt, and while H >= E a unit fails and E
 * grows by a new Exp(1) draw (a Poisson process of the units' total rate).
 * The unit hit is the node or rack of a uniformly drawn online GPU of the
 * mode's type; a datacenter mode takes every GPU of the site. Draws come
 * from "failure/<mode>/<datacenter>", so a new datacenter changes no other
 * datacenter's failures.
 *
 * Repairs. Each failure schedules one repair event per group it hit, which
 * records the GPUs that went down with it (GPUs stay where they were
 * installed, alloc.h): after repair_h, the GPU that failed by its own
 * hazard is renewed (healthy, H = 0, a new threshold), and the others it
 * took down (its node-mates, or a node, rack or site, failed or drained)
 * return with the hazard they had left (the two kinds differ only under
 * ageing: [gpu] weibull_shape). A GPU already down when a failure hits
 * its unit stays with the failure that took it down first. (Until 2026-12
 * a repair brought back any such GPUs of the group, since the rebuild's
 * swaps moved them.)
 * A GPU's threshold is its Exp(1) draw mapped through its type's Weibull
 * cumulative hazard (draw_remaining); a phase online before the start is
 * armed as old as its online date.
 * A unit's GPUs share one repair time (a site comes back whole), and while
 * a site is down no other repair there completes: it waits for the site.
 * Every failure and repair marks the allocation stale: the next tick
 * rebuilds it, and a lessor's spares take the failed GPUs' place.
 *
 * Planned maintenance. A mode with `planned` drains its units
 * (MAINTENANCE) instead of failing them, counts in planned_drains, and
 * interrupts no job: the jobs on the drained GPUs move off at the next
 * rebuild with their work (a capacity drop, jobs.h), as announced
 * maintenance lets them. Node and rack modes roll (roll_drain): the same
 * accumulated rate, but each unit due is the next one after the last in
 * the DC's fleet order (roll_at), not a random one, and the units of one
 * tick go down and come back as one batch. So every unit is drained once
 * per 1 / rate, the drains of a tick are side by side in memory, and a
 * tick's drains cost one repair event per group they touch. (Until
 * 2026-12 they were Poisson picks of random nodes, one repair event each:
 * 726,000 random take-downs and repairs in the default scenario's two
 * years to 2026, the largest part of what failures cost its run.)
 *
 * Training. A failed GPU in a leaf of a tenant with training workloads is at
 * an offset of the tenant's served GPUs in that group (its leaves in leaf
 * order, alloc_served_rank);
 * the workloads split those evenly in whole nodes, and each lays its
 * running jobs out in start order (jobs.h). Every job overlapping the
 * failed node (or rack, or site) is interrupted. The same layout answers
 * the jobs' gang speed: the slowest perf over a job's GPUs.
 *
 * Power caps. Before the tick pass each datacenter's IT draw at this tick's
 * loads is computed from the ranges (every healthy GPU of a range draws the
 * same): boards plus host power. Over its cap (power_mw, or a curtailment's
 * mw), one clock fraction f in [min_clock, 1] per datacenter is found by
 * bisection so the draw fits; each GPU type then runs at max(f, its
 * min_clock) with f^alpha throughput and f^beta dynamic power. Inference
 * capacity follows the throttle from the next tick on (the capacity is set
 * before the loads that decide the throttle are known).
 *
 * Streams and order make every run deterministic: failures are processed in
 * segment order, then GPU order, at each tick.
 */
#include "market_internal.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "jobs.h"
#include "jobdist.h"
#include "../engine/rng.h"
#include "../util/grow.h"

#define WATTS_PER_MW 1e6
#define BISECTION_STEPS 40
#define FAIL_BATCH 256            /* new failures taken from the fleet at a time */

/* Words of a repair's down set held in the repair itself: 128 GPUs, a
 * rack of 72 from any position; a site's larger set is on the heap. */
#define REPAIR_INLINE_WORDS 2

/* One pending repair: the GPUs one failure took down, which come back
 * together. */
typedef struct repair {
    int group;
    size_t lo, hi;        /* the unit's GPUs: a node, a rack, or a site's part of a group */
    size_t renew;         /* the GPU that failed by its own hazard (SIZE_MAX: none) */
    uint64_t inline_down[REPAIR_INLINE_WORDS];   /* bit j: GPU lo + j went down with it */
    uint64_t *heap;       /* the down set when longer than inline_down, else NULL */
    int next_free;
} repair;

typedef struct gang_ctx {
    market *m;
    size_t workload;
} gang_ctx;

struct failures_state {
    size_t n_modes;
    double *r0, *r1;              /* per GPU type: GPU-scope rate sums, per second */
    gsl_rng **gpu_rng;            /* per DC (cap_datacenters): thresholds, mode choice */
    gsl_rng **mode_rng;           /* per (mode, DC): repairs, unit draws */
    double *unit_h, *unit_e;      /* per (mode, DC): accumulated hazard and threshold (a
                                     rolling drain: units due so far, and the next one) */
    int64_t *roll_at;             /* per (planned node or rack mode, DC): where the rolling
                                     drain goes on, an offset among the DC's online GPUs
                                     of the mode's types */
    jobdist **repair_dist;        /* per mode */

    repair *repairs;
    size_t n_repairs, cap_repairs;
    int free_repair;

    uint8_t *group_touched;       /* per group: GPUs failed, repaired or installed since the
                                     last rebuild (their perf may have moved) */
    int64_t *leaf_offset;         /* per leaf: offset among its user's GPUs in its group */
    int64_t *running;             /* per provider: scratch of the offsets */
    int64_t *online_by;           /* per (DC, GPU type): scratch of count_mode_units */
    int64_t *mode_online;         /* per (mode, DC): GPUs online of the mode's types, at the
                                     last rebuild (count_mode_units) */
    size_t cap_leaves;
    size_t *batch;                /* FAIL_BATCH GPU indices */
    size_t *range_bounds;         /* 2 per segment: the fleet's clock ranges (fleet_set_ranges) */
    size_t cap_range_bounds;

    float *dc_clock;              /* per DC: this tick's throttle (1: none) */
    double *full_draw_w;          /* per DC: IT power with every installed GPU at tdp_w + host_w,
                                     W, at the last rebuild: a DC whose cap is above it is
                                     never throttled, whatever the loads */
    uint8_t *curtailed;           /* per curtailment: 1 while in force */

    gang_ctx *gang;               /* per workload */

    /* counts for run metrics, per DC */
    int64_t *gpu_failures;
    int64_t *node_failures;       /* node and rack modes */
    int64_t *site_failures;       /* datacenter modes */
    int64_t *planned_drains;      /* planned modes */
    int64_t *tick_failed;         /* per DC: GPUs failed in the current tick */
    int64_t *outage_end;          /* per DC: when its latest site failure is repaired (0: none) */
};

static size_t mode_cell(const market *m, size_t mode, size_t dc)
{
    return mode * (m->cap_datacenters + 1) + dc;
}

/* ---- create / destroy ---- */

static gsl_rng *dc_stream(const market *m, const char *what, size_t dc)
{
    char name[2 * SPEC_NAME_MAX + 32];
    snprintf(name, sizeof name, "failure/%s/%s", what, m->datacenters[dc].name);
    return rng_stream_create(m->spec->seed, name);
}

/* The threshold stream of DC dc, created on first use. NULL when out of memory. */
static gsl_rng *gpu_stream(market *m, size_t dc)
{
    failures_state *fs = m->fail;
    if (!fs->gpu_rng[dc])
        fs->gpu_rng[dc] = dc_stream(m, "gpu", dc);
    return fs->gpu_rng[dc];
}

static gsl_rng *mode_stream(market *m, size_t mode, size_t dc)
{
    failures_state *fs = m->fail;
    gsl_rng **r = &fs->mode_rng[mode_cell(m, mode, dc)];
    if (!*r)
        *r = dc_stream(m, m->spec->failures[mode].name, dc);
    return *r;
}

static int applies(const spec_failure *f, int gpu)
{
    return f->gpu == SPEC_ANY_GPU || f->gpu == gpu;
}

/* Every array the state owns, for one allocation check and one free: the
 * N_AT_CREATE allocated by failures__create, then the three grown later
 * (repairs at failures, leaf offsets and range bounds at rebuilds), which
 * start NULL. */
enum { N_AT_CREATE = 23, N_OWNED = 26 };
static void owned_arrays(failures_state *fs, void *out[N_OWNED])
{
    void *all[N_OWNED] = {fs->r0, fs->r1, fs->gpu_rng, fs->mode_rng, fs->unit_h, fs->unit_e,
                          fs->roll_at,
                          fs->repair_dist, fs->group_touched, fs->running,
                          fs->online_by, fs->batch, fs->dc_clock, fs->full_draw_w, fs->curtailed,
                          fs->gang, fs->gpu_failures, fs->node_failures, fs->site_failures,
                          fs->planned_drains, fs->tick_failed, fs->outage_end,
                          fs->mode_online, fs->repairs, fs->leaf_offset, fs->range_bounds};
    memcpy(out, all, sizeof all);
}

capsim_status failures__create(market *m)
{
    const spec *s = m->spec;
    failures_state *fs = calloc(1, sizeof *fs);
    if (!fs)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    m->fail = fs;
    size_t n_groups;
    alloc_groups(m->alloc, &n_groups);
    const size_t ndc = m->cap_datacenters + 1, nm = s->n_failures;
    fs->n_modes = nm;
    fs->free_repair = -1;
    fs->r0 = calloc(s->n_gpus + 1, sizeof *fs->r0);
    fs->r1 = calloc(s->n_gpus + 1, sizeof *fs->r1);
    fs->gpu_rng = calloc(ndc, sizeof *fs->gpu_rng);
    fs->mode_rng = calloc((nm + 1) * ndc, sizeof *fs->mode_rng);
    fs->unit_h = calloc((nm + 1) * ndc, sizeof *fs->unit_h);
    fs->unit_e = calloc((nm + 1) * ndc, sizeof *fs->unit_e);
    fs->roll_at = calloc((nm + 1) * ndc, sizeof *fs->roll_at);
    fs->mode_online = calloc((nm + 1) * ndc, sizeof *fs->mode_online);
    fs->repair_dist = calloc(nm + 1, sizeof *fs->repair_dist);
    fs->group_touched = malloc(n_groups + 1);
    if (fs->group_touched)
        memset(fs->group_touched, 1, n_groups + 1);
    fs->batch = calloc(FAIL_BATCH, sizeof *fs->batch);
    fs->running = calloc(s->n_providers + 1, sizeof *fs->running);
    fs->online_by = calloc(ndc * (s->n_gpus + 1), sizeof *fs->online_by);
    fs->dc_clock = calloc(ndc, sizeof *fs->dc_clock);
    fs->full_draw_w = calloc(ndc, sizeof *fs->full_draw_w);
    fs->curtailed = calloc(s->n_curtailments + 1, sizeof *fs->curtailed);
    fs->gang = calloc(s->n_workloads + 1, sizeof *fs->gang);
    fs->gpu_failures = calloc(ndc, sizeof *fs->gpu_failures);
    fs->node_failures = calloc(ndc, sizeof *fs->node_failures);
    fs->site_failures = calloc(ndc, sizeof *fs->site_failures);
    fs->planned_drains = calloc(ndc, sizeof *fs->planned_drains);
    fs->tick_failed = calloc(ndc, sizeof *fs->tick_failed);
    fs->outage_end = calloc(ndc, sizeof *fs->outage_end);
    void *owned[N_OWNED];
    owned_arrays(fs, owned);
    for (size_t i = 0; i < N_AT_CREATE; i++)
        if (!owned[i])
            return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    for (size_t d = 0; d < ndc; d++)
        fs->dc_clock[d] = 1.0f;
    for (size_t k = 0; k < nm; k++) {
        const spec_failure *f = &s->failures[k];
        if (!(fs->repair_dist[k] = jobdist_create(&f->repair_h)))
            return capsim_fail(CAPSIM_ERR_NO_MEMORY);
        if (f->scope != SPEC_SCOPE_GPU)
            continue;
        for (size_t g = 0; g < s->n_gpus; g++) {
            if (!applies(f, (int)g))
                continue;
            fs->r0[g] += f->rate_per_unit_s;
            fs->r1[g] += f->rate_per_unit_s * f->load_factor;
        }
    }
    for (size_t w = 0; w < s->n_workloads; w++)
        fs->gang[w] = (gang_ctx){m, w};
    return CAPSIM_OK;
}

void failures__destroy(market *m)
{
    failures_state *fs = m->fail;
    if (!fs)
        return;
    const size_t ndc = m->cap_datacenters + 1;
    if (fs->gpu_rng)
        for (size_t d = 0; d < ndc; d++)
            gsl_rng_free(fs->gpu_rng[d]);
    if (fs->mode_rng)
        for (size_t i = 0; i < (fs->n_modes + 1) * ndc; i++)
            gsl_rng_free(fs->mode_rng[i]);
    if (fs->repair_dist)
        for (size_t k = 0; k < fs->n_modes; k++)
            jobdist_destroy(fs->repair_dist[k]);
    for (size_t i = 0; i < fs->n_repairs; i++)
        free(fs->repairs[i].heap);
    void *owned[N_OWNED];
    owned_arrays(fs, owned);
    for (size_t i = 0; i < N_OWNED; i++)
        free(owned[i]);
    free(fs);
    m->fail = NULL;
}

/* ---- thresholds ---- */

static double exp1(gsl_rng *r)
{
    return gsl_ran_exponential(r, 1.0);
}

/* The remaining hazard (in the clock's units: the base hazard the GPU will
 * accumulate before it fails) of a GPU of type `gpu` that has accumulated
 * `exposure` since it was new: one Exp(1) draw E from r, mapped through the
 * type's ageing. With Weibull shape k, a new GPU's cumulative hazard at
 * exposure x is (c x)^k with c = Gamma(1 + 1/k), so that its mean exposure
 * to failure is 1 (the modes' rates stay the mean rates); the GPU fails
 * where (c x)^k reaches (c x0)^k + E, which leaves
 * ((c x0)^k + E)^(1/k) / c - x0. k = 1 is E itself (memoryless). */
static double draw_remaining(const market *m, gsl_rng *r, int gpu, double exposure)
{
    const double e = exp1(r), k = m->spec->gpus[gpu].weibull_shape;
    if (k == 1.0)
        return e;
    const double c = tgamma(1.0 + 1.0 / k);
    const double x0 = exposure > 0.0 ? exposure : 0.0;
    return pow(pow(c * x0, k) + e, 1.0 / k) / c - x0;
}

/* Thresholds for the count GPUs from fleet index first, of a type with
 * GPU-scope modes, each `age_s` old (at full load) when armed; INFINITY
 * otherwise (never fails). */
static capsim_status arm_range(market *m, size_t dc, int gpu, size_t first, size_t count,
                               double age_s)
{
    fleet *f = m->fleet;
    if (!(m->fail->r0[gpu] > 0.0))
        return CAPSIM_OK;   /* thresholds stay INFINITY */
    gsl_rng *r = gpu_stream(m, dc);
    if (!r)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    const double exposure = (m->fail->r0[gpu] + m->fail->r1[gpu]) * age_s;
    for (size_t i = first; i < first + count; i++)   /* state is left as it is */
        fleet_set_remaining(f, i, draw_remaining(m, r, gpu, exposure));
    return CAPSIM_OK;
}

int failures__group_touched(const market *m, size_t g)
{
    return m->fail->group_touched[g];
}

void failures__clear_touched(market *m)
{
    size_t n;
    alloc_groups(m->alloc, &n);
    memset(m->fail->group_touched, 0, n);
}

capsim_status failures__phase_online(market *m, size_t phase)
{
    const spec_phase *p = &m->phases[phase];
    if (p->datacenter < 0)
        return CAPSIM_OK;
    m->fail->group_touched[alloc_group_of(m->alloc, alloc_phase_first_gpu(m->alloc, phase))] = 1;
    /* a phase online before the start has aged since its online date */
    const double age_s = p->online < 0 ? -(double)p->online : 0.0;
    return arm_range(m, (size_t)p->datacenter, p->gpu, alloc_phase_first_gpu(m->alloc, phase),
                     (size_t)p->count, age_s);
}

capsim_status failures__arm_initial(market *m)
{
    const uint8_t *online = alloc_phase_online(m->alloc);
    for (size_t ph = 0; ph < m->n_phases; ph++) {
        if (!online[ph])
            continue;
        const capsim_status st = failures__phase_online(m, ph);
        if (st != CAPSIM_OK)
            return st;
    }
    return CAPSIM_OK;
}

float failures__hazard(const market *m, int gpu, float load, double dt_s)
{
    const failures_state *fs = m->fail;
    return (float)((fs->r0[gpu] + fs->r1[gpu] * (double)load) * dt_s);
}

/* ---- repairs ---- */

/* A repair time of mode k in DC dc, hours: one draw from its stream. Sets
 * *ok to 0 when out of memory. */
static double draw_repair_h(market *m, size_t k, size_t dc, int *ok)
{
    gsl_rng *r = mode_stream(m, k, dc);
    *ok = r != NULL;
    return r ? jobdist_draw(m->fail->repair_dist[k], r) : 0.0;
}

/* The time of a repair `hours` after t: at least a second later. */
static int64_t repair_time(double hours, int64_t t)
{
    const double h = hours > 0.0 ? hours : 0.0;
    const int64_t span = (int64_t)llround(h * UNITS_SECONDS_PER_HOUR_REAL);
    return t + (span < 1 ? 1 : span);
}

/* The words of repair r's down set. */
static uint64_t *repair_down(repair *r)
{
    return r->heap ? r->heap : r->inline_down;
}

/* A new repair of group g's GPUs [lo, hi) that renews GPU `renew` (SIZE_MAX:
 * none), with an empty down set: its index, or -1 when out of memory. */
static int new_repair(market *m, int g, size_t lo, size_t hi, size_t renew)
{
    failures_state *fs = m->fail;
    const size_t words = (hi - lo + 63) / 64;
    uint64_t *heap = NULL;
    if (words > REPAIR_INLINE_WORDS && !(heap = calloc(words, sizeof *heap)))
        return -1;
    int idx = fs->free_repair;
    if (idx >= 0) {
        fs->free_repair = fs->repairs[idx].next_free;
    } else {
        if (grow_reserve((void **)&fs->repairs, &fs->cap_repairs, fs->n_repairs + 1, 64,
                         sizeof *fs->repairs) != 0) {
            free(heap);
            return -1;
        }
        idx = (int)fs->n_repairs++;
    }
    fs->repairs[idx] = (repair){.group = g, .lo = lo, .hi = hi, .renew = renew, .heap = heap,
                                .next_free = -1};
    return idx;
}

static void free_repair(failures_state *fs, int idx)
{
    repair *r = &fs->repairs[idx];
    free(r->heap);
    r->heap = NULL;
    r->next_free = fs->free_repair;
    fs->free_repair = idx;
}

/* Takes down the healthy GPUs of repair idx's range in state `to`, and
 * records them in its down set: the GPUs its repair brings back. Returns
 * how many went down. */
static int64_t take_down(market *m, int idx, uint8_t to)
{
    repair *r = &m->fail->repairs[idx];
    uint64_t *down = repair_down(r);
    const uint8_t *state = m->fleet->state;
    for (size_t i = r->lo; i < r->hi; i++)
        down[(i - r->lo) / 64] |= (uint64_t)(state[i] == FLEET_HEALTHY) << ((i - r->lo) % 64);
    return (int64_t)fleet_take_down_range(m->fleet, r->lo, r->hi, to);
}

/* Schedules repair idx `hours` after t; a repair with nothing to bring back
 * (or after the horizon) is dropped. Returns 0, CAPSIM_ERR_NO_MEMORY or
 * CAPSIM_ERR_EVENT_QUEUE. */
static capsim_status schedule_repair(market *m, int idx, double hours, int64_t t)
{
    failures_state *fs = m->fail;
    const int64_t at = repair_time(hours, t);
    repair *r = &fs->repairs[idx];
    int any = r->renew != SIZE_MAX;
    const uint64_t *down = repair_down(r);
    for (size_t w = 0; w < (r->hi - r->lo + 63) / 64 && !any; w++)
        any = down[w] != 0;
    if (!any || at >= m->spec->end) {
        free_repair(fs, idx);   /* nothing to do, or not before the horizon */
        return CAPSIM_OK;
    }
    if (engine_schedule(m->engine, at, MARKET_EV_REPAIR, idx, NULL) == EVQ_NO_HANDLE)
        return capsim_fail(CAPSIM_ERR_EVENT_QUEUE);
    return CAPSIM_OK;
}

/* A repair event: the GPU that failed by its own hazard comes back as new
 * (a new threshold), the others it took down with the hazard they had left
 * (a node, rack or site failure, or a drain, neither aged nor renewed
 * them). While the repair's site is down (a datacenter failure until
 * outage_end), nothing there can come back: the repair waits for the
 * site's own repair, then runs. */
static int on_repair(engine *e, const evq_event *ev, void *ctx)
{
    market *m = ctx;
    failures_state *fs = m->fail;
    repair *r = &fs->repairs[ev->arg];
    const alloc_group *gr = &alloc_groups(m->alloc, NULL)[r->group];
    if (ev->time < fs->outage_end[gr->datacenter]) {
        if (engine_schedule(e, fs->outage_end[gr->datacenter], MARKET_EV_REPAIR, ev->arg, NULL) ==
            EVQ_NO_HANDLE)
            return capsim_fail(CAPSIM_ERR_EVENT_QUEUE);
        return 0;
    }
    fs->group_touched[r->group] = 1;
    fleet *f = m->fleet;
    if (r->renew != SIZE_MAX) {
        assert(f->state[r->renew] == FLEET_FAILED);
        gsl_rng *rng = gpu_stream(m, (size_t)gr->datacenter);
        if (!rng)
            return capsim_fail(CAPSIM_ERR_NO_MEMORY);
        fleet_renew(f, r->renew, draw_remaining(m, rng, gr->gpu, 0.0));
    }
    const uint64_t *down = repair_down(r);
    for (size_t w = 0; w < (r->hi - r->lo + 63) / 64; w++) {
        /* each run of set bits: GPUs side by side, a node's mates */
        for (uint64_t x = down[w]; x != 0;) {
            const unsigned from = (unsigned)__builtin_ctzll(x);
            const uint64_t rest = ~(x >> from);   /* its lowest set bit ends the run */
            const unsigned len = rest == 0 ? 64 - from : (unsigned)__builtin_ctzll(rest);
            const size_t at = r->lo + 64 * w + from;
            fleet_bring_up_range(f, at, at + len);
            x = from + len >= 64 ? 0 : x & ~((1ULL << (from + len)) - 1);
        }
    }
    free_repair(fs, ev->arg);
    market__allocation_changed(m);
    return 0;
}

void failures__attach(market *m, engine *e)
{
    engine_on(e, MARKET_EV_REPAIR, on_repair, m);
}

/* ---- layout: leaf offsets and gang speed ---- */

/* Per (node, rack or datacenter mode, DC): the GPUs online of the mode's
 * types, which change only at rebuilds. */
static void count_mode_units(market *m)
{
    const spec *s = m->spec;
    failures_state *fs = m->fail;
    size_t n_groups;
    const alloc_group *groups = alloc_groups(m->alloc, &n_groups);
    const size_t n_types = s->n_gpus;
    int64_t *online_by = fs->online_by;     /* per (DC, type) */
    memset(online_by, 0, m->n_datacenters * n_types * sizeof *online_by);
    for (size_t g = 0; g < n_groups; g++)
        if (groups[g].datacenter >= 0)
            online_by[(size_t)groups[g].datacenter * n_types + (size_t)groups[g].gpu] +=
                (int64_t)(groups[g].online_hi - groups[g].lo);
    for (size_t k = 0; k < s->n_failures; k++) {
        const spec_failure *f = &s->failures[k];
        if (f->scope == SPEC_SCOPE_GPU)
            continue;
        for (size_t d = 0; d < m->n_datacenters; d++) {
            int64_t online = 0;
            for (size_t type = 0; type < n_types; type++)
                if (applies(f, (int)type))
                    online += online_by[d * n_types + type];
            fs->mode_online[mode_cell(m, k, d)] = online;
        }
    }
}

capsim_status failures__after_rebuild(market *m)
{
    failures_state *fs = m->fail;
    size_t n_groups, n_leaves;
    alloc_groups(m->alloc, &n_groups);
    const alloc_leaf *leaves = alloc_leaves(m->alloc, &n_leaves);
    for (size_t d = 0; d < m->n_datacenters; d++)
        fs->full_draw_w[d] = 0.0;
    const uint8_t *online = alloc_phase_online(m->alloc);
    for (size_t ph = 0; ph < m->n_phases; ph++) {
        const spec_phase *p = &m->phases[ph];
        if (p->datacenter >= 0 && online[ph])
            fs->full_draw_w[p->datacenter] +=
                (double)p->count * spec_gpu_system_w(&m->spec->gpus[p->gpu]);
    }
    if (n_leaves + 1 > fs->cap_leaves) {
        const size_t cap = grow_capacity(fs->cap_leaves, n_leaves + 1, 64);
        if (cap == 0 || grow_resize((void **)&fs->leaf_offset, cap, sizeof *fs->leaf_offset) != 0)
            return capsim_fail(CAPSIM_ERR_NO_MEMORY);
        fs->cap_leaves = cap;
    }
    /* the fleet's clock ranges: the kernel segments */
    size_t n_segments;
    const alloc_segment *segs = alloc_segments(m->alloc, &n_segments);
    if (grow_reserve((void **)&fs->range_bounds, &fs->cap_range_bounds, 2 * n_segments + 1, 64,
                     sizeof *fs->range_bounds) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    for (size_t i = 0; i < n_segments; i++) {
        fs->range_bounds[2 * i] = segs[i].lo;
        fs->range_bounds[2 * i + 1] = segs[i].hi;
    }
    if (fleet_set_ranges(m->fleet, fs->range_bounds, 2 * n_segments) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    count_mode_units(m);
    int64_t *running = fs->running;
    for (size_t g = 0; g < n_groups; g++) {
        for (size_t p = 0; p < m->spec->n_providers; p++)
            running[p] = 0;
        size_t first, end;
        alloc_group_leaves(m->alloc, g, &first, &end);
        for (size_t k = first; k < end; k++) {
            fs->leaf_offset[k] = running[leaves[k].user];
            running[leaves[k].user] += leaves[k].gpus;
        }
    }
    return CAPSIM_OK;
}

/* Training workload w's share of its tenant's GPUs in group g: its k-th
 * slot of `cap` GPUs (market_training.c's split). */
static void workload_slot(const market *m, size_t w, size_t g, int64_t *base, int64_t *cap)
{
    const spec *s = m->spec;
    const int p = s->workloads[w].tenant;
    size_t k = 0;
    for (size_t v = 0; v < w; v++)
        k += m->jobs[v] && s->workloads[v].tenant == p;
    const int64_t split = (int64_t)m->provider_n_training[p];
    const int64_t own = m->own_gpus[(size_t)p * m->n_groups + g];
    *cap = own / SPEC_GPUS_PER_NODE / split * SPEC_GPUS_PER_NODE;
    *base = (int64_t)k * *cap;
}

/* The slowest perf over [offset, offset + gpus) of workload w's GPUs in
 * group g: the served GPUs of its tenant's leaves there, in leaf order
 * (alloc_served_select finds them among the GPUs that are down), of
 * those still healthy. */
static double gang_speed(void *ctx, size_t g, int64_t offset, int64_t gpus)
{
    const gang_ctx *gc = ctx;
    const market *m = gc->m;
    const failures_state *fs = m->fail;
    const alloc_leaf *leaves = alloc_leaves(m->alloc, NULL);
    const int p = m->spec->workloads[gc->workload].tenant;
    int64_t base, cap;
    workload_slot(m, gc->workload, g, &base, &cap);
    const int64_t lo = base + offset, hi = lo + gpus;
    float slowest = 1.0f;
    size_t first, end;
    alloc_group_leaves(m->alloc, g, &first, &end);
    for (size_t k = first; k < end; k++) {
        const alloc_leaf *leaf = &leaves[k];
        if (leaf->user != p)
            continue;
        const int64_t a = fs->leaf_offset[k], b = a + leaf->gpus;
        const int64_t from = lo > a ? lo : a, to = hi < b ? hi : b;
        if (from >= to)
            continue;
        const int64_t rank = alloc_served_rank(m->alloc, g, leaf->lo);
        const size_t x = alloc_served_select(m->alloc, g, rank + (from - a));
        const size_t y = alloc_served_select(m->alloc, g, rank + (to - a) - 1) + 1;
        const float v = fleet_min_perf(m->fleet, x, y);
        slowest = v < slowest ? v : slowest;
    }
    return (double)slowest;
}

void failures__gang_speed(market *m, size_t w, jobs_gang_speed *fn, void **ctx)
{
    *fn = gang_speed;
    *ctx = &m->fail->gang[w];
}

/* Interrupts the jobs of the tenant of `leaf` that hold GPUs [lo, hi) of the
 * leaf's range (fleet indices): the served ones, at their offsets among
 * the tenant's GPUs in the group. */
static void interrupt_jobs(market *m, size_t leaf_index, size_t lo, size_t hi, int hardware)
{
    const spec *s = m->spec;
    const failures_state *fs = m->fail;
    const alloc_leaf *leaf = &alloc_leaves(m->alloc, NULL)[leaf_index];
    if (m->provider_n_training[leaf->user] == 0)
        return;
    const size_t g = (size_t)leaf->group;
    const int64_t first = alloc_served_rank(m->alloc, g, leaf->lo);
    const int64_t at = fs->leaf_offset[leaf_index] + alloc_served_rank(m->alloc, g, lo) - first;
    const int64_t to = fs->leaf_offset[leaf_index] + alloc_served_rank(m->alloc, g, hi) - first;
    for (size_t w = 0; w < s->n_workloads; w++) {
        if (!m->jobs[w] || s->workloads[w].tenant != leaf->user)
            continue;
        int64_t base, cap;
        workload_slot(m, w, g, &base, &cap);
        const int64_t a = at > base ? at : base, b = to < base + cap ? to : base + cap;
        if (a >= b)
            continue;
        const int64_t range[2] = {a - base, b - base};
        jobs_interrupt(m->jobs[w], g, range, 1, to - at, hardware);
    }
}

/* Interrupts the jobs on the served GPUs of [lo, hi) of one group, leaf by
 * leaf; call it before taking them down. */
static void interrupt_range(market *m, size_t lo, size_t hi, int hardware)
{
    const alloc_leaf *leaves = alloc_leaves(m->alloc, NULL);
    for (size_t i = lo; i < hi;) {
        const int leaf = alloc_leaf_of(m->alloc, m->fleet, i);
        if (leaf < 0) {
            i++;
            continue;
        }
        const size_t end = leaves[leaf].hi < hi ? leaves[leaf].hi : hi;
        interrupt_jobs(m, (size_t)leaf, i, end, hardware);
        i = end;
    }
}

/* ---- GPU-scope failures from the pass ---- */

/* The GPU-scope mode of a failure of a `gpu` GPU at `load`, drawn in
 * proportion to the modes' rates there. */
static size_t draw_mode(market *m, size_t dc, int gpu, float load)
{
    const spec *s = m->spec;
    const double total = m->fail->r0[gpu] + m->fail->r1[gpu] * (double)load;
    const double u = gsl_rng_uniform(gpu_stream(m, dc)) * total;
    double acc = 0.0;
    size_t last = 0;
    for (size_t k = 0; k < s->n_failures; k++) {
        const spec_failure *f = &s->failures[k];
        if (f->scope != SPEC_SCOPE_GPU || !applies(f, gpu))
            continue;
        acc += f->rate_per_unit_s * (1.0 + f->load_factor * (double)load);
        last = k;
        if (u < acc)
            return k;
    }
    return last;
}

capsim_status failures__take(market *m, const alloc_segment *seg, size_t group, float load,
                             int64_t t)
{
    const spec *s = m->spec;
    failures_state *fs = m->fail;
    const alloc_group *gr = &alloc_groups(m->alloc, NULL)[group];
    const size_t dc = (size_t)seg->datacenter;
    fs->group_touched[group] = 1;
    size_t from = seg->lo;
    for (;;) {
        const size_t got = fleet_take_failures(m->fleet, from, seg->hi, fs->batch, FAIL_BATCH);
        for (size_t b = 0; b < got; b++) {
            const size_t i = fs->batch[b];
            const size_t k = draw_mode(m, dc, seg->gpu, load);
            const spec_failure *f = &s->failures[k];
            size_t node_lo = i, node_hi = i + 1;   /* the GPU, or its whole node */
            if (f->drains_node) {
                node_lo = gr->lo + (i - gr->lo) / SPEC_GPUS_PER_NODE * SPEC_GPUS_PER_NODE;
                node_hi = node_lo + SPEC_GPUS_PER_NODE;
                if (node_hi > gr->online_hi)
                    node_hi = gr->online_hi;
            }
            fs->gpu_failures[dc]++;
            fs->tick_failed[dc]++;
            interrupt_range(m, node_lo, node_hi, f->hardware);
            int ok;
            const double hours = draw_repair_h(m, k, dc, &ok);
            const int idx = ok ? new_repair(m, (int)group, node_lo, node_hi, i) : -1;
            if (idx < 0)
                return capsim_fail(CAPSIM_ERR_NO_MEMORY);
            if (f->drains_node)
                take_down(m, idx, FLEET_MAINTENANCE);   /* the node-mates */
            const capsim_status st = schedule_repair(m, idx, hours, t);
            if (st != CAPSIM_OK)
                return st;
        }
        if (got < FAIL_BATCH)
            break;
        from = fs->batch[FAIL_BATCH - 1] + 1;
    }
    market__allocation_changed(m);
    return CAPSIM_OK;
}

/* ---- node, rack and datacenter failures ---- */

/* One unit failure of mode k in DC dc at t: the unit of a uniformly drawn
 * online GPU of the mode's type, or the whole site. */
static int unit_failure(market *m, size_t k, size_t dc, int64_t online, int64_t t)
{
    const spec *s = m->spec;
    failures_state *fs = m->fail;
    const spec_failure *f = &s->failures[k];
    size_t n_groups;
    const alloc_group *groups = alloc_groups(m->alloc, &n_groups);
    gsl_rng *r = mode_stream(m, k, dc);
    if (!r)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    int64_t pick = -1;          /* a datacenter mode takes the whole site */
    if (f->scope != SPEC_SCOPE_DATACENTER)
        pick = (int64_t)gsl_rng_uniform_int(r, (unsigned long)online);
    int ok;
    const double hours = draw_repair_h(m, k, dc, &ok);   /* one repair for the whole unit */
    if (!ok)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    const int64_t back = repair_time(hours, t);
    if (f->scope == SPEC_SCOPE_DATACENTER && !f->planned && back > fs->outage_end[dc])
        fs->outage_end[dc] = back;
    for (size_t g = 0; g < n_groups; g++) {
        const alloc_group *gr = &groups[g];
        if (gr->datacenter != (int)dc || !applies(f, gr->gpu))
            continue;
        const int64_t size = (int64_t)(gr->online_hi - gr->lo);
        size_t lo = gr->lo, hi = gr->online_hi;
        if (pick >= 0) {
            if (pick >= size) {
                pick -= size;
                continue;
            }
            const int64_t unit = spec_failure_scope_gpus(f->scope);
            lo = gr->lo + (size_t)(pick / unit * unit);
            hi = lo + (size_t)unit < gr->online_hi ? lo + (size_t)unit : gr->online_hi;
        }
        if (!f->planned)
            interrupt_range(m, lo, hi, f->hardware);
        const int idx = new_repair(m, (int)g, lo, hi, SIZE_MAX);
        if (idx < 0)
            return capsim_fail(CAPSIM_ERR_NO_MEMORY);
        const int64_t down = take_down(m, idx, f->planned ? FLEET_MAINTENANCE : FLEET_FAILED);
        if (!f->planned)
            fs->tick_failed[dc] += down;
        fs->group_touched[g] = 1;
        const capsim_status st = schedule_repair(m, idx, hours, t);
        if (st != CAPSIM_OK)
            return st;
        if (pick >= 0)
            break;
    }
    if (f->planned) {
        fs->planned_drains[dc]++;
    } else if (f->scope == SPEC_SCOPE_DATACENTER) {
        fs->site_failures[dc]++;
        snprintf(m->message, sizeof m->message, "%s: %s down (%s failure)",
                 m->datacenters[dc].name, m->datacenters[dc].name, f->name);
        const int rc = market__notify(m, t, "datacenter_failure", m->datacenters[dc].name);
        if (rc != 0)
            return rc;
    } else {
        fs->node_failures[dc]++;
    }
    market__allocation_changed(m);
    return CAPSIM_OK;
}

/* ---- planned maintenance: the rolling drain ---- */

/* Whether mode k drains by rolling: planned, and of nodes or racks. */
static int rolls(const spec_failure *f)
{
    return f->planned && (f->scope == SPEC_SCOPE_NODE || f->scope == SPEC_SCOPE_RACK);
}

/* Drains the next `units` units of planned mode k in DC dc at t: the GPUs
 * from the roll's offset on, among the DC's online GPUs of the mode's types
 * in fleet order, wrapping at the end (at most each once a tick). Each run
 * within one group is one batch: one repair time, one repair event, back
 * together. */
static int roll_drain(market *m, size_t k, size_t dc, int64_t online, int64_t units, int64_t t)
{
    const spec_failure *f = &m->spec->failures[k];
    failures_state *fs = m->fail;
    const size_t c = mode_cell(m, k, dc);
    size_t n_groups;
    const alloc_group *groups = alloc_groups(m->alloc, &n_groups);
    const int64_t per_unit = spec_failure_scope_gpus(f->scope);
    int64_t left = units > online / per_unit ? online : units * per_unit;
    while (left > 0) {
        if (fs->roll_at[c] >= online)
            fs->roll_at[c] = 0;   /* the roll starts over */
        int64_t off = fs->roll_at[c];
        size_t g = 0;
        for (; g < n_groups; g++) {
            const alloc_group *gr = &groups[g];
            if (gr->datacenter != (int)dc || !applies(f, gr->gpu))
                continue;
            if (off < (int64_t)(gr->online_hi - gr->lo))
                break;
            off -= (int64_t)(gr->online_hi - gr->lo);
        }
        assert(g < n_groups && "the offset lies in the DC's online GPUs");
        const alloc_group *gr = &groups[g];
        const int64_t room = (int64_t)(gr->online_hi - gr->lo) - off;
        const int64_t take = left < room ? left : room;
        const size_t lo = gr->lo + (size_t)off, hi = lo + (size_t)take;
        int ok;
        const double hours = draw_repair_h(m, k, dc, &ok);
        const int idx = ok ? new_repair(m, (int)g, lo, hi, SIZE_MAX) : -1;
        if (idx < 0)
            return capsim_fail(CAPSIM_ERR_NO_MEMORY);
        take_down(m, idx, FLEET_MAINTENANCE);
        fs->group_touched[g] = 1;
        const capsim_status st = schedule_repair(m, idx, hours, t);
        if (st != CAPSIM_OK)
            return st;
        fs->roll_at[c] += take;
        left -= take;
    }
    fs->planned_drains[dc] += units;
    market__allocation_changed(m);
    return CAPSIM_OK;
}

int failures__tick(market *m, int64_t t, double dt_s)
{
    const spec *s = m->spec;
    failures_state *fs = m->fail;
    memset(fs->tick_failed, 0, (m->cap_datacenters + 1) * sizeof *fs->tick_failed);
    /* curtailments in force */
    for (size_t c = 0; c < s->n_curtailments; c++) {
        const spec_curtailment *cu = &s->curtailments[c];
        const uint8_t now = cu->start <= t && t < cu->end;
        if (now == fs->curtailed[c])
            continue;
        fs->curtailed[c] = now;
        snprintf(m->message, sizeof m->message, now ? "%s: %s power cap lowered to %g MW"
                                                    : "%s: %s power cap restored",
                 cu->name, m->datacenters[cu->datacenter].name, cu->mw);
        const int rc = market__notify(m, t, now ? "curtailment_start" : "curtailment_end",
                                      cu->name);
        if (rc != 0)
            return rc;
    }
    if (s->n_failures == 0)
        return 0;
    for (size_t k = 0; k < s->n_failures; k++) {
        const spec_failure *f = &s->failures[k];
        if (f->scope == SPEC_SCOPE_GPU)
            continue;
        for (size_t d = 0; d < m->n_datacenters; d++) {
            const int64_t online = fs->mode_online[mode_cell(m, k, d)];
            if (online <= 0)
                continue;
            const int64_t unit = spec_failure_scope_gpus(f->scope);
            const double units = unit > 0 ? (double)online / (double)unit : 1.0;
            const size_t c = mode_cell(m, k, d);
            if (rolls(f)) {   /* units due at the mode's rate, one after another */
                if (fs->unit_e[c] == 0.0)
                    fs->unit_e[c] = 1.0;
                fs->unit_h[c] += f->rate_per_unit_s * units * dt_s;
                if (fs->unit_h[c] < fs->unit_e[c])
                    continue;
                const double due = floor(fs->unit_h[c] - fs->unit_e[c]) + 1.0;
                fs->unit_e[c] += due;
                const int rc = roll_drain(m, k, d, online, (int64_t)due, t);
                if (rc != 0)
                    return rc;
                continue;
            }
            if (fs->unit_e[c] == 0.0) {
                gsl_rng *r = mode_stream(m, k, d);
                if (!r)
                    return capsim_fail(CAPSIM_ERR_NO_MEMORY);
                fs->unit_e[c] = gsl_ran_exponential(r, 1.0);
            }
            fs->unit_h[c] += f->rate_per_unit_s * units * dt_s;
            while (fs->unit_h[c] >= fs->unit_e[c]) {
                const int rc = unit_failure(m, k, d, online, t);
                if (rc != 0)
                    return rc;
                fs->unit_e[c] += gsl_ran_exponential(mode_stream(m, k, d), 1.0);
            }
        }
    }
    return 0;
}

/* ---- power caps ---- */

/* DC d's IT power cap now, W. */
static double cap_w(const market *m, size_t d)
{
    const spec *s = m->spec;
    double mw = m->datacenters[d].power_mw;
    for (size_t c = 0; c < s->n_curtailments; c++)
        if (m->fail->curtailed[c] && (size_t)s->curtailments[c].datacenter == d &&
            s->curtailments[c].mw < mw)
            mw = s->curtailments[c].mw;
    return mw * WATTS_PER_MW;
}

static float type_clock(const spec_gpu *g, double f)
{
    return (float)(f > g->min_clock ? f : g->min_clock);
}

void failures__throttle(market *m)
{
    const spec *s = m->spec;
    failures_state *fs = m->fail;
    size_t n_segments;
    const alloc_segment *segs = alloc_segments(m->alloc, &n_segments);
    const alloc_leaf *leaves = alloc_leaves(m->alloc, NULL);
    for (size_t d = 0; d < m->n_datacenters; d++)
        fs->dc_clock[d] = 1.0f;
    /* the draw at full clock; then bisect the DCs over their cap */
    for (size_t d = 0; d < m->n_datacenters; d++) {
        const double cap = cap_w(m, d);
        if (cap >= m->fail->full_draw_w[d])
            continue;   /* cannot be over its cap even with every GPU at full load */
        double base = m->dc_sums[d].power_w, dyn_full = 0.0;   /* host power, added first */
        for (size_t i = 0; i < n_segments; i++) {
            const alloc_segment *g = &segs[i];
            if ((size_t)g->datacenter != d || g->leaf < 0)
                continue;
            const spec_gpu *type = &s->gpus[g->gpu];
            const double n = (double)leaves[g->leaf].gpus;   /* its served GPUs draw */
            base += n * type->idle_w;
            dyn_full += n * (type->tdp_w - type->idle_w) * (double)m->leaf_load[g->leaf];
        }
        if (base + dyn_full <= cap)
            continue;
        double lo = 0.0, hi = 1.0;
        for (int step = 0; step < BISECTION_STEPS; step++) {
            const double f = 0.5 * (lo + hi);
            double draw = base;
            for (size_t i = 0; i < n_segments; i++) {
                const alloc_segment *g = &segs[i];
                if ((size_t)g->datacenter != d || g->leaf < 0)
                    continue;
                const spec_gpu *type = &s->gpus[g->gpu];
                draw += (double)leaves[g->leaf].gpus * (type->tdp_w - type->idle_w) *
                        (double)m->leaf_load[g->leaf] *
                        pow((double)type_clock(type, f), type->throttle_power_exponent);
            }
            if (draw <= cap)
                lo = f;
            else
                hi = f;
        }
        float clock = (float)lo;               /* rounded down, so the draw stays within */
        if ((double)clock > lo)
            clock = nextafterf(clock, 0.0f);
        fs->dc_clock[d] = clock;
    }
}

void failures__pass(const market *m, const alloc_segment *g, fleet_pass *pass)
{
    const spec_gpu *type = &m->spec->gpus[g->gpu];
    const float f = m->fail->dc_clock[g->datacenter];
    if (f >= 1.0f) {
        pass->power_scale = 1.0f;
        return;
    }
    const double c = (double)type_clock(type, (double)f);
    pass->power_scale = (float)pow(c, type->throttle_power_exponent);
}

double failures__capacity_scale(const market *m, int dc, int gpu)
{
    const float f = m->fail->dc_clock[dc];   /* the last tick's: the throttle runs later */
    if (f >= 1.0f)
        return 1.0;
    const spec_gpu *type = &m->spec->gpus[gpu];
    return pow((double)type_clock(type, (double)f), type->throttle_perf_exponent);
}

int64_t failures__tick_failed(const market *m, size_t dc)
{
    return m->fail->tick_failed[dc];
}

/* ---- metrics ---- */

size_t failures__metrics(const market *m, market_metric *out, size_t n, size_t cap)
{
    const spec *s = m->spec;
    const failures_state *fs = m->fail;
    int scope[4] = {0}, planned = 0;     /* which counts this scenario can produce */
    for (size_t k = 0; k < s->n_failures; k++) {
        if (s->failures[k].planned)
            planned = 1;
        else
            scope[s->failures[k].scope] = 1;
    }
    for (size_t d = 0; d < m->n_datacenters; d++) {
        const char *name = m->datacenters[d].name;
        if (scope[SPEC_SCOPE_GPU])
            n = market__put_metric(out, n, cap, "gpu_failures", name,
                                   (double)fs->gpu_failures[d]);
        if (scope[SPEC_SCOPE_NODE] || scope[SPEC_SCOPE_RACK])
            n = market__put_metric(out, n, cap, "node_failures", name,
                                   (double)fs->node_failures[d]);
        if (scope[SPEC_SCOPE_DATACENTER])
            n = market__put_metric(out, n, cap, "datacenter_failures", name,
                                   (double)fs->site_failures[d]);
        if (planned)
            n = market__put_metric(out, n, cap, "planned_drains", name,
                                   (double)fs->planned_drains[d]);
    }
    return n;
}
