/*
 * Unit tests for evq, whichever implementation the build chose (make
 * EVQ=...; make test runs them under each): (time, seq) order, ties in
 * insertion order, cancel by handle anywhere in the heap, handle reuse, and
 * long random scripts of push / pop / cancel checked pop by pop against a
 * sorted reference (evq_script.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "testlib.h"
#include "evq_script.h"

#include "../../sim/engine/evq.h"

static void test_create_destroy(void **unused)
{
    (void)unused;
    evq *q = evq_create(0);
    assert_non_null(q);
    assert_int_equal(evq_size(q), 0);
    evq_event ev;
    assert_int_equal(evq_pop(q, &ev), 0);
    assert_int_equal(evq_peek(q, &ev), 0);
    evq_destroy(q);
    evq_destroy(NULL);  /* a no-op */
}

static void test_pops_in_time_order_with_payload(void **unused)
{
    (void)unused;
    evq *q = evq_create(4);
    static const int64_t times[] = {7211, 93, 40017, 93, 1, 58888, 3607};
    int marker = 0;
    for (int i = 0; i < 7; i++)
        evq_push(q, times[i], 3 + i, 100 * i + 17, &marker);
    assert_int_equal(evq_size(q), 7);
    static const int64_t want_time[] = {1, 93, 93, 3607, 7211, 40017, 58888};
    static const int32_t want_kind[] = {7, 4, 6, 9, 3, 5, 8};
    evq_event ev, peeked;
    for (int i = 0; i < 7; i++) {
        assert_int_equal(evq_peek(q, &peeked), 1);
        assert_int_equal(evq_pop(q, &ev), 1);
        assert_int_equal(peeked.seq, ev.seq);
        assert_int_equal(ev.time, want_time[i]);
        assert_int_equal(ev.kind, want_kind[i]);
        assert_int_equal(ev.arg, 100 * (want_kind[i] - 3) + 17);
        assert_ptr_equal(ev.data, &marker);
    }
    assert_int_equal(evq_size(q), 0);
    evq_destroy(q);
}

/* 5,000 events at one time pop in the order they were pushed, even when
 * pushes and pops interleave and the heap has to grow. */
static void test_ties_pop_in_insertion_order(void **unused)
{
    (void)unused;
    evq *q = evq_create(2);
    const int n = 5000;
    for (int i = 0; i < n; i++)
        evq_push(q, 86400, 1, i, NULL);
    evq_event ev;
    for (int i = 0; i < n / 2; i++) {
        assert_int_equal(evq_pop(q, &ev), 1);
        assert_int_equal(ev.arg, i);
        assert_int_equal(ev.seq, (uint64_t)i);
    }
    for (int i = n; i < n + 1000; i++)  /* later pushes go behind */
        evq_push(q, 86400, 1, i, NULL);
    evq_push(q, 86399, 1, -7, NULL);    /* an earlier time goes first */
    assert_int_equal(evq_pop(q, &ev), 1);
    assert_int_equal(ev.arg, -7);
    for (int i = n / 2; i < n + 1000; i++) {
        assert_int_equal(evq_pop(q, &ev), 1);
        assert_int_equal(ev.arg, i);
    }
    assert_int_equal(evq_size(q), 0);
    evq_destroy(q);
}

/* Pops every event and checks that the args come out as `want`. */
static void expect_args(evq *q, const int32_t *want, int count)
{
    evq_event ev;
    for (int i = 0; i < count; i++) {
        assert_int_equal(evq_pop(q, &ev), 1);
        assert_int_equal(ev.arg, want[i]);
    }
    assert_int_equal(evq_pop(q, &ev), 0);
}

static void test_cancel_root_middle_last(void **unused)
{
    (void)unused;
    evq *q = evq_create(16);
    evq_handle h[9];
    static const int64_t times[9] = {500, 610, 720, 830, 940, 1050, 1160, 1270, 1380};
    for (int i = 0; i < 9; i++)
        h[i] = evq_push(q, times[i], 2, i, NULL);
    /* Pushed in order, so heap index == push index: 0 root, 4 middle, 8 last. */
    assert_int_equal(evq_cancel(q, h[0]), 1);
    assert_int_equal(evq_cancel(q, h[4]), 1);
    assert_int_equal(evq_cancel(q, h[8]), 1);
    assert_int_equal(evq_size(q), 6);
    assert_int_equal(evq_cancel(q, h[4]), 0);  /* cancelling twice */
    assert_int_equal(evq_cancel(q, h[0]), 0);
    assert_int_equal(evq_size(q), 6);
    evq_event ev;
    assert_int_equal(evq_peek(q, &ev), 1);
    assert_int_equal(ev.time, 610);
    static const int32_t want[6] = {1, 2, 3, 5, 6, 7};
    expect_args(q, want, 6);
    evq_destroy(q);
}

/* Cancelling a middle element whose replacement must move up, not down, in
 * a binary heap's layout (test_evq_heap4.c has the 4-ary case). */
static void test_cancel_moves_replacement_up(void **unused)
{
    (void)unused;
    evq *q = evq_create(16);
    /* Heap by index: 0:t10  1:t100  2:t20  3:t110  4:t120  5:t30  6:t40;
     * the last (t40) replaces t110 at index 3 and must rise above t100. */
    static const int64_t times[] = {10, 100, 20, 110, 120, 30, 40};
    evq_handle h[7];
    for (int i = 0; i < 7; i++)
        h[i] = evq_push(q, times[i], 0, (int32_t)times[i], NULL);
    assert_int_equal(evq_cancel(q, h[3]), 1);
    static const int32_t want[6] = {10, 20, 30, 40, 100, 120};
    expect_args(q, want, 6);
    evq_destroy(q);
}

static void test_cancel_after_pop_and_bad_handles(void **unused)
{
    (void)unused;
    evq *q = evq_create(4);
    evq_handle a = evq_push(q, 3600, 1, 1, NULL);
    evq_handle b = evq_push(q, 7200, 1, 2, NULL);
    evq_event ev;
    assert_int_equal(evq_pop(q, &ev), 1);
    assert_int_equal(evq_cancel(q, a), 0);   /* already popped */
    assert_int_equal(evq_cancel(q, 977), 0); /* never issued */
    assert_int_equal(evq_cancel(q, EVQ_NO_HANDLE), 0);
    assert_int_equal(evq_cancel(q, b), 1);
    assert_int_equal(evq_size(q), 0);
    /* Handles are recycled once their event has gone. */
    evq_handle c = evq_push(q, 9000, 1, 3, NULL);
    assert_true(c == a || c == b);
    assert_int_equal(evq_cancel(q, c), 1);
    evq_destroy(q);
}

/* ---- random scripts against a sorted reference (evq_script.h) ---- */

/* Runs each phase of mixes on one queue and one reference, then drains. */
static void run_phases(const evq_script_mix *mixes, const int *operations, int phases,
                       uint64_t seed, size_t capacity_hint)
{
    evq *q = evq_create(capacity_hint);
    assert_non_null(q);
    evq_reference r = {0};
    uint64_t rng = seed;
    int64_t now = 0;
    for (int k = 0; k < phases; k++)
        evq_script_run(q, &r, &mixes[k], operations[k], &rng, &now);
    evq_script_drain(q, &r);
    evq_destroy(q);
    free(r.events);
}

/* A small queue (pushes and removals balance near empty), times in a span
 * of 5,000 s so that ties are common. */
static void test_random_against_reference(void **unused)
{
    (void)unused;
    const evq_script_mix mix = {45, 30, 5000};
    const int operations = 100000;
    run_phases(&mix, &operations, 1, 0x9e3779b97f4a7c15ULL, 8);
}

/* A deep queue: grows to about 4,000 events from a capacity of 16, holds
 * there while popping and cancelling, shrinks; spans from one hour to 31
 * years, so both ties and far-apart times occur. */
static void test_random_deep_queue(void **unused)
{
    (void)unused;
    const evq_script_mix mixes[] = {
        {80, 10, 3600}, {50, 35, 86400}, {50, 40, 1000000000}, {30, 55, 3600},
    };
    const int operations[] = {6000, 60000, 60000, 12000};
    run_phases(mixes, operations, 4, 0x243f6a8885a308d3ULL, 0);
}

/* Every event at the same second: the pop order is push order alone. */
static void test_random_all_ties(void **unused)
{
    (void)unused;
    const evq_script_mix mixes[] = {{70, 20, 1}, {40, 40, 1}};
    const int operations[] = {5000, 40000};
    run_phases(mixes, operations, 2, 0x13198a2e03707344ULL, 4);
}

/* Most of a queue of 6,000 cancelled at once: lazy cancellation (ladder,
 * heap4) has to drop or rebuild past thousands of dead events, then the
 * survivors and later pushes pop in order. */
static void test_random_mass_cancel(void **unused)
{
    (void)unused;
    const evq_script_mix mixes[] = {{85, 5, 86400}, {5, 5, 86400}, {50, 30, 3600}};
    const int operations[] = {8000, 6000, 20000};
    run_phases(mixes, operations, 3, 0xa4093822299f31d0ULL, 16);
}

/* Times spread over 10^13 s: bucket widths and index arithmetic far from
 * whole hours, next to ties at one second. */
static void test_random_wide_spans(void **unused)
{
    (void)unused;
    const int64_t wide = 10000000000000LL;  /* < 20,000 pops of <= 1e13 s: now < 2e17 */
    const evq_script_mix mixes[] = {{70, 20, wide}, {45, 45, 2}, {45, 45, wide}};
    const int operations[] = {5000, 20000, 20000};
    run_phases(mixes, operations, 3, 0x082efa98ec4e6c89ULL, 0);
}

/* Times anywhere in int64, both ends included, some negative, and pushes
 * before what has already popped (the queue allows it; the engine does
 * not): ladder buckets as wide as 2^63 s, and rungs that end past INT64_MAX. */
static void test_random_extreme_times(void **unused)
{
    (void)unused;
    evq *q = evq_create(0);
    assert_non_null(q);
    evq_reference r = {0};
    uint64_t rng = 0x452821e638d01377ULL;
    static const int64_t edges[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX - 1, INT64_MAX};
    for (int i = 0; i < 60000; i++) {
        const uint64_t roll = script_random(&rng) % 100;
        if (roll < 55 || r.size == 0) {
            const uint64_t pick = script_random(&rng);
            int64_t time;
            if (pick % 4 == 0)
                time = edges[(pick >> 8) % 7];
            else if (pick % 4 == 1)  /* near the top of the range: ties and one-second buckets */
                time = INT64_MAX - (int64_t)((pick >> 8) % 5000);
            else
                time = (int64_t)script_random(&rng);
            const int32_t arg = (int32_t)(pick % 1000003);
            const evq_handle h = evq_push(q, time, 5, arg, NULL);
            assert_int_not_equal(h, EVQ_NO_HANDLE);
            ref_insert(&r, (ref_event){time, r.next_seq++, 5, arg, h});
        } else if (roll < 90) {
            script_pop_and_compare(q, &r);
        } else {
            const size_t k = script_random(&rng) % r.size;
            assert_int_equal(evq_cancel(q, r.events[k].handle), 1);
            ref_remove_at(&r, k);
        }
        assert_int_equal(evq_size(q), r.size);
    }
    evq_script_drain(q, &r);
    evq_destroy(q);
    free(r.events);
}

/* evq_pop_until pops only what is due by its limit, and leaves the rest. */
static void test_pop_until(void **unused)
{
    (void)unused;
    evq *q = evq_create(4);
    evq_event ev;
    assert_int_equal(evq_pop_until(q, INT64_MAX, &ev), 0);  /* empty */
    static const int64_t times[] = {7207, 3593, 86413, 3593};
    for (int i = 0; i < 4; i++)
        evq_push(q, times[i], 1, i, NULL);
    assert_int_equal(evq_pop_until(q, 3592, &ev), 0);
    assert_int_equal(evq_size(q), 4);
    assert_int_equal(evq_pop_until(q, 3593, &ev), 1);
    assert_int_equal(ev.arg, 1);
    assert_int_equal(evq_pop_until(q, 3593, &ev), 1);
    assert_int_equal(ev.arg, 3);
    assert_int_equal(evq_pop_until(q, 86412, &ev), 1);
    assert_int_equal(ev.time, 7207);
    assert_int_equal(evq_pop_until(q, 86412, &ev), 0);
    assert_int_equal(evq_size(q), 1);
    assert_int_equal(evq_pop_until(q, 86413, &ev), 1);
    assert_int_equal(ev.arg, 2);
    assert_int_equal(evq_size(q), 0);
    evq_destroy(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_destroy),
        cmocka_unit_test(test_pops_in_time_order_with_payload),
        cmocka_unit_test(test_ties_pop_in_insertion_order),
        cmocka_unit_test(test_cancel_root_middle_last),
        cmocka_unit_test(test_cancel_moves_replacement_up),
        cmocka_unit_test(test_cancel_after_pop_and_bad_handles),
        cmocka_unit_test(test_random_against_reference),
        cmocka_unit_test(test_random_deep_queue),
        cmocka_unit_test(test_random_all_ties),
        cmocka_unit_test(test_random_mass_cancel),
        cmocka_unit_test(test_random_wide_spans),
        cmocka_unit_test(test_random_extreme_times),
        cmocka_unit_test(test_pop_until),
    };
    return cmocka_run_group_tests_name("evq", tests, NULL, NULL);
}
