/*
 * alloc: fleet layout and allocation; the model is described in alloc.h.
 *
 * Invariants after a successful alloc_rebuild:
 *   - GPUs never move: a GPU's facts stay at the position it was installed
 *     at, so a node (8 consecutive GPUs of a group) is a physical node;
 *   - for every group, the GPUs of its leaves sum to its healthy GPUs, the
 *     leaves tile [lo, served_hi) in order (carving conserves GPUs), and
 *     each leaf's range holds exactly its `gpus` served GPUs (installed
 *     and healthy at the rebuild), among the others that are down; the
 *     last leaf ends at the group's last served GPU;
 *   - served[] holds a bit per served GPU (drained[] one per GPU in
 *     maintenance), served_tree their count per block, and deficit_tree
 *     1 - perf over the served GPUs whose perf is below 1 (slow[], read at
 *     install); a group's healthy count is its served GPUs (place_leaves
 *     asserts that its leaves add up to it);
 *   - f->allocation[i] is the position, among its group's leaves, of the
 *     leaf whose range holds i, or -1 (alloc_leaf_of gives the leaf of a
 *     served GPU only);
 *   - a contract's delivered GPUs are whole nodes and never exceed its
 *     committed GPUs;
 *   - no block is held by two providers: an own block is held by the DC's
 *     owner, a delivered block by the contract's lessee;
 *   - a reserved site's group (datacenter -1) has no GPU online.
 */
#include "alloc.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "../engine/rng.h"
#include "../util/grow.h"

_Static_assert(FLEET_BLOCK_GPUS == 64, "a block's served GPUs are one uint64_t");

/* A range of fleet positions [lo, hi). */
typedef struct alloc_span {
    size_t lo, hi;
    int64_t gpus;         /* a leaf's: the served GPUs it held */
} alloc_span;

struct alloc {
    const spec *spec;
    const entities *ent;            /* what is read at every rebuild */
    entities own;                   /* the spec's view, for alloc_create */
    contract_table *table;          /* per-contract inputs and results */
    contract_table own_table;       /* alloc_create's table (empty for a view) */
    size_t cap_datacenters;         /* per-DC arrays hold this many */

    /* layout, fixed at create */
    size_t n_gpus;                  /* fleet size: every phase's GPUs */
    size_t n_groups;
    alloc_group *groups;            /* in fleet order */
    int *phase_group;               /* per phase */
    size_t *phase_lo;               /* per phase: first GPU in the fleet */
    int *provider_order;            /* topological order of the lease graph */
    int *provider_has_workload;     /* per provider: 1 when it has a workload */
    int *gpu_order;                 /* spec GPU types, oldest first (SPEC_OLDEST_FIRST) */

    /* inputs: set by the caller before alloc_rebuild (and table->active,
     * table->committed) */
    uint8_t *phase_online;          /* per phase */

    /* results of the last rebuild */
    size_t n_leaves, cap_leaves;
    alloc_leaf *leaves;             /* grouped by group, in fleet order */
    size_t n_hops, cap_hops;
    alloc_hop *hops;
    size_t n_segments, cap_segments;
    alloc_segment *segments;        /* in fleet order */
    size_t n_blocks, cap_blocks;
    alloc_block *blocks;
    size_t n_spot, cap_spot_contracts; /* active spot contracts that delivered something */
    int *spot_contracts;            /*   in topological order of their lessors */
    size_t n_contract_leaves, cap_contract_leaves;
    alloc_leaf_ref *contract_leaves;/* leaves under spot contract c:
                                       [table->leaf_lo[c], table->leaf_hi[c]) */
    int64_t *dc_installed;          /* per DC: GPUs online */
    int64_t *dc_healthy;
    int64_t *dc_failed;
    int64_t *dc_maintenance;
    int64_t *dc_allocated;          /* see alloc_leaf.allocated */
    double *provider_capacity_h100; /* own-use healthy GPUs x infer_speed */

    /* scratch of a rebuild */
    size_t n_pool, cap_pool;
    int *pool;                      /* block indices of one provider's pool */
    size_t *group_cursor;           /* n_groups + 1 */
    uint64_t *served;               /* per 64-GPU block: bit j set when GPU 64 b + j was
                                       installed and healthy at the last rebuild */
    uint64_t *drained;              /* per block: bit j set when it was in maintenance then */
    size_t n_blocks_tree;           /* blocks of 64 GPUs: n_gpus / 64 + 1 */
    int64_t *served_tree;           /* n_blocks_tree + 1: Fenwick tree of the served GPUs
                                       per block */
    uint64_t *slow;                 /* per block: bit j set when GPU 64 b + j had perf < 1
                                       when it was installed (read then, once) */
    double *deficit_tree;           /* n_blocks_tree + 1: Fenwick tree of 1 - perf over
                                       the served slow GPUs, per block */
    int64_t *group_failed;          /* n_groups + 1: FLEET_FAILED GPUs of the group's
                                       installed range at the last rebuild */
    int64_t *group_maintenance;     /* n_groups + 1: its FLEET_MAINTENANCE GPUs */
    size_t cap_leaf_written, cap_leaf_written_next;
    alloc_span *leaf_written;       /* per leaf of the last rebuild: the range of
                                       f->allocation that holds its position in its
                                       group */
    alloc_span *leaf_written_next;  /* the same, being made by a rebuild (then swapped) */
    size_t *group_leaf_lo;          /* n_groups + 1: group g's leaves of the last rebuild
                                       are [lo[g], lo[g + 1]) */
    size_t *group_leaf_lo_next;     /* the same, being made by a rebuild */
    uint8_t *group_recounted;       /* n_groups + 1: 1 when this rebuild recounted the group
                                       (its served GPUs may have changed) */
    alloc_span *tail_written;       /* n_groups + 1: the unhealthy tail the last rebuild
                                       set to -1 */
    int *sorted_phases;             /* phases in fleet order */
    size_t *group_first_phase;      /* n_groups + 1: group g's phases are
                                       sorted_phases[first[g], first[g + 1]) */
};

/* Grows a->field to hold at least `need` elements, doubling from 16.
 * 0, or -1 when out of memory (the array is then unchanged). */
#define RESERVE(a, field, need) \
    grow_reserve((void **)&(a)->field, &(a)->cap_##field, (need), 16, sizeof *(a)->field)

/* ---- layout (create) ---- */

typedef struct phase_key {
    int64_t site;           /* the DC, or for a reserved site a key after every DC */
    int gpu;
    int64_t online;
    int index;
} phase_key;

/* Fleet order: DC, then GPU type, then online time, then spec order. */
static int compare_phase_keys(const void *pa, const void *pb)
{
    const phase_key *a = pa, *b = pb;
    if (a->site != b->site)
        return a->site < b->site ? -1 : 1;
    if (a->gpu != b->gpu)
        return a->gpu < b->gpu ? -1 : 1;
    if (a->online != b->online)
        return a->online < b->online ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* The layout key of phase i: its DC, or past every DC for a reserved site,
 * which is a group of its own. */
static int64_t site_key(const alloc *a, size_t i)
{
    const spec_phase *p = &a->ent->phases[i];
    return p->datacenter >= 0 ? p->datacenter : (int64_t)(a->cap_datacenters + i);
}

/* Counts the groups of the sorted phases. */
static size_t count_groups(const alloc *a, const int *sorted)
{
    size_t n = 0;
    for (size_t i = 0; i < a->ent->n_phases; i++) {
        const spec_phase *p = &a->ent->phases[sorted[i]];
        const spec_phase *q = i ? &a->ent->phases[sorted[i - 1]] : NULL;
        if (!q || site_key(a, (size_t)sorted[i]) != site_key(a, (size_t)sorted[i - 1]) ||
            q->gpu != p->gpu)
            n++;
    }
    return n;
}

/* Sorts the phases into fleet order and derives the groups. Returns 0 or
 * CAPSIM_ERR_NO_MEMORY. */
static capsim_status lay_out(alloc *a)
{
    const entities *s = a->ent;
    phase_key *keys = malloc((s->n_phases + 1) * sizeof *keys);
    if (!keys)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    for (size_t i = 0; i < s->n_phases; i++)
        keys[i] = (phase_key){site_key(a, i), s->phases[i].gpu, s->phases[i].online, (int)i};
    qsort(keys, s->n_phases, sizeof *keys, compare_phase_keys);
    for (size_t i = 0; i < s->n_phases; i++)
        a->sorted_phases[i] = keys[i].index;
    free(keys);
    a->n_groups = count_groups(a, a->sorted_phases);
    a->groups = calloc(a->n_groups + 1, sizeof *a->groups);
    a->group_first_phase = calloc(a->n_groups + 1, sizeof *a->group_first_phase);
    a->group_cursor = calloc(a->n_groups + 1, sizeof *a->group_cursor);
    a->group_failed = calloc(a->n_groups + 1, sizeof *a->group_failed);
    a->group_maintenance = calloc(a->n_groups + 1, sizeof *a->group_maintenance);
    a->tail_written = calloc(a->n_groups + 1, sizeof *a->tail_written);
    a->group_recounted = calloc(a->n_groups + 1, sizeof *a->group_recounted);
    a->group_leaf_lo = calloc(a->n_groups + 1, sizeof *a->group_leaf_lo);
    a->group_leaf_lo_next = calloc(a->n_groups + 1, sizeof *a->group_leaf_lo_next);
    if (!a->groups || !a->group_first_phase || !a->group_cursor || !a->group_failed ||
        !a->group_maintenance || !a->tail_written || !a->group_leaf_lo || !a->group_leaf_lo_next ||
        !a->group_recounted)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    size_t g = 0, at = 0;
    for (size_t i = 0; i < s->n_phases; i++) {
        const int ph = a->sorted_phases[i];
        const spec_phase *p = &s->phases[ph];
        if (i > 0 && (site_key(a, (size_t)a->sorted_phases[i - 1]) != site_key(a, (size_t)ph) ||
                      a->groups[g].gpu != p->gpu))
            a->group_first_phase[++g] = i;
        if (a->group_first_phase[g] == i)
            a->groups[g] = (alloc_group){p->datacenter, p->gpu, at, at, at, at, 0};
        a->phase_group[ph] = (int)g;
        a->phase_lo[ph] = at;
        at += (size_t)p->count;
        a->groups[g].hi = at;
    }
    a->group_first_phase[a->n_groups] = s->n_phases;
    a->n_gpus = at;
    const size_t blocks = at / FLEET_BLOCK_GPUS + 1;
    a->drained = calloc(blocks, sizeof *a->drained);
    a->served = calloc(blocks, sizeof *a->served);
    a->n_blocks_tree = blocks;
    a->served_tree = calloc(blocks + 1, sizeof *a->served_tree);
    a->slow = calloc(blocks, sizeof *a->slow);
    a->deficit_tree = calloc(blocks + 1, sizeof *a->deficit_tree);
    if (!a->drained || !a->served || !a->served_tree || !a->slow || !a->deficit_tree)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    return 0;
}

/* Kahn's algorithm on the lease graph (lessor -> lessee), FIFO from the
 * providers without lessors in index order. Providers left on a cycle (which
 * the reader and procurement rule out) follow in index order. Returns 0 or
 * CAPSIM_ERR_NO_MEMORY. */
capsim_status alloc_order_providers(alloc *a)
{
    const spec *s = a->spec;
    const entities *e = a->ent;
    size_t *indegree = calloc(s->n_providers + 1, sizeof *indegree);
    if (!indegree)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    for (size_t c = 0; c < e->n_contracts; c++)
        indegree[e->contracts[c].lessee]++;
    size_t head = 0, tail = 0;
    for (size_t p = 0; p < s->n_providers; p++)
        if (indegree[p] == 0)
            a->provider_order[tail++] = (int)p;
    while (head < tail) {
        const int p = a->provider_order[head++];
        for (size_t c = 0; c < e->n_contracts; c++) {
            const spec_contract *k = &e->contracts[c];
            if (k->lessor == p && --indegree[k->lessee] == 0)
                a->provider_order[tail++] = k->lessee;
        }
    }
    for (size_t p = 0; p < s->n_providers && tail < s->n_providers; p++)
        if (indegree[p] > 0)
            a->provider_order[tail++] = (int)p;
    free(indegree);
    return 0;
}

/* The per-entity arrays. Returns 0 or CAPSIM_ERR_NO_MEMORY. */
static capsim_status allocate_arrays(alloc *a)
{
    const spec *s = a->spec;
    const size_t np = a->ent->n_phases + 1, nd = a->cap_datacenters + 1;
    const size_t nv = s->n_providers + 1;
    a->phase_group = calloc(np, sizeof *a->phase_group);
    a->phase_lo = calloc(np, sizeof *a->phase_lo);
    a->sorted_phases = calloc(np, sizeof *a->sorted_phases);
    a->phase_online = calloc(np, sizeof *a->phase_online);
    a->dc_installed = calloc(nd, sizeof *a->dc_installed);
    a->dc_healthy = calloc(nd, sizeof *a->dc_healthy);
    a->dc_failed = calloc(nd, sizeof *a->dc_failed);
    a->dc_maintenance = calloc(nd, sizeof *a->dc_maintenance);
    a->dc_allocated = calloc(nd, sizeof *a->dc_allocated);
    a->provider_order = calloc(nv, sizeof *a->provider_order);
    a->provider_has_workload = calloc(nv, sizeof *a->provider_has_workload);
    a->provider_capacity_h100 = calloc(nv, sizeof *a->provider_capacity_h100);
    a->gpu_order = calloc(s->n_gpus + 1, sizeof *a->gpu_order);
    return a->phase_group && a->phase_lo && a->sorted_phases && a->phase_online &&
                   a->gpu_order &&
                   a->dc_installed && a->dc_healthy &&
                   a->dc_failed && a->dc_maintenance && a->dc_allocated &&
                   a->provider_order && a->provider_has_workload &&
                   a->provider_capacity_h100
               ? CAPSIM_OK
               : capsim_fail(CAPSIM_ERR_NO_MEMORY);
}

/* Oldest first: ascending train_speed, then infer_speed, then type index.
 * Insertion sort: there are a handful of GPU types. */
static int older_than(const spec *s, int x, int y)
{
    const spec_gpu *a = &s->gpus[x], *b = &s->gpus[y];
    if (a->train_speed != b->train_speed)
        return a->train_speed < b->train_speed;
    if (a->infer_speed != b->infer_speed)
        return a->infer_speed < b->infer_speed;
    return x < y;
}

static void order_gpu_types(alloc *a)
{
    const spec *s = a->spec;
    for (size_t i = 0; i < s->n_gpus; i++) {
        size_t j = i;
        for (; j > 0 && older_than(s, (int)i, a->gpu_order[j - 1]); j--)
            a->gpu_order[j] = a->gpu_order[j - 1];
        a->gpu_order[j] = (int)i;
    }
}

/* Shared by both constructors; a->ent and the capacities are set. */
static alloc *create(alloc *a)
{
    const spec *s = a->spec;
    if (allocate_arrays(a) != 0 || lay_out(a) != 0 || alloc_order_providers(a) != 0)
        goto fail;
    order_gpu_types(a);
    for (size_t w = 0; w < s->n_workloads; w++)
        a->provider_has_workload[s->workloads[w].tenant] = 1;
    return a;
fail:
    alloc_destroy(a);
    return NULL;
}

alloc *alloc_create(const spec *s)
{
    alloc *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->spec = s;
    a->own = entities_of_spec(s);
    a->ent = &a->own;
    a->cap_datacenters = s->n_datacenters;
    if (contract_table_init(&a->own_table, s->contracts, s->n_contracts, s->n_contracts) != 0) {
        free(a);
        return NULL;
    }
    a->table = &a->own_table;
    return create(a);
}

alloc *alloc_create_view(const entities *e, contract_table *table, size_t cap_datacenters)
{
    alloc *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->spec = e->spec;
    a->ent = e;
    a->cap_datacenters = cap_datacenters > e->n_datacenters ? cap_datacenters : e->n_datacenters;
    a->table = table;
    return create(a);
}

void alloc_place_site(alloc *a, size_t phase, int dc)
{
    assert(dc >= 0 && (size_t)dc < a->cap_datacenters);
    a->groups[a->phase_group[phase]].datacenter = dc;
}

void alloc_destroy(alloc *a)
{
    if (!a)
        return;
    void *arrays[] = {
        a->groups, a->phase_group, a->phase_lo, a->provider_order,
        a->provider_has_workload, a->phase_online, a->leaves, a->spot_contracts,
        a->contract_leaves, a->hops, a->segments, a->blocks, a->dc_installed, a->dc_healthy, a->dc_failed,
        a->dc_maintenance, a->dc_allocated, a->provider_capacity_h100, a->pool,
        a->group_cursor, a->sorted_phases, a->group_first_phase, a->gpu_order,
        a->group_failed, a->group_maintenance, a->leaf_written, a->tail_written, a->drained,
        a->served, a->served_tree, a->slow, a->deficit_tree, a->group_recounted,
        a->leaf_written_next, a->group_leaf_lo, a->group_leaf_lo_next,
    };
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    contract_table_free(&a->own_table);
    free(a);
}

/* ---- stragglers ---- */

/* Marks exactly k of the n GPUs from `first` as stragglers, each k-subset
 * equally likely: selection sampling (Knuth, TAOCP vol. 2, algorithm S). */
static void select_stragglers(gsl_rng *r, fleet *f, size_t first, size_t n, size_t k,
                              float speed)
{
    for (size_t i = 0; i < n && k > 0; i++) {
        if ((double)(n - i) * gsl_rng_uniform(r) < (double)k) {
            fleet_set_perf(f, first + i, speed);
            k--;
        }
    }
}

capsim_status alloc_assign_stragglers(const alloc *a, fleet *f, uint64_t seed)
{
    const spec *s = a->spec;
    for (size_t ph = 0; ph < a->ent->n_phases; ph++) {
        const spec_phase *p = &a->ent->phases[ph];
        const spec_gpu *g = &s->gpus[p->gpu];
        double want = floor(g->straggler_share * (double)p->count + 0.5);
        if (!(want >= 1.0))
            continue;
        if (want > (double)p->count)
            want = (double)p->count;
        char stream[3 * SPEC_NAME_MAX];
        snprintf(stream, sizeof stream, "fleet/%s/%s", p->name, g->name);
        gsl_rng *r = rng_stream_create(seed, stream);
        if (!r)
            return capsim_fail(CAPSIM_ERR_NO_MEMORY);
        select_stragglers(r, f, a->phase_lo[ph], (size_t)p->count, (size_t)want,
                          (float)g->straggler_speed);
        gsl_rng_free(r);
    }
    return 0;
}

/* ---- rebuild: groups and health ---- */

/* The end of group g's installed prefix. Phases of a group come online in
 * fleet order (events run in time order, ties in phase order). */
static size_t online_end(const alloc *a, size_t g)
{
    size_t end = a->groups[g].lo;
    int offline_seen = 0;
    for (size_t i = a->group_first_phase[g]; i < a->group_first_phase[g + 1]; i++) {
        const int ph = a->sorted_phases[i];
        if (!a->phase_online[ph]) {
            offline_seen = 1;
            continue;
        }
        assert(!offline_seen && "a phase came online before an earlier one of its group");
        end += (size_t)a->ent->phases[ph].count;
    }
    return end;
}

/* The bits [from, to) of a word (0 <= from <= to <= 64). */
static uint64_t bit_span(unsigned from, unsigned to)
{
    const uint64_t below_to = to >= 64 ? ~0ULL : (1ULL << to) - 1;
    const uint64_t below_from = from >= 64 ? ~0ULL : (1ULL << from) - 1;
    return below_to & ~below_from;
}

/* Set bits of x: the SWAR count (Hacker's Delight, 5-1), which needs no
 * popcnt instruction (the build targets baseline x86-64). */
static int64_t bit_count(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (int64_t)((x * 0x0101010101010101ULL) >> 56);
}

/* Fenwick trees over the blocks (Fenwick, "A new data structure for
 * cumulative frequency tables", 1994): entry b + 1 for block b. */
static void count_add(int64_t *tree, size_t n, size_t block, int64_t v)
{
    for (size_t k = block + 1; k <= n; k += k & -k)
        tree[k] += v;
}

static void perf_add(double *tree, size_t n, size_t block, double v)
{
    for (size_t k = block + 1; k <= n; k += k & -k)
        tree[k] += v;
}

/* The served GPUs of blocks [0, b). */
static int64_t count_before(const alloc *a, size_t b)
{
    int64_t sum = 0;
    for (size_t k = b; k > 0; k -= k & -k)
        sum += a->served_tree[k];
    return sum;
}

/* 1 - perf over the served slow GPUs of blocks [0, b). */
static double deficit_before(const alloc *a, size_t b)
{
    double sum = 0.0;
    for (size_t k = b; k > 0; k -= k & -k)
        sum += a->deficit_tree[k];
    return sum;
}

/* The served GPUs of the fleet in [0, i). O(log blocks). */
static int64_t served_before(const alloc *a, size_t i)
{
    const size_t w = i / FLEET_BLOCK_GPUS;
    return count_before(a, w) +
           bit_count(a->served[w] & bit_span(0, (unsigned)(i % FLEET_BLOCK_GPUS)));
}

/* The bytes of word that equal v, each marked by its top bit (0x80):
 * exact, with no carry between bytes (Hacker's Delight, 6-1, "find
 * leftmost 0-byte", on word ^ v in every byte). */
static uint64_t bytes_equal(uint64_t word, uint8_t v)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
    const uint64_t x = word ^ (0x0101010101010101ULL * v);
    return ~(((x & low7) + low7) | x | low7);
}

/* One bit per GPU of the block at state (64 bytes): set where the state
 * is v. Each word's eight marks are gathered into eight bits by one
 * multiplication (the partial products fall on distinct bits). */
static uint64_t state_bits(const uint8_t *state, uint8_t v)
{
    uint64_t bits = 0;
    for (unsigned k = 0; k < 8; k++) {
        uint64_t word;
        memcpy(&word, state + 8 * k, sizeof word);
        const uint64_t marks = bytes_equal(word, v) >> 7;   /* bit 0 of each byte */
        bits |= ((marks * 0x0102040810204080ULL) >> 56) << (8 * k);
    }
    return bits;
}

/* Brings group g's counts, served and drained bits and the trees up to
 * date over the GPUs [lo, hi) of one block (within the group's installed
 * range), which were installed at the last rebuild unless `fresh`: the
 * block's states now as bits, against the bits the last rebuild left.
 * FLEET_NEW_FAILURE counts as failed (the tick takes it at once). O(1):
 * a few dozen word operations, and perf read only for the slow GPUs that
 * changed. */
static void recount_block(alloc *a, const fleet *f, size_t g, size_t lo, size_t hi, int fresh)
{
    const size_t w = lo / FLEET_BLOCK_GPUS, base = w * FLEET_BLOCK_GPUS;
    assert(hi > lo && (hi - 1) / FLEET_BLOCK_GPUS == w);
    const uint64_t part = bit_span((unsigned)(lo - base), (unsigned)(hi - base));
    uint64_t up, drained;
    if (lo == base && hi == base + FLEET_BLOCK_GPUS) {
        up = state_bits(f->state + base, FLEET_HEALTHY);
        drained = state_bits(f->state + base, FLEET_MAINTENANCE);
    } else {   /* part of a block: the group's GPUs only (the fleet may end in it) */
        up = drained = 0;
        for (size_t i = lo; i < hi; i++) {
            up |= (uint64_t)(f->state[i] == FLEET_HEALTHY) << (i - base);
            drained |= (uint64_t)(f->state[i] == FLEET_MAINTENANCE) << (i - base);
        }
    }
    up &= part;
    drained &= part;
    const uint64_t was_up = fresh ? 0 : a->served[w] & part;
    const uint64_t was_drained = fresh ? 0 : a->drained[w] & part;
    const int64_t n = bit_count(part), n_was = fresh ? 0 : n;
    const int64_t d_up = bit_count(up) - bit_count(was_up);
    const int64_t d_drained = bit_count(drained) - bit_count(was_drained);
    a->groups[g].healthy += d_up;
    a->group_maintenance[g] += d_drained;
    a->group_failed[g] += (n - bit_count(up) - bit_count(drained)) -
                          (n_was - bit_count(was_up) - bit_count(was_drained));
    a->served[w] = (a->served[w] & ~part) | up;
    a->drained[w] = (a->drained[w] & ~part) | drained;
    if (fresh)   /* installed: perf is read once */
        for (uint64_t x = part; x != 0; x &= x - 1) {
            const size_t i = base + (size_t)__builtin_ctzll(x);
            if (f->perf[i] < 1.0f)
                a->slow[w] |= 1ULL << (i - base);
        }
    if (d_up != 0)
        count_add(a->served_tree, a->n_blocks_tree, w, d_up);
    double deficit = 0.0;   /* one GPU in 200 is slow: perf is read only for those */
    for (uint64_t x = (up ^ was_up) & a->slow[w]; x != 0; x &= x - 1) {
        const size_t i = base + (size_t)__builtin_ctzll(x);
        const double d = 1.0 - (double)f->perf[i];
        deficit += up >> (i - base) & 1 ? d : -d;
    }
    if (deficit != 0.0)
        perf_add(a->deficit_tree, a->n_blocks_tree, w, deficit);
}

/* recount_block over the blocks of [lo, hi), all installed since the last
 * rebuild. */
static void recount_fresh(alloc *a, const fleet *f, size_t g, size_t lo, size_t hi)
{
    while (lo < hi) {
        const size_t end = (lo / FLEET_BLOCK_GPUS + 1) * FLEET_BLOCK_GPUS;
        recount_block(a, f, g, lo, end < hi ? end : hi, 1);
        lo = end;
    }
}

/* One past group gr's last served GPU, or its lo when none: a scan back
 * from its installed end, one word at a time (the GPUs down at the end of
 * a group are few). */
static size_t last_served_end(const alloc *a, const alloc_group *gr)
{
    size_t i = gr->online_hi;
    while (i > gr->lo) {
        const size_t w = (i - 1) / FLEET_BLOCK_GPUS, base = w * FLEET_BLOCK_GPUS;
        const size_t from = gr->lo > base ? gr->lo : base;
        const uint64_t bits =
            a->served[w] & bit_span((unsigned)(from - base), (unsigned)(i - base));
        if (bits != 0)
            return base + 64 - (size_t)__builtin_clzll(bits);
        i = from;
    }
    return gr->lo;
}

/* Updates every group's installed range, its healthy, failed and
 * maintenance counts, its served GPUs (served, the trees, served_hi) and
 * the DC counts, then clears the fleet's state_changed. GPUs stay where
 * they were installed: a group is only recounted, over the blocks
 * state_changed marks and the GPUs installed since, when one of those
 * exists; any other keeps what the last rebuild found, which a recount
 * would find again. O(groups + installed blocks / 8 + changed blocks x log
 * blocks + GPUs installed since). The first rebuild counts every group
 * (all blocks are marked at fleet_create; a rebuild after a direct write
 * to state needs that write marked). */
static capsim_status refresh_groups(alloc *a, fleet *f)
{
    const size_t nd = a->ent->n_datacenters;
    memset(a->dc_installed, 0, nd * sizeof *a->dc_installed);
    memset(a->dc_healthy, 0, nd * sizeof *a->dc_healthy);
    memset(a->dc_failed, 0, nd * sizeof *a->dc_failed);
    memset(a->dc_maintenance, 0, nd * sizeof *a->dc_maintenance);
    for (size_t g = 0; g < a->n_groups; g++) {
        alloc_group *gr = &a->groups[g];
        const size_t old_online_hi = gr->online_hi;
        gr->online_hi = online_end(a, g);
        assert(gr->online_hi >= old_online_hi && "GPUs only come online");
        /* the marked blocks of what was installed, then what is new */
        const size_t end = old_online_hi > gr->lo ? (old_online_hi - 1) / FLEET_BLOCK_GPUS + 1 : 0;
        const size_t first = fleet_next_changed(f, gr->lo / FLEET_BLOCK_GPUS, end);
        a->group_recounted[g] = gr->online_hi != old_online_hi || first < end;
        if (a->group_recounted[g]) {
            for (size_t b = first; b < end; b = fleet_next_changed(f, b + 1, end)) {
                const size_t lo = b * FLEET_BLOCK_GPUS > gr->lo ? b * FLEET_BLOCK_GPUS : gr->lo;
                const size_t hi = (b + 1) * FLEET_BLOCK_GPUS < old_online_hi
                                      ? (b + 1) * FLEET_BLOCK_GPUS
                                      : old_online_hi;
                recount_block(a, f, g, lo, hi, 0);
            }
            recount_fresh(a, f, g, old_online_hi, gr->online_hi);
            gr->served_hi = last_served_end(a, gr);
        }
        const int dc = gr->datacenter;
        if (dc < 0) {   /* a reserved site not yet decided: nothing online */
            assert(gr->online_hi == gr->lo);
            continue;
        }
        a->dc_installed[dc] += (int64_t)(gr->online_hi - gr->lo);
        a->dc_healthy[dc] += gr->healthy;
        a->dc_failed[dc] += a->group_failed[g];
        a->dc_maintenance[dc] += a->group_maintenance[g];
    }
    fleet_clear_changed(f);
    return CAPSIM_OK;
}

/* ---- served GPUs: rank and select ---- */

int alloc_served(const alloc *a, size_t i)
{
    assert(i < a->n_gpus);
    return (int)(a->served[i / FLEET_BLOCK_GPUS] >> (i % FLEET_BLOCK_GPUS) & 1);
}

int64_t alloc_served_rank(const alloc *a, size_t g, size_t i)
{
    assert(g < a->n_groups);
    const alloc_group *gr = &a->groups[g];
    assert(i >= gr->lo && i <= gr->online_hi);
    return served_before(a, i) - served_before(a, gr->lo);
}

/* The position of the k-th set bit of x (0-based; x has more than k). */
static unsigned select_in_word(uint64_t x, int64_t k)
{
    for (int64_t r = 0; r < k; r++)
        x &= x - 1;
    return (unsigned)__builtin_ctzll(x);
}

/* The served GPU of fleet-wide rank `want` (the fleet has more): the
 * Fenwick descent to its block, then the bit. */
static size_t select_rank(const alloc *a, int64_t want)
{
    size_t b = 0, step = 1;
    while (step * 2 <= a->n_blocks_tree)
        step *= 2;
    for (; step > 0; step /= 2)
        if (b + step <= a->n_blocks_tree && a->served_tree[b + step] <= want) {
            b += step;
            want -= a->served_tree[b];
        }
    /* blocks [0, b) hold fewer served GPUs than the rank: it is in block b */
    return b * FLEET_BLOCK_GPUS + select_in_word(a->served[b], want);
}

size_t alloc_served_select(const alloc *a, size_t g, int64_t k)
{
    assert(g < a->n_groups);
    const alloc_group *gr = &a->groups[g];
    assert(k >= 0 && k < gr->healthy);
    return select_rank(a, served_before(a, gr->lo) + k);
}

/* 1 - perf over the served slow GPUs of [lo, hi) within one block. */
static double block_deficit(const alloc *a, const fleet *f, size_t lo, size_t hi)
{
    const size_t w = lo / FLEET_BLOCK_GPUS, base = w * FLEET_BLOCK_GPUS;
    double sum = 0.0;
    for (uint64_t x = a->served[w] & a->slow[w] &
                      bit_span((unsigned)(lo - base), (unsigned)(hi - base));
         x != 0; x &= x - 1)
        sum += 1.0 - (double)f->perf[base + (size_t)__builtin_ctzll(x)];
    return sum;
}

/* The served GPUs less their deficit: the same number as the sum of their
 * perf, exactly (every term is a multiple of 2^-26 below 2^27 while perf
 * is in [1/8, 1] and the fleet has fewer than 2^27 GPUs, which a double
 * holds exactly; below 1/8 the sums may round, in an order fixed by the
 * history of the run), with perf read only for the slow GPUs. */
double alloc_served_perf(const alloc *a, const fleet *f, size_t lo, size_t hi)
{
    assert(lo <= hi && hi <= a->n_gpus);
    if (lo == hi)
        return 0.0;
    const size_t first = lo / FLEET_BLOCK_GPUS, last = (hi - 1) / FLEET_BLOCK_GPUS;
    const int64_t served = served_before(a, hi) - served_before(a, lo);
    double deficit;
    if (first == last) {
        deficit = block_deficit(a, f, lo, hi);
    } else {   /* the partial blocks at the ends GPU by GPU, the whole ones from the tree */
        deficit = block_deficit(a, f, lo, (first + 1) * FLEET_BLOCK_GPUS) +
                  (deficit_before(a, last) - deficit_before(a, first + 1)) +
                  block_deficit(a, f, last * FLEET_BLOCK_GPUS, hi);
    }
    return (double)served - deficit;
}

/* ---- rebuild: carving ---- */

/* One block per group with healthy GPUs, held by the DC's owner. Returns 0
 * or CAPSIM_ERR_NO_MEMORY. */
static capsim_status add_own_blocks(alloc *a)
{
    a->n_blocks = 0;
    if (RESERVE(a, blocks, a->n_groups) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    for (size_t g = 0; g < a->n_groups; g++) {
        const int64_t healthy = a->groups[g].healthy;
        if (healthy > 0)
            a->blocks[a->n_blocks++] = (alloc_block){
                (int)g, -1, a->ent->datacenters[a->groups[g].datacenter].owner, healthy,
                healthy};
    }
    return 0;
}

/* Collects provider p's pool: own blocks in DC order, then the blocks of
 * its active incoming contracts in spec order. Returns 0 or
 * CAPSIM_ERR_NO_MEMORY. */
static capsim_status gather_pool(alloc *a, int p, size_t n_own)
{
    const entities *s = a->ent;
    a->n_pool = 0;
    for (size_t b = 0; b < n_own; b++) {
        if (a->blocks[b].holder != p)
            continue;
        if (RESERVE(a, pool, a->n_pool + 1) != 0)
            return capsim_fail(CAPSIM_ERR_NO_MEMORY);
        a->pool[a->n_pool++] = (int)b;
    }
    for (size_t c = 0; c < s->n_contracts; c++) {
        if (!a->table->active[c] || s->contracts[c].lessee != p)
            continue;
        for (size_t b = a->table->block_lo[c]; b < a->table->block_hi[c]; b++) {
            if (RESERVE(a, pool, a->n_pool + 1) != 0)
                return capsim_fail(CAPSIM_ERR_NO_MEMORY);
            a->pool[a->n_pool++] = (int)b;
        }
    }
    return 0;
}

/* Whole-node GPUs of the pool that contract c may take (its type, or any). */
static int64_t matching_in_pool(const alloc *a, const spec_contract *k)
{
    int64_t sum = 0;
    for (size_t i = 0; i < a->n_pool; i++) {
        const alloc_block *b = &a->blocks[a->pool[i]];
        if (k->gpu == SPEC_ANY_GPU || a->groups[b->group].gpu == k->gpu)
            sum += b->remaining - b->remaining % SPEC_GPUS_PER_NODE;
    }
    return sum;
}

/* Carves up to *need GPUs of type `gpu` for contract c from the current
 * pool, whole nodes, in pool order; each piece is a new block delivered to
 * the lessee. The caller reserved room for one block and hop per pool
 * block. */
static void carve_type(alloc *a, size_t c, int gpu, int64_t *need)
{
    const spec_contract *k = &a->ent->contracts[c];
    for (size_t i = 0; i < a->n_pool && *need > 0; i++) {
        alloc_block *from = &a->blocks[a->pool[i]];
        if (a->groups[from->group].gpu != gpu)
            continue;
        int64_t take = from->remaining - from->remaining % SPEC_GPUS_PER_NODE;
        if (take > *need)
            take = *need;
        if (take <= 0)
            continue;
        a->hops[a->n_hops] = (alloc_hop){(int)c, from->hop};
        a->blocks[a->n_blocks++] =
            (alloc_block){from->group, (int)a->n_hops++, k->lessee, take, take};
        from->remaining -= take;
        *need -= take;
    }
}

/* Carves contract c's delivery from the current pool, whole nodes up to the
 * committed GPUs: of its type, or for an `any` contract type by type in the
 * lessor's allocation order (gpu_order, reversed for newest_first). Returns
 * 0 or CAPSIM_ERR_NO_MEMORY. */
static capsim_status carve(alloc *a, size_t c)
{
    const spec_contract *k = &a->ent->contracts[c];
    const size_t n_types = a->spec->n_gpus;
    /* every piece comes from a distinct pool block, at most once per type */
    if (RESERVE(a, blocks, a->n_blocks + a->n_pool) != 0 ||
        RESERVE(a, hops, a->n_hops + a->n_pool) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    const int64_t committed = a->table->committed[c];
    int64_t need = committed - committed % SPEC_GPUS_PER_NODE;
    a->table->block_lo[c] = a->n_blocks;
    if (k->gpu != SPEC_ANY_GPU) {
        carve_type(a, c, k->gpu, &need);
    } else {
        const int newest = a->spec->providers[k->lessor].allocation == SPEC_NEWEST_FIRST;
        for (size_t i = 0; i < n_types && need > 0; i++)
            carve_type(a, c, a->gpu_order[newest ? n_types - 1 - i : i], &need);
    }
    a->table->block_hi[c] = a->n_blocks;
    return 0;
}

static int64_t min64(int64_t x, int64_t y) { return x < y ? x : y; }

/* Whether contract c is one that provider p serves in a pass: active, p's,
 * spot or not, naming a type or not. */
static int in_pass(const alloc *a, size_t c, int p, int spot, int typed)
{
    const spec_contract *k = &a->ent->contracts[c];
    return a->table->active[c] && k->lessor == p && (k->kind == SPEC_SPOT) == spot &&
           (k->gpu != SPEC_ANY_GPU) == typed;
}

/* Provider p serves its active outgoing contracts in four passes, each in
 * contract order: reserved and on-demand contracts naming a type, then the
 * `any` ones, then spot contracts naming a type, then spot `any`. A spot
 * contract's preempted GPUs at allocation are those of the pool it could
 * have had before the first pass and no longer can after the second.
 * Returns 0 or CAPSIM_ERR_NO_MEMORY. */
static capsim_status carve_provider(alloc *a, int p)
{
    const entities *e = a->ent;
    capsim_status st;
    for (size_t c = 0; c < e->n_contracts; c++)
        if (in_pass(a, c, p, 1, 0) || in_pass(a, c, p, 1, 1))
            a->table->preempted[c] =
                min64(a->table->committed[c], matching_in_pool(a, &e->contracts[c]));
    for (int typed = 1; typed >= 0; typed--)
        for (size_t c = 0; c < e->n_contracts; c++)
            if (in_pass(a, c, p, 0, typed) && (st = carve(a, c)) != CAPSIM_OK)
                return st;
    for (size_t c = 0; c < e->n_contracts; c++) {
        if (!in_pass(a, c, p, 1, 0) && !in_pass(a, c, p, 1, 1))
            continue;
        const int64_t after = min64(a->table->committed[c], matching_in_pool(a, &e->contracts[c]));
        a->table->preempted[c] -= after;
        a->table->preempted[c] -= a->table->preempted[c] % SPEC_GPUS_PER_NODE;
    }
    for (int typed = 1; typed >= 0; typed--)
        for (size_t c = 0; c < e->n_contracts; c++) {
            if (!in_pass(a, c, p, 1, typed))
                continue;
            if ((st = carve(a, c)) != CAPSIM_OK)
                return st;
            if (a->table->block_hi[c] > a->table->block_lo[c])
                a->spot_contracts[a->n_spot++] = (int)c;
        }
    for (size_t c = 0; c < e->n_contracts; c++)
        if (a->table->active[c] && e->contracts[c].lessor == p)
            a->table->unleased[c] = matching_in_pool(a, &e->contracts[c]);
    return 0;
}

/* Every provider, lessors first, serves its active outgoing contracts from
 * its pool. Returns 0 or CAPSIM_ERR_NO_MEMORY. */
static capsim_status carve_contracts(alloc *a)
{
    const spec *s = a->spec;
    const entities *e = a->ent;
    a->n_hops = 0;
    a->n_spot = 0;
    for (size_t c = 0; c < e->n_contracts; c++) {
        a->table->block_lo[c] = a->table->block_hi[c] = 0;
        a->table->preempted[c] = a->table->unleased[c] = 0;
    }
    const size_t n_own = a->n_blocks;
    for (size_t i = 0; i < s->n_providers; i++) {
        const int p = a->provider_order[i];
        capsim_status st;
        if ((st = gather_pool(a, p, n_own)) != CAPSIM_OK ||
            (st = carve_provider(a, p)) != CAPSIM_OK)
            return st;
    }
    return 0;
}

/* ---- rebuild: leaves and layout ---- */

/* Every block with GPUs left is a leaf of its holder; leaves are bucketed
 * by group (counting sort), keeping block order within a group. Returns 0
 * or CAPSIM_ERR_NO_MEMORY. */
static capsim_status make_leaves(alloc *a)
{
    size_t *start = a->group_cursor;
    memset(start, 0, (a->n_groups + 1) * sizeof *start);
    size_t n = 0;
    for (size_t b = 0; b < a->n_blocks; b++)
        if (a->blocks[b].remaining > 0) {
            start[a->blocks[b].group + 1]++;
            n++;
        }
    if (RESERVE(a, leaves, n) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    for (size_t g = 0; g < a->n_groups; g++)
        start[g + 1] += start[g];
    for (size_t b = 0; b < a->n_blocks; b++) {
        const alloc_block *k = &a->blocks[b];
        if (k->remaining <= 0)
            continue;
        const int allocated = k->hop >= 0 || a->provider_has_workload[k->holder];
        a->leaves[start[k->group]++] =
            (alloc_leaf){k->group, k->holder, k->hop, allocated, k->remaining, 0, 0};
    }
    a->n_leaves = n;
    return 0;
}

static void fill_allocation(int32_t *allocation, size_t lo, size_t hi, int32_t v)
{
    for (size_t i = lo; i < hi; i++)
        allocation[i] = v;
}

/* Writes v over allocation[lo, hi), where v held exactly allocation[was)
 * after the last rebuild: only the part of [lo, hi) outside `was` is
 * written (a leaf that grew or shrank by a node costs a node, not its
 * whole range). Since the last rebuild nothing else writes f->allocation,
 * and this rebuild's other writes go to the other leaves' and tails'
 * ranges, which are disjoint from [lo, hi), so the overlap still holds v.
 * A leaf's value is its position in its group, not its index among all
 * leaves: a leaf that appears or goes (a contract starts, ends or loses
 * its last node somewhere) then shifts the values of its own group's later
 * leaves only, where an index shifted every later leaf of the fleet, and
 * its rewrite: 1,477 of the default scenario's 43,824 rebuilds wrote
 * 100,000 to 1,000,000 GPUs each, and the run wrote 904 million entries
 * in all, against 79 million with positions. */
static void write_range(int32_t *allocation, size_t lo, size_t hi, alloc_span was, int32_t v)
{
    const size_t keep_lo = was.lo > lo ? was.lo : lo, keep_hi = was.hi < hi ? was.hi : hi;
    if (keep_lo >= keep_hi) {
        fill_allocation(allocation, lo, hi, v);
        return;
    }
    fill_allocation(allocation, lo, keep_lo, v);
    fill_allocation(allocation, keep_hi, hi, v);
}

/* Appends a kernel segment. The caller reserved room. */
static void add_segment(alloc *a, size_t lo, size_t hi, int leaf, const alloc_group *g)
{
    if (hi > lo)
        a->segments[a->n_segments++] = (alloc_segment){lo, hi, leaf, g->datacenter, g->gpu};
}

/* Gives each leaf its range in its group, writes f->allocation and the
 * kernel segments, and sums DC allocated and provider capacity. Returns 0
 * or CAPSIM_ERR_NO_MEMORY. */
static capsim_status place_leaves(alloc *a, fleet *f)
{
    const spec *s = a->spec;
    if (RESERVE(a, segments, a->n_leaves + a->n_groups) != 0 ||
        RESERVE(a, leaf_written_next, a->n_leaves) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    a->n_segments = 0;
    memset(a->dc_allocated, 0, a->ent->n_datacenters * sizeof *a->dc_allocated);
    memset(a->provider_capacity_h100, 0, s->n_providers * sizeof *a->provider_capacity_h100);
    size_t j = 0;
    for (size_t g = 0; g < a->n_groups; g++) {
        const alloc_group *gr = &a->groups[g];
        const size_t first = j, was_lo = a->group_leaf_lo[g];
        const size_t was_n = a->group_leaf_lo[g + 1] - was_lo;
        a->group_leaf_lo_next[g] = first;
        size_t at = gr->lo;
        int64_t served = 0;   /* served GPUs of the group before this leaf's end */
        int64_t base = -1;    /* the served GPUs of the fleet before the group, once needed */
        for (; j < a->n_leaves && a->leaves[j].group == (int)g; j++) {
            alloc_leaf *l = &a->leaves[j];
            const size_t k = j - first;   /* its position in the group */
            const alloc_span was =
                k < was_n ? a->leaf_written[was_lo + k] : (alloc_span){0, 0, 0};
            served += l->gpus;
            l->lo = at;
            /* the same start and GPUs over the same served GPUs: the same end */
            if (!a->group_recounted[g] && k < was_n && was.lo == l->lo && was.gpus == l->gpus) {
                l->hi = was.hi;
            } else {
                if (base < 0)
                    base = served_before(a, gr->lo);
                l->hi = select_rank(a, base + served - 1) + 1;
            }
            at = l->hi;
            write_range(f->allocation, l->lo, l->hi, was, (int32_t)k);
            a->leaf_written_next[j] = (alloc_span){l->lo, l->hi, l->gpus};
            add_segment(a, l->lo, l->hi, (int)j, gr);
            a->dc_allocated[gr->datacenter] += l->allocated ? l->gpus : 0;
            a->provider_capacity_h100[l->user] += (double)l->gpus * s->gpus[gr->gpu].infer_speed;
        }
        assert(served == gr->healthy && at == gr->served_hi);
        add_segment(a, gr->served_hi, gr->online_hi, -1, gr);
        /* GPUs past online_hi were never installed and hold -1 since fleet_create */
        write_range(f->allocation, gr->served_hi, gr->online_hi, a->tail_written[g], -1);
        a->tail_written[g] = (alloc_span){gr->served_hi, gr->online_hi, 0};
    }
    a->group_leaf_lo_next[a->n_groups] = j;
    /* this rebuild's spans and group bounds become the last rebuild's */
    alloc_span *spans = a->leaf_written;
    a->leaf_written = a->leaf_written_next;
    a->leaf_written_next = spans;
    const size_t cap = a->cap_leaf_written;
    a->cap_leaf_written = a->cap_leaf_written_next;
    a->cap_leaf_written_next = cap;
    size_t *bounds = a->group_leaf_lo;
    a->group_leaf_lo = a->group_leaf_lo_next;
    a->group_leaf_lo_next = bounds;
    return 0;
}

/* For every spot contract that delivered, the leaves under it (with the
 * hop that is the contract): a counting sort over the leaves' chains.
 * Returns 0 or CAPSIM_ERR_NO_MEMORY. */
static capsim_status index_spot_leaves(alloc *a)
{
    const entities *e = a->ent;
    for (size_t c = 0; c < e->n_contracts; c++)
        a->table->leaf_lo[c] = a->table->leaf_hi[c] = 0;
    size_t n = 0;
    for (size_t l = 0; l < a->n_leaves; l++)
        for (int h = a->leaves[l].hop; h >= 0; h = a->hops[h].parent)
            if (e->contracts[a->hops[h].contract].kind == SPEC_SPOT) {
                a->table->leaf_hi[a->hops[h].contract]++;
                n++;
            }
    if (RESERVE(a, contract_leaves, n) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    size_t at = 0;
    for (size_t c = 0; c < e->n_contracts; c++) {
        const size_t count = a->table->leaf_hi[c];
        a->table->leaf_lo[c] = a->table->leaf_hi[c] = at;
        at += count;
    }
    for (size_t l = 0; l < a->n_leaves; l++)
        for (int h = a->leaves[l].hop; h >= 0; h = a->hops[h].parent) {
            const int c = a->hops[h].contract;
            if (e->contracts[c].kind == SPEC_SPOT)
                a->contract_leaves[a->table->leaf_hi[c]++] = (alloc_leaf_ref){(int)l, h};
        }
    a->n_contract_leaves = n;
    return 0;
}

/* Sums each contract's delivered blocks. */
static void sum_deliveries(alloc *a)
{
    for (size_t c = 0; c < a->ent->n_contracts; c++) {
        int64_t sum = 0;
        for (size_t b = a->table->block_lo[c]; b < a->table->block_hi[c]; b++)
            sum += a->blocks[b].gpus;
        a->table->delivered[c] = sum;
    }
}

capsim_status alloc_rebuild(alloc *a, fleet *f)
{
    assert(f->n == a->n_gpus);
    assert(a->ent->n_contracts == a->table->n);
    capsim_status st;
    if (RESERVE(a, spot_contracts, a->table->n + 1) != 0)
        return capsim_fail(CAPSIM_ERR_NO_MEMORY);
    if ((st = refresh_groups(a, f)) != CAPSIM_OK || (st = add_own_blocks(a)) != CAPSIM_OK ||
        (st = carve_contracts(a)) != CAPSIM_OK ||
        (st = make_leaves(a)) != CAPSIM_OK || (st = place_leaves(a, f)) != CAPSIM_OK ||
        (st = index_spot_leaves(a)) != CAPSIM_OK)
        return st;
    sum_deliveries(a);
    return 0;
}

size_t alloc_leaf_chain(const alloc *a, size_t leaf, int *out, size_t cap)
{
    size_t n = 0;
    for (int h = a->leaves[leaf].hop; h >= 0; h = a->hops[h].parent)
        n++;
    if (n > cap)
        return n;
    size_t i = n;
    for (int h = a->leaves[leaf].hop; h >= 0; h = a->hops[h].parent)
        out[--i] = a->hops[h].contract;
    return n;
}

/* ---- queries ---- */

void alloc_set_phase_online(alloc *a, size_t phase, int online)
{
    a->phase_online[phase] = (uint8_t)(online != 0);
}

size_t alloc_n_gpus(const alloc *a) { return a->n_gpus; }

const alloc_group *alloc_groups(const alloc *a, size_t *n)
{
    if (n)
        *n = a->n_groups;
    return a->groups;
}

size_t alloc_phase_first_gpu(const alloc *a, size_t phase) { return a->phase_lo[phase]; }
const uint8_t *alloc_phase_online(const alloc *a) { return a->phase_online; }
const int *alloc_provider_order(const alloc *a) { return a->provider_order; }
const int *alloc_gpu_order(const alloc *a) { return a->gpu_order; }
contract_table *alloc_table(alloc *a) { return a->table; }

const alloc_leaf *alloc_leaves(const alloc *a, size_t *n)
{
    if (n)
        *n = a->n_leaves;
    return a->leaves;
}

/* A binary search: groups tile the fleet in order. */
size_t alloc_group_of(const alloc *a, size_t i)
{
    size_t lo = 0, hi = a->n_groups;
    while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        if (a->groups[mid].lo <= i)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

int alloc_leaf_of(const alloc *a, const fleet *f, size_t i)
{
    assert(i < f->n && i < a->n_gpus);
    const int32_t k = f->allocation[i];
    if (k < 0 || !alloc_served(a, i))
        return -1;
    return (int)(a->group_leaf_lo[alloc_group_of(a, i)] + (size_t)k);
}

void alloc_group_leaves(const alloc *a, size_t g, size_t *lo, size_t *hi)
{
    assert(g < a->n_groups);
    *lo = a->group_leaf_lo[g];
    *hi = a->group_leaf_lo[g + 1];
}

const alloc_hop *alloc_hops(const alloc *a, size_t *n)
{
    if (n)
        *n = a->n_hops;
    return a->hops;
}

const alloc_segment *alloc_segments(const alloc *a, size_t *n)
{
    if (n)
        *n = a->n_segments;
    return a->segments;
}

const alloc_block *alloc_blocks(const alloc *a, size_t *n)
{
    if (n)
        *n = a->n_blocks;
    return a->blocks;
}

const int *alloc_spot_contracts(const alloc *a, size_t *n)
{
    if (n)
        *n = a->n_spot;
    return a->spot_contracts;
}

const alloc_leaf_ref *alloc_contract_leaves(const alloc *a, size_t *n)
{
    if (n)
        *n = a->n_contract_leaves;
    return a->contract_leaves;
}

alloc_dc_counts alloc_datacenter_counts(const alloc *a)
{
    return (alloc_dc_counts){a->dc_installed, a->dc_healthy, a->dc_failed, a->dc_maintenance,
                             a->dc_allocated};
}

const double *alloc_provider_capacity_h100(const alloc *a) { return a->provider_capacity_h100; }
