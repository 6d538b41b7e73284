/*
 * price: what a selling provider quotes for a lease, from its price lists.
 *
 * The list that applies to (seller, GPU type) is the seller's list for that
 * type, else its `any` list; a request for any type uses the `any` list
 * only. The quote is the list's price for the contract kind less the term
 * discount: min(max_discount, discount_per_year x max(0, years - 1)), so a
 * one-year term pays the list price. A seller without an applicable list,
 * or whose list does not offer the kind (price < 0), cannot quote; why is a
 * code of the status list (util/status.h), named by capsim_strerror.
 */
#ifndef CAPSIM_PRICE_H
#define CAPSIM_PRICE_H

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
/* Writes seller's price per GPU-hour for (gpu or SPEC_ANY_GPU, kind, term of
 * term_months) into *price. Returns PRICE_OK or why it cannot quote
 * (capsim_strerror: "no price list" / "kind not offered"). A refusal is an
 * answer, not a failure, so it does not pass through capsim_fail. */
price_status price_quote(const spec *s, int seller, int gpu, spec_contract_kind kind,
                         double term_months, double *price);

#endif
