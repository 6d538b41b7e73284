/*
 * entities: the entity view; see entities.h.
 */
#include "entities.h"

entities entities_of_spec(const spec *s)
{
    return (entities){s, s->datacenters, s->n_datacenters, s->phases, s->n_phases,
                      s->contracts, s->n_contracts};
}

double entities_speed(const spec *s, int gpu)
{
    return gpu == SPEC_ANY_GPU ? 1.0 : s->gpus[gpu].infer_speed;
}
