/*
 * evq_handles: the handle pool that every event queue (sim/engine/evq_*.c)
 * shares, internal to sim/engine (prefix evq__, as libuv's uv__). A handle
 * is a dense index: it names an event's payload (seq, kind, arg, data) from
 * push until the event pops or is cancelled, and is recycled afterwards, last
 * freed first, so that a hold (pop, then push) reuses the payload slot it has
 * just read, which is still in the cache.
 *
 * Beside the payloads a queue may keep one more array by handle, of a size
 * it chooses (`side`: heap2's heap index of each handle); the pool grows it
 * with the rest. Queues keep their own ordering structure (heap, ladder) of
 * whatever entries they like, and read the payload only when an event pops.
 *
 * Invariants:
 *   - handles [0, handle_count) have been issued; the free ones are stacked
 *     in free_handles[0 .. free_count); the others are stored in the queue;
 *   - payloads[h].seq is the event's seq for a stored live event, EVQ__SEQ_DEAD
 *     for a cancelled one the queue still stores (cancellation is lazy in the
 *     ladder and heap4), EVQ__SEQ_FREE for a free handle;
 *   - payloads, side and free_handles all hold `capacity` elements;
 *     handle_count <= capacity <= EVQ__MAX_EVENTS.
 * Growth doubles, so nothing is allocated in steady state.
 */
#ifndef CAPSIM_EVQ_HANDLES_H
#define CAPSIM_EVQ_HANDLES_H

#include <stddef.h>
#include <stdint.h>

#include "evq.h"

/* Handles are uint32 and EVQ_NO_HANDLE is reserved. */
#define EVQ__MAX_EVENTS ((size_t)UINT32_MAX - 1)
/* payload.seq of a cancelled event still stored, and of a free handle; real
 * seqs stay far below (2^63 pushes would take centuries). */
#define EVQ__SEQ_DEAD UINT64_MAX
#define EVQ__SEQ_FREE (UINT64_MAX - 1)

typedef struct evq__payload {
    uint64_t seq;   /* or EVQ__SEQ_DEAD, EVQ__SEQ_FREE */
    int32_t kind;
    int32_t arg;
    void *data;
} evq__payload;

typedef struct evq__handles {
    evq__payload *payloads;    /* [capacity] by handle */
    void *side;                /* [capacity] of side_size bytes by handle; NULL when 0 */
    size_t side_size;
    evq_handle *free_handles;  /* [capacity] stack of recycled handles */
    size_t capacity, free_count, handle_count;
} evq__handles;

/* create / destroy */
/* Empties *p and allocates room for capacity_hint handles (at least 16),
 * with a side array of side_size bytes per handle (0 for none). Returns 0,
 * or -1 when out of memory or capacity_hint > EVQ__MAX_EVENTS (then
 * evq__handles_free still must be called). */
int evq__handles_init(evq__handles *p, size_t capacity_hint, size_t side_size);
/* Frees the arrays (not *p itself). Safe on a pool that init failed on. */
void evq__handles_free(evq__handles *p);

/* operations */
/* Doubles the capacity (up to EVQ__MAX_EVENTS). Returns 0, or -1 when out of
 * memory or out of handles (the pool is then as it was, though some arrays
 * may be larger). */
int evq__handles_grow(evq__handles *p);

/* A free handle, whose payload the caller fills: a recycled one (the last
 * released), else the next new one, growing first when needed. Returns
 * EVQ_NO_HANDLE when out of memory or out of handles. */
static inline evq_handle evq__handle_take(evq__handles *p)
{
    if (p->free_count > 0)
        return p->free_handles[--p->free_count];
    if (p->handle_count == p->capacity && evq__handles_grow(p) != 0)
        return EVQ_NO_HANDLE;
    return (evq_handle)p->handle_count++;
}

/* Frees handle h (the stack always has room: capacity bounds the handles
 * ever issued). */
static inline void evq__handle_release(evq__handles *p, evq_handle h)
{
    p->payloads[h].seq = EVQ__SEQ_FREE;
    p->free_handles[p->free_count++] = h;
}

/* queries */
/* 1 when h names a live event (issued, neither free nor cancelled). */
static inline int evq__handle_live(const evq__handles *p, evq_handle h)
{
    return h < p->handle_count && p->payloads[h].seq < EVQ__SEQ_FREE;
}

/* The event of handle h, due at `time`, into *out. */
static inline void evq__fill_event(const evq__handles *p, evq_handle h, int64_t time,
                                   evq_event *out)
{
    const evq__payload *e = &p->payloads[h];
    *out = (evq_event){.time = time, .seq = e->seq, .kind = e->kind, .arg = e->arg,
                       .data = e->data};
}

#endif
