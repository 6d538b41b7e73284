/*
 * Unit tests for scenario_load's result (sim/scenario/scenario.c): the
 * resolved text, written elsewhere and loaded again, gives the same spec,
 * the same params and the same warnings, with no include left in it.
 */
#include <sys/stat.h>

#include "testlib.h"
#include "../../sim/scenario/scenario.h"

static void assert_same_distribution(const spec_distribution *x, const spec_distribution *y)
{
    assert_int_equal(x->kind, y->kind);
    assert_real_equal(x->mean, y->mean);
    assert_real_equal(x->sigma, y->sigma);
    assert_int_equal(x->n, y->n);
    if (x->n) {
        assert_memory_equal(x->values, y->values, x->n * sizeof(double));
        assert_memory_equal(x->weights, y->weights, x->n * sizeof(double));
    }
}

static void assert_same_workloads(const spec *a, const spec *b)
{
    for (size_t i = 0; i < a->n_workloads; i++) {
        spec_workload x = a->workloads[i], y = b->workloads[i];
        assert_int_equal(x.series_len, y.series_len);
        if (x.series_len) {
            assert_memory_equal(x.series_t, y.series_t, x.series_len * sizeof(double));
            assert_memory_equal(x.series_value, y.series_value, x.series_len * sizeof(double));
        }
        assert_same_distribution(&x.job_gpus, &y.job_gpus);
        assert_same_distribution(&x.duration_h, &y.duration_h);
        assert_int_equal(x.trace_len, y.trace_len);
        if (x.trace_len)
            assert_memory_equal(x.trace, y.trace, x.trace_len * sizeof *x.trace);
        x.series_t = y.series_t = x.series_value = y.series_value = NULL;
        x.job_gpus.values = y.job_gpus.values = x.job_gpus.weights = y.job_gpus.weights = NULL;
        x.duration_h.values = y.duration_h.values = NULL;
        x.duration_h.weights = y.duration_h.weights = NULL;
        x.trace = y.trace = NULL;
        assert_memory_equal(&x, &y, sizeof x);
    }
}

static void assert_same_market(const spec *a, const spec *b)
{
    assert_int_equal(a->n_pricelists, b->n_pricelists);
    assert_int_equal(a->n_procurements, b->n_procurements);
    assert_int_equal(a->n_buildouts, b->n_buildouts);
    assert_memory_equal(a->pricelists, b->pricelists, a->n_pricelists * sizeof *a->pricelists);
    assert_memory_equal(a->buildouts, b->buildouts, a->n_buildouts * sizeof *a->buildouts);
    for (size_t i = 0; i < a->n_procurements; i++) {
        spec_procurement x = a->procurements[i], y = b->procurements[i];
        assert_int_equal(x.n_sellers, y.n_sellers);
        assert_memory_equal(x.sellers, y.sellers, x.n_sellers * sizeof *x.sellers);
        x.sellers = y.sellers = NULL;
        assert_memory_equal(&x, &y, sizeof x);
    }
}

static void assert_same_spec(const spec *a, const spec *b)
{
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->start_day, b->start_day);
    assert_int_equal(a->end, b->end);
    assert_int_equal(a->tick_seconds, b->tick_seconds);
    assert_int_equal(a->seed, b->seed);
    assert_int_equal(a->n_gpus, b->n_gpus);
    assert_int_equal(a->n_providers, b->n_providers);
    assert_int_equal(a->n_datacenters, b->n_datacenters);
    assert_int_equal(a->n_phases, b->n_phases);
    assert_int_equal(a->n_contracts, b->n_contracts);
    assert_int_equal(a->n_workloads, b->n_workloads);
    assert_memory_equal(a->gpus, b->gpus, a->n_gpus * sizeof *a->gpus);
    assert_memory_equal(a->providers, b->providers, a->n_providers * sizeof *a->providers);
    assert_memory_equal(a->datacenters, b->datacenters,
                        a->n_datacenters * sizeof *a->datacenters);
    assert_memory_equal(a->phases, b->phases, a->n_phases * sizeof *a->phases);
    assert_memory_equal(a->contracts, b->contracts, a->n_contracts * sizeof *a->contracts);
    assert_same_workloads(a, b);
    assert_same_market(a, b);
}

/* The inference-only scenario and the one with every issue-3 section. */
static void check_round_trip(testlib_dir *f, const char *name, const char *const *sets,
                             size_t n_sets)
{
    scenario *first = testlib_dir_load_ok(f, name, sets, n_sets);
    char resolved[128];
    snprintf(resolved, sizeof resolved, "elsewhere/resolved-%s", name);
    testlib_dir_write(f, resolved, first->resolved_text);
    scenario *second = testlib_dir_load_ok(f, resolved, NULL, 0);
    assert_same_spec(first->spec, second->spec);
    assert_int_equal(first->n_params, second->n_params);
    for (size_t i = 0; i < first->n_params; i++) {
        const scenario_param *p = testlib_find_param(second, first->params[i].path);
        if (!strstr(p->path, ".series") && !strstr(p->path, ".trace"))
            assert_string_equal(p->value, first->params[i].value);
    }
    assert_int_equal(first->n_warnings, second->n_warnings);
    assert_null(strstr(first->resolved_text, "\ninclude"));
    scenario_destroy(first);
    scenario_destroy(second);
}

static void test_resolved_text_round_trip(void **state)
{
    testlib_dir *f = *state;
    testlib_write_market(f);                                      /* full.ini and market.ini */
    char sub[128];
    snprintf(sub, sizeof sub, "%s/elsewhere", f->dir);    /* CSV paths must not be relative */
    assert_int_equal(mkdir(sub, 0755), 0);
    const char *const sets[] = {"contract.cw-google.gpus=20000",
                                "workload.openai-chat.yearly_factor=2"};
    check_round_trip(f, "full.ini", sets, 2);
    const char *const market_sets[] = {"procurement.openai-buys.sellers=coreweave, google",
                                       "workload.google-train.duration_h=exponential 3.5",
                                       "contract.google-openai-ramp.ramp_months=7.25"};
    check_round_trip(f, "market.ini", market_sets, 3);
    scenario *sc = testlib_dir_load_ok(f, "full.ini", sets, 2);
    assert_contains(sc->resolved_text, "gpus = 20000\n");
    assert_contains(sc->resolved_text, "; pue = 1.3  (default)\n");
    scenario_destroy(sc);
    sc = testlib_dir_load_ok(f, "market.ini", NULL, 0);
    assert_contains(sc->resolved_text, "\n[procurement google-buys]\nbuyer = google\n");
    assert_contains(sc->resolved_text, "; term_months = 48  (default)\n");
    assert_contains(sc->resolved_text, "trace = /");
    scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        testlib_dir_test(test_resolved_text_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
