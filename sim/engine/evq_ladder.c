/*
 * evq (EVQ=ladder): a ladder queue (Tang, Goh and Thng, "Ladder queue: an
 * O(1) priority queue structure for large-scale discrete event
 * simulation", TOMACS 2005), on whole-second times. Three tiers, each
 * holding only times later than the one before:
 *   - bottom: a short array sorted by (time, seq), the next events; pop
 *     takes its head; a push that would grow it past BOTTOM_MAX spreads it
 *     over a new finest rung first;
 *   - rungs 0 .. rungs-1: arrays of buckets of equal width (a power of two
 *     seconds, so that finding a bucket is a shift), each bucket an
 *     unsorted list. Rung r+1 splits one bucket of rung r, so its times all
 *     come before rung r's current bucket; a push goes into the finest rung
 *     whose current bucket it does not precede, in O(1);
 *   - top: an unsorted list of everything at or after top_start.
 * When bottom runs dry, the finest rung's next non-empty bucket moves into
 * it, sorted, if it holds at most BUCKET_SORT_MAX events (or is one second
 * wide, when all its events share a time and only seq orders them); a
 * larger one is spread over a new, finer rung. When the rungs run out, top
 * is spread over a new rung 0. Each event is moved a bounded number of
 * times on average, so push and pop are O(1) amortised for the usual
 * increment distributions.
 *
 * Layout. The ladder moves 16-byte entries (time, handle); the payload
 * (seq, kind, arg, data) stays in the shared handle pool (evq_handles.h)
 * and is read once, when the event pops. A list (a bucket or top) is a chain
 * of chunks of CHUNK_ENTRIES entries from one pool of chunks, appended at
 * its tail, so that walking a list reads memory in order, a cache line at a
 * time, where a list threaded through per-event nodes would wait for one
 * cache miss per event. Chunks are eight cache lines (31 entries after a
 * 16-byte header), aligned. With 2 events per new bucket and buckets of at
 * most 48 sorted, tests/bench measured 7, 11, 15, 23 and 31 entries and 15
 * was the fastest or near it at every size; with the fuller buckets below
 * (4 and 96), 31 is, for no more memory at 1e6 (58 MB peak, against 59 MB
 * with 15 and 2 / 48). Only a list's tail chunk is partly filled, and
 * the list keeps the room left in it: a push writes its entry's cache
 * line and nothing else of the chunk (in a large queue the tails of the
 * buckets that pushes go to do not all fit in the cache, and each line
 * read is a miss). A rung has about
 * EVENTS_PER_BUCKET (4) events per bucket when it is made, where the paper
 * has one: fewer buckets, and so fewer cold tails and fewer bucket moves
 * into bottom, for more events sorted per bucket, which the counting sort
 * below makes cheap. Pushes keep arriving in a bucket until it is taken,
 * so the hold model's buckets hold some 35 events by then (1e3 events of
 * mean hold 3600 s in buckets of 128 s). Measured with the hold model on
 * the engine at 1e3 events, three runs each (tests/bench's driver, shared
 * machine): 4 / 96 (events per new bucket / largest bucket sorted) with
 * 31-entry chunks 20.5-21.2 ns per hold, against 22.5-22.8 for 2 / 48 with
 * 15; 8 / 96, 4 / 128 and 8 / 160 (over 512 s) lay between, within the
 * noise of each other; at 1e5 all took 24-26 ns. The price is
 * memory: partly filled tail chunks bring a queue of 1e6 hold-model events
 * to about 60 bytes per event (entries, chunks, payload and free stack),
 * where per-event nodes took about 40.
 *
 * Order without seq. Every list, and bottom, keeps the events of any one
 * time in seq order: a push has the greatest seq yet and goes to the end of
 * its list (or after every bottom entry of its time), and spreading or
 * moving a list keeps the order of its entries. So sorting a bucket into
 * bottom needs only a stable sort by time: none at all for a bucket one
 * second wide, a counting sort for one dense with events (16 to 255 over
 * at most 256 seconds), an insertion sort for the rest; only the rebuild
 * below ever compares seqs.
 *
 * Cancellation is lazy: the payload is marked dead (seq = EVQ__SEQ_DEAD) and
 * the entry dropped when it reaches bottom's head; when dead events
 * outnumber live ones (plus DEAD_SLACK), the live ones are sorted into
 * bottom and the ladder is rebuilt from it.
 *
 * Invariants:
 *   - every time in bottom < every time in rung rungs-1's buckets from cur
 *     on < ... < rung 0's < top_start <= every time in top;
 *   - bottom[head .. size) is sorted by (time, seq); bottom[head], when
 *     there is a live event, is live (so peek is O(1));
 *   - within bottom and within each list, entries of equal time are in seq
 *     order;
 *   - live + dead entries are stored, one for each handle that is not free;
 *   - a list's count is the number of entries in its chunks (dead included);
 *     its head and tail are NIL when it is empty, and only its tail chunk
 *     may be partly filled, with `room` entries free (0 when empty).
 */
#include "evq.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "../util/grow.h"
#include "evq_handles.h"

#define NIL UINT32_MAX
#define DEAD_SLACK 1024
/* The limits below may be set before this file is compiled (-D, or
 * tests/unit/test_evq_ladder.c, which makes them tiny). */
/* A bucket of at most this many events is sorted into bottom; a larger one
 * is spread over a finer rung (the paper's THRES is 50). */
#ifndef BUCKET_SORT_MAX
#define BUCKET_SORT_MAX 96
#endif
/* Buckets of a new rung: its events / EVENTS_PER_BUCKET (at least two). */
#ifndef EVENTS_PER_BUCKET
#define EVENTS_PER_BUCKET 4
#endif
#ifndef MAX_RUNGS
#define MAX_RUNGS 16
#endif
/* A bottom with this many events that a push would grow is spread over a
 * new, finer rung instead, so that sorted inserts stay short. */
#ifndef BOTTOM_MAX
#define BOTTOM_MAX 128
#endif
/* Entries per chunk: 31 x 16 bytes after a 16-byte header, 512 bytes. */
#ifndef CHUNK_ENTRIES
#define CHUNK_ENTRIES 31
#endif
#define CACHE_LINE 64
/* A list of at least COUNTING_SORT_MIN entries over at most
 * COUNTING_SORT_SPAN seconds is sorted by counting. */
#ifndef COUNTING_SORT_MIN
#define COUNTING_SORT_MIN 16
#endif
#ifndef COUNTING_SORT_SPAN
#define COUNTING_SORT_SPAN 256
#endif
/* Otherwise by insertion up to this many entries, by qsort beyond. */
#ifndef INSERTION_SORT_MAX
#define INSERTION_SORT_MAX 64
#endif
/* Pops ahead of the one whose payload is fetched into the cache. */
#ifndef PREFETCH_AHEAD
#define PREFETCH_AHEAD 8
#endif

typedef struct entry {
    int64_t time;
    evq_handle handle;
    uint32_t order;   /* position in its list, set only while sorting by time */
} entry;

typedef struct chunk {
    uint32_t next;    /* the next chunk of its list, NIL at the end */
    uint32_t unused[3];
    entry entries[CHUNK_ENTRIES];
} chunk;

typedef struct list {
    uint32_t head, tail;  /* chunks, NIL when empty */
    uint32_t count;       /* entries, dead included */
    uint32_t room;        /* free entries in the tail chunk, 0 when empty */
} list;

typedef struct rung {
    int64_t start;        /* time of bucket 0 */
    uint64_t width;       /* seconds per bucket: 1 << shift */
    unsigned shift;
    size_t n_buckets;
    size_t cur;           /* buckets before cur are spent */
    list *buckets;        /* [bucket_capacity] */
    size_t bucket_capacity;
} rung;

struct evq {
    evq__handles handles;       /* payloads by handle */
    size_t live, dead;
    uint64_t next_seq;

    chunk *chunks;              /* [chunk_capacity], CACHE_LINE-aligned; [0, chunks_used) carved */
    size_t chunk_capacity, chunks_used, free_chunk_count;
    uint32_t free_chunks;       /* stack of released chunks, through next */

    entry *bottom;              /* [bottom_capacity]; [head, size) in use */
    size_t bottom_head, bottom_size, bottom_capacity;

    rung rungs[MAX_RUNGS];
    size_t n_rungs;

    list top;
    int64_t top_start, top_min, top_max;
};

static const list EMPTY_LIST = {NIL, NIL, 0, 0};

/* ---- chunks and lists ---- */

/* Makes sure that n chunks can be taken without allocating. Returns 0, or
 * -1 when out of memory (nothing changed). */
static int reserve_chunks(evq *q, size_t n)
{
    const size_t available = q->free_chunk_count + (q->chunk_capacity - q->chunks_used);
    if (available >= n)
        return 0;
    const size_t need = q->chunks_used + (n - q->free_chunk_count);
    const size_t capacity = grow_capacity(q->chunk_capacity, need, 64);
    if (capacity == 0 || capacity >= NIL || capacity > SIZE_MAX / sizeof *q->chunks)
        return -1;
    /* aligned_alloc, not realloc: a chunk must not straddle more lines. */
    chunk *grown = aligned_alloc(CACHE_LINE, capacity * sizeof *q->chunks);
    if (!grown)
        return -1;
    if (q->chunks_used > 0)
        memcpy(grown, q->chunks, q->chunks_used * sizeof *q->chunks);
    free(q->chunks);
    q->chunks = grown;
    q->chunk_capacity = capacity;
    return 0;
}

/* An empty chunk; reserve_chunks must have made room. */
static uint32_t take_chunk(evq *q)
{
    uint32_t c;
    if (q->free_chunks != NIL) {
        c = q->free_chunks;
        q->free_chunks = q->chunks[c].next;
        q->free_chunk_count--;
    } else {
        assert(q->chunks_used < q->chunk_capacity);
        c = (uint32_t)q->chunks_used++;
    }
    q->chunks[c].next = NIL;
    return c;
}

static void release_chunk(evq *q, uint32_t c)
{
    q->chunks[c].next = q->free_chunks;
    q->free_chunks = c;
    q->free_chunk_count++;
}

/* Entries in the chunk c of list l: all but the tail are full. */
static uint32_t chunk_fill(const list *l, uint32_t c)
{
    return c != l->tail ? CHUNK_ENTRIES : CHUNK_ENTRIES - l->room;
}

/* Appends e to l; a chunk must be reserved (one at most is taken). */
static void list_append(evq *q, list *l, entry e)
{
    if (l->room == 0) {
        const uint32_t c = take_chunk(q);
        if (l->tail == NIL)
            l->head = c;
        else
            q->chunks[l->tail].next = c;
        l->tail = c;
        l->room = CHUNK_ENTRIES;
    }
    q->chunks[l->tail].entries[CHUNK_ENTRIES - l->room--] = e;
    l->count++;
}

/* ---- memory ---- */

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

/* Creates an empty queue with room for capacity_hint events. Returns NULL
 * when out of memory; free with evq_destroy. */
evq *evq_create(size_t capacity_hint)
{
    evq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->free_chunks = NIL;
    q->top = EMPTY_LIST;
    q->top_start = INT64_MIN;
    if (evq__handles_init(&q->handles, capacity_hint, 0) != 0 ||
        reserve_chunks(q, q->handles.capacity / CHUNK_ENTRIES + MAX_RUNGS) != 0) {
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
    for (size_t r = 0; r < MAX_RUNGS; r++)
        free(q->rungs[r].buckets);
    free(q->bottom);
    free(q->chunks);
    evq__handles_free(&q->handles);
    free(q);
}

/* ---- sorting ---- */

static int compare_time_then_order(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
}

/* Sorts a[0 .. n) by time, keeping the order of equal times (stable), so
 * that (time, seq) order follows from the per-time seq order of lists. */
static void sort_by_time(entry *a, size_t n)
{
    if (n > INSERTION_SORT_MAX) {
        for (size_t i = 0; i < n; i++)
            a[i].order = (uint32_t)i;
        qsort(a, n, sizeof *a, compare_time_then_order);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        const entry e = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1].time > e.time) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = e;
    }
}

/* ---- placing events ---- */

/* The time at which rung r's current bucket starts. */
static int64_t rung_position(const rung *r)
{
    return (int64_t)((uint64_t)r->start + ((uint64_t)r->cur << r->shift));
}

/* The bucket of rung r that time t belongs to. */
static list *rung_bucket(const rung *r, int64_t t)
{
    const size_t b = (size_t)(((uint64_t)t - (uint64_t)r->start) >> r->shift);
    assert(b >= r->cur && b < r->n_buckets);
    return &r->buckets[b];
}

static void rung_add(evq *q, rung *r, entry e)
{
    list_append(q, rung_bucket(r, e.time), e);
}

/* Widens top's range of times to t, before an entry of time t joins top. */
static void top_note(evq *q, int64_t t)
{
    q->top_min = q->top.count == 0 || t < q->top_min ? t : q->top_min;
    q->top_max = q->top.count == 0 || t > q->top_max ? t : q->top_max;
}

/* The list that a new event at time t joins: top, or the bucket of the
 * finest rung whose current bucket t does not precede; NULL when t comes
 * before every rung's current bucket (bottom is its place). */
static inline list *list_for(evq *q, int64_t t)
{
    if (t >= q->top_start)
        return &q->top;
    for (size_t r = 0; r < q->n_rungs; r++)
        if (t >= rung_position(&q->rungs[r]))
            return rung_bucket(&q->rungs[r], t);
    return NULL;
}

/* Makes rung n_rungs over [start, start + span) for `count` events, with
 * empty buckets, and room for moving them in. Returns it, or NULL when out
 * of memory (nothing changed) or when there is no rung left. */
static rung *new_rung(evq *q, size_t count, int64_t start, uint64_t span)
{
    if (q->n_rungs == MAX_RUNGS)
        return NULL;
    rung *r = &q->rungs[q->n_rungs];
    /* At least two buckets, so that a bucket spread over a finer rung is
     * always cut (with one, a bucket of more than BUCKET_SORT_MAX events
     * and fewer than 2 x EVENTS_PER_BUCKET would be spread again and again
     * over a rung as wide as itself). */
    const uint64_t want = count / EVENTS_PER_BUCKET > 2 ? count / EVENTS_PER_BUCKET : 2;
    /* The width is a power of two, so that a bucket index is a shift, not
     * a division: the least one that spreads span over at most want buckets
     * (2^63 at most, so that span, below 2^64, takes at most two). */
    const uint64_t least = span / want + (span % want != 0);
    unsigned shift = 0;
    while (shift < 63 && ((uint64_t)1 << shift) < least)
        shift++;
    const uint64_t width = (uint64_t)1 << shift;
    const size_t n = (size_t)((span >> shift) + ((span & (width - 1)) != 0));
    /* Each non-empty bucket starts a chunk; the rest fill them. */
    const size_t chunks = (n < count ? n : count) + count / CHUNK_ENTRIES + 1;
    if (grow_reserve((void **)&r->buckets, &r->bucket_capacity, n, 64, sizeof *r->buckets) != 0 ||
        reserve_chunks(q, chunks) != 0)
        return NULL;
    r->start = start;
    r->width = width;
    r->shift = shift;
    r->n_buckets = n;
    r->cur = 0;
    for (size_t b = 0; b < n; b++)
        r->buckets[b] = EMPTY_LIST;
    q->n_rungs++;
    return r;
}

/* Moves every entry of list l into rung r, in order, and frees l's chunks. */
static void move_to_rung(evq *q, list l, rung *r)
{
    for (uint32_t c = l.head; c != NIL;) {
        const chunk *k = &q->chunks[c];
        const uint32_t fill = chunk_fill(&l, c);
        for (uint32_t i = 0; i < fill; i++)
            rung_add(q, r, k->entries[i]);
        const uint32_t next = k->next;
        release_chunk(q, c);
        c = next;
    }
}

/* Inserts e into bottom after every entry of its time or earlier (it has the
 * greatest seq yet). Returns 0 or -1 when out of memory. */
static int bottom_insert(evq *q, entry e)
{
    if (q->bottom_size == q->bottom_capacity && reserve_bottom(q, 1) != 0)
        return -1;
    size_t lo = q->bottom_head, hi = q->bottom_size;
    while (lo < hi) {  /* the first entry later than e */
        const size_t mid = lo + (hi - lo) / 2;
        if (q->bottom[mid].time <= e.time)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(&q->bottom[lo + 1], &q->bottom[lo], (q->bottom_size - lo) * sizeof *q->bottom);
    q->bottom[lo] = e;
    q->bottom_size++;
    return 0;
}

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
    rung *r = new_rung(q, count, lo, (uint64_t)upper - (uint64_t)lo);
    if (!r)
        return -1;
    for (size_t i = q->bottom_head; i < q->bottom_size; i++)
        rung_add(q, r, q->bottom[i]);
    q->bottom_head = q->bottom_size = 0;
    return 1;
}

/* Puts a new entry (the greatest seq yet) where its time belongs. Returns 0
 * or -1 when out of memory (nothing changed). */
static int place(evq *q, entry e)
{
    if (reserve_chunks(q, 1) != 0)
        return -1;
    list *l = list_for(q, e.time);
    if (l) {
        if (l == &q->top)
            top_note(q, e.time);
        list_append(q, l, e);
        return 0;
    }
    const int spread_status = spread_bottom(q);
    if (spread_status < 0)
        return -1;
    if (spread_status == 1)
        return place(q, e);  /* once: bottom is empty now */
    return bottom_insert(q, e);
}

/* ---- refilling bottom ---- */

/* Counting sort of list l's entries, whose times lie in [lo, lo + span),
 * into out (stable: a histogram of times, then each entry in list order to
 * its time's next slot). span <= COUNTING_SORT_SPAN, and at most 255
 * entries, so that every count and every position fits in a byte: the
 * prefix sums then take one multiplication per eight slots (a word times
 * 0x0101010101010101 holds in byte k the sum of its bytes 0 to k, which
 * cannot carry past 255), not one dependent addition per slot, which was
 * a third of the sort with 2 events per new bucket. */
static void counting_sort(const evq *q, const list *l, int64_t lo, uint64_t span, entry *out)
{
    _Alignas(8) uint8_t next_slot[COUNTING_SORT_SPAN + 8];
    const size_t words = (size_t)(span + 1 + 7) / 8;
    memset(next_slot, 0, words * 8);
    for (uint32_t c = l->head; c != NIL; c = q->chunks[c].next) {
        const chunk *k = &q->chunks[c];
        const uint32_t fill = chunk_fill(l, c);
        for (uint32_t i = 0; i < fill; i++)
            next_slot[(uint64_t)k->entries[i].time - (uint64_t)lo + 1]++;
    }
    uint64_t carry = 0;
    for (size_t w = 0; w < words; w++) {
        uint64_t word;
        memcpy(&word, next_slot + 8 * w, 8);
        word = word * 0x0101010101010101ULL + carry * 0x0101010101010101ULL;
        memcpy(next_slot + 8 * w, &word, 8);
        carry = word >> 56;
    }
    for (uint32_t c = l->head; c != NIL; c = q->chunks[c].next) {
        const chunk *k = &q->chunks[c];
        const uint32_t fill = chunk_fill(l, c);
        for (uint32_t i = 0; i < fill; i++)
            out[next_slot[(uint64_t)k->entries[i].time - (uint64_t)lo]++] = k->entries[i];
    }
}

/* Moves list l, whose times lie in [lo, lo + span) (span 0: anywhere), into
 * the empty bottom, sorted by (time, seq); with span 1 (one time) it is in
 * that order already. Frees l's chunks. Returns 0, or -1 when out of memory
 * (nothing changed). */
static int to_bottom(evq *q, list l, int64_t lo, uint64_t span)
{
    q->bottom_head = q->bottom_size = 0;
    if (reserve_bottom(q, l.count) != 0)
        return -1;
    const int counting = l.count >= COUNTING_SORT_MIN && l.count <= 255 && span > 1 &&
                         span <= COUNTING_SORT_SPAN;
    if (counting)
        counting_sort(q, &l, lo, span, q->bottom);
    entry *out = q->bottom;
    for (uint32_t c = l.head; c != NIL;) {
        const chunk *k = &q->chunks[c];
        const uint32_t fill = chunk_fill(&l, c);
        if (!counting)
            memcpy(out, k->entries, fill * sizeof *out);
        out += fill;
        const uint32_t next = k->next;
        release_chunk(q, c);
        c = next;
    }
    q->bottom_size = l.count;
    if (!counting && span != 1)
        sort_by_time(q->bottom, l.count);
    /* The first pops' payloads, which the next pops will read. */
    for (size_t i = 0; i < l.count && i < PREFETCH_AHEAD; i++)
        __builtin_prefetch(&q->handles.payloads[q->bottom[i].handle]);
    return 0;
}

/* Top becomes rung 0 (or, when small or all at one time, bottom). Returns 0
 * or -1 when out of memory (nothing changed). */
static int take_top(evq *q)
{
    const list l = q->top;
    const int64_t lo = q->top_min, hi = q->top_max;
    const uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;  /* 0: the whole int64 range */
    if (l.count <= BUCKET_SORT_MAX || hi == lo || span == 0) {
        if (to_bottom(q, l, lo, span) != 0)
            return -1;
    } else {
        rung *r = new_rung(q, l.count, lo, span);
        if (!r)
            return -1;
        move_to_rung(q, l, r);
    }
    q->top = EMPTY_LIST;
    /* Later pushes at or after hi + 1 go to top again (saturating). */
    q->top_start = hi == INT64_MAX ? INT64_MAX : hi + 1;
    return 0;
}

/* Fills the empty bottom from the ladder. Returns 0 or -1. */
static int refill(evq *q)
{
    while (q->bottom_head == q->bottom_size && q->live > 0) {
        if (q->n_rungs == 0) {
            assert(q->top.count > 0);  /* the live events must be somewhere */
            if (take_top(q) != 0)
                return -1;
            continue;
        }
        rung *r = &q->rungs[q->n_rungs - 1];
        while (r->cur < r->n_buckets && r->buckets[r->cur].count == 0)
            r->cur++;
        if (r->cur == r->n_buckets) {
            q->n_rungs--;
            continue;
        }
        const size_t b = r->cur++;
        const list l = r->buckets[b];
        r->buckets[b] = EMPTY_LIST;
        const uint64_t width = r->width;
        const int64_t start = (int64_t)((uint64_t)r->start + ((uint64_t)b << r->shift));
        /* A rung whose last bucket is taken is spent: drop it now (its
         * position past the end could overflow), and what comes after it
         * (a coarser rung's position or top_start) bounds what it held. */
        const int spent = r->cur == r->n_buckets;
        q->n_rungs -= (size_t)spent;
        int status;
        if (l.count <= BUCKET_SORT_MAX || width == 1 || q->n_rungs == MAX_RUNGS) {
            status = to_bottom(q, l, start, width);
        } else {
            rung *finer = new_rung(q, l.count, start, width);  /* r's place when spent */
            status = finer ? 0 : -1;
            if (finer)
                move_to_rung(q, l, finer);
        }
        if (status != 0) {  /* nothing moved: put the bucket back */
            q->n_rungs += (size_t)spent;
            r->buckets[b] = l;
            r->cur = b;
            return -1;
        }
    }
    return 0;
}

/* 1 when bottom's head is a live event: settle then has nothing to do
 * but fetch, into the cache, the payload that is PREFETCH_AHEAD pops away. */
static inline int head_settled(const evq *q)
{
    const size_t head = q->bottom_head;
    if (head >= q->bottom_size || q->handles.payloads[q->bottom[head].handle].seq == EVQ__SEQ_DEAD)
        return 0;
    if (head + PREFETCH_AHEAD < q->bottom_size)
        __builtin_prefetch(&q->handles.payloads[q->bottom[head + PREFETCH_AHEAD].handle]);
    return 1;
}

/* Drops dead events from bottom's head, then refills it: afterwards
 * bottom's head is the least live event, if any. Out of line, so that the
 * pops and pushes that do not need it (nearly all) save no registers for
 * it. Returns 0 or -1. */
static __attribute__((noinline)) int settle(evq *q)
{
    for (;;) {
        while (q->bottom_head < q->bottom_size) {
            if (head_settled(q))
                return 0;
            const evq_handle h = q->bottom[q->bottom_head].handle;
            q->bottom_head++;
            q->dead--;
            evq__handle_release(&q->handles, h);
        }
        if (q->live == 0)
            return 0;
        if (refill(q) != 0)
            return -1;
    }
}

/* ---- rebuilding without the dead ---- */

typedef struct keyed_entry {
    int64_t time;
    uint64_t seq;
    evq_handle handle;
} keyed_entry;

static int compare_keyed(const void *pa, const void *pb)
{
    const keyed_entry *a = pa, *b = pb;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Appends the live entries of list l to keyed[*n], releasing the dead. */
static void gather_list(evq *q, list l, keyed_entry *keyed, size_t *n)
{
    for (uint32_t c = l.head; c != NIL; c = q->chunks[c].next) {
        const chunk *k = &q->chunks[c];
        const uint32_t fill = chunk_fill(&l, c);
        for (uint32_t i = 0; i < fill; i++) {
            const entry e = k->entries[i];
            const uint64_t seq = q->handles.payloads[e.handle].seq;
            if (seq == EVQ__SEQ_DEAD)
                evq__handle_release(&q->handles, e.handle);
            else
                keyed[(*n)++] = (keyed_entry){e.time, seq, e.handle};
        }
    }
}

/* Frees every dead event and puts the live ones, sorted, into bottom, with
 * no rungs and an empty top after them. When out of memory it does nothing
 * (the dead then stay until they reach bottom's head, which is correct,
 * only slower). */
static void rebuild(evq *q)
{
    const size_t stored = q->live + q->dead;
    keyed_entry *keyed = malloc((stored > 0 ? stored : 1) * sizeof *keyed);
    if (!keyed || reserve_bottom(q, q->live) != 0) {  /* bottom may hold all the live */
        free(keyed);
        return;
    }
    size_t n = 0;
    for (size_t i = q->bottom_head; i < q->bottom_size; i++) {
        const entry e = q->bottom[i];
        const uint64_t seq = q->handles.payloads[e.handle].seq;
        if (seq == EVQ__SEQ_DEAD)
            evq__handle_release(&q->handles, e.handle);
        else
            keyed[n++] = (keyed_entry){e.time, seq, e.handle};
    }
    for (size_t r = 0; r < q->n_rungs; r++)
        for (size_t b = q->rungs[r].cur; b < q->rungs[r].n_buckets; b++)
            gather_list(q, q->rungs[r].buckets[b], keyed, &n);
    gather_list(q, q->top, keyed, &n);
    assert(n == q->live);
    qsort(keyed, n, sizeof *keyed, compare_keyed);
    for (size_t i = 0; i < n; i++)
        q->bottom[i] = (entry){.time = keyed[i].time, .handle = keyed[i].handle};
    q->bottom_head = 0;
    q->bottom_size = n;
    free(keyed);
    /* Every chunk is free again. */
    q->chunks_used = q->free_chunk_count = 0;
    q->free_chunks = NIL;
    q->n_rungs = 0;
    q->top = EMPTY_LIST;
    q->top_start = n == 0 ? INT64_MIN
                   : q->bottom[n - 1].time == INT64_MAX ? INT64_MAX
                                                        : q->bottom[n - 1].time + 1;
    q->dead = 0;
}

/* ---- the interface ---- */

/* evq_push's general case: any handle, any tier, a new chunk; bottom's head
 * settled afterwards. */
static __attribute__((noinline)) evq_handle push_slow(evq *q, int64_t time, int32_t kind,
                                                      int32_t arg, void *data)
{
    const evq_handle h = evq__handle_take(&q->handles);
    if (h == EVQ_NO_HANDLE)
        return EVQ_NO_HANDLE;
    if (place(q, (entry){.time = time, .handle = h}) != 0) {
        evq__handle_release(&q->handles, h);
        return EVQ_NO_HANDLE;
    }
    q->handles.payloads[h] =
        (evq__payload){.seq = q->next_seq++, .kind = kind, .arg = arg, .data = data};
    const int was_empty = q->live == 0;
    q->live++;
    /* Bottom's head can be dead (or bottom empty) only when nothing was live. */
    if ((was_empty || q->bottom_head == q->bottom_size) && settle(q) != 0)
        return EVQ_NO_HANDLE;  /* not reachable in practice: the event is queued */
    return h;
}

/* Pushes an event; see evq.h. Returns its handle, or EVQ_NO_HANDLE when out
 * of memory. O(1) amortised. Nearly every push takes the first branch: a
 * recycled handle, an event for top or a rung whose list's tail chunk has
 * room, and something live in bottom (so nothing to settle): the same
 * entry, payload and counts as push_slow, with no call and no chunk taken. */
evq_handle evq_push(evq *q, int64_t time, int32_t kind, int32_t arg, void *data)
{
    evq__handles *p = &q->handles;
    if (p->free_count > 0 && q->live > 0 && q->bottom_head < q->bottom_size) {
        list *l = list_for(q, time);
        if (l && l->room != 0) {
            if (l == &q->top)
                top_note(q, time);
            const evq_handle h = p->free_handles[--p->free_count];
            entry *slot = &q->chunks[l->tail].entries[CHUNK_ENTRIES - l->room--];
            slot->time = time;
            slot->handle = h;
            l->count++;
            p->payloads[h] =
                (evq__payload){.seq = q->next_seq++, .kind = kind, .arg = arg, .data = data};
            q->live++;
            return h;
        }
    }
    return push_slow(q, time, kind, arg, data);
}

/* Takes bottom's head, a live event, into *out and settles the next. */
static inline void pop_head(evq *q, evq_event *out)
{
    const entry e = q->bottom[q->bottom_head++];
    evq__fill_event(&q->handles, e.handle, e.time, out);
    evq__handle_release(&q->handles, e.handle);
    q->live--;
    if (!head_settled(q))
        (void)settle(q);  /* out of memory here leaves bottom empty; the next push refills */
}

/* Pops the least event; see evq.h. Returns 1, or 0 when empty. */
int evq_pop(evq *q, evq_event *out)
{
    if (q->live == 0)
        return 0;
    pop_head(q, out);
    return 1;
}

/* Pops the least event if it is due by `limit`; see evq.h. */
int evq_pop_until(evq *q, int64_t limit, evq_event *out)
{
    if (q->live == 0 || q->bottom[q->bottom_head].time > limit)
        return 0;
    pop_head(q, out);
    return 1;
}

/* Cancels by handle; see evq.h. Amortised O(1). */
int evq_cancel(evq *q, evq_handle h)
{
    if (!evq__handle_live(&q->handles, h))
        return 0;
    q->handles.payloads[h].seq = EVQ__SEQ_DEAD;
    q->live--;
    q->dead++;
    if (q->dead > q->live + DEAD_SLACK)
        rebuild(q);
    (void)settle(q);
    return 1;
}

/* Copies the least event; see evq.h. Returns 1, or 0 when empty. */
int evq_peek(const evq *q, evq_event *out)
{
    if (q->live == 0)
        return 0;
    const entry e = q->bottom[q->bottom_head];
    evq__fill_event(&q->handles, e.handle, e.time, out);
    return 1;
}

size_t evq_size(const evq *q)
{
    return q->live;
}
