/*
 * market_internal: the market's state, shared by its .c files and nobody
 * else: market.c (create, events, queries), market_tick.c (the tick path),
 * procure.c (reviews and signing) and buildout.c (new sites). The fields
 * are grouped by the file that writes them; every other file only reads
 * them, or changes them through that file's functions (market__add_contract,
 * market__set_parent, market__allocation_changed, alloc_set_phase_online).
 * Procurement's and build-out's own state is opaque here (procure_state,
 * buildout_state), defined in their .c files.
 *
 * Invariants:
 *   - view mirrors the owned arrays (pointers and counts) after every change;
 *   - every per-contract array is in the contract table, which grows all
 *     of them together; every per-DC array holds cap_datacenters (+1);
 *     growth happens only at events;
 *   - the leaf work arrays hold at least alloc_leaves' count entries after every
 *     rebuild, so the tick path allocates nothing.
 */
#ifndef CAPSIM_MARKET_INTERNAL_H
#define CAPSIM_MARKET_INTERNAL_H

#include "market.h"
#include "alloc.h"
#include "contract_table.h"
#include "demand.h"
#include "entities.h"
#include "position.h"
#include "jobs.h"
#include "../util/units.h"

#define MARKET_RAMP_STEP_SECONDS UNITS_SECONDS_PER_DAY

typedef struct buildout_state buildout_state;   /* buildout.c */
typedef struct procure_state procure_state;     /* market_failures.c: failures, repairs, planned maintenance and power caps. */
/* Allocates the state (after the fleet and alloc exist). Returns 0 or
 * CAPSIM_ERR_NO_MEMORY. */
capsim_status failures__create(market *m);
void failures__destroy(market *m);               /* safe on a partial market */
/* Thresholds for every phase online at the start. */
capsim_status failures__arm_initial(market *m);
/* Thresholds for phase `phase`'s GPUs as it comes online. */
capsim_status failures__phase_online(market *m, size_t phase);
/* 1 when group g's GPUs failed, were repaired or came online since the
 * last failures__clear_touched (their perf may have moved in the rebuild). */
int failures__group_touched(const market *m, size_t g);
void failures__clear_touched(market *m);
/* Registers the repair handler. */
void failures__attach(market *m, engine *e);
/* After a rebuild: the leaves' layout for interruptions and gang speeds,
 * and each DC's full-load draw. Returns 0 or CAPSIM_ERR_NO_MEMORY. */
capsim_status failures__after_rebuild(market *m);
/* Curtailments starting or ending at t, and the node, rack and datacenter
 * failures of the tick of dt_s seconds. Returns 0, a negative
 * capsim_status, or the observer's code. */
int failures__tick(market *m, int64_t t, double dt_s);
/* The hazard a healthy GPU of type gpu accumulates this tick at load. */
float failures__hazard(const market *m, int gpu, float load, double dt_s);
/* Per DC, before the tick pass: the clock that keeps the draw at this
 * tick's loads within the power cap. Reads each DC's host power from
 * m->dc_sums, which holds only host power at that point. */
void failures__throttle(market *m);
/* The pass's throttle scale for segment g: f^beta on dynamic power (its
 * f^alpha on throughput is failures__capacity_scale's). */
void failures__pass(const market *m, const alloc_segment *g, fleet_pass *pass);
/* The throughput factor inference capacity uses for a GPU type in DC dc
 * (the last tick's throttle). */
double failures__capacity_scale(const market *m, int dc, int gpu);
/* GPUs of DC dc that failed in the current tick (every scope but planned). */
int64_t failures__tick_failed(const market *m, size_t dc);
/* The new failures the pass reported in segment seg (group `group`, at
 * `load`): drains, interruptions, repairs. Returns 0, CAPSIM_ERR_NO_MEMORY
 * or CAPSIM_ERR_EVENT_QUEUE. */
capsim_status failures__take(market *m, const alloc_segment *seg, size_t group, float load,
                             int64_t t);
/* The gang speed oracle of training workload w (jobs.h). */
void failures__gang_speed(market *m, size_t w, jobs_gang_speed *fn, void **ctx);
/* Appends gpu_failures, node_failures (node and rack), datacenter_failures
 * and planned_drains per DC, each only when the scenario has a mode of that
 * kind; returns the new count. */
size_t failures__metrics(const market *m, market_metric *out, size_t n, size_t cap);

/* procure.c */
typedef struct failures_state failures_state;   /* market_failures.c */
typedef struct jobs jobs;                       /* jobs.h */

struct market {
    /* --- market.c: set at create and attach, then read only --- */
    const spec *spec;
    fleet *fleet;
    alloc *alloc;
    demand_curve **curves;            /* per workload */
    size_t *provider_n_workloads;
    engine *engine;
    market_observer obs;

    /* --- market.c: events and their bookkeeping --- */
    entities view;                    /* what alloc and finance read; refreshed by
                                         market__update_view after any array moves */
    contract_table contracts;         /* the spec's, then procured ones, and all
                                         per-contract state; contract_table.h names
                                         the writer of each field (market.c the
                                         entries and inputs, alloc the results,
                                         market_tick.c the tick state) */
    int dirty;                        /* events since the last rebuild; set through
                                         market__allocation_changed, cleared by
                                         the tick */
    int64_t ticks_done;

    /* --- buildout.c: sites, created at create and filled in at decisions --- */
    spec_datacenter *datacenters;     /* the spec's, then built sites */
    size_t n_datacenters, cap_datacenters;
    spec_phase *phases;               /* the spec's, then one per reserved site */
    size_t n_phases;
    buildout_state *build;            /* per spec build-out (buildout.c) */

    /* --- procure.c --- */
    procure_state *procure;           /* its workspace and counters (procure.c) */

    /* --- market_tick.c: the tick path, rewritten every tick --- */
    uint64_t gpu_ticks;
    market_dc_row *dc_rows;           /* cap_datacenters */
    market_provider_row *provider_rows;
    market_workload_row *workload_rows; /* inference rows; market_training.c
                                           writes the training workloads' */
    float *provider_load;             /* load factor of each provider's own use */
    double *provider_capacity_h100;   /* own-use capacity after preemption
                                         (market_training.c takes the jobs' share) */
    double *provider_own_busy;        /* own-use GPU-equivalents in use */
    double *provider_leased_capacity; /* scratch: the sum of its contracts' capacity_h100 */
    fleet_sums *dc_sums;              /* cap_datacenters */
    size_t cap_leaf_work;             /* per leaf, indexed like alloc_leaves */
    float *leaf_load;                 /* kernel load of each leaf */
    int64_t *leaf_preempted;          /* GPUs of the leaf taken back */
    int *leaf_preempt_by;             /* the lessor that took them */
    int *leaf_preempt_hop;            /* the hop of the spot contract */

    /* --- market_training.c --- */
    jobs **jobs;                      /* per workload; NULL for inference */
    size_t n_groups;                  /* the alloc's groups (fixed at create) */
    size_t *provider_n_training;      /* training workloads per tenant */
    double *train_busy;               /* per (provider, group): GPUs busy with jobs */
    int64_t *own_gpus;                /* per (provider, group): own-use GPUs */
    int64_t *capacity_scratch;        /* per group */
    int64_t *train_interruptions;     /* per workload: interruptions at the last row */
    double *train_lost_s;             /* per workload: lost GPU-seconds at the last row */

    /* --- market_failures.c --- */
    failures_state *fail;             /* failure modes, repairs, throttles (market_failures.c) */
    double *leaf_perf_h100;           /* per leaf (market_tick.c, after each rebuild): sum of
                                         perf over its GPUs x infer_speed */
    size_t *leaf_prev_lo, *leaf_prev_hi; /* per leaf: its range at the last rebuild, and */
    int *leaf_prev_group;             /*   group, for reusing leaf_perf_h100 (market_tick.c) */

    /* --- scratch: whoever raises an event formats it here just before
     *     market__notify --- */
    char message[1024];               /* room for four names and any price */
};

/* market.c */
/* Tells the observer about an event; the caller has set m->message. */
int market__notify(market *m, int64_t t, const char *kind, const char *entity);
/* Appends contract k (signed now, at t), growing every per-contract array;
 * active at once when k->start <= t; schedules its start/end. Returns the
 * new index, or a negative capsim_status (CAPSIM_ERR_NO_MEMORY,
 * CAPSIM_ERR_EVENT_QUEUE). */
int market__add_contract(market *m, const spec_contract *k, int64_t t);
/* Committed GPUs of k at time t by the ramp (0 outside [start, end)). */
int64_t market__committed_at(const spec_contract *k, int64_t t);
/* k's effective end: its termination when earlier than its end. */
int64_t market__end_of(const spec_contract *k);
/* Formats t (seconds since start) as "YYYY-MM-DD" into out[11]. */
void market__date(const market *m, int64_t t, char out[11]);
/* Records that contract c (signed now) is the upstream half of the
 * back-to-back sale `parent`. */
void market__set_parent(market *m, size_t c, int parent);
/* Marks the allocation stale: the next tick rebuilds it first. */
void market__allocation_changed(market *m);
/* Writes metric "<metric>.<entity>" = value into out[n] when n < cap;
 * returns n + 1 (the count, whether it fit or not). */
size_t market__put_metric(market_metric *out, size_t n, size_t cap, const char *metric,
                          const char *entity, double value);
/* Refreshes m->view after an owned array grew or moved. */
void market__update_view(market *m);
/* Schedules kind at t for entity i when 0 < t < end. Returns 0 or
 * CAPSIM_ERR_EVENT_QUEUE. */
capsim_status market__schedule(market *m, int64_t t, int32_t kind, size_t i);

/* market_tick.c */
/* One whole tick at t. Returns 0, CAPSIM_ERR_NO_MEMORY or
 * CAPSIM_ERR_EVENT_QUEUE. */
capsim_status market__run_tick(market *m, int64_t t);
/* After a tick at t: "contract_short" / "contract_recovered" events for
 * every contract whose under-delivery started or ended. Returns 0 or the
 * observer's code. */
int market__contract_events(market *m, int64_t t);
/* Appends undelivered_gpu_hours per contract and per lessor to out (up to
 * cap entries, from n); returns the new count. */
size_t market__undelivered_metrics(const market *m, market_metric *out, size_t n, size_t cap);
/* Grows the leaf work arrays to the alloc's leaves. Returns 0 or
 * CAPSIM_ERR_NO_MEMORY. */
int market__reserve_leaf_work(market *m);
/* Rebuilds the allocation, lays out the leaves for failures and gang speeds, grows the leaf work
 * arrays and sums each leaf's perf. Returns 0 or CAPSIM_ERR_NO_MEMORY. */
capsim_status market__rebuild(market *m);

/* market_training.c: training workloads, served by the jobs module. A
 * tenant's own-use GPUs serve its training jobs first (gang-scheduled,
 * whole nodes, set at every allocation change and split evenly between
 * its training workloads); its inference demand is served by what the
 * jobs leave idle. */
/* Creates one jobs object per training workload. Returns 0 or
 * CAPSIM_ERR_NO_MEMORY. */
capsim_status market__training_create(market *m);
void market__training_destroy(market *m);
/* Registers the jobs' event kinds and schedules their first arrivals.
 * Returns 0 or CAPSIM_ERR_EVENT_QUEUE. */
capsim_status market__training_attach(market *m, engine *e);
/* Hands each training workload its capacity after a rebuild. Returns 0 or
 * CAPSIM_ERR_EVENT_QUEUE. */
capsim_status market__training_set_capacity(market *m);
/* Per tick, before inference is served: the busy GPUs of the jobs per
 * (tenant, group), taken off the tenants' inference capacity. */
void market__training_reserve(market *m);
/* Per tick, after inference is served: the training workloads' rows, added
 * to their tenants' provider rows. */
void market__training_rows(market *m, int64_t t, double dt_h);
/* The share of the leaf's GPUs busy with training jobs this tick, 0..1. */
double market__leaf_training_share(const market *m, const alloc_leaf *leaf);

/* procure.c */
/* Allocates procurement's state (its position workspace). Returns 0 or
 * CAPSIM_ERR_NO_MEMORY. */
capsim_status procure__create(market *m);
void procure__destroy(market *m);                /* safe on a partial market */
/* One review of procurement i at t. Returns 0, a negative capsim_status, or
 * the observer's non-zero code. */
int procure__review(market *m, size_t i, int64_t t);
/* Provider p's uncommitted GPUs of type gpu (SPEC_ANY_GPU: any type, by
 * position.h's rule) over [from, to), less what its own inference
 * workloads are forecast to need: the minimum at `from`, at `to` - 1 and at
 * every phase or contract boundary inside. Negative when oversubscribed. */
int64_t procure__uncommitted(market *m, int p, int gpu, int64_t from, int64_t to);

/* buildout.c */
/* Allocates the build-out state and reserves the sites' phases (called by
 * market_create before the fleet is laid out). Returns 0 or
 * CAPSIM_ERR_NO_MEMORY. */
capsim_status buildout__create(market *m);
/* Frees the build-out state and the datacenter and phase arrays. */
void buildout__destroy(market *m);
/* Seller p declined a request for `gpus` for lack of capacity at t. Returns
 * 0, a negative capsim_status, or the observer's code. */
int buildout__on_decline(market *m, int p, int64_t gpus, int64_t t);
/* The low_uncommitted check of build-out i at t. */
int buildout__check(market *m, size_t i, int64_t t);
/* The latest online time of p's decided build-out sites that come online
 * after `after`, or SPEC_NO_TIME when none does. */
int64_t buildout__pending_online(const market *m, int p, int64_t after);
/* GPUs of reserved sites per build-out i (0 when none fit). */
int64_t buildout__site_gpus(const spec *s, const spec_buildout *b);

#endif
