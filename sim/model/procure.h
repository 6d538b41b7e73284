/*
 * procure: procurement reviews, the contracts they sign, and the price and
 * capacity questions sellers answer. The entry points are internal to the
 * market (market_internal.h: procure__review, procure__uncommitted); this
 * header states the rules.
 *
 * Review (every period_seconds from first_review, per [procurement]):
 *   T = t + horizon. Gap at a date d = the buyer's inference workloads'
 *   trend at d at the diurnal peak (trend x (1 + amplitude), no noise),
 *   less what its GPUs left at d are worth, plus what it could not deliver
 *   at d of what it owes (GPUs, at the requested type's infer_speed; 1.0
 *   for `any`). Failures and depreciation are not forecast. Counted in
 *   GPUs of each type, as the allocation (alloc.h) will serve them at d:
 *   - held: own GPUs online by d (decided build-out sites included),
 *     incoming typed contracts committed at d, and incoming `any`
 *     contracts by what each is expected to deliver at d: its committed
 *     GPUs at d, of the types its lessor will have left for it then (the
 *     lessor's holdings at d by this same rule, up its chain, less its
 *     contracts served before this one: typed ones from their own type,
 *     `any` ones in contract order type by type in the lessor's
 *     allocation policy, reserved and on-demand before spot; a chain
 *     that loops or runs deeper than the providers ends in GPUs of no
 *     known type, worth 1.0). So a lease that starts or ramps inside the
 *     horizon counts at what it will deliver, not at what it delivers now;
 *   - owed: outgoing contracts committed at d, served from held the same
 *     way, by the buyer's own allocation policy;
 *   - procured contracts that start after d (build-backed: bought for an
 *     earlier gap, arriving late) count in full on either side, incoming
 *     ones at what they are expected to deliver at their start, so a late
 *     delivery is not bought twice;
 *   - what held leaves after owed is worth its types' infer_speed.
 *   When the gap at T exceeds gap_threshold_h100, it requests gap x (1 +
 *   headroom) H100-equivalents (sized in GPUs by each seller, below) for
 *   term_seconds, from t + delivery_seconds; but when the gap
 *   is not above the threshold then and opens where the buyer's holdings
 *   drop inside the horizon (a lease it holds ends, a sale starts), from
 *   the first such date at which it is (its size is still the gap at T):
 *   a renewal is signed before the old lease ends and starts when it ends.
 *   A request that would start at or after the run's end is not made.
 *
 * Sizing: a request is a gap in H100-equivalents; a lease is in GPUs. Each
 *   seller asked converts what is still missing, H, into GPUs by the
 *   infer_speed of what it would deliver for the lease at its start:
 *   - a typed request: ceil(H / the type's infer_speed);
 *   - an `any` request: what its holdings at the start (the forecast's
 *     rule above) leave after its typed contracts and its `any` contracts
 *     served before the new one (for a spot lease, its typed spot ones
 *     too), taken type by type in its allocation order (oldest_first or
 *     newest_first; GPUs of no known type last, at 1.0), until they are
 *     worth H; beyond them, GPUs of the type its build-out adds (1.0 when
 *     it has none). That is, GPUs = ceil(H / the expected infer_speed per
 *     GPU);
 *   rounded up to whole nodes. What it signs is worth its GPUs taken in
 *   that same order; after a partial offer, the rest of H (H100-eq) goes
 *   to the next seller, which converts it again at its own mix. A seller
 *   reselling back-to-back passes its rest on in H100-eq the same way (its
 *   sales are worth what the upstream leases deliver); a build-backed
 *   offer is sized at the seller's mix at the build's online date, and
 *   the build-out is told the rest as GPUs of its own type. The request is
 *   filled when what is signed is worth H.
 *
 * Sellers are asked in the listed order until the request is filled. While
 *   a right of first refusal holds (first_refusal and t < first_refusal_until),
 *   the first seller is asked first and its decline is logged as "first
 *   refusal declined"; once it lapses the order is unchanged.
 *
 * A seller, asked for G GPUs (the gap sized at its mix):
 *   - declines when signing would close a loop in the lease graph, or it
 *     cannot quote (price.h) at or below the request's maximum price;
 *   - offers its own capacity: procure__uncommitted over the term (the
 *     position.h rule at the start, at the term's last second and at every
 *     phase online, contract start, end and ramp end of the seller inside
 *     the term: the minimum), less its own inference workloads' forecast
 *     (kept back as an `any` commitment of ceil(H100-eq / s) GPUs, s the
 *     mean infer_speed of its free GPUs), in whole nodes, at most G: it
 *     never sells what it cannot deliver over the whole term;
 *   - for the rest, when it has a [procurement] policy of its own with
 *     resell (the default; resell = false buys for itself only), leases back-to-back from its own sellers in its policy's
 *     order (recursively, never anyone already in the chain), at most its
 *     own quote or its policy's maximum price, whichever is lower, and signs
 *     one sale to the buyer per upstream contract (same size, start and
 *     end; the upstream contract's parent is that sale);
 *   - logs "request_declined" (nothing offered) or "request_partial" (part
 *     offered), with the reason; then its build-out may start sites for the
 *     rest (buildout.h);
 *   - build-backed offer: when it has build-out sites decided that come
 *     online after the request's start, it offers the rest from the latest
 *     of those online dates, for the same term, as far as its position
 *     covers over that later term.
 *   The buyer asks the next seller for whatever is still missing.
 *
 * A signed contract: origin procured, signed_at = t, start = the request's
 * start (t + delivery_seconds, or the build's online date), end = start +
 * term, the quoted price, the procurement's kind, no ramp, SLA or
 * termination; named "<seller>-<buyer>-<n>" with n counting signings in the
 * run. Events: "contract_signed" (entity: the contract), "request_declined"
 * and "request_partial" (entity: the seller), with messages naming buyer,
 * seller, size, type, price, term and the reason (the forecast gap).
 *
 * Determinism: reviews depend only on state and the spec (no random draws).
 */
#ifndef CAPSIM_PROCURE_H
#define CAPSIM_PROCURE_H

#include "market.h"

#endif
