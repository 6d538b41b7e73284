/*
 * contract_table: the per-contract structure-of-arrays; contract_table.h
 * has the owners of each field and the invariants.
 *
 * Growth builds a complete new set of arrays before it frees the old one,
 * so a failure part-way leaves the table exactly as it was.
 */
#include "contract_table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/grow.h"

/* Initial capacity when a full table grows by doubling. */
#define CONTRACT_TABLE_INITIAL 16

/* The table's arrays and their element sizes, in one list, so that grow and
 * free cannot miss one. */
enum { N_ARRAYS = 17 };

static void list_arrays(contract_table *t, void **arrays[N_ARRAYS], size_t sizes[N_ARRAYS])
{
    size_t i = 0;
#define ARRAY(field) (arrays[i] = (void **)&t->field, sizes[i] = sizeof *t->field, i++)
    ARRAY(terms);
    ARRAY(active);
    ARRAY(committed);
    ARRAY(delivered);
    ARRAY(preempted);
    ARRAY(unleased);
    ARRAY(block_lo);
    ARRAY(block_hi);
    ARRAY(leaf_lo);
    ARRAY(leaf_hi);
    ARRAY(rows);
    ARRAY(pending_fee);
    ARRAY(tick_preempted);
    ARRAY(tick_lost);
    ARRAY(short_now);
    ARRAY(undelivered_gpu_hours);
#undef ARRAY
    arrays[i] = NULL;
    sizes[i] = 0;
}

capsim_status contract_table_reserve(contract_table *t, size_t cap)
{
    const int empty = t->terms == NULL;
    if (!empty && cap <= t->cap)
        return CAPSIM_OK;
    if (cap == SIZE_MAX)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    void **arrays[N_ARRAYS];
    size_t sizes[N_ARRAYS];
    void *fresh[N_ARRAYS] = {0};
    list_arrays(t, arrays, sizes);
    const size_t old = empty ? 0 : t->cap + 1, count = cap + 1;
    for (size_t i = 0; arrays[i]; i++) {
        if (count > SIZE_MAX / sizes[i] || !(fresh[i] = malloc(count * sizes[i]))) {
            for (size_t j = 0; j < i; j++)
                free(fresh[j]);
            return capsim_fail(CAPSIM_ERR_NO_MEMORY);
        }
    }
    for (size_t i = 0; arrays[i]; i++) {
        char *bytes = fresh[i];
        if (old)
            memcpy(bytes, *arrays[i], old * sizes[i]);
        memset(bytes + old * sizes[i], 0, (count - old) * sizes[i]);
        free(*arrays[i]);
        *arrays[i] = fresh[i];
    }
    t->cap = cap;
    return CAPSIM_OK;
}

capsim_status contract_table_init(contract_table *t, const spec_contract *src, size_t n,
                                  size_t cap)
{
    memset(t, 0, sizeof *t);
    const capsim_status st = contract_table_reserve(t, cap > n ? cap : n);
    if (st != CAPSIM_OK)
        return st;
    if (n)
        memcpy(t->terms, src, n * sizeof *t->terms);
    for (size_t c = 0; c < n; c++)
        t->committed[c] = src[c].gpus;
    t->n = n;
    return CAPSIM_OK;
}

void contract_table_free(contract_table *t)
{
    void **arrays[N_ARRAYS];
    size_t sizes[N_ARRAYS];
    list_arrays(t, arrays, sizes);
    for (size_t i = 0; arrays[i]; i++)
        free(*arrays[i]);
    memset(t, 0, sizeof *t);
}

capsim_status contract_table_append(contract_table *t, const spec_contract *k, size_t *index)
{
    if (t->n + 1 > t->cap) {
        const size_t cap = grow_capacity(t->cap, t->n + 1, CONTRACT_TABLE_INITIAL);
        if (cap == 0)
            return capsim_fail(CAPSIM_ERR_NO_MEMORY);
        const capsim_status st = contract_table_reserve(t, cap);
        if (st != CAPSIM_OK)
            return st;
    }
    const size_t c = t->n++;
    t->terms[c] = *k;
    t->committed[c] = k->gpus;
    *index = c;
    return CAPSIM_OK;
}
