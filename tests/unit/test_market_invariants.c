/*
 * Market invariants over 50 small seeded random markets with procurement
 * and build-out (issue 8's acceptance): a buyer with growing inference
 * demand asks two sellers of different GPU types (one may build), while
 * scenario contracts to a third provider may oversubscribe a seller on
 * purpose. About half the markets have a reseller that owns nothing and
 * leases back-to-back from the sellers (resell) for the buyer, which asks
 * it first or second; in about half, seller A owns both GPU types (a mixed
 * fleet, allocated oldest or newest first) and sells either type or `any`.
 * At every tick, with positions computed by position.h over the contracts
 * signed by then, for each seller and the reseller, GPU type by GPU type
 * and for its `any` contracts:
 *   - procurement never oversells: what it cannot deliver of each type
 *     (typed commitments beyond their type's holdings; `any` ones beyond
 *     what the typed ones leave plus the incoming `any`) equals what it
 *     could not deliver by its scenario contracts alone;
 *   - undelivered accounts for it exactly: its outgoing contracts of each
 *     type (and its `any` ones) have that many undelivered GPUs;
 *   - no procured contract ever under-delivers, and none that became
 *     active goes without delivering.
 * The markets have no failures, so the allocation can always deliver what
 * the position says is deliverable.
 * The generator is a fixed 64-bit LCG per market seed (no GSL draw order to
 * depend on), so the markets are the same on every run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "testlib.h"
#include "../../sim/model/position.h"

enum { BUYER, SELLER_A, SELLER_B, OTHER, RESELLER, N_PROVIDERS };

#define N_MARKETS 50
#define RUN_DAYS 120

typedef struct lcg { uint64_t x; } lcg;

/* Knuth's MMIX LCG; the high bits are the good ones. */
static uint64_t next(lcg *g)
{
    g->x = g->x * 6364136223846793005ULL + 1442695040888963407ULL;
    return g->x >> 33;
}

/* A uniform integer in [lo, hi]. */
static int64_t between(lcg *g, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(next(g) % (uint64_t)(hi - lo + 1));
}

/* What a market was drawn with. */
typedef struct shape {
    int mixed;       /* seller A also owns GPUs of seller B's type */
    int reseller;    /* a reseller stands between the buyer and the sellers */
} shape;

/* The reseller owns nothing and has no demand; it buys from both sellers,
 * back-to-back (resell), for whoever asks it. The buyer may ask it first,
 * or after one of the sellers. */
static void add_reseller(spec *s, lcg *g, const int sellers[2], int *buyer_sellers,
                         size_t *n_buyer_sellers)
{
    testlib_add_pricelist(s, RESELLER, SPEC_ANY_GPU, 2.6, 3.4, 1.2);
    const int first = sellers[between(g, 0, 1)];
    const int order[] = {first, first == SELLER_A ? SELLER_B : SELLER_A};
    spec_procurement *r = testlib_add_procurement(s, "resell", RESELLER, order, 2,
                                                  1000 * TESTLIB_DAY, 1000 * TESTLIB_DAY);
    r->resell = 1;
    if (between(g, 0, 1)) {
        buyer_sellers[0] = RESELLER;
        buyer_sellers[1] = sellers[0];
        buyer_sellers[2] = sellers[1];
    } else {
        buyer_sellers[0] = sellers[0];
        buyer_sellers[1] = RESELLER;
        buyer_sellers[2] = sellers[1];
    }
    *n_buyer_sellers = 3;
}

static spec *random_market(uint64_t seed, shape *sh)
{
    lcg g = {seed * 2654435761ULL + 1};
    spec *s = testlib_market_spec(N_PROVIDERS, RUN_DAYS * TESTLIB_DAY, TESTLIB_DAY);
    s->seed = seed;
    const int type_a = (int)between(&g, 0, 1), type_b = 1 - type_a;
    /* halves by a wider draw: the low bits of successive draws are correlated */
    sh->mixed = between(&g, 0, 99) < 50;
    sh->reseller = between(&g, 0, 99) < 50;
    s->providers[SELLER_A].allocation = between(&g, 0, 1) ? SPEC_NEWEST_FIRST : SPEC_OLDEST_FIRST;
    spec_workload *w = testlib_add_workload(s, "demand", BUYER, 0, (double)between(&g, 300, 3000));
    w->yearly_factor = (double)between(&g, 10, 80) / 10.0;
    w->diurnal_amplitude = (double)between(&g, 0, 3) / 10.0;
    testlib_add_dc(s, "a-1", SELLER_A, type_a, 8 * between(&g, 0, 300), -TESTLIB_DAY);
    testlib_add_dc(s, "a-2", SELLER_A, type_a, 8 * between(&g, 0, 200),
                   between(&g, 0, 100) * TESTLIB_DAY);
    if (sh->mixed)
        testlib_add_dc(s, "a-3", SELLER_A, type_b, 8 * between(&g, 0, 200),
                       between(&g, -1, 80) * TESTLIB_DAY);
    testlib_add_dc(s, "b-1", SELLER_B, type_b, 8 * between(&g, 0, 300), -TESTLIB_DAY);
    const int lessors[] = {SELLER_A, SELLER_B};
    const int64_t n_scenario = between(&g, 0, 3);
    for (int64_t k = 0; k < n_scenario; k++) {
        const int which = (int)between(&g, 0, 1);
        const int64_t start = between(&g, 0, 60) * TESTLIB_DAY;
        /* `any`, or a type the lessor owns: either of seller A's when mixed */
        const int64_t kind = between(&g, 0, 2);
        int gpu = lessors[which] == SELLER_A ? type_a : type_b;
        if (lessors[which] == SELLER_A && sh->mixed && kind == 2)
            gpu = type_b;
        char name[16];
        snprintf(name, sizeof name, "fixed-%lld", (long long)k);
        testlib_add_contract(s, name, lessors[which], OTHER, kind == 0 ? SPEC_ANY_GPU : gpu,
                             8 * between(&g, 1, 300), start,
                             start + between(&g, 20, 200) * TESTLIB_DAY, 2.0, SPEC_RESERVED);
    }
    testlib_add_pricelist(s, SELLER_A, SPEC_ANY_GPU, 2.0, 3.0, 1.0);
    testlib_add_pricelist(s, SELLER_B, SPEC_ANY_GPU, 2.1, 3.0, 1.0);
    const int order = (int)between(&g, 0, 1);
    const int sellers[] = {order ? SELLER_A : SELLER_B, order ? SELLER_B : SELLER_A};
    int buyer_sellers[3] = {sellers[0], sellers[1], 0};
    size_t n_buyer_sellers = 2;
    if (sh->reseller)
        add_reseller(s, &g, sellers, buyer_sellers, &n_buyer_sellers);
    spec_procurement *p = testlib_add_procurement(s, "buy", BUYER, buyer_sellers,
                                                  n_buyer_sellers, 0,
                                                  between(&g, 45, 60) * TESTLIB_DAY);
    p->horizon_seconds = between(&g, 20, 60) * TESTLIB_DAY;
    p->delivery_seconds = between(&g, 0, 20) * TESTLIB_DAY;
    p->gap_threshold_h100 = 50;
    const int64_t asked = between(&g, 0, 3);
    p->gpu = asked == 0 ? type_a : asked == 1 && sh->mixed ? type_b : SPEC_ANY_GPU;
    p->term_months = (int)between(&g, 2, 6);
    p->term_seconds = (int64_t)(p->term_months * 30.4375 * TESTLIB_DAY);
    if (between(&g, 0, 1)) {
        spec_buildout *b = &s->buildouts[s->n_buildouts++];
        snprintf(b->name, SPEC_NAME_MAX, "b-build");
        b->owner = SELLER_B;
        b->lead_seconds = between(&g, 10, 40) * TESTLIB_DAY;
        b->gpu = type_b;
        b->site_power_mw = (double)between(&g, 5, 20) / 10.0;
        b->pue = 1.2;
        b->trigger = SPEC_TRIGGER_DECLINED;
        b->max_sites = between(&g, 1, 3);
    }
    return s;
}

/* The market's entities as known at t: contracts signed by then (scenario
 * ones always), or the scenario's alone. */
static entities known_at(const market *m, spec_contract *scratch, int64_t t, int scenario_only)
{
    size_t n = 0;
    for (size_t c = 0; c < market_n_contracts(m); c++) {
        const spec_contract *k = market_contract(m, c);
        const int procured = k->origin == SPEC_ORIGIN_PROCURED;
        if (procured && (scenario_only || k->signed_at > t))
            continue;
        scratch[n++] = *k;
    }
    return (entities){market_spec(m), market_datacenter(m, 0), market_n_datacenters(m),
                      market_phase(m, 0), market_n_phases(m), scratch, n};
}

/* What the markets exercised, summed over all of them. */
typedef struct coverage {
    int64_t ticks, procured, partial, builds, build_backed, short_ticks;
    int64_t mixed, resold, typed_short_ticks;
} coverage;

/* What p cannot deliver at pos of type gpu (SPEC_ANY_GPU: of its `any`
 * contracts), by the typed/any rule of position.h: typed commitments
 * beyond their type's holdings, `any` ones beyond what the typed ones
 * leave plus the incoming `any`. Summed over the types and `any`, it is
 * position_shortfall. */
static int64_t short_of(const position *pos, int gpu)
{
    if (gpu != SPEC_ANY_GPU)
        return pos->committed[gpu] > pos->held[gpu] ? pos->committed[gpu] - pos->held[gpu] : 0;
    int64_t free_gpus = pos->held_any;
    for (size_t i = 0; i < pos->n_types; i++)
        if (pos->held[i] > pos->committed[i])
            free_gpus += pos->held[i] - pos->committed[i];
    return pos->committed_any > free_gpus ? pos->committed_any - free_gpus : 0;
}

/* The invariants at day k for provider p, type by type (and `any`). */
static void check_seller(const market *m, const testlib_recording *r, uint64_t seed, int64_t k,
                         int p, const position *all, const position *fixed, coverage *cov)
{
    const size_t n_types = market_spec(m)->n_gpus;
    int64_t undelivered_total = 0;
    for (int gpu = -1; gpu < (int)n_types; gpu++) {
        const int type = gpu < 0 ? SPEC_ANY_GPU : gpu;
        const char *name = gpu < 0 ? "any" : market_spec(m)->gpus[gpu].name;
        if (short_of(all, type) != short_of(fixed, type))
            fail_msg("market %llu, day %lld, p%d, %s: short %lld with procured contracts, "
                     "%lld from the scenario's alone",
                     (unsigned long long)seed, (long long)k, p, name,
                     (long long)short_of(all, type), (long long)short_of(fixed, type));
        int64_t undelivered = 0;
        for (size_t c = 0; c < r->n_contracts[k]; c++) {
            const spec_contract *x = market_contract(m, c);
            if (x->lessor == p && x->gpu == type)
                undelivered += r->contract[k][c].undelivered;
        }
        if (undelivered != short_of(all, type))
            fail_msg("market %llu, day %lld, p%d, %s: undelivered %lld, short %lld",
                     (unsigned long long)seed, (long long)k, p, name, (long long)undelivered,
                     (long long)short_of(all, type));
        cov->typed_short_ticks += gpu >= 0 && undelivered > 0;
        undelivered_total += undelivered;
    }
    if (undelivered_total != position_shortfall(all))
        fail_msg("market %llu, day %lld, p%d: undelivered %lld, shortfall %lld",
                 (unsigned long long)seed, (long long)k, p, (long long)undelivered_total,
                 (long long)position_shortfall(all));
    cov->short_ticks += undelivered_total > 0;
}

static void check_market(uint64_t seed, coverage *cov)
{
    shape sh;
    spec *s = random_market(seed, &sh);
    testlib_recording *r = calloc(1, sizeof *r);
    assert_non_null(r);
    market *m = testlib_run(s, r);
    spec_contract scratch[TESTLIB_MAX_CONTRACTS + 1];
    position all, fixed;
    assert_int_equal(position_init(&all, s->n_gpus), CAPSIM_OK);
    assert_int_equal(position_init(&fixed, s->n_gpus), CAPSIM_OK);
    int64_t delivered_ever[TESTLIB_MAX_CONTRACTS] = {0};
    int active_ever[TESTLIB_MAX_CONTRACTS] = {0};
    const int checked[] = {SELLER_A, SELLER_B, RESELLER};
    for (int64_t k = 0; k < r->n_ticks; k++) {
        const int64_t t = k * s->tick_seconds;
        for (size_t i = 0; i < sizeof checked / sizeof checked[0]; i++) {
            const entities e_all = known_at(m, scratch, t, 0);
            position_at(&e_all, checked[i], t, &all);
            const entities e_fixed = known_at(m, scratch, t, 1);
            position_at(&e_fixed, checked[i], t, &fixed);
            check_seller(m, r, seed, k, checked[i], &all, &fixed, cov);
        }
        for (size_t c = 0; c < r->n_contracts[k]; c++) {
            const market_contract_row *row = &r->contract[k][c];
            if (market_contract(m, c)->origin == SPEC_ORIGIN_PROCURED && row->undelivered != 0)
                fail_msg("market %llu, day %lld: procured %s delivers %lld of %lld",
                         (unsigned long long)seed, (long long)k, market_contract(m, c)->name,
                         (long long)row->delivered, (long long)row->committed);
            delivered_ever[c] += row->delivered;
            active_ever[c] |= row->active;
        }
    }
    cov->ticks += r->n_ticks;
    cov->partial += testlib_count_events(r, "request_partial");
    cov->builds += testlib_count_events(r, "build_started");
    cov->mixed += sh.mixed;
    for (size_t c = 0; c < market_n_contracts(m); c++) {
        const spec_contract *x = market_contract(m, c);
        cov->procured += x->origin == SPEC_ORIGIN_PROCURED;
        cov->resold += x->origin == SPEC_ORIGIN_PROCURED && x->lessee == RESELLER;
        cov->build_backed += x->origin == SPEC_ORIGIN_PROCURED &&
                             x->start > x->signed_at + s->procurements[0].delivery_seconds;
    }
    for (size_t c = 0; c < market_n_contracts(m); c++)
        if (market_contract(m, c)->origin == SPEC_ORIGIN_PROCURED && active_ever[c] &&
            delivered_ever[c] == 0)
            fail_msg("market %llu: procured %s never delivered", (unsigned long long)seed,
                     market_contract(m, c)->name);
    position_free(&all);
    position_free(&fixed);
    market_destroy(m);
    spec_destroy(s);
    free(r);
}

/* Every market, and that the set as a whole exercised what it should:
 * partial offers, build-backed contracts, and oversubscribed scenarios. */
static void test_random_markets(void **state)
{
    (void)state;
    coverage cov = {0};
    for (uint64_t seed = 1; seed <= N_MARKETS; seed++)
        check_market(seed, &cov);
    print_message("%lld ticks, %lld procured contracts (%lld starting after the lead time: "
                  "build-backed or renewals; %lld bought by the reseller), %lld partial offers, %lld sites, %lld seller-ticks short (%lld "
                  "of a type), %lld mixed fleets\n", (long long)cov.ticks,
                  (long long)cov.procured, (long long)cov.build_backed, (long long)cov.resold,
                  (long long)cov.partial, (long long)cov.builds, (long long)cov.short_ticks,
                  (long long)cov.typed_short_ticks, (long long)cov.mixed);
    assert_int_equal(cov.ticks, N_MARKETS * RUN_DAYS);
    assert_true(cov.procured >= N_MARKETS);
    assert_true(cov.build_backed > 0);
    assert_true(cov.partial > 0);
    assert_true(cov.builds > 0);
    assert_true(cov.short_ticks > 0);
    assert_true(cov.typed_short_ticks > 0);
    assert_true(cov.resold > 0);
    assert_true(cov.mixed > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_markets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
