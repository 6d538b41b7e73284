/*
 * testlib_spec: specs built in code for the model's unit tests, and a market
 * observer that records every tick's rows and every event (see testlib.h).
 * The arrays are calloc'd and freed by spec_destroy, as the scenario
 * reader's are.
 */
#include "testlib.h"

#include <stdlib.h>

/* ---- allocation ---- */

spec *testlib_spec_alloc(testlib_room room)
{
    spec *s = spec_create();
    if (!s)
        abort();
    s->gpus = calloc(room.gpus + 1, sizeof *s->gpus);
    s->providers = calloc(room.providers + 1, sizeof *s->providers);
    s->datacenters = calloc(room.datacenters + 1, sizeof *s->datacenters);
    s->phases = calloc(room.phases + 1, sizeof *s->phases);
    s->contracts = calloc(room.contracts + 1, sizeof *s->contracts);
    s->workloads = calloc(room.workloads + 1, sizeof *s->workloads);
    s->pricelists = calloc(room.pricelists + 1, sizeof *s->pricelists);
    s->procurements = calloc(room.procurements + 1, sizeof *s->procurements);
    s->buildouts = calloc(room.buildouts + 1, sizeof *s->buildouts);
    if (!s->gpus || !s->providers || !s->datacenters || !s->phases || !s->contracts ||
        !s->workloads || !s->pricelists || !s->procurements || !s->buildouts)
        abort();
    return s;
}

void testlib_name(char *dst, const char *src)
{
    snprintf(dst, SPEC_NAME_MAX, "%s", src);
}

/* ---- entities, filled in place ---- */

void testlib_gpu(spec_gpu *g, const char *name, double tdp_w, double idle_w, double speed,
                 double capex_usd, double depreciation_years, double straggler_share)
{
    testlib_name(g->name, name);
    g->tdp_w = tdp_w;
    g->idle_w = idle_w;
    g->train_speed = speed;
    g->infer_speed = speed;
    g->capex_usd = capex_usd;
    g->depreciation_years = depreciation_years;
    g->straggler_share = straggler_share;
    g->straggler_speed = 0.71;
    g->weibull_shape = 1.0;              /* the scenario defaults */
    g->throttle_perf_exponent = 0.7;     /* the scenario defaults */
    g->throttle_power_exponent = 3.0;
    g->min_clock = 0.5;
}

void testlib_dc(spec_datacenter *d, const char *name, int owner, double pue,
                double energy_price_per_mwh)
{
    testlib_name(d->name, name);
    testlib_name(d->region, "us");
    d->owner = owner;
    d->power_mw = 50.0;
    d->pue = pue;
    d->energy_price_per_mwh = energy_price_per_mwh;
}

void testlib_phase(spec_phase *p, const char *name, int dc, int gpu, int64_t count,
                   int64_t online)
{
    testlib_name(p->name, name);
    p->datacenter = dc;
    p->gpu = gpu;
    p->count = count;
    p->online = online;
}

void testlib_contract(spec_contract *c, const char *name, int lessor, int lessee, int gpu,
                      int64_t gpus, int64_t start, int64_t end, double price_per_gpu_hour,
                      spec_contract_kind kind)
{
    testlib_name(c->name, name);
    c->lessor = lessor;
    c->lessee = lessee;
    c->gpu = gpu;
    c->gpus = gpus;
    c->start = start;
    c->end = end;
    c->price_per_gpu_hour = price_per_gpu_hour;
    c->kind = kind;
    c->terminate = SPEC_NO_TIME;
    c->signed_at = SPEC_NO_TIME;
    c->parent = -1;
}

/* ---- the chain market ---- */

spec *testlib_chain_alloc(size_t gpus, size_t providers, size_t datacenters, size_t phases,
                          size_t contracts, size_t workloads)
{
    spec *s = testlib_spec_alloc((testlib_room){.gpus = gpus, .providers = providers,
                                                .datacenters = datacenters, .phases = phases,
                                                .contracts = contracts,
                                                .workloads = workloads});
    s->n_gpus = gpus;
    s->n_providers = providers;
    s->n_datacenters = datacenters;
    s->n_phases = phases;
    s->n_contracts = contracts;
    s->n_workloads = workloads;
    snprintf(s->name, sizeof s->name, "fixture");
    s->start_day = testlib_day_of("2025-01-01");
    s->tick_seconds = TESTLIB_HOUR;
    s->end = 5 * TESTLIB_DAY;
    s->seed = 20250101;
    return s;
}

static void chain_workload(spec_workload *w, const char *name, int tenant, int64_t start,
                           double demand_h100, double noise_sigma, double diurnal_amplitude)
{
    testlib_name(w->name, name);
    w->tenant = tenant;
    w->start = start;
    w->demand_h100 = demand_h100;
    w->growth = SPEC_GROWTH_EXPONENTIAL;
    w->yearly_factor = 1.9;
    w->noise_sigma = noise_sigma;
    w->diurnal_amplitude = diurnal_amplitude;
    w->peak_hour = 15.0;
}

spec *testlib_chain(void)
{
    spec *s = testlib_chain_alloc(CHAIN_N_GPUS, CHAIN_N_PROVIDERS, CHAIN_N_DCS, CHAIN_N_PHASES,
                                  CHAIN_N_CONTRACTS, CHAIN_N_WORKLOADS);
    testlib_gpu(&s->gpus[GPU_H100], "H100", 700, 90, 1.0, 25000, 5, 0.0);
    testlib_gpu(&s->gpus[GPU_GB200], "GB200", 1200, 180, 2.5, 60000, 4, 0.0);
    testlib_name(s->providers[P_COREWEAVE].name, "coreweave");
    testlib_name(s->providers[P_GOOGLE].name, "google");
    testlib_name(s->providers[P_OPENAI].name, "openai");
    s->providers[P_GOOGLE].kind = SPEC_HYPERSCALER;
    s->providers[P_OPENAI].kind = SPEC_LAB;
    testlib_dc(&s->datacenters[DC_PLANO], "cw-plano", P_COREWEAVE, 1.25, 61.5);
    testlib_dc(&s->datacenters[DC_IOWA], "g-iowa", P_GOOGLE, 1.1, 47.0);
    testlib_phase(&s->phases[PH_PLANO_H100], "cw-plano", DC_PLANO, GPU_H100, 4096,
                  -TESTLIB_DAY);
    testlib_phase(&s->phases[PH_PLANO_GB200], "plano-gb200", DC_PLANO, GPU_GB200, 2048,
                  CHAIN_GB200_ONLINE);
    testlib_phase(&s->phases[PH_IOWA_H100], "g-iowa", DC_IOWA, GPU_H100, 1024,
                  CHAIN_IOWA_LIFE_END - (int64_t)(5 * UNITS_HOURS_PER_YEAR_REAL) * TESTLIB_HOUR);
    testlib_contract(&s->contracts[C_CW_GOOGLE], "cw-google", P_COREWEAVE, P_GOOGLE, GPU_H100,
                     2400, -5 * TESTLIB_DAY, 1000 * TESTLIB_DAY, 2.10, SPEC_RESERVED);
    testlib_contract(&s->contracts[C_GOOGLE_OPENAI], "google-openai", P_GOOGLE, P_OPENAI,
                     SPEC_ANY_GPU, 1600, -TESTLIB_DAY, CHAIN_OPENAI_END, 3.35, SPEC_ON_DEMAND);
    testlib_contract(&s->contracts[C_CW_GOOGLE_GB200], "cw-google-gb200", P_COREWEAVE,
                     P_GOOGLE, GPU_GB200, 1024, CHAIN_GB200_START, 1000 * TESTLIB_DAY, 4.40,
                     SPEC_RESERVED);
    chain_workload(&s->workloads[W_CHAT], "openai-chat", P_OPENAI, 0, 1300, 0.0, 0.0);
    chain_workload(&s->workloads[W_BATCH], "openai-batch", P_OPENAI, TESTLIB_DAY, 650, 0.25,
                   0.3);
    chain_workload(&s->workloads[W_SEARCH], "google-search", P_GOOGLE, 0, 300, 0.1, 0.2);
    s->workloads[W_SEARCH].growth = SPEC_GROWTH_LOGISTIC;
    s->workloads[W_SEARCH].ceiling_h100 = 5000;
    s->workloads[W_SEARCH].rate_per_year = 1.1;
    return s;
}

/* ---- markets that grow during the run ---- */

spec *testlib_market_spec(size_t providers, int64_t end, int64_t tick_seconds)
{
    spec *s = testlib_spec_alloc((testlib_room){.gpus = 2, .providers = providers,
                                                .datacenters = 7, .phases = 7, .contracts = 7,
                                                .workloads = 7, .pricelists = 7,
                                                .procurements = 7, .buildouts = 3});
    snprintf(s->name, sizeof s->name, "dynamics");
    s->start_day = testlib_day_of("2026-01-01");
    s->tick_seconds = tick_seconds;
    s->end = end;
    s->seed = 777;
    s->n_gpus = 2;
    s->gpus[0] = (spec_gpu){.tdp_w = 700, .idle_w = 90, .train_speed = 1, .infer_speed = 1,
                            .capex_usd = 25000, .depreciation_years = 5};
    testlib_name(s->gpus[0].name, "H100");
    s->gpus[1] = (spec_gpu){.tdp_w = 1200, .idle_w = 180, .train_speed = 2.5,
                            .infer_speed = 2.5, .capex_usd = 60000, .depreciation_years = 4};
    testlib_name(s->gpus[1].name, "GB200");
    for (int g = 0; g < 2; g++) {        /* the scenario defaults */
        s->gpus[g].throttle_perf_exponent = 0.7;
        s->gpus[g].throttle_power_exponent = 3.0;
        s->gpus[g].min_clock = 0.5;
        s->gpus[g].straggler_speed = 0.9;
        s->gpus[g].weibull_shape = 1.0;
    }
    s->n_providers = providers;
    for (size_t p = 0; p < providers; p++)
        snprintf(s->providers[p].name, SPEC_NAME_MAX, "p%zu", p);
    return s;
}

void testlib_add_dc(spec *s, const char *name, int owner, int gpu, int64_t count,
                    int64_t online)
{
    spec_datacenter *d = &s->datacenters[s->n_datacenters];
    testlib_dc(d, name, owner, 1.2, 50);
    d->power_mw = 100;
    d->online = online;
    testlib_phase(&s->phases[s->n_phases++], name, (int)s->n_datacenters++, gpu, count, online);
}

spec_contract *testlib_add_contract(spec *s, const char *name, int lessor, int lessee, int gpu,
                                    int64_t gpus, int64_t start, int64_t end,
                                    double price_per_gpu_hour, spec_contract_kind kind)
{
    spec_contract *c = &s->contracts[s->n_contracts++];
    testlib_contract(c, name, lessor, lessee, gpu, gpus, start, end, price_per_gpu_hour, kind);
    return c;
}

spec_workload *testlib_add_workload(spec *s, const char *name, int tenant, int64_t start,
                                    double demand_h100)
{
    spec_workload *w = &s->workloads[s->n_workloads++];
    testlib_name(w->name, name);
    w->tenant = tenant;
    w->type = SPEC_INFERENCE;
    w->start = start;
    w->demand_h100 = demand_h100;
    w->growth = SPEC_GROWTH_EXPONENTIAL;
    w->yearly_factor = 1.0;
    return w;
}

spec_pricelist *testlib_add_pricelist(spec *s, int seller, int gpu, double reserved,
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

spec_procurement *testlib_add_procurement(spec *s, const char *name, int buyer,
                                          const int *sellers, size_t n, int64_t first,
                                          int64_t period)
{
    spec_procurement *p = &s->procurements[s->n_procurements++];
    testlib_name(p->name, name);
    p->buyer = buyer;
    p->first_review = first;
    p->period_seconds = period;
    p->horizon_seconds = 30 * TESTLIB_DAY;
    p->gap_threshold_h100 = 100;
    p->headroom = 0.1;
    p->sellers = calloc(n + 1, sizeof *p->sellers);
    if (!p->sellers)
        abort();
    memcpy(p->sellers, sellers, n * sizeof *sellers);
    p->n_sellers = n;
    p->first_refusal_until = SPEC_NO_TIME;
    p->resell = 1;
    p->gpu = 0;
    p->term_months = 12;
    p->term_seconds = (int64_t)(12 * 30.4375 * TESTLIB_DAY);
    p->kind = SPEC_RESERVED;
    p->max_price_per_gpu_hour = 4.0;
    return p;
}

/* ---- the recorder ---- */

static int record_tick(const market *m, int64_t index, int64_t t, void *ctx)
{
    (void)t;
    testlib_recording *r = ctx;
    if (index >= TESTLIB_MAX_TICKS)
        abort();
    const spec *s = market_spec(m);
    const size_t nc = market_n_contracts(m), nd = market_n_datacenters(m);
    if (nc > TESTLIB_MAX_CONTRACTS || nd > TESTLIB_MAX_DCS ||
        s->n_providers > TESTLIB_MAX_PROVIDERS || s->n_workloads > TESTLIB_MAX_WORKLOADS)
        abort();
    r->n_contracts[index] = nc;
    r->n_datacenters[index] = nd;
    memcpy(r->provider[index], market_provider_rows(m),
           s->n_providers * sizeof(market_provider_row));
    memcpy(r->contract[index], market_contract_rows(m), nc * sizeof(market_contract_row));
    memcpy(r->dc[index], market_dc_rows(m), nd * sizeof(market_dc_row));
    memcpy(r->workload[index], market_workload_rows(m),
           s->n_workloads * sizeof(market_workload_row));
    r->n_ticks = index + 1;
    return 0;
}

static int record_event(const market *m, int64_t t, const char *kind, const char *entity,
                        const char *message, void *ctx)
{
    (void)m;
    testlib_recording *r = ctx;
    if (r->n_events >= TESTLIB_MAX_EVENTS)
        return 0;
    r->event_t[r->n_events] = t;
    snprintf(r->event_kind[r->n_events], sizeof r->event_kind[0], "%s", kind);
    snprintf(r->event_entity[r->n_events], sizeof r->event_entity[0], "%s", entity);
    snprintf(r->event_message[r->n_events], sizeof r->event_message[0], "%s", message);
    r->n_events++;
    return 0;
}

market *testlib_run(const spec *s, testlib_recording *rec)
{
    market *m = market_create(s);
    if (!m)
        abort();
    engine *e = engine_create();
    if (!e)
        abort();
    market_observer obs = {record_tick, record_event, rec};
    if (market_attach(m, e, &obs) != 0)
        abort();
    engine_run(e, s->end - 1);
    engine_destroy(e);
    return m;
}

int testlib_find_event(const testlib_recording *r, const char *kind, int n)
{
    for (int i = 0; i < r->n_events; i++)
        if (strcmp(r->event_kind[i], kind) == 0 && n-- == 0)
            return i;
    return -1;
}

int testlib_count_events(const testlib_recording *r, const char *kind)
{
    int n = 0;
    for (int i = 0; i < r->n_events; i++)
        n += strcmp(r->event_kind[i], kind) == 0;
    return n;
}
