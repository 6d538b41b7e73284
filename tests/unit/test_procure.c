/*
 * Unit tests for procurement and build-out (procure.h, buildout.h): a
 * buyer with growing demand signs with the first seller that accepts (known
 * gap, size and price), first refusal, declines logged with their reasons,
 * a back-to-back chain three contracts deep formed with no cycle, a site
 * built after a decline that comes online after the lead time within the
 * power budget, and conservation over runs with procured chains. Issue 8:
 * partial offers, no overselling over the whole term, `any` requests sized
 * in GPUs at each seller's mix (the gap's H100-equivalents converted by the
 * infer_speed of what it would deliver, the rest carried on), the delivery lead time, build-backed contracts, build-out sized to
 * the gap, and under-delivery made visible (undelivered, contract_short /
 * contract_recovered, undelivered_gpu_hours). The forecast: an `any` lease
 * that starts and ramps inside the horizon counts at what it will deliver
 * then, and a lease ending inside the horizon is renewed from its end.
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

#include "testlib.h"
#include "../../sim/model/position.h"

static void check_conservation(const testlib_recording *r, size_t n_providers)
{
    for (int64_t k = 0; k < r->n_ticks; k++) {
        double revenue = 0, cost = 0;
        for (size_t p = 0; p < n_providers; p++) {
            const market_provider_row *x = &r->provider[k][p];
            revenue += x->revenue_usd;
            cost += x->lease_cost_usd;
            assert_true(x->leased_out <= x->pool);
            assert_close(x->served_h100 + x->shortfall_h100, x->demand_h100, 1e-6);
        }
        assert_close(revenue, cost, 1e-6 * (1 + fabs(revenue)));
        for (size_t c = 0; c < r->n_contracts[k]; c++)
            assert_true(r->contract[k][c].delivered <= r->contract[k][c].committed);
        for (size_t d = 0; d < r->n_datacenters[k]; d++) {
            const market_dc_row *x = &r->dc[k][d];
            assert_int_equal(x->installed, x->healthy + x->failed + x->maintenance);
            assert_true(x->allocated <= x->healthy);
        }
    }
}

enum { LAB, MSFT, GOOGLE, CW, NEBIUS };

/* The lab's demand: 1000 H100 growing 2x a year, diurnal amplitude 0.2;
 * the gap at day 30 is trend x 1.2 (no pool), bought with 10% headroom. */
static int64_t expected_request(int64_t t)
{
    const double years = (double)(t + 30 * TESTLIB_DAY) / (365.25 * TESTLIB_DAY);
    const double gap = 1000.0 * pow(2.0, years) * 1.2;
    return (int64_t)ceil(gap * 1.1 / 8) * 8;
}

static spec *lab_spec(int64_t end)
{
    spec *s = testlib_market_spec(5, end, 6 * TESTLIB_HOUR);
    const char *names[] = {"openai", "microsoft", "google", "coreweave", "nebius"};
    for (int p = 0; p < 5; p++)
        testlib_name(s->providers[p].name, names[p]);
    spec_workload *w = testlib_add_workload(s, "chat", LAB, 0, 1000);
    w->yearly_factor = 2.0;
    w->diurnal_amplitude = 0.2;
    return s;
}

/* Microsoft has no capacity and no procurement: it declines; Google has
 * capacity and signs the whole request at its quoted price. */
static void test_signs_with_first_that_accepts(void **state)
{
    (void)state;
    spec *s = lab_spec(2 * TESTLIB_DAY);
    testlib_add_dc(s, "g-dc", GOOGLE, 0, 4096, -TESTLIB_DAY);
    testlib_add_pricelist(s, MSFT, SPEC_ANY_GPU, 2.0, 3.0, 1.0);
    spec_pricelist *g = testlib_add_pricelist(s, GOOGLE, 0, 2.5, 3.2, 1.1);
    g->discount_per_year = 0.1;
    g->max_discount = 0.2;
    const int sellers[] = {MSFT, GOOGLE};
    spec_procurement *p = testlib_add_procurement(s, "openai-buy", LAB, sellers, 2, 0,
                                                  30 * TESTLIB_DAY);
    p->term_months = 24;
    p->term_seconds = (int64_t)(24 * 30.4375 * TESTLIB_DAY);
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_int_equal(market_n_contracts(m), 1);
    const spec_contract *k = market_contract(m, 0);
    assert_int_equal(k->lessor, GOOGLE);
    assert_int_equal(k->lessee, LAB);
    assert_int_equal(k->gpus, expected_request(0));
    assert_close(k->price_per_gpu_hour, 2.5 * 0.9, 1e-12);
    assert_int_equal(k->origin, SPEC_ORIGIN_PROCURED);
    assert_int_equal(k->signed_at, 0);
    assert_int_equal(k->start, 0);
    assert_int_equal(k->end, p->term_seconds);
    assert_int_equal(k->parent, -1);
    assert_string_equal(k->name, "google-openai-1");
    const int declined = testlib_find_event(r, "request_declined", 0);
    const int signed_ev = testlib_find_event(r, "contract_signed", 0);
    assert_true(declined >= 0 && signed_ev > declined);
    assert_string_equal(r->event_entity[declined], "microsoft");
    assert_non_null(strstr(r->event_message[declined], "no capacity"));
    assert_null(strstr(r->event_message[declined], "first refusal"));
    assert_non_null(strstr(r->event_message[signed_ev], "gap "));
    assert_non_null(strstr(r->event_message[signed_ev], "H100-eq at 2026-01-31"));
    assert_non_null(strstr(r->event_message[signed_ev], "openai"));
    /* served from the first tick: delivered = committed = the request */
    assert_int_equal(r->n_contracts[0], 1);
    assert_int_equal(r->contract[0][0].delivered, k->gpus);
    assert_close(r->provider[0][LAB].shortfall_h100, 0.0, 1e-9);
    check_conservation(r, 5);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* Microsoft holds first refusal: while it holds, its decline says so; when
 * Microsoft has capacity it takes the deal and Google is never asked. A
 * price above the maximum is declined with the price. */
static void test_first_refusal(void **state)
{
    (void)state;
    spec *s = lab_spec(TESTLIB_DAY);
    testlib_add_dc(s, "g-dc", GOOGLE, 0, 4096, -TESTLIB_DAY);
    testlib_add_pricelist(s, MSFT, SPEC_ANY_GPU, 2.0, 3.0, 1.0);
    testlib_add_pricelist(s, GOOGLE, SPEC_ANY_GPU, 2.2, 3.0, 1.0);
    const int sellers[] = {MSFT, GOOGLE};
    spec_procurement *p = testlib_add_procurement(s, "openai-buy", LAB, sellers, 2, 0,
                                                  30 * TESTLIB_DAY);
    p->first_refusal = 1;
    p->first_refusal_until = 400 * TESTLIB_DAY;
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    int ev = testlib_find_event(r, "request_declined", 0);
    assert_true(ev >= 0);
    assert_non_null(strstr(r->event_message[ev], "first refusal declined, no capacity"));
    assert_int_equal(market_contract(m, 0)->lessor, GOOGLE);
    market_destroy(m);

    /* Microsoft with capacity takes it */
    testlib_add_dc(s, "m-dc", MSFT, 0, 4096, -TESTLIB_DAY);
    memset(r, 0, sizeof *r);
    m = testlib_run(s, r);
    assert_int_equal(testlib_count_events(r, "request_declined"), 0);
    assert_int_equal(market_n_contracts(m), 1);
    assert_int_equal(market_contract(m, 0)->lessor, MSFT);
    market_destroy(m);

    /* too expensive: both decline on price, nothing is signed */
    p->max_price_per_gpu_hour = 1.5;
    memset(r, 0, sizeof *r);
    m = testlib_run(s, r);
    assert_int_equal(market_n_contracts(m), 0);
    assert_int_equal(testlib_count_events(r, "request_declined"), 2);
    ev = testlib_find_event(r, "request_declined", 1);
    assert_non_null(strstr(r->event_message[ev], "price 2.2000 above the maximum 1.5000"));
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* openai <- google <- coreweave <- nebius: Google and CoreWeave own nothing
 * but resell; Google lists openai among its sellers (skipped: in the chain).
 * Three contracts signed at the first review, upstream first, each the
 * parent-linked back-to-back of the one below it. */
static spec *chain_spec(int64_t end)
{
    spec *s = lab_spec(end);
    testlib_add_dc(s, "n-dc", NEBIUS, 0, 8192, -TESTLIB_DAY);
    testlib_add_dc(s, "o-dc", LAB, 0, 64, -TESTLIB_DAY);
    testlib_add_pricelist(s, GOOGLE, SPEC_ANY_GPU, 3.0, 4.0, 1.0);
    testlib_add_pricelist(s, CW, SPEC_ANY_GPU, 2.5, 3.5, 1.0);
    testlib_add_pricelist(s, NEBIUS, SPEC_ANY_GPU, 2.0, 3.0, 1.0);
    testlib_add_pricelist(s, LAB, SPEC_ANY_GPU, 1.0, 1.0, 1.0);
    const int lab_sellers[] = {GOOGLE};
    const int google_sellers[] = {LAB, CW};
    const int cw_sellers[] = {NEBIUS};
    testlib_add_procurement(s, "openai-buy", LAB, lab_sellers, 1, 0, 10 * TESTLIB_DAY);
    spec_procurement *g = testlib_add_procurement(s, "google-buy", GOOGLE, google_sellers, 2, 0,
                                                  10 * TESTLIB_DAY);
    g->first_review = 1000 * TESTLIB_DAY;   /* resells only */
    spec_procurement *c = testlib_add_procurement(s, "cw-buy", CW, cw_sellers, 1, 0,
                                                  10 * TESTLIB_DAY);
    c->first_review = 1000 * TESTLIB_DAY;
    return s;
}

static void test_back_to_back_chain(void **state)
{
    (void)state;
    spec *s = chain_spec(3 * TESTLIB_DAY);
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_int_equal(market_n_contracts(m), 3);
    const spec_contract *up = market_contract(m, 0), *mid = market_contract(m, 1),
                        *sale = market_contract(m, 2);
    assert_int_equal(up->lessor, NEBIUS);
    assert_int_equal(up->lessee, CW);
    assert_int_equal(mid->lessor, CW);
    assert_int_equal(mid->lessee, GOOGLE);
    assert_int_equal(sale->lessor, GOOGLE);
    assert_int_equal(sale->lessee, LAB);
    assert_int_equal(up->parent, 1);
    assert_int_equal(mid->parent, 2);
    assert_int_equal(sale->parent, -1);
    const int64_t want = (int64_t)ceil((1000.0 * pow(2.0, 30 / 365.25) * 1.2 - 64) * 1.1 / 8) * 8;
    assert_int_equal(sale->gpus, want);
    assert_int_equal(up->gpus, want);
    assert_close(up->price_per_gpu_hour, 2.0, 0);
    assert_close(sale->price_per_gpu_hour, 3.0, 0);
    /* the lab was skipped, never declined, in Google's search */
    for (int i = 0; i < r->n_events; i++)
        if (strcmp(r->event_kind[i], "request_declined") == 0)
            assert_string_not_equal(r->event_entity[i], "openai");
    assert_int_equal(testlib_count_events(r, "contract_signed"), 3);
    const int back = testlib_find_event(r, "contract_signed", 0);
    assert_non_null(strstr(r->event_message[back], "back-to-back for google's request (back-to-back for openai's request (gap "));
    /* delivered along the whole chain from the first tick */
    for (int c = 0; c < 3; c++)
        assert_int_equal(r->contract[0][c].delivered, want);
    assert_close(r->contract[0][0].used, r->contract[0][2].used, 1e-6);
    assert_close(r->provider[0][LAB].shortfall_h100, 0.0, 1e-9);
    check_conservation(r, 5);
    /* later reviews find no gap: nothing more is signed, no cycle appears */
    assert_int_equal(r->n_contracts[r->n_ticks - 1], 3);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* The same chain with CoreWeave's policy set to resell = false: it buys for
 * itself only, so asked by Google for what it does not hold it declines
 * instead of leasing from Nebius, and nothing is signed. */
static void test_policy_without_resale(void **state)
{
    (void)state;
    spec *s = chain_spec(3 * TESTLIB_DAY);
    for (size_t i = 0; i < s->n_procurements; i++)
        if (s->procurements[i].buyer == CW)
            s->procurements[i].resell = 0;
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_int_equal(market_n_contracts(m), 0);
    assert_int_equal(testlib_count_events(r, "contract_signed"), 0);
    int cw_declined = 0;
    for (int i = 0; i < r->n_events; i++)
        if (strcmp(r->event_kind[i], "request_declined") == 0 &&
            strcmp(r->event_entity[i], "coreweave") == 0) {
            cw_declined = 1;
            assert_contains(r->event_message[i], "no capacity");
        }
    assert_int_equal(cw_declined, 1);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* A 30-day run of the chain plus demand that keeps growing: the lab buys
 * again every 10 days; every tick conserves money and GPUs. */
static void test_conservation_with_procured_chains(void **state)
{
    (void)state;
    spec *s = chain_spec(30 * TESTLIB_DAY);
    s->workloads[0].yearly_factor = 40.0;
    s->workloads[0].noise_sigma = 0.05;
    s->procurements[0].horizon_seconds = 10 * TESTLIB_DAY;
    s->procurements[0].gap_threshold_h100 = 10;
    spec_workload *g = testlib_add_workload(s, "search", GOOGLE, 0, 50);   /* google's own demand */
    (void)g;
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_true(market_n_contracts(m) >= 6);
    assert_int_equal(market_n_contracts(m) % 3, 0);
    check_conservation(r, 5);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}


/* ---- the forecast values `any` leases at what they will deliver ---- */

/* The lab's only supply is an `any` lease from CoreWeave that starts at
 * day 10 and ramps to 1600 GPUs over 40 days: at the day-30 horizon it
 * commits 800. CoreWeave (newest_first) owns 2000 H100 and 2000 GB200 but
 * leases every GB200 to Nebius by type, so the lease will deliver H100s:
 * 800 H100-eq, not its lessor's mean speed (1.75) nor the nothing it
 * delivers at day 0. The lab buys the rest from Google once: the review at
 * day 10 counts the same lease and the purchase and buys nothing more. */
static void test_forecast_any_lease_ramping_later(void **state)
{
    (void)state;
    spec *s = lab_spec(15 * TESTLIB_DAY);
    s->providers[CW].allocation = SPEC_NEWEST_FIRST;
    testlib_add_dc(s, "cw-h100", CW, 0, 2000, -TESTLIB_DAY);
    testlib_add_dc(s, "cw-gb200", CW, 1, 2000, -TESTLIB_DAY);
    testlib_add_dc(s, "g-dc", GOOGLE, 0, 8192, -TESTLIB_DAY);
    testlib_add_contract(s, "cw-nebius", CW, NEBIUS, 1, 2000, 0, 400 * TESTLIB_DAY, 4.0,
                         SPEC_RESERVED);
    spec_contract *lease = testlib_add_contract(s, "cw-lab", CW, LAB, SPEC_ANY_GPU, 1600,
                                                10 * TESTLIB_DAY, 400 * TESTLIB_DAY, 2.0,
                                                SPEC_RESERVED);
    lease->ramp_seconds = 40 * TESTLIB_DAY;
    testlib_add_pricelist(s, GOOGLE, SPEC_ANY_GPU, 2.2, 3.0, 1.0);
    const int sellers[] = {GOOGLE};
    testlib_add_procurement(s, "openai-buy", LAB, sellers, 1, 0, 10 * TESTLIB_DAY);
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    const int64_t at_horizon = position_contract_committed(lease, 30 * TESTLIB_DAY);
    assert_int_equal(at_horizon, 800);
    const double years = 30.0 / 365.25;
    const double gap = 1000.0 * pow(2.0, years) * 1.2 - (double)at_horizon * 1.0;
    assert_int_equal(market_n_contracts(m), 3);   /* the two leases and one purchase */
    const spec_contract *k = market_contract(m, 2);
    assert_int_equal(k->origin, SPEC_ORIGIN_PROCURED);
    assert_int_equal(k->lessor, GOOGLE);
    assert_int_equal(k->signed_at, 0);
    assert_int_equal(k->gpus, (int64_t)ceil(gap * 1.1 / 8) * 8);
    assert_int_equal(testlib_count_events(r, "contract_signed"), 1);
    check_conservation(r, 5);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* A renewal: the lab's 1600-GPU lease from Google ends at day 20, inside
 * the 30-day horizon of the review at day 0, while the gap at the 5-day
 * delivery date is nil. Google holds 2000 H100, so over a term from day 5
 * it could offer only 400; the request starts at day 20 instead, when the
 * old lease ends, and Google renews the whole gap. Nothing under-delivers
 * and the lab is never short after day 20. */
static void test_renewal_starts_when_the_lease_ends(void **state)
{
    (void)state;
    spec *s = lab_spec(25 * TESTLIB_DAY);
    s->tick_seconds = TESTLIB_DAY;
    testlib_add_dc(s, "g-dc", GOOGLE, 0, 2000, -TESTLIB_DAY);
    testlib_add_contract(s, "g-lab", GOOGLE, LAB, SPEC_ANY_GPU, 1600, 0, 20 * TESTLIB_DAY,
                         2.0, SPEC_RESERVED);
    testlib_add_pricelist(s, GOOGLE, SPEC_ANY_GPU, 2.2, 3.0, 1.0);
    const int sellers[] = {GOOGLE};
    spec_procurement *p = testlib_add_procurement(s, "openai-buy", LAB, sellers, 1, 0,
                                                  40 * TESTLIB_DAY);
    p->delivery_seconds = 5 * TESTLIB_DAY;
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_int_equal(market_n_contracts(m), 2);
    const spec_contract *k = market_contract(m, 1);
    assert_int_equal(k->signed_at, 0);
    assert_int_equal(k->start, 20 * TESTLIB_DAY);
    assert_int_equal(k->end, 20 * TESTLIB_DAY + p->term_seconds);
    assert_int_equal(k->gpus, expected_request(0));
    assert_int_equal(testlib_count_events(r, "request_partial"), 0);
    for (int64_t day = 0; day < r->n_ticks; day++) {
        for (size_t c = 0; c < r->n_contracts[day]; c++)
            assert_int_equal(r->contract[day][c].undelivered, 0);
        if (day >= 20)
            assert_close(r->provider[day][LAB].shortfall_h100, 0.0, 1e-9);
    }
    check_conservation(r, 5);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* ---- deliverability (issue 8) ---- */

/* Microsoft holds 512 H100: it signs those (request_partial, with the
 * reason) and Google signs the rest of the same request. */
static void test_partial_offer(void **state)
{
    (void)state;
    spec *s = lab_spec(TESTLIB_DAY);
    testlib_add_dc(s, "m-dc", MSFT, 0, 512, -TESTLIB_DAY);
    testlib_add_dc(s, "g-dc", GOOGLE, 0, 4096, -TESTLIB_DAY);
    testlib_add_pricelist(s, MSFT, SPEC_ANY_GPU, 2.0, 3.0, 1.0);
    testlib_add_pricelist(s, GOOGLE, SPEC_ANY_GPU, 2.2, 3.0, 1.0);
    const int sellers[] = {MSFT, GOOGLE};
    testlib_add_procurement(s, "openai-buy", LAB, sellers, 2, 0, 30 * TESTLIB_DAY);
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_int_equal(market_n_contracts(m), 2);
    assert_int_equal(market_contract(m, 0)->lessor, MSFT);
    assert_int_equal(market_contract(m, 0)->gpus, 512);
    assert_int_equal(market_contract(m, 1)->lessor, GOOGLE);
    assert_int_equal(market_contract(m, 1)->gpus, expected_request(0) - 512);
    const int partial = testlib_find_event(r, "request_partial", 0);
    assert_true(partial >= 0);
    assert_string_equal(r->event_entity[partial], "microsoft");
    assert_non_null(strstr(r->event_message[partial], "microsoft offers 512 of openai's request"));
    assert_non_null(strstr(r->event_message[partial], "no capacity for the rest (uncommitted 512"));
    assert_int_equal(testlib_count_events(r, "request_declined"), 0);
    assert_int_equal(r->contract[0][0].delivered + r->contract[0][1].delivered,
                     expected_request(0));
    assert_int_equal(r->contract[0][0].undelivered + r->contract[0][1].undelivered, 0);
    check_conservation(r, 5);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* Google holds 2048 H100 but has sold 1536 of them to Nebius from day 20
 * for the rest of the term: over the whole term it can deliver 512 only,
 * so it offers 512 although 2048 are free today. */
static void test_never_oversells_over_the_term(void **state)
{
    (void)state;
    spec *s = lab_spec(TESTLIB_DAY);
    testlib_add_dc(s, "g-dc", GOOGLE, 0, 2048, -TESTLIB_DAY);
    testlib_add_contract(s, "g-nebius", GOOGLE, NEBIUS, 0, 1536, 20 * TESTLIB_DAY,
                         400 * TESTLIB_DAY, 2.0, SPEC_RESERVED);
    testlib_add_pricelist(s, GOOGLE, SPEC_ANY_GPU, 2.2, 3.0, 1.0);
    const int sellers[] = {GOOGLE};
    testlib_add_procurement(s, "openai-buy", LAB, sellers, 1, 0, 30 * TESTLIB_DAY);
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_int_equal(market_n_contracts(m), 2);
    assert_int_equal(market_contract(m, 1)->gpus, 512);
    const int partial = testlib_find_event(r, "request_partial", 0);
    assert_non_null(strstr(r->event_message[partial], "(uncommitted 512 over the term)"));
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* The H100-equivalents the lab's review asks for at t: the gap at day 30
 * with 10% headroom (expected_request is this for H100s, in GPUs). */
static double expected_request_h100(int64_t t)
{
    const double years = (double)(t + 30 * TESTLIB_DAY) / (365.25 * TESTLIB_DAY);
    return 1000.0 * pow(2.0, years) * 1.2 * 1.1;
}

/* h100 as GPUs of infer_speed `speed`, rounded up to whole nodes. */
static int64_t gpus_worth(double h100, double speed)
{
    return (int64_t)ceil(h100 / speed / 8 - 1e-9) * 8;
}

/* A seller's capacity is in GPUs: a seller holding 1000 GB200 (2.5 H100-eq
 * each), asked for more than they are worth, offers 1000 GPUs, not 2500. */
static void test_any_request_counts_gpus(void **state)
{
    (void)state;
    spec *s = lab_spec(TESTLIB_DAY);
    s->workloads[0].demand_h100 = 3000;
    testlib_add_dc(s, "g-dc", GOOGLE, 1, 1000, -TESTLIB_DAY);
    testlib_add_pricelist(s, GOOGLE, SPEC_ANY_GPU, 2.2, 3.0, 1.0);
    const int sellers[] = {GOOGLE};
    spec_procurement *p = testlib_add_procurement(s, "openai-buy", LAB, sellers, 1, 0,
                                                  30 * TESTLIB_DAY);
    p->gpu = SPEC_ANY_GPU;
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_true(3.0 * expected_request_h100(0) / 2.5 > 1000.0);
    assert_int_equal(market_n_contracts(m), 1);
    assert_int_equal(market_contract(m, 0)->gpus, 1000);
    assert_int_equal(testlib_count_events(r, "request_partial"), 1);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* An `any` request is sized at the seller's mix: the buyer's gap G is in
 * H100-equivalents, so a seller whose free GPUs are GB200s (infer_speed
 * 2.5) signs ceil(G / 2.5) GPUs in whole nodes, not G; one that holds 256
 * H100 besides, allocating oldest first, delivers the H100s first and signs
 * 256 + ceil((G - 256) / 2.5). Either way the lease is worth the gap. */
static void test_any_request_sized_at_the_sellers_mix(void **state)
{
    (void)state;
    const double want = expected_request_h100(0);
    const int64_t h100s[] = {0, 256};
    for (int i = 0; i < 2; i++) {
        spec *s = lab_spec(TESTLIB_DAY);
        testlib_add_dc(s, "g-dc", GOOGLE, 1, 4000, -TESTLIB_DAY);
        if (h100s[i] > 0)
            testlib_add_dc(s, "g-old", GOOGLE, 0, h100s[i], -TESTLIB_DAY);
        testlib_add_pricelist(s, GOOGLE, SPEC_ANY_GPU, 2.2, 3.0, 1.0);
        const int sellers[] = {GOOGLE};
        spec_procurement *p = testlib_add_procurement(s, "openai-buy", LAB, sellers, 1, 0,
                                                      30 * TESTLIB_DAY);
        p->gpu = SPEC_ANY_GPU;
        testlib_recording *r = calloc(1, sizeof *r);
        market *m = testlib_run(s, r);
        const int64_t gpus = h100s[i] + gpus_worth(want - (double)h100s[i], 2.5);
        assert_true(gpus < expected_request(0));
        assert_int_equal(market_n_contracts(m), 1);
        assert_int_equal(market_contract(m, 0)->gpus, gpus);
        assert_int_equal(testlib_count_events(r, "request_partial"), 0);
        /* served: the lab's demand is met from the first tick */
        assert_int_equal(r->contract[0][0].delivered, gpus);
        assert_close(r->provider[0][LAB].shortfall_h100, 0.0, 1e-9);
        check_conservation(r, 5);
        market_destroy(m);
        spec_destroy(s);
        free(r);
    }
}

/* After a partial offer the rest of the gap carries in H100-equivalents and
 * the next seller converts it at its own mix: Microsoft's 200 GB200 are
 * worth 500 H100-eq, so Google (H100s) signs G - 500 GPUs, not G - 200. */
static void test_any_rest_carries_in_h100(void **state)
{
    (void)state;
    spec *s = lab_spec(TESTLIB_DAY);
    testlib_add_dc(s, "m-dc", MSFT, 1, 200, -TESTLIB_DAY);
    testlib_add_dc(s, "g-dc", GOOGLE, 0, 4096, -TESTLIB_DAY);
    testlib_add_pricelist(s, MSFT, SPEC_ANY_GPU, 2.0, 3.0, 1.0);
    testlib_add_pricelist(s, GOOGLE, SPEC_ANY_GPU, 2.2, 3.0, 1.0);
    const int sellers[] = {MSFT, GOOGLE};
    spec_procurement *p = testlib_add_procurement(s, "openai-buy", LAB, sellers, 2, 0,
                                                  30 * TESTLIB_DAY);
    p->gpu = SPEC_ANY_GPU;
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_int_equal(market_n_contracts(m), 2);
    assert_int_equal(market_contract(m, 0)->lessor, MSFT);
    assert_int_equal(market_contract(m, 0)->gpus, 200);
    assert_int_equal(market_contract(m, 1)->lessor, GOOGLE);
    assert_int_equal(market_contract(m, 1)->gpus,
                     gpus_worth(expected_request_h100(0) - 200 * 2.5, 1.0));
    assert_int_equal(testlib_count_events(r, "request_partial"), 1);
    check_conservation(r, 5);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* delivery_months: the contract signed at day 0 starts 10 days later; the
 * review at day 5 counts it (signed, not started) and buys nothing more. */
static void test_delivery_lead_time(void **state)
{
    (void)state;
    spec *s = lab_spec(20 * TESTLIB_DAY);
    s->tick_seconds = TESTLIB_DAY;
    testlib_add_dc(s, "g-dc", GOOGLE, 0, 8192, -TESTLIB_DAY);
    testlib_add_pricelist(s, GOOGLE, SPEC_ANY_GPU, 2.2, 3.0, 1.0);
    const int sellers[] = {GOOGLE};
    spec_procurement *p = testlib_add_procurement(s, "openai-buy", LAB, sellers, 1, 0,
                                                  5 * TESTLIB_DAY);
    p->delivery_seconds = 10 * TESTLIB_DAY;
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_int_equal(market_n_contracts(m), 1);
    const spec_contract *k = market_contract(m, 0);
    assert_int_equal(k->signed_at, 0);
    assert_int_equal(k->start, 10 * TESTLIB_DAY);
    assert_int_equal(k->end, 10 * TESTLIB_DAY + p->term_seconds);
    assert_int_equal(k->gpus, expected_request(0));
    assert_int_equal(r->contract[9][0].active, 0);
    assert_int_equal(r->contract[9][0].delivered, 0);
    assert_int_equal(r->contract[9][0].undelivered, 0);   /* inactive: nothing owed yet */
    assert_int_equal(r->contract[10][0].delivered, k->gpus);
    assert_true(r->provider[9][LAB].shortfall_h100 > 0.0);
    assert_close(r->provider[10][LAB].shortfall_h100, 0.0, 1e-9);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* CoreWeave declines for lack of capacity and builds: 1 MW of H100 (1424
 * GPUs x 700 W = 0.9968 MW) online 40 days later; the lab's next review
 * signs from it. A 1.5 MW yearly budget allows one site only. */
static void test_buildout_after_decline(void **state)
{
    (void)state;
    spec *s = lab_spec(60 * TESTLIB_DAY);
    s->tick_seconds = TESTLIB_DAY;
    s->workloads[0].demand_h100 = 500;
    s->workloads[0].diurnal_amplitude = 0;
    testlib_add_dc(s, "o-dc", LAB, 0, 64, -TESTLIB_DAY);
    testlib_add_pricelist(s, CW, SPEC_ANY_GPU, 2.0, 3.0, 1.0);
    const int sellers[] = {CW};
    testlib_add_procurement(s, "openai-buy", LAB, sellers, 1, 0, 20 * TESTLIB_DAY);
    spec_buildout *b = &s->buildouts[s->n_buildouts++];
    snprintf(b->name, SPEC_NAME_MAX, "cw-build");
    snprintf(b->region, SPEC_NAME_MAX, "us-east");
    b->owner = CW;
    b->lead_seconds = 40 * TESTLIB_DAY;
    b->gpu = 0;
    b->site_power_mw = 1.0;
    b->pue = 1.3;
    b->energy_price_per_mwh = 70;
    b->yearly_budget_mw = 1.5;
    b->trigger = SPEC_TRIGGER_DECLINED;
    b->max_sites = 3;
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    const int started = testlib_find_event(r, "build_started", 0);
    assert_true(started >= 0);
    assert_int_equal(r->event_t[started], 0);
    assert_string_equal(r->event_entity[started], "cw-build-1");
    assert_int_equal(testlib_count_events(r, "build_started"), 1);   /* the budget allows one */
    assert_int_equal(market_n_datacenters(m), 2);
    const spec_datacenter *d = market_datacenter(m, 1);
    assert_string_equal(d->name, "cw-build-1");
    assert_int_equal(d->owner, CW);
    assert_int_equal(d->online, 40 * TESTLIB_DAY);
    assert_true(1424 * 700.0 <= d->power_mw * 1e6);
    assert_int_equal(r->n_datacenters[39], 2);
    assert_int_equal(r->dc[39][1].installed, 0);
    assert_int_equal(r->dc[40][1].installed, 1424);
    const int online = testlib_find_event(r, "phase_online", 0);
    assert_int_equal(r->event_t[online], 40 * TESTLIB_DAY);
    /* declined at day 0; the build backs a contract signed then that starts
     * when the site comes online, so the review at day 20 (which counts it)
     * buys nothing more */
    assert_int_equal(testlib_count_events(r, "request_declined"), 1);
    assert_int_equal(market_n_contracts(m), 1);
    assert_int_equal(market_contract(m, 0)->signed_at, 0);
    assert_int_equal(market_contract(m, 0)->start, 40 * TESTLIB_DAY);
    assert_int_equal(r->contract[39][0].delivered, 0);
    assert_true(r->contract[40][0].delivered > 0);
    assert_close(r->provider[40][LAB].shortfall_h100, 0.0, 1e-9);
    assert_true(r->provider[39][LAB].shortfall_h100 > 0.0);
    check_conservation(r, 5);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* Site sizing counts host power: 1 MW of H100 at 700 W + 550 W of host
 * holds 800 GPUs (0.9968 MW of boards would hold 1424); the new site takes
 * the build-out's opex, and its owner pays it from the online date. */
static void test_buildout_site_host_power_and_opex(void **state)
{
    (void)state;
    spec *s = lab_spec(60 * TESTLIB_DAY);
    s->tick_seconds = TESTLIB_DAY;
    s->gpus[0].host_w = 550.0;
    s->workloads[0].demand_h100 = 500;
    s->workloads[0].diurnal_amplitude = 0;
    testlib_add_dc(s, "o-dc", LAB, 0, 64, -TESTLIB_DAY);
    testlib_add_pricelist(s, CW, SPEC_ANY_GPU, 2.0, 3.0, 1.0);
    const int sellers[] = {CW};
    testlib_add_procurement(s, "openai-buy", LAB, sellers, 1, 0, 20 * TESTLIB_DAY);
    spec_buildout *b = &s->buildouts[s->n_buildouts++];
    snprintf(b->name, SPEC_NAME_MAX, "cw-build");
    b->owner = CW;
    b->lead_seconds = 40 * TESTLIB_DAY;
    b->gpu = 0;
    b->site_power_mw = 1.0;
    b->pue = 1.3;
    b->energy_price_per_mwh = 70;
    b->opex_per_mw_year = 1.8e6;
    b->trigger = SPEC_TRIGGER_DECLINED;
    b->max_sites = 1;
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_int_equal(market_n_datacenters(m), 2);
    const spec_datacenter *d = market_datacenter(m, 1);
    assert_close(d->opex_per_mw_year, 1.8e6, 0.0);
    assert_int_equal(r->dc[40][1].installed, 800);
    assert_true(800 * 1250.0 <= d->power_mw * 1e6);
    /* CoreWeave owns only the new site: no opex before it is online, then 1 MW's worth a day */
    assert_close(r->provider[39][CW].opex_usd, 0.0, 0.0);
    assert_close(r->provider[40][CW].opex_usd, 1.0 * 1.8e6 * 24 / 8766.0, 1e-9);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* The same decision with slippage is deterministic for a seed and never
 * earlier than the lead time. */
static void test_buildout_slippage(void **state)
{
    (void)state;
    int64_t online[2];
    for (int run = 0; run < 2; run++) {
        spec *s = lab_spec(10 * TESTLIB_DAY);
        s->tick_seconds = TESTLIB_DAY;
        testlib_add_pricelist(s, CW, SPEC_ANY_GPU, 2.0, 3.0, 1.0);
        const int sellers[] = {CW};
        testlib_add_procurement(s, "openai-buy", LAB, sellers, 1, 0, 20 * TESTLIB_DAY);
        spec_buildout *b = &s->buildouts[s->n_buildouts++];
        snprintf(b->name, SPEC_NAME_MAX, "cw-build");
        b->owner = CW;
        b->lead_seconds = 40 * TESTLIB_DAY;
        b->slippage_sigma_months = 2.0;
        b->site_power_mw = 20.0;
        b->pue = 1.2;
        b->max_sites = 2;
        testlib_recording *r = calloc(1, sizeof *r);
        market *m = testlib_run(s, r);
        assert_int_equal(market_n_datacenters(m), 1);
        online[run] = market_datacenter(m, 0)->online;
        assert_true(online[run] >= 40 * TESTLIB_DAY);
        assert_int_equal(market_phase(m, 0)->count, 28568);   /* 20 MW / 700 W, whole nodes */
        market_destroy(m);
        spec_destroy(s);
        free(r);
    }
    assert_int_equal(online[0], online[1]);
}

/* One decline starts as many sites as the gap needs: 5000 H100 of demand
 * asks for ceil(5000 x 2^(30/365.25) x 1.2 x 1.1 / 8) x 8 GPUs, which needs
 * ceil(that / 1424) sites of 1 MW; max_sites caps it (3), and with room for
 * 8 the gap alone decides. The build backs a contract for what the sites
 * hold, from their online date. */
static void test_buildout_sized_to_gap(void **state)
{
    (void)state;
    const double gap = 5000.0 * pow(2.0, 30.0 / 365.25) * 1.2;
    const int64_t want = (int64_t)ceil(gap * 1.1 / 8) * 8;
    const int64_t need = (want + 1423) / 1424;
    assert_true(need > 3);
    const int64_t max_sites[] = {3, 8};
    for (int i = 0; i < 2; i++) {
        spec *s = lab_spec(45 * TESTLIB_DAY);   /* one review: the next is at day 100 */
        s->tick_seconds = TESTLIB_DAY;
        s->workloads[0].demand_h100 = 5000;
        testlib_add_pricelist(s, CW, SPEC_ANY_GPU, 2.0, 3.0, 1.0);
        const int sellers[] = {CW};
        testlib_add_procurement(s, "openai-buy", LAB, sellers, 1, 0, 100 * TESTLIB_DAY);
        spec_buildout *b = &s->buildouts[s->n_buildouts++];
        snprintf(b->name, SPEC_NAME_MAX, "cw-build");
        b->owner = CW;
        b->lead_seconds = 40 * TESTLIB_DAY;
        b->gpu = 0;
        b->site_power_mw = 1.0;
        b->pue = 1.3;
        b->trigger = SPEC_TRIGGER_DECLINED;
        b->max_sites = max_sites[i];
        testlib_recording *r = calloc(1, sizeof *r);
        market *m = testlib_run(s, r);
        const int64_t sites = need < max_sites[i] ? need : max_sites[i];
        assert_int_equal(testlib_count_events(r, "build_started"), sites);
        assert_int_equal(testlib_count_events(r, "request_declined"), 1);
        assert_int_equal(market_n_contracts(m), 1);
        const spec_contract *k = market_contract(m, 0);
        assert_int_equal(k->signed_at, 0);
        assert_int_equal(k->start, 40 * TESTLIB_DAY);
        assert_int_equal(k->gpus, sites * 1424 < want ? sites * 1424 : want);
        assert_int_equal(r->contract[39][0].delivered, 0);
        assert_int_equal(r->contract[40][0].delivered, k->gpus);
        market_destroy(m);
        spec_destroy(s);
        free(r);
    }
}

/* Under-delivery is visible: Google holds 512 H100 until a second phase of
 * 512 arrives at day 5, but owes Nebius 1024 from day 0. undelivered is 512
 * on days 0-4 and 0 after; contract_short at day 0, contract_recovered at
 * day 5; undelivered_gpu_hours = 512 x 24 h x 5 days = 61,440 for the
 * contract and for its lessor. The reserved contract bills delivered GPUs
 * only: 512 x 2.0 USD x 24 h on a short day. */
static void test_under_delivery_visible(void **state)
{
    (void)state;
    spec *s = lab_spec(10 * TESTLIB_DAY);
    s->tick_seconds = TESTLIB_DAY;
    s->n_workloads = 0;
    testlib_add_dc(s, "g-dc", GOOGLE, 0, 512, -TESTLIB_DAY);
    testlib_add_dc(s, "g-dc-2", GOOGLE, 0, 512, 5 * TESTLIB_DAY);
    testlib_add_contract(s, "g-nebius", GOOGLE, NEBIUS, 0, 1024, 0, 400 * TESTLIB_DAY, 2.0,
                         SPEC_RESERVED);
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    for (int d = 0; d < 10; d++)
        assert_int_equal(r->contract[d][0].undelivered, d < 5 ? 512 : 0);
    assert_close(r->contract[2][0].payment_usd, 512 * 2.0 * 24, 1e-6);
    const int short_ev = testlib_find_event(r, "contract_short", 0);
    const int back = testlib_find_event(r, "contract_recovered", 0);
    assert_true(short_ev >= 0 && back > short_ev);
    assert_int_equal(r->event_t[short_ev], 0);
    assert_int_equal(r->event_t[back], 5 * TESTLIB_DAY);
    assert_string_equal(r->event_entity[short_ev], "g-nebius");
    assert_non_null(strstr(r->event_message[short_ev], "delivers 512 of 1,024 committed GPUs"));
    assert_int_equal(testlib_count_events(r, "contract_short"), 1);
    market_metric metrics[32];
    const size_t n = market_end_metrics(m, 10 * TESTLIB_DAY, metrics, 32);
    assert_true(n <= 32);
    int found = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(metrics[i].name, "undelivered_gpu_hours.g-nebius") ||
            !strcmp(metrics[i].name, "undelivered_gpu_hours.google")) {
            assert_close(metrics[i].value, 512.0 * 24 * 5, 1e-9);
            found++;
        }
    assert_int_equal(found, 2);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signs_with_first_that_accepts),
        cmocka_unit_test(test_first_refusal),
        cmocka_unit_test(test_back_to_back_chain),
        cmocka_unit_test(test_policy_without_resale),
        cmocka_unit_test(test_conservation_with_procured_chains),
        cmocka_unit_test(test_buildout_after_decline),
        cmocka_unit_test(test_buildout_slippage),
        cmocka_unit_test(test_buildout_site_host_power_and_opex),
        cmocka_unit_test(test_partial_offer),
        cmocka_unit_test(test_never_oversells_over_the_term),
        cmocka_unit_test(test_any_request_counts_gpus),
        cmocka_unit_test(test_any_request_sized_at_the_sellers_mix),
        cmocka_unit_test(test_any_rest_carries_in_h100),
        cmocka_unit_test(test_delivery_lead_time),
        cmocka_unit_test(test_buildout_sized_to_gap),
        cmocka_unit_test(test_under_delivery_visible),
        cmocka_unit_test(test_forecast_any_lease_ramping_later),
        cmocka_unit_test(test_renewal_starts_when_the_lease_ends),
    };
    return cmocka_run_group_tests_name("procure", tests, NULL, NULL);
}
