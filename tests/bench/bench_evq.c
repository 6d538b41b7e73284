/*
 * bench_evq: the classic hold model (Jones, "An empirical comparison of
 * priority-queue and event-set implementations", CACM 1986). A queue holds
 * N events; one hold pops the least event, at time t, and pushes a new one
 * at t + a random increment. N stays constant, and the time per hold is the
 * queue's steady-state cost. The increments come from four distributions
 * (Rönngren and Ayani, "A comparative study of parallel and sequential
 * priority queue algorithms", TOMACS 1997): exponential, uniform, bimodal
 * and Pareto, each with a mean of about an hour and rounded down to whole
 * seconds, so that ties occur as they do in capsim.
 *
 * Baselines: the same holds, in the same process, on two plain binary
 * heaps written here, the hole moved instead of swaps, no handles (so
 * nothing to cancel by): one of whole events (time, seq, kind, arg, data:
 * 32 bytes, what evq_pop hands back) and one of bare (time, seq) keys (16
 * bytes, which cannot say what its events are: a lower bound on what a
 * binary heap costs). The built evq (make EVQ=...) carries payloads and
 * cancellation on top. All three see the same increments, from a
 * precomputed table so that random number generation is not timed, and are
 * measured in turn, many short rounds, the best of each, so that a noisy
 * neighbour slows all three alike and the best rounds are undisturbed.
 */
#include "bench.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "../../sim/engine/evq.h"

#define INCREMENTS 65536           /* power of two: index by masking */
#define MEAN_INCREMENT_S 3600.0
#define ROUNDS 40                  /* turns of the three queues; the best of each counts */
#define HOLDS 5000                 /* per timed round: short, so that many are undisturbed */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef enum increment_distribution {
    INCREMENT_EXPONENTIAL,  /* mean 3600 s */
    INCREMENT_UNIFORM,      /* U(0, 7200 s) */
    INCREMENT_BIMODAL,      /* 0.9 U(0, 720 s) + 0.1 U(0, 64800 s): mean 3564 s */
    INCREMENT_PARETO,       /* shape 1.5, scale 1200 s: mean 3600 s, infinite variance */
    INCREMENT_DISTRIBUTIONS
} increment_distribution;

static const char *const distribution_names[INCREMENT_DISTRIBUTIONS] = {
    "exponential", "uniform", "bimodal", "Pareto"};

/* xorshift64*: a uniform in (0, 1), a fixed sequence for the bench. */
static double next_uniform(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return ((double)((*x * 0x2545f4914f6cdd1dULL) >> 11) + 0.5) * 0x1.0p-53;
}

/* Fills table with increments of distribution d, in whole seconds. */
static void fill_increments(int64_t *table, increment_distribution d)
{
    uint64_t x = 0x5ca1ab1eULL + (uint64_t)d;
    for (int i = 0; i < INCREMENTS; i++) {
        double u = next_uniform(&x), s;
        switch (d) {
        case INCREMENT_EXPONENTIAL: s = -MEAN_INCREMENT_S * log(u); break;
        case INCREMENT_UNIFORM: s = 2.0 * MEAN_INCREMENT_S * u; break;
        case INCREMENT_BIMODAL:
            s = (u < 0.9 ? 720.0 : 64800.0) * next_uniform(&x);
            break;
        default: s = MEAN_INCREMENT_S / 3.0 * pow(u, -1.0 / 1.5); break;
        }
        table[i] = (int64_t)s;
    }
}

/* ---- the plain binary heap baselines ---- */

/* A binary min-heap on (time, seq) of `type`, which starts with int64_t
 * time and uint64_t seq: push and pop, the hole moved instead of swaps.
 * Generated twice, for bare keys and for whole events. */
#define PLAIN_HEAP(name, type)                                                      \
    typedef struct name {                                                           \
        type *items;                                                                \
        size_t size;                                                                \
        uint64_t next_seq;                                                          \
    } name;                                                                         \
    static int name##_less(const type *a, const type *b)                            \
    {                                                                               \
        return a->time < b->time || (a->time == b->time && a->seq < b->seq);        \
    }                                                                               \
    static void name##_push(name *h, type item)                                     \
    {                                                                               \
        item.seq = h->next_seq++;                                                   \
        size_t i = h->size++;                                                       \
        while (i > 0 && name##_less(&item, &h->items[(i - 1) / 2])) {               \
            h->items[i] = h->items[(i - 1) / 2];                                    \
            i = (i - 1) / 2;                                                        \
        }                                                                           \
        h->items[i] = item;                                                         \
    }                                                                               \
    static type name##_pop(name *h) /* the heap is not empty */                     \
    {                                                                               \
        type least = h->items[0], last = h->items[--h->size];                       \
        size_t i = 0;                                                               \
        for (;;) {                                                                  \
            size_t child = 2 * i + 1;                                               \
            if (child >= h->size)                                                   \
                break;                                                              \
            if (child + 1 < h->size && name##_less(&h->items[child + 1], &h->items[child])) \
                child++;                                                            \
            if (!name##_less(&h->items[child], &last))                              \
                break;                                                              \
            h->items[i] = h->items[child];                                          \
            i = child;                                                              \
        }                                                                           \
        h->items[i] = last;                                                         \
        return least;                                                               \
    }

/* Bare (time, seq) keys, 16 bytes: the least a heap can move. It cannot
 * say what its events are, so it bounds the cost from below. */
typedef struct plain_key {
    int64_t time;
    uint64_t seq;
} plain_key;
PLAIN_HEAP(key_heap, plain_key)

/* Whole events, 32 bytes: what evq_pop hands back, kept in the heap. */
typedef struct plain_event {
    int64_t time;
    uint64_t seq;
    int32_t kind;
    int32_t arg;
    void *data;
} plain_event;
PLAIN_HEAP(event_heap, plain_event)

/* ---- the hold loops ---- */

typedef struct hold_state {
    const int64_t *increments;
    size_t next;  /* index into increments, masked */
} hold_state;

static int64_t next_increment(hold_state *s)
{
    return s->increments[s->next++ & (INCREMENTS - 1)];
}

/* ns per hold over `holds` holds of evq. */
static double evq_holds(evq *q, hold_state *s, size_t holds)
{
    evq_event ev;
    double t0 = now_seconds();
    for (size_t k = 0; k < holds; k++) {
        evq_pop(q, &ev);
        evq_push(q, ev.time + next_increment(s), 1, 0, NULL);
    }
    return (now_seconds() - t0) * 1e9 / (double)holds;
}

static double key_holds(key_heap *h, hold_state *s, size_t holds)
{
    double t0 = now_seconds();
    for (size_t k = 0; k < holds; k++) {
        plain_key least = key_heap_pop(h);
        key_heap_push(h, (plain_key){.time = least.time + next_increment(s)});
    }
    return (now_seconds() - t0) * 1e9 / (double)holds;
}

static double event_holds(event_heap *h, hold_state *s, size_t holds)
{
    double t0 = now_seconds();
    for (size_t k = 0; k < holds; k++) {
        plain_event least = event_heap_pop(h);
        event_heap_push(h, (plain_event){.time = least.time + next_increment(s), .kind = 1});
    }
    return (now_seconds() - t0) * 1e9 / (double)holds;
}

typedef struct hold_result {
    double evq_ns, key_ns, event_ns;  /* best ns per hold */
} hold_result;

/* Best ns per hold of evq and of the two plain heaps with n pending
 * events, measured in turn; each queue first does n untimed holds to reach
 * its steady state. Returns 0, or -1 when out of memory. */
static int measure(size_t n, const int64_t *increments, hold_result *r)
{
    evq *q = evq_create(n);
    key_heap kh = {malloc(n * sizeof(plain_key)), 0, 0};
    event_heap eh = {malloc(n * sizeof(plain_event)), 0, 0};
    int status = -1;
    if (!q || !kh.items || !eh.items)
        goto done;
    hold_state qs = {increments, 0}, ks = {increments, 0}, es = {increments, 0};
    for (size_t i = 0; i < n; i++) {
        if (evq_push(q, next_increment(&qs), 1, 0, NULL) == EVQ_NO_HANDLE)
            goto done;
        key_heap_push(&kh, (plain_key){.time = next_increment(&ks)});
        event_heap_push(&eh, (plain_event){.time = next_increment(&es), .kind = 1});
    }
    evq_holds(q, &qs, n);
    key_holds(&kh, &ks, n);
    event_holds(&eh, &es, n);
    r->evq_ns = r->key_ns = r->event_ns = 1e30;
    for (int round = 0; round < ROUNDS; round++) {
        double a = evq_holds(q, &qs, HOLDS), b = key_holds(&kh, &ks, HOLDS),
               c = event_holds(&eh, &es, HOLDS);
        r->evq_ns = a < r->evq_ns ? a : r->evq_ns;
        r->key_ns = b < r->key_ns ? b : r->key_ns;
        r->event_ns = c < r->event_ns ? c : r->event_ns;
    }
    status = 0;
done:
    evq_destroy(q);
    free(kh.items);
    free(eh.items);
    return status;
}

void bench_evq_report(FILE *out)
{
    int64_t *increments = malloc(INCREMENTS * sizeof *increments);
    if (!increments) {
        fprintf(out, "evq hold: out of memory\n");
        return;
    }
    static const size_t sizes[] = {1000, 10000, 100000, 1000000};
    const size_t n_sizes = sizeof sizes / sizeof sizes[0];
    fprintf(out, "event queue (EVQ=%s), hold model, ns per hold, best of %d rounds in turn "
                 "with two plain binary heaps:\n  of whole 32-byte events (what evq_pop "
                 "returns) and of bare 16-byte keys; speed-up = plain / evq\n",
            CAPSIM_EVQ_NAME, ROUNDS);
    double worst_event = 1e30, worst_key = 1e30;
    for (int d = 0; d < INCREMENT_DISTRIBUTIONS; d++) {
        fill_increments(increments, (increment_distribution)d);
        for (size_t k = 0; k < n_sizes; k++) {
            hold_result r;
            if (measure(sizes[k], increments, &r) != 0) {
                fprintf(out, "  %-11s N=%-8zu out of memory\n", distribution_names[d], sizes[k]);
                continue;
            }
            const double by_event = r.event_ns / r.evq_ns, by_key = r.key_ns / r.evq_ns;
            fprintf(out, "  %-11s N=%-8zu evq %6.1f  events %6.1f (speed-up %.2f)  "
                         "keys %6.1f (speed-up %.2f)\n",
                    distribution_names[d], sizes[k], r.evq_ns, r.event_ns, by_event, r.key_ns,
                    by_key);
            worst_event = by_event < worst_event ? by_event : worst_event;
            worst_key = by_key < worst_key ? by_key : worst_key;
        }
    }
    fprintf(out, "  lowest speed-up over every size and distribution: %.2f against whole events, "
                 "%.2f against bare keys\n",
            worst_event, worst_key);
    free(increments);
}
