/*
 * Unit tests for finance: reserved vs on-demand payments, straight-line
 * depreciation over a phase's life, datacenter opex, interest on the capex
 * not yet depreciated, and the accrual of one tick (energy, opex, interest,
 * transfers that net to zero, the margin identity) on hand-made rows.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../sim/model/finance.h"
#include "testlib.h"

static void test_contract_payment(void **state)
{
    (void)state;
    spec_contract k = {.price_per_gpu_hour = 2.37, .kind = SPEC_RESERVED};
    assert_close(finance_contract_payment(&k, k.price_per_gpu_hour, 1848, 611.25, 0.25), 1848 * 2.37 * 0.25, 1e-9);
    k.kind = SPEC_ON_DEMAND;
    assert_close(finance_contract_payment(&k, k.price_per_gpu_hour, 1848, 611.25, 0.25), 611.25 * 2.37 * 0.25, 1e-9);
}

static void test_depreciation_life(void **state)
{
    (void)state;
    spec *s = testlib_chain();
    const spec_phase *p = &s->phases[PH_IOWA_H100];   /* life ends at CHAIN_IOWA_LIFE_END */
    const double per_hour = 1024 * 25000.0 / (5 * 8766.0);
    assert_close(finance_phase_depreciation(s, p, 1, 0, 1.0), per_hour, 1e-9);
    assert_close(finance_phase_depreciation(s, p, 1, CHAIN_IOWA_LIFE_END - 1, 6.0), 6 * per_hour,
                 1e-9);
    assert_close(finance_phase_depreciation(s, p, 1, CHAIN_IOWA_LIFE_END, 1.0), 0.0, 0.0);
    assert_close(finance_phase_depreciation(s, p, 0, 0, 1.0), 0.0, 0.0);   /* offline */
    const spec_phase *late = &s->phases[PH_PLANO_GB200];
    assert_close(finance_phase_depreciation(s, late, 1, CHAIN_GB200_ONLINE - 1, 1.0), 0.0, 0.0);
    assert_close(finance_phase_depreciation(s, late, 1, CHAIN_GB200_ONLINE, 0.5),
                 0.5 * 2048 * 60000.0 / (4 * 8766.0), 1e-9);
    s->gpus[GPU_GB200].depreciation_years = 0.0;
    assert_close(finance_phase_depreciation(s, late, 1, CHAIN_GB200_ONLINE, 1.0), 0.0, 0.0);
    spec_destroy(s);
}

static void test_accrue_one_tick(void **state)
{
    (void)state;
    spec *s = testlib_chain();
    uint8_t online[CHAIN_N_PHASES] = {1, 0, 1};
    market_dc_row dcs[CHAIN_N_DCS] = {{.energy_mwh = 3.125}, {.energy_mwh = 0.875}};
    market_contract_row cs[CHAIN_N_CONTRACTS] = {
        {.payment_usd = 5040.0}, {.payment_usd = 3815.5}, {.payment_usd = 0.0}};
    market_provider_row ps[CHAIN_N_PROVIDERS];
    memset(ps, 0x5a, sizeof ps);   /* finance must overwrite, not add to, old values */
    const entities view = entities_of_spec(s);
    finance_accrue(&view, online, 0, 1.0, dcs, cs, ps);
    const double h100 = 25000.0 / (5 * 8766.0);
    assert_close(ps[P_COREWEAVE].revenue_usd, 5040.0, 0.0);
    assert_close(ps[P_COREWEAVE].energy_cost_usd, 3.125 * 61.5, 1e-12);
    assert_close(ps[P_COREWEAVE].depreciation_usd, 4096 * h100, 1e-9);
    assert_close(ps[P_COREWEAVE].margin_usd, 5040.0 - 3.125 * 61.5 - 4096 * h100, 1e-9);
    assert_close(ps[P_GOOGLE].revenue_usd, 3815.5, 0.0);
    assert_close(ps[P_GOOGLE].lease_cost_usd, 5040.0, 0.0);
    assert_close(ps[P_GOOGLE].energy_cost_usd, 0.875 * 47.0, 1e-12);
    assert_close(ps[P_OPENAI].lease_cost_usd, 3815.5, 0.0);
    assert_close(ps[P_OPENAI].margin_usd, -3815.5, 0.0);
    double net = 0;
    for (int p = 0; p < CHAIN_N_PROVIDERS; p++)
        net += ps[p].revenue_usd - ps[p].lease_cost_usd;
    assert_close(net, 0.0, 0.0);
    spec_destroy(s);
}

/* Opex: power cap x rate x hours / 8766, from the DC's online date on. */
static void test_opex_per_tick(void **state)
{
    (void)state;
    spec_datacenter d = {.power_mw = 44.5, .opex_per_mw_year = 2.1e6, .online = 7200};
    assert_close(finance_dc_opex(&d, 7200, 0.25), 44.5 * 2.1e6 * 0.25 / 8766.0, 1e-9);
    assert_close(finance_dc_opex(&d, 7200, 0.25), 2665.126625598905, 1e-9);
    assert_close(finance_dc_opex(&d, 3600, 1.0), 0.0, 0.0);   /* not yet online */
    d.opex_per_mw_year = 0.0;
    assert_close(finance_dc_opex(&d, 7200, 1.0), 0.0, 0.0);
}

/* Interest on a depreciating phase: the debt share of the capex not yet
 * written off, at the yearly rate, per hour of the tick. */
static void test_interest_on_depreciating_phase(void **state)
{
    (void)state;
    spec *s = testlib_chain();
    const spec_phase *p = &s->phases[PH_PLANO_GB200];   /* 2048 GB200, $60k, 4-year life */
    const int64_t year = (int64_t)UNITS_SECONDS_PER_YEAR_REAL;
    const double capex = 2048 * 60000.0;
    assert_close(finance_phase_outstanding(s, p, 1, CHAIN_GB200_ONLINE), capex, 1e-6);
    assert_close(finance_phase_outstanding(s, p, 1, CHAIN_GB200_ONLINE + year), 0.75 * capex,
                 1e-6);
    assert_close(finance_phase_outstanding(s, p, 1, CHAIN_GB200_ONLINE + 3 * year + year / 2),
                 0.125 * capex, 1e-6);
    assert_close(finance_phase_outstanding(s, p, 1, CHAIN_GB200_ONLINE + 4 * year), 0.0, 0.0);
    assert_close(finance_phase_outstanding(s, p, 1, CHAIN_GB200_ONLINE - 1), 0.0, 0.0);
    assert_close(finance_phase_outstanding(s, p, 0, CHAIN_GB200_ONLINE + year), 0.0, 0.0);
    spec_provider cw = {.debt_share = 0.8, .interest_rate = 0.11};
    /* 0.8 x 92.16M x 0.11 / 8766 x 6 h: $5,551.05 per 6-hour tick one year in */
    const double interest =
        finance_interest(&cw, finance_phase_outstanding(s, p, 1, CHAIN_GB200_ONLINE + year), 6.0);
    assert_close(interest, 0.8 * 0.75 * capex * 0.11 * 6.0 / 8766.0, 1e-9);
    assert_close(interest, 5551.0472, 1e-4);
    /* Summed over the life, hourly: debt_share x rate x capex x life / 2 (the
     * straight-line balance averages half the capex). */
    double total = 0.0;
    for (int64_t t = CHAIN_GB200_ONLINE; t < CHAIN_GB200_ONLINE + 4 * year; t += 3600)
        total += finance_interest(&cw, finance_phase_outstanding(s, p, 1, t), 1.0);
    assert_close(total, 0.8 * 0.11 * capex * 4 / 2, 0.8 * 0.11 * capex * 1e-4);
    s->gpus[GPU_GB200].depreciation_years = 0.0;   /* never written off: all outstanding */
    assert_close(finance_phase_outstanding(s, p, 1, CHAIN_GB200_ONLINE + 9 * year), capex, 1e-6);
    cw.debt_share = 0.0;
    assert_close(finance_interest(&cw, capex, 1.0), 0.0, 0.0);
    spec_destroy(s);
}

/* One tick with opex and interest: each cost lands on the right provider
 * and margin = revenue - lease - energy - depreciation - opex - interest. */
static void test_accrue_costs_margin_identity(void **state)
{
    (void)state;
    spec *s = testlib_chain();
    s->datacenters[DC_PLANO].opex_per_mw_year = 1.9e6;
    s->datacenters[DC_IOWA].opex_per_mw_year = 1.3e6;
    s->datacenters[DC_IOWA].online = TESTLIB_DAY;   /* not yet online at t = 0 */
    s->providers[P_COREWEAVE].debt_share = 0.75;
    s->providers[P_COREWEAVE].interest_rate = 0.095;
    s->providers[P_GOOGLE].debt_share = 0.5;        /* rate 0: no interest */
    uint8_t online[CHAIN_N_PHASES] = {1, 0, 1};
    market_dc_row dcs[CHAIN_N_DCS] = {{.energy_mwh = 3.125}, {.energy_mwh = 0.875}};
    market_contract_row cs[CHAIN_N_CONTRACTS] = {
        {.payment_usd = 5040.0}, {.payment_usd = 3815.5}, {.payment_usd = 0.0}};
    market_provider_row ps[CHAIN_N_PROVIDERS];
    memset(ps, 0x5a, sizeof ps);
    const entities view = entities_of_spec(s);
    finance_accrue(&view, online, 0, 0.5, dcs, cs, ps);
    const market_provider_row *cw = &ps[P_COREWEAVE];
    const double opex = 50.0 * 1.9e6 * 0.5 / 8766.0;
    /* cw-plano's H100s came online a day before the start, 5-year life */
    const double outstanding = 4096 * 25000.0 * (1.0 - 86400.0 / (5 * 365.25 * 86400.0));
    const double interest = 0.75 * outstanding * 0.095 * 0.5 / 8766.0;
    assert_close(cw->opex_usd, opex, 1e-9);
    assert_close(cw->interest_usd, interest, 1e-9);
    assert_close(cw->interest_usd, 415.9254, 1e-4);
    assert_close(cw->margin_usd, cw->revenue_usd - cw->lease_cost_usd - cw->energy_cost_usd -
                                     cw->depreciation_usd - opex - interest, 1e-9);
    assert_close(ps[P_GOOGLE].opex_usd, 0.0, 0.0);      /* g-iowa comes online at day 1 */
    assert_close(ps[P_GOOGLE].interest_usd, 0.0, 0.0);
    finance_accrue(&view, online, TESTLIB_DAY, 0.5, dcs, cs, ps);
    assert_close(ps[P_GOOGLE].opex_usd, 50.0 * 1.3e6 * 0.5 / 8766.0, 1e-9);
    for (int p = 0; p < CHAIN_N_PROVIDERS; p++) {
        const market_provider_row *r = &ps[p];
        assert_close(r->margin_usd, r->revenue_usd - r->lease_cost_usd - r->energy_cost_usd -
                                        r->depreciation_usd - r->opex_usd - r->interest_usd,
                     1e-9);
    }
    spec_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contract_payment),
        cmocka_unit_test(test_depreciation_life),
        cmocka_unit_test(test_opex_per_tick),
        cmocka_unit_test(test_interest_on_depreciating_phase),
        cmocka_unit_test(test_accrue_costs_margin_identity),
        cmocka_unit_test(test_accrue_one_tick),
    };
    return cmocka_run_group_tests_name("finance", tests, NULL, NULL);
}
