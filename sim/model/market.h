/*
 * market: providers, datacenters, contracts and workloads, built from a
 * spec, and driven by the engine through the handlers it registers.
 *
 * Allocation. Each provider's pool is the healthy GPUs of its own DCs plus
 * what its incoming contracts deliver. Providers are processed in
 * topological order of the lease graph (lessors before lessees; the reader
 * rejects cycles and procurement never signs one). A provider serves its
 * active outgoing contracts in four passes, each in contract order and each
 * contract with whole 8-GPU nodes up to its committed GPUs: reserved and
 * on-demand contracts that name a GPU type (from that type), then reserved
 * and on-demand `any` contracts from what is left, then spot contracts the
 * same way (typed, then `any`). An `any` contract takes the lessor's GPU
 * types in its `allocation` order: oldest_first (the default) the slowest
 * first (train_speed, then infer_speed, then type index), so new generations
 * stay for the contracts that name them; newest_first the reverse. The rest
 * of the pool goes to the provider's own workloads. Allocation changes only at events (a
 * phase online, a contract start, end or ramp step, a signing); a tick
 * changes only each allocation's load factor.
 *
 * Contracts. The market owns a growable copy of the spec's contracts, to
 * which procurement appends the contracts it signs (procure.h); contract
 * indices are stable, the spec's first. Ramps: committed GPUs grow linearly
 * from 0 at start to gpus at start + ramp_seconds, rounded down to whole
 * nodes, in steps: one ramp-step event every max(tick, 1 day) rebuilds the
 * allocation with the committed GPUs at that time. SLA: a tick that delivers
 * fewer than committed x sla_availability earns the lessee a credit of
 * sla_credit_share x the tick's payment. Early termination at `terminate`
 * ends the contract there; the lessee pays the fee (finance.h) in that tick.
 *
 * Spot. A spot contract gets what its lessor has left after its reserved
 * and on-demand contracts (preempted GPUs at allocation: what it could
 * otherwise have had). Every tick, lessors in topological order: when a
 * lessor's own workloads demand more than its own-use capacity, it takes
 * whole nodes back from the leaves under its spot contracts (contract order,
 * leaf order) until the deficit is covered. Those GPUs serve the lessor for
 * the tick: its capacity rises, the user's falls, their utilisation is the
 * lessor's load (the leaf's kernel load is the GPU-weighted mean), and every
 * contract from that leaf up to the spot contract delivers that much less.
 * A leaf is taken back by at most one lessor per tick. contract_tick.
 * preempted = allocation preemption + tick preemption, spot contracts only.
 *
 * Tick (every spec.tick_seconds): 1. advance demand; 2. compute load factors
 * (inference demand is served up to the allocated capacity counting each
 * generation's inference speed, the rest is shortfall); 3. run the fleet
 * kernel over every allocation's GPU range, reducing per DC; 4. accrue
 * finance; 5. call the observer, which reads the row arrays below.
 *
 * Finance per tick of dt hours: a reserved contract pays delivered GPUs x
 * price x dt; an on-demand or spot contract pays used GPU-hours x price. The
 * price is the contract's delivered-weighted price: each delivered GPU at its
 * type's price (price.h), so a reserved `any` contract pays the sum over
 * types of delivered GPUs x that type's price x dt (when a spot lessor takes
 * GPUs back in a tick, the GPUs kept are billed at the same weighted price).
 * Each payment
 * is revenue for the lessor and lease cost for the lessee, so payments net
 * to zero over the market. IT power = the kernel's board power + host_w for
 * every installed GPU (finance.h). Energy cost = IT power x PUE x dt x price,
 * paid by the DC's owner. Depreciation = capex / life, straight line from
 * each phase's online date until the end of its life. Opex = power_mw x
 * opex_per_mw_year per online DC; interest = debt_share x the capex not yet
 * depreciated x interest_rate (finance.h). Margin = revenue - lease cost -
 * energy cost - depreciation - opex - interest.
 *
 * The model does no I/O: the observer callback is how results leave it.
 *
 * Errors. The model fails only for resources: CAPSIM_ERR_NO_MEMORY, or
 * CAPSIM_ERR_EVENT_QUEUE when the engine cannot take an event (codes of
 * util/status.h). Its handlers stop the run with that code, or with the
 * observer's own non-zero code (engine_handler_code tells them apart: the
 * observer's codes should be positive).
 */
#ifndef CAPSIM_MARKET_H
#define CAPSIM_MARKET_H

#include <stddef.h>
#include <stdint.h>
#include "spec.h"
#include "fleet.h"
#include "contract_table.h"
#include "../engine/engine.h"
#include "../util/status.h"

typedef struct market market;

/* Event kinds the market registers with the engine. */
enum market_event_kind {
    MARKET_EV_TICK = 1,
    MARKET_EV_PHASE_ONLINE = 2,     /* arg = phase index */
    MARKET_EV_CONTRACT_START = 3,   /* arg = contract index */
    MARKET_EV_CONTRACT_END = 4,     /* arg = contract index (ends or terminates) */
    MARKET_EV_RAMP_STEP = 5,        /* arg = contract index */
    MARKET_EV_REVIEW = 6,           /* arg = procurement index */
    MARKET_EV_BUILD_CHECK = 7,      /* arg = build-out index (low_uncommitted trigger) */
    /* 8..10: training jobs (market_training.c) */
    MARKET_EV_REPAIR = 11           /* arg = repair record (market_failures.c) */
};

/* Per-tick rows. Levels are GPU counts or means over the tick; flows
 * (energy, money) are totals over the tick. */
typedef struct market_dc_row {
    int64_t installed;        /* GPUs online */
    int64_t healthy;
    int64_t failed;
    int64_t maintenance;
    int64_t allocated;        /* healthy GPUs serving a contract or the owner's workloads */
    double busy;              /* sum of utilisation over the DC's GPUs */
    double mean_utilisation;  /* busy / installed (0 when none installed) */
    double power_mw;          /* facility power: IT power (boards + hosts) x PUE */
    double energy_mwh;        /* power_mw x tick hours */
    int64_t failures;         /* GPUs that failed in this tick (every scope; a site failure
                                 counts all its GPUs), not planned drains */
} market_dc_row;

typedef struct market_provider_row {
    int64_t owned;            /* GPUs installed in its DCs */
    int64_t leased_in;        /* GPUs delivered to it by incoming contracts */
    int64_t leased_out;       /* GPUs it delivers on outgoing contracts */
    int64_t pool;             /* owned healthy + leased_in */
    double used;              /* GPU-equivalents of its pool in use (own workloads + lessees' use) */
    double utilisation;       /* used / pool (0 when pool is 0) */
    double demand_h100;       /* own workloads' demand, H100-equivalent GPUs */
    double capacity_h100;     /* own-use capacity its inference workloads share, H100-eq:
                                 healthy GPUs x perf x infer_speed x throttle, after spot
                                 preemption and less its running training jobs' GPUs */
    double served_h100;
    double shortfall_h100;
    double revenue_usd;       /* this tick */
    double lease_cost_usd;
    double energy_cost_usd;
    double depreciation_usd;
    double opex_usd;          /* datacenter opex of its online DCs */
    double interest_usd;      /* interest on its debt-financed capex */
    double margin_usd;        /* revenue - lease cost - energy - depreciation - opex - interest */
} market_provider_row;

/* market_contract_row: contract_table.h. */

typedef struct market_workload_row {
    double demand_h100;
    double capacity_h100;     /* H100-equivalent capacity allocated to it */
    double served_h100;
    double shortfall_h100;    /* demand - served */
    int64_t jobs_running;     /* training only; 0 for inference */
    int64_t jobs_queued;
    double goodput_h100_hours;/* served x tick hours */
    int64_t interruptions;    /* training: jobs interrupted by failures since the last row */
    double lost_gpu_hours;    /* training: work lost to them (since the last checkpoint, and
                                 the restarts), GPU-hours */
} market_workload_row;

/* How results leave the model. on_tick is called at the end of every tick,
 * after finance; on_event for each notable discrete event, with kind one of
 * "phase_online", "contract_start", "contract_end", "contract_terminated",
 * "contract_signed", "request_declined", "request_partial", "build_started",
 * "contract_short" (the first tick a contract delivers less than committed),
 * "contract_recovered" (the first tick it delivers all again), and the entity's
 * name. Either may be NULL. A non-zero return stops the run. */
typedef struct market_observer {
    int (*on_tick)(const market *m, int64_t tick_index, int64_t t, void *ctx);
    int (*on_event)(const market *m, int64_t t, const char *kind,
                    const char *entity, const char *message, void *ctx);
    void *ctx;
} market_observer;

/* create / destroy */
/* Builds the market from a validated spec (which must outlive it). Lays out
 * the fleet. NULL when out of memory. */
market *market_create(const spec *s);
void market_destroy(market *m);

/* setup */
/* Registers the market's handlers and schedules its initial events: every
 * phase online, every contract start, end and ramp step, every procurement
 * review and build-out check, and the first tick at t = 0.
 * Ticks reschedule themselves while t < spec.end. Returns 0, or
 * CAPSIM_ERR_EVENT_QUEUE when an event cannot be scheduled. */
capsim_status market_attach(market *m, engine *e, const market_observer *obs);

/* An end-of-run metric the rows do not carry, named "<metric>.<entity>". */
typedef struct market_metric {
    char name[SPEC_NAME_MAX + 32];
    double value;
} market_metric;

/* End-of-run metrics of training workloads at time now: jobs arrived,
 * started, completed, lost and preempted; mean and P95 wait (hours); GPU-
 * and H100-hours served; mean jobs queued. Per contract and per lessor:
 * undelivered_gpu_hours (undelivered x tick hours, accumulated at every
 * tick; lessors with no contract are left out). Writes up to cap entries and
 * returns how many there are (call with cap 0 to count). */
size_t market_end_metrics(market *m, int64_t now, market_metric *out, size_t cap);

/* queries */
const spec *market_spec(const market *m);
const fleet *market_fleet(const market *m);
/* The allocation GPU i of the fleet serves since the last rebuild: its
 * leaf's index among the allocator's leaves (alloc_leaf_of), -1 for none. */
int market_allocation_of(const market *m, size_t gpu);
int64_t market_ticks_done(const market *m);
/* Contracts: the spec's, then those signed during the run, in signing
 * order. The pointer is valid until the next event. */
size_t market_n_contracts(const market *m);
const spec_contract *market_contract(const market *m, size_t i);
/* Datacenters: the spec's, then the sites build-out started, in decision order. */
size_t market_n_datacenters(const market *m);
const spec_datacenter *market_datacenter(const market *m, size_t i);
/* Phases: the spec's, then one per reserved build-out site; a site not yet
 * decided has datacenter -1. */
size_t market_n_phases(const market *m);
const spec_phase *market_phase(const market *m, size_t i);
const market_dc_row *market_dc_rows(const market *m);             /* n = market_n_datacenters */
const market_provider_row *market_provider_rows(const market *m); /* n = spec.n_providers */
const market_contract_row *market_contract_rows(const market *m); /* n = market_n_contracts */
const market_workload_row *market_workload_rows(const market *m); /* n = spec.n_workloads */
/* GPU-ticks processed by the fleet kernel so far (for rates). */
uint64_t market_gpu_ticks(const market *m);

#endif
