/*
 * Unit tests for alloc: the fleet layout (DC, type, online order), online
 * prefixes, the carving rules (own DCs first, whole nodes, any type, typed
 * contracts first and both allocation policies, spot last, under-
 * delivery), chains, unhealthy GPUs moved to each group's tail with their
 * perf, leaf ranges matching f->allocation, and the topological order.
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

#include "../../sim/model/alloc.h"
#include "../../sim/model/fleet.h"
#include "testlib.h"

static size_t count_leaves(const alloc *a)
{
    size_t n;
    alloc_leaves(a, &n);
    return n;
}

static size_t count_groups(const alloc *a)
{
    size_t n;
    alloc_groups(a, &n);
    return n;
}

typedef struct world {
    spec *spec;
    alloc *alloc;
    fleet *fleet;
} world;

/* Builds alloc and fleet for s; every phase online and contract active
 * whose times say so at time t. Does not rebuild. */
static world make_world(spec *s, int64_t t)
{
    world w = {.spec = s, .alloc = alloc_create(s)};
    assert_non_null(w.alloc);
    w.fleet = fleet_create(alloc_n_gpus(w.alloc));
    assert_non_null(w.fleet);
    for (size_t p = 0; p < s->n_phases; p++)
        alloc_set_phase_online(w.alloc, p, s->phases[p].online <= t);
    for (size_t c = 0; c < s->n_contracts; c++)
        alloc_table(w.alloc)->active[c] = s->contracts[c].start <= t && t < s->contracts[c].end;
    return w;
}

static void free_world(world *w)
{
    fleet_destroy(w->fleet);
    alloc_destroy(w->alloc);
    spec_destroy(w->spec);
}

/* The layout right after a rebuild, GPUs in place (alloc.h): in every
 * group the leaves tile [lo, served_hi) in order, each range holding
 * exactly its leaf's `gpus` healthy GPUs and ending at one; every GPU of a
 * leaf's range carries the leaf's position in f->allocation, which
 * alloc_leaf_of turns back into the leaf for a healthy GPU (-1 for one that
 * is down); past served_hi nothing is healthy and everything is -1; rank
 * and select are inverse over the healthy GPUs; and a leaf's served perf is
 * the plain sum of its healthy GPUs' perf, bit for bit. */
static void check_layout(const world *w)
{
    const alloc *a = w->alloc;
    const fleet *f = w->fleet;
    size_t covered = 0, healthy = 0, assigned = 0;
    for (size_t g = 0; g < count_groups(a); g++) {
        const alloc_group *gr = &alloc_groups(a, NULL)[g];
        size_t first, end;
        alloc_group_leaves(a, g, &first, &end);
        size_t at = gr->lo;
        int64_t in_group = 0;
        for (size_t i = gr->lo; i < gr->online_hi; i++) {
            assert_int_equal(alloc_served(a, i), f->state[i] == FLEET_HEALTHY);
            if (f->state[i] != FLEET_HEALTHY)
                continue;
            assert_int_equal(alloc_served_rank(a, g, i), in_group);
            assert_int_equal(alloc_served_select(a, g, in_group), i);
            in_group++;
        }
        assert_int_equal(gr->healthy, in_group);
        assert_int_equal(alloc_served_rank(a, g, gr->online_hi), in_group);
        healthy += (size_t)in_group;
        for (size_t l = first; l < end; l++) {
            const alloc_leaf *leaf = &alloc_leaves(a, NULL)[l];
            assert_int_equal(leaf->group, (int)g);
            assert_int_equal(leaf->lo, at);
            if (!(leaf->hi > leaf->lo && f->state[leaf->hi - 1] == FLEET_HEALTHY))
                fail_msg("leaf %zu [%zu, %zu) does not end at a healthy GPU", l, leaf->lo,
                         leaf->hi);
            int64_t served = 0;
            double perf = 0.0;
            for (size_t i = leaf->lo; i < leaf->hi; i++) {
                const int up = f->state[i] == FLEET_HEALTHY;
                served += up;
                perf += up ? (double)f->perf[i] : 0.0;
                if (f->allocation[i] != (int32_t)(l - first))
                    fail_msg("GPU %zu: allocation %d, expected position %zu of leaf %zu", i,
                             f->allocation[i], l - first, l);
                if (alloc_leaf_of(a, f, i) != (up ? (int)l : -1))
                    fail_msg("GPU %zu (state %d): alloc_leaf_of %d, leaf %zu", i, f->state[i],
                             alloc_leaf_of(a, f, i), l);
            }
            assert_int_equal(served, leaf->gpus);
            const double got = alloc_served_perf(a, f, leaf->lo, leaf->hi);
            if (memcmp(&got, &perf, sizeof got) != 0)
                fail_msg("leaf %zu: served perf %a, the plain sum %a", l, got, perf);
            covered += (size_t)served;
            at = leaf->hi;
        }
        assert_int_equal(at, gr->served_hi);
        for (size_t i = gr->served_hi; i < gr->hi; i++) {
            if (i < gr->online_hi && f->state[i] == FLEET_HEALTHY)
                fail_msg("group %zu: GPU %zu is healthy past its served end %zu", g, i,
                         gr->served_hi);
            assert_int_equal(f->allocation[i], -1);
        }
    }
    for (size_t i = 0; i < f->n; i++) {
        assigned += f->allocation[i] >= 0 && f->state[i] == FLEET_HEALTHY;
        if (f->allocation[i] < 0 && alloc_leaf_of(a, f, i) != -1)
            fail_msg("GPU %zu serves no leaf, but alloc_leaf_of says %d", i,
                     alloc_leaf_of(a, f, i));
    }
    assert_int_equal(covered, healthy);
    assert_int_equal(assigned, healthy);
}

static void test_layout_by_dc_type_online(void **state)
{
    (void)state;
    spec *s = testlib_chain_alloc(2, 1, 2, 4, 0, 0);
    testlib_gpu(&s->gpus[0], "H100", 700, 90, 1, 1, 1, 0);
    testlib_gpu(&s->gpus[1], "GB200", 1200, 180, 2.5, 1, 1, 0);
    testlib_dc(&s->datacenters[0], "a", 0, 1.2, 50);
    testlib_dc(&s->datacenters[1], "b", 0, 1.2, 50);
    testlib_phase(&s->phases[0], "a-late", 0, 0, 400, 100 * TESTLIB_HOUR);
    testlib_phase(&s->phases[1], "a-gb", 0, 1, 800, 0);
    testlib_phase(&s->phases[2], "a-early", 0, 0, 240, -5);
    testlib_phase(&s->phases[3], "b", 1, 0, 64, 0);
    world w = make_world(s, 0);
    alloc *a = w.alloc;
    assert_int_equal(alloc_n_gpus(a), 1504);
    assert_int_equal(count_groups(a), 3);
    assert_int_equal(alloc_phase_first_gpu(a, 2), 0);      /* a-early before a-late */
    assert_int_equal(alloc_phase_first_gpu(a, 0), 240);
    assert_int_equal(alloc_phase_first_gpu(a, 1), 640);
    assert_int_equal(alloc_phase_first_gpu(a, 3), 1440);
    assert_int_equal(alloc_rebuild(w.alloc, w.fleet), 0);
    assert_int_equal(alloc_groups(a, NULL)[0].online_hi, 240);
    assert_int_equal(alloc_groups(a, NULL)[1].online_hi, 1440);
    assert_int_equal(alloc_datacenter_counts(a).installed[0], 1040);
    assert_int_equal(alloc_datacenter_counts(a).allocated[0], 0);   /* owner without workloads */
    assert_int_equal(w.fleet->allocation[239] >= 0, 1);
    assert_int_equal(w.fleet->allocation[240], -1);
    check_layout(&w);
    alloc_set_phase_online(w.alloc, 0, 1);
    assert_int_equal(alloc_rebuild(w.alloc, w.fleet), 0);
    assert_int_equal(alloc_datacenter_counts(a).installed[0], 1440);
    check_layout(&w);
    free_world(&w);
}

static void test_chain_at_start(void **state)
{
    (void)state;
    world w = make_world(testlib_chain(), 0);
    assert_int_equal(alloc_rebuild(w.alloc, w.fleet), 0);
    alloc *a = w.alloc;
    assert_int_equal(alloc_table(a)->delivered[C_CW_GOOGLE], 2400);
    assert_int_equal(alloc_table(a)->delivered[C_GOOGLE_OPENAI], 1600);
    assert_int_equal(alloc_table(a)->delivered[C_CW_GOOGLE_GB200], 0);
    if (fabs(alloc_provider_capacity_h100(a)[P_OPENAI] - 1600.0) > 1e-9 ||
        fabs(alloc_provider_capacity_h100(a)[P_GOOGLE] - 1824.0) > 1e-9)
        fail_msg("capacity openai %g (want 1600), google %g (want 1824)",
                 alloc_provider_capacity_h100(a)[P_OPENAI], alloc_provider_capacity_h100(a)[P_GOOGLE]);
    /* Leaves in fleet order: plano H100 cw own 1696, google via cw-google
     * 1824, openai via cw-google + google-openai 576; iowa openai 1024. */
    assert_int_equal(count_leaves(a), 4);
    const int64_t gpus[] = {1696, 1824, 576, 1024};
    const int users[] = {P_COREWEAVE, P_GOOGLE, P_OPENAI, P_OPENAI};
    const size_t chain_len[] = {0, 1, 2, 1};
    for (size_t l = 0; l < 4; l++) {
        int chain[4] = {-1, -1, -1, -1};
        assert_int_equal(alloc_leaves(a, NULL)[l].gpus, gpus[l]);
        assert_int_equal(alloc_leaves(a, NULL)[l].user, users[l]);
        assert_int_equal(alloc_leaf_chain(a, l, chain, 4), chain_len[l]);
        if (l == 2) {
            assert_int_equal(chain[0], C_CW_GOOGLE);
            assert_int_equal(chain[1], C_GOOGLE_OPENAI);
        }
        if (l == 3)
            assert_int_equal(chain[0], C_GOOGLE_OPENAI);
    }
    assert_int_equal(alloc_leaf_chain(a, 2, NULL, 0), 2);  /* too small: length only */
    check_layout(&w);
    free_world(&w);
}

/* With everything online, an any-type contract larger than the H100s runs
 * on into the GB200s google leases, after its own DC's H100s. */
static void test_any_type_crosses_types(void **state)
{
    (void)state;
    spec *s = testlib_chain();
    s->contracts[C_GOOGLE_OPENAI].gpus = 4000;
    s->contracts[C_GOOGLE_OPENAI].end = 1000 * TESTLIB_DAY;
    world w = make_world(s, CHAIN_GB200_START);
    assert_int_equal(alloc_rebuild(w.alloc, w.fleet), 0);
    alloc *a = w.alloc;
    assert_int_equal(alloc_table(a)->delivered[C_GOOGLE_OPENAI], 4000);
    assert_int_equal(alloc_table(a)->delivered[C_CW_GOOGLE_GB200], 1024);
    const double want_openai = 1024 + 2400 + 576 * 2.5, want_google = 448 * 2.5;
    if (fabs(alloc_provider_capacity_h100(a)[P_OPENAI] - want_openai) > 1e-9 ||
        fabs(alloc_provider_capacity_h100(a)[P_GOOGLE] - want_google) > 1e-9)
        fail_msg("capacity openai %g (want %g), google %g (want %g)",
                 alloc_provider_capacity_h100(a)[P_OPENAI], want_openai,
                 alloc_provider_capacity_h100(a)[P_GOOGLE], want_google);
    assert_int_equal(alloc_datacenter_counts(a).allocated[DC_PLANO], 2400 + 1024);
    check_layout(&w);
    free_world(&w);
}

/* Failed and maintenance GPUs stay where they are, with their perf, and
 * serve no leaf; a contract larger than the pool gets the whole nodes that
 * are left. */
static void test_unhealthy_and_under_delivery(void **state)
{
    (void)state;
    spec *s = testlib_chain();
    s->contracts[C_CW_GOOGLE].gpus = 4800;
    world w = make_world(s, 0);
    const size_t bad[] = {17, 2000, 4095};
    const uint8_t states[] = {FLEET_FAILED, FLEET_MAINTENANCE, FLEET_FAILED};
    for (size_t i = 0; i < 4096; i++)
        fleet_set_perf(w.fleet, i, 0.5f + (float)(i % 97) / 256.0f);
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(fleet_take_down(w.fleet, bad[k], states[k]), 1);
        fleet_set_perf(w.fleet, bad[k], 0.25f + (float)k / 16);
    }
    double before = 0;
    for (size_t i = 0; i < 4096; i++)
        before += w.fleet->perf[i];
    assert_int_equal(alloc_rebuild(w.alloc, w.fleet), 0);
    alloc *a = w.alloc;
    assert_int_equal(alloc_datacenter_counts(a).healthy[DC_PLANO], 4093);
    assert_int_equal(alloc_datacenter_counts(a).failed[DC_PLANO], 2);
    assert_int_equal(alloc_datacenter_counts(a).maintenance[DC_PLANO], 1);
    assert_int_equal(alloc_table(a)->delivered[C_CW_GOOGLE], 4088);   /* whole nodes */
    /* the three stay where they are, with their state and perf: inside
     * the leaves' ranges, serving none, and the last one past them */
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(w.fleet->state[bad[k]], states[k]);
        assert_float_equal(w.fleet->perf[bad[k]], 0.25f + (float)k / 16, 0.0f);
        assert_int_equal(alloc_leaf_of(a, w.fleet, bad[k]), -1);
        assert_int_equal(alloc_served(a, bad[k]), 0);
    }
    assert_in_range(w.fleet->allocation[17], 0, 64);      /* in a leaf's range */
    assert_in_range(w.fleet->allocation[2000], 0, 64);
    assert_int_equal(w.fleet->allocation[4095], -1);
    assert_int_equal(alloc_groups(a, NULL)[0].served_hi, 4095);
    double after = 0;
    for (size_t i = 0; i < 4096; i++)
        after += w.fleet->perf[i];
    if (after != before)
        fail_msg("perf sum %.9g after, %.9g before", after, before);
    check_layout(&w);
    free_world(&w);
}

/* Type-aware carving. p0 owns a GB200 DC (first in DC order) of 1024 and
 * an H100 DC of 1200 and leases to p1: an `any` contract of 1000 written
 * before a GB200 contract of 800, and (spot) an H100 contract of 400 before
 * an `any` one of 200. The typed GB200 contract is served first; the `any`
 * contract then takes H100s (oldest_first) or the 224 GB200s left and 776
 * H100s (newest_first); spot comes last, typed then any. */
enum { TA_ANY, TA_GB200, TA_SPOT_H100, TA_SPOT_ANY };

static spec *typed_market(spec_allocation_policy policy)
{
    const int64_t end = 10 * TESTLIB_DAY;
    spec *s = testlib_market_spec(2, end, TESTLIB_HOUR);
    s->providers[0].allocation = policy;
    testlib_add_dc(s, "gb", 0, 1, 1024, 0);
    testlib_add_dc(s, "h", 0, 0, 1200, 0);
    testlib_add_contract(s, "any", 0, 1, SPEC_ANY_GPU, 1000, 0, end, 2.0, SPEC_RESERVED);
    testlib_add_contract(s, "gb200", 0, 1, 1, 800, 0, end, 4.0, SPEC_RESERVED);
    testlib_add_contract(s, "spot-h100", 0, 1, 0, 400, 0, end, 1.0, SPEC_SPOT);
    testlib_add_contract(s, "spot-any", 0, 1, SPEC_ANY_GPU, 200, 0, end, 1.0, SPEC_SPOT);
    return s;
}

/* GPUs of type gpu delivered on contract c. */
static int64_t delivered_of(alloc *a, size_t c, int gpu)
{
    int64_t n = 0;
    for (size_t b = alloc_table(a)->block_lo[c]; b < alloc_table(a)->block_hi[c]; b++)
        if (alloc_groups(a, NULL)[alloc_blocks(a, NULL)[b].group].gpu == gpu)
            n += alloc_blocks(a, NULL)[b].gpus;
    return n;
}

static void check_typed(spec_allocation_policy policy, const int64_t want[4][2],
                        int64_t want_spot_h100_preempted, const int64_t want_unleased[4])
{
    world w = make_world(typed_market(policy), 0);
    assert_int_equal(alloc_rebuild(w.alloc, w.fleet), 0);
    for (size_t c = 0; c < 4; c++)
        for (int g = 0; g < 2; g++)
            if (delivered_of(w.alloc, c, g) != want[c][g])
                fail_msg("policy %s, contract %s, %s: delivered %lld, want %lld",
                         spec_allocation_policy_name(policy), w.spec->contracts[c].name,
                         w.spec->gpus[g].name, (long long)delivered_of(w.alloc, c, g),
                         (long long)want[c][g]);
    assert_int_equal(alloc_table(w.alloc)->preempted[TA_SPOT_H100], want_spot_h100_preempted);
    assert_int_equal(alloc_table(w.alloc)->preempted[TA_SPOT_ANY], 0);
    for (size_t c = 0; c < 4; c++)
        if (alloc_table(w.alloc)->unleased[c] != want_unleased[c])
            fail_msg("policy %s, contract %s: lessor kept %lld of its type, want %lld",
                     spec_allocation_policy_name(policy), w.spec->contracts[c].name,
                     (long long)alloc_table(w.alloc)->unleased[c], (long long)want_unleased[c]);
    check_layout(&w);
    free_world(&w);
}

static void test_typed_first_oldest(void **state)
{
    (void)state;
    /* GB200 typed 800 of 1024; any 1000 H100 (200 H100, 224 GB200 left);
     * spot H100 gets the 200 H100 (preempted 400 - 200); spot any 200 GB200. */
    const int64_t want[4][2] = {{1000, 0}, {0, 800}, {200, 0}, {0, 200}};
    const int64_t unleased[4] = {24, 24, 0, 24};   /* 24 GB200 left, no H100 */
    check_typed(SPEC_OLDEST_FIRST, want, 200, unleased);
}

static void test_typed_first_newest(void **state)
{
    (void)state;
    /* any takes the 224 GB200 left, then 776 H100 (424 H100 left); spot
     * H100 gets its 400 in full (nothing preempted); spot any 24 H100. */
    const int64_t want[4][2] = {{776, 224}, {0, 800}, {400, 0}, {24, 0}};
    const int64_t unleased[4] = {0, 0, 0, 0};      /* everything leased */
    check_typed(SPEC_NEWEST_FIRST, want, 0, unleased);
}

/* Oldest first is train_speed, then infer_speed, then type index. */
static void test_gpu_order(void **state)
{
    (void)state;
    spec *s = testlib_market_spec(1, TESTLIB_DAY, TESTLIB_HOUR);
    s->gpus[0].train_speed = 2.5;   /* H100 now faster for training than GB200 */
    s->gpus[1].train_speed = 1.0;
    testlib_add_dc(s, "a", 0, 0, 8, 0);
    alloc *a = alloc_create(s);
    assert_non_null(a);
    assert_int_equal(alloc_gpu_order(a)[0], 1);
    assert_int_equal(alloc_gpu_order(a)[1], 0);
    alloc_destroy(a);
    s->gpus[0].train_speed = 1.0;   /* a tie: infer_speed decides (H100 1 < GB200 2.5) */
    a = alloc_create(s);
    assert_non_null(a);
    assert_int_equal(alloc_gpu_order(a)[0], 0);
    alloc_destroy(a);
    s->gpus[1].infer_speed = 1.0;   /* a full tie: the type index decides */
    a = alloc_create(s);
    assert_non_null(a);
    assert_int_equal(alloc_gpu_order(a)[0], 0);
    assert_int_equal(alloc_gpu_order(a)[1], 1);
    alloc_destroy(a);
    spec_destroy(s);
}

/* Swaps providers 0 and 2 everywhere: lessees now have lower indices than
 * lessors, and the deliveries must not change. */
static void test_topological_order(void **state)
{
    (void)state;
    spec *s = testlib_chain();
    const int map[] = {2, 1, 0};
    spec_provider tmp = s->providers[0];
    s->providers[0] = s->providers[2];
    s->providers[2] = tmp;
    for (size_t d = 0; d < s->n_datacenters; d++)
        s->datacenters[d].owner = map[s->datacenters[d].owner];
    for (size_t c = 0; c < s->n_contracts; c++) {
        s->contracts[c].lessor = map[s->contracts[c].lessor];
        s->contracts[c].lessee = map[s->contracts[c].lessee];
    }
    for (size_t k = 0; k < s->n_workloads; k++)
        s->workloads[k].tenant = map[s->workloads[k].tenant];
    world w = make_world(s, 0);
    assert_int_equal(alloc_provider_order(w.alloc)[0], 2);
    assert_int_equal(alloc_provider_order(w.alloc)[1], 1);
    assert_int_equal(alloc_provider_order(w.alloc)[2], 0);
    assert_int_equal(alloc_rebuild(w.alloc, w.fleet), 0);
    assert_int_equal(alloc_table(w.alloc)->delivered[C_CW_GOOGLE], 2400);
    assert_int_equal(alloc_table(w.alloc)->delivered[C_GOOGLE_OPENAI], 1600);
    check_layout(&w);
    free_world(&w);
}

/* Stragglers: exactly round(share x count) per phase, the same for the same seed. */
static void test_stragglers(void **state)
{
    (void)state;
    spec *chain = testlib_chain();
    chain->gpus[GPU_H100].straggler_share = 0.03;   /* the chain itself has none */
    world w = make_world(chain, 0);
    assert_int_equal(alloc_assign_stragglers(w.alloc, w.fleet, 77), 0);
    fleet *again = fleet_create(w.fleet->n);
    assert_non_null(again);
    assert_int_equal(alloc_assign_stragglers(w.alloc, again, 77), 0);
    assert_int_equal(memcmp(again->perf, w.fleet->perf, again->n * sizeof *again->perf), 0);
    size_t per_phase[CHAIN_N_PHASES] = {0};
    for (size_t p = 0; p < CHAIN_N_PHASES; p++)
        for (size_t i = 0; i < (size_t)w.spec->phases[p].count; i++)
            per_phase[p] += w.fleet->perf[alloc_phase_first_gpu(w.alloc, p) + i] == 0.71f;
    assert_int_equal(per_phase[PH_PLANO_H100], 123);
    assert_int_equal(per_phase[PH_PLANO_GB200], 0);
    assert_int_equal(per_phase[PH_IOWA_H100], 31);
    fleet_destroy(again);
    fleet *other = fleet_create(w.fleet->n);
    assert_non_null(other);
    assert_int_equal(alloc_assign_stragglers(w.alloc, other, 78), 0);
    assert_int_not_equal(memcmp(other->perf, w.fleet->perf, other->n * sizeof *other->perf), 0);
    fleet_destroy(other);
    free_world(&w);
    alloc_destroy(NULL);
}


/* Failures and repairs between 200 rebuilds, at random GPUs (a fixed
 * xorshift sequence): after every rebuild the layout is exact
 * (check_layout), and every GPU is still where it was installed, with its
 * own perf and remaining hazard: a rebuild moves nothing. */
static void test_rebuilds_under_failures(void **state)
{
    (void)state;
    world w = make_world(testlib_chain(), 1000 * TESTLIB_HOUR);
    fleet *f = w.fleet;
    for (size_t i = 0; i < f->n; i++) {
        fleet_set_perf(f, i, 1.0f - (float)(i % 7) * 0.01f);
        fleet_set_remaining(f, i, (double)i);   /* a tag: which GPU this is */
    }
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int round = 0; round < 200; round++) {
        for (int k = 0; k < 40; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            const size_t i = (size_t)(x % f->n);
            if (f->state[i] == FLEET_HEALTHY)
                fleet_take_down(f, i, (uint8_t)(1 + x % 2));
            else
                fleet_bring_up(f, i);
        }
        assert_int_equal(alloc_rebuild(w.alloc, f), 0);
        check_layout(&w);
        for (size_t i = 0; i < f->n; i++) {
            const double tag = fleet_remaining_hazard(f, i);   /* one range, clock 0 */
            if (tag != (double)i || f->perf[i] != 1.0f - (float)(i % 7) * 0.01f)
                fail_msg("GPU at %zu holds tag %g, perf %g: it moved", i, tag,
                         (double)f->perf[i]);
        }
    }
    free_world(&w);
}

/* One xorshift64 step. */
static uint64_t next_random(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Takes GPU i down (failed or drained, by r) when healthy, else brings it
 * back (repaired afresh or returned from a drain, by r). */
static void toggle(fleet *f, size_t i, uint64_t r)
{
    if (f->state[i] == FLEET_HEALTHY)
        fleet_take_down(f, i, (uint8_t)(1 + r % 2));
    else if (r % 3 == 0)
        fleet_renew(f, i, (double)(r % 1000));
    else
        fleet_bring_up(f, i);
}

/* Fails with both values when the two worlds differ in any per-GPU fact,
 * group range, DC count or leaf. */
static void check_same_layout(const world *inc, const world *full, int round)
{
    const fleet *a = inc->fleet, *b = full->fleet;
    for (size_t i = 0; i < a->n; i++)
        if (a->state[i] != b->state[i] || a->perf[i] != b->perf[i] ||
            a->allocation[i] != b->allocation[i] ||
            memcmp(&a->threshold[i], &b->threshold[i], sizeof a->threshold[i]) != 0)
            fail_msg("round %d, GPU %zu: incremental (state %d, perf %g, allocation %d, "
                     "threshold %.17g), full (%d, %g, %d, %.17g)",
                     round, i, a->state[i], (double)a->perf[i], a->allocation[i],
                     a->threshold[i], b->state[i], (double)b->perf[i], b->allocation[i],
                     b->threshold[i]);
    size_t n_groups;
    const alloc_group *ga = alloc_groups(inc->alloc, &n_groups);
    const alloc_group *gb = alloc_groups(full->alloc, NULL);
    for (size_t g = 0; g < n_groups; g++)
        if (ga[g].online_hi != gb[g].online_hi || ga[g].served_hi != gb[g].served_hi ||
            ga[g].healthy != gb[g].healthy)
            fail_msg("round %d, group %zu: incremental online %zu served %zu healthy %lld, full "
                     "%zu %zu %lld", round, g, ga[g].online_hi, ga[g].served_hi,
                     (long long)ga[g].healthy, gb[g].online_hi, gb[g].served_hi,
                     (long long)gb[g].healthy);
    const alloc_dc_counts ca = alloc_datacenter_counts(inc->alloc);
    const alloc_dc_counts cb = alloc_datacenter_counts(full->alloc);
    for (size_t d = 0; d < inc->spec->n_datacenters; d++) {
        assert_int_equal(ca.installed[d], cb.installed[d]);
        assert_int_equal(ca.healthy[d], cb.healthy[d]);
        assert_int_equal(ca.failed[d], cb.failed[d]);
        assert_int_equal(ca.maintenance[d], cb.maintenance[d]);
        assert_int_equal(ca.allocated[d], cb.allocated[d]);
    }
    assert_int_equal(count_leaves(inc->alloc), count_leaves(full->alloc));
    for (size_t l = 0; l < count_leaves(inc->alloc); l++) {
        assert_int_equal(alloc_leaves(inc->alloc, NULL)[l].lo, alloc_leaves(full->alloc, NULL)[l].lo);
        assert_int_equal(alloc_leaves(inc->alloc, NULL)[l].hi, alloc_leaves(full->alloc, NULL)[l].hi);
    }
}

/* The incremental rebuild (only groups with a block marked in
 * state_changed are recounted, and only their marked blocks are read)
 * against a full one: two worlds get the same random history of
 * take-downs, repairs and returns, and the GB200 phase comes online
 * midway; one is rebuilt as it is, the other after marking every block
 * changed, which makes the recount read every GPU. Rounds change
 * nothing, or GPUs at random, or a run of up to 150 consecutive GPUs
 * (within a block or across blocks and groups), or GPUs of a group's
 * tail and the blocks around its last served GPU. After every
 * rebuild both have the same per-GPU facts, layout and counts, and the
 * incremental one's layout is exact. */
static void test_incremental_rebuild_matches_full(void **state)
{
    (void)state;
    world inc = make_world(testlib_chain(), 0);
    world full = make_world(testlib_chain(), 0);
    assert_int_equal(alloc_phase_online(inc.alloc)[PH_PLANO_GB200], 0);
    world *both[2] = {&inc, &full};
    for (int w = 0; w < 2; w++)
        for (size_t i = 0; i < both[w]->fleet->n; i++) {
            fleet_set_perf(both[w]->fleet, i, 1.0f - (float)(i % 7) * 0.01f);
            fleet_set_remaining(both[w]->fleet, i, (double)i);
        }
    uint64_t x = 0x2545f4914f6cdd1dULL;
    for (int round = 0; round < 400; round++) {
        if (round == 150)
            for (int w = 0; w < 2; w++)
                alloc_set_phase_online(both[w]->alloc, PH_PLANO_GB200, 1);
        const uint64_t mode = next_random(&x) % 5;
        const size_t n = inc.fleet->n;
        const alloc_group *groups = alloc_groups(inc.alloc, NULL);
        const size_t g = (size_t)(next_random(&x) % count_groups(inc.alloc));
        const int changes = (int)(next_random(&x) % 40);
        size_t run_lo = (size_t)(next_random(&x) % n), run_len = 1 + (size_t)(x % 150);
        for (int k = 0; k < (mode == 0 ? 0 : mode == 2 ? 1 : changes); k++) {
            const uint64_t r = next_random(&x);
            if (mode == 2) {            /* one run of consecutive GPUs */
                for (size_t i = run_lo; i < run_lo + run_len && i < n; i++)
                    for (int w = 0; w < 2; w++)
                        toggle(both[w]->fleet, i, r + i);
                continue;
            }
            size_t i = (size_t)(r % n);
            if (mode == 3 && groups[g].online_hi > groups[g].served_hi)   /* the tail */
                i = groups[g].served_hi + (size_t)(r % (groups[g].online_hi - groups[g].served_hi));
            else if (mode == 4)         /* around the last served GPU */
                i = groups[g].served_hi + (size_t)(r % 129) >= 64 + groups[g].lo
                        ? groups[g].served_hi + (size_t)(r % 129) - 64
                        : groups[g].lo;
            if (i >= n)
                i = n - 1;
            for (int w = 0; w < 2; w++)
                toggle(both[w]->fleet, i, r);
        }
        memset(full.fleet->state_changed, 1, full.fleet->n / FLEET_BLOCK_GPUS + 1);
        for (int w = 0; w < 2; w++)
            assert_int_equal(alloc_rebuild(both[w]->alloc, both[w]->fleet), 0);
        check_same_layout(&inc, &full, round);
        check_layout(&inc);
    }
    free_world(&inc);
    free_world(&full);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_by_dc_type_online),
        cmocka_unit_test(test_chain_at_start),
        cmocka_unit_test(test_any_type_crosses_types),
        cmocka_unit_test(test_typed_first_oldest),
        cmocka_unit_test(test_typed_first_newest),
        cmocka_unit_test(test_gpu_order),
        cmocka_unit_test(test_unhealthy_and_under_delivery),
        cmocka_unit_test(test_topological_order),
        cmocka_unit_test(test_stragglers),
        cmocka_unit_test(test_incremental_rebuild_matches_full),
        cmocka_unit_test(test_rebuilds_under_failures),
    };
    return cmocka_run_group_tests_name("alloc", tests, NULL, NULL);
}
