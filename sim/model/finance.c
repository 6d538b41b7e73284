/*
 * finance: per-tick money; the rules are in finance.h. Every function is a
 * pure function of its arguments, O(providers + DCs + contracts + phases)
 * per tick, and allocates nothing.
 */
#include "finance.h"

#include "../util/units.h"

double finance_contract_payment(const spec_contract *k, double price_per_gpu_hour,
                                int64_t delivered, double used, double dt_h)
{
    const double billed = k->kind == SPEC_RESERVED ? (double)delivered : used;  /* spot: on use */
    return billed * price_per_gpu_hour * dt_h;
}

double finance_phase_depreciation(const spec *s, const spec_phase *p, int online,
                                  int64_t t, double dt_h)
{
    const spec_gpu *g = &s->gpus[p->gpu];
    const double life_h = g->depreciation_years * UNITS_HOURS_PER_YEAR_REAL;
    if (!online || !(life_h > 0.0) || t < p->online)
        return 0.0;
    if ((double)(t - p->online) >= life_h * UNITS_SECONDS_PER_HOUR_REAL)
        return 0.0;
    return (double)p->count * g->capex_usd / life_h * dt_h;
}

double finance_phase_outstanding(const spec *s, const spec_phase *p, int online, int64_t t)
{
    const spec_gpu *g = &s->gpus[p->gpu];
    if (!online || t < p->online)
        return 0.0;
    const double capex = (double)p->count * g->capex_usd;
    const double life_s = g->depreciation_years * UNITS_SECONDS_PER_YEAR_REAL;
    if (!(life_s > 0.0))
        return capex;   /* never depreciated */
    const double left = 1.0 - (double)(t - p->online) / life_s;
    return left > 0.0 ? capex * left : 0.0;
}

double finance_dc_opex(const spec_datacenter *d, int64_t t, double dt_h)
{
    if (t < d->online)
        return 0.0;
    return d->power_mw * d->opex_per_mw_year * dt_h / UNITS_HOURS_PER_YEAR_REAL;
}

double finance_interest(const spec_provider *p, double outstanding, double dt_h)
{
    return p->debt_share * outstanding * p->interest_rate * dt_h / UNITS_HOURS_PER_YEAR_REAL;
}

double finance_sla_credit(const spec_contract *k, int active, int64_t committed,
                          int64_t delivered, double payment)
{
    if (!active || !(k->sla_availability > 0.0))
        return 0.0;
    return (double)delivered < (double)committed * k->sla_availability
               ? payment * k->sla_credit_share
               : 0.0;
}

double finance_termination_fee(const spec_contract *k, int64_t committed, int64_t t)
{
    double months = (double)(k->end - t) / UNITS_SECONDS_PER_MONTH_REAL;
    if (months > k->termination_fee_months)
        months = k->termination_fee_months;
    if (!(months > 0.0))
        return 0.0;
    return (double)committed * k->price_per_gpu_hour * months * UNITS_SECONDS_PER_MONTH_REAL /
           UNITS_SECONDS_PER_HOUR_REAL;
}

/* Contract transfers: lessor revenue, lessee lease cost. */
static void accrue_contracts(const entities *e, const market_contract_row *contracts,
                             market_provider_row *providers)
{
    for (size_t c = 0; c < e->n_contracts; c++) {
        const market_contract_row *r = &contracts[c];
        const double transfer = r->payment_usd - r->sla_credit_usd + r->fee_usd;
        providers[e->contracts[c].lessor].revenue_usd += transfer;
        providers[e->contracts[c].lessee].lease_cost_usd += transfer;
    }
}

void finance_accrue(const entities *e, const uint8_t *phase_online, int64_t t, double dt_h,
                    const market_dc_row *dcs, const market_contract_row *contracts,
                    market_provider_row *providers)
{
    const spec *s = e->spec;
    for (size_t p = 0; p < s->n_providers; p++) {
        market_provider_row *r = &providers[p];
        r->revenue_usd = r->lease_cost_usd = r->energy_cost_usd = r->depreciation_usd = 0.0;
        r->opex_usd = r->interest_usd = 0.0;   /* interest_usd holds the outstanding capex */
    }
    accrue_contracts(e, contracts, providers);
    for (size_t d = 0; d < e->n_datacenters; d++) {
        const spec_datacenter *dc = &e->datacenters[d];
        providers[dc->owner].energy_cost_usd += dcs[d].energy_mwh * dc->energy_price_per_mwh;
        providers[dc->owner].opex_usd += finance_dc_opex(dc, t, dt_h);
    }
    for (size_t ph = 0; ph < e->n_phases; ph++) {
        const spec_phase *p = &e->phases[ph];
        if (p->datacenter < 0)
            continue;   /* a reserved site not yet decided */
        const int owner = e->datacenters[p->datacenter].owner;
        providers[owner].depreciation_usd +=
            finance_phase_depreciation(s, p, phase_online[ph], t, dt_h);
        providers[owner].interest_usd += finance_phase_outstanding(s, p, phase_online[ph], t);
    }
    for (size_t p = 0; p < s->n_providers; p++) {
        market_provider_row *r = &providers[p];
        r->interest_usd = finance_interest(&s->providers[p], r->interest_usd, dt_h);
        r->margin_usd = r->revenue_usd - r->lease_cost_usd - r->energy_cost_usd -
                        r->depreciation_usd - r->opex_usd - r->interest_usd;
    }
}
