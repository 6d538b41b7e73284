/*
 * contract_table: every contract of a running market and all per-contract
 * state, as one structure-of-arrays table. Entry c of every array belongs
 * to contract c: the spec's contracts first, then the ones procurement
 * signs, in signing order. Indices are stable: entries are only appended,
 * never moved or removed.
 *
 * The table is flat data, visible like the fleet's arrays, so the tick path
 * reads it without calls. Each group of arrays has one writer:
 *
 *   entries       terms                   market.c (copied from the spec,
 *                                         appended at a signing)
 *   inputs        active, committed       market.c, at events (start, end,
 *                                         ramp step, signing); alloc reads them
 *   allocation    delivered, preempted,   alloc_rebuild, and nobody else;
 *   results       unleased, block_lo/hi,  the market's tick reads them
 *                 leaf_lo/hi
 *   tick state    rows, pending_fee,      market.c and market_tick.c (the
 *                 tick_preempted,         market module); the observer reads
 *                 tick_lost, short_now,   rows through market_contract_rows
 *                 undelivered_gpu_hours
 *
 * The allocation results live here rather than behind alloc accessors
 * because they are indexed by contract like everything else and are swept
 * per tick with the tick state: one table, one capacity, one grow.
 *
 * Invariants:
 *   - n <= cap, and every array holds cap + 1 entries (one spare, so that a
 *     market without contracts still has valid arrays);
 *   - entries n .. cap are zero;
 *   - growth happens only through contract_table_reserve (or _append),
 *     which grows every array together or none.
 */
#ifndef CAPSIM_CONTRACT_TABLE_H
#define CAPSIM_CONTRACT_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include "spec.h"
#include "../util/status.h"

/* One contract's row of a tick, as the observer reads it (market.h). */
typedef struct market_contract_row {
    int active;               /* 1 between start (inclusive) and end (exclusive) */
    int64_t committed;
    int64_t delivered;
    double used;              /* GPU-equivalents in use by the lessee and its chain */
    double utilisation;       /* used / delivered (0 when nothing delivered) */
    double payment_usd;       /* this tick, lessee to lessor, before the SLA credit */
    double sla_credit_usd;    /* this tick, lessor to lessee */
    int64_t preempted;        /* spot: GPUs taken back by the lessor this tick */
    double fee_usd;           /* termination fee paid this tick, lessee to lessor */
    double price_per_gpu_hour;/* delivered-weighted price: sum over its delivered blocks of
                                 GPUs x the type's price, over the GPUs (the contract's price
                                 for its type, or its default, when nothing is delivered) */
    int64_t lessor_unleased;  /* whole-node GPUs of the contract's type (any: of every type)
                                 that its lessor's pool kept after serving its contracts */
    int64_t undelivered;      /* active: max(0, committed - delivered), GPUs; 0 when inactive */
    double capacity_h100;     /* H100-equivalent capacity it gives its lessee's inference
                                 workloads this tick (market_tick.c has the definition);
                                 0 when the lessee sublets all of it */
} market_contract_row;

typedef struct contract_table {
    size_t n;                       /* contracts in the table */
    size_t cap;                     /* every array holds cap + 1 entries */

    /* entries (market.c) */
    spec_contract *terms;           /* the contracts themselves */

    /* allocation inputs (market.c, at events) */
    uint8_t *active;                /* 1 between start and its effective end */
    int64_t *committed;             /* GPUs committed now (the ramp); the contract's
                                       gpus until the market sets it */

    /* allocation results (alloc_rebuild) */
    int64_t *delivered;             /* GPUs delivered to the lessee */
    int64_t *preempted;             /* spot: GPUs its lessor's pool held for it that
                                       went to the lessor's reserved and on-demand
                                       contracts instead */
    int64_t *unleased;              /* active: whole-node GPUs of its type (any: every
                                       type) left in its lessor's pool after the lessor
                                       served its contracts */
    size_t *block_lo, *block_hi;    /* its delivered blocks: alloc blocks [lo, hi) */
    size_t *leaf_lo, *leaf_hi;      /* spot: the leaves under it, alloc contract
                                       leaves [lo, hi) */

    /* tick state (market.c, market_tick.c) */
    market_contract_row *rows;      /* the last tick's rows */
    double *pending_fee;            /* termination fee due at the next tick, USD */
    int64_t *tick_preempted;        /* spot: GPUs taken back this tick */
    int64_t *tick_lost;             /* delivered GPUs taken back this tick */
    uint8_t *short_now;             /* 1 while the contract under-delivers */
    double *undelivered_gpu_hours;  /* accumulated over the run */
} contract_table;

/* create / destroy */
/* Fills *t with copies of the n contracts of src and room for cap (at least
 * n); committed[c] = src[c].gpus, everything else zero. Returns 0, or
 * CAPSIM_ERR_NO_MEMORY (*t is then empty: contract_table_free is safe). */
capsim_status contract_table_init(contract_table *t, const spec_contract *src, size_t n,
                                  size_t cap);
/* Frees the arrays and empties *t. An empty table is a no-op. */
void contract_table_free(contract_table *t);

/* operations */
/* Grows every array to hold cap contracts (+1), the new entries zero.
 * Atomic: every array is reallocated before any is replaced, so on
 * CAPSIM_ERR_NO_MEMORY (also when cap overflows) the table is unchanged.
 * Returns 0 (also when cap fits already). */
capsim_status contract_table_reserve(contract_table *t, size_t cap);
/* Appends a copy of k with zero state and committed = k->gpus, growing by
 * doubling when full; writes its index to *index. Returns 0, or
 * CAPSIM_ERR_NO_MEMORY (the table is then unchanged). */
capsim_status contract_table_append(contract_table *t, const spec_contract *k, size_t *index);

#endif
