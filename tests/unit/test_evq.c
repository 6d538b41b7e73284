/*
 * Unit tests for evq: (time, seq) order, ties in insertion order, cancel by
 * handle anywhere in the heap, handle reuse, and long random sequences of
 * push / pop / cancel checked against a simple sorted reference.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "testlib.h"

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

/* Cancelling a middle element whose replacement must move up, not down. */
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

/* ---- random sequences against a sorted reference ---- */

typedef struct ref_event {
    int64_t time;
    uint64_t seq;
    int32_t arg;
    evq_handle handle;
} ref_event;

typedef struct reference {
    ref_event *events;  /* sorted by (time, seq) */
    size_t size;
} reference;

static int ref_less(const ref_event *a, int64_t time, uint64_t seq)
{
    return a->time < time || (a->time == time && a->seq < seq);
}

static void ref_insert(reference *r, ref_event e)
{
    size_t lo = 0, hi = r->size;
    while (lo < hi) {  /* first element not less than e */
        size_t mid = (lo + hi) / 2;
        if (ref_less(&r->events[mid], e.time, e.seq))
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = r->size; k > lo; k--)
        r->events[k] = r->events[k - 1];
    r->events[lo] = e;
    r->size++;
}

static void ref_remove_at(reference *r, size_t k)
{
    for (; k + 1 < r->size; k++)
        r->events[k] = r->events[k + 1];
    r->size--;
}

/* xorshift64*: a fixed, self-contained sequence for the test. */
static uint64_t next_random(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545f4914f6cdd1dULL;
}

/* One random operation: push (45%), pop (30%) or cancel (25%) of a random
 * live event, anywhere in the heap. Times fall in [0, 5000), so ties are
 * common and the order among them is checked through seq. */
static void random_step(evq *q, reference *r, uint64_t *rng, uint64_t *seq)
{
    uint64_t roll = next_random(rng) % 100;
    evq_event ev;
    if (roll < 45 || r->size == 0) {
        int64_t time = (int64_t)(next_random(rng) % 5000);  /* many ties */
        int32_t arg = (int32_t)(next_random(rng) % 1000000);
        evq_handle h = evq_push(q, time, 1, arg, NULL);
        assert_int_not_equal(h, EVQ_NO_HANDLE);
        ref_insert(r, (ref_event){time, (*seq)++, arg, h});
    } else if (roll < 75) {
        assert_int_equal(evq_pop(q, &ev), 1);
        assert_int_equal(ev.time, r->events[0].time);
        assert_int_equal(ev.seq, r->events[0].seq);
        assert_int_equal(ev.arg, r->events[0].arg);
        ref_remove_at(r, 0);
    } else {
        size_t k = next_random(rng) % r->size;
        assert_int_equal(evq_cancel(q, r->events[k].handle), 1);
        ref_remove_at(r, k);
    }
    assert_int_equal(evq_size(q), r->size);
}

static void test_random_against_reference(void **unused)
{
    (void)unused;
    const int operations = 100000;
    reference r = {calloc((size_t)operations, sizeof(ref_event)), 0};
    assert_non_null(r.events);
    evq *q = evq_create(8);
    uint64_t rng = 0x9e3779b97f4a7c15ULL, seq = 0;
    for (int i = 0; i < operations; i++)
        random_step(q, &r, &rng, &seq);
    evq_event ev;
    while (r.size > 0) {  /* drain */
        assert_int_equal(evq_pop(q, &ev), 1);
        assert_int_equal(ev.seq, r.events[0].seq);
        ref_remove_at(&r, 0);
    }
    assert_int_equal(evq_pop(q, &ev), 0);
    evq_destroy(q);
    free(r.events);
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
    };
    return cmocka_run_group_tests_name("evq", tests, NULL, NULL);
}
