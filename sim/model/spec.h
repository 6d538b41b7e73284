/*
 * spec: the resolved scenario as plain data. The scenario reader (sim/io)
 * fills it from INI files; the market (sim/model) is built from it. It holds
 * no file names that the model must open: CSV series are read by io and
 * arrive here as arrays. Entity references are dense indices into the
 * arrays below, already checked by the reader.
 *
 * Times are int64 seconds since the scenario start (UTC midnight).
 * Every array is owned by the spec and freed by spec_destroy().
 */
#ifndef CAPSIM_SPEC_H
#define CAPSIM_SPEC_H

#include <stddef.h>
#include <stdint.h>

#define SPEC_NAME_MAX 64
#define SPEC_GPUS_PER_NODE 8
#define SPEC_SECONDS_PER_DAY 86400
#define SPEC_HOURS_PER_YEAR 8766.0   /* 365.25 days */
#define SPEC_ANY_GPU (-1)            /* contract.gpu = any */

typedef struct spec_gpu {
    char name[SPEC_NAME_MAX];
    double tdp_w;              /* board power at full load, W */
    double idle_w;             /* board power when idle, W */
    double train_speed;        /* relative to H100 = 1.0 */
    double infer_speed;        /* relative to H100 = 1.0 */
    double capex_usd;          /* per GPU, all-in */
    double depreciation_years; /* straight line */
    double straggler_share;    /* fraction of GPUs that run slow, 0..1 */
    double straggler_speed;    /* their performance multiplier, 0..1 */
} spec_gpu;

typedef enum spec_provider_kind {
    SPEC_NEOCLOUD = 0,
    SPEC_HYPERSCALER = 1,
    SPEC_LAB = 2
} spec_provider_kind;

typedef struct spec_provider {
    char name[SPEC_NAME_MAX];
    spec_provider_kind kind;
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
    double power_mw;            /* IT power cap: sum of installed tdp_w may not exceed it */
    double pue;                 /* facility power / IT power, >= 1 */
    double energy_price_per_mwh;/* USD per MWh of facility energy */
    int64_t online;             /* seconds since start */
} spec_datacenter;

typedef enum spec_contract_kind {
    SPEC_RESERVED = 0,   /* take-or-pay: delivered GPUs billed whether used or not */
    SPEC_ON_DEMAND = 1   /* billed on GPU-hours used */
} spec_contract_kind;

typedef struct spec_contract {
    char name[SPEC_NAME_MAX];
    int lessor;                 /* index into spec.providers */
    int lessee;                 /* index into spec.providers */
    int gpu;                    /* index into spec.gpus, or SPEC_ANY_GPU */
    int64_t gpus;               /* committed GPUs, multiple of SPEC_GPUS_PER_NODE */
    int64_t start;              /* seconds since scenario start */
    int64_t end;                /* exclusive, seconds since scenario start */
    double price_per_gpu_hour;  /* USD */
    spec_contract_kind kind;
} spec_contract;

typedef enum spec_growth {
    SPEC_GROWTH_EXPONENTIAL = 0, /* demand_h100 * yearly_factor^years */
    SPEC_GROWTH_LOGISTIC = 1,    /* K / (1 + (K - N0)/N0 * exp(-rate * years)) */
    SPEC_GROWTH_SERIES = 2       /* interpolated (t, value) points */
} spec_growth;

typedef enum spec_workload_type {
    SPEC_INFERENCE = 0
} spec_workload_type;

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
} spec_workload;

typedef struct spec {
    char name[256];
    char start_date[11];         /* "YYYY-MM-DD", the UTC midnight that is t = 0 */
    int64_t end;                 /* exclusive horizon: seconds since start of the midnight after
                                    the end date (the end date is inclusive); ticks run at
                                    t = k * tick_seconds for every t < end */
    int64_t tick_seconds;
    uint64_t seed;

    spec_gpu *gpus;               size_t n_gpus;
    spec_provider *providers;     size_t n_providers;
    spec_datacenter *datacenters; size_t n_datacenters;
    spec_phase *phases;           size_t n_phases;   /* sorted by datacenter, then as written */
    spec_contract *contracts;     size_t n_contracts;
    spec_workload *workloads;     size_t n_workloads;
} spec;

/* create / destroy */
spec *spec_create(void);        /* zeroed; NULL when out of memory */
void spec_destroy(spec *s);     /* frees every array; NULL is a no-op */

/* queries */
const char *spec_provider_kind_name(spec_provider_kind k);
const char *spec_contract_kind_name(spec_contract_kind k);
const char *spec_growth_name(spec_growth g);

#endif
