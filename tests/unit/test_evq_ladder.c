/*
 * White-box tests of the ladder queue (sim/engine/evq_ladder.c), whatever
 * queue the build chose: the file is compiled here with its limits made
 * tiny (3 rungs, buckets of more than 4 events split, a bottom of 8, sorts
 * by counting from 4 events over 16 seconds and by qsort beyond 4, chunks
 * of 3 entries), so that paths a real run meets rarely run all the time: a
 * bucket moved to bottom unsorted because no rung is left, bottom spread
 * over a rung, each sort, lists of many chunks.
 * The random scripts of evq_script.h then check pop by pop against the
 * sorted reference, and the ladder's own invariants are checked directly:
 * the order of the tiers, bottom sorted with a live head, each list's count
 * against its chunks, and the accounting of chunks, entries and handles.
 *
 * This binary defines the evq_* functions itself, so the engine archive's
 * queue is not linked into it.
 */
#define MAX_RUNGS 3
#define BUCKET_SORT_MAX 4
#define BOTTOM_MAX 8
#define INSERTION_SORT_MAX 4
#define COUNTING_SORT_MIN 4
#define COUNTING_SORT_SPAN 16
#define CHUNK_ENTRIES 3    /* lists cross chunk boundaries every few entries */
#include "../../sim/engine/evq_ladder.c"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testlib.h"
#include "evq_script.h"

typedef struct tally {
    size_t entries, dead, chunks;
} tally;

/* Checks list l: its chunks match its count, every time lies in [lo, hi]
 * and every entry's handle is stored; adds to *t. */
static void check_list(const evq *q, const list *l, int64_t lo, int64_t hi, tally *t)
{
    if (l->count == 0) {
        assert_int_equal(l->head, NIL);
        assert_int_equal(l->tail, NIL);
        return;
    }
    size_t chunks = 0, seen = 0;
    uint32_t last = NIL;
    for (uint32_t c = l->head; c != NIL; c = q->chunks[c].next) {
        assert_true(c < q->chunks_used);
        const uint32_t fill = chunk_fill(l, c);
        for (uint32_t i = 0; i < fill; i++) {
            const entry e = q->chunks[c].entries[i];
            assert_true(e.time >= lo && e.time <= hi);
            const uint64_t seq = q->handles.payloads[e.handle].seq;
            assert_int_not_equal(seq, EVQ__SEQ_FREE);
            t->dead += seq == EVQ__SEQ_DEAD;
        }
        seen += fill;
        chunks++;
        last = c;
    }
    assert_int_equal(last, l->tail);
    assert_int_equal(seen, l->count);
    assert_int_equal(chunks, (l->count + CHUNK_ENTRIES - 1) / CHUNK_ENTRIES);
    t->entries += seen;
    t->chunks += chunks;
}

/* Every invariant of evq_ladder.c's header that can be read off the state. */
static void check_invariants(const evq *q)
{
    tally t = {0, 0, 0};
    /* Bottom: sorted by (time, seq), before the finest rung, live head. */
    const int64_t after_bottom =
        q->n_rungs > 0 ? rung_position(&q->rungs[q->n_rungs - 1]) : q->top_start;
    for (size_t i = q->bottom_head; i < q->bottom_size; i++) {
        const entry e = q->bottom[i];
        const uint64_t seq = q->handles.payloads[e.handle].seq;
        assert_int_not_equal(seq, EVQ__SEQ_FREE);
        t.dead += seq == EVQ__SEQ_DEAD;
        assert_true(e.time < after_bottom || after_bottom == INT64_MAX ||
                    q->top_start == INT64_MIN);
        if (i > q->bottom_head) {
            const entry p = q->bottom[i - 1];
            assert_true(p.time < e.time ||
                        (p.time == e.time && q->handles.payloads[p.handle].seq <
                                                 q->handles.payloads[e.handle].seq) ||
                        q->handles.payloads[p.handle].seq == EVQ__SEQ_DEAD ||
                        seq == EVQ__SEQ_DEAD);
        }
    }
    t.entries += q->bottom_size - q->bottom_head;
    if (q->live > 0) {
        assert_true(q->bottom_head < q->bottom_size);
        assert_int_not_equal(q->handles.payloads[q->bottom[q->bottom_head].handle].seq,
                             EVQ__SEQ_DEAD);
    }
    /* Rungs: each bucket's times in its own span, and before the coarser
     * rung's current bucket (or top). */
    assert_true(q->n_rungs <= MAX_RUNGS);
    for (size_t k = 0; k < q->n_rungs; k++) {
        const rung *r = &q->rungs[k];
        assert_int_equal(r->width, (uint64_t)1 << r->shift);
        assert_true(r->cur < r->n_buckets);  /* a spent rung is dropped */
        const int64_t bound = k > 0 ? rung_position(&q->rungs[k - 1]) : q->top_start;
        for (size_t b = 0; b < r->n_buckets; b++) {
            if (b < r->cur) {
                assert_int_equal(r->buckets[b].count, 0);
                continue;
            }
            const uint64_t lo = (uint64_t)r->start + ((uint64_t)b << r->shift);
            const uint64_t last = lo + (r->width - 1);
            int64_t hi = last < lo ? INT64_MAX : (int64_t)last;  /* wrapped past the end */
            if (bound != INT64_MIN && bound - 1 < hi)
                hi = bound - 1;
            check_list(q, &r->buckets[b], (int64_t)lo, hi, &t);
        }
    }
    check_list(q, &q->top, q->top_start, INT64_MAX, &t);
    if (q->top.count > 0) {
        assert_true(q->top_min >= q->top_start);
        assert_true(q->top_min <= q->top_max);
    }
    /* Accounting. */
    assert_int_equal(t.entries, q->live + q->dead);
    assert_int_equal(t.dead, q->dead);
    assert_int_equal(t.chunks + q->free_chunk_count, q->chunks_used);
    assert_int_equal(t.entries + q->handles.free_count, q->handles.handle_count);
    for (size_t k = 0; k < q->handles.free_count; k++)
        assert_int_equal(q->handles.payloads[q->handles.free_handles[k]].seq, EVQ__SEQ_FREE);
}

/* Runs the mixes from an empty queue, checking the invariants after every
 * step of the first `checked` steps and after each phase, then drains. */
static void run_checked(const evq_script_mix *mixes, const int *operations, int phases,
                        uint64_t seed, int checked)
{
    evq *q = evq_create(0);
    assert_non_null(q);
    evq_reference r = {0};
    uint64_t rng = seed;
    int64_t now = 0;
    for (int k = 0; k < phases; k++) {
        for (int done = 0; done < operations[k];) {
            const int step = done < checked ? 1 : operations[k] - done;
            evq_script_run(q, &r, &mixes[k], step, &rng, &now);
            check_invariants(q);
            done += step;
        }
    }
    evq_script_drain(q, &r);
    check_invariants(q);
    evq_destroy(q);
    free(r.events);
}

/* Dense and sparse times, ties and cancels: with 3 rungs at most, buckets
 * often reach bottom unsorted and large (the qsort path). */
static void test_small_limits_against_reference(void **unused)
{
    (void)unused;
    const evq_script_mix mixes[] = {
        {80, 10, 40}, {50, 40, 86400}, {45, 30, 1000000000}, {50, 45, 3}, {20, 70, 600},
    };
    const int operations[] = {4000, 20000, 20000, 10000, 8000};
    run_checked(mixes, operations, 5, 0x3c6ef372fe94f82bULL, 3000);
}

/* Mostly cancels, past the slack, with rungs in use: the rebuild sorts the
 * live into bottom and frees every chunk; the ladder is then rebuilt from
 * bottom. */
static void test_rebuild_keeps_order(void **unused)
{
    (void)unused;
    const int n = 3 * DEAD_SLACK + 17;
    evq *q = evq_create(0);
    evq_handle *h = malloc((size_t)n * sizeof *h);
    assert_non_null(h);
    for (int k = 0; k < 10; k++)  /* the first ten, popped first: rungs exist then */
        evq_push(q, -100 + k, 1, -k, NULL);
    for (int i = 0; i < n; i++)  /* scrambled times, with ties */
        h[i] = evq_push(q, (int64_t)((i * 7919) % 2000), 0, i, NULL);
    evq_event ev;
    for (int k = 0; k < 10; k++) {
        assert_int_equal(evq_pop(q, &ev), 1);
        assert_int_equal(ev.arg, -k);
    }
    assert_true(q->n_rungs > 0);
    check_invariants(q);
    for (int i = 0; i < n; i++)
        if (i % 5 != 0)
            assert_int_equal(evq_cancel(q, h[i]), 1);
    check_invariants(q);
    assert_true(q->dead <= q->live + DEAD_SLACK);
    for (int i = 0; i < 50; i++)  /* pushes after the rebuild, among the survivors */
        evq_push(q, (int64_t)((i * 37) % 2000), 0, 5 * (n + i), NULL);
    check_invariants(q);
    int64_t last_time = INT64_MIN;
    uint64_t last_seq = 0;
    int popped = 0;
    while (evq_pop(q, &ev)) {
        assert_int_equal(ev.arg % 5, 0);
        assert_true(ev.time > last_time || (ev.time == last_time && ev.seq > last_seq));
        last_time = ev.time;
        last_seq = ev.seq;
        popped++;
    }
    assert_int_equal(popped, (n + 4) / 5 + 50);
    check_invariants(q);
    free(h);
    evq_destroy(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_limits_against_reference),
        cmocka_unit_test(test_rebuild_keeps_order),
    };
    return cmocka_run_group_tests_name("evq_ladder", tests, NULL, NULL);
}
