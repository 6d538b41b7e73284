/*
 * alloc: who uses which GPUs. It owns the layout of the fleet (which GPU
 * belongs to which DC, GPU type and phase) and recomputes the allocation
 * when a phase comes online or a contract starts or ends.
 *
 * Fleet layout (fixed at create). DCs in index order, each one contiguous;
 * within a DC one *group* per GPU type (types in index order), and within a
 * group the phases sorted by (online time, index). The GPUs of a group that
 * are online are therefore always a prefix of the group. Offline GPUs are
 * never installed: they stay out of every count, keep util 0 and power 0,
 * allocation -1, and no kernel range covers them.
 *
 * The entities (phases, DCs, contracts) are read through an entities view
 * (entities.h) that the market keeps up to date as contracts are signed and
 * sites are started. A reserved build-out site has its own phase and group,
 * laid out after every DC, with datacenter -1 until alloc_place_site.
 *
 * Allocation (market.h has the rules). A provider's pool is a list of
 * blocks: (group, GPUs, hop), where the hop names the last contract of the
 * chain the block came through (-1 for the provider's own DC). Providers
 * are processed in topological order of the lease graph. A lessor's active
 * outgoing contracts carve in four passes, each in contract order: reserved
 * and on-demand contracts that name a GPU type, then reserved and on-demand
 * `any` contracts, then spot contracts that name a type, then spot `any`.
 * Each carves whole 8-GPU nodes up to its current committed GPUs
 * (contract_committed: the ramp) from the matching blocks of the lessor's
 * pool (own DCs first, in DC order, then incoming contracts in spec order);
 * an `any` contract takes the types in the lessor's allocation order
 * (spec_allocation_policy: gpu_order, slowest first, or its reverse), each
 * type in pool order. Each carved
 * piece becomes a block delivered to the lessee through a new hop (contract,
 * parent hop). What is left of a provider's pool is its own use: one *leaf*
 * per block. A leaf is a contiguous GPU range of one group, so the tick
 * kernel needs one load factor per leaf; its chain (hop, parent, ...) lists
 * every contract its GPU-hours are attributed to.
 *
 * Within a group's online prefix, healthy GPUs are moved to the front (state
 * and perf move together; GPUs of one type in one DC are interchangeable),
 * the leaves take consecutive healthy ranges, and the failed or maintenance
 * tail serves no leaf (allocation -1).
 *
 * The result arrays are visible flat data, like the fleet's; they stay valid
 * until the next alloc_rebuild. Rebuilding is O(GPUs online + blocks x GPU
 * types + providers x contracts) and
 * happens only at events; its arrays keep their capacity across rebuilds.
 */
#ifndef CAPSIM_ALLOC_H
#define CAPSIM_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include "spec.h"
#include "entities.h"
#include "contract_table.h"
#include "fleet.h"
#include "../util/status.h"

/* The GPUs of one type in one DC: fleet range [lo, hi), all phases. */
typedef struct alloc_group {
    int datacenter;
    int gpu;
    size_t lo, hi;
    size_t online_hi;     /* [lo, online_hi) is installed */
    size_t healthy_hi;    /* [lo, healthy_hi) is installed and healthy */
} alloc_group;

/* One hop of a chain: the contract, and the hop it was carved from (-1 at
 * the owner). */
typedef struct alloc_hop {
    int contract;
    int parent;
} alloc_hop;

/* A final allocation: GPUs of one group used by one provider. */
typedef struct alloc_leaf {
    int group;
    int user;             /* provider that uses the GPUs: the chain's end */
    int hop;              /* last hop of its chain, -1 when the owner uses its own DC */
    int allocated;        /* 1 when delivered on a contract or its user has workloads */
    int64_t gpus;
    size_t lo, hi;        /* fleet range; hi - lo == gpus */
} alloc_leaf;

/* A range the tick kernel sweeps: one leaf, or a group's unhealthy tail (leaf -1). */
typedef struct alloc_segment {
    size_t lo, hi;
    int leaf;
    int datacenter;
    int gpu;
} alloc_segment;

/* A delivered block: what a contract hands to its lessee. */
typedef struct alloc_block {
    int group;
    int hop;
    int holder;           /* provider whose pool it is in */
    int64_t gpus;         /* size as delivered (or as owned) */
    int64_t remaining;    /* not sublet: the holder's own use */
} alloc_block;

/* A leaf under a contract: the leaf and the hop of its chain that is the
 * contract (spot contracts only; see alloc.contract_leaves). */
typedef struct alloc_leaf_ref {
    int leaf;
    int hop;
} alloc_leaf_ref;

typedef struct alloc {
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
    int *sorted_phases;             /* phases in fleet order */
    size_t *group_first_phase;      /* n_groups + 1: group g's phases are
                                       sorted_phases[first[g], first[g + 1]) */
    uint8_t *scratch_state;         /* largest group */
    float *scratch_perf;
} alloc;

/* create / destroy */
/* Lays out a fleet of n_gpus = the sum of the phases' counts (the caller
 * creates it): records the layout only; straggler perf is set by
 * alloc_assign_stragglers. Every phase starts offline and every contract
 * inactive. NULL when out of memory. alloc_create reads the spec's own
 * arrays and owns a contract table of the spec's contracts;
 * alloc_create_view reads *e and *table (both must outlive the alloc; the
 * table holds e's contracts) and sizes the per-DC arrays for
 * cap_datacenters. */
alloc *alloc_create(const spec *s);
alloc *alloc_create_view(const entities *e, contract_table *table, size_t cap_datacenters);
void alloc_destroy(alloc *a);                  /* NULL is a no-op */

/* operations */
/* Recomputes the topological order after contracts were added. Returns 0 or
 * CAPSIM_ERR_NO_MEMORY. */
capsim_status alloc_order_providers(alloc *a);
/* Places the reserved site of phase `phase` (datacenter -1) in DC `dc`. */
void alloc_place_site(alloc *a, size_t phase, int dc);
/* Sets perf = straggler_speed on round(straggler_share x count) GPUs of
 * each phase, every subset equally likely, drawn from the stream
 * "fleet/<phase name>/<gpu name>". Returns 0, or CAPSIM_ERR_NO_MEMORY. */
capsim_status alloc_assign_stragglers(const alloc *a, fleet *f, uint64_t seed);
/* Recomputes the allocation from phase_online, the table's active and
 * committed GPUs and f's GPU states, and writes the table's allocation
 * results (contract_table.h); rewrites f->allocation (and permutes f->state and f->perf within
 * each group's online prefix). Returns 0, or CAPSIM_ERR_NO_MEMORY (the
 * previous results are then partly overwritten and must not be used). */
capsim_status alloc_rebuild(alloc *a, fleet *f);

/* queries */
/* The contract indices of leaf `leaf`'s chain, from the owner to the user.
 * Returns the chain's length (0 when the owner uses its own DC) and writes
 * the indices into out only when they fit in cap. */
size_t alloc_leaf_chain(const alloc *a, size_t leaf, int *out, size_t cap);

#endif
