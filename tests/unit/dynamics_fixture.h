/*
 * Small markets built in code for the market-dynamics tests
 * (test_contracts.c, test_procure.c, test_store.c): helpers that fill a
 * spec entity by entity, and an observer that records every tick's rows and
 * every event, for markets whose contracts and datacenters grow during the
 * run. Names carry the dx_ prefix so the header mixes with the others.
 */
#ifndef CAPSIM_TEST_DYNAMICS_FIXTURE_H
#define CAPSIM_TEST_DYNAMICS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sim/engine/engine.h"
#include "../../sim/model/market.h"
#include "../../sim/model/spec.h"

/* Not every test file uses every helper. */
#define DX_HELPER __attribute__((unused)) static

#define DX_HOUR 3600
#define DX_DAY 86400
#define DX_MAX_TICKS 240
#define DX_MAX_C 12
#define DX_MAX_P 6
#define DX_MAX_DC 6
#define DX_MAX_EVENTS 64

DX_HELPER spec *dx_spec(size_t providers, int64_t end, int64_t tick)
{
    spec *s = spec_create();
    if (!s)
        abort();
    s->gpus = calloc(3, sizeof *s->gpus);
    s->providers = calloc(providers + 1, sizeof *s->providers);
    s->datacenters = calloc(8, sizeof *s->datacenters);
    s->phases = calloc(8, sizeof *s->phases);
    s->contracts = calloc(8, sizeof *s->contracts);
    s->workloads = calloc(8, sizeof *s->workloads);
    s->pricelists = calloc(8, sizeof *s->pricelists);
    s->procurements = calloc(8, sizeof *s->procurements);
    s->buildouts = calloc(4, sizeof *s->buildouts);
    if (!s->gpus || !s->providers || !s->datacenters || !s->phases || !s->contracts ||
        !s->workloads || !s->pricelists || !s->procurements || !s->buildouts)
        abort();
    snprintf(s->name, sizeof s->name, "dynamics");
    s->start_day = 20454;   /* 2026-01-01 */
    s->tick_seconds = tick;
    s->end = end;
    s->seed = 777;
    s->n_gpus = 2;
    snprintf(s->gpus[0].name, SPEC_NAME_MAX, "H100");
    s->gpus[0] = (spec_gpu){.tdp_w = 700, .idle_w = 90, .train_speed = 1, .infer_speed = 1,
                            .capex_usd = 25000, .depreciation_years = 5};
    snprintf(s->gpus[0].name, SPEC_NAME_MAX, "H100");
    s->gpus[1] = (spec_gpu){.tdp_w = 1200, .idle_w = 180, .train_speed = 2.5,
                            .infer_speed = 2.5, .capex_usd = 60000, .depreciation_years = 4};
    snprintf(s->gpus[1].name, SPEC_NAME_MAX, "GB200");
    s->n_providers = providers;
    for (size_t p = 0; p < providers; p++)
        snprintf(s->providers[p].name, SPEC_NAME_MAX, "p%zu", p);
    return s;
}

DX_HELPER void dx_provider(spec *s, int p, const char *name)
{
    snprintf(s->providers[p].name, SPEC_NAME_MAX, "%s", name);
}

/* A DC of `owner` with one phase of `count` GPUs of type gpu online at `online`. */
DX_HELPER void dx_dc(spec *s, const char *name, int owner, int gpu, int64_t count, int64_t online)
{
    spec_datacenter *d = &s->datacenters[s->n_datacenters];
    snprintf(d->name, SPEC_NAME_MAX, "%s", name);
    snprintf(d->region, SPEC_NAME_MAX, "us");
    d->owner = owner;
    d->power_mw = 100;
    d->pue = 1.2;
    d->energy_price_per_mwh = 50;
    d->online = online;
    spec_phase *p = &s->phases[s->n_phases++];
    snprintf(p->name, SPEC_NAME_MAX, "%s", name);
    p->datacenter = (int)s->n_datacenters++;
    p->gpu = gpu;
    p->count = count;
    p->online = online;
}

DX_HELPER spec_contract *dx_contract(spec *s, const char *name, int lessor, int lessee, int gpu,
                                  int64_t gpus, int64_t start, int64_t end, double price,
                                  spec_contract_kind kind)
{
    spec_contract *c = &s->contracts[s->n_contracts++];
    snprintf(c->name, SPEC_NAME_MAX, "%s", name);
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
    return c;
}

/* A flat inference workload (no growth unless yearly_factor is changed). */
DX_HELPER spec_workload *dx_workload(spec *s, const char *name, int tenant, int64_t start,
                                  double demand)
{
    spec_workload *w = &s->workloads[s->n_workloads++];
    snprintf(w->name, SPEC_NAME_MAX, "%s", name);
    w->tenant = tenant;
    w->type = SPEC_INFERENCE;
    w->start = start;
    w->demand_h100 = demand;
    w->growth = SPEC_GROWTH_EXPONENTIAL;
    w->yearly_factor = 1.0;
    return w;
}

DX_HELPER spec_pricelist *dx_pricelist(spec *s, int seller, int gpu, double reserved,
                                    double on_demand, double spot)
{
    spec_pricelist *l = &s->pricelists[s->n_pricelists++];
    snprintf(l->name, SPEC_NAME_MAX, "list-%zu", s->n_pricelists);
    l->seller = seller;
    l->gpu = gpu;
    l->price_per_gpu_hour[SPEC_RESERVED] = reserved;
    l->price_per_gpu_hour[SPEC_ON_DEMAND] = on_demand;
    l->price_per_gpu_hour[SPEC_SPOT] = spot;
    return l;
}

/* A procurement of `buyer` asking sellers (n of them) every `period`. */
DX_HELPER spec_procurement *dx_procurement(spec *s, const char *name, int buyer, const int *sellers,
                                        size_t n, int64_t first, int64_t period)
{
    spec_procurement *p = &s->procurements[s->n_procurements++];
    snprintf(p->name, SPEC_NAME_MAX, "%s", name);
    p->buyer = buyer;
    p->first_review = first;
    p->period_seconds = period;
    p->horizon_seconds = 30 * DX_DAY;
    p->gap_threshold_h100 = 100;
    p->headroom = 0.1;
    p->sellers = calloc(n + 1, sizeof *p->sellers);
    if (!p->sellers)
        abort();
    memcpy(p->sellers, sellers, n * sizeof *sellers);
    p->n_sellers = n;
    p->first_refusal_until = SPEC_NO_TIME;
    p->gpu = 0;
    p->term_months = 12;
    p->term_seconds = (int64_t)(12 * 30.4375 * DX_DAY);
    p->kind = SPEC_RESERVED;
    p->max_price_per_gpu_hour = 4.0;
    return p;
}

typedef struct dx_recording {
    int64_t n_ticks;
    size_t n_contracts[DX_MAX_TICKS];
    size_t n_datacenters[DX_MAX_TICKS];
    market_provider_row provider[DX_MAX_TICKS][DX_MAX_P];
    market_contract_row contract[DX_MAX_TICKS][DX_MAX_C];
    market_dc_row dc[DX_MAX_TICKS][DX_MAX_DC];
    market_workload_row workload[DX_MAX_TICKS][4];
    int n_events;
    int64_t event_t[DX_MAX_EVENTS];
    char event_kind[DX_MAX_EVENTS][32];
    char event_entity[DX_MAX_EVENTS][SPEC_NAME_MAX];
    char event_message[DX_MAX_EVENTS][512];
} dx_recording;

DX_HELPER int dx_record_tick(const market *m, int64_t index, int64_t t, void *ctx)
{
    (void)t;
    dx_recording *r = ctx;
    if (index >= DX_MAX_TICKS)
        abort();
    const spec *s = market_spec(m);
    const size_t nc = market_n_contracts(m), nd = market_n_datacenters(m);
    if (nc > DX_MAX_C || nd > DX_MAX_DC || s->n_providers > DX_MAX_P || s->n_workloads > 4)
        abort();
    r->n_contracts[index] = nc;
    r->n_datacenters[index] = nd;
    memcpy(r->provider[index], market_provider_rows(m), s->n_providers * sizeof(market_provider_row));
    memcpy(r->contract[index], market_contract_rows(m), nc * sizeof(market_contract_row));
    memcpy(r->dc[index], market_dc_rows(m), nd * sizeof(market_dc_row));
    memcpy(r->workload[index], market_workload_rows(m), s->n_workloads * sizeof(market_workload_row));
    r->n_ticks = index + 1;
    return 0;
}

DX_HELPER int dx_record_event(const market *m, int64_t t, const char *kind, const char *entity,
                           const char *message, void *ctx)
{
    (void)m;
    dx_recording *r = ctx;
    if (r->n_events >= DX_MAX_EVENTS)
        return 0;
    r->event_t[r->n_events] = t;
    snprintf(r->event_kind[r->n_events], sizeof r->event_kind[0], "%s", kind);
    snprintf(r->event_entity[r->n_events], sizeof r->event_entity[0], "%s", entity);
    snprintf(r->event_message[r->n_events], sizeof r->event_message[0], "%s", message);
    r->n_events++;
    return 0;
}

/* The index of the n-th (0-based) event of `kind`, or -1. */
DX_HELPER int dx_find_event(const dx_recording *r, const char *kind, int n)
{
    for (int i = 0; i < r->n_events; i++)
        if (strcmp(r->event_kind[i], kind) == 0 && n-- == 0)
            return i;
    return -1;
}

DX_HELPER int dx_count_events(const dx_recording *r, const char *kind)
{
    int n = 0;
    for (int i = 0; i < r->n_events; i++)
        n += strcmp(r->event_kind[i], kind) == 0;
    return n;
}

/* Runs s to its end with a recorder; the market is returned for queries. */
DX_HELPER market *dx_run(const spec *s, dx_recording *rec)
{
    market *m = market_create(s);
    if (!m)
        abort();
    engine *e = engine_create();
    if (!e)
        abort();
    market_observer obs = {dx_record_tick, dx_record_event, rec};
    if (market_attach(m, e, &obs) != 0)
        abort();
    engine_run(e, s->end - 1);
    engine_destroy(e);
    return m;
}

#endif
