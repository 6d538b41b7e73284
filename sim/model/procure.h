/*
 * procure: procurement reviews, the contracts they sign, and the price and
 * capacity questions sellers answer. The entry points are internal to the
 * market (market_internal.h: procure__review, procure__uncommitted); this
 * header states the rules.
 *
 * Review (every period_seconds from first_review, per [procurement]):
 *   T = t + horizon. Forecast demand = the buyer's inference workloads'
 *   trend at T at the diurnal peak (trend x (1 + amplitude), no noise) +
 *   its outgoing committed GPUs at T (ramps included) in H100-equivalents
 *   (GPUs of `any` type count as H100s). Pool = its own GPUs online by T
 *   (phases, decided build-out sites) + its incoming committed GPUs at T,
 *   signed future deliveries included, in H100-equivalents. Failures and
 *   depreciation are not forecast. When gap = demand - pool exceeds
 *   gap_threshold_h100, it requests gap x (1 + headroom) H100-equivalents
 *   as GPUs of the requested type (divided by its speed, rounded up to whole
 *   nodes; `any` counts H100-equivalents as GPUs), from t for term_seconds.
 *
 * Sellers are asked in the listed order until one signs. While a right of
 *   first refusal holds (first_refusal and t < first_refusal_until), the
 *   first seller is asked first and its decline is logged as "first refusal
 *   declined"; once it lapses the order is unchanged and the first seller is
 *   an ordinary one. Requests are filled whole or declined (no partial fills).
 *
 * A seller accepts when:
 *   - signing would not close a loop in the lease graph (the seller is not
 *     downstream of the buyer), and
 *   - it can quote (price.h) at or below the request's maximum price, and
 *   - its uncommitted capacity covers the request over the whole term:
 *     own GPUs online + incoming committed - outgoing committed, of the
 *     requested type (outgoing `any` contracts count against every type;
 *     incoming `any` contracts count only for `any` requests, in
 *     H100-equivalents), at the start and at every phase online, contract
 *     start, end and ramp end of the seller inside the term (the minimum),
 *     less the forecast of its own inference workloads at those times (trend
 *     at the diurnal peak): a seller does not sell what it needs itself.
 *   Otherwise, a seller that has a [procurement] policy of its own (it
 *   resells) may sign a back-to-back contract for the whole request with one
 *   of its own sellers, asked in its policy's order with the same rules
 *   (recursively; never anyone already in the chain, so no cycles), at most
 *   its own quote or its policy's maximum price, whichever is lower; then it
 *   signs with the buyer, and the back-to-back contract's parent is that
 *   sale. A seller that lacks capacity (and found no back-to-back) declines
 *   "no capacity", which may trigger its build-out (buildout.h).
 *
 * A signed contract: origin procured, signed_at = t, start = t (active at
 * once: reviews run before the tick at the same time), end = t + term, the
 * quoted price, the procurement's kind, no ramp, SLA or termination; named
 * "<seller>-<buyer>-<n>" with n counting signings in the run. Events:
 * "contract_signed" (entity: the contract) and "request_declined" (entity:
 * the seller), with messages naming buyer, seller, size, type, price, term
 * and the reason (the forecast gap).
 *
 * Determinism: reviews depend only on state and the spec (no random draws).
 */
#ifndef CAPSIM_PROCURE_H
#define CAPSIM_PROCURE_H

#include "market.h"

#endif
