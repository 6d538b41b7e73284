/*
 * Unit tests for resolution (sim/scenario/scenario_resolve*.c, through
 * scenario_load): the full inference scenario and the market on top of it
 * give the expected spec, value by value (contract terms, price lists,
 * procurement, build-out, training workloads, traces, defaults); term_months
 * arithmetic; the warnings of the cross-value checks (oversubscription, keys
 * a workload or policy does not read).
 */
#include "testlib.h"
#include "../../sim/scenario/scenario.h"
#include "../../sim/scenario/scenario_resolve.h"

/* ---- the full valid scenario ---- */

static void check_period_and_gpus(const spec *s)
{
    assert_string_equal(s->name, "OpenAI on Google Cloud, backed by CoreWeave");
    assert_int_equal(s->start_day, 20089);   /* 2025-01-01 */
    assert_int_equal(s->end, 1826LL * TESTLIB_DAY);        /* 2025-01-01 .. 2029-12-31 inclusive */
    assert_int_equal(s->tick_seconds, 6 * 3600);
    assert_int_equal(s->seed, 7);
    assert_int_equal(s->n_gpus, 3);
    assert_string_equal(s->gpus[0].name, "H100");
    assert_real_equal(s->gpus[0].tdp_w, 700);
    assert_real_equal(s->gpus[0].idle_w, 90);
    assert_real_equal(s->gpus[0].capex_usd, 25000);
    assert_real_equal(s->gpus[0].train_speed, 1.0);         /* defaults */
    assert_real_equal(s->gpus[0].depreciation_years, 6);
    assert_real_equal(s->gpus[0].straggler_share, 0);
    assert_real_equal(s->gpus[0].straggler_speed, 0.9);
    assert_real_equal(s->gpus[1].infer_speed, 1.6);
    assert_real_equal(s->gpus[1].straggler_share, 0.02);
    assert_real_equal(s->gpus[1].straggler_speed, 0.85);
    assert_real_equal(s->gpus[2].train_speed, 2.5);
    assert_real_equal(s->gpus[2].depreciation_years, 5);
}

static void check_providers_and_dcs(const spec *s)
{
    assert_int_equal(s->n_providers, 3);
    assert_int_equal(s->providers[0].kind, SPEC_NEOCLOUD);
    assert_int_equal(s->providers[1].kind, SPEC_HYPERSCALER);
    assert_int_equal(s->providers[2].kind, SPEC_LAB);
    assert_string_equal(s->providers[1].name, "google");
    assert_int_equal(s->n_datacenters, 2);
    const spec_datacenter *plano = &s->datacenters[0], *iowa = &s->datacenters[1];
    assert_int_equal(plano->owner, 0);
    assert_string_equal(plano->region, "us-tx");
    assert_real_equal(plano->power_mw, 50);
    assert_real_equal(plano->pue, 1.25);
    assert_real_equal(plano->energy_price_per_mwh, 80.6);    /* default */
    assert_int_equal(plano->online, -306LL * TESTLIB_DAY);               /* 2024-03-01 */
    assert_int_equal(iowa->owner, 1);
    assert_string_equal(iowa->region, "");
    assert_real_equal(iowa->pue, 1.3);                      /* default */
    assert_real_equal(iowa->energy_price_per_mwh, 65);
    assert_int_equal(iowa->online, 0);                           /* default: start */
}

static void check_phase(const spec_phase *p, const char *name, int dc, int gpu,
                        int64_t count, int64_t online)
{
    assert_string_equal(p->name, name);
    assert_int_equal(p->datacenter, dc);
    assert_int_equal(p->gpu, gpu);
    assert_int_equal(p->count, count);
    assert_int_equal(p->online, online);
}

static void check_phases(const spec *s)
{
    /* sorted by datacenter, then as written, the DC's own gpus first */
    assert_int_equal(s->n_phases, 6);
    check_phase(&s->phases[0], "cw-plano", 0, 0, 16000, -306LL * TESTLIB_DAY);
    check_phase(&s->phases[1], "cw-plano", 0, 1, 4000, -306LL * TESTLIB_DAY);
    check_phase(&s->phases[2], "plano-2", 0, 2, 8000, 365LL * TESTLIB_DAY);
    check_phase(&s->phases[3], "plano-2", 0, 1, 1024, 365LL * TESTLIB_DAY);
    check_phase(&s->phases[4], "g-iowa", 1, 0, 8000, 0);
    check_phase(&s->phases[5], "iowa-2", 1, 2, 4096, (365LL + 90) * TESTLIB_DAY);
}

static void check_contracts(const spec *s)
{
    assert_int_equal(s->n_contracts, 3);
    const spec_contract *a = &s->contracts[0], *b = &s->contracts[1], *c = &s->contracts[2];
    assert_int_equal(a->lessor, 0);
    assert_int_equal(a->lessee, 1);
    assert_int_equal(a->gpu, 0);
    assert_int_equal(a->gpus, 16000);
    assert_int_equal(a->start, 151LL * TESTLIB_DAY);            /* 2025-06-01 */
    assert_int_equal(a->end, 1612LL * TESTLIB_DAY);             /* + 48 months: 2029-06-01 */
    assert_real_equal(a->price_per_gpu_hour, 2.10);
    assert_int_equal(a->kind, SPEC_RESERVED);
    assert_int_equal(b->gpu, SPEC_ANY_GPU);             /* default: any */
    assert_int_equal(b->end, 1612LL * TESTLIB_DAY);             /* end 2029-05-31, inclusive */
    assert_int_equal(b->kind, SPEC_ON_DEMAND);
    /* 2025-01-31 + 1 month: clamped to 2025-02-28, exclusive (served to 02-27) */
    assert_int_equal(c->start, 30LL * TESTLIB_DAY);
    assert_int_equal(c->end, 58LL * TESTLIB_DAY);
    assert_int_equal(c->gpu, 1);
}

static void check_workloads(const spec *s)
{
    assert_int_equal(s->n_workloads, 3);
    const spec_workload *chat = &s->workloads[0], *search = &s->workloads[1];
    const spec_workload *api = &s->workloads[2];
    assert_int_equal(chat->tenant, 2);
    assert_int_equal(chat->type, SPEC_INFERENCE);
    assert_int_equal(chat->start, 59LL * TESTLIB_DAY);
    assert_int_equal(chat->growth, SPEC_GROWTH_EXPONENTIAL);
    assert_real_equal(chat->demand_h100, 9000);
    assert_real_equal(chat->yearly_factor, 1.8);
    assert_real_equal(chat->diurnal_amplitude, 0.25);
    assert_real_equal(chat->peak_hour, 19.5);
    assert_real_equal(chat->noise_sigma, 0.05);
    assert_int_equal(search->growth, SPEC_GROWTH_LOGISTIC);
    assert_real_equal(search->ceiling_h100, 12000);
    assert_real_equal(search->rate_per_year, 0.9);
    assert_real_equal(search->peak_hour, 20);        /* default */
    assert_int_equal(search->start, 0);
    assert_int_equal(api->growth, SPEC_GROWTH_SERIES);
    assert_int_equal(api->series_len, 3);
    assert_real_equal(api->series_t[0], 0);
    assert_real_equal(api->series_t[1], 181.0 * TESTLIB_DAY);
    assert_real_equal(api->series_t[2], 365.0 * TESTLIB_DAY);
    assert_real_equal(api->series_value[1], 2500.5);
    assert_real_equal(api->series_value[2], 4000);
}

static void test_full_scenario(void **state)
{
    testlib_dir *f = *state;
    testlib_write_full(f);
    scenario *sc = testlib_dir_load_ok(f, "full.ini", NULL, 0);
    check_period_and_gpus(sc->spec);
    check_providers_and_dcs(sc->spec);
    check_phases(sc->spec);
    check_contracts(sc->spec);
    check_workloads(sc->spec);
    assert_int_equal(sc->n_warnings, 0);
    assert_contains(sc->path, "full.ini");
    scenario_destroy(sc);
}

/* ---- the market: contract terms, price lists, procurement, build-out,
 * training workloads and traces, on top of full.ini ---- */

#define MONTH 2629800LL         /* 30.4375 days */

static void check_market_contracts(const spec *s)
{
    assert_int_equal(s->n_contracts, 5);
    for (size_t i = 0; i < 3; i++) {                /* full.ini's: every new field at its default */
        const spec_contract *c = &s->contracts[i];
        assert_int_equal(c->ramp_seconds, 0);
        assert_real_equal(c->sla_availability, 0);
        assert_real_equal(c->sla_credit_share, 0.1);
        assert_true(c->terminate == SPEC_NO_TIME);
        assert_real_equal(c->termination_fee_months, 0);
        assert_int_equal(c->origin, SPEC_ORIGIN_SCENARIO);
        assert_true(c->signed_at == SPEC_NO_TIME);
        assert_int_equal(c->parent, -1);
    }
    const spec_contract *spot = &s->contracts[3], *ramp = &s->contracts[4];
    assert_int_equal(spot->kind, SPEC_SPOT);
    assert_int_equal(spot->start, 59LL * TESTLIB_DAY);
    assert_int_equal(spot->end, 424LL * TESTLIB_DAY);           /* 2026-02-28 inclusive */
    assert_true(spot->terminate == SPEC_NO_TIME);
    assert_int_equal(ramp->start, 365LL * TESTLIB_DAY);
    assert_int_equal(ramp->end, 1461LL * TESTLIB_DAY);          /* + 36 months: 2029-01-01 */
    assert_int_equal(ramp->ramp_seconds, 6 * MONTH);
    assert_real_equal(ramp->sla_availability, 0.995);
    assert_real_equal(ramp->sla_credit_share, 0.25);
    assert_int_equal(ramp->terminate, 911LL * TESTLIB_DAY);     /* 2027-07-01 */
    assert_real_equal(ramp->termination_fee_months, 4.5);
    assert_int_equal(ramp->parent, -1);
}

static void check_market_policies(const spec *s)
{
    assert_int_equal(s->n_pricelists, 3);
    const spec_pricelist *cw = &s->pricelists[0], *g = &s->pricelists[1];
    assert_int_equal(cw->seller, 0);
    assert_int_equal(cw->gpu, 0);
    assert_real_equal(cw->price_per_gpu_hour[SPEC_RESERVED], 2.10);
    assert_real_equal(cw->price_per_gpu_hour[SPEC_ON_DEMAND], 4.25);
    assert_real_equal(cw->price_per_gpu_hour[SPEC_SPOT], -1);       /* not offered */
    assert_real_equal(cw->discount_per_year, 0.05);
    assert_real_equal(cw->max_discount, 0.6);                       /* default */
    assert_int_equal(g->gpu, SPEC_ANY_GPU);
    assert_real_equal(g->price_per_gpu_hour[SPEC_ON_DEMAND], -1);
    assert_real_equal(g->price_per_gpu_hour[SPEC_SPOT], 1.5);
    assert_real_equal(g->discount_per_year, 0);
    assert_real_equal(g->max_discount, 0.4);

    assert_int_equal(s->n_procurements, 2);
    const spec_procurement *o = &s->procurements[0], *d = &s->procurements[1];
    assert_int_equal(o->buyer, 2);
    assert_int_equal(o->first_review, 90LL * TESTLIB_DAY);
    assert_int_equal(o->period_seconds, 3944700);       /* 1.5 months */
    assert_int_equal(o->horizon_seconds, 18 * MONTH);
    assert_real_equal(o->gap_threshold_h100, 2500);
    assert_real_equal(o->headroom, 0.2);
    assert_int_equal(o->n_sellers, 2);
    assert_int_equal(o->sellers[0], 1);
    assert_int_equal(o->sellers[1], 0);
    assert_int_equal(o->first_refusal, 1);
    assert_int_equal(o->first_refusal_until, 365LL * TESTLIB_DAY);
    assert_int_equal(o->gpu, 0);
    assert_int_equal(o->term_months, 36);
    assert_int_equal(o->term_seconds, 36 * MONTH);
    assert_int_equal(o->kind, SPEC_RESERVED);
    assert_real_equal(o->max_price_per_gpu_hour, 3.5);
    /* defaults */
    assert_int_equal(d->first_review, 0);
    assert_int_equal(d->period_seconds, 3 * MONTH);
    assert_int_equal(d->horizon_seconds, 12 * MONTH);
    assert_real_equal(d->gap_threshold_h100, 0);
    assert_real_equal(d->headroom, 0.1);
    assert_int_equal(d->first_refusal, 0);
    assert_true(d->first_refusal_until == SPEC_NO_TIME);
    assert_int_equal(d->gpu, SPEC_ANY_GPU);
    assert_int_equal(d->term_months, 48);
    assert_int_equal(d->term_seconds, 48 * MONTH);
    assert_int_equal(d->n_sellers, 1);
}

static void check_market_buildouts(const spec *s)
{
    assert_int_equal(s->n_buildouts, 2);
    const spec_buildout *cw = &s->buildouts[0], *g = &s->buildouts[1];
    assert_int_equal(cw->owner, 0);
    assert_int_equal(cw->lead_seconds, 9 * MONTH);
    assert_real_equal(cw->slippage_sigma_months, 2.5);
    assert_int_equal(cw->gpu, 2);
    assert_real_equal(cw->site_power_mw, 40);
    assert_real_equal(cw->pue, 1.2);
    assert_real_equal(cw->energy_price_per_mwh, 70);
    assert_string_equal(cw->region, "us-tx");
    assert_real_equal(cw->yearly_budget_mw, 200);
    assert_real_equal(cw->yearly_budget_usd, 5e9);
    assert_int_equal(cw->trigger, SPEC_TRIGGER_LOW_UNCOMMITTED);
    assert_real_equal(cw->uncommitted_threshold_gpus, 4000);
    assert_int_equal(cw->max_sites, 12);
    /* defaults */
    assert_int_equal(g->lead_seconds, 12 * MONTH);
    assert_real_equal(g->slippage_sigma_months, 0);
    assert_real_equal(g->pue, 1.3);
    assert_real_equal(g->energy_price_per_mwh, 80.6);
    assert_string_equal(g->region, "");
    assert_real_equal(g->yearly_budget_mw, 0);
    assert_real_equal(g->yearly_budget_usd, 0);
    assert_int_equal(g->trigger, SPEC_TRIGGER_DECLINED);
    assert_real_equal(g->uncommitted_threshold_gpus, 0);
    assert_int_equal(g->max_sites, 100);
}

static void check_training(const spec *s)
{
    assert_int_equal(s->n_workloads, 6);
    const spec_workload *t = &s->workloads[3], *g = &s->workloads[4], *r = &s->workloads[5];
    assert_int_equal(t->type, SPEC_TRAINING);
    assert_real_equal(t->arrival_rate_per_day, 40);
    assert_int_equal(t->growth, SPEC_GROWTH_LOGISTIC);
    assert_real_equal(t->ceiling_rate_per_day, 120);
    assert_real_equal(t->rate_per_year, 0.8);
    assert_real_equal(t->demand_h100, 0);
    assert_int_equal(t->job_gpus.kind, SPEC_DIST_LIST);
    assert_int_equal(t->job_gpus.n, 3);
    assert_real_equal(t->job_gpus.values[2], 512);
    assert_real_equal(t->job_gpus.weights[1], 0.3);
    assert_int_equal(t->duration_h.kind, SPEC_DIST_LOGNORMAL);
    assert_real_equal(t->duration_h.mean, 24);
    assert_real_equal(t->duration_h.sigma, 0.8);
    assert_null(t->duration_h.values);
    assert_real_equal(t->max_wait_h, 48);
    assert_int_equal(t->backfill, 1);
    assert_int_equal(t->trace_len, 0);
    assert_int_equal(g->growth, SPEC_GROWTH_EXPONENTIAL);
    assert_real_equal(g->yearly_factor, 1.0);
    assert_int_equal(g->job_gpus.kind, SPEC_DIST_EXPONENTIAL);
    assert_real_equal(g->job_gpus.mean, 100);
    assert_int_equal(g->duration_h.kind, SPEC_DIST_FIXED);
    assert_real_equal(g->duration_h.mean, 6);
    assert_real_equal(g->max_wait_h, SPEC_WAIT_FOREVER);
    assert_int_equal(g->backfill, 0);
    assert_real_equal(r->max_wait_h, 0);                 /* default: no queue */
    assert_int_equal(r->trace_len, 4);
    testlib_check_job(&r->trace[0], 14LL * TESTLIB_DAY, 8, 1, SPEC_ANY_GPU);
    testlib_check_job(&r->trace[1], 14LL * TESTLIB_DAY, 16, 2, 2);
    testlib_check_job(&r->trace[2], 31LL * TESTLIB_DAY + 43200, 64, 12.5, 0);
    testlib_check_job(&r->trace[3], 31LL * TESTLIB_DAY + 43200, 512, 72, SPEC_ANY_GPU);
}

static void test_market_scenario(void **state)
{
    testlib_dir *f = *state;
    testlib_write_market(f);
    scenario *sc = testlib_dir_load_ok(f, "market.ini", NULL, 0);
    for (size_t i = 1; i < sc->n_warnings; i++)
        print_message("unexpected warning: %s\n", sc->warnings[i]);
    /* the H100 spot contract on top of cw-google's 16000 H100 is more H100
     * than coreweave holds (its H200s serve no H100 contract): 2048 short */
    assert_int_equal(sc->n_warnings, 1);
    assert_contains(sc->warnings[0], "oversubscribed: on 2025-06-01 provider 'coreweave' has "
                    "committed 18048 GPUs to lessees but holds 20000 (20000 owned + 0 leased "
                    "in); 2048 cannot be delivered");
    check_market_contracts(sc->spec);
    check_market_policies(sc->spec);
    check_market_buildouts(sc->spec);
    check_training(sc->spec);
    assert_string_equal(testlib_find_param(sc, "procurement.openai-buys.first_refusal")->value,
                        "yes");
    scenario_destroy(sc);
}

/* ---- term_months arithmetic ---- */

/* The day `months` calendar months after `date`. */
static int64_t months_after(const char *date, int64_t months)
{
    return scenario_resolve_add_months(testlib_day_of(date), months);
}

static void test_add_months(void **state)
{
    (void)state;
    assert_int_equal(months_after("2025-01-31", 1), testlib_day_of("2025-02-28"));
    assert_int_equal(months_after("2024-01-31", 1), testlib_day_of("2024-02-29"));
    assert_int_equal(months_after("2024-02-29", 12), testlib_day_of("2025-02-28"));
    assert_int_equal(months_after("2025-10-31", 4), testlib_day_of("2026-02-28"));
    assert_int_equal(months_after("2025-12-15", 1), testlib_day_of("2026-01-15"));
    assert_int_equal(months_after("2025-06-01", 48), testlib_day_of("2029-06-01"));
    assert_int_equal(months_after("2025-03-31", 13), testlib_day_of("2026-04-30"));
}

/* ---- per-type prices and price decline ---- */

/* base.ini plus a GB200 type, CoreWeave's GB200 phase and contract c
 * (lines 7-14; the price on line 13) whose price list is `prices`. */
static void write_priced(testlib_dir *f, const char *gpu, const char *prices)
{
    char text[1024];
    snprintf(text, sizeof text,
             "[scenario]\n"
             "include = base.ini\n"
             "[gpu GB200]\n"
             "tdp_w = 1200\n"
             "idle_w = 180\n"
             "train_speed = 2.5\n"
             "[contract c]\n"
             "lessor = coreweave\n"
             "lessee = google\n"
             "gpu = %s\n"
             "gpus = 800\n"
             "start = 2025-06-01\n"
             "price_per_gpu_hour = %s\n"
             "term_months = 12\n"
             "[pricelist cw]\n"
             "seller = coreweave\n"
             "reserved_per_gpu_hour = 2.6\n"
             "decline_per_year = 0.15\n",
             gpu, prices);
    testlib_dir_write(f, "base.ini", testlib_base_ini);
    testlib_dir_write(f, "priced.ini", text);
}

static void test_price_lists(void **state)
{
    testlib_dir *f = *state;
    write_priced(f, "any", "H100:2.10, GB200 : 4.20");
    scenario *sc = testlib_dir_load_ok(f, "priced.ini", NULL, 0);
    const spec_contract *c = &sc->spec->contracts[0];
    assert_int_equal(c->n_type_prices, 2);
    assert_int_equal(c->type_prices[0].gpu, 0);
    assert_real_equal(c->type_prices[0].price_per_gpu_hour, 2.10);
    assert_int_equal(c->type_prices[1].gpu, 1);
    assert_real_equal(c->type_prices[1].price_per_gpu_hour, 4.20);
    assert_real_equal(c->price_per_gpu_hour, 2.10);          /* no `*`: the lowest */
    assert_real_equal(sc->spec->pricelists[0].decline_per_year, 0.15);
    scenario_destroy(sc);
    write_priced(f, "any", "GB200:4.20, *:2.40");
    sc = testlib_dir_load_ok(f, "priced.ini", NULL, 0);
    c = &sc->spec->contracts[0];
    assert_int_equal(c->n_type_prices, 1);
    assert_real_equal(c->price_per_gpu_hour, 2.40);
    scenario_destroy(sc);
    write_priced(f, "GB200", "3.95");                         /* one number still works */
    const char *set = "provider.coreweave.allocation=newest_first";
    sc = testlib_dir_load_ok(f, "priced.ini", &set, 1);
    assert_int_equal(sc->spec->providers[0].allocation, SPEC_NEWEST_FIRST);
    assert_int_equal(sc->spec->providers[1].allocation, SPEC_OLDEST_FIRST);   /* the default */
    assert_int_equal(sc->spec->contracts[0].n_type_prices, 0);
    assert_real_equal(sc->spec->contracts[0].price_per_gpu_hour, 3.95);
    assert_real_equal(sc->spec->pricelists[0].decline_per_year, 0.15);
    scenario_destroy(sc);
}

static void test_price_list_errors(void **state)
{
    testlib_dir *f = *state;
    static const struct {
        const char *gpu, *prices, *fragment;
    } cases[] = {
        {"any", "GB200:4.20",
         "priced.ini:13: [contract c] price_per_gpu_hour: no price for GPU H100, which this "
         "`any` contract may receive; add H100:PRICE to the list, or a default `*:PRICE`"},
        {"any", "H100:2, H100:3, *:2", "the price list names H100 twice"},
        {"any", "*:2, *:3", "the price list has two `*` entries"},
        {"any", "H10:2, *:3", "unknown GPU type 'H10'; did you mean 'H100'?"},
        {"GB200", "H100:2.10, GB200:4.20",
         "the contract delivers only GB200 GPUs, so a price for H100 never applies"},
        {"any", "H100:2.10, GB200:-1", "-1 is out of range"},
        {"any", "H100:2.10, GB200", "'GB200' is not TYPE:PRICE"},
        {"any", "H100:2.10,", "the price list ends with a comma"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_priced(f, cases[i].gpu, cases[i].prices);
        scenario *sc = testlib_dir_load(f, "priced.ini", NULL, 0);
        if (sc)
            fail_msg("'%s': expected an error containing \"%s\"", cases[i].prices,
                     cases[i].fragment);
        assert_contains(f->err, cases[i].fragment);
    }
    write_priced(f, "any", "2");
    const char *set = "pricelist.cw.decline_per_year=1";
    assert_null(testlib_dir_load(f, "priced.ini", &set, 1));
    assert_contains(f->err, "decline_per_year");
}

/* ---- warnings ---- */

static void test_oversubscription_warning(void **state)
{
    testlib_dir *f = *state;
    testlib_dir_write(f, "base.ini", testlib_base_ini);
    testlib_dir_write(f, "over.ini",
                      "[scenario]\n"
                      "include = base.ini\n"
                      /* lines 3-9: holds 16000, fine */
                      TESTLIB_CONTRACT("coreweave", "google", "16000")
                      "[contract c2]\n"
                      "lessor = coreweave\n"
                      "lessee = google\n"
                      "gpus = 800\n"                          /* line 13 */
                      "start = 2025-09-01\n"
                      "end = 2025-10-31\n"
                      "price_per_gpu_hour = 2\n");
    scenario *sc = testlib_dir_load_ok(f, "over.ini", NULL, 0);
    assert_int_equal(sc->n_warnings, 1);
    assert_contains(sc->warnings[0], "over.ini:13: warning: [contract c2] gpus: oversubscribed: "
                    "on 2025-09-01 provider 'coreweave' has committed 16800 GPUs to lessees "
                    "but holds 16000 (16000 owned + 0 leased in)");
    scenario_destroy(sc);
}

/* A ramp that ends after the run is checked at the last second of the run,
 * with what it has reached by then, not at a date the run never sees. */
static void test_oversubscription_ramp_past_the_end(void **state)
{
    testlib_dir *f = *state;
    testlib_dir_write(f, "base.ini", testlib_base_ini);
    testlib_dir_write(f, "ramp.ini",
                      "[scenario]\n"
                      "include = base.ini\n"
                      TESTLIB_CONTRACT("coreweave", "google", "16000")
                      "[contract c2]\n"
                      "lessor = coreweave\n"
                      "lessee = google\n"
                      "gpus = 3200\n"                         /* line 13 */
                      "start = 2025-12-01\n"
                      "ramp_months = 12\n"
                      "term_months = 24\n"
                      "price_per_gpu_hour = 2\n");
    scenario *sc = testlib_dir_load_ok(f, "ramp.ini", NULL, 0);
    assert_int_equal(sc->n_warnings, 1);
    assert_contains(sc->warnings[0], "ramp.ini:13: warning: [contract c2] gpus: oversubscribed: "
                    "on 2025-12-31 provider 'coreweave'");
    scenario_destroy(sc);
}

/* The check counts what a lessor holds, not what its build-out policy may
 * build during the run: for a lessor with one, the warning names it. */
static void test_oversubscription_names_the_buildout(void **state)
{
    testlib_dir *f = *state;
    testlib_dir_write(f, "base.ini", testlib_base_ini);
    testlib_dir_write(f, "build.ini",
                      "[scenario]\n"
                      "include = base.ini\n"
                      TESTLIB_CONTRACT("coreweave", "google", "16800")
                      "[buildout sites]\n"
                      "owner = coreweave\n"
                      "gpu = H100\n"
                      "site_power_mw = 10\n");
    scenario *sc = testlib_dir_load_ok(f, "build.ini", NULL, 0);
    assert_int_equal(sc->n_warnings, 1);
    assert_contains(sc->warnings[0], "oversubscribed: on 2025-06-01 provider 'coreweave' has "
                    "committed 16800 GPUs to lessees but holds 16000");
    assert_contains(sc->warnings[0], "unless its build-out [buildout sites] has them online by "
                    "then, its lessees will get less than committed");
    scenario_destroy(sc);
}

static void test_ignored_key_warning(void **state)
{
    testlib_dir *f = *state;
    testlib_dir_write(f, "base.ini", testlib_base_ini);
    testlib_dir_write(f, "w.ini", "[scenario]\ninclude = base.ini\n[workload w]\ntenant = google\n"
                                  "type = inference\ndemand_h100 = 5\nceiling_h100 = 50\n");
    scenario *sc = testlib_dir_load_ok(f, "w.ini", NULL, 0);
    assert_int_equal(sc->n_warnings, 1);
    assert_contains(sc->warnings[0], "w.ini:7: warning: [workload w] ceiling_h100: ignored: "
                    "growth is exponential");
    scenario_destroy(sc);
}

/* weibull_shape on a type that no gpu-scope failure mode reaches: a warning
 * that nothing ages; with such a mode (or shape 1), none. */
static void test_ageing_without_gpu_failures_warns(void **state)
{
    testlib_dir *f = *state;
    testlib_dir_write(f, "base.ini", testlib_base_ini);
    testlib_dir_write(f, "a.ini", "[scenario]\ninclude = base.ini\n"
                                  "[failure net]\nscope = node\nmtbf_h = 10000\n"
                                  "repair_h = fixed 4\n");
    const char *set = "gpu.H100.weibull_shape=1.5";
    scenario *sc = testlib_dir_load_ok(f, "a.ini", &set, 1);
    assert_real_equal(sc->spec->gpus[0].weibull_shape, 1.5);
    assert_int_equal(sc->n_warnings, 1);
    assert_contains(sc->warnings[0], "--set gpu.H100.weibull_shape: warning: ignored: no "
                    "[failure] with scope = gpu applies to H100, so its GPUs never fail by "
                    "hazard and nothing ages");
    scenario_destroy(sc);
    testlib_dir_write(f, "b.ini", "[scenario]\ninclude = base.ini\n"
                                  "[failure gpu-fault]\nscope = gpu\nmtbf_h = 10000\n"
                                  "repair_h = fixed 4\n");
    sc = testlib_dir_load_ok(f, "b.ini", &set, 1);
    assert_int_equal(sc->n_warnings, 0);
    scenario_destroy(sc);
    sc = testlib_dir_load_ok(f, "a.ini", NULL, 0);       /* shape 1 (the default): no warning */
    assert_real_equal(sc->spec->gpus[0].weibull_shape, 1.0);
    assert_int_equal(sc->n_warnings, 0);
    scenario_destroy(sc);
}

/* Keys that a workload does not read: one warning each, naming why. */
static void test_training_ignored_keys(void **state)
{
    testlib_dir *f = *state;
    testlib_dir_write(f, "base.ini", testlib_base_ini);
    testlib_dir_write(f, "t.csv", "submit,gpus,duration_h\n2025-01-02,8,1\n");
    testlib_dir_write(f, "w.ini", "[scenario]\ninclude = base.ini\n"
                                  "[workload t]\ntenant = google\ntype = training\n"
                                  "trace = t.csv\n"
                                  "arrival_rate_per_day = 4\n"           /* line 7 */
                                  "diurnal_amplitude = 0.1\n"            /* line 8 */
                                  "[workload i]\ntenant = google\ntype = inference\n"
                                  "demand_h100 = 10\n"
                                  "backfill = yes\n"                     /* line 13 */
                                  "[workload x]\ntenant = google\ntype = training\n"
                                  "arrival_rate_per_day = 4\njob_gpus = fixed 8\n"
                                  "duration_h = exponential 1\n"
                                  "ceiling_rate_per_day = 9\n");         /* line 20 */
    scenario *sc = testlib_dir_load_ok(f, "w.ini", NULL, 0);
    assert_int_equal(sc->n_warnings, 4);
    /* in the order of the schema's keys */
    assert_contains(sc->warnings[0], "w.ini:8: warning: [workload t] diurnal_amplitude: "
                    "ignored: diurnal_amplitude applies to inference workloads only, and this "
                    "one is training");
    assert_contains(sc->warnings[1], "w.ini:7: warning: [workload t] arrival_rate_per_day: "
                    "ignored: the trace replaces the synthetic job stream");
    assert_contains(sc->warnings[2], "w.ini:13: warning: [workload i] backfill: ignored: "
                    "backfill applies to training workloads only");
    assert_contains(sc->warnings[3], "w.ini:20: warning: [workload x] ceiling_rate_per_day: "
                    "ignored: growth is exponential");
    scenario_destroy(sc);
}

static void test_market_warnings(void **state)
{
    testlib_dir *f = *state;
    testlib_dir_write(f, "base.ini", testlib_base_ini);
    testlib_dir_write(f, "m.ini",
                      "[scenario]\ninclude = base.ini\n"
                      TESTLIB_CONTRACT("coreweave", "google", "8")    /* lines 3-9 */
                      "termination_fee_months = 3\n"           /* 10 */
                      "sla_credit_share = 0.5\n"               /* 11 */
                      "ramp_months = 13\n"                     /* 12 */
                      "[pricelist p]\nseller = coreweave\nspot_per_gpu_hour = 1\n"
                      "[procurement q]\nbuyer = google\n"
                      "sellers = coreweave\n"                  /* 18 */
                      "max_price_per_gpu_hour = 3\n"
                      "first_refusal_until = 2025-05-01\n"     /* 20 */
                      "[buildout b]\nowner = coreweave\ngpu = H100\nsite_power_mw = 10\n"
                      "uncommitted_threshold_gpus = 100\n"    /* 25 */
                      "[procurement r]\nbuyer = google\nsellers = coreweave\nkind = spot\n"
                      "max_price_per_gpu_hour = 0.5\n");      /* 30 */
    scenario *sc = testlib_dir_load_ok(f, "m.ini", NULL, 0);
    assert_int_equal(sc->n_warnings, 7);
    assert_contains(sc->warnings[5], "m.ini:30: warning: [procurement r] max_price_per_gpu_hour: "
                    "every seller quotes above max_price_per_gpu_hour = 0.5 (the cheapest asks 1 "
                    "for a 48-month term)");
    assert_contains(sc->warnings[0], "m.ini:10: warning: [contract c] termination_fee_months: "
                    "ignored: there is no terminate date");
    assert_contains(sc->warnings[1], "m.ini:11: warning: [contract c] sla_credit_share: "
                    "ignored: sla_availability is 0");
    assert_contains(sc->warnings[2], "m.ini:12: warning: [contract c] ramp_months: the ramp is "
                    "longer than the term");
    assert_contains(sc->warnings[3], "m.ini:20: warning: [procurement q] first_refusal_until: "
                    "ignored: first_refusal is false");
    assert_contains(sc->warnings[4], "m.ini:18: warning: [procurement q] sellers: seller "
                    "'coreweave' cannot quote a reserved contract for GPU any (kind not "
                    "offered: add that price to its [pricelist]); it will decline every request");
    assert_contains(sc->warnings[6], "m.ini:25: warning: [buildout b] "
                    "uncommitted_threshold_gpus: ignored: trigger is declined");
    scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        testlib_dir_test(test_full_scenario),
        testlib_dir_test(test_market_scenario),
        testlib_dir_test(test_price_lists),
        testlib_dir_test(test_price_list_errors),
        cmocka_unit_test(test_add_months),
        testlib_dir_test(test_oversubscription_warning),
        testlib_dir_test(test_oversubscription_ramp_past_the_end),
        testlib_dir_test(test_oversubscription_names_the_buildout),
        testlib_dir_test(test_ignored_key_warning),
        testlib_dir_test(test_ageing_without_gpu_failures_warns),
        testlib_dir_test(test_training_ignored_keys),
        testlib_dir_test(test_market_warnings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
