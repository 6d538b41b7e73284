/*
 * evq (EVQ=heap2): a binary min-heap of (time, seq, handle) keys, with the
 * payload of each event (kind, arg, data) kept by handle so that sifting
 * moves only the 24-byte keys. The plain implementation, kept as the
 * reference that evq_heap4.c is measured and checked against.
 *
 * Invariants:
 *   - heap[0 .. size) is a min-heap on (time, seq);
 *   - for a live handle h, slot_of[h] is the index in heap of h's key and
 *     heap[slot_of[h]].handle == h; for a free handle, slot_of[h] == EVQ_DEAD;
 *   - handles [0, handle_count) have been issued; the free ones are stacked
 *     in free_handles[0 .. free_count), and live + free == handle_count;
 *   - next_seq is greater than the seq of every event ever pushed.
 * Memory grows by doubling, so a push costs O(log n) plus amortised O(1)
 * for growth, and nothing is ever allocated in steady state.
 */
#include "evq.h"

#include <assert.h>
#include <stdlib.h>

#include "../util/grow.h"

#define EVQ_DEAD UINT32_MAX
/* Handles are uint32 and EVQ_NO_HANDLE / EVQ_DEAD are reserved. */
#define EVQ_MAX_EVENTS ((size_t)UINT32_MAX - 1)

typedef struct heap_key {
    int64_t time;
    uint64_t seq;
    evq_handle handle;
} heap_key;

typedef struct payload {
    int32_t kind;
    int32_t arg;
    void *data;
} payload;

struct evq {
    heap_key *heap;           /* [capacity], first size in use */
    size_t size;
    size_t capacity;          /* of heap, slot_of, payloads and free_handles */
    uint32_t *slot_of;        /* [capacity] by handle */
    payload *payloads;        /* [capacity] by handle */
    evq_handle *free_handles; /* [capacity] stack of recycled handles */
    size_t free_count;
    size_t handle_count;      /* handles issued so far */
    uint64_t next_seq;
};

/* Strict (time, seq) order; seq is unique, so two keys are never equal. */
static int key_less(const heap_key *a, const heap_key *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

/* Writes key k at heap index i and records the slot of its handle. */
static void place(evq *q, size_t i, heap_key k)
{
    q->heap[i] = k;
    q->slot_of[k.handle] = (uint32_t)i;
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

/* Grows every array to new_capacity. Returns 0, or -1 when out of memory
 * (the queue is then unchanged, though some arrays may be larger). */
static int grow(evq *q, size_t new_capacity)
{
    if (grow_resize((void **)&q->heap, new_capacity, sizeof *q->heap) != 0 ||
        grow_resize((void **)&q->slot_of, new_capacity, sizeof *q->slot_of) != 0 ||
        grow_resize((void **)&q->payloads, new_capacity, sizeof *q->payloads) != 0 ||
        grow_resize((void **)&q->free_handles, new_capacity, sizeof *q->free_handles) != 0)
        return -1;
    q->capacity = new_capacity;
    return 0;
}

/* Creates an empty queue with room for capacity_hint events (at least 16).
 * Returns NULL when out of memory; free with evq_destroy. */
evq *evq_create(size_t capacity_hint)
{
    evq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    size_t capacity = capacity_hint < 16 ? 16 : capacity_hint;
    if (capacity > EVQ_MAX_EVENTS || grow(q, capacity) != 0) {
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
    free(q->free_handles);
    free(q->payloads);
    free(q->slot_of);
    free(q->heap);
    free(q);
}

/* A free handle: a recycled one, else the next new one. Growing first when
 * needed. Returns EVQ_NO_HANDLE when out of memory or out of handles. */
static evq_handle take_handle(evq *q)
{
    if (q->free_count > 0)
        return q->free_handles[--q->free_count];
    if (q->handle_count == q->capacity) {
        if (q->capacity >= EVQ_MAX_EVENTS)
            return EVQ_NO_HANDLE;
        size_t want = q->capacity > EVQ_MAX_EVENTS / 2 ? EVQ_MAX_EVENTS : 2 * q->capacity;
        if (grow(q, want) != 0)
            return EVQ_NO_HANDLE;
    }
    return (evq_handle)q->handle_count++;
}

/* Returns a handle to the free stack (it always has room: capacity bounds
 * the number of handles ever issued). */
static void release_handle(evq *q, evq_handle h)
{
    q->slot_of[h] = EVQ_DEAD;
    q->free_handles[q->free_count++] = h;
}

/* Pushes an event; see evq.h. Returns its handle, or EVQ_NO_HANDLE when out
 * of memory. O(log n). */
evq_handle evq_push(evq *q, int64_t time, int32_t kind, int32_t arg, void *data)
{
    evq_handle h = take_handle(q);
    if (h == EVQ_NO_HANDLE)
        return EVQ_NO_HANDLE;
    q->payloads[h] = (payload){.kind = kind, .arg = arg, .data = data};
    heap_key k = {.time = time, .seq = q->next_seq++, .handle = h};
    q->heap[q->size++] = k;
    sift_up(q, q->size - 1);
    return h;
}

/* Copies the event whose key is k into *out. */
static void fill_event(const evq *q, const heap_key *k, evq_event *out)
{
    const payload *p = &q->payloads[k->handle];
    *out = (evq_event){.time = k->time, .seq = k->seq, .kind = p->kind,
                       .arg = p->arg, .data = p->data};
}

/* Removes the key at heap index i, restoring the heap. O(log n). */
static void remove_at(evq *q, size_t i)
{
    release_handle(q, q->heap[i].handle);
    q->size--;
    if (i == q->size)
        return;
    q->heap[i] = q->heap[q->size];
    q->slot_of[q->heap[i].handle] = (uint32_t)i;
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
    fill_event(q, &q->heap[0], out);
    remove_at(q, 0);
    return 1;
}

/* Cancels by handle; see evq.h. Returns 1 if the event was live, else 0
 * (already popped or cancelled, or a handle never issued). O(log n). */
int evq_cancel(evq *q, evq_handle h)
{
    if (h >= q->handle_count || q->slot_of[h] == EVQ_DEAD)
        return 0;
    size_t i = q->slot_of[h];
    assert(i < q->size && q->heap[i].handle == h);
    remove_at(q, i);
    return 1;
}

/* Copies the least event; see evq.h. Returns 1, or 0 when empty. */
int evq_peek(const evq *q, evq_event *out)
{
    if (q->size == 0)
        return 0;
    fill_event(q, &q->heap[0], out);
    return 1;
}

size_t evq_size(const evq *q)
{
    return q->size;
}
