/*
 * position: one provider's capacity position at one time, in GPUs of each
 * type (never H100-equivalents). Procurement, build-out and the scenario
 * reader's oversubscription warning all ask this one question: "what will
 * provider p hold and owe of GPU type T at time t?"
 *
 *   held[T]       = p's own GPUs of type T online by t (phases whose
 *                   datacenter is decided: build-out sites count once
 *                   started, from their online date), less its spares
 *                   (spare_share of them, rounded up to whole nodes) + its incoming
 *                   contracts of type T, committed at t (ramps included;
 *                   signed contracts that start later count from their
 *                   start);
 *   held_any      = its incoming `any` contracts committed at t: held, but
 *                   of no particular type;
 *   committed[T]  = its outgoing contracts of type T committed at t;
 *   committed_any = its outgoing `any` contracts committed at t.
 *
 * The typed/any rule. Typed commitments are served from their own type
 * only; `any` commitments take whatever is left after them, so
 *   free   = sum over T of max(0, held[T] - committed[T]) + held_any
 *   uncommitted(any) = free - committed_any
 *   uncommitted(T)   = min(held[T] - committed[T], free - committed_any)
 * (a typed sale of T must fit both in T itself and in what the `any`
 * buyers leave). Incoming `any` capacity backs only `any` sales.
 *   shortfall = sum over T of max(0, committed[T] - held[T])
 *             + max(0, committed_any - free)
 * is what p cannot deliver at t however it allocates: 0 unless it has
 * committed more than it holds.
 *
 * Cost: position_at is O(phases + contracts + types); nothing allocates
 * except position_init.
 */
#ifndef CAPSIM_POSITION_H
#define CAPSIM_POSITION_H

#include <stdint.h>

#include "entities.h"
#include "../util/status.h"

typedef struct position {
    size_t n_types;
    int64_t *held;            /* [n_types] */
    int64_t *committed;       /* [n_types] */
    int64_t held_any;
    int64_t committed_any;
} position;

/* create / destroy */
/* Allocates the per-type arrays for n_types types. Returns 0 or
 * CAPSIM_ERR_NO_MEMORY (then pos holds nothing to free). */
capsim_status position_init(position *pos, size_t n_types);
void position_free(position *pos);

/* operations */
/* Fills pos with provider p's position at t over the entities in e. */
void position_at(const entities *e, int p, int64_t t, position *pos);

/* queries */
/* Committed GPUs of contract k at t by its ramp (0 outside [start, end),
 * the end being its termination when earlier). */
int64_t position_contract_committed(const spec_contract *k, int64_t t);
/* Uncommitted GPUs for a sale of type gpu (SPEC_ANY_GPU: any), by the
 * typed/any rule above; negative when p is oversubscribed. */
int64_t position_uncommitted(const position *pos, int gpu);
/* What p cannot deliver at t however it allocates (>= 0). */
int64_t position_shortfall(const position *pos);
/* held[T] + held_any summed: every GPU p will hold at t. */
int64_t position_held_total(const position *pos);

#endif
