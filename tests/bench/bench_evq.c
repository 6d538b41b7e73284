/*
 * bench_evq: the classic hold model (Jones, "An empirical comparison of
 * priority-queue and event-set implementations", CACM 1986). A queue holds
 * N events; one hold pops the least event, at time t, and pushes a new one
 * at t + an exponentially distributed increment. N stays constant, and the
 * time per hold is the queue's steady-state cost.
 *
 * Baseline: the same holds on the simplest correct queue, a sorted array
 * (kept in descending (time, seq) order so the least is last: pop is O(1),
 * push is a binary search plus a memmove, O(N)). For small N it is the
 * honest competitor, being cache-friendly and branch-light; for large N it
 * shows what the heap buys. Both queues see the same increments, taken from
 * a precomputed table so that random number generation is not timed.
 */
#include "bench.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../sim/engine/evq.h"

#define INCREMENTS 65536           /* power of two: index by masking */
#define MEAN_INCREMENT_S 3600.0
#define MIN_SECONDS 0.25           /* per measurement, over all repetitions */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Fills table with exponential increments, mean MEAN_INCREMENT_S, rounded
 * to whole seconds (so ties occur, as they do in capsim), from a fixed
 * xorshift64* sequence. */
static void fill_increments(int64_t *table)
{
    uint64_t x = 0x5ca1ab1eULL;
    for (int i = 0; i < INCREMENTS; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        double u = ((double)((x * 0x2545f4914f6cdd1dULL) >> 11) + 0.5) * 0x1.0p-53;
        table[i] = (int64_t)(-MEAN_INCREMENT_S * log(u));
    }
}

/* ---- the sorted-array baseline ---- */

typedef struct sorted_event {
    int64_t time;
    uint64_t seq;
} sorted_event;

typedef struct sorted_queue {
    sorted_event *events;  /* descending (time, seq): the least is last */
    size_t size;
    uint64_t next_seq;
} sorted_queue;

/* Inserts (time, next seq) after every event that is greater. O(N). */
static void sorted_push(sorted_queue *q, int64_t time)
{
    size_t lo = 0, hi = q->size;
    while (lo < hi) {  /* the first index whose event is less than the new one */
        size_t mid = lo + (hi - lo) / 2;
        if (q->events[mid].time > time || q->events[mid].time == time)  /* seq is larger */
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(&q->events[lo + 1], &q->events[lo], (q->size - lo) * sizeof q->events[0]);
    q->events[lo] = (sorted_event){time, q->next_seq++};
    q->size++;
}

static int64_t sorted_pop(sorted_queue *q)
{
    return q->events[--q->size].time;
}

/* ---- the hold loops ---- */

/* Best ns per hold of `holds` holds, repeated for MIN_SECONDS. */
#define BEST_NS_PER_HOLD(best, holds, hold_statement)                  \
    do {                                                               \
        double started_ = now_seconds();                               \
        best = 1e30;                                                   \
        do {                                                           \
            double t0_ = now_seconds();                                \
            for (size_t k = 0; k < (holds); k++) {                     \
                hold_statement;                                        \
            }                                                          \
            double ns_ = (now_seconds() - t0_) * 1e9 / (double)(holds); \
            best = ns_ < best ? ns_ : best;                            \
        } while (now_seconds() - started_ < MIN_SECONDS);              \
    } while (0)

/* ns per hold of evq with n pending events; -1 when out of memory. */
static double evq_hold_ns(size_t n, const int64_t *increments, size_t holds)
{
    evq *q = evq_create(n);
    if (!q)
        return -1.0;
    size_t next = 0;
    for (size_t i = 0; i < n; i++)
        evq_push(q, increments[next++ & (INCREMENTS - 1)], 1, 0, NULL);
    evq_event ev;
    double best;
    BEST_NS_PER_HOLD(best, holds, {
        evq_pop(q, &ev);
        evq_push(q, ev.time + increments[next++ & (INCREMENTS - 1)], 1, 0, NULL);
    });
    evq_destroy(q);
    return best;
}

/* ns per hold of the sorted array with n pending events; -1 when out of
 * memory. */
static double sorted_hold_ns(size_t n, const int64_t *increments, size_t holds)
{
    sorted_queue q = {malloc((n + 1) * sizeof(sorted_event)), 0, 0};
    if (!q.events)
        return -1.0;
    size_t next = 0;
    for (size_t i = 0; i < n; i++)
        sorted_push(&q, increments[next++ & (INCREMENTS - 1)]);
    double best;
    BEST_NS_PER_HOLD(best, holds, {
        int64_t t = sorted_pop(&q);
        sorted_push(&q, t + increments[next++ & (INCREMENTS - 1)]);
    });
    free(q.events);
    return best;
}

void bench_evq_report(FILE *out)
{
    int64_t *increments = malloc(INCREMENTS * sizeof *increments);
    if (!increments) {
        fprintf(out, "evq hold: out of memory\n");
        return;
    }
    fill_increments(increments);
    static const size_t sizes[] = {1000, 100000};
    for (size_t k = 0; k < 2; k++) {
        size_t n = sizes[k];
        double heap_ns = evq_hold_ns(n, increments, 200000);
        double array_ns = sorted_hold_ns(n, increments, n > 10000 ? 2000 : 200000);
        fprintf(out, "evq hold, N=%zu: %.1f ns/hold; sorted-array queue baseline: "
                     "%.1f ns/hold; ratio %.2f\n",
                n, heap_ns, array_ns, heap_ns / array_ns);
    }
    free(increments);
}
