/*
 * spec: the resolved scenario as plain data. This file only allocates and
 * frees it and names its enums; the scenario reader (sim/scenario/scenario.c)
 * fills it.
 */
#include "spec.h"

#include <stdlib.h>

spec *spec_create(void)
{
    return calloc(1, sizeof(spec));
}

double spec_gpu_system_w(const spec_gpu *g)
{
    return g->tdp_w + g->host_w;
}

void spec_destroy(spec *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_workloads; i++) {
        spec_workload *w = &s->workloads[i];
        free(w->series_t);
        free(w->series_value);
        free(w->job_gpus.values);
        free(w->job_gpus.weights);
        free(w->duration_h.values);
        free(w->duration_h.weights);
        free(w->trace);
    }
    for (size_t i = 0; i < s->n_failures; i++) {
        free(s->failures[i].repair_h.values);
        free(s->failures[i].repair_h.weights);
    }
    for (size_t i = 0; i < s->n_procurements; i++)
        free(s->procurements[i].sellers);
    free(s->pricelists);
    free(s->procurements);
    free(s->buildouts);
    free(s->targets);
    free(s->failures);
    free(s->curtailments);
    free(s->gpus);
    free(s->providers);
    free(s->datacenters);
    free(s->phases);
    free(s->contracts);
    free(s->workloads);
    free(s);
}

/* The names below are the scenario file's spelling of each value. */
const char *spec_allocation_policy_name(spec_allocation_policy p)
{
    switch (p) {
    case SPEC_OLDEST_FIRST: return "oldest_first";
    case SPEC_NEWEST_FIRST: return "newest_first";
    }
    return "unknown";
}

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
    case SPEC_SPOT: return "spot";
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

const char *spec_workload_type_name(spec_workload_type t)
{
    switch (t) {
    case SPEC_INFERENCE: return "inference";
    case SPEC_TRAINING: return "training";
    }
    return "unknown";
}

const char *spec_dist_kind_name(spec_dist_kind k)
{
    switch (k) {
    case SPEC_DIST_FIXED: return "fixed";
    case SPEC_DIST_EXPONENTIAL: return "exponential";
    case SPEC_DIST_LOGNORMAL: return "lognormal";
    case SPEC_DIST_LIST: return "list";
    }
    return "unknown";
}

const char *spec_buildout_trigger_name(spec_buildout_trigger t)
{
    switch (t) {
    case SPEC_TRIGGER_DECLINED: return "declined";
    case SPEC_TRIGGER_LOW_UNCOMMITTED: return "low_uncommitted";
    }
    return "unknown";
}

const char *spec_failure_scope_name(spec_failure_scope s)
{
    static const char *const names[] = {"gpu", "node", "rack", "datacenter"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

int64_t spec_failure_scope_gpus(spec_failure_scope s)
{
    switch (s) {
    case SPEC_SCOPE_GPU: return 1;
    case SPEC_SCOPE_NODE: return SPEC_GPUS_PER_NODE;
    case SPEC_SCOPE_RACK: return SPEC_GPUS_PER_RACK;
    default: return 0;
    }
}
