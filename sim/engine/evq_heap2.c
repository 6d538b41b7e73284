/*
 * evq (EVQ=heap2): a binary min-heap of (time, seq, handle) keys, with the
 * payload of each event (kind, arg, data) kept by handle so that sifting
 * moves only the 24-byte keys. The plain implementation, kept as the
 * reference that evq_heap4.c is measured and checked against. Handles and
 * payloads come from the shared pool (evq_handles.h), whose side array by
 * handle is slot_of, so that cancel finds a key in O(1) and removes it at
 * once (no lazy cancellation here).
 *
 * Invariants:
 *   - heap[0 .. size) is a min-heap on (time, seq); size is the number of
 *     live events, and the pool's other handles are free;
 *   - for a live handle h, slot_of[h] is the index in heap of h's key and
 *     heap[slot_of[h]].handle == h;
 *   - heap_capacity >= the pool's capacity;
 *   - next_seq is greater than the seq of every event ever pushed.
 * Memory grows by doubling, so a push costs O(log n) plus amortised O(1)
 * for growth, and nothing is ever allocated in steady state.
 */
#include "evq.h"

#include <assert.h>
#include <stdlib.h>

#include "../util/grow.h"
#include "evq_handles.h"

typedef struct heap_key {
    int64_t time;
    uint64_t seq;
    evq_handle handle;
} heap_key;

struct evq {
    heap_key *heap;           /* [heap_capacity], first size in use */
    size_t size;
    size_t heap_capacity;
    evq__handles handles;     /* payloads, and slot_of as the side array */
    uint64_t next_seq;
};

/* The heap index of each live handle's key: the pool's side array. */
static inline uint32_t *slot_of(const evq *q)
{
    return q->handles.side;
}

/* Strict (time, seq) order; seq is unique, so two keys are never equal. */
static int key_less(const heap_key *a, const heap_key *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

/* Writes key k at heap index i and records the slot of its handle. */
static void place(evq *q, size_t i, heap_key k)
{
    q->heap[i] = k;
    slot_of(q)[k.handle] = (uint32_t)i;
}

/* Moves the key at index i up until its parent is smaller. */
static void sift_up(evq *q, size_t i)
{
    heap_key k = q->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!key_less(&k, &q->heap[parent]))
            break;
        place(q, i, q->heap[parent]);
        i = parent;
    }
    place(q, i, k);
}

/* Moves the key at index i down until both children are larger. */
static void sift_down(evq *q, size_t i)
{
    heap_key k = q->heap[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= q->size)
            break;
        if (child + 1 < q->size && key_less(&q->heap[child + 1], &q->heap[child]))
            child++;
        if (!key_less(&q->heap[child], &k))
            break;
        place(q, i, q->heap[child]);
        i = child;
    }
    place(q, i, k);
}

/* Grows the heap to the pool's capacity. Returns 0, or -1 when out of
 * memory (the heap is then unchanged). */
static int grow_heap(evq *q)
{
    if (q->heap_capacity >= q->handles.capacity)
        return 0;
    if (grow_resize((void **)&q->heap, q->handles.capacity, sizeof *q->heap) != 0)
        return -1;
    q->heap_capacity = q->handles.capacity;
    return 0;
}

/* Creates an empty queue with room for capacity_hint events (at least 16).
 * Returns NULL when out of memory; free with evq_destroy. */
evq *evq_create(size_t capacity_hint)
{
    evq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    if (evq__handles_init(&q->handles, capacity_hint, sizeof(uint32_t)) != 0 ||
        grow_heap(q) != 0) {
        evq_destroy(q);
        return NULL;
    }
    return q;
}

/* Frees the queue. Payload pointers are not owned and not freed. */
void evq_destroy(evq *q)
{
    if (!q)
        return;
    evq__handles_free(&q->handles);
    free(q->heap);
    free(q);
}

/* Pushes an event; see evq.h. Returns its handle, or EVQ_NO_HANDLE when out
 * of memory. O(log n). */
evq_handle evq_push(evq *q, int64_t time, int32_t kind, int32_t arg, void *data)
{
    evq_handle h = evq__handle_take(&q->handles);
    if (h == EVQ_NO_HANDLE)
        return EVQ_NO_HANDLE;
    if (grow_heap(q) != 0) {
        evq__handle_release(&q->handles, h);
        return EVQ_NO_HANDLE;
    }
    q->handles.payloads[h] =
        (evq__payload){.seq = q->next_seq, .kind = kind, .arg = arg, .data = data};
    heap_key k = {.time = time, .seq = q->next_seq++, .handle = h};
    q->heap[q->size++] = k;
    sift_up(q, q->size - 1);
    return h;
}

/* Removes the key at heap index i, restoring the heap. O(log n). */
static void remove_at(evq *q, size_t i)
{
    evq__handle_release(&q->handles, q->heap[i].handle);
    q->size--;
    if (i == q->size)
        return;
    q->heap[i] = q->heap[q->size];
    slot_of(q)[q->heap[i].handle] = (uint32_t)i;
    /* The moved key may belong above or below its new place. */
    if (i > 0 && key_less(&q->heap[i], &q->heap[(i - 1) / 2]))
        sift_up(q, i);
    else
        sift_down(q, i);
}

/* Pops the least event; see evq.h. Returns 1, or 0 when empty. */
int evq_pop(evq *q, evq_event *out)
{
    if (q->size == 0)
        return 0;
    evq__fill_event(&q->handles, q->heap[0].handle, q->heap[0].time, out);
    remove_at(q, 0);
    return 1;
}

/* Pops the least event if it is due by `limit`; see evq.h. */
int evq_pop_until(evq *q, int64_t limit, evq_event *out)
{
    if (q->size == 0 || q->heap[0].time > limit)
        return 0;
    return evq_pop(q, out);
}

/* Cancels by handle; see evq.h. Returns 1 if the event was live, else 0
 * (already popped or cancelled, or a handle never issued). O(log n). */
int evq_cancel(evq *q, evq_handle h)
{
    if (!evq__handle_live(&q->handles, h))
        return 0;
    size_t i = slot_of(q)[h];
    assert(i < q->size && q->heap[i].handle == h);
    remove_at(q, i);
    return 1;
}

/* Copies the least event; see evq.h. Returns 1, or 0 when empty. */
int evq_peek(const evq *q, evq_event *out)
{
    if (q->size == 0)
        return 0;
    evq__fill_event(&q->handles, q->heap[0].handle, q->heap[0].time, out);
    return 1;
}

size_t evq_size(const evq *q)
{
    return q->size;
}
