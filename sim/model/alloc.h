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
 * Each carves whole 8-GPU nodes up to its current committed GPUs (the
 * contract table's committed: the ramp) from the matching blocks of the
 * lessor's pool (own DCs first, in DC order, then incoming contracts in
 * spec order);
 * an `any` contract takes the types in the lessor's allocation order
 * (spec_allocation_policy: gpu_order, slowest first, or its reverse), each
 * type in pool order. Each carved
 * piece becomes a block delivered to the lessee through a new hop (contract,
 * parent hop). What is left of a provider's pool is its own use: one *leaf*
 * per block. A leaf is a contiguous GPU range of one group, so the tick
 * kernel needs one load factor per leaf; its chain (hop, parent, ...) lists
 * every contract its GPU-hours are attributed to.
 *
 * GPUs stay where they were installed: a failed or drained GPU keeps its
 * position, so a node is 8 consecutive GPUs of a group, physically. A
 * rebuild counts each group's *served* GPUs (installed and healthy at that
 * rebuild: alloc_served) and gives the group's leaves, in order,
 * consecutive ranges from its lo that each hold exactly the leaf's `gpus`
 * served GPUs, with the GPUs that are down where they happen to be; the
 * last leaf ends at the group's last served GPU, and the rest of its
 * installed range, all down, serves no leaf (allocation -1). A GPU's
 * offset among the served GPUs of its group (alloc_served_rank) and the
 * GPU at an offset (alloc_served_select) come from one bit per GPU and a
 * Fenwick tree of their counts per 64-GPU block. A rebuild recounts only the groups whose
 * installed range grew or that hold a 64-GPU block the fleet marked
 * changed (fleet.h, state_changed), and within those reads only the marked
 * blocks; so every state write between rebuilds must go through fleet.h's
 * functions, and every rebuild of an alloc must get the same fleet.
 * (Until 2026-12 the healthy GPUs were swapped to the front of each group
 * at every rebuild instead: with failures on, the swaps and their scans
 * were a tenth of the default run's time, and a "node" was whichever 8
 * GPUs the swaps had left side by side.)
 *
 * The results are flat arrays read through the queries below, which return
 * a const pointer and a count: the tick path sweeps them directly, with no
 * call per element. They stay valid until the next alloc_rebuild.
 * Per-contract results go to the contract table (contract_table.h), the
 * rest stay here. Rebuilding is O(groups + 64-GPU blocks online / 8 + GPUs
 * of marked blocks + unhealthy GPUs of changed groups + GPUs moved + blocks x
 * GPU types + providers x contracts) and happens only at events; its arrays
 * keep their capacity across rebuilds.
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
    size_t served_hi;     /* [lo, served_hi) holds the leaves: one past the last served
                             GPU (lo when none); [served_hi, online_hi) is all down */
    int64_t healthy;      /* served GPUs: installed and healthy at the last rebuild */
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
    int64_t gpus;         /* served GPUs of its range */
    size_t lo, hi;        /* fleet range: gpus served GPUs, and the down GPUs among them */
} alloc_leaf;

/* A range the tick kernel sweeps: one leaf's range, or a group's tail past
 * its last served GPU (leaf -1). */
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
 * contract (spot contracts only; see alloc_contract_leaves). */
typedef struct alloc_leaf_ref {
    int leaf;
    int hop;
} alloc_leaf_ref;

/* Per-DC counts of the last rebuild, each an array of the DCs (the
 * market's cap_datacenters); valid until the next rebuild. */
typedef struct alloc_dc_counts {
    const int64_t *installed;       /* GPUs online */
    const int64_t *healthy;
    const int64_t *failed;
    const int64_t *maintenance;
    const int64_t *allocated;       /* see alloc_leaf.allocated */
} alloc_dc_counts;

/* The allocator: layout, inputs (phases online; contracts through the
 * contract table), results and scratch, behind the functions below. */
typedef struct alloc alloc;

/* create / destroy */
/* Lays out a fleet of n_gpus = the sum of the phases' counts (the caller
 * creates it): records the layout only; straggler perf is set by
 * alloc_assign_stragglers. Every phase starts offline. NULL when out of
 * memory. alloc_create reads the spec's own arrays and owns a contract
 * table of the spec's contracts (all inactive, committed = their gpus);
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
 * results (contract_table.h); rewrites f->allocation where it changed, and
 * nothing else of f but state_changed (cleared). Returns 0, or
 * CAPSIM_ERR_NO_MEMORY (the previous results are then partly overwritten
 * and must not be used). */
capsim_status alloc_rebuild(alloc *a, fleet *f);

/* Marks phase `phase` online (1) or offline (0) for the next rebuild. */
void alloc_set_phase_online(alloc *a, size_t phase, int online);

/* queries: layout */
size_t alloc_n_gpus(const alloc *a);                   /* fleet size */
/* The groups, in fleet order; *n = their count (n may be NULL). */
const alloc_group *alloc_groups(const alloc *a, size_t *n);
/* The group holding fleet position gpu (< alloc_n_gpus). */
size_t alloc_group_of(const alloc *a, size_t gpu);
/* The first GPU of phase `phase` in the fleet. */
size_t alloc_phase_first_gpu(const alloc *a, size_t phase);
/* Per phase: 1 when online (what alloc_set_phase_online set). */
const uint8_t *alloc_phase_online(const alloc *a);
/* Providers in topological order of the lease graph (spec.n_providers). */
const int *alloc_provider_order(const alloc *a);
/* The spec's GPU types in the allocation order of `any` contracts,
 * oldest first (spec.n_gpus). */
const int *alloc_gpu_order(const alloc *a);
/* The contract table the alloc reads and writes: the market's, or for
 * alloc_create its own, where the caller sets active and committed. */
contract_table *alloc_table(alloc *a);

/* queries: results of the last rebuild (n may be NULL) */
const alloc_leaf *alloc_leaves(const alloc *a, size_t *n);       /* grouped by group */
/* The leaf (an index into alloc_leaves) that GPU i of f serves since the
 * last rebuild, or -1 when it serves none (not served: down or not
 * installed at the rebuild). f->allocation[i] holds that leaf's position
 * among its group's leaves. */
int alloc_leaf_of(const alloc *a, const fleet *f, size_t i);
/* 1 when GPU i was installed and healthy at the last rebuild. O(1). */
int alloc_served(const alloc *a, size_t i);
/* The served GPUs of group g in [g's lo, i), for i in [lo, online_hi]:
 * the offset of a served GPU i among its group's. O(log blocks). */
int64_t alloc_served_rank(const alloc *a, size_t g, size_t i);
/* The k-th served GPU of group g (0 <= k < its healthy count). O(log
 * blocks + 64). */
size_t alloc_served_select(const alloc *a, size_t g, int64_t k);
/* The sum of perf over the served GPUs of [lo, hi): a leaf's inference
 * throughput at full load, in GPUs at full speed. O(log blocks + slow GPUs
 * of the partial blocks at the ends); exact while perf is in [1/8, 1].
 * Perf is read when a GPU is installed: set it before (alloc.c). */
double alloc_served_perf(const alloc *a, const fleet *f, size_t lo, size_t hi);
/* Group g's leaves of the last rebuild: alloc_leaves [*lo, *hi). */
void alloc_group_leaves(const alloc *a, size_t g, size_t *lo, size_t *hi);
const alloc_hop *alloc_hops(const alloc *a, size_t *n);
const alloc_segment *alloc_segments(const alloc *a, size_t *n);  /* in fleet order */
const alloc_block *alloc_blocks(const alloc *a, size_t *n);
/* Active spot contracts that delivered something, in topological order of
 * their lessors. */
const int *alloc_spot_contracts(const alloc *a, size_t *n);
/* The leaves under spot contracts: contract c's are
 * [table->leaf_lo[c], table->leaf_hi[c]). */
const alloc_leaf_ref *alloc_contract_leaves(const alloc *a, size_t *n);
alloc_dc_counts alloc_datacenter_counts(const alloc *a);
/* Per provider (spec.n_providers): own-use healthy GPUs x infer_speed. */
const double *alloc_provider_capacity_h100(const alloc *a);
/* The contract indices of leaf `leaf`'s chain, from the owner to the user.
 * Returns the chain's length (0 when the owner uses its own DC) and writes
 * the indices into out only when they fit in cap. */
size_t alloc_leaf_chain(const alloc *a, size_t leaf, int *out, size_t cap);

#endif
