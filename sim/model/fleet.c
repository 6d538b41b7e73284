/*
 * fleet: per-GPU structure-of-arrays and the tick kernel.
 *
 * Invariants: every array holds f->n entries and starts on a 64-byte
 * boundary (a cache line, and one AVX-512 register), and each allocation's
 * byte size is rounded up to a multiple of 64 as aligned_alloc requires.
 *
 * What the kernel sums: every healthy GPU of a range has the same util
 * (load) and power, so busy and power are the healthy count times those:
 * the kernel accumulates only integer counts (healthy GPUs, new failures),
 * exact in any order and on any vector width. It does not read perf: perf
 * changes only at events, and the market sums it per allocation when the
 * allocation changes (fleet_sum_perf), which is what inference capacity
 * uses.
 *
 * One float per GPU for failures: the remaining hazard R = E - H, not H and
 * E apart. "H >= E" is "R <= 0", and the pass moves 4 bytes per GPU fewer
 * each way. R is rounded once per pass instead of H: both are float sums of
 * per-tick hazards, so the failure tick can differ from an H-and-E
 * implementation only when H lands within a float ulp of E.
 *
 * Perf sums: the market sums perf over every allocation at every
 * rebuild, and with failures a rebuild follows nearly every tick, so
 * fleet_sum_perf answers from a Fenwick tree (Fenwick, "A new data
 * structure for cumulative frequency tables", 1994) in O(log n) instead of
 * reading the range. Its arithmetic is exact under fleet.h's bounds: a
 * float perf in [1/8, 1] is a multiple of 2^-26, so every node, prefix sum,
 * difference and update delta is a multiple of 2^-26 below 2^27 in
 * magnitude, which a double (53 bits) holds exactly. Below 1/8 sums may
 * round, in an order fixed by the history of sets and swaps: still the
 * same bits for the same run on every x86-64 (scalar double arithmetic,
 * -ffp-contract=off).
 */
#include "fleet.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FLEET_ALIGN_BYTES 64
/* Count lanes of the kernel (see tick_kernel). */
#define FLEET_LANES 32
/* GPUs per chunk: 32 per lane, so a uint8 count lane cannot overflow; a
 * multiple of FLEET_LANES. */
#define FLEET_CHUNK_GPUS 1024
_Static_assert(FLEET_CHUNK_GPUS % FLEET_LANES == 0 && FLEET_CHUNK_GPUS / FLEET_LANES <= UINT8_MAX,
               "chunks keep each GPU in its lane, and the uint8 healthy counts cannot overflow");

/* aligned_alloc of `bytes` rounded up to a multiple of 64 (64 for 0).
 * Returns NULL when out of memory; the caller frees with free(). */
static void *alloc_aligned(size_t bytes)
{
    if (bytes > SIZE_MAX - FLEET_ALIGN_BYTES)
        return NULL;
    size_t rounded = (bytes + FLEET_ALIGN_BYTES - 1) / FLEET_ALIGN_BYTES * FLEET_ALIGN_BYTES;
    return aligned_alloc(FLEET_ALIGN_BYTES, rounded == 0 ? FLEET_ALIGN_BYTES : rounded);
}

/* Sets every GPU healthy, perf 1, util 0, power 0, remaining hazard
 * INFINITY (never fails), allocation -1, and builds perf_tree over perf in
 * O(n): each node adds itself into its parent, in index order. */
static void fill_defaults(fleet *f)
{
    memset(f->state, FLEET_HEALTHY, f->n);
    memset(f->util, 0, f->n * sizeof *f->util);     /* all-zero bits = 0.0f */
    memset(f->power_w, 0, f->n * sizeof *f->power_w);
    for (size_t i = 0; i < f->n; i++) {
        f->perf[i] = 1.0f;
        f->hazard_left[i] = INFINITY;
        f->allocation[i] = -1;
    }
    f->perf_tree[0] = 0.0;
    for (size_t i = 1; i <= f->n; i++)
        f->perf_tree[i] = (double)f->perf[i - 1];
    for (size_t i = 1; i <= f->n; i++) {
        const size_t parent = i + (i & -i);
        if (parent <= f->n)
            f->perf_tree[parent] += f->perf_tree[i];
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
    if (!(f->power_w = alloc_aligned(n * sizeof *f->power_w)))
        goto fail;
    if (!(f->hazard_left = alloc_aligned(n * sizeof *f->hazard_left)))
        goto fail;
    if (!(f->allocation = alloc_aligned(n * sizeof *f->allocation)))
        goto fail;
    if (!(f->perf_tree = alloc_aligned((n + 1) * sizeof *f->perf_tree)))
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
    free(f->perf_tree);
    free(f->allocation);
    free(f->hazard_left);
    free(f->power_w);
    free(f->util);
    free(f->perf);
    free(f->state);
    free(f);
}

/*
 * The tick kernel over n GPUs (the arrays start at the chunk's first GPU,
 * n <= FLEET_CHUNK_GPUS). Each GPU i:
 *   h = (state == FLEET_HEALTHY) ? 1 : 0;
 *   util = h * load;  power = h * power_on_w;
 *   R -= h * dh;  fail = h and R <= 0;  state += fail * FLEET_NEW_FAILURE;
 * which is fleet.h's contract computed exactly: multiplying by 1 or 0 rounds
 * nothing, every healthy GPU of the range has the same power_on_w = idle +
 * (tdp - idle) * load * power_scale, and subtracting 0 leaves R unchanged (a
 * failed GPU keeps its R until fleet_renew). fail implies state was
 * FLEET_HEALTHY (0), so the addition writes FLEET_NEW_FAILURE exactly. The
 * R update is element-wise (no reduction), so every vector width computes
 * the same R bit for bit. Healthy GPUs and new failures are counted in
 * uint8 lanes (at most 1,024 / 32 = 32 per lane, no overflow) and their
 * totals written to counts_out[0] and [1].
 *
 * Written for the vectoriser, and each choice below was needed:
 *   - one select per GPU, then products: with several selects on the same
 *     condition, gcc's jump threading rebuilt the branch and sank the
 *     stores into it ("control flow in loop"); the failure test is a
 *     comparison turned into 0/1 and multiplied, not a second select;
 *   - restrict parameters: gcc only trusts restrict on parameters, not on
 *     locals, and otherwise versions the loop for aliasing (uint8 state may
 *     alias anything);
 *   - optimize("no-trapping-math"): with trapping math on, PRE turns
 *     h * load into a conditional load * 0.0 that if-conversion refuses to
 *     speculate. It does not license reassociation or contraction, so the
 *     arithmetic stays the same. "O3" adds the vectorised tail; the main
 *     loop vectorises at -O2 once trapping math is off.
 *   - no calls in the loops; target_clones builds a default (SSE2), an
 *     x86-64-v3 (AVX2) and an x86-64-v4 (AVX-512 with VL and BW) version
 *     and picks one at load time (ifunc).
 *   - 32 count lanes: the lane loop's 32 iterations over uint8 state give
 *     a vectorisation factor of 32, so the AVX2 and AVX-512 clones load
 *     state in 32-byte vectors and work on 4 x 8 floats.
 *   - ordinary stores for util and power, not non-temporal ones: measured
 *     with an AVX2 version of this pass, streaming stores were 0.7-0.85x
 *     the time at 10,485,760 GPUs (no read for ownership from memory) but
 *     1.8-1.9x at 262,144 and 1.0-1.2x at 1,048,576, where the arrays stay
 *     in the last-level cache between ticks; a market's fleet (the default
 *     scenario's 500,000 GPUs) is in the second case.
 *
 * Vectorisation (gcc 12.2, Makefile CFLAGS, -fopt-info-vec-optimized):
 *   default (SSE2) clone:
 *     fleet.c:199:30: optimized: loop vectorized using 16 byte vectors  (lanes)
 *     fleet.c:213:26: optimized: loop vectorized using 16 byte vectors  (tail)
 *     fleet.c:213:26: optimized: loop vectorized using 8 byte vectors   (its
 *                                                               epilogue)
 *     fleet.c:226:26: optimized: loop vectorized using 16 byte vectors  (counts out)
 *   x86-64-v3 (AVX2) and x86-64-v4 (AVX-512) clones (gcc prefers 256-bit
 *   vectors for AVX-512 too; what v4 adds is 32 vector registers and mask
 *   registers, so the byte compare of state becomes one mask for all 32
 *   GPUs and nothing spills):
 *     fleet.c:199:30: optimized: loop vectorized using 32 byte vectors  (lanes)
 *     fleet.c:213:26: optimized: loop vectorized using 32 byte vectors  (tail)
 *     fleet.c:213:26: optimized: loop vectorized using 16 or 8 byte vectors
 *                                                               (its epilogue)
 *     fleet.c:226:26: optimized: loop vectorized using 32 byte vectors  (counts out)
 *   tick_kernel_plain (the same pass without hazard, below): every clone
 *     vectorises its lanes (249), tail (258) and counts out (266) loops in
 *     the same widths as above.
 *   fleet_min_perf:
 *     fleet.c:370:27: optimized: loop vectorized using 16 byte vectors
 * The clones were "avx2" and "avx512f" before: the avx512f clone spilled
 * its 256-bit work to the stack (without AVX512VL it has 16 ymm registers)
 * and ran 2.6 times slower per GPU than the x86-64-v4 one (bench_kernel,
 * 10,240 GPUs, from cache). Element-wise arithmetic and integer counts
 * give the same bits at every width.
 */
__attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4"),
               optimize("O3", "no-trapping-math")))
static void tick_kernel(size_t n, uint8_t *restrict state, float *restrict util,
                        float *restrict power_w, float *restrict hazard_left, float load,
                        float power_on_w, float dh, uint32_t counts_out[restrict 2])
{
    uint8_t healthy[FLEET_LANES] = {0};
    uint8_t failed[FLEET_LANES] = {0};

    size_t i = 0;
    for (; i + FLEET_LANES <= n; i += FLEET_LANES) {
        for (size_t j = 0; j < FLEET_LANES; j++) {
            const uint8_t up = state[i + j] == FLEET_HEALTHY;
            const float h = up ? 1.0f : 0.0f;
            const float left = hazard_left[i + j] - h * dh;
            const uint8_t fail = (uint8_t)(up & (left <= 0.0f));
            util[i + j] = h * load;
            power_w[i + j] = h * power_on_w;
            hazard_left[i + j] = left;
            state[i + j] = (uint8_t)(state[i + j] + fail * FLEET_NEW_FAILURE);
            healthy[j] = (uint8_t)(healthy[j] + up);
            failed[j] = (uint8_t)(failed[j] + fail);
        }
    }
    /* Tail: fewer than FLEET_LANES GPUs. */
    for (size_t j = 0; i < n; i++, j++) {
        const uint8_t up = state[i] == FLEET_HEALTHY;
        const float h = up ? 1.0f : 0.0f;
        const float left = hazard_left[i] - h * dh;
        const uint8_t fail = (uint8_t)(up & (left <= 0.0f));
        util[i] = h * load;
        power_w[i] = h * power_on_w;
        hazard_left[i] = left;
        state[i] = (uint8_t)(state[i] + fail * FLEET_NEW_FAILURE);
        healthy[j] = (uint8_t)(healthy[j] + up);
        failed[j] = (uint8_t)(failed[j] + fail);
    }
    uint32_t count = 0, fails = 0;
    for (size_t j = 0; j < FLEET_LANES; j++) {
        count += healthy[j];
        fails += failed[j];
    }
    counts_out[0] = count;
    counts_out[1] = fails;
}

/* The same pass for a range whose GPUs accumulate no hazard (no GPU-scope
 * failure mode for their type): it neither reads nor writes hazard_left, so
 * it moves 9 bytes per GPU, not 18. With dh = 0 the hazard kernel would
 * compute exactly this: R - 0 = R, and a GPU without a GPU-scope mode has
 * R = INFINITY, which is never <= 0. */
__attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4"),
               optimize("O3", "no-trapping-math")))
static void tick_kernel_plain(size_t n, const uint8_t *restrict state, float *restrict util,
                              float *restrict power_w, float load, float power_on_w,
                              uint32_t *restrict healthy_out)
{
    uint8_t healthy[FLEET_LANES] = {0};

    size_t i = 0;
    for (; i + FLEET_LANES <= n; i += FLEET_LANES) {
        for (size_t j = 0; j < FLEET_LANES; j++) {
            const uint8_t up = state[i + j] == FLEET_HEALTHY;
            const float h = up ? 1.0f : 0.0f;
            util[i + j] = h * load;
            power_w[i + j] = h * power_on_w;
            healthy[j] = (uint8_t)(healthy[j] + up);
        }
    }
    /* Tail: fewer than FLEET_LANES GPUs. */
    for (size_t j = 0; i < n; i++, j++) {
        const uint8_t up = state[i] == FLEET_HEALTHY;
        const float h = up ? 1.0f : 0.0f;
        util[i] = h * load;
        power_w[i] = h * power_on_w;
        healthy[j] = (uint8_t)(healthy[j] + up);
    }
    uint32_t count = 0;
    for (size_t j = 0; j < FLEET_LANES; j++)
        count += healthy[j];
    *healthy_out = count;
}

/*
 * The tick kernel over GPUs [lo, hi); contract in fleet.h. An empty range
 * adds nothing.
 *
 * The range is cut into chunks of FLEET_CHUNK_GPUS, so the kernel's uint8
 * count lanes cannot overflow; the counts are exact integers. One ifunc
 * call per 1,024 GPUs costs nothing measurable.
 *
 * Every healthy GPU of the range has util = load and power = power_on_w,
 * and every other GPU 0, so the sums of util and power are the healthy
 * count times those values: exact products in double, with no float
 * accumulation at all.
 */
void fleet_tick_range(fleet *f, size_t lo, size_t hi, const fleet_pass *p, fleet_sums *sums)
{
    assert(lo <= hi && hi <= f->n);
    const float power_on_w = p->idle_w + (p->tdp_w - p->idle_w) * p->load * p->power_scale;
    size_t healthy_count = 0, failed_count = 0;
    for (size_t start = lo; start < hi; start += FLEET_CHUNK_GPUS) {
        size_t count = hi - start < FLEET_CHUNK_GPUS ? hi - start : FLEET_CHUNK_GPUS;
        uint32_t chunk[2] = {0, 0};
        if (p->hazard > 0.0f)
            tick_kernel(count, f->state + start, f->util + start, f->power_w + start,
                        f->hazard_left + start, p->load, power_on_w, p->hazard, chunk);
        else
            tick_kernel_plain(count, f->state + start, f->util + start, f->power_w + start,
                              p->load, power_on_w, &chunk[0]);
        healthy_count += chunk[0];
        failed_count += chunk[1];
    }
    const double healthy = (double)healthy_count;
    sums->healthy += healthy;
    sums->busy += healthy * (double)p->load;
    sums->power_w += healthy * (double)power_on_w;
    sums->new_failures += (double)failed_count;
}

size_t fleet_take_failures(fleet *f, size_t lo, size_t hi, size_t *out, size_t cap)
{
    assert(lo <= hi && hi <= f->n);
    size_t found = 0;
    const uint8_t *base = f->state;
    for (size_t i = lo; i < hi;) {
        const uint8_t *hit = memchr(base + i, FLEET_NEW_FAILURE, hi - i);
        if (!hit)
            break;
        i = (size_t)(hit - base);
        f->state[i] = FLEET_FAILED;
        if (found < cap)
            out[found] = i;
        found++;
        i++;
    }
    return found;
}

/* The sum of perf over GPUs [0, end): O(log n). */
static double prefix_perf(const fleet *f, size_t end)
{
    double sum = 0.0;
    for (size_t i = end; i > 0; i -= i & -i)
        sum += f->perf_tree[i];
    return sum;
}

double fleet_sum_perf(const fleet *f, size_t lo, size_t hi)
{
    assert(lo <= hi && hi <= f->n);
    return lo == hi ? 0.0 : prefix_perf(f, hi) - prefix_perf(f, lo);
}

void fleet_set_perf(fleet *f, size_t i, float v)
{
    assert(i < f->n && v > 0.0f && v <= 1.0f);
    const double delta = (double)v - (double)f->perf[i];
    f->perf[i] = v;
    if (delta == 0.0)
        return;
    for (size_t k = i + 1; k <= f->n; k += k & -k)
        f->perf_tree[k] += delta;
}

void fleet_swap(fleet *f, size_t i, size_t j)
{
    assert(i < f->n && j < f->n);
    const uint8_t st = f->state[i];
    f->state[i] = f->state[j];
    f->state[j] = st;
    const float left = f->hazard_left[i];
    f->hazard_left[i] = f->hazard_left[j];
    f->hazard_left[j] = left;
    const float perf_i = f->perf[i], perf_j = f->perf[j];
    if (perf_i != perf_j) {
        fleet_set_perf(f, i, perf_j);
        fleet_set_perf(f, j, perf_i);
    }
}

/* Min is exact, so any order (and any vector width) gives the same answer.
 * perf is never NaN and never -0, which is what finite-math-only and
 * no-signed-zeros let the vectoriser assume for a min reduction. */
__attribute__((optimize("O3", "no-trapping-math", "finite-math-only", "no-signed-zeros")))
float fleet_min_perf(const fleet *f, size_t lo, size_t hi)
{
    assert(lo <= hi && hi <= f->n);
    const float *restrict perf = f->perf;
    float least = 1.0f;
    for (size_t i = lo; i < hi; i++)
        least = perf[i] < least ? perf[i] : least;
    return least;
}

void fleet_renew(fleet *f, size_t i, float threshold)
{
    assert(i < f->n);
    f->state[i] = FLEET_HEALTHY;
    f->hazard_left[i] = threshold;
}
