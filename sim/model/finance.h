/*
 * finance: the money of one tick, per provider, from the tick's DC and
 * contract rows (market.h states the rules).
 *
 *   contract payment   reserved: delivered GPUs x price x dt_h (take-or-pay);
 *                      on-demand: used GPU-equivalents x price x dt_h.
 *                      Revenue of the lessor, lease cost of the lessee, so
 *                      payments net to zero over the market.
 *   energy cost        facility energy (power_mw x dt_h) x the DC's price,
 *                      paid by the DC's owner.
 *   depreciation       straight line: count x capex / (life_years x 8766) per
 *                      hour, for each online phase from its online date
 *                      until its life ends (a tick starting before the end
 *                      of life is charged in full; a life of 0 charges nothing).
 *   margin             revenue - lease cost - energy cost - depreciation.
 */
#ifndef CAPSIM_FINANCE_H
#define CAPSIM_FINANCE_H

#include <stdint.h>
#include "spec.h"
#include "market.h"

/* operations */
/* The payment for one tick of dt_h hours on contract k. */
double finance_contract_payment(const spec_contract *k, int64_t delivered, double used,
                                double dt_h);
/* The depreciation of phase p over the tick [t, t + dt_h hours), USD. 0 when
 * p is offline or past its life. */
double finance_phase_depreciation(const spec *s, const spec_phase *p, int online,
                                  int64_t t, double dt_h);
/* Fills revenue, lease cost, energy cost, depreciation and margin of every
 * provider row from the DC rows (power), the contract rows (payment, which
 * must already be set) and the phases' online flags. */
void finance_accrue(const spec *s, const uint8_t *phase_online, int64_t t, double dt_h,
                    const market_dc_row *dcs, const market_contract_row *contracts,
                    market_provider_row *providers);

#endif
