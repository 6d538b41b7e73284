/*
 * bench_kernel: ns per GPU-tick of fleet_tick_range, against a copy loop
 * over the same bytes, at 10,240, 262,144, 1,048,576 and 10,485,760 GPUs,
 * for the hazard pass (failures on) and the plain pass (no GPU-scope
 * failure mode).
 *
 * The fleet: 0.5% stragglers, 0.2% failed, 0.1% in maintenance, every GPU
 * with an Exp(1) remaining hazard and a small hazard per pass, swept in
 * ranges of 8,000 GPUs (one allocation each, a different load per range).
 *
 * Bytes per GPU per pass. The hazard pass reads state (1 B) and
 * hazard_left (4 B) and writes util, power_w and hazard_left (4 B each) and
 * state (1 B): 5 B read, 13 B written, 18 B moved over 13 distinct bytes.
 * The plain pass reads state and writes util and power_w: 1 B read, 8 B
 * written, 9 B moved. Each baseline reads and writes the same arrays with
 * no arithmetic beyond what keeps a store from being dropped as a no-op
 * (a multiply by a run-time 1, an xor with a run-time 0, the widening of
 * state to float). The ratio kernel / copy says how close the kernel comes
 * to moving its bytes; 1.0 would be free arithmetic.
 *
 * The two are timed in turn (kernel, copy, kernel, copy, ...) and each
 * figure is the best repetition, so a burst of load from other processes
 * on a shared machine hits both. The smallest fleet fits in a core's L2
 * cache, 262,144 GPUs (3.4 MB) in the last-level cache, and the largest
 * (136 MB) streams from memory, so the cost per GPU-tick is compared
 * across sizes too (the "vs 10,240" column).
 */
#include "bench.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "../../sim/model/fleet.h"

#define RANGE_GPUS 8000
#define HAZARD_PER_PASS 1e-6f   /* ~0.1 failures per 100,000 GPUs per pass */
#define MIN_SECONDS 0.6    /* per size and pass kind, over all repetitions */
#define REP_GPU_TICKS 4e6  /* GPU-ticks per timed repetition (at least one pass) */
#define BYTES_HAZARD 18    /* moved per GPU by the hazard pass; see above */
#define BYTES_PLAIN 9

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

/* Marks stragglers (perf 0.6..0.9) and failed and maintenance GPUs, and
 * draws every GPU's Exp(1) remaining hazard. */
static void degrade_fleet(fleet *f)
{
    uint64_t seed = 0xbe7c4a11ULL;
    for (size_t i = 0; i < f->n; i++) {
        const double u = ((double)(next_random(&seed) >> 11) + 0.5) / 9007199254740992.0;
        f->hazard_left[i] = (float)-log(u);
        uint64_t roll = next_random(&seed) % 10000;
        if (roll < 50)
            fleet_set_perf(f, i, 0.6f + (float)(roll % 31) * 0.01f);
        else if (roll < 70)
            f->state[i] = FLEET_FAILED;
        else if (roll < 80)
            f->state[i] = FLEET_MAINTENANCE;
    }
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

/* Run-time identities: stores of x * one and s ^ zero cannot be dropped as
 * stores of the value just loaded. */
static volatile float identity_one = 1.0f;
static volatile uint8_t identity_zero = 0;

/* The hazard pass's baseline: its reads and writes without its arithmetic.
 * Compiled like the kernel (same clones, O3) so that it vectorises too, and
 * kept one loop: without no-tree-loop-distribute-patterns gcc splits the
 * array copies out into memcpy calls, three sweeps instead of one. */
__attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4"),
               optimize("O3", "no-tree-loop-distribute-patterns")))
static void copy_hazard(size_t n, uint8_t *restrict state, float *restrict hazard_left,
                        float *restrict util, float *restrict power_w, float one, uint8_t zero)
{
    for (size_t i = 0; i < n; i++) {
        const float r = hazard_left[i];
        util[i] = r;
        power_w[i] = r;
        hazard_left[i] = r * one;
        state[i] = state[i] ^ zero;
    }
}

/* The plain pass's baseline: state read, util and power written. */
__attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4"),
               optimize("O3", "no-tree-loop-distribute-patterns")))
static void copy_plain(size_t n, const uint8_t *restrict state, float *restrict util,
                       float *restrict power_w)
{
    for (size_t i = 0; i < n; i++) {
        const float s = (float)state[i];
        util[i] = s;
        power_w[i] = s;
    }
}

static double copy_pass(fleet *f, float dh)
{
    if (dh > 0.0f)
        copy_hazard(f->n, f->state, f->hazard_left, f->util, f->power_w, identity_one,
                    identity_zero);
    else
        copy_plain(f->n, f->state, f->util, f->power_w);
    return (double)f->power_w[f->n / 2];
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
                kind == 0 ? "hazard (failures on)" : "plain (no GPU failure mode)",
                kind == 0 ? BYTES_HAZARD : BYTES_PLAIN);
        for (size_t k = 0; k < N_SIZES; k++) {
            fleet *f = fleet_create(sizes[k]);
            if (!f) {
                fprintf(out, "    out of memory at %zu GPUs\n", sizes[k]);
                return;
            }
            degrade_fleet(f);
            double sink = 0.0, kernel_ns, copy_ns;
            measure(f, dh, &kernel_ns, &copy_ns, &sink);
            if (k == 0)
                first_ns = kernel_ns;
            fprintf(out, "    %9zu GPUs: kernel %.3f ns, copy %.3f ns, ratio %.2f; "
                         "vs %zu GPUs %.2f; %.1f GB/s\n",
                    f->n, kernel_ns, copy_ns, kernel_ns / copy_ns, sizes[0],
                    kernel_ns / first_ns,
                    (kind == 0 ? BYTES_HAZARD : BYTES_PLAIN) / kernel_ns);
            if (sink == 0.0)  /* never true; keeps the passes live */
                fprintf(out, "    (no work done)\n");
            fleet_destroy(f);
        }
    }
}
