/*
 * A small market built in code for the model's unit tests (test_market.c,
 * test_alloc.c, test_finance.c): a neocloud leases H100s to a hyperscaler,
 * which sublets them to a lab, so capacity flows along a two-hop chain.
 *
 *   coreweave  owns cw-plano:  4096 H100 (online before start),
 *                              2048 GB200 (online at day 2 06:00)
 *   google     owns g-iowa:    1024 H100 (online long ago; its 5-year life
 *                              ends at day 2 07:00)
 *   cw-google         coreweave -> google, 2400 H100, reserved 2.10, all run
 *   google-openai     google -> openai, 1600 any, on-demand 3.35, ends day 4
 *   cw-google-gb200   coreweave -> google, 1024 GB200, reserved 4.40, from day 3
 *   workloads         openai-chat (1300, no noise), openai-batch (650 from
 *                     day 1, noisy, diurnal), google-search (logistic, noisy)
 *
 * Five days of hourly ticks: 120 ticks. The arrays are calloc'd and freed
 * by spec_destroy, as the scenario reader's are.
 */
#ifndef CAPSIM_TEST_MARKET_FIXTURE_H
#define CAPSIM_TEST_MARKET_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sim/model/spec.h"

enum { GPU_H100, GPU_GB200, N_GPUS };
enum { P_COREWEAVE, P_GOOGLE, P_OPENAI, N_PROVIDERS };
enum { DC_PLANO, DC_IOWA, N_DCS };
enum { PH_PLANO_H100, PH_PLANO_GB200, PH_IOWA_H100, N_PHASES };
enum { C_CW_GOOGLE, C_GOOGLE_OPENAI, C_CW_GOOGLE_GB200, N_CONTRACTS };
enum { W_CHAT, W_BATCH, W_SEARCH, N_WORKLOADS };

#define FX_DAY 86400
#define FX_HOUR 3600
#define FX_TICKS 120
#define FX_GB200_ONLINE (2 * FX_DAY + 6 * FX_HOUR)   /* tick 54 */
#define FX_IOWA_LIFE_END (2 * FX_DAY + 7 * FX_HOUR)  /* tick 55 */
#define FX_GB200_START (3 * FX_DAY)                  /* tick 72 */
#define FX_OPENAI_END (4 * FX_DAY)                   /* tick 96 */

static void fx_name(char *dst, const char *src)
{
    snprintf(dst, SPEC_NAME_MAX, "%s", src);
}

static void fx_free(spec *s)
{
    spec_destroy(s);
}

/* A zeroed spec with room for the given entities; aborts the test when out of memory. */
static spec *fx_alloc(size_t gpus, size_t providers, size_t dcs, size_t phases,
                      size_t contracts, size_t workloads)
{
    spec *s = spec_create();
    if (!s)
        abort();
    s->gpus = calloc(gpus + 1, sizeof *s->gpus);
    s->providers = calloc(providers + 1, sizeof *s->providers);
    s->datacenters = calloc(dcs + 1, sizeof *s->datacenters);
    s->phases = calloc(phases + 1, sizeof *s->phases);
    s->contracts = calloc(contracts + 1, sizeof *s->contracts);
    s->workloads = calloc(workloads + 1, sizeof *s->workloads);
    if (!s->gpus || !s->providers || !s->datacenters || !s->phases || !s->contracts ||
        !s->workloads)
        abort();
    s->n_gpus = gpus;
    s->n_providers = providers;
    s->n_datacenters = dcs;
    s->n_phases = phases;
    s->n_contracts = contracts;
    s->n_workloads = workloads;
    snprintf(s->name, sizeof s->name, "fixture");
    s->start_day = 20089;   /* 2025-01-01 */
    s->tick_seconds = FX_HOUR;
    s->end = 5 * FX_DAY;
    s->seed = 20250101;
    return s;
}

static void fx_gpu(spec_gpu *g, const char *name, double tdp, double idle, double infer,
                   double capex, double years, double straggler_share)
{
    fx_name(g->name, name);
    g->tdp_w = tdp;
    g->idle_w = idle;
    g->train_speed = infer;
    g->infer_speed = infer;
    g->capex_usd = capex;
    g->depreciation_years = years;
    g->straggler_share = straggler_share;
    g->straggler_speed = 0.71;
}

static void fx_dc(spec_datacenter *d, const char *name, int owner, double pue, double price)
{
    fx_name(d->name, name);
    fx_name(d->region, "us");
    d->owner = owner;
    d->power_mw = 50.0;
    d->pue = pue;
    d->energy_price_per_mwh = price;
}

static void fx_phase(spec_phase *p, const char *name, int dc, int gpu, int64_t count,
                     int64_t online)
{
    fx_name(p->name, name);
    p->datacenter = dc;
    p->gpu = gpu;
    p->count = count;
    p->online = online;
}

static void fx_contract(spec_contract *c, const char *name, int lessor, int lessee, int gpu,
                        int64_t gpus, int64_t start, int64_t end, double price,
                        spec_contract_kind kind)
{
    fx_name(c->name, name);
    c->lessor = lessor;
    c->lessee = lessee;
    c->gpu = gpu;
    c->gpus = gpus;
    c->start = start;
    c->end = end;
    c->price_per_gpu_hour = price;
    c->kind = kind;
    c->terminate = SPEC_NO_TIME;
    c->signed_at = SPEC_NO_TIME;
    c->parent = -1;
}

static void fx_workload(spec_workload *w, const char *name, int tenant, int64_t start,
                        double n0, double sigma, double amplitude)
{
    fx_name(w->name, name);
    w->tenant = tenant;
    w->start = start;
    w->demand_h100 = n0;
    w->growth = SPEC_GROWTH_EXPONENTIAL;
    w->yearly_factor = 1.9;
    w->noise_sigma = sigma;
    w->diurnal_amplitude = amplitude;
    w->peak_hour = 15.0;
}

/* The chain scenario described at the top. */
static spec *fx_chain(void)
{
    spec *s = fx_alloc(N_GPUS, N_PROVIDERS, N_DCS, N_PHASES, N_CONTRACTS, N_WORKLOADS);
    fx_gpu(&s->gpus[GPU_H100], "H100", 700, 90, 1.0, 25000, 5, 0.03);
    fx_gpu(&s->gpus[GPU_GB200], "GB200", 1200, 180, 2.5, 60000, 4, 0.0);
    fx_name(s->providers[P_COREWEAVE].name, "coreweave");
    fx_name(s->providers[P_GOOGLE].name, "google");
    fx_name(s->providers[P_OPENAI].name, "openai");
    s->providers[P_GOOGLE].kind = SPEC_HYPERSCALER;
    s->providers[P_OPENAI].kind = SPEC_LAB;
    fx_dc(&s->datacenters[DC_PLANO], "cw-plano", P_COREWEAVE, 1.25, 61.5);
    fx_dc(&s->datacenters[DC_IOWA], "g-iowa", P_GOOGLE, 1.1, 47.0);
    fx_phase(&s->phases[PH_PLANO_H100], "cw-plano", DC_PLANO, GPU_H100, 4096, -FX_DAY);
    fx_phase(&s->phases[PH_PLANO_GB200], "plano-gb200", DC_PLANO, GPU_GB200, 2048,
             FX_GB200_ONLINE);
    fx_phase(&s->phases[PH_IOWA_H100], "g-iowa", DC_IOWA, GPU_H100, 1024,
             FX_IOWA_LIFE_END - (int64_t)(5 * UNITS_HOURS_PER_YEAR_REAL) * FX_HOUR);
    fx_contract(&s->contracts[C_CW_GOOGLE], "cw-google", P_COREWEAVE, P_GOOGLE, GPU_H100, 2400,
                -5 * FX_DAY, 1000 * FX_DAY, 2.10, SPEC_RESERVED);
    fx_contract(&s->contracts[C_GOOGLE_OPENAI], "google-openai", P_GOOGLE, P_OPENAI,
                SPEC_ANY_GPU, 1600, -FX_DAY, FX_OPENAI_END, 3.35, SPEC_ON_DEMAND);
    fx_contract(&s->contracts[C_CW_GOOGLE_GB200], "cw-google-gb200", P_COREWEAVE, P_GOOGLE,
                GPU_GB200, 1024, FX_GB200_START, 1000 * FX_DAY, 4.40, SPEC_RESERVED);
    fx_workload(&s->workloads[W_CHAT], "openai-chat", P_OPENAI, 0, 1300, 0.0, 0.0);
    fx_workload(&s->workloads[W_BATCH], "openai-batch", P_OPENAI, FX_DAY, 650, 0.25, 0.3);
    fx_workload(&s->workloads[W_SEARCH], "google-search", P_GOOGLE, 0, 300, 0.1, 0.2);
    s->workloads[W_SEARCH].growth = SPEC_GROWTH_LOGISTIC;
    s->workloads[W_SEARCH].ceiling_h100 = 5000;
    s->workloads[W_SEARCH].rate_per_year = 1.1;
    return s;
}

#endif
