/*
 * evq: the event queue. A min-priority queue of events ordered by (time,
 * seq), where seq is a per-queue insertion counter. Two events due at the
 * same time therefore pop in the order they were pushed, which makes every
 * run deterministic. Events are cancelled by handle; a cancelled event never
 * pops.
 *
 * Because (time, seq) is a total order, the pop sequence is fully determined
 * by the pushes and cancels: every correct implementation gives the same
 * run, bit for bit. The implementation is chosen at build time (make
 * EVQ=NAME, one of sim/engine/evq_NAME.c), behind this one header:
 *   - ladder (the default): a ladder queue (Tang, Goh and Thng, TOMACS
 *     2005): a short sorted bottom, rungs of unsorted buckets, an unsorted
 *     top, moving 16-byte (time, handle) entries in chunked lists; push
 *     and pop O(1) amortised for the usual increment
 *     distributions; cancel lazy, O(1) amortised;
 *   - heap4: a 4-ary heap of 16-byte (time, rank|handle) entries aligned so
 *     that a node's four children share one cache line; push and pop
 *     O(log n); cancel lazy, O(1) amortised;
 *   - heap2: a binary heap of 24-byte (time, seq, handle) keys with a slot
 *     index by handle; push, pop and cancel O(log n).
 * In all: peek and size are O(1), and nothing is allocated in steady state.
 * All three take their handles and keep their payloads (seq, kind, arg,
 * data) in one shared pool (evq_handles.h, internal).
 * tests/unit/test_evq.c checks each against a sorted reference, `make test`
 * runs the unit tests under every implementation, and `make bench` measures
 * the built one against plain binary heaps.
 */
#ifndef CAPSIM_EVQ_H
#define CAPSIM_EVQ_H

#include <stddef.h>
#include <stdint.h>

typedef struct evq evq;

/* A handle names one pushed event until it pops or is cancelled. Handles are
 * recycled afterwards, so do not keep one past that point. */
typedef uint32_t evq_handle;
#define EVQ_NO_HANDLE UINT32_MAX

typedef struct evq_event {
    int64_t time;      /* seconds since scenario start */
    uint64_t seq;      /* insertion counter, breaks ties */
    int32_t kind;      /* meaning belongs to whoever pushed it */
    int32_t arg;       /* small payload, e.g. an entity index */
    void *data;        /* optional payload pointer, not owned */
} evq_event;

/* create / destroy */
evq *evq_create(size_t capacity_hint);          /* NULL when out of memory */
void evq_destroy(evq *q);                       /* NULL is a no-op */

/* operations */
/* Pushes an event; ev->seq is assigned by the queue. Returns the handle, or
 * EVQ_NO_HANDLE when out of memory. */
evq_handle evq_push(evq *q, int64_t time, int32_t kind, int32_t arg, void *data);
/* Pops the least event into *out. Returns 1 when an event was popped, 0 when empty. */
int evq_pop(evq *q, evq_event *out);
/* Pops the least event into *out if its time is <= limit: peek and pop in
 * one call, for the run loop. Returns 1 when an event was popped, 0 when
 * the queue is empty or its least event is later than limit (it stays). */
int evq_pop_until(evq *q, int64_t limit, evq_event *out);
/* Cancels a live event. Returns 1 if it was live, 0 if it had already gone. */
int evq_cancel(evq *q, evq_handle h);

/* queries */
/* Copies the least event into *out without removing it. Returns 0 when empty. */
int evq_peek(const evq *q, evq_event *out);
size_t evq_size(const evq *q);

#endif
