/*
 * evq (EVQ=heap4): a 4-ary min-heap of 16-byte entries, the
 * event's time and one 64-bit word that packs a 32-bit rank above the
 * 32-bit handle. The payload (seq, kind, arg, data) is kept by handle, so
 * sifting moves 16 bytes and the four children of a node, which sit in one
 * 64-byte cache line, are compared without touching anything else. A 4-ary
 * heap is half as deep as a binary one, and each level it moves costs one
 * cache line instead of two (LaMarca and Ladner, "The influence of caches
 * on the performance of heaps", JEA 1996). Handles and payloads come from
 * the shared pool (evq_handles.h).
 *
 * Cancellation is lazy: a cancelled event's entry stays in the heap, marked
 * dead in its payload, and is dropped when it reaches the root (or when
 * dead entries outnumber live ones, by one O(n) rebuild, so they never take
 * more than half the heap; amortised O(1) per cancel). So nothing keeps
 * the heap index of each handle, and moving an entry writes the entry only:
 * a per-handle index would cost one more cache miss per level moved in a
 * large heap, which is what made the binary heap (evq_heap2.c) slower than
 * a plain one there. The root is always live, which keeps peek O(1).
 *
 * The rank stands for seq. seq is 64-bit and cannot share the word with the
 * handle, but the order of events only needs the order of their seqs, and a
 * rank that increases with seq keeps it: ranks are handed out in push order
 * (next_rank), so for two entries rank order is seq order. When the 32-bit
 * ranks run out (every 2^32 pushes, EVQ_HEAP4_RANK_LIMIT) the entries are
 * renumbered 0 .. n-1 in rank order: the relative order of every pair is
 * unchanged, so the heap stays a heap and nothing moves. That costs
 * O(n log n) once per 2^32 - n pushes. The true seq is kept in the payload
 * and is what evq_pop reports.
 *
 * Invariants:
 *   - heap[0 .. entries) is a min-heap on (time, rank), 4-ary: the children
 *     of i are 4i+1 .. 4i+4; entries = live + dead;
 *   - heap is 48 bytes past a 64-byte boundary, so that every group of four
 *     children (indices 4i+1 .. 4i+4) fills exactly one cache line;
 *   - ranks of entries are distinct and below next_rank, and for two
 *     entries rank order equals seq order;
 *   - the pool's payloads[h].seq is the event's seq for a live handle h,
 *     EVQ__SEQ_DEAD for a cancelled one whose entry is still in the heap,
 *     EVQ__SEQ_FREE for a free one; each handle has at most one entry, and
 *     entries + free handles == handles issued;
 *   - heap[0], when there is an entry, is live; dead <= live + DEAD_SLACK
 *     after every operation;
 *   - heap_capacity >= the pool's capacity;
 *   - next_seq is greater than the seq of every event ever pushed.
 * Sifting moves a hole and writes each displaced entry once. Memory grows
 * by doubling: a push costs O(log4 n) plus amortised O(1), and nothing is
 * allocated in steady state.
 */
#include "evq.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "evq_handles.h"
/* Dead entries allowed beyond the live count before a rebuild, so that a
 * small queue is not rebuilt at every other cancel. */
#define DEAD_SLACK 1024
/* Ranks are renumbered when next_rank reaches this. A build may lower it
 * (tests/unit/test_evq_heap4.c does, to exercise renumbering). */
#ifndef EVQ_HEAP4_RANK_LIMIT
#define EVQ_HEAP4_RANK_LIMIT ((uint64_t)1 << 32)
#endif
#define CACHE_LINE 64
/* The heap starts this many entries into its block: index 1 is then on a
 * cache line boundary, and so is every group of four children. */
#define HEAP_OFFSET 3

typedef struct heap_entry {
    int64_t time;
    uint64_t order;  /* rank << 32 | handle */
} heap_entry;

struct evq {
    heap_entry *heap;         /* [heap_capacity], first entries in use; inside block */
    void *block;              /* the allocation that holds heap */
    size_t entries;           /* live + dead */
    size_t dead;              /* cancelled events whose entries are still in the heap */
    size_t heap_capacity;
    evq__handles handles;     /* payloads by handle */
    uint64_t next_seq;
    uint64_t next_rank;       /* < EVQ_HEAP4_RANK_LIMIT */
};

/* Strict (time, rank) order; ranks are distinct, so entries never tie.
 * One unsigned 128-bit comparison (time with its sign bit flipped above
 * order), which compiles to a compare and a subtract-with-borrow: no
 * branch, so choosing among four children costs no misprediction. */
static inline unsigned __int128 entry_key(heap_entry e)
{
    const uint64_t time_bits = (uint64_t)e.time ^ (UINT64_C(1) << 63);  /* int64 order, unsigned */
    return (unsigned __int128)time_bits << 64 | e.order;
}

static inline int entry_less(heap_entry a, heap_entry b)
{
    return entry_key(a) < entry_key(b);
}

/* x when !pick, else y; without a branch. */
static inline size_t select_index(int pick, size_t x, size_t y)
{
    return x ^ ((x ^ y) & ((size_t)0 - (size_t)pick));
}

static inline evq_handle entry_handle(heap_entry e)
{
    return (evq_handle)(e.order & UINT32_MAX);
}

/* Moves the hole at index i up while e is less than the parent, then puts e
 * there. */
static void sift_up(heap_entry *h, size_t i, heap_entry e)
{
    while (i > 0) {
        size_t parent = (i - 1) / 4;
        if (!entry_less(e, h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
}

/* The index of the least of the children first .. first+3 (all present). */
static inline size_t least_of_four(const heap_entry *h, size_t first)
{
    size_t a = first + (size_t)entry_less(h[first + 1], h[first]);
    size_t b = first + 2 + (size_t)entry_less(h[first + 3], h[first + 2]);
    return select_index(entry_less(h[b], h[a]), a, b);
}

/* Moves the hole at index i of a heap of `size` entries down while a child
 * is less than e, then puts e there. */
static void sift_down(heap_entry *h, size_t size, size_t i, heap_entry e)
{
    for (;;) {
        size_t first = 4 * i + 1;
        size_t least;
        /* The 16 grandchildren, 16i+5 .. 16i+20, are four whole cache
         * lines in a row: fetch them while this level is compared, so that
         * the next level's line is on its way before it is known which. */
        if (16 * i + 5 < size) {
            const char *line = (const char *)&h[16 * i + 5];
            __builtin_prefetch(line);
            __builtin_prefetch(line + CACHE_LINE);
            __builtin_prefetch(line + 2 * CACHE_LINE);
            __builtin_prefetch(line + 3 * CACHE_LINE);
        }
        if (first + 3 < size) {
            least = least_of_four(h, first);
        } else if (first < size) {  /* the last, partial group */
            least = first;
            for (size_t c = first + 1; c < size; c++)
                if (entry_less(h[c], h[least]))
                    least = c;
        } else {
            break;
        }
        if (!entry_less(h[least], e))
            break;
        h[i] = h[least];
        i = least;
    }
    h[i] = e;
}

/* Moves the heap into a new block as large as the pool's capacity (when it
 * is not already). Returns 0, or -1 when out of memory (the heap is then
 * unchanged). */
static int grow_heap(evq *q)
{
    const size_t new_capacity = q->handles.capacity;
    if (q->heap_capacity >= new_capacity)
        return 0;
    size_t bytes = (new_capacity + HEAP_OFFSET) * sizeof(heap_entry);
    bytes = (bytes + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;  /* aligned_alloc's rule */
    void *block = aligned_alloc(CACHE_LINE, bytes);
    if (!block)
        return -1;
    heap_entry *heap = (heap_entry *)block + HEAP_OFFSET;
    if (q->entries > 0)
        memcpy(heap, q->heap, q->entries * sizeof *heap);
    free(q->block);
    q->block = block;
    q->heap = heap;
    q->heap_capacity = new_capacity;
    return 0;
}

/* Creates an empty queue with room for capacity_hint events (at least 16).
 * Returns NULL when out of memory; free with evq_destroy. */
evq *evq_create(size_t capacity_hint)
{
    evq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    if (evq__handles_init(&q->handles, capacity_hint, 0) != 0 || grow_heap(q) != 0) {
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
    free(q->block);
    free(q);
}

static int compare_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Renumbers the ranks of the entries 0 .. entries-1 in their present
 * order, so that next_rank = entries. The order of every pair of entries is
 * unchanged, so no entry moves. Returns 0, or -1 when out of memory
 * (nothing changed). */
static int renumber_ranks(evq *q)
{
    /* rank << 32 | index: sorting the words sorts by rank. */
    uint64_t *by_rank = malloc((q->entries > 0 ? q->entries : 1) * sizeof *by_rank);
    if (!by_rank)
        return -1;
    for (size_t i = 0; i < q->entries; i++)
        by_rank[i] = (q->heap[i].order & ~(uint64_t)UINT32_MAX) | (uint64_t)i;
    qsort(by_rank, q->entries, sizeof *by_rank, compare_u64);
    for (size_t r = 0; r < q->entries; r++) {
        heap_entry *e = &q->heap[by_rank[r] & UINT32_MAX];
        e->order = (uint64_t)r << 32 | (e->order & UINT32_MAX);
    }
    free(by_rank);
    q->next_rank = q->entries;
    return 0;
}

/* Pushes an event; see evq.h. Returns its handle, or EVQ_NO_HANDLE when out
 * of memory. O(log4 n); amortised O(1) when times arrive in order. */
evq_handle evq_push(evq *q, int64_t time, int32_t kind, int32_t arg, void *data)
{
    if (q->next_rank >= EVQ_HEAP4_RANK_LIMIT && renumber_ranks(q) != 0)
        return EVQ_NO_HANDLE;
    evq_handle h = evq__handle_take(&q->handles);
    if (h == EVQ_NO_HANDLE)
        return EVQ_NO_HANDLE;
    if (grow_heap(q) != 0) {
        evq__handle_release(&q->handles, h);
        return EVQ_NO_HANDLE;
    }
    q->handles.payloads[h] =
        (evq__payload){.seq = q->next_seq++, .kind = kind, .arg = arg, .data = data};
    heap_entry e = {.time = time, .order = q->next_rank++ << 32 | h};
    sift_up(q->heap, q->entries++, e);
    return h;
}

/* Copies the event of entry e into *out. */
static void fill_event(const evq *q, heap_entry e, evq_event *out)
{
    evq__fill_event(&q->handles, entry_handle(e), e.time, out);
}

/* Removes the root entry and releases its handle. O(log4 n). */
static void remove_root(evq *q)
{
    evq__handle_release(&q->handles, entry_handle(q->heap[0]));
    if (--q->entries > 0)
        sift_down(q->heap, q->entries, 0, q->heap[q->entries]);
}

/* Drops dead entries from the root until it is live (or the heap empty).
 * Then fetches the new root's payload into the cache ahead of the next peek
 * or pop, which would otherwise wait for it (in a large queue it is a miss;
 * the caller's handler runs in between). */
static void drop_dead_roots(evq *q)
{
    while (q->dead > 0 && q->entries > 0 &&
           q->handles.payloads[entry_handle(q->heap[0])].seq == EVQ__SEQ_DEAD) {
        q->dead--;
        remove_root(q);
    }
    if (q->entries > 0)
        __builtin_prefetch(&q->handles.payloads[entry_handle(q->heap[0])]);
}

/* Removes every dead entry and rebuilds the heap bottom-up (Floyd's
 * heapify, O(n)). The order of live events is a total order, so whatever
 * layout the rebuild gives, they pop as before. */
static void drop_all_dead(evq *q)
{
    heap_entry *h = q->heap;
    size_t kept = 0;
    for (size_t i = 0; i < q->entries; i++) {
        if (q->handles.payloads[entry_handle(h[i])].seq == EVQ__SEQ_DEAD)
            evq__handle_release(&q->handles, entry_handle(h[i]));
        else
            h[kept++] = h[i];
    }
    q->entries = kept;
    q->dead = 0;
    for (size_t i = kept / 4 + 1; i-- > 0;)
        if (i < kept)
            sift_down(h, kept, i, h[i]);
}

/* Pops the least event; see evq.h. Returns 1, or 0 when empty. */
int evq_pop(evq *q, evq_event *out)
{
    if (q->entries == 0)
        return 0;
    fill_event(q, q->heap[0], out);
    remove_root(q);
    drop_dead_roots(q);
    return 1;
}

/* Pops the least event if it is due by `limit`; see evq.h. */
int evq_pop_until(evq *q, int64_t limit, evq_event *out)
{
    if (q->entries == 0 || q->heap[0].time > limit)
        return 0;
    return evq_pop(q, out);
}

/* Cancels by handle; see evq.h. Returns 1 if the event was live, else 0
 * (already popped or cancelled, or a handle never issued). Amortised O(1);
 * O(log4 n) when it is the least event. */
int evq_cancel(evq *q, evq_handle h)
{
    if (!evq__handle_live(&q->handles, h))
        return 0;
    if (entry_handle(q->heap[0]) == h) {
        remove_root(q);
        drop_dead_roots(q);
        return 1;
    }
    q->handles.payloads[h].seq = EVQ__SEQ_DEAD;
    q->dead++;
    if (q->dead > q->entries - q->dead + DEAD_SLACK)
        drop_all_dead(q);
    return 1;
}

/* Copies the least event; see evq.h. Returns 1, or 0 when empty. */
int evq_peek(const evq *q, evq_event *out)
{
    if (q->entries == 0)
        return 0;
    fill_event(q, q->heap[0], out);
    return 1;
}

size_t evq_size(const evq *q)
{
    return q->entries - q->dead;
}
