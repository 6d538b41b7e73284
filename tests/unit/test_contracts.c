/*
 * Unit tests for contract dynamics in the market (market.h, finance.h,
 * price.h): spot preemption when the lessor's reserved commitments rise and
 * when its own workloads' demand rises, ramps in daily steps, SLA credits,
 * early termination fees, price quotes with term discounts and declining
 * lists, and per-type billing of scenario and procured contracts. Small
 * markets built in code (testlib.h), hourly ticks, known answers.
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

#include "../../sim/model/price.h"
#include "../../sim/model/finance.h"
#include "testlib.h"

enum { A, B, C };

/* Money nets to zero and delivered <= committed at every tick. */
static void check_conservation(const testlib_recording *r, size_t n_providers)
{
    for (int64_t k = 0; k < r->n_ticks; k++) {
        double revenue = 0, cost = 0;
        for (size_t p = 0; p < n_providers; p++) {
            revenue += r->provider[k][p].revenue_usd;
            cost += r->provider[k][p].lease_cost_usd;
            if (r->provider[k][p].leased_out > r->provider[k][p].pool)
                fail_msg("tick %lld provider %zu: leased_out %lld > pool %lld", (long long)k, p,
                         (long long)r->provider[k][p].leased_out,
                         (long long)r->provider[k][p].pool);
            assert_close(r->provider[k][p].served_h100 + r->provider[k][p].shortfall_h100,
                         r->provider[k][p].demand_h100, 1e-6);
        }
        assert_close(revenue, cost, 1e-6 * (1 + fabs(revenue)));
        for (size_t c = 0; c < r->n_contracts[k]; c++)
            if (r->contract[k][c].delivered > r->contract[k][c].committed)
                fail_msg("tick %lld contract %zu: delivered %lld > committed %lld", (long long)k,
                         c, (long long)r->contract[k][c].delivered,
                         (long long)r->contract[k][c].committed);
        for (size_t d = 0; d < r->n_datacenters[k]; d++) {
            const market_dc_row *x = &r->dc[k][d];
            assert_int_equal(x->installed, x->healthy + x->failed + x->maintenance);
            assert_true(x->allocated <= x->healthy);
        }
    }
}

/* A owns 1024 H100, leases 512 spot to B; a reserved 768 to C starts at
 * day 1: from tick 24 the spot contract gets only 256, and the other 256
 * are counted preempted. */
static void test_spot_preempted_by_reserved(void **state)
{
    (void)state;
    spec *s = testlib_market_spec(3, 2 * TESTLIB_DAY, TESTLIB_HOUR);
    testlib_add_dc(s, "a-dc", A, 0, 1024, -TESTLIB_DAY);
    testlib_add_contract(s, "a-b-spot", A, B, 0, 512, -TESTLIB_DAY, 10 * TESTLIB_DAY, 1.25,
                         SPEC_SPOT);
    testlib_add_contract(s, "a-c", A, C, 0, 768, TESTLIB_DAY, 10 * TESTLIB_DAY, 2.10,
                         SPEC_RESERVED);
    testlib_add_workload(s, "b-infer", B, 0, 400);
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_int_equal(r->n_ticks, 48);
    assert_int_equal(r->contract[23][0].delivered, 512);
    assert_int_equal(r->contract[23][0].preempted, 0);
    assert_int_equal(r->contract[24][0].delivered, 256);
    assert_int_equal(r->contract[24][0].preempted, 256);
    assert_int_equal(r->contract[24][1].delivered, 768);
    /* spot is billed on use: B uses min(400, 256) = 256 GPUs at 1.25 */
    assert_close(r->contract[24][0].payment_usd, 256 * 1.25, 1e-3);
    assert_close(r->contract[23][0].payment_usd, 400 * 1.25, 1e-3);
    check_conservation(r, 3);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* A sells all 1024 of its H100 spot to B; A's own workload (300 H100) starts
 * at day 1: A takes back 38 nodes = 304 GPUs each tick from then on. */
static void test_spot_preempted_by_own_demand(void **state)
{
    (void)state;
    spec *s = testlib_market_spec(2, 2 * TESTLIB_DAY, TESTLIB_HOUR);
    testlib_add_dc(s, "a-dc", A, 0, 1024, -TESTLIB_DAY);
    testlib_add_contract(s, "a-b-spot", A, B, 0, 1024, -TESTLIB_DAY, 10 * TESTLIB_DAY, 1.50,
                         SPEC_SPOT);
    testlib_add_workload(s, "a-own", A, TESTLIB_DAY, 300);
    testlib_add_workload(s, "b-infer", B, 0, 500);
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_int_equal(r->contract[23][0].delivered, 1024);
    assert_int_equal(r->contract[23][0].preempted, 0);
    assert_close(r->provider[23][A].served_h100, 0.0, 0.0);
    assert_int_equal(r->contract[24][0].delivered, 1024 - 304);
    assert_int_equal(r->contract[24][0].preempted, 304);
    assert_close(r->provider[24][A].served_h100, 300.0, 1e-9);
    assert_close(r->provider[24][A].shortfall_h100, 0.0, 1e-9);
    assert_close(r->provider[24][B].served_h100, 500.0, 1e-9);
    assert_close(r->workload[24][1].capacity_h100, 720.0, 1e-9);
    /* by source: B owns nothing, so the spot contract gives all of B's
     * capacity; A's own capacity is the GPUs it took back */
    assert_close(r->provider[23][B].capacity_h100, 1024.0, 1e-9);
    assert_close(r->contract[23][0].capacity_h100, 1024.0, 1e-9);
    assert_close(r->provider[24][A].capacity_h100, 304.0, 1e-9);
    assert_close(r->provider[24][B].capacity_h100, 720.0, 1e-9);
    assert_close(r->contract[24][0].capacity_h100, 720.0, 1e-9);
    /* used on the spot contract is B's use only (float load factor) */
    assert_close(r->contract[24][0].used, 500.0, 1e-3);
    assert_close(r->contract[24][0].payment_usd, 500 * 1.50, 1e-2);
    /* the preempted GPUs run at A's load: the DC is busy with both */
    assert_close(r->dc[24][0].busy, 800.0, 1e-2);
    assert_close(r->provider[24][A].used, 300.0 + 500.0, 1e-2);
    check_conservation(r, 2);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* Capacity by source through a chain: A owns 1024 H100 and leases all of
 * them reserved to B, which owns nothing and sublets 512 spot to C. B keeps
 * 512 for itself (the reserved contract's capacity; the spot contract's 512
 * count at the spot contract, C's). From day 1 B's demand of 800 takes back
 * 288 GPUs (36 nodes) from C: they return through the reserved contract. */
static void test_capacity_by_source_chain(void **state)
{
    (void)state;
    spec *s = testlib_market_spec(3, 2 * TESTLIB_DAY, TESTLIB_HOUR);
    testlib_add_dc(s, "a-dc", A, 0, 1024, -TESTLIB_DAY);
    testlib_add_contract(s, "a-b", A, B, 0, 1024, -TESTLIB_DAY, 10 * TESTLIB_DAY, 2.0,
                         SPEC_RESERVED);
    testlib_add_contract(s, "b-c-spot", B, C, 0, 512, -TESTLIB_DAY, 10 * TESTLIB_DAY, 1.5,
                         SPEC_SPOT);
    testlib_add_workload(s, "b-own", B, TESTLIB_DAY, 800);
    testlib_add_workload(s, "c-infer", C, 0, 500);
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_close(r->contract[23][0].capacity_h100, 512.0, 1e-9);
    assert_close(r->contract[23][1].capacity_h100, 512.0, 1e-9);
    assert_close(r->provider[23][A].capacity_h100, 0.0, 0.0);
    assert_int_equal(r->contract[24][1].preempted, 288);
    assert_close(r->provider[24][B].capacity_h100, 800.0, 1e-9);
    assert_close(r->contract[24][0].capacity_h100, 800.0, 1e-9);
    assert_close(r->provider[24][C].capacity_h100, 224.0, 1e-9);
    assert_close(r->contract[24][1].capacity_h100, 224.0, 1e-9);
    check_conservation(r, 3);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* 4008 GPUs ramped over 10 days from day 0, daily steps:
 * committed(day d) = nodes of floor(4008 x d / 10). */
static void test_ramp_daily_steps(void **state)
{
    (void)state;
    spec *s = testlib_market_spec(2, 12 * TESTLIB_DAY, 6 * TESTLIB_HOUR);
    testlib_add_dc(s, "a-dc", A, 0, 8192, -TESTLIB_DAY);
    spec_contract *k = testlib_add_contract(s, "a-b", A, B, 0, 4008, 0, 100 * TESTLIB_DAY, 2.0,
                                            SPEC_RESERVED);
    k->ramp_seconds = 10 * TESTLIB_DAY;
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    const int64_t want[] = {0, 400, 800, 1200, 1600, 2000, 2400, 2800, 3200, 3600, 4008, 4008};
    for (int d = 0; d < 12; d++)
        for (int q = 0; q < 4; q++) {   /* four 6-hour ticks per day: a step holds all day */
            const int64_t tick = 4 * d + q;
            if (r->contract[tick][0].committed != want[d])
                fail_msg("day %d tick %lld: committed %lld, expected %lld", d, (long long)tick,
                         (long long)r->contract[tick][0].committed, (long long)want[d]);
            assert_int_equal(r->contract[tick][0].delivered, want[d] - want[d] % 8);
        }
    assert_close(r->contract[12][0].payment_usd, 1200 * 2.0 * 6, 1e-9);
    check_conservation(r, 2);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* A owns 1024 but committed 2048 with a 99% SLA and a 10% credit: every
 * tick credits 10% of the 1024 x 2.00 due. */
static void test_sla_credit(void **state)
{
    (void)state;
    spec *s = testlib_market_spec(2, TESTLIB_DAY, TESTLIB_HOUR);
    testlib_add_dc(s, "a-dc", A, 0, 1024, -TESTLIB_DAY);
    spec_contract *k = testlib_add_contract(s, "a-b", A, B, 0, 2048, -TESTLIB_DAY,
                                            10 * TESTLIB_DAY, 2.0,
                                            SPEC_RESERVED);
    k->sla_availability = 0.99;
    k->sla_credit_share = 0.1;
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    assert_int_equal(r->contract[5][0].delivered, 1024);
    assert_close(r->contract[5][0].payment_usd, 2048.0, 1e-9);
    assert_close(r->contract[5][0].sla_credit_usd, 204.8, 1e-9);
    assert_close(r->provider[5][A].revenue_usd, 2048.0 - 204.8, 1e-9);
    assert_close(r->provider[5][B].lease_cost_usd, 2048.0 - 204.8, 1e-9);
    check_conservation(r, 2);
    /* an SLA that is met earns nothing */
    k->gpus = 1024;
    assert_close(finance_sla_credit(k, 1, 1024, 1016, 100.0), 0.0, 0.0);   /* 1016 >= 1013.76 */
    assert_close(finance_sla_credit(k, 1, 1024, 1008, 100.0), 10.0, 1e-12);
    assert_close(finance_sla_credit(k, 0, 1024, 0, 100.0), 0.0, 0.0);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* 800 GPUs at 2.50 until day 100, terminated at day 2 with a 3-month fee:
 * 98 days remain (> 3 months), so the fee is 800 x 2.50 x 3 x 730.5 h. */
static void test_termination_fee(void **state)
{
    (void)state;
    spec *s = testlib_market_spec(2, 3 * TESTLIB_DAY, TESTLIB_HOUR);
    testlib_add_dc(s, "a-dc", A, 0, 1024, -TESTLIB_DAY);
    spec_contract *k = testlib_add_contract(s, "a-b", A, B, 0, 800, -10 * TESTLIB_DAY,
                                            100 * TESTLIB_DAY, 2.5,
                                            SPEC_RESERVED);
    k->terminate = 2 * TESTLIB_DAY;
    k->termination_fee_months = 3;
    testlib_recording *r = calloc(1, sizeof *r);
    market *m = testlib_run(s, r);
    const double fee = 800 * 2.5 * 3 * 730.5;
    assert_int_equal(r->contract[47][0].active, 1);
    assert_close(r->contract[47][0].fee_usd, 0.0, 0.0);
    assert_int_equal(r->contract[48][0].active, 0);
    assert_int_equal(r->contract[48][0].delivered, 0);
    assert_close(r->contract[48][0].payment_usd, 0.0, 0.0);
    assert_close(r->contract[48][0].fee_usd, fee, 1e-6);
    assert_close(r->contract[49][0].fee_usd, 0.0, 0.0);
    assert_close(r->provider[48][A].revenue_usd, fee, 1e-6);
    assert_close(r->provider[48][B].lease_cost_usd, fee, 1e-6);
    const int ev = testlib_find_event(r, "contract_terminated", 0);
    assert_true(ev >= 0);
    assert_int_equal(r->event_t[ev], 2 * TESTLIB_DAY);
    assert_string_equal(r->event_entity[ev], "a-b");
    check_conservation(r, 2);
    /* a fee capped by the remaining term: 15 days left of a 3-month fee */
    assert_close(finance_termination_fee(k, 800, 85 * TESTLIB_DAY), 800 * 2.5 * 15 * 24, 1e-6);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

static void test_price_quote(void **state)
{
    (void)state;
    spec *s = testlib_market_spec(3, TESTLIB_DAY, TESTLIB_HOUR);
    spec_pricelist *any = testlib_add_pricelist(s, A, SPEC_ANY_GPU, 2.00, 2.80, -1);
    any->discount_per_year = 0.05;
    any->max_discount = 0.12;
    spec_pricelist *h100 = testlib_add_pricelist(s, A, 0, 2.40, 3.10, 1.20);
    h100->discount_per_year = 0.10;
    h100->max_discount = 0.15;
    double price = 0;
    assert_int_equal(price_quote(s, A, 0, SPEC_RESERVED, 36, 0, &price), PRICE_OK);
    assert_close(price, 2.40 * 0.85, 1e-12);            /* 0.20 capped at 0.15 */
    assert_int_equal(price_quote(s, A, 0, SPEC_RESERVED, 18, 0, &price), PRICE_OK);
    assert_close(price, 2.40 * (1 - 0.05), 1e-12);      /* half a year beyond the first */
    assert_int_equal(price_quote(s, A, 0, SPEC_ON_DEMAND, 12, 0, &price), PRICE_OK);
    assert_close(price, 3.10, 1e-12);                   /* one year: list price */
    assert_int_equal(price_quote(s, A, 1, SPEC_RESERVED, 24, 0, &price), PRICE_OK);
    assert_close(price, 2.00 * 0.95, 1e-12);            /* GB200: the any list */
    assert_int_equal(price_quote(s, A, SPEC_ANY_GPU, SPEC_RESERVED, 60, 0, &price), PRICE_OK);
    assert_close(price, 2.00 * 0.88, 1e-12);
    assert_int_equal(price_quote(s, A, 1, SPEC_SPOT, 12, 0, &price), PRICE_NOT_OFFERED);
    assert_int_equal(price_quote(s, B, 0, SPEC_RESERVED, 12, 0, &price), PRICE_NO_LIST);
    assert_close(price_term_discount(h100, 0.5), 0.0, 0.0);
    spec_destroy(s);
}

/* Quotes at signing time: list x (1 - decline)^years x (1 - term discount),
 * years of 365.25 days; nothing before the start. */
static void test_price_decline(void **state)
{
    (void)state;
    spec *s = testlib_market_spec(3, TESTLIB_DAY, TESTLIB_HOUR);
    spec_pricelist *l = testlib_add_pricelist(s, A, SPEC_ANY_GPU, 3.00, 6.16, -1);
    l->decline_per_year = 0.2;
    l->discount_per_year = 0.05;
    l->max_discount = 0.6;
    const int64_t year = (int64_t)UNITS_SECONDS_PER_YEAR_REAL;
    double price = 0;
    assert_int_equal(price_quote(s, A, SPEC_ANY_GPU, SPEC_RESERVED, 12, 0, &price), PRICE_OK);
    assert_close(price, 3.00, 1e-12);
    assert_int_equal(price_quote(s, A, SPEC_ANY_GPU, SPEC_RESERVED, 12, 2 * year, &price),
                     PRICE_OK);
    assert_close(price, 3.00 * 0.64, 1e-12);                 /* 0.8^2 */
    assert_int_equal(price_quote(s, A, SPEC_ANY_GPU, SPEC_RESERVED, 36, 2 * year, &price),
                     PRICE_OK);
    assert_close(price, 3.00 * 0.64 * 0.90, 1e-12);          /* and 2 years x 5% off */
    assert_int_equal(price_quote(s, A, SPEC_ANY_GPU, SPEC_ON_DEMAND, 12, year / 2, &price),
                     PRICE_OK);
    assert_close(price, 6.16 * sqrt(0.8), 1e-12);            /* half a year */
    assert_close(price_decline_factor(l, -year), 1.0, 0.0);  /* no rise before the start */
    l->decline_per_year = 0;
    assert_close(price_decline_factor(l, 3 * year), 1.0, 0.0);
    spec_destroy(s);
}

/* An `any` contract signed by A gets A's single-type lists that offer its
 * kind, at their quotes; a typed contract gets none. */
static void test_fill_type_prices(void **state)
{
    (void)state;
    spec *s = testlib_market_spec(3, TESTLIB_DAY, TESTLIB_HOUR);
    testlib_add_pricelist(s, A, SPEC_ANY_GPU, 2.00, -1, -1);
    spec_pricelist *gb = testlib_add_pricelist(s, A, 1, 4.20, 10.50, -1);
    gb->decline_per_year = 0.1;
    testlib_add_pricelist(s, A, 0, -1, 6.16, -1);            /* H100: no reserved price */
    testlib_add_pricelist(s, B, 0, 1.70, -1, -1);            /* another seller's */
    const int64_t year = (int64_t)UNITS_SECONDS_PER_YEAR_REAL;
    spec_contract k = {.lessor = A, .lessee = C, .gpu = SPEC_ANY_GPU, .kind = SPEC_RESERVED,
                       .price_per_gpu_hour = 2.00};
    price_fill_type_prices(s, &k, 12, year);
    assert_int_equal(k.n_type_prices, 1);
    assert_int_equal(k.type_prices[0].gpu, 1);
    assert_close(price_of_type(&k, 1), 4.20 * 0.9, 1e-12);
    assert_close(price_of_type(&k, 0), 2.00, 0.0);           /* the default */
    k.gpu = 0;
    price_fill_type_prices(s, &k, 12, year);
    assert_int_equal(k.n_type_prices, 0);
    spec_destroy(s);
}

/* Per-type billing. A owns 800 H100 (DC first) and 1600 GB200 and leases
 * to B: an `any` reserved contract of 1600 at H100 2.10, GB200 4.20, and a
 * GB200 on-demand contract of 800 at 9.00 that B leaves idle. Oldest first:
 * the GB200 contract takes 800 GB200, the `any` one 800 H100 + 800 GB200.
 * Reserved pays (800 x 2.10 + 800 x 4.20) per hour = 5040; its weighted
 * price is 3.15. The on-demand contract pays nothing (B has no workload). */
static void test_per_type_billing(void **state)
{
    (void)state;
    spec *s = testlib_market_spec(2, 6 * TESTLIB_HOUR, TESTLIB_HOUR);
    testlib_add_dc(s, "h", A, 0, 800, -TESTLIB_DAY);
    testlib_add_dc(s, "gb", A, 1, 1600, -TESTLIB_DAY);
    spec_contract *any = testlib_add_contract(s, "any", A, B, SPEC_ANY_GPU, 1600, 0,
                                              6 * TESTLIB_HOUR, 2.10, SPEC_RESERVED);
    any->n_type_prices = 2;
    any->type_prices[0] = (spec_type_price){0, 2.10};
    any->type_prices[1] = (spec_type_price){1, 4.20};
    testlib_add_contract(s, "gb", A, B, 1, 800, 0, 6 * TESTLIB_HOUR, 9.00, SPEC_ON_DEMAND);
    testlib_recording *r = calloc(1, sizeof *r);
    assert_non_null(r);
    market *m = testlib_run(s, r);
    assert_int_equal(r->n_ticks, 6);
    for (int64_t k = 0; k < r->n_ticks; k++) {
        assert_int_equal(r->contract[k][0].delivered, 1600);
        assert_int_equal(r->contract[k][1].delivered, 800);
        assert_close(r->contract[k][0].payment_usd, 800 * 2.10 + 800 * 4.20, 1e-9);
        assert_close(r->contract[k][0].price_per_gpu_hour, 3.15, 1e-12);
        assert_close(r->contract[k][1].price_per_gpu_hour, 9.00, 1e-12);
        assert_close(r->contract[k][1].payment_usd, 0.0, 0.0);
        assert_int_equal(r->contract[k][0].lessor_unleased, 0);
        assert_close(r->provider[k][A].revenue_usd, 5040.0, 1e-9);
        assert_close(r->provider[k][B].lease_cost_usd, 5040.0, 1e-9);
    }
    check_conservation(r, 2);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* A procured `any` contract is priced per type from the seller's lists: A
 * sells H100s (800, its first DC) and GB200s at an `any` list of 2.00 and a
 * GB200 list of 4.00 (12-month terms: no discount; signed at 0: no
 * decline). B's review asks for 1100 H100-eq (1000 x 1.1), sized at A's
 * mix: oldest first the 800 H100 (800 H100-eq), then 300 / 2.5 = 120
 * GB200, 920 GPUs in whole nodes, billed 800 x 2.00 + 120 x 4.00 per hour. */
static void test_procured_any_priced_per_type(void **state)
{
    (void)state;
    spec *s = testlib_market_spec(2, TESTLIB_DAY, TESTLIB_HOUR);
    testlib_add_dc(s, "h", A, 0, 800, -TESTLIB_DAY);
    testlib_add_dc(s, "gb", A, 1, 800, -TESTLIB_DAY);
    testlib_add_workload(s, "chat", B, 0, 1000);
    testlib_add_pricelist(s, A, SPEC_ANY_GPU, 2.00, -1, -1);
    spec_pricelist *gb = testlib_add_pricelist(s, A, 1, 4.00, -1, -1);
    gb->decline_per_year = 0.1;
    const int sellers[] = {A};
    spec_procurement *p = testlib_add_procurement(s, "buy", B, sellers, 1, 0, 30 * TESTLIB_DAY);
    p->gpu = SPEC_ANY_GPU;
    p->max_price_per_gpu_hour = 3.0;     /* the `any` quote (2.00) is within it */
    testlib_recording *r = calloc(1, sizeof *r);
    assert_non_null(r);
    market *m = testlib_run(s, r);
    assert_int_equal(market_n_contracts(m), 1);
    const spec_contract *k = market_contract(m, 0);
    assert_int_equal(k->gpus, 920);
    assert_close(k->price_per_gpu_hour, 2.00, 1e-12);
    assert_int_equal(k->n_type_prices, 1);
    assert_close(price_of_type(k, 1), 4.00, 1e-12);
    const market_contract_row *row = &r->contract[r->n_ticks - 1][0];
    assert_int_equal(row->delivered, 920);
    assert_close(row->payment_usd, 800 * 2.00 + 120 * 4.00, 1e-9);
    assert_close(row->price_per_gpu_hour, (800 * 2.00 + 120 * 4.00) / 920.0, 1e-12);
    check_conservation(r, 2);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spot_preempted_by_reserved),
        cmocka_unit_test(test_spot_preempted_by_own_demand),
        cmocka_unit_test(test_capacity_by_source_chain),
        cmocka_unit_test(test_ramp_daily_steps),
        cmocka_unit_test(test_sla_credit),
        cmocka_unit_test(test_termination_fee),
        cmocka_unit_test(test_price_quote),
        cmocka_unit_test(test_price_decline),
        cmocka_unit_test(test_fill_type_prices),
        cmocka_unit_test(test_per_type_billing),
        cmocka_unit_test(test_procured_any_priced_per_type),
    };
    return cmocka_run_group_tests_name("contracts", tests, NULL, NULL);
}
