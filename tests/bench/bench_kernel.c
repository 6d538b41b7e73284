/*
 * bench_kernel: ns per GPU-tick of fleet_tick_range, against a copy loop
 * over the same bytes, at 10,240, 262,144, 1,048,576 and 10,485,760 GPUs,
 * for the hazard pass (failures on) and the plain pass (no GPU-scope
 * failure mode).
 *
 * The fleet: 0.5% stragglers, 0.2% failed, 0.1% in maintenance, every GPU
 * with an Exp(1) remaining hazard and a small hazard per pass, swept in
 * ranges of 8,000 GPUs (one allocation each, a different load per range),
 * which are the fleet's clock ranges (fleet_set_ranges).
 *
 * Bytes per GPU per pass. Both passes read state (1 B) and write util (1 B,
 * fleet.h's FLEET_UTIL_FULL steps): 2 B moved (5 B while util was a float,
 * 9 B until the pass stopped writing a per-GPU power that nothing read;
 * power is a per-range sum, fleet.h). The hazard pass adds, per range, one
 * addition to the range's hazard clock and one comparison with its least
 * threshold; only in the passes where the clock reaches it does it read the
 * thresholds (8 B) and states of the 64-GPU blocks concerned, which the
 * timing includes (at 1e-6 per pass, a range of 8,000 GPUs has a failure
 * about every 125 passes). The baseline for both is the same copy: state
 * read, util written, with no arithmetic. The ratio kernel / copy says how
 * close the kernel comes to moving its bytes; 1.0 would be free arithmetic.
 * (Before the range clocks the hazard pass moved 18 B per GPU: it read and
 * wrote a remaining hazard per GPU every pass, and ran at 0.21 ns per
 * GPU-tick against the plain pass's 0.087 at 262,144 GPUs.)
 *
 * The two are timed in turn (kernel, copy, kernel, copy, ...) and each
 * figure is the best repetition, so a burst of load from other processes
 * on a shared machine hits both. The smallest fleet's bytes fit in a
 * core's L2 cache; 262,144 GPUs move 0.5 MB per pass, and the largest
 * 21 MB, from the last-level cache or memory, so the cost per GPU-tick is
 * compared across sizes too (the "vs 10,240" column).
 */
#include "bench.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../sim/model/fleet.h"

#define RANGE_GPUS 8000
#define HAZARD_PER_PASS 1e-6f   /* ~0.1 failures per 100,000 GPUs per pass */
#define MIN_SECONDS 0.6    /* per size and pass kind, over all repetitions */
#define REP_GPU_TICKS 4e6  /* GPU-ticks per timed repetition (at least one pass) */
#define BYTES_MOVED 2      /* per GPU by either pass; see above */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* xorshift64*: a fixed sequence, so every run benches the same fleet. */
static uint64_t next_random(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545f4914f6cdd1dULL;
}

/* Sets the clock ranges, marks stragglers (perf 0.6..0.9) and failed and
 * maintenance GPUs, and draws every GPU's Exp(1) remaining hazard. Returns
 * 0, or -1 when out of memory. */
static int degrade_fleet(fleet *f)
{
    size_t n_bounds = f->n / RANGE_GPUS + 1;
    size_t *bounds = malloc(n_bounds * sizeof *bounds);
    if (!bounds)
        return -1;
    for (size_t b = 0; b < n_bounds; b++)
        bounds[b] = (b + 1) * RANGE_GPUS < f->n ? (b + 1) * RANGE_GPUS : f->n;
    const int rc = fleet_set_ranges(f, bounds, n_bounds);
    free(bounds);
    if (rc != 0)
        return -1;
    uint64_t seed = 0xbe7c4a11ULL;
    for (size_t i = 0; i < f->n; i++) {
        const double u = ((double)(next_random(&seed) >> 11) + 0.5) / 9007199254740992.0;
        fleet_set_remaining(f, i, -log(u));
        uint64_t roll = next_random(&seed) % 10000;
        if (roll < 50)
            fleet_set_perf(f, i, 0.6f + (float)(roll % 31) * 0.01f);
        else if (roll < 70)
            f->state[i] = FLEET_FAILED;
        else if (roll < 80)
            f->state[i] = FLEET_MAINTENANCE;
    }
    return 0;
}

/* One tick of the whole fleet, range by range, with hazard dh per pass (0:
 * the plain pass). Returns the power sum so that the work cannot be
 * optimised away. */
static double kernel_pass(fleet *f, float dh)
{
    fleet_sums sums = {0};
    for (size_t lo = 0, r = 0; lo < f->n; lo += RANGE_GPUS, r++) {
        size_t hi = f->n - lo < RANGE_GPUS ? f->n : lo + RANGE_GPUS;
        float load = 0.35f + 0.013f * (float)(r % 47);
        fleet_tick_range(f, lo, hi, &(fleet_pass){load, 87.0f, 703.0f, 1.0f, dh}, &sums);
    }
    return sums.power_w;
}

/* The baseline: state read, util written. Compiled like the
 * kernel (same clones, O3) so that it vectorises too, and kept one loop:
 * without no-tree-loop-distribute-patterns gcc may split array copies out
 * into memcpy calls. */
__attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4"),
               optimize("O3", "no-tree-loop-distribute-patterns")))
static void copy_plain(size_t n, const uint8_t *restrict state, uint8_t *restrict util)
{
    for (size_t i = 0; i < n; i++)
        util[i] = state[i];
}

static double copy_pass(fleet *f, float dh)
{
    (void)dh;
    copy_plain(f->n, f->state, f->util);
    return (double)f->util[f->n / 2];
}

/* Seconds per pass of `passes` passes of `pass`. *sink accumulates results. */
static double time_passes(double (*pass)(fleet *, float), fleet *f, float dh, int passes,
                          double *sink)
{
    const double t0 = now_seconds();
    for (int k = 0; k < passes; k++)
        *sink += pass(f, dh);
    return (now_seconds() - t0) / passes;
}

/* Best ns per GPU-tick of the kernel and of its copy, timed in turn. */
static void measure(fleet *f, float dh, double *kernel_ns, double *copy_ns, double *sink)
{
    const int passes = f->n >= REP_GPU_TICKS ? 1 : (int)(REP_GPU_TICKS / (double)f->n);
    double best_kernel = 1e30, best_copy = 1e30;
    *sink += kernel_pass(f, dh) + copy_pass(f, dh);   /* warm the caches */
    const double started = now_seconds();
    do {
        const double k = time_passes(kernel_pass, f, dh, passes, sink);
        const double c = time_passes(copy_pass, f, dh, passes, sink);
        best_kernel = k < best_kernel ? k : best_kernel;
        best_copy = c < best_copy ? c : best_copy;
    } while (now_seconds() - started < MIN_SECONDS);
    *kernel_ns = best_kernel * 1e9 / (double)f->n;
    *copy_ns = best_copy * 1e9 / (double)f->n;
}

/* Which clone of the kernel this CPU runs (the ifunc's choice). */
static const char *kernel_clone(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4"))
        return "x86-64-v4";
    return __builtin_cpu_supports("x86-64-v3") ? "x86-64-v3" : "default";
}

void bench_kernel_report(FILE *out)
{
    static const size_t sizes[] = {10240, 262144, 1048576, 10485760};
    enum { N_SIZES = sizeof sizes / sizeof sizes[0] };
    fprintf(out, "fleet kernel (ranges of %d GPUs, %s clone), ns per GPU-tick; copy = a loop "
                 "moving the same bytes:\n", RANGE_GPUS, kernel_clone());
    for (int kind = 0; kind < 2; kind++) {
        const float dh = kind == 0 ? HAZARD_PER_PASS : 0.0f;
        double first_ns = 0.0;
        fprintf(out, "  %s pass, %d B/GPU moved:\n",
                kind == 0 ? "hazard (failures on)" : "plain (no GPU failure mode)", BYTES_MOVED);
        for (size_t k = 0; k < N_SIZES; k++) {
            fleet *f = fleet_create(sizes[k]);
            if (!f) {
                fprintf(out, "    out of memory at %zu GPUs\n", sizes[k]);
                return;
            }
            if (degrade_fleet(f) != 0) {
                fprintf(out, "    out of memory at %zu GPUs\n", sizes[k]);
                fleet_destroy(f);
                return;
            }
            double sink = 0.0, kernel_ns, copy_ns;
            measure(f, dh, &kernel_ns, &copy_ns, &sink);
            if (k == 0)
                first_ns = kernel_ns;
            fprintf(out, "    %9zu GPUs: kernel %.3f ns, copy %.3f ns, ratio %.2f; "
                         "vs %zu GPUs %.2f; %.1f GB/s\n",
                    f->n, kernel_ns, copy_ns, kernel_ns / copy_ns, sizes[0],
                    kernel_ns / first_ns, BYTES_MOVED / kernel_ns);
            if (sink == 0.0)  /* never true; keeps the passes live */
                fprintf(out, "    (no work done)\n");
            fleet_destroy(f);
        }
    }
}
