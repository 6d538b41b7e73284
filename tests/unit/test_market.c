/*
 * Unit tests for market: the fixture's two-hop chain (testlib_chain, testlib.h) run
 * through a real engine, with an observer that records every row of every
 * tick. Known answers for delivery, attribution, power and finance at chosen
 * ticks; conservation laws at every tick; events at the right ticks; and
 * bit-for-bit determinism.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../sim/engine/engine.h"
#include "../../sim/model/market.h"
#include "testlib.h"

#define assert_rel(got, want, rel) assert_close(got, want, fabs(want) * (rel) + 1e-12)

/* The fleet kernel sums in float lanes: power agrees to about 1e-6. */
#define KERNEL_REL 2e-6
#define MAX_EVENTS 16

typedef struct recording {
    int64_t n_ticks;
    int64_t t[CHAIN_TICKS];
    market_dc_row dc[CHAIN_TICKS][CHAIN_N_DCS];
    market_provider_row provider[CHAIN_TICKS][CHAIN_N_PROVIDERS];
    market_contract_row contract[CHAIN_TICKS][CHAIN_N_CONTRACTS];
    market_workload_row workload[CHAIN_TICKS][CHAIN_N_WORKLOADS];
    int n_events;
    int64_t event_t[MAX_EVENTS];
    char event_kind[MAX_EVENTS][32];
    char event_entity[MAX_EVENTS][SPEC_NAME_MAX];
    char event_message[MAX_EVENTS][256];
    int64_t stop_after;      /* on_tick returns 7 at this tick index; -1 never */
} recording;

static int record_tick(const market *m, int64_t index, int64_t t, void *ctx)
{
    recording *r = ctx;
    assert_int_equal(index, r->n_ticks);
    assert_true(index < CHAIN_TICKS);
    r->t[index] = t;
    const spec *s = market_spec(m);
    assert_true(s->n_datacenters <= CHAIN_N_DCS && s->n_providers <= CHAIN_N_PROVIDERS);
    assert_true(s->n_contracts <= CHAIN_N_CONTRACTS && s->n_workloads <= CHAIN_N_WORKLOADS);
    memcpy(r->dc[index], market_dc_rows(m), s->n_datacenters * sizeof r->dc[0][0]);
    memcpy(r->provider[index], market_provider_rows(m), s->n_providers * sizeof r->provider[0][0]);
    memcpy(r->contract[index], market_contract_rows(m), s->n_contracts * sizeof r->contract[0][0]);
    memcpy(r->workload[index], market_workload_rows(m), s->n_workloads * sizeof r->workload[0][0]);
    r->n_ticks++;
    return index == r->stop_after ? 7 : 0;
}

static int record_event(const market *m, int64_t t, const char *kind, const char *entity,
                        const char *message, void *ctx)
{
    (void)m;
    recording *r = ctx;
    assert_true(r->n_events < MAX_EVENTS);
    r->event_t[r->n_events] = t;
    snprintf(r->event_kind[r->n_events], sizeof r->event_kind[0], "%s", kind);
    snprintf(r->event_entity[r->n_events], sizeof r->event_entity[0], "%s", entity);
    snprintf(r->event_message[r->n_events], sizeof r->event_message[0], "%s", message);
    r->n_events++;
    return 0;
}

typedef struct run {
    spec *spec;
    market *market;
    recording *rec;
    engine_outcome outcome;
    int handler_code;
} run;

/* Runs spec s to its end (or until the observer stops it). */
static run run_spec(spec *s, int64_t stop_after)
{
    run r = {.spec = s, .rec = calloc(1, sizeof(recording))};
    assert_non_null(r.rec);
    r.rec->stop_after = stop_after;
    r.market = market_create(s);
    assert_non_null(r.market);
    engine *e = engine_create();
    assert_non_null(e);
    market_observer obs = {record_tick, record_event, r.rec};
    assert_int_equal(market_attach(r.market, e, &obs), 0);
    r.outcome = engine_run(e, s->end - 1);
    r.handler_code = engine_handler_code(e);
    engine_destroy(e);
    return r;
}

static void run_free(run *r)
{
    market_destroy(r->market);
    spec_destroy(r->spec);
    free(r->rec);
}

static int setup(void **state)
{
    run *r = malloc(sizeof *r);
    assert_non_null(r);
    *r = run_spec(testlib_chain(), -1);
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    run_free(*state);
    free(*state);
    return 0;
}

/* Load factor of a provider's own use at tick k, as the kernel sees it (float). */
static double load_of(const recording *r, int k, int p, double capacity)
{
    const double served = r->provider[k][p].served_h100;
    return capacity > 0 ? (double)(float)(served / capacity) : 0.0;
}

static void test_runs_every_tick(void **state)
{
    const run *r = *state;
    assert_int_equal(r->outcome, ENGINE_FINISHED);
    assert_int_equal(r->rec->n_ticks, CHAIN_TICKS);
    assert_int_equal(market_ticks_done(r->market), CHAIN_TICKS);
    for (int k = 0; k < CHAIN_TICKS; k++)
        assert_int_equal(r->rec->t[k], (int64_t)k * TESTLIB_HOUR);
    /* GPU-ticks: 5120 installed before the GB200 phase (54 ticks), 7168 after. */
    assert_int_equal(market_gpu_ticks(r->market), 54u * 5120u + 66u * 7168u);
}

/* Tick 0: cw-google delivers 2400 H100; google sublets 1600 to openai from its
 * own g-iowa first (1024), then 576 of what cw-google delivers. */
static void test_two_hop_chain_attribution(void **state)
{
    const recording *r = ((run *)*state)->rec;
    const market_contract_row *c = r->contract[0];
    assert_int_equal(c[C_CW_GOOGLE].delivered, 2400);
    assert_int_equal(c[C_GOOGLE_OPENAI].delivered, 1600);
    assert_int_equal(c[C_CW_GOOGLE_GB200].delivered, 0);
    assert_int_equal(c[C_CW_GOOGLE_GB200].active, 0);
    const double lo = load_of(r, 0, P_OPENAI, 1600), lg = load_of(r, 0, P_GOOGLE, 1824);
    assert_close(lo, 1300.0 / 1600.0, 0.0);
    assert_close(r->workload[0][W_SEARCH].capacity_h100, 1824.0, 1e-9);
    assert_rel(c[C_GOOGLE_OPENAI].used, 1600 * lo, 1e-12);
    assert_rel(c[C_CW_GOOGLE].used, 576 * lo + 1824 * lg, 1e-12);
    assert_rel(c[C_CW_GOOGLE].utilisation, (576 * lo + 1824 * lg) / 2400, 1e-12);
    const market_provider_row *p = r->provider[0];
    assert_int_equal(p[P_COREWEAVE].owned, 4096);
    assert_int_equal(p[P_COREWEAVE].leased_out, 2400);
    assert_int_equal(p[P_GOOGLE].pool, 1024 + 2400);
    assert_int_equal(p[P_GOOGLE].leased_in, 2400);
    assert_int_equal(p[P_GOOGLE].leased_out, 1600);
    assert_int_equal(p[P_OPENAI].pool, 1600);
    assert_rel(p[P_COREWEAVE].used, c[C_CW_GOOGLE].used, 1e-12);
    assert_rel(p[P_GOOGLE].used, 1824 * lg + 1600 * lo, 1e-12);
    /* cw has no workloads: its 1696 unleased H100 are not allocated. */
    assert_int_equal(r->dc[0][DC_PLANO].allocated, 2400);
    assert_int_equal(r->dc[0][DC_IOWA].allocated, 1024);
}

/* Conservation at every tick. */
static void test_conservation_every_tick(void **state)
{
    const recording *r = ((run *)*state)->rec;
    for (int k = 0; k < CHAIN_TICKS; k++) {
        double revenue = 0, cost = 0, scale = 0;
        for (int p = 0; p < CHAIN_N_PROVIDERS; p++) {
            const market_provider_row *q = &r->provider[k][p];
            revenue += q->revenue_usd;
            cost += q->lease_cost_usd;
            scale += fabs(q->revenue_usd);
            assert_close(q->margin_usd,
                         q->revenue_usd - q->lease_cost_usd - q->energy_cost_usd -
                             q->depreciation_usd, 1e-9);
            assert_true(q->served_h100 <= q->demand_h100);
            assert_close(q->served_h100 + q->shortfall_h100, q->demand_h100, 1e-9);
            assert_true(q->used <= (double)q->pool + 1e-6);
        }
        assert_close(revenue - cost, 0.0, 1e-12 * scale);
        for (int w = 0; w < CHAIN_N_WORKLOADS; w++) {
            const market_workload_row *q = &r->workload[k][w];
            assert_true(q->served_h100 <= q->demand_h100);
            assert_close(q->served_h100 + q->shortfall_h100, q->demand_h100, 1e-9);
            assert_close(q->goodput_h100_hours, q->served_h100, 0.0);  /* dt = 1 h */
        }
        for (int d = 0; d < CHAIN_N_DCS; d++) {
            const market_dc_row *q = &r->dc[k][d];
            assert_true(q->allocated <= q->healthy);
            assert_int_equal(q->installed, q->healthy + q->failed + q->maintenance);
            assert_true(q->busy <= (double)q->allocated + 1e-3);
        }
        for (int c = 0; c < CHAIN_N_CONTRACTS; c++)
            assert_true(r->contract[k][c].delivered <= r->contract[k][c].committed);
    }
}

/* openai-batch starts at day 1: from then openai's demand exceeds 1600. */
static void test_shortfall_split_by_demand(void **state)
{
    const recording *r = ((run *)*state)->rec;
    const int k = 30;
    const market_workload_row *chat = &r->workload[k][W_CHAT];
    const market_workload_row *batch = &r->workload[k][W_BATCH];
    const double demand = chat->demand_h100 + batch->demand_h100;
    assert_true(demand > 1600.0);
    assert_rel(r->provider[k][P_OPENAI].served_h100, 1600.0, 1e-12);
    assert_rel(chat->served_h100, chat->demand_h100 * 1600.0 / demand, 1e-12);
    assert_rel(batch->capacity_h100, 1600.0 * batch->demand_h100 / demand, 1e-12);
    assert_close(r->workload[0][W_BATCH].demand_h100, 0.0, 0.0);
}

static void test_phase_online_at_its_tick(void **state)
{
    const recording *r = ((run *)*state)->rec;
    assert_int_equal(r->dc[53][DC_PLANO].installed, 4096);
    assert_int_equal(r->dc[54][DC_PLANO].installed, 4096 + 2048);
    assert_int_equal(r->provider[54][P_COREWEAVE].owned, 4096 + 2048);
    assert_int_equal(r->n_events, 3);
    assert_int_equal(r->event_t[0], CHAIN_GB200_ONLINE);
    assert_string_equal(r->event_kind[0], "phase_online");
    assert_string_equal(r->event_entity[0], "plano-gb200");
    assert_string_equal(r->event_message[0], "plano-gb200: 2,048 GB200 online at cw-plano");
}

static void test_contract_start_and_end(void **state)
{
    const recording *r = ((run *)*state)->rec;
    assert_int_equal(r->contract[71][C_CW_GOOGLE_GB200].delivered, 0);
    assert_int_equal(r->contract[72][C_CW_GOOGLE_GB200].delivered, 1024);
    assert_int_equal(r->contract[72][C_CW_GOOGLE_GB200].active, 1);
    assert_close(r->workload[72][W_SEARCH].capacity_h100, 1824 + 1024 * 2.5, 1e-9);
    assert_int_equal(r->event_t[1], CHAIN_GB200_START);
    assert_string_equal(r->event_kind[1], "contract_start");
    assert_string_equal(r->event_message[1], "cw-google-gb200: coreweave leases 1,024 GB200 to "
                                             "google at 4.40 USD/GPU-hour (reserved)");
    /* google-openai ends at day 4: openai has nothing, google takes it back. */
    assert_int_equal(r->contract[95][C_GOOGLE_OPENAI].delivered, 1600);
    assert_int_equal(r->contract[96][C_GOOGLE_OPENAI].delivered, 0);
    assert_int_equal(r->contract[96][C_GOOGLE_OPENAI].active, 0);
    assert_close(r->contract[96][C_GOOGLE_OPENAI].payment_usd, 0.0, 0.0);
    assert_close(r->provider[96][P_OPENAI].served_h100, 0.0, 0.0);
    assert_close(r->workload[96][W_SEARCH].capacity_h100, 3424 + 1024 * 2.5, 1e-9);
    assert_int_equal(r->event_t[2], CHAIN_OPENAI_END);
    assert_string_equal(r->event_kind[2], "contract_end");
    assert_string_equal(r->event_entity[2], "google-openai");
}

/* Power per GPU = idle + (tdp - idle) x util; DC power = sum x PUE. */
static void test_power_known_answer(void **state)
{
    const recording *r = ((run *)*state)->rec;
    const double lo = load_of(r, 0, P_OPENAI, 1600), lg = load_of(r, 0, P_GOOGLE, 1824);
    const double plano_w = 1696 * 90.0 + 1824 * (90 + 610 * lg) + 576 * (90 + 610 * lo);
    const double iowa_w = 1024 * (90 + 610 * lo);
    assert_rel(r->dc[0][DC_PLANO].power_mw, plano_w * 1.25 / 1e6, KERNEL_REL);
    assert_rel(r->dc[0][DC_IOWA].power_mw, iowa_w * 1.1 / 1e6, KERNEL_REL);
    assert_rel(r->dc[0][DC_IOWA].energy_mwh, r->dc[0][DC_IOWA].power_mw, 1e-15);
    assert_rel(r->dc[0][DC_PLANO].busy, 1824 * lg + 576 * lo, KERNEL_REL);
    assert_rel(r->dc[0][DC_PLANO].mean_utilisation, (1824 * lg + 576 * lo) / 4096, KERNEL_REL);
    /* Tick 54: cw's idle GB200 add 2048 x 180 W. */
    const double lo54 = load_of(r, 54, P_OPENAI, 1600), lg54 = load_of(r, 54, P_GOOGLE, 1824);
    const double plano54 = 1696 * 90.0 + 1824 * (90 + 610 * lg54) + 576 * (90 + 610 * lo54) +
                           2048 * 180.0;
    assert_rel(r->dc[54][DC_PLANO].power_mw, plano54 * 1.25 / 1e6, KERNEL_REL);
}

static void test_finance_known_answers(void **state)
{
    const recording *r = ((run *)*state)->rec;
    const market_contract_row *c = r->contract[0];
    const market_provider_row *p = r->provider[0];
    assert_rel(c[C_CW_GOOGLE].payment_usd, 2400 * 2.10, 1e-12);           /* reserved */
    assert_rel(c[C_GOOGLE_OPENAI].payment_usd, c[C_GOOGLE_OPENAI].used * 3.35, 1e-12);
    assert_rel(p[P_COREWEAVE].revenue_usd, 2400 * 2.10, 1e-12);
    assert_rel(p[P_GOOGLE].lease_cost_usd, 2400 * 2.10, 1e-12);
    assert_rel(p[P_OPENAI].lease_cost_usd, c[C_GOOGLE_OPENAI].payment_usd, 1e-12);
    assert_rel(p[P_COREWEAVE].energy_cost_usd, r->dc[0][DC_PLANO].power_mw * 61.5, 1e-12);
    assert_rel(p[P_GOOGLE].energy_cost_usd, r->dc[0][DC_IOWA].power_mw * 47.0, 1e-12);
    const double h100_dep = 25000.0 / (5 * 8766.0), gb200_dep = 60000.0 / (4 * 8766.0);
    assert_rel(p[P_COREWEAVE].depreciation_usd, 4096 * h100_dep, 1e-12);
    assert_rel(r->provider[54][P_COREWEAVE].depreciation_usd,
               4096 * h100_dep + 2048 * gb200_dep, 1e-12);
    /* g-iowa's life ends at day 2 07:00: tick 54 pays, tick 55 does not. */
    assert_rel(r->provider[54][P_GOOGLE].depreciation_usd, 1024 * h100_dep, 1e-12);
    assert_close(r->provider[55][P_GOOGLE].depreciation_usd, 0.0, 0.0);
    assert_close(p[P_OPENAI].depreciation_usd, 0.0, 0.0);
    assert_close(p[P_OPENAI].energy_cost_usd, 0.0, 0.0);
    assert_rel(r->provider[72][P_COREWEAVE].revenue_usd, 2400 * 2.10 + 1024 * 4.40, 1e-12);
}

/* Within each DC, the GPUs of one allocation are contiguous; every installed
 * healthy GPU serves one; uninstalled GPUs none, with util 0. */
static void test_layout(void **state)
{
    const run *r = *state;
    const fleet *f = market_fleet(r->market);
    assert_int_equal(f->n, 4096 + 2048 + 1024);
    int seen_max = -1;
    size_t assigned = 0, stragglers = 0;
    for (size_t i = 0; i < f->n; i++) {
        const int a = market_allocation_of(r->market, i);
        assert_int_equal(a < 0, f->allocation[i] < 0);
        if (a >= 0) {
            assigned++;
            if (i > 0 && a != market_allocation_of(r->market, i - 1) && a <= seen_max)
                fail_msg("GPU %zu: allocation %d seen before, ranges not contiguous", i, a);
            seen_max = a > seen_max ? a : seen_max;
        } else {
            assert_int_equal(f->util[i], 0);
        }
        stragglers += f->perf[i] != 1.0f;
    }
    assert_int_equal(assigned, 4096 + 2048 + 1024);   /* all online by the end */
    assert_int_equal(stragglers, 0);   /* the chain has none: its loads are known answers */
}

/* Same spec, same seed: the same rows bit for bit, and the same fleet. */
static void test_determinism(void **state)
{
    const run *a = *state;
    run b = run_spec(testlib_chain(), -1);
    assert_int_equal(b.rec->n_ticks, a->rec->n_ticks);
    assert_int_equal(memcmp(a->rec, b.rec, sizeof *a->rec), 0);
    const fleet *fa = market_fleet(a->market), *fb = market_fleet(b.market);
    assert_int_equal(memcmp(fa->perf, fb->perf, fa->n * sizeof *fa->perf), 0);
    assert_int_equal(memcmp(fa->util, fb->util, fa->n * sizeof *fa->util), 0);
    run_free(&b);
}

/* A non-zero on_tick stops the run after that tick. */
static void test_observer_stops_run(void **state)
{
    (void)state;
    run r = run_spec(testlib_chain(), 9);
    assert_int_equal(r.outcome, ENGINE_HANDLER_FAILED);
    assert_int_equal(r.handler_code, 7);
    assert_int_equal(r.rec->n_ticks, 10);
    run_free(&r);
}

/* No contracts, no workloads, a DC with no GPUs: idle power only, no money but energy. */
static void test_idle_owner(void **state)
{
    (void)state;
    spec *s = testlib_chain_alloc(1, 1, 2, 1, 0, 0);
    testlib_gpu(&s->gpus[0], "H200", 700, 110, 1.4, 32000, 0, 0.0);
    testlib_name(s->providers[0].name, "solo");
    testlib_dc(&s->datacenters[0], "solo-a", 0, 1.3, 80.0);
    testlib_dc(&s->datacenters[1], "solo-empty", 0, 1.2, 80.0);
    testlib_phase(&s->phases[0], "solo-a", 0, 0, 800, 0);
    s->end = 3 * TESTLIB_HOUR + 1;
    run r = run_spec(s, -1);
    assert_int_equal(r.rec->n_ticks, 4);
    assert_int_equal(r.rec->dc[3][0].allocated, 0);
    assert_rel(r.rec->dc[3][0].power_mw, 800 * 110.0 * 1.3 / 1e6, KERNEL_REL);
    assert_int_equal(r.rec->dc[3][1].installed, 0);
    assert_close(r.rec->provider[3][0].depreciation_usd, 0.0, 0.0);   /* life 0 */
    assert_rel(r.rec->provider[3][0].margin_usd, -r.rec->dc[3][0].power_mw * 80.0, 1e-12);
    run_free(&r);
}

/* Host power: with host_w set, every tick's DC power is the boards' power
 * of the same run without it plus host_w for every installed GPU (the H100s
 * from the start, the GB200s from their online tick), x PUE; the energy
 * cost grows by that power x the price. Nothing else changes. */
static void test_host_power_in_dc_power_and_energy(void **state)
{
    (void)state;
    run base = run_spec(testlib_chain(), -1);
    spec *s = testlib_chain();
    s->gpus[GPU_H100].host_w = 575.0;
    s->gpus[GPU_GB200].host_w = 467.0;
    run host = run_spec(s, -1);
    assert_int_equal(host.rec->n_ticks, CHAIN_TICKS);
    for (int k = 0; k < CHAIN_TICKS; k++) {
        const double plano_host_w = 4096 * 575.0 + (k >= 54 ? 2048 * 467.0 : 0.0);
        const double iowa_host_w = 1024 * 575.0;
        const double plano_mw = base.rec->dc[k][DC_PLANO].power_mw + plano_host_w * 1.25 / 1e6;
        const double iowa_mw = base.rec->dc[k][DC_IOWA].power_mw + iowa_host_w * 1.1 / 1e6;
        assert_rel(host.rec->dc[k][DC_PLANO].power_mw, plano_mw, 1e-12);
        assert_rel(host.rec->dc[k][DC_IOWA].power_mw, iowa_mw, 1e-12);
        assert_rel(host.rec->dc[k][DC_PLANO].energy_mwh, plano_mw, 1e-12);   /* 1-hour ticks */
        assert_rel(host.rec->provider[k][P_COREWEAVE].energy_cost_usd, plano_mw * 61.5, 1e-12);
        assert_rel(host.rec->provider[k][P_GOOGLE].energy_cost_usd, iowa_mw * 47.0, 1e-12);
        assert_close(host.rec->provider[k][P_COREWEAVE].revenue_usd,
                     base.rec->provider[k][P_COREWEAVE].revenue_usd, 0.0);
        assert_close(host.rec->dc[k][DC_PLANO].busy, base.rec->dc[k][DC_PLANO].busy, 0.0);
    }
    run_free(&base);
    run_free(&host);
}

/* A run with opex and debt: per tick, opex = power cap x rate / 8766 while
 * the DC is online, interest on a never-depreciated capex is constant, and
 * margin = revenue - lease - energy - depreciation - opex - interest. */
static void test_opex_and_interest_per_tick(void **state)
{
    (void)state;
    spec *s = testlib_chain_alloc(1, 1, 2, 1, 0, 0);
    testlib_gpu(&s->gpus[0], "H200", 700, 110, 1.4, 32000, 0, 0.0);   /* life 0 */
    s->gpus[0].host_w = 450.0;
    testlib_name(s->providers[0].name, "solo");
    s->providers[0].debt_share = 0.6;
    s->providers[0].interest_rate = 0.085;
    testlib_dc(&s->datacenters[0], "solo-a", 0, 1.3, 80.0);
    testlib_dc(&s->datacenters[1], "solo-late", 0, 1.2, 80.0);
    s->datacenters[0].opex_per_mw_year = 1.75e6;
    s->datacenters[1].opex_per_mw_year = 2.5e6;
    s->datacenters[1].online = 2 * TESTLIB_HOUR;
    testlib_phase(&s->phases[0], "solo-a", 0, 0, 800, 0);
    s->end = 3 * TESTLIB_HOUR + 1;
    run r = run_spec(s, -1);
    assert_int_equal(r.rec->n_ticks, 4);
    const double power_mw = 800 * (110.0 + 450.0) * 1.3 / 1e6;   /* idle boards + hosts */
    const double interest = 0.6 * 800 * 32000.0 * 0.085 / 8766.0;
    for (int k = 0; k < 4; k++) {
        const market_provider_row *p = &r.rec->provider[k][0];
        const double opex = (50.0 * 1.75e6 + (k >= 2 ? 50.0 * 2.5e6 : 0.0)) / 8766.0;
        assert_rel(r.rec->dc[k][0].power_mw, power_mw, KERNEL_REL);
        assert_rel(p->opex_usd, opex, 1e-12);
        assert_rel(p->interest_usd, interest, 1e-12);
        assert_rel(p->margin_usd, -r.rec->dc[k][0].energy_mwh * 80.0 - opex - interest, 1e-12);
        assert_close(p->margin_usd, p->revenue_usd - p->lease_cost_usd - p->energy_cost_usd -
                                        p->depreciation_usd - p->opex_usd - p->interest_usd,
                     1e-9);
    }
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_every_tick),
        cmocka_unit_test(test_two_hop_chain_attribution),
        cmocka_unit_test(test_conservation_every_tick),
        cmocka_unit_test(test_shortfall_split_by_demand),
        cmocka_unit_test(test_phase_online_at_its_tick),
        cmocka_unit_test(test_contract_start_and_end),
        cmocka_unit_test(test_power_known_answer),
        cmocka_unit_test(test_finance_known_answers),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_determinism),
    };
    const struct CMUnitTest alone[] = {
        cmocka_unit_test(test_observer_stops_run),
        cmocka_unit_test(test_idle_owner),
        cmocka_unit_test(test_host_power_in_dc_power_and_energy),
        cmocka_unit_test(test_opex_and_interest_per_tick),
    };
    int failed = cmocka_run_group_tests_name("market", tests, setup, teardown);
    failed += cmocka_run_group_tests_name("market_alone", alone, NULL, NULL);
    return failed;
}
