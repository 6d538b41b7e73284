/*
 * Unit tests for finance: reserved vs on-demand payments, straight-line
 * depreciation over a phase's life, and the accrual of one tick (energy,
 * transfers that net to zero, margin) on hand-made rows.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contract_payment),
        cmocka_unit_test(test_depreciation_life),
        cmocka_unit_test(test_accrue_one_tick),
    };
    return cmocka_run_group_tests_name("finance", tests, NULL, NULL);
}
