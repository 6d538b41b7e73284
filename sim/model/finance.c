/*
 * finance: per-tick money; the rules are in finance.h. Every function is a
 * pure function of its arguments, O(providers + DCs + contracts + phases)
 * per tick, and allocates nothing.
 */
#include "finance.h"

#define SECONDS_PER_HOUR 3600.0

double finance_contract_payment(const spec_contract *k, int64_t delivered, double used,
                                double dt_h)
{
    const double billed = k->kind == SPEC_RESERVED ? (double)delivered : used;
    return billed * k->price_per_gpu_hour * dt_h;
}

double finance_phase_depreciation(const spec *s, const spec_phase *p, int online,
                                  int64_t t, double dt_h)
{
    const spec_gpu *g = &s->gpus[p->gpu];
    const double life_h = g->depreciation_years * SPEC_HOURS_PER_YEAR;
    if (!online || !(life_h > 0.0) || t < p->online)
        return 0.0;
    if ((double)(t - p->online) >= life_h * SECONDS_PER_HOUR)
        return 0.0;
    return (double)p->count * g->capex_usd / life_h * dt_h;
}

/* Contract payments: lessor revenue, lessee lease cost. */
static void accrue_contracts(const spec *s, const market_contract_row *contracts,
                             market_provider_row *providers)
{
    for (size_t c = 0; c < s->n_contracts; c++) {
        providers[s->contracts[c].lessor].revenue_usd += contracts[c].payment_usd;
        providers[s->contracts[c].lessee].lease_cost_usd += contracts[c].payment_usd;
    }
}

void finance_accrue(const spec *s, const uint8_t *phase_online, int64_t t, double dt_h,
                    const market_dc_row *dcs, const market_contract_row *contracts,
                    market_provider_row *providers)
{
    for (size_t p = 0; p < s->n_providers; p++) {
        market_provider_row *r = &providers[p];
        r->revenue_usd = r->lease_cost_usd = r->energy_cost_usd = r->depreciation_usd = 0.0;
    }
    accrue_contracts(s, contracts, providers);
    for (size_t d = 0; d < s->n_datacenters; d++) {
        const spec_datacenter *dc = &s->datacenters[d];
        providers[dc->owner].energy_cost_usd += dcs[d].energy_mwh * dc->energy_price_per_mwh;
    }
    for (size_t ph = 0; ph < s->n_phases; ph++) {
        const spec_phase *p = &s->phases[ph];
        const int owner = s->datacenters[p->datacenter].owner;
        providers[owner].depreciation_usd +=
            finance_phase_depreciation(s, p, phase_online[ph], t, dt_h);
    }
    for (size_t p = 0; p < s->n_providers; p++) {
        market_provider_row *r = &providers[p];
        r->margin_usd = r->revenue_usd - r->lease_cost_usd - r->energy_cost_usd -
                        r->depreciation_usd;
    }
}
