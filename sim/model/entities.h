/*
 * entities: the view of the market's entity arrays that alloc and finance
 * read. The spec's arrays are fixed; a running market owns copies that grow
 * (contracts signed by procurement, datacenters started by build-out), so
 * the modules below the market read them through this view instead of the
 * spec. The market updates the view whenever an array moves or grows.
 *
 * Phases include one per reserved build-out site: such a phase has
 * datacenter -1 and online SPEC_NO_TIME until the site is decided.
 */
#ifndef CAPSIM_ENTITIES_H
#define CAPSIM_ENTITIES_H

#include <stddef.h>
#include "spec.h"

typedef struct entities {
    const spec *spec;                       /* gpus, providers, workloads */
    const spec_datacenter *datacenters;
    size_t n_datacenters;
    const spec_phase *phases;
    size_t n_phases;
    const spec_contract *contracts;
    size_t n_contracts;
} entities;

/* queries */
/* The view of a spec's own arrays (nothing grows). */
entities entities_of_spec(const spec *s);
/* The GPU type's inference speed; 1.0 (H100) for SPEC_ANY_GPU. */
double entities_speed(const spec *s, int gpu);

#endif
