/*
 * White-box tests of the 4-ary heap (sim/engine/evq_heap4.c), whatever
 * queue the build chose: the file is compiled here with a rank limit of
 * 1,000 instead of 2^32, so that the renumbering of ranks, which a real run
 * meets once per 2^32 pushes, happens every few hundred pushes. The random
 * scripts of evq_script.h then check pop by pop that renumbering keeps the
 * (time, seq) order, and the heap's own invariants are checked directly:
 * the heap property, the cache-line alignment of child groups, ranks below
 * the limit, a live root, the dead count and its bound (lazy cancels), and
 * the handle accounting.
 *
 * This binary defines the evq_* functions itself, so the engine archive's
 * queue is not linked into it.
 */
#define EVQ_HEAP4_RANK_LIMIT 1000
#include "../../sim/engine/evq_heap4.c"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testlib.h"
#include "evq_script.h"

/* Every invariant of evq_heap4.c's header that can be read off the state. */
static void check_invariants(const evq *q)
{
    assert_int_equal((uintptr_t)&q->heap[1] % CACHE_LINE, 0);
    /* Above the limit only while more entries than that were there. */
    assert_true(q->next_rank <= EVQ_HEAP4_RANK_LIMIT || q->next_rank <= q->handles.handle_count);
    size_t dead = 0;
    uint64_t *ranks = malloc((q->entries + 1) * sizeof *ranks);
    assert_non_null(ranks);
    for (size_t i = 0; i < q->entries; i++) {
        const heap_entry e = q->heap[i];
        const uint64_t seq = q->handles.payloads[entry_handle(e)].seq;
        assert_int_not_equal(seq, EVQ__SEQ_FREE);
        dead += seq == EVQ__SEQ_DEAD;
        ranks[i] = e.order >> 32;
        assert_true(ranks[i] < q->next_rank);
        if (i > 0)
            assert_false(entry_less(e, q->heap[(i - 1) / 4]));
    }
    qsort(ranks, q->entries, sizeof *ranks, compare_u64);
    for (size_t i = 1; i < q->entries; i++)
        assert_true(ranks[i - 1] < ranks[i]);  /* distinct */
    free(ranks);
    assert_int_equal(dead, q->dead);
    assert_true(q->dead <= q->entries - q->dead + DEAD_SLACK);
    if (q->entries > 0)
        assert_int_not_equal(q->handles.payloads[entry_handle(q->heap[0])].seq, EVQ__SEQ_DEAD);
    for (size_t k = 0; k < q->handles.free_count; k++)
        assert_int_equal(q->handles.payloads[q->handles.free_handles[k]].seq, EVQ__SEQ_FREE);
    assert_int_equal(q->entries + q->handles.free_count, q->handles.handle_count);
}

/* Runs the mixes, checking the invariants after each phase and that ranks
 * were renumbered on the way. */
static void run_checked(const evq_script_mix *mixes, const int *operations, int phases,
                        uint64_t seed)
{
    evq *q = evq_create(0);
    assert_non_null(q);
    evq_reference r = {0};
    uint64_t rng = seed;
    int64_t now = 0;
    for (int k = 0; k < phases; k++) {
        evq_script_run(q, &r, &mixes[k], operations[k], &rng, &now);
        check_invariants(q);
    }
    /* Far more pushes than the limit: renumbering must have happened. */
    assert_true(r.next_seq > 20 * EVQ_HEAP4_RANK_LIMIT);
    assert_true(q->next_rank < EVQ_HEAP4_RANK_LIMIT);
    evq_script_drain(q, &r);
    check_invariants(q);
    evq_destroy(q);
    free(r.events);
}

/* About 600 events live across many renumberings, one of them kept from
 * the first phase to the end (a far time), with many ties. */
static void test_renumbering_keeps_order(void **unused)
{
    (void)unused;
    const evq_script_mix mixes[] = {{90, 5, 600}, {45, 40, 600}, {50, 35, 7200}, {45, 45, 1}};
    const int operations[] = {700, 40000, 40000, 20000};
    run_checked(mixes, operations, 4, 0xa4093822299f31d0ULL);
}

/* An event pushed before thousands of renumberings still pops before a tie
 * pushed after them, and its seq is the original 64-bit one. */
static void test_old_event_keeps_its_place_among_ties(void **unused)
{
    (void)unused;
    evq *q = evq_create(0);
    evq_handle first = evq_push(q, 1000000, 4, 77, NULL);
    assert_int_not_equal(first, EVQ_NO_HANDLE);
    evq_event ev;
    for (int i = 0; i < 5 * EVQ_HEAP4_RANK_LIMIT; i++) {  /* churn below it */
        evq_push(q, i, 1, i, NULL);
        assert_int_equal(evq_pop(q, &ev), 1);
        assert_int_equal(ev.arg, i);
    }
    evq_push(q, 1000000, 5, 78, NULL);
    check_invariants(q);
    assert_int_equal(evq_pop(q, &ev), 1);
    assert_int_equal(ev.arg, 77);
    assert_int_equal(ev.seq, 0);
    assert_int_equal(evq_pop(q, &ev), 1);
    assert_int_equal(ev.arg, 78);
    assert_int_equal(ev.seq, 5 * EVQ_HEAP4_RANK_LIMIT + 1);
    evq_destroy(q);
}

/* Lazy cancels: a cancelled entry stays until it reaches the root, where
 * the pop before it drops it; cancelling the root removes it at once. By
 * index: 0:t10; 1..4: t100 t20 t30 t40; 5..8 (children of 1): t110 t120
 * t130 t140; 9 (child of 2): t25. */
static void test_lazy_cancel(void **unused)
{
    (void)unused;
    evq *q = evq_create(16);
    static const int64_t times[] = {10, 100, 20, 30, 40, 110, 120, 130, 140, 25};
    evq_handle h[10];
    for (int i = 0; i < 10; i++) {
        h[i] = evq_push(q, times[i], 0, (int32_t)times[i], NULL);
        assert_int_equal(entry_handle(q->heap[i]), h[i]);  /* in heap order: nothing moved */
    }
    assert_int_equal(evq_cancel(q, h[5]), 1);
    check_invariants(q);
    assert_int_equal(q->dead, 1);
    assert_int_equal(evq_size(q), 9);
    assert_int_equal(evq_cancel(q, h[5]), 0);  /* dead already */
    assert_int_equal(evq_cancel(q, h[0]), 1);  /* the root: removed at once */
    assert_int_equal(q->entries, 9);
    assert_int_equal(evq_cancel(q, h[1]), 1);  /* t100, parent of the dead t110 */
    check_invariants(q);
    static const int32_t want[] = {20, 25, 30, 40, 120, 130, 140};
    evq_event ev;
    for (int i = 0; i < 7; i++) {
        assert_int_equal(evq_size(q), 7 - i);
        assert_int_equal(evq_pop(q, &ev), 1);
        assert_int_equal(ev.arg, want[i]);
        check_invariants(q);
    }
    assert_int_equal(q->dead, 0);
    assert_int_equal(q->entries, 0);
    assert_int_equal(evq_pop(q, &ev), 0);
    evq_destroy(q);
}

/* Cancelling most of a large queue rebuilds it once dead entries pass the
 * live ones (plus the slack), and the survivors pop in order. */
static void test_rebuild_after_many_cancels(void **unused)
{
    (void)unused;
    const int n = 4 * DEAD_SLACK + 3;
    evq *q = evq_create(0);
    evq_handle *h = malloc((size_t)n * sizeof *h);
    assert_non_null(h);
    for (int i = 0; i < n; i++)  /* times in a scrambled order, with ties */
        h[i] = evq_push(q, (int64_t)((i * 7919) % 1000), 0, i, NULL);
    size_t most_dead = 0;
    for (int i = 0; i < n; i++) {
        if (i % 8 == 0)
            continue;  /* an eighth survives */
        assert_int_equal(evq_cancel(q, h[i]), 1);
        most_dead = q->dead > most_dead ? q->dead : most_dead;
    }
    check_invariants(q);
    assert_true(most_dead > (size_t)DEAD_SLACK);       /* dead entries did pile up ... */
    assert_true(q->entries < (size_t)(n / 8 + 2 * DEAD_SLACK)); /* ... and were dropped */
    evq_event ev;
    int64_t last_time = -1;
    int last_arg = -1, popped = 0;
    while (evq_pop(q, &ev)) {
        assert_int_equal(ev.arg % 8, 0);
        assert_true(ev.time > last_time || (ev.time == last_time && ev.arg > last_arg));
        last_time = ev.time;
        last_arg = ev.arg;
        popped++;
    }
    assert_int_equal(popped, (n + 7) / 8);
    free(h);
    evq_destroy(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_renumbering_keeps_order),
        cmocka_unit_test(test_old_event_keeps_its_place_among_ties),
        cmocka_unit_test(test_lazy_cancel),
        cmocka_unit_test(test_rebuild_after_many_cancels),
    };
    return cmocka_run_group_tests_name("evq_heap4", tests, NULL, NULL);
}
