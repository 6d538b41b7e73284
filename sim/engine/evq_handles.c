/*
 * evq_handles: allocation and growth of the shared handle pool; the per-event
 * operations are inline in evq_handles.h.
 */
#include "evq_handles.h"

#include <stdlib.h>
#include <string.h>

#include "../util/grow.h"

/* Resizes every array to new_capacity. Returns 0 or -1 (out of memory). */
static int resize(evq__handles *p, size_t new_capacity)
{
    if (grow_resize((void **)&p->payloads, new_capacity, sizeof *p->payloads) != 0 ||
        grow_resize((void **)&p->free_handles, new_capacity, sizeof *p->free_handles) != 0 ||
        grow_resize(&p->side, new_capacity, p->side_size) != 0)
        return -1;
    p->capacity = new_capacity;
    return 0;
}

int evq__handles_init(evq__handles *p, size_t capacity_hint, size_t side_size)
{
    memset(p, 0, sizeof *p);
    p->side_size = side_size;
    const size_t capacity = capacity_hint < 16 ? 16 : capacity_hint;
    if (capacity > EVQ__MAX_EVENTS)
        return -1;
    return resize(p, capacity);
}

void evq__handles_free(evq__handles *p)
{
    free(p->payloads);
    free(p->free_handles);
    free(p->side);
    p->payloads = NULL;
    p->free_handles = NULL;
    p->side = NULL;
    p->capacity = p->free_count = p->handle_count = 0;
}

int evq__handles_grow(evq__handles *p)
{
    if (p->capacity >= EVQ__MAX_EVENTS)
        return -1;
    const size_t want = p->capacity > EVQ__MAX_EVENTS / 2 ? EVQ__MAX_EVENTS : 2 * p->capacity;
    return resize(p, want);
}
