/*
 * scenario_keys: the key tables and the per-value parsers. The tables are the
 * single source of truth for what a scenario may say; adding a key means one
 * row here, one line in scenarios/README.md, and (if it has no spec field)
 * its handling in the resolver.
 */
#include "scenario_keys.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../util/caltime.h"
#include "scenario_dist.h"
#include "../util/suggest.h"
#include "../util/text.h"
#include "../util/textnum.h"

#define FIELD(type, member) ((ptrdiff_t)offsetof(type, member))
#define TEXT_SIZE(type, member) sizeof(((type *)0)->member)
/* REAL ranges: [lo, hi], with open ends marked. */
#define ABOVE(x) .lo = (x), .hi = INFINITY, .lo_open = 1
#define AT_LEAST(x) .lo = (x), .hi = INFINITY
#define REQUIRED .flags = SCENARIO_KEYS_REQUIRED

static const char *const provider_kinds[] = {"neocloud", "hyperscaler", "lab", NULL};
static const char *const allocation_policies[] = {"oldest_first", "newest_first", NULL};
static const char *const contract_kinds[] = {"reserved", "on_demand", "spot", NULL};
static const char *const growth_models[] = {"exponential", "logistic", "series", NULL};
static const char *const workload_types[] = {"inference", "training", NULL};
static const char *const buildout_triggers[] = {"declined", "low_uncommitted", NULL};
static const char *const failure_scopes[] = {"gpu", "node", "rack", "datacenter", NULL};

/* Spans in months, up to a century. */
#define MONTHS_FROM(x) .lo = (x), .hi = SCENARIO_KEYS_MAX_MONTHS
#define MONTHS_ABOVE(x) .lo = (x), .hi = SCENARIO_KEYS_MAX_MONTHS, .lo_open = 1
#define FRACTION .lo = 0, .hi = 1

static const scenario_keys_key scenario_section_keys[] = {
    {.name = "name", .type = SCENARIO_KEYS_TEXT, REQUIRED, .offset = FIELD(spec, name),
     .size = TEXT_SIZE(spec, name), .unit = "text"},
    {.name = "start", .type = SCENARIO_KEYS_DATE, REQUIRED, .offset = SCENARIO_KEYS_NO_FIELD, .unit = "date"},
    {.name = "end", .type = SCENARIO_KEYS_DATE, .flags = SCENARIO_KEYS_REQUIRED | SCENARIO_KEYS_INCLUSIVE_END,
     .offset = FIELD(spec, end), .unit = "date"},
    {.name = "tick", .type = SCENARIO_KEYS_DURATION, .default_text = "1h",
     .offset = FIELD(spec, tick_seconds), .unit = "duration"},
    {.name = "seed", .type = SCENARIO_KEYS_SEED, .default_text = "42", .offset = FIELD(spec, seed),
     .unit = "integer"},
    {.name = "failures", .type = SCENARIO_KEYS_BOOL, .default_text = "true",
     .offset = FIELD(spec, failures_on), .unit = "true/false"},
    {.name = "sustained_shortfall_share", .type = SCENARIO_KEYS_REAL, .default_text = "0.01",
     .lo = 0, .hi = 1, .lo_open = 1, .offset = FIELD(spec, sustained_shortfall_share), .unit = "share of demand"},
    {.name = "include", .type = SCENARIO_KEYS_INCLUDE, .offset = SCENARIO_KEYS_NO_FIELD, .unit = "path"},
};

static const scenario_keys_key gpu_keys[] = {
    {.name = "tdp_w", .type = SCENARIO_KEYS_REAL, REQUIRED, ABOVE(0),
     .offset = FIELD(spec_gpu, tdp_w), .unit = "W"},
    {.name = "idle_w", .type = SCENARIO_KEYS_REAL, REQUIRED, AT_LEAST(0),
     .offset = FIELD(spec_gpu, idle_w), .unit = "W"},
    {.name = "host_w", .type = SCENARIO_KEYS_REAL, .default_text = "0", AT_LEAST(0),
     .offset = FIELD(spec_gpu, host_w), .unit = "W"},
    {.name = "train_speed", .type = SCENARIO_KEYS_REAL, .default_text = "1.0", ABOVE(0),
     .offset = FIELD(spec_gpu, train_speed), .unit = "x H100"},
    {.name = "infer_speed", .type = SCENARIO_KEYS_REAL, .default_text = "1.0", ABOVE(0),
     .offset = FIELD(spec_gpu, infer_speed), .unit = "x H100"},
    {.name = "capex_usd", .type = SCENARIO_KEYS_REAL, .default_text = "0", AT_LEAST(0),
     .offset = FIELD(spec_gpu, capex_usd), .unit = "USD"},
    {.name = "depreciation_years", .type = SCENARIO_KEYS_REAL, .default_text = "6", ABOVE(0),
     .offset = FIELD(spec_gpu, depreciation_years), .unit = "years"},
    {.name = "straggler_share", .type = SCENARIO_KEYS_REAL, .default_text = "0", .lo = 0, .hi = 1,
     .offset = FIELD(spec_gpu, straggler_share), .unit = "fraction"},
    {.name = "straggler_speed", .type = SCENARIO_KEYS_REAL, .default_text = "0.9", .lo = 0, .hi = 1,
     .lo_open = 1, .offset = FIELD(spec_gpu, straggler_speed), .unit = "x"},
    {.name = "weibull_shape", .type = SCENARIO_KEYS_REAL, .default_text = "1", .lo = 0.1,
     .hi = 10, .offset = FIELD(spec_gpu, weibull_shape), .unit = "shape"},
    {.name = "throttle_perf_exponent", .type = SCENARIO_KEYS_REAL, .default_text = "0.7",
     .lo = 0, .hi = 3, .offset = FIELD(spec_gpu, throttle_perf_exponent), .unit = "exponent"},
    {.name = "throttle_power_exponent", .type = SCENARIO_KEYS_REAL, .default_text = "3",
     .lo = 0, .hi = 5, .lo_open = 1, .offset = FIELD(spec_gpu, throttle_power_exponent),
     .unit = "exponent"},
    {.name = "min_clock", .type = SCENARIO_KEYS_REAL, .default_text = "0.5", .lo = 0, .hi = 1,
     .lo_open = 1, .offset = FIELD(spec_gpu, min_clock), .unit = "fraction of full clock"},
};

static const scenario_keys_key provider_keys[] = {
    {.name = "kind", .type = SCENARIO_KEYS_ENUM, REQUIRED, .choices = provider_kinds,
     .offset = FIELD(spec_provider, kind), .unit = "choice"},
    {.name = "allocation", .type = SCENARIO_KEYS_ENUM, .default_text = "oldest_first",
     .choices = allocation_policies, .offset = FIELD(spec_provider, allocation),
     .unit = "choice"},
    {.name = "debt_share", .type = SCENARIO_KEYS_REAL, .default_text = "0", FRACTION,
     .offset = FIELD(spec_provider, debt_share), .unit = "fraction"},
    {.name = "spare_share", .type = SCENARIO_KEYS_REAL, .default_text = "0", .lo = 0, .hi = 1,
     .hi_open = 1, .offset = FIELD(spec_provider, spare_share), .unit = "fraction"},
    {.name = "interest_rate", .type = SCENARIO_KEYS_REAL, .default_text = "0", FRACTION,
     .offset = FIELD(spec_provider, interest_rate), .unit = "fraction per year"},
};

static const scenario_keys_key datacenter_keys[] = {
    {.name = "owner", .type = SCENARIO_KEYS_REF, REQUIRED, .ref_kind = SCENARIO_KEYS_PROVIDER,
     .offset = FIELD(spec_datacenter, owner), .unit = "provider"},
    {.name = "region", .type = SCENARIO_KEYS_TEXT, .default_text = "",
     .offset = FIELD(spec_datacenter, region), .size = TEXT_SIZE(spec_datacenter, region),
     .unit = "text"},
    {.name = "power_mw", .type = SCENARIO_KEYS_REAL, REQUIRED, ABOVE(0),
     .offset = FIELD(spec_datacenter, power_mw), .unit = "MW"},
    {.name = "pue", .type = SCENARIO_KEYS_REAL, .default_text = "1.3", AT_LEAST(1),
     .offset = FIELD(spec_datacenter, pue), .unit = "ratio"},
    {.name = "energy_price_per_mwh", .type = SCENARIO_KEYS_REAL, .default_text = "80.6",
     AT_LEAST(0), .offset = FIELD(spec_datacenter, energy_price_per_mwh), .unit = "USD/MWh"},
    {.name = "opex_per_mw_year", .type = SCENARIO_KEYS_REAL, .default_text = "0", AT_LEAST(0),
     .offset = FIELD(spec_datacenter, opex_per_mw_year), .unit = "USD per MW-year"},
    {.name = "online", .type = SCENARIO_KEYS_DATE, .flags = SCENARIO_KEYS_DEFAULT_START,
     .offset = FIELD(spec_datacenter, online), .unit = "date"},
    {.name = "gpus", .type = SCENARIO_KEYS_GPU_LIST, .offset = SCENARIO_KEYS_NO_FIELD, .unit = "GPUs"},
};

static const scenario_keys_key phase_keys[] = {
    {.name = "datacenter", .type = SCENARIO_KEYS_REF, REQUIRED, .ref_kind = SCENARIO_KEYS_DATACENTER,
     .offset = FIELD(scenario_keys_phase_record, datacenter), .unit = "datacenter"},
    {.name = "online", .type = SCENARIO_KEYS_DATE, REQUIRED,
     .offset = FIELD(scenario_keys_phase_record, online), .unit = "date"},
    {.name = "gpus", .type = SCENARIO_KEYS_GPU_LIST, REQUIRED, .offset = SCENARIO_KEYS_NO_FIELD,
     .unit = "GPUs"},
};

static const scenario_keys_key contract_keys[] = {
    {.name = "lessor", .type = SCENARIO_KEYS_REF, REQUIRED, .ref_kind = SCENARIO_KEYS_PROVIDER,
     .offset = FIELD(spec_contract, lessor), .unit = "provider"},
    {.name = "lessee", .type = SCENARIO_KEYS_REF, REQUIRED, .ref_kind = SCENARIO_KEYS_PROVIDER,
     .offset = FIELD(spec_contract, lessee), .unit = "provider"},
    {.name = "gpu", .type = SCENARIO_KEYS_REF, .flags = SCENARIO_KEYS_ALLOW_ANY, .default_text = "any",
     .ref_kind = SCENARIO_KEYS_GPU, .offset = FIELD(spec_contract, gpu), .unit = "GPU type"},
    {.name = "gpus", .type = SCENARIO_KEYS_GPU_COUNT, REQUIRED, .offset = FIELD(spec_contract, gpus),
     .unit = "GPUs"},
    {.name = "start", .type = SCENARIO_KEYS_DATE, REQUIRED, .offset = FIELD(spec_contract, start),
     .unit = "date"},
    {.name = "end", .type = SCENARIO_KEYS_DATE, .flags = SCENARIO_KEYS_INCLUSIVE_END,
     .offset = FIELD(spec_contract, end), .unit = "date"},
    {.name = "term_months", .type = SCENARIO_KEYS_MONTHS, .offset = SCENARIO_KEYS_NO_FIELD,
     .unit = "months"},
    {.name = "price_per_gpu_hour", .type = SCENARIO_KEYS_PRICE, REQUIRED, AT_LEAST(0),
     .offset = FIELD(spec_contract, price_per_gpu_hour), .unit = "USD/GPU-hour"},
    {.name = "kind", .type = SCENARIO_KEYS_ENUM, .default_text = "reserved",
     .choices = contract_kinds, .offset = FIELD(spec_contract, kind), .unit = "choice"},
    {.name = "ramp_months", .type = SCENARIO_KEYS_MONTH_SPAN, .default_text = "0", MONTHS_FROM(0),
     .offset = FIELD(spec_contract, ramp_seconds), .unit = "months"},
    {.name = "sla_availability", .type = SCENARIO_KEYS_REAL, .default_text = "0", FRACTION,
     .offset = FIELD(spec_contract, sla_availability), .unit = "fraction"},
    {.name = "sla_credit_share", .type = SCENARIO_KEYS_REAL, .default_text = "0.1", FRACTION,
     .offset = FIELD(spec_contract, sla_credit_share), .unit = "fraction"},
    {.name = "terminate", .type = SCENARIO_KEYS_DATE, .flags = SCENARIO_KEYS_DEFAULT_NONE,
     .offset = FIELD(spec_contract, terminate), .unit = "date"},
    {.name = "termination_fee_months", .type = SCENARIO_KEYS_REAL, .default_text = "0",
     MONTHS_FROM(0), .offset = FIELD(spec_contract, termination_fee_months),
     .unit = "months"},
};

static const scenario_keys_key workload_keys[] = {
    {.name = "tenant", .type = SCENARIO_KEYS_REF, REQUIRED, .ref_kind = SCENARIO_KEYS_PROVIDER,
     .offset = FIELD(spec_workload, tenant), .unit = "provider"},
    {.name = "type", .type = SCENARIO_KEYS_ENUM, REQUIRED, .choices = workload_types,
     .offset = FIELD(spec_workload, type), .unit = "choice"},
    {.name = "start", .type = SCENARIO_KEYS_DATE, .flags = SCENARIO_KEYS_DEFAULT_START,
     .offset = FIELD(spec_workload, start), .unit = "date"},
    {.name = "demand_h100", .type = SCENARIO_KEYS_REAL, AT_LEAST(0),
     .offset = FIELD(spec_workload, demand_h100), .unit = "H100-equivalent GPUs"},
    {.name = "growth", .type = SCENARIO_KEYS_ENUM, .default_text = "exponential",
     .choices = growth_models, .offset = FIELD(spec_workload, growth), .unit = "choice"},
    {.name = "yearly_factor", .type = SCENARIO_KEYS_REAL, .default_text = "1.0", ABOVE(0),
     .offset = FIELD(spec_workload, yearly_factor), .unit = "x per year"},
    {.name = "ceiling_h100", .type = SCENARIO_KEYS_REAL, ABOVE(0),
     .offset = FIELD(spec_workload, ceiling_h100), .unit = "H100-equivalent GPUs"},
    {.name = "rate_per_year", .type = SCENARIO_KEYS_REAL, ABOVE(0),
     .offset = FIELD(spec_workload, rate_per_year), .unit = "1/year"},
    {.name = "series", .type = SCENARIO_KEYS_PATH, .offset = SCENARIO_KEYS_NO_FIELD, .unit = "path"},
    {.name = "diurnal_amplitude", .type = SCENARIO_KEYS_REAL, .default_text = "0", .lo = 0, .hi = 1,
     .hi_open = 1, .offset = FIELD(spec_workload, diurnal_amplitude), .unit = "fraction"},
    {.name = "peak_hour", .type = SCENARIO_KEYS_REAL, .default_text = "20", .lo = 0, .hi = 24,
     .hi_open = 1, .offset = FIELD(spec_workload, peak_hour), .unit = "hour (UTC)"},
    {.name = "noise_sigma", .type = SCENARIO_KEYS_REAL, .default_text = "0", AT_LEAST(0),
     .offset = FIELD(spec_workload, noise_sigma), .unit = "lognormal sigma"},
    {.name = "arrival_rate_per_day", .type = SCENARIO_KEYS_REAL, ABOVE(0),
     .offset = FIELD(spec_workload, arrival_rate_per_day), .unit = "jobs/day"},
    {.name = "ceiling_rate_per_day", .type = SCENARIO_KEYS_REAL, ABOVE(0),
     .offset = FIELD(spec_workload, ceiling_rate_per_day), .unit = "jobs/day"},
    {.name = "job_gpus", .type = SCENARIO_KEYS_DISTRIBUTION, .flags = SCENARIO_KEYS_GPU_VALUES,
     .offset = SCENARIO_KEYS_NO_FIELD, .unit = "GPUs per job"},
    {.name = "duration_h", .type = SCENARIO_KEYS_DISTRIBUTION, .offset = SCENARIO_KEYS_NO_FIELD,
     .unit = "hours on an H100"},
    {.name = "max_wait_h", .type = SCENARIO_KEYS_REAL, .flags = SCENARIO_KEYS_ALLOW_FOREVER,
     .default_text = "0", AT_LEAST(0), .offset = FIELD(spec_workload, max_wait_h),
     .unit = "hours"},
    {.name = "backfill", .type = SCENARIO_KEYS_BOOL, .default_text = "false",
     .offset = FIELD(spec_workload, backfill), .unit = "true/false"},
    {.name = "checkpoint_interval_h", .type = SCENARIO_KEYS_REAL, .default_text = "0",
     AT_LEAST(0), .offset = FIELD(spec_workload, checkpoint_interval_h), .unit = "hours"},
    {.name = "restart_h", .type = SCENARIO_KEYS_REAL, .default_text = "0", AT_LEAST(0),
     .offset = FIELD(spec_workload, restart_h), .unit = "hours"},
    {.name = "trace", .type = SCENARIO_KEYS_PATH, .offset = SCENARIO_KEYS_NO_FIELD, .unit = "path"},
};

static const scenario_keys_key pricelist_keys[] = {
    {.name = "seller", .type = SCENARIO_KEYS_REF, REQUIRED, .ref_kind = SCENARIO_KEYS_PROVIDER,
     .offset = FIELD(spec_pricelist, seller), .unit = "provider"},
    {.name = "gpu", .type = SCENARIO_KEYS_REF, .flags = SCENARIO_KEYS_ALLOW_ANY, .default_text = "any",
     .ref_kind = SCENARIO_KEYS_GPU, .offset = FIELD(spec_pricelist, gpu), .unit = "GPU type"},
    {.name = "reserved_per_gpu_hour", .type = SCENARIO_KEYS_REAL, AT_LEAST(0),
     .offset = FIELD(spec_pricelist, price_per_gpu_hour[SPEC_RESERVED]),
     .unit = "USD/GPU-hour"},
    {.name = "on_demand_per_gpu_hour", .type = SCENARIO_KEYS_REAL, AT_LEAST(0),
     .offset = FIELD(spec_pricelist, price_per_gpu_hour[SPEC_ON_DEMAND]),
     .unit = "USD/GPU-hour"},
    {.name = "spot_per_gpu_hour", .type = SCENARIO_KEYS_REAL, AT_LEAST(0),
     .offset = FIELD(spec_pricelist, price_per_gpu_hour[SPEC_SPOT]), .unit = "USD/GPU-hour"},
    {.name = "discount_per_year", .type = SCENARIO_KEYS_REAL, .default_text = "0", FRACTION,
     .offset = FIELD(spec_pricelist, discount_per_year), .unit = "fraction per year"},
    {.name = "decline_per_year", .type = SCENARIO_KEYS_REAL, .default_text = "0", .lo = 0,
     .hi = 1, .hi_open = 1, .offset = FIELD(spec_pricelist, decline_per_year),
     .unit = "fraction per year"},
    {.name = "max_discount", .type = SCENARIO_KEYS_REAL, .default_text = "0.6", FRACTION,
     .offset = FIELD(spec_pricelist, max_discount), .unit = "fraction"},
};

static const scenario_keys_key procurement_keys[] = {
    {.name = "buyer", .type = SCENARIO_KEYS_REF, REQUIRED, .ref_kind = SCENARIO_KEYS_PROVIDER,
     .offset = FIELD(spec_procurement, buyer), .unit = "provider"},
    {.name = "first_review", .type = SCENARIO_KEYS_DATE, .flags = SCENARIO_KEYS_DEFAULT_START,
     .offset = FIELD(spec_procurement, first_review), .unit = "date"},
    {.name = "review_months", .type = SCENARIO_KEYS_MONTH_SPAN, .default_text = "3",
     MONTHS_ABOVE(0), .offset = FIELD(spec_procurement, period_seconds), .unit = "months"},
    {.name = "horizon_months", .type = SCENARIO_KEYS_MONTH_SPAN, .default_text = "12",
     MONTHS_ABOVE(0), .offset = FIELD(spec_procurement, horizon_seconds), .unit = "months"},
    {.name = "gap_threshold_h100", .type = SCENARIO_KEYS_REAL, .default_text = "0", AT_LEAST(0),
     .offset = FIELD(spec_procurement, gap_threshold_h100), .unit = "H100-equivalent GPUs"},
    {.name = "headroom", .type = SCENARIO_KEYS_REAL, .default_text = "0.1", AT_LEAST(0),
     .offset = FIELD(spec_procurement, headroom), .unit = "fraction"},
    {.name = "sellers", .type = SCENARIO_KEYS_PROVIDER_LIST, REQUIRED, .offset = SCENARIO_KEYS_NO_FIELD,
     .unit = "providers"},
    {.name = "first_refusal", .type = SCENARIO_KEYS_BOOL, .default_text = "false",
     .offset = FIELD(spec_procurement, first_refusal), .unit = "true/false"},
    {.name = "first_refusal_until", .type = SCENARIO_KEYS_DATE, .flags = SCENARIO_KEYS_DEFAULT_NONE,
     .offset = FIELD(spec_procurement, first_refusal_until), .unit = "date"},
    {.name = "resell", .type = SCENARIO_KEYS_BOOL, .default_text = "true",
     .offset = FIELD(spec_procurement, resell), .unit = "true/false"},
    {.name = "gpu", .type = SCENARIO_KEYS_REF, .flags = SCENARIO_KEYS_ALLOW_ANY, .default_text = "any",
     .ref_kind = SCENARIO_KEYS_GPU, .offset = FIELD(spec_procurement, gpu), .unit = "GPU type"},
    {.name = "term_months", .type = SCENARIO_KEYS_MONTHS, .default_text = "48",
     .offset = SCENARIO_KEYS_NO_FIELD, .unit = "months"},
    {.name = "kind", .type = SCENARIO_KEYS_ENUM, .default_text = "reserved",
     .choices = contract_kinds, .offset = FIELD(spec_procurement, kind), .unit = "choice"},
    {.name = "max_price_per_gpu_hour", .type = SCENARIO_KEYS_REAL, REQUIRED, ABOVE(0),
     .offset = FIELD(spec_procurement, max_price_per_gpu_hour), .unit = "USD/GPU-hour"},
    {.name = "delivery_months", .type = SCENARIO_KEYS_MONTH_SPAN, .default_text = "0",
     MONTHS_FROM(0), .offset = FIELD(spec_procurement, delivery_seconds), .unit = "months"},
    {.name = "sla_availability", .type = SCENARIO_KEYS_REAL, .default_text = "0", FRACTION,
     .offset = FIELD(spec_procurement, sla_availability), .unit = "fraction"},
    {.name = "sla_credit_share", .type = SCENARIO_KEYS_REAL, .default_text = "0.1", FRACTION,
     .offset = FIELD(spec_procurement, sla_credit_share), .unit = "fraction"},
};

static const scenario_keys_key buildout_keys[] = {
    {.name = "owner", .type = SCENARIO_KEYS_REF, REQUIRED, .ref_kind = SCENARIO_KEYS_PROVIDER,
     .offset = FIELD(spec_buildout, owner), .unit = "provider"},
    {.name = "lead_time_months", .type = SCENARIO_KEYS_MONTH_SPAN, .default_text = "12",
     MONTHS_FROM(0), .offset = FIELD(spec_buildout, lead_seconds), .unit = "months"},
    {.name = "slippage_sigma_months", .type = SCENARIO_KEYS_REAL, .default_text = "0",
     MONTHS_FROM(0), .offset = FIELD(spec_buildout, slippage_sigma_months), .unit = "months"},
    {.name = "gpu", .type = SCENARIO_KEYS_REF, REQUIRED, .ref_kind = SCENARIO_KEYS_GPU,
     .offset = FIELD(spec_buildout, gpu), .unit = "GPU type"},
    {.name = "site_power_mw", .type = SCENARIO_KEYS_REAL, REQUIRED, ABOVE(0),
     .offset = FIELD(spec_buildout, site_power_mw), .unit = "MW"},
    {.name = "pue", .type = SCENARIO_KEYS_REAL, .default_text = "1.3", AT_LEAST(1),
     .offset = FIELD(spec_buildout, pue), .unit = "ratio"},
    {.name = "energy_price_per_mwh", .type = SCENARIO_KEYS_REAL, .default_text = "80.6",
     AT_LEAST(0), .offset = FIELD(spec_buildout, energy_price_per_mwh), .unit = "USD/MWh"},
    {.name = "opex_per_mw_year", .type = SCENARIO_KEYS_REAL, .default_text = "0", AT_LEAST(0),
     .offset = FIELD(spec_buildout, opex_per_mw_year), .unit = "USD per MW-year"},

    {.name = "region", .type = SCENARIO_KEYS_TEXT, .default_text = "",
     .offset = FIELD(spec_buildout, region), .size = TEXT_SIZE(spec_buildout, region),
     .unit = "text"},
    {.name = "yearly_budget_mw", .type = SCENARIO_KEYS_REAL, .default_text = "0", AT_LEAST(0),
     .offset = FIELD(spec_buildout, yearly_budget_mw), .unit = "MW per year"},
    {.name = "yearly_budget_usd", .type = SCENARIO_KEYS_REAL, .default_text = "0", AT_LEAST(0),
     .offset = FIELD(spec_buildout, yearly_budget_usd), .unit = "USD per year"},
    {.name = "trigger", .type = SCENARIO_KEYS_ENUM, .default_text = "declined",
     .choices = buildout_triggers, .offset = FIELD(spec_buildout, trigger), .unit = "choice"},
    {.name = "uncommitted_threshold_gpus", .type = SCENARIO_KEYS_REAL, .default_text = "0",
     AT_LEAST(0), .offset = FIELD(spec_buildout, uncommitted_threshold_gpus), .unit = "GPUs"},
    {.name = "max_sites", .type = SCENARIO_KEYS_WHOLE, .default_text = "100", .lo = 0, .hi = 1e6,
     .offset = FIELD(spec_buildout, max_sites), .unit = "sites"},
};

static const scenario_keys_key target_keys[] = {
    {.name = "metric", .type = SCENARIO_KEYS_TEXT, REQUIRED, .offset = FIELD(spec_target, metric),
     .size = TEXT_SIZE(spec_target, metric), .unit = "run_metric name"},
    {.name = "value", .type = SCENARIO_KEYS_REAL, REQUIRED, .lo = -INFINITY, .hi = INFINITY,
     .offset = FIELD(spec_target, value), .unit = "the metric's unit"},
    {.name = "tolerance", .type = SCENARIO_KEYS_REAL, .default_text = "0", AT_LEAST(0),
     .offset = FIELD(spec_target, tolerance), .unit = "fraction of value"},
    {.name = "tolerance_abs", .type = SCENARIO_KEYS_REAL, .default_text = "0", AT_LEAST(0),
     .offset = FIELD(spec_target, tolerance_abs), .unit = "the metric's unit"},
};

static const scenario_keys_key failure_keys[] = {
    {.name = "scope", .type = SCENARIO_KEYS_ENUM, REQUIRED, .choices = failure_scopes,
     .offset = FIELD(spec_failure, scope), .unit = "choice"},
    {.name = "gpu", .type = SCENARIO_KEYS_REF, .flags = SCENARIO_KEYS_ALLOW_ANY, .default_text = "any",
     .ref_kind = SCENARIO_KEYS_GPU, .offset = FIELD(spec_failure, gpu), .unit = "GPU type"},
    {.name = "rate_per_1000_per_day", .type = SCENARIO_KEYS_REAL, ABOVE(0),
     .offset = SCENARIO_KEYS_NO_FIELD, .unit = "failures per 1,000 units per day"},
    {.name = "mtbf_h", .type = SCENARIO_KEYS_REAL, ABOVE(0), .offset = SCENARIO_KEYS_NO_FIELD,
     .unit = "hours per unit"},
    {.name = "load_factor", .type = SCENARIO_KEYS_REAL, .default_text = "0", AT_LEAST(0),
     .offset = FIELD(spec_failure, load_factor), .unit = "x utilisation"},
    {.name = "repair_h", .type = SCENARIO_KEYS_DISTRIBUTION, REQUIRED,
     .offset = SCENARIO_KEYS_NO_FIELD, .unit = "hours"},
    {.name = "drains_node", .type = SCENARIO_KEYS_BOOL, .default_text = "true",
     .offset = FIELD(spec_failure, drains_node), .unit = "true/false"},
    {.name = "hardware", .type = SCENARIO_KEYS_BOOL, .default_text = "true",
     .offset = FIELD(spec_failure, hardware), .unit = "true/false"},
    {.name = "planned", .type = SCENARIO_KEYS_BOOL, .default_text = "false",
     .offset = FIELD(spec_failure, planned), .unit = "true/false"},
};

static const scenario_keys_key curtailment_keys[] = {
    {.name = "datacenter", .type = SCENARIO_KEYS_REF, REQUIRED, .ref_kind = SCENARIO_KEYS_DATACENTER,
     .offset = FIELD(spec_curtailment, datacenter), .unit = "datacenter"},
    {.name = "start", .type = SCENARIO_KEYS_DATE, REQUIRED, .offset = FIELD(spec_curtailment, start),
     .unit = "date"},
    {.name = "duration_h", .type = SCENARIO_KEYS_REAL, REQUIRED, ABOVE(0),
     .offset = SCENARIO_KEYS_NO_FIELD, .unit = "hours"},
    {.name = "mw", .type = SCENARIO_KEYS_REAL, REQUIRED, AT_LEAST(0),
     .offset = FIELD(spec_curtailment, mw), .unit = "MW of IT power left"},
};

#define KIND(name, named, keys, record) \
    {name, named, keys, sizeof keys / sizeof keys[0], sizeof(record)}
static const scenario_keys_kind_def kinds[SCENARIO_KEYS_N_KINDS] = {
    KIND("scenario", 0, scenario_section_keys, spec),
    KIND("gpu", 1, gpu_keys, spec_gpu),
    KIND("provider", 1, provider_keys, spec_provider),
    KIND("datacenter", 1, datacenter_keys, spec_datacenter),
    KIND("phase", 1, phase_keys, scenario_keys_phase_record),
    KIND("contract", 1, contract_keys, spec_contract),
    KIND("workload", 1, workload_keys, spec_workload),
    KIND("pricelist", 1, pricelist_keys, spec_pricelist),
    KIND("procurement", 1, procurement_keys, spec_procurement),
    KIND("buildout", 1, buildout_keys, spec_buildout),
    KIND("target", 1, target_keys, spec_target),
    KIND("failure", 1, failure_keys, spec_failure),
    KIND("curtailment", 1, curtailment_keys, spec_curtailment),
};

const char *scenario_keys_kind_names(void)
{
    return "scenario, gpu, provider, datacenter, phase, contract, workload, pricelist, "
           "procurement, buildout, target, failure or curtailment";
}

/* ---- queries ---- */

const scenario_keys_kind_def *scenario_keys_kind_of(scenario_keys_kind kind)
{
    return &kinds[kind];
}

int scenario_keys_find_kind(const char *name)
{
    for (int i = 0; i < SCENARIO_KEYS_N_KINDS; i++)
        if (strcmp(kinds[i].name, name) == 0)
            return i;
    return -1;
}

int scenario_keys_find_key(scenario_keys_kind kind, const char *key)
{
    for (size_t i = 0; i < kinds[kind].n_keys; i++)
        if (strcmp(kinds[kind].keys[i].name, key) == 0)
            return (int)i;
    return -1;
}

static const char *kind_name_at(const void *ctx, size_t i)
{
    (void)ctx;
    return kinds[i].name;
}

static const char *key_name_at(const void *ctx, size_t i)
{
    return ((const scenario_keys_kind_def *)ctx)->keys[i].name;
}

const char *scenario_keys_suggest_kind(const char *name)
{
    return suggest_nearest(name, kind_name_at, NULL, SCENARIO_KEYS_N_KINDS);
}

const char *scenario_keys_suggest_key(scenario_keys_kind kind, const char *key)
{
    return suggest_nearest(key, key_name_at, &kinds[kind], kinds[kind].n_keys);
}

void scenario_keys_list_keys(scenario_keys_kind kind, char *out, size_t out_len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < kinds[kind].n_keys && used < out_len; i++) {
        int n = snprintf(out + used, out_len - used, "%s%s", i ? ", " : "",
                         kinds[kind].keys[i].name);
        used += n > 0 ? (size_t)n : 0;
    }
}

/* ---- value parsers: each returns 0, or -1 with why set ---- */

static void describe_range(const scenario_keys_key *k, char *out, size_t n)
{
    if (isinf(k->hi))
        snprintf(out, n, "%s %g", k->lo_open ? ">" : ">=", k->lo);
    else
        snprintf(out, n, "%s %g and %s %g", k->lo_open ? ">" : ">=", k->lo,
                 k->hi_open ? "<" : "<=", k->hi);
}

static int parse_real(const scenario_keys_key *k, const char *text, double *out, char *why,
                      size_t n)
{
    double v;
    if ((k->flags & SCENARIO_KEYS_ALLOW_FOREVER) && (!strcmp(text, "none") || !strcmp(text, "inf"))) {
        *out = SPEC_WAIT_FOREVER;
        return 0;
    }
    textnum_status st = textnum_real(text, &v);
    if (st == TEXTNUM_TOO_LARGE) {
        snprintf(why, n, "%s is beyond capsim's bound of %g for any number (unit: %s); is it a "
                 "typo?", text, TEXTNUM_MAX_REAL, k->unit);
        return -1;
    }
    if (st != TEXTNUM_OK) {
        snprintf(why, n, "'%s' is not a number; write a plain decimal such as 700 or 2.5 "
                 "(unit: %s)%s", text, k->unit, (k->flags & SCENARIO_KEYS_ALLOW_FOREVER)
                 ? ", or `none` for no limit" : "");
        return -1;
    }
    int below = k->lo_open ? v <= k->lo : v < k->lo;
    int above = k->hi_open ? v >= k->hi : v > k->hi;
    if (below || above) {
        char range[64];
        describe_range(k, range, sizeof range);
        snprintf(why, n, "%s is out of range; it must be %s (unit: %s)", text, range, k->unit);
        return -1;
    }
    *out = v;
    return 0;
}

/* A count of GPUs: a positive whole multiple of the node size. */
static int parse_count(const char *text, int64_t *out, char *why, size_t n)
{
    uint64_t v = 0;
    textnum_status st = textnum_uint(text, &v);
    if (st == TEXTNUM_NEGATIVE)
        snprintf(why, n, "'%s' is negative; give a positive multiple of %d GPUs", text,
                 SPEC_GPUS_PER_NODE);
    else if (st == TEXTNUM_NOT_NUMBER)
        snprintf(why, n, "'%s' is not a whole number of GPUs; write e.g. 1024", text);
    else if (st == TEXTNUM_TOO_LARGE || v > (uint64_t)SCENARIO_KEYS_MAX_GPUS)
        snprintf(why, n, "%s GPUs is more than %lld; is it a typo?", text, SCENARIO_KEYS_MAX_GPUS);
    else if (v == 0)
        snprintf(why, n, "0 GPUs; give a positive multiple of %d (allocation is in whole "
                 "%d-GPU nodes)", SPEC_GPUS_PER_NODE, SPEC_GPUS_PER_NODE);
    else if (v % SPEC_GPUS_PER_NODE != 0)
        snprintf(why, n, "%s GPUs is not a multiple of %d: allocation is in whole %d-GPU "
                 "nodes; use %llu or %llu", text, SPEC_GPUS_PER_NODE, SPEC_GPUS_PER_NODE,
                 (unsigned long long)(v / SPEC_GPUS_PER_NODE * SPEC_GPUS_PER_NODE),
                 (unsigned long long)(v / SPEC_GPUS_PER_NODE * SPEC_GPUS_PER_NODE
                                      + SPEC_GPUS_PER_NODE));
    else {
        *out = (int64_t)v;
        return 0;
    }
    return -1;
}

static int parse_months(const char *text, int64_t *out, char *why, size_t n)
{
    uint64_t v = 0;
    if (textnum_uint(text, &v) != TEXTNUM_OK || v == 0 || v > SCENARIO_KEYS_MAX_MONTHS) {
        snprintf(why, n, "'%s' is not a whole number of months from 1 to %d; write e.g. 48",
                 text, SCENARIO_KEYS_MAX_MONTHS);
        return -1;
    }
    *out = (int64_t)v;
    return 0;
}

static int parse_seed(const char *text, uint64_t *out, char *why, size_t n)
{
    if (textnum_uint(text, out) != TEXTNUM_OK) {
        snprintf(why, n, "'%s' is not an unsigned whole number; write e.g. 42", text);
        return -1;
    }
    return 0;
}

static int parse_enum(const scenario_keys_key *k, const char *text, int *out, char *why, size_t n)
{
    for (int i = 0; k->choices[i]; i++) {
        if (strcmp(k->choices[i], text) == 0) {
            *out = i;
            return 0;
        }
    }
    char options[128] = "";
    for (int i = 0; k->choices[i]; i++) {
        strncat(options, i ? ", " : "", sizeof options - strlen(options) - 1);
        strncat(options, k->choices[i], sizeof options - strlen(options) - 1);
    }
    const char *near = suggest_nearest_in(text, k->choices);
    if (near)
        snprintf(why, n, "unknown value '%s'; did you mean '%s'? (one of: %s)", text, near,
                 options);
    else
        snprintf(why, n, "unknown value '%s'; use one of: %s", text, options);
    return -1;
}

static int parse_text(const scenario_keys_key *k, const char *text, char *why, size_t n)
{
    size_t len = strlen(text);
    if (len >= k->size) {
        snprintf(why, n, "text is %zu characters long; at most %zu are allowed", len,
                 k->size - 1);
        return -1;
    }
    if ((k->flags & SCENARIO_KEYS_REQUIRED) && len == 0) {
        snprintf(why, n, "is empty; write some text");
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (iscntrl(c)) {
            snprintf(why, n, "contains a control character; use plain text");
            return -1;
        }
        if ((c == ';' || c == '#') && (i == 0 || isspace((unsigned char)text[i - 1]))) {
            snprintf(why, n, "contains '%c' after a space, which a scenario file reads as "
                     "a comment; remove it", c);
            return -1;
        }
    }
    return 0;
}

int scenario_keys_check_name(const char *name, char *why, size_t why_len)
{
    size_t len = strlen(name);
    if (len == 0) {
        snprintf(why, why_len, "the name is empty; write a name such as cw-plano");
        return -1;
    }
    if (len >= SPEC_NAME_MAX) {
        snprintf(why, why_len, "the name '%.40s...' is %zu characters long; at most %d are "
                 "allowed", name, len, SPEC_NAME_MAX - 1);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (isspace(c) || iscntrl(c) || strchr(",[];#\"'", c)) {
            snprintf(why, why_len, "the name '%s' contains %s; names use letters, digits and "
                     "_ . : = + @ -", name, isspace(c) ? "whitespace" : "a forbidden character");
            return -1;
        }
    }
    return 0;
}

static int parse_ref(const scenario_keys_key *k, const char *text, int *is_any, char *why,
                     size_t n)
{
    *is_any = (k->flags & SCENARIO_KEYS_ALLOW_ANY) && strcmp(text, "any") == 0;
    return *is_any ? 0 : scenario_keys_check_name(text, why, n);
}

/* Splits the TYPE:VALUE item at *cursor of a comma-separated list (`list`
 * names it in messages, `form` is "TYPE:COUNT" or the like, `advice` says how
 * to write the list). Writes the trimmed type into item (NUL-terminated) and
 * points *value at the value's text, inside item. Returns 1, 0 at the end of
 * the list, or -1 with why. */
static int split_pair_item(const char *const *cursor, char item[160], const char **value,
                           const char *list, const char *form, const char *advice, char *why,
                           size_t why_len)
{
    const char *p = text_skip_space(*cursor);
    if (!*p)
        return 0;
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len >= 160) {
        snprintf(why, why_len, "an item of the %s is too long; write %s", list, form);
        return -1;
    }
    memcpy(item, p, len);
    len = text_trim_end_length(item, len);
    item[len] = '\0';
    char *colon = strrchr(item, ':');
    if (len == 0 || !colon) {
        snprintf(why, why_len, "'%s' is not %s; %s", len ? item : "(empty item)", form, advice);
        return -1;
    }
    *colon = '\0';
    char *type_end = colon;
    while (type_end > item && isspace((unsigned char)type_end[-1]))
        *--type_end = '\0';
    *value = text_skip_space(colon + 1);
    return 1;
}

/* Moves *cursor past the item just read; a comma with nothing after it is an
 * error. Returns 1 or -1 with why. */
static int end_pair_item(const char **cursor, const char *list, char *why, size_t why_len)
{
    const char *p = text_skip_space(*cursor);
    const char *end = strchr(p, ',');
    *cursor = end ? end + 1 : p + strlen(p);
    if (end && !*text_skip_space(*cursor)) {
        snprintf(why, why_len, "the %s ends with a comma; remove it", list);
        return -1;
    }
    return 1;
}

int scenario_keys_gpu_list_next(const char **cursor, char type[SPEC_NAME_MAX], int64_t *count,
                          char *why, size_t why_len)
{
    char item[160];
    const char *value;
    int rc = split_pair_item(cursor, item, &value, "gpus list", "TYPE:COUNT",
                             "write the list as e.g. H100:16000, H200:4000", why, why_len);
    if (rc != 1)
        return rc;
    if (scenario_keys_check_name(item, why, why_len) != 0 ||
        parse_count(value, count, why, why_len) != 0)
        return -1;
    strcpy(type, item);
    return end_pair_item(cursor, "gpus list", why, why_len);
}

static int parse_gpu_list(const scenario_keys_key *k, const char *text, char *why, size_t n)
{
    char type[SPEC_NAME_MAX];
    int64_t count;
    int items = 0, rc;
    const char *cursor = text;
    while ((rc = scenario_keys_gpu_list_next(&cursor, type, &count, why, n)) == 1)
        items++;
    if (rc == 0 && items == 0 && (k->flags & SCENARIO_KEYS_REQUIRED)) {
        snprintf(why, n, "the gpus list is empty; write TYPE:COUNT, e.g. H100:1024");
        return -1;
    }
    return rc;
}

static int parse_date(const char *text, int64_t *days, char *why, size_t n)
{
    const int rc = caltime_parse_date(text, days);
    if (rc == -2) {
        snprintf(why, n, "'%s' is outside the years capsim simulates (%d to %d)", text,
                 CALTIME_FIRST_YEAR, CALTIME_LAST_YEAR);
        return -1;
    }
    if (rc != 0) {
        snprintf(why, n, "'%s' is not a valid date; write YYYY-MM-DD, e.g. 2025-01-31", text);
        return -1;
    }
    return 0;
}

static int parse_duration(const char *text, int64_t *seconds, char *why, size_t n)
{
    if (caltime_parse_duration(text, seconds) != 0) {
        snprintf(why, n, "'%s' is not a duration; write a positive whole number and a unit "
                 "s, m, h or d, e.g. 15m, 1h, 6h, 1d", text);
        return -1;
    }
    return 0;
}

static int parse_path(const char *text, char *why, size_t n)
{
    if (!*text) {
        snprintf(why, n, "no path given; write a file path relative to this file");
        return -1;
    }
    return 0;
}

static int parse_bool(const char *text, int *out, char *why, size_t n)
{
    static const char *const yes[] = {"true", "yes", "1", NULL};
    static const char *const no[] = {"false", "no", "0", NULL};
    for (int i = 0; yes[i]; i++) {
        if (strcmp(text, yes[i]) == 0 || strcmp(text, no[i]) == 0) {
            *out = strcmp(text, yes[i]) == 0;
            return 0;
        }
    }
    snprintf(why, n, "'%s' is not true or false; write true, false, yes, no, 1 or 0", text);
    return -1;
}

static int parse_whole(const scenario_keys_key *k, const char *text, int64_t *out, char *why,
                       size_t n)
{
    uint64_t v = 0;
    textnum_status st = textnum_uint(text, &v);
    if (st == TEXTNUM_OK && (double)v >= k->lo && (double)v <= k->hi) {
        *out = (int64_t)v;
        return 0;
    }
    snprintf(why, n, "'%s' is not a whole number from %g to %g (unit: %s); write digits "
             "only, e.g. %s", text, k->lo, k->hi, k->unit,
             k->default_text ? k->default_text : "1");
    return -1;
}

/* A span in months (fractions allowed), as seconds of average months. */
static int parse_month_span(const scenario_keys_key *k, const char *text, int64_t *out, char *why,
                            size_t n)
{
    double months;
    if (parse_real(k, text, &months, why, n) != 0)
        return -1;
    *out = (int64_t)llround(months * UNITS_SECONDS_PER_MONTH);
    return 0;
}

int scenario_keys_is_price_list(const char *text)
{
    return strchr(text, ':') != NULL;
}

int scenario_keys_price_list_next(const scenario_keys_key *k, const char **cursor,
                                  char type[SPEC_NAME_MAX], double *price, char *why,
                                  size_t why_len)
{
    char item[160];
    const char *value;
    int rc = split_pair_item(cursor, item, &value, "price list", "TYPE:PRICE",
                             "write one price, or a list such as H100:2.10, GB200:4.20 "
                             "(`*:PRICE` for every type not named)", why, why_len);
    if (rc != 1)
        return rc;
    if (strcmp(item, "*") != 0 && scenario_keys_check_name(item, why, why_len) != 0)
        return -1;
    if (parse_real(k, value, price, why, why_len) != 0)
        return -1;
    strcpy(type, item);
    return end_pair_item(cursor, "price list", why, why_len);
}

static int parse_price(const scenario_keys_key *k, const char *text, double *out, char *why,
                       size_t n)
{
    if (!scenario_keys_is_price_list(text))
        return parse_real(k, text, out, why, n);
    char type[SPEC_NAME_MAX];
    double price;
    int rc;
    const char *cursor = text;
    while ((rc = scenario_keys_price_list_next(k, &cursor, type, &price, why, n)) == 1)
        continue;
    *out = -1.0;   /* the resolver fills the list */
    return rc;
}

int scenario_keys_name_list_next(const char **cursor, char name[SPEC_NAME_MAX], char *why,
                           size_t why_len)
{
    const char *p = text_skip_space(*cursor);
    if (!*p)
        return 0;
    const char *end = strchr(p, ',');
    size_t len = text_trim_end_length(p, end ? (size_t)(end - p) : strlen(p));
    char item[SPEC_NAME_MAX + 1];
    snprintf(item, sizeof item, "%.*s", (int)(len < SPEC_NAME_MAX ? len : SPEC_NAME_MAX), p);
    if (len == 0) {
        snprintf(why, why_len, "the list has an empty item; write names separated by commas, "
                 "e.g. microsoft, google");
        return -1;
    }
    if (len >= SPEC_NAME_MAX || scenario_keys_check_name(item, why, why_len) != 0) {
        if (len >= SPEC_NAME_MAX)
            snprintf(why, why_len, "a name in the list is longer than %d characters",
                     SPEC_NAME_MAX - 1);
        return -1;
    }
    strcpy(name, item);
    *cursor = end ? end + 1 : p + strlen(p);
    if (end && !*text_skip_space(*cursor)) {
        snprintf(why, why_len, "the list ends with a comma; remove it");
        return -1;
    }
    return 1;
}

/* Distinct names, at least one when the key is required. O(n^2) in the
 * number of names: a list names a handful of providers. */
static int parse_name_list(const scenario_keys_key *k, const char *text, char *why, size_t n)
{
    char name[SPEC_NAME_MAX], earlier[SPEC_NAME_MAX];
    const char *cursor = text;
    int items = 0, rc;
    while ((rc = scenario_keys_name_list_next(&cursor, name, why, n)) == 1) {
        const char *again = text;
        for (int i = 0; i < items; i++) {
            scenario_keys_name_list_next(&again, earlier, why, n);
            if (strcmp(earlier, name) == 0) {
                snprintf(why, n, "'%s' is listed twice; name each one once, in order of "
                         "preference", name);
                return -1;
            }
        }
        items++;
    }
    if (rc == 0 && items == 0 && (k->flags & SCENARIO_KEYS_REQUIRED)) {
        snprintf(why, n, "the list is empty; write names separated by commas, e.g. "
                 "microsoft, google");
        return -1;
    }
    return rc;
}

int scenario_keys_parse(const scenario_keys_key *k, const char *text, scenario_keys_value *out, char *why,
                  size_t why_len)
{
    switch (k->type) {
    case SCENARIO_KEYS_TEXT: return parse_text(k, text, why, why_len);
    case SCENARIO_KEYS_REAL: return parse_real(k, text, &out->real, why, why_len);
    case SCENARIO_KEYS_SEED: return parse_seed(text, &out->seed, why, why_len);
    case SCENARIO_KEYS_GPU_COUNT: return parse_count(text, &out->integer, why, why_len);
    case SCENARIO_KEYS_MONTHS: return parse_months(text, &out->integer, why, why_len);
    case SCENARIO_KEYS_DATE: return parse_date(text, &out->days, why, why_len);
    case SCENARIO_KEYS_DURATION: return parse_duration(text, &out->integer, why, why_len);
    case SCENARIO_KEYS_ENUM: return parse_enum(k, text, &out->choice, why, why_len);
    case SCENARIO_KEYS_REF: return parse_ref(k, text, &out->choice, why, why_len);
    case SCENARIO_KEYS_GPU_LIST: return parse_gpu_list(k, text, why, why_len);
    case SCENARIO_KEYS_PATH:
    case SCENARIO_KEYS_INCLUDE: return parse_path(text, why, why_len);
    case SCENARIO_KEYS_BOOL: return parse_bool(text, &out->choice, why, why_len);
    case SCENARIO_KEYS_WHOLE: return parse_whole(k, text, &out->integer, why, why_len);
    case SCENARIO_KEYS_MONTH_SPAN: return parse_month_span(k, text, &out->integer, why, why_len);
    case SCENARIO_KEYS_PROVIDER_LIST: return parse_name_list(k, text, why, why_len);
    case SCENARIO_KEYS_PRICE: return parse_price(k, text, &out->real, why, why_len);
    case SCENARIO_KEYS_DISTRIBUTION:
        return scenario_dist_parse(text, (k->flags & SCENARIO_KEYS_GPU_VALUES) != 0, NULL, why, why_len);
    }
    return -1;
}
