/*
 * Unit tests for the capacity-position query (position.h): what a provider
 * holds and owes of each GPU type at a time, the typed/any rule with known
 * numbers, the shortfall of an oversubscribed provider, and what counts at
 * a time (phases online by then, decided sites only, contracts from their
 * start, ramps in whole nodes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "testlib.h"
#include "../../sim/model/position.h"

enum { H100, GB200 };
enum { SELLER, UPSTREAM, BUYER };

/* The seller owns 1000 H100 and 600 GB200 and leases in 200 of any type;
 * it owes 800 H100, 104 GB200 and `any_out` of any type. */
static spec *seller_spec(int64_t any_out)
{
    spec *s = testlib_market_spec(3, 100 * TESTLIB_DAY, TESTLIB_DAY);
    testlib_add_dc(s, "s-h100", SELLER, H100, 1000, -TESTLIB_DAY);
    testlib_add_dc(s, "s-gb200", SELLER, GB200, 600, -TESTLIB_DAY);
    testlib_add_contract(s, "in-any", UPSTREAM, SELLER, SPEC_ANY_GPU, 200, 0, 90 * TESTLIB_DAY,
                         2.0, SPEC_RESERVED);
    testlib_add_contract(s, "out-h100", SELLER, BUYER, H100, 800, 0, 90 * TESTLIB_DAY, 2.0,
                         SPEC_RESERVED);
    testlib_add_contract(s, "out-gb200", SELLER, BUYER, GB200, 104, 0, 90 * TESTLIB_DAY, 4.0,
                         SPEC_RESERVED);
    if (any_out > 0)
        testlib_add_contract(s, "out-any", SELLER, BUYER, SPEC_ANY_GPU, any_out, 0,
                             90 * TESTLIB_DAY, 2.0, SPEC_RESERVED);
    return s;
}

/* free = (1000 - 800) + (600 - 104) + 200 = 896. With 696 owed to `any`:
 * any 896 - 696 = 200; H100 min(200, 200) = 200; GB200 min(496, 200) = 200.
 * With 296: any 600; H100 min(200, 600) = 200; GB200 min(496, 600) = 496. */
static void test_typed_and_any_rule(void **state)
{
    (void)state;
    const int64_t any_out[] = {696, 296};
    const int64_t want_any[] = {200, 600}, want_h100[] = {200, 200}, want_gb200[] = {200, 496};
    for (int i = 0; i < 2; i++) {
        spec *s = seller_spec(any_out[i]);
        const entities e = entities_of_spec(s);
        position pos;
        assert_int_equal(position_init(&pos, s->n_gpus), CAPSIM_OK);
        position_at(&e, SELLER, 10 * TESTLIB_DAY, &pos);
        assert_int_equal(pos.held[H100], 1000);
        assert_int_equal(pos.held[GB200], 600);
        assert_int_equal(pos.held_any, 200);
        assert_int_equal(pos.committed[H100], 800);
        assert_int_equal(pos.committed[GB200], 104);
        assert_int_equal(pos.committed_any, any_out[i]);
        assert_int_equal(position_uncommitted(&pos, SPEC_ANY_GPU), want_any[i]);
        assert_int_equal(position_uncommitted(&pos, H100), want_h100[i]);
        assert_int_equal(position_uncommitted(&pos, GB200), want_gb200[i]);
        assert_int_equal(position_shortfall(&pos), 0);
        assert_int_equal(position_held_total(&pos), 1800);
        position_free(&pos);
        spec_destroy(s);
    }
}

/* Oversubscribed: 1200 H100 owed against 1000 held is 200 short, whatever
 * the GB200s do; `any` 1000 owed against free (0 + 496 + 200 = 696) is 304
 * short: 504 in all. Uncommitted is negative then. */
static void test_shortfall(void **state)
{
    (void)state;
    spec *s = seller_spec(1000);
    s->contracts[1].gpus = 1200;
    const entities e = entities_of_spec(s);
    position pos;
    assert_int_equal(position_init(&pos, s->n_gpus), CAPSIM_OK);
    position_at(&e, SELLER, 0, &pos);
    assert_int_equal(position_shortfall(&pos), 200 + 304);
    assert_int_equal(position_uncommitted(&pos, SPEC_ANY_GPU), 696 - 1000);
    assert_int_equal(position_uncommitted(&pos, H100), -304);   /* min(-200, -304) */
    position_free(&pos);
    spec_destroy(s);
}

/* What counts at t: a phase online later does not; a reserved site
 * (datacenter -1) does not; a signed contract counts from its start, not
 * before and not at its end; a ramp counts whole nodes. */
static void test_what_counts_when(void **state)
{
    (void)state;
    spec *s = testlib_market_spec(3, 100 * TESTLIB_DAY, TESTLIB_DAY);
    testlib_add_dc(s, "later", SELLER, H100, 512, 20 * TESTLIB_DAY);
    s->phases[s->n_phases] = (spec_phase){.datacenter = -1, .gpu = H100, .count = 8000,
                                          .online = SPEC_NO_TIME};
    s->n_phases++;
    testlib_add_contract(s, "future", UPSTREAM, SELLER, GB200, 144, 30 * TESTLIB_DAY,
                         60 * TESTLIB_DAY, 4.0, SPEC_RESERVED);
    spec_contract *ramp = testlib_add_contract(s, "ramp", SELLER, BUYER, H100, 400, 0,
                                               60 * TESTLIB_DAY, 2.0, SPEC_RESERVED);
    ramp->ramp_seconds = 40 * TESTLIB_DAY;
    const entities e = entities_of_spec(s);
    position pos;
    assert_int_equal(position_init(&pos, s->n_gpus), CAPSIM_OK);
    position_at(&e, SELLER, 19 * TESTLIB_DAY, &pos);
    assert_int_equal(pos.held[H100], 0);
    assert_int_equal(pos.held[GB200], 0);
    assert_int_equal(pos.committed[H100], 184);   /* 400 x 19/40 = 190 -> 184 (23 nodes) */
    position_at(&e, SELLER, 30 * TESTLIB_DAY, &pos);
    assert_int_equal(pos.held[H100], 512);
    assert_int_equal(pos.held[GB200], 144);
    assert_int_equal(pos.committed[H100], 296);   /* 400 x 30/40 = 300 -> 296 */
    assert_int_equal(position_uncommitted(&pos, H100), 512 - 296);
    position_at(&e, SELLER, 60 * TESTLIB_DAY, &pos);
    assert_int_equal(pos.held[GB200], 0);
    assert_int_equal(pos.committed[H100], 0);
    position_free(&pos);
    spec_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typed_and_any_rule),
        cmocka_unit_test(test_shortfall),
        cmocka_unit_test(test_what_counts_when),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
