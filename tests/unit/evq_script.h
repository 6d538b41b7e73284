/*
 * evq_script: a long random script of push / pop / cancel run against the
 * built event queue and, step by step, against the simplest correct
 * reference (an array kept sorted by (time, seq)); every pop is compared:
 * time, seq and payload. Because (time, seq) is a total order, any correct
 * queue pops exactly what the reference pops, so the same script passing
 * under every EVQ= build shows that they give identical runs.
 *
 * Shared by tests/unit/test_evq.c (the built queue) and test_evq_heap4.c
 * (the 4-ary heap with a tiny rank limit, so that renumbering happens).
 * Static functions: each test binary has its own copy.
 */
#ifndef CAPSIM_TEST_EVQ_SCRIPT_H
#define CAPSIM_TEST_EVQ_SCRIPT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../sim/engine/evq.h"

typedef struct ref_event {
    int64_t time;
    uint64_t seq;
    int32_t kind;
    int32_t arg;
    evq_handle handle;
} ref_event;

typedef struct evq_reference {
    ref_event *events;  /* sorted by descending (time, seq): the least is last */
    size_t size;
    size_t capacity;
    uint64_t next_seq;  /* the seq the queue gives its next push */
} evq_reference;

/* One script's mix: percentages of pushes and pops (the rest cancel a
 * random live event, anywhere in the queue), and the span of event times
 * ahead of the last popped time (small spans make ties common). */
typedef struct evq_script_mix {
    unsigned push_percent;
    unsigned pop_percent;
    int64_t time_span;
} evq_script_mix;

static int ref_less(const ref_event *a, int64_t time, uint64_t seq)
{
    return a->time < time || (a->time == time && a->seq < seq);
}

static void ref_insert(evq_reference *r, ref_event e)
{
    if (r->size == r->capacity) {
        r->capacity = r->capacity ? 2 * r->capacity : 1024;
        r->events = realloc(r->events, r->capacity * sizeof *r->events);
        assert_non_null(r->events);
    }
    size_t lo = 0, hi = r->size;
    while (lo < hi) {  /* the first element less than e */
        size_t mid = (lo + hi) / 2;
        if (ref_less(&r->events[mid], e.time, e.seq))
            hi = mid;
        else
            lo = mid + 1;
    }
    memmove(&r->events[lo + 1], &r->events[lo], (r->size - lo) * sizeof *r->events);
    r->events[lo] = e;
    r->size++;
}

static void ref_remove_at(evq_reference *r, size_t k)
{
    memmove(&r->events[k], &r->events[k + 1], (r->size - k - 1) * sizeof *r->events);
    r->size--;
}

/* The least event of the reference. */
static const ref_event *ref_least(const evq_reference *r)
{
    return &r->events[r->size - 1];
}

/* xorshift64*: a fixed, self-contained sequence for the test. */
static uint64_t script_random(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545f4914f6cdd1dULL;
}

/* Pops from q and checks the event against the reference's least. */
static void script_pop_and_compare(evq *q, evq_reference *r)
{
    evq_event ev, peeked;
    assert_int_equal(evq_peek(q, &peeked), 1);
    assert_int_equal(evq_pop(q, &ev), 1);
    assert_int_equal(peeked.seq, ev.seq);
    const ref_event *want = ref_least(r);
    assert_int_equal(ev.time, want->time);
    assert_int_equal(ev.seq, want->seq);
    assert_int_equal(ev.kind, want->kind);
    assert_int_equal(ev.arg, want->arg);
    r->size--;
}

/* Runs `operations` random steps of mix on q and r; *now is the time of
 * the last pop (pushes go at or after it, as in the engine). */
static void evq_script_run(evq *q, evq_reference *r, const evq_script_mix *mix,
                           int operations, uint64_t *rng, int64_t *now)
{
    for (int i = 0; i < operations; i++) {
        uint64_t roll = script_random(rng) % 100;
        if (roll < mix->push_percent || r->size == 0) {
            int64_t time = *now + (int64_t)(script_random(rng) % (uint64_t)mix->time_span);
            int32_t kind = (int32_t)(script_random(rng) % 32);
            int32_t arg = (int32_t)(script_random(rng) % 1000000);
            evq_handle h = evq_push(q, time, kind, arg, NULL);
            assert_int_not_equal(h, EVQ_NO_HANDLE);
            ref_insert(r, (ref_event){time, r->next_seq++, kind, arg, h});
        } else if (roll < mix->push_percent + mix->pop_percent) {
            *now = ref_least(r)->time;
            script_pop_and_compare(q, r);
        } else {
            size_t k = script_random(rng) % r->size;
            assert_int_equal(evq_cancel(q, r->events[k].handle), 1);
            assert_int_equal(evq_cancel(q, r->events[k].handle), 0);
            ref_remove_at(r, k);
        }
        assert_int_equal(evq_size(q), r->size);
    }
}

/* Pops everything left, comparing each pop; then q must be empty. */
static void evq_script_drain(evq *q, evq_reference *r)
{
    while (r->size > 0)
        script_pop_and_compare(q, r);
    evq_event ev;
    assert_int_equal(evq_pop(q, &ev), 0);
    assert_int_equal(evq_size(q), 0);
}

#endif
