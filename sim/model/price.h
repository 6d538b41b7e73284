/*
 * price: what a selling provider quotes for a lease, from its price lists,
 * and what a signed contract charges per GPU type.
 *
 * The list that applies to (seller, GPU type) is the seller's list for that
 * type, else its `any` list; a request for any type uses the `any` list
 * only. The quote at signing time t is the list's price for the contract
 * kind, less the list's decline since the scenario start, less the term
 * discount:
 *
 *   list x (1 - decline_per_year)^(t / 1 year) x (1 - term discount),
 *   term discount = min(max_discount, discount_per_year x max(0, years - 1)),
 *
 * with years of 365.25 days (UNITS_SECONDS_PER_YEAR_REAL), so a one-year
 * term pays the declined list price and a signed price never changes
 * afterwards. A seller without an applicable list, or whose list does not
 * offer the kind (price < 0), cannot quote; why is a code of the status
 * list (util/status.h), named by capsim_strerror.
 *
 * A contract's price per GPU type is its type_prices entry for the type,
 * else its price_per_gpu_hour (spec.h).
 */
#ifndef CAPSIM_PRICE_H
#define CAPSIM_PRICE_H

#include <stdint.h>
#include "spec.h"
#include "../util/status.h"

/* The codes price returns, from the status list. */
typedef capsim_status price_status;
#define PRICE_OK CAPSIM_OK
#define PRICE_NO_LIST CAPSIM_ERR_NO_PRICE_LIST    /* no price list for this seller and GPU type */
#define PRICE_NOT_OFFERED CAPSIM_ERR_NOT_OFFERED  /* the list does not offer this contract kind */

/* operations */
/* The term discount (0..max_discount) for a term of `years`. */
double price_term_discount(const spec_pricelist *l, double years);
/* The factor (1 - decline_per_year)^years for a signing at t seconds since
 * the scenario start (t < 0 counts as 0: no rise before the start). */
double price_decline_factor(const spec_pricelist *l, int64_t t);
/* Writes seller's price per GPU-hour for (gpu or SPEC_ANY_GPU, kind, term of
 * term_months, signed at t) into *price. Returns PRICE_OK or why it cannot
 * quote (capsim_strerror: "no price list" / "kind not offered"). A refusal
 * is an answer, not a failure, so it does not pass through capsim_fail. */
price_status price_quote(const spec *s, int seller, int gpu, spec_contract_kind kind,
                         double term_months, int64_t t, double *price);
/* For a contract k of any type about to be signed at t by its lessor: sets
 * k->type_prices to the quotes of the lessor's lists for single GPU types
 * (the types whose list offers k's kind), leaving price_per_gpu_hour as the
 * price of every other type. A typed contract gets no list. */
void price_fill_type_prices(const spec *s, spec_contract *k, double term_months, int64_t t);

/* queries */
/* Contract k's price per GPU-hour for GPU type gpu. */
double price_of_type(const spec_contract *k, int gpu);

#endif
