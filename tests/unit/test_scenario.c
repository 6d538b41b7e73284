/*
 * Unit tests for the scenario reader (sim/scenario: the scenario, series and trace readers,
 * suggest.c, textnum.c). Every test writes its scenario files into a fresh
 * temporary directory (mkdtemp) and loads them:
 *  - a full valid scenario gives the expected spec, value by value;
 *  - includes are read in place, later values win; --set wins over files;
 *  - params and resolved_text record the result, and resolved_text loads
 *    back to the same spec;
 *  - every kind of error names the file, the line and what was wrong;
 *  - an oversubscribed lessor is a warning, not an error;
 *  - issue 3's sections (contract terms, price lists, procurement,
 *    build-out, training workloads, job distributions and traces) resolve
 *    to the expected values and defaults, print, round-trip, and refuse
 *    bad input with file:line and suggestions.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../sim/util/caltime.h"
#include "../../sim/scenario/jobtrace.h"
#include "../../sim/scenario/scenario.h"
#include "../../sim/scenario/scenario_dist.h"
#include "../../sim/scenario/scenario_keys.h"
#include "../../sim/scenario/scenario_resolve.h"
#include "../../sim/util/suggest.h"
#include "../../sim/util/textnum.h"

#define DAY 86400
#define ERR_LEN 2048

/* ---- fixture: a temporary directory ---- */

typedef struct fixture {
    char dir[64];
    char path[512];       /* the last file written */
    char err[ERR_LEN];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/capsim-test-scenario-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    fixture *f = *state;
    nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* Writes dir/name; f->path holds its path afterwards. */
static const char *write_file(fixture *f, const char *name, const char *text)
{
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, name);
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
    return f->path;
}

static scenario *load(fixture *f, const char *name, const char *const *sets, size_t n_sets)
{
    char path[512];
    scenario_override overrides[8];
    assert_true(n_sets <= 8);
    for (size_t i = 0; i < n_sets; i++)
        overrides[i].assignment = sets[i];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    return scenario_load(path, overrides, n_sets, f->err, sizeof f->err);
}

static scenario *load_ok(fixture *f, const char *name, const char *const *sets, size_t n_sets)
{
    scenario *sc = load(f, name, sets, n_sets);
    if (!sc)
        fail_msg("expected %s to load, got: %s", name, f->err);
    return sc;
}

/* Exact equality of doubles (the values are parsed, not computed), showing both. */
#define assert_real_equal(actual, expected)                                                \
    do {                                                                                   \
        double actual_ = (actual), expected_ = (expected);                                 \
        if (actual_ != expected_)                                                          \
            fail_msg("%s = %.17g, expected %.17g", #actual, actual_, expected_);           \
    } while (0)

/* Fails unless `text` contains `fragment`, showing both. */
#define assert_contains(text, fragment)                                                    \
    do {                                                                                   \
        if (!strstr((text), (fragment)))                                                   \
            fail_msg("expected \"%s\" in \"%s\"", (fragment), (text));                     \
    } while (0)

static const scenario_param *find_param(const scenario *sc, const char *path)
{
    for (size_t i = 0; i < sc->n_params; i++)
        if (strcmp(sc->params[i].path, path) == 0)
            return &sc->params[i];
    fail_msg("no param %s", path);
    return NULL;
}

/* ---- the full valid scenario ---- */

static const char gpus_ini[] =
    "; GPU types, included by full.ini\n"
    "[gpu H100]\n"
    "tdp_w = 700\n"
    "idle_w = 90\n"
    "capex_usd = 25000\n"
    "\n"
    "[gpu H200]\n"
    "tdp_w = 700\n"
    "idle_w = 95\n"
    "infer_speed = 1.6\n"
    "straggler_share = 0.02\n"
    "straggler_speed = 0.85\n"
    "\n"
    "[gpu B200]\n"
    "tdp_w = 1000\n"
    "idle_w = 140\n"
    "train_speed = 2.5\n"
    "infer_speed = 3.0\n"
    "depreciation_years = 5\n";

static const char full_ini[] =
    "# A full scenario: every section kind, includes, comments, indentation.\n"
    "[scenario]\n"
    "name  = OpenAI on Google Cloud, backed by CoreWeave\n"
    "start = 2025-01-01\n"
    "end   = 2029-12-31\n"
    "tick  = 6h            ; 15m, 1h, 6h, 1d\n"
    "seed  = 7             # inline hash comment\n"
    "include = gpus.ini\n"
    "\n"
    "[provider coreweave]\n"
    "kind = neocloud\n"
    "[provider google]\n"
    "  kind = hyperscaler\n"
    "[provider openai]\n"
    "kind = lab\n"
    "\n"
    "[datacenter cw-plano]\n"
    "owner = coreweave\n"
    "region = us-tx\n"
    "power_mw = 50\n"
    "pue = 1.25\n"
    "gpus = H100:16000, H200:4000\n"
    "online = 2024-03-01\n"
    "\n"
    "[datacenter g-iowa]\n"
    "owner = google\n"
    "power_mw = 12.5\n"
    "energy_price_per_mwh = 65\n"
    "gpus = H100:8000\n"
    "\n"
    "[phase iowa-2]\n"                   /* written before plano-2, sorted after it */
    "datacenter = g-iowa\n"
    "online = 2026-04-01\n"
    "gpus = B200:4096\n"
    "\n"
    "[phase plano-2]\n"
    "datacenter = cw-plano\n"
    "online = 2026-01-01\n"
    "gpus = B200:8000, H200:1024\n"
    "\n"
    "[contract cw-google]\n"
    "lessor = coreweave\n"
    "lessee = google\n"
    "gpu = H100\n"
    "gpus = 16000\n"
    "start = 2025-06-01\n"
    "term_months = 48\n"
    "price_per_gpu_hour = 2.10\n"
    "\n"
    "[contract google-openai]\n"
    "lessor = google\n"
    "lessee = openai\n"
    "gpus = 16000\n"
    "start = 2025-06-01\n"
    "end = 2029-05-31\n"
    "price_per_gpu_hour = 3.35\n"
    "kind = on_demand\n"
    "\n"
    "[contract cw-openai-short]\n"
    "lessor = coreweave\n"
    "lessee = openai\n"
    "gpu = H200\n"
    "gpus = 1024\n"
    "start = 2025-01-31\n"
    "term_months = 1\n"
    "price_per_gpu_hour = 4\n"
    "\n"
    "[workload openai-chat]\n"
    "tenant = openai\n"
    "type = inference\n"
    "start = 2025-03-01\n"
    "demand_h100 = 9000\n"
    "yearly_factor = 1.8\n"
    "diurnal_amplitude = 0.25\n"
    "peak_hour = 19.5\n"
    "noise_sigma = 0.05\n"
    "\n"
    "[workload google-search]\n"
    "tenant = google\n"
    "type = inference\n"
    "demand_h100 = 2000\n"
    "growth = logistic\n"
    "ceiling_h100 = 12000\n"
    "rate_per_year = 0.9\n"
    "\n"
    "[workload openai-api]\n"
    "tenant = openai\n"
    "type = inference\n"
    "demand_h100 = 1000\n"
    "growth = series\n"
    "series = data/api.csv\n";

static const char api_csv[] =
    "date,demand_h100\n"
    "2025-01-01,1000\n"
    "\"2025-07-01\",2500.5\n"
    "2026-01-01,4000\n";

static void write_full(fixture *f)
{
    write_file(f, "gpus.ini", gpus_ini);
    write_file(f, "full.ini", full_ini);
    char data[128];
    snprintf(data, sizeof data, "%s/data", f->dir);
    assert_int_equal(mkdir(data, 0755), 0);
    write_file(f, "data/api.csv", api_csv);
}

static void check_period_and_gpus(const spec *s)
{
    assert_string_equal(s->name, "OpenAI on Google Cloud, backed by CoreWeave");
    assert_string_equal(s->start_date, "2025-01-01");
    assert_int_equal(s->end, 1826LL * DAY);        /* 2025-01-01 .. 2029-12-31 inclusive */
    assert_int_equal(s->tick_seconds, 6 * 3600);
    assert_int_equal(s->seed, 7);
    assert_int_equal(s->n_gpus, 3);
    assert_string_equal(s->gpus[0].name, "H100");
    assert_real_equal(s->gpus[0].tdp_w, 700);
    assert_real_equal(s->gpus[0].idle_w, 90);
    assert_real_equal(s->gpus[0].capex_usd, 25000);
    assert_real_equal(s->gpus[0].train_speed, 1.0);         /* defaults */
    assert_real_equal(s->gpus[0].depreciation_years, 6);
    assert_real_equal(s->gpus[0].straggler_share, 0);
    assert_real_equal(s->gpus[0].straggler_speed, 0.9);
    assert_real_equal(s->gpus[1].infer_speed, 1.6);
    assert_real_equal(s->gpus[1].straggler_share, 0.02);
    assert_real_equal(s->gpus[1].straggler_speed, 0.85);
    assert_real_equal(s->gpus[2].train_speed, 2.5);
    assert_real_equal(s->gpus[2].depreciation_years, 5);
}

static void check_providers_and_dcs(const spec *s)
{
    assert_int_equal(s->n_providers, 3);
    assert_int_equal(s->providers[0].kind, SPEC_NEOCLOUD);
    assert_int_equal(s->providers[1].kind, SPEC_HYPERSCALER);
    assert_int_equal(s->providers[2].kind, SPEC_LAB);
    assert_string_equal(s->providers[1].name, "google");
    assert_int_equal(s->n_datacenters, 2);
    const spec_datacenter *plano = &s->datacenters[0], *iowa = &s->datacenters[1];
    assert_int_equal(plano->owner, 0);
    assert_string_equal(plano->region, "us-tx");
    assert_real_equal(plano->power_mw, 50);
    assert_real_equal(plano->pue, 1.25);
    assert_real_equal(plano->energy_price_per_mwh, 80.6);    /* default */
    assert_int_equal(plano->online, -306LL * DAY);               /* 2024-03-01 */
    assert_int_equal(iowa->owner, 1);
    assert_string_equal(iowa->region, "");
    assert_real_equal(iowa->pue, 1.3);                      /* default */
    assert_real_equal(iowa->energy_price_per_mwh, 65);
    assert_int_equal(iowa->online, 0);                           /* default: start */
}

static void check_phase(const spec_phase *p, const char *name, int dc, int gpu,
                        int64_t count, int64_t online)
{
    assert_string_equal(p->name, name);
    assert_int_equal(p->datacenter, dc);
    assert_int_equal(p->gpu, gpu);
    assert_int_equal(p->count, count);
    assert_int_equal(p->online, online);
}

static void check_phases(const spec *s)
{
    /* sorted by datacenter, then as written, the DC's own gpus first */
    assert_int_equal(s->n_phases, 6);
    check_phase(&s->phases[0], "cw-plano", 0, 0, 16000, -306LL * DAY);
    check_phase(&s->phases[1], "cw-plano", 0, 1, 4000, -306LL * DAY);
    check_phase(&s->phases[2], "plano-2", 0, 2, 8000, 365LL * DAY);
    check_phase(&s->phases[3], "plano-2", 0, 1, 1024, 365LL * DAY);
    check_phase(&s->phases[4], "g-iowa", 1, 0, 8000, 0);
    check_phase(&s->phases[5], "iowa-2", 1, 2, 4096, (365LL + 90) * DAY);
}

static void check_contracts(const spec *s)
{
    assert_int_equal(s->n_contracts, 3);
    const spec_contract *a = &s->contracts[0], *b = &s->contracts[1], *c = &s->contracts[2];
    assert_int_equal(a->lessor, 0);
    assert_int_equal(a->lessee, 1);
    assert_int_equal(a->gpu, 0);
    assert_int_equal(a->gpus, 16000);
    assert_int_equal(a->start, 151LL * DAY);            /* 2025-06-01 */
    assert_int_equal(a->end, 1612LL * DAY);             /* + 48 months: 2029-06-01 */
    assert_real_equal(a->price_per_gpu_hour, 2.10);
    assert_int_equal(a->kind, SPEC_RESERVED);
    assert_int_equal(b->gpu, SPEC_ANY_GPU);             /* default: any */
    assert_int_equal(b->end, 1612LL * DAY);             /* end 2029-05-31, inclusive */
    assert_int_equal(b->kind, SPEC_ON_DEMAND);
    /* 2025-01-31 + 1 month: clamped to 2025-02-28, exclusive (served to 02-27) */
    assert_int_equal(c->start, 30LL * DAY);
    assert_int_equal(c->end, 58LL * DAY);
    assert_int_equal(c->gpu, 1);
}

static void check_workloads(const spec *s)
{
    assert_int_equal(s->n_workloads, 3);
    const spec_workload *chat = &s->workloads[0], *search = &s->workloads[1];
    const spec_workload *api = &s->workloads[2];
    assert_int_equal(chat->tenant, 2);
    assert_int_equal(chat->type, SPEC_INFERENCE);
    assert_int_equal(chat->start, 59LL * DAY);
    assert_int_equal(chat->growth, SPEC_GROWTH_EXPONENTIAL);
    assert_real_equal(chat->demand_h100, 9000);
    assert_real_equal(chat->yearly_factor, 1.8);
    assert_real_equal(chat->diurnal_amplitude, 0.25);
    assert_real_equal(chat->peak_hour, 19.5);
    assert_real_equal(chat->noise_sigma, 0.05);
    assert_int_equal(search->growth, SPEC_GROWTH_LOGISTIC);
    assert_real_equal(search->ceiling_h100, 12000);
    assert_real_equal(search->rate_per_year, 0.9);
    assert_real_equal(search->peak_hour, 20);        /* default */
    assert_int_equal(search->start, 0);
    assert_int_equal(api->growth, SPEC_GROWTH_SERIES);
    assert_int_equal(api->series_len, 3);
    assert_real_equal(api->series_t[0], 0);
    assert_real_equal(api->series_t[1], 181.0 * DAY);
    assert_real_equal(api->series_t[2], 365.0 * DAY);
    assert_real_equal(api->series_value[1], 2500.5);
    assert_real_equal(api->series_value[2], 4000);
}

static void test_full_scenario(void **state)
{
    fixture *f = *state;
    write_full(f);
    scenario *sc = load_ok(f, "full.ini", NULL, 0);
    check_period_and_gpus(sc->spec);
    check_providers_and_dcs(sc->spec);
    check_phases(sc->spec);
    check_contracts(sc->spec);
    check_workloads(sc->spec);
    assert_int_equal(sc->n_warnings, 0);
    assert_contains(sc->path, "full.ini");
    scenario_destroy(sc);
}

static void test_print(void **state)
{
    fixture *f = *state;
    write_full(f);
    scenario *sc = load_ok(f, "full.ini", NULL, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    scenario_print(sc, out);
    fclose(out);
    assert_contains(text, "2025-01-01 to 2029-12-31");
    assert_contains(text, "coreweave (neocloud)");
    assert_contains(text, "H100 16000, H200 5024, B200 8000; TDP 22.72 of 50 MW");
    assert_contains(text, "coreweave -> google, 16000 x H100, 2025-06-01 to 2029-05-31");
    assert_contains(text, "2025-01-31 to 2025-02-27 inclusive");
    assert_contains(text, "logistic, ceiling 12000, rate 0.9 per year");
    assert_contains(text, "series of 3 points");
    assert_contains(text, "warnings (0)");
    free(text);
    scenario_destroy(sc);
}

/* ---- the market: issue 3's contract terms, price lists, procurement,
 * build-out, training workloads and traces, on top of full.ini ---- */

static const char market_ini[] =
    "[scenario]\n"
    "include = full.ini\n"
    "\n"
    "[contract cw-openai-spot]\n"
    "lessor = coreweave\n"
    "lessee = openai\n"
    "gpu = H100\n"
    "gpus = 2048\n"
    "start = 2025-03-01\n"
    "end = 2026-02-28\n"
    "price_per_gpu_hour = 1.2\n"
    "kind = spot\n"
    "\n"
    "[contract google-openai-ramp]\n"
    "lessor = google\n"
    "lessee = openai\n"
    "gpus = 4096\n"
    "start = 2026-01-01\n"
    "term_months = 36\n"
    "price_per_gpu_hour = 2.8\n"
    "ramp_months = 6\n"
    "sla_availability = 0.995\n"
    "sla_credit_share = 0.25\n"
    "terminate = 2027-07-01\n"
    "termination_fee_months = 4.5\n"
    "\n"
    "[pricelist cw-h100]\n"
    "seller = coreweave\n"
    "gpu = H100\n"
    "reserved_per_gpu_hour = 2.10\n"
    "on_demand_per_gpu_hour = 4.25\n"
    "discount_per_year = 0.05\n"
    "\n"
    "[pricelist google-any]\n"
    "seller = google\n"
    "reserved_per_gpu_hour = 3.1\n"
    "spot_per_gpu_hour = 1.5\n"
    "max_discount = 0.4\n"
    "\n"
    "[pricelist cw-any]\n"
    "seller = coreweave\n"
    "reserved_per_gpu_hour = 2.5\n"
    "\n"
    "[procurement openai-buys]\n"
    "buyer = openai\n"
    "first_review = 2025-04-01\n"
    "review_months = 1.5\n"
    "horizon_months = 18\n"
    "gap_threshold_h100 = 2500\n"
    "headroom = 0.2\n"
    "sellers = google,  coreweave\n"
    "first_refusal = yes\n"
    "first_refusal_until = 2026-01-01\n"
    "gpu = H100\n"
    "term_months = 36\n"
    "kind = reserved\n"
    "max_price_per_gpu_hour = 3.5\n"
    "\n"
    "[procurement google-buys]\n"
    "buyer = google\n"
    "sellers = coreweave\n"
    "max_price_per_gpu_hour = 2.5\n"
    "\n"
    "[buildout cw-build]\n"
    "owner = coreweave\n"
    "lead_time_months = 9\n"
    "slippage_sigma_months = 2.5\n"
    "gpu = B200\n"
    "site_power_mw = 40\n"
    "pue = 1.2\n"
    "energy_price_per_mwh = 70\n"
    "region = us-tx\n"
    "yearly_budget_mw = 200\n"
    "yearly_budget_usd = 5e9\n"
    "trigger = low_uncommitted\n"
    "uncommitted_threshold_gpus = 4000\n"
    "max_sites = 12\n"
    "\n"
    "[buildout google-build]\n"
    "owner = google\n"
    "gpu = H100\n"
    "site_power_mw = 25\n"
    "\n"
    "[workload openai-train]\n"
    "tenant = openai\n"
    "type = training\n"
    "arrival_rate_per_day = 40\n"
    "growth = logistic\n"
    "ceiling_rate_per_day = 120\n"
    "rate_per_year = 0.8\n"
    "job_gpus = 8:0.5, 64:0.3,512 : 0.2\n"
    "duration_h = lognormal 24   0.8\n"
    "max_wait_h = 48\n"
    "backfill = true\n"
    "\n"
    "[workload google-train]\n"
    "tenant = google\n"
    "type = training\n"
    "arrival_rate_per_day = 10\n"
    "job_gpus = exponential 100\n"
    "duration_h = fixed 6\n"
    "max_wait_h = none\n"
    "\n"
    "[workload openai-replay]\n"
    "tenant = openai\n"
    "type = training\n"
    "trace = data/jobs.csv\n";

/* Out of order; two pairs submitted at the same second keep their order. */
static const char jobs_csv[] =
    "submit,gpus,duration_h,gpu\n"
    "2025-02-01 12:00:00,64,12.5,H100\n"
    "2025-01-15,8,1,\n"
    "\n"
    "2025-02-01 12:00:00,512,72,any\n"
    "\"2025-01-15\",16,2,B200\n";

static void write_market(fixture *f)
{
    write_full(f);
    write_file(f, "data/jobs.csv", jobs_csv);
    write_file(f, "market.ini", market_ini);
}

#define MONTH 2629800LL         /* 30.4375 days */

static void check_market_contracts(const spec *s)
{
    assert_int_equal(s->n_contracts, 5);
    for (size_t i = 0; i < 3; i++) {                /* full.ini's: every new field at its default */
        const spec_contract *c = &s->contracts[i];
        assert_int_equal(c->ramp_seconds, 0);
        assert_real_equal(c->sla_availability, 0);
        assert_real_equal(c->sla_credit_share, 0.1);
        assert_true(c->terminate == SPEC_NO_TIME);
        assert_real_equal(c->termination_fee_months, 0);
        assert_int_equal(c->origin, SPEC_ORIGIN_SCENARIO);
        assert_true(c->signed_at == SPEC_NO_TIME);
        assert_int_equal(c->parent, -1);
    }
    const spec_contract *spot = &s->contracts[3], *ramp = &s->contracts[4];
    assert_int_equal(spot->kind, SPEC_SPOT);
    assert_int_equal(spot->start, 59LL * DAY);
    assert_int_equal(spot->end, 424LL * DAY);           /* 2026-02-28 inclusive */
    assert_true(spot->terminate == SPEC_NO_TIME);
    assert_int_equal(ramp->start, 365LL * DAY);
    assert_int_equal(ramp->end, 1461LL * DAY);          /* + 36 months: 2029-01-01 */
    assert_int_equal(ramp->ramp_seconds, 6 * MONTH);
    assert_real_equal(ramp->sla_availability, 0.995);
    assert_real_equal(ramp->sla_credit_share, 0.25);
    assert_int_equal(ramp->terminate, 911LL * DAY);     /* 2027-07-01 */
    assert_real_equal(ramp->termination_fee_months, 4.5);
    assert_int_equal(ramp->parent, -1);
}

static void check_market_policies(const spec *s)
{
    assert_int_equal(s->n_pricelists, 3);
    const spec_pricelist *cw = &s->pricelists[0], *g = &s->pricelists[1];
    assert_int_equal(cw->seller, 0);
    assert_int_equal(cw->gpu, 0);
    assert_real_equal(cw->price_per_gpu_hour[SPEC_RESERVED], 2.10);
    assert_real_equal(cw->price_per_gpu_hour[SPEC_ON_DEMAND], 4.25);
    assert_real_equal(cw->price_per_gpu_hour[SPEC_SPOT], -1);       /* not offered */
    assert_real_equal(cw->discount_per_year, 0.05);
    assert_real_equal(cw->max_discount, 0.6);                       /* default */
    assert_int_equal(g->gpu, SPEC_ANY_GPU);
    assert_real_equal(g->price_per_gpu_hour[SPEC_ON_DEMAND], -1);
    assert_real_equal(g->price_per_gpu_hour[SPEC_SPOT], 1.5);
    assert_real_equal(g->discount_per_year, 0);
    assert_real_equal(g->max_discount, 0.4);

    assert_int_equal(s->n_procurements, 2);
    const spec_procurement *o = &s->procurements[0], *d = &s->procurements[1];
    assert_int_equal(o->buyer, 2);
    assert_int_equal(o->first_review, 90LL * DAY);
    assert_int_equal(o->period_seconds, 3944700);       /* 1.5 months */
    assert_int_equal(o->horizon_seconds, 18 * MONTH);
    assert_real_equal(o->gap_threshold_h100, 2500);
    assert_real_equal(o->headroom, 0.2);
    assert_int_equal(o->n_sellers, 2);
    assert_int_equal(o->sellers[0], 1);
    assert_int_equal(o->sellers[1], 0);
    assert_int_equal(o->first_refusal, 1);
    assert_int_equal(o->first_refusal_until, 365LL * DAY);
    assert_int_equal(o->gpu, 0);
    assert_int_equal(o->term_months, 36);
    assert_int_equal(o->term_seconds, 36 * MONTH);
    assert_int_equal(o->kind, SPEC_RESERVED);
    assert_real_equal(o->max_price_per_gpu_hour, 3.5);
    /* defaults */
    assert_int_equal(d->first_review, 0);
    assert_int_equal(d->period_seconds, 3 * MONTH);
    assert_int_equal(d->horizon_seconds, 12 * MONTH);
    assert_real_equal(d->gap_threshold_h100, 0);
    assert_real_equal(d->headroom, 0.1);
    assert_int_equal(d->first_refusal, 0);
    assert_true(d->first_refusal_until == SPEC_NO_TIME);
    assert_int_equal(d->gpu, SPEC_ANY_GPU);
    assert_int_equal(d->term_months, 48);
    assert_int_equal(d->term_seconds, 48 * MONTH);
    assert_int_equal(d->n_sellers, 1);
}

static void check_market_buildouts(const spec *s)
{
    assert_int_equal(s->n_buildouts, 2);
    const spec_buildout *cw = &s->buildouts[0], *g = &s->buildouts[1];
    assert_int_equal(cw->owner, 0);
    assert_int_equal(cw->lead_seconds, 9 * MONTH);
    assert_real_equal(cw->slippage_sigma_months, 2.5);
    assert_int_equal(cw->gpu, 2);
    assert_real_equal(cw->site_power_mw, 40);
    assert_real_equal(cw->pue, 1.2);
    assert_real_equal(cw->energy_price_per_mwh, 70);
    assert_string_equal(cw->region, "us-tx");
    assert_real_equal(cw->yearly_budget_mw, 200);
    assert_real_equal(cw->yearly_budget_usd, 5e9);
    assert_int_equal(cw->trigger, SPEC_TRIGGER_LOW_UNCOMMITTED);
    assert_real_equal(cw->uncommitted_threshold_gpus, 4000);
    assert_int_equal(cw->max_sites, 12);
    /* defaults */
    assert_int_equal(g->lead_seconds, 12 * MONTH);
    assert_real_equal(g->slippage_sigma_months, 0);
    assert_real_equal(g->pue, 1.3);
    assert_real_equal(g->energy_price_per_mwh, 80.6);
    assert_string_equal(g->region, "");
    assert_real_equal(g->yearly_budget_mw, 0);
    assert_real_equal(g->yearly_budget_usd, 0);
    assert_int_equal(g->trigger, SPEC_TRIGGER_DECLINED);
    assert_real_equal(g->uncommitted_threshold_gpus, 0);
    assert_int_equal(g->max_sites, 100);
}

static void check_job(const spec_trace_job *j, int64_t submit, int64_t gpus, double hours,
                      int gpu)
{
    assert_int_equal(j->submit, submit);
    assert_int_equal(j->gpus, gpus);
    assert_real_equal(j->duration_s, hours * 3600);
    assert_int_equal(j->gpu, gpu);
}

static void check_training(const spec *s)
{
    assert_int_equal(s->n_workloads, 6);
    const spec_workload *t = &s->workloads[3], *g = &s->workloads[4], *r = &s->workloads[5];
    assert_int_equal(t->type, SPEC_TRAINING);
    assert_real_equal(t->arrival_rate_per_day, 40);
    assert_int_equal(t->growth, SPEC_GROWTH_LOGISTIC);
    assert_real_equal(t->ceiling_rate_per_day, 120);
    assert_real_equal(t->rate_per_year, 0.8);
    assert_real_equal(t->demand_h100, 0);
    assert_int_equal(t->job_gpus.kind, SPEC_DIST_LIST);
    assert_int_equal(t->job_gpus.n, 3);
    assert_real_equal(t->job_gpus.values[2], 512);
    assert_real_equal(t->job_gpus.weights[1], 0.3);
    assert_int_equal(t->duration_h.kind, SPEC_DIST_LOGNORMAL);
    assert_real_equal(t->duration_h.mean, 24);
    assert_real_equal(t->duration_h.sigma, 0.8);
    assert_null(t->duration_h.values);
    assert_real_equal(t->max_wait_h, 48);
    assert_int_equal(t->backfill, 1);
    assert_int_equal(t->trace_len, 0);
    assert_int_equal(g->growth, SPEC_GROWTH_EXPONENTIAL);
    assert_real_equal(g->yearly_factor, 1.0);
    assert_int_equal(g->job_gpus.kind, SPEC_DIST_EXPONENTIAL);
    assert_real_equal(g->job_gpus.mean, 100);
    assert_int_equal(g->duration_h.kind, SPEC_DIST_FIXED);
    assert_real_equal(g->duration_h.mean, 6);
    assert_real_equal(g->max_wait_h, SPEC_WAIT_FOREVER);
    assert_int_equal(g->backfill, 0);
    assert_real_equal(r->max_wait_h, 0);                 /* default: no queue */
    assert_int_equal(r->trace_len, 4);
    check_job(&r->trace[0], 14LL * DAY, 8, 1, SPEC_ANY_GPU);
    check_job(&r->trace[1], 14LL * DAY, 16, 2, 2);
    check_job(&r->trace[2], 31LL * DAY + 43200, 64, 12.5, 0);
    check_job(&r->trace[3], 31LL * DAY + 43200, 512, 72, SPEC_ANY_GPU);
}

static void test_market_scenario(void **state)
{
    fixture *f = *state;
    write_market(f);
    scenario *sc = load_ok(f, "market.ini", NULL, 0);
    for (size_t i = 0; i < sc->n_warnings; i++)
        print_message("unexpected warning: %s\n", sc->warnings[i]);
    assert_int_equal(sc->n_warnings, 0);
    check_market_contracts(sc->spec);
    check_market_policies(sc->spec);
    check_market_buildouts(sc->spec);
    check_training(sc->spec);
    assert_string_equal(find_param(sc, "procurement.openai-buys.first_refusal")->value, "yes");
    scenario_destroy(sc);
}

static void test_market_print(void **state)
{
    fixture *f = *state;
    write_market(f);
    scenario *sc = load_ok(f, "market.ini", NULL, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    scenario_print(sc, out);
    fclose(out);
    assert_contains(text, "coreweave -> openai, 2048 x H100, 2025-03-01 to 2026-02-28 "
                    "inclusive, 1.2 USD/GPU-hour, spot\n");
    assert_contains(text, "ramp 6 months; SLA 99.5% availability, credit 25% of the payment; "
                    "terminated on 2027-07-01");
    assert_contains(text, "cw-h100          coreweave, GPU H100: reserved 2.1 on_demand 4.25 "
                    "USD/GPU-hour; 5% off per year");
    assert_contains(text, "openai reviews every 1.5 months from 2025-04-01, horizon 18 months");
    assert_contains(text, "asks google, coreweave (first refusal until 2026-01-01)");
    assert_contains(text, "for H100 GPUs, reserved, 36 months, at most 3.5 USD/GPU-hour");
    assert_contains(text, "coreweave builds 40 MW sites of B200 in region 'us-tx'");
    assert_contains(text, "on low_uncommitted below 4000 uncommitted GPUs");
    assert_contains(text, "at most 100 sites; yearly budget unlimited MW, unlimited USD");
    assert_contains(text, "training for openai from 2025-01-01: 40 jobs/day, logistic, ceiling "
                    "120 jobs/day, rate 0.8 per year; GPUs per job 8:0.5, 64:0.3, 512:0.2; "
                    "hours on an H100 lognormal, mean 24, sigma 0.8; waits up to 48 h, with "
                    "backfill");
    assert_contains(text, "waits without limit, FIFO without backfill");
    assert_contains(text, "trace of 4 jobs submitted 2025-01-15 to 2025-02-01");
    free(text);
    scenario_destroy(sc);
}

/* ---- term_months arithmetic ---- */

static int64_t day_of(const char *date)
{
    int64_t days;
    assert_int_equal(caltime_parse_date(date, &days), 0);
    return days;
}

static void test_add_months(void **state)
{
    (void)state;
    assert_int_equal(scenario_resolve_add_months(day_of("2025-01-31"), 1), day_of("2025-02-28"));
    assert_int_equal(scenario_resolve_add_months(day_of("2024-01-31"), 1), day_of("2024-02-29"));
    assert_int_equal(scenario_resolve_add_months(day_of("2024-02-29"), 12), day_of("2025-02-28"));
    assert_int_equal(scenario_resolve_add_months(day_of("2025-10-31"), 4), day_of("2026-02-28"));
    assert_int_equal(scenario_resolve_add_months(day_of("2025-12-15"), 1), day_of("2026-01-15"));
    assert_int_equal(scenario_resolve_add_months(day_of("2025-06-01"), 48), day_of("2029-06-01"));
    assert_int_equal(scenario_resolve_add_months(day_of("2025-03-31"), 13), day_of("2026-04-30"));
}

/* ---- includes and overrides ---- */

static void test_include_order(void **state)
{
    fixture *f = *state;
    write_file(f, "inner.ini",
               "[gpu H100]\n"
               "idle_w = 80\n");
    write_file(f, "base.ini",
               "[scenario]\n"
               "name = from base\n"
               "seed = 2\n"
               "tick = 1d\n"
               "include = inner.ini\n"      /* inner's idle_w, then base's again */
               "[gpu H100]\n"
               "tdp_w = 700\n"
               "capex_usd = 20000\n");
    write_file(f, "main.ini",
               "[scenario]\n"
               "name = from main\n"          /* line 2: overridden by the include */
               "start = 2025-01-01\n"
               "end = 2025-01-31\n"
               "seed = 1\n"
               "include = base.ini\n"
               "seed = 3\n"                  /* line 7: after the include, wins */
               "\n"
               "[gpu H100]\n"
               "tdp_w = 800\n"               /* line 10: wins over base's 700 */
               "tdp_w = 750\n");            /* line 11: set twice here: a warning */
    scenario *sc = load_ok(f, "main.ini", NULL, 0);
    const spec *s = sc->spec;
    assert_string_equal(s->name, "from base");
    assert_int_equal(s->seed, 3);
    assert_int_equal(s->tick_seconds, DAY);
    assert_real_equal(s->gpus[0].tdp_w, 750);
    assert_real_equal(s->gpus[0].idle_w, 80);
    assert_real_equal(s->gpus[0].capex_usd, 20000);
    assert_int_equal(s->end, 31 * DAY);
    /* params: first-seen order, final value, where it came from */
    assert_string_equal(sc->params[0].path, "scenario.name");
    assert_string_equal(sc->params[0].value, "from base");
    assert_contains(sc->params[0].file, "base.ini");
    assert_int_equal(sc->params[0].line, 2);
    const scenario_param *seed = find_param(sc, "scenario.seed");
    assert_string_equal(seed->value, "3");
    assert_contains(seed->file, "main.ini");
    assert_int_equal(seed->line, 7);
    const scenario_param *idle = find_param(sc, "gpu.H100.idle_w");
    assert_contains(idle->file, "inner.ini");
    assert_int_equal(idle->line, 2);
    assert_int_equal(sc->n_warnings, 1);
    assert_contains(sc->warnings[0], "main.ini:11: warning: [gpu H100] tdp_w: set again "
                                     "(first at line 10)");
    scenario_destroy(sc);
}

static void test_set_overrides(void **state)
{
    fixture *f = *state;
    write_full(f);
    write_file(f, "odd.ini",
               "[scenario]\n"
               "name = odd names\n"
               "start = 2025-01-01\n"
               "end = 2025-12-31\n"
               "[gpu H100]\n"
               "tdp_w = 700\n"
               "idle_w = 90\n"
               "[provider =lab.one]\n"        /* names may start with '=' and hold '.' */
               "kind = lab\n"
               "[provider =lab]\n"
               "kind = lab\n");
    const char *const sets[] = {"contract.cw-google.gpus=12000", "scenario.seed=99",
                                "gpu.H100.tdp_w = 650", "datacenter.g-iowa.gpus=H100:800"};
    scenario *sc = load_ok(f, "full.ini", sets, 4);
    assert_int_equal(sc->spec->contracts[0].gpus, 12000);
    assert_int_equal(sc->spec->seed, 99);
    assert_real_equal(sc->spec->gpus[0].tdp_w, 650);
    assert_int_equal(sc->spec->phases[4].count, 800);
    const scenario_param *p = find_param(sc, "contract.cw-google.gpus");
    assert_string_equal(p->value, "12000");
    assert_string_equal(p->file, "--set");
    assert_int_equal(p->line, 0);
    assert_string_equal(find_param(sc, "gpu.H100.tdp_w")->value, "650");
    assert_string_equal(sc->params[4].path, "scenario.seed");   /* keeps its place */
    scenario_destroy(sc);

    const char *const odd[] = {"provider.=lab.one.kind=neocloud", "provider.=lab.kind=hyperscaler"};
    sc = load_ok(f, "odd.ini", odd, 2);
    assert_string_equal(sc->spec->providers[0].name, "=lab.one");
    assert_int_equal(sc->spec->providers[0].kind, SPEC_NEOCLOUD);
    assert_int_equal(sc->spec->providers[1].kind, SPEC_HYPERSCALER);
    scenario_destroy(sc);
}

/* ---- the resolved text loads back to the same spec ---- */

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
    assert_string_equal(a->start_date, b->start_date);
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
static void check_round_trip(fixture *f, const char *name, const char *const *sets,
                             size_t n_sets)
{
    scenario *first = load_ok(f, name, sets, n_sets);
    char resolved[128];
    snprintf(resolved, sizeof resolved, "elsewhere/resolved-%s", name);
    write_file(f, resolved, first->resolved_text);
    scenario *second = load_ok(f, resolved, NULL, 0);
    assert_same_spec(first->spec, second->spec);
    assert_int_equal(first->n_params, second->n_params);
    for (size_t i = 0; i < first->n_params; i++) {
        const scenario_param *p = find_param(second, first->params[i].path);
        if (!strstr(p->path, ".series") && !strstr(p->path, ".trace"))
            assert_string_equal(p->value, first->params[i].value);
    }
    assert_int_equal(first->n_warnings, second->n_warnings);
    assert_null(strstr(first->resolved_text, "\ninclude"));
    scenario_destroy(first);
    scenario_destroy(second);
}

static void write_market(fixture *f);

static void test_resolved_text_round_trip(void **state)
{
    fixture *f = *state;
    write_market(f);                                      /* full.ini and market.ini */
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
    scenario *sc = load_ok(f, "full.ini", sets, 2);
    assert_contains(sc->resolved_text, "gpus = 20000\n");
    assert_contains(sc->resolved_text, "; pue = 1.3  (default)\n");
    scenario_destroy(sc);
    sc = load_ok(f, "market.ini", NULL, 0);
    assert_contains(sc->resolved_text, "\n[procurement google-buys]\nbuyer = google\n");
    assert_contains(sc->resolved_text, "; term_months = 48  (default)\n");
    assert_contains(sc->resolved_text, "trace = /");
    scenario_destroy(sc);
}

/* ---- errors ---- */

static const char base_ini[] =
    "[scenario]\n"
    "name = base\n"
    "start = 2025-01-01\n"
    "end = 2025-12-31\n"
    "[gpu H100]\n"
    "tdp_w = 700\n"
    "idle_w = 90\n"
    "[provider coreweave]\n"
    "kind = neocloud\n"
    "[provider google]\n"
    "kind = hyperscaler\n"
    "[datacenter cw-plano]\n"
    "owner = coreweave\n"
    "power_mw = 20\n"
    "gpus = H100:16000\n";

typedef struct error_case {
    const char *name;       /* the file written, in the temp dir */
    const char *text;       /* appended to `include = base.ini`, unless it has a [scenario] */
    const char *set;        /* one --set, or NULL */
    int line;               /* the line the message must name; 0 for --set */
    const char *fragment;
} error_case;

#define CONTRACT(lessor, lessee, gpus) \
    "[contract c]\nlessor = " lessor "\nlessee = " lessee "\ngpus = " gpus \
    "\nstart = 2025-06-01\nterm_months = 12\nprice_per_gpu_hour = 2\n"

static const error_case error_cases[] = {
    {"kind.ini", "[datacentre d]\n", NULL, 3, "[datacentre d]: unknown section kind "
     "'datacentre'; did you mean [datacenter]?"},
    {"key.ini", "[gpu B200]\ntdp_w = 1000\nidle = 90\n", NULL, 5,
     "[gpu B200] idle: unknown key 'idle' for [gpu]; did you mean 'idle_w'?"},
    {"provider.ini", CONTRACT("corewave", "google", "8000"), NULL, 4,
     "[contract c] lessor: unknown provider 'corewave'; did you mean 'coreweave'?"},
    {"gpuref.ini", CONTRACT("coreweave", "google", "8000") "gpu = H10\n", NULL, 10,
     "[contract c] gpu: unknown GPU type 'H10'; did you mean 'H100'?"},
    {"dcref.ini", "[phase p]\ndatacenter = cw-plan\nonline = 2025-03-01\ngpus = H100:8\n",
     NULL, 4, "[phase p] datacenter: unknown datacenter 'cw-plan'; did you mean 'cw-plano'?"},
    {"dup.ini", "[provider x]\nkind = lab\n\n[provider x]\nkind = lab\n", NULL, 6,
     "[provider x]: duplicate section: already defined at line 3 of this file"},
    {"missing.ini", "[gpu B200]\ntdp_w = 1000\n", NULL, 3,
     "[gpu B200] idle_w: required key is missing"},
    {"number.ini", "[gpu B200]\ntdp_w = 12abc\n", NULL, 4, "'12abc' is not a number"},
    {"nan.ini", "[gpu B200]\ntdp_w = nan\n", NULL, 4, "'nan' is not a number"},
    {"inf.ini", "[gpu B200]\ntdp_w = inf\n", NULL, 4, "'inf' is not a number"},
    {"hex.ini", "[gpu B200]\ntdp_w = 0x10\n", NULL, 4, "'0x10' is not a number"},
    {"empty.ini", "[gpu B200]\ntdp_w =\n", NULL, 4, "'' is not a number"},
    {"range.ini", "[gpu B200]\ntdp_w = 1000\nidle_w = 90\nstraggler_share = 1.5\n", NULL, 6,
     "straggler_share: 1.5 is out of range; it must be >= 0 and <= 1"},
    {"date.ini", CONTRACT("coreweave", "google", "8000") "end = 2025-13-01\n", NULL, 10,
     "'2025-13-01' is not a valid date"},
    {"before.ini", "[scenario]\nname = x\nstart = 2025-06-01\nend = 2025-01-01\n", NULL, 4,
     "[scenario] end: end 2025-01-01 is before start 2025-06-01"},
    {"cend.ini", "[contract c]\nlessor = coreweave\nlessee = google\ngpus = 8\n"
     "start = 2025-06-01\nend = 2025-05-01\nprice_per_gpu_hour = 2\n", NULL, 8,
     "[contract c] end: end 2025-05-01 is before start 2025-06-01"},
    {"noinc.ini", "[scenario]\ninclude = nothere.ini\n", NULL, 2,
     "include: cannot read '"},
    {"dirinc.ini", "[scenario]\ninclude = sub/\n", NULL, 2, "Is a directory"},
    {"cycle.ini", "[scenario]\ninclude = ./cycle.ini\n", NULL, 2,
     "cycle.ini -> "},
    {"lease.ini", CONTRACT("coreweave", "google", "8000")
     "[contract d]\nlessor = google\nlessee = coreweave\ngpus = 8\nstart = 2025-06-01\n"
     "end = 2025-07-01\nprice_per_gpu_hour = 2\n", NULL, 12,
     "[contract d] lessee: lease cycle coreweave -> google -> coreweave"},
    {"power.ini", "[phase p]\ndatacenter = cw-plano\nonline = 2025-03-01\n"
     "gpus = H100:16000\n", NULL, 6, "power cap exceeded: datacenter 'cw-plano' would draw "
     "22.40 MW of GPU TDP from 2025-03-01, over its power_mw = 20 MW"},
    {"dcpower.ini", "[datacenter d]\nowner = google\npower_mw = 1\ngpus = H100:1432\n", NULL,
     6, "[datacenter d] gpus: power cap exceeded"},
    {"gputype.ini", "[datacenter d]\nowner = google\npower_mw = 10\ngpus = H100:8, X9:16\n",
     NULL, 6, "[datacenter d] gpus: unknown GPU type 'X9'"},
    {"list.ini", "[datacenter d]\nowner = google\npower_mw = 10\ngpus = H100 8000\n", NULL,
     6, "'H100 8000' is not TYPE:COUNT"},
    {"multiple.ini", CONTRACT("coreweave", "google", "8001"), NULL, 6,
     "8001 GPUs is not a multiple of 8: allocation is in whole 8-GPU nodes; use 8000 or 8008"},
    {"listmult.ini", "[datacenter d]\nowner = google\npower_mw = 10\ngpus = H100:12\n", NULL,
     6, "12 GPUs is not a multiple of 8"},
    {"negative.ini", CONTRACT("coreweave", "google", "-8"), NULL, 6, "'-8' is negative"},
    {"both.ini", CONTRACT("coreweave", "google", "8") "end = 2026-01-01\n", NULL, 8,
     "[contract c] term_months: both end and term_months are set"},
    {"training.ini", "[workload w]\ntenant = google\ntype = training\ndemand_h100 = 5\n", NULL,
     3, "[workload w] arrival_rate_per_day: a training workload needs arrival_rate_per_day"},
    {"enum.ini", "[provider p]\nkind = neocoud\n", NULL, 4,
     "unknown value 'neocoud'; did you mean 'neocloud'?"},
    {"syntax.ini", "[gpu B200]\ntdp_w 700\n", NULL, 4, "expected `key = value` or `[kind name]`"},
    {"header.ini", "[gpu B200\n", NULL, 3, "expected `key = value` or `[kind name]`"},
    {"noname.ini", "[gpu]\n", NULL, 3, "a [gpu] section needs a name"},
    {"comma.ini", "[gpu a,b]\n", NULL, 3, "contains a forbidden character"},
    {"scnname.ini", "[scenario x]\n", NULL, 3, "[scenario] takes no name"},
    {"tick.ini", "[scenario]\nname = x\nstart = 2025-01-01\nend = 2025-01-01\ntick = 2d\n",
     NULL, 5, "[scenario] tick: a tick of 172800 s is longer than the whole period"},
    {"selflease.ini", CONTRACT("google", "google", "8"), NULL, 5,
     "the lessee is the lessor ('google')"},
    {"ceiling.ini", "[workload w]\ntenant = google\ntype = inference\ndemand_h100 = 500\n"
     "growth = logistic\nceiling_h100 = 400\nrate_per_year = 1\n", NULL, 8,
     "ceiling_h100 = 400 is not above demand_h100 = 500"},
    {"noseries.ini", "[workload w]\ntenant = google\ntype = inference\ndemand_h100 = 5\n"
     "growth = series\nseries = missing.csv\n", NULL, 8, "cannot read series '"},
    {"setpath.ini", "", "contract.cw-google.gpus=8", 0,
     "--set contract.cw-google.gpus: no section [contract cw-google] in "},
    {"setkey.ini", "", "datacenter.cw-plano.power=5", 0,
     "--set datacenter.cw-plano.power: unknown key 'power' for [datacenter]; did you mean "
     "'power_mw'?"},
    {"setvalue.ini", "", "datacenter.cw-plano.pue=0.5", 0,
     "--set datacenter.cw-plano.pue: 0.5 is out of range; it must be >= 1"},
    {"setref.ini", "", "datacenter.cw-plano.owner=googel", 0,
     "--set datacenter.cw-plano.owner: unknown provider 'googel'; did you mean 'google'?"},
    {"setkind.ini", "", "datacentre.cw-plano.pue=1.2", 0,
     "--set datacentre.cw-plano.pue=1.2: unknown section kind 'datacentre'; did you mean "
     "'datacenter'?"},
    {"setform.ini", "", "seed", 0, "--set seed: expected kind.name.key=value"},
    /* contracts: spot, ramps, SLA, termination */
    {"spot.ini", CONTRACT("coreweave", "google", "8") "kind = spott\n", NULL, 10,
     "[contract c] kind: unknown value 'spott'; did you mean 'spot'?"},
    {"ramp.ini", CONTRACT("coreweave", "google", "8") "ramp_months = -1\n", NULL, 10,
     "ramp_months: -1 is out of range; it must be >= 0 and <= 1200"},
    {"sla.ini", CONTRACT("coreweave", "google", "8") "sla_availability = 1.5\n", NULL, 10,
     "[contract c] sla_availability: 1.5 is out of range; it must be >= 0 and <= 1"},
    {"credit.ini", CONTRACT("coreweave", "google", "8") "sla_credit_share = 2\n", NULL, 10,
     "sla_credit_share: 2 is out of range"},
    {"terminate.ini", CONTRACT("coreweave", "google", "8") "terminate = 2026-07-01\n", NULL, 10,
     "[contract c] terminate: terminate 2026-07-01 is not inside the term (2025-06-01 to "
     "2026-05-31 inclusive)"},
    {"terminate0.ini", CONTRACT("coreweave", "google", "8") "terminate = 2025-06-01\n", NULL,
     10, "terminate 2025-06-01 is not inside the term"},
    {"terminate1.ini", CONTRACT("coreweave", "google", "8") "terminate = 2025-06-31\n", NULL,
     10, "'2025-06-31' is not a valid date"},
    /* price lists */
    {"noprice.ini", "[pricelist p]\nseller = coreweave\ndiscount_per_year = 0.1\n", NULL, 3,
     "[pricelist p]: a price list needs at least one price"},
    {"seller.ini", "[pricelist p]\nseller = corewave\nspot_per_gpu_hour = 1\n", NULL, 4,
     "[pricelist p] seller: unknown provider 'corewave'; did you mean 'coreweave'?"},
    {"price.ini", "[pricelist p]\nseller = coreweave\nspot_per_gpu_hour = -1\n", NULL, 5,
     "spot_per_gpu_hour: -1 is out of range; it must be >= 0"},
    {"twolists.ini", "[pricelist a]\nseller = coreweave\nspot_per_gpu_hour = 1\n"
     "[pricelist b]\nseller = coreweave\nspot_per_gpu_hour = 2\n", NULL, 6,
     "[pricelist b] gpu: provider 'coreweave' already has a price list for GPU any, "
     "[pricelist a]"},
    {"discount.ini", "[pricelist p]\nseller = coreweave\nspot_per_gpu_hour = 1\n"
     "max_discount = 60\n", NULL, 6, "max_discount: 60 is out of range"},
    /* procurement */
    {"sellers.ini", "[procurement p]\nbuyer = google\nsellers = corewave\n"
     "max_price_per_gpu_hour = 3\n", NULL, 5,
     "[procurement p] sellers: unknown provider 'corewave'; did you mean 'coreweave'?"},
    {"selfbuy.ini", "[procurement p]\nbuyer = google\nsellers = coreweave, google\n"
     "max_price_per_gpu_hour = 3\n", NULL, 5,
     "[procurement p] sellers: 'google' is the buyer; a provider cannot buy from itself"},
    {"twice.ini", "[procurement p]\nbuyer = google\nsellers = coreweave,coreweave\n"
     "max_price_per_gpu_hour = 3\n", NULL, 5, "'coreweave' is listed twice"},
    {"comma2.ini", "[procurement p]\nbuyer = google\nsellers = coreweave,\n"
     "max_price_per_gpu_hour = 3\n", NULL, 5, "the list ends with a comma"},
    {"nosellers.ini", "[procurement p]\nbuyer = google\nmax_price_per_gpu_hour = 3\n", NULL,
     3, "[procurement p] sellers: required key is missing"},
    {"noprocprice.ini", "[procurement p]\nbuyer = google\nsellers = coreweave\n", NULL, 3,
     "[procurement p] max_price_per_gpu_hour: required key is missing"},
    {"bool.ini", "[procurement p]\nbuyer = google\nsellers = coreweave\n"
     "max_price_per_gpu_hour = 3\nfirst_refusal = maybe\n", NULL, 7,
     "[procurement p] first_refusal: 'maybe' is not true or false; write true, false, yes, "
     "no, 1 or 0"},
    {"review.ini", "[procurement p]\nbuyer = google\nsellers = coreweave\n"
     "max_price_per_gpu_hour = 3\nreview_months = 0\n", NULL, 7,
     "review_months: 0 is out of range; it must be > 0 and <= 1200"},
    {"term.ini", "[procurement p]\nbuyer = google\nsellers = coreweave\n"
     "max_price_per_gpu_hour = 3\nterm_months = 2.5\n", NULL, 7,
     "'2.5' is not a whole number of months"},
    {"prockind.ini", "[procurement p]\nbuyer = google\nsellers = coreweave\n"
     "max_price_per_gpu_hour = 3\nkind = ondemand\n", NULL, 7,
     "unknown value 'ondemand'; did you mean 'on_demand'?"},
    /* build-out */
    {"owner.ini", "[buildout b]\nowner = googel\ngpu = H100\nsite_power_mw = 10\n", NULL, 4,
     "[buildout b] owner: unknown provider 'googel'; did you mean 'google'?"},
    {"nogpu.ini", "[buildout b]\nowner = google\nsite_power_mw = 10\n", NULL, 3,
     "[buildout b] gpu: required key is missing"},
    {"site.ini", "[buildout b]\nowner = google\ngpu = H100\nsite_power_mw = 0.005\n", NULL, 6,
     "[buildout b] site_power_mw: a site of 0.005 MW cannot hold one 8-GPU node of H100 (5600 "
     "W of TDP)"},
    {"trigger.ini", "[buildout b]\nowner = google\ngpu = H100\nsite_power_mw = 10\n"
     "trigger = low\n", NULL, 7, "unknown value 'low'; did you mean 'low_uncommitted'?"},
    {"sites.ini", "[buildout b]\nowner = google\ngpu = H100\nsite_power_mw = 10\n"
     "max_sites = 2.5\n", NULL, 7, "max_sites: '2.5' is not a whole number from 0 to 1e+06"},
    {"bpue.ini", "[buildout b]\nowner = google\ngpu = H100\nsite_power_mw = 10\npue = 0.8\n",
     NULL, 7, "pue: 0.8 is out of range; it must be >= 1"},
    /* training workloads */
    {"tseries.ini", "[workload w]\ntenant = google\ntype = training\ngrowth = series\n"
     "arrival_rate_per_day = 3\n", NULL, 6,
     "[workload w] growth: growth = series is for inference workloads"},
    {"nogpus.ini", "[workload w]\ntenant = google\ntype = training\narrival_rate_per_day = 3\n"
     "duration_h = fixed 2\n", NULL, 3, "[workload w] job_gpus: a training workload needs "
     "job_gpus"},
    {"dist8.ini", "[workload w]\ntenant = google\ntype = training\njob_gpus = 8:0.5, 12:0.5\n",
     NULL, 6, "[workload w] job_gpus: GPU count 12 is not a whole multiple of 8"},
    {"distcolon.ini", "[workload w]\ntenant = google\ntype = training\n"
     "duration_h = exponential:12\n", NULL, 6, "'exponential:12': separate the name and its "
     "numbers with spaces, not colons, e.g. `exponential 12`"},
    {"distarity.ini", "[workload w]\ntenant = google\ntype = training\n"
     "duration_h = lognormal 24\n", NULL, 6,
     "lognormal takes 2 numbers; write lognormal MEAN SIGMA, e.g. `lognormal 24 0.8`"},
    {"distname.ini", "[workload w]\ntenant = google\ntype = training\n"
     "duration_h = lognormla 24 1\n", NULL, 6,
     "unknown distribution 'lognormla'; did you mean 'lognormal'?"},
    {"distsingle.ini", "[workload w]\ntenant = google\ntype = training\njob_gpus = 64\n",
     NULL, 6, "'64' is a single value; write `fixed 64`"},
    {"distweight.ini", "[workload w]\ntenant = google\ntype = training\n"
     "duration_h = 2:0.5, 4:0\n", NULL, 6, "weight 0 must be > 0"},
    {"distsigma.ini", "[workload w]\ntenant = google\ntype = training\n"
     "duration_h = lognormal 2 -1\n", NULL, 6, "SIGMA '-1' is not a number >= 0"},
    {"fixed8.ini", "[workload w]\ntenant = google\ntype = training\njob_gpus = fixed 20\n",
     NULL, 6, "GPU count 20 is not a whole multiple of 8"},
    {"tceiling.ini", "[workload w]\ntenant = google\ntype = training\narrival_rate_per_day = 5\n"
     "growth = logistic\nceiling_rate_per_day = 5\nrate_per_year = 1\njob_gpus = fixed 8\n"
     "duration_h = fixed 1\n", NULL, 8,
     "ceiling_rate_per_day = 5 is not above arrival_rate_per_day = 5"},
    {"wait.ini", "[workload w]\ntenant = google\ntype = training\nmax_wait_h = forever\n", NULL,
     6, "'forever' is not a number; write a plain decimal such as 700 or 2.5 (unit: hours), or "
     "`none` for no limit"},
    {"nodemand.ini", "[workload w]\ntenant = google\ntype = inference\n", NULL, 3,
     "[workload w] demand_h100: an inference workload needs demand_h100"},
    {"notrace.ini", "[workload w]\ntenant = google\ntype = training\ntrace = nothere.csv\n",
     NULL, 6, "[workload w] trace: cannot read trace '"},
    {"setsellers.ini", "[procurement p]\nbuyer = google\nsellers = coreweave\n"
     "max_price_per_gpu_hour = 3\n", "procurement.p.sellers=google", 0,
     "--set procurement.p.sellers: 'google' is the buyer"},
    {"setkind2.ini", "", "buildot.b.gpu=H100", 0, "did you mean 'buildout'?"},
};

static void check_error_case(fixture *f, const error_case *c)
{
    char text[2048], line[32];
    if (strstr(c->text, "[scenario]"))
        snprintf(text, sizeof text, "%s", c->text);
    else
        snprintf(text, sizeof text, "[scenario]\ninclude = base.ini\n%s", c->text);
    write_file(f, c->name, text);
    scenario *sc = load(f, c->name, &c->set, c->set ? 1 : 0);
    if (sc)
        fail_msg("%s: expected an error containing \"%s\"", c->name, c->fragment);
    assert_contains(f->err, c->fragment);
    if (c->line > 0) {
        snprintf(line, sizeof line, "%s:%d: ", c->name, c->line);
        assert_contains(f->err, line);
    } else {
        assert_int_equal(strncmp(f->err, "--set ", 6), 0);
    }
}

static void test_errors(void **state)
{
    fixture *f = *state;
    char sub[128];
    write_file(f, "base.ini", base_ini);
    write_file(f, "cycle-b.ini", "[scenario]\ninclude = cycle-a.ini\n");
    snprintf(sub, sizeof sub, "%s/sub", f->dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++)
        check_error_case(f, &error_cases[i]);
    /* a two-file cycle: the include that closes it is the error */
    write_file(f, "cycle-a.ini", "[scenario]\ninclude = base.ini\ninclude = cycle-b.ini\n");
    assert_null(load(f, "cycle-a.ini", NULL, 0));
    assert_contains(f->err, "cycle-b.ini:2: [scenario] include: include cycle: ");
    assert_contains(f->err, "cycle-a.ini -> ");
    assert_contains(f->err, "cycle-b.ini -> ");
}

static void test_missing_top_file(void **state)
{
    fixture *f = *state;
    assert_null(load(f, "no-such.ini", NULL, 0));
    assert_contains(f->err, "no-such.ini: cannot read the scenario: No such file or directory");
    write_file(f, "empty.ini", "; nothing here\n");
    assert_null(load(f, "empty.ini", NULL, 0));
    assert_contains(f->err, "empty.ini: no [scenario] section");
}

/* A CSV error names the CSV file and its line. */
static void test_series_errors(void **state)
{
    static const struct {
        const char *csv;
        int line;
        const char *fragment;
    } cases[] = {
        {"date,demand_h100\n2025-01-01,10\n2025-02-01,abc\n", 3, "'abc' is not a number"},
        {"date,demand_h100\n2025-01-01,10\n2025-01-01,12\n", 3, "is not after the previous"},
        {"date,demand_h100\n2025-01-01,10\n2025-02-30,12\n", 3, "'2025-02-30' is not a date"},
        {"date,demand_h100\n2025-01-01,10,3\n", 2, "expected 2 fields"},
        {"2025-01-01,10\n2025-02-01,12\n", 1, "start the file with a header row"},
        {"date,demand_h100\n2025-01-01,10\n\"2025-02-01,12\n", 3, "malformed CSV"},
        {"date,demand_h100\n2025-01-01,-1\n2025-02-01,12\n", 2, "is negative"},
        {"date,demand_h100\n2025-01-01,1\n", 2, "has 1 data row"},
    };
    fixture *f = *state;
    write_file(f, "base.ini", base_ini);
    write_file(f, "s.ini", "[scenario]\ninclude = base.ini\n[workload w]\ntenant = google\n"
                           "type = inference\ndemand_h100 = 5\ngrowth = series\n"
                           "series = s.csv\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char where[64];
        write_file(f, "s.csv", cases[i].csv);
        assert_null(load(f, "s.ini", NULL, 0));
        snprintf(where, sizeof where, "s.csv:%d: [workload w] series: ", cases[i].line);
        assert_contains(f->err, where);
        assert_contains(f->err, cases[i].fragment);
    }
}

/* A trace error names the CSV file and its line. */
static void test_trace_errors(void **state)
{
    static const struct {
        const char *csv;
        int line;
        const char *fragment;
    } cases[] = {
        {"submit,gpus,duration_h\n2025-01-01,8,1\n2025-13-01,8,1\n", 3,
         "submit '2025-13-01' is not a time; write YYYY-MM-DD HH:MM:SS or YYYY-MM-DD"},
        {"submit,gpus,duration_h\n2025-01-01 24:00:00,8,1\n", 2, "is not a time"},
        {"submit,gpus,duration_h\n2025-01-01T10:00:00,8,1\n", 2, "is not a time"},
        {"submit,gpus,duration_h\n2025-01-01,12,1\n", 2,
         "gpus '12' is not a positive multiple of 8"},
        {"submit,gpus,duration_h\n2025-01-01,0,1\n", 2, "gpus '0' is not a positive multiple"},
        {"submit,gpus,duration_h\n2025-01-01,8,0\n", 2, "duration_h '0' is not a number of hours"},
        {"submit,gpus,duration_h\n2025-01-01,8,2h\n", 2, "duration_h '2h' is not a number"},
        {"submit,gpus,duration_h,gpu\n2025-01-01,8,1,H10\n", 2,
         "gpu: unknown GPU type 'H10'; did you mean 'H100'?"},
        {"submit,gpus,duration_h,gpu\n2025-01-01,8,1\n", 2, "expected 4 fields like the header, "
         "found 3"},
        {"2025-01-01,8,1\n", 1, "the first row is data (2025-01-01); start the file with the "
         "header row `submit,gpus,duration_h`"},
        {"time,gpus,duration_h\n2025-01-01,8,1\n", 1, "the header row must be "
         "`submit,gpus,duration_h` or `submit,gpus,duration_h,gpu`, in that order; found "
         "'time,gpus...'"},
        {"submit,gpus,duration_h\n2025-01-01,8,1\n\"2025-01-02,8,1\n", 3, "malformed CSV"},
        {"submit,gpus,duration_h\n", 1, "has no jobs"},
    };
    fixture *f = *state;
    write_file(f, "base.ini", base_ini);
    write_file(f, "t.ini", "[scenario]\ninclude = base.ini\n[workload w]\ntenant = google\n"
                           "type = training\ntrace = t.csv\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char where[64];
        write_file(f, "t.csv", cases[i].csv);
        if (load(f, "t.ini", NULL, 0))
            fail_msg("case %zu: expected an error containing \"%s\"", i, cases[i].fragment);
        snprintf(where, sizeof where, "t.csv:%d: [workload w] trace: ", cases[i].line);
        assert_contains(f->err, where);
        assert_contains(f->err, cases[i].fragment);
    }
    /* every job outside the period: the error is on the trace key */
    write_file(f, "t.csv", "submit,gpus,duration_h\n2024-06-01,8,1\n2026-01-01,8,1\n");
    assert_null(load(f, "t.ini", NULL, 0));
    assert_contains(f->err, "t.ini:6: [workload w] trace: none of the 2 jobs of trace '");
    assert_contains(f->err, "between the workload's start 2025-01-01 and the scenario's end "
                    "2025-12-31");
}

/* Jobs outside [start, end) are left out with one warning; three columns
 * mean any GPU type; ties keep the order of the rows. */
static void test_trace_window(void **state)
{
    fixture *f = *state;
    write_file(f, "base.ini", base_ini);
    write_file(f, "t.ini", "[scenario]\ninclude = base.ini\n[workload w]\ntenant = google\n"
                           "type = training\nstart = 2025-03-01\ntrace = t.csv\n"
                           "max_wait_h = 2.5\nbackfill = 1\n");
    write_file(f, "t.csv", "submit,gpus,duration_h\n"
                           "2025-12-31 23:59:59,1024,0.25\n"
                           "2025-02-28 23:59:59,8,1\n"
                           "2026-01-01,8,1\n"
                           "2025-03-01 00:00:00,24,3\n"
                           "2025-03-01,16,2\n");
    scenario *sc = load_ok(f, "t.ini", NULL, 0);
    const spec_workload *w = &sc->spec->workloads[0];
    assert_int_equal(w->trace_len, 3);
    check_job(&w->trace[0], 59LL * DAY, 24, 3, SPEC_ANY_GPU);
    check_job(&w->trace[1], 59LL * DAY, 16, 2, SPEC_ANY_GPU);
    check_job(&w->trace[2], 365LL * DAY - 1, 1024, 0.25, SPEC_ANY_GPU);
    assert_real_equal(w->max_wait_h, 2.5);
    assert_int_equal(w->backfill, 1);
    assert_int_equal(w->job_gpus.n, 0);
    assert_int_equal(sc->n_warnings, 1);
    assert_contains(sc->warnings[0], "t.ini:7: warning: [workload w] trace: 2 of the 5 jobs of "
                    "the trace are submitted before the workload's start 2025-03-01 or after "
                    "the scenario's end 2025-12-31 and are left out");
    scenario_destroy(sc);
}

/* Keys that a workload does not read: one warning each, naming why. */
static void test_training_ignored_keys(void **state)
{
    fixture *f = *state;
    write_file(f, "base.ini", base_ini);
    write_file(f, "t.csv", "submit,gpus,duration_h\n2025-01-02,8,1\n");
    write_file(f, "w.ini", "[scenario]\ninclude = base.ini\n"
                           "[workload t]\ntenant = google\ntype = training\n"
                           "trace = t.csv\n"
                           "arrival_rate_per_day = 4\n"           /* line 7 */
                           "diurnal_amplitude = 0.1\n"            /* line 8 */
                           "[workload i]\ntenant = google\ntype = inference\n"
                           "demand_h100 = 10\n"
                           "backfill = yes\n"                     /* line 13 */
                           "[workload x]\ntenant = google\ntype = training\n"
                           "arrival_rate_per_day = 4\njob_gpus = fixed 8\n"
                           "duration_h = exponential 1\n"
                           "ceiling_rate_per_day = 9\n");         /* line 20 */
    scenario *sc = load_ok(f, "w.ini", NULL, 0);
    assert_int_equal(sc->n_warnings, 4);
    /* in the order of the schema's keys */
    assert_contains(sc->warnings[0], "w.ini:8: warning: [workload t] diurnal_amplitude: "
                    "ignored: diurnal_amplitude applies to inference workloads only, and this "
                    "one is training");
    assert_contains(sc->warnings[1], "w.ini:7: warning: [workload t] arrival_rate_per_day: "
                    "ignored: the trace replaces the synthetic job stream");
    assert_contains(sc->warnings[2], "w.ini:13: warning: [workload i] backfill: ignored: "
                    "backfill applies to training workloads only");
    assert_contains(sc->warnings[3], "w.ini:20: warning: [workload x] ceiling_rate_per_day: "
                    "ignored: growth is exponential");
    scenario_destroy(sc);
}

static void test_market_warnings(void **state)
{
    fixture *f = *state;
    write_file(f, "base.ini", base_ini);
    write_file(f, "m.ini", "[scenario]\ninclude = base.ini\n"
                           CONTRACT("coreweave", "google", "8")    /* lines 3-9 */
                           "termination_fee_months = 3\n"           /* 10 */
                           "sla_credit_share = 0.5\n"               /* 11 */
                           "ramp_months = 13\n"                     /* 12 */
                           "[pricelist p]\nseller = coreweave\nspot_per_gpu_hour = 1\n"
                           "[procurement q]\nbuyer = google\n"
                           "sellers = coreweave\n"                  /* 18 */
                           "max_price_per_gpu_hour = 3\n"
                           "first_refusal_until = 2025-05-01\n"     /* 20 */
                           "[buildout b]\nowner = coreweave\ngpu = H100\nsite_power_mw = 10\n"
                           "uncommitted_threshold_gpus = 100\n"    /* 25 */
                           "[procurement r]\nbuyer = google\nsellers = coreweave\nkind = spot\n"
                           "max_price_per_gpu_hour = 0.5\n");      /* 30 */
    scenario *sc = load_ok(f, "m.ini", NULL, 0);
    assert_int_equal(sc->n_warnings, 7);
    assert_contains(sc->warnings[5], "m.ini:30: warning: [procurement r] max_price_per_gpu_hour: "
                    "every seller quotes above max_price_per_gpu_hour = 0.5 (the cheapest asks 1 "
                    "for a 48-month term)");
    assert_contains(sc->warnings[0], "m.ini:10: warning: [contract c] termination_fee_months: "
                    "ignored: there is no terminate date");
    assert_contains(sc->warnings[1], "m.ini:11: warning: [contract c] sla_credit_share: "
                    "ignored: sla_availability is 0");
    assert_contains(sc->warnings[2], "m.ini:12: warning: [contract c] ramp_months: the ramp is "
                    "longer than the term");
    assert_contains(sc->warnings[3], "m.ini:20: warning: [procurement q] first_refusal_until: "
                    "ignored: first_refusal is false");
    assert_contains(sc->warnings[4], "m.ini:18: warning: [procurement q] sellers: seller "
                    "'coreweave' cannot quote a reserved contract for GPU any (kind not "
                    "offered: add that price to its [pricelist]); it will decline every request");
    assert_contains(sc->warnings[6], "m.ini:25: warning: [buildout b] "
                    "uncommitted_threshold_gpus: ignored: trigger is declined");
    scenario_destroy(sc);
}

/* The distribution syntax on its own. */
static void test_distributions(void **state)
{
    (void)state;
    spec_distribution d;
    char why[512];
    assert_int_equal(scenario_dist_parse("  fixed\t64 ", 1, &d, why, sizeof why), 0);
    assert_int_equal(d.kind, SPEC_DIST_FIXED);
    assert_real_equal(d.mean, 64);
    assert_null(d.values);
    assert_int_equal(scenario_dist_parse("exponential 12.5", 0, &d, why, sizeof why), 0);
    assert_int_equal(d.kind, SPEC_DIST_EXPONENTIAL);
    assert_real_equal(d.mean, 12.5);
    assert_int_equal(scenario_dist_parse("exponential 100", 1, &d, why, sizeof why), 0);
    assert_real_equal(scenario_dist_mean(&d), 100);                /* a mean need not be a count */
    assert_int_equal(scenario_dist_parse("lognormal 24 0", 0, &d, why, sizeof why), 0);
    assert_real_equal(d.sigma, 0);
    assert_int_equal(scenario_dist_parse("2:1, 24:3", 0, &d, why, sizeof why), 0);
    assert_int_equal(d.kind, SPEC_DIST_LIST);
    assert_int_equal(d.n, 2);
    assert_real_equal(d.values[1], 24);
    assert_real_equal(d.weights[1], 3);
    assert_real_equal(scenario_dist_mean(&d), 18.5);               /* (2 x 1 + 24 x 3) / 4 */
    char text[128];
    scenario_dist_format(&d, text, sizeof text);
    assert_string_equal(text, "2:1, 24:3");
    free(d.values);
    free(d.weights);
    assert_int_equal(scenario_dist_parse("0.5:1", 0, NULL, why, sizeof why), 0);  /* hours */
    static const struct {
        const char *text;
        int gpu_values;
        const char *fragment;
    } bad[] = {
        {"", 0, "no distribution given"},
        {"fixed", 0, "fixed takes 1 number; write fixed X"},
        {"fixed 1 2", 0, "fixed takes 1 number"},
        {"exponential 0", 0, "MEAN 0 must be > 0"},
        {"exponential 1e10", 1, "MEAN 1e10 GPUs is more than"},
        {"0.5:1", 1, "GPU count 0.5 is not a whole multiple of 8"},
        {"8:0.5,", 1, "the list ends with a comma"},
        {"8:0.5,,16:1", 1, "'(empty item)' is not VALUE:WEIGHT"},
        {"8-0.5", 1, "'8-0.5' is not VALUE:WEIGHT"},
        {"8:x", 1, "weight 'x' is not a number"},
        {"uniform 1 2", 0, "unknown distribution 'uniform'; write `fixed X`"},
        {"fixed:64", 1, "separate the name and its numbers with spaces"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = '\0';
        if (scenario_dist_parse(bad[i].text, bad[i].gpu_values, NULL, why, sizeof why) == 0)
            fail_msg("'%s' parsed; expected \"%s\"", bad[i].text, bad[i].fragment);
        assert_contains(why, bad[i].fragment);
    }
}

static void test_trace_time(void **state)
{
    (void)state;
    int64_t t = 0;
    assert_int_equal(jobtrace_parse_time("2025-01-02 03:04:05", &t), 0);
    assert_int_equal(t, day_of("2025-01-02") * DAY + 3 * 3600 + 4 * 60 + 5);
    assert_int_equal(jobtrace_parse_time("2025-01-02", &t), 0);
    assert_int_equal(t, day_of("2025-01-02") * DAY);
    assert_int_equal(jobtrace_parse_time("2025-01-02 03:04", &t), -1);
    assert_int_equal(jobtrace_parse_time("2025-01-02 03:60:00", &t), -1);
    assert_int_equal(jobtrace_parse_time("2025-01-02 3:04:05 ", &t), -1);
    assert_int_equal(jobtrace_parse_time("86400", &t), -1);
}

/* ---- warnings ---- */

static void test_oversubscription_warning(void **state)
{
    fixture *f = *state;
    write_file(f, "base.ini", base_ini);
    write_file(f, "over.ini",
               "[scenario]\n"
               "include = base.ini\n"
               CONTRACT("coreweave", "google", "16000")   /* lines 3-9: holds 16000, fine */
               "[contract c2]\n"
               "lessor = coreweave\n"
               "lessee = google\n"
               "gpus = 800\n"                          /* line 13 */
               "start = 2025-09-01\n"
               "end = 2025-10-31\n"
               "price_per_gpu_hour = 2\n");
    scenario *sc = load_ok(f, "over.ini", NULL, 0);
    assert_int_equal(sc->n_warnings, 1);
    assert_contains(sc->warnings[0], "over.ini:13: warning: [contract c2] gpus: oversubscribed: "
                    "on 2025-09-01 provider 'coreweave' has committed 16800 GPUs to lessees "
                    "but holds 16000 (16000 owned + 0 leased in)");
    scenario_destroy(sc);
}

static void test_ignored_key_warning(void **state)
{
    fixture *f = *state;
    write_file(f, "base.ini", base_ini);
    write_file(f, "w.ini", "[scenario]\ninclude = base.ini\n[workload w]\ntenant = google\n"
                           "type = inference\ndemand_h100 = 5\nceiling_h100 = 50\n");
    scenario *sc = load_ok(f, "w.ini", NULL, 0);
    assert_int_equal(sc->n_warnings, 1);
    assert_contains(sc->warnings[0], "w.ini:7: warning: [workload w] ceiling_h100: ignored: "
                    "growth is exponential");
    scenario_destroy(sc);
}

/* ---- lines: comments, indentation, CRLF, byte order mark, long lines ---- */

static void test_line_handling(void **state)
{
    fixture *f = *state;
    char text[4096], name[300];
    memset(name, 'n', 250);
    name[250] = '\0';
    snprintf(text, sizeof text,
             "\xEF\xBB\xBF; a byte order mark, then CRLF line ends\r\n"
             "[scenario]\r\n"
             "  name = %s\r\n"
             "\tstart = 2025-01-01 # comment\r\n"
             "end = 2025-01-10;not a comment: no space before it\r\n", name);
    write_file(f, "lines.ini", text);
    assert_null(load(f, "lines.ini", NULL, 0));
    assert_contains(f->err, "lines.ini:5: [scenario] end: '2025-01-10;not");
    snprintf(text, sizeof text,
             "\xEF\xBB\xBF; a byte order mark, then CRLF line ends\r\n"
             "[scenario]\r\n"
             "  name = %s\r\n"
             "\tstart = 2025-01-01 # comment\r\n"
             "end = 2025-01-10 ;comment\r\n", name);
    write_file(f, "lines.ini", text);
    scenario *sc = load_ok(f, "lines.ini", NULL, 0);
    assert_string_equal(sc->spec->name, name);
    assert_int_equal(sc->spec->end, 10 * DAY);
    scenario_destroy(sc);
}

/* ---- helpers: suggestions, numbers, the key tables ---- */

static void test_suggest(void **state)
{
    (void)state;
    static const char *const kinds[] = {"scenario", "gpu", "datacenter", NULL};
    assert_int_equal(suggest_distance("kitten", "sitting"), 3);
    assert_int_equal(suggest_distance("", "abc"), 3);
    assert_int_equal(suggest_distance("H100", "h100"), 0);
    assert_int_equal(suggest_distance("corewave", "coreweave"), 1);
    assert_string_equal(suggest_nearest_in("datacentre", kinds), "datacenter");
    assert_string_equal(suggest_nearest_in("gup", kinds), "gpu");
    assert_null(suggest_nearest_in("workload", kinds));
    static const char *const keys[] = {"owner", "power_mw", "tdp_w", NULL};
    assert_string_equal(suggest_nearest_in("power", keys), "power_mw");   /* unit left out */
    assert_string_equal(suggest_nearest_in("tdp_watts", keys), "tdp_w");
    assert_string_equal(suggest_nearest_in("ownr", keys), "owner");
    assert_string_equal(suggest_nearest_in("tpd_w", keys), "tdp_w");      /* transposition */
}

static void test_textnum(void **state)
{
    (void)state;
    double d = -1;
    uint64_t u = 7;
    assert_int_equal(textnum_real("2.10", &d), TEXTNUM_OK);
    assert_real_equal(d, 2.1);
    assert_int_equal(textnum_real("-1e-3", &d), TEXTNUM_OK);
    assert_real_equal(d, -0.001);
    assert_int_equal(textnum_real("", &d), TEXTNUM_NOT_NUMBER);
    assert_int_equal(textnum_real("12abc", &d), TEXTNUM_NOT_NUMBER);
    assert_int_equal(textnum_real(" 12", &d), TEXTNUM_NOT_NUMBER);
    assert_int_equal(textnum_real("nan", &d), TEXTNUM_NOT_NUMBER);
    assert_int_equal(textnum_real("inf", &d), TEXTNUM_NOT_NUMBER);
    assert_int_equal(textnum_real("1e999", &d), TEXTNUM_TOO_LARGE);
    assert_int_equal(textnum_uint("18446744073709551615", &u), TEXTNUM_OK);
    assert_int_equal(u, UINT64_MAX);
    assert_int_equal(textnum_uint("18446744073709551616", &u), TEXTNUM_TOO_LARGE);
    assert_int_equal(textnum_uint("-5", &u), TEXTNUM_NEGATIVE);
    assert_int_equal(textnum_uint("5.0", &u), TEXTNUM_NOT_NUMBER);
    assert_int_equal(textnum_uint("+5", &u), TEXTNUM_NOT_NUMBER);
}

/* The schema's enum spellings are the spec's names. */
static void test_enum_names(void **state)
{
    (void)state;
    const scenario_keys_kind_def *contract = scenario_keys_kind_of(SCENARIO_KEYS_CONTRACT);
    const scenario_keys_key *kind = &contract->keys[scenario_keys_find_key(SCENARIO_KEYS_CONTRACT, "kind")];
    for (int i = 0; kind->choices[i]; i++)
        assert_string_equal(kind->choices[i], spec_contract_kind_name((spec_contract_kind)i));
    const scenario_keys_key *pk = &scenario_keys_kind_of(SCENARIO_KEYS_PROVIDER)->keys[0];
    for (int i = 0; pk->choices[i]; i++)
        assert_string_equal(pk->choices[i], spec_provider_kind_name((spec_provider_kind)i));
    const scenario_keys_key *growth =
        &scenario_keys_kind_of(SCENARIO_KEYS_WORKLOAD)->keys[scenario_keys_find_key(SCENARIO_KEYS_WORKLOAD, "growth")];
    for (int i = 0; growth->choices[i]; i++)
        assert_string_equal(growth->choices[i], spec_growth_name((spec_growth)i));
    const scenario_keys_key *type =
        &scenario_keys_kind_of(SCENARIO_KEYS_WORKLOAD)->keys[scenario_keys_find_key(SCENARIO_KEYS_WORKLOAD, "type")];
    for (int i = 0; type->choices[i]; i++)
        assert_string_equal(type->choices[i], spec_workload_type_name((spec_workload_type)i));
    const scenario_keys_key *trigger =
        &scenario_keys_kind_of(SCENARIO_KEYS_BUILDOUT)->keys[scenario_keys_find_key(SCENARIO_KEYS_BUILDOUT, "trigger")];
    for (int i = 0; trigger->choices[i]; i++)
        assert_string_equal(trigger->choices[i],
                            spec_buildout_trigger_name((spec_buildout_trigger)i));
    const scenario_keys_key *procured = &scenario_keys_kind_of(SCENARIO_KEYS_PROCUREMENT)->keys[
        scenario_keys_find_key(SCENARIO_KEYS_PROCUREMENT, "kind")];
    assert_ptr_equal(procured->choices, kind->choices);
    assert_string_equal(kind->choices[SPEC_SPOT], "spot");
}

/* scenarios/README.md, from the repository root or from the binary's place
 * in it (build/tests/test_scenario). */
static FILE *open_readme(void)
{
    FILE *fp = fopen("scenarios/README.md", "r");
    char exe[1024] = "";
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 40);
    if (n > 0)
        exe[n] = '\0';
    for (int up = 0; !fp && n > 0 && up < 3; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            break;
        *slash = '\0';
        if (up == 2) {
            strcat(exe, "/scenarios/README.md");
            fp = fopen(exe, "r");
        }
    }
    return fp;
}

/* scenarios/README.md documents every key: a "`key`" in each kind's part. */
static void test_readme_documents_every_key(void **state)
{
    (void)state;
    FILE *fp = open_readme();
    if (!fp)
        fail_msg("scenarios/README.md not found; run the test from the repository root");
    char *text = NULL;
    size_t cap = 0;
    ssize_t len = getdelim(&text, &cap, '\0', fp);
    fclose(fp);
    assert_true(len > 0);
    for (int k = 0; k < SCENARIO_KEYS_N_KINDS; k++) {
        const scenario_keys_kind_def *kd = scenario_keys_kind_of((scenario_keys_kind)k);
        char heading[64], key[64];
        snprintf(heading, sizeof heading, "\n## [%s", kd->name);
        const char *part = strstr(text, heading);
        if (!part)
            fail_msg("scenarios/README.md has no heading \"## [%s\"", kd->name);
        const char *next = strstr(part + 1, "\n## ");
        for (size_t i = 0; i < kd->n_keys; i++) {
            snprintf(key, sizeof key, "`%s`", kd->keys[i].name);
            const char *at = strstr(part, key);
            if (!at || (next && at > next))
                fail_msg("scenarios/README.md: [%s] does not document %s", kd->name, key);
        }
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_scenario, setup, teardown),
        cmocka_unit_test_setup_teardown(test_print, setup, teardown),
        cmocka_unit_test_setup_teardown(test_market_scenario, setup, teardown),
        cmocka_unit_test_setup_teardown(test_market_print, setup, teardown),
        cmocka_unit_test(test_add_months),
        cmocka_unit_test_setup_teardown(test_include_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_overrides, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolved_text_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_top_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_series_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trace_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trace_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_training_ignored_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_market_warnings, setup, teardown),
        cmocka_unit_test(test_distributions),
        cmocka_unit_test(test_trace_time),
        cmocka_unit_test_setup_teardown(test_oversubscription_warning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ignored_key_warning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_handling, setup, teardown),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_textnum),
        cmocka_unit_test(test_enum_names),
        cmocka_unit_test(test_readme_documents_every_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
