/*
 * fleet: per-GPU structure-of-arrays and the tick kernel.
 *
 * Invariants: every array holds f->n entries and starts on a 64-byte
 * boundary (a cache line, and one AVX-512 register), and each allocation's
 * byte size is rounded up to a multiple of 64 as aligned_alloc requires.
 *
 * What the kernel sums: every healthy GPU of a range has the same load
 * and power, so busy and power are the healthy count times those:
 * the kernel accumulates only integer counts (healthy GPUs, new failures),
 * exact in any order and on any vector width. It does not read perf: perf
 * changes only at events, and the market sums it per allocation when the
 * allocation changes (alloc_served_perf), which is what inference capacity
 * uses.
 *
 * Failures by range clock. Every healthy GPU of a kernel range accumulates
 * the same hazard per tick, so instead of a remaining hazard R per GPU,
 * decremented every tick (which made the pass move 18 bytes per GPU, not
 * 9), each range r keeps a clock C_r, the hazard it has accumulated, and
 * each healthy GPU a threshold T = C_r at its entry + its remaining hazard.
 * "R <= 0" is "C_r >= T". Per range the fleet also keeps least_r, a lower
 * bound on the thresholds of its healthy GPUs, and per block of 64 GPUs
 * (fixed fleet positions) block_least, a lower bound on the thresholds of
 * the block's healthy GPUs, and the same per superblock of 64 blocks
 * (super_least); only when C_r reaches least_r does the pass look at
 * bounds, and then at thresholds only in the blocks whose bound C_r
 * reached, within the superblocks whose bound it reached, plus the partial
 * blocks at the range's ends. The scan makes the bounds it reads exact
 * again. Invariants:
 *   - ranges partition [0, n); a healthy GPU's T is in its range's clock,
 *     an unhealthy GPU's threshold is its remaining hazard, frozen (it
 *     accumulates nothing while down, as before);
 *   - least_r <= T for every healthy GPU of r, and block_least and
 *     super_least <= T for every healthy GPU of the block or superblock,
 *     whatever its range: every write of a healthy T lowers all three, so
 *     they only ever need to be lower bounds (a stale one costs one scan
 *     that makes it exact).
 * A GPU whose range changes (fleet_set_ranges) is re-expressed:
 * T' = C_new + (T - C_old).
 *
 * Clocks and thresholds are doubles. A float clock would not do: at
 * C ~ 1 its ulp is 1.2e-7, so adding a tick's hazard of ~2e-5 (an H100 at
 * Llama 3's rates, hourly ticks) would round by up to 0.3% every tick, and
 * over 43,824 ticks the clock would drift from the hazard actually
 * accumulated. With doubles (ulp 2.2e-16 at 1) the drift over a
 * five-year run is below 1e-11 of the clock, far below the spread of an
 * Exp(1) draw; clocks only grow by a few units per GPU lifetime of
 * hazard, so no rebasing is needed. Against decrementing a per-GPU
 * remaining hazard in double, a GPU's failure tick can differ only when its
 * threshold lands within that rounding of a tick boundary
 * (test_fleet.c checks the two forms fail the same GPUs in the same ticks
 * on a random history of ticks, loads, range changes and renewals).
 *
 * Perf sums are alloc's (alloc_served_perf): GPUs no longer move, so a
 * leaf's perf changes only when its served GPUs do, which alloc tracks per
 * 64-GPU block. (The fleet kept a Fenwick tree of perf while the rebuild
 * swapped GPUs: 8 bytes per GPU and a cache miss per level.)
 */
#include "fleet.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FLEET_ALIGN_BYTES 64
/* GPUs per span of the range index (span_range): fixed fleet positions
 * [4096 s, 4096 s + 4096). */
#define FLEET_SPAN_GPUS 4096
/* Blocks per superblock of the threshold bounds, and its GPUs. */
#define FLEET_SUPER_BLOCKS 64
#define FLEET_SUPER_GPUS (FLEET_SUPER_BLOCKS * FLEET_BLOCK_GPUS)
/* Count lanes of the kernel (see tick_kernel). */
#define FLEET_LANES 32
/* GPUs per chunk: 255 per lane, as many as a uint8 count lane holds; a
 * multiple of FLEET_LANES. */
#define FLEET_CHUNK_GPUS 8160
_Static_assert(FLEET_CHUNK_GPUS % FLEET_LANES == 0 && FLEET_CHUNK_GPUS / FLEET_LANES <= UINT8_MAX,
               "chunks keep each GPU in its lane, and the uint8 healthy counts cannot overflow");

/* One partition of [0, n) into ranges, with their clocks. */
typedef struct range_table {
    size_t n, cap;        /* ranges; capacity of the arrays (start has cap + 1) */
    size_t *start;        /* range k is [start[k], start[k + 1]); start[n] = the fleet's n */
    double *clock;        /* hazard the range has accumulated */
    double *least;        /* <= T of every healthy GPU of the range (INFINITY: none) */
} range_table;

struct fleet_clocks {
    range_table now, spare;   /* fleet_set_ranges builds in spare, then swaps */
    double *block_least;      /* per block: <= T of every healthy GPU of the block */
    double *super_least;      /* per superblock of FLEET_SUPER_BLOCKS blocks: <= T of every
                                 healthy GPU of it */
    uint32_t *span_range;     /* per span of FLEET_SPAN_GPUS, and one more: the range
                                 holding the span's first GPU (the last range for a span
                                 past the fleet's end); see range_of */
    size_t n_spans;           /* spans that hold a GPU: n / FLEET_SPAN_GPUS + 1 */
    size_t next_range;        /* the range after the last fleet_tick_range's: the market
                                 sweeps the ranges in fleet order, so range_of is rarely
                                 needed there */
    size_t n;                 /* ranges of now (a copy, for range_of) */
    size_t *start;            /* now.start, clock and least, for the hot helpers */
    double *clock, *least;
};

/* aligned_alloc of `bytes` rounded up to a multiple of 64 (64 for 0).
 * Returns NULL when out of memory; the caller frees with free(). */
static void *alloc_aligned(size_t bytes)
{
    if (bytes > SIZE_MAX - FLEET_ALIGN_BYTES)
        return NULL;
    size_t rounded = (bytes + FLEET_ALIGN_BYTES - 1) / FLEET_ALIGN_BYTES * FLEET_ALIGN_BYTES;
    return aligned_alloc(FLEET_ALIGN_BYTES, rounded == 0 ? FLEET_ALIGN_BYTES : rounded);
}

static void table_free(range_table *t)
{
    free(t->start);
    free(t->clock);
    free(t->least);
}

/* Grows t to hold `ranges` ranges. Returns 0 or -1 (out of memory; t keeps
 * what it had, with a larger capacity in whichever arrays grew). */
static int table_reserve(range_table *t, size_t ranges)
{
    if (ranges <= t->cap)
        return 0;
    size_t cap = t->cap ? t->cap : 16;
    while (cap < ranges)
        cap *= 2;
    size_t *start = realloc(t->start, (cap + 1) * sizeof *start);
    if (!start)
        return -1;
    t->start = start;
    double *clock = realloc(t->clock, cap * sizeof *clock);
    if (!clock)
        return -1;
    t->clock = clock;
    double *least = realloc(t->least, cap * sizeof *least);
    if (!least)
        return -1;
    t->least = least;
    t->cap = cap;
    return 0;
}

static void clocks_sync(fleet_clocks *c)
{
    c->n = c->now.n;
    c->start = c->now.start;
    c->clock = c->now.clock;
    c->least = c->now.least;
}

static void clocks_destroy(fleet_clocks *c)
{
    if (!c)
        return;
    table_free(&c->now);
    table_free(&c->spare);
    free(c->block_least);
    free(c->super_least);
    free(c->span_range);
    free(c);
}

/* One range [0, n) at clock 0 with no threshold (least INFINITY). NULL
 * when out of memory. */
static fleet_clocks *clocks_create(size_t n)
{
    fleet_clocks *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    const size_t blocks = n / FLEET_BLOCK_GPUS + 1;
    const size_t supers = blocks / FLEET_SUPER_BLOCKS + 1;
    if (table_reserve(&c->now, 1) != 0 || !(c->block_least = malloc(blocks * sizeof *c->block_least)) ||
        !(c->super_least = malloc(supers * sizeof *c->super_least)) ||
        !(c->span_range = calloc(n / FLEET_SPAN_GPUS + 2, sizeof *c->span_range))) {
        clocks_destroy(c);
        return NULL;
    }
    for (size_t b = 0; b < blocks; b++)
        c->block_least[b] = INFINITY;
    for (size_t b = 0; b < supers; b++)
        c->super_least[b] = INFINITY;
    c->now.n = 1;
    c->now.start[0] = 0;
    c->now.start[1] = n;
    c->now.clock[0] = 0.0;
    c->now.least[0] = INFINITY;
    c->n_spans = n / FLEET_SPAN_GPUS + 1;
    clocks_sync(c);
    return c;
}

/* Sets every GPU healthy, perf 1, util 0, threshold INFINITY
 * (never fails) and allocation -1. */
static void fill_defaults(fleet *f)
{
    memset(f->state, FLEET_HEALTHY, f->n);
    memset(f->state_changed, 1, f->n / FLEET_BLOCK_GPUS + 1);
    memset(f->util, 0, f->n * sizeof *f->util);
    for (size_t i = 0; i < f->n; i++) {
        f->perf[i] = 1.0f;
        f->threshold[i] = INFINITY;
        f->allocation[i] = -1;
    }
}

/* Allocates a fleet of n GPUs in its default state (see fill_defaults).
 * Returns NULL when out of memory or when n is so large that the byte sizes
 * overflow; the caller owns the result and frees it with fleet_destroy. */
fleet *fleet_create(size_t n)
{
    if (n > SIZE_MAX / sizeof(double) - FLEET_ALIGN_BYTES - 1)
        return NULL;
    fleet *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->n = n;
    if (!(f->state = alloc_aligned(n * sizeof *f->state)))
        goto fail;
    if (!(f->perf = alloc_aligned(n * sizeof *f->perf)))
        goto fail;
    if (!(f->util = alloc_aligned(n * sizeof *f->util)))
        goto fail;
    if (!(f->threshold = alloc_aligned(n * sizeof *f->threshold)))
        goto fail;
    if (!(f->allocation = alloc_aligned(n * sizeof *f->allocation)))
        goto fail;
    if (!(f->state_changed = alloc_aligned(n / FLEET_BLOCK_GPUS + 1)))
        goto fail;
    if (!(f->clocks = clocks_create(n)))
        goto fail;
    fill_defaults(f);
    return f;
fail:
    fleet_destroy(f);  /* frees whichever arrays were allocated */
    return NULL;
}

/* Frees the fleet and its arrays. NULL is a no-op. */
void fleet_destroy(fleet *f)
{
    if (!f)
        return;
    free(f->state_changed);
    free(f->allocation);
    free(f->threshold);
    clocks_destroy(f->clocks);
    free(f->util);
    free(f->perf);
    free(f->state);
    free(f);
}

/*
 * The tick kernel over n GPUs (the arrays start at the chunk's first GPU,
 * n <= FLEET_CHUNK_GPUS). Each GPU i:
 *   up = (state == FLEET_HEALTHY) ? 1 : 0;
 *   util = up ? load : 0          (load: the range's util byte, fleet_util_of)
 * which is fleet.h's contract exactly, in integers. It reads state and
 * writes util: 2 bytes per GPU, with failures or without (failures are the
 * range's clock, fleet_tick_range; power is the range's sum, fleet.h).
 * Healthy GPUs are counted in uint8 lanes (at most 8,160 / 32 = 255 per
 * lane, no overflow) and their total written to *healthy_out.
 *
 * The bytes are what the pass costs. util was a float (5 bytes per GPU)
 * until this measurement: the default scenario's two years to 2026 took
 * 2.87 s with failures and 1.88 s without, and 1.30 and 1.18 s with a util
 * byte, the same results (interleaved pairs, 6 of each). The pass itself
 * went from about 1.5 s to 0.27 s of those two years (timers around it):
 * at the scenario's mean fleet of 500,000 GPUs, 2 bytes per GPU (1 MB) stay
 * in the 2 MB L2 cache from one tick to the next, where 5 (2.5 MB) did not,
 * and the failure work between passes, whose data the float writes pushed
 * out, takes 10 to 15% less. Without failures the run is now bound by its
 * writer thread (storing 990,000 rows), not by the simulation. Before all
 * that, the pass also wrote each GPU's power, h * power_on_w, until that
 * array was found to be read by nothing (9 bytes per GPU, 1.5x the time).
 *
 * Written for the vectoriser, and each choice below was needed:
 *   - one select per GPU, as a mask (load & -up): with several selects on
 *     the same condition, gcc's jump threading rebuilt the branch and sank
 *     the stores into it ("control flow in loop");
 *   - restrict parameters: gcc only trusts restrict on parameters, not on
 *     locals, and otherwise versions the loop for aliasing (uint8 state may
 *     alias anything);
 *   - optimize("O3") adds the vectorised tail; the main loop vectorises at
 *     -O2;
 *   - no calls in the loops; target_clones builds a default (SSE2), an
 *     x86-64-v3 (AVX2) and an x86-64-v4 (AVX-512 with VL and BW) version
 *     and picks one at load time (ifunc);
 *   - 32 count lanes: the lane loop's 32 iterations over uint8 state give
 *     a vectorisation factor of 32, so the AVX2 and AVX-512 clones load
 *     state and store util in 32-byte vectors;
 *   - ordinary stores for util, not non-temporal ones: measured with the
 *     float util, streaming stores were 0.7-0.85x the time at 10,485,760
 *     GPUs (no read for ownership from memory) but 1.8-1.9x at 262,144 and
 *     1.0-1.2x at 1,048,576, where the arrays stay in the last-level cache
 *     between ticks, and the default scenario's two-year run took 1.05x as
 *     long with them (1.27x with failures off).
 *
 * Vectorisation (gcc 12.2, Makefile CFLAGS, -fopt-info-vec-optimized):
 *   default (SSE2) clone:
 *     fleet.c:344:30: optimized: loop vectorized using 16 byte vectors  (lanes)
 *     fleet.c:351:26: optimized: loop vectorized using 16 byte vectors  (tail)
 *     fleet.c:351:26: optimized: loop vectorized using 8 byte vectors   (its
 *                                                               epilogue)
 *     fleet.c:357:26: optimized: loop vectorized using 16 byte vectors  (counts out)
 *   x86-64-v3 (AVX2) and x86-64-v4 (AVX-512) clones (gcc prefers 256-bit
 *   vectors for AVX-512 too; what v4 adds is 32 vector registers and mask
 *   registers, so the byte compare of state becomes one mask for all 32
 *   GPUs and nothing spills):
 *     fleet.c:344:30: optimized: loop vectorized using 32 byte vectors  (lanes)
 *     fleet.c:351:26: optimized: loop vectorized using 32 byte vectors  (tail)
 *     fleet.c:351:26: optimized: loop vectorized using 16 byte vectors  (its
 *                                                               epilogue)
 *     fleet.c:357:26: optimized: loop vectorized using 32 byte vectors  (counts out)
 *   This is the loop the failure-free pass always ran (it was
 *   tick_kernel_plain); the pass with failures runs it too, where it once
 *   ran a loop that also read and wrote hazard_left (18 bytes per GPU).
 *   scan_block is not vectorised: its least-threshold reduction would need
 *   finite-math-only, which the INFINITY thresholds rule out. It runs only
 *   when a range's clock reaches a block's bound: about 180,000 blocks of 64
 *   GPUs in the default scenario's two years to 2026 (some 10 per tick),
 *   against 9.3e9 GPU-ticks of the pass.
 *   fleet_min_perf:
 *     fleet.c:650:27: optimized: loop vectorized using 16 byte vectors (and 8)
 * The clones were "avx2" and "avx512f" before: the avx512f clone spilled
 * its 256-bit work to the stack (without AVX512VL it has 16 ymm registers)
 * and ran 2.6 times slower per GPU than the x86-64-v4 one (bench_kernel,
 * 10,240 GPUs, from cache). Integer selects and counts give the same bits
 * at every width.
 */
__attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4"), optimize("O3")))
static void tick_kernel(size_t n, const uint8_t *restrict state, uint8_t *restrict util,
                        uint8_t load, uint32_t *restrict healthy_out)
{
    uint8_t healthy[FLEET_LANES] = {0};

    size_t i = 0;
    for (; i + FLEET_LANES <= n; i += FLEET_LANES) {
        for (size_t j = 0; j < FLEET_LANES; j++) {
            const uint8_t up = state[i + j] == FLEET_HEALTHY;
            util[i + j] = (uint8_t)(load & (uint8_t)-up);
            healthy[j] = (uint8_t)(healthy[j] + up);
        }
    }
    /* Tail: fewer than FLEET_LANES GPUs. */
    for (size_t j = 0; i < n; i++, j++) {
        const uint8_t up = state[i] == FLEET_HEALTHY;
        util[i] = (uint8_t)(load & (uint8_t)-up);
        healthy[j] = (uint8_t)(healthy[j] + up);
    }
    uint32_t count = 0;
    for (size_t j = 0; j < FLEET_LANES; j++)
        count += healthy[j];
    *healthy_out = count;
}

/* ---- range clocks ---- */

/* The range containing GPU i (i < n): the last k with start[k] <= i. It
 * lies between the ranges of the first GPUs of i's span and of the next
 * span: a binary search over the ranges that start inside the span, O(1)
 * unless ranges are much shorter than a span. */
static size_t range_of(const fleet_clocks *c, size_t i)
{
    const size_t span = i / FLEET_SPAN_GPUS;
    size_t lo = c->span_range[span], hi = c->span_range[span + 1];
    while (lo < hi) {                  /* start[lo] <= i < start[hi + 1] */
        const size_t mid = lo + (hi - lo + 1) / 2;
        if (c->start[mid] <= i)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* span_range for the current table: O(spans + ranges). (Its per-64-GPU
 * predecessor stored an entry per block at every rebuild: 25,000 of them
 * for the default scenario's 1.6 million GPUs, most never installed, and
 * the stores were three quarters of fleet_set_ranges.) */
static void index_spans(fleet_clocks *c)
{
    size_t k = 0;
    for (size_t span = 0; span < c->n_spans; span++) {
        const size_t first = span * FLEET_SPAN_GPUS;
        while (k + 1 < c->n && c->start[k + 1] <= first)
            k++;
        c->span_range[span] = (uint32_t)k;
    }
    c->span_range[c->n_spans] = (uint32_t)(c->n - 1);
}

/* Keeps GPU i's block and superblock bounds after it got threshold t. */
static void lower_block_bounds(fleet_clocks *c, size_t i, double t)
{
    double *block = &c->block_least[i / FLEET_BLOCK_GPUS];
    if (t < *block)
        *block = t;
    double *super = &c->super_least[i / FLEET_SUPER_GPUS];
    if (t < *super)
        *super = t;
}

/* Keeps the bounds after GPU i (healthy, in range k) got threshold t. */
static void lower_bounds(fleet *f, size_t k, size_t i, double t)
{
    fleet_clocks *c = f->clocks;
    if (t < c->least[k])
        c->least[k] = t;
    lower_block_bounds(c, i, t);
}

/* Checks healthy GPU i against clock `now`: a new failure when T <= now
 * (its threshold becomes its remaining hazard, T - now), else T enters
 * *least. Returns 1 for a new failure. */
static uint32_t check_gpu(fleet *f, size_t i, double now, double *least)
{
    if (f->state[i] != FLEET_HEALTHY)
        return 0;
    const double t = f->threshold[i];
    if (t <= now) {
        f->state[i] = FLEET_NEW_FAILURE;
        f->state_changed[i / FLEET_BLOCK_GPUS] = 1;
        f->threshold[i] = t - now;
        return 1;
    }
    if (t < *least)
        *least = t;
    return 0;
}

/* Checks the FLEET_BLOCK_GPUS GPUs of one block against `now` (as
 * check_gpu) and returns the least threshold of those still healthy
 * (INFINITY: none). Branch-free; not vectorised (see the report at
 * tick_kernel), and rare. */
static double scan_block(uint8_t *restrict state, double *restrict threshold, double now,
                         uint32_t *restrict fails_out)
{
    double least = INFINITY;
    uint32_t fails = 0;
    for (size_t j = 0; j < FLEET_BLOCK_GPUS; j++) {
        const double t = threshold[j];
        const uint8_t up = state[j] == FLEET_HEALTHY;
        const uint8_t fail = (uint8_t)(up & (t <= now));
        state[j] = (uint8_t)(state[j] + fail * FLEET_NEW_FAILURE);
        threshold[j] = fail ? t - now : t;
        const double alive = up & !fail ? t : INFINITY;
        least = alive < least ? alive : least;
        fails += fail;
    }
    *fails_out = fails;
    return least;
}

/* The bound of the block at GPU i (a multiple of FLEET_BLOCK_GPUS) once
 * the clock is at `now`: the block is scanned only when the clock reached
 * its bound; its new failures are added to *fails. */
static inline double block_bound(fleet *f, size_t i, double now, uint32_t *fails)
{
    double *block = &f->clocks->block_least[i / FLEET_BLOCK_GPUS];
    if (*block <= now) {
        uint32_t got;
        *block = scan_block(f->state + i, f->threshold + i, now, &got);
        f->state_changed[i / FLEET_BLOCK_GPUS] |= got != 0;
        *fails += got;
    }
    return *block;
}

/* The least bound of the whole blocks [lo, hi) (multiples of
 * FLEET_BLOCK_GPUS) once the clock is at `now`, scanning those it reached
 * (block_bound), four at a time into four minima: one running minimum is a
 * chain of dependent compares, a few cycles per block, and a large range
 * has thousands of blocks (min is exact, so the order in which the bounds
 * meet cannot change the result). */
static double blocks_bound(fleet *f, size_t lo, size_t hi, double now, uint32_t *fails)
{
    double m0 = INFINITY, m1 = INFINITY, m2 = INFINITY, m3 = INFINITY;
    size_t i = lo;
    for (; i + 4 * FLEET_BLOCK_GPUS <= hi; i += 4 * FLEET_BLOCK_GPUS) {
        const double b0 = block_bound(f, i, now, fails);
        const double b1 = block_bound(f, i + FLEET_BLOCK_GPUS, now, fails);
        const double b2 = block_bound(f, i + 2 * FLEET_BLOCK_GPUS, now, fails);
        const double b3 = block_bound(f, i + 3 * FLEET_BLOCK_GPUS, now, fails);
        m0 = b0 < m0 ? b0 : m0;
        m1 = b1 < m1 ? b1 : m1;
        m2 = b2 < m2 ? b2 : m2;
        m3 = b3 < m3 ? b3 : m3;
    }
    for (; i + FLEET_BLOCK_GPUS <= hi; i += FLEET_BLOCK_GPUS) {
        const double b0 = block_bound(f, i, now, fails);
        m0 = b0 < m0 ? b0 : m0;
    }
    m0 = m1 < m0 ? m1 : m0;
    m2 = m3 < m2 ? m3 : m2;
    return m2 < m0 ? m2 : m0;
}

/* Range k's clock reached its bound: marks its new failures, makes least
 * and the bounds of the blocks it scanned exact. Returns the new failures.
 * O(range / 64) bounds read, plus 64 GPUs per block whose bound the clock
 * reached and the partial blocks at the ends. */
static uint32_t scan_range(fleet *f, size_t k)
{
    fleet_clocks *c = f->clocks;
    const size_t lo = c->start[k], hi = c->start[k + 1];
    const double now = c->clock[k];
    double least = INFINITY;
    uint32_t fails = 0;
    size_t i = lo;
    for (; i < hi && i % FLEET_BLOCK_GPUS != 0; i++)
        fails += check_gpu(f, i, now, &least);
    /* The whole blocks; within the range's whole superblocks only those
     * whose bound the clock reached are read block by block: a failure in
     * a range of 100,000 GPUs then reads some 25 superblock bounds and 64
     * block bounds, not 1,500 block bounds. */
    const size_t first_super = (i + FLEET_SUPER_GPUS - 1) / FLEET_SUPER_GPUS * FLEET_SUPER_GPUS;
    const size_t whole_hi = hi / FLEET_BLOCK_GPUS * FLEET_BLOCK_GPUS;
    if (first_super + FLEET_SUPER_GPUS <= whole_hi) {
        double m = blocks_bound(f, i, first_super, now, &fails);
        for (i = first_super; i + FLEET_SUPER_GPUS <= whole_hi; i += FLEET_SUPER_GPUS) {
            double *super = &c->super_least[i / FLEET_SUPER_GPUS];
            if (*super <= now)
                *super = blocks_bound(f, i, i + FLEET_SUPER_GPUS, now, &fails);   /* exact again */
            m = *super < m ? *super : m;
        }
        least = m < least ? m : least;
    }
    const double m = blocks_bound(f, i, whole_hi, now, &fails);
    i = whole_hi > i ? whole_hi : i;
    least = m < least ? m : least;
    for (; i < hi; i++)
        fails += check_gpu(f, i, now, &least);
    c->least[k] = least;
    return fails;
}

/*
 * The tick kernel over GPUs [lo, hi); contract in fleet.h. An empty range
 * adds nothing. With failures, the pass is the same kernel, then one
 * addition to the range's clock and one comparison with its least
 * threshold; scan_range runs only in the ticks where a GPU of the range
 * fails (or a bound went stale at a move).
 *
 * The range is cut into chunks of FLEET_CHUNK_GPUS, so the kernel's uint8
 * count lanes cannot overflow; the counts are exact integers. One ifunc
 * call per 8,160 GPUs (a range of the default scenario takes one or two).
 *
 * Every healthy GPU of the range runs at the range's load and draws
 * power_on_w, and every other GPU 0, so busy and power are the healthy
 * count times those values: exact products in double, with no float
 * accumulation at all (and no rounding to util's steps).
 */
void fleet_tick_range(fleet *f, size_t lo, size_t hi, const fleet_pass *p, fleet_sums *sums)
{
    assert(lo <= hi && hi <= f->n);
    const float power_on_w = p->idle_w + (p->tdp_w - p->idle_w) * p->load * p->power_scale;
    const uint8_t util = fleet_util_of(p->load);
    size_t healthy_count = 0, failed_count = 0;
    for (size_t start = lo; start < hi; start += FLEET_CHUNK_GPUS) {
        size_t count = hi - start < FLEET_CHUNK_GPUS ? hi - start : FLEET_CHUNK_GPUS;
        uint32_t chunk = 0;
        tick_kernel(count, f->state + start, f->util + start, util, &chunk);
        healthy_count += chunk;
    }
    if (p->hazard > 0.0f && hi > lo) {
        /* after the pass: a GPU failing this tick served it */
        fleet_clocks *c = f->clocks;
        const size_t k = c->next_range < c->n && c->start[c->next_range] == lo ? c->next_range
                                                                             : range_of(c, lo);
        c->next_range = k + 1;
        assert(c->start[k] == lo && c->start[k + 1] == hi);
        c->clock[k] += (double)p->hazard;
        if (c->clock[k] >= c->least[k])
            failed_count = scan_range(f, k);
    }
    const double healthy = (double)healthy_count;
    sums->healthy += healthy;
    sums->busy += healthy * (double)p->load;
    sums->power_w += healthy * (double)power_on_w;
    sums->new_failures += (double)failed_count;
}

size_t fleet_next_changed(const fleet *f, size_t block, size_t end)
{
    const uint8_t *marks = f->state_changed;
    while (block + 8 <= end) {   /* eight marks at a time */
        uint64_t word;
        memcpy(&word, marks + block, sizeof word);
        if (word != 0)
            break;
        block += 8;
    }
    while (block < end && marks[block] == 0)
        block++;
    return block;
}

/* A new failure's block is always marked (the pass marks it, and a direct
 * write must be marked: fleet.h), so only the marked blocks of [lo, hi)
 * are read: a range with a failure in it is often 100,000 GPUs, and reading
 * all of its states took more time than the rest of the failure machinery
 * of a tick. */
size_t fleet_take_failures(fleet *f, size_t lo, size_t hi, size_t *out, size_t cap)
{
    assert(lo <= hi && hi <= f->n);
    size_t found = 0;
    const uint8_t *base = f->state;
    const size_t end = hi > lo ? (hi - 1) / FLEET_BLOCK_GPUS + 1 : 0;
    for (size_t i = lo; i < hi && found < cap;) {
        const size_t b = fleet_next_changed(f, i / FLEET_BLOCK_GPUS, end);
        if (b >= end)
            break;
        if (b * FLEET_BLOCK_GPUS > i)
            i = b * FLEET_BLOCK_GPUS;
        const size_t stop = (b + 1) * FLEET_BLOCK_GPUS < hi ? (b + 1) * FLEET_BLOCK_GPUS : hi;
        const uint8_t *hit = memchr(base + i, FLEET_NEW_FAILURE, stop - i);
        if (!hit) {
            i = stop;
            continue;
        }
        i = (size_t)(hit - base);
        f->state[i] = FLEET_FAILED;   /* its block stays marked */
        out[found++] = i;
        i++;
    }
    return found;
}

void fleet_set_perf(fleet *f, size_t i, float v)
{
    assert(i < f->n && v > 0.0f && v <= 1.0f);
    f->perf[i] = v;
}

/* Min is exact, so any order (and any vector width) gives the same answer.
 * perf is never NaN and never -0, which is what finite-math-only and
 * no-signed-zeros let the vectoriser assume for a min reduction. */
__attribute__((optimize("O3", "no-trapping-math", "finite-math-only", "no-signed-zeros")))
float fleet_min_perf(const fleet *f, size_t lo, size_t hi)
{
    assert(lo <= hi && hi <= f->n);
    const float *restrict perf = f->perf;
    const uint8_t *restrict state = f->state;
    float least = 1.0f;
    for (size_t i = lo; i < hi; i++) {
        /* A down GPU holds no gang. A healthy GPU (state 0) gives its perf
         * exactly; any other state (1..3) lifts it to at least 1, which
         * the min against the starting 1 ignores. Any select here (of
         * perf, or of a 0/1 factor) is "control flow in loop" to gcc. */
        const float v = perf[i] + (float)state[i];
        least = v < least ? v : least;
    }
    return least;
}

void fleet_renew(fleet *f, size_t i, double remaining)
{
    assert(i < f->n);
    f->state[i] = FLEET_HEALTHY;
    f->state_changed[i / FLEET_BLOCK_GPUS] = 1;
    fleet_set_remaining(f, i, remaining);
}

void fleet_set_remaining(fleet *f, size_t i, double remaining)
{
    assert(i < f->n);
    if (f->state[i] != FLEET_HEALTHY) {
        f->threshold[i] = remaining;
        return;
    }
    const size_t k = range_of(f->clocks, i);
    const double t = f->clocks->clock[k] + remaining;
    f->threshold[i] = t;
    lower_bounds(f, k, i, t);
}

int fleet_take_down(fleet *f, size_t i, uint8_t to)
{
    assert(i < f->n);
    return (int)fleet_take_down_range(f, i, i + 1, to);
}

size_t fleet_take_down_range(fleet *f, size_t lo, size_t hi, uint8_t to)
{
    assert(lo <= hi && hi <= f->n && to != FLEET_HEALTHY);
    const fleet_clocks *c = f->clocks;
    size_t down = 0;
    for (size_t i = lo; i < hi;) {
        const size_t k = range_of(c, i);
        const size_t end = c->start[k + 1] < hi ? c->start[k + 1] : hi;
        const double clock = c->clock[k];
        for (; i < end; i++) {
            if (f->state[i] != FLEET_HEALTHY)
                continue;
            f->threshold[i] -= clock;          /* frozen while down: T - C */
            f->state[i] = to;
            f->state_changed[i / FLEET_BLOCK_GPUS] = 1;
            down++;
        }
    }
    return down;
}

void fleet_bring_up(fleet *f, size_t i)
{
    fleet_bring_up_range(f, i, i + 1);
}

void fleet_bring_up_range(fleet *f, size_t lo, size_t hi)
{
    assert(lo <= hi && hi <= f->n);
    const fleet_clocks *c = f->clocks;
    for (size_t i = lo; i < hi;) {
        const size_t k = range_of(c, i);
        const size_t end = c->start[k + 1] < hi ? c->start[k + 1] : hi;
        const double clock = c->clock[k];
        for (; i < end; i++) {
            assert(f->state[i] != FLEET_HEALTHY);
            const double t = clock + f->threshold[i];   /* the remaining hazard, in k's clock */
            f->state[i] = FLEET_HEALTHY;
            f->state_changed[i / FLEET_BLOCK_GPUS] = 1;
            f->threshold[i] = t;
            lower_bounds(f, k, i, t);
        }
    }
}

void fleet_clear_changed(fleet *f)
{
    memset(f->state_changed, 0, f->n / FLEET_BLOCK_GPUS + 1);
}

uint8_t fleet_util_of(float load)
{
    const float x = load > 0.0f ? (load < 1.0f ? load : 1.0f) : 0.0f;   /* NaN: 0 */
    return (uint8_t)(x * (float)FLEET_UTIL_FULL + 0.5f);
}

double fleet_remaining_hazard(const fleet *f, size_t i)
{
    assert(i < f->n);
    if (f->state[i] != FLEET_HEALTHY)
        return f->threshold[i];
    return f->threshold[i] - f->clocks->clock[range_of(f->clocks, i)];
}

/* Healthy GPUs of [x, y) move from clock `from` to clock `to` (range k of
 * the new table). */
static void reexpress(fleet *f, size_t x, size_t y, double from, double to, double *least)
{
    for (size_t i = x; i < y; i++) {
        if (f->state[i] != FLEET_HEALTHY)
            continue;
        const double t = to + (f->threshold[i] - from);
        f->threshold[i] = t;
        if (t < *least)
            *least = t;
        lower_block_bounds(f->clocks, i, t);
    }
}

int fleet_set_ranges(fleet *f, const size_t *bounds, size_t n_bounds)
{
    fleet_clocks *c = f->clocks;
    range_table *next = &c->spare;
    const range_table *old = &c->now;
    if (n_bounds >= UINT32_MAX || table_reserve(next, n_bounds + 1) != 0)
        return -1;                /* span_range holds range indices in 32 bits */
    size_t n = 0;
    next->start[0] = 0;
    for (size_t b = 0; b < n_bounds; b++) {
        assert(bounds[b] <= f->n && (b == 0 || bounds[b] >= bounds[b - 1]));
        if (bounds[b] > next->start[n] && bounds[b] < f->n)
            next->start[++n] = bounds[b];
    }
    next->start[++n] = f->n;
    next->n = n;
    /* Each new range: the clock of the old range it overlaps most (the
     * first of equals); the parts from old ranges at another clock are
     * re-expressed. Both tables are sorted, so one walk over the old. */
    size_t o = 0;
    for (size_t k = 0; k < n; k++) {
        const size_t a = next->start[k], b = next->start[k + 1];
        while (o + 1 < old->n && old->start[o + 1] <= a)
            o++;
        size_t best = o, best_len = 0;
        for (size_t q = o; q < old->n && (old->start[q] < b || q == o); q++) {
            const size_t x = old->start[q] > a ? old->start[q] : a;
            const size_t y = old->start[q + 1] < b ? old->start[q + 1] : b;
            if (y > x && y - x > best_len) {
                best = q;
                best_len = y - x;
            }
        }
        const double clock = old->clock[best];
        double least = INFINITY;
        for (size_t q = o; q < old->n && (old->start[q] < b || q == o); q++) {
            const size_t x = old->start[q] > a ? old->start[q] : a;
            const size_t y = old->start[q + 1] < b ? old->start[q + 1] : b;
            if (y <= x)
                continue;
            if (old->clock[q] == clock)
                least = old->least[q] < least ? old->least[q] : least;
            else
                reexpress(f, x, y, old->clock[q], clock, &least);
        }
        next->clock[k] = clock;
        next->least[k] = least;
    }
    const range_table swap = c->now;
    c->now = c->spare;
    c->spare = swap;
    clocks_sync(c);
    index_spans(c);
    return 0;
}
