/*
 * spec: the resolved scenario as plain data. The scenario reader (sim/scenario)
 * fills it from INI files; the market (sim/model) is built from it. It holds
 * no file names that the model must open: CSV series are read by the reader and
 * arrive here as arrays. Entity references are dense indices into the
 * arrays below, already checked by the reader.
 *
 * Times are int64 seconds since the scenario start, the UTC midnight of day
 * start_day (days since 1970-01-01); calendar dates are derived from the two
 * only for output (sim/util/caltime.h).
 * Every array is owned by the spec and freed by spec_destroy().
 */
#ifndef CAPSIM_SPEC_H
#define CAPSIM_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "../util/units.h"

#define SPEC_NAME_MAX 64
#define SPEC_GPUS_PER_NODE 8
#define SPEC_ANY_GPU (-1)            /* contract.gpu = any */

typedef struct spec_gpu {
    char name[SPEC_NAME_MAX];
    double tdp_w;              /* board power at full load, W */
    double idle_w;             /* board power when idle, W */
    double host_w;             /* the GPU's share of its server (CPUs, memory, NICs, fans), W:
                                  drawn whatever the GPU's load or state while it is installed */
    double train_speed;        /* relative to H100 = 1.0 */
    double infer_speed;        /* relative to H100 = 1.0 */
    double capex_usd;          /* per GPU, all-in */
    double depreciation_years; /* straight line */
    double straggler_share;    /* fraction of GPUs that run slow, 0..1 */
    double straggler_speed;    /* their performance multiplier, 0..1 */
    /* Ageing of the GPU-scope failure modes: Weibull shape k of a GPU's
     * time to failure in exposure (its accumulated base hazard, so load
     * ages it faster). 1: no ageing (exponential); > 1: wear-out; < 1:
     * infant mortality. The modes' rates stay the long-run mean rates. */
    double weibull_shape;
    /* Power capping (a DC over its power cap throttles its GPUs to a clock
     * fraction f >= min_clock): throughput x f^throttle_perf_exponent, the
     * load-dependent board power x f^throttle_power_exponent. */
    double throttle_perf_exponent;
    double throttle_power_exponent;
    double min_clock;
} spec_gpu;

typedef enum spec_provider_kind {
    SPEC_NEOCLOUD = 0,
    SPEC_HYPERSCALER = 1,
    SPEC_LAB = 2
} spec_provider_kind;

/* How a lessor serves its `any` contracts from what its typed contracts
 * left (alloc.h): slowest GPU types first, or fastest first. */
typedef enum spec_allocation_policy {
    SPEC_OLDEST_FIRST = 0,  /* by train_speed, then infer_speed, then type index, ascending */
    SPEC_NEWEST_FIRST = 1   /* the reverse order */
} spec_allocation_policy;

typedef struct spec_provider {
    char name[SPEC_NAME_MAX];
    spec_provider_kind kind;
    spec_allocation_policy allocation;
    double debt_share;          /* share of its GPU capex financed with debt, 0..1 */
    double interest_rate;       /* on that debt, per year (0.09 = 9%) */
    double spare_share;         /* share of its own GPUs of each type it keeps unsold, as spares
                                   for failures (position.h), 0..1 */
} spec_provider;

/* A batch of GPUs of one type that comes online in a DC at a date: the
 * DC's initial `gpus` (at its online date) and every [phase]. */
typedef struct spec_phase {
    char name[SPEC_NAME_MAX];   /* the [phase] name, or the DC name for its initial GPUs */
    int datacenter;             /* index into spec.datacenters */
    int gpu;                    /* index into spec.gpus */
    int64_t count;              /* GPUs, a multiple of SPEC_GPUS_PER_NODE */
    int64_t online;             /* seconds since start (may be negative: already online) */
} spec_phase;

typedef struct spec_datacenter {
    char name[SPEC_NAME_MAX];
    int owner;                  /* index into spec.providers */
    char region[SPEC_NAME_MAX];
    double power_mw;            /* IT power cap: installed GPUs x (tdp_w + host_w) may not
                                   exceed it (spec_gpu_system_w) */
    double pue;                 /* facility power / IT power, >= 1 */
    double energy_price_per_mwh;/* USD per MWh of facility energy */
    double opex_per_mw_year;    /* USD per MW of power_mw per year (colocation or facility
                                   cost), paid by the owner from online on */
    int64_t online;             /* seconds since start */
} spec_datacenter;

typedef enum spec_contract_kind {
    SPEC_RESERVED = 0,   /* take-or-pay: delivered GPUs billed whether used or not */
    SPEC_ON_DEMAND = 1,  /* billed on GPU-hours used */
    SPEC_SPOT = 2        /* billed on use; preempted whenever the lessor needs the GPUs
                            for its reserved commitments or its own workloads */
} spec_contract_kind;

typedef enum spec_contract_origin {
    SPEC_ORIGIN_SCENARIO = 0,   /* written in the scenario */
    SPEC_ORIGIN_PROCURED = 1    /* signed during the run by a procurement review */
} spec_contract_origin;

#define SPEC_NO_TIME INT64_MIN  /* an optional time that is not set */

/* A contract's price for one GPU type. */
#define SPEC_MAX_TYPE_PRICES 16
typedef struct spec_type_price {
    int gpu;                    /* index into spec.gpus */
    double price_per_gpu_hour;  /* USD */
} spec_type_price;

typedef struct spec_contract {
    char name[SPEC_NAME_MAX];
    int lessor;                 /* index into spec.providers */
    int lessee;                 /* index into spec.providers */
    int gpu;                    /* index into spec.gpus, or SPEC_ANY_GPU */
    int64_t gpus;               /* committed GPUs, multiple of SPEC_GPUS_PER_NODE */
    int64_t start;              /* seconds since scenario start */
    int64_t end;                /* exclusive, seconds since scenario start */
    double price_per_gpu_hour;  /* USD: every type's price, or (with type_prices) the price of
                                   the types the list does not name: its `*` entry, else the
                                   lowest listed price (termination fees use it) */
    size_t n_type_prices;       /* 0: one price for every type */
    spec_type_price type_prices[SPEC_MAX_TYPE_PRICES]; /* per type, each type at most once */
    spec_contract_kind kind;
    int64_t ramp_seconds;       /* 0: all committed GPUs from start; else committed grows
                                   linearly from 0 at start to gpus at start + ramp, in whole nodes */
    double sla_availability;    /* 0: no SLA; else a tick with delivered < committed x this
                                   earns the lessee a credit of sla_credit_share x the payment due */
    double sla_credit_share;    /* 0..1 */
    int64_t terminate;          /* SPEC_NO_TIME, or early termination time (< end): the
                                   contract ends there and the lessee pays the fee */
    double termination_fee_months; /* fee = committed GPUs x price x hours of this many months
                                   (or of the remaining term if shorter), paid at termination */
    spec_contract_origin origin;
    int64_t signed_at;          /* SPEC_NO_TIME for scenario contracts; signing time if procured */
    int parent;                 /* -1, or for a back-to-back contract the index of the contract
                                   it was signed for (the lessee's own sale) */
} spec_contract;

/* A price per GPU type and contract kind offered by a selling provider,
 * with a discount for longer terms. */
typedef struct spec_pricelist {
    char name[SPEC_NAME_MAX];
    int seller;                 /* index into spec.providers */
    int gpu;                    /* index into spec.gpus, or SPEC_ANY_GPU */
    double price_per_gpu_hour[3]; /* indexed by spec_contract_kind; < 0 when not offered */
    double discount_per_year;   /* fraction off per year of term beyond the first, 0..1 */
    double max_discount;        /* cap on the term discount, 0..1 */
    double decline_per_year;    /* list prices fall by this fraction per year since the
                                   scenario start, applied at signing, 0..1 */
} spec_pricelist;

/* A provider's periodic capacity review. */
typedef struct spec_procurement {
    char name[SPEC_NAME_MAX];
    int buyer;                  /* index into spec.providers */
    int64_t first_review;       /* seconds since start */
    int64_t period_seconds;     /* between reviews */
    int64_t horizon_seconds;    /* forecast horizon */
    double gap_threshold_h100;  /* act when the forecast gap exceeds this (H100-equivalent GPUs) */
    double headroom;            /* buy gap x (1 + headroom), >= 0 */
    int *sellers;               /* provider indices in preference order */
    size_t n_sellers;
    int first_refusal;          /* 1: sellers[0] holds a right of first refusal */
    int64_t first_refusal_until;/* SPEC_NO_TIME, or when that right lapses */
    int resell;                 /* 1: asked for capacity it lacks, it leases back-to-back from
                                   its own sellers and resells; 0: it buys for itself only */
    int gpu;                    /* requested type, or SPEC_ANY_GPU */
    int64_t term_seconds;       /* term of the contracts it signs (term_months resolved at the
                                   signing date: UNITS_SECONDS_PER_MONTH x months) */
    int term_months;
    spec_contract_kind kind;
    double max_price_per_gpu_hour;
    int64_t delivery_seconds;   /* lead time from signing to the start of delivery */
    double sla_availability;    /* of the contracts it signs (spec_contract) */
    double sla_credit_share;
} spec_procurement;

typedef enum spec_buildout_trigger {
    SPEC_TRIGGER_DECLINED = 0,      /* build when a request had to be declined */
    SPEC_TRIGGER_LOW_UNCOMMITTED = 1 /* build when uncommitted GPUs fall below a threshold */
} spec_buildout_trigger;

/* An owner's policy for building new capacity. */
typedef struct spec_buildout {
    char name[SPEC_NAME_MAX];
    int owner;                  /* index into spec.providers */
    int64_t lead_seconds;       /* from decision to online */
    double slippage_sigma_months; /* normal slippage (>= 0) added to the lead time, never negative */
    int gpu;                    /* type of new capacity */
    double site_power_mw;       /* IT power of one new site */
    double pue;                 /* of new sites */
    double energy_price_per_mwh;/* of new sites */
    double opex_per_mw_year;    /* of new sites */
    char region[SPEC_NAME_MAX];
    double yearly_budget_mw;    /* IT MW that may be started per calendar year (0: unlimited) */
    double yearly_budget_usd;   /* capex that may be committed per year (0: unlimited) */
    spec_buildout_trigger trigger;
    double uncommitted_threshold_gpus; /* low_uncommitted trigger level */
    int64_t max_sites;          /* at most this many new sites in a run */
} spec_buildout;

typedef enum spec_growth {
    SPEC_GROWTH_EXPONENTIAL = 0, /* demand_h100 * yearly_factor^years */
    SPEC_GROWTH_LOGISTIC = 1,    /* K / (1 + (K - N0)/N0 * exp(-rate * years)) */
    SPEC_GROWTH_SERIES = 2       /* interpolated (t, value) points */
} spec_growth;

typedef enum spec_workload_type {
    SPEC_INFERENCE = 0,  /* fluid demand in H100-equivalent GPUs */
    SPEC_TRAINING = 1    /* a stream of gang-scheduled jobs */
} spec_workload_type;

typedef enum spec_dist_kind {
    SPEC_DIST_FIXED = 0,        /* always `mean` */
    SPEC_DIST_EXPONENTIAL = 1,  /* mean `mean` */
    SPEC_DIST_LOGNORMAL = 2,    /* mean `mean`, sigma of the log `sigma` */
    SPEC_DIST_LIST = 3          /* values[i] with probability weights[i] / sum(weights) */
} spec_dist_kind;

typedef struct spec_distribution {
    spec_dist_kind kind;
    double mean;
    double sigma;
    size_t n;
    double *values;             /* owned */
    double *weights;            /* owned */
} spec_distribution;

/* One job of a training trace. */
typedef struct spec_trace_job {
    int64_t submit;             /* seconds since start */
    int64_t gpus;               /* multiple of SPEC_GPUS_PER_NODE */
    double duration_s;          /* on an H100 (train_speed 1) */
    int gpu;                    /* required type, or SPEC_ANY_GPU */
} spec_trace_job;

#define SPEC_WAIT_FOREVER (-1.0)

typedef struct spec_workload {
    char name[SPEC_NAME_MAX];
    int tenant;                  /* index into spec.providers */
    spec_workload_type type;
    int64_t start;               /* demand is zero before it */
    double demand_h100;          /* N0: H100-equivalent GPUs at start */
    spec_growth growth;
    double yearly_factor;        /* exponential: multiplier per 365.25 days */
    double ceiling_h100;         /* logistic: K */
    double rate_per_year;        /* logistic: r */
    size_t series_len;           /* series: number of points (>= 2) */
    double *series_t;            /* series: seconds since start, strictly increasing */
    double *series_value;        /* series: H100-equivalent GPUs */
    double diurnal_amplitude;    /* 0..1: demand * (1 + a cos(2 pi (hour - peak_hour) / 24)) */
    double peak_hour;            /* hour of day (UTC) of the diurnal peak */
    double noise_sigma;          /* lognormal sigma of the mean-one multiplicative noise */

    /* training: arrivals are a non-homogeneous Poisson process whose rate is
     * arrival_rate_per_day x g(t), with g the growth above applied to 1
     * (exponential: yearly_factor^years; logistic: ceiling is
     * ceiling_rate_per_day). A trace, when given, replaces the stream. */
    double arrival_rate_per_day;
    double ceiling_rate_per_day;
    spec_distribution job_gpus;  /* rounded up to whole 8-GPU nodes */
    spec_distribution duration_h;/* on an H100; a job runs duration / train_speed */
    double max_wait_h;           /* 0: a job that cannot start at once is lost;
                                    SPEC_WAIT_FOREVER: no limit */
    int backfill;                /* 1: a later job that fits may start before the queue head */
    double checkpoint_interval_h;/* a job interrupted by a failure loses the work since its
                                    last checkpoint (0: none lost) ... */
    double restart_h;            /* ... plus this long to restart on its gang */
    spec_trace_job *trace;       /* owned; sorted by submit */
    size_t trace_len;
} spec_workload;

/* A failure mode. Units: a GPU, a node (8 GPUs), a rack (72 GPUs) or a
 * whole datacenter, of GPU type `gpu` (SPEC_ANY_GPU: every type). Each
 * unit fails at rate_per_unit_s per second; a GPU-scope mode's rate grows
 * with the GPU's utilisation, x (1 + load_factor x util). A failed unit is
 * down for a repair time drawn from repair_h (hours); a GPU-scope failure
 * with drains_node takes its node's other GPUs out with it. */
typedef enum spec_failure_scope {
    SPEC_SCOPE_GPU = 0,
    SPEC_SCOPE_NODE = 1,
    SPEC_SCOPE_RACK = 2,
    SPEC_SCOPE_DATACENTER = 3
} spec_failure_scope;

#define SPEC_GPUS_PER_RACK 72

typedef struct spec_failure {
    char name[SPEC_NAME_MAX];
    spec_failure_scope scope;
    int gpu;                     /* index into spec.gpus, or SPEC_ANY_GPU */
    double rate_per_unit_s;      /* failures per unit per second (at util 0 for GPU scope) */
    double load_factor;          /* GPU scope: rate x (1 + load_factor x util) */
    spec_distribution repair_h;  /* hours down per failure */
    int drains_node;             /* GPU scope: the node is down until the repair */
    int hardware;                /* counted as a hardware interruption */
    int planned;                 /* node, rack or datacenter scope: planned maintenance, a
                                    rolling drain announced ahead: the units are drained, not
                                    failed, and interrupt no job (work moves away first) */
} spec_failure;

/* A datacenter's power cap lowered to `mw` (IT power) over [start, end). */
typedef struct spec_curtailment {
    char name[SPEC_NAME_MAX];
    int datacenter;
    int64_t start;
    int64_t end;
    double mw;
} spec_curtailment;

/* A calibration target: a run metric and the value it should land near.
 * The run reports the simulated value against it; it changes nothing in
 * the simulation. */
#define SPEC_METRIC_MAX 128
typedef struct spec_target {
    char name[SPEC_NAME_MAX];
    char metric[SPEC_METRIC_MAX]; /* a run_metric name, e.g. revenue_usd.coreweave.2024 */
    double value;
    double tolerance;            /* relative (0.1 = +-10%); 0 when unset */
    double tolerance_abs;        /* absolute, in the metric's unit; 0 when unset */
} spec_target;

typedef struct spec {
    char name[256];
    int64_t start_day;           /* the scenario start, days since 1970-01-01: t = 0 is its
                                    UTC midnight. The one time base; dates are derived from
                                    it (caltime_format_since) and never parsed again */
    int64_t end;                 /* exclusive horizon: seconds since start of the midnight after
                                    the end date (the end date is inclusive); ticks run at
                                    t = k * tick_seconds for every t < end */
    int64_t tick_seconds;
    double sustained_shortfall_share; /* a day whose shortfall exceeds this share of its demand
                                         is a sustained shortfall (metric sustained_shortfall_t) */
    uint64_t seed;
    int failures_on;             /* 0: every [failure] mode is off (what failures cost, by
                                    comparison); the resolver then leaves n_failures 0 */

    spec_gpu *gpus;               size_t n_gpus;
    spec_provider *providers;     size_t n_providers;
    spec_datacenter *datacenters; size_t n_datacenters;
    spec_phase *phases;           size_t n_phases;   /* sorted by datacenter, then as written */
    spec_contract *contracts;     size_t n_contracts;
    spec_workload *workloads;     size_t n_workloads;
    spec_pricelist *pricelists;   size_t n_pricelists;
    spec_procurement *procurements; size_t n_procurements;
    spec_buildout *buildouts;     size_t n_buildouts;
    spec_target *targets;         size_t n_targets;
    spec_failure *failures;       size_t n_failures;
    spec_curtailment *curtailments; size_t n_curtailments;
} spec;

/* create / destroy */
spec *spec_create(void);        /* zeroed; NULL when out of memory */
void spec_destroy(spec *s);     /* frees every array; NULL is a no-op */

/* queries */
/* A GPU's system power at full load: board (tdp_w) plus its share of the
 * server (host_w), W. Power caps and site sizing count GPUs at this. */
double spec_gpu_system_w(const spec_gpu *g);
const char *spec_provider_kind_name(spec_provider_kind k);
const char *spec_allocation_policy_name(spec_allocation_policy p);
const char *spec_contract_kind_name(spec_contract_kind k);
const char *spec_growth_name(spec_growth g);
const char *spec_workload_type_name(spec_workload_type t);
const char *spec_dist_kind_name(spec_dist_kind k);
const char *spec_buildout_trigger_name(spec_buildout_trigger t);
const char *spec_failure_scope_name(spec_failure_scope s);
/* GPUs per unit of a failure scope (a datacenter: 0, its units are not GPUs). */
int64_t spec_failure_scope_gpus(spec_failure_scope s);

#endif
