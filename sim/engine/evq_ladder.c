/*
 * evq (EVQ=ladder): a ladder queue (Tang, Goh and Thng, "Ladder queue: an
 * O(1) priority queue structure for large-scale discrete event
 * simulation", TOMACS 2005), on whole-second times. Three tiers, each
 * holding only times later than the one before:
 *   - bottom: a short array sorted by (time, seq), the next events; pop
 *     takes its head; a push that would grow it past BOTTOM_MAX spreads it
 *     over a new finest rung first;
 *   - rungs 0 .. rungs-1: arrays of buckets of equal width, each bucket an
 *     unsorted list. Rung r+1 splits one bucket of rung r, so its times all
 *     come before rung r's current bucket; a push goes into the finest rung
 *     whose current bucket it does not precede, in O(1);
 *   - top: an unsorted list of everything at or after top_start.
 * When bottom runs dry, the finest rung's next non-empty bucket moves into
 * it, sorted, if it holds at most BUCKET_SORT_MAX events (or is one second
 * wide, when all its events share a time and only seq orders them); a
 * larger one is spread over a new, finer rung. When the rungs run out, top
 * is spread over a new rung 0 with as many buckets as events. Each event is
 * moved a bounded number of times on average, so push and pop are O(1)
 * amortised for the usual increment distributions, and the lists touch
 * memory in order where a heap jumps from level to level.
 *
 * Events live in one node array by handle (time, seq, payload, next), so
 * the lists need no memory of their own; bottom holds (time, seq, handle).
 * Sorting by (time, seq), FIFO among ties, makes the pop order the same as
 * every other queue's.
 *
 * Cancellation is lazy: the node is marked dead (seq = SEQ_DEAD) and dropped
 * when its bucket moves to bottom or when it reaches bottom's head; when
 * dead events outnumber live ones (plus DEAD_SLACK), every live event is
 * gathered back into top and the ladder is rebuilt from it.
 *
 * Invariants:
 *   - every time in bottom < every time in rung rungs-1's buckets from cur
 *     on < ... < rung 0's < top_start <= every time in top;
 *   - bottom[head .. size) is sorted by (time, seq); bottom[head], when
 *     there is a live event, is live (so peek is O(1));
 *   - nodes[h].seq is the seq of a live event, SEQ_DEAD for a cancelled one
 *     still stored, SEQ_FREE for a free handle;
 *   - stored = live + dead; stored + free == handle_count.
 */
#include "evq.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "../util/grow.h"

/* Handles are uint32 and EVQ_NO_HANDLE is reserved (it also ends a list). */
#define EVQ_MAX_EVENTS ((size_t)UINT32_MAX - 1)
#define NIL UINT32_MAX
#define SEQ_DEAD UINT64_MAX
#define SEQ_FREE (UINT64_MAX - 1)
#define DEAD_SLACK 1024
/* A bucket of at most this many events is sorted into bottom; a larger one
 * is spread over a finer rung (the paper's THRES is 50). */
#define BUCKET_SORT_MAX 48
#define MAX_RUNGS 16
/* A bottom with this many events that a push would grow is spread over a
 * new, finer rung instead, so that sorted inserts stay short. */
#define BOTTOM_MAX 128

typedef struct node {
    int64_t time;
    uint64_t seq;        /* or SEQ_DEAD, SEQ_FREE */
    void *data;
    int32_t kind;
    int32_t arg;
    uint32_t next;       /* in its bucket or top list, NIL at the end */
} node;

typedef struct bottom_entry {
    int64_t time;
    uint64_t seq;
    evq_handle handle;
} bottom_entry;

typedef struct rung {
    int64_t start;       /* time of bucket 0 */
    uint64_t width;      /* seconds per bucket, >= 1 */
    size_t n_buckets;
    size_t cur;          /* buckets before cur are spent */
    uint32_t *heads;     /* [bucket_capacity] list heads */
    uint32_t *counts;    /* [bucket_capacity] events per bucket (dead included) */
    size_t bucket_capacity;
} rung;

struct evq {
    node *nodes;                /* [capacity] by handle */
    evq_handle *free_handles;   /* [capacity] stack of free handles */
    size_t capacity, free_count, handle_count;
    size_t live, dead;
    uint64_t next_seq;

    bottom_entry *bottom;       /* [bottom_capacity]; [head, size) in use */
    size_t bottom_head, bottom_size, bottom_capacity;

    rung rungs[MAX_RUNGS];
    size_t n_rungs;

    uint32_t top;               /* list head */
    size_t top_count;
    int64_t top_start, top_min, top_max;
};

static int bottom_less(const bottom_entry *a, int64_t time, uint64_t seq)
{
    return a->time < time || (a->time == time && a->seq < seq);
}

static int compare_bottom(const void *pa, const void *pb)
{
    const bottom_entry *a = pa, *b = pb;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* ---- memory ---- */

static int grow_nodes(evq *q, size_t new_capacity)
{
    if (grow_resize((void **)&q->nodes, new_capacity, sizeof *q->nodes) != 0 ||
        grow_resize((void **)&q->free_handles, new_capacity, sizeof *q->free_handles) != 0)
        return -1;
    q->capacity = new_capacity;
    return 0;
}

/* Room in bottom for `extra` more entries after compacting it. */
static int reserve_bottom(evq *q, size_t extra)
{
    if (q->bottom_head > 0) {
        memmove(q->bottom, q->bottom + q->bottom_head,
                (q->bottom_size - q->bottom_head) * sizeof *q->bottom);
        q->bottom_size -= q->bottom_head;
        q->bottom_head = 0;
    }
    return grow_reserve((void **)&q->bottom, &q->bottom_capacity, q->bottom_size + extra, 64,
                        sizeof *q->bottom) == 0 ? 0 : -1;
}

static int reserve_buckets(rung *r, size_t n)
{
    size_t cap = r->bucket_capacity;
    if (grow_reserve((void **)&r->heads, &cap, n, 64, sizeof *r->heads) != 0)
        return -1;
    cap = r->bucket_capacity;
    if (grow_reserve((void **)&r->counts, &cap, n, 64, sizeof *r->counts) != 0)
        return -1;
    r->bucket_capacity = cap;
    return 0;
}

evq *evq_create(size_t capacity_hint)
{
    evq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    size_t capacity = capacity_hint < 16 ? 16 : capacity_hint;
    q->top = NIL;
    q->top_start = INT64_MIN;
    if (capacity > EVQ_MAX_EVENTS || grow_nodes(q, capacity) != 0) {
        evq_destroy(q);
        return NULL;
    }
    return q;
}

void evq_destroy(evq *q)
{
    if (!q)
        return;
    for (size_t r = 0; r < MAX_RUNGS; r++) {
        free(q->rungs[r].heads);
        free(q->rungs[r].counts);
    }
    free(q->bottom);
    free(q->free_handles);
    free(q->nodes);
    free(q);
}

static evq_handle take_handle(evq *q)
{
    if (q->free_count > 0)
        return q->free_handles[--q->free_count];
    if (q->handle_count == q->capacity) {
        if (q->capacity >= EVQ_MAX_EVENTS)
            return EVQ_NO_HANDLE;
        size_t want = q->capacity > EVQ_MAX_EVENTS / 2 ? EVQ_MAX_EVENTS : 2 * q->capacity;
        if (grow_nodes(q, want) != 0)
            return EVQ_NO_HANDLE;
    }
    return (evq_handle)q->handle_count++;
}

static void release_handle(evq *q, evq_handle h)
{
    q->nodes[h].seq = SEQ_FREE;
    q->free_handles[q->free_count++] = h;
}

/* ---- placing events ---- */

static void top_add(evq *q, evq_handle h)
{
    const int64_t t = q->nodes[h].time;
    q->top_min = q->top_count == 0 || t < q->top_min ? t : q->top_min;
    q->top_max = q->top_count == 0 || t > q->top_max ? t : q->top_max;
    q->nodes[h].next = q->top;
    q->top = h;
    q->top_count++;
}

/* The time at which rung r's current bucket starts. */
static int64_t rung_position(const rung *r)
{
    return (int64_t)((uint64_t)r->start + (uint64_t)r->cur * r->width);
}

static void bucket_add(evq *q, rung *r, evq_handle h)
{
    size_t b = (size_t)(((uint64_t)q->nodes[h].time - (uint64_t)r->start) / r->width);
    assert(b >= r->cur && b < r->n_buckets);
    q->nodes[h].next = r->heads[b];
    r->heads[b] = h;
    r->counts[b]++;
}

/* Inserts into bottom, sorted. Returns 0 or -1 when out of memory. */
static int bottom_add(evq *q, int64_t time, uint64_t seq, evq_handle h)
{
    if (q->bottom_size == q->bottom_capacity && reserve_bottom(q, 1) != 0)
        return -1;
    size_t lo = q->bottom_head, hi = q->bottom_size;
    while (lo < hi) {  /* the first entry not less than the new one */
        size_t mid = lo + (hi - lo) / 2;
        if (bottom_less(&q->bottom[mid], time, seq))
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(&q->bottom[lo + 1], &q->bottom[lo], (q->bottom_size - lo) * sizeof *q->bottom);
    q->bottom[lo] = (bottom_entry){time, seq, h};
    q->bottom_size++;
    return 0;
}

static int spread(evq *q, uint32_t head, size_t count, int64_t start, uint64_t span);

/* Turns a full bottom into a new finest rung over [its least time, the
 * start of what comes after it), when that spans more than one second.
 * Returns 1 when it did (bottom is then empty), 0 when not, -1 when out of
 * memory. */
static int spread_bottom(evq *q)
{
    const size_t count = q->bottom_size - q->bottom_head;
    if (count < BOTTOM_MAX || q->n_rungs == MAX_RUNGS)
        return 0;
    const int64_t lo = q->bottom[q->bottom_head].time;
    const int64_t upper =
        q->n_rungs > 0 ? rung_position(&q->rungs[q->n_rungs - 1]) : q->top_start;
    if (upper <= lo || upper - 1 == lo)
        return 0;  /* every time in bottom is one second: nothing to split */
    uint32_t list = NIL;
    for (size_t i = q->bottom_head; i < q->bottom_size; i++) {
        q->nodes[q->bottom[i].handle].next = list;
        list = q->bottom[i].handle;
    }
    q->bottom_head = q->bottom_size = 0;
    return spread(q, list, count, lo, (uint64_t)upper - (uint64_t)lo) == 0 ? 1 : -1;
}

/* Puts stored event h where its time belongs. Returns 0 or -1 (out of
 * memory: only bottom and a new rung can need memory). */
static int place(evq *q, evq_handle h)
{
    const int64_t t = q->nodes[h].time;
    if (t >= q->top_start) {
        top_add(q, h);
        return 0;
    }
    for (size_t r = 0; r < q->n_rungs; r++) {
        if (t >= rung_position(&q->rungs[r])) {
            bucket_add(q, &q->rungs[r], h);
            return 0;
        }
    }
    const int spread_status = spread_bottom(q);
    if (spread_status < 0)
        return -1;
    if (spread_status == 1)
        return place(q, h);  /* once: bottom is empty now */
    return bottom_add(q, t, q->nodes[h].seq, h);
}

/* ---- refilling bottom ---- */

/* Spreads the list at `head` (count events, times in [start, start +
 * span)) over a new rung of about `count` buckets. Returns 0 or -1. */
static int spread(evq *q, uint32_t head, size_t count, int64_t start, uint64_t span)
{
    rung *r = &q->rungs[q->n_rungs];
    uint64_t width = span / count + (span % count != 0);
    width = width ? width : 1;
    size_t n = (size_t)(span / width + (span % width != 0));
    if (reserve_buckets(r, n) != 0)
        return -1;
    r->start = start;
    r->width = width;
    r->n_buckets = n;
    r->cur = 0;
    for (size_t b = 0; b < n; b++) {
        r->heads[b] = NIL;
        r->counts[b] = 0;
    }
    q->n_rungs++;
    while (head != NIL) {
        uint32_t next = q->nodes[head].next;
        bucket_add(q, r, head);
        head = next;
    }
    return 0;
}

/* Moves the list at `head` into bottom (which is empty), dropping dead
 * events, sorted by (time, seq). Returns 0 or -1. */
static int to_bottom(evq *q, uint32_t head, size_t count)
{
    if (reserve_bottom(q, count) != 0)
        return -1;
    while (head != NIL) {
        node *e = &q->nodes[head];
        uint32_t next = e->next;
        if (e->seq == SEQ_DEAD) {
            q->dead--;
            release_handle(q, head);
        } else {
            q->bottom[q->bottom_size++] = (bottom_entry){e->time, e->seq, head};
        }
        head = next;
    }
    qsort(q->bottom + q->bottom_head, q->bottom_size - q->bottom_head, sizeof *q->bottom,
          compare_bottom);
    return 0;
}

/* Top becomes rung 0 (or, when small or all at one time, bottom). */
static int take_top(evq *q)
{
    uint32_t head = q->top;
    size_t count = q->top_count;
    const int64_t lo = q->top_min, hi = q->top_max;
    q->top = NIL;
    q->top_count = 0;
    /* Later pushes at or after hi + 1 go to top again (saturating). */
    q->top_start = hi == INT64_MAX ? INT64_MAX : hi + 1;
    const uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;  /* 0: the whole int64 range */
    if (count <= BUCKET_SORT_MAX || hi == lo || span == 0)
        return to_bottom(q, head, count);
    return spread(q, head, count, lo, span);
}

/* Fills the empty bottom from the ladder. Returns 0 or -1. */
static int refill(evq *q)
{
    while (q->bottom_head == q->bottom_size && q->live > 0) {
        if (q->n_rungs == 0) {
            assert(q->top_count > 0);  /* the live events must be somewhere */
            if (take_top(q) != 0)
                return -1;
            continue;
        }
        rung *r = &q->rungs[q->n_rungs - 1];
        while (r->cur < r->n_buckets && r->counts[r->cur] == 0)
            r->cur++;
        if (r->cur == r->n_buckets) {
            q->n_rungs--;
            continue;
        }
        const size_t b = r->cur++;
        const uint32_t head = r->heads[b];
        const size_t count = r->counts[b];
        if (count <= BUCKET_SORT_MAX || r->width == 1 || q->n_rungs == MAX_RUNGS) {
            if (to_bottom(q, head, count) != 0)
                return -1;
        } else {
            const int64_t start = (int64_t)((uint64_t)r->start + (uint64_t)b * r->width);
            if (spread(q, head, count, start, r->width) != 0)
                return -1;
        }
    }
    return 0;
}

/* Drops dead events from bottom's head, then refills it: afterwards
 * bottom's head is the least live event, if any. Returns 0 or -1. */
static int settle(evq *q)
{
    for (;;) {
        while (q->bottom_head < q->bottom_size) {
            const evq_handle h = q->bottom[q->bottom_head].handle;
            if (q->nodes[h].seq != SEQ_DEAD)
                return 0;
            q->bottom_head++;
            q->dead--;
            release_handle(q, h);
        }
        if (q->live == 0)
            return 0;
        if (refill(q) != 0)
            return -1;
    }
}

/* Gathers every stored live event into top, freeing the dead, and empties
 * the rungs and bottom; the next settle rebuilds the ladder. */
static void rebuild(evq *q)
{
    uint32_t list = q->top;
    q->top = NIL;
    q->top_count = 0;
    for (size_t r = 0; r < q->n_rungs; r++) {
        rung *g = &q->rungs[r];
        for (size_t b = g->cur; b < g->n_buckets; b++) {
            uint32_t h = g->heads[b];
            while (h != NIL) {
                uint32_t next = q->nodes[h].next;
                q->nodes[h].next = list;
                list = h;
                h = next;
            }
        }
    }
    q->n_rungs = 0;
    for (size_t i = q->bottom_head; i < q->bottom_size; i++) {
        q->nodes[q->bottom[i].handle].next = list;
        list = q->bottom[i].handle;
    }
    q->bottom_head = q->bottom_size = 0;
    q->top_start = INT64_MIN;
    while (list != NIL) {
        uint32_t next = q->nodes[list].next;
        if (q->nodes[list].seq == SEQ_DEAD)
            release_handle(q, list);
        else
            top_add(q, list);
        list = next;
    }
    q->dead = 0;
}

/* ---- the interface ---- */

evq_handle evq_push(evq *q, int64_t time, int32_t kind, int32_t arg, void *data)
{
    evq_handle h = take_handle(q);
    if (h == EVQ_NO_HANDLE)
        return EVQ_NO_HANDLE;
    q->nodes[h] = (node){.time = time, .seq = q->next_seq, .data = data, .kind = kind,
                         .arg = arg, .next = NIL};
    if (place(q, h) != 0) {
        release_handle(q, h);
        return EVQ_NO_HANDLE;
    }
    q->next_seq++;
    q->live++;
    if (q->bottom_head == q->bottom_size && settle(q) != 0)
        return EVQ_NO_HANDLE;  /* not reachable in practice: the event is queued */
    return h;
}

static void fill_event(const evq *q, evq_handle h, evq_event *out)
{
    const node *e = &q->nodes[h];
    *out = (evq_event){.time = e->time, .seq = e->seq, .kind = e->kind, .arg = e->arg,
                       .data = e->data};
}

int evq_pop(evq *q, evq_event *out)
{
    if (q->live == 0)
        return 0;
    const evq_handle h = q->bottom[q->bottom_head++].handle;
    fill_event(q, h, out);
    release_handle(q, h);
    q->live--;
    (void)settle(q);  /* out of memory here leaves bottom empty; the next push refills */
    return 1;
}

int evq_cancel(evq *q, evq_handle h)
{
    if (h >= q->handle_count || q->nodes[h].seq >= SEQ_FREE)
        return 0;
    q->nodes[h].seq = SEQ_DEAD;
    q->live--;
    q->dead++;
    if (q->dead > q->live + DEAD_SLACK)
        rebuild(q);
    (void)settle(q);
    return 1;
}

int evq_peek(const evq *q, evq_event *out)
{
    if (q->live == 0)
        return 0;
    fill_event(q, q->bottom[q->bottom_head].handle, out);
    return 1;
}

size_t evq_size(const evq *q)
{
    return q->live;
}
