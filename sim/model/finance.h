/*
 * finance: the money of one tick, per provider, from the tick's DC and
 * contract rows (market.h states the rules).
 *
 *   contract payment   reserved: delivered GPUs x price x dt_h (take-or-pay);
 *                      on-demand and spot: used GPU-equivalents x price x dt_h;
 *                      price: the delivered-weighted price of its GPU types.
 *   SLA credit         when an active contract with sla_availability > 0
 *                      delivers fewer than committed x sla_availability GPUs
 *                      in a tick: sla_credit_share x the tick's payment,
 *                      paid back by the lessor.
 *   termination fee    committed GPUs x price x hours of min(fee months,
 *                      remaining months), months of 30.4375 days
 *                      (UNITS_SECONDS_PER_MONTH_REAL), paid by the lessee in
 *                      the tick at or after the termination.
 *                      Payment - credit + fee is revenue of the lessor and
 *                      lease cost of the lessee, so transfers net to zero
 *                      over the market.
 *   energy cost        facility energy (power_mw x dt_h) x the DC's price,
 *                      paid by the DC's owner. power_mw counts the boards
 *                      (the fleet kernel) and host_w for every installed GPU
 *                      whatever its load or state, times the PUE.
 *   depreciation       straight line: count x capex / (life_years x 8766) per
 *                      hour, for each online phase from its online date
 *                      until its life ends (a tick starting before the end
 *                      of life is charged in full; a life of 0 charges nothing).
 *   opex               power_mw (the DC's IT power cap) x opex_per_mw_year x
 *                      dt_h / 8766, for each DC from its online date, paid by
 *                      its owner: a colocation or facility cost on the
 *                      contracted power, drawn or not.
 *   interest           debt_share x outstanding capex x interest_rate x
 *                      dt_h / 8766 per provider, simple interest per tick;
 *                      outstanding capex = for each of its online phases,
 *                      count x capex x (1 - age / life), age at the tick's
 *                      start, 0 past the end of life: the capex that the
 *                      straight-line depreciation above has not yet written
 *                      off (so the debt amortises with the asset). A life of
 *                      0 (never depreciated) keeps the whole capex
 *                      outstanding.
 *   EBITDA             revenue - lease cost - energy cost - opex (reports).
 *                      The model has no staff, network, software or SG&A
 *                      costs, so its EBITDA and margin run above a company's
 *                      reported ones.
 *   margin             EBITDA - depreciation - interest: net income before
 *                      tax.
 */
#ifndef CAPSIM_FINANCE_H
#define CAPSIM_FINANCE_H

#include <stdint.h>
#include "spec.h"
#include "entities.h"
#include "market.h"

/* operations */
/* The payment for one tick of dt_h hours on contract k at price_per_gpu_hour
 * (its delivered-weighted price, market.h). */
double finance_contract_payment(const spec_contract *k, double price_per_gpu_hour,
                                int64_t delivered, double used, double dt_h);
/* The SLA credit of one tick: payment x sla_credit_share when the contract
 * is active, has an SLA and delivered < committed x sla_availability; else 0. */
double finance_sla_credit(const spec_contract *k, int active, int64_t committed,
                          int64_t delivered, double payment);
/* The fee for terminating k at time t with `committed` GPUs committed. */
double finance_termination_fee(const spec_contract *k, int64_t committed, int64_t t);
/* The depreciation of phase p over the tick [t, t + dt_h hours), USD. 0 when
 * p is offline or past its life. */
double finance_phase_depreciation(const spec *s, const spec_phase *p, int online,
                                  int64_t t, double dt_h);
/* The capex of phase p not yet depreciated at time t, USD (see interest
 * above): 0 when p is offline, not yet online at t, or past its life. */
double finance_phase_outstanding(const spec *s, const spec_phase *p, int online, int64_t t);
/* The opex of datacenter d over a tick of dt_h hours starting at t, USD: 0
 * before d's online date. */
double finance_dc_opex(const spec_datacenter *d, int64_t t, double dt_h);
/* The interest of one tick of dt_h hours on `outstanding` USD of capex of a
 * provider financed as p says, USD. */
double finance_interest(const spec_provider *p, double outstanding, double dt_h);
/* Fills revenue, lease cost, energy cost, depreciation, opex, interest and margin of every
 * provider row from the DC rows (power), the contract rows (payment, SLA
 * credit and fee, which must already be set) and the phases' online flags,
 * for the entities of view e. */
void finance_accrue(const entities *e, const uint8_t *phase_online, int64_t t, double dt_h,
                    const market_dc_row *dcs, const market_contract_row *contracts,
                    market_provider_row *providers);

#endif
