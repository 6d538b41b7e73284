/*
 * fuzz_distribution: scenario_dist_parse (sim/scenario/scenario_dist.c), the string parser of
 * a training workload's job_gpus and duration_h, on arbitrary text, both as
 * GPU counts and as plain values, and with out NULL (check only). A parsed
 * distribution is then given to scenario_dist_mean and to scenario_dist_format, into a
 * large buffer and a tiny one (the truncation path). Checks the promises of
 * a success: every number > 0 (sigma >= 0), GPU counts multiples of 8, and
 * a check-only parse agreeing with a full one.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../sim/scenario/scenario_dist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const spec_distribution *d, int gpu_values)
{
    if (d->kind == SPEC_DIST_LIST) {
        if (d->n < 1 || !d->values || !d->weights)
            abort();
        for (size_t i = 0; i < d->n; i++)
            if (!(d->values[i] > 0) || !(d->weights[i] > 0) ||
                (gpu_values && fmod(d->values[i], SPEC_GPUS_PER_NODE) != 0))
                abort();
    } else if (!(d->mean > 0) || d->sigma < 0 || d->values || d->weights ||
               (gpu_values && d->kind == SPEC_DIST_FIXED &&
                fmod(d->mean, SPEC_GPUS_PER_NODE) != 0)) {
        abort();
    }
}

static void parse(const char *text, int gpu_values)
{
    spec_distribution d;
    char why[512], big[512], tiny[8];
    int full = scenario_dist_parse(text, gpu_values, &d, why, sizeof why);
    if (scenario_dist_parse(text, gpu_values, NULL, why, sizeof why) != full)
        abort();
    if (full != 0)
        return;
    check(&d, gpu_values);
    if (!(scenario_dist_mean(&d) > 0))
        abort();
    scenario_dist_format(&d, big, sizeof big);
    scenario_dist_format(&d, tiny, sizeof tiny);
    if (strlen(tiny) >= sizeof tiny)
        abort();
    free(d.values);
    free(d.weights);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    parse(text, 0);
    parse(text, 1);
    free(text);
    return 0;
}
