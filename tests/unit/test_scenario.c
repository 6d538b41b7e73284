/*
 * Unit tests for the scenario reader (sim/io/scenario*.c, scn*.c, series.c,
 * suggest.c, textnum.c). Every test writes its scenario files into a fresh
 * temporary directory (mkdtemp) and loads them:
 *  - a full valid scenario gives the expected spec, value by value;
 *  - includes are read in place, later values win; --set wins over files;
 *  - params and resolved_text record the result, and resolved_text loads
 *    back to the same spec;
 *  - every kind of error names the file, the line and what was wrong;
 *  - an oversubscribed lessor is a warning, not an error.
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

#include "../../sim/engine/caltime.h"
#include "../../sim/io/scenario.h"
#include "../../sim/io/scnkeys.h"
#include "../../sim/io/scnresolve.h"
#include "../../sim/io/suggest.h"
#include "../../sim/io/textnum.h"

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
    assert_int_equal(scnresolve_add_months(day_of("2025-01-31"), 1), day_of("2025-02-28"));
    assert_int_equal(scnresolve_add_months(day_of("2024-01-31"), 1), day_of("2024-02-29"));
    assert_int_equal(scnresolve_add_months(day_of("2024-02-29"), 12), day_of("2025-02-28"));
    assert_int_equal(scnresolve_add_months(day_of("2025-10-31"), 4), day_of("2026-02-28"));
    assert_int_equal(scnresolve_add_months(day_of("2025-12-15"), 1), day_of("2026-01-15"));
    assert_int_equal(scnresolve_add_months(day_of("2025-06-01"), 48), day_of("2029-06-01"));
    assert_int_equal(scnresolve_add_months(day_of("2025-03-31"), 13), day_of("2026-04-30"));
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
    for (size_t i = 0; i < a->n_workloads; i++) {
        spec_workload x = a->workloads[i], y = b->workloads[i];
        assert_int_equal(x.series_len, y.series_len);
        if (x.series_len) {
            assert_memory_equal(x.series_t, y.series_t, x.series_len * sizeof(double));
            assert_memory_equal(x.series_value, y.series_value, x.series_len * sizeof(double));
        }
        x.series_t = y.series_t = x.series_value = y.series_value = NULL;
        assert_memory_equal(&x, &y, sizeof x);
    }
}

static void test_resolved_text_round_trip(void **state)
{
    fixture *f = *state;
    write_full(f);
    const char *const sets[] = {"contract.cw-google.gpus=20000", "workload.openai-chat.yearly_factor=2"};
    scenario *first = load_ok(f, "full.ini", sets, 2);
    char sub[128];
    snprintf(sub, sizeof sub, "%s/elsewhere", f->dir);    /* the series path must not be relative */
    assert_int_equal(mkdir(sub, 0755), 0);
    write_file(f, "elsewhere/resolved.ini", first->resolved_text);
    scenario *second = load_ok(f, "elsewhere/resolved.ini", NULL, 0);
    assert_same_spec(first->spec, second->spec);
    assert_int_equal(first->n_params, second->n_params);
    for (size_t i = 0; i < first->n_params; i++) {
        const scenario_param *p = find_param(second, first->params[i].path);
        if (strcmp(p->path, "workload.openai-api.series") != 0)
            assert_string_equal(p->value, first->params[i].value);
    }
    assert_int_equal(first->n_warnings, second->n_warnings);
    assert_contains(first->resolved_text, "gpus = 20000\n");
    assert_contains(first->resolved_text, "; pue = 1.3  (default)\n");
    assert_null(strstr(first->resolved_text, "\ninclude"));
    scenario_destroy(first);
    scenario_destroy(second);
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
     5, "training workloads are not supported yet"},
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
    const scnkeys_kind_def *contract = scnkeys_kind_of(SCNKEYS_CONTRACT);
    const scnkeys_key *kind = &contract->keys[scnkeys_find_key(SCNKEYS_CONTRACT, "kind")];
    for (int i = 0; kind->choices[i]; i++)
        assert_string_equal(kind->choices[i], spec_contract_kind_name((spec_contract_kind)i));
    const scnkeys_key *pk = &scnkeys_kind_of(SCNKEYS_PROVIDER)->keys[0];
    for (int i = 0; pk->choices[i]; i++)
        assert_string_equal(pk->choices[i], spec_provider_kind_name((spec_provider_kind)i));
    const scnkeys_key *growth =
        &scnkeys_kind_of(SCNKEYS_WORKLOAD)->keys[scnkeys_find_key(SCNKEYS_WORKLOAD, "growth")];
    for (int i = 0; growth->choices[i]; i++)
        assert_string_equal(growth->choices[i], spec_growth_name((spec_growth)i));
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
    for (int k = 0; k < SCNKEYS_N_KINDS; k++) {
        const scnkeys_kind_def *kd = scnkeys_kind_of((scnkeys_kind)k);
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
        cmocka_unit_test(test_add_months),
        cmocka_unit_test_setup_teardown(test_include_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_overrides, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolved_text_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_top_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_series_errors, setup, teardown),
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
