/*
 * testlib_scenario: the scenario files that the reader's unit tests write
 * into their temporary directory and load (see testlib.h), and checks more
 * than one of those tests make.
 */
#include "testlib.h"

#include <sys/stat.h>

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

void testlib_write_full(testlib_dir *f)
{
    testlib_dir_write(f, "gpus.ini", gpus_ini);
    testlib_dir_write(f, "full.ini", full_ini);
    char data[128];
    snprintf(data, sizeof data, "%s/data", f->dir);
    assert_int_equal(mkdir(data, 0755), 0);
    testlib_dir_write(f, "data/api.csv", api_csv);
}

/* ---- the market, on top of full.ini ---- */

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

void testlib_write_market(testlib_dir *f)
{
    testlib_write_full(f);
    testlib_dir_write(f, "data/jobs.csv", jobs_csv);
    testlib_dir_write(f, "market.ini", market_ini);
}

/* ---- the base of the error and warning cases ---- */

const char testlib_base_ini[] =
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

/* ---- checks ---- */

void testlib_check_job(const spec_trace_job *j, int64_t submit, int64_t gpus, double hours,
                       int gpu)
{
    assert_int_equal(j->submit, submit);
    assert_int_equal(j->gpus, gpus);
    assert_real_equal(j->duration_s, hours * 3600);
    assert_int_equal(j->gpu, gpu);
}
