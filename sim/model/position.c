/*
 * position: a provider's capacity position; the rules are in position.h.
 */
#include "position.h"

#include <math.h>

#include <stdlib.h>

capsim_status position_init(position *pos, size_t n_types)
{
    pos->n_types = n_types;
    pos->held = calloc(n_types + 1, sizeof *pos->held);
    pos->committed = calloc(n_types + 1, sizeof *pos->committed);
    pos->held_any = pos->committed_any = 0;
    if (!pos->held || !pos->committed) {
        position_free(pos);
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    }
    return CAPSIM_OK;
}

void position_free(position *pos)
{
    if (!pos)
        return;
    free(pos->held);
    free(pos->committed);
    pos->held = pos->committed = NULL;
    pos->n_types = 0;
}

int64_t position_contract_committed(const spec_contract *k, int64_t t)
{
    const int64_t end = k->terminate != SPEC_NO_TIME && k->terminate > k->start &&
                                k->terminate < k->end
                            ? k->terminate
                            : k->end;
    if (t < k->start || t >= end)
        return 0;
    if (k->ramp_seconds <= 0 || t - k->start >= k->ramp_seconds)
        return k->gpus;
    const double share = (double)(t - k->start) / (double)k->ramp_seconds;
    const int64_t gpus = (int64_t)((double)k->gpus * share);
    return gpus - gpus % SPEC_GPUS_PER_NODE;
}

void position_at(const entities *e, int p, int64_t t, position *pos)
{
    for (size_t i = 0; i < pos->n_types; i++)
        pos->held[i] = pos->committed[i] = 0;
    pos->held_any = pos->committed_any = 0;
    for (size_t ph = 0; ph < e->n_phases; ph++) {
        const spec_phase *x = &e->phases[ph];
        if (x->datacenter < 0 || e->datacenters[x->datacenter].owner != p ||
            x->online == SPEC_NO_TIME || x->online > t)
            continue;
        pos->held[x->gpu] += x->count;
    }
    /* spares: the provider's own GPUs it keeps unsold, whole nodes per type */
    const double spare = e->spec->providers[p].spare_share;
    if (spare > 0.0)
        for (size_t i = 0; i < pos->n_types; i++) {
            const int64_t nodes = (int64_t)ceil((double)pos->held[i] * spare / SPEC_GPUS_PER_NODE);
            pos->held[i] -= nodes * SPEC_GPUS_PER_NODE < pos->held[i] ? nodes * SPEC_GPUS_PER_NODE
                                                                      : pos->held[i];
        }
    for (size_t c = 0; c < e->n_contracts; c++) {
        const spec_contract *k = &e->contracts[c];
        if (k->lessee != p && k->lessor != p)
            continue;
        const int64_t n = position_contract_committed(k, t);
        if (n == 0)
            continue;
        if (k->lessee == p) {
            if (k->gpu == SPEC_ANY_GPU)
                pos->held_any += n;
            else
                pos->held[k->gpu] += n;
        }
        if (k->lessor == p) {
            if (k->gpu == SPEC_ANY_GPU)
                pos->committed_any += n;
            else
                pos->committed[k->gpu] += n;
        }
    }
}

/* What the typed commitments leave for `any` ones. */
static int64_t free_for_any(const position *pos)
{
    int64_t sum = pos->held_any;
    for (size_t i = 0; i < pos->n_types; i++)
        if (pos->held[i] > pos->committed[i])
            sum += pos->held[i] - pos->committed[i];
    return sum;
}

int64_t position_uncommitted(const position *pos, int gpu)
{
    const int64_t any = free_for_any(pos) - pos->committed_any;
    if (gpu == SPEC_ANY_GPU)
        return any;
    const int64_t typed = pos->held[gpu] - pos->committed[gpu];
    return typed < any ? typed : any;
}

int64_t position_shortfall(const position *pos)
{
    int64_t sum = 0;
    for (size_t i = 0; i < pos->n_types; i++)
        if (pos->committed[i] > pos->held[i])
            sum += pos->committed[i] - pos->held[i];
    const int64_t any = pos->committed_any - free_for_any(pos);
    return sum + (any > 0 ? any : 0);
}

int64_t position_held_total(const position *pos)
{
    int64_t sum = pos->held_any;
    for (size_t i = 0; i < pos->n_types; i++)
        sum += pos->held[i];
    return sum;
}
