/*
 * bench_kernel: ns per GPU-tick of fleet_tick_range, against a copy loop
 * over the same bytes, at 262,144, 1,048,576 and 10,485,760 GPUs.
 *
 * The fleet: 0.5% stragglers, 0.2% failed, 0.1% in maintenance, every GPU
 * with an Exp(1) failure threshold and a small hazard per pass (failures on,
 * as in a scenario with [failure] modes), swept in ranges of 8,000 GPUs (one
 * allocation each, a different load per range).
 *
 * Bytes per GPU per pass: the kernel reads state (1 B), perf, hazard and
 * threshold (4 B each) and writes util, power and hazard (4 B each) and, for
 * a new failure, state: 13 B read, 12 B written (25 B moved). The baseline
 * reads and writes the same arrays with no arithmetic: util = perf, power =
 * threshold, hazard = hazard, state = state. The ratio kernel / copy says
 * how close the kernel comes to moving its bytes; 1.0 would be free
 * arithmetic. The smallest fleet fits in a server's last-level cache (as one
 * DC's ranges do during a tick); the largest streams from memory.
 */
#include "bench.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "../../sim/model/fleet.h"

#define RANGE_GPUS 8000
#define HAZARD_PER_PASS 1e-6f   /* ~0.1 failures per 100,000 GPUs per pass */
#define MIN_SECONDS 0.5    /* per measurement, over all repetitions */
#define PASSES_PER_REP 20  /* fleet passes per timed repetition */

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
 * draws every GPU's Exp(1) threshold. */
static void degrade_fleet(fleet *f)
{
    uint64_t seed = 0xbe7c4a11ULL;
    for (size_t i = 0; i < f->n; i++) {
        const double u = ((double)(next_random(&seed) >> 11) + 0.5) / 9007199254740992.0;
        f->threshold[i] = (float)-log(u);
        uint64_t roll = next_random(&seed) % 10000;
        if (roll < 50)
            f->perf[i] = 0.6f + (float)(roll % 31) * 0.01f;
        else if (roll < 70)
            f->state[i] = FLEET_FAILED;
        else if (roll < 80)
            f->state[i] = FLEET_MAINTENANCE;
    }
}

/* One tick of the whole fleet, range by range. Returns the power sum so
 * that the work cannot be optimised away. */
static double kernel_pass(fleet *f)
{
    fleet_sums sums = {0};
    for (size_t lo = 0, r = 0; lo < f->n; lo += RANGE_GPUS, r++) {
        size_t hi = f->n - lo < RANGE_GPUS ? f->n : lo + RANGE_GPUS;
        float load = 0.35f + 0.013f * (float)(r % 47);
        fleet_tick_range(f, lo, hi,
                         &(fleet_pass){load, 87.0f, 703.0f, 1.0f, 1.0f, HAZARD_PER_PASS}, &sums);
    }
    return sums.power_w;
}

/* The baseline: the kernel's reads and writes, without its arithmetic.
 * Compiled like the kernel (same clones, O3) so that it vectorises too. */
__attribute__((target_clones("default", "avx2", "avx512f"), optimize("O3")))
static void copy_arrays(size_t n, uint8_t *restrict state, const float *restrict perf,
                        float *restrict hazard, const float *restrict threshold,
                        float *restrict util, float *restrict power_w)
{
    for (size_t i = 0; i < n; i++) {
        util[i] = perf[i];
        power_w[i] = threshold[i];
        hazard[i] = hazard[i];
        state[i] = state[i];
    }
}

static double copy_pass(fleet *f)
{
    copy_arrays(f->n, f->state, f->perf, f->hazard, f->threshold, f->util, f->power_w);
    return (double)f->power_w[f->n / 2];
}

/* Best seconds per pass of `pass` over at least MIN_SECONDS of repetitions.
 * *sink accumulates the passes' results. */
static double best_seconds_per_pass(double (*pass)(fleet *), fleet *f, double *sink)
{
    double best = 1e30, started = now_seconds();
    *sink += pass(f);  /* warm the caches */
    do {
        double t0 = now_seconds();
        for (int k = 0; k < PASSES_PER_REP; k++)
            *sink += pass(f);
        double per_pass = (now_seconds() - t0) / PASSES_PER_REP;
        best = per_pass < best ? per_pass : best;
    } while (now_seconds() - started < MIN_SECONDS);
    return best;
}

/* Which clone of the kernel this CPU runs (the ifunc's choice). */
static const char *kernel_clone(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        return "avx512f";
    return __builtin_cpu_supports("avx2") ? "avx2" : "default";
}

void bench_kernel_report(FILE *out)
{
    static const size_t sizes[] = {262144, 1048576, 10485760};
    double first_ns = 0.0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        fleet *f = fleet_create(sizes[k]);
        if (!f) {
            fprintf(out, "fleet kernel: out of memory at %zu GPUs\n", sizes[k]);
            return;
        }
        degrade_fleet(f);
        double sink = 0.0;
        double kernel_ns = best_seconds_per_pass(kernel_pass, f, &sink) * 1e9 / (double)f->n;
        double copy_ns = best_seconds_per_pass(copy_pass, f, &sink) * 1e9 / (double)f->n;
        if (k == 0)
            first_ns = kernel_ns;
        fprintf(out, "fleet kernel (%zu GPUs, ranges of %d, failures on, %s clone, 25 B/GPU): "
                     "%.3f ns/GPU-tick; copy baseline over the same bytes: %.3f ns/GPU; ratio %.2f; "
                     "per GPU-tick vs %zu GPUs %.2f\n",
                f->n, RANGE_GPUS, kernel_clone(), kernel_ns, copy_ns, kernel_ns / copy_ns,
                sizes[0], kernel_ns / first_ns);
        if (sink == 0.0)  /* never true; keeps the passes live */
            fprintf(out, "  (no work done)\n");
        fleet_destroy(f);
    }
}
