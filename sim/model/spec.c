/*
 * spec: the resolved scenario as plain data. This file only allocates and
 * frees it and names its enums; the scenario reader (sim/io/scenario.c)
 * fills it.
 */
#include "spec.h"

#include <stdlib.h>

spec *spec_create(void)
{
    return calloc(1, sizeof(spec));
}

void spec_destroy(spec *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_workloads; i++) {
        free(s->workloads[i].series_t);
        free(s->workloads[i].series_value);
    }
    free(s->gpus);
    free(s->providers);
    free(s->datacenters);
    free(s->phases);
    free(s->contracts);
    free(s->workloads);
    free(s);
}

/* The names below are the scenario file's spelling of each value. */
const char *spec_provider_kind_name(spec_provider_kind k)
{
    switch (k) {
    case SPEC_NEOCLOUD: return "neocloud";
    case SPEC_HYPERSCALER: return "hyperscaler";
    case SPEC_LAB: return "lab";
    }
    return "unknown";
}

const char *spec_contract_kind_name(spec_contract_kind k)
{
    switch (k) {
    case SPEC_RESERVED: return "reserved";
    case SPEC_ON_DEMAND: return "on_demand";
    }
    return "unknown";
}

const char *spec_growth_name(spec_growth g)
{
    switch (g) {
    case SPEC_GROWTH_EXPONENTIAL: return "exponential";
    case SPEC_GROWTH_LOGISTIC: return "logistic";
    case SPEC_GROWTH_SERIES: return "series";
    }
    return "unknown";
}
